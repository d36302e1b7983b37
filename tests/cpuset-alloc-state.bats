#!/usr/bin/env bats
# cpuset-alloc --state: the kubelet's cpu_manager_state layout, flock'd and
# atomically replaced; kubelet-written files are read but not written.
load test_helper/common

setup() {
	TMP=$(mktemp -d)
	T2=$FIXTURES/topo/2s-2n-6c-2t.json
	BIG=$FIXTURES/topo/2s-8n-128c-2t.json
	ST=$FIXTURES/cpuset-alloc/state
}
teardown() { rm -rf "$TMP"; }

@test "an allocation is recorded under pod and container, with topokit's checksum" {
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p1 --container c1
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"0,6"'
	output=$(cat "$TMP/s")
	jq_is '.policyName' '"static"'
	jq_is '.defaultCpuSet' '"1-5,7-11"'
	jq_is '.entries' '{"p1":{"c1":"0,6"}}'
	jq_is '.checksum' '3390669364'
}

@test "the next allocation does not reuse recorded CPUs; the same container gets its CPUs back" {
	cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p1 --container c1 >/dev/null
	run --separate-stderr cpuset-alloc -t "$T2" --count 3 --state "$TMP/s" --pod p1 --container c2
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"2,4,8"'
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p1 --container c1
	[ "$status" -eq 0 ]
	jq_is '[.cpus, .existing]' '["0,6",true]'
	# staticPolicy.Allocate checks SMT alignment before it finds the container in the state
	run --separate-stderr cpuset-alloc -t "$T2" --count 3 --state "$TMP/s" --pod p1 --container c2 --full-pcpus-only
	[ "$status" -eq 1 ]
	jq_is '.error' '"SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2"'
}

@test "strict-cpu-reservation keeps the reserved CPUs out of defaultCpuSet (validateState), also after --release" {
	# TestStaticPolicyStartWithResvList "empty cpuset with StrictCPUReservationOption enabled":
	# the shared pool starts as 2-11 instead of 0-11
	run --separate-stderr cpuset-alloc -t "$T2" --reserved-count 2 --reserved 0,1 --strict-cpu-reservation \
		--count 2 --state "$TMP/s" --pod p1 --container c1
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"2,8"'
	output=$(cat "$TMP/s")
	jq_is '.defaultCpuSet' '"3-7,9-11"'
	run --separate-stderr cpuset-alloc -t "$T2" --reserved 0,1 --strict-cpu-reservation --state "$TMP/s" --release --pod p1
	[ "$status" -eq 0 ]
	output=$(cat "$TMP/s")
	jq_is '.defaultCpuSet' '"2-11"'
}

@test "--release frees a container's CPUs, or a whole pod's" {
	cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p1 --container c1 >/dev/null
	cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p1 --container c2 >/dev/null
	cpuset-alloc -t "$T2" --count 2 --state "$TMP/s" --pod p2 --container c1 >/dev/null
	run --separate-stderr cpuset-alloc -t "$T2" --state "$TMP/s" --release --pod p1 --container c1
	[ "$status" -eq 0 ]
	jq_is '.released' '"0,6"'
	run --separate-stderr cpuset-alloc -t "$T2" --state "$TMP/s" --release --pod p2
	[ "$status" -eq 0 ]
	jq_is '.count' '2'
	output=$(cat "$TMP/s")
	jq_is '.entries|keys' '["p1"]'
}

@test "without --pod the state file is only read: its assigned CPUs are not free" {
	cpuset-alloc -t "$T2" --count 6 --state "$TMP/s" --pod p1 --container c1 >/dev/null
	before=$(cat "$TMP/s")
	run --separate-stderr cpuset-alloc -t "$T2" --count 6 --state "$TMP/s"
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"1,3,5,7,9,11"'
	[ "$(cat "$TMP/s")" = "$before" ]
	run --separate-stderr cpuset-alloc -t "$T2" --count 1 --state "$TMP/s" --available 0,2
	[ "$status" -eq 1 ]
	jq_is '.error' '"not enough cpus available to satisfy request: requested=1, available=0"'
}

@test "a kubelet-written file (its checksum, from the kubelet's own tests) is read but never written" {
	cp "$ST/kubelet-v2.json" "$TMP/k"
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --state "$TMP/k"
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"0,8"'
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --state "$TMP/k" --pod p --container c
	[ "$status" -eq 2 ]
	stderr_has "refusing to write a state file the kubelet wrote"
	cmp "$ST/kubelet-v2.json" "$TMP/k"
	cp "$ST/kubelet-empty.json" "$TMP/e"
	run --separate-stderr cpuset-alloc -t "$T2" --state "$TMP/e" --release --pod x
	[ "$status" -eq 2 ]
	stderr_has "refusing to write"
}

@test "--force writes a kubelet file and keeps the kubelet's checksum" {
	cp "$ST/kubelet-v2.json" "$TMP/k"
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --state "$TMP/k" --pod p --container c --force
	[ "$status" -eq 0 ]
	# still the kubelet's: a second write without --force is refused
	run --separate-stderr cpuset-alloc -t "$T2" --count 1 --state "$TMP/k" --pod p --container d
	[ "$status" -eq 2 ]
}

@test "a bad checksum, a bad cpuset or a truncated file is an error, never reset" {
	for f in bad-checksum bad-cpuset truncated; do
		cp "$ST/$f.json" "$TMP/$f"
		run --separate-stderr cpuset-alloc -t "$T2" --count 1 --state "$TMP/$f" --pod p --container c
		[ "$status" -eq 2 ]
		cmp "$ST/$f.json" "$TMP/$f"
	done
	run --separate-stderr cpuset-alloc -t "$T2" --count 1 --state "$ST/bad-checksum.json"
	[ "$status" -eq 2 ]
	stderr_has "checksum 3610638498 does not match the content (corrupt checkpoint)"
	run --separate-stderr cpuset-alloc -t "$T2" --count 1 --state "$ST/bad-cpuset.json"
	[ "$status" -eq 2 ]
	stderr_has "bad-cpuset.json:1:68: invalid cpuset 'x-1'"
}

@test "100 parallel allocations on one file never hand out a CPU twice (20 under valgrind)" {
	local i rc bad="" pids=() n=100
	# each valgrind start costs 0.3 s of CPU: 20 allocations still queue on
	# the lock there
	[ -z "${TK_VALGRIND:-}" ] || n=20
	# all of them queue on the lock: under valgrind on 2 CPUs the last one
	# waits minutes, beyond the default --wait
	for i in $(seq 1 "$n"); do
		cpuset-alloc -t "$BIG" --count 2 --state "$TMP/s" --wait 3600 --pod pod --container "c$i" >"$TMP/out.$i" &
		pids[i]=$!
	done
	for i in "${!pids[@]}"; do
		rc=0
		wait "${pids[i]}" || rc=$?
		[ "$rc" -eq 0 ] || bad+=" $i:$rc"
	done
	[ -z "$bad" ] || { echo "allocations that failed (number:exit):$bad"; return 1; }
	output=$(cat "$TMP/s")
	jq_is '.entries.pod | length' "$n"
	# 2n distinct CPUs across the entries, none of them in the shared pool
	got=$(jq -r '.entries.pod[]' "$TMP/s" | tr ',' '\n' | sort -n | uniq | wc -l)
	[ "$got" -eq $((2 * n)) ]
	# the shared pool is exactly the other CPUs
	{ jq -r '.entries.pod[]' "$TMP/s"; jq -r '.defaultCpuSet' "$TMP/s"; } | tr ',' '\n' |
		awk -F- '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }' |
		sort -n | uniq >"$TMP/all"
	[ "$(wc -l <"$TMP/all")" -eq 256 ]
	cat "$TMP"/out.* | jq -r .cpus | tr ',' '\n' | sort -n | uniq -d >"$TMP/dups"
	[ ! -s "$TMP/dups" ]
}

@test "a state file in a directory we cannot write is still read" {
	[ "$(id -u)" = 0 ] && command -v su >/dev/null || skip "needs root to switch to an unprivileged user"
	mkdir "$TMP/ro"
	cp "$ST/kubelet-v2.json" "$TMP/ro/cpu_manager_state"
	chmod 555 "$TMP/ro"
	chmod 755 "$TMP"
	run su nobody -s /bin/sh -c "'$TK_BIN/cpuset-alloc' -t '$T2' --count 1 --state '$TMP/ro/cpu_manager_state'"
	chmod 755 "$TMP/ro"
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"0"'
}

@test "--kubelet-dir DIR is --state DIR/cpu_manager_state, the name the other tools use for a node" {
	local n=$TK_ROOT/tests/fixtures/nodes/a a b
	run --separate-stderr cpuset-alloc -t "$n/topology.json" --count 2 --kubelet-dir "$n/kubelet"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	a=$output
	run --separate-stderr cpuset-alloc -t "$n/topology.json" --count 2 --state "$n/kubelet/cpu_manager_state"
	[ "$status" -eq 0 ]
	b=$output
	[ "$a" = "$b" ]
	run --separate-stderr cpuset-alloc -t "$n/topology.json" --count 2 --state x --kubelet-dir "$n/kubelet"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "cpuset-alloc: give --state or --kubelet-dir, once"* ]]
}
