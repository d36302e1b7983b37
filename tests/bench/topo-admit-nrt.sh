#!/usr/bin/env bash
# Benchmark: topo-admit --nrt on a cluster-sized NodeResourceTopology dump
# (5,000 objects of 8 NUMA zones, as `kubectl get noderesourcetopologies -o
# json` prints them) and one pod, against merely parsing the same file:
# B1 = `tk-test count` (the same streaming loader, every item built and
# freed, nothing decided), B2 = `jq length`. A, B1, B2 run in turn, ROUNDS
# times; each sample is the CPU time (user + system) of one run; the fastest
# of each counts. Goal: A at most 2x B1, memory flat (streamed).
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/topo-admit
TKTEST=${TK_TEST:-$PWD/build/tests/tk-test}
ROUNDS=${NRT_BENCH_ROUNDS:-5}
NODES=${NRT_BENCH_NODES:-5000}
[ -x "$BIN" ] || make -s bin/topo-admit || exit 2
[ -x "$TKTEST" ] || make -s build/tests/tk-test || exit 2
command -v jq >/dev/null || { echo "topo-admit-nrt bench: needs jq" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

jq -cn --argjson nodes "$NODES" '
	def res($n; $c; $a): {name:$n, capacity:$c, allocatable:$c, available:$a};
	{apiVersion:"v1", kind:"List", items:[range($nodes) as $i |
	 {apiVersion:"topology.node.k8s.io/v1alpha2", kind:"NodeResourceTopology",
	  metadata:{name:"worker-\($i)", resourceVersion:"\(1000 + $i)"},
	  topologyPolicies:["SingleNUMANodeContainerLevel"],
	  attributes:[{name:"topologyManagerPolicy", value:"single-numa-node"},
	              {name:"topologyManagerScope", value:"container"}],
	  zones:[range(8) as $z |
	   {name:"node-\($z)", type:"Node",
	    costs:[range(8) as $o | {name:"node-\($o)", value:(if $o == $z then 10 else 20 end)}],
	    resources:[res("cpu"; "16"; "\(($i + $z) % 16)"),
	               res("memory"; "64Gi"; "\(($i * 7 + $z) % 64)Gi"),
	               res("hugepages-1Gi"; "8Gi"; "\(($i + $z) % 8)Gi"),
	               res("example.com/gpu"; "1"; "\(($i + $z) % 2)")]}]}]}' >"$tmp/nrt.json"
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"12","memory":"40Gi","hugepages-1Gi":"4Gi","example.com/gpu":"1"}}}]}}' >"$tmp/pod.json"

# cpu_time CMD...: CPU seconds of one run
cpu_time() {
	local t TIMEFORMAT='%U %S'
	t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || true
	echo "$t" | awk '{ print $1 + $2 }'
}
min() { if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi; }

"$BIN" --nrt "$tmp/nrt.json" --scoring-strategy LeastNUMANodes "$tmp/pod.json" >"$tmp/out.json"
[ $? -le 1 ] || { echo "topo-admit --nrt failed" >&2; exit 2; }
[ "$(jq '.nodes | length' "$tmp/out.json")" -eq "$NODES" ] || { echo "wrong node count" >&2; exit 2; }
best_a= best_l= best_b= best_j=
for ((r = 0; r < ROUNDS; r++)); do
	best_a=$(min "$best_a" "$(cpu_time "$BIN" --nrt "$tmp/nrt.json" "$tmp/pod.json")")
	best_l=$(min "$best_l" "$(cpu_time "$BIN" --nrt "$tmp/nrt.json" --scoring-strategy LeastNUMANodes "$tmp/pod.json")")
	best_b=$(min "$best_b" "$(cpu_time "$TKTEST" count "$tmp/nrt.json")")
	best_j=$(min "$best_j" "$(cpu_time jq length "$tmp/nrt.json")")
done
printf 'topo-admit --nrt: %d NRT objects x 8 zones (%s MiB), one pod\n' "$NODES" \
	"$(( $(stat -c %s "$tmp/nrt.json") / 1048576 ))"
printf '  %-34s %8.3fs\n' "A  topo-admit --nrt (LeastAllocated)" "$best_a" \
	"A2 topo-admit --nrt (LeastNUMANodes)" "$best_l" \
	"B1 tk-test count (bare parse)" "$best_b" "B2 jq length" "$best_j"
printf '  A/B1 %.2f (goal <= 2)   A2/B1 %.2f   A/B2 %.2f\n' "$(echo "$best_a / $best_b" | bc -l)" \
	"$(echo "$best_l / $best_b" | bc -l)" "$(echo "$best_a / $best_j" | bc -l)"
if [ -x /usr/bin/time ]; then
	printf '  peak memory: A %s KiB, B1 %s KiB\n' \
		"$(/usr/bin/time -f '%M' "$BIN" --nrt "$tmp/nrt.json" "$tmp/pod.json" 2>&1 >/dev/null | tail -1)" \
		"$(/usr/bin/time -f '%M' "$TKTEST" count "$tmp/nrt.json" 2>&1 >/dev/null | tail -1)"
fi
