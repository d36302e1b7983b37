#!/usr/bin/env bats
# spread-check simulate: small clusters with known answers.
load test_helper/common

SIM=$FIXTURES/spread-check/simulate

@test "simulate: 6 replicas, zone DoNotSchedule maxSkew 1, spread 2/2/2" {
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" "$SIM/web-zone-hard.yaml"
	jq_is '.workload' '{"kind":"Deployment","namespace":"shop","name":"web"}'
	jq_is '[.replicas,.scheduled,.pending]' '[6,6,0]'
	jq_is '.domains[0].counts' '{"a":2,"b":2,"c":2}'
	jq_is '.domains[0].skew' '0'
	jq_is '[.placements[].node]' '["a1","b1","c1","a1","b1","c1"]'
}

@test "simulate: ties go to the lowest node name" {
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --replicas 1 "$SIM/web-zone-hard.yaml"
	jq_is '[.placements[].node]' '["a1"]'
}

@test "simulate: --seed breaks ties at random, reproducibly" {
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --seed 7 "$SIM/web-zone-hard.yaml"
	first=$output
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --seed 7 "$SIM/web-zone-hard.yaml"
	[ "$output" = "$first" ]
	jq_is '.domains[0].counts' '{"a":2,"b":2,"c":2}'
}

@test "simulate: replicas beyond capacity stay Pending with the scheduler's FitError message" {
	run -1 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --replicas 14 "$SIM/web-zone-hard.yaml"
	jq_is '[.scheduled,.pending]' '[13,1]'
	jq_is '.domains[0].counts' '{"a":5,"b":4,"c":4}'
	jq_is '.pendingReplicas[0].reason' '"0/4 nodes are available: 1 node(s) didn'"'"'t match pod topology spread constraints, 3 Insufficient cpu, 3 Insufficient memory."'
}

@test "simulate: --fail loses a zone and reschedules its replicas" {
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --fail topology.kubernetes.io/zone=c "$SIM/web-zone-hard.yaml"
	jq_is '.domains[0].counts' '{"a":3,"b":3}'
	jq_is '.failed' '{"domains":["topology.kubernetes.io/zone=c"],"nodes":["c1"],"lostPods":2,"rescheduled":2}'
	jq_is '[.placements[] | select(.rescheduled) | .replica]' '[2,5]'
}

@test "simulate: unschedulable, tainted and non-matching nodes are filtered with reasons" {
	run -1 --separate-stderr spread-check simulate --nodes "$SIM/tainted.yaml" "$SIM/ssd.yaml"
	jq_is '.pendingReplicas[0].reason' '"0/3 nodes are available: 1 node(s) didn'"'"'t match Pod'"'"'s node affinity/selector, 1 node(s) had untolerated taint(s), 1 node(s) were unschedulable."'
}

@test "simulate: -o text" {
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" -o text "$SIM/web-zone-soft.yaml"
	output_has "Deployment shop/web: 6/6 replicas scheduled, 0 pending"
	output_has "topology.kubernetes.io/zone (ScheduleAnyway, maxSkew 1): skew 0"
}

@test "simulate: an invalid constraint is an input error with its position" {
	run -2 --separate-stderr spread-check simulate --nodes "$SIM/tainted.yaml" "$SIM/bad.yaml"
	stderr_has "bad.yaml:7:19:"
}

@test "simulate: --nodes is required" {
	run -2 --separate-stderr spread-check simulate "$SIM/bad.yaml"
	stderr_has "--nodes is required"
}

@test "simulate: --fail reschedules the workload's lost running pods with their own labels" {
	# web-2 (pod-template-hash old) is lost with zone c; its ReplicaSet
	# recreates it as an "old" pod, so it joins web-1's generation: zone b
	run -0 --separate-stderr spread-check simulate --nodes "$SIM/3zones.yaml" --pods "$SIM/web-running.yaml" --replicas 0 --fail topology.kubernetes.io/zone=c "$SIM/web-zone-hard.yaml"
	jq_is '.failed | [.nodes, .lostPods, .rescheduled]' '[["c1"],2,1]'
	jq_is '[.placements[] | [.node, .rescheduled]]' '[["b1",true]]'
}

@test "simulate: several workloads in order, each seeing the replicas placed before it" {
	local es=$FIXTURES/spread-check/place/empty-selector
	# zone a holds two app=web pods: web-a goes to b twice (a:2 b:2); web-b
	# sees those and levels a:3 b:3 (alone it would have gone b, b)
	run -0 --separate-stderr spread-check simulate --nodes "$es/nodes.json" --pods "$es/pods.json" "$SIM/two-deployments.yaml"
	jq_is '[.workloads[] | [.workload.name, [.placements[].node], .domains[0].counts]]' \
		'[["web-a",["node-b","node-b"],{"a":2,"b":2}],["web-b",["node-a","node-b"],{"a":3,"b":3}]]'
	jq_is '[.replicas, .scheduled, .pending]' '[4,4,0]'
	run -0 --separate-stderr spread-check simulate -o text --nodes "$es/nodes.json" --pods "$es/pods.json" "$SIM/two-deployments.yaml"
	output_has "Deployment default/web-b: 2/2 replicas scheduled, 0 pending"
	output_has "2 workloads: 4/4 replicas scheduled, 0 pending"
}

@test "simulate: a List's items are workloads too; --replicas with several is refused, not applied to one" {
	run -2 --separate-stderr spread-check simulate --replicas 3 --nodes "$SIM/3zones.yaml" "$SIM/two-pods-list.yaml"
	[ -z "$output" ]
	stderr_has "spread-check simulate: $SIM/two-pods-list.yaml holds 2 workloads: --replicas and --fail need a single one"
}
