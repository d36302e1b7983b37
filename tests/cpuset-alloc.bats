#!/usr/bin/env bats
# cpuset-alloc: CLI contract, output, NUMA affinity, reserved CPUs, the
# topo-admit pipeline, --exec and bad input. The kubelet's table tests are in
# cpuset-alloc-cases.bats, the state file in cpuset-alloc-state.bats.
load test_helper/common

setup() {
	TMP=$(mktemp -d)
	T1=$FIXTURES/topo/1s-1n-4c-2t.json
	T2=$FIXTURES/topo/2s-2n-6c-2t.json
	T4=$FIXTURES/topo/2s-4n-40c-2t.json
}
teardown() { rm -rf "$TMP"; }

@test "--help prints usage with every option on stdout and exits 0" {
	run --separate-stderr cpuset-alloc --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	output_has "Usage:"
	for o in --topology --count --available --reserved --reserved-count --numa-affinity \
		--full-pcpus-only --distribute-across-numa --align-by-socket --distribute-across-cores \
		--align-by-uncore-cache --state --pod --container --release --force --exec --no-membind \
		--admit --output --help --version; do
		output_has "$o"
	done
	# the last paragraph is the exit status (tests/cli.bats checks every tool)
	[[ "$output" != *"See cpuset-alloc(1)."* ]]
}

@test "--version names the tool" {
	run --separate-stderr cpuset-alloc --version
	[ "$status" -eq 0 ]
	[ "$output" = "cpuset-alloc (topokit) 0.1.0" ]
}

@test "misuse exits 2 with one line and the try-help hint" {
	for args in "--bogus" "-t $T2 --count" "-t $T2 --count -1" "-t $T2 --count 1 extra" \
		"--count 1" "-t $T2 --count 1 -o yaml" "-t $T2 --release" "-t $T2 --count 1 --pod p" \
		"-t $T2 --count 1 --no-membind" "-t $T2 --exec" "-t $T2 --count 1 --release --state s --pod p"; do
		# shellcheck disable=SC2086
		run --separate-stderr cpuset-alloc $args
		[ "$status" -eq 2 ] || { echo "args: $args -> $status"; false; }
		[ -z "$output" ]
		stderr_has "Try 'cpuset-alloc --help' for more information."
	done
}

@test "JSON output: canonical cpulist, count, NUMA nodes, sockets, cores, uncore caches" {
	run --separate-stderr cpuset-alloc -t "$T2" --count 8
	[ "$status" -eq 0 ]
	[ "$output" = '{"cpus":"0-2,4,6-8,10","count":8,"numa":[0,1],"sockets":[0,1],"cores":[0,1,2,4],"wholeCores":true,"uncoreCaches":[0]}' ]
}

@test "a request that cannot be met exits 1 with the kubelet's reason" {
	run --separate-stderr cpuset-alloc -t "$T1" --count 9
	[ "$status" -eq 1 ]
	[ "$output" = '{"error":"not enough cpus available to satisfy request: requested=9, available=8"}' ]
	run --separate-stderr cpuset-alloc -t "$T1" --count 3 --full-pcpus-only
	[ "$status" -eq 1 ]
	jq_is '.error' '"SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2"'
	run --separate-stderr cpuset-alloc -t "$T1" --count 3 --full-pcpus-only -o text
	[ "$status" -eq 1 ]
	[ "$output" = "cannot allocate: SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2" ]
}

@test "option combinations the kubelet refuses exit 2 with its reason" {
	run --separate-stderr cpuset-alloc -t "$T2" --count 2 --distribute-across-numa --distribute-across-cores
	[ "$status" -eq 2 ]
	stderr_has "static policy options distribute-cpus-across-numa and distribute-cpus-across-cores can not be used at the same time"
	jq_is '.error' '"static policy options distribute-cpus-across-numa and distribute-cpus-across-cores can not be used at the same time"'
}

@test "--reserved-count reserves CPUs the way the kubelet picks them (whole low cores first)" {
	run --separate-stderr cpuset-alloc -t "$T1" --reserved-count 2 --count 8
	[ "$status" -eq 1 ]
	jq_is '.error' '"not enough cpus available to satisfy request: requested=8, available=6"'
	run --separate-stderr cpuset-alloc -t "$T1" --reserved-count 2 --count 6
	[ "$status" -eq 0 ]
	jq_is '.cpus' '"1-3,5-7"'
	run --separate-stderr cpuset-alloc -t "$T2" --reserved-count 1 --count 1 -o text
	[ "$status" -eq 0 ]
	output_has "reserved:      0"
	run --separate-stderr cpuset-alloc -t "$T2" --reserved-count 13 --count 1
	[ "$status" -eq 2 ]
	stderr_has "[cpumanager] unable to reserve the required amount of CPUs (size of  did not equal 13)"
}

@test "--numa-affinity takes the hinted NUMA nodes' CPUs first, the rest from anywhere" {
	run --separate-stderr cpuset-alloc -t "$T2" --count 8 --numa-affinity 1
	[ "$status" -eq 0 ]
	jq_is '[.cpus, .numaAffinity]' '["0-1,3,5-7,9,11",[1]]'
	run --separate-stderr cpuset-alloc -t "$T4" --count 4 --numa-affinity 2-3
	[ "$status" -eq 0 ]
	jq_is '.numa' '[2]'
}

@test "-o text explains what was taken whole and why" {
	run --separate-stderr cpuset-alloc -t "$T4" --count 22 -o text
	[ "$status" -eq 0 ]
	output_has "0-10,40-50 (22 CPUs)"
	output_has "taken whole: 0"
	output_has "takeByTopologyNUMAPacked"
	run --separate-stderr cpuset-alloc -t "$T4" --count 22 --distribute-across-numa -o text
	[ "$status" -eq 0 ]
	output_has "takeByTopologyNUMADistributed"
}

@test "pipeline: each container of a topo-admit result gets its CPUs, in order" {
	printf '%s' '{"admit":true,"containers":[{"name":"a","exclusiveCpus":2,"hint":{"numaAffinity":[1],"preferred":true}},{"name":"side","exclusiveCpus":0,"hint":null},{"name":"b","exclusiveCpus":3,"hint":null}]}' >"$TMP/r.json"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.json"
	[ "$status" -eq 0 ]
	jq_is '[.containers[] | [.name, .cpus]]' '[["a","1,7"],["side",""],["b","3,5,9"]]'
	run --separate-stderr cpuset-alloc -t "$T2" <"$TMP/r.json"
	[ "$status" -eq 0 ]
	jq_is '.containers | length' '3'
}

@test "pipeline from topo-admit itself" {
	topo-admit -t "$T2" --cpu-manager-policy static --policy single-numa-node \
		"$FIXTURES/topo-admit/four-cpus.yaml" >"$TMP/r.json"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.json"
	[ "$status" -eq 0 ]
	jq_is '.containers[0] | [.name, .cpus, .numaAffinity]' '["worker","0,2,6,8",[0]]'
}

@test "pipeline: every pod of a manifest, each from what the pods before it left" {
	topo-admit -t "$T2" --cpu-manager-policy static "$FIXTURES/cpuset-alloc/two-pods.yaml" >"$TMP/r.jsonl"
	[ "$(wc -l <"$TMP/r.jsonl")" -eq 2 ]
	run --separate-stderr cpuset-alloc -t "$T2" <"$TMP/r.jsonl"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# the app container reuses CPUs of its pod's init container (cpusToReuse);
	# the next pod gets neither
	jq_is '[.pod, [.containers[] | [.name, .cpus]]]' '["db",[["migrate","0,2,6,8"],["server","0,6"]]]
["web",[["app","1,4,10"]]]'
	run --separate-stderr cpuset-alloc -t "$T2" -o text <"$TMP/r.jsonl"
	[ "$status" -eq 0 ]
	output_has "pod web:"
}

@test "pipeline: a sidecar's CPUs are not reused; an init container's are" {
	local c='{"name":"app","exclusiveCpus":2,"hint":null}'
	run --separate-stderr cpuset-alloc -t "$T2" <<<"{\"containers\":[{\"name\":\"i\",\"exclusiveCpus\":2,\"init\":true},$c]}"
	[ "$status" -eq 0 ]
	jq_is '[.containers[].cpus]' '["0,6","0,6"]'
	run --separate-stderr cpuset-alloc -t "$T2" <<<"{\"containers\":[{\"name\":\"s\",\"exclusiveCpus\":2,\"init\":true,\"restartPolicy\":\"Always\"},$c]}"
	[ "$status" -eq 0 ]
	jq_is '[.containers[].cpus]' '["0,6","2,8"]'
}

@test "pipeline: a pod that cannot be served is rejected, gives its CPUs back, and the next pod goes on (exit 1)" {
	printf '%s\n' '{"pod":"p1","containers":[{"name":"a","exclusiveCpus":4}]}' \
		'{"pod":"p2","containers":[{"name":"b","exclusiveCpus":2},{"name":"c","exclusiveCpus":9}]}' \
		'{"pod":"p3","admit":false,"reason":"TopologyAffinityError","containers":[]}' \
		'{"pod":"p4","containers":[{"name":"d","exclusiveCpus":8}]}' >"$TMP/r.jsonl"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.jsonl"
	[ "$status" -eq 1 ]
	jq_is '[.pod, .error, .container, (.containers // [] | map(.cpus))]' '["p1",null,null,["0,2,6,8"]]
["p2","not enough cpus available to satisfy request: requested=9, available=6","c",[]]
["p3","pod was not admitted: TopologyAffinityError",null,[]]
["p4",null,null,["1,3-5,7,9-11"]]'
	printf '%s\n' '{"pod":"p","containers":[]}' '{"pod":"q","containers":[]}' >"$TMP/r.jsonl"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.jsonl" --state "$TMP/s" --pod uid
	[ "$status" -eq 2 ]
	stderr_has "--pod records one pod, but the input holds 2 topo-admit results"
}

@test "pipeline: align-by-socket under the single-numa-node Topology Manager policy is refused (ValidateStaticPolicyOptions)" {
	run --separate-stderr cpuset-alloc -t "$FIXTURES/topo/2s-4n-40c-2t.json" --align-by-socket <<<'{"policy":"single-numa-node","containers":[]}'
	[ "$status" -eq 2 ]
	jq_is '.error' '"Topolgy manager single-numa-node policy is incompatible with CPUManager align-by-socket policy option"'
	run --separate-stderr cpuset-alloc -t "$FIXTURES/topo/2s-4n-40c-2t.json" --align-by-socket <<<'{"policy":"restricted","containers":[]}'
	[ "$status" -eq 0 ]
}

@test "pipeline: a pod that was not admitted gets no CPUs (exit 1)" {
	run --separate-stderr cpuset-alloc -t "$T2" <<<'{"admit":false,"reason":"TopologyAffinityError","message":"Resources cannot be allocated with Topology locality","containers":[]}'
	[ "$status" -eq 1 ]
	jq_is '.error' '"pod was not admitted: TopologyAffinityError: Resources cannot be allocated with Topology locality"'
}

@test "pipeline: a container that does not fit names itself, and nothing is recorded" {
	run --separate-stderr cpuset-alloc -t "$T1" --state "$TMP/s" --pod p <<<'{"containers":[{"name":"a","exclusiveCpus":6},{"name":"b","exclusiveCpus":4}]}'
	[ "$status" -eq 1 ]
	jq_is '.' '{"pod":"p","error":"not enough cpus available to satisfy request: requested=4, available=2","container":"b"}'
	[ ! -s "$TMP/s" ]
}

@test "--exec binds the command to the chosen CPU (Cpus_allowed_list)" {
	# a topology of this machine's first two CPUs; --available leaves one
	printf '%s\n' '{"cpus":[{"id":0,"core":0},{"id":1,"core":1}]}' >"$TMP/m.json"
	for cpu in 1 0; do
		run --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available "$cpu" \
			--exec -- grep -E '^(Cpus|Mems)_allowed_list' /proc/self/status
		[ "$status" -eq 0 ]
		output_has "Cpus_allowed_list:	$cpu"
	done
	run --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available 1 --no-membind \
		--exec -- sh -c 'grep Cpus_allowed_list /proc/self/status; exit 7'
	[ "$status" -eq 7 ]
	output_has "Cpus_allowed_list:	1"
}

@test "--exec binds memory to the chosen CPU's NUMA node, as numactl --show reads the policy" {
	command -v numactl >/dev/null || skip "numactl is not installed"
	printf '%s\n' '{"cpus":[{"id":0,"core":0,"numa":0},{"id":1,"core":1,"numa":0}]}' >"$TMP/m.json"
	run --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available 1 --exec -- numactl --show
	[ "$status" -eq 0 ]
	output_has "policy: bind"
	output_has "physcpubind: 1 "
	output_has "membind: 0 "
	run --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available 1 --no-membind --exec -- numactl --show
	[ "$status" -eq 0 ]
	output_has "policy: default"
	# a node this machine lacks, and a CPU it lacks: refused, nothing runs
	printf '%s\n' '{"cpus":[{"id":0,"core":0,"numa":0},{"id":1,"core":1,"numa":3}]}' >"$TMP/m.json"
	run -125 --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available 1 --exec -- touch "$TMP/ran"
	stderr_has "cannot bind memory to NUMA node(s) 3: Invalid argument (try --no-membind)"
	printf '%s\n' '{"cpus":[{"id":0,"core":0},{"id":4095,"core":1}]}' >"$TMP/m.json"
	run -125 --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --available 4095 --exec -- touch "$TMP/ran"
	stderr_has "cannot bind to CPUs 4095: Invalid argument"
	[ ! -e "$TMP/ran" ]
}

@test "--exec of a missing command or an impossible request fails without running anything" {
	printf '%s\n' '{"cpus":[{"id":0},{"id":1}]}' >"$TMP/m.json"
	# env(1) and timeout(1)'s codes: 127 not found (126 cannot be invoked)
	run -127 --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 1 --exec -- /nonexistent/cmd
	stderr_has "cannot execute '/nonexistent/cmd'"
	run --separate-stderr cpuset-alloc -t "$TMP/m.json" --count 3 --exec -- touch "$TMP/ran"
	[ "$status" -eq 1 ]
	[ ! -e "$TMP/ran" ]
}

@test "bad topology documents: exit 2, the message names file:line:col" {
	printf '{"cpus": [\n  {"id": 0},\n  {"id": "x"}\n]}\n' >"$TMP/t.json"
	run --separate-stderr cpuset-alloc -t "$TMP/t.json" --count 1
	[ "$status" -eq 2 ]
	stderr_has "cpuset-alloc: $TMP/t.json:3:"
	printf '{"cpus": [\n' >"$TMP/t.json"
	run --separate-stderr cpuset-alloc -t "$TMP/t.json" --count 1
	[ "$status" -eq 2 ]
	stderr_has "cpuset-alloc: $TMP/t.json:"
	printf 'kind: Pod\n' >"$TMP/t.yaml"
	run --separate-stderr cpuset-alloc -t "$TMP/t.yaml" --count 1
	[ "$status" -eq 2 ]
	stderr_has "$TMP/t.yaml:1:"
	run --separate-stderr cpuset-alloc -t "$TMP/missing.json" --count 1
	[ "$status" -eq 2 ]
	stderr_has "missing.json"
}

@test "bad topo-admit results: exit 2, the message names file:line:col" {
	printf '{"containers": [\n  {"name": "a", "exclusiveCpus": -1}\n]}\n' >"$TMP/r.json"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.json"
	[ "$status" -eq 2 ]
	stderr_has "$TMP/r.json:2:"
	printf '{"containers": [{"name": "a", "exclusiveCpus": 1, "hint": {"numaAffinity": [7]}}]}\n' >"$TMP/r.json"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.json"
	[ "$status" -eq 2 ]
	stderr_has "$TMP/r.json:1:"
	stderr_has "NUMA node 7 is not in the topology"
	printf '{"pods": []}\n' >"$TMP/r.json"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.json"
	[ "$status" -eq 2 ]
	stderr_has "no 'containers' list"
	# in a stream, positions are those of the stream
	printf '%s\n' '{"containers":[]}' '  {"containers": [{"name": "a", "exclusiveCpus": "x"}]}' >"$TMP/r.jsonl"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.jsonl"
	[ "$status" -eq 2 ]
	stderr_has "$TMP/r.jsonl:2:50:"
	printf '%s\n' '{"containers":[]}' 'garbage' >"$TMP/r.jsonl"
	run --separate-stderr cpuset-alloc -t "$T2" --admit "$TMP/r.jsonl"
	[ "$status" -eq 2 ]
	stderr_has "$TMP/r.jsonl:2:1: expected a topo-admit result"
	run --separate-stderr cpuset-alloc -t "$T2" --admit /dev/null
	[ "$status" -eq 2 ]
	stderr_has "no topo-admit result"
	run --separate-stderr cpuset-alloc -t - <"$T2"
	[ "$status" -eq 2 ]
	stderr_has "standard input cannot carry both"
}

@test "bad CPU lists and ids outside the topology are usage errors" {
	for args in "--available 0-x" "--available 3-1" "--available 0-99" "--reserved 12" \
		"--numa-affinity 2" "--numa-affinity a"; do
		# shellcheck disable=SC2086
		run --separate-stderr cpuset-alloc -t "$T2" --count 1 $args
		[ "$status" -eq 2 ] || { echo "args: $args"; false; }
	done
}

@test "a 1024-CPU topology is allocated quickly" {
	run --separate-stderr cpuset-alloc -t "$FIXTURES/cpuset-alloc/8s-16n-512c-2t.json" --count 100
	[ "$status" -eq 0 ]
	jq_is '.count' '100'
	run --separate-stderr cpuset-alloc -t "$FIXTURES/cpuset-alloc/8s-16n-512c-2t.json" --count 100 --distribute-across-numa
	[ "$status" -eq 0 ]
	jq_is '.numa | length' '2'
}
