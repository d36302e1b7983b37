/* filters.c - see filters.h. Reason strings as the plugins word them
 * (nodeunschedulable/node_unschedulable.go ErrReasonUnschedulable,
 * nodename/node_name.go ErrReason, nodeports/node_ports.go ErrReason,
 * tainttoleration/taint_toleration.go, nodeaffinity/node_affinity.go
 * ErrReasonPod, noderesources/fit.go "Too many pods" / "Insufficient %v"). */
#include <string.h>

#include "filters.h"

void sc_verdict_add(struct sc_filter_verdict *v, const char *plugin, const char *reason)
{
	v->plugin = plugin;
	if (v->nreasons < SC_FILTER_MAX_REASONS)
		v->reasons[v->nreasons++] = reason;
}

/* nodeports/node_ports.go fitsPorts over the node's HostPortInfo
 * (CheckConflict): the same protocol and port conflict when either side's
 * hostIP is 0.0.0.0 or both are the same. */
static bool fits_ports(const struct sc_podspec *pod, const struct sc_nodeinfo *node)
{
	uint32_t i, j;

	for (i = 0; i < pod->nports; i++) {
		const struct sc_hostport *w = &pod->ports[i];
		bool any_ip = strcmp(w->ip, "0.0.0.0") == 0;

		for (j = 0; j < node->nused; j++) {
			const struct sc_hostport *u = &node->used[j].hp;

			if (node->used[j].count > 0 && u->port == w->port && u->proto == w->proto &&
			    (any_ip || u->ip == w->ip || strcmp(u->ip, "0.0.0.0") == 0))
				return false;
		}
	}
	return true;
}

/* noderesources/fit.go fitsRequest: the pod count, then each resource the
 * pod requests (a zero request is not checked) against allocatable less
 * what the node's pods request; every shortfall is a reason. A node that
 * lists no allocatable at all (a hand-written dump) limits nothing. */
static void fits_request(const struct sc_podspec *pod, const struct sc_nodeinfo *node,
			 struct sc_filter_verdict *v)
{
	uint32_t k, j;

	if (node->alloc_pods >= 0 && node->npods + 1 > node->alloc_pods)
		sc_verdict_add(v, "NodeResourcesFit", "Too many pods");
	if (pod->cpu > 0 && node->alloc_cpu >= 0 && pod->cpu > node->alloc_cpu - node->req_cpu)
		sc_verdict_add(v, "NodeResourcesFit", "Insufficient cpu");
	if (pod->mem > 0 && node->alloc_mem >= 0 && pod->mem > node->alloc_mem - node->req_mem)
		sc_verdict_add(v, "NodeResourcesFit", "Insufficient memory");
	/* ephemeral-storage, then the scalar resources */
	for (k = 0; k < 2 * pod->nres; k++) {
		uint32_t i = k % pod->nres;
		int64_t alloc = node->has_alloc ? 0 : -1, req = 0;

		if (pod->res[i].v <= 0 || (k < pod->nres) != (strcmp(pod->res[i].name, "ephemeral-storage") == 0))
			continue;
		for (j = 0; j < node->nres; j++)
			if (node->res[j].name == pod->res[i].name) {
				alloc = node->res[j].alloc;
				req = node->res[j].req;
				break;
			}
		if (alloc >= 0 && pod->res[i].v > alloc - req)
			sc_verdict_add(v, "NodeResourcesFit", pod->res_why[i]);
	}
}

bool sc_filters_before_spread(const struct sc_podspec *pod, const struct sc_nodeinfo *node,
			      bool aff_ok, const struct sc_taint *unsched_taint,
			      struct sc_filter_verdict *v)
{
	/* runs for every node of every cycle: reasons[] is read up to nreasons */
	v->plugin = NULL;
	v->nreasons = 0;
	if (node->unschedulable && !sc_tolerated(pod, unsched_taint)) {
		sc_verdict_add(v, "NodeUnschedulable", "node(s) were unschedulable");
		return true;
	}
	/* nodename/node_name.go: spec.nodeName, when set, names the node */
	if (pod->node_name && pod->node_name != node->name) {
		sc_verdict_add(v, "NodeName", "node(s) didn't match the requested node name");
		return true;
	}
	if (sc_untolerated_taint(pod, node)) {
		/* taint_toleration.go Filter: the reason no longer names the taint
		 * (1.33+); callers that want it ask sc_untolerated_taint */
		sc_verdict_add(v, "TaintToleration", "node(s) had untolerated taint(s)");
		return true;
	}
	if (!aff_ok) {
		sc_verdict_add(v, "NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
		return true;
	}
	if (!fits_ports(pod, node)) {
		sc_verdict_add(v, "NodePorts", "node(s) didn't have free ports for the requested pod ports");
		return true;
	}
	fits_request(pod, node, v);
	return v->plugin != NULL;
}

void sc_filter_verdict_release(struct sc_filter_verdict *v)
{
	v->plugin = NULL;
	v->nreasons = 0;
}
