#!/usr/bin/env bats
# make demo (tests/demo.sh): what a new user sees first
load test_helper/common

@test "make demo: no escape codes off a terminal, warnings once, and every shown file still there" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the demo runs the plain build in bin/"
	run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/build" "$TK_ROOT/tests/demo.sh"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" != *$'\e'* ]] || { echo "escape codes in: $output"; return 1; }
	# topo-admit -o text carries its warnings; stderr does not repeat them
	[[ "$stderr" != *"is not Kubernetes API"* ]] || { echo "stderr: $stderr"; return 1; }
	[ "$(grep -c 'annotation cpu-set.kubernetes.io/numa-node is not Kubernetes API' <<<"$output")" -eq 2 ]
	[ -s "$BATS_TEST_TMPDIR/build/demo/node.json" ]
	[[ "$output" == *"\$ topo-admit -t $BATS_TEST_TMPDIR/build/demo/node.json "* ]] || { echo "$output"; return 1; }
	# the README's picture is what the demo draws, byte for byte
	cmp "$BATS_TEST_TMPDIR/build/demo/worker-01.svg" "$TK_ROOT/docs/worker-01.svg"
}
