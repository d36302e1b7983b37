# tests/bench/lib.bash - the one way every tests/bench/*.sh measures (sourced).
#
# A benchmark compares a tool (A) with a baseline (B) on the same input in
# the same run. The machine is shared and noisy (the same command's time
# swings by 2x), so A and B run in turn, A B A B, BENCH_ROUNDS times, and the
# fastest sample of each counts: load only ever adds time. A sample is RUNS
# back-to-back invocations (small tools take milliseconds). The measure is
# CPU time (user + system of the command and its children) unless a
# benchmark is about wall time (parallel work).
#
# With BENCH_INSTR=1 each command also runs once under callgrind, and the
# ratio of instructions executed is printed beside the time ratio: it does
# not move with load, so it tells a real change from noise.
#
# Rows go to $BENCH_TABLE when tests/bench/run collects them (one table for
# all benchmarks); a script run alone prints its own rows at exit.
#
# API:
#   bench_init NAME            cd to the repository, make $W (a temp dir)
#   bench_need CMD...          skip the script (a "skipped" row) when one is missing
#   bench_skip WHY             the same, for another reason
#   bench_cc OUT SRC PKG...    compile a C baseline with -O2 against pkg-config PKGs
#   bench_ab NAME GOAL [--wall] [--runs N] [--instr] -- A... -- B...
#                              one row: A against B, ratio A/B, PASS when <= GOAL
#   bench_value NAME VALUE UNIT GOAL [NOTE]
#                              one row for an absolute bound (peak memory, seconds)
#   bench_peak_kib CMD...      peak RSS of one run of CMD, KiB
# A command may be a shell function (then --instr does not apply).
# Statuses 0 and 1 are verdicts; anything else fails the benchmark.

BENCH_ROUNDS=${BENCH_ROUNDS:-5}
BENCH_INSTR=${BENCH_INSTR:-0}
bench_rows=()
bench_failed=0

bench_init() {
	BENCH_NAME=$1
	cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 2
	TK_BIN=${TK_BIN:-$PWD/bin}
	TK_SHARED=${TK_SHARED:-../shared}
	W=$(mktemp -d "${TMPDIR:-/tmp}/tk-bench.XXXXXX") || exit 2
	trap 'bench_finish' EXIT
	command -v bc >/dev/null || { echo "$BENCH_NAME: needs bc" >&2; exit 2; }
}

bench_finish() {
	local r
	rm -rf "$W"
	if [ -z "${BENCH_TABLE:-}" ] && [ ${#bench_rows[@]} -gt 0 ]; then
		bench_header
		for r in "${bench_rows[@]}"; do bench_print_row "$r"; done
	fi
}

bench_header() {
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' benchmark tool baseline ratio goal instructions result
	printf '|---|---|---|---|---|---|---|\n'
}

# bench_print_row TAB-SEPARATED-ROW
bench_print_row() {
	local name tool base ratio goal instr result
	IFS=$'\t' read -r name tool base ratio goal instr result <<<"$1"
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$tool" "$base" "$ratio" "$goal" "$instr" "$result"
}

bench_row() {
	local IFS=$'\t' row
	row="$*"
	if [ -n "${BENCH_TABLE:-}" ]; then
		printf '%s\n' "$row" >>"$BENCH_TABLE"
	else
		bench_rows+=("$row")
	fi
	case $row in *REGRESSED*) bench_failed=1 ;; esac
	# progress on stderr, so that a long run shows where it is
	printf '%s: %s\n' "$BENCH_NAME" "${row//$'\t'/ | }" >&2
}

bench_skip() {
	bench_row "$BENCH_NAME" - - - - - "skipped: $1"
	exit 0
}

bench_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || bench_skip "needs $c"
	done
}

bench_cc() {
	local out=$1 src=$2
	shift 2
	# shellcheck disable=SC2046
	cc -O2 -o "$out" "$src" $(pkg-config --cflags --libs "$@") || { echo "$BENCH_NAME: cannot build $src" >&2; exit 2; }
}

# bench_sample METRIC RUNS CMD...: seconds of RUNS runs (cpu or wall)
bench_sample() {
	local metric=$1 runs=$2 t i TIMEFORMAT='%R %U %S'
	shift 2
	t=$( { time for ((i = 0; i < runs; i++)); do
		"$@" >/dev/null 2>"$W/bench.err"
		[ $? -le 1 ] || exit 2
	done; } 2>&1 ) || { echo "$BENCH_NAME: failed: $*" >&2; cat "$W/bench.err" >&2; return 2; }
	if [ "$metric" = wall ]; then
		echo "$t" | awk '{ print $1 }'
	else
		echo "$t" | awk '{ print $2 + $3 }'
	fi
}

# bench_instructions CMD...: instructions one run executes (callgrind)
bench_instructions() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		awk '/Collected :/ { n = $NF } END { print (n == "" ? 0 : n) }'
}

bench_min() {
	if [ -z "$1" ] || [ "$(echo "$2 < $1" | bc -l)" = 1 ]; then echo "$2"; else echo "$1"; fi
}

bench_ab() {
	local name=$1 goal=$2 metric=cpu runs=1 instr=0 a=() b=() r ta tb best_a= best_b= ratio ia ib iratio=- result
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		case $1 in
		--wall) metric=wall ;;
		--runs) runs=$2; shift ;;
		--instr) instr=$BENCH_INSTR ;;
		*) echo "bench_ab: unknown option $1" >&2; exit 2 ;;
		esac
		shift
	done
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	for ((r = 0; r < BENCH_ROUNDS; r++)); do
		ta=$(bench_sample "$metric" "$runs" "${a[@]}") || exit 2
		tb=$(bench_sample "$metric" "$runs" "${b[@]}") || exit 2
		best_a=$(bench_min "$best_a" "$ta")
		best_b=$(bench_min "$best_b" "$tb")
	done
	ratio=$(echo "if ($best_b > 0) $best_a / $best_b else 0" | bc -l)
	if [ "$instr" = 1 ]; then
		ia=$(bench_instructions "${a[@]}")
		ib=$(bench_instructions "${b[@]}")
		[ "$ib" -gt 0 ] && iratio=$(printf '%.2fx (%.3g / %.3g)' "$(echo "$ia / $ib" | bc -l)" "$ia" "$ib")
	fi
	result=PASS
	[ "$(echo "$ratio <= $goal" | bc -l)" = 1 ] || { result=REGRESSED; }
	bench_row "$name" "$(bench_secs "$(echo "$best_a / $runs" | bc -l)") $metric" \
		"$(bench_secs "$(echo "$best_b / $runs" | bc -l)") $metric" \
		"$(printf '%.2fx' "$ratio")" "<= ${goal}x" "$iratio" "$result"
}

# bench_secs SECONDS: "0.512 s", or "4.2 ms" under a second
bench_secs() {
	if [ "$(echo "$1 < 1" | bc -l)" = 1 ]; then
		printf '%.1f ms' "$(echo "$1 * 1000" | bc -l)"
	else
		printf '%.3f s' "$1"
	fi
}

bench_value() {
	local name=$1 value=$2 unit=$3 goal=$4 note=${5:-} result=PASS
	[ "$(echo "$value <= $goal" | bc -l)" = 1 ] || result=REGRESSED
	bench_row "$name" "$value $unit${note:+ ($note)}" - - "<= $goal $unit" - "$result"
}

bench_peak_kib() {
	/usr/bin/time -f '%M' -o "$W/bench.peak" "$@" >/dev/null 2>&1
	tail -1 "$W/bench.peak"
}
