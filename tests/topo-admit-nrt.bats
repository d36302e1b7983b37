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
