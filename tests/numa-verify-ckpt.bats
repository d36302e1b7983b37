#!/usr/bin/env bats
# numa-verify --kubelet-dir: the memory and device checkpoints next to
# cpu_manager_state, held to the Topology Manager's promise (issue 11 part 4).
# Kubelet dirs: tests/fixtures/numa-verify/ckpt/*/ (gen.py writes them with the
# kubelet's checksums); topology: nodes/a (NUMA 0 = CPUs 0-7, 1 = 8-15).
load test_helper/common

CK=$BATS_TEST_DIRNAME/fixtures/numa-verify/ckpt
TOPO=$BATS_TEST_DIRNAME/fixtures/nodes/a/topology.json

# verify CONFIG DIR: numa-verify -o text on one kubelet dir
verify() {
	run --separate-stderr numa-verify -o text -t "$TOPO" --kubelet-config "$CK/$1.yaml" --kubelet-dir "$CK/$2"
}

@test "ckpt: every case (policy, scope, kubelet dir -> exit and finding)" {
	local cfg dir code want bad=0 n=0
	while IFS='|' read -r cfg dir code want; do
		n=$((n + 1))
		verify "$cfg" "$dir"
		if [ "$status" -ne "$code" ] || [[ $output != *"$want"* ]]; then
			printf 'FAIL %s %s: want %s "%s"\n  got %s %s %s\n' "$cfg" "$dir" "$code" "$want" \
				"$status" "$output" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <<'CASES'
single|aligned|0|allocations (topologyManagerPolicy single-numa-node): aligned
single|cpus-span|1|pod: pod-train, container: trainer: exclusive CPUs on NUMA nodes 0-1, not one (topologyManagerPolicy single-numa-node)
single|memory-elsewhere|1|pod: pod-train, container: trainer: exclusive CPUs on NUMA node 0, memory on NUMA node 1 (topologyManagerPolicy single-numa-node)
single|memory-two-nodes|1|pod: pod-train, container: trainer: memory on NUMA nodes 0-1, not one
single|device-elsewhere|1|pod: pod-train, container: trainer: exclusive CPUs on NUMA node 0, devices on NUMA node 1
single|device-corrupt|1|ckpt/device-corrupt/device-plugins/kubelet_internal_checkpoint: checkpoint is corrupted
single-pod|cpus-span|1|  pod: pod-train: exclusive CPUs on NUMA nodes 0-1, not one
restricted|aligned|0|allocations (topologyManagerPolicy restricted): aligned
restricted|memory-two-nodes|0|allocations (topologyManagerPolicy restricted): aligned
restricted|cpus-span|1|pod: pod-train, container: trainer: exclusive CPUs on NUMA nodes 0-1, outside its memory's NUMA nodes 0 (topologyManagerPolicy restricted)
restricted|device-elsewhere|1|pod: pod-train, container: trainer: devices on NUMA nodes 1, outside its memory's NUMA nodes 0
CASES
	[ "$n" -eq 11 ] && [ "$bad" -eq 0 ]
}

@test "ckpt: --cpu-manager-state alone reports an entry across NUMA nodes under single-numa-node" {
	run -1 --separate-stderr numa-verify -o json -t "$TOPO" --kubelet-config "$CK/single.yaml" \
		--cpu-manager-state "$CK/cpus-span/cpu_manager_state"
	[[ $output == *'"allocations":{"memoryManagerState":null,"deviceCheckpoint":null,"topologyManagerPolicy":"single-numa-node","topologyManagerScope":"container","valid":false,"problems":[],"findings":["pod: pod-train, container: trainer: exclusive CPUs on NUMA nodes 0-1, not one (topologyManagerPolicy single-numa-node)"]}'* ]]
	# the same state is fine under restricted without a memory checkpoint to compare with
	run -0 --separate-stderr numa-verify -o json -t "$TOPO" --kubelet-config "$CK/restricted.yaml" \
		--cpu-manager-state "$CK/cpus-span/cpu_manager_state"
	[[ $output == *'"findings":[]'* ]]
}

@test "ckpt: a Memory Manager policy other than the checkpoint's is the kubelet's refusal" {
	sed 's/memoryManagerPolicy: Static/memoryManagerPolicy: None/; /reservedMemory/,$d' "$CK/single.yaml" \
		>"$BATS_TEST_TMPDIR/none.yaml"
	run -1 --separate-stderr numa-verify -o text -t "$TOPO" --kubelet-config "$BATS_TEST_TMPDIR/none.yaml" \
		--kubelet-dir "$CK/aligned"
	[[ $output == *'configured policy \"None\" differs from state checkpoint policy \"Static\"'* ]] ||
		[[ $output == *'configured policy "None" differs from state checkpoint policy "Static"'* ]]
}

@test "ckpt: an empty kubelet dir assigns nothing; a broken checkpoint is an input error with its position" {
	mkdir -p "$BATS_TEST_TMPDIR/k/device-plugins"
	run -0 --separate-stderr numa-verify -o text -t "$TOPO" --kubelet-config "$CK/single.yaml" \
		--kubelet-dir "$BATS_TEST_TMPDIR/k"
	[[ $output == *"allocations (topologyManagerPolicy single-numa-node): aligned"* ]]
	printf '{"Data":{"PodDeviceEntries":[{"DeviceIDs":["a"]}]},"Checksum":1}' \
		>"$BATS_TEST_TMPDIR/k/device-plugins/kubelet_internal_checkpoint"
	run -2 --separate-stderr numa-verify -t "$TOPO" --kubelet-dir "$BATS_TEST_TMPDIR/k"
	[[ $stderr == "numa-verify: $BATS_TEST_TMPDIR/k/device-plugins/kubelet_internal_checkpoint:1:"*"json: cannot unmarshal array"* ]]
	run -2 --separate-stderr numa-verify --kubelet-dir ''
	[[ $stderr == *"empty --kubelet-dir"* ]]
}

@test "ckpt: a PCI-addressed device is judged on sysfs's NUMA node, and a plugin that recorded another is a finding" {
	local root=$CK/pci-root
	run --separate-stderr numa-verify --root "$root" -o json -t "$TOPO" --kubelet-config "$CK/single.yaml" \
		--kubelet-dir var/lib/kubelet
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
	jq_is '.allocations.findings[0]' '"pod: pod-train, container: trainer: nvidia.com/gpu device 0000:3b:00.0 recorded on NUMA node 0, but sysfs puts it on NUMA node 1 (the device plugin reports a wrong topology)"'
	jq_is '.allocations.findings[1]' '"pod: pod-train, container: trainer: exclusive CPUs on NUMA node 0, devices on NUMA node 1 (topologyManagerPolicy single-numa-node)"'
}
