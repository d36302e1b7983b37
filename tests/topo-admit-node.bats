#!/usr/bin/env bats
# topo-admit -t TOPO --nodes NODES_FILE: the Node next to its topology, and
# the kubelet's predicate admission after the Topology Manager's
# (lifecycle/predicate.go): OS, allocatable against what the node's pods
# request, node affinity, node name, host ports, NoExecute taints.
# Fixtures: fixtures/topo-admit/node/ (cluster.json as `kubectl get
# nodes,pods -A -o json` prints it, with a NodeResourceTopology in the List).
load test_helper/common

N=$FIXTURES/topo-admit/node
TOPO=$FIXTURES/seed/2s-2n-8c-2t.json

setup() {
	cd "$BATS_TEST_TMPDIR"
}

@test "--nodes with a kubectl nodes,pods List: one pod per predicate case, in order, each rejection freeing what it took" {
	# worker-01 is the topology's host; worker-02, its pods, the ended,
	# unbound and NRT objects are not counted
	run -1 --separate-stderr topo-admit -t "$TOPO" --nodes "$N/cluster.json" "$N/pods.yaml"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -r '[.pod, .admit, .reason // "", .message // ""] | @tsv' >got.tsv
	diff -u "$N/pods.tsv" got.tsv
	# the same List in text: the reason as the kubelet words it
	run -1 --separate-stderr topo-admit -t "$TOPO" --nodes "$N/cluster.json" -o text "$N/pods.yaml"
	output_has "pod too-much-cpu: rejected (policy none, scope container, QoS Burstable)"
	output_has "  reason: OutOfcpu: Node didn't have enough resource: cpu, requested: 4000, used: 29000, capacity: 32000"
}

@test "--nodes with one Node (kubectl get node -o json, the seed guide's YAML): what disagrees with the topology is said" {
	jq '.items[1]' "$N/cluster.json" >node.json
	run -1 --separate-stderr topo-admit -t "$TOPO" --nodes node.json "$N/pods.yaml"
	# no pods bound: the first CPU case fits now
	run -0 jq -rs 'map(select(.pod == "too-much-cpu"))[0] | [.pod, .admit] | @tsv' <<<"$output"
	[ "$output" = "too-much-cpu	true" ]
	# the guide's Node: no pods allocatable, huge pages as a count (its
	# pod asks for 1 byte of them, which fits), 4 GPUs where the topology
	# has 1; 4 pages written as bytes do not fit in 4 bytes
	run -0 --separate-stderr topo-admit -t "$TOPO" --nodes "$FIXTURES/seed/worker-01-node.yaml" "$FIXTURES/seed/numa-database.yaml"
	sed 's/hugepages-1Gi: "1"/hugepages-1Gi: 4Gi/' "$FIXTURES/seed/numa-database.yaml" >db.yaml
	run -1 --separate-stderr topo-admit -t "$TOPO" --nodes "$FIXTURES/seed/worker-01-node.yaml" -o text db.yaml
	stderr_has "warning: $FIXTURES/seed/worker-01-node.yaml: Node 'worker-01' lists no allocatable pods, which the kubelet always reports: taken as 110, its default maxPods"
	stderr_has "Node 'worker-01' reports hugepages-1Gi: 4 bytes, not whole 1Gi pages"
	stderr_has "Node 'worker-01' reports 4 allocatable nvidia.com/gpu, the topology 1 such device(s)"
	output_has "  reason: OutOfhugepages-1Gi: Node didn't have enough resource: hugepages-1Gi, requested: 4294967296, used: 0, capacity: 4"
}

@test "a pod the Topology Manager rejects frees what its first containers took (removeStaleState), with or without a Node" {
	cat >pods.yaml <<-'YAML'
	apiVersion: v1
	kind: Pod
	metadata: {name: half-aligned}
	spec:
	  containers:
	    - {name: a, image: x, resources: {limits: {cpu: "15", memory: 1Gi}}}
	    - {name: b, image: x, resources: {limits: {cpu: "17", memory: 1Gi}}}
	---
	apiVersion: v1
	kind: Pod
	metadata: {name: whole-numa-1}
	spec:
	  containers:
	    - {name: a, image: x, resources: {limits: {cpu: "16", memory: 1Gi}}}
	YAML
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static --reserved 0,16 pods.yaml
	run -0 jq -rs 'map([.pod, .admit, .reason // ""] | join(" ")) | join(",")' <<<"$output"
	[ "$output" = "half-aligned false TopologyAffinityError,whole-numa-1 true " ]
}

@test "--nodes refuses what names no Node of the topology, or is no Node, with file:line:col" {
	# two Nodes, neither the host of a topology named otherwise
	jq '.hostname = "worker-09"' "$TOPO" >topo.json
	run -2 --separate-stderr topo-admit -t topo.json --nodes "$N/cluster.json" "$N/pods.yaml"
	[ "$stderr" = "topo-admit: $N/cluster.json: 2 Nodes, none named as the topology's host 'worker-09'" ]
	printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' >cm.yaml
	run -2 --separate-stderr topo-admit -t "$TOPO" --nodes cm.yaml "$N/pods.yaml"
	[ "$stderr" = "topo-admit: cm.yaml:1:1: expected a Node (or its Pods), got kind 'ConfigMap'" ]
	printf 'apiVersion: v1\nkind: Node\nmetadata: {name: worker-01}\nstatus: {capacity: {cpu: "32"}}\n' >bare.yaml
	run -2 --separate-stderr topo-admit -t "$TOPO" --nodes bare.yaml "$N/pods.yaml"
	[ "$stderr" = "topo-admit: bare.yaml:1:1: Node 'worker-01' has no status.allocatable (kubectl get node worker-01 -o json prints it)" ]
}

@test "--nrt --nodes takes the same nodes,pods dump: its Pods are skipped" {
	local d=$FIXTURES/kubectl/nrt
	jq '.items += [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"nodeName": "worker-node-a", "containers": [{"name": "c", "image": "x"}]}}]' \
		"$d/get-nodes.json" >dump.json
	# neither node can align the database pod (exit 1): the same verdicts
	run -1 --separate-stderr topo-admit --nrt "$d/get-noderesourcetopologies.topology.node.k8s.io.json" --nodes "$d/get-nodes.json" "$FIXTURES/seed/numa-database.yaml"
	printf '%s\n' "$output" >want.json
	grep -q '"name":"worker-node-b"' want.json
	run -1 --separate-stderr topo-admit --nrt "$d/get-noderesourcetopologies.topology.node.k8s.io.json" --nodes dump.json "$FIXTURES/seed/numa-database.yaml"
	[ "$output" = "$(cat want.json)" ]
}
