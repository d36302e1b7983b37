#!/usr/bin/env bash
# Benchmark: numa-verify against numastat -p on the same 2,000 processes.
#
# Starts 2,000 sleeping processes, then measures side by side (best of 5):
#   numastat -p PID...                    the baseline (numactl package)
#   numa-verify --no-threads PID...       the same work: status + numa_maps
#   numa-verify PID...                    plus /proc/PID/task (its default)
#   numa-verify --root TREE --all         the same processes copied into a
#                                         synthetic /proc tree (+ /sys)
# and prints each time and the ratio numastat / numa-verify (> 1: faster).
# Installs numactl with apt-get when numastat is missing and we are root.
set -u
cd "$(dirname "$0")/../.."
N=${NV_BENCH_PROCS:-2000}
ROUNDS=${NV_BENCH_ROUNDS:-5}
BIN=${TK_BIN:-$PWD/bin}/numa-verify
[ -x "$BIN" ] || make -s bin/numa-verify || exit 2
if ! command -v numastat >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq numactl >/dev/null
	fi
	command -v numastat >/dev/null || { echo "numa-verify bench: numastat not available; skipped"; exit 0; }
fi
[ -r /proc/self/numa_maps ] || { echo "numa-verify bench: no /proc/PID/numa_maps here; skipped"; exit 0; }

tmp=$(mktemp -d)
pids=()
cleanup() { [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
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

# best WALL CPU: the least wall time and the least CPU time (user + system,
# which is what a loaded machine does not distort) in ms over ROUNDS runs;
# the commands are interleaved round by round so load hits all alike.
declare -A wall cpu
measure() {  # measure NAME CMD...
	local name=$1 t
	shift
	t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
	set -- $t
	local w c
	w=$(awk -v r="$1" 'BEGIN { printf "%d", r * 1000 }')
	c=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%d", (u + s) * 1000 }')
	if [ -z "${wall[$name]:-}" ] || [ "$w" -lt "${wall[$name]}" ]; then wall[$name]=$w; fi
	if [ -z "${cpu[$name]:-}" ] || [ "$c" -lt "${cpu[$name]}" ]; then cpu[$name]=$c; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# sanity: both count the same pages for the first process
p=${pids[0]}
ns=$(numastat -p "$p" | awk '/^Total/ {print $NF}')
nv=$("$BIN" "$p" | jq -r '[.processes[0].memoryBytes[]]|add/1048576' 2>/dev/null)
echo "numa-verify bench: $N processes, best of $ROUNDS interleaved runs"
echo "  pid $p: numastat Total $ns MB, numa-verify $(printf '%.2f' "${nv:-0}") MB"

for ((r = 0; r < ROUNDS; r++)); do
	measure numastat numastat -p "${pids[@]}"
	measure same "$BIN" --no-threads "${pids[@]}"
	measure tasks "$BIN" "${pids[@]}"
	measure tree "$BIN" --root "$tree" --all
done
row() {  # row LABEL NAME
	printf '  %-44s %8s %8s' "$1" "${wall[$2]}" "${cpu[$2]}"
	[ "$2" = numastat ] && { echo; return; }
	printf '   %6s %6s\n' "$(ratio "${wall[numastat]}" "${wall[$2]}")" "$(ratio "${cpu[numastat]}" "${cpu[$2]}")"
}
printf '  %-44s %8s %8s   %6s %6s\n' "" "wall ms" "cpu ms" "ratio" "(cpu)"
row "numastat -p PID... (baseline)" numastat
row "numa-verify --no-threads PID... (same work)" same
row "numa-verify PID... (+ task/ of threaded)" tasks
row "numa-verify --root TREE --all (synthetic)" tree
echo "  ratio = numastat / numa-verify: above 1.00 numa-verify is faster"
