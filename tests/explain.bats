#!/usr/bin/env bats
# spread-check explain and numa-verify --explain (issue 12): the scheduler's
# and the kubelet's messages, from the upstream templates, in Event Lists
# (core/v1 and events.k8s.io/v1), kubectl describe text, journalctl text and
# journalctl -o json lines. Few processes: each fixture holds every case.
load test_helper/common

EX=$BATS_TEST_DIRNAME/fixtures/explain

@test "spread-check explain: an Event List, both API forms, every scheduler reason" {
	run -1 --separate-stderr spread-check explain "$EX/events.json"
	jq_is '[.events[]|select(.domain=="scheduler" and .recognized)]|length' 3
	jq_is '[.events[0].parts[]|[.count,.plugin,.preemption]]' '[[3,"PodTopologySpread.ConstraintsNotMatch",false],[2,"PodTopologySpread.NodeLabelNotMatch",false],[1,"TaintToleration",false],[1,"Preemption",true],[5,"Preemption",true]]'
	jq_is '.events[0].command' '"kubectl get nodes,pods -A -o json > cluster.json; kubectl get pod -n '"'prod'"' '"'db-0'"' -o json > pod.json; spread-check place --cluster cluster.json pod.json"'
	jq_is '.events[1]|[.object,.source,([.parts[].plugin]|join(","))]' '["shop/web-1","default-scheduler","NodeAffinity,NodeUnschedulable,NodeResourcesFit,Preemption,Preemption"]'
	jq_is '[.events[2].parts[].plugin]|unique' '["Preemption","VolumeBinding"]'
	jq_is '.events[3]|[.domain,.recognized,.explanation]' '["kubelet",true,"handled by numa-verify --explain"]'
	jq_is '.events[4]|[.recognized,.failure,.explanation]' '[false,false,null]'
	jq_is '.summary|[.read,.explained,.failures,.unknown,.otherTool,.unrelated]' '[6,3,3,1,1,1]'
}

@test "spread-check explain: kubectl describe pod text from stdin, -o text" {
	run -1 --separate-stderr spread-check explain -o text - <"$EX/describe.txt"
	output_has "* FailedScheduling prod/db-0 (from default-scheduler)"
	output_has "  - 3 node(s) didn't match pod topology spread constraints (missing required label): these nodes lack a topologyKey label"
	output_has "  run: kubectl get nodes,pods -A -o json > cluster.json; kubectl get pod -n 'prod' 'db-0' -o json > pod.json; spread-check place --cluster cluster.json pod.json"
	output_has "2 lines/events read, 1 scheduler (1 failures, 0 unknown), 0 for numa-verify --explain, 1 unrelated"
}

@test "numa-verify --explain: journalctl text and -o json lines give the same entries" {
	run -1 --separate-stderr numa-verify --explain "$EX/journal.txt"
	jq_is '[.events[]|[.reason,.object,.failure]]' '[["TopologyAdmitHandler","prod/numa-app",false],["TopologyHintMerge","prod/numa-app",false],["TopologyAffinityError","prod/numa-app",true],["PolicyStateMismatch","",true],["SMTAlignmentError","",true],["DeviceAllocationFailed","prod/gpu-job",true],["UnexpectedAdmissionError","prod/mem-app",true],[null,"",false]]'
	jq_is '.summary|[.read,.explained,.failures,.unknown,.unrelated]' '[9,7,5,1,1]'
	jq_is '.events[2].command' '"kubectl get pod -n '"'prod'"' '"'numa-app'"' -o json > pod.json; topo-discover > node.json; topo-admit -t node.json --kubelet-config /var/lib/kubelet/config.yaml pod.json"'
	text=$(jq -c '[.events[]|.reason]' <<<"$output")
	run -1 --separate-stderr numa-verify --explain -o json - <"$EX/journal.jsonl"
	jq_is '[.events[]|.reason]' "$text"
	jq_is '.events[0].source' '"kubelet.service"'
}

@test "numa-verify --explain: Event List: kubelet events explained, scheduler ones counted for spread-check" {
	run -1 --separate-stderr numa-verify --explain -o text "$EX/events.json"
	output_has "* TopologyAffinityError prod/numa-app (from kubelet)"
	output_has "6 lines/events read, 1 kubelet (1 failures, 0 unknown), 4 for spread-check explain, 1 unrelated"
}

@test "explain: unknown messages are unknown, exit 0; bad input exit 2; control characters escaped" {
	run -0 --separate-stderr numa-verify --explain "$EX/unknown.txt"
	jq_is '[.events[]|.recognized]' '[false]'
	jq_is '.summary|[.unknown,.unrelated]' '[1,1]'
	run -2 --separate-stderr spread-check explain - <<<'{"kind": "List", "items": [ {"reason": '
	stderr_has "<stdin>:"
	run -2 --separate-stderr numa-verify --explain /nonexistent/journal
	printf 'Dec 04 kubelet: "Topology Admit Handler" \033[31mred\r\n' >"$BATS_TEST_TMPDIR/ctl.txt"
	run -0 --separate-stderr numa-verify --explain -o text "$BATS_TEST_TMPDIR/ctl.txt"
	output_has 'Topology Admit Handler" \x1b[31mred'
	run -2 --separate-stderr spread-check explain a b
}
