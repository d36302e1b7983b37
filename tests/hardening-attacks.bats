#!/usr/bin/env bats
# Attacks on the files topokit opens (issue 15). Every step of the attacker
# runs as another user (nobody, through setpriv) in a directory that user can
# write: a sticky, world-writable directory like /tmp. The tools run as root,
# as they do next to the kubelet.
load test_helper/common

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root to act as another user (setpriv)"
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"
	D=$(mktemp -d /tmp/tk-attack.XXXXXX)
	chmod 1777 "$D"
	TOPO=$FIXTURES/topo/2s-2n-6c-2t.json
	HOLDER=
	CG=
}
teardown() {
	if [ -n "$HOLDER" ]; then kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; fi
	[ -z "$CG" ] || rmdir "$CG"
	rm -rf "$D"
}

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

# hold_lock FILE: nobody opens FILE for reading (all it needs for flock) and
# holds a shared lock on it until teardown
hold_lock() {
	local i
	as_nobody bash -c 'exec 9<"$1" && flock -s 9 && : >"$2" && exec sleep 600' _ "$1" "$D/held" \
		>/dev/null 2>&1 3>&- &
	HOLDER=$!
	for i in $(seq 1 400); do
		[ -e "$D/held" ] && return 0
		sleep 0.05
	done
	echo "the other user never got the lock" >&2
	return 1
}

@test "state: temp files another user planted are never written nor renamed over the state" {
	# the fixed name older versions used, and one of today's names
	as_nobody sh -c 'umask 0; echo planted >"$1/s.tmp"; echo planted >"$1/s.tmp-aaaaaaaaaa"' _ "$D"
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/s" --pod p --container c
	[ "$status" -eq 0 ]
	# older versions renamed the planted s.tmp over s: nobody owned the state
	[ "$(stat -c %u "$D/s")" = 0 ]
	[ "$(stat -c %a "$D/s")" = 600 ]
	[ "$(cat "$D/s.tmp")" = planted ]
	[ "$(cat "$D/s.tmp-aaaaaaaaaa")" = planted ]
	run as_nobody sh -c 'echo "{}" >"$1/s"' _ "$D"
	[ "$status" -ne 0 ]
	output=$(cat "$D/s")
	jq_is '.entries.p|keys' '["c"]'
}

@test "state: a lock file that is a symbolic link is refused, and nothing is created through it" {
	as_nobody ln -s "$D/victim" "$D/s.lock"
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/s" --pod p --container c
	[ "$status" -eq 2 ]
	stderr_has "$D/s.lock: cannot open lock file: is a symbolic link (refused)"
	[ ! -e "$D/victim" ]
	[ ! -e "$D/s" ]
}

@test "state: a query (no --pod) takes no lock and creates no file" {
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/q"
	[ "$status" -eq 0 ]
	[ "$(ls -A "$D")" = "" ]
}

@test "state: another user's lock file, held, is refused at once; root's own old 0644 lock held by another user ends after --wait" {
	as_nobody touch "$D/s.lock"
	hold_lock "$D/s.lock"
	run --separate-stderr timeout "$(time_limit 30)" cpuset-alloc -t "$TOPO" --count 1 --state "$D/s" --pod p --container c
	[ "$status" -eq 2 ]
	stderr_has "lock file belongs to uid 65534, not to us (refused: remove it)"
	kill "$HOLDER"
	wait "$HOLDER" || :
	HOLDER=
	rm -f "$D/s.lock" "$D/held"
	# a lock file as older versions created it: 0644, so anyone could open it
	: >"$D/s.lock"
	chmod 644 "$D/s.lock"
	hold_lock "$D/s.lock"
	run --separate-stderr timeout "$(time_limit 30)" cpuset-alloc -t "$TOPO" --count 1 --state "$D/s" --pod p --container c --wait 1
	[ "$status" -eq 2 ]
	stderr_has "$D/s.lock: still locked by another process after 1 s (see --wait); nothing changed"
	[ ! -e "$D/s" ]
	# from now on the lock file is ours alone
	[ "$(stat -c %a "$D/s.lock")" = 600 ]
}

@test "state: a FIFO, a device or a directory is refused at once (exit 2), never read" {
	as_nobody mkfifo "$D/fifo"
	run --separate-stderr timeout "$(time_limit 30)" cpuset-alloc -t "$TOPO" --count 1 --state "$D/fifo"
	[ "$status" -eq 2 ]
	stderr_has "$D/fifo: not a regular file (refused)"
	run --separate-stderr timeout "$(time_limit 30)" cpuset-alloc -t "$TOPO" --count 1 --state "$D/fifo" --pod p --container c
	[ "$status" -eq 2 ]
	stderr_has "$D/fifo: not a regular file (refused)"
	# /dev/zero used to be read to hundreds of MB before the size cap
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state /dev/zero
	[ "$status" -eq 2 ]
	stderr_has "/dev/zero: not a regular file (refused)"
	mkdir "$D/dir"
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/dir"
	[ "$status" -eq 2 ]
	stderr_has "$D/dir: not a regular file (refused)"
}

@test "state: a new file is 0600 whatever the umask; --force keeps the mode and owner of the kubelet's file" {
	run --separate-stderr sh -c 'umask 0; exec cpuset-alloc "$@"' _ -t "$TOPO" --count 1 --state "$D/n" --pod p --container c
	[ "$status" -eq 0 ]
	[ "$(stat -c %a "$D/n")" = 600 ]
	cp "$FIXTURES/cpuset-alloc/state/kubelet-v2.json" "$D/k"
	chown 0:65534 "$D/k"
	chmod 640 "$D/k"
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/k" --pod p --container c --force
	[ "$status" -eq 0 ]
	[ "$(stat -c %u:%g:%a "$D/k")" = "0:65534:640" ]
	# a state file another user planted is not trusted for an update
	as_nobody sh -c 'echo "{}" >"$1/planted"' _ "$D"
	run --separate-stderr cpuset-alloc -t "$TOPO" --count 1 --state "$D/planted" --pod p --container c
	[ "$status" -eq 2 ]
	stderr_has "$D/planted: belongs to uid 65534, neither to us nor to root (refused)"
}

@test "state: exit 2 means nothing changed: output that cannot be written records nothing" {
	run --separate-stderr sh -c 'exec cpuset-alloc "$@" >/dev/full' _ -t "$TOPO" --count 1 --state "$D/o" --pod p --container c
	[ "$status" -eq 2 ]
	[ ! -e "$D/o" ]
	cpuset-alloc -t "$TOPO" --count 1 --state "$D/o" --pod p --container c >/dev/null
	cp "$D/o" "$D/before"
	run --separate-stderr sh -c 'exec cpuset-alloc "$@" >/dev/full' _ -t "$TOPO" --state "$D/o" --release --pod p
	[ "$status" -eq 2 ]
	cmp "$D/before" "$D/o"
}

@test "--exec: a command that cannot run exits 127 or 126 and leaves no entry behind" {
	printf '%s\n' '{"cpus":[{"id":0,"core":0},{"id":1,"core":1}]}' >"$D/m.json"
	run -127 --separate-stderr cpuset-alloc -t "$D/m.json" --count 1 --state "$D/e" --pod p --container c \
		--exec -- /nonexistent/cmd
	stderr_has "cannot execute '/nonexistent/cmd'"
	[ ! -e "$D/e" ]
	cpuset-alloc -t "$D/m.json" --count 1 --state "$D/e" --pod p --container a >/dev/null
	cp "$D/e" "$D/before"
	printf '#!/bin/sh\n' >"$D/noexec"
	chmod 644 "$D/noexec"
	run -126 --separate-stderr cpuset-alloc -t "$D/m.json" --count 1 --state "$D/e" --pod p --container c \
		--exec -- "$D/noexec"
	cmp "$D/before" "$D/e"
}

@test "--exec: a cpuset cgroup that allows fewer CPUs is a failed bind (125): nothing runs, nothing is recorded" {
	local cpus=/sys/fs/cgroup/cpuset
	[ -w "$cpus" ] && [ -e "$cpus/cpuset.cpus" ] || skip "no writable cgroup v1 cpuset hierarchy"
	[ "$(cat /sys/devices/system/cpu/online)" != 0 ] || skip "this machine has one CPU"
	CG=$cpus/tk-attack.$$.$BATS_TEST_NUMBER
	mkdir "$CG"
	echo 0 >"$CG/cpuset.cpus"
	cat "$cpus/cpuset.mems" >"$CG/cpuset.mems"
	printf '%s\n' '{"cpus":[{"id":0,"core":0},{"id":1,"core":1}]}' >"$D/m.json"
	run -125 --separate-stderr sh -c 'echo $$ >"$1/tasks" && shift && exec cpuset-alloc "$@"' _ "$CG" \
		-t "$D/m.json" --count 2 --state "$D/b" --pod p --container c --exec -- touch "$D/ran"
	stderr_has "asked for CPUs 0-1, but the kernel allows only CPUs 0"
	[ ! -e "$D/ran" ]
	[ ! -e "$D/b" ]
}

# A small two-node tree under $1, built by whoever runs this: CPUs 0-3, node 0
# has 0-1 and node 1 has 2-3; process 1 (a host daemon) may run anywhere,
# process 2 is pinned to node 0 with its memory there.
make_tree() {
	local t=$1
	mkdir -p "$t/sys/devices/system/cpu" "$t/sys/devices/system/node/node0" \
		"$t/sys/devices/system/node/node1" "$t/proc/1" "$t/proc/2"
	echo 0-3 >"$t/sys/devices/system/cpu/online"
	echo 0-1 >"$t/sys/devices/system/node/node0/cpulist"
	echo 2-3 >"$t/sys/devices/system/node/node1/cpulist"
	printf 'Name:\tsystemd\nVmSize:\t1 kB\nThreads:\t1\nCpus_allowed_list:\t0-3\nMems_allowed_list:\t0-1\n' \
		>"$t/proc/1/status"
	echo '7f0000000000 default anon=20 dirty=20 N0=10 N1=10 kernelpagesize_kB=4' >"$t/proc/1/numa_maps"
	printf 'Name:\tdb\nVmSize:\t1 kB\nThreads:\t1\nCpus_allowed_list:\t0-1\nMems_allowed_list:\t0-1\n' \
		>"$t/proc/2/status"
	echo '7f0000000000 default anon=100 dirty=100 N0=100 kernelpagesize_kB=4' >"$t/proc/2/numa_maps"
}

@test "numa-verify --root: symbolic links in the tree never lead outside it" {
	# outside the tree: a process status and a checkpoint that must never be read
	printf 'Name:\tsecret\nVmSize:\t1 kB\nCpus_allowed_list:\t0\n' >"$D/secret"
	cp "$FIXTURES/cpuset-alloc/state/kubelet-v2.json" "$D/secret-state"
	as_nobody bash -c "$(declare -f make_tree); make_tree \"\$1/t\"; mkdir -p \"\$1/t/proc/3\" \"\$1/t/var/lib/kubelet\"
		ln -s \"\$1/secret\" \"\$1/t/proc/3/status\"
		ln -sf ../../../../secret \"\$1/t/proc/2/status\"
		ln -s \"\$1/secret-state\" \"\$1/t/var/lib/kubelet/cpu_manager_state\"" _ "$D"
	# openat2 resolves the links inside the tree, where nothing is found; the
	# walk used without it (and under valgrind) refuses every symbolic link
	run --separate-stderr numa-verify --root "$D/t" 3
	[ "$status" -eq 2 ]
	[[ $stderr == *"process 3 not found"* || $stderr == *"/proc/3/status: cannot read: Too many levels of symbolic links"* ]]
	run --separate-stderr numa-verify --root "$D/t" 2
	[ "$status" -eq 2 ]
	[[ $stderr == *"process 2 not found"* || $stderr == *"/proc/2/status: cannot read: Too many levels of symbolic links"* ]]
	run --separate-stderr numa-verify --root "$D/t" --cpu-manager-state var/lib/kubelet/cpu_manager_state
	[ "$status" -eq 2 ]
	stderr_has "var/lib/kubelet/cpu_manager_state: cannot read: "
	[[ $stderr != *"checkpoint"* ]]
	# a whole directory pointing at the live /proc
	as_nobody sh -c 'rm -rf "$1/t/proc" && ln -s /proc "$1/t/proc"' _ "$D"
	run --separate-stderr numa-verify --root "$D/t" $$
	[ "$status" -eq 2 ]
	[[ $output != *secret* ]]
}

@test "numa-verify --root: a FIFO planted as numa_maps or status never blocks; only regular files are read" {
	as_nobody bash -c "$(declare -f make_tree); make_tree \"\$1/t\"
		rm \"\$1/t/proc/2/numa_maps\" \"\$1/t/proc/1/status\"
		mkfifo \"\$1/t/proc/2/numa_maps\" \"\$1/t/proc/1/status\"" _ "$D"
	run --separate-stderr timeout "$(time_limit 30)" numa-verify --root "$D/t" 2
	[ "$status" -eq 0 ]
	jq_is '[.processes[0].verdict, .processes[0].reasons]' '["unknown",["cannot read /proc/2/numa_maps: not a regular file"]]'
	run --separate-stderr timeout "$(time_limit 30)" numa-verify --root "$D/t" 1
	[ "$status" -eq 2 ]
	stderr_has "/proc/1/status: cannot read: not a regular file"
}

@test "numa-verify: a PID that does not exist is an input error (exit 2), never aligned" {
	make_tree "$D/t"
	run --separate-stderr numa-verify --root "$D/t" 2 4242
	[ "$status" -eq 2 ]
	stderr_has "numa-verify: process 4242 not found"
	[ -z "$output" ]
}

@test "numa-verify --all: a host daemon allowed on every CPU is unpinned, not misaligned; a healthy node passes" {
	make_tree "$D/t"
	run --separate-stderr numa-verify --root "$D/t" --all
	[ "$status" -eq 0 ]
	jq_is '[.processes[]|[.pid,.verdict,.reasons]]' '[[1,"unpinned",[]],[2,"aligned",[]]]'
	jq_is '.verdict' '"aligned"'
	# told where it belongs, the same daemon is misaligned
	run --separate-stderr numa-verify --root "$D/t" --expect-numa 0 1
	[ "$status" -eq 1 ]
	jq_is '.processes[0].verdict' '"misaligned"'
	run --separate-stderr numa-verify --root "$D/t" -o text --all
	[ "$status" -eq 0 ]
	output_has "unpinned"
}

@test "topo-admit --state, a reader of the kubelet's checkpoint: a FIFO or a device is refused at once" {
	as_nobody mkfifo "$D/fifo"
	run --separate-stderr timeout "$(time_limit 30)" topo-admit -t "$FIXTURES/topo/2s-2n-16c-2t-gpu1.json" \
		--policy single-numa-node --cpu-manager-policy static --state "$D/fifo" "$FIXTURES/topo-admit/four-cpus.yaml"
	[ "$status" -eq 2 ]
	stderr_has "$D/fifo: not a regular file (refused)"
	run --separate-stderr topo-admit -t "$FIXTURES/topo/2s-2n-16c-2t-gpu1.json" \
		--policy single-numa-node --cpu-manager-policy static --state /dev/zero "$FIXTURES/topo-admit/four-cpus.yaml"
	[ "$status" -eq 2 ]
	stderr_has "/dev/zero: not a regular file (refused)"
}

# descendants PID...: every process below them
descendants() {
	local p c
	for p in "$@"; do
		for c in $(pgrep -P "$p" || :); do
			echo "$c"
			descendants "$c"
		done
	done
}

# pid_stopped PID...: one of them is in a ptrace or job-control stop
pid_stopped() {
	local p
	for p in "$@"; do
		case $(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) in t|T) return 0 ;; esac
	done
	return 1
}

@test "state: --force never replaces a file the kubelet rewrote after it was read (the kubelet takes no lock)" {
	command -v strace >/dev/null || skip "strace is missing"
	local pids k i modified=
	cp "$FIXTURES/cpuset-alloc/state/kubelet-v2.json" "$D/k"
	# stop cpuset-alloc at its first fsync (of the temp file: after it read
	# the state, before it checks it again and renames), as a kubelet writes
	# LeakSanitizer cannot run under a tracer (it ptraces the process itself)
	[ -z "${TK_SANITIZE:-}" ] || export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	strace -f -qq -o /dev/null -e trace=fsync -e inject=fsync:signal=SIGSTOP:when=1 \
		cpuset-alloc -t "$TOPO" --count 1 --state "$D/k" --pod p --container c --force \
		>"$D/out" 2>"$D/err" 3>&- &
	k=$!
	for i in $(seq 1 1200); do
		kill -0 "$k" 2>/dev/null || break
		pids=$(descendants "$k")
		if [ -z "$modified" ] && compgen -G "$D/k.tmp*" >/dev/null && pid_stopped $pids; then
			printf '%s' '{"policyName":"none","defaultCpuSet":"0-11","checksum":0}' >"$D/k.new"
			mv "$D/k.new" "$D/k"
			modified=1
		fi
		# resume it (again, if the stop came after an earlier SIGCONT)
		[ -z "$modified" ] || ! pid_stopped $pids || kill -CONT $pids 2>/dev/null || :
		sleep 0.05
	done
	# never left stopped: a run that did not finish is killed and fails
	if kill -0 "$k" 2>/dev/null; then
		pids=$(descendants "$k")
		kill -KILL "$k" $pids 2>/dev/null || :
	fi
	wait "$k" && status=0 || status=$?
	[ -n "$modified" ]
	[ "$status" -eq 2 ]
	grep -q "changed since it was read (the kubelet takes no lock); nothing written" "$D/err"
	[ "$(cat "$D/k")" = '{"policyName":"none","defaultCpuSet":"0-11","checksum":0}' ]
	[ -z "$(find "$D" -name 'k.tmp-*')" ]
}
