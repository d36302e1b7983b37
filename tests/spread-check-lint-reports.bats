#!/usr/bin/env bats
# spread-check lint -o sarif / -o junit checked by their consumers' schemas:
# SARIF 2.1.0 (python3-jsonschema, formats included) and the Jenkins JUnit
# XSD (xmllint), with file names that need escaping, stdin and absolute paths.
load test_helper/common

SCHEMAS=$FIXTURES/schemas
LINT=$FIXTURES/spread-check/lint

setup() {
	cd "$BATS_TEST_TMPDIR"
	mkdir -p 'a&b<c'
	cp "$LINT/golden.yaml" 'a&b<c/m 1%.yaml'
	cp "$LINT/golden.yaml" 'a&b<c/ü:x#?.yaml'
}

@test "sarif: valid SARIF 2.1.0 with escaped, absolute and stdin locations" {
	run -1 --separate-stderr spread-check lint -o sarif 'a&b<c/m 1%.yaml' './a&b<c/ü:x#?.yaml' "$LINT/golden.yaml" - <"$LINT/golden.yaml"
	printf '%s\n' "$output" >report.sarif
	jq_is '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique' \
		"[\"a%26b%3Cc/%C3%BC%3Ax%23%3F.yaml\",\"a%26b%3Cc/m%201%25.yaml\",\"file://$LINT/golden.yaml\",\"stdin\"]"
	jq_is '.runs[0].originalUriBaseIds | keys' '["%SRCROOT%","STDIN"]'
	jq_is '[.runs[0].tool.driver.rules[] | (.helpUri != null) and (.help.markdown | length > 0)] | all' 'true'
	need_jsonschema
	run -0 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$SCHEMAS/sarif-schema-2.1.0.json" report.sarif
}

@test "sarif: the validator refuses a raw path as a uri (the check can fail)" {
	run -1 --separate-stderr spread-check lint -o sarif 'a&b<c/m 1%.yaml'
	printf '%s\n' "$output" | jq '.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "a&b<c/m 1%.yaml"' >raw.sarif
	need_jsonschema
	run -1 "$PY" "$TK_ROOT/tests/helpers/jsonschema-check" "$SCHEMAS/sarif-schema-2.1.0.json" raw.sarif
	output_has "is not a 'uri-reference'"
}

@test "sarif: fingerprints are distinct per finding and survive lines moving" {
	run -1 --separate-stderr spread-check lint -o sarif 'a&b<c/m 1%.yaml'
	local before=$output
	jq_is '[.runs[0].results[].partialFingerprints["spreadCheckFinding/v1"]] | (length == (unique | length)) and length > 1' 'true'
	{ printf '# a comment\n# and another\n'; cat "$LINT/golden.yaml"; } >'a&b<c/m 1%.yaml'
	run -1 --separate-stderr spread-check lint -o sarif 'a&b<c/m 1%.yaml'
	[ "$(printf '%s' "$output" | jq -c '[.runs[0].results[].partialFingerprints]')" = \
	  "$(printf '%s' "$before" | jq -c '[.runs[0].results[].partialFingerprints]')" ]
	[ "$(printf '%s' "$output" | jq -c '[.runs[0].results[].locations[0].physicalLocation.region.startLine]')" != \
	  "$(printf '%s' "$before" | jq -c '[.runs[0].results[].locations[0].physicalLocation.region.startLine]')" ]
}

@test "junit: valid against the JUnit XSD with & and < in paths, control characters and stdin" {
	command -v xmllint >/dev/null || skip "needs xmllint (libxml2-utils)"
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: "a\\x01b<&>", namespace: "n\\rs"}\nspec:\n  topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}]\n  containers: [{name: c, image: i}]\n' >ctl.yaml
	run -1 --separate-stderr spread-check lint -o junit 'a&b<c/m 1%.yaml' ctl.yaml - <"$LINT/golden.yaml"
	printf '%s\n' "$output" >report.xml
	run -0 xmllint --noout --schema "$SCHEMAS/junit-10.xsd" report.xml
	run -0 xmllint --xpath 'string(//testsuite[2]/testcase/@name)' report.xml
	[ "$output" = "Pod/n"$'\r'"s/a?b<&> (line 1)" ]
	run -0 xmllint --xpath 'string(//testsuite[1]/@name)' report.xml
	[ "$output" = 'a&b<c/m 1%.yaml' ]
}
