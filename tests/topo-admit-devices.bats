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
			# pod scope: the pod's one merge (podScope), not a container's
			if [ "$scope" = pod ]; then
				got=$(printf '%s' "$output" | jq -c --arg r "$res" '.podScope.resources[$r].hints')
			else
				got=$(printf '%s' "$output" | jq -c --arg r "$res" ".containers[$idx].resources[\$r].hints")
			fi
			# the exit says the verdict (more devices than the node has are
			# refused by the device manager's Allocate, whatever the policy)
			case $status:$(jq -r .admit <<<"$output") in 0:true | 1:false) ;; *) got="exit $status, $got" ;; esac
			if [ "$got" != "$exp" ]; then
				printf 'FAIL %s: %s\n  want %s\n  got  %s (exit %s) %s\n' "$name" "$res" "$exp" "$got" \
					"$status" "$stderr" >&2
				bad=$((bad + 1))
			fi
		done
	done <"$FIXTURES/topo-admit/cases/device-hints.tsv"
	[ "$n" -ge 12 ] && [ "$bad" -eq 0 ]
}

@test "device hints: pod scope, optimal on 1 NUMA node, forced cross-NUMA (getPodScopeTestCases)" {
	# the kubelet test's other pod holds Dev1 and Dev3 of each resource: here
	# other1 takes NUMA 0's first device of each, other2 (its CPUs fit only
	# NUMA 1) NUMA 1's first
	local topo="$BATS_TEST_TMPDIR/topo.json"
	jq -c --argjson d "$(devices_json "testdevice1=0,0,1,1 testdevice2=0,0,1,1")" '.devices = $d' \
		"$FIXTURES/topo-admit/2n-8c.json" >"$topo"
	cat >"$BATS_TEST_TMPDIR/p.yaml" <<'Y'
kind: Pod
metadata: {name: other1}
spec:
  containers:
  - {name: a, resources: {limits: {cpu: 500m, memory: 64Mi, testdevice1: "1", testdevice2: "1"}}}
---
kind: Pod
metadata: {name: other2}
spec:
  containers:
  - {name: a, resources: {limits: {cpu: "2", memory: 64Mi, testdevice1: "1", testdevice2: "1"}}}
---
kind: Pod
metadata: {name: fakePod}
spec:
  containers:
  - {name: fakeContainer1, resources: {limits: {cpu: 500m, memory: 64Mi, testdevice1: "1", testdevice2: "1"}}}
  - {name: fakeContainer2, resources: {limits: {cpu: 500m, memory: 64Mi, testdevice1: "1", testdevice2: "1"}}}
  - {name: fakeContainer3, resources: {limits: {cpu: 500m, memory: 64Mi}}}
Y
	run -0 --separate-stderr topo-admit -t "$topo" --cpu-manager-policy static --available 0,4-7 \
		--policy best-effort --scope pod "$BATS_TEST_TMPDIR/p.yaml"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "other2") | .containers[0].hint.numaAffinity')" = '[1]' ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "fakePod") | .podScope.resources |
		[.testdevice1.hints, .testdevice2.hints]')" = \
		'[[{"numaAffinity":[0,1],"preferred":false}],[{"numaAffinity":[0,1],"preferred":false}]]' ]
}
