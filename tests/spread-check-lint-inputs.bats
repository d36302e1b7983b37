#!/usr/bin/env bats
# spread-check lint: objects the API server would not decode are input
# errors (exit 2, file:line:col; issue 15), one unreadable input does not
# lose the report of the others, and --fail-if-no-objects.
load test_helper/common

U=$FIXTURES/spread-check/lint/undecodable

@test "lint: every object the API server would not decode is an input error with its position, each file reported" {
	run -2 --separate-stderr spread-check lint -o json "$U"/*.yaml
	local want
	while IFS= read -r want; do
		stderr_has "spread-check lint: $U/$want"
	done <<'EOF2'
affinity-list.yaml:4:36: spec.template.spec.affinity: cannot unmarshal array into Go struct field PodSpec.affinity of type v1.Affinity
annotation-map.yaml:3:38: metadata.annotations: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string
kind-list.yaml:2:7: kind: cannot unmarshal array into Go struct field TypeMeta.kind of type string
label-number.yaml:4:63: spec.jobTemplate.spec.template.metadata.labels: cannot unmarshal number 1 into Go struct field ObjectMeta.metadata.labels of type string
labels-list.yaml:3:29: metadata.labels: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string
meta-list.yaml:3:11: metadata: cannot unmarshal array into Go struct field Pod.metadata of type v1.ObjectMeta
no-apiversion.yaml:1:1: apiVersion: Object 'apiVersion' is missing
no-kind.yaml:1:1: kind: Object 'Kind' is missing
replicas-string.yaml:4:18: spec.replicas: cannot unmarshal string into Go struct field DeploymentSpec.replicas of type int32
spec-string.yaml:4:7: spec: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec
template-string.yaml:4:18: spec.template: cannot unmarshal string into Go struct field DeploymentSpec.template of type v1.PodTemplateSpec
EOF2
	# the report still lists them (for CI annotations), one TSC009 per problem
	jq_is '[.findings[] | .rule] | unique' '["TSC009"]'
	jq_is '.findings | length' '12'
}

@test "lint: a mapping without kind met while walking a directory is not a manifest and is skipped" {
	run -0 --separate-stderr spread-check lint "$U/dir"
	jq_is '.summary | [.objects, .errors]' '[1,0]'
	[ -z "$stderr" ]
}

@test "lint: an unreadable input is reported (exit 2) and the others are still reported in the chosen format" {
	local ok=$FIXTURES/spread-check/lint/undecodable-neighbour.yaml
	run -2 --separate-stderr spread-check lint -o json "$ok" "$BATS_TEST_TMPDIR/missing.yaml" "$U/dir"
	stderr_has "spread-check lint: $BATS_TEST_TMPDIR/missing.yaml: No such file or directory"
	jq_is '[.summary.objects, [.findings[].rule]]' '[2,["TSC001","TSC111","TSC102"]]'
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n' >"$BATS_TEST_TMPDIR/broken.yaml"
	run -2 --separate-stderr spread-check lint -o junit "$BATS_TEST_TMPDIR/broken.yaml" "$ok"
	stderr_has "spread-check lint: $BATS_TEST_TMPDIR/broken.yaml:"
	output_has 'TSC001'
	output_has '</testsuites>'
}

@test "lint --fail-if-no-objects: an empty pipe fails (exit 1), objects pass; without it an empty pipe passes" {
	run -1 --separate-stderr spread-check lint --fail-if-no-objects - </dev/null
	stderr_has "no object to lint in the inputs (--fail-if-no-objects)"
	jq_is '.summary.objects' '0'
	run -0 --separate-stderr spread-check lint - </dev/null
	run -0 --separate-stderr spread-check lint --fail-if-no-objects "$U/dir"
}
