#!/usr/bin/env bats
# The Memory Manager (static policy) in pod mode: hints as calculateHints
# gives them (memorymanager/policy_static_test.go), the NUMA group rule,
# init container memory, pod-level resources.
load test_helper/common

F=$FIXTURES/topo-admit
MEM4=$F/4n-3g-1g1g.json
MEM2=$F/2n-2g-10x2m.json

# hints_of POD RESOURCE: numaAffinity/preferred pairs of POD's first container
hints_of() {
	printf '%s\n' "$output" | jq -c --arg p "$1" --arg r "$2" \
		'select(.pod == $p) | .containers[0].resources[$r].hints | map([.numaAffinity, .preferred])'
}

@test "memory: a NUMA node grouped with another takes no single-NUMA hint (TestStaticPolicyGetTopologyHints)" {
	run -0 --separate-stderr topo-admit -t "$MEM4" --kubelet-config "$F/reserve-512mi.yaml" "$F/memory-group-4n.yaml"
	[ "$(hints_of pod1 memory | jq -c '.[0]')" = '[[0,1],true]' ]
	[ "$(hints_of pod2 memory)" = '[[[2],true],[[3],true],[[2,3],false]]' ]
	[ "$(hints_of pod2 hugepages-1Gi)" = '[[[2],true],[[3],true],[[2,3],false]]' ]
}

@test "memory: only the group itself is offered when one node of it would do (TestStaticPolicyGetTopologyHints)" {
	run -1 --separate-stderr topo-admit -t "$MEM2" --kubelet-config "$F/reserve-512mi-2n.yaml" "$F/memory-group-2n.yaml"
	[ "$(hints_of pod1 memory)" = '[[[0,1],true]]' ]
	[ "$(hints_of pod2 memory)" = '[[[0,1],false]]' ]
	[ "$(hints_of pod2 hugepages-2Mi)" = '[[[0,1],false]]' ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "pod2") | [.admit, .reason]')" = '[false,"TopologyAffinityError"]' ]
	run -0 --separate-stderr topo-admit -t "$MEM2" --kubelet-config "$F/reserve-512mi-2n.yaml" --policy best-effort \
		"$F/memory-group-2n.yaml"
}

@test "memory: Burstable pods get no memory hints (TestStaticPolicyGetTopologyHints)" {
	run -0 --separate-stderr topo-admit -t "$MEM4" --memory-manager-policy Static --policy restricted "$F/burstable.yaml"
	jq_is '.containers[0].resources | has("memory")' false
}

@test "memory: huge page pools are not memory the Memory Manager hands out (getDefaultMachineState)" {
	# 3Gi per node, 1Gi of it a huge page pool: 2Gi of memory fits one node, 2049Mi does not
	run -0 --separate-stderr topo-admit -t "$MEM4" --memory-manager-policy Static --policy single-numa-node \
		<(printf 'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    resources:\n      limits: {cpu: "1", memory: 2Gi}\n')
	jq_is '.containers[0].hint.numaAffinity' '[0]'
	run -1 --separate-stderr topo-admit -t "$MEM4" --memory-manager-policy Static --policy single-numa-node \
		<(printf 'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: a\n    resources:\n      limits: {cpu: "1", memory: 2049Mi}\n')
	jq_is '.containers[0].resources.memory.hints[0]' '{"numaAffinity":[0,1],"preferred":true}'
}

@test "memory: an init container's memory stays with the pod; the app container reuses it on the same mask" {
	run -0 --separate-stderr topo-admit -t "$MEM4" --memory-manager-policy Static --policy restricted \
		"$F/init-memory.yaml"
	[ "$(printf '%s\n' "$output" | jq -c 'select(.pod == "warmup") | [.containers[] | .hint.numaAffinity]')" = '[[0],[0]]' ]
	# 1800Mi of NUMA 0's 2Gi stay reserved for the pod: the next pod's 1Gi goes elsewhere
	[ "$(hints_of next memory | jq -c '.[0]')" = '[[1],true]' ]
}

@test "memory: pod-level resources get no Memory Manager or exclusive CPUs (PodLevelResources)" {
	run -0 --separate-stderr topo-admit -t "$MEM4" --memory-manager-policy Static --cpu-manager-policy static \
		--policy single-numa-node "$F/pod-level.yaml"
	jq_is '[.qosClass, .containers[0].exclusiveCpus, .containers[0].hint.numaAffinity]' '["Guaranteed",0,null]'
	jq_is '.containers[0].resources | [has("memory"), .cpu.hints]' '[false,null]'
}

@test "memory: reservedMemory of huge pages is not handed out (getResourceSystemReserved)" {
	run -0 --separate-stderr topo-admit -t "$MEM4" --kubelet-config "$F/reserve-hugepages.yaml" "$F/one-hugepage.yaml"
	jq_is '.containers[0].hint' '{"numaAffinity":[1],"preferred":true}'
	jq_is '.containers[0].resources["hugepages-1Gi"].hints[0:3] | map(.numaAffinity)' '[[1],[2],[3]]'
}

# mem_pod INIT APP: a Guaranteed pod of mem-requests.tsv's container specs
mem_pod() {
	local list kind spec specs mem hp rp sep=''
	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n'
	for kind in initContainers containers; do
		if [ "$kind" = initContainers ]; then list=$1; else list=$2; fi
		printf '  %s:\n' "$kind"
		IFS=, read -ra specs <<<"$list"
		for spec in "${specs[@]}"; do
			rp=''
			case $spec in *r) rp=', restartPolicy: Always'; spec=${spec%r} ;; esac
			mem=${spec%/*} hp=${spec#*/}
			printf '  - {name: c%s%s, resources: {limits: {cpu: "1", memory: %sGi, hugepages-1Gi: %sGi}}}\n' \
				"${#sep}" "$rp" "$mem" "$hp"
			sep+=x
		done
	done
}

@test "memory: pod scope asks for what getPodRequestedResources counts (Test_getPodRequestedResources)" {
	local init app mem hp name n=0 bad=0 got want
	while IFS=$'\t' read -r init app mem hp name; do
		case $init in '#'*|'') continue ;; esac
		n=$((n + 1))
		mem_pod "$init" "$app" >"$BATS_TEST_TMPDIR/p.yaml"
		run --separate-stderr topo-admit -t "$FIXTURES/topo/2s-2n-16c-2t-gpu1.json" --memory-manager-policy Static \
			--policy best-effort --scope pod "$BATS_TEST_TMPDIR/p.yaml"
		got=$(printf '%s' "$output" | jq -c '.podScope.resources | [.memory.request, .["hugepages-1Gi"].request]')
		want="[$((mem << 30)),$((hp << 30))]"
		# the exit says the verdict
		case $status:$(jq -r .admit <<<"$output") in 0:true | 1:false) ;; *) got="exit $status, $got" ;; esac
		if [ "$got" != "$want" ]; then
			printf 'FAIL %s\n  want %s\n  got  %s (exit %s) %s\n' "$name" "$want" "$got" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$F/cases/mem-requests.tsv"
	[ "$n" -eq 5 ] && [ "$bad" -eq 0 ]
}
