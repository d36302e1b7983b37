#!/usr/bin/env bats
# Text output never passes control characters through from untrusted names
# (issue 15): a manifest's strings and a process's name are escaped; JSON
# keeps them, escaped by JSON itself.
load test_helper/common

@test "spread-check lint -o text escapes a manifest's control characters; JSON keeps them" {
	local m=$BATS_TEST_TMPDIR/evil.yaml
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: i}]\n  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: "zo\\e[31mne\\nfake.yaml:1:1: error"\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector: {matchLabels: {app: x}}\n' >"$m"
	run --separate-stderr spread-check lint -o text "$m"
	[ "$status" -eq 0 ]
	[[ "$output" == *'topologyKey "zo\x1b[31mne\nfake.yaml:1:1: error" is not a well-known node label'* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 2 ]
	run --separate-stderr spread-check lint -o json "$m"
	[ "$status" -eq 0 ]
	run jq -r '.findings[] | select(.rule == "TSC102") | .message' <<<"$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'zo\e[31mne\nfake.yaml'* ]] || { echo "$output"; return 1; }
}

@test "numa-verify -o text escapes a process name that carries control characters" {
	local t=$BATS_TEST_TMPDIR/tree
	mkdir -p "$t/sys/devices/system/cpu" "$t/sys/devices/system/node/node0" "$t/sys/devices/system/node/node1" "$t/proc/2"
	echo 0-3 >"$t/sys/devices/system/cpu/online"
	echo 0-1 >"$t/sys/devices/system/node/node0/cpulist"
	echo 2-3 >"$t/sys/devices/system/node/node1/cpulist"
	printf 'Name:\tdb\e[2J\nVmSize:\t1 kB\nThreads:\t1\nCpus_allowed_list:\t0-1\nMems_allowed_list:\t0-1\n' >"$t/proc/2/status"
	printf 'db\e[2J\n' >"$t/proc/2/comm"
	echo '7f0000000000 default anon=100 dirty=100 N0=100 kernelpagesize_kB=4' >"$t/proc/2/numa_maps"
	run --separate-stderr numa-verify --root "$t" -o text 2
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == *'2 (db\x1b[2J)'* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
}

@test "topo-admit and cpuset-alloc -o text escape a manifest's pod and container names" {
	local m=$BATS_TEST_TMPDIR/evil-pod.yaml topo=$FIXTURES/seed/2s-2n-8c-2t.json
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "p\\e]0;x\\a"\nspec:\n  containers:\n  - name: "c\\e[2J"\n    image: i\n    resources:\n      limits: {cpu: "2", memory: 1Gi}\n' >"$m"
	run --separate-stderr topo-admit -t "$topo" --cpu-manager-policy static -o text "$m"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == *'pod p\x1b]0;x\x07: admitted'* ]] || { echo "$output"; return 1; }
	[[ "$output" == *'container c\x1b[2J: '* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
	run --separate-stderr topo-admit -t "$topo" --cpu-manager-policy static "$m"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/admitted.json"
	run --separate-stderr cpuset-alloc -t "$topo" -o text <"$BATS_TEST_TMPDIR/admitted.json"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == *'container c\x1b[2J: '* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
}

@test "spread-check place and audit -o text escape names from the cluster dump" {
	local d=$BATS_TEST_TMPDIR
	printf '{"kind":"List","items":[{"kind":"Node","metadata":{"name":"n\\u001b[2J","labels":{"topology.kubernetes.io/zone":"a\\u001b[31m"}}}]}\n' >"$d/nodes.json"
	printf '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"w","namespace":"default","labels":{"app":"w"}},"spec":{"nodeName":"n\\u001b[2J","containers":[{"name":"c","image":"i"}],"topologySpreadConstraints":[{"maxSkew":1,"topologyKey":"topology.kubernetes.io/zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{"matchLabels":{"app":"w"}}}]}}]}\n' >"$d/pods.json"
	run --separate-stderr spread-check place -o text --nodes "$d/nodes.json" --pods "$d/pods.json" "$TK_ROOT/tests/fixtures/spread-check/place/empty-selector/matchlabels-hard.yaml"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == *'n\x1b[2J'* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
	run --separate-stderr spread-check audit -o text --nodes "$d/nodes.json" --pods "$d/pods.json"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == *'a\x1b[31m'* ]] || { echo "$output"; return 1; }
	[[ "$output" != *$'\e'* ]]
}

@test "error messages escape the input's control characters too (file:line:col: what is wrong)" {
	local m=$BATS_TEST_TMPDIR/badq.yaml
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n    resources: {limits: {cpu: "2\\e[31m"}}\n' >"$m"
	run --separate-stderr topo-admit -t "$FIXTURES/seed/2s-2n-8c-2t.json" "$m"
	[ "$status" -eq 2 ]
	[ "$stderr" = "topo-admit: $m:8:31: invalid quantity '2\x1b[31m' for cpu" ] || { echo "$stderr"; return 1; }
	run --separate-stderr spread-check lint -o "json$(printf '\e')[2J"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "spread-check lint: unknown output format 'json\x1b[2J'"* ]] || { echo "$stderr"; return 1; }
}
