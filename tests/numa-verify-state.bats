#!/usr/bin/env bats
# numa-verify --cpu-manager-state and --kubelet-config: the checks the kubelet
# runs at start (state_checkpoint.go restoreState, policy_static.go
# validateState, validation.go, the managers' NewManager), in its wording.
# Cases: tests/fixtures/numa-verify/cases/{state,kubelet}.tsv.
load test_helper/common

NV=$BATS_TEST_DIRNAME/fixtures/numa-verify

# run_cases FILE ARGS-BUILDER: each row runs numa-verify -o text and checks
# the exit status and that the output holds the expected line.
@test "state: every case of cases/state.tsv" {
	local file extra code want name bad=0 n=0
	while IFS=$'\t' read -r file extra code want name; do
		case $file in '#'*|'') continue ;; esac
		n=$((n + 1))
		local args=()
		[ "$extra" = - ] || read -ra args <<<"$extra"
		run --separate-stderr numa-verify -o text --root "$NV/2n-smt" \
			--cpu-manager-state "$NV/state/$file" "${args[@]}"
		local got=$output
		[ "$code" -eq 2 ] && got=$stderr
		if [ "$status" -ne "$code" ] || { [ "$want" != - ] && [[ $got != *"$want"* ]]; } ||
			{ [ "$want" = - ] && [[ $output != *": valid"* ]]; }; then
			printf 'FAIL %s (%s)\n  want %s %s\n  got  %s %s %s\n' "$name" "$file" "$code" "$want" \
				"$status" "$output" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$NV/cases/state.tsv"
	[ "$n" -ge 13 ] && [ "$bad" -eq 0 ]
}

@test "state: the node's own state file is consistent, and its checksum is the kubelet's" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state var/lib/kubelet/cpu_manager_state
	jq_is '.cpuManagerState|[.policyName,.checksum == .computedChecksum,.valid,.problems]' \
		'["static",true,true,[]]'
}

@test "state: the kubelet's own test vectors (state_checkpoint_test.go) verify" {
	printf '{"policyName": "none", "defaultCPUSet": "4-6", "entries": {}, "checksum": 354655845}' \
		>"$BATS_TEST_TMPDIR/a"
	printf '{"policyName": "none", "defaultCPUSet": "1-3", "entries": {"pod": {"container1": "4-6", "container2": "1-3"}}, "checksum": 3610638499}' \
		>"$BATS_TEST_TMPDIR/b"
	for f in a b; do
		run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state "$BATS_TEST_TMPDIR/$f"
		jq_is '.cpuManagerState.valid' true
	done
}

@test "state: stale after a CPU went offline (the kubelet refuses to start)" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt-offline" \
		--cpu-manager-state var/lib/kubelet/cpu_manager_state
	jq_is '.cpuManagerState.problems' \
		'["current set of available CPUs \"0-30\" doesn'"'"'t match with CPUs in state \"0-31\""]'
}

@test "state: reserved CPUs and the strict-cpu-reservation option come from --kubelet-config" {
	# both valid, but the app container's CPUs 7-8,23-24 span both NUMA nodes of a
	# single-numa-node, pod-scope node: the Topology Manager's promise is broken
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state var/lib/kubelet/cpu_manager_state \
		--kubelet-config var/lib/kubelet/config.yaml
	jq_is '[.cpuManagerState.valid,.kubeletConfig.valid,.allocations.findings]' \
		'[true,true,["pod: 8e2b9d3f-1c2e-4d66-8b1f-2e3a4b5c6d72: exclusive CPUs on NUMA nodes 0-1, not one (topologyManagerPolicy single-numa-node)"]]'
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state var/lib/kubelet/cpu_manager_state \
		--kubelet-config "$NV/kubelet/strict-reservation.yaml"
	jq_is '.cpuManagerState.problems' \
		'["some of strictly reserved cpus: \"0,16\" are present in defaultCpuSet: \"0-1,4-6,9,12-17,20-22,25,28-31\"","current set of available CPUs \"1-15,17-31\" doesn'"'"'t match with CPUs in state \"0-31\""]'
}

@test "state: the policy named in the kubelet config must match the file's" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state var/lib/kubelet/cpu_manager_state \
		--kubelet-config "$NV/kubelet/restricted-none.yaml"
	jq_is '.cpuManagerState.problems[0]|startswith("could not restore state from checkpoint: configured policy \"none\" differs from state checkpoint policy \"static\"")' true
}

@test "state: a missing file is an input error (exit 2) naming it" {
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --cpu-manager-state var/lib/kubelet/nope
	[ "$stderr" = "numa-verify: var/lib/kubelet/nope: cannot read: No such file or directory" ]
}

@test "kubelet config: every case of cases/kubelet.tsv" {
	local file root code want name bad=0 n=0
	while IFS=$'\t' read -r file root code want name; do
		case $file in '#'*|'') continue ;; esac
		n=$((n + 1))
		run --separate-stderr numa-verify -o text --root "$NV/$root" --kubelet-config "$NV/kubelet/$file"
		local ok=1
		[ "$status" -eq "$code" ] || ok=0
		case $want in
		-) [[ $output == *": valid"* ]] || ok=0 ;;
		w:*) [[ $output == *"warning: ${want#w:}"* ]] || ok=0 ;;
		*) [[ $output == *"  $want"* ]] || ok=0 ;;
		esac
		if [ "$ok" -eq 0 ]; then
			printf 'FAIL %s (%s)\n  want %s %s\n  got  %s %s %s\n' "$name" "$file" "$code" "$want" \
				"$status" "$output" "$stderr" >&2
			bad=$((bad + 1))
		fi
	done <"$NV/cases/kubelet.tsv"
	[ "$n" -ge 20 ] && [ "$bad" -eq 0 ]
}

@test "kubelet config: not a KubeletConfiguration, or not YAML: exit 2 with the position" {
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --kubelet-config "$NV/kubelet/not-kubelet.yaml"
	[ "$stderr" = "numa-verify: $NV/kubelet/not-kubelet.yaml:2:7: kind must be 'KubeletConfiguration'" ]
	printf 'kind: [unclosed\n' >"$BATS_TEST_TMPDIR/k.yaml"
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --kubelet-config "$BATS_TEST_TMPDIR/k.yaml"
	stderr_has "$BATS_TEST_TMPDIR/k.yaml:"
	# the kubelet decodes only kubelet.config.k8s.io/v1beta1 (v1 has no KubeletConfiguration)
	printf 'apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n' >"$BATS_TEST_TMPDIR/k.yaml"
	run -2 --separate-stderr numa-verify --root "$NV/2n-smt" --kubelet-config "$BATS_TEST_TMPDIR/k.yaml"
	[ "$stderr" = "numa-verify: $BATS_TEST_TMPDIR/k.yaml:1:13: apiVersion must be 'kubelet.config.k8s.io/v1beta1' (the only version with a KubeletConfiguration)" ]
	# an empty field is the kubelet's default, as topo-admit reads it
	printf 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ntopologyManagerPolicy: ""\n' >"$BATS_TEST_TMPDIR/k.yaml"
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --kubelet-config "$BATS_TEST_TMPDIR/k.yaml"
	jq_is '.kubeletConfig | [.topologyManagerPolicy, .problems]' '["none",[]]'
}

@test "kubelet config: the JSON lists the effective policies, problems and warnings" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" --kubelet-config "$NV/kubelet/restricted-none.yaml"
	jq_is '.kubeletConfig|[.cpuManagerPolicy,.topologyManagerPolicy,.topologyManagerScope,.memoryManagerPolicy,.valid,(.warnings|length)]' \
		'["none","restricted","container","None",true,1]'
}

@test "state: entries of different pods that share CPUs are named in entry order, at most 100 pairs, the rest counted, in bounded memory" {
	local n=30000 f=$BATS_TEST_TMPDIR/state
	# three pods: web's CPU 2 and cache's CPU 1 are db's; db's init container shares with db
	printf '%s\n' '{"policyName":"static","defaultCpuSet":"0","entries":{' \
		'"aaaa":{"init":"1-2","db":"1-2"},"bbbb":{"web":"2"},"cccc":{"cache":"1"}},"checksum":1}' >"$f"
	run -1 --separate-stderr numa-verify -o json --root "$NV/2n-smt" --cpu-manager-state "$f"
	jq_is '[.cpuManagerState.problems[]|select(test("overlaps with pod"))|[match("pod: ([a-z]+), container: ([a-z]+)";"g").captures|map(.string)]]' \
		'[[["aaaa","db"],["bbbb","web"]],[["aaaa","db"],["cccc","cache"]],[["aaaa","init"],["bbbb","web"]],[["aaaa","init"],["cccc","cache"]]]'
	# a hostile state: every entry shares CPUs with hundreds of others
	[ -z "${TK_VALGRIND:-}${TK_SANITIZE:-}" ] || n=3000
	jq -n --argjson n "$n" '{policyName:"static",defaultCpuSet:"0",checksum:1,
		entries:(reduce range($n) as $i ({}; .["pod-\($i)"] = {c:"\($i % 64 + 1)"}))}' >"$f"
	run -1 --separate-stderr /usr/bin/time -f '%M' -o "$BATS_TEST_TMPDIR/mem" \
		numa-verify -o json --root "$NV/2n-smt" --cpu-manager-state "$f"
	jq_is '[.cpuManagerState.problems[]|select(test("overlaps with pod"))]|length' 100
	jq_is '[.cpuManagerState.problems[]|select(test("^(at least )?[0-9]+ more pairs of entries of different pods share CPUs$"))]|length' 1
	if [ "$n" -eq 30000 ]; then
		jq_is '[.cpuManagerState.problems[]|select(test("more pairs"))]' '["at least 99900 more pairs of entries of different pods share CPUs"]'
		[ "$(tail -1 "$BATS_TEST_TMPDIR/mem")" -lt 65536 ]
	fi
}
