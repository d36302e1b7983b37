#!/usr/bin/env bats
# One representative run of each tool's main paths, good and bad input: a
# quick memory check while working (make valgrind VALGRIND_TESTS=tests/tool-paths.bats),
# where any memory error or definite leak turns into exit 99.
load test_helper/common

TOPO=$FIXTURES/seed/2s-2n-8c-2t.json

# ran CODE CMD...: CMD exits with CODE (valgrind's 99 never matches)
ran() {
	local want=$1; shift
	run "$@"
	[ "$status" -eq "$want" ] || { echo "exit $status, want $want: $*"; echo "$output" | head -5; return 1; }
}

@test "topo-discover: synthetic, a document, bad input" {
	ran 0 "$TK_BIN/topo-discover" --synthetic "package:2 numa:2 core:2 pu:2"
	ran 0 "$TK_BIN/topo-discover" -t "$TOPO" -o text
	ran 2 "$TK_BIN/topo-discover" --synthetic "bogus:3"
	ran 2 "$TK_BIN/topo-discover" -t "$FIXTURES/lib/typing.yaml"
}

@test "topo-admit: seed pods, hint merge, bad input" {
	ran 0 "$TK_BIN/topo-admit" -t "$TOPO" --policy best-effort --cpu-manager-policy static "$FIXTURES/seed/numa-database.yaml"
	ran 1 "$TK_BIN/topo-admit" -t "$TOPO" --policy single-numa-node --cpu-manager-policy static --available 0-3 "$FIXTURES/seed/numa-database.yaml"
	ran 2 "$TK_BIN/topo-admit" -t "$TOPO" --policy bogus "$FIXTURES/seed/numa-database.yaml"
	ran 2 "$TK_BIN/topo-admit" -t "$TOPO" "$FIXTURES/lib/typing.yaml"
}

@test "cpuset-alloc: allocate, pipeline, bad input" {
	ran 0 "$TK_BIN/cpuset-alloc" -t "$TOPO" --count 4 -o text
	ran 1 "$TK_BIN/cpuset-alloc" -t "$TOPO" --count 40
	ran 2 "$TK_BIN/cpuset-alloc" -t "$TOPO" --count x
}

@test "spread-check: lint the seed, bad input" {
	run "$TK_BIN/spread-check" lint "$FIXTURES/seed/web-frontend-deployment.yaml"
	[ "$status" -le 1 ]
	ran 2 "$TK_BIN/spread-check" lint "$FIXTURES/lib/typing.yaml.nope"
}

@test "spread-check: lint the corpus sample" {
	need_shared data/manifests/spread
	run "$TK_BIN/spread-check" lint "$SHARED/data/manifests/spread"
	[ "$status" -le 1 ]
}

@test "spread-check: place one case" {
	local c=$FIXTURES/spread-check/place/cases
	c=$c/$(ls "$c" | head -1)
	run "$TK_BIN/spread-check" place --nodes "$c/nodes.json" --pods "$c/pods.json" "$c/pod.json"
	[ "$status" -le 1 ]
}

@test "numa-verify: this shell, bad input" {
	run "$TK_BIN/numa-verify" $$
	[ "$status" -le 1 ]
	ran 2 "$TK_BIN/numa-verify" --cpu-manager-state "$FIXTURES/lib/no-such-state"
	ran 2 "$TK_BIN/numa-verify" --cpu-manager-state "$FIXTURES/lib/typing.yaml"
}
