#!/usr/bin/env bats
# spread-check audit --advise: the descheduler's evictions and where the
# pods land, on the guide's web-frontend over three zones (the descheduler's
# own table cases run in tests/unit/test-advise.c).
load test_helper/common

ADV=$FIXTURES/spread-check/advise

@test "audit --advise: two pods leave zone a for c1, skew 4 becomes 0" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --advise
	jq_is '.workloads[0].constraints[0] | [.counts,.skew]' '[{"a":4,"b":2,"c":0},4]'
	jq_is '.workloads[0].advice.evict' \
		'[{"pod":"web-frontend-7d9c-3","node":"a2","to":"c1"},{"pod":"web-frontend-7d9c-4","node":"a2","to":"c1"}]'
	jq_is '[.workloads[0].advice.constraintsAfter[] | [.topologyKey,.counts,.skew,.violation]]' \
		'[["topology.kubernetes.io/zone",{"a":2,"b":2,"c":2},0,false],["kubernetes.io/hostname",{"a1":2,"a2":0,"b1":2,"c1":2},2,false]]'
	jq_is '[.violations,.evictions,.violationsAfter]' '[1,2,0]'
}

@test "audit --advise: the man page's web-frontend example" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --advise -o text
	local line n=0
	while IFS= read -r line; do
		[ "$line" = " ..." ] && continue
		output_has "$line"
		n=$((n + 1))
	done < <(awk '/^\$ spread-check audit --cluster web-frontend-3zones.yaml/ { on = 1; next }
		on && /^\.Ed/ { exit } on' "$BATS_TEST_DIRNAME/../man/spread-check.1")
	[ "$n" -ge 7 ]
	output_has "advice: 2 eviction(s), 0 violation(s) after"
}

@test "audit --advise: no pod fits the only node below the average, so nothing moves" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-tainted-c.yaml" --advise
	jq_is '[.evictions,.violationsAfter,(.workloads[0].advice.evict | length)]' '[0,1,0]'
}

@test "audit --advise --no-balance-fit: evicted pods stay Pending, with the node and the maxSkew that would do" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-tainted-c.yaml" --advise --no-balance-fit -o text
	output_has "  evict web-frontend-7d9c-3 from a2: stays Pending
      a node would do: cpu 100m, memory 134217728
      in topology.kubernetes.io/zone: c
      or relax topology.kubernetes.io/zone: maxSkew 3"
	output_has "  after: topology.kubernetes.io/zone skew 2 VIOLATION"
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-tainted-c.yaml" --advise --no-balance-fit
	jq_is '.workloads[0].advice.evict[1] | [.to,.reasons,.needs]' \
		'[null,{"node(s) didn'"'"'t match pod topology spread constraints":3,"node(s) had untolerated taint(s)":1},{"node":{"labels":{},"cpu":"100m","memory":134217728,"tolerations":[]},"domains":[{"topologyKey":"topology.kubernetes.io/zone","values":["c"],"newDomain":false,"nearMisses":[]}],"relax":[{"topologyKey":"topology.kubernetes.io/zone","maxSkew":3}]}]'
}

@test "audit: --soft, --node-fit and --no-balance-fit need --advise" {
	run -2 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --node-fit
	stderr_has "--soft, --node-fit, --no-balance-fit and the namespace lists go with --advise"
}

@test "simulate: a Pending replica names the node to add, the zones it helps in, and the maxSkew that would do" {
	run -1 --separate-stderr spread-check simulate --nodes "$FIXTURES/spread-check/simulate/3zones.yaml" --replicas 15 -o text \
		"$FIXTURES/spread-check/simulate/web-zone-hard.yaml"
	output_has "pending replica 13: 0/4 nodes are available: 1 node(s) didn't match pod topology spread constraints, 3 Insufficient cpu, 3 Insufficient memory.
      a node would do: cpu 500m, memory 1073741824
      in topology.kubernetes.io/zone: b c
      or relax topology.kubernetes.io/zone: maxSkew 2
pending replica 14: "
}

@test "simulate: minDomains above the zones there are: a new zone (c1 only lacks the label), maxSkew 2 or minDomains 2 would do" {
	run -1 --separate-stderr spread-check simulate --nodes "$ADV/2zones.yaml" "$ADV/web-frontend-mindomains3.yaml"
	jq_is '.pendingReplicas[0].needs | [.domains, .relax]' \
		'[[{"topologyKey":"topology.kubernetes.io/zone","values":[],"newDomain":true,"nearMisses":[{"node":"c1","label":"zone","value":"c","kind":"prefix"}]}],[{"topologyKey":"topology.kubernetes.io/zone","maxSkew":2},{"topologyKey":"topology.kubernetes.io/zone","minDomains":2}]]'
	run -1 --separate-stderr spread-check simulate --nodes "$ADV/2zones.yaml" "$ADV/web-frontend-mindomains3.yaml" -o text
	output_has "      in topology.kubernetes.io/zone: (a new value)
      c1 lacks it but has zone=c (prefix)
      or relax topology.kubernetes.io/zone: maxSkew 2"
}

@test "audit --advise --include-namespaces / --exclude-namespaces filter the pods the descheduler sees" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --advise --include-namespaces kube-system,default
	jq_is '[.evictions, .violationsAfter]' '[0,1]'
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --advise --exclude-namespaces kube-system
	jq_is '[.evictions, .violationsAfter]' '[2,0]'
	run -2 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-3zones.yaml" --advise --include-namespaces a --exclude-namespaces b
	stderr_has "give one --include-namespaces or --exclude-namespaces"
}

@test "audit --advise: pods of a workload without constraints that another's selector counts are evicted too, and reported" {
	run -1 --separate-stderr spread-check audit --cluster "$ADV/web-frontend-canary.yaml" --advise
	jq_is '.workloads[0].constraints[0].counts' '{"a":6,"b":2,"c":0}'
	jq_is '[.workloads[] | [.name, [.advice.evict[].pod]]]' \
		'[["web-frontend-7d9c",["web-frontend-7d9c-4"]],["web-frontend-canary",["web-frontend-canary-1","web-frontend-canary-2"]]]'
	jq_is '.workloads[1] | [.constraints, .advice.constraintsAfter, .evictions]' '[[],[],null]'
	jq_is '.evictions' '3'
}
