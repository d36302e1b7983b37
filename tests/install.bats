#!/usr/bin/env bats
# make install, and the completions as the shells themselves parse them
load test_helper/common

@test "make install puts binaries, man pages and completions under DESTDIR/PREFIX" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "installs the plain build"
	local d=$BATS_TEST_TMPDIR/root t
	run make -s -C "$TK_ROOT" install PREFIX=/usr DESTDIR="$d"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	for t in topo-discover topo-admit cpuset-alloc spread-check numa-verify; do
		[ -x "$d/usr/bin/$t" ] || { echo "no $t"; return 1; }
		[ -f "$d/usr/share/man/man1/$t.1" ] || { echo "no $t.1"; return 1; }
		[ -f "$d/usr/share/bash-completion/completions/$t" ] || { echo "no bash $t"; return 1; }
		[ -f "$d/usr/share/zsh/site-functions/_$t" ] || { echo "no zsh $t"; return 1; }
		[ -f "$d/usr/share/fish/vendor_completions.d/$t.fish" ] || { echo "no fish $t"; return 1; }
	done
	[ -f "$d/usr/share/man/man7/topokit.7" ]
	"$d/usr/bin/topo-discover" --version
}

@test "fish itself reads the completions where make install puts them, without XDG_DATA_DIRS" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "installs the plain build"
	command -v fish >/dev/null || skip "no fish"
	local d=$BATS_TEST_TMPDIR/root prefix dirs
	# the prefix this fish was built for (/usr for Debian's), from its data dir
	prefix=$(env -u XDG_DATA_DIRS fish -c 'echo $__fish_data_dir')
	prefix=${prefix%/share/fish}
	[ -n "$prefix" ] || { echo "fish names no data dir"; return 1; }
	run make -s -C "$TK_ROOT" install PREFIX="$prefix" DESTDIR="$d"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	dirs=$(env -u XDG_DATA_DIRS fish -c 'printf "%s\n" $__fish_vendor_completionsdirs')
	printf '%s\n' "$dirs" | grep -qx "$prefix/share/fish/vendor_completions.d" ||
		{ echo "fish reads: $dirs"; return 1; }
	[ -f "$d$prefix/share/fish/vendor_completions.d/topo-admit.fish" ] ||
		{ echo "not installed under $prefix/share/fish/vendor_completions.d: $(find "$d" -name '*.fish')"; return 1; }
}

@test "bash, zsh and fish parse every completion file" {
	local f
	for f in "$TK_ROOT"/completions/bash/*; do bash -n "$f" || { echo "bash: $f"; return 1; }; done
	if command -v zsh >/dev/null; then
		for f in "$TK_ROOT"/completions/zsh/_*; do zsh -n "$f" || { echo "zsh: $f"; return 1; }; done
	fi
	if command -v fish >/dev/null; then
		for f in "$TK_ROOT"/completions/fish/*.fish; do fish --no-execute "$f" || { echo "fish: $f"; return 1; }; done
	fi
}

@test "bash completion offers every tool's --help and --version after '--'" {
	local t
	for t in topo-discover topo-admit cpuset-alloc spread-check numa-verify; do
		run bash -c "source '$TK_ROOT/completions/bash/$t'; COMP_WORDS=($t --); COMP_CWORD=1; COMP_LINE='$t --'; COMP_POINT=\${#COMP_LINE}; f=\$(complete -p $t | sed 's/.*-F \\([^ ]*\\).*/\\1/'); \$f $t -- $t; printf '%s\\n' \"\${COMPREPLY[@]}\""
		[ "$status" -eq 0 ] || { echo "$t: exit $status: $output"; return 1; }
		[[ "$output" == *"--help"* ]] || { echo "$t: $output"; return 1; }
		[[ "$output" == *"--version"* ]] || { echo "$t: $output"; return 1; }
	done
}

@test "make install and uninstall keep a DESTDIR and PREFIX with spaces whole, and uninstall removes every file" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "installs the plain build"
	local d="$BATS_TEST_TMPDIR/dest dir" n
	run make -s -C "$TK_ROOT" install PREFIX="/opt/top kit" DESTDIR="$d"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -x "$d/opt/top kit/bin/topo-admit" ]
	[ -x "$d/opt/top kit/bin/kubectl-spread_check" ]
	[ -f "$d/opt/top kit/share/fish/vendor_completions.d/numa-verify.fish" ]
	# nothing escaped to a path cut at the space
	[ ! -e "$BATS_TEST_TMPDIR/dest" ]
	[ ! -e "/opt/top" ]
	n=$(find "$d" -type f | wc -l)
	[ "$n" -ge 25 ] || { echo "only $n files installed"; return 1; }
	run make -s -C "$TK_ROOT" uninstall PREFIX="/opt/top kit" DESTDIR="$d"
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	run find "$d" -type f
	[ "$status" -eq 0 ]
	[ -z "$output" ] || { echo "left behind: $output"; return 1; }
}

@test "make install fails when a completion cannot be installed" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "installs the plain build"
	local d=$BATS_TEST_TMPDIR/root
	# the fish completion's target is a non-empty directory: install refuses it
	mkdir -p "$d/usr/share/fish/vendor_completions.d/spread-check.fish/spread-check.fish/x"
	run make -s -C "$TK_ROOT" install PREFIX=/usr DESTDIR="$d"
	[ "$status" -ne 0 ] || { echo "make install succeeded: $output"; return 1; }
	[[ "$output" == *"spread-check.fish"* ]]
}
