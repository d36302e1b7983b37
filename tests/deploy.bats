#!/usr/bin/env bats
# deploy/: the node agent's loops (topokit-agent) with their consumers -
# promtool for the textfile collector's metrics, a stub kubectl for the NRT
# publisher - and the manifests as spread-check lint and kubectl decode them.
load test_helper/common

NV=$FIXTURES/numa-verify
K=$FIXTURES/kubectl

setup() {
	AGENT=$TK_ROOT/deploy/topokit-agent
	cd "$BATS_TEST_TMPDIR"
}

@test "numa-verify -o prometheus: promtool accepts it; misaligned containers carry pod, container and NUMA labels" {
	run -1 --separate-stderr numa-verify --root "$NV/4n-smt" --all --cpu-manager-state var/lib/kubelet/cpu_manager_state -o prometheus
	printf '%s\n' "$output" >nv.prom
	output_has 'topokit_numa_verify_containers{verdict="misaligned"} 1'
	output_has 'topokit_numa_verify_misaligned_container{namespace="",pod="",pod_uid="8e2b9d3f-1c2e-4d66-8b1f-2e3a4b5c6d72",container_id="1111111111111111111111111111111111111111111111111111111111111111",container="app",numa_nodes="1,3"} 1'
	output_has 'topokit_numa_verify_state_problems{file="var/lib/kubelet/cpu_manager_state"} 0'
	output_has 'topokit_numa_verify_policy_info{cpu_manager_policy="static"} 1'
	output_has 'topokit_numa_verify_misaligned 1'
	command -v promtool >/dev/null || skip "needs promtool (Debian package prometheus)"
	run -0 promtool check metrics <nv.prom
	# the check can fail: promtool's linter refuses a gauge named like a counter
	sed 's/topokit_numa_verify_skipped_processes/topokit_numa_verify_skipped_total/' nv.prom >bad.prom
	run -3 promtool check metrics <bad.prom
	[[ "$output" == *'topokit_numa_verify_skipped_total non-counter metrics should not have "_total" suffix'* ]]
}

@test "topokit-agent metrics: the file appears by rename in the collector directory, never half-written" {
	mkdir textfile
	run -0 --separate-stderr "$AGENT" metrics --rounds 1 --interval 0 --dir textfile -- \
		--root "$NV/4n-smt" --cpu-manager-state var/lib/kubelet/cpu_manager_state
	[ "$(ls -A textfile)" = numa_verify.prom ]
	grep -qx 'topokit_numa_verify_misaligned 1' textfile/numa_verify.prom
	if command -v promtool >/dev/null; then run -0 promtool check metrics <textfile/numa_verify.prom; fi
	# numa-verify failing (exit 2) keeps the last file and leaves no temporary
	run -0 --separate-stderr "$AGENT" metrics --rounds 1 --interval 0 --dir textfile -- --root "$BATS_TEST_TMPDIR/none" --pod nope
	[[ "$stderr" == *"numa-verify failed (exit 2); the last metrics stay"* ]]
	[ "$(ls -A textfile)" = numa_verify.prom ]
	grep -qx 'topokit_numa_verify_misaligned 1' textfile/numa_verify.prom
}

@test "topokit-agent nrt: applies this node's NodeResourceTopology once, again only on change or resync" {
	export PATH="$K/stub:$PATH" KUBECTL_LOG=$BATS_TEST_TMPDIR/kubectl.log KUBECTL_APPLIED=$BATS_TEST_TMPDIR/applied NODE_NAME=worker-7
	: >"$KUBECTL_LOG"
	run -0 --separate-stderr "$AGENT" nrt --rounds 2 --interval 0 -- -s "pack:2 numa:1 core:2 pu:1" --no-devices
	[ "$(grep -c '^apply$' "$KUBECTL_LOG")" -eq 1 ]
	grep -qx -- '--server-side' "$KUBECTL_LOG"
	run -0 jq -r '[.kind, .metadata.name] | join(" ")' "$KUBECTL_APPLIED"
	[ "$output" = "NodeResourceTopology worker-7" ]
	: >"$KUBECTL_LOG"
	run -0 --separate-stderr "$AGENT" nrt --rounds 2 --interval 0 --resync 0 -- -s "pack:2 numa:1 core:2 pu:1" --no-devices
	[ "$(grep -c '^apply$' "$KUBECTL_LOG")" -eq 2 ]
}

@test "deploy/kubernetes: spread-check lint is clean; kubectl decodes every object" {
	run -0 --separate-stderr spread-check lint "$TK_ROOT/deploy/kubernetes"
	jq_is '[(.findings | length), .summary.files]' '[0,5]'
	[ -n "$(command -v kubectl)" ] || skip "needs kubectl for the API's own decoding"
	# --local: no cluster; set env decodes the DaemonSet into its Go types
	# (a string where an integer belongs fails), label reads every object
	run -0 kubectl set env --local -f "$TK_ROOT/deploy/kubernetes/daemonset.yaml" TOPOKIT=1 -o name
	[ "$output" = daemonset.apps/topokit-agent ]
	run -0 kubectl label --local -o name x=y -f "$TK_ROOT/deploy/kubernetes/namespace.yaml" \
		-f "$TK_ROOT/deploy/kubernetes/rbac.yaml" -f "$TK_ROOT/deploy/kubernetes/noderesourcetopology-crd.yaml"
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 5 ]
	sed 's/runAsUser: 0/runAsUser: "0"/' "$TK_ROOT/deploy/kubernetes/daemonset.yaml" >ds.yaml
	run -1 kubectl set env --local -f ds.yaml TOPOKIT=1 -o name
	# kubectl 1.20 (Debian) and newer word it differently; both name the file and the field
	[[ "$output" == *"unable to decode"*[Rr]unAsUser* ]]
}

@test "deploy/kubernetes: the metrics container sees every runtime's bundles numa-verify names containers from, read-only, on any node" {
	[ -n "$(command -v kubectl)" ] || skip "needs kubectl for the API's own decoding"
	run -0 kubectl set env --local -f "$TK_ROOT/deploy/kubernetes/daemonset.yaml" TOPOKIT=1 -o json
	printf '%s\n' "$output" >ds.json
	local dir n=0
	# the directories numa-verify reads a container's bundle from (names.c)
	for dir in /run/containerd/io.containerd.runtime.v2.task/k8s.io /run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io \
		/run/containers/storage/overlay-containers \
		/var/lib/containers/storage/overlay-containers /var/lib/docker/containers; do
		grep -qF "\"$dir/%s/" "$TK_ROOT/cmd/numa-verify/names.c"
		# under --root /host, from the host's own directory, read-only; an
		# absent directory (another runtime's) must not keep the pod from
		# starting: DirectoryOrCreate or "" (no check), never Directory
		run -0 jq -r --arg d "$dir" '.spec.template.spec as $s
			| ($s.containers[] | select(.name == "metrics") | .volumeMounts[] | select(.mountPath == "/host" + $d)) as $m
			| ($s.volumes[] | select(.name == $m.name) | .hostPath) as $h
			| [$m.readOnly, $h.path == $d, ($h.type // "")] | @tsv' ds.json
		[ "$output" = "true	true	DirectoryOrCreate" ] || [ "$output" = "true	true	" ]
		n=$((n + 1))
	done
	[ "$n" -eq 5 ]
	# the metrics container's arguments root numa-verify at /host
	jq -e '.spec.template.spec.containers[] | select(.name == "metrics") | .args | index("--root") as $i | .[$i + 1] == "/host"' ds.json
	# no parent of a bundle directory is mounted: /run/containerd holds the socket
	run -0 jq -r '[.spec.template.spec.volumes[].hostPath.path // empty | select(. == "/run" or . == "/run/containerd" or . == "/run/k3s/containerd" or . == "/var/lib/docker" or . == "/run/containers")] | length' ds.json
	[ "$output" = 0 ]
}

@test "deploy/fetch-kubectl: installs kubectl only when its sha256 is the pinned one dl.k8s.io publishes; fails loudly otherwise" {
	# a mirror laid out as dl.k8s.io/release, reached as file://
	local m=$BATS_TEST_TMPDIR/mirror sum f=$TK_ROOT/deploy/fetch-kubectl
	mkdir -p "$m/v1.31.4/bin/linux/amd64" "$m/v9.9.9/bin/linux/amd64"
	printf 'not kubectl\n' >"$m/v9.9.9/bin/linux/amd64/kubectl"
	sum=$(sha256sum "$m/v9.9.9/bin/linux/amd64/kubectl" | cut -d' ' -f1)
	echo "$sum" >"$m/v9.9.9/bin/linux/amd64/kubectl.sha256"
	export KUBECTL_BASE_URL=file://$m TARGETARCH=amd64
	# a version pinned nowhere needs its sum given
	KUBECTL_VERSION=v9.9.9 run -1 "$f" out
	[[ "$output" == *"no sha256 pinned for kubectl v9.9.9 (amd64): pass --build-arg KUBECTL_SHA256="* ]]
	KUBECTL_VERSION=v9.9.9 KUBECTL_SHA256=ABC run -1 "$f" out
	[[ "$output" == *"is not a lowercase hex sha256"* ]]
	KUBECTL_VERSION=v9.9.9 KUBECTL_SHA256=$sum run -0 "$f" out
	[[ "$output" == *"sha256 $sum verified"* ]]
	cmp out "$m/v9.9.9/bin/linux/amd64/kubectl"
	[ "$(stat -c %a out)" = 755 ]
	rm out
	# the download differs from the pin and the published sum (tampered)
	printf 'evil\n' >>"$m/v9.9.9/bin/linux/amd64/kubectl"
	KUBECTL_VERSION=v9.9.9 KUBECTL_SHA256=$sum run -1 "$f" out
	[[ "$output" == *"the download's sha256 is "*", not $sum as pinned and published; nothing installed"* ]]
	# the published sum differs from the pin
	sha256sum "$m/v9.9.9/bin/linux/amd64/kubectl" | cut -d' ' -f1 >"$m/v9.9.9/bin/linux/amd64/kubectl.sha256"
	KUBECTL_VERSION=v9.9.9 KUBECTL_SHA256=$sum run -1 "$f" out
	[[ "$output" == *"kubectl.sha256 says "*", the pin says $sum; nothing installed"* ]]
	# no published sum
	rm "$m/v9.9.9/bin/linux/amd64/kubectl.sha256"
	KUBECTL_VERSION=v9.9.9 KUBECTL_SHA256=$sum run -1 "$f" out
	[[ "$output" == *"cannot fetch file://$m/v9.9.9/bin/linux/amd64/kubectl.sha256"* ]]
	# the default version is pinned: the sum dl.k8s.io publishes for v1.31.4 is required
	cp "$m/v9.9.9/bin/linux/amd64/kubectl" "$m/v1.31.4/bin/linux/amd64/kubectl"
	echo 298e19e9c6c17199011404278f0ff8168a7eca4217edad9097af577023a5620f >"$m/v1.31.4/bin/linux/amd64/kubectl.sha256"
	run -1 "$f" out
	[[ "$output" == *"kubectl v1.31.4 (amd64): the download's sha256 is "*", not 298e19e9c6c17199011404278f0ff8168a7eca4217edad9097af577023a5620f as pinned"* ]]
	# nothing left behind by the refusals (no kubectl, no .part)
	run -0 ls -A
	[ "$output" = mirror ]
	# the Containerfile's kubectl stage is this script, with the default version it pins
	grep -qx ' && fetch-kubectl /kubectl' "$TK_ROOT/deploy/Containerfile"
	grep -qx 'ARG KUBECTL_VERSION=v1.31.4' "$TK_ROOT/deploy/Containerfile"
	command -v shellcheck >/dev/null || skip "needs shellcheck (Debian package shellcheck)"
	run -0 shellcheck "$f" "$TK_ROOT/deploy/topokit-agent"
}

@test "topokit-agent nrt --kubelet-dir: the published object has what the kubelet took, its policy and what it reserves (DIR/config.yaml)" {
	export PATH="$K/stub:$PATH" KUBECTL_LOG=$BATS_TEST_TMPDIR/kubectl.log KUBECTL_APPLIED=$BATS_TEST_TMPDIR/applied NODE_NAME=worker-7
	: >"$KUBECTL_LOG"
	local a=$FIXTURES/nodes/a
	cp -r "$a/kubelet" kubelet
	cp "$a/kubelet-config.yaml" kubelet/config.yaml
	run -0 --separate-stderr "$AGENT" nrt --rounds 1 --interval 0 -- -t "$a/topology.json" --kubelet-dir kubelet
	run -0 jq -c '[.topologyPolicies, [.zones[] | [.name, (.resources[] | select(.name == "cpu") | [.allocatable, .available])]]]' "$KUBECTL_APPLIED"
	[ "$output" = '[["SingleNUMANodeContainerLevel"],[["node-0",["7","3"]],["node-1",["7","7"]]]]' ]
	# the DaemonSet's nrt container passes the host's kubelet directory
	grep -q '"--fsroot", "/host", "--kubelet-dir", "/host/var/lib/kubelet"' "$TK_ROOT/deploy/kubernetes/daemonset.yaml"
}

# run_steps CONTAINERFILE DIR: each RUN instruction (continuations joined) as
# a sh script DIR/runN.sh
run_steps() {
	mkdir -p "$2"
	awk -v out="$2" '
	function flush() { n++; print "#!/bin/sh\n" cmd > (out "/run" n ".sh"); close(out "/run" n ".sh") }
	/^RUN / { cmd = substr($0, 5); cont = /\\$/; if (!cont) flush(); next }
	cont { cmd = cmd "\n" $0; cont = /\\$/; if (!cont) flush() }' "$1"
}

@test "deploy/Containerfile: every RUN step passes shellcheck (hadolint's shell half; hadolint is not in Debian), every stage it names exists" {
	command -v shellcheck >/dev/null || skip "needs shellcheck (Debian package shellcheck)"
	local cf=$TK_ROOT/deploy/Containerfile stage
	run_steps "$cf" steps
	[ "$(ls steps | wc -l)" -eq "$(grep -c '^RUN ' "$cf")" ]
	run -0 shellcheck steps/*.sh
	# the check fails where it should: a cd that may fail, an unquoted glob
	{ cat "$cf"; printf 'RUN cd /src; rm $HOME/*.tmp \\\n && true\n'; } >bad.Containerfile
	run_steps bad.Containerfile bad
	run -1 shellcheck bad/*.sh
	[[ "$output" == *SC2164* ]]
	# COPY --from and FROM name only stages defined before them;
	# KUBECTL_FROM's two values each name a stage
	for stage in $(sed -n 's/^COPY --from=\([^ ]*\).*/\1/p; s/^FROM \([a-z][a-z-]*\) AS .*/\1/p' "$cf" | grep -v '[$:]' | sort -u); do
		grep -q "^FROM .* AS $stage\$" "$cf"
	done
	for stage in download debian; do grep -q "^FROM .* AS kubectl-$stage\$" "$cf"; done
	grep -qx 'FROM kubectl-${KUBECTL_FROM} AS kubectl' "$cf"
}
