#!/usr/bin/env bats
# spread-check place: kube-scheduler's PodTopologySpread table tests
# (filtering_test.go, scoring_test.go) ported as fixture cases, one
# directory per case under tests/fixtures/spread-check/place/cases/.
load test_helper/common

PLACE=$FIXTURES/spread-check/place

# run_cases PREFIX: run every case whose directory starts with PREFIX and
# fail with the list of mismatches.
run_cases() {
	local dir name args out bad="" n=0 msg
	for dir in "$PLACE"/cases/"$1"*/; do
		name=${dir%/}; name=${name##*/}
		read -r -a args <"$dir/args" || true
		out=$(cd "$dir" && spread-check place --nodes nodes.json --pods pods.json --counts "${args[@]}" pod.json) && rc=0 || rc=$?
		if [ "$rc" -gt 1 ]; then bad+="$name: exit $rc"$'\n'; continue; fi
		msg=$(printf '%s' "$out" | jq -r --slurpfile e "$dir/expect.json" '$e[0] as $exp | '"$(cat "$PLACE/check.jq")")
		[ -z "$msg" ] || bad+="$name: $msg"$'\n'
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || { echo "no case matched $1"; return 1; }
	[ -z "$bad" ] || { printf '%s' "$bad"; return 1; }
}

@test "TestPreFilterState cases: counted pods per domain" {
	run_cases PreFilterState-
}

@test "TestPreFilterStateAddPod cases: a pod added to the cluster counts" {
	run_cases PreFilterStateAddPod-
}

@test "TestPreFilterStateRemovePod cases: a removed pod no longer counts" {
	run_cases PreFilterStateRemovePod-
}

@test "TestSingleConstraint cases: Filter verdicts" {
	run_cases SingleConstraint-
}

@test "TestMultipleConstraints cases: Filter verdicts" {
	run_cases MultipleConstraints-
}

@test "TestPodTopologySpreadScore cases: normalized scores" {
	run_cases PodTopologySpreadScore-
}

@test "TestPreScoreStateEmptyNodes cases: scored domains, topology sizes, ignored nodes" {
	run_cases PreScoreStateEmptyNodes-
}

@test "TestPreScoreSkip cases: no soft constraints, nothing scored" {
	run_cases PreScoreSkip-
}
