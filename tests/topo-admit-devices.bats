#!/usr/bin/env bats
# The Device Manager's hints (devicemanager/topology_hints_test.go), run as
# pods. Cases: fixtures/topo-admit/cases/device-hints.tsv.
load test_helper/common

expand_hints() {
	sed -e 's/P\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":true}/g' \
	    -e 's/N\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":false}/g'
}

# devices_json SPEC: the "devices" array of a topology document
devices_json() {
	local spec res ids id n=0 sep=''
	printf '['
	for spec in $1; do
		res=${spec%%=*}
		IFS=, read -ra ids <<<"${spec#*=}"
		for id in "${ids[@]}"; do
			n=$((n + 1))
			[ "$id" = - ] && id=-1
			printf '%s{"id":"dev%d","class":"accelerator","numa":%s,"resource":"%s"}' "$sep" "$n" "$id" "$res"
			sep=,
		done
	done
	printf ']'
}

# pod_json SPEC: a Guaranteed pod, one container per word
pod_json() {
	local spec n=0 init=() app=() lim kv c
	for spec in $1; do
		n=$((n + 1))
		lim='"cpu":"1","memory":"64Mi"'
		if [ "${spec#init:}" != "x" ] && [ "$spec" != x ]; then
			local IFS=,
			for kv in ${spec#init:}; do lim+=",\"${kv%%=*}\":\"${kv#*=}\""; done
			unset IFS
		fi
		c="{\"name\":\"c$n\",\"image\":\"x\",\"resources\":{\"limits\":{$lim}}}"
		case $spec in init:*) init+=("$c") ;; *) app+=("$c") ;; esac
	done
	local IFS=,
	printf '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"initContainers":[%s],"containers":[%s]}}' \
		"${init[*]}" "${app[*]}"
}

@test "device hints: the kubelet's topology_hints_test.go cases" {
	local scope devs pod idx want name n=0 bad=0 topo="$BATS_TEST_TMPDIR/topo.json"
	local mf="$BATS_TEST_TMPDIR/pod.json" got exp pair res
	while IFS=$'\t' read -r scope devs pod idx want name; do
		case $scope in '#'*|'') continue ;; esac
		n=$((n + 1))
		jq -c --argjson d "$(devices_json "$devs")" '.devices = $d' \
			"$FIXTURES/topo-admit/2n-8c.json" >"$topo"
		pod_json "$pod" >"$mf"
		if [ "$scope" = pod ]; then
			run --separate-stderr topo-admit -t "$topo" --policy best-effort --scope pod "$mf"
		else
			run --separate-stderr topo-admit -t "$topo" --policy none "$mf"
		fi
		IFS=';' read -ra pairs <<<"$want"
		for pair in "${pairs[@]}"; do
			res=${pair%%=*}
			exp=$(printf '%s' "${pair#*=}" | expand_hints)
			got=$(printf '%s' "$output" | jq -c --arg r "$res" ".containers[$idx].resources[\$r].hints")
			if [ "$got" != "$exp" ]; then
				printf 'FAIL %s: %s\n  want %s\n  got  %s (exit %s) %s\n' "$name" "$res" "$exp" "$got" \
					"$status" "$stderr" >&2
				bad=$((bad + 1))
			fi
		done
	done <"$FIXTURES/topo-admit/cases/device-hints.tsv"
	[ "$n" -ge 12 ] && [ "$bad" -eq 0 ]
}
