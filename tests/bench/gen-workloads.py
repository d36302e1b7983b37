#!/usr/bin/env python3
"""gen-workloads.py DIR COUNT FILES: COUNT workloads (Deployments,
StatefulSets, Pods, each with topologySpreadConstraints, about 1.4 kB of
YAML apiece, as a chart renders them) written as FILES multi-document files
DIR/part-NNNN.yaml, and the same documents as one DIR/../all.yaml.
Deterministic (seeded), so that every run lints the same input. Some
objects carry findings (a selector that misses the template's labels, a
maxSkew of 0, a DaemonSet with constraints) so that the rules' reporting
paths run too."""
import os
import random
import sys

out, count, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(16)
ZONE, HOST = "topology.kubernetes.io/zone", "kubernetes.io/hostname"


def workload(i):
    app = "svc-%05d" % i
    kind = ("Deployment", "StatefulSet", "Pod", "Deployment")[i % 4] if i % 97 else "DaemonSet"
    sel = app if i % 53 else app + "-typo"
    skew = 0 if i % 211 == 0 else 1 + i % 3
    tsc = """      - maxSkew: %d
        topologyKey: %s
        whenUnsatisfiable: %s
        labelSelector:
          matchLabels:
            app: %s
%s""" % (skew, ZONE, "DoNotSchedule" if i % 2 else "ScheduleAnyway", sel,
       "        matchLabelKeys: [pod-template-hash]\n" if kind == "Deployment" else "")
    if i % 3 == 0:
        tsc += """      - maxSkew: 2
        topologyKey: %s
        whenUnsatisfiable: DoNotSchedule
        minDomains: 3
        labelSelector:
          matchExpressions:
          - {key: app, operator: In, values: [%s]}
%s""" % (HOST, app, "        matchLabelKeys: [pod-template-hash]\n" if kind == "Deployment" else "")
    pod = """      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 2000
      serviceAccountName: %s
      topologySpreadConstraints:
%s      containers:
      - name: main
        image: registry.example.com/team-%d/%s:1.%d.%d
        args: ["--port=8080", "--log-level=info"]
        ports:
        - {containerPort: 8080, name: http, protocol: TCP}
        env:
        - name: SERVICE_NAME
          value: "%s"
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        resources:
          requests: {cpu: "%dm", memory: "%dMi"}
          limits: {memory: "%dMi"}
        readinessProbe:
          httpGet: {path: /healthz, port: http}
          periodSeconds: 10
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
""" % (app, tsc, i % 40, app, i % 9, i % 17, app, 100 + i % 900, 128 * (1 + i % 8), 256 * (1 + i % 8))
    meta = """metadata:
  name: %s
  namespace: team-%02d
  labels:
    app: %s
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/managed-by: Helm
  annotations:
    meta.helm.sh/release-name: shop-%d
""" % (app, i % 40, app, i % 40)
    if kind == "Pod":
        return "apiVersion: v1\nkind: Pod\n" + meta + "spec:\n" + "\n".join(
            l[4:] for l in pod.split("\n"))
    return """apiVersion: apps/v1
kind: %s
%sspec:
%s  selector:
    matchLabels:
      app: %s
  template:
    metadata:
      labels:
        app: %s
        version: v%d
    spec:
%s""" % (kind, meta, "" if kind == "DaemonSet" else "  replicas: %d\n" % (3 + i % 12),
         app, app, i % 4, pod)


os.makedirs(out, exist_ok=True)
docs = [workload(i) for i in range(count)]
per = (count + files - 1) // files
with open(os.path.join(out, "..", "all.yaml"), "w") as whole:
    for f in range(files):
        part = "---\n".join(docs[f * per:(f + 1) * per])
        with open(os.path.join(out, "part-%04d.yaml" % f), "w") as fh:
            fh.write(part)
        whole.write(("---\n" if f else "") + part)
