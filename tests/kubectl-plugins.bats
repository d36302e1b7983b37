#!/usr/bin/env bats
# The kubectl plugins (plugins/kubectl-*): a stub kubectl on PATH replays
# recorded `kubectl get ... -o json` dumps and records its arguments.
load test_helper/common

K=$FIXTURES/kubectl
CL=$FIXTURES/spread-check/cluster

setup() {
	REAL_KUBECTL=$(command -v kubectl || true)
	export PATH="$K/stub:$TK_ROOT/plugins:$PATH"
	export KUBECTL_LOG=$BATS_TEST_TMPDIR/kubectl.log KUBECTL_DUMPS=$K
	: >"$KUBECTL_LOG"
}

# kubectl_called_with ARG...: one kubectl call had exactly these arguments
kubectl_called_with() {
	local want
	want=$(printf '%s\n' "$@" .)
	case $'\n'"$(cat "$KUBECTL_LOG")"$'\n' in *$'\n'"$want"$'\n'*) return 0 ;; esac
	printf 'no kubectl call with: %s\ncalls:\n%s\n' "$*" "$(cat "$KUBECTL_LOG")" >&2
	return 1
}

@test "kubectl spread-check audit: one kubectl get of nodes and pods, --context and -A passed on" {
	run -1 --separate-stderr spread-check audit --cluster "$CL/dump.json"
	local want=$output
	run -1 --separate-stderr kubectl-spread_check audit -A --context prod
	[ "$output" = "$want" ]
	kubectl_called_with get nodes,pods -o json -A --context prod
	[ "$(grep -c '^\.$' "$KUBECTL_LOG")" -eq 1 ]
}

@test "kubectl spread-check place: the kinds default constraints need, -n and --kubeconfig passed on" {
	run -0 --separate-stderr spread-check place --cluster "$CL/dump.json" "$CL/web-new.yaml"
	local want=$output
	run -0 --separate-stderr kubectl-spread_check place -n shop "$CL/web-new.yaml" --kubeconfig=/k/config
	[ "$output" = "$want" ]
	kubectl_called_with get nodes,pods,replicasets,statefulsets,replicationcontrollers,services -o json -n shop --kubeconfig=/k/config
}

@test "kubectl spread-check lint: the cluster's nodes for the cluster-aware rules" {
	sed 's/^  containers:/  topologySpreadConstraints: [{maxSkew: 1, topologyKey: rack, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]\n  containers:/' \
		"$CL/web-new.yaml" >"$BATS_TEST_TMPDIR/rack.yaml"
	run -0 --separate-stderr kubectl-spread_check lint --context prod "$BATS_TEST_TMPDIR/rack.yaml"
	jq_is '[.findings[].rule]' '["TSC201"]'
	kubectl_called_with get nodes -o json --context prod
}

@test "kubectl spread-check: kubectl failing is exit 2 and spread-check does not run" {
	KUBECTL_FAIL=1 run -2 --separate-stderr kubectl-spread_check audit
	stderr_has "connection to the server"
	stderr_has "kubectl spread-check: 'kubectl get nodes,pods -o json' failed"
	[ -z "$output" ]
	run -2 --separate-stderr kubectl-spread_check
	stderr_has "missing command"
	run -0 --separate-stderr kubectl-spread_check --help
	output_has "kubectl spread-check COMMAND"
}

@test "kubectl spread-check through the real kubectl: its plugin naming finds kubectl-spread_check" {
	[ -n "$REAL_KUBECTL" ] || skip "no kubectl installed"
	run -1 --separate-stderr "$REAL_KUBECTL" spread-check audit -A
	jq_is '.violations' '1'
	kubectl_called_with get nodes,pods -o json -A
}

@test "kubectl topo-admit --nrt: Nodes and NodeResourceTopologies fetched in one kubectl get and read once by topo-admit --nrt" {
	KUBECTL_DUMPS=$K/nrt run --separate-stderr kubectl-topo_admit --nrt --context lab "$CL/web-new.yaml"
	[ "$status" -le 1 ]
	kubectl_called_with get nodes,noderesourcetopologies.topology.node.k8s.io -o json --context lab
	[ "$(grep -c '^\.$' "$KUBECTL_LOG")" -eq 1 ]
	jq_is '[.nodes[].name] | sort' '["worker-node-a","worker-node-b"]'
	local via_plugin=$output
	run -0 --separate-stderr topo-admit --nrt "$K/nrt/get-noderesourcetopologies.topology.node.k8s.io.json" \
		--nodes "$K/nrt/get-nodes.json" "$CL/web-new.yaml"
	[ "$output" = "$via_plugin" ]
	# the user's --nodes FILE: only the NodeResourceTopology objects are fetched
	: >"$KUBECTL_LOG"
	KUBECTL_DUMPS=$K/nrt run -0 --separate-stderr kubectl-topo_admit --nrt --nodes "$K/nrt/get-nodes.json" "$CL/web-new.yaml"
	kubectl_called_with get noderesourcetopologies.topology.node.k8s.io -o json
	[ "$output" = "$via_plugin" ]
}

@test "kubectl topo-admit -t TOPO: the topology's Node and its pods from one kubectl get nodes,pods -A, read as --nodes" {
	local n=$FIXTURES/topo-admit/node topo=$FIXTURES/seed/2s-2n-8c-2t.json
	mkdir "$BATS_TEST_TMPDIR/dumps"
	cp "$n/cluster.json" "$BATS_TEST_TMPDIR/dumps/get-nodes,pods.json"
	KUBECTL_DUMPS=$BATS_TEST_TMPDIR/dumps run -1 --separate-stderr kubectl-topo_admit -t "$topo" --context lab -n shop "$n/pods.yaml"
	# a node's pods are in any namespace: -A, not the user's -n
	kubectl_called_with get nodes,pods -o json -A --context lab
	[ "$(grep -c '^\.$' "$KUBECTL_LOG")" -eq 1 ]
	local via_plugin=$output
	run -1 --separate-stderr topo-admit -t "$topo" --nodes "$n/cluster.json" "$n/pods.yaml"
	[ "$output" = "$via_plugin" ]
	# the user's --nodes FILE, and --cpu-hints: passed through, kubectl not run
	: >"$KUBECTL_LOG"
	run -1 --separate-stderr kubectl-topo_admit --topology="$topo" --nodes "$n/cluster.json" "$n/pods.yaml"
	[ "$output" = "$via_plugin" ]
	run -0 --separate-stderr kubectl-topo_admit --cpu-hints -t "$topo" --count 2
	[ ! -s "$KUBECTL_LOG" ]
}

@test "krew: package's archive and manifests agree, and the plugin runs its own tool once krew links it" {
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "packs the plain build's binaries"
	cd "$TK_ROOT"
	run -0 plugins/krew/package v0.1.0 https://example.invalid/topokit.tar.gz "$BATS_TEST_TMPDIR/rel"
	local archive=$output m=$BATS_TEST_TMPDIR/rel/spread-check.yaml
	grep -qx "    sha256: $(sha256sum "$archive" | cut -d' ' -f1)" "$m"
	grep -qx '    bin: kubectl-spread_check' "$m"
	grep -qx '  name: spread-check' "$m"
	# as krew installs: unpack into the store, link bin into krew's bin directory
	local store=$BATS_TEST_TMPDIR/store/spread-check/v0.1.0
	mkdir -p "$store" "$BATS_TEST_TMPDIR/krew-bin"
	tar -xzf "$archive" -C "$store"
	ln -s "$store/kubectl-spread_check" "$BATS_TEST_TMPDIR/krew-bin/kubectl-spread_check"
	# no spread-check on PATH but the one krew unpacked
	PATH="$K/stub:$BATS_TEST_TMPDIR/krew-bin:/usr/bin:/bin" run -1 --separate-stderr kubectl-spread_check audit
	jq_is '.violations' '1'
}
