#!/usr/bin/env bash
# Benchmark: topo-admit's Topology Manager merge against loading its inputs.
# The baseline of each case is topo-admit on the very same inputs under
# --policy none, which loads and checks everything (in pod mode it also
# generates every provider's hints) and merges nothing. Tool (A) and baseline
# (B) run in turn, A B A B, ROUNDS times; each sample is the CPU time (user +
# system) of RUNS invocations; the fastest sample of each counts. Prints both,
# their ratio (goal: at most 2 up to 8 NUMA nodes), and for the large cases the
# peak memory (goals: 16 NUMA nodes under 0.5 s and 64 MiB; 24 NUMA nodes under
# 10 s and 512 MiB).
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/topo-admit
ROUNDS=${TA_BENCH_ROUNDS:-5}
RUNS=${TA_BENCH_RUNS:-10}
[ -x "$BIN" ] || make -s bin/topo-admit || exit 2
command -v jq >/dev/null || { echo "topo-admit bench: needs jq" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# topo_json N: N NUMA nodes, two CPUs and one device of each of
# example.com/dev0-3 on each
topo_json() {
	jq -cn --argjson n "$1" '
		{kind:"NodeTopology", apiVersion:"topokit/v1", hostname:"bench",
		 cpus:[range(2 * $n) as $c | {id:$c, core:$c, socket:0, numa:($c / 2 | floor), l3:0}],
		 numa:[range($n) as $k | {id:$k, cpus:"\(2 * $k)-\(2 * $k + 1)", memory:8589934592}],
		 devices:[range($n) as $k | range(4) as $r |
			{id:"d\($r)-\($k)", class:"accelerator", numa:$k, resource:"example.com/dev\($r)"}]}'
}
# masks N STEP PREF: hints for every STEP-th non-empty subset of 0..N-1;
# PREF "single" prefers the one-node ones, else true/false for all
masks() {
	jq -cn --argjson n "$1" --argjson step "$2" --arg p "$3" '
		[range(1; pow(2; $n); $step) as $m |
		 [range($n) as $i | select(($m / pow(2; $i) | floor) % 2 == 1) | $i] as $a |
		 {numaAffinity:$a, preferred:(if $p == "single" then ($a | length) == 1 else ($p == "true") end)}]'
}

# the issue's pod: one device of each of four resources
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"x","resources":{"limits":{"example.com/dev0":"1","example.com/dev1":"1","example.com/dev2":"1","example.com/dev3":"1"}}}]}}' >"$tmp/pod.json"
# and a Guaranteed one that asks the CPU and Memory Managers too
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"g"},"spec":{"containers":[{"name":"c","image":"x","resources":{"limits":{"cpu":"3","memory":"9Gi","example.com/dev0":"1","example.com/dev1":"1","example.com/dev2":"1","example.com/dev3":"1"}}}]}}' >"$tmp/gpod.json"
for n in 8 16; do topo_json "$n" >"$tmp/t$n.json"; done
s8=$(masks 8 1 single); n8=$(masks 8 1 false)
printf '[{"cpu":%s},{"memory":%s},{"a":%s,"b":%s}]\n' "$s8" "$s8" "$s8" "$s8" >"$tmp/h8-pref.json"
printf '[{"cpu":%s},{"memory":%s},{"a":%s,"b":%s}]\n' "$n8" "$n8" "$n8" "$n8" >"$tmp/h8-nonpref.json"
n24=$(masks 24 4099 false)
printf '[{"cpu":%s},{"memory":%s},{"a":%s}]\n' "$n24" "$n24" "$n24" >"$tmp/h24.json"

# cpu_time ARGS...: CPU seconds of RUNS invocations of topo-admit ARGS
cpu_time() {
	local t i TIMEFORMAT='%U %S'
	t=$( { time for ((i = 0; i < RUNS; i++)); do
		"$BIN" "$@" >/dev/null 2>&1
		[ $? -le 1 ] || exit 2
	done; } 2>&1 ) || { echo "topo-admit $* failed" >&2; exit 2; }
	echo "$t" | awk '{ print $1 + $2 }'
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }
peak_kib() { /usr/bin/time -f '%M' "$BIN" "$@" 2>&1 >/dev/null | tail -1; }

worst=0
# bench NAME POLICY-ARGS -- COMMON-ARGS...: A = POLICY-ARGS + COMMON, B = --policy none + COMMON
bench() {
	local name=$1 a=() best_a= best_b= r ta tb ratio
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	for ((r = 0; r < ROUNDS; r++)); do
		ta=$(cpu_time "${a[@]}" "$@") || exit 2
		tb=$(cpu_time --policy none "$@") || exit 2
		best_a=$(min "$best_a" "$ta")
		best_b=$(min "$best_b" "$tb")
	done
	ratio=$(echo "$best_a / $best_b" | bc -l)
	printf '%-58s %8.4fs %8.4fs  %5.2f' "$name" "$(echo "$best_a / $RUNS" | bc -l)" \
		"$(echo "$best_b / $RUNS" | bc -l)" "$ratio"
	if [ -x /usr/bin/time ]; then printf '  %7d KiB' "$(peak_kib "${a[@]}" "$@")"; fi
	printf '\n'
	case $name in *"8 NUMA"*) if [ "$(echo "$ratio > $worst" | bc -l)" = 1 ]; then worst=$ratio; fi ;; esac
}

printf '%-58s %9s %9s  %5s  %s\n' "case (per run)" "merge" "load" "ratio" "peak"
bench "pod, 4 devices, 8 NUMA, restricted" --policy restricted -- -t "$tmp/t8.json" "$tmp/pod.json"
bench "pod, 4 devices, 8 NUMA, single-numa-node" --policy single-numa-node -- -t "$tmp/t8.json" "$tmp/pod.json"
bench "pod, 3 CPUs, 9Gi, 4 devices, 8 NUMA, restricted" --policy restricted -- -t "$tmp/t8.json" \
	--cpu-manager-policy static --memory-manager-policy Static "$tmp/gpod.json"
for p in best-effort restricted single-numa-node; do
	bench "--hints 4x255 preferred singles, 8 NUMA, $p" --policy "$p" -- --numa-nodes 0-7 --hints "$tmp/h8-pref.json"
	bench "--hints 4x255 non-preferred, 8 NUMA, $p" --policy "$p" -- --numa-nodes 0-7 --hints "$tmp/h8-nonpref.json"
done
bench "--hints 4x255 non-preferred, 8 NUMA, closest" --policy best-effort \
	--option prefer-closest-numa-nodes=true -- --numa-nodes 0-7 --hints "$tmp/h8-nonpref.json" \
	--distances tests/fixtures/topo-admit/dist-8.json
RUNS=1 bench "pod, 4 devices, 16 NUMA, restricted" --policy restricted \
	--option max-allowable-numa-nodes=16 -- -t "$tmp/t16.json" "$tmp/pod.json"
RUNS=1 ROUNDS=2 bench "--hints 3x4095 non-preferred, 24 NUMA" --policy restricted \
	--option max-allowable-numa-nodes=24 -- --numa-nodes 0-23 --hints "$tmp/h24.json"
printf 'worst merge/load ratio at 8 NUMA nodes: %.2f (goal <= 2.00)\n' "$worst"
