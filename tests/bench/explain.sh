#!/usr/bin/env bash
# Benchmark: numa-verify --explain over a generated kubelet journal (klog
# lines as `journalctl -u kubelet` prints them, 1 in 50 a Topology Manager,
# CPU Manager or admission line) against `grep -i topology` over the same
# file (written to a file: grep would stop at the first match if its output
# were /dev/null). Goal (issue 12): about grep's time (at most 1.2x); peak
# memory bounded (it reads one line at a time).
# EX_BENCH_MB sets the journal size (default 200).
. "$(dirname "$0")/lib.bash"
bench_init explain
bench_need python3 grep
NV=$TK_BIN/numa-verify
MB=${EX_BENCH_MB:-200}
[ -x "$NV" ] || make -s "$NV" || exit 2
J=$W/journal

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
grep_topology() { grep -i topology "$J" >"$W/grep.out"; }
bench_ab "numa-verify --explain, $MB MiB kubelet journal, vs grep -i topology" 1.2 \
	-- "$NV" --explain "$J" -- grep_topology
bench_value "numa-verify --explain: peak memory" \
	"$(echo "scale=1; $(bench_peak_kib "$NV" --explain "$J") / 1024" | bc)" MiB 16
