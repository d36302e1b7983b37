#!/usr/bin/env bats
# The contract every tool keeps (HACKING.md): --help on stdout with exit 0,
# --version, exit 2 with a try-help line on misuse, and every long option of
# --help in the man page and in the bash, zsh and fish completions; every man
# page clean under mandoc -Tlint. A tool not built yet is skipped.
# (util-linux tools/checkusage.sh, checkcompletion.sh, checkmanpage.sh.)

load test_helper/common

TOOLS="topo-discover topo-admit cpuset-alloc spread-check numa-verify"

need_tool() {
	[ -x "$TK_BIN/$1" ] || skip "$1 is not built yet"
}

# long options a tool's --help shows (and its subcommands' --help, for tools
# whose help has a "Commands:" section)
long_options() {
	local tool=$1 sub help
	help=$("$TK_BIN/$tool" --help)
	printf '%s\n' "$help"
	for sub in $(printf '%s\n' "$help" | awk '/^Commands:/ { c = 1; next } c && /^$/ { exit } c { print $1 }'); do
		"$TK_BIN/$tool" "$sub" --help 2>/dev/null
	done
} 2>/dev/null

# the long option each option line starts with (" -o, --output FORMAT",
# "     --no-devices"), not options quoted in descriptions
option_names() {
	local help
	help=$(long_options "$1") || return 1
	printf '%s\n' "$help" | sed -nE 's/^ +(-[A-Za-z0-9], )?(--[a-z][a-z0-9.-]*).*/\2/p' | sort -u
}

check_help() {
	need_tool "$1"
	run --separate-stderr "$TK_BIN/$1" --help
	[ "$status" -eq 0 ] || { echo "exit $status" >&2; return 1; }
	[ -n "$output" ]
	[ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
	output_has "Usage:"
	# util-linux ends a help with what each exit status means
	printf '%s\n' "$output" | grep -q '^Exit status: 0 .*2 usage or input error\.$' ||
		printf '%s\n' "$output" | grep -A1 '^Exit status: 0 ' | grep -q '^2 usage or input error\.$' ||
		{ echo "no 'Exit status:' line ending in '2 usage or input error.'" >&2; return 1; }
}

check_version() {
	need_tool "$1"
	run --separate-stderr "$TK_BIN/$1" --version
	[ "$status" -eq 0 ]
	output_has "$1"
}

check_misuse() {
	need_tool "$1"
	run --separate-stderr "$TK_BIN/$1" --no-such-option
	[ "$status" -eq 2 ] || { echo "exit $status" >&2; return 1; }
	[ -z "$output" ]
	# exactly glibc's wording under the tool's own name (never argv[0]'s path)
	[ "$stderr" = "$1: unrecognized option '--no-such-option'
Try '$1 --help' for more information." ] || { echo "stderr: $stderr" >&2; return 1; }
}

# has_word FILE PATTERN: an option name as a whole word (--topology must not
# be satisfied by --topology-manager-policy)
has_word() {
	sed 's/\\-/-/g' "$1" | grep -qE -- "$2([^a-z0-9-]|\$)"
}

check_docs() {
	local tool=$1 opt opts name bad="" f
	need_tool "$tool"
	# a tool whose docs are not begun is work in progress (../shared/acceptance
	# reports it); once one file exists, all must
	[ -e "$TK_ROOT/man/$tool.1" ] || [ -e "$TK_ROOT/completions/bash/$tool" ] ||
		[ -e "$TK_ROOT/completions/zsh/_$tool" ] || [ -e "$TK_ROOT/completions/fish/$tool.fish" ] ||
		skip "$tool has no man page or completions yet"
	for f in "man/$tool.1" "completions/bash/$tool" "completions/zsh/_$tool" "completions/fish/$tool.fish"; do
		[ -f "$TK_ROOT/$f" ] || bad+="missing $f"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	opts=$(option_names "$tool")
	for opt in $opts; do
		name=${opt#--}
		# "Fl -name", "Fl x , -name" (Fl prefixes each argument) or "--name"
		has_word "$TK_ROOT/man/$tool.1" "(Fl (.* )?-|--)$name" || bad+="man/$tool.1 lacks $opt"$'\n'
		has_word "$TK_ROOT/completions/bash/$tool" "$opt" || bad+="bash completion lacks $opt"$'\n'
		has_word "$TK_ROOT/completions/zsh/_$tool" "$opt" || bad+="zsh completion lacks $opt"$'\n'
		has_word "$TK_ROOT/completions/fish/$tool.fish" "(-l |--)$name" || bad+="fish completion lacks $opt"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

@test "the tools checked here are the Makefile's TOOLS" {
	[ "$(sed -n 's/^TOOLS = //p' "$TK_ROOT/Makefile")" = "$TOOLS" ]
}

@test "every man page is clean under mandoc -Tlint -W warning" {
	command -v mandoc >/dev/null || skip "no mandoc"
	local m out bad=""
	for m in "$TK_ROOT"/man/*.[1-9]; do
		[ -f "$m" ] || continue
		out=$(mandoc -Tlint -W warning "$m" 2>&1 | grep -v 'STYLE\|mandoc: see') || true
		[ -z "$out" ] || bad+="$out"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

# man(1) renders with groff: at 80 columns a word it cannot break (a long
# path, a JSON sketch without break points) overflows the terminal
@test "every man page renders under groff at 80 columns without a troff warning" {
	command -v groff >/dev/null || skip "no groff"
	local m out bad=""
	for m in "$TK_ROOT"/man/*.[1-9]; do
		out=$(groff -mandoc -Tutf8 -rLL=80n -ww -z "$m" 2>&1) || bad+="$m: groff failed"$'\n'
		[ -z "$out" ] || bad+="$m: $out"$'\n'
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}

@test "topo-discover: --help exits 0 with text on stdout only" { check_help topo-discover; }
@test "topo-discover: --version exits 0" { check_version topo-discover; }
@test "topo-discover: an unknown option exits 2 with a try-help line on stderr" { check_misuse topo-discover; }
@test "topo-discover: every long option of --help is in the man page and the completions" { check_docs topo-discover; }

@test "topo-admit: --help exits 0 with text on stdout only" { check_help topo-admit; }
@test "topo-admit: --version exits 0" { check_version topo-admit; }
@test "topo-admit: an unknown option exits 2 with a try-help line on stderr" { check_misuse topo-admit; }
@test "topo-admit: every long option of --help is in the man page and the completions" { check_docs topo-admit; }

@test "cpuset-alloc: --help exits 0 with text on stdout only" { check_help cpuset-alloc; }
@test "cpuset-alloc: --version exits 0" { check_version cpuset-alloc; }
@test "cpuset-alloc: an unknown option exits 2 with a try-help line on stderr" { check_misuse cpuset-alloc; }
@test "cpuset-alloc: every long option of --help is in the man page and the completions" { check_docs cpuset-alloc; }

@test "spread-check: --help exits 0 with text on stdout only" { check_help spread-check; }
@test "spread-check: --version exits 0" { check_version spread-check; }
@test "spread-check: an unknown option exits 2 with a try-help line on stderr" { check_misuse spread-check; }
@test "spread-check: every long option of its and its commands' --help is in the man page and the completions" { check_docs spread-check; }

@test "numa-verify: --help exits 0 with text on stdout only" { check_help numa-verify; }
@test "numa-verify: --version exits 0" { check_version numa-verify; }
@test "numa-verify: an unknown option exits 2 with a try-help line on stderr" { check_misuse numa-verify; }
@test "numa-verify: every long option of --help is in the man page and the completions" { check_docs numa-verify; }

@test "every tool started with stdout closed exits 2 with a write error, as coreutils does" {
	local t
	for t in $TOOLS; do
		run --separate-stderr sh -c '"$1" --version >&-' _ "$TK_BIN/$t"
		[ "$status" -eq 2 ] || { echo "$t: exit $status" >&2; return 1; }
		[[ "$stderr" == "$t: write error: Bad file descriptor" ]] || { echo "$t: $stderr" >&2; return 1; }
	done
}

@test "with stderr closed, a tool's error text never lands in a file it opened" {
	# valgrind's launcher exits 127 when started with descriptor 2 closed
	[ -z "${TK_VALGRIND:-}" ] || skip "valgrind cannot start with stderr closed"
	local dir=$BATS_TEST_TMPDIR/closed f
	mkdir "$dir"
	# an allocation that cannot be met, recorded in a state file: the tool opens
	# the state (and its lock) before it complains; with descriptor 2 closed,
	# an unguarded open would become stderr and take the complaint
	run sh -c '"$1" -t "$2" --count 999 --state "$3/state" 2>&- >/dev/null' _ "$TK_BIN/cpuset-alloc" \
		"$TK_ROOT/tests/fixtures/cpuset-alloc/1s-1n-16c-hybrid-1l3.json" "$dir"
	[ "$status" -eq 1 ] || { echo "exit $status"; return 1; }
	for f in "$dir"/* "$dir"/.*; do
		[ -f "$f" ] || continue
		if grep -q 'cpuset-alloc' "$f"; then echo "error text in $f: $(cat "$f")"; return 1; fi
	done
	# and stdout to a file with stderr closed gets only the output
	run sh -c '"$1" --synthetic "numa:2 core:2 pu:1" --no-such-option >"$2/out" 2>&-' _ "$TK_BIN/topo-discover" "$dir"
	[ "$status" -eq 2 ]
	[ ! -s "$dir/out" ]
}

@test "option errors are worded as glibc's getopt words them, under the tool's name" {
	run --separate-stderr "$TK_BIN/topo-admit" -Z
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "topo-admit: invalid option -- 'Z'" ]
	run --separate-stderr "$TK_BIN/topo-admit" -t
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "topo-admit: option requires an argument -- 't'" ]
	run --separate-stderr "$TK_BIN/topo-admit" --topology
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "topo-admit: option '--topology' requires an argument" ]
	run --separate-stderr "$TK_BIN/topo-admit" --help=yes
	[ "$status" -eq 2 ]
	[ "${stderr%%$'\n'*}" = "topo-admit: option '--help' doesn't allow an argument" ]
	run --separate-stderr "$TK_BIN/spread-check" lint --bogus
	[ "$status" -eq 2 ]
	[ "$stderr" = "spread-check lint: unrecognized option '--bogus'
Try 'spread-check lint --help' for more information." ]
}

@test "cpulist options share one parser: bad syntax and out-of-range ids exit 2 naming the option" {
	local topo=$FIXTURES/seed/2s-2n-8c-2t.json
	run -2 --separate-stderr "$TK_BIN/cpuset-alloc" -t "$topo" --count 1 --available 0-x
	[[ "$stderr" == *"invalid --available value '0-x'"* ]]
	run -2 --separate-stderr "$TK_BIN/cpuset-alloc" -t "$topo" --count 1 --reserved 0-999999
	[[ "$stderr" == *"--reserved value '0-999999': id out of range (0-65535)"* ]]
	run -2 --separate-stderr "$TK_BIN/topo-admit" --cpu-hints -t "$topo" --count 1 --available 3-1
	[[ "$stderr" == *"invalid --available value '3-1'"* ]]
	run -2 --separate-stderr "$TK_BIN/numa-verify" --expect-numa "" $$
	[[ "$stderr" == *"invalid --expect-numa value ''"* ]]
}

# "N phrase" for each status of a --help's "Exit status:" paragraph
help_exit_phrases() {
	printf '%s\n' "$1" | awk '/^Exit status:/ { p = 1 } p && !NF { exit } p' | tr '\n' ' ' |
		sed -E 's/^Exit status: //; s/With [^:]*: //g' |
		grep -oE '(^|[,;.] )[0-9]+ [^,;.]*' | sed -E 's/^[,;.] //; s/ +$//'
}

# the text of item N of a man page's EXIT STATUS list, on one line, lower case
man_exit_item() {
	mandoc -Tascii "$1" | sed 's/.\x08//g' | awk -v n="$2" '
		/^EXIT STATUS/ { s = 1; next }
		s && /^[A-Z]/ { exit }
		s && /^     [0-9]/ { it = ($1 == n); if (it) { $1 = ""; print }; next }
		s && !NF { it = 0 }
		s && it { print }' | tr -s ' \n' '  ' | tr '[:upper:]' '[:lower:]'
}

@test "every --help (each spread-check command's and numa-verify --explain's too) ends with its Exit status paragraph" {
	local t sub help bad="" n=0
	for t in $TOOLS; do
		for sub in "" lint place simulate audit explain --explain; do
			case $t:$sub in :*|spread-check:[a-z]*|numa-verify:--explain) ;; *) [ -z "$sub" ] || continue ;; esac
			# shellcheck disable=SC2086
			help=$("$TK_BIN/$t" $sub --help) || { bad+="$t $sub --help failed"$'\n'; continue; }
			n=$((n + 1))
			# the last paragraph (after the last blank line) is the exit status
			printf '%s\n' "$help" | awk 'NF { if (blank) last = $0; blank = 0; if (!last) last = $0; next }
				{ blank = 1 } END { exit !(last ~ /^Exit status: /) }' ||
				bad+="$t $sub: the last paragraph is not 'Exit status: ...': $(printf '%s' "$help" | tail -2)"$'\n'
		done
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	[ "$n" -ge 10 ]
}

@test "each man page's EXIT STATUS says what its tool's (and commands') --help Exit status says" {
	command -v mandoc >/dev/null || skip "no mandoc"
	local t sub help line n phrase item bad="" count=0
	for t in $TOOLS; do
		for sub in "" lint place simulate audit; do
			[ -z "$sub" ] || [ "$t" = spread-check ] || continue
			# shellcheck disable=SC2086
			help=$("$TK_BIN/$t" $sub --help) || { bad+="$t $sub --help failed"$'\n'; continue; }
			while IFS= read -r line; do
				n=${line%% *} phrase=${line#* }
				item=$(man_exit_item "$TK_ROOT/man/$t.1" "$n")
				count=$((count + 1))
				[[ "$item" == *"${phrase,,}"* ]] || bad+="$t $sub: exit $n '$phrase' not in $t(1): '$item'"$'\n'
			done < <(help_exit_phrases "$help")
		done
	done
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
	# 3 statuses for each of 4 tools, 2 for topo-discover, 3 more for --exec
	[ "$count" -ge 26 ] || { echo "only $count exit statuses read from --help" >&2; return 1; }
}

# closed_stdout_fails NAME COMMAND...: run COMMAND with stdout closed; want
# exit 2 and "NAME: write error" on stderr, once
closed_stdout_fails() {
	local name=$1
	shift
	run --separate-stderr sh -c '"$@" >&-' _ "$@"
	[ "$status" -eq 2 ] || { echo "$*: exit $status" >&2; return 1; }
	[[ "$stderr" == *"$name: write error"* ]] || { echo "$*: $stderr" >&2; return 1; }
	[ "$(grep -c 'write error' <<<"$stderr")" -eq 1 ] || { echo "$*: $stderr" >&2; return 1; }
}

@test "--help and a normal run with stdout closed also exit 2 with a write error" {
	local t s=$TK_ROOT/tests/fixtures/seed topo=$TK_ROOT/tests/fixtures/topo/2s-2n-6c-2t.json
	for t in $TOOLS; do
		closed_stdout_fails "$t" "$TK_BIN/$t" --help
	done
	# one run of each tool that prints a result
	closed_stdout_fails topo-discover "$TK_BIN/topo-discover" --synthetic "numa:2 core:2 pu:1"
	closed_stdout_fails topo-admit "$TK_BIN/topo-admit" -t "$topo" "$s/numa-database.yaml"
	closed_stdout_fails cpuset-alloc "$TK_BIN/cpuset-alloc" -t "$topo" --count 1
	# more than stdio's buffer: the tool's own write check reports it
	closed_stdout_fails topo-discover "$TK_BIN/topo-discover" --synthetic "pack:64 numa:2 core:8 pu:2"
	closed_stdout_fails "spread-check lint" "$TK_BIN/spread-check" lint "$s/web-frontend-deployment.yaml"
	closed_stdout_fails numa-verify "$TK_BIN/numa-verify" "$$"
}
