#!/usr/bin/env bats
# The bad-input matrix: every tool x every input it reads x every class of
# hostile input. Each must end in exit 2 with a message that names the file
# (and the position, where the input has one), in at most 256 MiB of memory.
# Valid-but-odd input (CRLF, a BOM, JSON instead of YAML) must work.
load test_helper/common

setup_file() {
	export BAD=$BATS_FILE_TMPDIR/bad
	mkdir -p "$BAD"
	: >"$BAD/empty.yaml"
	python3 - "$BAD" <<'PY'
import random, sys
d = sys.argv[1]
rnd = random.Random(7)
open(f"{d}/garbage.yaml", "wb").write(bytes(rnd.randrange(256) for _ in range(4096)))
open(f"{d}/badutf8.yaml", "wb").write(b"kind: Pod\nmetadata:\n  name: \xff\xfe\xfd\n")
open(f"{d}/truncated.yaml", "w").write('kind: Pod\nspec:\n  containers:\n  - name: "x\n    image: [a, b\n')
open(f"{d}/wrongtypes.yaml", "w").write("""apiVersion: [apps/v1]
kind: Deployment
metadata: "x"
spec:
  replicas: "three"
  template:
    metadata: [1]
    spec:
      topologySpreadConstraints: {maxSkew: "one"}
      containers: "nope"
cpus: "all"
numa: 7
policyName: [static]
defaultCpuSet: {a: 1}
entries: "x"
topologyManagerPolicy: [restricted]
""")
open(f"{d}/numbers.yaml", "w").write("""kind: Deployment
metadata: {name: n}
spec:
  replicas: 9223372036854775808
  template:
    metadata: {labels: {a: b}}
    spec:
      topologySpreadConstraints:
      - {maxSkew: 1e400, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {a: b}}}
      containers: [{name: c, resources: {requests: {cpu: 1e400}}}]
cpus: [{id: 9223372036854775808, numa: -1}]
""")
open(f"{d}/dupkeys.yaml", "w").write("kind: Pod\nmetadata:\n  name: a\n  name: b\n")
open(f"{d}/deep.yaml", "w").write("[" * 10000 + "]" * 10000 + "\n")
with open(f"{d}/bomb.yaml", "w") as f:
    f.write('a: &a ["x","x","x","x","x","x","x","x","x","x"]\n')
    p = "a"
    for l in "bcdefghijklmnopqrstuvw":
        f.write(f"{l}: &{l} [" + ",".join([f"*{p}"] * 10) + "]\n")
        p = l
with open(f"{d}/bigscalar.yaml", "w") as f:
    f.write("kind: Pod\nmetadata:\n  name: ")
    f.write("x" * (100 * 1024 * 1024))
    f.write("\n")
with open(f"{d}/million.yaml", "w") as f:
    f.write('{"kind":"List","items":[' + ",".join(["0"] * 1000000) + "]}\n")
open(f"{d}/nul.yaml", "wb").write(b"kind: Pod\nmetadata:\n  name: a\x00b\n")
PY
}

classes="empty garbage badutf8 truncated wrongtypes numbers dupkeys deep bomb bigscalar million nul"

# check_matrix TEMPLATE...: runs the command with FILE replaced by each class's file
check_matrix() {
	local class f rc mem fails="" limit
	limit=$(time_limit 10)
	for class in $classes; do
		case " ${SKIP_CLASSES:-} " in *" $class "*) continue ;; esac
		# the classes the shared loader refuses before any tool code sees the
		# document run once per tool in valgrind (a million items alone takes
		# 7 s there); the plain and ASan runs keep every input
		case $class in
		garbage|badutf8|truncated|deep|bomb|bigscalar|million|nul)
			if [ -n "${TK_VALGRIND:-}" ]; then
				[ ! -e "$BATS_FILE_TMPDIR/$class-${1##*/}" ] || continue
				: >"$BATS_FILE_TMPDIR/$class-${1##*/}"
			fi ;;
		esac
		f=$BAD/$class.yaml
		local args=() a
		for a in "$@"; do args+=("${a//FILE/$f}"); done
		rc=0
		/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/time" \
			timeout "$limit" "${args[@]}" >/dev/null 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
		# time(1) prepends a "Command exited" line on failure: read the last line
		mem=$(tail -1 "$BATS_TEST_TMPDIR/time")
		[ "$rc" -eq 2 ] || fails+="$class: exit $rc ($(head -c 200 "$BATS_TEST_TMPDIR/err"))"$'\n'
		grep -q "$class.yaml" "$BATS_TEST_TMPDIR/err" ||
			fails+="$class: message does not name the file: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
		case $class in
		empty|wrongtypes) ;;  # no position for an empty file; type errors say where
		# a file refused for its size is never read: no position to give
		bigscalar) grep -Eq "$class.yaml(:[0-9]+:[0-9]+: |: file too large)" "$BATS_TEST_TMPDIR/err" ||
			fails+="$class: no file:line:col nor 'file too large': $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n' ;;
		*) grep -Eq "$class.yaml:[0-9]+:[0-9]+: " "$BATS_TEST_TMPDIR/err" ||
			fails+="$class: no file:line:col: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n' ;;
		esac
		# memory is bounded, not time (the hang guard above only ends a run)
		if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
			[ "$mem" -lt 262144 ] || fails+="$class: used ${mem} KiB"$'\n'
		fi
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}

TOPO=$FIXTURES/seed/2s-2n-8c-2t.json
POD=$FIXTURES/seed/numa-database.yaml

@test "topo-discover -t: every hostile input class" {
	check_matrix "$TK_BIN/topo-discover" -t FILE
}

@test "topo-discover --findings (a numa-verify report, for a picture): every hostile input class" {
	check_matrix "$TK_BIN/topo-discover" -t "$TOPO" --findings FILE -o svg
}

@test "topo-discover --kubelet-config: every hostile input class" {
	mkdir -p "$BATS_TEST_TMPDIR/nokubelet"
	check_matrix "$TK_BIN/topo-discover" -t "$TOPO" -o nrt --node-name n \
		--kubelet-dir "$BATS_TEST_TMPDIR/nokubelet" --kubelet-config FILE
}

@test "topo-discover --kubelet-dir: every hostile input class as the memory and device checkpoints" {
	local name class rc mem fails="" k=$BATS_TEST_TMPDIR/k
	for name in memory_manager_state device-plugins/kubelet_internal_checkpoint; do
		for class in $classes; do
			# the shared loader's refusals run plainly and under ASan (check_matrix covers them)
			case $class in
			garbage|badutf8|truncated|deep|bomb|bigscalar|million|nul)
				[ -z "${TK_VALGRIND:-}" ] || continue ;;
			esac
			rm -rf "$k" && mkdir -p "$k/device-plugins"
			cp "$BAD/$class.yaml" "$k/$name"
			rc=0
			/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/time" timeout "$(time_limit 10)" \
				"$TK_BIN/topo-discover" -t "$TOPO" -o nrt --node-name n --kubelet-dir "$k" \
				>/dev/null 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
			mem=$(tail -1 "$BATS_TEST_TMPDIR/time")
			[ "$rc" -eq 2 ] || fails+="$name $class: exit $rc ($(head -c 200 "$BATS_TEST_TMPDIR/err"))"$'\n'
			grep -q "$k/$name" "$BATS_TEST_TMPDIR/err" ||
				fails+="$name $class: message does not name the file: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
			if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
				[ "$mem" -lt 262144 ] || fails+="$name $class: used ${mem} KiB"$'\n'
			fi
		done
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}

@test "topo-admit -t TOPO: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" -t FILE "$POD"
}

@test "topo-admit MANIFEST: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" -t "$TOPO" FILE
}

@test "topo-admit --hints: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" --policy restricted --numa-nodes 0,1 --hints FILE
}

@test "topo-admit -t TOPO --nodes NODES_FILE (pod mode): every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" -t "$TOPO" --nodes FILE "$POD"
}

NRT=$FIXTURES/topo-admit/nrt/filter

@test "topo-admit --nrt NRT_FILE: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" --nrt FILE "$NRT/pods.yaml"
}

@test "topo-admit --nrt --nodes NODES_FILE: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" --nrt "$NRT/nrt.json" --nodes FILE "$NRT/pods.yaml"
	# one file for both: the combined dump
	check_matrix "$TK_BIN/topo-admit" --nrt FILE --nodes FILE "$NRT/pods.yaml"
}

@test "topo-admit --nrt POD_FILE: every hostile input class" {
	check_matrix "$TK_BIN/topo-admit" --nrt "$NRT/nrt.json" FILE
}

@test "cpuset-alloc -t TOPO: every hostile input class" {
	check_matrix "$TK_BIN/cpuset-alloc" -t FILE --count 2
}

@test "cpuset-alloc --state: every hostile input class" {
	check_matrix "$TK_BIN/cpuset-alloc" -t "$TOPO" --count 2 --state FILE
}

@test "cpuset-alloc --admit (a topo-admit result): every hostile input class" {
	check_matrix "$TK_BIN/cpuset-alloc" -t "$TOPO" --admit FILE
}

@test "spread-check lint: every hostile input class" {
	check_matrix "$TK_BIN/spread-check" lint FILE
}

@test "spread-check place --nodes / --pods / POD: every hostile input class" {
	local c=$FIXTURES/spread-check/place/cases
	c=$c/$(ls "$c" | head -1)
	check_matrix "$TK_BIN/spread-check" place --nodes FILE --pods "$c/pods.json" "$c/pod.json"
	# no pods running is a valid cluster dump
	SKIP_CLASSES=empty check_matrix "$TK_BIN/spread-check" place --nodes "$c/nodes.json" --pods FILE "$c/pod.json"
	check_matrix "$TK_BIN/spread-check" place --nodes "$c/nodes.json" --pods "$c/pods.json" FILE
}

@test "spread-check simulate and audit: every hostile input class" {
	local c=$FIXTURES/spread-check/place/cases
	c=$c/$(ls "$c" | head -1)
	check_matrix "$TK_BIN/spread-check" simulate --nodes FILE "$FIXTURES/seed/web-frontend-deployment.yaml"
	check_matrix "$TK_BIN/spread-check" simulate --nodes "$c/nodes.json" FILE
	check_matrix "$TK_BIN/spread-check" audit --nodes FILE --pods "$c/pods.json"
	SKIP_CLASSES=empty check_matrix "$TK_BIN/spread-check" audit --nodes "$c/nodes.json" --pods FILE
	# --advise reads every pod's whole spec too: the superset of audit's path
	check_matrix "$TK_BIN/spread-check" audit --advise --cluster FILE
}

@test "spread-check simulate --rollout, PersistentVolumes and Claims: hostile input" {
	local ro=$FIXTURES/spread-check/rollout case rc fails=""
	check_matrix "$TK_BIN/spread-check" simulate --rollout --cluster "$ro/db-cluster.json" FILE
	# wrong shapes in the objects the rollout and the volume filters read:
	# each is exit 2 naming file:line:col
	python3 - "$ro" "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
ro, out = sys.argv[1], sys.argv[2]
cluster = json.load(open(ro + "/db-cluster.json"))
def dump(name, mutate):
    d = json.loads(json.dumps(cluster))
    mutate(d["items"])
    json.dump(d, open(f"{out}/{name}.json", "w"), indent=1)
def kind(items, k, i=0):
    return [x for x in items if x["kind"] == k][i]
dump("pv-affinity-string", lambda it: kind(it, "PersistentVolume")["spec"].update(nodeAffinity="zone-a"))
dump("pv-required-list", lambda it: kind(it, "PersistentVolume")["spec"].update(nodeAffinity={"required": []}))
dump("pv-terms-map", lambda it: kind(it, "PersistentVolume")["spec"].update(nodeAffinity={"required": {"nodeSelectorTerms": {}}}))
dump("pv-no-name", lambda it: kind(it, "PersistentVolume")["metadata"].pop("name"))
dump("pvc-volume-list", lambda it: kind(it, "PersistentVolumeClaim")["spec"].update(volumeName=["pvc-0aa"]))
dump("pvc-meta-list", lambda it: kind(it, "PersistentVolumeClaim").update(metadata=[1]))
dump("pvc-annotations-list", lambda it: kind(it, "PersistentVolumeClaim")["metadata"].update(annotations=["x"]))
dump("pod-volumes-map", lambda it: kind(it, "Pod", 0)["spec"].update(volumes={"a": 1}))
dump("pvc-modes-map", lambda it: kind(it, "PersistentVolumeClaim")["spec"].update(accessModes={"a": 1}))
dump("pv-csi-string", lambda it: kind(it, "PersistentVolume")["spec"].update(csi="ebs"))
dump("csinode-drivers-map", lambda it: it.append({"kind": "CSINode", "metadata": {"name": "x"}, "spec": {"drivers": {"a": 1}}}))
dump("csinode-count-string", lambda it: it.append({"kind": "CSINode", "metadata": {"name": "x"},
     "spec": {"drivers": [{"name": "ebs.csi.aws.com", "allocatable": {"count": "many"}}]}}))
dump("csinode-count-negative", lambda it: it.append({"kind": "CSINode", "metadata": {"name": "x"},
     "spec": {"drivers": [{"name": "ebs.csi.aws.com", "allocatable": {"count": -1}}]}}))
dump("va-source-list", lambda it: it.append({"kind": "VolumeAttachment", "metadata": {"name": "x"},
     "spec": {"attacher": "ebs.csi.aws.com", "nodeName": "n", "source": ["pv"]}}))
dump("csinode-no-name", lambda it: it.append({"kind": "CSINode", "metadata": {}, "spec": {"drivers": []}}))
dump("sc-topologies-map", lambda it: it.append({"kind": "StorageClass", "metadata": {"name": "x"}, "allowedTopologies": {"a": 1}}))
dump("sc-expression-values", lambda it: it.append({"kind": "StorageClass", "metadata": {"name": "x"},
     "allowedTopologies": [{"matchLabelExpressions": [{"key": "zone", "values": {"a": 1}}]}]}))
PY
	local cases="pv-affinity-string pv-required-list pv-terms-map pv-no-name pvc-volume-list pvc-meta-list
		pvc-annotations-list sc-topologies-map sc-expression-values pvc-modes-map pv-csi-string
		csinode-drivers-map csinode-count-string csinode-count-negative csinode-no-name va-source-list"
	local workloads="w1 w2 w3 w4"
	# valgrind costs 0.3 s a process: a third of the shapes there
	[ -z "${TK_VALGRIND:-}" ] ||
		{ cases="pv-terms-map pvc-annotations-list sc-expression-values csinode-count-string"; workloads="w3"; }
	for case in $cases; do
		rc=0
		"$TK_BIN/spread-check" simulate --rollout --cluster "$BATS_TEST_TMPDIR/$case.json" "$ro/db.yaml" \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		[ "$rc" -eq 2 ] || fails+="$case: exit $rc"$'\n'
		grep -Eq "$case.json:[0-9]+:[0-9]+: " "$BATS_TEST_TMPDIR/err" ||
			fails+="$case: no file:line:col: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
	done
	# a running pod's odd status or volumes are the dump's business, not the
	# rollout's: read or ignored, never a crash
	rc=0
	"$TK_BIN/spread-check" simulate --rollout --cluster "$BATS_TEST_TMPDIR/pod-volumes-map.json" "$ro/db.yaml" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	[ "$rc" -eq 0 ] || fails+="pod-volumes-map: exit $rc $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
	# the workload's own shapes
	printf '%s\n' 'kind: StatefulSet' 'metadata: {name: db, namespace: shop}' \
		'spec: {replicas: 1, selector: {matchLabels: {app: db}}, updateStrategy: {rollingUpdate: {partition: "x"}},' \
		'  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}]}}}' >"$BATS_TEST_TMPDIR/w1.yaml"
	printf '%s\n' 'kind: StatefulSet' 'metadata: {name: db, namespace: shop}' \
		'spec: {replicas: 1, selector: {matchLabels: {app: db}}, volumeClaimTemplates: [1],' \
		'  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}]}}}' >"$BATS_TEST_TMPDIR/w2.yaml"
	printf '%s\n' 'kind: Deployment' 'metadata: {name: db, namespace: shop}' \
		'spec: {replicas: 1, selector: {matchLabels: {app: db}}, strategy: {rollingUpdate: {maxSurge: [1], maxUnavailable: -1}},' \
		'  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}]}}}' >"$BATS_TEST_TMPDIR/w3.yaml"
	printf '%s\n' 'kind: Deployment' 'metadata: {name: db, namespace: shop}' \
		'spec: {replicas: 1, selector: {matchLabels: {app: db}}, strategy: {rollingUpdate: {maxSurge: "99999999999999999999%"}},' \
		'  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: c}], volumes: [{name: v, persistentVolumeClaim: {claimName: [1]}}]}}}' \
		>"$BATS_TEST_TMPDIR/w4.yaml"
	for case in $workloads; do
		rc=0
		"$TK_BIN/spread-check" simulate --rollout --cluster "$ro/db-cluster.json" "$BATS_TEST_TMPDIR/$case.yaml" \
			>/dev/null 2>"$BATS_TEST_TMPDIR/err" || rc=$?
		[ "$rc" -eq 2 ] || fails+="$case: exit $rc"$'\n'
		grep -Eq "$case.yaml:[0-9]+:[0-9]+: " "$BATS_TEST_TMPDIR/err" ||
			fails+="$case: no file:line:col: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}

@test "topo-admit --kubelet-dir: every hostile input class as the memory and device checkpoints" {
	local name class rc fails="" k=$BATS_TEST_TMPDIR/k
	for name in memory_manager_state device-plugins/kubelet_internal_checkpoint; do
		for class in $classes; do
			case $class in
			garbage|badutf8|truncated|deep|bomb|bigscalar|million|nul)
				[ -z "${TK_VALGRIND:-}" ] || continue ;;
			esac
			rm -rf "$k" && mkdir -p "$k/device-plugins"
			cp "$BAD/$class.yaml" "$k/$name"
			rc=0
			timeout "$(time_limit 10)" "$TK_BIN/topo-admit" -t "$TOPO" --kubelet-dir "$k" "$POD" \
				>/dev/null 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
			[ "$rc" -eq 2 ] || fails+="$name $class: exit $rc ($(head -c 200 "$BATS_TEST_TMPDIR/err"))"$'\n'
			grep -q "$k/$name" "$BATS_TEST_TMPDIR/err" ||
				fails+="$name $class: message does not name the file: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
		done
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}

@test "numa-verify --kubelet-dir: every hostile input class as the memory and device checkpoints" {
	local name class rc fails="" k=$BATS_TEST_TMPDIR/k
	for name in memory_manager_state device-plugins/kubelet_internal_checkpoint; do
		for class in $classes; do
			case $class in
			garbage|badutf8|truncated|deep|bomb|bigscalar|million|nul)
				[ -z "${TK_VALGRIND:-}" ] || continue ;;
			esac
			rm -rf "$k" && mkdir -p "$k/device-plugins"
			cp "$BAD/$class.yaml" "$k/$name"
			rc=0
			timeout "$(time_limit 10)" "$TK_BIN/numa-verify" -t "$TOPO" --kubelet-dir "$k" -o text \
				>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
			# well-formed JSON the kubelet refuses (checksum, policy): a finding naming the file (exit 1)
			if [ "$rc" -eq 1 ] && grep -qF "  $k/$name: " "$BATS_TEST_TMPDIR/out"; then
				continue
			fi
			[ "$rc" -eq 2 ] || fails+="$name $class: exit $rc ($(head -c 200 "$BATS_TEST_TMPDIR/err"))"$'\n'
			grep -q "$k/$name" "$BATS_TEST_TMPDIR/err" ||
				fails+="$name $class: message does not name the file: $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n'
		done
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}

@test "numa-verify -t / --cpu-manager-state / --kubelet-config: every hostile input class" {
	check_matrix "$TK_BIN/numa-verify" -t FILE --all
	check_matrix "$TK_BIN/numa-verify" --cpu-manager-state FILE
	check_matrix "$TK_BIN/numa-verify" --kubelet-config FILE
}

# The names a node gives its containers (runtime bundles, the kubelet's log
# links and directories) are data another user may have planted: one run
# over a node with a container per hostile class names none of them, exits
# with a verdict (not 2) and stays bounded.
@test "numa-verify --all: every hostile input class as a container's runtime bundle and log names" {
	local n=$BATS_TEST_TMPDIR/node class made=0 id uid pod rc mem
	local k8s=$n/run/containerd/io.containerd.runtime.v2.task/k8s.io
	mkdir -p "$n/proc" "$n/sys/fs/cgroup/kubepods.slice" "$n/var/log/containers" "$n/var/log/pods" "$k8s"
	: >"$n/sys/fs/cgroup/cgroup.controllers"
	# a bundle that would name its container, reachable only out of the root
	printf '{"annotations":{"io.kubernetes.cri.container-name":"app","io.kubernetes.cri.sandbox-namespace":"ns","io.kubernetes.cri.sandbox-name":"p"}}\n' \
		>"$BATS_TEST_TMPDIR/outside.json"
	for class in $classes fifo outside dotdot badnames; do
		case $class in
		million|deep|bomb) [ -z "${TK_VALGRIND:-}" ] || continue ;;
		esac
		made=$((made + 1))
		id=$(printf 'c%063x' "$made")
		uid=$(printf '00000000-0000-4000-8000-%012x' "$made")
		pod=$n/sys/fs/cgroup/kubepods.slice/kubepods-pod${uid//-/_}.slice/cri-containerd-$id.scope
		mkdir -p "$pod" "$k8s/$id"
		printf '0-1\n' >"$pod/cpuset.cpus.effective"
		case $class in
		fifo) mkfifo "$k8s/$id/config.json" ;;
		outside) ln -s "$BATS_TEST_TMPDIR/outside.json" "$k8s/$id/config.json" ;;
		dotdot) ln -s "../../../../../../../../../../../../../../..$BATS_TEST_TMPDIR/outside.json" "$k8s/$id/config.json" ;;
		badnames) printf '{"annotations":{"io.kubernetes.cri.container-name":"a\\nb","io.kubernetes.cri.sandbox-namespace":"Evil","io.kubernetes.cri.sandbox-name":"x_y"}}\n' \
			>"$k8s/$id/config.json" ;;
		*) cp "$BAD/$class.yaml" "$k8s/$id/config.json" ;;
		esac
		# log links and directories whose names are not the kubelet's
		ln -s "/var/log/pods/ns_p_$uid/c/0.log" "$n/var/log/containers/p_ns_$class"$'\n'"x-$id.log"
		ln -s /etc/passwd "$n/var/log/containers/_ns_c-$id.log"
		mkdir -p "$n/var/log/pods/Bad_p_$uid/c" "$n/var/log/pods/ns_p_${uid}_x/c" "$n/var/log/pods/ns_${class}_/c"
	done
	rc=0
	/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/time" timeout "$(time_limit 20)" \
		"$TK_BIN/numa-verify" --root "$n" -t "$TOPO" --all >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
	mem=$(tail -1 "$BATS_TEST_TMPDIR/time")
	[ "$rc" -le 1 ] || { echo "exit $rc: $(head -c 300 "$BATS_TEST_TMPDIR/err")"; return 1; }
	run -0 jq -c '[.containers[] | [.namespace, .podName, .name]] | unique' "$BATS_TEST_TMPDIR/out"
	[ "$output" = '[[null,null,null]]' ]
	run -0 jq '.containers | length' "$BATS_TEST_TMPDIR/out"
	[ "$output" -eq "$made" ]
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
		[ "$mem" -lt 262144 ] || { echo "used $mem KiB"; return 1; }
	fi
}

# ---- valid but odd input must work ----

odd() {  # odd SRC KIND: write SRC as CRLF+BOM and as JSON into $BATS_TEST_TMPDIR
	python3 - "$1" "$BATS_TEST_TMPDIR" <<'PY'
import json, sys
src, d = sys.argv[1], sys.argv[2]
text = open(src).read()
open(f"{d}/odd-crlf.yaml", "wb").write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
try:
    import yaml  # optional
    obj = yaml.safe_load(text)
except Exception:
    obj = json.loads(text)
open(f"{d}/odd.json", "w").write(json.dumps(obj))
PY
}

@test "CRLF, a BOM and JSON give the same answer as plain YAML" {
	local plain crlf js
	odd "$TOPO"
	plain=$("$TK_BIN/topo-discover" -t "$TOPO")
	crlf=$("$TK_BIN/topo-discover" -t "$BATS_TEST_TMPDIR/odd-crlf.yaml")
	js=$("$TK_BIN/topo-discover" -t "$BATS_TEST_TMPDIR/odd.json")
	[ "$plain" = "$crlf" ]
	[ "$plain" = "$js" ]
	run "$TK_BIN/cpuset-alloc" --count 2 -t "$TOPO"
	[ "$status" -eq 0 ]
	plain=$output
	run "$TK_BIN/cpuset-alloc" --count 2 -t "$BATS_TEST_TMPDIR/odd-crlf.yaml"
	[ "$status" -eq 0 ]
	[ "$output" = "$plain" ]
	# numa-verify judges the live machine: only the verdict's exit (0 or 1, not 2)
	run "$TK_BIN/numa-verify" --all -t "$BATS_TEST_TMPDIR/odd-crlf.yaml"
	[ "$status" -le 1 ] || { echo "numa-verify refused CRLF+BOM (exit $status): $output"; return 1; }
}

@test "a CRLF+BOM manifest lints and admits like the plain one" {
	local want
	python3 -c '
import sys; t=open(sys.argv[1]).read(); open(sys.argv[2],"wb").write(b"\xef\xbb\xbf"+t.replace("\n","\r\n").encode())' \
		"$FIXTURES/seed/web-frontend-deployment.yaml" "$BATS_TEST_TMPDIR/web.yaml"
	run "$TK_BIN/spread-check" lint -o json "$FIXTURES/seed/web-frontend-deployment.yaml"
	[ "$status" -le 1 ]
	want=$status
	run "$TK_BIN/spread-check" lint -o json "$BATS_TEST_TMPDIR/web.yaml"
	[ "$status" = "$want" ]
	python3 -c '
import sys; t=open(sys.argv[1]).read(); open(sys.argv[2],"wb").write(b"\xef\xbb\xbf"+t.replace("\n","\r\n").encode())' \
		"$POD" "$BATS_TEST_TMPDIR/pod.yaml"
	run --separate-stderr "$TK_BIN/topo-admit" -t "$TOPO" --policy restricted --cpu-manager-policy static "$POD"
	[ "$status" -le 1 ]
	want=$(jq -c '.admit' <<<"$output")
	[ -n "$want" ]
	run --separate-stderr "$TK_BIN/topo-admit" -t "$TOPO" --policy restricted --cpu-manager-policy static "$BATS_TEST_TMPDIR/pod.yaml"
	[ "$status" -le 1 ]
	jq_is '.admit' "$want"
}

@test "no tool runs a shell or another program" {
	# what the objects call, not what the sources mention (a comment may say
	# "system ("): only cpuset-alloc --exec may exec, and it execs argv
	# directly; numa-verify --explain's re-run on the node forks and execs
	# topo-discover by the absolute path next to it (no PATH search, no shell)
	local calls
	run -0 nm -uA "$TK_BUILD"/cmd/*/*.o "$TK_BUILD"/common/*.o
	calls=$(awk '$NF ~ /^(system|popen|execl|execlp|execle|execv|execve|execvp|execvpe|posix_spawnp?|fork|vfork)$/ &&
		!($1 ~ /\/cmd\/cpuset-alloc\/[^\/]*\.o:$/ && $NF == "execvp") &&
		!($1 ~ /\/cmd\/numa-verify\/explain\.o:$/ && ($NF == "execv" || $NF == "fork")) { print $1, $NF }' <<<"$output")
	[ -z "$calls" ] || { echo "$calls"; return 1; }
}

# spread-check explain / numa-verify --explain read text: most hostile files
# are lines they do not recognise (exit 0, counted), a bad JSON document or a
# NUL byte is unreadable input (exit 2 naming the file); never a crash, and
# memory stays bounded (a 100 MiB line is cut at 64 KiB and counted). With
# --cluster (--pods) the hostile file is the dump (the pods) the events are
# re-run on.
@test "spread-check explain / numa-verify --explain: every hostile input class" {
	local class rc fails="" mem tool
	for class in $classes; do
		case $class in
		garbage|bigscalar|million|deep|bomb) [ -z "${TK_VALGRIND:-}" ] || continue ;;
		esac
		for tool in "spread-check explain" "numa-verify --explain" "spread-check explain --cluster" "numa-verify --explain --pods"; do
			rc=0
			# under valgrind the re-runs see only the classes that get past the parser
			case $tool in
			*--cluster|*--pods) [ -z "${TK_VALGRIND:-}" ] || [ "$class" = wrongtypes ] || [ "$class" = numbers ] || continue ;;
			esac
			# --cluster and --pods: the hostile file is what the evidence is re-run on
			case $tool in
			*--cluster) set -- "$BAD/$class.yaml" "$BATS_TEST_DIRNAME/fixtures/explain/cluster-events.json" ;;
			*--pods) set -- "$BAD/$class.yaml" -t "$BATS_TEST_DIRNAME/fixtures/nodes/c/topology.json" \
				"$BATS_TEST_DIRNAME/fixtures/explain/journal.txt" ;;
			*) set -- "$BAD/$class.yaml" ;;
			esac
			# shellcheck disable=SC2086
			/usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/time" timeout "$(time_limit 10)" \
				"$TK_BIN/${tool%% *}" ${tool#* } "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" </dev/null || rc=$?
			mem=$(tail -1 "$BATS_TEST_TMPDIR/time")
			case $rc in
			0|1) jq -e .summary "$BATS_TEST_TMPDIR/out" >/dev/null || fails+="$tool $class: no JSON report"$'\n' ;;
			2) grep -q "$class.yaml" "$BATS_TEST_TMPDIR/err" || fails+="$tool $class: message does not name the file"$'\n' ;;
			*) fails+="$tool $class: exit $rc $(head -c 200 "$BATS_TEST_TMPDIR/err")"$'\n' ;;
			esac
			if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
				[ "$mem" -lt 262144 ] || fails+="$tool $class: used ${mem} KiB"$'\n'
			fi
		done
	done
	[ -z "$fails" ] || { printf '%s' "$fails"; return 1; }
}
