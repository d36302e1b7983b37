#!/usr/bin/env bats
# spread-check's model of kube-scheduler's filter chain (filters.h): place,
# simulate and explain's re-run run the same filters in the default
# profile's order, and a node counts once, under the first filter that
# rejects it, as FitError counts it. Few processes: each call covers many
# cases (the plugins' table tests are C unit tests, tests/unit/test-filters.c).
load test_helper/common

F=$FIXTURES/spread-check/filters

@test "explain --cluster: a node rejected by its volumes is not feasible, and schedulerMessage is the event's" {
	run -1 --separate-stderr spread-check explain --cluster "$F/volumes-cluster.json" "$F/volumes-events.json"
	# bound PV's node affinity (VolumeBinding), a zonal PV (VolumeZone), an
	# unbound immediate claim (VolumeBinding's PreFilter, every node), an
	# extended resource no node has enough of, anti-affinity to a running pod
	jq_is '[.events[]|(.message|split(" preemption:")[0]) == .rederived.schedulerMessage]' '[true,true,true,true,true]'
	jq_is '[.events[0].rederived.nodes[]|[.name,.feasible,.plugin]]' \
		'[["n-a",false,"NodeResourcesFit"],["n-b",false,"VolumeBinding"],["n-c",false,"TaintToleration"],["n-d",false,"VolumeBinding"]]'
	jq_is '[.events[1].rederived.nodes[]|.plugin]' '["NodeResourcesFit","VolumeZone","TaintToleration","VolumeZone"]'
	jq_is '[.events[4].rederived.nodes[]|.plugin]' '["NodeResourcesFit","InterPodAffinity","TaintToleration","InterPodAffinity"]'
	jq_is '[.events[]|.rederived.feasibleNodes]' '[0,0,0,0,0]'
}

@test "place and simulate run the same chain: volumes before PodTopologySpread, the first failing filter counts" {
	jq '.items[]|select(.kind=="Pod" and .metadata.name=="db-0")' "$F/volumes-cluster.json" >"$BATS_TEST_TMPDIR/db-0.json"
	run -1 --separate-stderr spread-check place --all-filters --cluster "$F/volumes-cluster.json" "$BATS_TEST_TMPDIR/db-0.json"
	jq_is '[.nodes[]|[.name,.plugin,.reasons]]' \
		'[["n-a","NodeResourcesFit",["Insufficient cpu"]],["n-b","VolumeBinding",["node(s) had volume node affinity conflict"]],["n-c","TaintToleration",["node(s) had untolerated taint(s)"]],["n-d","VolumeBinding",["node(s) had volume node affinity conflict"]]]'
	# the first reason stays in "reason", as before the chain
	jq_is '.nodes[0].reason' '"Insufficient cpu"'
	# without --all-filters: PodTopologySpread's own verdict on every node
	run -0 --separate-stderr spread-check place --cluster "$F/volumes-cluster.json" "$BATS_TEST_TMPDIR/db-0.json"
	jq_is '[.nodes[]|.feasible]|all' true
	run -1 --separate-stderr spread-check simulate --cluster "$F/volumes-cluster.json" "$BATS_TEST_TMPDIR/db-0.json"
	jq_is '.pendingReplicas[0].reason' '"0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint(s), 2 node(s) had volume node affinity conflict."'
}

@test "simulate: host ports and extended resources, charged as each replica binds" {
	run -1 --separate-stderr spread-check simulate --cluster "$F/ports-cluster.yaml" "$F/ports-deploy.yaml"
	jq_is '[.placements[].node]' '["n-3"]'
	jq_is '[.pendingReplicas[].reason]|unique' \
		'["0/3 nodes are available: 1 Insufficient nvidia.com/gpu, 2 node(s) didn'"'"'t have free ports for the requested pod ports."]'
	jq_is '.pending' 3
}

@test "simulate: required anti-affinity to its own pods, counted as each replica binds" {
	run -1 --separate-stderr spread-check simulate --cluster "$F/ports-cluster.yaml" "$F/anti-deploy.yaml"
	jq_is '[.placements[].node]|sort' '["n-1","n-2","n-3"]'
	jq_is '[.pendingReplicas[].reason]' '["0/3 nodes are available: 3 node(s) didn'"'"'t match pod anti-affinity rules."]'
}

@test "simulate --rollout: old pods' anti-affinity keeps new pods off their nodes until they are deleted" {
	run -0 --separate-stderr spread-check simulate --rollout --replicas 3 --cluster "$F/anti-rollout.yaml" "$F/anti-deploy.yaml"
	jq_is '.rollout.steps[0].placed' '[{"replica":0,"node":"n-4"}]'
	jq_is '[.rollout.complete, .rollout.pending, .rollout.oldPodsLeft]' '[true,0,0]'
	jq_is '.rollout.domains[0].newCounts' '{"n-1":0,"n-2":1,"n-3":1,"n-4":1}'
}

@test "audit --advise: evicted pods free their extended resources and take them where they land" {
	run -1 --separate-stderr spread-check audit --cluster "$F/advise-gpu.yaml" --advise
	jq_is '[.workloads[0].advice.evict[]|[.pod,.to]]' '[["web-frontend-7d9c-3","c1"],["web-frontend-7d9c-4",null]]'
	jq_is '.workloads[0].advice.evict[1].reasons' '{"Insufficient nvidia.com/gpu":3,"node(s) didn'"'"'t match pod topology spread constraints":1}'
}

@test "VolumeRestrictions and NodeVolumeLimits: explain re-derives the events' messages, simulate charges each bound replica's volumes" {
	# an inline GCE PD in use, CSI attach limits (CSINode), a ReadWriteOncePod claim in use
	run -1 --separate-stderr spread-check explain --cluster "$F/nodevolumes-cluster.yaml" "$F/nodevolumes-events.json"
	jq_is '[.events[]|(.message|split(" preemption:")[0]) == .rederived.schedulerMessage]' '[true,true,true]'
	jq_is '[.events[]|[.rederived.nodes[]|.plugin]]' \
		'[["VolumeRestrictions","TaintToleration","VolumeRestrictions"],["NodeVolumeLimits","TaintToleration","NodeVolumeLimits"],["VolumeRestrictions","TaintToleration","VolumeRestrictions"]]'
	run -1 --separate-stderr spread-check simulate --cluster "$F/nodevolumes-cluster.yaml" "$F/nodevolumes-deploy.yaml"
	jq_is '[.workloads[]|[.placements[].node]]' '[["n-1","n-3"],["n-2"],["n-2","n-2","n-2","n-2","n-2","n-2","n-2"]]'
	jq_is '[.workloads[]|[.pendingReplicas[].reason]|unique]' \
		'[["0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) had no available disk."],["0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode."],["0/3 nodes are available: 3 node(s) exceed max volume count."]]'
}

@test "VolumeRestrictions and NodeVolumeLimits in explain's re-run and place: per-node plugin, VolumeAttachments, the PreFilter's plugin" {
	# n-a: its CSINode allows 1 volume and its pods hold 2; n-b: a pod
	# mounts the same inline EBS volume; n-c: a VolumeAttachment holds a
	# third volume (1 + the pod's 2 > 2); a ReadWriteOncePod claim in use;
	# a missing claim (VolumeRestrictions' PreFilter, before VolumeBinding's)
	run -1 --separate-stderr spread-check explain --cluster "$F/vollimits-cluster.json" "$F/vollimits-events.json"
	jq_is '[.events[]|(.message|split(" preemption:")[0]) == .rederived.schedulerMessage]' '[true,true,true]'
	jq_is '[.events[0].rederived.nodes[]|[.name,.plugin,.reasons]]' \
		'[["n-a","NodeVolumeLimits",["node(s) exceed max volume count"]],["n-b","VolumeRestrictions",["node(s) had no available disk"]],["n-c","NodeVolumeLimits",["node(s) exceed max volume count"]]]'
	jq_is '[.events[1,2].rederived.nodes[]|.plugin]|unique' '["VolumeRestrictions"]'
	# what the verdict is about: the attach counts, the disk, the claim
	jq_is '[.events[0].rederived.nodes[]|.attachLimit // .volume]' \
		'[{"driver":"ebs.csi.aws.com","attached":2,"new":2,"limit":1},{"source":"awsElasticBlockStore","id":"vol-x"},{"driver":"ebs.csi.aws.com","attached":1,"new":2,"limit":2}]'
	jq_is '[.events[1].rederived.nodes[]|.claim]|unique' '["shared-rwop"]'
	run -1 --separate-stderr spread-check explain -o text --cluster "$F/vollimits-cluster.json" "$F/vollimits-events.json"
	[[ "$output" == *$'\n    n-a: NodeVolumeLimits: node(s) exceed max volume count (ebs.csi.aws.com: 2 attached + 2 new > 1)\n    n-b: VolumeRestrictions: node(s) had no available disk (awsElasticBlockStore vol-x is in use there)\n'* ]]
	[[ "$output" == *$'access mode (claim shared-rwop)\n'* ]]
	[[ "$output" == *$'\n    n-c: VolumeRestrictions: persistentvolumeclaim "nope" not found\n'* ]]
	# place keeps the PreFilter's message past the chain (valgrind mode checks)
	jq '.items[]|select(.kind=="Pod" and .metadata.name=="lost-0")' "$F/vollimits-cluster.json" >"$BATS_TEST_TMPDIR/lost.json"
	run -1 --separate-stderr spread-check place --all-filters --cluster "$F/vollimits-cluster.json" "$BATS_TEST_TMPDIR/lost.json"
	jq_is '[.nodes[]|[.plugin,.reasons]]|unique' '[["VolumeRestrictions",["persistentvolumeclaim \"nope\" not found"]]]'
	# without the inline volume: n-c's attachment plus one new volume fits
	jq '.items[]|select(.kind=="Pod" and .metadata.name=="app-0")|.spec.volumes|=.[:1]' "$F/vollimits-cluster.json" >"$BATS_TEST_TMPDIR/app.json"
	run -0 --separate-stderr spread-check place --all-filters --cluster "$F/vollimits-cluster.json" "$BATS_TEST_TMPDIR/app.json"
	jq_is '[.nodes[]|[.name,.plugin]]' '[["n-a","NodeVolumeLimits"],["n-b",null],["n-c",null]]'
	jq '(.items[]|select(.kind=="VolumeAttachment")|.spec.source)=[]' "$F/vollimits-cluster.json" >"$BATS_TEST_TMPDIR/bad.json"
	run -2 --separate-stderr spread-check place --all-filters --cluster "$BATS_TEST_TMPDIR/bad.json" "$BATS_TEST_TMPDIR/app.json"
	[[ "$stderr" == "spread-check place: $BATS_TEST_TMPDIR/bad.json:"*": source must be a map, not list" ]]
}
