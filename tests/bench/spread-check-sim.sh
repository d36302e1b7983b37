#!/usr/bin/env bash
# Benchmark: `spread-check simulate` of 1,000 replicas on a 5,000-node,
# 150,000-pod dump (kubectl get nodes/pods -o json shape, ~130 MB) against a
# bare libyaml event scan of the same two files (tests/bench/yaml-scan.c).
# Goals: at most 1.2x the scan's CPU time, peak memory under 64 MiB.
. "$(dirname "$0")/lib.bash"
bench_init spread-check-sim
bench_need python3 pkg-config cc jq
SC=$TK_BIN/spread-check
NODES=${NODES:-5000} PODS=${PODS:-150000} REPLICAS=${REPLICAS:-1000}
[ -x "$SC" ] || make -s "$SC" || exit 2
bench_cc "$W/scan" tests/bench/yaml-scan.c yaml-0.1

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
                   "metadata": {"name": n, "uid": "u-%d" % i, "creationTimestamp": "2024-01-01T00:00:00Z",
                                "labels": {"kubernetes.io/hostname": n, "kubernetes.io/os": "linux",
                                           "kubernetes.io/arch": "amd64", "node.kubernetes.io/instance-type": "m5.4xlarge",
                                           "topology.kubernetes.io/region": "us-east-1",
                                           "topology.kubernetes.io/zone": zones[i % 3]}},
                   "spec": {"podCIDR": "10.%d.%d.0/24" % (i // 256, i % 256), "providerID": "aws:///%s/i-%08x" % (zones[i % 3], i)},
                   "status": {"allocatable": {"cpu": "15890m", "memory": "62Gi", "pods": "110", "ephemeral-storage": "95Gi"},
                              "capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"},
                              "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
                              "nodeInfo": {"kubeletVersion": "v1.31.0", "osImage": "Bottlerocket"}}}, f)
    f.write("]}\n")
with open(w + "/pods.json", "w") as f:
    f.write('{"apiVersion":"v1","kind":"List","items":[')
    for i in range(np):
        if i: f.write(",")
        app = "app-%03d" % (i % 500)
        json.dump({"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": "%s-%07d" % (app, i), "namespace": "ns-%02d" % (i % 50), "uid": "p-%d" % i,
                                "labels": {"app": app, "pod-template-hash": "5d4f8c%04d" % (i % 500)},
                                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": app + "-5d4f8c",
                                                     "uid": "rs-%d" % (i % 500), "controller": True, "blockOwnerDeletion": True}]},
                   "spec": {"nodeName": "node-%05d" % random.randrange(nn),
                            "containers": [{"name": "main", "image": "registry.example/%s:1.0" % app,
                                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                                                          "limits": {"memory": "256Mi"}},
                                            "ports": [{"containerPort": 8080, "protocol": "TCP"}]}],
                            "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                                           "whenUnsatisfiable": "ScheduleAnyway",
                                                           "labelSelector": {"matchLabels": {"app": app}}}]},
                   "status": {"phase": "Running", "podIP": "10.1.%d.%d" % (i // 256 % 256, i % 256)}}, f)
    f.write("]}\n")
PY
cat >"$W/wl.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: app-007, namespace: ns-07}
spec:
  replicas: 1000
  selector: {matchLabels: {app: app-007}}
  template:
    metadata: {labels: {app: app-007}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: app-007}}}
      - {maxSkew: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: app-007}}}
      containers:
      - name: main
        resources: {requests: {cpu: 250m, memory: 256Mi}}
YAML
sim=("$SC" simulate --nodes "$W/nodes.json" --pods "$W/pods.json" --replicas "$REPLICAS" "$W/wl.yaml")
"${sim[@]}" >"$W/out.json"
[ $? -le 1 ] || exit 2
[ "$(jq .scheduled "$W/out.json")" -gt 0 ] || { echo "simulate scheduled nothing" >&2; exit 2; }
bench_ab "spread-check simulate: $REPLICAS replicas on $NODES nodes / $PODS pods ($(du -cm "$W/nodes.json" "$W/pods.json" | tail -1 | cut -f1) MB JSON) vs libyaml scan" 1.2 --instr \
	-- "${sim[@]}" -- "$W/scan" "$W/nodes.json" "$W/pods.json"
bench_value "spread-check simulate: peak memory, same run" \
	"$(echo "scale=1; $(bench_peak_kib "${sim[@]}") / 1024" | bc)" MiB 64
