#!/usr/bin/env bats
# topo-admit --nrt: the scheduler-plugins NodeResourceTopologyMatch plugin's
# filter, score and least-NUMA table tests (filter_test.go, score_test.go),
# one topo-admit run per table. Fixtures: fixtures/topo-admit/nrt/*/ (see
# gen.py there): every case is one pod of pods.yaml, and `expected` lists
# "CASE NODE FEASIBLE SCORE REASON" for the nodes the Go table asserts.
load test_helper/common

NRT=$FIXTURES/topo-admit/nrt

# run_set DIR: one run over every case of DIR; each expected line must match
run_set() {
	local dir=$NRT/$1 args got line i n f s r bad=0 count=0
	read -r args <"$dir/args"
	# shellcheck disable=SC2086
	run --separate-stderr topo-admit --nrt "$dir/nrt.json" --nodes "$dir/nodes.json" $args "$dir/pods.yaml"
	[ "$status" -le 1 ] || { echo "status $status: $stderr" >&2; return 1; }
	got=$(printf '%s\n' "$output" |
		jq -rs 'to_entries[] | .key as $i | .value.nodes[] | "\($i) \(.name) \(.feasible) \(.score) \(.reason)"')
	while read -r i n f s r; do
		count=$((count + 1))
		line=$(printf '%s\n' "$got" | awk -v i="$i" -v n="$n" '$1 == i && $2 == n')
		if [ "$s" = - ]; then
			# filter tables: verdict and status message, any score
			set -- $line
			[ "$3" = "$f" ] && [ "$(printf '%s' "$line" | cut -d' ' -f5-)" = "$r" ] && continue
		elif [ "$line" = "$i $n $f $s $r" ]; then
			continue
		fi
		echo "case $i on $n: want '$f $s $r', got '$line'" >&2
		bad=$((bad + 1))
	done <"$dir/expected"
	[ "$count" -gt 0 ] && [ "$bad" -eq 0 ]
}

@test "filter_test.go TestNodeResourceTopology: every case" {
	run_set filter
	[ "$status" -eq 1 ]   # no node has 20 NICs on one NUMA zone (case 4)
}

@test "filter_test.go MultiContainerPodScope: every case" {
	run_set filter-pod-scope
	[ "$status" -eq 1 ]   # four of the five pods fit nowhere
}

@test "filter_test.go MultiContainerContainerScope: every case" {
	run_set filter-container-scope
	[ "$status" -eq 1 ]
}

@test "score_test.go TestNodeResourceScorePlugin: each strategy's best node and score" {
	local s
	for s in MostAllocated BalancedAllocation LeastAllocated; do
		run_set "score-$s"
		[ "$status" -eq 0 ]
		# the asserted node has the highest score
		read -r _ best _ score _ <"$NRT/score-$s/expected"
		jq_is '[.nodes[].score] | max' "$score"
		jq_is "[.nodes[] | select(.score == $score) | .name] | index(\"$best\") != null" true
	done
}

@test "score_test.go TestNodeResourcePartialDataScorePlugin: nodes without NRT score 0" {
	local s
	for s in MostAllocated LeastAllocated BalancedAllocation; do
		run_set "score-partial-$s"
		[ "$status" -eq 0 ]
		run_set "score-nodata-$s"
		[ "$status" -eq 0 ]
	done
}

@test "score_test.go TestNodeResourceScorePluginLeastNUMA: every case" {
	local s
	for s in container pod four; do
		run_set "least-numa-$s"
		[ "$status" -eq 0 ]
	done
}

@test "nodeconfig/topologymanager_test.go: the configuration read from attributes and topologyPolicies" {
	local line bad=0 n=0
	run --separate-stderr topo-admit -o text --scoring-strategy LeastNUMANodes \
		--nrt "$NRT/conf/nrt.json" "$NRT/conf/pod.yaml"
	[ "$status" -eq 0 ]
	# each line: the policy and scope read, and the LeastNUMANodes score
	# that topologyManagerMaxNUMANodes normalises
	while IFS= read -r line; do
		n=$((n + 1))
		case $output in *"$line: "*) ;; *) echo "missing: $line" >&2; bad=$((bad + 1)) ;; esac
	done <"$NRT/conf/expected-text"
	[ "$n" -eq 22 ] && [ "$bad" -eq 0 ]
}

@test "least_numa_test.go TestNUMANodesRequired, TestNormalizeScore: the zones chosen and the score" {
	local line bad=0 n=0 got
	run --separate-stderr topo-admit -o text --scoring-strategy LeastNUMANodes \
		--nrt "$NRT/least-numa-required/nrt.json" "$NRT/least-numa-required/pods.yaml"
	[ "$status" -eq 0 ]
	# "caseN:" + each node line of pod caseN's section
	got=$(printf '%s\n' "$output" | awk '/^Pod / { pod = $2; next } { print pod ":" $0 }')
	while IFS= read -r line; do
		n=$((n + 1))
		printf '%s\n' "$got" | grep -qxF -- "$line" || { echo "missing: $line" >&2; bad=$((bad + 1)); }
	done <"$NRT/least-numa-required/expected-text"
	[ "$n" -eq 12 ] && [ "$bad" -eq 0 ]
}

MISC=$NRT/misc

@test "--nrt: policy sources, nodes without NRT or Node, non-NUMA zones (hand-made nodes)" {
	run --separate-stderr topo-admit --nrt "$MISC/nrt.yaml" --nodes "$MISC/nodes.yaml" "$MISC/pod.yaml"
	[ "$status" -eq 0 ]
	# in NODES_FILE order; v1alpha1 topologyPolicies; attributes beat the
	# legacy list; other policies and unknown values do not filter; a node
	# without NRT passes with score 0; Socket zones are not NUMA zones.
	# legacy-pod-scope: NUMA 0 scores 56, NUMA 1 (2 CPUs free) 43: the lowest non-zero
	jq_is '[.nodes[] | [.name, .feasible, .score, .reason]]' \
		'[["legacy-pod-scope",true,43,""],["attributes-win",false,0,"cannot align pod"],["no-nrt",true,0,""],["restricted",true,0,""],["unknown-policy",true,0,""],["no-numa-zones",false,0,"cannot align container"]]'
	stderr_has "NodeResourceTopology 'not-a-node' has no Node in"
}

@test "--nrt: one combined dump (Nodes, then NodeResourceTopologies) read once, alone or as --nodes too (stdin included)" {
	run -0 --separate-stderr topo-admit --nrt "$MISC/nrt.yaml" --nodes "$MISC/nodes.yaml" "$MISC/pod.yaml"
	local want=$output d=$BATS_TEST_TMPDIR
	{ cat "$MISC/nodes.yaml"; echo ---; cat "$MISC/nrt.yaml"; } >"$d/dump.yaml"
	run -0 --separate-stderr topo-admit --nrt "$d/dump.yaml" "$MISC/pod.yaml"
	[ "$output" = "$want" ]
	stderr_has "NodeResourceTopology 'not-a-node' has no Node in $d/dump.yaml; skipped"
	# stdin can be read only once: both options get the one stream
	run -0 --separate-stderr topo-admit --nrt - --nodes - "$MISC/pod.yaml" <"$d/dump.yaml"
	[ "$output" = "$want" ]
	stderr_has "has no Node in <stdin>; skipped"
	# a Node after an NRT would have been needed before it; a Node while
	# --nodes names another file; a Node of the dump of the wrong shape
	{ cat "$MISC/nrt.yaml"; echo ---; cat "$MISC/nodes.yaml"; } >"$d/late.yaml"
	run -2 --separate-stderr topo-admit --nrt "$d/late.yaml" "$MISC/pod.yaml"
	stderr_has "late.yaml:79:3: a Node after a NodeResourceTopology: list the Nodes first (kubectl get nodes,noderesourcetopologies -o json)"
	run -2 --separate-stderr topo-admit --nrt "$d/dump.yaml" --nodes "$MISC/nodes.yaml" "$MISC/pod.yaml"
	stderr_has "dump.yaml:4:3: expected a NodeResourceTopology, got kind 'Node' (the Nodes come from --nodes)"
	sed '4s/allocatable: {cpu: "6", memory: 16Gi}/allocatable: [cpu]/' "$d/dump.yaml" >"$d/shape.yaml"
	run -2 --separate-stderr topo-admit --nrt "$d/shape.yaml" "$MISC/pod.yaml"
	stderr_has "shape.yaml:4:"
	# Nodes alone and no NRT: every node passes unfiltered, as with --nodes
	run -0 --separate-stderr topo-admit --nrt "$MISC/nodes.yaml" "$MISC/pod.yaml"
	jq_is '[.nodes[].score]' '[0,0,0,0,0,0]'
}

@test "--nrt -o text: the zone that fits, the resource that does not; --resource-weight" {
	run --separate-stderr topo-admit -o text --resource-weight cpu=3 --scoring-strategy LeastAllocated \
		--nrt "$MISC/nrt.yaml" --nodes "$MISC/nodes.yaml" "$MISC/pod.yaml"
	[ "$status" -eq 0 ]
	# cpu weighs 3: NUMA 1 scores (0*3 + 87) / 4
	output_has "legacy-pod-scope (single-numa-node, pod scope): feasible, score 21: pod on node-0"
	output_has "attributes-win (single-numa-node, pod scope): not feasible: cannot align pod (no NUMA zone has enough cpu)"
	output_has "no-nrt: feasible, score 0: no NodeResourceTopology"
	output_has "unknown-policy (none, container scope): feasible, score 0: policy none: not filtered"
	output_has "no-numa-zones (single-numa-node, container scope): not feasible: cannot align container (container 'db': no NUMA zone has enough cpu)"
}

@test "--nrt: exit 1 when no node fits; without --nodes every NRT is a node" {
	run --separate-stderr topo-admit --nrt "$NRT/filter-pod-scope/nrt.json" - <<<'{"kind":"Pod","metadata":{"name":"big"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"33","memory":"1Gi"}}}]}}'
	[ "$status" -eq 1 ]
	jq_is '.nodes' '[{"name":"host0","feasible":false,"score":0,"reason":"cannot align pod"}]'
}

@test "--nrt: misuse and bad input exit 2" {
	run --separate-stderr topo-admit --nrt "$MISC/nrt.yaml" --scoring-strategy Fastest "$MISC/pod.yaml"
	[ "$status" -eq 2 ]
	stderr_has "invalid --scoring-strategy 'Fastest'"
	run --separate-stderr topo-admit --nrt "$MISC/nrt.yaml" --resource-weight cpu "$MISC/pod.yaml"
	[ "$status" -eq 2 ]
	stderr_has "invalid --resource-weight value 'cpu'"
	run --separate-stderr topo-admit --nrt "$MISC/nrt.yaml"
	[ "$status" -eq 2 ]
	stderr_has "missing POD_FILE"
	run --separate-stderr topo-admit --nrt "$MISC/pod.yaml" "$MISC/pod.yaml"
	[ "$status" -eq 2 ]
	stderr_has "pod.yaml:1:1: expected a NodeResourceTopology or a Node, got kind 'Pod'"
	printf 'kind: NodeResourceTopology\nmetadata: {name: x1}\nzones:\n- {name: node-0, type: Node, resources: [{name: cpu, available: 4x}]}\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr topo-admit --nrt "$BATS_TEST_TMPDIR/bad.yaml" "$MISC/pod.yaml"
	[ "$status" -eq 2 ]
	stderr_has "bad.yaml:4:65: invalid quantity '4x' for available"
}

@test "pipeline: topo-discover -o nrt on three nodes -> topo-admit --nrt picks the one whose GPU shares a NUMA zone with 12 CPUs" {
	local t
	for t in 1s-1n-8c-2t-2l3 2s-2n-16c-2t-gpu1 2s-4n-40c-2t; do
		topo-discover -t "$FIXTURES/topo/$t.json" -o nrt --node-name "$t" \
			--topology-manager-policy single-numa-node --topology-manager-scope container
		echo ---
	done >"$BATS_TEST_TMPDIR/nrt.yaml"
	run --separate-stderr topo-admit --nrt "$BATS_TEST_TMPDIR/nrt.yaml" - <<<'{"kind":"Pod","metadata":{"name":"infer"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"12","memory":"8Gi","nvidia.com/gpu":"1"}}}]}}'
	[ "$status" -eq 0 ]
	jq_is '[.nodes[] | select(.feasible) | .name]' '["2s-2n-16c-2t-gpu1"]'
	jq_is '[.nodes[] | .reason]' '["cannot align container","","cannot align container"]'
}

@test "--nrt LeastNUMANodes: a node of 40, or 100 repeated, NUMA zones ends with a warning instead of enumerating every combination" {
	run --separate-stderr timeout "$(time_limit 10)" topo-admit -o text --scoring-strategy LeastNUMANodes \
		--nrt "$NRT/wide/nrt.json" "$NRT/wide/pod.yaml"
	[ "$status" -eq 0 ]
	output_has "wide (best-effort, pod scope): feasible, score 0: policy best-effort: not filtered; least NUMA nodes: not enumerated (too many combinations of 40 zones"
	output_has "repeated-zone (best-effort, container scope): feasible, score 0"
	stderr_has "warning: repeated-zone: least NUMA nodes: not enumerated (too many combinations of 100 zones"
	# 64 zones whose CPUs together are too few: no combination fits, known at once
	output_has "too-small (best-effort, container scope): feasible, score 0: policy best-effort: not filtered"
	[[ $stderr != *too-small* ]]
}

@test "a Node zone beyond node-63 is left out as the plugin leaves it out, with a warning, never silently" {
	local m=$TK_ROOT/tests/fixtures/topo-admit/nrt/misc
	run --separate-stderr topo-admit --nrt "$m/zone-node-64.json" "$m/pod-8cpu.yaml"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
	jq_is '.nodes[0] | [.feasible, .reason]' '[false,"cannot align container"]'
	[ "$stderr" = "topo-admit: warning: NodeResourceTopology 'w1': 1 zone(s) of type Node, first 'node-64', are no NUMA node the plugin accepts (node-0 to node-63): left out, as the plugin leaves them out" ] ||
		{ echo "$stderr"; return 1; }
}
