#!/usr/bin/env bats
# spread-check place: kube-scheduler's PodTopologySpread table tests
# (filtering_test.go, scoring_test.go) ported as fixture cases, one
# directory per case under tests/fixtures/spread-check/place/cases/.
load test_helper/common

PLACE=$FIXTURES/spread-check/place

# run_cases PREFIX: run every case whose directory starts with PREFIX and
# fail with the list of mismatches.
run_cases() {
	local dir name args out bad="" n=0 msg
	for dir in "$PLACE"/cases/"$1"*/; do
		name=${dir%/}; name=${name##*/}
		read -r -a args <"$dir/args" || true
		out=$(cd "$dir" && spread-check place --nodes nodes.json --pods pods.json --counts "${args[@]}" pod.json) && rc=0 || rc=$?
		if [ "$rc" -gt 1 ]; then bad+="$name: exit $rc"$'\n'; continue; fi
		msg=$(printf '%s' "$out" | jq -r --slurpfile e "$dir/expect.json" '$e[0] as $exp | '"$(cat "$PLACE/check.jq")")
		[ -z "$msg" ] || bad+="$name: $msg"$'\n'
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "no case matched $1"; return 1; }
	[ -z "$bad" ] || { printf '%s' "$bad"; return 1; }
}

@test "TestPreFilterState cases: counted pods per domain" {
	run_cases PreFilterState-
}

@test "TestPreFilterStateAddPod cases: a pod added to the cluster counts" {
	run_cases PreFilterStateAddPod-
}

@test "TestPreFilterStateRemovePod cases: a removed pod no longer counts" {
	run_cases PreFilterStateRemovePod-
}

@test "TestSingleConstraint cases: Filter verdicts" {
	run_cases SingleConstraint-
}

@test "TestMultipleConstraints cases: Filter verdicts" {
	run_cases MultipleConstraints-
}

@test "TestPodTopologySpreadScore cases: normalized scores" {
	run_cases PodTopologySpreadScore-
}

@test "TestPreScoreStateEmptyNodes cases: scored domains, topology sizes, ignored nodes" {
	run_cases PreScoreStateEmptyNodes-
}

@test "TestPreScoreSkip cases: no soft constraints, nothing scored" {
	run_cases PreScoreSkip-
}

@test "place: only running, non-terminating pods of the namespace on listed nodes count" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes.yaml" --pods "$M/pods.yaml" --counts "$M/hard.yaml"
	jq_is '.constraints[0].domains' '{"zone1":2,"zone2":0}'
	jq_is '[.nodes[] | .feasible]' '[false,false,true,false]'
	jq_is '.nodes[3].reason' '"node(s) didn'"'"'t match pod topology spread constraints (missing required label)"'
}

@test "place: --failed-nodes are counted but not candidates; exit 1 when nothing is feasible" {
	M=$PLACE/misc
	run -1 --separate-stderr spread-check place --nodes "$M/nodes.yaml" --pods "$M/pods.yaml" --failed-nodes node-x "$M/hard.yaml"
	jq_is '.nodes[2]' '{"name":"node-x","feasible":false,"reason":"node(s) failed another filter"}'
}

@test "place: -o text" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes.yaml" --pods "$M/pods.yaml" -o text "$M/hard.yaml"
	output_has "node-x	feasible	0"
	output_has "node-a	infeasible	node(s) didn't match pod topology spread constraints"
}

@test "place: bad input exits 2 with file:line:col" {
	M=$PLACE/misc
	run -2 --separate-stderr spread-check place --nodes "$M/hard.yaml" "$M/hard.yaml"
	stderr_has "hard.yaml:1:7:"
	stderr_has "expected kind Node"
	run -2 --separate-stderr spread-check place --nodes "$M/nodes.yaml" --failed-nodes nope "$M/hard.yaml"
	stderr_has "unknown node 'nope'"
	run -2 --separate-stderr spread-check place --nodes "$M/nodes.yaml"
	stderr_has "missing POD file"
}

@test "every subcommand's misuse names the subcommand in its message and try-help line" {
	local sub
	for sub in lint place simulate audit; do
		run -2 --separate-stderr spread-check "$sub" --no-such-option
		[ -z "$output" ]
		stderr_has "spread-check $sub: unrecognized option '--no-such-option'"
		stderr_has "Try 'spread-check $sub --help' for more information."
		run -2 --separate-stderr spread-check "$sub" -o nope
		stderr_has "Try 'spread-check $sub --help' for more information."
	done
	run -2 --separate-stderr spread-check simulate --nodes x --replicas many w.yaml
	[ "$stderr" = "spread-check simulate: invalid --replicas value 'many'
Try 'spread-check simulate --help' for more information." ]
	run -0 spread-check place --version
	[ "$output" = "spread-check (topokit) 0.1.0" ]
}

@test "place: system default constraints take the selector of Services and the controlling StatefulSet" {
	M=$PLACE/misc
	# app=web (Service) AND tier in (db) (StatefulSet): 1/0/2/0 pods per node, 1/2 per zone
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-std.yaml" --pods "$M/ss-pods.yaml" --objects "$M/objects.yaml" "$M/ss-pod.yaml"
	jq_is '[.nodes[].score]' '[83,100,58,83]'
}

@test "place: system default constraints merge a ReplicationController's selector" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-std.yaml" --pods "$M/ss-pods.yaml" --objects "$M/objects.yaml" "$M/rc-pod.yaml"
	jq_is '[.nodes[].score]' '[66,88,100,100]'
}

@test "place: without --objects a pod without constraints gets no default selector, so no score" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-std.yaml" --pods "$M/ss-pods.yaml" "$M/ss-pod.yaml"
	jq_is '[.nodes[].score]' '[0,0,0,0]'
}

@test "place: node inclusion follows Gt, matchFields, ORed terms and tolerations" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-sel.yaml" --pods "$M/pods-sel.yaml" --counts "$M/gt.yaml"
	jq_is '.constraints[0].domains' '{"z1":1,"z2":1}'
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-sel.yaml" --pods "$M/pods-sel.yaml" --counts "$M/fields.yaml"
	jq_is '.constraints[0].domains' '{"z1":1,"z3":1}'
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-sel.yaml" --pods "$M/pods-sel.yaml" --counts "$M/taints.yaml"
	jq_is '.constraints[0].domains' '{"z1":2,"z2":1,"z3":1}'
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-sel.yaml" --pods "$M/pods-sel.yaml" --counts "$M/taints-none.yaml"
	jq_is '.constraints[0].domains' '{"z1":1,"z2":1,"z3":1}'
}

@test "place: a node affinity term with an invalid label key or value matches no node (nodeaffinity ignores the parse error)" {
	M=$PLACE/misc
	run -0 --separate-stderr spread-check place --nodes "$M/nodes-sel.yaml" --pods "$M/pods-sel.yaml" --counts "$M/badterm.yaml"
	jq_is '.constraints[0].domains' '{"z2":1}'
}
