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
	output_has "2 lines/events read, 2 scheduler (1 failures, 0 unknown), 0 for numa-verify --explain, 0 unrelated"
}

@test "numa-verify --explain: journalctl text and -o json lines give the same entries" {
	run -1 --separate-stderr numa-verify --explain "$EX/journal.txt"
	jq_is '[.events[]|[.reason,.object,.failure]]' '[["TopologyAdmitHandler","prod/numa-app",false],["TopologyHintMerge","prod/numa-app",false],["TopologyAffinityError","prod/numa-app",true],["PolicyStateMismatch","",true],["SMTAlignmentError","",true],["DeviceAllocationFailed","prod/gpu-job",true],["MemoryManagerNoNUMANode","prod/mem-app",true],[null,"",false]]'
	jq_is '.summary|[.read,.explained,.failures,.unknown,.unrelated]' '[9,7,5,1,1]'
	jq_is '.events[2].command' '"kubectl get pod -n '"'prod'"' '"'numa-app'"' -o json > pod.json; topo-discover > node.json; topo-admit -t node.json --kubelet-config /var/lib/kubelet/config.yaml pod.json"'
	text=$(jq -c '[.events[]|.reason]' <<<"$output")
	run -1 --separate-stderr numa-verify --explain -o json - <"$EX/journal.jsonl"
	jq_is '[.events[]|.reason]' "$text"
	jq_is '.events[0].source' '"kubelet.service"'
}

@test "numa-verify --explain: 2.5 MB of journal text, where most lines are only counted, reads as the same lines in -o json form" {
	# journal text skips lines that hold no anchor (common/explain.c); the
	# journalctl -o json form reads every MESSAGE in full: the two reports
	# must be the same, hits next to the reader's 1 MiB block edges included
	command -v python3 >/dev/null || skip "python3 is not installed"
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import json, random, sys
random.seed(3)
words = ["Resources cannot be allocated with Topology locality", "SMT Alignment Error",
         "requested number of devices unavailable", "which is unexpected", "Topology Admit Handler",
         "0/3 nodes are available: 3 Insufficient cpu.", "NUMA", "Numa", "numa node", "uma", "cpu",
         "device", 'pod="prod/db-1"', "topology", "OPOLOGY", "policy", "drain", "Nov", "Opology"]
lines, n = [], 0
while n < 5 << 19:
    parts = ["Dec 04 node-a kubelet[1]: I1204 x.go:1]"]
    for _ in range(random.randint(0, 3)):
        parts.append(random.choice(words) if random.random() < 0.08 else "w%d" % random.randint(0, 999))
    line = " ".join(parts)
    lines.append(line)
    n += len(line) + 1
open(sys.argv[1] + "/j.log", "w").write("\n".join(lines) + "\n")
open(sys.argv[1] + "/j.jsonl", "w").write("".join(json.dumps({"MESSAGE": l}) + "\n" for l in lines))
PY
	run -1 --separate-stderr numa-verify --explain "$BATS_TEST_TMPDIR/j.log"
	jq_is '.summary|[.read,.unrelated,.explained,.unknown]' '[53922,50281,1672,1629]'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/text.json"
	run -1 --separate-stderr numa-verify --explain "$BATS_TEST_TMPDIR/j.jsonl"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/text.json")" ]
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

# One event per upstream template (the files are cited in common/explain.c's
# tables); the expected plugin of every part, the preemption part last.
@test "spread-check explain: every scheduler template, old and new wordings, in one Event List" {
	run -1 --separate-stderr spread-check explain "$EX/scheduler-templates.json"
	jq_is '[.events[]|[.parts[]|.plugin]]' '[["PodTopologySpread.NodeLabelNotMatch","Preemption"],["PodTopologySpread.ConstraintsNotMatch","Preemption"],["NodeAffinity","Preemption"],["NodeAffinity","Preemption"],["TaintToleration","Preemption"],["TaintToleration","Preemption"],["TaintToleration","Preemption"],["NodeResourcesFit","Preemption"],["NodeResourcesFit","Preemption"],["NodeResourcesFit","Preemption"],["NodeUnschedulable","Preemption"],["NodeUnschedulable","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeZone","Preemption"],["VolumeRestrictions","Preemption"],["NodeVolumeLimits","Preemption"],["NodeName","Preemption"],["InterPodAffinity","Preemption"],["InterPodAffinity","Preemption"],["InterPodAffinity","Preemption"],["NodePorts","Preemption"],["DynamicResources","Preemption"],["VolumeBinding","Preemption"],["NodeAffinity","Preemption"],["VolumeRestrictions","Preemption"],["VolumeBinding","TaintToleration","DynamicResources","Preemption"],["TaintToleration","Preemption"],["TaintToleration","NodeResourcesFit","Preemption","Preemption"],["NodeResourcesFit","Preemption"],["NodeResourcesFit","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeBinding","Preemption"],["VolumeRestrictions","Preemption"]]'
	jq_is '[.events[]|select(.recognized and .failure)]|length' 39
	# VolumeBinding's PreFilter: a missing claim is the lister's message, an
	# ephemeral one the controller's wait, each its own explanation
	jq_is '[.events[34,38]|.parts[0].explanation]' '["the claim of a generic ephemeral volume does not exist yet: kube-controller-manager'"'"'s ephemeral volume controller creates it (expected for a moment after the pod is created)","a PersistentVolumeClaim the pod names does not exist in its namespace"]'
	jq_is '.events[6].parts[0].reason' '"node(s) had taint {dedicated: gpu}, that the pod didn'"'"'t tolerate"'
	jq_is '.events[29].parts|map(.count)' '[1,1,null,2]'
	jq_is '.events[30].parts[1].reason' '"Preemption is not helpful for scheduling"'
}

@test "numa-verify --explain: every kubelet admission and start-up template" {
	run -1 --separate-stderr numa-verify --explain "$EX/kubelet-admission.json"
	jq_is '[.events[]|[.template,.reason,.object]]' '[["TopologyAffinityError","TopologyAffinityError","t/topo"],["SMTAlignmentError","SMTAlignmentError","t/smt"],["SMTAlignmentError","SMTAlignmentError","t/smt2"],["MemoryManagerNoNUMANode","UnexpectedAdmissionError","t/mem"],["MemoryManagerNoNUMANode","UnexpectedAdmissionError","t/mem2"],["DeviceAllocationFailed","UnexpectedAdmissionError","t/gpu"],["DeviceAllocationFailed","UnexpectedAdmissionError","t/gpu2"],["DeviceAllocationFailed","UnexpectedAdmissionError","t/gpu3"],["DeviceAllocationFailed","UnexpectedAdmissionError","t/gpu4"],["UnexpectedAdmissionError","UnexpectedAdmissionError","t/other"]]'
	jq_is '.events[2].explanation|test("fewer free whole cores")' true
	run -1 --separate-stderr numa-verify --explain "$EX/kubelet-startup.txt"
	jq_is '[.events[]|.template]' '["PolicyStateMismatch","PolicyStateMismatch","PolicyStateMismatch","InvalidReservation","InvalidReservation","InvalidReservation","TopologyManagerUnsupported"]'
	jq_is '.summary|[.read,.explained,.failures,.unknown]' '[7,7,7,0]'
}

# kubectl's DescribeEvents prints the message raw after the From column: a
# terminal wraps it at column 0 (even inside a word), other tools indent.
@test "spread-check explain: describe rows wrapped onto continuation lines are joined" {
	run -1 --separate-stderr spread-check explain "$EX/describe-wrapped.txt"
	jq_is '[.events[]|[.object,.reason,.recognized,.failure]]' '[["shop/web-7d9c6b5f4-x2x9k","FailedScheduling",true,true],["shop/web-7d9c6b5f4-x2x9k","NotTriggerScaleUp",true,false],["prod/db-1","FailedScheduling",true,true]]'
	jq_is '[.events[0].parts[]|[.count,.plugin]]' '[[2,"PodTopologySpread.NodeLabelNotMatch"],[2,"PodTopologySpread.ConstraintsNotMatch"],[1,"TaintToleration"],[5,"Preemption"]]'
	jq_is '[.events[2].parts[]|[.count,.plugin]]' '[[1,"TaintToleration"],[3,"VolumeBinding"],[4,"Preemption"]]'
	jq_is '.events[1].message' '"pod didn'"'"'t trigger scale-up:2 node(s) didn'"'"'t match pod topology spread constraints"'
}

# The re-run: db-0 fails on a skew in zone a (2 db pods, minimum 0 in zone
# c), a missing zone label (n-x has "zone"), a taint and a cordon; web-0
# has minDomains 3 over the two zones its node affinity allows; gone-0 is
# not in the dump.
@test "spread-check explain --cluster: per node the filter and domain counts, and what would let the pod schedule" {
	run -1 --separate-stderr spread-check explain --cluster "$EX/cluster.json" "$EX/cluster-events.json"
	jq_is '[.events[0].rederived.nodes[]|[.name,.plugin,.constraint.skew]]' '[["n-a1","PodTopologySpread",3],["n-a2","PodTopologySpread",3],["n-b1","TaintToleration",null],["n-c1","NodeUnschedulable",null],["n-x","PodTopologySpread",null]]'
	jq_is '.events[0].rederived.nodes[4].constraint' '{"topologyKey":"topology.kubernetes.io/zone","missingLabel":true}'
	jq_is '.events[0].rederived.constraints[0]|[.domains,.minMatch,.eligibleDomains]' '[{"a":2,"b":1,"c":0},0,3]'
	jq_is '[.events[0].rederived.fixes[]|[.change,.nodes,.domains,.to]]' '[["label",["n-x"],null,null],["addNode",null,["c"],null],["maxSkew",null,null,3]]'
	jq_is '.events[0].rederived.fixes[0].nearMisses' '[{"node":"n-x","label":"zone","value":"c","kind":"prefix"}]'
	jq_is '[.events[1].rederived.fixes[]|[.change,.newDomains,.to]]' '[["addNode",1,null],["maxSkew",null,2],["minDomains",null,2]]'
	jq_is '.events[1].rederived.nodes[4].plugin' '"NodeAffinity"'
	# the scheduler's reason no longer names the taint (1.33+); the re-run does
	jq_is '.events[0].rederived.nodes[2]|[.reasons,.taint]' '[["node(s) had untolerated taint(s)"],{"key":"dedicated","value":"gpu"}]'
	jq_is '.events[2].rederived.found' false
	# the re-run's FitError message is the event's, before its PostFilter part
	jq_is '[.events[0,1]|(.message|split(" preemption:")[0]) == .rederived.schedulerMessage]' '[true,true]'
	run -1 --separate-stderr spread-check explain -o text --nodes "$EX/cluster.json" --pods "$EX/cluster.json" - <"$EX/cluster-events.json"
	output_has "    n-a1: PodTopologySpread: topology.kubernetes.io/zone=a has 2 matching pods (+1 this pod), minimum 0: skew 3 > maxSkew 1"
	output_has "    - label n-x with topology.kubernetes.io/zone (near miss: n-x has zone=c, prefix)"
	output_has "    n-b1: TaintToleration: node(s) had untolerated taint(s) {dedicated: gpu}"
	output_has "    - minDomains of topology.kubernetes.io/zone from 3 to 2"
	output_has "  re-run: not possible: no pending pod of that name in the dump"
	run -2 --separate-stderr spread-check explain --cluster - "$EX/cluster-events.json"
	stderr_has "must name a file"
	run -2 --separate-stderr spread-check explain --pods "$EX/cluster.json" "$EX/cluster-events.json"
	stderr_has "need --nodes or --cluster"
}

# The re-run of an admission: numa-app asks 10 exclusive CPUs of a node
# whose NUMA nodes have 6 (2 reserved) and 8 free under single-numa-node.
@test "numa-verify --explain -t --pods: the admission re-run, per resource the NUMA nodes that were short" {
	local node=$BATS_TEST_DIRNAME/fixtures/nodes/c
	run -1 --separate-stderr numa-verify --explain -t "$node/topology.json" --kubelet-config "$node/kubelet-config.yaml" \
		--kubelet-dir "$node/kubelet" --pods "$EX/node-pods.json" "$EX/journal.txt"
	jq_is '.events[2].rederived|[.found,.admit,.reason,.policy]' '[true,false,"TopologyAffinityError","single-numa-node"]'
	jq_is '.events[2].rederived.containers[0].resources.cpu.why' '"10 exclusive CPUs; NUMA 0-1 preferred; NUMA 0 has 6 free CPUs, needs 10; NUMA 1 has 8 free CPUs, needs 10"'
	jq_is '[.events[]|.rederived.found]' '[null,null,true,null,null,false,true,null]'
	run -1 --separate-stderr numa-verify --explain -o text -t "$node/topology.json" --kubelet-config "$node/kubelet-config.yaml" \
		--pods "$EX/node-pods.json" - <"$EX/journal.jsonl"
	output_has "  re-run on the node now (single-numa-node, container scope): rejected"
	output_has "      cpu 10: 10 exclusive CPUs; NUMA 0-1 preferred; NUMA 0 has 6 free CPUs, needs 10; NUMA 1 has 8 free CPUs, needs 10"
	run -2 --separate-stderr numa-verify --explain -t "$node/topology.json" "$EX/journal.txt"
	stderr_has "the re-run needs --pods FILE"
	run -2 --separate-stderr numa-verify --explain --root "$node" "$EX/journal.txt"
	stderr_has "--root are for the re-run: give --pods"
	run -2 --separate-stderr numa-verify --explain --root "$node" -t "$node/topology.json" --pods "$EX/node-pods.json" "$EX/journal.txt"
	stderr_has "give it or -t, not both"
}

# On the node itself (no -t): a recorded machine (hwloc's 16amd64-8n2c-cpusets,
# 8 NUMA nodes of 1-2 CPUs) with kubeadm's files below --root. db-0 asks 3
# exclusive CPUs, more than any NUMA node holds.
@test "numa-verify --explain --pods without -t: the node below --root, read as topo-discover and the kubelet read it, decides as -t does" {
	local root=$BATS_TEST_TMPDIR/16amd64-8n2c-cpusets kdir
	tar -xjf "$EX/node/16amd64-8n2c-cpusets.tar.bz2" -C "$BATS_TEST_TMPDIR"
	kdir=$root/var/lib/kubelet
	mkdir -p "$kdir"
	printf '%s\n' 'apiVersion: kubelet.config.k8s.io/v1beta1' 'kind: KubeletConfiguration' \
		'cpuManagerPolicy: static' 'topologyManagerPolicy: single-numa-node' 'reservedSystemCPUs: "0"' >"$kdir/config.yaml"
	printf '%s\n' 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock"' >"$kdir/kubeadm-flags.env"
	printf '%s\n' '{"kind":"List","apiVersion":"v1","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"db-0","namespace":"prod"},"spec":{"containers":[{"name":"db","image":"db","resources":{"limits":{"cpu":"3","memory":"1Gi"}}}]}}]}' >"$BATS_TEST_TMPDIR/pods.json"
	printf '%s\n' 'Dec 04 10:00:00 node-a kubelet[812]: E1204 10:00:00.000000     812 predicate.go:143] "Failed to admit pod" pod="prod/db-0" err="Resources cannot be allocated with Topology locality"' >"$BATS_TEST_TMPDIR/j.log"
	run -1 --separate-stderr numa-verify --explain --root "$root" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	jq_is '.events[0].rederived|[.found,.admit,.policy,.scope]' '[true,false,"single-numa-node","container"]'
	jq_is '.events[0].rederived.sources' "{\"topology\":\"topo-discover --fsroot $root\",\"kubeletConfig\":\"$kdir/kubeadm-flags.env: /var/lib/kubelet/config.yaml\",\"kubeletDir\":\"$kdir\"}"
	jq -c '.events[0].rederived|del(.sources)' <<<"$output" >"$BATS_TEST_TMPDIR/node.json"
	# the same node given as files
	run -0 --separate-stderr topo-discover --fsroot "$root"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/topology.json"
	[ "$(jq '.cpus|length' "$BATS_TEST_TMPDIR/topology.json")" -eq 15 ]
	run -1 --separate-stderr numa-verify --explain -t "$BATS_TEST_TMPDIR/topology.json" --kubelet-config "$kdir/config.yaml" \
		--kubelet-dir "$kdir" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	[ "$(jq -c '.events[0].rederived|del(.sources)' <<<"$output")" = "$(cat "$BATS_TEST_TMPDIR/node.json")" ]
	# the kubelet's flags win over its file, as in the kubelet
	printf '%s\n' 'KUBELET_KUBEADM_ARGS="--topology-manager-scope=pod --topology-manager-policy=best-effort"' >"$kdir/kubeadm-flags.env"
	run -1 --separate-stderr numa-verify --explain -o text --root "$root" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	output_has "  re-run on the node now (best-effort, pod scope): admitted"
	output_has "    read: topology topo-discover --fsroot $root; configuration $kdir/kubeadm-flags.env: /var/lib/kubelet/config.yaml; state $kdir"
	# topo-discover is run only from beside numa-verify, never found on PATH
	if [ -z "${TK_VALGRIND:-}${TK_SANITIZE:-}" ]; then
		mkdir "$BATS_TEST_TMPDIR/alone"
		cp "$TK_BIN/numa-verify" "$BATS_TEST_TMPDIR/alone/"
		run -2 --separate-stderr "$BATS_TEST_TMPDIR/alone/numa-verify" --explain --root "$root" \
			--pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
		stderr_has "the re-run on this node needs $BATS_TEST_TMPDIR/alone/topo-discover (topo-discover next to numa-verify)"
		stderr_has "give -t TOPO"
	fi
	# a hostile tree: the config file a link out of --root is not read
	ln -sf /etc/passwd "$kdir/config.yaml.out"
	mv "$kdir/config.yaml" "$BATS_TEST_TMPDIR/config.yaml.saved"
	mv "$kdir/config.yaml.out" "$kdir/config.yaml"
	printf '%s\n' 'KUBELET_KUBEADM_ARGS="--config=/var/lib/kubelet/config.yaml"' >"$kdir/kubeadm-flags.env"
	run -1 --separate-stderr numa-verify --explain --root "$root" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	stderr_has "numa-verify: $root/var/lib/kubelet/config.yaml leaves --root $root: not read"
	jq_is '.events[0].rederived.sources.kubeletConfig|endswith("(not read: missing or outside --root; the kubelet'"'"'s defaults)")' true
	jq_is '.events[0].rederived.policy' '"none"'
	# no kubelet files: the kubelet's defaults, said so
	rm "$kdir/kubeadm-flags.env" "$kdir/config.yaml"
	run -1 --separate-stderr numa-verify --explain --root "$root" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	jq_is '.events[0].rederived|[.admit,.policy]' '[true,"none"]'
	jq_is '.events[0].rederived.sources.kubeletConfig|startswith("the kubelet'"'"'s defaults (")' true
}

# The same real machine twice in ../shared: hwloc's /sys snapshot of
# 64amd64-4s2n4ca2co and its hwloc XML export. The re-run on the snapshot
# (no -t) must decide as the re-run on the XML's topology (-t). cache asks 10
# exclusive CPUs, more than one NUMA node's 8; web asks 6.
@test "numa-verify --explain on a recorded machine's /sys decides as -t with the same machine's hwloc XML" {
	need_shared data/hwloc-fsroot/64amd64-4s2n4ca2co.tar.bz2 data/hwloc-xml/linux-64amd64-4s2n4ca2co.xml
	local root=$BATS_TEST_TMPDIR/64amd64-4s2n4ca2co kdir a
	tar -xjf "$SHARED/data/hwloc-fsroot/64amd64-4s2n4ca2co.tar.bz2" -C "$BATS_TEST_TMPDIR"
	kdir=$root/var/lib/kubelet
	mkdir -p "$kdir"
	printf '%s\n' 'apiVersion: kubelet.config.k8s.io/v1beta1' 'kind: KubeletConfiguration' 'cpuManagerPolicy: static' \
		'topologyManagerPolicy: single-numa-node' 'reservedSystemCPUs: "0-1"' >"$kdir/config.yaml"
	printf '%s\n' 'KUBELET_KUBEADM_ARGS=""' >"$kdir/kubeadm-flags.env"
	printf '%s\n' '{"kind":"List","apiVersion":"v1","items":[' \
		'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cache","namespace":"prod"},"spec":{"containers":[{"name":"c","image":"c","resources":{"limits":{"cpu":"10","memory":"1Gi"}}}]}},' \
		'{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"prod"},"spec":{"containers":[{"name":"w","image":"w","resources":{"limits":{"cpu":"6","memory":"1Gi"}}}]}}]}' >"$BATS_TEST_TMPDIR/pods.json"
	printf '%s\n' 'E1204 10:00:00.000000 812 predicate.go:143] "Failed to admit pod" pod="prod/cache" err="Resources cannot be allocated with Topology locality"' \
		'E1204 10:00:01.000000 812 predicate.go:143] "Failed to admit pod" pod="prod/web" err="Resources cannot be allocated with Topology locality"' >"$BATS_TEST_TMPDIR/j.log"
	run -1 --separate-stderr numa-verify --explain --root "$root" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	jq_is '[.events[].rederived|[.found,.admit]]' '[[true,false],[true,true]]'
	a=$(jq -c '[.events[].rederived|del(.sources)]' <<<"$output")
	run -0 --separate-stderr topo-discover --input "$SHARED/data/hwloc-xml/linux-64amd64-4s2n4ca2co.xml"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/xml.json"
	run -1 --separate-stderr numa-verify --explain -t "$BATS_TEST_TMPDIR/xml.json" --kubelet-config "$kdir/config.yaml" \
		--kubelet-dir "$kdir" --pods "$BATS_TEST_TMPDIR/pods.json" "$BATS_TEST_TMPDIR/j.log"
	[ "$(jq -c '[.events[].rederived|del(.sources)]' <<<"$output")" = "$a" ]
}

@test "spread-check explain --cluster: a pod whose claim does not exist is re-run to VolumeRestrictions' PreFilter message (it looks claims up before VolumeBinding)" {
	run -1 --separate-stderr spread-check explain --cluster "$EX/missing-claim-cluster.json" "$EX/missing-claim-events.json"
	jq_is '.events[0]|[.recognized,.parts[0].plugin]' '[true,"VolumeRestrictions"]'
	jq_is '.events[0].rederived|[.found,.feasibleNodes,.schedulerMessage]' '[true,0,"0/1 nodes are available: persistentvolumeclaim \"data\" not found."]'
}

@test "numa-verify --explain -o json: control bytes, quotes, backslashes, UTF-8 and bytes that are not UTF-8 are written exactly as jansson wrote them" {
	# the entries are written without jansson (half the time on a day of
	# journal); the golden file is what jansson's json_dumps gave for them
	run -1 --separate-stderr numa-verify --explain "$EX/hostile-bytes.log"
	[ "$output" = "$(cat "$BATS_TEST_DIRNAME/expected/numa-verify/explain-hostile-bytes.json")" ]
	python3 -c 'import json,sys; e=json.loads(sys.argv[1])["events"]; assert "db-\x01\x7f\\\\x" in e[0]["message"] and "\u00e9 \u2028" in e[0]["message"] and "prod/??" in e[1]["message"], e' "$output"
}
