#!/usr/bin/env bats
# spread-check lint: the API server's validation of topologySpreadConstraints.
# Cases live in fixtures/spread-check/lint/validation-cases.tsv (name, the
# constraints as YAML flow, the expected field errors); the first 22 are
# TestValidateTopologySpreadConstraints of kubernetes
# pkg/apis/core/validation/validation_test.go.

load test_helper/common

CASES=$FIXTURES/spread-check/lint/validation-cases.tsv

# lint_case NAME: wrap the case's constraints in a Pod, lint it, and compare
# the error findings (text format, without position and rule id) in order.
lint_case() {
	local line tsc want got="" l m
	line=$(awk -F '\t' -v n="$1" '$1 == n' "$CASES")
	[ -n "$line" ] || { echo "no case named '$1'" >&2; return 1; }
	tsc=$(printf '%s\n' "$line" | cut -f2)
	want=$(printf '%s\n' "$line" | cut -f3)
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: nginx}}\nspec:\n  containers: [{name: c, image: i}]\n  topologySpreadConstraints: %s\n' \
		"$tsc" >"$BATS_TEST_TMPDIR/pod.yaml"
	run --separate-stderr spread-check lint -o text "$BATS_TEST_TMPDIR/pod.yaml"
	# an object that does not decode is an input error (exit 2), still reported
	case $want in
	*"cannot unmarshal"*) [ "$status" -eq 2 ] || { echo "want exit 2, got $status" >&2; return 1; } ;;
	*) [ "$status" -le 1 ] || { echo "exit $status: $stderr" >&2; return 1; } ;;
	esac
	while IFS= read -r l; do
		case $l in *": error: "*) ;; *) continue ;; esac
		m=${l#*: error: }
		m=${m% \[TSC*\]}
		got=${got:+$got || }$m
	done <<<"$output"
	if [ "$got" != "$want" ]; then
		printf 'case:     %s\nexpected: %s\ngot:      %s\n' "$1" "$want" "$got" >&2
		return 1
	fi
	case $want in
	"") [ "$status" -eq 0 ] ;;
	*"cannot unmarshal"*) [ -n "$stderr" ] ;;
	*) [ "$status" -eq 1 ] ;;
	esac
}

@test "validation case table has 43 cases" {
	run -0 grep -vc '^#' "$CASES"
	[ "$output" = 43 ]
}

@test "validation: all required fields ok" { lint_case "all required fields ok"; }
@test "validation: missing MaxSkew" { lint_case "missing MaxSkew"; }
@test "validation: negative MaxSkew" { lint_case "negative MaxSkew"; }
@test "validation: can use MinDomains with ScheduleAnyway, when MinDomains = nil" { lint_case "can use MinDomains with ScheduleAnyway, when MinDomains = nil"; }
@test "validation: negative minDomains is invalid" { lint_case "negative minDomains is invalid"; }
@test "validation: cannot use non-nil MinDomains with ScheduleAnyway" { lint_case "cannot use non-nil MinDomains with ScheduleAnyway"; }
@test "validation: use negative MinDomains with ScheduleAnyway(invalid)" { lint_case "use negative MinDomains with ScheduleAnyway(invalid)"; }
@test "validation: missing TopologyKey" { lint_case "missing TopologyKey"; }
@test "validation: missing scheduling mode" { lint_case "missing scheduling mode"; }
@test "validation: unsupported scheduling mode" { lint_case "unsupported scheduling mode"; }
@test "validation: multiple constraints ok with all required fields" { lint_case "multiple constraints ok with all required fields"; }
@test "validation: multiple constraints missing TopologyKey on partial ones" { lint_case "multiple constraints missing TopologyKey on partial ones"; }
@test "validation: duplicate constraints" { lint_case "duplicate constraints"; }
@test "validation: supported policy name set on NodeAffinityPolicy and NodeTaintsPolicy" { lint_case "supported policy name set on NodeAffinityPolicy and NodeTaintsPolicy"; }
@test "validation: unsupported policy name set on NodeAffinityPolicy" { lint_case "unsupported policy name set on NodeAffinityPolicy"; }
@test "validation: unsupported policy name set on NodeTaintsPolicy" { lint_case "unsupported policy name set on NodeTaintsPolicy"; }
@test "validation: key in MatchLabelKeys isn't correctly defined" { lint_case "key in MatchLabelKeys isn't correctly defined"; }
@test "validation: key exists in both matchLabelKeys and labelSelector" { lint_case "key exists in both matchLabelKeys and labelSelector"; }
@test "validation: key in MatchLabelKeys is forbidden to be specified when labelSelector is not set" { lint_case "key in MatchLabelKeys is forbidden to be specified when labelSelector is not set"; }
@test "validation: invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false" { lint_case "invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false"; }
@test "validation: invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is true (create: still an error)" { lint_case "invalid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is true (create: still an error)"; }
@test "validation: valid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false" { lint_case "valid matchLabels set on labelSelector when AllowInvalidTopologySpreadConstraintLabelSelector is false"; }
@test "validation: matchExpressions In without values" { lint_case "matchExpressions In without values"; }
@test "validation: matchExpressions Exists with values" { lint_case "matchExpressions Exists with values"; }
@test "validation: matchExpressions Gt is not a label selector operator" { lint_case "matchExpressions Gt is not a label selector operator"; }
@test "validation: matchExpressions bad key and bad value" { lint_case "matchExpressions bad key and bad value"; }
@test "validation: matchLabels value too long" { lint_case "matchLabels value too long"; }
@test "validation: duplicate reported once per earlier constraint" { lint_case "duplicate reported once per earlier constraint"; }
@test "validation: same key with both actions is no duplicate" { lint_case "same key with both actions is no duplicate"; }
@test "validation: all errors of one constraint in validation order" { lint_case "all errors of one constraint in validation order"; }
@test "validation: maxSkew as a string does not decode" { lint_case "maxSkew as a string does not decode"; }
@test "validation: maxSkew beyond int32 does not decode" { lint_case "maxSkew beyond int32 does not decode"; }
@test "validation: matchLabels integer value does not decode" { lint_case "matchLabels integer value does not decode"; }
@test "validation: constraints not a list" { lint_case "constraints not a list"; }
@test "validation: null constraints are none" { lint_case "null constraints are none"; }
@test "validation: empty list is valid" { lint_case "empty list is valid"; }
@test "validation: quoted whenUnsatisfiable is a string" { lint_case "quoted whenUnsatisfiable is a string"; }
@test "validation: merge: matchLabelKeys key the pod carries, also in matchExpressions" { lint_case "merge: matchLabelKeys key the pod carries, also in matchExpressions"; }
@test "validation: merge: matchLabelKeys key the pod carries, also in matchLabels" { lint_case "merge: matchLabelKeys key the pod carries, also in matchLabels"; }
@test "validation: merge: a key named twice in matchLabelKeys is reported at its last index" { lint_case "merge: a key named twice in matchLabelKeys is reported at its last index"; }
@test "validation: merge: key the pod does not carry, also in matchLabels" { lint_case "merge: key the pod does not carry, also in matchLabels"; }
@test "validation: merge: without labelSelector only Forbidden, keys are not checked" { lint_case "merge: without labelSelector only Forbidden, keys are not checked"; }
@test "validation: merge: bad key names with a labelSelector" { lint_case "merge: bad key names with a labelSelector"; }
