#!/usr/bin/env bats
# numa-verify: processes (Cpus_allowed_list, Mems_allowed_list, numa_maps),
# verdicts and options, over recorded nodes (tests/fixtures/numa-verify, built
# by gen.py from real /sys trees) and on the live machine.
load test_helper/common

NV=$BATS_TEST_DIRNAME/fixtures/numa-verify

@test "live: its own shell is read from /proc like numastat -p reads it" {
	run -0 --separate-stderr numa-verify $$
	jq_is '.processes|length' 1
	jq_is '.processes[0].pid' "$$"
	want=$(awk '/^Cpus_allowed_list:/ {print $2}' /proc/$$/status)
	jq_is '.processes[0].cpus' "\"$want\""
	jq_is '.processes[0].verdict|IN("aligned","misaligned","unknown","unpinned")' true
}

pages_by_hand() {
	tr ' ' '\n' </proc/$1/numa_maps | awk -F= '/^N[0-9]+=/ {s += $2} END {print s + 0}'
}

# verify_live_pages PID: runs numa-verify on a sleeping PID and sets $by_hand
# to its pages summed by hand. A loaded machine can leave the process still
# faulting in pages after it started to sleep, so a count only counts once it
# is the same before and after the tool read it.
verify_live_pages() {
	local pid=$1 after tries=0
	while :; do
		[ "$(cut -d' ' -f3 /proc/$pid/stat)" = S ] || { sleep 0.05; continue; }
		by_hand=$(pages_by_hand "$pid")
		run -0 --separate-stderr numa-verify --no-threads "$pid"
		after=$(pages_by_hand "$pid")
		[ "$by_hand" = "$after" ] && return
		(( ++tries < 50 )) || return
		sleep 0.1
	done
}

@test "live: a sleeping process's pages per node match numa_maps summed by hand" {
	[ -r /proc/$BASHPID/numa_maps ] || skip "no numa_maps on this kernel"
	sleep 30 & local pid=$!
	verify_live_pages $pid
	kill $pid
	jq_is '[.processes[0].memoryPages[]]|add // 0' "$by_hand"
}

@test "aligned: CPUs on NUMA node 0, 99.6% of memory there (huge pages counted by size)" {
	run -0 --separate-stderr numa-verify --root "$NV/2n-smt" 1001
	jq_is '.processes[0]|[.comm,.cpus,.cpuNuma,.localPercent,.verdict,.reasons]' \
		'["postgres","2-3,18-19",[0],99.6,"aligned",[]]'
	# 312+52000+40+33 base pages plus 64 huge pages of 2048 kB = 64*512 base pages
	jq_is '.processes[0].memoryPages' '{"0":85153,"1":300}'
	jq_is '.processes[0].memoryBytes["0"]' "$(( 85153 * 4096 ))"
	jq_is '.verdict' '"aligned"'
}

@test "misaligned: CPUs pinned across NUMA nodes 0 and 1" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" 2001
	jq_is '.processes[0]|[.cpuNuma,.verdict,.reasons]' '[[0,1],"misaligned",["cpus 7-8,23-24 span NUMA nodes 0-1"]]'
	jq_is '.verdict' '"misaligned"'
}

@test "misaligned: CPUs on node 1, memory on node 0 (remote memory)" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" 3001
	jq_is '.processes[0]|[.cpuNuma,.localPercent,.reasons]' \
		'[[1],5.8,["only 5.8% of memory is on NUMA node 1 (--min-local 90)"]]'
}

@test "threads whose affinity differs are listed with their own NUMA nodes" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" 3001
	jq_is '.processes[0].threads' '[{"tid":3002,"comm":"bio_close_file","cpus":"10-11","cpuNuma":[1]}]'
	run -1 --separate-stderr numa-verify --no-threads --root "$NV/2n-smt" 3001
	jq_is '.processes[0]|has("threads")' false
}

@test "--min-local lowers the bar for local memory" {
	run -0 --separate-stderr numa-verify --min-local 5 --root "$NV/2n-smt" 3001
	jq_is '.processes[0].verdict' '"aligned"'
	run -1 --separate-stderr numa-verify --min-local 100 --root "$NV/2n-smt" 1001
	jq_is '.processes[0].reasons' '["only 99.6% of memory is on NUMA node 0 (--min-local 100)"]'
}

@test "--expect-numa: CPUs and memory must be on the expected nodes" {
	run -1 --separate-stderr numa-verify --expect-numa 1 --root "$NV/2n-smt" 1001
	jq_is '.processes[0].reasons' \
		'["cpus on NUMA node 0, outside --expect-numa 1","only 0.4% of memory is on NUMA node 1 (--min-local 90)"]'
	run -0 --separate-stderr numa-verify --expect-numa 0-1 --root "$NV/2n-smt" 2001
	jq_is '.processes[0].verdict' '"aligned"'
}

@test "4 NUMA nodes: 1 GiB huge pages are counted by their page size" {
	run -0 --separate-stderr numa-verify --root "$NV/4n-smt" 1501
	jq_is '.processes[0]|[.cpuNuma,.memoryPages["2"],.verdict]' "[[2],$((64000 + 4 * 262144)),\"aligned\"]"
	run -1 --separate-stderr numa-verify --root "$NV/4n-smt" 2501
	jq_is '.processes[0].reasons' '["cpus 1,3,41,43 span NUMA nodes 1,3"]'
}

@test "mems that exclude the CPUs' node are a reason of their own" {
	run -1 --separate-stderr numa-verify --root "$NV/bad" 106
	jq_is '.processes[0].reasons[0]' '"mems 0 exclude NUMA node 1 of its cpus"'
}

@test "garbage in numa_maps: unknown with the file, line and column, no crash" {
	run -0 --separate-stderr numa-verify --root "$NV/bad" 101 102
	jq_is '[.processes[]|.verdict]' '["unknown","unknown"]'
	jq_is '.processes[0].reasons' '["/proc/101/numa_maps:2:1: expected a hexadecimal address, got '"'"'not-an-address'"'"'"]'
	jq_is '.processes[1].reasons' '["/proc/102/numa_maps:1:18: invalid node page count '"'"'N0=12x'"'"'"]'
}

@test "a PID given that does not exist is an input error, as an unknown --pod is" {
	run -2 --separate-stderr numa-verify --root "$NV/bad" 100 104 99999
	stderr_has 'numa-verify: process 104 not found'
	[ -z "$output" ]
}

@test "a status file without Cpus_allowed_list: a clear message, exit 2 for a PID given" {
	run -2 --separate-stderr numa-verify --root "$NV/bad" 103
	stderr_has 'numa-verify: /proc/103/status: no '"'"'Cpus_allowed_list:'"'"' line'
}

@test "unknown: numa_maps missing, or CPUs the machine does not have" {
	run -0 --separate-stderr numa-verify --root "$NV/bad" 105 107
	jq_is '[.processes[]|.verdict]' '["unknown","unknown"]'
	jq_is '.processes[0].reasons' '["cannot read /proc/105/numa_maps: No such file or directory"]'
	jq_is '.processes[1].reasons' '["cpus 40-47 are not online CPUs of this node"]'
}

@test "--all skips kernel threads and judges every process; sshd (allowed on every CPU) is unpinned" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" --all
	jq_is '[.processes[].pid]' '[812,1000,1001,2001,3001,4001]'
	jq_is '[.processes[]|select(.pid==812)|[.verdict,.reasons]]' '[["unpinned",[]]]'
}

@test "-o text: a numastat-like table with one column per NUMA node" {
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" -o text 1001 3001
	[ "${lines[0]}" = "Per-node process memory usage (in MBs)" ]
	[[ ${lines[1]} == "PID"*"Node 0"*"Node 1"*"Total"*"Local%"*"Verdict"*"CPUs" ]]
	[[ ${lines[3]} == "1001 (postgres)"*"332.63"*"1.17"*"333.80"*"99.6  aligned"*"2-3,18-19" ]]
	output_has "3001: only 5.8% of memory is on NUMA node 1 (--min-local 90)"
	[ "${lines[-1]}" = "verdict: misaligned" ]
}

@test "-t: topology from a NodeTopology document instead of /sys" {
	cat >"$BATS_TEST_TMPDIR/t.json" <<-'J'
	{"kind":"NodeTopology","apiVersion":"topokit/v1","cpus":[
	 {"id":0,"numa":0},{"id":1,"numa":0},{"id":2,"numa":0},{"id":3,"numa":0},{"id":4,"numa":0},
	 {"id":5,"numa":0},{"id":6,"numa":0},{"id":7,"numa":0},{"id":8,"numa":1},{"id":9,"numa":1},
	 {"id":10,"numa":1},{"id":11,"numa":1},{"id":26,"numa":1},{"id":27,"numa":1}]}
	J
	run -1 --separate-stderr numa-verify --root "$NV/2n-smt" -t "$BATS_TEST_TMPDIR/t.json" 3001
	jq_is '.processes[0].cpuNuma' '[1]'
}

@test "usage errors exit 2 with a try-help line" {
	run -2 --separate-stderr numa-verify
	stderr_has "nothing to verify"
	stderr_has "Try 'numa-verify --help' for more information."
	run -2 --separate-stderr numa-verify --min-local 101 1
	stderr_has "--min-local value '101' is out of range (0-100)"
	run -2 --separate-stderr numa-verify --expect-numa 1-x 1
	stderr_has "invalid --expect-numa value '1-x'"
	run -2 --separate-stderr numa-verify abc
	stderr_has "invalid PID 'abc'"
	run -2 --separate-stderr numa-verify -o yaml 1
	run -2 --separate-stderr numa-verify --root /nonexistent 1
	stderr_has "cannot read"
}

@test "--help lists every option and exits 0; --version" {
	run -0 --separate-stderr numa-verify --help
	for o in --all --pod --container --expect-numa --min-local --no-threads --cpu-manager-state \
		--kubelet-config --policy --reserved-cpus --topology --root --output --help --version; do
		output_has "$o"
	done
	[ -z "$stderr" ]
	run -0 numa-verify --version
	[ "$output" = "numa-verify (topokit) 0.1.0" ]
}

@test "man page: every example runs on the recorded 2-NUMA node (exit 0 or 1, output on stdout)" {
	local n=0 line
	while IFS= read -r line; do
		line=${line#.Dl }
		line=${line//\/var\/lib\/kubelet\//var/lib/kubelet/}
		line=${line//\$\$/1001}
		line=${line/--root \/tmp\/node1 /}
		read -ra args <<<"${line#numa-verify }"
		run --separate-stderr numa-verify --root "$NV/2n-smt" "${args[@]}"
		if [ "$status" -gt 1 ] || [ -z "$output" ]; then
			printf 'example failed (%s): %s\n%s\n' "$status" "$line" "$stderr" >&2
			return 1
		fi
		n=$((n + 1))
	done < <(grep '^\.Dl numa-verify' "$TK_ROOT/man/numa-verify.1")
	[ "$n" -ge 7 ]
}

@test "man page: mandoc -Tlint -W warning is clean, and every long option is documented" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	run -0 mandoc -Tlint -W warning "$TK_ROOT/man/numa-verify.1"
	[ -z "$output" ]
	local help
	help=$(numa-verify --help)
	for o in $(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u); do
		grep -q -- "${o#--}" "$TK_ROOT/man/numa-verify.1" || { echo "man lacks $o" >&2; return 1; }
		for c in bash/numa-verify zsh/_numa-verify fish/numa-verify.fish; do
			grep -q -- "${o#--}" "$TK_ROOT/completions/$c" || { echo "$c lacks $o" >&2; return 1; }
		done
	done
}

@test "live: --all while processes come and go never crashes (exit 0 or 1)" {
	( for i in $(seq 400); do /bin/true & done; wait ) &
	local churn=$!
	for i in 1 2 3; do
		run --separate-stderr numa-verify --all
		[ "$status" -le 1 ] || { echo "exit $status: $stderr" >&2; return 1; }
		jq_is '.verdict|IN("aligned","misaligned","unknown")' true
	done
	wait $churn
}

@test "live: a numa_maps longer than one seq_file page is read whole" {
	command -v python3 >/dev/null || skip "python3 not installed"
	[ -r /proc/self/numa_maps ] || skip "no numa_maps on this kernel"
	python3 -c '
import mmap, sys, time
maps = []
for i in range(400):
    m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | (mmap.PROT_WRITE if i % 2 else 0))
    if i % 2:
        m.write(b"x")
    maps.append(m)
print("ready", flush=True)
time.sleep(30)
' >"$BATS_TEST_TMPDIR/ready" &
	local pid=$!
	while ! grep -q ready "$BATS_TEST_TMPDIR/ready"; do sleep 0.05; done
	[ "$(wc -c </proc/$pid/numa_maps)" -gt 8192 ]
	verify_live_pages $pid
	kill $pid
	jq_is '[.processes[0].memoryPages[]]|add' "$by_hand"
}

@test "a memory policy (numactl --membind) that binds away from the CPUs' node is named" {
	run -1 --separate-stderr numa-verify --root "$NV/bad" 108
	jq_is '.processes[0].reasons' \
		'["memory policy of 2 mappings binds to NUMA node 0, not NUMA node 1 of its cpus","only 0.4% of memory is on NUMA node 1 (--min-local 90)"]'
}

@test "a thread moved to another NUMA node makes its process misaligned, and only that thread is named" {
	run -1 --separate-stderr numa-verify --root "$NV/bad" 109
	jq_is '.processes[0]|[.cpus,.cpuNuma,[.threads[].tid],.reasons]' \
		'["0-7",[0,1],[111],["thread 111 (C2 CompilerThre) cpus 8-9 on NUMA node 1"]]'
}
