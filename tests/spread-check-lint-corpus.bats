#!/usr/bin/env bats
# spread-check lint over the real manifests in ../shared/data/manifests: no
# input error anywhere, and our verdicts on the peers' spread fixtures stay as
# recorded in fixtures/spread-check/lint/peer-verdicts.tsv (each difference from
# the peers is explained in fixtures/spread-check/lint/DIFFERENCES.md).

load test_helper/common

M=$SHARED/data/manifests
V=$FIXTURES/spread-check/lint/peer-verdicts.tsv

setup() {
	need_shared data/manifests
}

@test "every real manifest lints without exit 2" {
	# one run over the files as a list: any file's input error would make it
	# exit 2 with a message (every file is still read: summary.files)
	local files=()
	mapfile -t files < <(find "$M" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
	[ "${#files[@]}" -ge 68 ]
	run --separate-stderr spread-check lint "${files[@]}"
	[ "$status" -le 1 ] || { echo "exit $status: $stderr" >&2; return 1; }
	[ -z "$stderr" ] || { echo "stderr: $stderr" >&2; return 1; }
	jq_is '.summary.files' "${#files[@]}"
}

@test "the whole corpus as one directory: 68 files, JSON summary" {
	run --separate-stderr spread-check lint "$M"
	[ "$status" -eq 1 ]
	jq_is '.summary | [.files, .objects]' '[68,143]'
	run --separate-stderr spread-check lint -o sarif "$M"
	[ "$status" -eq 1 ]
	jq_is '.version' '"2.1.0"'
}

# per_file: "file<TAB>rules<TAB>has an error<TAB>has a warning" for each file
# with findings in the lint JSON in $output (rules in output order)
per_file() {
	printf '%s' "$output" | jq -r 'reduce .findings[] as $f ({}; .[$f.file | split("/") | last] += [$f])
		| to_entries[] | [.key, ([.value[].rule] | join(",")),
		  (any(.value[]; .severity == "error")), (any(.value[]; .severity == "warning"))] | @tsv'
}

@test "verdicts on the peers' spread fixtures match peer-verdicts.tsv" {
	# two runs over all the files (default, and --strict -e TSC301): each
	# file's rules in output order and its verdict (1 when it has an error,
	# or under --strict a warning, as the exit status says); each run exits
	# with the worst file's verdict
	local file rc rc2 rules f r e w bad="" files=() want=0 want2=0
	local -A got_rules got_rc got_rc2
	while IFS=$'\t' read -r file rc rc2 rules; do
		case $file in '#'*) continue ;; esac
		files+=("$M/spread/$file")
	done <"$V"
	[ "${#files[@]}" -ge 44 ]
	run --separate-stderr spread-check lint "${files[@]}"
	[ "$status" -le 1 ] && [ -z "$stderr" ] || { echo "exit $status: $stderr" >&2; return 1; }
	local status1=$status
	while IFS=$'\t' read -r f r e w; do
		got_rules[$f]=$r
		[ "$e" = true ] && got_rc[$f]=1
	done < <(per_file)
	run --separate-stderr spread-check lint --strict -e TSC301 "${files[@]}"
	[ "$status" -le 1 ] && [ -z "$stderr" ] || { echo "strict: exit $status: $stderr" >&2; return 1; }
	while IFS=$'\t' read -r f r e w; do
		[ "$e" = true ] || [ "$w" = true ] && got_rc2[$f]=1
	done < <(per_file)
	while IFS=$'\t' read -r file rc rc2 rules; do
		case $file in '#'*) continue ;; esac
		[ "${got_rc[$file]:-0}" = "$rc" ] && [ "${got_rules[$file]:-}" = "$rules" ] ||
			bad+="$file: exit ${got_rc[$file]:-0} rules ${got_rules[$file]:-} (want $rc $rules)"$'\n'
		[ "${got_rc2[$file]:-0}" = "$rc2" ] || bad+="$file: strict exit ${got_rc2[$file]:-0} (want $rc2)"$'\n'
		[ "$rc" -le "$want" ] || want=$rc
		[ "$rc2" -le "$want2" ] || want2=$rc2
	done <"$V"
	[ "$status1" -eq "$want" ] || bad+="the run exits $status1, its worst file $want"$'\n'
	[ "$status" -eq "$want2" ] || bad+="the strict run exits $status, its worst file $want2"$'\n'
	[ -z "$bad" ] || { printf '%s' "$bad" >&2; return 1; }
}
