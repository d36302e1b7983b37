#!/usr/bin/env bats
# spread-check lint: golden output of every format (-o json|text|github|sarif|junit)
# for fixtures/spread-check/lint/golden.yaml, linted from its directory so the
# file names in the output are stable.

load test_helper/common

G=$EXPECTED/spread-check/lint

golden() {  # FORMAT EXT
	cd "$FIXTURES/spread-check/lint"
	run --separate-stderr spread-check lint -o "$1" golden.yaml
	[ "$status" -eq 1 ]
	[ -z "$stderr" ]
	diff -u "$G/golden.$2" <(printf '%s\n' "$output")
}

@test "-o json is the default and matches golden.json" {
	golden json json
	cd "$FIXTURES/spread-check/lint"
	run --separate-stderr spread-check lint golden.yaml
	[ "$status" -eq 1 ]
	diff -u "$G/golden.json" <(printf '%s\n' "$output")
}

@test "-o text matches golden.txt (file:line:col: severity: message [rule])" {
	golden text txt
}

@test "-o github matches golden.github (workflow commands, escaped properties)" {
	golden github github
	output_has '::error file=golden.yaml,line=11,col=14,title=TSC001 max-skew::'
}

@test "-o github escapes ',' and ':' in the file property" {
	cp "$FIXTURES/spread-check/lint/golden.yaml" "$BATS_TEST_TMPDIR/a,b:c.yaml"
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr spread-check lint -o github "a,b:c.yaml"
	[ "$status" -eq 1 ]
	output_has '::error file=a%2Cb%3Ac.yaml,line=11,col=14,'
}

@test "-o sarif matches golden.sarif and has the SARIF 2.1.0 structure" {
	golden sarif sarif
	jq_is '.version' '"2.1.0"'
	jq_is '.runs | length' '1'
	jq_is '.runs[0].tool.driver.name' '"spread-check"'
	jq_is '[.runs[0].tool.driver.rules[].id] | length' '27'
	jq_is '. as $r | [$r.runs[0].results[] | $r.runs[0].tool.driver.rules[.ruleIndex].id == .ruleId] | all' 'true'
	jq_is '[.runs[0].results[] | (.level | IN("error","warning")) and (.message.text | length > 0) and (.locations[0].physicalLocation.region.startLine >= 1)] | all' 'true'
	jq_is '.runs[0].results[0].locations[0].physicalLocation' '{"artifactLocation":{"uri":"golden.yaml","uriBaseId":"%SRCROOT%"},"region":{"startLine":11,"startColumn":14}}'
}

@test "-o junit matches golden.xml and is well-formed XML" {
	golden junit xml
	if command -v xmllint >/dev/null; then
		xmllint --noout "$G/golden.xml"
	fi
}

@test "junit: warnings are failures under --strict" {
	cd "$FIXTURES/spread-check/lint"
	run --separate-stderr spread-check lint -o junit --strict golden.yaml
	[ "$status" -eq 1 ]
	output_has '<testsuites name="spread-check lint" tests="2" failures="2" errors="0">'
	output_has '<failure type="spread-check" message="3 findings">'
}

@test "no finding: every format stays valid" {
	cd "$FIXTURES/spread-check/lint"
	run --separate-stderr spread-check lint -o text clean.yaml
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr spread-check lint -o github clean.yaml
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr spread-check lint -o sarif clean.yaml
	[ "$status" -eq 0 ]
	jq_is '.runs[0].results' '[]'
	run --separate-stderr spread-check lint -o junit clean.yaml
	[ "$status" -eq 0 ]
	output_has '<testcase classname="clean.yaml" name="Deployment/shop/web (line 2)"/>'
}
