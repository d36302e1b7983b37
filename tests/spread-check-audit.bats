#!/usr/bin/env bats
# spread-check audit: small clusters with known answers.
load test_helper/common

AUD=$FIXTURES/spread-check/audit

@test "audit: a ReplicaSet spread 3/1/0 over zones violates maxSkew 1" {
	run -1 --separate-stderr spread-check audit --nodes "$AUD/3zones.yaml" --pods "$AUD/web-skewed.yaml"
	jq_is '.workloads | length' '1'
	jq_is '.workloads[0] | [.namespace,.kind,.name,.pods]' '["shop","ReplicaSet","web-abc",4]'
	jq_is '.workloads[0].constraints[0].counts' '{"a":3,"b":1,"c":0}'
	jq_is '.workloads[0].constraints[0] | [.skew,.violation]' '[3,true]'
	jq_is '.violations' '1'
}

@test "audit: nodes missing a topology key are listed" {
	run -0 --separate-stderr spread-check audit --nodes "$AUD/nozone.yaml" --pods "$AUD/balanced.yaml"
	jq_is '.nodesMissingKeys' '[{"topologyKey":"topology.kubernetes.io/zone","nodes":["x1"],"nearMisses":[]}]'
	jq_is '.workloads[0].constraints[0] | [.counts,.skew,.violation]' '[{"a":1,"b":1},0,false]'
}

@test "audit: labels close to a missing topology key are named (near misses)" {
	run -0 --separate-stderr spread-check audit --nodes "$AUD/nearmiss.yaml" --pods "$AUD/balanced.yaml" -o text
	output_has "nodes without topology.kubernetes.io/zone: x1 x2 x3 x4"
	output_has "  x1 has failure-domain.beta.kubernetes.io/zone=c (deprecated)"
	output_has "  x2 has Topology.Kubernetes.io/Zone=c (case)"
	output_has "  x2 has zone=c (prefix)"
	output_has "  x3 has topology.kubernetes.io/zones=c (typo)"
	run -0 --separate-stderr spread-check audit --nodes "$AUD/nearmiss.yaml" --pods "$AUD/balanced.yaml"
	jq_is '[.nodesMissingKeys[0].nearMisses[] | [.node,.label,.value,.kind]]' \
		'[["x1","failure-domain.beta.kubernetes.io/zone","c","deprecated"],["x2","Topology.Kubernetes.io/Zone","c","case"],["x2","zone","c","prefix"],["x3","topology.kubernetes.io/zones","c","typo"]]'
}

@test "audit: -o text" {
	run -1 --separate-stderr spread-check audit --nodes "$AUD/3zones.yaml" --pods "$AUD/web-skewed.yaml" -o text
	output_has "ReplicaSet shop/web-abc (4 pods)"
	output_has "skew 3 VIOLATION"
	output_has "1 violation(s)"
}

@test "audit: --pods is required" {
	run -2 --separate-stderr spread-check audit --nodes "$AUD/3zones.yaml"
	stderr_has "--cluster, or --nodes and --pods, are required"
}
