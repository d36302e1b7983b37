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
	local f n=0 bad=""
	while IFS= read -r f; do
		n=$((n + 1))
		run --separate-stderr spread-check lint "$f"
		if [ "$status" -gt 1 ] || [ -n "$stderr" ]; then bad="$bad $f($status: $stderr)"; fi
	done < <(find "$M" -type f \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
	[ "$n" -ge 68 ]
	[ -z "$bad" ] || { echo "failed:$bad" >&2; return 1; }
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
