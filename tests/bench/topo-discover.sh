#!/usr/bin/env bash
# Benchmark: topo-discover against the tools it stands beside, in one run,
# on the same inputs (best of ROUNDS, CPU time of RUNS invocations, so that
# other load on the machine does not decide the ratio):
#   this machine, with devices   topo-discover          vs lstopo-no-graphics --of xml
#   this machine, no devices     topo-discover --no-devices vs lscpu -J
#   a big XML (192em64t, 384 CPUs, 24 NUMA nodes)
#                                topo-discover -i FILE  vs lstopo-no-graphics -i FILE --of xml
# Prints each time and the ratio topo-discover / baseline. Goals: not slower
# than lstopo (ratio <= 1), --no-devices within 1.5x of lscpu -J.
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/topo-discover
RUNS=${TD_BENCH_RUNS:-30}
ROUNDS=${TD_BENCH_ROUNDS:-5}
XML=${TD_BENCH_XML:-../shared/data/hwloc-xml/192em64t-24n8c2t.xml}
[ -x "$BIN" ] || make -s bin/topo-discover || exit 2
for t in lstopo-no-graphics lscpu bc; do
	command -v "$t" >/dev/null || { echo "topo-discover bench: needs $t" >&2; exit 2; }
done

# time_runs CMD...: best of ROUNDS, CPU seconds (user + system) of RUNS runs
time_runs() {
	local best= r t i TIMEFORMAT='%U %S'
	for ((r = 0; r < ROUNDS; r++)); do
		t=$( { time for ((i = 0; i < RUNS; i++)); do
			"$@" >/dev/null 2>&1 || exit 2
		done; } 2>&1 ) || { echo "failed: $*" >&2; exit 2; }
		t=$(echo "$t" | awk '{ print $1 + $2 }')
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

fails=0
# compare NAME GOAL "OURS..." "BASELINE..."
compare() {
	local name=$1 goal=$2 ours base ratio verdict
	# shellcheck disable=SC2086
	ours=$(time_runs $3) || exit 2
	# shellcheck disable=SC2086
	base=$(time_runs $4) || exit 2
	ratio=$(echo "if ($base > 0) $ours / $base else 0" | bc -l)
	verdict=ok
	[ "$(echo "$ratio <= $goal" | bc -l)" = 1 ] || { verdict="over goal $goal"; fails=$((fails + 1)); }
	printf '%-34s %8.3fs  %-28s %8.3fs  ratio %5.2f  %s\n' "$name" "$ours" "${4%% *}" "$base" "$ratio" "$verdict"
}

echo "topo-discover bench: $RUNS runs, best of $ROUNDS, CPU seconds"
compare "live, devices" 1.0 "$BIN" "lstopo-no-graphics --of xml"
compare "live, --no-devices" 1.5 "$BIN --no-devices" "lscpu -J"
compare "live, --no-devices vs lstopo" 1.0 "$BIN --no-devices" "lstopo-no-graphics --no-io --of xml"
if [ -f "$XML" ]; then
	compare "XML ${XML##*/}" 1.0 "$BIN -i $XML" "lstopo-no-graphics -i $XML --of xml"
	compare "XML, -o text" 1.0 "$BIN -i $XML -o text" "lstopo-no-graphics -i $XML -p"
fi
echo "topo-discover bench: $fails over goal"
