#!/usr/bin/env bats
# spread-check lint --jobs: files linted in parallel give the same report,
# the same messages on stderr (in input order) and the same exit status as
# a serial run, byte for byte (issue 16 part 2).
load test_helper/common

L=$FIXTURES/spread-check/lint

# A repository of many files: findings, objects the API server would not
# decode, broken YAML, a plain list and a values file (skipped in a
# directory), a dangling link, a file that is not YAML; on the command
# line also a missing path, an empty file and one file named twice.
setup() {
	R=$BATS_TEST_TMPDIR/repo
	mkdir -p "$R/sub"
	cp "$L/golden.yaml" "$R/a-golden.yaml"
	cp "$L/clean.yaml" "$R/b-clean.yaml"
	cp -r "$L/undecodable" "$R/c-undecodable"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: [\n' >"$R/d-broken.yaml"
	printf -- '- a\n- b\n' >"$R/e-list.yaml"
	ln -s "$R/nowhere.yaml" "$R/f-dangling.yaml"
	echo 'not yaml: [' >"$R/g-notes.txt"
	local i
	for i in 1 2 3 4 5 6 7 8; do
		sed "s/name: /name: copy$i-/" "$L/golden.yaml" >"$R/sub/h-$i.yaml"
	done
	: >"$BATS_TEST_TMPDIR/empty.yaml"
	ARGS=("$R" "$BATS_TEST_TMPDIR/missing.yaml" "$BATS_TEST_TMPDIR/empty.yaml"
		"$L/golden.yaml" "$L/golden.yaml" "$L/undecodable-neighbour.yaml")
}

# same_as_serial FORMAT JOBS...: each JOBS run prints what --jobs 1 prints
same_as_serial() {
	local fmt=$1 j want_out want_err want_status
	shift
	run --separate-stderr spread-check lint -o "$fmt" --jobs 1 "${ARGS[@]}"
	[ "$status" -eq 2 ]
	want_out=$output want_err=$stderr want_status=$status
	[ -n "$want_out" ]
	for j in "$@"; do
		run --separate-stderr spread-check lint -o "$fmt" --jobs "$j" "${ARGS[@]}"
		[ "$status" -eq "$want_status" ]
		[ "$output" = "$want_out" ] || { diff <(echo "$want_out") <(echo "$output") >&2; return 1; }
		[ "$stderr" = "$want_err" ] || { diff <(echo "$want_err") <(echo "$stderr") >&2; return 1; }
	done
}

@test "lint --jobs: JSON report, stderr and exit status of parallel runs equal the serial run's" {
	same_as_serial json 2 5
	# and it is a real report of every file, errors in input order
	jq_is '.summary | [.files, .errors > 0, .warnings > 0]' '[27,true,true]'
	local broken missing empty
	broken=$(grep -n 'd-broken.yaml' <<<"$stderr" | cut -d: -f1)
	missing=$(grep -n 'missing.yaml' <<<"$stderr" | cut -d: -f1)
	empty=$(grep -n 'empty.yaml: empty input' <<<"$stderr" | cut -d: -f1)
	[ -n "$broken" ]
	[ -n "$missing" ]
	[ -n "$empty" ]
	[ "$broken" -lt "$missing" ]
	[ "$missing" -lt "$empty" ]
	stderr_has "spread-check lint: $R/f-dangling.yaml: No such file or directory"
}

@test "lint --jobs: JUnit (objects grouped by file, a file named twice in a row is one) and text equal the serial run's" {
	same_as_serial junit 3
	same_as_serial text 4
}

@test "lint --jobs: the default (one job per CPU) equals --jobs 1; a bad count is a usage error" {
	run --separate-stderr spread-check lint --jobs 1 "$L/golden.yaml" "$L/clean.yaml" "$L/golden.yaml"
	[ "$status" -eq 1 ]
	local want=$output
	run --separate-stderr spread-check lint "$L/golden.yaml" "$L/clean.yaml" "$L/golden.yaml"
	[ "$status" -eq 1 ]
	[ "$output" = "$want" ]
	run -2 --separate-stderr spread-check lint --jobs 0 "$L/golden.yaml"
	stderr_has "invalid --jobs '0'"
}
