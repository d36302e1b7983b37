#!/usr/bin/env bats
# The kubelet's table tests (pkg/kubelet/cm/cpumanager), ported as case
# tables in tests/fixtures/cpuset-alloc/cases/*.tsv and run through the CLI.
# Columns: fixture (tests/fixtures/topo/), arguments, exit status, expected
# cpus ("-" = none) for exit 0 / the kubelet's error for exit 1 / a stderr
# fragment for exit 2, and the kubelet's case name.
load test_helper/common

CASES=$FIXTURES/cpuset-alloc/cases

# run_table FILE: every case of FILE; prints each mismatch, fails if any
run_table() {
	local fx args ex want name out rc got bad=0 n=0 errf
	errf=$(mktemp)
	while IFS=$'\t' read -r fx args ex want name; do
		case $fx in '#'* | '') continue ;; esac
		n=$((n + 1))
		[ "$want" = - ] && want=
		# shellcheck disable=SC2086
		out=$(cpuset-alloc -t "$FIXTURES/topo/$fx" $args 2>"$errf") && rc=0 || rc=$?
		# the output is compact JSON whose strings hold no quotes: cut the
		# value out in the shell (a jq per case would cost more than the tool)
		case $ex in
		0) got=${out#*'"cpus":"'} got=${got%%'"'*} ;;
		1) got=${out#*'"error":"'} got=${got%%'"'*} ;;
		*) got=$(<"$errf"); case $got in *"$want"*) got=$want ;; esac ;;
		esac
		if [ "$rc" != "$ex" ] || [ "$got" != "$want" ]; then
			printf 'FAIL %s\n  cpuset-alloc -t %s %s\n  exit %s (want %s), got [%s], want [%s]\n  %s\n' \
				"$name" "$fx" "$args" "$rc" "$ex" "$got" "$want" "$(cat "$errf")" >&2
			bad=$((bad + 1))
		fi
	done <"$1"
	rm -f "$errf"
	echo "# $n cases, $bad failed" >&3
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

@test "takeByTopologyNUMAPacked cases (with uncore cache alignment)" {
	run_table "$CASES/packed.tsv"
}

@test "distribute-cpus-across-cores cases" {
	run_table "$CASES/spread.tsv"
}

@test "takeByTopologyNUMADistributed cases" {
	run_table "$CASES/distributed.tsv"
}

@test "static policy cases (Allocate, allocateCPUs with hints, reserved CPUs, option checks)" {
	run_table "$CASES/policy.tsv"
}

# run_pod_table FILE: each line's containers go through the topo-admit pipeline
run_pod_table() {
	local fx args conts want name js i c out rc got bad=0 n=0
	local -a cs
	while IFS=$'\t' read -r fx args conts want name; do
		case $fx in '#'* | '') continue ;; esac
		n=$((n + 1))
		js='{"admit":true,"containers":['
		i=0
		IFS=, read -ra cs <<<"$conts"
		for c in "${cs[@]}"; do
			[ "$i" -gt 0 ] && js+=','
			case $c in
			i*) js+="{\"name\":\"c$i\",\"exclusiveCpus\":${c#i},\"init\":true,\"hint\":null}" ;;
			s*) js+="{\"name\":\"c$i\",\"exclusiveCpus\":${c#s},\"init\":true,\"restartPolicy\":\"Always\",\"hint\":null}" ;;
			*) js+="{\"name\":\"c$i\",\"exclusiveCpus\":$c,\"hint\":null}" ;;
			esac
			i=$((i + 1))
		done
		js+=']}'
		# shellcheck disable=SC2086
		out=$(printf '%s' "$js" | cpuset-alloc -t "$FIXTURES/topo/$fx" $args 2>&1) && rc=0 || rc=$?
		case $want in
		uncore=*) got="uncore=$(printf '%s' "$out" | jq -r '[.containers[].uncoreCaches[]] | unique | map(tostring) | join(",")')" ;;
		cpus=*) got=${out#*'"cpus":"'} got="cpus=${got%%'"'*}" ;;
		all=*) got="all=$(printf '%s' "$out" | jq -r '[.containers[].cpus] | join(";")')" ;;
		esac
		# every case allocates: exit 0
		if [ "$rc" != 0 ] || [ "$got" != "$want" ]; then
			printf 'FAIL %s\n  %s | cpuset-alloc -t %s %s\n  exit %s (want 0), got [%s] want [%s]\n' \
				"$name" "$js" "$fx" "$args" "$rc" "$got" "$want" >&2
			bad=$((bad + 1))
		fi
	done <"$1"
	echo "# $n cases, $bad failed" >&3
	[ "$n" -gt 0 ] && [ "$bad" -eq 0 ]
}

@test "uncore cache alignment cases of the static policy (pods through the pipeline)" {
	run_pod_table "$CASES/uncore-policy.tsv"
}

@test "init containers' CPUs are reused by the pod's next containers, a sidecar's are not" {
	run_pod_table "$CASES/pod-policy.tsv"
}

@test "sparse core and socket ids and CPUs listed out of order allocate as the dense, ordered topology" {
	# ids far apart take the sort, dense ones a marking pass (common/cpumanager.c
	# distinct): an order-keeping renumbering must not change any choice
	local fx=$FIXTURES/topo/2s-4n-40c-2t.json sparse=$BATS_TEST_TMPDIR/sparse.json args a b bad=0
	jq '.cpus |= (map(.core = .core * 1000 + 7 | .socket = .socket * 1000 + 3 | .l3 = .l3 * 3 + 5) | reverse)' \
		"$fx" >"$sparse"
	for args in "--count 1" "--count 2" "--count 6" "--count 21" "--count 40" "--count 12 --distribute-across-numa" \
		"--count 8 --full-pcpus-only" "--count 10 --reserved-count 4" "--count 30 --align-by-uncore-cache"; do
		# shellcheck disable=SC2086
		run cpuset-alloc -t "$fx" $args
		[ "$status" -eq 0 ] || { echo "dense $args: exit $status: $output"; bad=1; continue; }
		a=$(printf '%s' "$output" | jq -r '.cpus')
		# shellcheck disable=SC2086
		run cpuset-alloc -t "$sparse" $args
		[ "$status" -eq 0 ] || { echo "sparse $args: exit $status: $output"; bad=1; continue; }
		b=$(printf '%s' "$output" | jq -r '.cpus')
		if [ -z "$a" ] || [ "$a" != "$b" ]; then
			echo "$args: dense [$a], sparse [$b]"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}
