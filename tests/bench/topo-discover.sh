#!/usr/bin/env bash
# Benchmark: topo-discover against the tools it stands beside, on the same
# input (a sample is RUNS invocations):
#   this machine, with devices   topo-discover              vs lstopo-no-graphics --of xml (goal 0.6x)
#   this machine, no devices     topo-discover --no-devices vs lscpu -J (goal 1.5x)
#   a big XML (192em64t, 384 CPUs, 24 NUMA nodes, from ../shared)
#                                topo-discover -i FILE      vs lstopo-no-graphics -i FILE --of xml (goal 1x)
. "$(dirname "$0")/lib.bash"
bench_init topo-discover
bench_need lstopo-no-graphics lscpu
TD=$TK_BIN/topo-discover
RUNS=${TD_BENCH_RUNS:-20}
XML=${TD_BENCH_XML:-$TK_SHARED/data/hwloc-xml/192em64t-24n8c2t.xml}
[ -x "$TD" ] || make -s "$TD" || exit 2

bench_ab "topo-discover live (devices) vs lstopo-no-graphics --of xml" 0.6 --runs "$RUNS" --instr \
	-- "$TD" -- lstopo-no-graphics --of xml
bench_ab "topo-discover live --no-devices vs lscpu -J" 1.5 --runs "$RUNS" \
	-- "$TD" --no-devices -- lscpu -J
if [ -f "$XML" ]; then
	bench_ab "topo-discover -i ${XML##*/} vs lstopo-no-graphics -i FILE --of xml" 1.0 --runs "$RUNS" \
		-- "$TD" -i "$XML" -- lstopo-no-graphics -i "$XML" --of xml
fi
