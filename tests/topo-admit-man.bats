#!/usr/bin/env bats
# Every EXAMPLES command of man/topo-admit.1 runs, and prints what the page shows.
load test_helper/common

# examples FILE: one record per command, "CMD<US>EXPECTED", commands joined
# across "\e" continuations, expected output joined without line breaks
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
		if (cont) { cmd = cmd "\n" line; cont = (line ~ /\\$/); next }
		if (line ~ /^\$ /) {
			if (cmd != "") printf "%s\037%s\036", cmd, out
			cmd = substr(line, 3); out = ""; cont = (line ~ /\\$/); next
		}
		if (cmd ~ /^echo /) { cmd = cmd "\n" line; next }
		sub(/^ +/, "", line); out = out line
	}' "$1"
}

@test "man: the EXAMPLES of topo-admit(1) run and print what they show" {
	local n=0 bad=0 cmd want
	cd "$BATS_TEST_TMPDIR"
	ln -s "$TK_ROOT/tests" tests
	examples "$TK_ROOT/man/topo-admit.1" >"$BATS_TEST_TMPDIR/ex"
	# records may span lines (continuations); split on the unit separator pairs
	while IFS=$'\037' read -r -d $'\036' cmd want; do
		[ -n "$cmd" ] || continue
		n=$((n + 1))
		run bash -c "$cmd"
		if [ "$status" -gt 1 ] || { [ -n "$want" ] && [ "$(printf '%s' "$output" | tr -d '\n ')" != "$(printf '%s' "$want" | tr -d ' ')" ]; }; then
			printf 'FAIL example %d: %s\n  exit %s\n  want %s\n  got  %s\n' "$n" "$cmd" "$status" "$want" "$output" >&2
			bad=$((bad + 1))
		fi
	done <"$BATS_TEST_TMPDIR/ex"
	[ "$n" -ge 5 ] && [ "$bad" -eq 0 ]
}
