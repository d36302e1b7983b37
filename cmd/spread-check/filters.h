/* filters.h - the default scheduler profile's filters that run before
 * PodTopologySpread, for one pod on one node (simulate and explain).
 *
 * Order (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit; the framework stops at
 * the first plugin that rejects a node, and that plugin's reasons are the
 * node's reasons in the FailedScheduling message.
 */
#ifndef SC_FILTERS_H
#define SC_FILTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"

#define SC_FILTER_MAX_REASONS 3

struct sc_filter_verdict {
	const char *plugin;             /* NULL: every filter passes */
	size_t nreasons;
	char *reasons[SC_FILTER_MAX_REASONS];   /* the plugin's reason strings */
};

/* aff_ok: the pod's required node affinity matches the node (computed once
 * per pod by pts_state_init); unsched_taint: node.kubernetes.io/unschedulable
 * with effect NoSchedule, interned in the pod's cluster. Returns true when a
 * filter rejects the node; release v with sc_filter_verdict_release. */
bool sc_filters_before_spread(const struct sc_podspec *pod, const struct sc_nodeinfo *node,
			      bool aff_ok, const struct sc_taint *unsched_taint,
			      struct sc_filter_verdict *v);
void sc_filter_verdict_release(struct sc_filter_verdict *v);

#endif
