#!/usr/bin/env bats
# Pictures (-o svg|png|pdf, common/picture.c): read back as a viewer would.
# xmllint checks the SVG is well-formed; tests/helpers/svg-boxes reads the
# rectangles cairo drew (size and colour), so a count of PU boxes or of
# boxes in a pod's colour checks the drawing, not topokit's own <desc>; the
# <desc> lists the labels, which cairo draws as glyph outlines. PNG and PDF
# are checked by their signature and PNG's IHDR size.
load test_helper/common

NODES=$FIXTURES/nodes
PU=46x28      # a PU box (cmd/topo-discover/picture.c PU_W x PU_H)
DEV=132x28    # a PCI device
POD1='#332288' POD2='#88ccee' RESERVED='#8c8c8c'   # series 0 and 1 (Paul Tol muted), tk_pic_muted

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# boxes FILE SIZE [FILL]: how many SIZE rectangles (filled FILL) FILE shows
boxes() {
	local n
	n=$("$TK_ROOT/tests/helpers/svg-boxes" "$1") || return 1
	grep -c -- "^$2 ${3:-}" <<<"$n" || true
}

# labels FILE: the SVG's <desc>, one label a line
labels() {
	xmllint --xpath 'string(//*[local-name()="desc"])' "$1"
}

@test "topo-discover -o svg: well-formed, a box per PU, the container's CPUs and GPUs in its colour and labelled, reserved CPUs marked, a legend; byte-identical twice" {
	local args=(-t "$NODES/a/topology.json" --kubelet-dir "$NODES/a/kubelet"
		--kubelet-config "$NODES/a/kubelet-config.yaml" -o svg)
	topo-discover "${args[@]}" >a.svg
	xmllint --noout a.svg
	# node a: 16 CPUs; pod-train/trainer holds 2-5 and both GPUs of NUMA 0; 0 and 8 reserved
	[ "$(boxes a.svg $PU)" -eq 16 ]
	[ "$(boxes a.svg $PU "$POD1")" -eq 4 ]
	[ "$(boxes a.svg $PU "$RESERVED")" -eq 2 ]
	[ "$(boxes a.svg $DEV)" -eq 4 ]
	[ "$(boxes a.svg $DEV "$POD1")" -eq 2 ]
	# its 8 GiB of memory and 2 GiB of 1Gi pages on NUMA 0: a strip each in its colour
	[ "$(boxes a.svg '[0-9.]*x6' "$POD1")" -eq 2 ]
	run -0 labels a.svg
	[ "$(grep -cx '1 trainer' <<<"$output")" -eq 6 ]
	[ "$(grep -cx 'reserved' <<<"$output")" -eq 2 ]
	[ "$(grep -cx 'shared' <<<"$output")" -eq 10 ]
	output_has 'pod pod-train, container trainer; CPUs 2-5; 2 devices; memory 8 GiB'
	output_has 'memory: 8 GiB of 60 GiB assigned, 1 GiB reserved'
	output_has 'hugepages-1Gi: 2 GiB of 4 GiB assigned'
	[ "$(grep -c '^PU P#' <<<"$output")" -eq 16 ]
	topo-discover "${args[@]}" >again.svg
	cmp a.svg again.svg
}

@test "topo-discover -o png and pdf: the PNG's signature and size are the SVG's, the PDF is a PDF; two pods in two colours" {
	local args=(-t "$NODES/b/topology.json" --kubelet-dir "$NODES/b/kubelet" --distances)
	topo-discover "${args[@]}" -o svg >b.svg
	topo-discover "${args[@]}" -o png >b.png
	topo-discover "${args[@]}" -o pdf >b.pdf
	# node b: pod-db/db holds 1-2,4-6 and 2 GPUs, pod-ml/worker 8-10 and one
	[ "$(boxes b.svg $PU)" -eq 16 ]
	[ "$(boxes b.svg $PU "$POD1")" -eq 5 ]
	[ "$(boxes b.svg $PU "$POD2")" -eq 3 ]
	[ "$(boxes b.svg $DEV "$POD1")" -eq 2 ]
	[ "$(boxes b.svg $DEV "$POD2")" -eq 1 ]
	run -0 labels b.svg
	[ "$(grep -c '^pod ' <<<"$output")" -eq 2 ]
	output_has 'NUMA distances'
	run -0 python3 -c '
import struct, sys
d = open("b.png", "rb").read(24)
assert d[:8] == b"\x89PNG\r\n\x1a\n" and d[12:16] == b"IHDR", d
print("%dx%d" % struct.unpack(">II", d[16:24]))'
	local png=$output
	run -0 xmllint --xpath 'concat(//*[local-name()="svg"]/@width, "x", //*[local-name()="svg"]/@height)' b.svg
	[ "${output//pt/}" = "$png" ] || { echo "svg $output, png $png"; return 1; }
	run -0 head -c 5 b.pdf
	[ "$output" = "%PDF-" ]
}

@test "24 NUMA nodes, 384 CPUs: every PU drawn in one picture, a NUMA box each, in bounded memory" {
	local desc="package:2 numa:12 core:8 pu:2"
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
		run -0 /usr/bin/time -f '%M' -o mem topo-discover -s "$desc" -o svg
		[ "$(cat mem)" -lt 102400 ] || { echo "max RSS $(cat mem) KiB"; return 1; }
		printf '%s\n' "$output" >big.svg
	else
		topo-discover -s "$desc" -o svg >big.svg
	fi
	[ "$(boxes big.svg $PU)" -eq 384 ]
	run -0 labels big.svg
	[ "$(grep -c '^NUMANode P#' <<<"$output")" -eq 24 ]
	[ "$(grep -c '^Core #' <<<"$output")" -eq 192 ]
}

@test "pictures of hostile names stay well-formed; a picture too large for PNG, a failed write and options without a picture are refused" {
	# markup, a control character, a byte that is never UTF-8, a cut sequence
	local name want
	name=$(printf 'a<b>&"\001\377\303(')
	want=$(printf 'topo-discover: a<b>&"\357\277\275\357\277\275\357\277\275(')
	topo-discover -s "pu:2" --node-name "$name" -o svg >h.svg
	xmllint --noout h.svg
	run -0 xmllint --xpath 'string(//*[local-name()="title"])' h.svg
	[ "$output" = "$want" ]
	# a kubelet directory without checkpoints: nothing held, nothing marked shared
	mkdir -p nokubelet
	topo-discover -s "pu:2" --kubelet-dir nokubelet -o svg >none.svg
	run -0 labels none.svg
	output_has 'no cpu_manager_state: no exclusive CPUs'
	# hwloc alone takes half a minute to build 16,384 PUs in valgrind: the
	# refusal is checked plainly and under ASan
	if [ -z "${TK_VALGRIND:-}" ]; then
		run --separate-stderr topo-discover -s "package:4 numa:8 core:256 pu:2" -o png
		[ "$status" -eq 2 ]
		stderr_has 'larger than PNG allows (use -o svg or pdf)'
	fi
	run --separate-stderr bash -c 'topo-discover -s "pu:2" -o svg >/dev/full'
	[ "$status" -eq 2 ]
	stderr_has 'topo-discover: write error'
	run --separate-stderr topo-discover -s "pu:2" --distances
	[ "$status" -eq 2 ]
	stderr_has '--distances needs -o svg, png or pdf'
}

@test "spread-check audit -o svg: a bar per zone, the domain over smallest + maxSkew in the warning colour; png is a PNG" {
	local A=$FIXTURES/spread-check/audit
	run -1 --separate-stderr spread-check audit --nodes "$A/3zones.yaml" --pods "$A/web-skewed.yaml" -o svg
	printf '%s\n' "$output" >audit.svg
	xmllint --noout audit.svg
	# counts a 3, b 1, c 0, skew 3, maxSkew 1: at most 1 a zone; a is over it
	run -0 labels audit.svg
	output_has 'ReplicaSet shop/web-abc'
	output_has 'maxSkew 1: skew 3 - VIOLATION'
	[ "$(grep -cx '3 !' <<<"$output")" -eq 1 ]
	[ "$(grep -cxE '[abc]' <<<"$output")" -eq 3 ]
	run -0 "$TK_ROOT/tests/helpers/svg-boxes" audit.svg
	[ "$(grep -c '^46x.* #d55e00' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^46x.* #88ccee' <<<"$output")" -eq 1 ]
	spread-check audit --nodes "$A/3zones.yaml" --pods "$A/balanced.yaml" -o png >audit.png
	run -0 od -An -tx1 -N8 audit.png
	[ "$(echo $output)" = "89 50 4e 47 0d 0a 1a 0a" ]
}

@test "spread-check simulate -o svg --fail: new replicas stacked per zone, the lost zone crossed out, Pending drawn" {
	local S=$FIXTURES/spread-check/simulate
	run -0 --separate-stderr spread-check simulate --nodes "$S/3zones.yaml" --fail topology.kubernetes.io/zone=c \
		"$S/web-zone-hard.yaml" -o svg
	printf '%s\n' "$output" >sim.svg
	xmllint --noout sim.svg
	run -0 "$TK_ROOT/tests/helpers/svg-boxes" sim.svg
	# 6 replicas: 3 in a, 3 in b after zone c is lost
	[ "$(grep -c '^46x.* #332288' <<<"$output")" -eq 2 ]
	run -0 labels sim.svg
	output_has 'c (failed)'
	output_has '--fail lost 2 pods, 2 placed again'
	[ "$(grep -cx 'Pending' <<<"$output")" -eq 1 ]
	[ "$(grep -cx '3' <<<"$output")" -eq 2 ]
}

@test "spread-check simulate -o svg over 5,000 nodes: a per-node constraint drawn as one column per zone, in bounded memory" {
	# valgrind: 500 nodes, still past the 48 columns drawn one by one
	python3 -c '
import json, sys
print(json.dumps({"kind": "List", "items": [{"kind": "Node", "metadata": {"name": "n%04d" % i,
    "labels": {"topology.kubernetes.io/zone": "z%d" % (i % 3), "kubernetes.io/hostname": "n%04d" % i}},
    "status": {"allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}}} for i in range(int(sys.argv[1]))]}))' \
		"$([ -n "${TK_VALGRIND:-}" ] && echo 500 || echo 5000)" >nodes.json
	cat >w.yaml <<-'YAML'
	apiVersion: apps/v1
	kind: Deployment
	metadata: {name: api, namespace: shop}
	spec:
	  replicas: 7
	  selector: {matchLabels: {app: api}}
	  template:
	    metadata: {labels: {app: api}}
	    spec:
	      topologySpreadConstraints:
	      - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: api}}}
	      containers: [{name: api}]
	YAML
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
		run -0 --separate-stderr /usr/bin/time -f '%M' -o mem spread-check simulate --nodes nodes.json w.yaml -o svg
		[ "$(cat mem)" -lt 204800 ] || { echo "max RSS $(cat mem) KiB"; return 1; }
	else
		run -0 --separate-stderr spread-check simulate --nodes nodes.json w.yaml -o svg
	fi
	printf '%s\n' "$output" >big.svg
	xmllint --noout big.svg
	run -0 labels big.svg
	output_has '(nodes by zone: lowest to highest per domain)'
	[ "$(grep -cxE 'z[012]' <<<"$output")" -eq 3 ]
	# each zone's nodes hold 0 or 1 replica
	[ "$(grep -cx '0-1' <<<"$output")" -eq 3 ]
}

@test "topo-discover --findings: the PUs of what numa-verify finds misaligned are outlined and marked, the legend says why" {
	local NV=$FIXTURES/numa-verify/2n-smt
	# the recorded node of tests/numa-verify-cgroups.bats: app on 7-8,23-24 spans both NUMA nodes
	run -1 --separate-stderr numa-verify --root "$NV" --all --cpu-manager-state var/lib/kubelet/cpu_manager_state
	printf '%s\n' "$output" >nv.json
	# its topology is the seed guide's node's: NUMA 0 is 0-7,16-23
	topo-discover -t "$FIXTURES/seed/2s-2n-8c-2t.json" --findings nv.json -o svg >nv.svg
	xmllint --noout nv.svg
	run -0 labels nv.svg
	[ "$(grep -c '^PU P#[0-9]* !$' <<<"$output")" -eq 8 ]
	[ "$(grep -c '^PU P#[0-9]*$' <<<"$output")" -eq 24 ]
	output_has 'numa-verify: container 8e2b9d3f-1c2e-4d66-8b1f-2e3a4b5c6d72/app misaligned on CPUs 7-8,23-24: exclusive cpus 7-8,23-24 span NUMA nodes 0-1'
	[ "$(grep -c '^numa-verify: ' <<<"$output")" -eq 4 ]
	printf '{"verdict":"aligned"}\n' >not-a-report.json
	run --separate-stderr topo-discover -s pu:2 --findings not-a-report.json -o svg
	[ "$status" -eq 2 ]
	stderr_has 'not-a-report.json:1:1: not a numa-verify report'
}

@test "a checkpoint of 120,000 containers named with markup and control characters: a well-formed picture, the legend capped, in bounded memory" {
	local n=120000
	# ASan and valgrind: 2,000 (the checkpoint's parse alone takes minutes
	# there; the drawing is sorted and searched, never pairwise, at any size)
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || n=2000
	mkdir -p k
	# checksum 0: a legacy file, which the kubelet (and topo-discover) accepts
	python3 -c '
import json, sys
n = int(sys.argv[1])
e = {"pod-%06d<&>\u0001" % i: {"c\u0007\"%d" % i: str(i % 32)} for i in range(n)}
print(json.dumps({"policyName": "static", "defaultCpuSet": "", "entries": e, "checksum": 0}))' "$n" >k/cpu_manager_state
	if [ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ]; then
		run -0 --separate-stderr /usr/bin/time -f '%M' -o mem \
			timeout "$(time_limit 60)" topo-discover -t "$FIXTURES/seed/2s-2n-8c-2t.json" --kubelet-dir k -o svg
		[ "$(cat mem)" -lt 262144 ] || { echo "max RSS $(cat mem) KiB"; return 1; }
	else
		run -0 --separate-stderr timeout "$(time_limit 60)" topo-discover -t "$FIXTURES/seed/2s-2n-8c-2t.json" \
			--kubelet-dir k -o svg
	fi
	printf '%s\n' "$output" >many.svg
	xmllint --noout many.svg
	run -0 labels many.svg
	[ "$(grep -c '^pod pod-' <<<"$output")" -eq 100 ]
	output_has "$((n - 100)) more containers (see the checkpoints, or -o nrt)"
	# 32 CPUs, each held by the first of its containers, pod-000000 to pod-000031
	[ "$(grep -c '^1 c' <<<"$output")" -eq 1 ]
}

@test "spread-check simulate -o svg of workloads without constraints: where each replica landed, node by node under its zone" {
	local S=$FIXTURES/spread-check/simulate
	run -0 --separate-stderr spread-check simulate --nodes "$S/3zones.yaml" "$S/two-pods-list.yaml" -o svg
	printf '%s\n' "$output" >two.svg
	xmllint --noout two.svg
	run -0 labels two.svg
	[ "$(grep -c '^Pod default/[ab]$' <<<"$output")" -eq 2 ]
	[ "$(grep -cx 'no topologySpreadConstraints: where the replicas landed' <<<"$output")" -eq 2 ]
	[ "$(grep -cx 'a1' <<<"$output")" -eq 2 ]
	[ "$(grep -cx 'zone a' <<<"$output")" -eq 2 ]
	run -0 "$TK_ROOT/tests/helpers/svg-boxes" two.svg
	[ "$(grep -c '^46x.* #332288' <<<"$output")" -eq 2 ]
}

@test "cairo is loaded only to draw: no tool needs it to start, and without it a picture is refused plainly" {
	local lib
	[ "$(id -u)" = 0 ] || skip "hiding libcairo.so.2 needs a private mount namespace (root)"
	lib=$(ldconfig -p | awk '/libcairo\.so\.2 /{print $NF; exit}')
	[ -n "$lib" ] || skip "ldconfig does not list libcairo.so.2"
	unshare -m true 2>/dev/null || skip "unshare -m is not allowed here"
	# libcairo.so.2 made unloadable, in this namespace only: a tool that
	# linked it would not start at all (the loader exits 127)
	hidden() {
		unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$(readlink -f "$lib")" "$@"
	}
	run --separate-stderr hidden topo-discover --synthetic 'node:2 core:2 pu:1' -o json
	[ "$status" -eq 0 ]
	[ "$(jq '.cpus | length' <<<"$output")" -eq 4 ]
	run --separate-stderr hidden spread-check lint "$FIXTURES/spread-check/lint/clean.yaml"
	[ "$status" -eq 0 ]
	run --separate-stderr hidden topo-discover --synthetic 'node:2 core:2 pu:1' -o svg
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	stderr_has "topo-discover: drawing needs cairo: "
	stderr_has "(install libcairo2)"
}
