#!/usr/bin/env bats
# topo-admit pod mode, CLI contract and bad input.
load test_helper/common

TOPO=$FIXTURES/topo/2s-2n-16c-2t-gpu1.json
F=$FIXTURES/topo-admit
STATIC=(--cpu-manager-policy static --memory-manager-policy Static)

@test "pod: the seed's gpu-inference pod lands on the GPU's NUMA node under restricted" {
	run -0 --separate-stderr topo-admit -t "$TOPO" --policy restricted "${STATIC[@]}" "$F/gpu-inference.yaml"
	jq_is '.admit' true
	jq_is '.qosClass' '"Guaranteed"'
	jq_is '.containers[0] | [.name, .hint.numaAffinity, .hint.preferred, .exclusiveCpus]' '["inference",[1],true,4]'
	jq_is '.containers[0].resources["nvidia.com/gpu"].hints' '[{"numaAffinity":[1],"preferred":true},{"numaAffinity":[0,1],"preferred":false}]'
	jq_is '.reason' null
}

@test "pod: the seed's annotations are reported as ignored by the kubelet, never applied" {
	run -0 --separate-stderr topo-admit -t "$TOPO" --policy none "$F/gpu-inference.yaml"
	stderr_has "annotation kubernetes.io/topology-policy is not Kubernetes API: the kubelet ignores it"
	jq_is '.policy' '"none"'
	jq_is '.warnings | length' 1
	run -0 --separate-stderr topo-admit -t "$TOPO" "$F/numa-database.yaml"
	stderr_has "annotation cpu-set.kubernetes.io/numa-node is not Kubernetes API"
	stderr_has "numa-database.yaml:7:38"
}

@test "pod: the seed's numa-database pod under the seed's kubelet config (single-numa-node, static)" {
	# as the guide prints it, the kubelet does not start: static needs a CPU reservation
	run -2 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$FIXTURES/seed/kubelet-config-static.yaml" \
		"$F/numa-database.yaml"
	[ "$output" = "" ]
	stderr_has "kubelet-config-static.yaml: the kubelet would not start: [cpumanager] unable to determine reserved CPU resources for static policy"
	run -0 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config-database.yaml" \
		"$F/numa-database.yaml"
	jq_is '[.policy, .scope, .qosClass]' '["single-numa-node","container","Guaranteed"]'
	jq_is '.containers[0] | [.hint.numaAffinity, .hint.preferred, .exclusiveCpus]' '[[0],true,8]'
	jq_is '.containers[0].resources | keys_unsorted' '["cpu","memory","hugepages-1Gi"]'
	stderr_has "hugepages-1Gi request of 1 bytes is not a multiple of the 1Gi page size"
}

@test "pod: a GPU on the other NUMA node than the free CPUs is rejected under restricted" {
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy restricted --cpu-manager-policy static \
		--available 0-7 "$F/gpu-inference.yaml"
	jq_is '.admit' false
	jq_is '.reason' '"TopologyAffinityError"'
	jq_is '.message' '"Resources cannot be allocated with Topology locality"'
	jq_is '.containers[0].hint' '{"numaAffinity":[0],"preferred":false}'
	run -0 --separate-stderr topo-admit -t "$TOPO" --policy best-effort --cpu-manager-policy static \
		--available 0-7 "$F/gpu-inference.yaml"
	jq_is '.containers[0].hint' '{"numaAffinity":[0],"preferred":false}'
}

@test "pod: a node too fragmented to align rejects, and the text says why" {
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static \
		--available 0-2,8-10 -o text "$F/four-cpus.yaml"
	output_has "pod four-cpus: rejected (policy single-numa-node, scope container, QoS Guaranteed)"
	output_has "reason: TopologyAffinityError: Resources cannot be allocated with Topology locality"
	output_has "NUMA 0 has 3 free CPUs, needs 4; NUMA 1 has 3 free CPUs, needs 4"
}

@test "pod: Burstable and BestEffort pods get shared CPUs and no NUMA preference" {
	run -0 topo-admit -t "$TOPO" --policy single-numa-node "${STATIC[@]}" "$F/burstable.yaml"
	jq_is '[.qosClass, .containers[0].exclusiveCpus, .containers[0].hint.numaAffinity, .containers[0].resources.cpu.hints]' '["Burstable",0,null,null]'
	run -0 topo-admit -t "$TOPO" --policy single-numa-node "${STATIC[@]}" "$F/besteffort.yaml"
	jq_is '[.qosClass, .admit, .containers[0].hint.preferred]' '["BestEffort",true,true]'
}

@test "pod: QoS class as ComputePodQOS computes it" {
	local want spec name n=0 bad=0
	while IFS=$'\t' read -r want spec name; do
		case $want in '#'*|'') continue ;; esac
		n=$((n + 1))
		run --separate-stderr topo-admit -t "$TOPO" - <<<"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"q\"},\"spec\":$spec}"
		got=$(printf '%s' "$output" | jq -r .qosClass)
		# no policy: every pod is admitted (exit 0)
		if [ "$status" -ne 0 ] || [ "$got" != "$want" ]; then
			printf 'FAIL %s: want %s got %s (exit %s: %s)\n' "$name" "$want" "$got" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$F/cases/qos.tsv"
	[ "$n" -ge 30 ] && [ "$bad" -eq 0 ]
}

@test "pod: init containers are admitted first and their CPUs are reused by the app" {
	run -0 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static "$F/init-containers.yaml"
	jq_is '[.containers[] | [.name, .init, .exclusiveCpus, .hint.numaAffinity]]' '[["load-cache",true,6,[0]],["app",false,4,[0]]]'
	jq_is '.containers[1].resources.cpu.hints' '[{"numaAffinity":[0],"preferred":true},{"numaAffinity":[0,1],"preferred":false}]'
}

@test "pod: a restartable init container (sidecar) keeps its CPUs" {
	run -0 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static "$F/sidecar.yaml"
	jq_is '[.containers[] | [.name, .exclusiveCpus]]' '[["proxy",2],["app",6]]'
}

@test "pod: multi-container pod, container scope aligns each container on its own" {
	run -0 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static "$F/big-pod.yaml"
	jq_is '[.containers[].hint.numaAffinity]' '[[0],[1]]'
}

@test "pod: pod scope aligns the pod as a whole and rejects what does not fit one NUMA node" {
	run -1 topo-admit -t "$TOPO" --policy single-numa-node --scope pod --cpu-manager-policy static "$F/big-pod.yaml"
	jq_is '[.scope, .admit, .reason]' '["pod",false,"TopologyAffinityError"]'
	# the pod's one merge in its own field; the containers carry its hint
	jq_is '.podScope | [.resources.cpu.request, .resources.cpu.hints, .hint, .admit]' \
		'[20,[{"numaAffinity":[0,1],"preferred":true}],{"numaAffinity":null,"preferred":false},false]'
	jq_is '[.containers[].resources]' '[{},{}]'
	run -1 topo-admit -t "$TOPO" --policy single-numa-node --scope pod --cpu-manager-policy static -o text \
		"$F/big-pod.yaml"
	[ "${lines[2]}" = "  pod scope: any NUMA node (not preferred), 20 exclusive CPUs, cannot be aligned" ]
	[ "${lines[3]}" = "    cpu: 20 exclusive CPUs; NUMA 0-1 preferred; NUMA 0 has 16 free CPUs, needs 20; NUMA 1 has 16 free CPUs, needs 20" ]
	[ "${lines[4]}" = "  container a: any NUMA node (not preferred), 10 exclusive CPUs, cannot be aligned" ]
	# container scope: no pod-level result
	run -0 topo-admit -t "$TOPO" --policy restricted --scope container --cpu-manager-policy static "$F/big-pod.yaml"
	jq_is '[.podScope, (.containers[0].resources | keys)]' '[null,["cpu"]]'
	run -0 topo-admit -t "$TOPO" --policy restricted --scope pod --cpu-manager-policy static "$F/big-pod.yaml"
	jq_is '[.containers[].hint]' '[{"numaAffinity":[0,1],"preferred":true},{"numaAffinity":[0,1],"preferred":true}]'
}

@test "pod: --kubelet-config is read and flags override it" {
	run -1 topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config.yaml" "$F/big-pod.yaml"
	jq_is '[.policy, .scope]' '["restricted","pod"]'
	run -0 topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config.yaml" --scope container "$F/big-pod.yaml"
	jq_is '[.policy, .scope, .admit]' '["restricted","container",true]'
}

@test "pod: --kubelet-config is read as the kubelet reads it: kind required, empty means default, refused means no admission" {
	cd "$BATS_TEST_TMPDIR"
	printf 'topologyManagerPolicy: restricted\n' >nokind.yaml
	run -2 --separate-stderr topo-admit -t "$TOPO" --kubelet-config nokind.yaml "$F/big-pod.yaml"
	[ "$stderr" = "topo-admit: nokind.yaml:1:1: kind must be 'KubeletConfiguration'" ]
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ntopologyManagerPolicy: ""\ntopologyManagerScope: ""\n' >empty.yaml
	run -0 topo-admit -t "$TOPO" --kubelet-config empty.yaml "$F/big-pod.yaml"
	jq_is '[.policy, .scope, .admit]' '["none","container",true]'
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ntopologyManagerScope: node\ncpuManagerPolicy: static\n' >refused.yaml
	run -2 --separate-stderr topo-admit -t "$TOPO" --kubelet-config refused.yaml "$F/big-pod.yaml"
	[ "$output" = "" ]
	stderr_has 'topo-admit: refused.yaml: the kubelet would not start: invalid configuration: topologyManagerScope (--topology-manager-scope) "node" must be one of: "container", or "pod"'
	stderr_has 'refused.yaml: the kubelet would not start: [cpumanager] unable to determine reserved CPU resources for static policy'
	# a flag that makes it right: the kubelet's flags win over its file
	run -0 --separate-stderr topo-admit -t "$TOPO" --kubelet-config refused.yaml --scope pod --reserved 0 \
		"$F/big-pod.yaml"
	jq_is '[.scope, .admit]' '["pod",true]'
	# accepted, but nothing aligned: the guide's configuration warns once, as numa-verify does
	run -0 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$FIXTURES/seed/kubelet-config.yaml" \
		"$F/four-cpus.yaml"
	[ "$stderr" = "topo-admit: warning: $FIXTURES/seed/kubelet-config.yaml: topologyManagerPolicy restricted with cpuManagerPolicy none: the kubelet starts, but the CPU manager gives no NUMA hints, so CPUs are not aligned (set cpuManagerPolicy: static)" ]
}

@test "pod: without reservedSystemCPUs the static policy reserves kubeReserved.cpu + systemReserved.cpu rounded up, as NewStaticPolicy picks them" {
	cd "$BATS_TEST_TMPDIR"
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncpuManagerPolicy: static\ntopologyManagerPolicy: single-numa-node\nkubeReserved: {cpu: 500m}\nsystemReserved: {cpu: "1"}\n' >kr.yaml
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p16}\nspec:\n  containers:\n  - name: c\n    resources:\n      limits: {cpu: "16", memory: 1Gi}\n' >p16.yaml
	# ceil(1.5) = 2 CPUs: the lowest-numbered core, both threads, on NUMA 0
	run -0 topo-admit -t "$TOPO" --kubelet-config kr.yaml p16.yaml
	jq_is '[.containers[0].hint.numaAffinity, .containers[0].resources.cpu.why]' \
		'[[1],"16 exclusive CPUs; NUMA 1 preferred, NUMA 0-1; NUMA 0 has 14 free CPUs, needs 16"]'
	# reservedSystemCPUs takes the place of both
	run -0 topo-admit -t "$TOPO" --kubelet-config kr.yaml --reserved 0 p16.yaml
	jq_is '.containers[0].resources.cpu.why' '"16 exclusive CPUs; NUMA 1 preferred, NUMA 0-1; NUMA 0 has 15 free CPUs, needs 16"'
}

@test "pod: reservedSystemCPUs are never handed out" {
	run -1 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static \
		--available 0-3,8-10 --reserved 0 "$F/four-cpus.yaml"
	run -0 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static \
		--available 0-3,8-10 "$F/four-cpus.yaml"
	jq_is '.containers[0].hint.numaAffinity' '[0]'
}

@test "pod: --state reads the free CPUs from a kubelet cpu_manager_state file" {
	printf '{"policyName":"static","defaultCpuSet":"0-2,8-10","entries":{"u":{"c":"3-7,11-31"}},"checksum":0}' >"$BATS_TEST_TMPDIR/state"
	run -1 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static \
		--state "$BATS_TEST_TMPDIR/state" "$F/four-cpus.yaml"
	jq_is '.containers[0].resources.cpu.hints' '[{"numaAffinity":[0,1],"preferred":false}]'
}

@test "pod: workloads with a pod template, one JSON line per pod, other kinds skipped" {
	run -0 topo-admit -t "$TOPO" --policy restricted --cpu-manager-policy static "$F/workloads.yaml"
	[ "${#lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "${lines[0]}" | jq -c '[.pod, .qosClass, .containers[0].exclusiveCpus]')" = '["api","Guaranteed",2]' ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -c '[.pod, .qosClass]')" = '["nightly","Burstable"]' ]
}

@test "pod: manifest on stdin" {
	run -0 topo-admit -t "$TOPO" --policy restricted --cpu-manager-policy static - <"$F/four-cpus.yaml"
	jq_is '.pod' '"four-cpus"'
}

@test "pod: pods of one run share the node: the second one finds fewer CPUs" {
	cat "$F/big-pod.yaml" >"$BATS_TEST_TMPDIR/two.yaml"
	printf -- '---\n' >>"$BATS_TEST_TMPDIR/two.yaml"
	cat "$F/big-pod.yaml" >>"$BATS_TEST_TMPDIR/two.yaml"
	run -1 topo-admit -t "$TOPO" --policy single-numa-node --cpu-manager-policy static "$BATS_TEST_TMPDIR/two.yaml"
	[ "$(printf '%s\n' "${lines[0]}" | jq -c .admit)" = true ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -c .admit)" = false ]
}

@test "pod: the JSON is what cpuset-alloc reads: name, exclusiveCpus, hint" {
	run -0 topo-admit -t "$TOPO" --policy restricted --cpu-manager-policy static "$F/four-cpus.yaml"
	jq_is '.containers[0] | {name, exclusiveCpus, hint}' '{"name":"worker","exclusiveCpus":4,"hint":{"numaAffinity":[0],"preferred":true}}'
}

@test "bad input: unknown policy, with the kubelet's wording" {
	run -2 --separate-stderr topo-admit -t "$TOPO" --policy strict "$F/four-cpus.yaml"
	[ "$stderr" = 'topo-admit: unknown policy: "strict"' ]
}

@test "bad input: a malformed manifest names the file and position" {
	printf 'kind: Pod\nspec: [unclosed\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run -2 --separate-stderr topo-admit -t "$TOPO" "$BATS_TEST_TMPDIR/bad.yaml"
	stderr_has "bad.yaml:"
}

@test "bad input: a quantity that is not one" {
	run -2 --separate-stderr topo-admit -t "$TOPO" "$F/bad-quantity.yaml"
	stderr_has "bad-quantity.yaml:10:14: invalid quantity 'four' for cpu"
}

@test "bad input: a pod without containers" {
	run -2 --separate-stderr topo-admit -t "$TOPO" "$F/no-containers.yaml"
	stderr_has "no-containers.yaml:"
	stderr_has "pod spec has no containers"
}

@test "bad input: a NUMA id out of range in HINTS.json" {
	echo '[{"cpu":[{"numaAffinity":[0,7],"preferred":true}]}]' >"$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy restricted --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	stderr_has "h.json:1:29: NUMA node 7 is not one of the machine's NUMA nodes"
}

@test "bad input: malformed HINTS.json" {
	printf '[{"cpu": [' >"$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy restricted --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	stderr_has "h.json:2:1: invalid YAML"
	printf '[{"cpu": [{"numaAffinity":[0],"prefered":true}]}]' >"$BATS_TEST_TMPDIR/h.json"
	run -2 --separate-stderr topo-admit --policy restricted --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/h.json"
	stderr_has "unknown hint field 'prefered'"
}

@test "bad input: non-integer counts" {
	run -2 --separate-stderr topo-admit --cpu-hints -t "$TOPO" --count four
	stderr_has "invalid --count value 'four'"
	stderr_has "Try 'topo-admit --help'"
}

@test "bad input: a broken topology is reported before a missing manifest" {
	printf 'a: [unclosed\n' >"$BATS_TEST_TMPDIR/t.yaml"
	run -2 --separate-stderr topo-admit -t "$BATS_TEST_TMPDIR/t.yaml"
	stderr_has "t.yaml:"
	run -2 --separate-stderr topo-admit -t "$TOPO"
	stderr_has "missing MANIFEST"
}

@test "bad input: a manifest with no pod in it" {
	printf 'kind: ConfigMap\nmetadata: {name: x}\n' >"$BATS_TEST_TMPDIR/cm.yaml"
	run -2 --separate-stderr topo-admit -t "$TOPO" "$BATS_TEST_TMPDIR/cm.yaml"
	stderr_has "no Pod or workload with a pod template"
}

@test "cli: --help and --version" {
	run -0 --separate-stderr topo-admit --help
	output_has "Usage:"
	output_has "--hints FILE"
	[ -z "$stderr" ]
	run -0 topo-admit --version
	output_has "topo-admit (topokit)"
	run -2 --separate-stderr topo-admit --no-such-option
	stderr_has "Try 'topo-admit --help'"
}

# pod_json INIT APP: a pod as makeMultiContainerPodWithOptions builds it
pod_json() {
	local list kind i=0 out='' c cpu rp
	for kind in init app; do
		[ $kind = init ] && list=$1 || list=$2
		local items=''
		IFS=, read -ra cs <<<"$list"
		for c in "${cs[@]}"; do
			cpu=${c%r}
			rp=''
			[ "$cpu" != "$c" ] && rp=',"restartPolicy":"Always"'
			items+="${items:+,}{\"name\":\"$kind-$i\"$rp,\"resources\":{\"requests\":{\"cpu\":\"$cpu\",\"memory\":\"1G\"},\"limits\":{\"cpu\":\"$cpu\",\"memory\":\"1G\"}}}"
			i=$((i + 1))
		done
		[ $kind = init ] && out+="\"initContainers\":[$items]," || out+="\"containers\":[$items]"
	done
	printf '{"kind":"Pod","metadata":{"name":"pod"},"spec":{%s}}' "$out"
}

@test "pod scope: the CPUs of a pod as podGuaranteedCPUs counts them" {
	local init app want name n=0 bad=0 got
	while IFS=$'\t' read -r init app want name; do
		case $init in '#'*|'') continue ;; esac
		n=$((n + 1))
		pod_json "$init" "$app" >"$BATS_TEST_TMPDIR/p.json"
		run --separate-stderr topo-admit -t "$TOPO" --policy best-effort --scope pod \
			--cpu-manager-policy static "$BATS_TEST_TMPDIR/p.json"
		got=$(printf '%s' "$output" | jq '.podScope.resources.cpu.request // 0')
		# the exit says the verdict (the CPU Manager refuses a pod larger
		# than the node, whatever the Topology Manager policy)
		case $status:$(jq -r .admit <<<"$output") in 0:true | 1:false) ;; *) got="exit $status, $got" ;; esac
		if [ "$got" != "$want" ]; then
			printf 'FAIL %s: want %s got %s (exit %s: %s)\n' "$name" "$want" "$got" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$F/cases/pod-cpus.tsv"
	[ "$n" -eq 12 ] && [ "$bad" -eq 0 ]
}

@test "bad input: hostile YAML (syntax error, alias bomb) ends fast with exit 2 naming the file" {
	printf 'a: [unclosed\n  b: {\n' >"$BATS_TEST_TMPDIR/garbage.yaml"
	{ echo 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'; p=a
	  for l in b c d e f g h i j k l m n o p q r s t u v w; do
		printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $l $l $p $p $p $p $p $p $p $p $p $p; p=$l
	  done; } >"$BATS_TEST_TMPDIR/bomb.yaml"
	for f in garbage bomb; do
		run -2 --separate-stderr timeout "$(time_limit 5)" topo-admit -t "$TOPO" "$BATS_TEST_TMPDIR/$f.yaml"
		stderr_has "$f.yaml:"
		run -2 --separate-stderr timeout "$(time_limit 5)" topo-admit -t "$BATS_TEST_TMPDIR/$f.yaml"
		stderr_has "$f.yaml:"
		run -2 --separate-stderr timeout "$(time_limit 5)" topo-admit --numa-nodes 0-1 --hints "$BATS_TEST_TMPDIR/$f.yaml"
		stderr_has "$f.yaml:"
		run -2 --separate-stderr timeout "$(time_limit 5)" topo-admit -t "$TOPO" --kubelet-config "$BATS_TEST_TMPDIR/$f.yaml" "$F/four-cpus.yaml"
		stderr_has "$f.yaml:"
	done
}

@test "pod: memory no NUMA node can hold fails in the Memory Manager's Allocate, after the merge" {
	run -1 topo-admit -t "$TOPO" --policy restricted "${STATIC[@]}" "$F/too-much-memory.yaml"
	jq_is '[.admit, .reason]' '[false,"UnexpectedAdmissionError"]'
	jq_is '.message' '"Allocate failed due to [memorymanager] failed to find NUMA nodes to extend the current topology hint, which is unexpected"'
	jq_is '.containers[0].resources.memory.hints' null
	run -1 topo-admit -t "$TOPO" --policy none "${STATIC[@]}" "$F/too-much-memory.yaml"
	jq_is '.message' '"Allocate failed due to [memorymanager] failed to get the default NUMA affinity, no NUMA nodes with enough memory is available, which is unexpected"'
}

@test "pod: more exclusive CPUs than free fails in the CPU Manager's Allocate (takeByTopology), after the merge" {
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy best-effort --cpu-manager-policy static \
		--available 0-15 "$F/twenty-cpus.yaml"
	jq_is '[.reason, .message]' '["UnexpectedAdmissionError","Allocate failed due to not enough cpus available to satisfy request: requested=4, available=0, which is unexpected"]'
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy none --cpu-manager-policy static \
		--available 0-15 "$F/twenty-cpus.yaml"
	jq_is '.message' '"Allocate failed due to not enough cpus available to satisfy request: requested=20, available=16, which is unexpected"'
}

@test "pod: a device request beyond the free devices fails in the Device Manager's Allocate under best-effort" {
	run -1 --separate-stderr topo-admit -t "$TOPO" --policy best-effort \
		<(printf 'kind: Pod\nmetadata: {name: g}\nspec:\n  containers:\n  - name: g\n    resources:\n      limits: {nvidia.com/gpu: "2"}\n')
	jq_is '[.containers[0].resources["nvidia.com/gpu"].hints, .reason]' '[[],"UnexpectedAdmissionError"]'
	jq_is '.message' '"Allocate failed due to requested number of devices unavailable for nvidia.com/gpu. Requested: 2, Available: 1, which is unexpected"'
}

@test "pod: full-pcpus-only rejects a partial core and a request beyond the free whole cores (SMTAlignmentError)" {
	run -1 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config-full-pcpus.yaml" "$F/three-cpus.yaml"
	jq_is '[.reason, .message]' '["SMTAlignmentError","SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2"]'
	# CPUs 0-2,16-18 free; 0 is reserved, so its core (0,16) is not whole: 4 CPUs left
	run -0 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config-full-pcpus.yaml" \
		--available 0-2,16-18 "$F/four-cpus.yaml"
	run -1 --separate-stderr topo-admit -t "$TOPO" --kubelet-config "$F/kubelet-config-full-pcpus.yaml" \
		--available 0-2,16-18 "$F/big-pod.yaml"
	jq_is '.message' '"SMT Alignment Error: not enough free physical CPUs: available physical CPUs = 4, requested CPUs = 10, CPUs per core = 2"'
}

@test "pod: the CPUs a container takes are takeByTopologyNUMAPacked's: whole cores first, then the emptiest NUMA node's" {
	# 4 CPUs on hint [0,1] from 1,3 (NUMA 1) and 6,10,11 (NUMA 0): the
	# kubelet takes core 10-11 whole, then 6 and 1, leaving 3 on NUMA 1
	printf -- '---\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: c, resources: {limits: {cpu: "%s", memory: 64Mi}}}\n' \
		a 4 b 1 >"$BATS_TEST_TMPDIR/p.yaml"
	run -0 --separate-stderr topo-admit -t "$FIXTURES/topo/3s-3n-9c-2t.json" --cpu-manager-policy static \
		--available 1,3,6,10,11,13,14,16 --policy best-effort "$BATS_TEST_TMPDIR/p.yaml"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "b") | .containers[0].resources.cpu.hints | map(select(.preferred) | .numaAffinity)')" = '[[1],[2]]' ]
}

@test "pod: 12 NUMA nodes with max-allowable-numa-nodes=12; prefer-closest-numa-nodes takes the closest three" {
	# 12n-24c.json: two CPUs and 4Gi per NUMA node; nodes 9-11 are 11 apart,
	# every other pair 20. 5 CPUs and 9Gi need three nodes.
	local args=(-t "$F/12n-24c.json" --cpu-manager-policy static --memory-manager-policy Static)
	printf 'kind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - {name: c, resources: {limits: {cpu: "5", memory: 9Gi}}}\n' \
		>"$BATS_TEST_TMPDIR/p.yaml"
	run -0 --separate-stderr topo-admit "${args[@]}" --policy restricted --option max-allowable-numa-nodes=12 \
		"$BATS_TEST_TMPDIR/p.yaml"
	jq_is '.containers[0].hint' '{"numaAffinity":[0,1,2],"preferred":true}'
	run -0 --separate-stderr topo-admit "${args[@]}" --policy best-effort --option max-allowable-numa-nodes=12 \
		--option prefer-closest-numa-nodes=true "$BATS_TEST_TMPDIR/p.yaml"
	jq_is '.containers[0].hint' '{"numaAffinity":[9,10,11],"preferred":true}'
}

@test "pod: under each CPU Manager option that moves CPUs, a later pod's hints are those of the CPUs cpuset-alloc gives the earlier one" {
	local topo=$FIXTURES/seed/2s-2n-8c-2t.json p pair opt flag co held alone together packed=""
	for p in a:20 b:8; do
		printf -- '---\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - {name: c, resources: {limits: {cpu: "%s", memory: 64Mi}}}\n' \
			"${p%:*}" "${p#*:}" >"$BATS_TEST_TMPDIR/${p%:*}.yaml"
	done
	cat "$BATS_TEST_TMPDIR/a.yaml" "$BATS_TEST_TMPDIR/b.yaml" >"$BATS_TEST_TMPDIR/ab.yaml"
	for pair in ":" distribute-cpus-across-numa:--distribute-across-numa \
		distribute-cpus-across-cores:--distribute-across-cores prefer-align-cpus-by-uncorecache:--align-by-uncore-cache; do
		opt=${pair%%:*} flag=${pair#*:} co=()
		[ -z "$opt" ] || co=(--cpu-option "$opt=true")
		# each tool writes a file, so that its exit status is checked
		topo-admit -t "$topo" --cpu-manager-policy static --policy best-effort "${co[@]}" \
			"$BATS_TEST_TMPDIR/ab.yaml" >"$BATS_TEST_TMPDIR/ab.json"
		together=$(jq -c 'select(.pod == "b") | .containers[0].resources.cpu.hints' "$BATS_TEST_TMPDIR/ab.json")
		topo-admit -t "$topo" --cpu-manager-policy static --policy best-effort "${co[@]}" \
			"$BATS_TEST_TMPDIR/a.yaml" >"$BATS_TEST_TMPDIR/a.json"
		cpuset-alloc -t "$topo" ${flag:+"$flag"} <"$BATS_TEST_TMPDIR/a.json" >"$BATS_TEST_TMPDIR/a-cpus.json"
		held=$(jq -r '.containers[0].cpus' "$BATS_TEST_TMPDIR/a-cpus.json")
		# --reserved takes a's CPUs out of the free ones
		topo-admit --cpu-hints -t "$topo" --count 8 "${co[@]}" --reserved "$held" >"$BATS_TEST_TMPDIR/hints.json"
		alone=$(jq -c '.hints' "$BATS_TEST_TMPDIR/hints.json")
		[ "$together" = "$alone" ] || { echo "$opt: two pods gave $together, after cpuset-alloc's $held: $alone" >&2; return 1; }
		[ -n "$opt" ] || packed=$together
	done
	# the option matters: spread over both nodes, a leaves no node 8 CPUs
	[ "$packed" = '[{"numaAffinity":[1],"preferred":true},{"numaAffinity":[0,1],"preferred":false}]' ]
	run -0 --separate-stderr topo-admit -t "$topo" --cpu-manager-policy static --policy best-effort \
		--cpu-option distribute-cpus-across-numa=true "$BATS_TEST_TMPDIR/ab.yaml"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "b") | .containers[0].resources.cpu.hints')" = '[{"numaAffinity":[0,1],"preferred":false}]' ]
}
