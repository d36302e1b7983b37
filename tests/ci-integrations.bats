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
	# YAML and JSON a repository holds besides manifests: skipped
	mkdir -p .github/workflows
	printf 'name: ci\non: [push]\njobs:\n  t: {runs-on: ubuntu-latest, steps: [{run: make}]}\n' >.github/workflows/ci.yaml
	printf '{"name": "x", "version": "1.0.0"}\n' >package.json
	printf -- '- hosts: all\n  tasks: []\n' >playbook.yml
	git init -q && git add bad.yaml good.yaml .github package.json playbook.yml
	export PRE_COMMIT_HOME=$BATS_TEST_TMPDIR/pre-commit GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid \
		GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.invalid
	run -1 pre-commit try-repo "$TK_ROOT" spread-check-lint --all-files
	output_has "spread-check lint...."
	output_has "- exit code: 1"
	output_has "bad.yaml:11:14: error: spec.topologySpreadConstraints[0].maxSkew"
	case $output in *good.yaml* | *ci.yaml* | *package.json* | *playbook.yml*) false ;; esac
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

@test "action.yml only-manifests: a list of changed files with a workflow in it lints the manifests only" {
	need_action_runner
	printf 'name: ci\non: [push]\n' >wf.yaml
	# the step records the verdict; the Verdict step fails the job with it
	run -0 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Lint paths="wf.yaml good.yaml"
	grep -qx 'exit-code=2' "$GITHUB_OUTPUT"
	: >"$GITHUB_OUTPUT"
	run -0 "$TK_ROOT/tests/helpers/run-action-step" "$TK_ROOT/action.yml" Lint paths="wf.yaml good.yaml" only-manifests=true
	grep -qx 'exit-code=0' "$GITHUB_OUTPUT"
}

@test "spread-check lint --only-manifests: named files that are no Kubernetes object are skipped as in a directory, manifests are linted" {
	printf 'name: ci\non: [push]\n' >wf.yaml
	printf -- '- a\n' >list.yml
	: >empty.yaml
	printf 'apiVersion: v1\nkind: Pod\n' >notes.txt
	run -1 --separate-stderr spread-check lint --only-manifests wf.yaml list.yml empty.yaml notes.txt bad.yaml good.yaml
	[ -z "$stderr" ]
	# read: all but notes.txt (not a .yaml, .yml or .json name); findings: bad.yaml's
	jq_is '[.summary.files, ([.findings[].file] | unique)]' '[5,["bad.yaml"]]'
	# without it, a named file is a manifest: undecodable, exit 2
	run -2 --separate-stderr spread-check lint wf.yaml good.yaml
	stderr_has "wf.yaml:1:1: apiVersion: Object 'apiVersion' is missing"
}

@test "the build's libraries: action.yml, deploy/Containerfile's build stage and debian/control install every package the Makefile's pkg-config check needs" {
	command -v dpkg >/dev/null || skip "needs dpkg to name the packages"
	local pc pkg pkgs=() n=0
	# PKGS and the libraries pkgcheck adds to them
	read -ra pkgs <<<"$(sed -n 's/^PKGS = //p' "$TK_ROOT/Makefile") $(sed -n 's/.*--exists \$(PKGS) \([^2]*\) 2>.*/\1/p' "$TK_ROOT/Makefile" | head -1)"
	for pc in "${pkgs[@]}"; do
		# the Debian package that holds NAME.pc here, as dpkg says
		pkg=$(dpkg -S "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" | cut -d: -f1)
		[ -n "$pkg" ]
		grep -q -- "$pkg" "$TK_ROOT/action.yml" || { echo "action.yml does not install $pkg ($pc)"; return 1; }
		sed -n '/AS build/,/^FROM/p' "$TK_ROOT/deploy/Containerfile" | grep -q -- "$pkg" ||
			{ echo "the Containerfile's build stage does not install $pkg ($pc)"; return 1; }
		grep '^Build-Depends:' "$TK_ROOT/debian/control" | grep -q -- "$pkg" ||
			{ echo "debian/control does not build-depend on $pkg ($pc)"; return 1; }
		n=$((n + 1))
	done
	[ "$n" -eq 4 ]
}
