#!/usr/bin/env bats
# common/topo.c: loading, validating and deriving the topology document
load test_helper/common

setup() { TMP=$(mktemp -d); }
teardown() { rm -rf "$TMP"; }

topo() { printf '%s\n' "$1" >"$TMP/t.json"; run --separate-stderr "$TK_TEST" topo "$TMP/t.json"; }

@test "a document with only cpu ids gets cores, socket 0, numa 0 and l3 = socket" {
	topo '{"cpus":[{"id":1},{"id":0}]}'
	[ "$status" -eq 0 ]
	jq_is '.cpus' '[{"id":0,"core":0,"socket":0,"numa":0,"l3":0},{"id":1,"core":1,"socket":0,"numa":0,"l3":0}]'
	jq_is '.numa' '[{"id":0,"cpus":"0-1","memory":0,"hugepages":{},"distances":[]}]'
}

@test "bare integer cpus are accepted" {
	topo '{"cpus":[0,1,2,3]}'
	[ "$status" -eq 0 ]
	jq_is '.numa[0].cpus' '"0-3"'
}

@test "numa cpus lists and cpu numa fields are reconciled" {
	topo '{"cpus":[{"id":0},{"id":1},{"id":2},{"id":3}],"numa":[{"id":0,"cpus":"0-1"},{"id":1,"cpus":"2-3"}]}'
	[ "$status" -eq 0 ]
	jq_is '[.cpus[].numa]' '[0,0,1,1]'
}

@test "memory-only NUMA nodes are kept" {
	topo '{"cpus":[{"id":0,"numa":0}],"numa":[{"id":0,"memory":1024},{"id":1,"memory":2048}]}'
	[ "$status" -eq 0 ]
	jq_is '[.numa[] | [.id, .cpus, .memory]]' '[[0,"0",1024],[1,"",2048]]'
}

@test "the seed topology round-trips unchanged" {
	run -0 "$TK_TEST" topo "$FIXTURES/seed/2s-2n-8c-2t.json"
	[ "$output" = "$(jq -c . "$FIXTURES/seed/2s-2n-8c-2t.json")" ]
}

@test "YAML topology documents load too" {
	printf 'cpus:\n- id: 0\n  numa: 1\n' >"$TMP/t.yaml"
	run -0 "$TK_TEST" topo "$TMP/t.yaml"
	jq_is '.numa[0].id' '1'
}

@test "invalid topology documents: exit 2 with file:line:col" {
	while IFS='|' read -r doc want; do
		[ -n "$doc" ] || continue
		topo "$doc"
		[ "$status" -eq 2 ] || { echo "accepted: $doc"; return 1; }
		stderr_has "t.json:1:" || { echo "for: $doc"; return 1; }
		stderr_has "$want" || { echo "for: $doc"; return 1; }
	done <<'CASES'
{"cpus":[]}|'cpus' is empty
{"numa":[]}|no 'cpus' list
{"kind":"Pod","cpus":[0]}|got kind 'Pod'
{"cpus":[{"id":0},{"id":0}]}|cpu 0 is listed twice
{"cpus":[{"id":-1}]}|out of range
{"cpus":[{"id":"zero"}]}|'id' must be an integer
{"cpus":[{"core":1}]}|missing required field 'id'
{"cpus":[{"id":0,"numa":1}],"numa":[{"id":0,"cpus":"0"}]}|cpu 0 says numa 1 but numa node 0 lists it
{"cpus":[{"id":0}],"numa":[{"id":0,"cpus":"0-1"}]}|lists cpu 1, which is not in 'cpus'
{"cpus":[{"id":0}],"numa":[{"id":0,"cpus":"x"}]}|invalid cpulist 'x'
{"cpus":[{"id":0}],"numa":[{"id":0,"distances":[10,20]}]}|has 2 distances, expected 1
{"cpus":[{"id":0}],"numa":[{"id":0},{"id":0}]}|numa node 0 is listed twice
{"cpus":[{"id":0}],"devices":[{"id":"x","numa":3}]}|device numa node 3 is not in the topology
{"cpus":"0-3"}|'cpus' must be a list
[1,2]|a topology document must be a mapping
CASES
}

@test "an empty file and two documents are refused" {
	: >"$TMP/e.json"
	run -2 --separate-stderr "$TK_TEST" topo "$TMP/e.json"
	stderr_has "empty input"
	printf 'cpus: [0]\n---\ncpus: [1]\n' >"$TMP/two.yaml"
	run -2 --separate-stderr "$TK_TEST" topo "$TMP/two.yaml"
	stderr_has "two.yaml:3:1: expected one topology document, found 2"
}
