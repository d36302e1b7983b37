#!/usr/bin/env bats
# spread-check place/simulate/audit on one cluster dump, as
# `kubectl get nodes,pods,replicasets -A -o json` prints it (one List).
load test_helper/common

CL=$FIXTURES/spread-check/cluster
AUD=$FIXTURES/spread-check/audit

@test "cluster: --cluster, the same file twice and stdin read as the separate files" {
	run -1 --separate-stderr spread-check audit --nodes "$AUD/3zones.yaml" --pods "$AUD/web-skewed.yaml"
	local want=$output
	jq_is '.workloads[0].constraints[0].counts' '{"a":3,"b":1,"c":0}'
	run -1 --separate-stderr spread-check audit --cluster "$CL/dump.json"
	[ "$output" = "$want" ]
	# the same loader again: the plain and ASan runs are enough for these
	[ -z "${TK_VALGRIND:-}" ] || return 0
	ln -s "$CL/dump.json" "$BATS_TEST_TMPDIR/alias.json"
	run -1 --separate-stderr spread-check audit --nodes "$CL/dump.json" --pods "$BATS_TEST_TMPDIR/alias.json"
	[ "$output" = "$want" ]
	run -1 --separate-stderr spread-check audit --nodes - --pods - <"$CL/dump.json"
	[ "$output" = "$want" ]
}

@test "cluster: the dump's ReplicaSet gives the system default constraints their selector" {
	# web-5 has no constraints of its own; without its ReplicaSet's selector
	# the defaults select nothing and every node scores alike
	jq '{kind: "List", items: [.items[] | select(.kind == "ReplicaSet")]}' "$CL/dump.json" >"$BATS_TEST_TMPDIR/rs.json"
	run -0 --separate-stderr spread-check place --nodes "$AUD/3zones.yaml" --pods "$AUD/web-skewed.yaml" \
		--objects "$BATS_TEST_TMPDIR/rs.json" "$CL/web-new.yaml"
	local want=$output
	jq_is '[.nodes[].score] | unique | length > 1' 'true'
	run -0 --separate-stderr spread-check place --cluster "$CL/dump.json" "$CL/web-new.yaml"
	[ "$output" = "$want" ]
	[ -z "${TK_VALGRIND:-}" ] || return 0
	run -0 --separate-stderr spread-check place --nodes "$AUD/3zones.yaml" --pods "$AUD/web-skewed.yaml" "$CL/web-new.yaml"
	jq_is '[.nodes[].score] | unique' '[0]'
}

@test "cluster: simulate --cluster counts the running pods" {
	run -0 --separate-stderr spread-check simulate --cluster "$CL/dump.json" --replicas 2 "$CL/web-new.yaml"
	[ "$output" != "" ]
	# zone c is empty and b has one pod: the new replicas go there, not to a
	jq_is '[.placements[].node] | map(select(startswith("a"))) | length' '0'
}

@test "cluster: a Node after a Pod, an item without kind, --cluster with --nodes" {
	printf '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"p"}},\n{"kind":"Node","metadata":{"name":"n"}}]}\n' >"$BATS_TEST_TMPDIR/late.json"
	run -2 --separate-stderr spread-check audit --cluster "$BATS_TEST_TMPDIR/late.json"
	stderr_has "late.json:2:1: Node after Pods"
	printf '{"kind":"List","items":[{"metadata":{"name":"n"}}]}\n' >"$BATS_TEST_TMPDIR/nokind.json"
	run -2 --separate-stderr spread-check audit --cluster "$BATS_TEST_TMPDIR/nokind.json"
	stderr_has "nokind.json:1:25: object has no kind"
	run -2 --separate-stderr spread-check audit --nodes "$CL/dump.json" --cluster "$CL/dump.json"
	stderr_has "--cluster replaces --nodes and --pods"
}
