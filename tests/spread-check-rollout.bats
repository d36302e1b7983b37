#!/usr/bin/env bats
# spread-check simulate --rollout (Deployment and StatefulSet updates) and
# the volume filters (bound PersistentVolumes pin their pods). The
# deployment controller's arithmetic itself is tests/unit/test-deploymath.c.
load test_helper/common

RO=$FIXTURES/spread-check/rollout

@test "rollout: the guide's web-frontend rolls over three zones in five syncs (maxSurge 2, maxUnavailable 1)" {
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster.json" "$RO/web-frontend.yaml"
	jq_is '.strategy' '{"type":"RollingUpdate","maxSurge":2,"maxUnavailable":1}'
	jq_is '[.replicas,.oldPods]' '[6,6]'
	jq_is '[.rollout.steps[] | [.action,.from,.to]]' '[["scale-up",0,2],["scale-down",6,3],["scale-up",2,5],["scale-down",3,0],["scale-up",5,6]]'
	# doubled-up old pods go first (a1, b1 hold a new pod too), then the newest
	jq_is '[.rollout.steps[1].deleted[] | .node]' '["b1","a1","c2"]'
	jq_is '.rollout.steps[0].domains[0] | [.counts,.newCounts,.skew,.newSkew]' \
		'[{"eu-west-1a":3,"eu-west-1b":3,"eu-west-1c":2},{"eu-west-1a":1,"eu-west-1b":1,"eu-west-1c":0},1,1]'
	jq_is '.rollout | [.matchLabelKeys,.complete,.stepCount,.scheduled,.pending,.oldPodsLeft]' '[true,true,5,6,0,0]'
	jq_is '.rollout.domains[0].counts' '{"eu-west-1a":2,"eu-west-1b":2,"eu-west-1c":2}'
	jq_is '.comparison | [.matchLabelKeys,.complete,has("steps")]' '[false,true,false]'
}

@test "rollout: a cordoned zone leaves new pods Pending, the rollout stalls and exits 1" {
	run -1 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster-c-cordoned.json" "$RO/web-frontend.yaml"
	jq_is '.rollout | [.complete,.stepCount,.scheduled,.pending,.oldPodsLeft,.pendingSteps]' '[false,3,2,3,3,[3]]'
	jq_is '.rollout.steps[2].pendingReasons' '[{"reason":"0/6 nodes are available: 2 node(s) were unschedulable, 4 node(s) didn'"'"'t match pod topology spread constraints.","replicas":3}]'
	jq_is '[.rollout.pendingReplicas[].replica]' '[2,3,4]'
}

@test "rollout: -o text names each step, its pending pods and the comparison" {
	run -1 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster-c-cordoned.json" -o text "$RO/web-frontend.yaml"
	output_has "Deployment shop/web-frontend: rollout of 6 replica(s) over 6 old pod(s), RollingUpdate (maxSurge 2, maxUnavailable 1)"
	output_has "step 3: scale-up web-frontend-simulated 2 -> 5: 0 placed, 0 deleted, 3 pending"
	output_has "  3 pending: 0/6 nodes are available: 2 node(s) were unschedulable, 4 node(s) didn't match pod topology spread constraints."
	output_has "with matchLabelKeys: stalled after 3 step(s), 2/5 new pods scheduled, 3 pending, 3 old pod(s) left"
	output_has "compared without matchLabelKeys: stalled after 3 step(s)"
}

@test "rollout: a StatefulSet is replaced from the highest ordinal down, each pod back in its volume's zone" {
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster.json" "$RO/db.yaml"
	jq_is '.strategy' '{"type":"RollingUpdate","partition":0,"maxUnavailable":1,"podManagementPolicy":"OrderedReady"}'
	jq_is '[.rollout.steps[] | [.action,.ordinal,.deleted[0].pod,.placed[0].pod]]' \
		'[["replace",2,"db-2","db-2"],["replace",1,"db-1","db-1"],["replace",0,"db-0","db-0"]]'
	jq_is '[.rollout.steps[] | .placed[0].node[0:1]]' '["c","b","a"]'
	jq_is '.rollout | [.complete,.matchLabelKeys]' '[true,false]'
}

@test "rollout: a StatefulSet pod whose zonal volume's zone is cordoned stays Pending and stops the update" {
	run -1 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster-c-cordoned.json" "$RO/db.yaml"
	jq_is '.rollout | [.stepCount,.oldPodsLeft,.pendingSteps]' '[1,2,[1]]'
	jq_is '.rollout.pendingReplicas' '[{"replica":2,"reason":"0/6 nodes are available: 2 node(s) were unschedulable, 4 node(s) had volume node affinity conflict."}]'
}

@test "rollout: partition 2 of a Parallel StatefulSet replaces ordinal 2 only" {
	sed -e 's/^  serviceName: db/  serviceName: db\n  podManagementPolicy: Parallel\n  updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}/' \
		"$RO/db.yaml" >"$BATS_TEST_TMPDIR/db.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/db.yaml"
	jq_is '.strategy' '{"type":"RollingUpdate","partition":2,"maxUnavailable":1,"podManagementPolicy":"Parallel"}'
	jq_is '[.rollout.steps[] | [.action,.ordinal]]' '[["replace",2]]'
	jq_is '.rollout | [.complete,.oldPodsLeft]' '[true,2]'
}

@test "simulate: a bound claim pins the replicas; a missing claim or PV keeps them Pending (more cases: test-volumes)" {
	local claim
	for claim in data-db-0 orphan nope; do
		sed "s/CLAIM/$claim/" "$RO/reports.yaml" >"$BATS_TEST_TMPDIR/$claim.yaml"
	done
	run -0 --separate-stderr spread-check simulate --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/data-db-0.yaml"
	jq_is '[.placements[].node]' '["a1","a2"]'
	run -1 --separate-stderr spread-check simulate --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/orphan.yaml"
	jq_is '.pendingReplicas[0].reason' '"0/6 nodes are available: 6 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)."'
	run -1 --separate-stderr spread-check simulate --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/nope.yaml"
	jq_is '.pendingReplicas[0].reason' '"0/6 nodes are available: persistentvolumeclaim \"nope\" not found."'
}

@test "rollout: misuse and bad strategies are input errors" {
	run -2 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster.json" "$FIXTURES/spread-check/cluster/web-new.yaml"
	stderr_has "--rollout needs a Deployment or a StatefulSet, not Pod"
	run -2 --separate-stderr spread-check simulate --rollout --fail a=b --cluster "$RO/cluster.json" "$RO/web-frontend.yaml"
	stderr_has "--rollout and --fail cannot be combined"
	sed 's/^  replicas: 6/  replicas: 6\n  strategy: {rollingUpdate: {maxSurge: "5"}}/' "$RO/web-frontend.yaml" >"$BATS_TEST_TMPDIR/w.yaml"
	run -2 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster.json" "$BATS_TEST_TMPDIR/w.yaml"
	stderr_has "w.yaml:10:40: maxSurge '5': invalid type: string is not a percentage"
}

@test "rollout: the oldest ReplicaSet scales down first, and its lowest pod-deletion-cost pod goes first" {
	sed 's/^  replicas: 6/  replicas: 4\n  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}/' \
		"$RO/web-frontend.yaml" >"$BATS_TEST_TMPDIR/w.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster-two-rs.json" "$BATS_TEST_TMPDIR/w.yaml"
	jq_is '.strategy' '{"type":"RollingUpdate","maxSurge":0,"maxUnavailable":1}'
	jq_is '[.rollout.steps[] | [.action,.from,.to]]' \
		'[["scale-down",4,3],["scale-up",0,1],["scale-down",3,2],["scale-up",1,2],["scale-down",2,1],["scale-up",2,3],["scale-down",1,0],["scale-up",3,4]]'
	jq_is '[.rollout.steps[0,2] | .deleted[0].pod]' '["web-frontend-6d4cf56db6-00001","web-frontend-6d4cf56db6-00000"]'
}

@test "rollout: Recreate deletes every old pod, then creates the new ones" {
	sed 's/^  replicas: 6/  replicas: 6\n  strategy: {type: Recreate}/' "$RO/web-frontend.yaml" >"$BATS_TEST_TMPDIR/w.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/cluster.json" "$BATS_TEST_TMPDIR/w.yaml"
	jq_is '.strategy' '{"type":"Recreate"}'
	jq_is '[.rollout.steps[] | [.action,.from,.to,(.deleted|length),(.placed|length)]]' '[["scale-down",6,0,6,0],["scale-up",0,6,0,6]]'
}

@test "rollout: a StatefulSet's maxUnavailable 2 replaces two ordinals at once; Parallel goes on past a Pending one" {
	sed 's/^  serviceName: db/  serviceName: db\n  updateStrategy: {rollingUpdate: {maxUnavailable: 2}}/' "$RO/db.yaml" >"$BATS_TEST_TMPDIR/db.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/db.yaml"
	jq_is '.strategy.maxUnavailable' '2'
	jq_is '[.rollout.steps[] | [.action,.ordinals,[.placed[].node]]]' '[["replace",[2,1],["b1","c1"]],["replace",[0],["a1"]]]'
	# zone c cordoned: ordinal 2 stays Pending; OrderedReady stops there,
	# Parallel replaces ordinal 0 within its budget of 2
	run -1 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster-c-cordoned.json" "$BATS_TEST_TMPDIR/db.yaml"
	jq_is '[.rollout.steps[] | .ordinals]' '[[2,1]]'
	sed -i 's/^  updateStrategy:/  podManagementPolicy: Parallel\n&/' "$BATS_TEST_TMPDIR/db.yaml"
	run -1 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster-c-cordoned.json" "$BATS_TEST_TMPDIR/db.yaml"
	jq_is '[.rollout.steps[] | .ordinals]' '[[2,1],[0]]'
	jq_is '[.rollout.pendingReplicas[].replica]' '[2]'
}

@test "rollout: a StatefulSet scaled up creates the missing ordinal first; scaled down deletes the condemned one first" {
	sed 's/^  replicas: 3/  replicas: 4/' "$RO/db.yaml" >"$BATS_TEST_TMPDIR/up.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/up.yaml"
	jq_is '[.rollout.steps[] | [.action,.ordinal]]' '[["create",3],["replace",2],["replace",1],["replace",0]]'
	# data-db-3 is created with the pod, of the default class gp3, whose
	# allowedTopologies provision in eu-west-1c only
	jq_is '.rollout.steps[0].placed[0].node' '"c1"'
	sed 's/^  replicas: 3/  replicas: 2/' "$RO/db.yaml" >"$BATS_TEST_TMPDIR/down.yaml"
	run -0 --separate-stderr spread-check simulate --rollout --cluster "$RO/db-cluster.json" "$BATS_TEST_TMPDIR/down.yaml"
	jq_is '[.rollout.steps[] | [.action,.ordinal,[.deleted[].pod]]]' '[["delete",2,["db-2"]],["replace",1,["db-1"]],["replace",0,["db-0"]]]'
}

@test "simulate: a generic ephemeral volume's claim is provisioned where its StorageClass allows" {
	run -0 --separate-stderr spread-check simulate --cluster "$RO/db-cluster.json" "$RO/scratch.yaml"
	jq_is '[.placements[].node]' '["c1","c2"]'
	run -1 --separate-stderr spread-check simulate --cluster "$RO/db-cluster-c-cordoned.json" "$RO/scratch.yaml"
	jq_is '.pendingReplicas[0].reason' '"0/6 nodes are available: 2 node(s) were unschedulable, 4 node(s) didn'"'"'t find available persistent volumes to bind."'
}
