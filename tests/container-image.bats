#!/usr/bin/env bats
# deploy/Containerfile: buildah builds the node agent's image without a
# container engine (vfs storage, chroot isolation), and every tool, the agent,
# the kubectl plugins and kubectl run inside it as the image's user (nobody).
# Slow (minutes: the image's apt-get and build) and needs buildah, so it runs
# only when asked:
#   TK_CONTAINER=1 make check TESTS=tests/container-image.bats
# TK_CONTAINER_BASE names the Debian base image (default debian:bookworm-slim,
# pulled from a registry) and TK_CONTAINER_KUBECTL where kubectl comes from
# (download, the default, from dl.k8s.io; or debian): see deploy/README.md for
# a machine that reaches only a Debian mirror. TK_CONTAINER_IMAGE=NAME tests
# an image built before instead (not removed afterwards).
load test_helper/common

IMAGE=${TK_CONTAINER_IMAGE:-localhost/topokit-test:latest}

bah() {
	buildah --storage-driver vfs "$@"
}

setup_file() {
	[ -n "${TK_CONTAINER:-}" ] || return 0
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || return 0
	command -v buildah >/dev/null || return 0
	# buildah 1.28 leaves the working container of a stage without
	# instructions (FROM kubectl-... AS kubectl): removed with ours afterwards
	buildah --storage-driver vfs containers -q >"$BATS_FILE_TMPDIR/before" 2>/dev/null
	buildah --storage-driver vfs images -q >"$BATS_FILE_TMPDIR/images-before" 2>/dev/null
	if [ -n "${TK_CONTAINER_IMAGE:-}" ]; then
		echo 0 >"$BATS_FILE_TMPDIR/build.rc"
	else
		(cd "$TK_ROOT" && buildah --storage-driver vfs bud --isolation chroot \
		--build-arg DEBIAN="${TK_CONTAINER_BASE:-debian:bookworm-slim}" \
		--build-arg KUBECTL_FROM="${TK_CONTAINER_KUBECTL:-download}" \
		-f deploy/Containerfile -t "$IMAGE" . >"$BATS_FILE_TMPDIR/build.log" 2>&1)
		echo $? >"$BATS_FILE_TMPDIR/build.rc"
	fi
	[ "$(cat "$BATS_FILE_TMPDIR/build.rc")" -eq 0 ] || return 0
	buildah --storage-driver vfs from --name topokit-test-$$ "$IMAGE" >"$BATS_FILE_TMPDIR/ctr" 2>&1
	# fixtures the tools read inside the container
	local ctr
	ctr=$(cat "$BATS_FILE_TMPDIR/ctr")
	buildah --storage-driver vfs copy --chown 65534:65534 "$ctr" "$FIXTURES/numa-verify/2n-smt" /tmp/node >/dev/null
	buildah --storage-driver vfs copy --chown 65534:65534 "$ctr" "$FIXTURES/seed/2s-2n-8c-2t.json" /tmp/topo.json >/dev/null
	buildah --storage-driver vfs copy --chown 65534:65534 "$ctr" "$FIXTURES/seed/numa-database.yaml" /tmp/db.yaml >/dev/null
	buildah --storage-driver vfs copy --chown 65534:65534 "$ctr" "$FIXTURES/seed/web-frontend-deployment.yaml" /tmp/web.yaml >/dev/null
}

teardown_file() {
	local c
	[ -f "$BATS_FILE_TMPDIR/before" ] || return 0
	for c in $(buildah --storage-driver vfs containers -q 2>/dev/null); do
		grep -qx "$c" "$BATS_FILE_TMPDIR/before" || buildah --storage-driver vfs rm "$c" >/dev/null 2>&1
	done
	if [ -z "${TK_CONTAINER_IMAGE:-}" ]; then
		buildah --storage-driver vfs rmi "$IMAGE" >/dev/null 2>&1
		# the build's intermediate stages: only images this run made
		for c in $(buildah --storage-driver vfs images -q 2>/dev/null); do
			grep -qx "$c" "$BATS_FILE_TMPDIR/images-before" || buildah --storage-driver vfs rmi "$c" >/dev/null 2>&1
		done
	fi
	return 0
}

need_image() {
	[ -n "${TK_CONTAINER:-}" ] || skip "slow: set TK_CONTAINER=1 to build the container image"
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "the image holds its own plain build"
	command -v buildah >/dev/null || skip "needs buildah (Debian package buildah)"
	CTR=$(cat "$BATS_FILE_TMPDIR/ctr" 2>/dev/null)
}

# in_image ARG...: run a command in the container as the image's user
in_image() {
	bah run --isolation chroot "$CTR" -- "$@"
}

@test "buildah bud builds deploy/Containerfile" {
	need_image
	[ "$(cat "$BATS_FILE_TMPDIR/build.rc")" -eq 0 ] || { tail -30 "$BATS_FILE_TMPDIR/build.log"; false; }
	# multi-stage: the final image has no compiler and no source tree
	run -0 bah inspect --format '{{.OCIv1.Config.User}} {{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.Env}}' "$IMAGE"
	[[ "$output" == "65534:65534 [/usr/bin/topokit-agent] "*TMPDIR=/tmp* ]]
	run -1 in_image sh -c 'command -v cc || test -e /src'
}

@test "the image runs as nobody and can write only /tmp-like places (read-only root filesystem compatible)" {
	need_image
	run -0 in_image id -u
	[ "$output" = 65534 ]
	# nobody may write only to sticky, world-writable directories (/tmp,
	# /var/tmp, /run/lock); find exits 1 for the directories it may not read
	run -0 in_image sh -c "find / -xdev -type d -writable -not -path '/proc*' -not -path '/sys*' -not -path '/dev*' -not -path '/tmp/*' 2>/dev/null >/tmp/w; exit 0"
	run -0 in_image sh -c "grep -qx /tmp /tmp/w && cat /tmp/w | while read -r d; do [ -k \"\$d\" ] || echo \"\$d\"; done"
	[ -z "$output" ]
}

@test "every tool, the agent, the plugins and kubectl run inside the image" {
	need_image
	local t
	for t in topo-discover topo-admit cpuset-alloc spread-check numa-verify; do
		run -0 in_image "$t" --version
		[[ "$output" == "$t "* ]]
	done
	run -0 --separate-stderr in_image topo-discover -o nrt --node-name n
	jq_is '.kind' '"NodeResourceTopology"'
	run -0 --separate-stderr in_image topo-admit -t /tmp/topo.json --policy restricted --cpu-manager-policy static /tmp/db.yaml
	jq_is 'has("admit")' 'true'
	run -0 in_image cpuset-alloc -t /tmp/topo.json --count 2
	run -0 in_image spread-check lint /tmp/web.yaml
	run -1 --separate-stderr in_image numa-verify --root /tmp/node --all --cpu-manager-state var/lib/kubelet/cpu_manager_state
	jq_is '.verdict' '"misaligned"'
	run -0 in_image mkdir /tmp/tf
	run -0 in_image topokit-agent metrics --rounds 1 --interval 0 --dir /tmp/tf -- \
		--root /tmp/node --cpu-manager-state var/lib/kubelet/cpu_manager_state
	run -0 in_image grep -x 'topokit_numa_verify_misaligned 1' /tmp/tf/numa_verify.prom
	run -0 in_image kubectl version --client
	run -0 in_image kubectl-topo_admit --help
	run -0 in_image kubectl-spread_check --help
	run -0 in_image test -s /usr/share/man/man1/topo-admit.1
}
