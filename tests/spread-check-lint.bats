#!/usr/bin/env bats
# spread-check lint: each rule fires and stays quiet, options, inputs, exit codes.

load test_helper/common

L=$FIXTURES/spread-check/lint

# deploy NAME [REPLICAS] < constraints-and-extra-spec: a Deployment whose pod
# template spec gets the YAML on stdin (indented 6 spaces, under spec:).
deploy() {
	local kind=${KIND:-Deployment}
	{
		printf 'apiVersion: apps/v1\nkind: %s\nmetadata: {name: %s, namespace: ns}\nspec:\n' "$kind" "$1"
		if [ -n "${2:-}" ]; then printf '  replicas: %s\n' "$2"; fi
		printf '  selector: {matchLabels: {app: web}}\n  template:\n'
		printf '    metadata: {labels: {app: web}%s}\n' "${TMPL_META:-}"
		printf '    spec:\n      containers: [{name: c, image: nginx}]\n'
		sed 's/^/      /'
	} >"$BATS_TEST_TMPDIR/$1.yaml"
	echo "$BATS_TEST_TMPDIR/$1.yaml"
}

# lint ARGS...: run lint (JSON) and set $rules to the sorted unique rule ids.
lint() {
	run --separate-stderr spread-check lint "$@"
	[ "$status" -le 1 ] || { echo "exit $status: $stderr" >&2; return 1; }
	rules=$(printf '%s' "$output" | jq -r '[.findings[].rule] | unique | join(" ")')
}

has() {
	case " $rules " in *" $1 "*) return 0 ;; esac
	echo "expected $1 in: $rules" >&2
	return 1
}

lacks() {
	case " $rules " in *" $1 "*) echo "unexpected $1 in: $rules" >&2; return 1 ;; esac
	return 0
}

ZONE_OK='topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]'

@test "clean manifest: no finding, exit 0" {
	lint "$L/clean.yaml"
	[ "$status" -eq 0 ]
	[ -z "$rules" ]
	jq_is .summary '{"files":1,"objects":1,"errors":0,"warnings":0}'
}

@test "TSC001 max-skew fires on maxSkew 0 and exits 1" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 0, $ZONE_OK}]")
	lint "$f"
	has TSC001
	[ "$status" -eq 1 ]
	jq_is '.findings[0] | [.line, .column, .path]' '[11,45,"spec.template.spec.topologySpreadConstraints[0].maxSkew"]'
}

@test "TSC002 topology-key fires on an empty topologyKey" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: '', whenUnsatisfiable: ScheduleAnyway, labelSelector: {}}]")
	lint "$f"
	has TSC002
}

@test "TSC003 when-unsatisfiable fires with a case-sensitivity fix" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: scheduleanyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC003
	jq_is '.findings[0].fix' '"write ScheduleAnyway (the value is case-sensitive)"'
}

@test "TSC004 duplicate-constraint fires on a repeated key and action" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, $ZONE_OK}, {maxSkew: 2, $ZONE_OK}]")
	lint "$f"
	has TSC004
}

@test "TSC005 min-domains fires with ScheduleAnyway" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, minDomains: 2, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC005
}

@test "TSC006 node-inclusion-policy fires on a lowercase policy" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, nodeTaintsPolicy: honor, $ZONE_OK}]")
	lint "$f"
	has TSC006
}

@test "TSC007 match-label-keys fires on a key the selector uses" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [app, pod-template-hash]}]")
	lint "$f"
	has TSC007
}

@test "TSC007 checks a template as its pods: a Deployment's pods carry pod-template-hash, merged before validation" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: pod-template-hash, operator: Exists}]}, matchLabelKeys: [pod-template-hash]}]")
	lint "$f"
	has TSC007
	[ "$(printf '%s' "$output" | jq -r '.findings[] | select(.rule == "TSC007") | .path')" = "spec.template.spec.topologySpreadConstraints[0][0]" ]
}

@test "TSC008 label-selector fires on a Gt operator" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchExpressions: [{key: app, operator: Gt, values: ['1']}]}}]")
	lint "$f"
	has TSC008
}

@test "TSC009 field-type fires on a quoted maxSkew, and is an input error (exit 2)" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: '1', $ZONE_OK}]")
	run --separate-stderr spread-check lint "$f"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"$f:"*": spec.template.spec.topologySpreadConstraints[0].maxSkew: cannot unmarshal string"* ]]
	rules=$(printf '%s' "$output" | jq -r '[.findings[].rule] | unique | join(" ")')
	has TSC009
	lacks TSC001
}

@test "a named empty file or a List of non-objects is an input error; a directory skips other YAML" {
	: >"$BATS_TEST_TMPDIR/empty.yaml"
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/empty.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"empty.yaml: empty input"* ]]
	printf 'kind: List\nitems: [1, 2]\n' >"$BATS_TEST_TMPDIR/ints.yaml"
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/ints.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"ints.yaml:2:9: not a Kubernetes object"* ]]
	mkdir "$BATS_TEST_TMPDIR/repo"
	printf -- '- hosts: all\n  tasks: []\n' >"$BATS_TEST_TMPDIR/repo/playbook.yml"
	: >"$BATS_TEST_TMPDIR/repo/empty.yaml"
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/repo"
	[ "$status" -eq 0 ]
}

@test "TSC101 selector-mismatch fires when the selector misses the template labels" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: api}}, matchLabelKeys: [pod-template-hash]}]")
	lint "$f"
	has TSC101
	[ "$status" -eq 0 ]
}

@test "TSC101 stays quiet for matchExpressions that select the template" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}, {key: tier, operator: DoesNotExist}]}, matchLabelKeys: [pod-template-hash]}]")
	lint "$f"
	[ -z "$rules" ]
}

@test "TSC102 unknown-topology-key fires with did-you-mean" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC102
	jq_is '.findings[0].message' '"topologyKey \"zone\" is not a well-known node label; did you mean \"topology.kubernetes.io/zone\"?"'
}

@test "TSC102 catches a near miss of a well-known key" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostnme, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC102
	jq_is '.findings[0].fix' '"use topologyKey: kubernetes.io/hostname"'
}

@test "TSC102 stays quiet with --nodes when the nodes carry the key" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: example.com/rack, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC102
	lint --nodes "$L/nodes-3.yaml" "$f"
	[ -z "$rules" ]
}

@test "TSC103 deprecated-topology-key fires on failure-domain.beta" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: failure-domain.beta.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC103
	lacks TSC102
}

@test "TSC104 min-domains-above-replicas fires, and not at equality" {
	f=$(deploy d 2 <<<"topologySpreadConstraints: [{maxSkew: 1, minDomains: 3, $ZONE_OK}]")
	lint "$f"
	has TSC104
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, minDomains: 3, $ZONE_OK}]")
	lint "$f"
	lacks TSC104
}

@test "TSC105 missing-pod-template-hash fires on a Deployment only" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	has TSC105
	f=$(KIND=StatefulSet deploy s 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	lacks TSC105
}

@test "TSC105 stays quiet for ScheduleAnyway" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	[ -z "$rules" ]
}

@test "TSC106 ineffective-max-skew fires when maxSkew >= replicas" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 3, $ZONE_OK}]")
	lint "$f"
	has TSC106
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 2, $ZONE_OK}]")
	lint "$f"
	lacks TSC106
	f=$(deploy d <<<"topologySpreadConstraints: [{maxSkew: 5, $ZONE_OK}]")
	lint "$f"
	lacks TSC106
}

@test "TSC107 anti-affinity-overlap fires on required anti-affinity on the same key" {
	f=$(deploy d 3 <<EOF
affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: web}}}]}}
topologySpreadConstraints: [{maxSkew: 1, $ZONE_OK}]
EOF
	)
	lint "$f"
	has TSC107
}

@test "TSC107 stays quiet for preferred anti-affinity or another key" {
	f=$(deploy d 3 <<EOF
affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 100, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone, labelSelector: {matchLabels: {app: web}}}}], requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}]}}
topologySpreadConstraints: [{maxSkew: 1, $ZONE_OK}]
EOF
	)
	lint "$f"
	[ -z "$rules" ]
}

@test "TSC108 ignored-annotation fires on the seed's invented annotations" {
	f=$(TMPL_META=', annotations: {cpu-set.kubernetes.io/numa-node: "0"}' deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, $ZONE_OK}]")
	lint "$f"
	has TSC108
	jq_is '.findings[0].path' '"spec.template.metadata.annotations"'
	printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {kubernetes.io/topology-policy: restricted}}\nspec: {containers: [{name: c, image: i}]}\n' >"$BATS_TEST_TMPDIR/p.yaml"
	lint "$BATS_TEST_TMPDIR/p.yaml"
	has TSC108
}

@test "TSC109 daemonset-spread fires on a DaemonSet with constraints" {
	f=$(KIND=DaemonSet deploy ds <<<"topologySpreadConstraints: [{maxSkew: 1, $ZONE_OK}]")
	lint "$f"
	has TSC109
	f=$(KIND=DaemonSet deploy ds <<<"nodeSelector: {kubernetes.io/os: linux}")
	lint "$f"
	[ -z "$rules" ]
}

@test "TSC110 nil-label-selector fires without labelSelector" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}]")
	lint "$f"
	has TSC110
	[ "$rules" = TSC110 ]
}

@test "TSC111 empty-label-selector fires on {} and empty matchLabels/matchExpressions, not with matchLabelKeys" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {}}, {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {}, matchExpressions: []}}]")
	lint "$f"
	jq_is '[.findings[] | [.rule, .path]]' '[["TSC111","spec.template.spec.topologySpreadConstraints[0].labelSelector"],["TSC111","spec.template.spec.topologySpreadConstraints[1].labelSelector"]]'
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {}, matchLabelKeys: [pod-template-hash]}]")
	lint "$f"
	lacks TSC111
}

@test "TSC302 fractional-cpu-guaranteed (opt-in) fires on a Guaranteed pod's fractional CPU only" {
	local f=$BATS_TEST_TMPDIR/p.yaml
	# pod RESOURCES...: a Pod whose containers have these resources
	pod() {
		printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n' >"$f"
		local r n=0
		for r in "$@"; do printf '  - {name: c%d, image: i, resources: %s}\n' $((n++)) "$r" >>"$f"; done
	}
	# Guaranteed (requests default to limits): 1500m is not a whole CPU
	pod '{limits: {cpu: 1500m, memory: 1Gi}}' "{requests: {cpu: '2', memory: 1Gi}, limits: {cpu: 2, memory: 1Gi}}"
	lint "$f"
	lacks TSC302
	lint -e TSC302 "$f"
	jq_is '[.findings[] | select(.rule == "TSC302") | .path]' '["spec.containers[0].resources.limits.cpu"]'
	# Burstable: no memory limit, or requests below limits
	pod '{limits: {cpu: 1500m}}'
	lint -e TSC302 "$f"
	lacks TSC302
	pod '{requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1500m, memory: 1Gi}}'
	lint -e TSC302 "$f"
	lacks TSC302
}

@test "TSC106 ineffective-max-skew: exactly when maxSkew reaches the pods it can count, or one domain holds them all" {
	local f=$BATS_TEST_TMPDIR/many.yaml z='topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}'
	# dep NAME REPLICAS EXTRA-SPEC TEMPLATE-SPEC: one Deployment document
	dep() {
		printf -- '---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: %s}\nspec:\n  replicas: %s\n%s  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: i}]\n%s\n' "$@" >>"$f"
	}
	: >"$f"
	# the issue's example: 3 replicas, maxSkew 2, two zones: the third pod cannot join two in one zone
	dep two-zones 3 "" "      topologySpreadConstraints: [{maxSkew: 2, $z, matchLabelKeys: [pod-template-hash]}]"
	dep equal 3 "" "      topologySpreadConstraints: [{maxSkew: 3, $z, matchLabelKeys: [pod-template-hash]}]"
	# without pod-template-hash the old ReplicaSet's pods count: 3 + 25% surge (1) = 4
	dep surge-3 3 "" "      topologySpreadConstraints: [{maxSkew: 3, $z}]"
	dep surge-4 3 "" "      topologySpreadConstraints: [{maxSkew: 4, $z}]"
	dep recreate 3 "  strategy: {type: Recreate}
" "      topologySpreadConstraints: [{maxSkew: 3, $z}]"
	dep surge-50 4 "  strategy: {rollingUpdate: {maxSurge: 50%}}
" "      topologySpreadConstraints: [{maxSkew: 6, $z}]"
	dep soft 3 "" "      topologySpreadConstraints: [{maxSkew: 9, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: web}}}]"
	dep selector 6 "" "      nodeSelector: {topology.kubernetes.io/zone: a}
      topologySpreadConstraints: [{maxSkew: 1, $z, matchLabelKeys: [pod-template-hash]}]"
	dep affinity 6 "" "      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a]}]}, {matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a]}, {key: disk, operator: Exists}]}]}}}
      topologySpreadConstraints: [{maxSkew: 1, $z, matchLabelKeys: [pod-template-hash]}]"
	dep affinity-ab 6 "" "      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [a, b]}]}]}}}
      topologySpreadConstraints: [{maxSkew: 1, $z, matchLabelKeys: [pod-template-hash]}]"
	dep ignore-policy 6 "" "      nodeSelector: {topology.kubernetes.io/zone: a}
      topologySpreadConstraints: [{maxSkew: 1, nodeAffinityPolicy: Ignore, $z, matchLabelKeys: [pod-template-hash]}]"
	dep min-domains 6 "" "      nodeSelector: {topology.kubernetes.io/zone: a}
      topologySpreadConstraints: [{maxSkew: 1, minDomains: 2, $z, matchLabelKeys: [pod-template-hash]}]"
	lint "$f"
	jq_is '[.findings[] | select(.rule == "TSC106") | .object.name]' '["equal","surge-4","recreate","surge-50","selector","affinity"]'
	jq_is '[.findings[] | select(.object.name == "selector") | .message]' \
		'["only one \"topology.kubernetes.io/zone\" domain (a, from nodeSelector) can hold these pods: the skew is always 0, so this constraint never blocks a placement"]'
	# --nodes: every node that carries the key is in zone a
	printf 'kind: List\nitems:\n- {kind: Node, metadata: {name: n1, labels: {topology.kubernetes.io/zone: a}}}\n- {kind: Node, metadata: {name: n2, labels: {topology.kubernetes.io/zone: a}}}\n- {kind: Node, metadata: {name: n3}}\n' >"$BATS_TEST_TMPDIR/nodes.yaml"
	lint --nodes "$BATS_TEST_TMPDIR/nodes.yaml" "$f"
	jq_is '[.findings[] | select(.rule == "TSC106") | .object.name]' '["two-zones","equal","surge-3","surge-4","recreate","surge-50","selector","affinity","affinity-ab","ignore-policy"]'
}

@test "TSC010 hugepages-multiple: the guide's hugepages-1Gi: \"1\" is refused as the API server refuses it; 2Gi, 4Mi and 0 pass" {
	local f=$BATS_TEST_TMPDIR/hp.yaml
	cat >"$f" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: numa-database}
spec:
  containers:
  - name: postgres
    image: postgres:16
    resources:
      requests: {cpu: "8", memory: "32Gi", hugepages-1Gi: "1"}
      limits: {cpu: "8", memory: "32Gi", hugepages-1Gi: "1"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ok}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      initContainers: [{name: i, image: i, resources: {limits: {memory: 1Gi, hugepages-2Mi: 3Mi}}}]
      containers:
      - {name: c, image: i, resources: {limits: {memory: 1Gi, hugepages-1Gi: 2Gi, hugepages-2Mi: 4Mi, hugepages-1Mi: "0", hugepages-x: 2Mi}}}
      resources: {limits: {memory: 4Gi, hugepages-2Mi: 1Gi, hugepages-1Gi: 1536Mi}}
EOF
	lint "$f"
	[ "$status" -eq 1 ]
	jq_is '[.findings[] | select(.rule == "TSC010") | [.object.name, .path, .severity]]' \
		'[["numa-database","spec.containers[0].resources.limits[hugepages-1Gi]","error"],["numa-database","spec.containers[0].resources.requests[hugepages-1Gi]","error"],["ok","spec.template.spec.initContainers[0].resources.limits[hugepages-2Mi]","error"],["ok","spec.template.spec.containers[0].resources.limits[hugepages-x]","error"],["ok","spec.template.spec.resources.limits[hugepages-1Gi]","error"]]'
	jq_is '.findings[0].message' '"Invalid value: \"1\": 1 is not positive integer multiple of hugepages-1Gi"'
}

@test "TSC112 dra-numa-alignment: a Guaranteed pod's DRA claim, not a Burstable pod's" {
	local f=$BATS_TEST_TMPDIR/dra.yaml
	cat >"$f" <<'EOF'
apiVersion: v1
kind: Pod
metadata: {name: guaranteed}
spec:
  resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu}]
  containers:
  - {name: inference, image: i, resources: {limits: {cpu: "8", memory: 32Gi}, claims: [{name: gpu}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: burstable}
spec:
  resourceClaims: [{name: gpu, resourceClaimTemplateName: gpu}]
  containers:
  - {name: inference, image: i, resources: {requests: {cpu: "1"}, claims: [{name: gpu}]}}
EOF
	lint "$f"
	jq_is '[.findings[] | [.rule, .object.name, .path]]' '[["TSC112","guaranteed","spec.containers[0].resources.claims"]]'
}

@test "TSC201 key-on-no-node fires only with --nodes" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/region, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}]")
	lint "$f"
	lacks TSC201
	lint -n "$L/nodes-3.yaml" "$f"
	has TSC201
	jq_is '.findings[0].message' '"no node carries the label \"topology.kubernetes.io/region\": every pod stays Pending (nodes without the key are filtered out)"'
	# a label close to the key on the nodes is named (nearmiss.h), the strongest kind first
	printf 'kind: List\nitems:\n- {kind: Node, metadata: {name: n1, labels: {Region: a}}}\n- {kind: Node, metadata: {name: n2, labels: {region: b}}}\n- {kind: Node, metadata: {name: n3, labels: {region: c}}}\n' >"$BATS_TEST_TMPDIR/n.yaml"
	lint -n "$BATS_TEST_TMPDIR/n.yaml" "$f"
	jq_is '.findings[0] | [.message, .fix]' '["no node carries the label \"topology.kubernetes.io/region\", but 2 nodes carry \"region\" (prefix): every pod stays Pending (nodes without the key are filtered out)","use topologyKey: region, or label the nodes topology.kubernetes.io/region"]'
	printf 'kind: List\nitems:\n- {kind: Node, metadata: {name: n1, labels: {failure-domain.beta.kubernetes.io/region: a, region: a}}}\n' >"$BATS_TEST_TMPDIR/n.yaml"
	lint -n "$BATS_TEST_TMPDIR/n.yaml" "$f"
	jq_is '.findings[0].fix' '"label the nodes topology.kubernetes.io/region as well (the current form of failure-domain.beta.kubernetes.io/region)"'
}

@test "TSC202 too-few-domains fires when minDomains exceeds the zones" {
	f=$(deploy d 6 <<<"topologySpreadConstraints: [{maxSkew: 1, minDomains: 4, $ZONE_OK}]")
	lint --nodes "$L/nodes-3.yaml" "$f"
	has TSC202
	f=$(deploy d 6 <<<"topologySpreadConstraints: [{maxSkew: 1, minDomains: 3, $ZONE_OK}]")
	lint --nodes "$L/nodes-3.yaml" "$f"
	lacks TSC202
}

@test "TSC203 hostname-replicas-exceed-nodes fires with more replicas than nodes" {
	f=$(deploy d 5 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}]")
	lint --nodes "$L/nodes-3.yaml" "$f"
	has TSC203
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash]}]")
	lint --nodes "$L/nodes-3.yaml" "$f"
	lacks TSC203
}

@test "TSC301 require-spread is opt-in" {
	f=$(deploy d 3 </dev/null)
	lint "$f"
	[ -z "$rules" ]
	lint --enable require-spread "$f"
	has TSC301
	lint -e TSC301 --strict "$f"
	[ "$status" -eq 1 ]
}

@test "TSC301 stays quiet with pod anti-affinity or one replica" {
	f=$(deploy d 3 <<<"affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, podAffinityTerm: {topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: web}}}}]}}")
	lint -e TSC301 "$f"
	[ -z "$rules" ]
	f=$(deploy d 1 </dev/null)
	lint -e TSC301 "$f"
	[ -z "$rules" ]
}

@test "the ignore annotation silences a rule on one object" {
	f=$(TMPL_META=', annotations: {spread-check.topokit.io/ignore: "TSC105, selector-mismatch"}' deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: x}}}]")
	lint "$f"
	[ -z "$rules" ]
}

@test "--disable turns a rule off, --strict makes warnings fail" {
	f=$(deploy d 3 <<<"topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}]")
	lint "$f"
	[ "$status" -eq 0 ]
	lint --strict "$f"
	[ "$status" -eq 1 ]
	lint --strict --disable TSC105 "$f"
	[ "$status" -eq 0 ]
	[ -z "$rules" ]
}

@test "workload kinds: paths for CronJob, Job, ReplicaSet, ReplicationController, PodTemplate" {
	cat >"$BATS_TEST_TMPDIR/k.yaml" <<'EOF'
apiVersion: batch/v1
kind: CronJob
metadata: {name: cj}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: cj}}
        spec: {containers: [{name: c, image: i}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: cj}}}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec: {template: {metadata: {labels: {app: j}}, spec: {containers: [{name: c, image: i}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: j}}}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {replicas: 2, template: {metadata: {labels: {app: rs}}, spec: {containers: [{name: c, image: i}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: rs}}}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {replicas: 2, template: {metadata: {labels: {app: rc}}, spec: {containers: [{name: c, image: i}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: rc}}}]}}}
---
apiVersion: v1
kind: PodTemplate
metadata: {name: pt}
template: {metadata: {labels: {app: pt}}, spec: {containers: [{name: c, image: i}], topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: pt}}}]}}
EOF
	lint "$BATS_TEST_TMPDIR/k.yaml"
	jq_is '[.findings[] | "\(.object.kind) \(.path)"]' '["CronJob spec.jobTemplate.spec.template.spec.topologySpreadConstraints[0].maxSkew","Job spec.template.spec.topologySpreadConstraints[0].maxSkew","ReplicaSet spec.template.spec.topologySpreadConstraints[0].maxSkew","ReplicationController spec.template.spec.topologySpreadConstraints[0].maxSkew","PodTemplate template.spec.topologySpreadConstraints[0].maxSkew"]'
}

@test "unknown kinds: constraints embedded in a CR are validated at their path" {
	cat >"$BATS_TEST_TMPDIR/cr.yaml" <<'EOF'
apiVersion: kafka.strimzi.io/v1beta2
kind: Kafka
metadata: {name: my-cluster}
spec:
  kafka:
    template:
      pod:
        topologySpreadConstraints:
        - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotschedule, labelSelector: {matchLabels: {a: b}}}
EOF
	run --separate-stderr spread-check lint -o text "$BATS_TEST_TMPDIR/cr.yaml"
	[ "$status" -eq 1 ]
	output_has 'cr.yaml:9:85: error: spec.kafka.template.pod.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "DoNotschedule": supported values: "DoNotSchedule", "ScheduleAnyway" [TSC003]'
}

@test "a CRD schema that mentions topologySpreadConstraints is no finding" {
	cat >"$BATS_TEST_TMPDIR/crd.yaml" <<'EOF'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: xs.example.com}
spec:
  versions:
  - name: v1
    schema:
      openAPIV3Schema:
        properties:
          topologySpreadConstraints: {type: array, items: {type: object, properties: {maxSkew: {type: integer}}}}
EOF
	lint "$BATS_TEST_TMPDIR/crd.yaml"
	[ "$status" -eq 0 ]
	[ -z "$rules" ]
}

@test "inputs: directory recursion, JSON, List, stdin, multi-document" {
	mkdir -p "$BATS_TEST_TMPDIR/d/sub" "$BATS_TEST_TMPDIR/d/.git"
	f=$(deploy a 3 <<<"topologySpreadConstraints: [{maxSkew: 0, $ZONE_OK}]")
	cp "$f" "$BATS_TEST_TMPDIR/d/sub/a.yml"
	cp "$f" "$BATS_TEST_TMPDIR/d/.git/hidden.yaml"
	echo 'not: [yaml' >"$BATS_TEST_TMPDIR/d/notes.txt"
	printf '{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"topologySpreadConstraints":[{"maxSkew":0,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"ScheduleAnyway","labelSelector":{}}]}}]}\n' >"$BATS_TEST_TMPDIR/d/list.json"
	lint "$BATS_TEST_TMPDIR/d"
	[ "$status" -eq 1 ]
	jq_is '[.findings[] | "\(.file | sub(".*/d/"; "")) \(.object.kind)/\(.object.name) \(.rule)"]' '["list.json Pod/p TSC001","list.json Pod/p TSC111","sub/a.yml Deployment/a TSC001"]'
	jq_is .summary.files 2
	run --separate-stderr spread-check lint -o text - <"$L/golden.yaml"
	[ "$status" -eq 1 ]
	output_has '<stdin>:11:14: error:'
	output_has '<stdin>:28:22: warning:'
}

@test "invalid YAML exits 2 with file:line:col" {
	printf 'kind: Pod\nspec:\n  topologySpreadConstraints: [\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/bad.yaml"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "spread-check lint: $BATS_TEST_TMPDIR/bad.yaml:"[0-9]*:[0-9]*": "* ]]
}

@test "a missing file exits 2" {
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/nope.yaml"
	[ "$status" -eq 2 ]
	stderr_has "nope.yaml: No such file or directory"
}

@test "usage errors exit 2 with a try-help line" {
	run --separate-stderr spread-check lint
	[ "$status" -eq 2 ]
	stderr_has "Try 'spread-check lint --help' for more information."
	run --separate-stderr spread-check lint --disable TSC999 "$L/clean.yaml"
	[ "$status" -eq 2 ]
	stderr_has "unknown rule 'TSC999'"
	run --separate-stderr spread-check lint -o xml "$L/clean.yaml"
	[ "$status" -eq 2 ]
	run --separate-stderr spread-check lint --bogus "$L/clean.yaml"
	[ "$status" -eq 2 ]
	run --separate-stderr spread-check bogus
	[ "$status" -eq 2 ]
	stderr_has "unknown command 'bogus'"
}

@test "--help and --list-rules go to stdout and exit 0" {
	run --separate-stderr spread-check lint --help
	[ "$status" -eq 0 ]
	output_has "Usage:"
	output_has "--list-rules"
	[ -z "$stderr" ]
	run --separate-stderr spread-check lint --list-rules
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 27 ]
	output_has "TSC301  warning  require-spread"
	run --separate-stderr spread-check --help
	[ "$status" -eq 0 ]
	output_has " lint       check topologySpreadConstraints in manifests"
	run --separate-stderr spread-check --version
	[ "$status" -eq 0 ]
	[ "$output" = "spread-check (topokit) 0.1.0" ]
}

@test "man page: mandoc -Tlint clean; every lint option and rule id documented" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	run -0 mandoc -Tlint -W warning "$TK_ROOT/man/spread-check.1"
	local o id help rules
	help=$(spread-check lint --help)
	rules=$(spread-check lint --list-rules)
	for o in $(grep -o -- '--[a-z-]*' <<<"$help" | sort -u); do
		grep -q -- "${o#--}" "$TK_ROOT/man/spread-check.1" || { echo "man lacks $o" >&2; return 1; }
	done
	for id in $(cut -d' ' -f1 <<<"$rules"); do
		grep -q "^\.It $id " "$TK_ROOT/man/spread-check.1" || { echo "man lacks $id" >&2; return 1; }
	done
}

@test "completions: every lint option, subcommand and rule id" {
	local c o id help rules
	help=$(spread-check lint --help)
	rules=$(spread-check lint --list-rules)
	for c in bash/spread-check zsh/_spread-check fish/spread-check.fish; do
		for o in $(grep -o -- '--[a-z-]*' <<<"$help" | sort -u) lint place simulate audit; do
			grep -q -- "${o#--}" "$TK_ROOT/completions/$c" || { echo "$c lacks $o" >&2; return 1; }
		done
		for id in $(awk '{print $1, $3}' <<<"$rules"); do
			grep -q -- "$id" "$TK_ROOT/completions/$c" || { echo "$c lacks $id" >&2; return 1; }
		done
	done
	bash -n "$TK_ROOT/completions/bash/spread-check"
}

@test "bash completion offers subcommands, formats and rule ids" {
	source "$TK_ROOT/completions/bash/spread-check"
	COMP_WORDS=(spread-check l); COMP_CWORD=1
	_spread_check
	[ "${COMPREPLY[*]}" = lint ]
	COMP_WORDS=(spread-check lint -o s); COMP_CWORD=3
	_spread_check
	[ "${COMPREPLY[*]}" = sarif ]
	COMP_WORDS=(spread-check lint --enable TSC30); COMP_CWORD=3
	_spread_check
	[ "${COMPREPLY[*]}" = "TSC301 TSC302" ]
}

@test "man page: the spread-check lint examples run (exit 0 or 1)" {
	cd "$BATS_TEST_TMPDIR"
	mkdir k8s manifests
	cp "$L/clean.yaml" k8s/
	cp "$L/golden.yaml" manifests/
	cp "$L/clean.yaml" deploy.yaml
	cp "$L/nodes-3.yaml" nodes.json
	local line n=0
	while IFS= read -r line; do
		line=${line#.Dl }
		case $line in spread-check\ lint*) ;; *) continue ;; esac
		n=$((n + 1))
		run bash -c "$line" </dev/null
		[ "$status" -le 1 ] || { echo "example failed ($status): $line" >&2; return 1; }
	done <"$TK_ROOT/man/spread-check.1"
	[ "$n" -ge 3 ]
}

@test "kinds without pod specs are streamed past: not counted, syntax still checked" {
	printf 'kind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1", a: "2"}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {topologySpreadConstraints: [{maxSkew: 0, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {}}]}\n' >"$BATS_TEST_TMPDIR/m.yaml"
	lint "$BATS_TEST_TMPDIR/m.yaml"
	[ "$status" -eq 1 ]
	jq_is '[.summary.objects, .findings[0].line]' '[1,8]'
	printf 'kind: Service\nspec: {ports: [1, 2}\n' >"$BATS_TEST_TMPDIR/bad.yaml"
	run --separate-stderr spread-check lint "$BATS_TEST_TMPDIR/bad.yaml"
	[ "$status" -eq 2 ]
}

@test "helm template output: Source comments, empty documents, CRLF-free multi-doc" {
	cat >"$BATS_TEST_TMPDIR/helm.yaml" <<'EOF2'
---
# Source: web/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
# Source: web/templates/empty.yaml
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-web
  labels:
    helm.sh/chart: web-0.1.0
spec:
  replicas: 3
  selector:
    matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: release}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: release}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: "topology.kubernetes.io/zone"
          whenUnsatisfiable: "DoNotSchedule"
          labelSelector:
            matchLabels: {app.kubernetes.io/name: web, app.kubernetes.io/instance: release}
          matchLabelKeys: [pod-template-hash]
      containers: [{name: web, image: "nginx:1.27"}]
EOF2
	lint "$BATS_TEST_TMPDIR/helm.yaml"
	[ "$status" -eq 0 ]
	[ -z "$rules" ]
	jq_is .summary.objects 1
}
