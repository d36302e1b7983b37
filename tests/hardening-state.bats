#!/usr/bin/env bats
# State files under abuse (issue: "no state is ever lost"): cpuset-alloc
# killed with SIGKILL at random instants 500 times, and 100 writers at once.
# After every kill the file must load (valid JSON, valid checksum) and no CPU
# may be held twice.
load test_helper/common

setup() {
	TMP=$(mktemp -d)
	TOPO=$FIXTURES/seed/2s-2n-8c-2t.json
}
teardown() { rm -rf "$TMP"; }

# no_cpu_twice FILE: entries are disjoint and disjoint from the shared pool
# (one jq run: this is called 500 times)
no_cpu_twice() {
	local dups
	dups=$(jq -c '[(.entries // {} | .[] | .[]), .defaultCpuSet]
		| map(split(",")[] | select(. != "") | split("-") | map(tonumber)
		      | if length == 2 then range(.[0]; .[1] + 1) else .[0] end)
		| group_by(.) | map(select(length > 1) | .[0])' "$1") || return 1
	[ "$dups" = "[]" ] || { echo "CPUs held twice: $dups"; return 1; }
}

@test "500 kill -9 at random instants: the state file always loads and never holds a CPU twice" {
	local k pid rc n=500
	# instrumented runs are 10x (ASan) to 50x (valgrind) slower; what the
	# loop tests (rename is atomic) does not need them 500 times
	[ -z "${TK_SANITIZE:-}" ] || n=100
	[ -z "${TK_VALGRIND:-}" ] || n=30
	cpuset-alloc -t "$TOPO" --count 2 --state "$TMP/s" --pod p --container c0 >/dev/null
	for k in $(seq 1 "$n"); do
		# allocate, or release an earlier container so the node never fills up
		if [ $((k % 2)) -eq 0 ]; then
			cpuset-alloc -t "$TOPO" --state "$TMP/s" --release --pod p --container "c$((RANDOM % k))" >/dev/null 2>&1 &
		else
			cpuset-alloc -t "$TOPO" --count 2 --state "$TMP/s" --pod p --container "c$k" >/dev/null 2>&1 &
		fi
		pid=$!
		# kill anywhere from before exec to after the rename
		[ $((RANDOM % 4)) -eq 0 ] || sleep "0.00$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		# killed (128 + 9), or it had ended: 0, or 1 (no CPU left)
		rc=0
		wait "$pid" 2>/dev/null || rc=$?
		[ "$rc" -le 1 ] || [ "$rc" -eq 137 ] || { echo "run $k: exit $rc"; return 1; }
		# read-only use loads and verifies the file: 0, or 1 when no CPU is left
		run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$TMP/s"
		[ "$status" -le 1 ] || { echo "after kill $k: exit $status: $stderr"; cat "$TMP/s"; return 1; }
		no_cpu_twice "$TMP/s" || { echo "after kill $k"; return 1; }
	done
	# temp files of killed writers do not pile up: the next update removes them
	cpuset-alloc -t "$TOPO" --state "$TMP/s" --release --pod p >/dev/null
	[ -z "$(find "$TMP" -name 's.tmp-*')" ]
}

@test "100 writers and releasers at once: every allocation recorded, no CPU twice" {
	local i n=100 rc bad="" pids=()
	# in valgrind each writer holds 60 MB and 0.3 s of start-up on 2 CPUs:
	# 24 still queue on the lock, and the plain and ASan runs keep all 100
	[ -z "${TK_VALGRIND:-}" ] || n=24
	for i in $(seq 1 "$n"); do
		if [ $((i % 4)) -eq 0 ]; then
			cpuset-alloc -t "$TOPO" --state "$TMP/s" --wait 3600 --release --pod p --container "c$((i - 1))" >/dev/null 2>&1 &
		else
			cpuset-alloc -t "$TOPO" --count 1 --state "$TMP/s" --wait 3600 --pod p --container "c$i" >"$TMP/out.$i" 2>&1 &
		fi
		pids[i]=$!
	done
	# each exits 0, or 1 when no CPU is left (a crash's 97 or 99 is neither)
	for i in "${!pids[@]}"; do
		rc=0
		wait "${pids[i]}" || rc=$?
		[ "$rc" -le 1 ] || bad+=" $i:$rc"
	done
	[ -z "$bad" ] || { echo "writers that failed (number:exit):$bad"; return 1; }
	# read-only use: loads and verifies the file (0) or finds no CPU left (1)
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$TMP/s"
	[ "$status" -le 1 ] || { echo "exit $status: $stderr"; return 1; }
	no_cpu_twice "$TMP/s"
	# the 32-CPU node runs out (plain, ASan): every allocation either got
	# CPUs or said why
	for i in $(seq 1 "$n"); do
		[ $((i % 4)) -eq 0 ] && continue
		jq -e '.cpus or .error' "$TMP/out.$i" >/dev/null || { cat "$TMP/out.$i"; return 1; }
	done
}
