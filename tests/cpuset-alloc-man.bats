#!/usr/bin/env bats
# Every command of the EXAMPLES of man/cpuset-alloc.1 (the "$ " lines of its
# literal blocks) runs and prints what the page shows.
load test_helper/common

# examples FILE: records "CMD<US>EXPECTED<RS>"; a command continues on the
# next line after a trailing "\" or "|"
examples() {
	awk '
	/^\.Sh EXAMPLES/ { ex = 1; next }
	/^\.Sh / { ex = 0 }
	!ex { next }
	/^\.Bd -literal/ { inb = 1; next }
	/^\.Ed/ { if (cmd != "") printf "%s\037%s\036", cmd, out; cmd = ""; out = ""; inb = 0; next }
	!inb { next }
	{
		line = $0
		gsub(/\\e/, "\\", line)
		if (cont) { cmd = cmd "\n" line; cont = (line ~ /[\\|]$/); next }
		if (line ~ /^\$ /) {
			if (cmd != "") printf "%s\037%s\036", cmd, out
			cmd = substr(line, 3); out = ""; cont = (line ~ /[\\|]$/); next
		}
		sub(/^ +/, "", line); out = out line
	}' "$1"
}

@test "man: the EXAMPLES of cpuset-alloc(1) run and print what they show" {
	local n=0 bad=0 cmd want got
	cd "$BATS_TEST_TMPDIR"
	ln -s "$TK_ROOT/tests" tests
	examples "$TK_ROOT/man/cpuset-alloc.1" >"$BATS_TEST_TMPDIR/ex"
	while IFS=$'\037' read -r -d $'\036' cmd want; do
		[ -n "$cmd" ] || continue
		n=$((n + 1))
		run bash -c "$cmd"
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
