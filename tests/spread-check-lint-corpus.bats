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

@test "verdicts on the peers' spread fixtures match peer-verdicts.tsv" {
	local file rc rc2 rules got bad=""
	while IFS=$'\t' read -r file rc rc2 rules; do
		case $file in '#'*) continue ;; esac
		run --separate-stderr spread-check lint "$M/spread/$file"
		got=$(printf '%s' "$output" | jq -r '[.findings[].rule] | join(",")')
		[ "$status" = "$rc" ] && [ "$got" = "$rules" ] || bad="$bad\n$file: exit $status rules $got (want $rc $rules)"
		run --separate-stderr spread-check lint --strict -e TSC301 "$M/spread/$file"
		[ "$status" = "$rc2" ] || bad="$bad\n$file: strict exit $status (want $rc2)"
	done <"$V"
	[ -z "$bad" ] || { printf "$bad\n" >&2; return 1; }
}
