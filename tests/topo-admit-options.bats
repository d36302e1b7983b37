#!/usr/bin/env bats
# Policy options and NewManager's checks (policy_options_test.go,
# topology_manager_test.go), run through `topo-admit --hints`.
load test_helper/common

@test "options: the kubelet's option validation and NUMA node limit" {
	local policy nodes opts code msg name bad=0 n=0
	echo '[]' >"$BATS_TEST_TMPDIR/h.json"
	while IFS=$'\t' read -r policy nodes opts code msg name; do
		case $policy in '#'*|'') continue ;; esac
		n=$((n + 1))
		local args=()
		[ "$msg" = - ] && msg=
		for kv in $opts; do
			case $kv in
			-) ;;
			@dist4) args+=(--distances "$FIXTURES/topo-admit/dist-4.json") ;;
			@dist=*) args+=(--distances "$FIXTURES/topo-admit/${kv#@dist=}") ;;
			*) args+=(--option "$kv") ;;
			esac
		done
		run --separate-stderr topo-admit --policy "$policy" --numa-nodes "$nodes" \
			--hints "$BATS_TEST_TMPDIR/h.json" "${args[@]}"
		if [ "$status" -ne "$code" ] || { [ -n "$msg" ] && [ "$stderr" != "topo-admit: $msg" ]; }; then
			printf 'FAIL %s\n  want %s %s\n  got  %s %s\n' "$name" "$code" "$msg" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$FIXTURES/topo-admit/cases/options.tsv"
	[ "$n" -ge 23 ] && [ "$bad" -eq 0 ]
}

@test "options: an unknown option is reported before an unknown policy (NewManager order)" {
	echo '[]' >"$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy bogus --numa-nodes 0-1 \
		--hints "$BATS_TEST_TMPDIR/h.json" --option nope=1
	[ "$stderr" = 'topo-admit: unknown Topology Manager Policy option: "nope"' ]
}

@test "options: the scope is checked after the policy" {
	echo '[]' >"$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy restricted --scope node --numa-nodes 0-1 \
		--hints "$BATS_TEST_TMPDIR/h.json"
	[ "$stderr" = 'topo-admit: unknown scope: "node"' ]
}

@test "options: --option without '=' is a usage error" {
	run -2 --separate-stderr topo-admit --policy restricted --option prefer-closest-numa-nodes
	stderr_has "want NAME=VALUE"
	stderr_has "Try 'topo-admit --help'"
}

@test "options: distances from a -t topology document enable prefer-closest-numa-nodes" {
	cat >"$BATS_TEST_TMPDIR/t.json" <<'J'
{"kind":"NodeTopology","apiVersion":"topokit/v1","cpus":[{"id":0,"numa":0},{"id":1,"numa":1},{"id":2,"numa":2}],
 "numa":[{"id":0,"cpus":"0","distances":[10,20,30]},{"id":1,"cpus":"1","distances":[20,10,30]},{"id":2,"cpus":"2","distances":[30,30,10]}]}
J
	echo '[{"cpu":[{"numaAffinity":[0,2],"preferred":true},{"numaAffinity":[0,1],"preferred":true}]}]' >"$BATS_TEST_TMPDIR/h.json"
	run -0 topo-admit -t "$BATS_TEST_TMPDIR/t.json" --policy best-effort \
		--option prefer-closest-numa-nodes=true --hints "$BATS_TEST_TMPDIR/h.json"
	[ "$output" = '{"admit":true,"hint":{"numaAffinity":[0,1],"preferred":true}}' ]
}

@test "options: TestManagerScope: container, pod, unknown" {
	echo '[]' >"$BATS_TEST_TMPDIR/h.json"
	run -0 topo-admit --policy best-effort --scope container --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	run -0 topo-admit --policy best-effort --scope pod --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy best-effort --scope unknown --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	[ "$stderr" = 'topo-admit: unknown scope: "unknown"' ]
}

@test "options: CPU Manager policy options, checked as the kubelet checks them after the Topology Manager" {
	local tm cpu topo opts code msg name bad=0 n=0 kv
	while IFS=$'\t' read -r tm cpu topo opts code msg name; do
		case $tm in '#'*|'') continue ;; esac
		n=$((n + 1))
		local args=()
		[ "$msg" = - ] && msg=
		for kv in $opts; do args+=(--cpu-option "$kv"); done
		run --separate-stderr topo-admit -t "$FIXTURES/topo/$topo" --policy "$tm" --cpu-manager-policy "$cpu" \
			"${args[@]}" "$FIXTURES/topo-admit/four-cpus.yaml"
		if [ "$status" -ne "$code" ] || { [ -n "$msg" ] && [ "$stderr" != "topo-admit: $msg" ]; }; then
			printf 'FAIL %s\n  want %s %s\n  got  %s %s\n' "$name" "$code" "$msg" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$FIXTURES/topo-admit/cases/cpu-options.tsv"
	[ "$n" -eq 13 ] && [ "$bad" -eq 0 ]
}
