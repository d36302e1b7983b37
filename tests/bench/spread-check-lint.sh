#!/usr/bin/env bash
# Benchmark: spread-check lint against a bare libyaml event scan of the same
# input (tests/bench/yaml-scan.c: every event parsed, nothing built).
# Input: 20,000 generated workloads (Deployments, StatefulSets, Pods with
# spread constraints, ~28 MB; tests/bench/gen-workloads.py), every one built
# and linted:
#   - in one file, single-threaded (goal: at most 1.3x the scan's CPU time);
#   - in 400 files, linted on every core (the default --jobs), wall time
#     against a serial scan of the same files (goal: at most 0.6x).
# With ../shared, also the real install mix (../shared/data/manifests x5,
# mostly CRDs and ConfigMaps, which lint streams past unbuilt).
. "$(dirname "$0")/lib.bash"
bench_init spread-check-lint
bench_need python3 pkg-config cc
SC=$TK_BIN/spread-check
[ -x "$SC" ] || make -s "$SC" || exit 2
bench_cc "$W/scan" tests/bench/yaml-scan.c yaml-0.1
python3 tests/bench/gen-workloads.py "$W/files" 20000 400 || exit 2

bench_ab "spread-check lint: 20,000 workloads, one 28 MB file, 1 thread, vs libyaml scan" 1.3 --instr \
	-- "$SC" lint --jobs 1 "$W/all.yaml" -- "$W/scan" "$W/all.yaml"
bench_ab "spread-check lint: the same in 400 files on $(nproc) CPUs (wall) vs serial libyaml scan" 0.6 --wall \
	-- "$SC" lint "$W/files" -- "$W/scan" "$W"/files/*.yaml

M=$TK_SHARED/data/manifests
if [ -d "$M" ]; then
	mkdir "$W/mix"
	find "$M" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort | while IFS= read -r f; do
		cat "$f"
		printf '\n---\n'
	done >"$W/mix/one.yaml"
	for i in 2 3 4 5; do cp "$W/mix/one.yaml" "$W/mix/copy-$i.yaml"; done
	bench_ab "spread-check lint: real install mix (shared manifests x5, 33 MB, 1 thread) vs libyaml scan" 1.3 \
		-- "$SC" lint --jobs 1 "$W/mix" -- "$W/scan" "$W"/mix/*.yaml
fi
