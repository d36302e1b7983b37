#!/usr/bin/env bats
# debian/: dpkg-buildpackage -us -uc builds the package from a copy of the
# tree, lintian finds nothing, and dpkg installs it (into a private root:
# dpkg --root) where Debian puts binaries, man pages, completions and the
# kubectl plugins; every tool runs from there; dpkg removes it all again.
# Slow (about 40 s of a 2-core machine: the build, then lintian), so it runs
# only when asked: TK_PACKAGE=1 make check TESTS=tests/debian-package.bats
load test_helper/common

setup_file() {
	[ -n "${TK_PACKAGE:-}" ] || return 0
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || return 0
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || return 0
	local src=$BATS_FILE_TMPDIR/src/topokit
	mkdir -p "$src"
	(cd "$TK_ROOT" && { git ls-files --cached --others --exclude-standard 2>/dev/null || find . -path ./.git -prune -o -type f -print; find debian -type f; } |
		sort -u | tar -cf - -T -) | tar -xf - -C "$src"
	rm -rf "$src/bin" "$src/build"
	(cd "$src" && dpkg-buildpackage -us -uc >"$BATS_FILE_TMPDIR/build.log" 2>&1)
	echo $? >"$BATS_FILE_TMPDIR/build.rc"
}

need_package() {
	[ -n "${TK_PACKAGE:-}" ] || skip "slow: set TK_PACKAGE=1 to build the Debian package"
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the package holds the plain build"
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
		skip "needs dpkg-dev and debhelper"
	DEB=$(ls "$BATS_FILE_TMPDIR"/src/topokit_*_*.deb 2>/dev/null | grep -v dbgsym | head -1)
}

@test "dpkg-buildpackage -us -uc builds topokit" {
	need_package
	[ "$(cat "$BATS_FILE_TMPDIR/build.rc")" -eq 0 ] || { tail -30 "$BATS_FILE_TMPDIR/build.log"; false; }
	[ -f "$DEB" ]
	ls "$BATS_FILE_TMPDIR"/src/topokit_*.dsc "$BATS_FILE_TMPDIR"/src/topokit_*.changes
}

@test "lintian: no error and no warning" {
	need_package
	command -v lintian >/dev/null || skip "needs lintian"
	run lintian --fail-on error,warning "$BATS_FILE_TMPDIR"/src/topokit_*.changes
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	case $output in *"W: "*|*"E: "*) false ;; esac
}

@test "dpkg installs the tools, man pages, completions and plugins where Debian reads them, and removes them" {
	need_package
	local root=$BATS_TEST_TMPDIR/root t
	mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
	: >"$root/var/lib/dpkg/status"
	# the private root has no libraries in its dpkg database: the system's serve
	run dpkg --root="$root" --force-depends --force-script-chrootless -i "$DEB"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	for t in topo-discover topo-admit cpuset-alloc spread-check numa-verify; do
		run -0 "$root/usr/bin/$t" --version
		[[ "$output" == "$t (topokit) "* ]]
		[ -f "$root/usr/share/man/man1/$t.1.gz" ]
		[ -f "$root/usr/share/bash-completion/completions/$t" ]
		[ -f "$root/usr/share/zsh/vendor-completions/_$t" ]
		[ -f "$root/usr/share/fish/vendor_completions.d/$t.fish" ]
	done
	[ -f "$root/usr/share/man/man7/topokit.7.gz" ]
	run -0 "$root/usr/bin/kubectl-spread_check" --help
	output_has "kubectl spread-check COMMAND"
	[ -f "$root/usr/share/man/man1/kubectl-spread_check.1.gz" ]
	[ -x "$root/usr/bin/kubectl-topo_admit" ]
	run dpkg --root="$root" --force-script-chrootless -r topokit
	[ "$status" -eq 0 ]
	[ -z "$(find "$root/usr" -type f 2>/dev/null)" ]
}
