#!/usr/bin/env bats
# topo-discover -o nrt with --kubelet-dir and --kubelet-config: allocatable and
# available from the KubeletConfiguration and the kubelet's checkpoints, on the
# hand-made nodes of tests/fixtures/nodes (README there), checked against the
# NodeResourceTopology v1alpha2 CRD schema.
load test_helper/common

NODES=$FIXTURES/nodes

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# nrt NODE: the node's NRT object in $output
nrt() {
	run --separate-stderr topo-discover -t "$NODES/$1/topology.json" -o nrt \
		--kubelet-dir "$NODES/$1/kubelet" --kubelet-config "$NODES/$1/kubelet-config.yaml"
	[ "$status" -eq 0 ]
}

# [name, capacity, allocatable, available] of every resource of zone $1
ZONE='[.zones[] | select(.name == $z) | .resources[] | [.name, .capacity, .allocatable, .available]]'

@test "node a: reserved CPUs and memory leave allocatable, a container's CPUs, memory, hugepages and GPUs leave available" {
	nrt a
	jq_is ".zones[0].name as \$z | $ZONE" \
		'[["cpu","8","7","3"],["memory","64424509440","63350767616","54760833024"],["hugepages-1Gi","4294967296","4294967296","2147483648"],["nvidia.com/gpu","2","2","0"]]'
	jq_is ".zones[1].name as \$z | $ZONE" \
		'[["cpu","8","7","7"],["memory","64424509440","63350767616","63350767616"],["hugepages-1Gi","4294967296","4294967296","4294967296"],["nvidia.com/gpu","2","2","2"]]'
	jq_is '.attributes' '[{"name":"topologyManagerPolicy","value":"single-numa-node"},{"name":"topologyManagerScope","value":"container"}]'
	printf '%s\n' "$output" >a.json
	need_jsonschema
	run -0 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$FIXTURES/schemas/noderesourcetopology-v1alpha2.json" a.json
}

@test "node b: 4 NUMA nodes; a 40Gi block pinned to NUMA 0 and 1 empties node 0 before it takes from node 1" {
	nrt b
	jq_is '[.zones[] | .name as $z | .resources[] | select(.name == "memory") | [$z, .allocatable, .available]]' \
		'[["node-0","31138512896","0"],["node-1","33285996544","21474836480"],["node-2","33285996544","33285996544"],["node-3","33285996544","33285996544"]]'
	jq_is '[.zones[] | .resources[] | select(.name == "nvidia.com/gpu") | .available]' '["0","0","0","1"]'
	jq_is '[.zones[] | .resources[] | select(.name == "cpu") | .available]' '["1","1","1","4"]'
	jq_is '[.zones[2].resources[] | select(.name == "hugepages-2Mi") | .available]' '["536870912"]'
	jq_is '.topologyPolicies' '["RestrictedPodLevel"]'
	printf '%s\n' "$output" >b.json
	need_jsonschema
	run -0 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$FIXTURES/schemas/noderesourcetopology-v1alpha2.json" b.json
}

@test "node c: no checkpoint at all assigns nothing; without --kubelet-config allocatable is capacity" {
	nrt c
	jq_is '[.zones[] | .resources[] | select(.name == "cpu") | [.capacity, .allocatable, .available]]' '[["8","6","6"],["8","8","8"]]'
	run --separate-stderr topo-discover -t "$NODES/c/topology.json" -o nrt --kubelet-dir "$NODES/c/kubelet"
	[ "$status" -eq 0 ]
	jq_is '[.zones[] | .resources[] | .capacity == .allocatable and .allocatable == .available] | all' 'true'
	jq_is 'has("attributes")' 'false'
	printf '%s\n' "$output" >c.json
	need_jsonschema
	run -0 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$FIXTURES/schemas/noderesourcetopology-v1alpha2.json" c.json
}

@test "the schema check can fail: a zone without its type is refused" {
	nrt a
	printf '%s\n' "$output" | jq 'del(.zones[0].type)' >bad.json
	need_jsonschema
	run -1 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$FIXTURES/schemas/noderesourcetopology-v1alpha2.json" bad.json
}

@test "checkpoints the kubelet would refuse are errors in its words; --kubelet-dir needs -o nrt" {
	cp -r "$NODES/a/kubelet" k
	sed -i 's/"checksum":[0-9]*/"checksum":1/' k/memory_manager_state
	run --separate-stderr topo-discover -t "$NODES/a/topology.json" -o nrt --kubelet-dir k
	[ "$status" -eq 2 ]
	stderr_has 'could not restore state from checkpoint: checkpoint is corrupted, please drain this node and delete the memory manager checkpoint file "k/memory_manager_state" before restarting Kubelet'
	cp "$NODES/a/kubelet/memory_manager_state" k/
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nmemoryManagerPolicy: None\n' >none.yaml
	run --separate-stderr topo-discover -t "$NODES/a/topology.json" -o nrt --kubelet-dir k --kubelet-config none.yaml
	[ "$status" -eq 2 ]
	stderr_has 'configured policy "none" differs from state checkpoint policy "static"'
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncpuManagerPolicy: static\nmemoryManagerPolicy: None\n' >none.yaml
	run --separate-stderr topo-discover -t "$NODES/a/topology.json" -o nrt --kubelet-dir k --kubelet-config none.yaml
	[ "$status" -eq 2 ]
	stderr_has '[memorymanager] configured policy "None" differs from state checkpoint policy "Static"'
	sed -i 's/"Checksum":[0-9]*/"Checksum":1/' k/device-plugins/kubelet_internal_checkpoint
	run --separate-stderr topo-discover -t "$NODES/a/topology.json" -o nrt --kubelet-dir k
	[ "$status" -eq 2 ]
	stderr_has 'kubelet_internal_checkpoint: checkpoint is corrupted'
	run --separate-stderr topo-discover -t "$NODES/a/topology.json" --kubelet-dir k
	[ "$status" -eq 2 ]
	stderr_has '--kubelet-dir needs -o nrt'
}

@test "topo-admit --nrt on the three nodes: two GPUs on one NUMA node fit node a's NUMA 1, never node c; node b's restricted policy is not filtered by the plugin" {
	local n
	for n in a b c; do
		run --separate-stderr topo-discover -t "$NODES/$n/topology.json" -o nrt \
			--kubelet-dir "$NODES/$n/kubelet" --kubelet-config "$NODES/$n/kubelet-config.yaml"
		[ "$status" -eq 0 ]
		printf '%s\n' "$output" >"$n.json"
	done
	jq -s '{kind: "List", items: .}' a.json b.json c.json >all.json
	cat >pod.yaml <<-'EOF'
	apiVersion: v1
	kind: Pod
	metadata: {name: train}
	spec:
	  containers:
	  - name: trainer
	    image: x
	    resources:
	      limits: {cpu: "2", memory: 4Gi, nvidia.com/gpu: "2"}
	EOF
	run --separate-stderr topo-admit --nrt all.json pod.yaml
	[ "$status" -eq 0 ]
	jq_is '[.nodes[] | [.name, .feasible]]' '[["node-a",true],["node-b",true],["node-c",false]]'
}

@test "the fixture nodes' KubeletConfigurations are ones the kubelet starts with (numa-verify --kubelet-config)" {
	local n
	for n in a b c; do
		run --separate-stderr numa-verify -t "$TK_ROOT/tests/fixtures/nodes/$n/topology.json" \
			--kubelet-config "$TK_ROOT/tests/fixtures/nodes/$n/kubelet-config.yaml" -o json
		[ "$status" -eq 0 ] || { echo "node $n: exit $status: $output"; return 1; }
	done
}
