#!/usr/bin/env bats
# tests/lint-tests: the suite has no test that cannot fail, or that can pass
# for the wrong reason (a tool's 97 or 99 thrown away); and each pattern it
# rejects is rejected, each idiom it allows is allowed.
load test_helper/common

# sample NAME < TEXT: a bats file for the checker, its tests written "TEST"
# (bats would take an @test line of a here-document for one of its own)
sample() { sed 's/^TEST /@test /' >"$BATS_TEST_TMPDIR/$1.bats"; }

@test "every tests/*.bats and test_helper file passes tests/lint-tests" {
	cd "$TK_ROOT"
	run tests/lint-tests tests/*.bats tests/test_helper/*.bash
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -z "$output" ]
}

@test "lint-tests: rejects each pattern that hides a failure" {
	sample and-list <<'EOF'
TEST "x" {
	run topo-admit -t t.json p.yaml
	[ "$status" -eq 0 ] && [ -z "$output" ]
	echo next
}
EOF
	sample cmd-and <<'EOF'
TEST "x" {
	"$TK_BIN/spread-check" lint a.yaml && [ -s a.yaml ]
	true
}
EOF
	sample or-true <<'EOF'
TEST "x" {
	out=$(cpuset-alloc -t t.json --count 2) || true
	out=$("$TK_BIN/numa-verify" --all) || :
}
EOF
	sample run-status <<'EOF'
TEST "x" {
	run --separate-stderr topo-discover -i a.xml
	output_has foo
}
TEST "y" {
	for f in a b; do
		run topo-discover -i "$f"
	done
	[ "$status" -eq 0 ]
}
TEST "z" {
	run topo-discover -i a.xml
	[ "$output" = x ] || { echo "exit $status: $output"; return 1; }
}
EOF
	sample pipe <<'EOF'
TEST "x" {
	want=$("$TK_BIN/topo-admit" -t t.json p.yaml | jq -c .admit)
	topo-discover -i a.xml | grep -q numa
	run -0 bash -c "topo-discover -i '$x' | jq .numa"
	[ -n "$want" ]
}
EOF
	sample helper-pipe <<'EOF'
admit() { "$TK_BIN/topo-admit" -t t.json "$@"; }
TEST "x" {
	admit p.yaml | jq .admit
}
EOF
	sample subst <<'EOF'
TEST "x" {
	[ "$(topo-discover -i a.xml)" = "$want" ]
	local got=$(spread-check lint a.yaml)
	while read -r l; do echo "$l"; done < <(numa-verify --all)
	for o in $(cpuset-alloc --help); do echo "$o"; done
	x=$("$TK_BIN/topo-admit" a; echo done)
}
EOF
	sample status-ne <<'EOF'
TEST "x" {
	run topo-admit a.yaml
	[ "$status" -ne 2 ] || { echo "exit 2"; return 1; }
	run topo-admit b.yaml
	[ "$status" -gt 0 ]
	run ! topo-admit c.yaml
	! "$TK_BIN/topo-admit" d.yaml
}
EOF
	sample shared <<'EOF'
XMLDIR=$SHARED/data/hwloc-xml
TEST "x" {
	run -0 topo-discover -i "$XMLDIR/a.xml"
}
EOF
	sample bg <<'EOF'
TEST "x" {
	cpuset-alloc -t t.json --count 1 --state s >out.1 &
	wait
}
EOF
	sample cond-func <<'EOF'
nonempty() {
	[ -s "$1" ]
	grep -q x "$1"
}
TEST "x" {
	nonempty f || { echo "f is empty"; return 1; }
}
EOF
	sample negation <<'EOF'
TEST "x" {
	! grep -q x file
	echo next
}
EOF
	cd "$BATS_TEST_TMPDIR"
	run "$TK_ROOT/tests/lint-tests" and-list.bats cmd-and.bats or-true.bats run-status.bats pipe.bats \
		helper-pipe.bats subst.bats status-ne.bats shared.bats bg.bats cond-func.bats negation.bats
	[ "$status" -eq 1 ]
	local want n
	# FILE:LINE: test "TITLE": RULE: ... for each finding, nothing more
	for want in and-list.bats:3:and-list cmd-and.bats:2:and-list or-true.bats:2:or-true \
		or-true.bats:3:or-true run-status.bats:2:run-status run-status.bats:7:run-status run-status.bats:12:run-status \
		pipe.bats:2:pipe pipe.bats:3:pipe pipe.bats:4:pipe helper-pipe.bats:3:pipe subst.bats:2:subst subst.bats:3:subst \
		subst.bats:4:subst subst.bats:5:subst subst.bats:6:subst status-ne.bats:3:status-ne status-ne.bats:5:status-ne status-ne.bats:6:status-ne \
		status-ne.bats:7:status-ne shared.bats:2:shared bg.bats:2:bg \
		cond-func.bats:2:cond-func negation.bats:2:negation; do
		[[ $output =~ ${want%:*}:\ (test\ \"[xyz]\"|[a-z]+\(\)):\ ${want##*:}:\  ]] ||
			{ echo "no ${want##*:} finding at ${want%:*} in: $output"; return 1; }
	done
	n=$(grep -c '^[a-z-]*\.bats:[0-9]*: ' <<<"$output")
	[ "$n" -eq 24 ] || { echo "$n findings, want 24: $output"; return 1; }
}

@test "lint-tests: allows the idioms that do check (and the last command's list)" {
	sample good <<'EOF'
load test_helper/common
probe() { printf '%s\n' "$1" >"$TMP/t.json"; run --separate-stderr "$TK_TEST" topo "$TMP/t.json"; }
TEST "the last command may be a list" {
	run -0 topo-admit -t t.json p.yaml
	[ "$status" -eq 0 ] && [ -z "$output" ]
}
TEST "conditional actions, handled lists, checked statuses" {
	local want rc
	[ "$want" = - ] && want=
	[ -n "$want" ] && printf 'replicas: %s\n' "$want"
	[ "$want" = x ] && fail "x is no answer"
	for x in 1 2; do [ "$x" = 1 ] && continue; done
	[ -d d ] && { echo d; return 0; }
	[ "$(id -u)" = 0 ] && command -v su >/dev/null || skip "needs root"
	out=$(cpuset-alloc -t t.json --count 2) && rc=0 || rc=$?
	kill -9 "$pid" 2>/dev/null || true
	if [ -n "$want" ] && [ "$rc" -eq 0 ]; then echo ok; fi
	if [ "$rc" -ne 0 ] || { [ -n "$want" ] && [ "$want" != x ]; }; then echo bad; fi
	out=$("$TK_BIN/topo-discover" -i a.xml)
	printf '%s' "$out" | spread-check lint -
	got=$(jq -c .admit <<<"$out")
	run topo-admit bad.yaml
	[ "$status" -le 1 ] || { echo "exit $status"; return 1; }
	if [ "$status" -ne 0 ]; then echo "refused"; fi
	run sh -c 'echo x >/proc/version'
	[ "$status" -ne 0 ]
	probe '{}'
	[ "$status" -eq 0 ]
	echo "a && b | c" | grep -c '&&'
	case $want in
	cpus=*) got=${out#*'"cpus":"'} got="cpus=${got%%'"'*}" ;;
	esac
	printf 'FAIL cpuset-alloc -t %s\n' "$want" >&2
	jq '.cpus |= (map(.core) | reverse)' a.json >b.json
	! grep -q x file
}
TEST "a run checked after either branch" {
	if [ -n "$x" ]; then
		run topo-admit a
	else
		run topo-admit b
	fi
	[ "$status" -eq 0 ]
}
XMLDIR=$SHARED/data/hwloc-xml
TEST "reads ../shared after need_shared" {
	need_shared data/hwloc-xml
	run -0 topo-discover -i "$XMLDIR/a.xml"
}
TEST "a background tool waited for by its pid" {
	cpuset-alloc -t t.json --count 1 --state s >out.1 &
	pid=$!
	wait "$pid"
}
nonempty() {
	[ -s "$1" ] || return 1
	grep -q x "$1"
}
TEST "a function called as a condition returns its checks" {
	nonempty f || { echo "f is empty"; return 1; }
}
TEST "pipefail keeps the status" {
	run -0 bash -o pipefail -c "topo-discover -i '$x' | jq .numa"
	set -o pipefail
	topo-discover -i a.xml | jq .numa
}
EOF
	cd "$BATS_TEST_TMPDIR"
	run "$TK_ROOT/tests/lint-tests" good.bats
	[ "$status" -eq 0 ] || { echo "$output"; return 1; }
	[ -z "$output" ]
}

@test "lint-tests: a file bash cannot parse is exit 2" {
	sample broken <<'EOF'
TEST "x" {
	if true; then
}
EOF
	run --separate-stderr "$TK_ROOT/tests/lint-tests" "$BATS_TEST_TMPDIR/broken.bats"
	[ "$status" -eq 2 ]
	[[ $stderr == *"broken.bats: bash cannot parse it"* ]]
}
