#!/usr/bin/env bash
# make demo: the main job, step by step, each step shown with its command so
# an operator can copy it. First this machine, then the seed guide's example
# node (2 sockets, 2 NUMA nodes, 32 CPUs, a GPU on NUMA node 1), where the
# guide's pods have room to land.
set -u
cd "$(dirname "$0")/.."
PATH=$PWD/bin:$PATH
F=tests/fixtures/seed
SEED=$F/2s-2n-8c-2t.json
# files the shown commands name stay behind (in build/), so each command can
# be copied and run again
out=${BUILD:-build}/demo
mkdir -p "$out"
# bold only on a terminal, and never with NO_COLOR (https://no-color.org)
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' off=$'\033[0m'; else bold= off=; fi
say() { printf '\n%s# %s%s\n' "$bold" "$*" "$off"; }
# the command as a shell would read it back (printf %q quotes what needs it);
# its errors show where a terminal shows them, in the output
step() { printf '%s$' "$bold"; printf ' %q' "$@"; printf '%s\n' "$off"; "$@" 2>&1; echo "(exit $?)"; }
pipe() { printf '%s$ %s%s\n' "$bold" "$1" "$off"; bash -c "$1"; echo "(exit $?)"; }

say "1. This node's topology, as the kubelet sees it"
step topo-discover -o text
topo-discover >"$out/node.json" 2>/dev/null || topo-discover --no-devices >"$out/node.json"

say "2. The guide's pods as the API server takes them"
# what the API server answers for the guide's numa-database as written
# (ValidateResourceRequirements): it never reaches a kubelet
echo "numa-database asks for hugepages-1Gi: \"1\", one byte: the API server refuses the pod"
echo "(1 is not positive integer multiple of hugepages-1Gi). The guide means one 1 GiB page:"
sed 's/hugepages-1Gi: "1"$/hugepages-1Gi: 1Gi/' "$F/numa-database.yaml" >"$out/numa-database.yaml"
step grep -n hugepages-1Gi "$out/numa-database.yaml"
echo "Its annotation, like gpu-inference's, is accepted and read by nothing (see the warnings below)."

say "3. Would the kubelet admit the database pod here (restricted policy, static CPU manager)?"
step topo-admit -t "$out/node.json" --policy restricted --cpu-manager-policy static -o text "$out/numa-database.yaml"

say "4. The guide's pods on the guide's example node ($SEED), under the guide's kubelet configuration"
step topo-discover -t "$SEED" -o text
step topo-admit -t "$SEED" --kubelet-config "$F/kubelet-config-static.yaml" -o text "$F/gpu-inference.yaml"
echo "The static CPU manager needs CPUs reserved for the system; with one core reserved:"
{ cat "$F/kubelet-config-static.yaml"; echo 'reservedSystemCPUs: "0,16"'; } >"$out/kubelet-config.yaml"
step cat "$out/kubelet-config.yaml"
for pod in "$F/gpu-inference.yaml" "$out/numa-database.yaml"; do
	step topo-admit -t "$SEED" --kubelet-config "$out/kubelet-config.yaml" -o text "$pod"
done

say "5. Which CPUs would the static CPU manager give each container?"
pipe "topo-admit -t $SEED --policy single-numa-node --cpu-manager-policy static $F/gpu-inference.yaml 2>/dev/null | cpuset-alloc -t $SEED"
step cpuset-alloc -t "$SEED" --count 4 --full-pcpus-only -o text

say "6. Lint the guide's Deployment and its multi-constraint example"
step spread-check lint -o text "$F/web-frontend-deployment.yaml" "$F/database-constraints.yaml"

say "7. Is this shell really NUMA-aligned?"
step numa-verify -o text $$

say "8. The guide's node as a picture, with the CPUs the CPU Manager gave the guide's pods (docs/worker-01.svg)"
rm -rf "$out/kubelet"
mkdir -p "$out/kubelet"
for pod in "$F/gpu-inference.yaml" "$out/numa-database.yaml"; do
	name=${pod##*/}
	pipe "topo-admit -t $SEED --policy single-numa-node --cpu-manager-policy static $pod 2>/dev/null | cpuset-alloc -t $SEED --state $out/kubelet/cpu_manager_state --pod ${name%.yaml} -o text"
done
# the device plugin's grant of the node's GPU to gpu-inference, as the kubelet
# checkpoints it (checksum and all): nothing in topokit allocates devices
mkdir -p "$out/kubelet/device-plugins"
step cp "$F/device-plugins/kubelet_internal_checkpoint" "$out/kubelet/device-plugins/"
pipe "topo-discover -t $SEED --kubelet-dir $out/kubelet -o svg > $out/worker-01.svg"
true
