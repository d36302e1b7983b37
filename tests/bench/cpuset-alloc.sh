#!/usr/bin/env bash
# Benchmark: cpuset-alloc on a 1,024-CPU topology (8 sockets x 2 NUMA nodes
# x 32 cores x 2 threads) against merely loading that document with jansson
# (tests/bench/json-load.c). A sample is RUNS invocations (each takes a few
# milliseconds). Goal: every allocation at most 1.2x the load.
. "$(dirname "$0")/lib.bash"
bench_init cpuset-alloc
bench_need pkg-config cc
CA=$TK_BIN/cpuset-alloc
TOPO=tests/fixtures/cpuset-alloc/8s-16n-512c-2t.json
RUNS=${CA_BENCH_RUNS:-20}
[ -x "$CA" ] || make -s "$CA" || exit 2
bench_cc "$W/load" tests/bench/json-load.c jansson

for args in "--count 1" "--count 500 --reserved-count 8" "--count 96 --distribute-across-numa" \
	"--count 64 --align-by-uncore-cache --full-pcpus-only"; do
	# shellcheck disable=SC2086
	bench_ab "cpuset-alloc $args, 1,024 CPUs, vs jansson load of the topology" 1.2 --runs "$RUNS" --instr \
		-- "$CA" -t "$TOPO" $args -- "$W/load" "$TOPO"
done
