#!/usr/bin/env bash
# Benchmark: `spread-check simulate` of 1,000 replicas on a 5,000-node,
# 150,000-pod dump (kubectl get nodes/pods -o json shape, ~80 MB) against a
# bare libyaml event scan of the same two files (a tiny C scanner compiled
# here). Prints both times, the ratio (goal <= 1.5x) and simulate's peak
# memory (goal < 64 MiB). Not part of make check.
set -eu
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}
W=${BENCH_DIR:-$(mktemp -d)}; [ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$W"' EXIT
mkdir -p "$W"
NODES=${NODES:-5000} PODS=${PODS:-150000} REPLICAS=${REPLICAS:-1000}

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
cat >"$W/scan.c" <<'C'
#include <stdio.h>
#include <yaml.h>
int main(int argc, char **argv)
{
	unsigned long events = 0;
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		yaml_parser_t p;
		yaml_event_t e;
		int done = 0;
		if (!f) return 2;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_file(&p, f);
		while (!done) {
			if (!yaml_parser_parse(&p, &e)) return 2;
			done = e.type == YAML_STREAM_END_EVENT;
			events++;
			yaml_event_delete(&e);
		}
		yaml_parser_delete(&p);
		fclose(f);
	}
	printf("%lu events\n", events);
	return 0;
}
C
cc -O2 -o "$W/scan" "$W/scan.c" $(pkg-config --cflags --libs yaml-0.1)
ls -l "$W/nodes.json" "$W/pods.json" | awk '{s += $5} END {printf "input: %.1f MB\n", s / 1e6}'

# CPU seconds (user + sys) of each run: steadier than wall time on a busy host
/usr/bin/time -f '%e %U %S %M' -o "$W/t.scan" "$W/scan" "$W/nodes.json" "$W/pods.json" >/dev/null
/usr/bin/time -f '%e %U %S %M' -o "$W/t.sim" "$BIN/spread-check" simulate --nodes "$W/nodes.json" \
	--pods "$W/pods.json" --replicas "$REPLICAS" "$W/wl.yaml" >"$W/out.json" || true
read -r scan_wall scan_u scan_s _ <"$W/t.scan"
read -r sim_wall sim_u sim_s sim_kb <"$W/t.sim"
scan=$(echo "$scan_u + $scan_s" | bc -l); sim=$(echo "$sim_u + $sim_s" | bc -l)
printf 'libyaml scan: %.2f s cpu (%.2f s wall)\n' "$scan" "$scan_wall"
printf 'simulate:     %.2f s cpu (%.2f s wall), %s of %s replicas scheduled\n' "$sim" "$sim_wall" \
	"$(jq .scheduled "$W/out.json")" "$REPLICAS"
printf 'ratio:        %.2fx cpu, %.2fx wall (goal <= 1.5x)\n' "$(echo "$sim / $scan" | bc -l)" \
	"$(echo "$sim_wall / $scan_wall" | bc -l)"
printf 'peak memory:  %.1f MiB (goal < 64 MiB)\n' "$(echo "$sim_kb / 1024" | bc -l)"
