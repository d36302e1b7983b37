# Shared setup for every bats file: load with `load test_helper/common`.
bats_require_minimum_version 1.5.0

TK_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
TK_BIN=${TK_BIN:-$TK_ROOT/bin}
FIXTURES=$TK_ROOT/tests/fixtures
EXPECTED=$TK_ROOT/tests/expected
# ../shared (TK_SHARED): data from outside the repository - real machines'
# hwloc XML and /sys trees, real manifests, the guide (see README.md). CI has
# it; a plain clone does not, and the tests that read it skip (need_shared).
SHARED=${TK_SHARED:-$TK_ROOT/../shared}
TK_BUILD=${TK_BUILD:-$TK_ROOT/build}
TK_TEST=${TK_TEST:-$TK_BUILD/tests/tk-test}
export PATH="$TK_BIN:$PATH"

# jq_is FILTER EXPECTED: $output, run through jq FILTER, equals EXPECTED
jq_is() {
	local got
	got=$(printf '%s' "$output" | jq -c "$1") || { echo "jq failed on: $output" >&2; return 1; }
	if [ "$got" != "$2" ]; then
		printf 'filter:   %s\nexpected: %s\ngot:      %s\n' "$1" "$2" "$got" >&2
		return 1
	fi
}

# stderr_has TEXT: the captured $stderr contains TEXT
stderr_has() {
	case "$stderr" in *"$1"*) return 0 ;; esac
	printf 'stderr lacks: %s\nstderr was: %s\n' "$1" "$stderr" >&2
	return 1
}

# output_has TEXT
output_has() {
	case "$output" in *"$1"*) return 0 ;; esac
	printf 'output lacks: %s\noutput was: %s\n' "$1" "$output" >&2
	return 1
}

# man_examples PAGE: the commands of PAGE's EXAMPLES section, one record per
# "$ " line of a literal display: "CMD<US>EXPECTED<RS>". A command goes on
# over the next lines after a trailing "\" or "|", and an `echo '...` command
# over the lines that follow it; other lines are the expected output, joined
# without line breaks.
man_examples() {
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
		if (cmd ~ /^echo /) { cmd = cmd "\n" line; next }
		sub(/^ +/, "", line); out = out line
	}' "$1"
}

# time_limit SECONDS: SECONDS for a plain build; 120 under ASan or valgrind,
# where a bound would measure the instrumentation on a loaded machine rather
# than our code (the run must still end, and exit as the test says)
time_limit() {
	if [ -n "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then echo 120; else echo "$1"; fi
}

# need_shared PATH...: skips the test (or, from setup_file, the file) unless
# ../shared/PATH exists for each PATH. With TK_REQUIRE_SHARED=1 (CI, which
# has ../shared) a missing PATH fails instead, so that nothing skips there.
need_shared() {
	local p
	for p in "$@"; do
		[ ! -e "$SHARED/$p" ] || continue
		if [ "${TK_REQUIRE_SHARED:-}" = 1 ]; then
			echo "TK_REQUIRE_SHARED=1 but $SHARED/$p is missing" >&2
			return 1
		fi
		skip "needs ../shared/$p (real data from outside the repository; CI has it)"
	done
}

# need_jsonschema: sets PY to a python3 with jsonschema and rfc3987 (what
# tests/helpers/jsonschema-check needs, rfc3987 for the uri formats), or skips
need_jsonschema() {
	for PY in /usr/bin/python3 python3; do
		"$PY" -c 'import jsonschema, rfc3987' 2>/dev/null && return
	done
	skip "needs python3-jsonschema and python3-rfc3987"
}
