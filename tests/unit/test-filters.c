/* test-filters.c - spread-check's filter chain (cmd/spread-check/filters.c,
 * chain.c) on the cases of kubernetes' scheduler plugin table tests:
 * noderesources/fit_test.go (TestEnoughRequests, TestNotEnoughRequests,
 * TestStorageRequests), nodeports/node_ports_test.go (TestNodePorts,
 * TestFits), nodename/node_name_test.go, interpodaffinity/filtering_test.go
 * (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes) and
 * the chain's order (the first failing plugin wins).
 * Each case is a small dump (Nodes, the Pods bound to them) and the
 * incoming pod; the result is, per node, "Plugin: reason, reason" or ""
 * when every filter passes, joined by "|".
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../../cmd/spread-check/cluster.c"
#include "../../cmd/spread-check/filters.c"
#include "../../cmd/spread-check/chain.c"
#include "../../cmd/spread-check/podtopo.c"
#include "../../cmd/spread-check/volumes.c"
#include "../../cmd/spread-check/interpod.c"
#include "../../cmd/spread-check/nodevolumes.c"
#include "chain-case.h"

/* fit_test.go's node: makeAllocatableResources(10, 20, 32, 5, 20, 5) */
#define FITNODE(pods) "- {kind: Node, metadata: {name: n}, status: {allocatable: {cpu: 10m, memory: '20', " \
	"pods: '" pods "', example.com/aaa: '5', ephemeral-storage: '20', hugepages-2Mi: '5'}}}\n"
#define FIT FITNODE("32")
/* a pod already on node n with one container's requests */
#define ON(reqs) "- {kind: Pod, metadata: {name: e, namespace: ns}, spec: {nodeName: n, containers: [" C(reqs) "]}}\n"
#define C(reqs) "{name: c, resources: {requests: {" reqs "}}}"
#define SIDECAR(reqs) "{name: s, restartPolicy: Always, resources: {requests: {" reqs "}}}"
#define POD(ctrs) "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [" ctrs "]}}"
#define INITPOD(ctrs, inits) "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [" ctrs "], " \
	"initContainers: [" inits "]}}"
#define CPU_MEM(c, m) "cpu: " c ", memory: '" m "'"
#define INS(r) "NodeResourcesFit: Insufficient " r

/* node_ports_test.go: one pod on node n with these host ports */
#define PORTNODE "- {kind: Node, metadata: {name: n}, status: {allocatable: {pods: '10'}}}\n"
#define ONPORTS(ports) PORTNODE "- {kind: Pod, metadata: {name: e, namespace: ns}, spec: {nodeName: n, " \
	"containers: [{name: c, ports: [" ports "]}]}}\n"
#define P(proto, ip, port) "{protocol: " proto ", hostIP: '" ip "', hostPort: " port ", containerPort: " port "}"
#define PORTPOD(ports) "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [{name: c, ports: [" \
	ports "]}]}}"
#define PORTS_TAKEN "NodePorts: node(s) didn't have free ports for the requested pod ports"

/* filtering_test.go: nodes, the pods on them and the incoming pod */
#define NODE(n, labels) "- {kind: Node, metadata: {name: " n ", labels: {" labels "}}}\n"
#define NODE1 NODE("node1", "region: r1, zone: z11")
#define NODES_AB NODE("nodeA", "region: r1, zone: z1, hostname: nodeA") NODE("nodeB", "region: r1, zone: z2, hostname: nodeB")
#define EPOD(name, node, ns, labels, aff) "- {kind: Pod, metadata: {name: " name ", namespace: " ns ", labels: {" \
	labels "}}, spec: {nodeName: " node ", containers: [{name: c}], " aff "}}\n"
#define SECSCAN EPOD("e", "node1", "default", "service: securityscan", "")
#define IPOD(ns, labels, aff) "{kind: Pod, metadata: {name: p, namespace: " ns ", labels: {" labels "}}, " \
	"spec: {containers: [{name: c}], " aff "}}"
#define AFFINITY(aff, anti) "affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [" aff "]}, " \
	"podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [" anti "]}}"
#define TERM_IN(key, topo, vals) "{labelSelector: {matchExpressions: [{key: " key ", operator: In, values: [" vals \
	"]}]}, topologyKey: " topo "}"
#define TERM_NOTIN(key, topo, vals) "{labelSelector: {matchExpressions: [{key: " key ", operator: NotIn, values: [" \
	vals "]}]}, topologyKey: " topo "}"
#define TERM_EXISTS(key, topo) "{labelSelector: {matchExpressions: [{key: " key ", operator: Exists}]}, topologyKey: " \
	topo "}"
#define TERM_NSSEL(key, topo, nssel) "{labelSelector: {matchExpressions: [{key: " key ", operator: In, values: " \
	"[securityscan, value2]}]}, namespaceSelector: {" nssel "}, topologyKey: " topo "}"
#define NAMESPACES "- {kind: Namespace, metadata: {name: subteam1.team1, labels: {team: team1}}}\n" \
	"- {kind: Namespace, metadata: {name: subteam2.team1, labels: {team: team1}}}\n" \
	"- {kind: Namespace, metadata: {name: subteam1.team2, labels: {team: team2}}}\n"
#define R_AFF "InterPodAffinity: node(s) didn't match pod affinity rules"
#define R_ANTI "InterPodAffinity: node(s) didn't match pod anti-affinity rules"
#define R_EXIST "InterPodAffinity: node(s) didn't satisfy existing pods anti-affinity rules"

struct fcase {
	const char *name;
	const char *dump;   /* items of a List */
	const char *pod;
	const char *want;
};

static const struct fcase cases[] = {
	/* TestEnoughRequests */
	{ "no resources requested always fits", FIT ON(CPU_MEM("10m", "20")), POD(""), "" },
	{ "too many resources fails", FIT ON(CPU_MEM("10m", "20")), POD(C(CPU_MEM("1m", "1"))),
	  "NodeResourcesFit: Insufficient cpu, Insufficient memory" },
	{ "too many resources fails due to init container cpu", FIT ON(CPU_MEM("8m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("3m", "1"))), INS("cpu") },
	{ "too many resources fails due to highest init container cpu", FIT ON(CPU_MEM("8m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("3m", "1")) "," C(CPU_MEM("2m", "1"))), INS("cpu") },
	{ "too many resources fails due to init container memory", FIT ON(CPU_MEM("9m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("1m", "3"))), INS("memory") },
	{ "too many resources fails due to highest init container memory", FIT ON(CPU_MEM("9m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("1m", "3")) "," C(CPU_MEM("1m", "2"))), INS("memory") },
	{ "init container fits because it's the max, not sum", FIT ON(CPU_MEM("9m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("1m", "1"))), "" },
	{ "multiple init containers fit because it's the max, not sum", FIT ON(CPU_MEM("9m", "19")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("1m", "1")) "," C(CPU_MEM("1m", "1"))), "" },
	{ "both resources fit", FIT ON(CPU_MEM("5m", "5")), POD(C(CPU_MEM("1m", "1"))), "" },
	{ "one resource memory fits", FIT ON(CPU_MEM("9m", "5")), POD(C(CPU_MEM("2m", "1"))), INS("cpu") },
	{ "one resource cpu fits", FIT ON(CPU_MEM("5m", "19")), POD(C(CPU_MEM("1m", "2"))), INS("memory") },
	{ "equal edge case", FIT ON(CPU_MEM("5m", "19")), POD(C(CPU_MEM("5m", "1"))), "" },
	{ "equal edge case for init container", FIT ON(CPU_MEM("5m", "19")),
	  INITPOD(C(CPU_MEM("4m", "1")), C(CPU_MEM("5m", "1"))), "" },
	{ "extended resource fits", FIT ON(""), POD(C("example.com/aaa: 1")), "" },
	{ "extended resource fits for init container", FIT ON(""), INITPOD("", C("example.com/aaa: 1")), "" },
	{ "extended resource capacity enforced", FIT ON("example.com/aaa: 0"),
	  POD(C(CPU_MEM("1m", "1") ", example.com/aaa: 10")), INS("example.com/aaa") },
	{ "extended resource capacity enforced for init container", FIT ON("example.com/aaa: 0"),
	  INITPOD("", C(CPU_MEM("1m", "1") ", example.com/aaa: 10")), INS("example.com/aaa") },
	{ "extended resource allocatable enforced", FIT ON("example.com/aaa: 5"),
	  POD(C(CPU_MEM("1m", "1") ", example.com/aaa: 1")), INS("example.com/aaa") },
	{ "extended resource allocatable enforced for init container", FIT ON("example.com/aaa: 5"),
	  INITPOD("", C(CPU_MEM("1m", "1") ", example.com/aaa: 1")), INS("example.com/aaa") },
	{ "extended resource allocatable enforced for multiple containers", FIT ON("example.com/aaa: 2"),
	  POD(C(CPU_MEM("1m", "1") ", example.com/aaa: 3") "," C(CPU_MEM("1m", "1") ", example.com/aaa: 3")),
	  INS("example.com/aaa") },
	{ "extended resource allocatable admits multiple init containers", FIT ON("example.com/aaa: 2"),
	  INITPOD("", C(CPU_MEM("1m", "1") ", example.com/aaa: 3") "," C(CPU_MEM("1m", "1") ", example.com/aaa: 3")),
	  "" },
	{ "extended resource allocatable enforced for multiple init containers", FIT ON("example.com/aaa: 2"),
	  INITPOD("", C(CPU_MEM("1m", "1") ", example.com/aaa: 6") "," C(CPU_MEM("1m", "1") ", example.com/aaa: 3")),
	  INS("example.com/aaa") },
	{ "extended resource allocatable enforced for unknown resource", FIT ON(""),
	  POD(C(CPU_MEM("1m", "1") ", example.com/bbb: 1")), INS("example.com/bbb") },
	{ "extended resource allocatable enforced for unknown resource for init container", FIT ON(""),
	  INITPOD("", C(CPU_MEM("1m", "1") ", example.com/bbb: 1")), INS("example.com/bbb") },
	{ "kubernetes.io resource capacity enforced", FIT ON(""),
	  POD(C(CPU_MEM("1m", "1") ", kubernetes.io/something: 10")), INS("kubernetes.io/something") },
	{ "kubernetes.io resource capacity enforced for init container", FIT ON(""),
	  INITPOD("", C(CPU_MEM("1m", "1") ", subdomain.kubernetes.io/something: 10")),
	  INS("subdomain.kubernetes.io/something") },
	{ "hugepages resource capacity enforced", FIT ON("hugepages-2Mi: 0"),
	  POD(C(CPU_MEM("1m", "1") ", hugepages-2Mi: 10")), INS("hugepages-2Mi") },
	{ "hugepages resource capacity enforced for init container", FIT ON("hugepages-2Mi: 0"),
	  INITPOD("", C(CPU_MEM("1m", "1") ", hugepages-2Mi: 10")), INS("hugepages-2Mi") },
	{ "hugepages resource allocatable enforced for multiple containers", FIT ON("hugepages-2Mi: 2"),
	  POD(C(CPU_MEM("1m", "1") ", hugepages-2Mi: 3") "," C(CPU_MEM("1m", "1") ", hugepages-2Mi: 3")),
	  INS("hugepages-2Mi") },
	{ "resources + pod overhead fits", FIT ON(CPU_MEM("5m", "5")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [" C(CPU_MEM("1m", "1")) "], "
	  "overhead: {cpu: 3m, memory: '13'}}}", "" },
	{ "requests + overhead does not fit for memory", FIT ON(CPU_MEM("5m", "5")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [" C(CPU_MEM("1m", "1")) "], "
	  "overhead: {cpu: 1m, memory: '15'}}}", INS("memory") },
	/* restartable init containers (resource.PodRequests): a sidecar adds to
	 * the containers; a regular init container runs beside the sidecars
	 * started before it */
	{ "sidecar requests add to the containers'", FIT ON(CPU_MEM("5m", "5")),
	  INITPOD(C(CPU_MEM("1m", "1")), SIDECAR(CPU_MEM("5m", "1"))), INS("cpu") },
	{ "a regular init container of the same size is a maximum", FIT ON(CPU_MEM("5m", "5")),
	  INITPOD(C(CPU_MEM("1m", "1")), C(CPU_MEM("5m", "1"))), "" },
	{ "init container beside an earlier sidecar fits at the limit", FIT ON(CPU_MEM("1m", "1")),
	  INITPOD(C(CPU_MEM("1m", "1")), SIDECAR(CPU_MEM("2m", "1")) "," C(CPU_MEM("7m", "1"))), "" },
	{ "init container beside an earlier sidecar does not fit", FIT ON(CPU_MEM("2m", "1")),
	  INITPOD(C(CPU_MEM("1m", "1")), SIDECAR(CPU_MEM("2m", "1")) "," C(CPU_MEM("7m", "1"))), INS("cpu") },
	{ "pod-level requests replace the containers' sum", FIT ON(CPU_MEM("5m", "5")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {resources: {requests: {cpu: 2m}}, "
	  "containers: [" C(CPU_MEM("9m", "1")) "]}}", "" },
	/* TestNotEnoughRequests: allocatable pods 1, one pod there */
	{ "no space for an additional pod, nothing requested", FITNODE("1") ON(CPU_MEM("10m", "20")), POD(""),
	  "NodeResourcesFit: Too many pods" },
	{ "no space for an additional pod, both resources fit", FITNODE("1") ON(CPU_MEM("5m", "5")),
	  POD(C(CPU_MEM("1m", "1"))), "NodeResourcesFit: Too many pods" },
	{ "no space for an additional pod, equal edge case", FITNODE("1") ON(CPU_MEM("5m", "19")),
	  POD(C(CPU_MEM("5m", "1"))), "NodeResourcesFit: Too many pods" },
	{ "no space for an additional pod due to init container", FITNODE("1") ON(CPU_MEM("5m", "19")),
	  INITPOD(C(CPU_MEM("5m", "1")), C(CPU_MEM("5m", "1"))), "NodeResourcesFit: Too many pods" },
	/* TestStorageRequests */
	{ "due to container scratch disk", FIT ON(CPU_MEM("10m", "10")), POD(C(CPU_MEM("1m", "1"))), INS("cpu") },
	{ "pod fit", FIT ON(CPU_MEM("2m", "10")), POD(C(CPU_MEM("1m", "1"))), "" },
	{ "ephemeral local storage request exceeds allocatable", FIT ON(CPU_MEM("2m", "2")),
	  POD(C("ephemeral-storage: '25'")), INS("ephemeral-storage") },
	{ "ephemeral local storage fits", FIT ON(CPU_MEM("2m", "2")), POD(C("ephemeral-storage: '10'")), "" },
	/* fitsRequest's order: pods, cpu, memory, ephemeral-storage, scalars */
	{ "every shortfall is a reason", FITNODE("1") ON(""),
	  POD(C("example.com/aaa: 9, cpu: 20m, ephemeral-storage: '25', memory: '1'")),
	  "NodeResourcesFit: Too many pods, Insufficient cpu, Insufficient ephemeral-storage, "
	  "Insufficient example.com/aaa" },
	{ "a zero request of a resource the node lacks is not checked", FIT ON(""),
	  POD(C("example.com/bbb: 0, cpu: 1m")), "" },
	{ "a resource the allocatable does not list is 0",
	  "- {kind: Node, metadata: {name: n}, status: {allocatable: {cpu: '1', memory: 1Gi, pods: '10'}}}\n",
	  POD(C("ephemeral-storage: 1Mi")), INS("ephemeral-storage") },
	{ "a node without allocatable limits nothing", "- {kind: Node, metadata: {name: n}}\n",
	  POD(C("nvidia.com/gpu: 8, cpu: '64'")), "" },
	{ "a finished pod's requests are free again",
	  FIT "- {kind: Pod, metadata: {name: e, namespace: ns}, spec: {nodeName: n, containers: ["
	  C("cpu: 10m") "]}, status: {phase: Succeeded}}\n", POD(C("cpu: 1m")), "" },
	{ "a name the scheduler does not count is ignored", FIT ON(""), POD(C("foo: 1, cpu: 1m")), "" },
	{ "allocatable without pods takes no pod", "- {kind: Node, metadata: {name: n}, status: {allocatable: {cpu: 1m}}}\n",
	  POD(""), "NodeResourcesFit: Too many pods" },
	/* node_ports_test.go TestNodePorts */
	{ "nodeports: skip filter", PORTNODE, POD(""), "" },
	{ "nodeports: other port", ONPORTS(P("UDP", "127.0.0.1", "9090")), PORTPOD(P("UDP", "127.0.0.1", "8080")), "" },
	{ "nodeports: same udp port", ONPORTS(P("UDP", "127.0.0.1", "8080")), PORTPOD(P("UDP", "127.0.0.1", "8080")),
	  PORTS_TAKEN },
	{ "nodeports: same tcp port", ONPORTS(P("TCP", "127.0.0.1", "8080")), PORTPOD(P("TCP", "127.0.0.1", "8080")),
	  PORTS_TAKEN },
	{ "nodeports: different host ip", ONPORTS(P("TCP", "127.0.0.2", "8080")),
	  PORTPOD(P("TCP", "127.0.0.1", "8080")), "" },
	{ "nodeports: different protocol", ONPORTS(P("TCP", "127.0.0.1", "8080")),
	  PORTPOD(P("UDP", "127.0.0.1", "8080")), "" },
	{ "nodeports: second udp port conflict", ONPORTS(P("UDP", "127.0.0.1", "8080")),
	  PORTPOD(P("UDP", "127.0.0.1", "8000") "," P("UDP", "127.0.0.1", "8080")), PORTS_TAKEN },
	{ "nodeports: first tcp port conflict", ONPORTS(P("TCP", "127.0.0.1", "8001") "," P("UDP", "127.0.0.1", "8081")),
	  PORTPOD(P("TCP", "127.0.0.1", "8001") "," P("UDP", "127.0.0.1", "8080")), PORTS_TAKEN },
	{ "nodeports: first tcp port conflict due to 0.0.0.0 hostIP", ONPORTS(P("TCP", "127.0.0.1", "8001")),
	  PORTPOD(P("TCP", "0.0.0.0", "8001")), PORTS_TAKEN },
	{ "nodeports: TCP hostPort conflict due to 0.0.0.0 hostIP", ONPORTS(P("TCP", "127.0.0.1", "8001")),
	  PORTPOD(P("TCP", "10.0.10.10", "8001") "," P("TCP", "0.0.0.0", "8001")), PORTS_TAKEN },
	{ "nodeports: second tcp port conflict to 0.0.0.0 hostIP", ONPORTS(P("TCP", "0.0.0.0", "8001")),
	  PORTPOD(P("TCP", "127.0.0.1", "8001")), PORTS_TAKEN },
	{ "nodeports: second different protocol", ONPORTS(P("TCP", "0.0.0.0", "8001")),
	  PORTPOD(P("UDP", "127.0.0.1", "8001")), "" },
	{ "nodeports: UDP hostPort conflict due to 0.0.0.0 hostIP",
	  ONPORTS(P("TCP", "0.0.0.0", "8001") "," P("UDP", "0.0.0.0", "8001")), PORTPOD(P("UDP", "127.0.0.1", "8001")),
	  PORTS_TAKEN },
	{ "nodeports: non-sidecar initContainer using hostPort", ONPORTS(P("TCP", "0.0.0.0", "8001")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [{name: c}], initContainers: "
	  "[{name: i, ports: [{containerPort: 8001, hostPort: 8001, protocol: TCP}]}]}}", "" },
	{ "nodeports: TCP hostPort conflict from sidecar initContainer", ONPORTS(P("TCP", "0.0.0.0", "8001")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [{name: c}], initContainers: "
	  "[{name: i, restartPolicy: Always, ports: [{containerPort: 8001, hostPort: 8001, protocol: TCP}]}]}}",
	  PORTS_TAKEN },
	/* TestFits */
	{ "nodeports: multiple non-conflicting ports",
	  ONPORTS(P("TCP", "127.0.0.1", "9090") "," P("TCP", "127.0.0.1", "9191") "," P("TCP", "127.0.1.1", "8080")),
	  PORTPOD(P("TCP", "127.0.0.1", "80") "," P("TCP", "127.0.1.1", "80") "," P("TCP", "127.0.1.1", "90") ","
		  P("TCP", "127.0.1.1", "100")), "" },
	{ "nodeports: multiple ports, some conflicting",
	  ONPORTS(P("TCP", "127.0.0.1", "9090") "," P("TCP", "127.0.1.1", "90") "," P("TCP", "127.0.1.1", "8080")),
	  PORTPOD(P("TCP", "127.0.0.1", "80") "," P("TCP", "127.0.1.1", "80") "," P("TCP", "127.0.1.1", "90") ","
		  P("TCP", "127.0.1.1", "100")), PORTS_TAKEN },
	/* HostPortInfo defaults: no hostIP is 0.0.0.0, no protocol is TCP */
	{ "nodeports: defaults conflict", ONPORTS("{hostPort: 80, containerPort: 80}"),
	  PORTPOD(P("TCP", "10.1.1.1", "80")), PORTS_TAKEN },
	{ "nodeports: a finished pod's ports are free",
	  PORTNODE "- {kind: Pod, metadata: {name: e, namespace: ns}, spec: {nodeName: n, containers: [{name: c, "
	  "ports: [" P("TCP", "0.0.0.0", "80") "]}]}, status: {phase: Failed}}\n", PORTPOD(P("TCP", "0.0.0.0", "80")), "" },
	/* node_name_test.go */
	{ "nodename: no host specified", PORTNODE, POD(""), "" },
	{ "nodename: host matches", PORTNODE,
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {nodeName: n, containers: [{name: c}]}}", "" },
	{ "nodename: host doesn't match", PORTNODE,
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {nodeName: m, containers: [{name: c}]}}",
	  "NodeName: node(s) didn't match the requested node name" },
	/* interpodaffinity/filtering_test.go TestRequiredAffinitySingleNode:
	 * node1 (region r1, zone z11) runs a pod labelled service=securityscan */
	{ "ipa: no required pod affinity, no existing pods", NODE1, IPOD("default", "", ""), "" },
	{ "ipa: In operator matches the existing pod", NODE1 SECSCAN,
	  IPOD("default", "security: S1", AFFINITY(TERM_IN("service", "region", "securityscan, value2"), "")), "" },
	{ "ipa: NotIn operator matches the existing pod", NODE1 SECSCAN,
	  IPOD("default", "security: S1", AFFINITY(TERM_NOTIN("service", "region", "securityscan3, value3"), "")), "" },
	{ "ipa: another namespace does not satisfy the affinity", NODE1
	  EPOD("e", "node1", "ns", "service: securityscan", ""),
	  IPOD("default", "security: S1", AFFINITY("{labelSelector: {matchExpressions: [{key: service, operator: In, "
						   "values: [securityscan, value2]}]}, namespaces: [DiffNameSpace]}", "")),
	  R_AFF },
	{ "ipa: unmatching labelSelector", NODE1 SECSCAN,
	  IPOD("default", "service: securityscan", AFFINITY(TERM_IN("service", "''", "antivirusscan, value2"), "")),
	  R_AFF },
	{ "ipa: different operators in several terms all match", NODE1 SECSCAN,
	  IPOD("default", "security: S1",
	       AFFINITY("{labelSelector: {matchExpressions: [{key: service, operator: Exists}, {key: wrongkey, operator: "
			"DoesNotExist}]}, topologyKey: region}, {labelSelector: {matchExpressions: [{key: service, "
			"operator: In, values: [securityscan]}, {key: service, operator: NotIn, values: [WrongValue]}]}, "
			"topologyKey: region}", "")), "" },
	{ "ipa: matchExpressions are ANDed, one does not match", NODE1 SECSCAN,
	  IPOD("default", "security: S1",
	       AFFINITY("{labelSelector: {matchExpressions: [{key: service, operator: Exists}, {key: wrongkey, operator: "
			"DoesNotExist}]}, topologyKey: region}, {labelSelector: {matchExpressions: [{key: service, "
			"operator: In, values: [securityscan2]}, {key: service, operator: NotIn, values: [WrongValue]}]}, "
			"topologyKey: region}", "")), R_AFF },
	{ "ipa: affinity and anti-affinity both satisfied", NODE1 SECSCAN,
	  IPOD("default", "security: S1", AFFINITY(TERM_IN("service", "region", "securityscan, value2"),
						   TERM_IN("service", "node", "antivirusscan, value2"))), "" },
	{ "ipa: affinity, anti-affinity and the existing pod's anti-affinity satisfied", NODE1
	  EPOD("e", "node1", "default", "service: securityscan", AFFINITY("", TERM_IN("service", "node", "antivirusscan, value2"))),
	  IPOD("default", "security: S1", AFFINITY(TERM_IN("service", "region", "securityscan, value2"),
						   TERM_IN("service", "node", "antivirusscan, value2"))), "" },
	{ "ipa: affinity satisfied, anti-affinity not", NODE1 SECSCAN,
	  IPOD("default", "security: S1", AFFINITY(TERM_IN("service", "region", "securityscan, value2"),
						   TERM_IN("service", "zone", "securityscan, value2"))), R_ANTI },
	{ "ipa: the existing pod's anti-affinity is not satisfied", NODE1
	  EPOD("e", "node1", "default", "service: securityscan", AFFINITY("", TERM_IN("service", "zone", "securityscan, value2"))),
	  IPOD("default", "service: securityscan", AFFINITY(TERM_IN("service", "region", "securityscan, value2"),
							    TERM_IN("service", "node", "antivirusscan, value2"))), R_EXIST },
	{ "ipa: the pod matches its own NotIn term, the matching pod is on an unknown node", NODE1
	  EPOD("e", "node2", "default", "service: securityscan", ""),
	  IPOD("default", "service: securityscan", AFFINITY(TERM_NOTIN("service", "region", "securityscan, value2"), "")),
	  R_AFF },
	{ "ipa: an existing pod's anti-affinity applies to a pod without any", NODE1
	  EPOD("e", "node1", "default", "service: securityscan", AFFINITY("", TERM_IN("service", "zone", "securityscan, value2"))),
	  IPOD("default", "service: securityscan", ""), R_EXIST },
	{ "ipa: an existing pod's NotIn anti-affinity does not match", NODE1
	  EPOD("e", "node1", "default", "service: securityscan", AFFINITY("", TERM_NOTIN("service", "zone", "securityscan, value2"))),
	  IPOD("default", "service: securityscan", ""), "" },
	{ "ipa: the incoming pod's anti-affinity matches the existing pod", NODE1
	  EPOD("e", "node1", "default", "security: S1", AFFINITY("", TERM_EXISTS("security", "zone"))),
	  IPOD("default", "service: securityscan", AFFINITY("", TERM_EXISTS("service", "region") "," TERM_EXISTS("security", "region"))),
	  R_ANTI },
	{ "ipa: symmetry a1", NODE1 EPOD("e", "node1", "default", "security: S1", AFFINITY("", TERM_EXISTS("security", "zone"))),
	  IPOD("default", "service: securityscan", AFFINITY("", TERM_EXISTS("service", "zone") "," TERM_EXISTS("security", "zone"))),
	  R_ANTI },
	{ "ipa: symmetry a2", NODE1
	  EPOD("e", "node1", "default", "service: securityscan",
	       AFFINITY("", TERM_EXISTS("service", "zone") "," TERM_EXISTS("security", "zone"))),
	  IPOD("default", "security: S1", AFFINITY("", TERM_EXISTS("security", "zone"))), R_EXIST },
	{ "ipa: symmetry b1", NODE1
	  EPOD("e", "node1", "default", "def: '', xyz: ''", AFFINITY("", TERM_EXISTS("abc", "zone") "," TERM_EXISTS("def", "zone"))),
	  IPOD("default", "abc: '', xyz: ''", AFFINITY("", TERM_EXISTS("abc", "zone") "," TERM_EXISTS("def", "zone"))), R_ANTI },
	{ "ipa: symmetry b2", NODE1
	  EPOD("e", "node1", "default", "abc: '', xyz: ''", AFFINITY("", TERM_EXISTS("abc", "zone") "," TERM_EXISTS("def", "zone"))),
	  IPOD("default", "def: '', xyz: ''", AFFINITY("", TERM_EXISTS("abc", "zone") "," TERM_EXISTS("def", "zone"))), R_ANTI },
	{ "ipa: affinity with namespaceSelector", NODE1 NAMESPACES
	  EPOD("e", "node1", "subteam1.team1", "service: securityscan", ""),
	  IPOD("default", "security: S1", AFFINITY(TERM_NSSEL("service", "region", "matchExpressions: [{key: team, operator: In, values: [team1]}]"), "")),
	  "" },
	{ "ipa: affinity with non-matching namespaceSelector", NODE1 NAMESPACES
	  EPOD("e", "node1", "subteam1.team2", "service: securityscan", ""),
	  IPOD("default", "security: S1", AFFINITY(TERM_NSSEL("service", "region", "matchExpressions: [{key: team, operator: In, values: [team1]}]"), "")),
	  R_AFF },
	{ "ipa: anti-affinity with matching namespaceSelector", NODE1 NAMESPACES
	  EPOD("e", "node1", "subteam2.team1", "service: securityscan", ""),
	  IPOD("subteam1.team1", "security: S1", AFFINITY("", TERM_NSSEL("service", "zone", "matchExpressions: [{key: team, operator: In, values: [team1]}]"))),
	  R_ANTI },
	{ "ipa: anti-affinity with an empty namespaceSelector (all namespaces)", NODE1 NAMESPACES
	  EPOD("e", "node1", "subteam2.team1", "service: securityscan", ""),
	  IPOD("subteam1.team1", "security: S1", AFFINITY("", TERM_NSSEL("service", "zone", ""))), R_ANTI },
	{ "ipa: anti-affinity with non-matching namespaceSelector", NODE1 NAMESPACES
	  EPOD("e", "node1", "subteam1.team2", "service: securityscan", ""),
	  IPOD("subteam1.team1", "security: S1", AFFINITY("", TERM_NSSEL("service", "zone", "matchExpressions: [{key: team, operator: In, values: [team1]}]"))),
	  "" },
	/* ours: without Namespace objects a namespace has the label the API
	 * server gives every namespace, kubernetes.io/metadata.name */
	{ "ipa: namespaceSelector on kubernetes.io/metadata.name without Namespace objects", NODE1
	  EPOD("e", "node1", "other", "service: securityscan", ""),
	  IPOD("default", "security: S1", AFFINITY(TERM_NSSEL("service", "region", "matchLabels: {kubernetes.io/metadata.name: other}"), "")),
	  "" },
	/* TestRequiredAffinityMultipleNodes */
	{ "ipa: every node of the matching pod's region",
	  NODE("node1", "region: China") NODE("node2", "region: China, az: az1") NODE("node3", "region: India")
	  EPOD("p1", "node1", "default", "foo: bar", ""),
	  IPOD("default", "", AFFINITY(TERM_IN("foo", "region", "bar"), "")), "||" R_AFF },
	{ "ipa: the first pod of a group with affinity to itself goes anywhere",
	  NODE("nodeA", "zone: az1, hostname: h1") NODE("nodeB", "zone: az2, hostname: h2")
	  EPOD("p1", "nodeA", "default", "foo: bar", ""),
	  IPOD("default", "foo: bar, service: securityscan",
	       AFFINITY(TERM_IN("foo", "zone", "bar") "," TERM_IN("service", "zone", "securityscan"), "")), "|" },
	{ "ipa: the first pod of a group needs the topology keys on the node",
	  NODE("nodeA", "zoneLabel: az1, hostname: h1") NODE("nodeB", "zoneLabel: az2, hostname: h2")
	  EPOD("p1", "nodeA", "default", "foo: bar", ""),
	  IPOD("default", "foo: bar, service: securityscan",
	       AFFINITY(TERM_IN("foo", "zone", "bar") "," TERM_IN("service", "zone", "securityscan"), "")), R_AFF "|" R_AFF },
	{ "ipa: anti-affinity over the whole region",
	  NODE("nodeA", "region: r1, hostname: nodeA") NODE("nodeB", "region: r1, hostname: nodeB")
	  EPOD("e", "nodeA", "default", "foo: abc", ""),
	  IPOD("default", "", AFFINITY("", TERM_IN("foo", "region", "abc"))), R_ANTI "|" R_ANTI },
	{ "ipa: any anti-affinity term that matches a pod counts",
	  NODE("nodeA", "region: r1, zone: z1, hostname: nodeA") NODE("nodeB", "region: r1, zone: z2, hostname: nodeB")
	  EPOD("e", "nodeA", "default", "foo: abc, service: securityscan", ""),
	  IPOD("default", "", AFFINITY("", TERM_IN("foo", "region", "abc") "," TERM_IN("service", "zone", "securityscan"))),
	  R_ANTI "|" R_ANTI },
	{ "ipa: anti-affinity leaves the other region",
	  NODE("nodeA", "region: China") NODE("nodeB", "region: China, az: az1") NODE("nodeC", "region: India")
	  EPOD("e", "nodeA", "default", "foo: abc", ""),
	  IPOD("default", "", AFFINITY("", TERM_IN("foo", "region", "abc"))), R_ANTI "|" R_ANTI "|" },
	{ "ipa: an existing pod's anti-affinity in another namespace does not apply",
	  NODE("nodeA", "region: China") NODE("nodeB", "region: China, az: az1") NODE("nodeC", "region: India")
	  EPOD("e1", "nodeA", "NS1", "foo: bar", "") EPOD("e2", "nodeC", "NS2", "", AFFINITY("", TERM_IN("foo", "region", "123"))),
	  IPOD("NS1", "foo: '123'", AFFINITY("", TERM_IN("foo", "region", "bar"))), R_ANTI "|" R_ANTI "|" },
	{ "ipa: an existing pod's term with a key no node has",
	  NODE("nodeA", "region: r1, zone: z1, hostname: nodeA") NODE("nodeB", "region: r1, zone: z1, hostname: nodeB")
	  EPOD("e", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("foo", "invalid-node-label"))),
	  IPOD("default", "foo: ''", ""), "|" },
	{ "ipa: the incoming pod's term with a key no node has",
	  NODE("nodeA", "region: r1, zone: z1, hostname: nodeA") NODE("nodeB", "region: r1, zone: z1, hostname: nodeB")
	  EPOD("e", "nodeA", "default", "foo: ''", ""),
	  IPOD("default", "", AFFINITY("", TERM_EXISTS("foo", "invalid-node-label"))), "|" },
	{ "ipa: the incoming pod violates each existing pod's terms on all nodes", NODES_AB
	  EPOD("e1", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("foo", "zone")))
	  EPOD("e2", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("bar", "region"))),
	  IPOD("default", "foo: '', bar: ''", ""), R_EXIST "|" R_EXIST },
	{ "ipa: the incoming pod violates at least one of its anti-affinity terms everywhere", NODES_AB
	  EPOD("e1", "nodeA", "default", "foo: ''", "") EPOD("e2", "nodeB", "default", "bar: ''", ""),
	  IPOD("default", "", AFFINITY("", TERM_EXISTS("foo", "zone") "," TERM_EXISTS("bar", "region"))), R_ANTI "|" R_ANTI },
	{ "ipa: an existing pod's term counts when selector and topologyKey both match (one key invalid)", NODES_AB
	  EPOD("e", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("foo", "invalid-node-label") "," TERM_EXISTS("bar", "zone"))),
	  IPOD("default", "foo: '', bar: ''", ""), R_EXIST "|" },
	{ "ipa: the incoming pod's term counts when selector and topologyKey both match (one key invalid)", NODES_AB
	  EPOD("podA", "nodeA", "default", "foo: '', bar: ''", ""),
	  IPOD("default", "", AFFINITY("", TERM_EXISTS("foo", "invalid-node-label") "," TERM_EXISTS("bar", "zone"))), R_ANTI "|" },
	{ "ipa: an existing pod's terms with valid topologyKeys", NODES_AB
	  EPOD("e", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("foo", "region") "," TERM_EXISTS("bar", "zone"))),
	  IPOD("default", "foo: '', bar: ''", ""), R_EXIST "|" R_EXIST },
	{ "ipa: the incoming pod's terms with valid topologyKeys", NODES_AB
	  EPOD("e", "nodeA", "default", "foo: '', bar: ''", ""),
	  IPOD("default", "", AFFINITY("", TERM_EXISTS("foo", "region") "," TERM_EXISTS("bar", "zone"))), R_ANTI "|" R_ANTI },
	{ "ipa: existing pods on nodeA and nodeB each have a matching term, nodeC is free",
	  NODES_AB NODE("nodeC", "region: r1, zone: z3, hostname: nodeC")
	  EPOD("e1", "nodeA", "default", "", AFFINITY("", TERM_EXISTS("foo", "zone") "," TERM_EXISTS("labelA", "zone")))
	  EPOD("e2", "nodeB", "default", "", AFFINITY("", TERM_EXISTS("bar", "zone") "," TERM_EXISTS("labelB", "zone"))),
	  IPOD("default", "foo: '', bar: ''", ""), R_EXIST "|" R_EXIST "|" },
	{ "ipa: affinity: all terms match one pod, then every topologyKey",
	  NODE("nodeA", "region: r1, zone: z1, hostname: nodeA") NODE("nodeB", "region: r1, zone: z1, hostname: nodeB")
	  EPOD("pod1", "nodeA", "default", "foo: '', bar: ''", ""),
	  IPOD("default", "", AFFINITY(TERM_EXISTS("foo", "region") "," TERM_EXISTS("bar", "zone"), "")), "|" },
	{ "ipa: affinity: the terms must match the same pod", NODES_AB
	  EPOD("pod1", "nodeA", "default", "foo: ''", "") EPOD("pod2", "nodeB", "default", "bar: ''", ""),
	  IPOD("default", "", AFFINITY(TERM_EXISTS("foo", "region") "," TERM_EXISTS("bar", "zone"), "")), R_AFF "|" R_AFF },
	/* matchLabelKeys / mismatchLabelKeys merge the pod's own values in */
	{ "ipa: matchLabelKeys: an older generation does not count",
	  NODE("nodeA", "hostname: a") EPOD("e", "nodeA", "default", "app: web, pod-template-hash: h1", ""),
	  IPOD("default", "app: web, pod-template-hash: h2",
	       AFFINITY("", "{labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash], topologyKey: hostname}")),
	  "" },
	{ "ipa: matchLabelKeys: the same generation counts",
	  NODE("nodeA", "hostname: a") EPOD("e", "nodeA", "default", "app: web, pod-template-hash: h2", ""),
	  IPOD("default", "app: web, pod-template-hash: h2",
	       AFFINITY("", "{labelSelector: {matchLabels: {app: web}}, matchLabelKeys: [pod-template-hash], topologyKey: hostname}")),
	  R_ANTI },
	{ "ipa: mismatchLabelKeys: only other tenants' pods count",
	  NODE("nodeA", "hostname: a") NODE("nodeB", "hostname: b")
	  EPOD("e1", "nodeA", "default", "app: x, tenant: t2", "") EPOD("e2", "nodeB", "default", "app: x, tenant: t1", ""),
	  IPOD("default", "tenant: t1",
	       AFFINITY("", "{labelSelector: {matchExpressions: [{key: app, operator: Exists}]}, mismatchLabelKeys: [tenant], topologyKey: hostname}")),
	  R_ANTI "|" },
	{ "ipa: a terminating pod still counts, a finished one does not",
	  NODE("nodeA", "hostname: a") NODE("nodeB", "hostname: b")
	  "- {kind: Pod, metadata: {name: e1, namespace: default, labels: {app: x}, deletionTimestamp: '2026-01-01T00:00:00Z'}, "
	  "spec: {nodeName: nodeA, containers: [{name: c}]}}\n"
	  "- {kind: Pod, metadata: {name: e2, namespace: default, labels: {app: x}}, spec: {nodeName: nodeB, "
	  "containers: [{name: c}]}, status: {phase: Succeeded}}\n",
	  IPOD("default", "", AFFINITY("", TERM_IN("app", "hostname", "x"))), R_ANTI "|" },
	/* the chain: PodTopologySpread runs before InterPodAffinity */
	{ "ipa: PodTopologySpread's reason before InterPodAffinity's",
	  NODE("nodeA", "hostname: a") EPOD("e", "nodeA", "default", "app: x", ""),
	  "{kind: Pod, metadata: {name: p, namespace: default, labels: {app: x}}, spec: {containers: [{name: c}], "
	  "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, "
	  "labelSelector: {matchLabels: {app: x}}}], " AFFINITY("", TERM_IN("app", "hostname", "x")) "}}",
	  "PodTopologySpread: node(s) didn't match pod topology spread constraints (missing required label)" },
	/* the chain: the first plugin that rejects a node is its only reason */
	{ "nodename before taints",
	  "- {kind: Node, metadata: {name: n}, spec: {taints: [{key: k, effect: NoSchedule}]}}\n",
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {nodeName: m, containers: [{name: c}]}}",
	  "NodeName: node(s) didn't match the requested node name" },
	{ "ports before resources", ONPORTS(P("TCP", "0.0.0.0", "80")),
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {containers: [{name: c, resources: {requests: "
	  "{cpu: '99'}}, ports: [" P("TCP", "0.0.0.0", "80") "]}]}}", PORTS_TAKEN },
	{ "unschedulable before resources",
	  "- {kind: Node, metadata: {name: n}, spec: {unschedulable: true}, status: {allocatable: {cpu: 1m}}}\n",
	  POD(C("cpu: 2m")), "NodeUnschedulable: node(s) were unschedulable" },
	{ "taints before resources",
	  "- {kind: Node, metadata: {name: n}, spec: {taints: [{key: k, effect: NoSchedule}]}, "
	  "status: {allocatable: {cpu: 1m}}}\n", POD(C("cpu: 2m")), "TaintToleration: node(s) had untolerated taint(s)" },
	{ "node affinity before resources",
	  "- {kind: Node, metadata: {name: n, labels: {a: b}}, status: {allocatable: {cpu: 1m}}}\n",
	  "{kind: Pod, metadata: {name: p, namespace: ns}, spec: {nodeSelector: {a: c}, containers: [" C("cpu: 2m") "]}}",
	  "NodeAffinity: node(s) didn't match Pod's node affinity/selector" },
	{ "resources before PodTopologySpread",
	  "- {kind: Node, metadata: {name: n}, status: {allocatable: {cpu: 1m, pods: '9'}}}\n",
	  "{kind: Pod, metadata: {name: p, namespace: ns, labels: {a: b}}, spec: {containers: [" C("cpu: 2m") "], "
	  "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, "
	  "labelSelector: {matchLabels: {a: b}}}]}}", INS("cpu") },
	{ "PodTopologySpread after the others pass",
	  "- {kind: Node, metadata: {name: n}, status: {allocatable: {cpu: 4m, pods: '9'}}}\n",
	  "{kind: Pod, metadata: {name: p, namespace: ns, labels: {a: b}}, spec: {containers: [" C("cpu: 2m") "], "
	  "topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, "
	  "labelSelector: {matchLabels: {a: b}}}]}}",
	  "PodTopologySpread: node(s) didn't match pod topology spread constraints (missing required label)" },
};

static int other_item(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;

	return sc_namespace_item(a[0], file, item, a[2]);
}

static void run_case(const struct fcase *k, const char *tmp_dump, const char *tmp_pod)
{
	struct sc_cluster c;
	struct sc_podspec pod;
	struct pts_defaults defs;
	struct pts_objects objs;
	struct pts_state st;
	struct sc_chain ch;
	struct tk_diag d;
	char got[2048] = "";
	const char *rejected;
	uint32_t n;

	if (chain_case_load(k->name, k->dump, k->pod, tmp_dump, tmp_pod, other_item, &c, &pod, &d) < 0)
		return;
	memset(&defs, 0, sizeof(defs));
	memset(&objs, 0, sizeof(objs));
	memset(&st, 0, sizeof(st));
	pts_state_init(&st, &c, &pod, &defs, &objs);
	sc_chain_init(&ch, &st, NULL);
	rejected = sc_chain_prefilter(&ch);
	for (n = 0; n < c.nnodes; n++) {
		struct sc_filter_verdict v;

		if (n)
			strcat(got, "|");
		if (rejected) {
			strcat(got, rejected);
			continue;
		}
		if (sc_chain_filter(&ch, n, &v))
			chain_case_verdict(got, sizeof(got), &v);
	}
	TAP_OK(strcmp(got, k->want) == 0, "%s: '%s'", k->name, got);
	sc_chain_release(&ch);
	pts_state_release(&st);
	sc_podspec_release(&pod);
	sc_cluster_release(&c);
}

int main(void)
{
	char tmp_dump[] = "/tmp/test-filters.XXXXXX", tmp_pod[] = "/tmp/test-filters-pod.XXXXXX";
	int fd = mkstemp(tmp_dump), fd2 = mkstemp(tmp_pod);
	size_t i;

	if (fd < 0 || fd2 < 0) {
		printf("Bail out! mkstemp\n");
		return 1;
	}
	close(fd);
	close(fd2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], tmp_dump, tmp_pod);
	unlink(tmp_dump);
	unlink(tmp_pod);
	return TAP_DONE();
}
