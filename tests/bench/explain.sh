#!/usr/bin/env bash
# Benchmark: numa-verify --explain over a generated kubelet journal (klog
# lines as `journalctl -u kubelet` prints them, 1 in 50 a Topology Manager,
# CPU Manager or admission line) against `grep -i topology` (written to a file: grep would stop at the first match if its output were
# /dev/null) over the same
# file. Runs A B A B ... ROUNDS times and prints the fastest of each (CPU
# seconds, user + system) and the ratio explain / grep, and the peak RSS of
# explain (bounded: it reads one line at a time).
# EX_BENCH_MB sets the journal size (default 200).
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/numa-verify
MB=${EX_BENCH_MB:-200}
ROUNDS=${EX_BENCH_ROUNDS:-3}
[ -x "$BIN" ] || make -s bin/numa-verify || exit 2
J=$(mktemp /tmp/explain-bench.XXXXXX)
trap 'rm -f "$J" "$J.out"' EXIT
python3 - "$J" "$MB" <<'PY'
import sys
path, mb = sys.argv[1], int(sys.argv[2])
noise = [
    'I1204 10:00:%02d.%06d     812 kubelet.go:2400] "SyncLoop (PLEG): event for pod" pod="prod/web-%d" event={"ID":"6f1c","Type":"ContainerStarted"}',
    'I1204 10:00:%02d.%06d     812 prober.go:107] "Probe succeeded" probeType="Readiness" pod="prod/web-%d" containerName="web"',
    'I1204 10:00:%02d.%06d     812 reconciler_common.go:245] "operationExecutor.VerifyControllerAttachedVolume started" volume="kube-api-access" pod="prod/web-%d"',
]
hits = [
    'I1204 10:00:%02d.%06d     812 topology_manager.go:212] "Topology Admit Handler" podUID="6f1c" podNamespace="prod" podName="db-%d"',
    'E1204 10:00:%02d.%06d     812 predicate.go:143] "Failed to admit pod" pod="prod/db-%d" err="Resources cannot be allocated with Topology locality"',
    'E1204 10:00:%02d.%06d     812 cpu_manager.go:1] "SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2" pod="prod/db-%d"',
]
size, i = mb * 1024 * 1024, 0
with open(path, "w") as f:
    while f.tell() < size:
        block = []
        for k in range(1000):
            i += 1
            t = (noise if i % 50 else hits)[i % 3]
            block.append("Dec 04 10:00:00 node-a kubelet[812]: " + t % (i % 60, i % 1000000, i % 97))
        f.write("\n".join(block) + "\n")
PY
best() { sort -n | head -1; }
cpu() { local TIMEFORMAT="%U %S"; { time "$@" >"$J.out" 2>&1; } 2>&1 | awk "{ print \$1 + \$2 }"; }
a=() b=()
for ((r = 0; r < ROUNDS; r++)); do
	a+=("$(cpu "$BIN" --explain "$J")")
	b+=("$(cpu grep -i topology "$J")")
done
ta=$(printf '%s\n' "${a[@]}" | best)
tb=$(printf '%s\n' "${b[@]}" | best)
rss=$(/usr/bin/time -f %M "$BIN" --explain "$J" 2>&1 >/dev/null | tail -1)
echo "journal: $MB MiB, $(wc -l <"$J") lines"
echo "numa-verify --explain: ${ta}s (peak RSS ${rss} KiB)"
echo "grep -i topology:      ${tb}s"
echo "ratio: $(echo "scale=2; $ta / $tb" | bc -l)"
