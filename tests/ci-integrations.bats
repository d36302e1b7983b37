#!/usr/bin/env bats
# The root files CI systems read: .pre-commit-hooks.yaml run by the real
# pre-commit (try-repo, offline: language system), and action.yml's steps run
# as a GitHub runner runs a composite action's shell steps.
load test_helper/common

LINT=$FIXTURES/spread-check/lint

setup() {
	REPO=$BATS_TEST_TMPDIR/repo
	mkdir -p "$REPO"
	cp "$LINT/golden.yaml" "$REPO/bad.yaml"
	cp "$LINT/clean.yaml" "$REPO/good.yaml"
	cd "$REPO"
}

@test "pre-commit try-repo: the spread-check-lint hook fails on the bad manifest only" {
	command -v pre-commit >/dev/null || skip "needs pre-commit (Debian package pre-commit)"
	git -C "$TK_ROOT" ls-files --error-unmatch .pre-commit-hooks.yaml >/dev/null 2>&1 ||
		skip "try-repo needs .pre-commit-hooks.yaml tracked in a git checkout"
	# pre-commit's own git work dominates (seconds a run): the hook's tool is
	# the one the sanitizer and valgrind runs check everywhere else
	[ -z "${TK_SANITIZE:-}${TK_VALGRIND:-}" ] || skip "runs in the plain pass only"
	git init -q && git add bad.yaml good.yaml
	export PRE_COMMIT_HOME=$BATS_TEST_TMPDIR/pre-commit GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid \
		GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
	run -1 pre-commit try-repo "$TK_ROOT" spread-check-lint --all-files
	output_has "spread-check lint...."
	output_has "- exit code: 1"
	output_has "bad.yaml:11:14: error: spec.topologySpreadConstraints[0].maxSkew"
	case $output in *good.yaml*) false ;; esac
}

need_action_runner() {
	python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml"
	export GITHUB_OUTPUT=$BATS_TEST_TMPDIR/github-output
	: >"$GITHUB_OUTPUT"
}

@test "action.yml: annotations, the SARIF report and the verdict of a failing lint" {
	need_action_runner
	run -0 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Lint upload-sarif=true paths="bad.yaml good.yaml"
	output_has "::error file=bad.yaml,line=11,col=14,title=TSC001 max-skew::"
	grep -qx 'exit-code=1' "$GITHUB_OUTPUT"
	jq -e '.runs[0].results | length == 5' spread-check.sarif
	run -1 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Verdict
}

@test "action.yml: a clean manifest passes, and strict makes warnings fail" {
	need_action_runner
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  topologySpreadConstraints: [{maxSkew: 1, topologyKey: rack, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {a: b}}}]\n  containers: [{name: c, image: i}]\n' >warn.yaml
	run -0 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Lint paths=good.yaml
	grep -qx 'exit-code=0' "$GITHUB_OUTPUT"
	[ ! -e spread-check.sarif ]
	: >"$GITHUB_OUTPUT"
	run -0 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Lint paths=warn.yaml strict=true
	output_has "::warning file=warn.yaml"
	grep -qx 'exit-code=1' "$GITHUB_OUTPUT"
}
