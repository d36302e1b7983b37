#!/usr/bin/env bash
# Benchmark: topo-admit --nrt on a cluster-sized NodeResourceTopology dump
# (5,000 objects of 8 NUMA zones, as `kubectl get noderesourcetopologies -o
# json` prints them) and one pod, against merely parsing the same file with
# the same streaming loader (`tk-test count`: every item built and freed,
# nothing decided). Goal: at most 2x; memory flat (streamed).
. "$(dirname "$0")/lib.bash"
bench_init topo-admit-nrt
bench_need jq
TA=$TK_BIN/topo-admit
TKTEST=${TK_TEST:-$PWD/build/tests/tk-test}
NODES=${NRT_BENCH_NODES:-5000}
[ -x "$TA" ] || make -s "$TA" || exit 2
[ -x "$TKTEST" ] || make -s build/tests/tk-test || exit 2

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
	               res("example.com/gpu"; "1"; "\(($i + $z) % 2)")]}]}]}' >"$W/nrt.json"
echo '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"12","memory":"40Gi","hugepages-1Gi":"4Gi","example.com/gpu":"1"}}}]}}' >"$W/pod.json"

"$TA" --nrt "$W/nrt.json" --scoring-strategy LeastNUMANodes "$W/pod.json" >"$W/out.json"
[ $? -le 1 ] || { echo "topo-admit --nrt failed" >&2; exit 2; }
[ "$(jq '.nodes | length' "$W/out.json")" -eq "$NODES" ] || { echo "wrong node count" >&2; exit 2; }
bench_ab "topo-admit --nrt, $NODES NRT objects x 8 zones (LeastAllocated) vs streaming parse" 2 --instr \
	-- "$TA" --nrt "$W/nrt.json" "$W/pod.json" -- "$TKTEST" count "$W/nrt.json"
bench_ab "topo-admit --nrt, the same, LeastNUMANodes, vs streaming parse" 2 \
	-- "$TA" --nrt "$W/nrt.json" --scoring-strategy LeastNUMANodes "$W/pod.json" -- "$TKTEST" count "$W/nrt.json"
bench_value "topo-admit --nrt: peak memory" \
	"$(echo "scale=1; $(bench_peak_kib "$TA" --nrt "$W/nrt.json" "$W/pod.json") / 1024" | bc)" MiB 64
