/* filters.c - see filters.h. Reason strings as the plugins word them
 * (nodeunschedulable/node_unschedulable.go ErrReasonUnschedulable,
 * tainttoleration/taint_toleration.go, nodeaffinity/node_affinity.go
 * ErrReasonPod, noderesources/fit.go "Too many pods" / "Insufficient %v"). */
#include <string.h>

#include "filters.h"

static void add(struct sc_filter_verdict *v, const char *plugin, const char *reason)
{
	v->plugin = plugin;
	if (v->nreasons < SC_FILTER_MAX_REASONS)
		v->reasons[v->nreasons++] = reason;
}

bool sc_filters_before_spread(const struct sc_podspec *pod, const struct sc_nodeinfo *node,
			      bool aff_ok, const struct sc_taint *unsched_taint,
			      struct sc_filter_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (node->unschedulable && !sc_tolerated(pod, unsched_taint)) {
		add(v, "NodeUnschedulable", "node(s) were unschedulable");
		return true;
	}
	if (sc_untolerated_taint(pod, node)) {
		/* taint_toleration.go Filter: the reason no longer names the taint
		 * (1.33+); callers that want it ask sc_untolerated_taint */
		add(v, "TaintToleration", "node(s) had untolerated taint(s)");
		return true;
	}
	if (!aff_ok) {
		add(v, "NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
		return true;
	}
	/* fitsRequest: the pod count first, then each requested resource */
	if (node->alloc_pods >= 0 && node->npods + 1 > node->alloc_pods)
		add(v, "NodeResourcesFit", "Too many pods");
	if (pod->cpu || pod->mem) {
		if (node->alloc_cpu >= 0 && pod->cpu > node->alloc_cpu - node->req_cpu)
			add(v, "NodeResourcesFit", "Insufficient cpu");
		if (node->alloc_mem >= 0 && pod->mem > node->alloc_mem - node->req_mem)
			add(v, "NodeResourcesFit", "Insufficient memory");
	}
	return v->plugin != NULL;
}

void sc_filter_verdict_release(struct sc_filter_verdict *v)
{
	memset(v, 0, sizeof(*v));
}
