#!/usr/bin/env bash
# make demo: the main job on this machine, step by step. Each step is shown
# with the command, so an operator can copy it.
set -u
cd "$(dirname "$0")/.."
PATH=$PWD/bin:$PATH
F=tests/fixtures
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; echo "(exit $?)"; }
have() { [ -x "bin/$1" ]; }

have topo-discover && {
	step topo-discover -o text
	topo-discover >"$tmp/node.json" 2>/dev/null || topo-discover --no-devices >"$tmp/node.json"
}
if have topo-admit && [ -s "$tmp/node.json" ]; then
	for pod in "$F"/seed/gpu-inference.yaml "$F"/seed/numa-database.yaml; do
		step topo-admit -t "$tmp/node.json" --policy restricted --cpu-manager-policy static -o text "$pod"
	done
	if have cpuset-alloc; then
		printf '\n\033[1m$ topo-admit -t node.json --policy best-effort --cpu-manager-policy static %s | cpuset-alloc -t node.json\033[0m\n' "$F/seed/numa-database.yaml"
		topo-admit -t "$tmp/node.json" --policy best-effort --cpu-manager-policy static "$F/seed/numa-database.yaml" |
			cpuset-alloc -t "$tmp/node.json"
		echo "(exit $?)"
	fi
fi
have cpuset-alloc && step cpuset-alloc -t "$F/seed/2s-2n-8c-2t.json" --count 4 -o text
have spread-check && step spread-check lint -o text "$F/seed/web-frontend-deployment.yaml"
have numa-verify && step numa-verify -o text $$
true
