#!/usr/bin/env bash
# Benchmark: `spread-check audit --advise` (the descheduler's evictions, the
# scheduler placing each evicted pod again, every constraint measured twice)
# against plain `audit` on the same 5,000-node, 150,000-pod dump, whose 500
# ReplicaSets spread with DoNotSchedule over three zones and are all skewed
# (random placement): about 4,800 evictions.
# Goals: at most 2.5x audit's CPU time (measured 2.2x: a third more for
# reading every pod's whole spec, the rest for 4,800 scheduling cycles, each
# a PodTopologySpread state over the namespace's pods and a pass over the
# nodes); peak memory under 128 MiB (83 MiB: each pod's own spec is kept, as
# the descheduler reads every pod's constraints).
. "$(dirname "$0")/lib.bash"
bench_init spread-check-advise
bench_need python3 jq
SC=$TK_BIN/spread-check
NODES=${NODES:-5000} PODS=${PODS:-150000}
[ -x "$SC" ] || make -s "$SC" || exit 2

python3 - "$W" "$NODES" "$PODS" <<'PY'
import json, sys, random
w, nn, np = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(1)
zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
with open(w + "/nodes.json", "w") as f:
    f.write('{"apiVersion":"v1","kind":"List","items":[')
    for i in range(nn):
        if i: f.write(",")
        n = "node-%05d" % i
        json.dump({"apiVersion": "v1", "kind": "Node",
                   "metadata": {"name": n, "labels": {"kubernetes.io/hostname": n,
                                                      "topology.kubernetes.io/zone": zones[i % 3]}},
                   "status": {"allocatable": {"cpu": "15890m", "memory": "62Gi", "pods": "110"},
                              "conditions": [{"type": "Ready", "status": "True"}]}}, f)
    f.write("]}\n")
with open(w + "/pods.json", "w") as f:
    f.write('{"apiVersion":"v1","kind":"List","items":[')
    for i in range(np):
        if i: f.write(",")
        app = "app-%03d" % (i % 500)
        json.dump({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "%s-%07d" % (app, i), "namespace": "ns-%02d" % (i % 50),
                                "labels": {"app": app, "pod-template-hash": "5d4f8c%04d" % (i % 500)},
                                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                     "name": app + "-5d4f8c", "controller": True}]},
                   "spec": {"nodeName": "node-%05d" % random.randrange(nn),
                            "containers": [{"name": "main", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}],
                            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                                           "whenUnsatisfiable": "DoNotSchedule",
                                                           "labelSelector": {"matchLabels": {"app": app}}}]},
                   "status": {"phase": "Running"}}, f)
    f.write("]}\n")
PY
audit=("$SC" audit --nodes "$W/nodes.json" --pods "$W/pods.json")
advise=("${audit[@]}" --advise)
"${advise[@]}" >"$W/out.json"
[ $? -le 1 ] || exit 2
[ "$(jq .evictions "$W/out.json")" -gt 0 ] || { echo "audit --advise evicted nothing" >&2; exit 2; }
bench_ab "spread-check audit --advise vs audit: $NODES nodes / $PODS pods, $(jq .evictions "$W/out.json") evictions" 2.5 \
	-- "${advise[@]}" -- "${audit[@]}"
bench_value "spread-check audit --advise: peak memory, same dump" \
	"$(echo "scale=1; $(bench_peak_kib "${advise[@]}") / 1024" | bc)" MiB 128
