#!/usr/bin/env bats
# numa-verify --all / --pod / --container: containers found through the
# kubepods cgroup hierarchy (v2 and v1; systemd and cgroupfs drivers;
# containerd and CRI-O names), their cpuset against cpu_manager_state, and
# their processes.
load test_helper/common

NV=$BATS_TEST_DIRNAME/fixtures/numa-verify
STATE=(--cpu-manager-state var/lib/kubelet/cpu_manager_state)
U1=6f1a7c2e-0b1d-4c55-9a0e-1d2f3a4b5c61
U2=8e2b9d3f-1c2e-4d66-8b1f-2e3a4b5c6d72
U3=a13c0e4a-2d3f-4e77-9c2a-3f4b5c6d7e83
U4=b24d1f5b-3e4a-4f88-8d3b-4a5c6d7e8f94

@test "v2 + systemd + containerd: every container, its pod, QoS and state entry" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --all "${STATE[@]}"
	jq_is '[.containers[]|[.pod,.name,.runtime,.qos,.sandbox,.verdict]]' \
		"$(jq -c . <<<"[[\"$U1\",null,\"containerd\",\"guaranteed\",true,\"shared\"],
		  [\"$U1\",\"db\",\"containerd\",\"guaranteed\",false,\"aligned\"],
		  [\"$U2\",\"app\",\"containerd\",\"guaranteed\",false,\"misaligned\"],
		  [\"$U3\",\"cache\",\"containerd\",\"guaranteed\",false,\"misaligned\"],
		  [\"$U4\",null,\"containerd\",\"burstable\",false,\"shared\"]]")"
	jq_is '.containers[1]|[.cpus,.stateCpus,.cpuNuma,.pids]' '["2-3,18-19","2-3,18-19",[0],[1001]]'
	jq_is '.containers[1].cgroup' \
		"\"/kubepods.slice/kubepods-pod${U1//-/_}.slice/cri-containerd-$(printf 'b%.0s' {1..64}).scope\""
}

@test "a Guaranteed pod pinned right is aligned, pod by pod" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --pod "$U1" "${STATE[@]}"
	jq_is '[.containers[].verdict]' '["shared","aligned"]'
	jq_is '[.processes[]|[.pid,.verdict]]' '[[1000,"shared"],[1001,"aligned"]]'
	jq_is '.verdict' '"aligned"'
}

@test "a Guaranteed pod pinned across NUMA nodes is misaligned, with the reasons" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --pod "$U2" "${STATE[@]}"
	jq_is '.containers[0].reasons' \
		'["exclusive cpus 7-8,23-24 span NUMA nodes 0-1","process 2001 (app): cpus 7-8,23-24 span NUMA nodes 0-1"]'
}

@test "a Guaranteed pod with remote memory is misaligned through its process" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --container ddddddd "${STATE[@]}"
	jq_is '.containers|length' 1
	jq_is '.containers[0].reasons' '["process 3001 (redis-server): only 5.8% of memory is on NUMA node 1 (--min-local 90)"]'
}

@test "a Burstable pod on the shared pool is shared, and its processes are not judged" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --pod "$U4" "${STATE[@]}"
	jq_is '[.containers[0].verdict,.processes[0].verdict,.verdict]' '["shared","shared","aligned"]'
}

@test "a container whose cpuset drifted from its state entry is misaligned" {
	cp -r "$NV/2n-smt" "$BATS_TEST_TMPDIR/node"
	local d="$BATS_TEST_TMPDIR/node/sys/fs/cgroup/kubepods.slice/kubepods-pod${U1//-/_}.slice"
	d="$d/cri-containerd-$(printf 'b%.0s' {1..64}).scope"
	echo 2-5 >"$d/cpuset.cpus.effective"
	run -1 --separate-stderr numa-verify --root "$BATS_TEST_TMPDIR/node" --pod "$U1" "${STATE[@]}"
	jq_is '.containers[1].reasons' \
		"[\"cpuset 2-5 matches no cpu_manager_state entry of pod $U1 nor the default set 0-1,4-6,9,12-17,20-22,25,28-31\"]"
}

@test "v1 + cgroupfs + containerd (bare IDs) on 4 NUMA nodes" {
	run -1 --separate-stderr numa-verify --root "$NV/4n-smt" --all "${STATE[@]}"
	jq_is '[.containers[]|[.name,.runtime,.qos,.verdict]]' \
		'[["db","containerd","guaranteed","aligned"],["app","containerd","guaranteed","misaligned"],[null,"containerd","burstable","shared"]]'
	jq_is '.containers[0].cgroup' "\"/kubepods/pod$U1/$(printf '0%.0s' {1..64})\""
}

@test "v2 + systemd + CRI-O (crio-<id>.scope, conmon skipped), state read only to tell shared CPUs" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt-offline" --all
	jq_is '[.containers[]|.runtime]|unique' '["cri-o"]'
	jq_is '.containers|length' 5
	jq_is '[.containers[]|.verdict]' '["shared","aligned","misaligned","misaligned","shared"]'
	jq_is 'has("cpuManagerState")' false
}

@test "-o text lists containers with the cgroup version and driver" {
	run -1 --separate-stderr numa-verify --root "$NV/4n-smt" --all -o text
	output_has "Containers (cgroup v1, cgroupfs driver)"
	output_has "pod $U2 container app 111111111111 (containerd, guaranteed) cpus 1,3,41,43: misaligned"
}

@test "unknown pods and containers are input errors" {
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --pod nope
	[ "$stderr" = "numa-verify: pod 'nope' not found under kubepods" ]
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --container ffff
	[ "$stderr" = "numa-verify: container 'ffff' not found under kubepods" ]
}

@test "a node without kubepods: --all still judges processes" {
	run -1 --separate-stderr numa-verify --root "$NV/bad" --all
	jq_is '.containers' '[]'
	jq_is '.processes|length' 8
}

@test "--pod takes the systemd driver's spelling of the UID too; the topology is in the JSON" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --pod "${U1//-/_}"
	jq_is '[.containers[].pod]|unique' "[\"$U1\"]"
	jq_is '.topology' '{"source":"sysfs","numaNodes":[{"id":0,"cpus":"0-7,16-23"},{"id":1,"cpus":"8-15,24-31"}]}'
}

@test "golden: the whole 2n-smt node as JSON, and the 4n-smt node as text, byte for byte" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --all "${STATE[@]}" \
		--kubelet-config var/lib/kubelet/config.yaml
	[ "$output" = "$(cat "$EXPECTED/numa-verify/2n-smt-all.json")" ]
	run -1 --separate-stderr numa-verify --root "$NV/4n-smt" --all -o text
	[ "$output" = "$(cat "$EXPECTED/numa-verify/4n-smt-all.txt")" ]
}
