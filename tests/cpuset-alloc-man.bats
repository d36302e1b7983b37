#!/usr/bin/env bats
# Every command of the EXAMPLES of man/cpuset-alloc.1 (the "$ " lines of its
# literal blocks) runs and prints what the page shows.
load test_helper/common

@test "man: the EXAMPLES of cpuset-alloc(1) run and print what they show" {
	local n=0 bad=0 cmd want got
	cd "$BATS_TEST_TMPDIR"
	ln -s "$TK_ROOT/tests" tests
	man_examples "$TK_ROOT/man/cpuset-alloc.1" >"$BATS_TEST_TMPDIR/ex"
	while IFS=$'\037' read -r -d $'\036' cmd want; do
		[ -n "$cmd" ] || continue
		n=$((n + 1))
		run bash -o pipefail -c "$cmd"
		got=$(printf '%s' "$output" | tr -d '\n ')
		if [ "$status" -gt 1 ] || [ "$got" != "$(printf '%s' "$want" | tr -d ' ')" ]; then
			printf 'FAIL example %d: %s\n  exit %s\n  want %s\n  got  %s\n' "$n" "$cmd" "$status" "$want" "$output" >&2
			bad=$((bad + 1))
		fi
	done <"$BATS_TEST_TMPDIR/ex"
	echo "# $n examples" >&3
	[ "$n" -ge 5 ] && [ "$bad" -eq 0 ]
}

@test "man: cpuset-alloc(1) is clean under mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TK_ROOT/man/cpuset-alloc.1"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
