#!/usr/bin/env bash
# Benchmark: topo-admit's Topology Manager merge against loading its inputs.
# The baseline of each case is topo-admit on the very same inputs under
# --policy none, which loads and checks everything (in pod mode it also
# generates every provider's hints) and merges nothing. A sample is RUNS
# invocations. Goals: at most 2x up to 8 NUMA nodes; the 4-device pod at 16
# NUMA nodes under 0.5 s and 64 MiB; 3x4095 hints at 24 NUMA nodes under 10 s
# and 512 MiB.
. "$(dirname "$0")/lib.bash"
bench_init topo-admit
bench_need jq
TA=$TK_BIN/topo-admit
RUNS=${TA_BENCH_RUNS:-10}
[ -x "$TA" ] || make -s "$TA" || exit 2
tmp=$W

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

# case NAME POLICY-ARGS -- COMMON-ARGS...: A = POLICY-ARGS + COMMON, B = --policy none + COMMON
case_ab() {
	local name=$1 a=()
	shift
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	bench_ab "topo-admit $name, vs --policy none" 2 --runs "$RUNS" -- "$TA" "${a[@]}" "$@" -- "$TA" --policy none "$@"
}
# bound NAME SECONDS MIB ARGS...: one run's CPU time and peak memory
bound() {
	local name=$1 secs=$2 mib=$3 t kib
	shift 3
	t=$(bench_sample cpu 1 "$TA" "$@") || exit 2
	kib=$(bench_peak_kib "$TA" "$@")
	bench_value "topo-admit $name: time" "$t" s "$secs"
	bench_value "topo-admit $name: peak memory" "$(echo "scale=1; $kib / 1024" | bc)" MiB "$mib"
}

case_ab "pod, 4 devices, 8 NUMA, restricted" --policy restricted -- -t "$tmp/t8.json" "$tmp/pod.json"
case_ab "pod, 4 devices, 8 NUMA, single-numa-node" --policy single-numa-node -- -t "$tmp/t8.json" "$tmp/pod.json"
case_ab "pod, 3 CPUs, 9Gi, 4 devices, 8 NUMA, restricted" --policy restricted -- -t "$tmp/t8.json" \
	--cpu-manager-policy static --memory-manager-policy Static "$tmp/gpod.json"
for p in best-effort restricted single-numa-node; do
	case_ab "--hints 4x255 preferred singles, 8 NUMA, $p" --policy "$p" -- --numa-nodes 0-7 --hints "$tmp/h8-pref.json"
	case_ab "--hints 4x255 non-preferred, 8 NUMA, $p" --policy "$p" -- --numa-nodes 0-7 --hints "$tmp/h8-nonpref.json"
done
case_ab "--hints 4x255 non-preferred, 8 NUMA, closest" --policy best-effort \
	--option prefer-closest-numa-nodes=true -- --numa-nodes 0-7 --hints "$tmp/h8-nonpref.json" \
	--distances tests/fixtures/topo-admit/dist-8.json
bound "pod, 4 devices, 16 NUMA, restricted" 0.5 64 --policy restricted \
	--option max-allowable-numa-nodes=16 -t "$tmp/t16.json" "$tmp/pod.json"
bound "--hints 3x4095 non-preferred, 24 NUMA" 10 512 --policy restricted \
	--option max-allowable-numa-nodes=24 --numa-nodes 0-23 --hints "$tmp/h24.json"
