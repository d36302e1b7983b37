#!/usr/bin/env bats
# topo-admit --kubelet-dir: the three checkpoints as the node's used resources
# (issue 11 part 5). Node: tests/fixtures/nodes/a (2 NUMA nodes, 2 GPUs and
# 4 x 1Gi huge pages each; its kubelet dir holds CPUs 2-5, 8Gi memory, 2Gi of
# huge pages and both GPUs of NUMA 0).
load test_helper/common

N=$BATS_TEST_DIRNAME/fixtures/nodes/a
P=$BATS_TEST_DIRNAME/fixtures/topo-admit/kubelet-dir
KC=$BATS_TEST_DIRNAME/fixtures/numa-verify/ckpt

@test "kubelet-dir: GPUs and huge pages held on NUMA 0 move a single-numa-node pod to NUMA 1" {
	run -0 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-config "$KC/single.yaml" -o text \
		"$P/gpu-hugepages.yaml"
	[[ $output == *"container c: NUMA 0 (preferred)"* ]]
	run -0 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-config "$KC/single.yaml" -o text \
		--kubelet-dir "$N/kubelet" "$P/gpu-hugepages.yaml"
	[[ $output == *"container c: NUMA 1 (preferred)"* ]]
	[[ $output == *"NUMA 0 has 0 free; NUMA 1 has 2 free"* ]]
	[[ $output == *"hugepages-1Gi: 3Gi; NUMA 1 preferred; NUMA 0 has 2Gi free, needs more"* ]]
}

@test "kubelet-dir: a pod needing more GPUs than are left is refused for them" {
	run -1 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-config "$KC/restricted.yaml" -o text \
		--kubelet-dir "$N/kubelet" "$P/three-gpus.yaml"
	[[ $output == *"nvidia.com/gpu: 3 device(s); only 2 of 4 free on the node"* ]]
}

@test "kubelet-dir: an empty dir assigns nothing; a corrupt checkpoint is the kubelet's refusal (exit 2)" {
	mkdir -p "$BATS_TEST_TMPDIR/k/device-plugins"
	run -0 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-config "$KC/single.yaml" -o text \
		--kubelet-dir "$BATS_TEST_TMPDIR/k" "$P/gpu-hugepages.yaml"
	[[ $output == *"container c: NUMA 0 (preferred)"* ]]
	cp "$KC/device-corrupt/device-plugins/kubelet_internal_checkpoint" "$BATS_TEST_TMPDIR/k/device-plugins/"
	run -2 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-dir "$BATS_TEST_TMPDIR/k" \
		"$P/gpu-hugepages.yaml"
	[[ $stderr == *"$BATS_TEST_TMPDIR/k/device-plugins/kubelet_internal_checkpoint"*"checkpoint is corrupted"* ]]
	run -2 --separate-stderr topo-admit -t "$N/topology.json" --kubelet-dir '' "$P/gpu-hugepages.yaml"
	[[ $stderr == *"empty --kubelet-dir"* ]]
}
