#!/usr/bin/env bats
# Every EXAMPLES command of man/topo-discover.1 runs and succeeds.
load test_helper/common

@test "man: the EXAMPLES of topo-discover(1) run" {
	local n=0 cmd
	need_shared data/hwloc-xml/linux-32intel64-2p8co2t+8ve.xml
	cd "$BATS_TEST_TMPDIR"
	# the examples name files under tests/
	ln -s "$TK_ROOT/tests" tests
	cp "$SHARED/data/hwloc-xml/linux-32intel64-2p8co2t+8ve.xml" node.xml
	cp "$FIXTURES/topo-discover/usnic-map.yaml" map.yaml
	# a copy of a node's kubelet state (nothing reserved: any machine fits the pod)
	cp -r "$FIXTURES/nodes/c/kubelet" kubelet
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ntopologyManagerPolicy: single-numa-node\n' >kubelet-config.yaml
	printf 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: c, image: x, resources: {limits: {cpu: "1", memory: 1Mi}}}\n' >pod.yaml
	# kubectl apply -f - stands in as a check that it is given an NRT object
	mkdir shim
	printf '#!/bin/sh\n[ "$*" = "apply -f -" ] && jq -e ".kind == \\"NodeResourceTopology\\"" >/dev/null\n' >shim/kubectl
	chmod +x shim/kubectl
	while IFS=$'\037' read -r -d $'\036' cmd _; do
		n=$((n + 1))
		run --separate-stderr env PATH="$PWD/shim:$PATH" bash -o pipefail -c "$cmd"
		[ "$status" -eq 0 ] || { printf 'example %d: %s\nexit %s: %s\n' "$n" "$cmd" "$status" "$stderr" >&2; return 1; }
	done < <(man_examples "$TK_ROOT/man/topo-discover.1")
	[ "$n" -ge 11 ]
	# the saved document was shown again
	[ -s node.json ] && [ -s 2s.json ]
}
