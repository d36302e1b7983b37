#!/usr/bin/env bash
# Benchmark: numa-verify against numastat -p on the same 2,000 processes
# (started here, sleeping). Rows, each against numastat -p PID...:
#   numa-verify --no-threads PID...   the same work: status + numa_maps
#   numa-verify PID...                plus /proc/PID/task (its default)
#   numa-verify --root TREE --all     the same processes copied into a
#                                     synthetic /proc tree (+ /sys)
# Goal: not slower than numastat (at most 1x). Installs numactl with
# apt-get when numastat is missing and we are root.
. "$(dirname "$0")/lib.bash"
bench_init numa-verify
N=${NV_BENCH_PROCS:-2000}
NV=$TK_BIN/numa-verify
[ -x "$NV" ] || make -s "$NV" || exit 2
if ! command -v numastat >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq numactl >/dev/null
	fi
	command -v numastat >/dev/null || bench_skip "numastat not available"
fi
[ -r /proc/self/numa_maps ] || bench_skip "no /proc/PID/numa_maps here"

tmp=$W
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; bench_finish; }
trap cleanup EXIT
for ((i = 0; i < N; i++)); do
	sleep 600 &
	pids+=($!)
done
# wait until every child has exec'd sleep (numa_maps of the final image)
for p in "${pids[@]}"; do
	while [ "$(cat /proc/$p/comm 2>/dev/null)" = bash ]; do sleep 0.01; done
done

# the synthetic tree: the same processes' files, and this machine's /sys
tree=$tmp/root
mkdir -p "$tree/proc" "$tree/sys/devices/system/cpu"
cp /proc/meminfo "$tree/proc/meminfo"
cp /sys/devices/system/cpu/online "$tree/sys/devices/system/cpu/online"
for n in /sys/devices/system/node/node[0-9]*; do
	[ -d "$n" ] || continue
	mkdir -p "$tree$n" && cp "$n/cpulist" "$tree$n/cpulist"
done
for p in "${pids[@]}"; do
	mkdir -p "$tree/proc/$p/task/$p"
	cat /proc/$p/status >"$tree/proc/$p/status"
	cat /proc/$p/numa_maps >"$tree/proc/$p/numa_maps"
	cp "$tree/proc/$p/status" "$tree/proc/$p/task/$p/status"
done

bench_ab "numa-verify --no-threads, $N processes, vs numastat -p" 1.0 -- "$NV" --no-threads "${pids[@]}" -- numastat -p "${pids[@]}"
bench_ab "numa-verify (with task/), $N processes, vs numastat -p" 1.0 -- "$NV" "${pids[@]}" -- numastat -p "${pids[@]}"
bench_ab "numa-verify --root TREE --all, $N processes, vs numastat -p" 1.0 -- "$NV" --root "$tree" --all -- numastat -p "${pids[@]}"
