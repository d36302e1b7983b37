#!/usr/bin/env bash
# Benchmark: `spread-check simulate` of a workload whose replicas each get a
# CSI volume (VolumeRestrictions, NodeVolumeLimits and VolumeBinding run for
# every node of every cycle) against the same workload without volumes, on
# a dump of 2,000 nodes with CSINodes, 20,000 pods each mounting a bound
# CSI claim, their PersistentVolumes, claims and VolumeAttachments.
# Goal: at most 1.5x the run without volumes.
. "$(dirname "$0")/lib.bash"
bench_init spread-check-volumes
bench_need python3 jq
SC=$TK_BIN/spread-check
NODES=${NODES:-2000} PODS=${PODS:-20000} REPLICAS=${REPLICAS:-200}
[ -x "$SC" ] || make -s "$SC" || exit 2

python3 - "$W" "$NODES" "$PODS" "$REPLICAS" <<'PY'
import json, sys
w, nn, np, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
items = []
for i in range(nn):
    n = "n-%05d" % i
    items.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n, "labels": {
        "kubernetes.io/hostname": n, "topology.kubernetes.io/zone": "z%d" % (i % 3)}},
        "status": {"allocatable": {"cpu": "64", "memory": "256Gi", "pods": "110"}}})
for i in range(nn):
    items.append({"apiVersion": "storage.k8s.io/v1", "kind": "CSINode", "metadata": {"name": "n-%05d" % i},
                  "spec": {"drivers": [{"name": "ebs.csi.aws.com", "nodeID": "i-%d" % i, "allocatable": {"count": 25}}]}})
items.append({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "ebs"},
              "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "WaitForFirstConsumer"})
for j in range(np):
    node = "n-%05d" % (j % nn)
    items.append({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-%d" % j},
                  "spec": {"storageClassName": "ebs", "csi": {"driver": "ebs.csi.aws.com", "volumeHandle": "vol-%d" % j},
                           "claimRef": {"namespace": "app", "name": "c-%d" % j}}})
    items.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "c-%d" % j, "namespace": "app",
                  "annotations": {"pv.kubernetes.io/bind-completed": "yes"}},
                  "spec": {"storageClassName": "ebs", "volumeName": "pv-%d" % j, "accessModes": ["ReadWriteOnce"]}})
    items.append({"apiVersion": "storage.k8s.io/v1", "kind": "VolumeAttachment", "metadata": {"name": "va-%d" % j},
                  "spec": {"attacher": "ebs.csi.aws.com", "nodeName": node, "source": {"persistentVolumeName": "pv-%d" % j}}})
for j in range(np):
    items.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p-%d" % j, "namespace": "app", "labels": {"app": "x"}},
                  "spec": {"nodeName": "n-%05d" % (j % nn), "containers": [{"name": "c"}],
                           "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "c-%d" % j}}]}})
json.dump({"apiVersion": "v1", "kind": "List", "items": items}, open(w + "/cluster.json", "w"))
def deploy(vols):
    spec = {"containers": [{"name": "c"}], "topologySpreadConstraints": [{"maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "y"}}}]}
    if vols:
        spec["volumes"] = [{"name": "t", "ephemeral": {"volumeClaimTemplate": {"spec": {"storageClassName": "ebs"}}}}]
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "y", "namespace": "app"},
            "spec": {"replicas": reps, "selector": {"matchLabels": {"app": "y"}},
                     "template": {"metadata": {"labels": {"app": "y"}}, "spec": spec}}}
json.dump(deploy(True), open(w + "/vol.json", "w"))
json.dump(deploy(False), open(w + "/novol.json", "w"))
PY
vol=("$SC" simulate --cluster "$W/cluster.json" "$W/vol.json")
novol=("$SC" simulate --cluster "$W/cluster.json" "$W/novol.json")
"${vol[@]}" >"$W/out.json"
[ $? -le 1 ] || exit 2
[ "$(jq .scheduled "$W/out.json")" -eq "$REPLICAS" ] || { echo "simulate did not place every replica" >&2; exit 2; }
bench_ab "spread-check simulate: $REPLICAS replicas with a CSI volume each vs none, $NODES nodes / $PODS pods with volumes" 1.5 \
	-- "${vol[@]}" -- "${novol[@]}"
