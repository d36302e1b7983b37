#!/usr/bin/env bats
# deploy/Containerfile: buildah builds the node agent's image without a
# container engine (vfs storage, chroot isolation), and every tool, the agent,
# the kubectl plugins and kubectl run inside it as the image's user (nobody).
# Slow (minutes: the image's apt-get and build) and needs buildah, so it runs
# only when asked:
#   TK_CONTAINER=1 make check TESTS=tests/container-image.bats
# TK_CONTAINER_BASE names the Debian base image (default the Containerfile's,
# pulled from a registry) and TK_CONTAINER_KUBECTL where kubectl comes from:
# download (the default, from dl.k8s.io), debian, or mirror: the download
# stage itself (deploy/fetch-kubectl) from a file:// mirror that holds
# Debian's kubectl with its sum, for a machine that reaches only a Debian
# mirror (deploy/README.md). TK_CONTAINER_IMAGE=NAME tests an image built
# before instead (not removed afterwards).
load test_helper/common

IMAGE=${TK_CONTAINER_IMAGE:-localhost/topokit-test:latest}

bah() {
	buildah --storage-driver vfs "$@"
}

# A dl.k8s.io-shaped file:// mirror holding Debian's kubectl (apt-get
# download: the Debian mirror is what such a machine reaches) and its sum,
# bind-mounted into the build's RUN steps; BUD gets the arguments.
kubectl_mirror() {
	local m=$BATS_FILE_TMPDIR/kubectl-mirror d=$BATS_FILE_TMPDIR/deb sum
	mkdir -p "$m/v0-debian/bin/linux/amd64" "$d"
	(cd "$d" && apt-get download kubernetes-client >"$BATS_FILE_TMPDIR/mirror.log" 2>&1 &&
		dpkg-deb -x kubernetes-client_*.deb x) || { echo 1 >"$BATS_FILE_TMPDIR/build.rc"; return 1; }
	cp "$d/x/usr/bin/kubectl" "$m/v0-debian/bin/linux/amd64/kubectl"
	sum=$(sha256sum "$m/v0-debian/bin/linux/amd64/kubectl" | cut -d' ' -f1)
	echo "$sum" >"$m/v0-debian/bin/linux/amd64/kubectl.sha256"
	echo "$sum" >"$BATS_FILE_TMPDIR/mirror.sum"
	BUD+=(--volume "$m:/kubectl-mirror:ro" --build-arg KUBECTL_BASE_URL=file:///kubectl-mirror
		--build-arg KUBECTL_VERSION=v0-debian --build-arg TARGETARCH=amd64 --build-arg KUBECTL_SHA256="$sum")
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
		local from=${TK_CONTAINER_KUBECTL:-download}
		BUD=(--isolation chroot)
		[ -z "${TK_CONTAINER_BASE:-}" ] || BUD+=(--build-arg DEBIAN="$TK_CONTAINER_BASE")
		[ "$from" != mirror ] || kubectl_mirror || return 0
		printf '%s\n' "${BUD[@]}" >"$BATS_FILE_TMPDIR/bud-args"
		(cd "$TK_ROOT" && buildah --storage-driver vfs bud "${BUD[@]}" \
		--build-arg KUBECTL_FROM="${from/mirror/download}" \
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

@test "the kubectl download stage refuses a kubectl whose sha256 is not the pinned one, and the build fails" {
	need_image
	[ -s "$BATS_FILE_TMPDIR/mirror.sum" ] || skip "set TK_CONTAINER_KUBECTL=mirror to run the download stage offline"
	grep -q 'fetch-kubectl: kubectl v0-debian (amd64) sha256 [0-9a-f]* verified' "$BATS_FILE_TMPDIR/build.log"
	local args=()
	mapfile -t args <"$BATS_FILE_TMPDIR/bud-args"
	# the same mirror, a pin one digit off
	# the same mirror, every digit of the pin rotated; buildah exits 1 or
	# 125 (versions differ) when a RUN step fails
	run bah bud "${args[@]}" --build-arg KUBECTL_SHA256="$(tr '0-9a-f' '1-9a-f0' <"$BATS_FILE_TMPDIR/mirror.sum")" \
		--target kubectl-download -f "$TK_ROOT/deploy/Containerfile" "$TK_ROOT"
	[ "$status" -gt 0 ]
	[[ "$output" == *"fetch-kubectl: kubectl v0-debian (amd64): "*"the pin says "*"; nothing installed"* ]]
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
