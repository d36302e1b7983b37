#!/usr/bin/env bats
# The CPU Manager's hint generation (cpumanager/topology_hints_test.go),
# run through `topo-admit --cpu-hints`. Cases: fixtures/topo-admit/cases/cpu-hints.tsv.
load test_helper/common

expand_hints() {
	sed -e 's/P\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":true}/g' \
	    -e 's/N\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":false}/g'
}

@test "cpu-hints: the kubelet's topology_hints_test.go cases" {
	local topo count avail extra want name n=0 bad=0
	while IFS=$'\t' read -r topo count avail extra want name; do
		case $topo in '#'*|'') continue ;; esac
		n=$((n + 1))
		local args=(--cpu-hints -t "$FIXTURES/topo/$topo" --count "$count")
		[ "$avail" = - ] || args+=(--available "$avail")
		[ "$extra" = - ] || args+=("$extra")
		want="{\"hints\":$(printf '%s' "$want" | expand_hints)}"
		run --separate-stderr topo-admit "${args[@]}"
		if [ "$status" -ne 0 ] || [ "$output" != "$want" ]; then
			printf 'FAIL %s\n  want %s\n  got  %s (exit %s) %s\n' "$name" "$want" "$output" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$FIXTURES/topo-admit/cases/cpu-hints.tsv"
	[ "$n" -ge 17 ] && [ "$bad" -eq 0 ]
}

@test "cpu-hints: text output names each NUMA combination" {
	run -0 topo-admit --cpu-hints -t "$FIXTURES/topo/2s-2n-6c-2t-seq.json" --count 2 --available 2-11 -o text
	[ "${lines[0]}" = "NUMA 0 (preferred)" ]
	[ "${lines[2]}" = "NUMA 0-1" ]
}

@test "cpu-hints: --count is required and must be an integer" {
	run -2 --separate-stderr topo-admit --cpu-hints -t "$FIXTURES/topo/2s-2n-6c-2t-seq.json"
	stderr_has "--cpu-hints needs --count N"
	run -2 --separate-stderr topo-admit --cpu-hints -t "$FIXTURES/topo/2s-2n-6c-2t-seq.json" --count 2.5
	stderr_has "invalid --count value '2.5'"
}

@test "cpu-hints: CPUs outside the topology are an input error" {
	run -2 --separate-stderr topo-admit --cpu-hints -t "$FIXTURES/topo/2s-2n-6c-2t-seq.json" --count 1 --available 0-40
	stderr_has "the topology does not have"
}
