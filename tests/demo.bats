#!/usr/bin/env bats
# make demo (tests/demo.sh): what a new user sees first
load test_helper/common

@test "make demo: no escape codes off a terminal, warnings once, and every shown file still there" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the demo runs the plain build in bin/"
	run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/build" "$TK_ROOT/tests/demo.sh"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" != *$'\e'* ]] || { echo "escape codes in: $output"; return 1; }
	# topo-admit -o text carries its warnings; stderr does not repeat them
	[[ "$stderr" != *"is not Kubernetes API"* ]] || { echo "stderr: $stderr"; return 1; }
	[ "$(grep -c 'annotation cpu-set.kubernetes.io/numa-node is not Kubernetes API' <<<"$output")" -eq 2 ]
	[ -s "$BATS_TEST_TMPDIR/build/demo/node.json" ]
	[ -s "$BATS_TEST_TMPDIR/build/demo/numa-database.yaml" ]
	[ -s "$BATS_TEST_TMPDIR/build/demo/kubelet-config.yaml" ]
	[[ "$output" == *"\$ topo-admit -t $BATS_TEST_TMPDIR/build/demo/node.json "* ]] || { echo "$output"; return 1; }
	# the picture shows the guide's GPU held by gpu-inference (legend 1), from the checkpoint
	python3 -c 'import re,sys; d=re.search(r"<desc>(.*?)</desc>", open(sys.argv[1]).read(), re.S).group(1); sys.exit(not re.search(r"gpu 0000:af:00.0\n1 inference\n", d))' \
		"$BATS_TEST_TMPDIR/build/demo/worker-01.svg"
}

@test "make demo redraws the README's picture byte for byte" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the demo runs the plain build in bin/"
	# glyph outlines are in the SVG: the committed file was drawn with DejaVu Sans
	[ "$(fc-match -f '%{family}' sans 2>/dev/null)" = "DejaVu Sans" ] ||
		skip "sans is not DejaVu Sans here (install fonts-dejavu-core): the glyphs would differ"
	run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/build" "$TK_ROOT/tests/demo.sh"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	cmp "$BATS_TEST_TMPDIR/build/demo/worker-01.svg" "$TK_ROOT/docs/worker-01.svg"
}

@test "make demo shows the guide's examples as the API server and the kubelet take them" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the demo runs the plain build in bin/"
	run --separate-stderr env BUILD="$BATS_TEST_TMPDIR/build" "$TK_ROOT/tests/demo.sh"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	# hugepages-1Gi: "1" is refused by the API server; the demo goes on with 1Gi
	output_has 'the API server refuses the pod'
	output_has '(1 is not positive integer multiple of hugepages-1Gi)'
	grep -q '^        hugepages-1Gi: 1Gi$' "$BATS_TEST_TMPDIR/build/demo/numa-database.yaml"
	# the guide's static kubelet configuration reserves no CPU: the kubelet would not start
	output_has "kubelet-config-static.yaml: the kubelet would not start: [cpumanager] unable to determine reserved CPU resources for static policy"
	output_has 'pod numa-database: admitted (policy single-numa-node, scope container, QoS Guaranteed)'
	# the invented annotations are named as what they are, the pod's policy one too
	output_has 'annotation kubernetes.io/topology-policy is not Kubernetes API'
}
