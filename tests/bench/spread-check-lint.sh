#!/usr/bin/env bash
# Benchmark: spread-check lint over a ~30 MB multi-document corpus against a
# bare libyaml event scan of the same files (tests/bench/spread-check-lint-scan.c,
# compiled here), in one run, best of ROUNDS (CPU time, user + system).
# The corpus is every manifest of ../shared/data/manifests joined into one
# multi-document stream, written COPIES times (5 x 6.6 MB): a real install
# mix, mostly CRDs and ConfigMaps, which lint streams past unbuilt
# (tk_doc_stream_skip). Prints both times and the ratio lint / scan (goal: at
# most 1.3). A second, informational line does the same for a corpus of only
# the spread/ manifests (workloads, every one built and linted).
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/spread-check
M=${TK_SHARED:-../shared}/data/manifests
COPIES=${LINT_BENCH_COPIES:-5}
ROUNDS=${LINT_BENCH_ROUNDS:-5}
[ -x "$BIN" ] || make -s bin/spread-check || exit 2
[ -d "$M" ] || { echo "spread-check lint bench: no $M; skipped"; exit 0; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

cc -O2 -o "$W/scan" tests/bench/spread-check-lint-scan.c $(pkg-config --cflags --libs yaml-0.1) || exit 2
mkdir "$W/corpus"
find "$M" -type f \( -name '*.yaml' -o -name '*.yml' \) | sort | while IFS= read -r f; do
	cat "$f"
	printf '\n---\n'
done >"$W/one.yaml"
for ((i = 1; i <= COPIES; i++)); do cp "$W/one.yaml" "$W/corpus/part-$i.yaml"; done
size=$(du -cb "$W"/corpus/*.yaml | tail -1 | cut -f1)

# cpu_best CMD...: best-of-ROUNDS user+system seconds
cpu_best() {
	local best= r t
	for ((r = 0; r < ROUNDS; r++)); do
		/usr/bin/time -f '%U %S' -o "$W/t" "$@" >/dev/null 2>"$W/err"
		[ $? -le 1 ] || { echo "failed: $*" >&2; cat "$W/err" >&2; exit 2; }
		t=$(tail -1 "$W/t" | awk '{print $1 + $2}')
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

scan=$(cpu_best "$W/scan" "$W"/corpus/*.yaml)
lint=$(cpu_best "$BIN" lint "$W/corpus")
printf 'corpus:       %d files, %.1f MB, %s\n' "$COPIES" "$(echo "$size / 1000000" | bc -l)" "$("$W/scan" "$W"/corpus/*.yaml)"
printf 'libyaml scan: %.3f s cpu\n' "$scan"
printf 'lint:         %.3f s cpu (%s)\n' "$lint" "$("$BIN" lint "$W/corpus" | jq -c .summary 2>/dev/null)"
printf 'ratio:        %.2fx (goal <= 1.3x)\n' "$(echo "$lint / $scan" | bc -l)"

# informational: workloads only (~25 MB of the spread/ manifests)
mkdir "$W/work"
find "$M/spread" -type f -name '*.yaml' | sort | while IFS= read -r f; do
	cat "$f"
	printf '\n---\n'
done >"$W/w.yaml"
for ((i = 1; i <= 66; i++)); do cp "$W/w.yaml" "$W/work/part-$i.yaml"; done
wscan=$(cpu_best "$W/scan" "$W"/work/*.yaml)
wlint=$(cpu_best "$BIN" lint "$W/work")
printf 'workloads only (%.1f MB): scan %.3f s, lint %.3f s, ratio %.2fx\n' \
	"$(du -cb "$W"/work/*.yaml | tail -1 | cut -f1 | awk '{print $1 / 1000000}')" "$wscan" "$wlint" \
	"$(echo "$wlint / $wscan" | bc -l)"
