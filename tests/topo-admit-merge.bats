#!/usr/bin/env bats
# The kubelet's hint-merge table tests (topologymanager/policy*_test.go),
# run through `topo-admit --hints`. Cases: fixtures/topo-admit/cases/merge.tsv
# (all of them in tests/unit/test-merge-cases.c).
load test_helper/common

CASES=$FIXTURES/topo-admit/cases

# expand the hint shorthands of merge.tsv into HINTS.json
expand_hints() {
	sed -e 's/P\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":true}/g' \
	    -e 's/N\[\([0-9,]*\)\]/{"numaAffinity":[\1],"preferred":false}/g' \
	    -e 's/Pnil/{"numaAffinity":null,"preferred":true}/g' \
	    -e 's/Nnil/{"numaAffinity":null,"preferred":false}/g'
}

# run_suite SUITE POLICY NODES ALL [ARGS...]: every case of SUITE under POLICY
run_suite() {
	local suite=$1 policy=$2 nodes=$3 all=$4 n=0 bad=0
	shift 4
	local s hints aff pref name want_aff want_admit
	while IFS=$'\t' read -r s hints aff pref name; do
		[ "$s" = "$suite" ] || continue
		n=$((n + 1))
		printf '%s\n' "$hints" | expand_hints >"$BATS_TEST_TMPDIR/h.json"
		case $aff in ALL) want_aff=$all ;; nil) want_aff=null ;; *) want_aff=$aff ;; esac
		case $policy in
		best-effort|none) want_admit=true ;;
		*) want_admit=$pref ;;
		esac
		want="{\"admit\":$want_admit,\"hint\":{\"numaAffinity\":$want_aff,\"preferred\":$pref}}"
		run --separate-stderr topo-admit --policy "$policy" --numa-nodes "$nodes" \
			--hints "$BATS_TEST_TMPDIR/h.json" "$@"
		if [ "$output" != "$want" ] || { [ "$want_admit" = true ] && [ "$status" -ne 0 ]; } ||
			{ [ "$want_admit" = false ] && [ "$status" -ne 1 ]; }; then
			printf 'FAIL %s/%s: %s\n  want %s\n  got  %s (exit %s) %s\n' "$suite" "$policy" \
				"$name" "$want" "$output" "$status" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$CASES/merge.tsv"
	[ "$n" -gt 0 ] || { echo "no cases in suite $suite" >&2; return 1; }
	[ "$bad" -eq 0 ]
}

CLOSEST8=(--distances "$FIXTURES/topo-admit/dist-8.json" --option prefer-closest-numa-nodes=true)

# Every suite of merge.tsv under every policy and NUMA layout the kubelet
# runs it under is tests/unit/test-merge-cases.c (one process: the same
# loader and merge as --hints). One suite runs here through the tool itself.
@test "merge: common cases under restricted with prefer-closest-numa-nodes, 8 NUMA nodes, through topo-admit --hints" {
	run_suite common restricted 0-7 '[0,1,2,3,4,5,6,7]' "${CLOSEST8[@]}"
}
@test "merge: single-numa-node ignores prefer-closest-numa-nodes (NewHintMerger)" {
	# NUMA 1's own distance is the shorter: Closest takes [1], Narrowest [0]
	local d=(--numa-nodes 0-1 --distances "$FIXTURES/topo-admit/dist-2-diag.json"
		--option prefer-closest-numa-nodes=true --hints "$BATS_TEST_TMPDIR/h.json")
	echo '[{"resource":[{"numaAffinity":[0],"preferred":true},{"numaAffinity":[1],"preferred":true}]}]' \
		>"$BATS_TEST_TMPDIR/h.json"
	run -0 topo-admit --policy best-effort "${d[@]}"
	[ "$output" = '{"admit":true,"hint":{"numaAffinity":[1],"preferred":true}}' ]
	run -0 topo-admit --policy single-numa-node "${d[@]}"
	[ "$output" = '{"admit":true,"hint":{"numaAffinity":[0],"preferred":true}}' ]
}
@test "merge: masks above NUMA node 7 with max-allowable-numa-nodes=12" {
	# bestNonPreferredAffinityCount is 2: [9,10] beats the narrower [10]
	echo '[{"a":[{"numaAffinity":[10],"preferred":false},{"numaAffinity":[9,10],"preferred":false}]},{"b":[{"numaAffinity":[9,10,11],"preferred":false},{"numaAffinity":[9,10],"preferred":false}]}]' \
		>"$BATS_TEST_TMPDIR/h.json"
	run -1 topo-admit --policy restricted --numa-nodes 0-11 --option max-allowable-numa-nodes=12 \
		--hints "$BATS_TEST_TMPDIR/h.json"
	[ "$output" = '{"admit":false,"hint":{"numaAffinity":[9,10],"preferred":false}}' ]
}

# All of admit.tsv (TestAdmit) is in tests/unit/test-merge-cases.c; here its
# two restricted cases of one hint list, under both scopes, through the tool
@test "admit: TestAdmit's restricted verdicts through topo-admit --hints, container and pod scope" {
	local scope
	for scope in container pod; do
		printf '%s\n' '[{"resource":[P[0],N[0,1]]}]' | expand_hints >"$BATS_TEST_TMPDIR/h.json"
		run -0 --separate-stderr topo-admit --policy restricted --scope "$scope" --numa-nodes 0-1 \
			--hints "$BATS_TEST_TMPDIR/h.json"
		jq_is .admit true
		printf '%s\n' '[{"resource":[N[0,1]]}]' | expand_hints >"$BATS_TEST_TMPDIR/h.json"
		run -1 --separate-stderr topo-admit --policy restricted --scope "$scope" --numa-nodes 0-1 \
			--hints "$BATS_TEST_TMPDIR/h.json"
		jq_is .admit false
	done
}
