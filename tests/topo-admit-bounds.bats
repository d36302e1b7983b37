#!/usr/bin/env bats
# Bounded admission: the Topology Manager's merge without the kubelet's cross
# product, its warning when the kubelet's own loop would stall, and the
# limits (NUMA ids 0-63, 16 NUMA nodes where every combination is enumerated,
# the merge's work bound). The merge's equality with the cross product is
# tests/unit/test-merge.c.
load test_helper/common

# topo_json IDS...: a topology with one CPU and one device of each of
# example.com/dev0-3 on each NUMA node id
topo_json() {
	jq -cn --argjson ids "[$(IFS=,; echo "$*")]" '
		($ids | length) as $n |
		{kind:"NodeTopology", apiVersion:"topokit/v1", hostname:"h",
		 cpus:[range($n) as $k | {id:$k, core:$k, socket:0, numa:$ids[$k], l3:0}],
		 numa:[range($n) as $k | {id:$ids[$k], cpus:"\($k)", memory:8589934592}],
		 devices:[range($n) as $k | range(4) as $r |
			{id:"d\($r)-\($k)", class:"accelerator", numa:$ids[$k], resource:"example.com/dev\($r)"}]}'
}

# the issue's pod: one device of each of four resources (222 bytes)
POD='{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x","resources":{"limits":{"example.com/dev0":"1","example.com/dev1":"1","example.com/dev2":"1","example.com/dev3":"1"}}}]}}'

# every_mask N PREFERRED: a hint list with each non-empty subset of 0..N-1,
# in steps of STEP (default 1)
every_mask() {
	jq -cn --argjson n "$1" --argjson p "$2" --argjson step "${3:-1}" '
		[range(1; pow(2; $n); $step) as $m |
		 {numaAffinity:[range($n) as $i | select(($m / pow(2; $i) | floor) % 2 == 1) | $i],
		  preferred:$p}]'
}

@test "bounds: one device of each of four resources on 8 NUMA nodes, decided without the kubelet's 255^4 combinations" {
	topo_json 0 1 2 3 4 5 6 7 >"$BATS_TEST_TMPDIR/t.json"
	printf '%s\n' "$POD" >"$BATS_TEST_TMPDIR/pod.json"
	# the cross product took 64 s here
	run --separate-stderr timeout "$(time_limit 20)" topo-admit -t "$BATS_TEST_TMPDIR/t.json" \
		--policy restricted "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 0 ]
	jq_is '[.admit, .containers[0].hint]' '[true,{"numaAffinity":[0],"preferred":true}]'
	jq_is '.warnings | map(test("container c: .* evaluates 4228250625 hint combinations.* will stall")) | any' true
	stderr_has "4228250625 hint combinations"
	run --separate-stderr timeout "$(time_limit 20)" topo-admit -o text -t "$BATS_TEST_TMPDIR/t.json" \
		--policy restricted "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 0 ]
	output_has "warning: container c: the kubelet's Topology Manager evaluates 4228250625 hint combinations"
}

@test "bounds: --hints says how many combinations the kubelet evaluates when it would stall, in JSON and text" {
	local all
	all=$(every_mask 8 false)
	# 255^3 = 16581375 non-preferred combinations; the best is a single node
	printf '[{"cpu":%s},{"memory":%s},{"example.com/gpu":%s}]\n' "$all" "$all" "$all" >"$BATS_TEST_TMPDIR/h.json"
	run --separate-stderr timeout "$(time_limit 20)" topo-admit --policy best-effort --numa-nodes 0-7 \
		--hints "$BATS_TEST_TMPDIR/h.json"
	[ "$status" -eq 0 ]
	jq_is '[.hint, .kubeletCombinations, (.warnings[0] | test("evaluates 16581375 hint combinations.*stall"))]' \
		'[{"numaAffinity":[0],"preferred":false},16581375,true]'
	run --separate-stderr topo-admit -o text --policy best-effort --numa-nodes 0-7 --hints "$BATS_TEST_TMPDIR/h.json"
	[ "$status" -eq 0 ]
	output_has "warning: the kubelet's Topology Manager evaluates 16581375 hint combinations"
	# a merge the kubelet does quickly gets neither key
	printf '[{"cpu":%s}]\n' "$all" >"$BATS_TEST_TMPDIR/small.json"
	run --separate-stderr topo-admit --policy best-effort --numa-nodes 0-7 --hints "$BATS_TEST_TMPDIR/small.json"
	[ "$status" -eq 0 ]
	jq_is 'keys' '["admit","hint"]'
}

@test "bounds: a NUMA id beyond 63 is refused in every mode, not dropped" {
	topo_json 0 1 100 >"$BATS_TEST_TMPDIR/t.json"
	printf '%s\n' "$POD" >"$BATS_TEST_TMPDIR/pod.json"
	echo '[{"cpu":[{"numaAffinity":[0],"preferred":true}]}]' >"$BATS_TEST_TMPDIR/h.json"
	run --separate-stderr topo-admit -t "$BATS_TEST_TMPDIR/t.json" --policy restricted "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 2 ]
	stderr_has "NUMA node 100 is beyond the ids 0-63"
	# this listed NUMA nodes 0 and 1 and dropped 100
	run --separate-stderr topo-admit --cpu-hints -t "$BATS_TEST_TMPDIR/t.json" --count 1
	[ "$status" -eq 2 ]
	stderr_has "NUMA node 100 is beyond the ids 0-63"
	[ -z "$output" ]
	run --separate-stderr topo-admit --policy restricted -t "$BATS_TEST_TMPDIR/t.json" --hints "$BATS_TEST_TMPDIR/h.json"
	[ "$status" -eq 2 ]
	stderr_has "NUMA node 100 is beyond the ids 0-63"
}

@test "bounds: pod and CPU-hints modes refuse more than 16 NUMA nodes before any work, after the kubelet's own limit" {
	topo_json $(seq 0 16) >"$BATS_TEST_TMPDIR/t.json"
	printf '%s\n' "$POD" >"$BATS_TEST_TMPDIR/pod.json"
	run --separate-stderr topo-admit -t "$BATS_TEST_TMPDIR/t.json" --policy restricted "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 2 ]
	stderr_has "unsupported on machines with more than 8 NUMA Nodes"
	run --separate-stderr topo-admit -t "$BATS_TEST_TMPDIR/t.json" --policy restricted \
		--option max-allowable-numa-nodes=17 "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 2 ]
	stderr_has "17 NUMA nodes: the hint providers offer every NUMA combination (2^17 per resource); topo-admit enumerates them on at most 16 NUMA nodes"
	run --separate-stderr topo-admit --cpu-hints -t "$BATS_TEST_TMPDIR/t.json" --count 1
	[ "$status" -eq 2 ]
	stderr_has "at most 16 NUMA nodes"
}

@test "bounds: the four-device pod on 16 NUMA nodes stays under 64 MiB" {
	[ -z "${TK_VALGRIND:-}" ] || skip "65535 hints per resource: minutes under valgrind"
	[ -x /usr/bin/time ] || skip "/usr/bin/time is not installed"
	topo_json $(seq 0 15) >"$BATS_TEST_TMPDIR/t.json"
	printf '%s\n' "$POD" >"$BATS_TEST_TMPDIR/pod.json"
	run --separate-stderr /usr/bin/time -f 'peak %M' -o "$BATS_TEST_TMPDIR/mem" \
		timeout "$(time_limit 20)" topo-admit -t "$BATS_TEST_TMPDIR/t.json" --policy restricted \
		--option max-allowable-numa-nodes=16 "$BATS_TEST_TMPDIR/pod.json"
	[ "$status" -eq 0 ]
	jq_is '[.containers[0].hint, (.containers[0].resources["example.com/dev3"].hints | length)]' \
		'[{"numaAffinity":[0],"preferred":true},65535]'
	stderr_has "evaluates 18445618199572250625 hint combinations"
	# timeout(1) is the process /usr/bin/time measures: its child's peak shows in %M
	if [ -z "${TK_SANITIZE:-}" ]; then
		local kib
		kib=$(awk '/^peak/ { print $2 }' "$BATS_TEST_TMPDIR/mem")
		[ "$kib" -lt 65536 ] || { echo "peak $kib KiB" >&2; false; }
	fi
}

@test "bounds: --hints on 24 NUMA nodes merges within 512 MiB; on 40 a merge past the work bound is refused" {
	local some kib
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] && [ -x /usr/bin/time ]; then
		some=$(every_mask 24 false 4099)
		printf '[{"cpu":%s},{"memory":%s},{"example.com/gpu":%s}]\n' "$some" "$some" "$some" >"$BATS_TEST_TMPDIR/h.json"
		run --separate-stderr /usr/bin/time -f 'peak %M' -o "$BATS_TEST_TMPDIR/mem" \
			timeout 60 topo-admit --policy restricted --numa-nodes 0-23 \
			--option max-allowable-numa-nodes=24 --hints "$BATS_TEST_TMPDIR/h.json"
		[ "$status" -eq 1 ]
		jq_is '.hint' '{"numaAffinity":[0],"preferred":false}'
		kib=$(awk '/^peak/ { print $2 }' "$BATS_TEST_TMPDIR/mem")
		[ "$kib" -lt 524288 ] || { echo "peak $kib KiB" >&2; false; }
	fi
	# 4 lists of 300 masks on 40 NUMA nodes: up to 300^4 merged masks
	jq -cn '[range(4) as $l | {"r\($l)": [range(300) as $k |
		{numaAffinity:[($k % 40), (($k * 7 + $l) % 40), (($k * 13 + 3 * $l) % 40)] | unique, preferred:false}]}]' \
		>"$BATS_TEST_TMPDIR/big.json"
	run --separate-stderr topo-admit --policy restricted --numa-nodes 0-39 \
		--option max-allowable-numa-nodes=40 --hints "$BATS_TEST_TMPDIR/big.json"
	[ "$status" -eq 2 ]
	stderr_has "the hint merge over 40 NUMA nodes and 4 hint lists needs up to"
	stderr_has "8.1e+09 merged masks; topo-admit takes on 5e+09 steps, and more than 4.19e+06 masks only on up to 24 NUMA nodes"
	[ -z "$output" ]
	# a small merge on 40 NUMA nodes: {39} and {2} are reachable, both below
	# the best non-preferred count 2; the narrower (lower) one wins
	echo '[{"a":[{"numaAffinity":[0,39],"preferred":false},{"numaAffinity":[1,2],"preferred":false}]},
	       {"b":[{"numaAffinity":[39],"preferred":false},{"numaAffinity":[2],"preferred":false}]}]' \
		>"$BATS_TEST_TMPDIR/s.json"
	run --separate-stderr topo-admit --policy best-effort --numa-nodes 0-39 \
		--option max-allowable-numa-nodes=40 --hints "$BATS_TEST_TMPDIR/s.json"
	[ "$status" -eq 0 ]
	jq_is '.hint' '{"numaAffinity":[2],"preferred":false}'
}
