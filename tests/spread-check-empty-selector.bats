#!/usr/bin/env bats
# labelSelector: {} counts every pod of the namespace (kube-scheduler since
# kubernetes PR 141340, 1.38); an absent selector counts none; the older
# behaviour behind --scheduler-before-1.38. A selector the plugin cannot
# convert is an input error for place and simulate.
load test_helper/common

F=$TK_ROOT/tests/fixtures/spread-check/place/empty-selector

# place_json POD [options]: place's JSON for POD on the two-zone cluster (zone
# a holds two app=web pods of the namespace, zone b one of another namespace)
place_json() {
	local pod=$1
	shift
	run --separate-stderr spread-check place --nodes "$F/nodes.json" --pods "$F/pods.json" "$@" "$F/$pod.yaml"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
}

# verdicts: "node-a:false node-b:true" from place's JSON in $output
verdicts() { jq -r '[.nodes[] | "\(.name):\(.feasible)"] | join(" ")' <<<"$output"; }
scores() { jq -r '[.nodes[] | "\(.name):\(.score)"] | join(" ")' <<<"$output"; }

@test "DoNotSchedule with labelSelector {}: zone a is refused (2 + 1 - 0 > 1), as with the equivalent matchLabels" {
	place_json empty-hard
	[ "$(verdicts)" = "node-a:false node-b:true" ]
	place_json matchlabels-hard
	[ "$(verdicts)" = "node-a:false node-b:true" ]
}

@test "ScheduleAnyway with labelSelector {}: zone a scores 0, zone b 100" {
	place_json empty-soft
	[ "$(scores)" = "node-a:0 node-b:100" ]
}

@test "labelSelector {} with matchLabelKeys the pod lacks still counts every pod" {
	place_json empty-mlk-hard
	[ "$(verdicts)" = "node-a:false node-b:true" ]
}

@test "an absent labelSelector counts no pod, before and after 1.38" {
	place_json absent-hard
	[ "$(verdicts)" = "node-a:true node-b:true" ]
	place_json absent-hard --scheduler-before-1.38
	[ "$(verdicts)" = "node-a:true node-b:true" ]
}

@test "--scheduler-before-1.38: labelSelector {} counts no pod (both zones feasible, both score 100)" {
	place_json empty-hard --scheduler-before-1.38
	[ "$(verdicts)" = "node-a:true node-b:true" ]
	place_json empty-soft --scheduler-before-1.38
	[ "$(scores)" = "node-a:100 node-b:100" ]
}

@test "simulate with labelSelector {}: replicas go to zone b until the zones are level" {
	run --separate-stderr spread-check simulate --nodes "$F/nodes.json" --pods "$F/pods.json" --replicas 2 "$F/empty-hard.yaml"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	# zone a holds 2: the first new replica can only go to b; the second
	# to either (2 - 1 + 1 = 2 > 1 refuses a; b: 1 + 1 - 2 = 0): b again
	run jq -r '[.placements[].node] | join(" ")' <<<"$output"
	[ "$status" -eq 0 ]
	[ "$output" = "node-b node-b" ] || { echo "placed: $output"; return 1; }
}

@test "a selector value the scheduler cannot convert: place and simulate exit 2 naming the constraint" {
	run --separate-stderr spread-check place --nodes "$F/nodes.json" --pods "$F/pods.json" "$F/bad-value.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "spread-check place: $F/bad-value.yaml:17:7: topologySpreadConstraints[0].labelSelector: values[0][app]: Invalid value: \"-web\": a valid label must be"* ]] ||
		{ echo "$stderr"; return 1; }
	run --separate-stderr spread-check simulate --nodes "$F/nodes.json" --pods "$F/pods.json" "$F/bad-key.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "spread-check simulate: $F/bad-key.yaml:"*"topologySpreadConstraints[0].labelSelector: key: Invalid value: \"my key\": name part must"* ]] ||
		{ echo "$stderr"; return 1; }
}

@test "place refuses a second object with its position, never drops it (simulate places both)" {
	local two=$TK_ROOT/tests/fixtures/spread-check/place/misc/two-objects.yaml
	run -2 --separate-stderr spread-check place --nodes "$F/nodes.json" --pods "$F/pods.json" "$two"
	[ "$stderr" = "spread-check place: $two:6:1: a second object (Deployment b): give one pod or workload per run" ] ||
		{ echo "$stderr"; return 1; }
	run -0 --separate-stderr spread-check simulate --nodes "$F/nodes.json" --pods "$F/pods.json" "$two"
	jq_is '[.workloads[].workload.name, .replicas, .scheduled]' '["a","b",2,2]'
}

# counts: the first DoNotSchedule constraint's counted pods per domain
counts() { jq -c '.constraints[0].domains' <<<"$output"; }

@test "labelSelector {} counts every live pod of the namespace whatever its labels; so do empty matchLabels and matchExpressions" {
	# pods-mixed: web-1, web-2, db-1 in zone a, an unlabelled pod in b; not
	# another namespace's, a terminating or a Succeeded pod
	place_json empty-hard --counts --pods "$F/pods-mixed.yaml"
	[ "$(counts)" = '{"a":3,"b":1}' ] || { counts; return 1; }
	place_json empty-forms-hard --counts --pods "$F/pods-mixed.yaml"
	[ "$(counts)" = '{"a":3,"b":1}' ] || { counts; return 1; }
}

@test "labelSelector {} with matchLabelKeys the pod has is app=web (mergeLabelSetWithSelector), before and after 1.38" {
	place_json empty-mlk-present-hard --counts --pods "$F/pods-mixed.yaml"
	[ "$(counts)" = '{"a":2,"b":0}' ] || { counts; return 1; }
	place_json empty-mlk-present-hard --counts --pods "$F/pods-mixed.yaml" --scheduler-before-1.38
	[ "$(counts)" = '{"a":2,"b":0}' ] || { counts; return 1; }
}

@test "audit: labelSelector {} measures skew over every pod of the namespace; --scheduler-before-1.38 over none" {
	run -1 --separate-stderr spread-check audit --nodes "$F/nodes.json" --pods "$F/audit-pods.yaml"
	jq_is '.workloads[0].constraints[0] | [.counts, .skew, .violation]' '[{"a":2,"b":0},2,true]'
	run -0 --separate-stderr spread-check audit --scheduler-before-1.38 --nodes "$F/nodes.json" --pods "$F/audit-pods.yaml"
	jq_is '.workloads[0].constraints[0] | [.counts, .skew, .violation]' '[{"a":0,"b":0},0,false]'
}
