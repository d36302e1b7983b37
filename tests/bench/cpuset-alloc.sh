#!/usr/bin/env bash
# Benchmark: allocating on a 1024-CPU topology (8 sockets x 2 NUMA nodes x
# 32 cores x 2 threads) against merely loading that topology document, in one
# run. "Load" is cpuset-alloc with --count 0 (parse, validate, build the
# kubelet's CPU details, no allocation); each allocation variant runs the
# same number of times on the same document; best of ROUNDS, in CPU time. Prints each time
# and the ratio allocate / load (goal: at most 1.5).
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/cpuset-alloc
TOPO=tests/fixtures/cpuset-alloc/8s-16n-512c-2t.json
RUNS=${CA_BENCH_RUNS:-50}
ROUNDS=${CA_BENCH_ROUNDS:-5}
[ -x "$BIN" ] || make -s bin/cpuset-alloc || exit 2

# time_runs ARGS...: best of ROUNDS, CPU seconds (user + system) spent by RUNS
# invocations; CPU time rather than wall time, so that other load on the
# machine does not decide the ratio
time_runs() {
	local best= r t i TIMEFORMAT='%U %S'
	for ((r = 0; r < ROUNDS; r++)); do
		t=$( { time for ((i = 0; i < RUNS; i++)); do
			"$BIN" -t "$TOPO" "$@" >/dev/null || exit 2
		done; } 2>&1 ) || { echo "cpuset-alloc $* failed" >&2; exit 2; }
		t=$(echo "$t" | awk '{ print $1 + $2 }')
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

load=$(time_runs --count 0)
printf '%-58s %8.3fs\n' "load only (--count 0), $RUNS runs" "$load"
worst=0
for args in "--count 1" "--count 100" "--count 500 --reserved-count 8" \
	"--count 1000" "--count 96 --distribute-across-numa" \
	"--count 100 --distribute-across-cores" "--count 64 --align-by-uncore-cache --full-pcpus-only" \
	"--count 200 --numa-affinity 3,4"; do
	# shellcheck disable=SC2086
	t=$(time_runs $args)
	ratio=$(echo "$t / $load" | bc -l)
	printf '%-58s %8.3fs  ratio %.2f\n' "$args" "$t" "$ratio"
	if [ "$(echo "$ratio > $worst" | bc -l)" = 1 ]; then worst=$ratio; fi
done
printf 'worst allocate/load ratio: %.2f (goal <= 1.50)\n' "$worst"
