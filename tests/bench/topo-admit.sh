#!/usr/bin/env bash
# Benchmark: the Topology Manager merge at its worst on 8 NUMA nodes (three
# providers offering every one of the 255 NUMA combinations: 255^3 = 16.6M
# permutations, as the kubelet enumerates them) against the same run with one
# hint per provider (parse and setup only), in one run; best of ROUNDS.
# Prints both times and the ratio. The kubelet's own limit of 8 NUMA nodes
# (max-allowable-numa-nodes) exists because of this state explosion.
set -u
cd "$(dirname "$0")/../.."
BIN=${TK_BIN:-$PWD/bin}/topo-admit
ROUNDS=${TA_BENCH_ROUNDS:-3}
[ -x "$BIN" ] || make -s bin/topo-admit || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# every non-empty subset of 0-7, non-preferred except the single nodes
all=$(python3 -c '
import json
h=[{"numaAffinity":[i for i in range(8) if m>>i&1],"preferred":bin(m).count("1")==1} for m in range(1,256)]
print(json.dumps(h))')
printf '[{"cpu":%s},{"memory":%s},{"nvidia.com/gpu":%s}]\n' "$all" "$all" "$all" >"$tmp/worst.json"
echo '[{"cpu":[{"numaAffinity":[0],"preferred":true}]},{"memory":[{"numaAffinity":[0],"preferred":true}]},{"nvidia.com/gpu":[{"numaAffinity":[0],"preferred":true}]}]' >"$tmp/one.json"

best_of() {
	local best= r s e t
	for ((r = 0; r < ROUNDS; r++)); do
		s=$(date +%s.%N)
		"$BIN" --policy "$1" --numa-nodes 0-7 --hints "$2" >/dev/null
		[ $? -le 1 ] || { echo "topo-admit failed on $2" >&2; exit 2; }
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

base=$(best_of restricted "$tmp/one.json")
printf '%-52s %8.3fs\n' "3 providers x 1 hint (baseline)" "$base"
for p in best-effort restricted single-numa-node; do
	t=$(best_of "$p" "$tmp/worst.json")
	printf '%-52s %8.3fs  ratio %.1f\n' "3 providers x 255 hints, $p" "$t" "$(echo "$t / $base" | bc -l)"
done
