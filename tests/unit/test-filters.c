/* test-filters.c - spread-check's filter chain (cmd/spread-check/filters.c,
 * chain.c) on the cases of kubernetes' scheduler plugin table tests:
 * noderesources/fit_test.go (TestEnoughRequests, TestNotEnoughRequests,
 * TestStorageRequests), nodeports/node_ports_test.go (TestNodePorts,
 * TestFits), nodename/node_name_test.go and the chain's order (the first
 * failing plugin wins).
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

static int pod_item_cb(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;

	struct sc_cluster *c = a[0];
	int r;

	c->check_selectors = true;   /* the incoming pod */
	r = sc_podspec_from_node(c, a[1], file, item, a[2]);
	c->check_selectors = false;
	return r;
}

static int write_file(const char *path, const char *fmt, const char *text)
{
	FILE *f = fopen(path, "w");

	return !f || fprintf(f, fmt, text) < 0 || fclose(f) != 0 ? -1 : 0;
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
	void *arg[3] = { &c, &pod, &d };
	char got[2048] = "";
	const char *rejected;
	uint32_t n;
	size_t j;

	if (write_file(tmp_dump, "kind: List\nitems:\n%s", k->dump) < 0 || write_file(tmp_pod, "%s\n", k->pod) < 0) {
		TAP_OK(0, "%s: write", k->name);
		return;
	}
	sc_cluster_init(&c);
	memset(&d, 0, sizeof(d));
	memset(&pod, 0, sizeof(pod));
	memset(&defs, 0, sizeof(defs));
	memset(&objs, 0, sizeof(objs));
	if (sc_load_cluster(&c, tmp_dump, NULL, NULL, &d) < 0 || tk_doc_stream(tmp_pod, NULL, pod_item_cb, arg, &d) != 0) {
		TAP_OK(0, "%s: load: %s", k->name, d.msg);
		sc_podspec_release(&pod);
		sc_cluster_release(&c);
		return;
	}
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
		if (!sc_chain_filter(&ch, n, &v))
			continue;
		strcat(got, v.plugin);
		for (j = 0; j < v.nreasons; j++) {
			strcat(got, j ? ", " : ": ");
			strcat(got, v.reasons[j]);
		}
	}
	TAP_OK(strcmp(got, k->want) == 0, "%s: '%s'", k->name, got);
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
