#!/usr/bin/env bats
# Every EXAMPLES command of man/topo-admit.1 runs, and prints what the page shows.
load test_helper/common

@test "man: the EXAMPLES of topo-admit(1) run and print what they show" {
	local n=0 bad=0 cmd want
	cd "$BATS_TEST_TMPDIR"
	ln -s "$TK_ROOT/tests" tests
	man_examples "$TK_ROOT/man/topo-admit.1" >"$BATS_TEST_TMPDIR/ex"
	# records may span lines (continuations); split on the unit separator pairs
	while IFS=$'\037' read -r -d $'\036' cmd want; do
		[ -n "$cmd" ] || continue
		n=$((n + 1))
		run bash -o pipefail -c "$cmd"
		if [ "$status" -gt 1 ] || { [ -n "$want" ] && [ "$(printf '%s' "$output" | tr -d '\n ')" != "$(printf '%s' "$want" | tr -d ' ')" ]; }; then
			printf 'FAIL example %d: %s\n  exit %s\n  want %s\n  got  %s\n' "$n" "$cmd" "$status" "$want" "$output" >&2
			bad=$((bad + 1))
		fi
	done <"$BATS_TEST_TMPDIR/ex"
	[ "$n" -ge 5 ] && [ "$bad" -eq 0 ]
}
