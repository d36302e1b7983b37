#!/usr/bin/env bats
# The pipeline the README promises: topo-discover | topo-admit | cpuset-alloc
load test_helper/common

SEED=$FIXTURES/seed/2s-2n-8c-2t.json

@test "topo-discover -t | topo-admit -t - | cpuset-alloc: the GPU pod lands on the GPU's NUMA node" {
	run --separate-stderr bash -o pipefail -c "topo-discover -t '$SEED' | topo-admit -t - --policy single-numa-node --cpu-manager-policy static '$FIXTURES/seed/gpu-inference.yaml' | cpuset-alloc -t '$SEED'"
	[ "$status" -eq 0 ]
	jq_is '.containers[0] | [.name, .cpus, .numa]' '["inference","8-9,24-25",[1]]'
}

@test "topo-admit reports which init containers are sidecars; cpuset-alloc reuses only the others' CPUs" {
	run --separate-stderr topo-admit -t "$SEED" --policy best-effort --cpu-manager-policy static "$FIXTURES/pipeline/init-sidecar.yaml"
	[ "$status" -eq 0 ]
	jq_is '[.containers[] | [.name, .init, .restartable, .exclusiveCpus]]' \
		'[["setup",true,false,4],["proxy",true,true,2],["app",false,false,4]]'
	run --separate-stderr bash -o pipefail -c "topo-admit -t '$SEED' --policy best-effort --cpu-manager-policy static '$FIXTURES/pipeline/init-sidecar.yaml' | cpuset-alloc -t '$SEED'"
	[ "$status" -eq 0 ]
	local setup proxy app
	setup=$(jq -r '.containers[] | select(.name == "setup") | .cpus' <<<"$output")
	proxy=$(jq -r '.containers[] | select(.name == "proxy") | .cpus' <<<"$output")
	app=$(jq -r '.containers[] | select(.name == "app") | .cpus' <<<"$output")
	# the sidecar may reuse the init container's CPUs; the app reuses what the
	# sidecar left of them and never shares a CPU with the sidecar (the
	# kubelet's updateCPUsToReuse): on this node 0-1,16-17 / 0,16 / 1-2,17-18
	[ "$setup" = "0-1,16-17" ] && [ "$proxy" = "0,16" ] && [ "$app" = "1-2,17-18" ] ||
		{ echo "setup=$setup proxy=$proxy app=$app"; return 1; }
}

@test "several pods in one manifest are allocated in turn from what is left" {
	{ cat "$FIXTURES/seed/numa-database.yaml"; echo '---'; sed 's/name: numa-database/name: numa-database-2/' "$FIXTURES/seed/numa-database.yaml"; } >"$BATS_TEST_TMPDIR/two.yaml"
	run --separate-stderr bash -o pipefail -c "topo-admit -t '$SEED' --policy best-effort --cpu-manager-policy static '$BATS_TEST_TMPDIR/two.yaml' | cpuset-alloc -t '$SEED'"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	local a b
	a=$(jq -r '.containers[0].cpus' <<<"${lines[0]}")
	b=$(jq -r '.containers[0].cpus' <<<"${lines[1]}")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$b" ]
}

@test "a pipeline under the CPU Manager policy none says the kubelet pins nothing (exit 1), not an empty cpuset" {
	run --separate-stderr topo-admit -t "$SEED" "$FIXTURES/seed/gpu-inference.yaml"
	[ "$status" -eq 0 ]
	jq_is '.cpuManagerPolicy' '"none"'
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/admitted.json"
	run --separate-stderr cpuset-alloc -t "$SEED" <"$BATS_TEST_TMPDIR/admitted.json"
	[ "$status" -eq 1 ] || { echo "exit $status: $output"; return 1; }
	jq_is '.error' '"the CPU Manager policy is none (topo-admit ran without --cpu-manager-policy static): the kubelet gives no container exclusive CPUs, every container runs on the shared pool"'
	run --separate-stderr topo-admit -t "$SEED" --cpu-manager-policy static "$FIXTURES/seed/gpu-inference.yaml"
	[ "$status" -eq 0 ]
	jq_is '.cpuManagerPolicy' '"static"'
}

@test "pod scope through the pipeline: cpuset-alloc takes the pod's one hint from each container, podScope is topo-admit's own" {
	local free=0-3,16-19,8-15,24-31 mf="$FIXTURES/pipeline/two-six-cpu.yaml"
	run --separate-stderr bash -o pipefail -c "topo-admit -t '$SEED' --policy single-numa-node --scope container --cpu-manager-policy static --available $free '$mf' | cpuset-alloc -t '$SEED' --available $free"
	[ "$status" -eq 0 ]
	jq_is '[.containers[] | [.name, .cpus, .numa]]' '[["a","0-2,16-18",[0]],["b","8-10,24-26",[1]]]'
	run --separate-stderr bash -o pipefail -c "topo-admit -t '$SEED' --policy single-numa-node --scope pod --cpu-manager-policy static --available $free '$mf' | cpuset-alloc -t '$SEED' --available $free"
	[ "$status" -eq 0 ]
	jq_is '[.containers[] | [.name, .cpus, .numa]]' '[["a","8-10,24-26",[1]],["b","11-13,27-29",[1]]]'
}
