/* filters.h - kube-scheduler's Filter chain for one pod on one node, in the
 * default profile's order, as place, simulate and explain's re-run run it.
 *
 * Order (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable,
 * NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
 * VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, PodTopologySpread, InterPodAffinity. The framework (runtime RunFilterPlugins)
 * stops at the first plugin that rejects a node; that plugin's reasons are
 * the node's reasons in FitError's "0/N nodes are available: ..." histogram.
 * A PreFilter that rejects the pod (VolumeBinding's missing claim) rejects
 * it on every node before any Filter runs: FitError then prints only its
 * message.
 *
 * Usage: sc_chain_init() once per pod (after pts_state_init), per
 * scheduling cycle sc_chain_prefilter() (it runs pts_prefilter) and then
 * sc_chain_filter() per node; sc_chain_release() at the end. A pod bound
 * or removed meanwhile (simulate) is told with ipa_add_pod on ch->ipa and
 * sc_nodevols_bind (a dump's pod deleted: sc_nodevols_delete_pod) on
 * ch->nv, as pts_add_pod_lset tells PodTopologySpread. Reasons are static or owned by
 * the chain or the cluster: nothing to free per node.
 */
#ifndef SC_FILTERS_H
#define SC_FILTERS_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"
#include "interpod.h"
#include "podtopo.h"
#include "volumes.h"

#define SC_FILTER_MAX_REASONS 16

struct sc_filter_verdict {
	const char *plugin;             /* NULL: every filter passes */
	size_t nreasons;
	const char *reasons[SC_FILTER_MAX_REASONS];   /* the plugin's reason strings */
};

struct sc_chain {
	struct pts_state *pts;          /* borrowed: the pod, its cluster, aff_ok */
	const struct sc_volmask *vol;   /* borrowed; NULL: no claim constraint */
	struct sc_taint unsched;        /* node.kubernetes.io/unschedulable:NoSchedule */
	struct ipa_state ipa;           /* InterPodAffinity's counts */
	struct sc_nodevols nv;          /* VolumeRestrictions', NodeVolumeLimits' pods */
	const char *prefilter_plugin;   /* whose PreFilter rejected the pod, else NULL */
};

void sc_chain_init(struct sc_chain *ch, struct pts_state *pts, const struct sc_volmask *vol);
void sc_chain_release(struct sc_chain *ch);
/* PreFilter of every plugin: NULL, or the message of the one that rejects
 * the pod on every node. */
const char *sc_chain_prefilter(struct sc_chain *ch);
/* Filter: true when a plugin rejects node n (v says which and why). */
bool sc_chain_filter(const struct sc_chain *ch, uint32_t n, struct sc_filter_verdict *v);

/* The part of the chain before the volume filters and PodTopologySpread,
 * for callers that run those themselves (audit --advise). aff_ok: the
 * pod's required node affinity matches the node (pts_state's aff_ok). */
bool sc_filters_before_spread(const struct sc_podspec *pod, const struct sc_nodeinfo *node,
			      bool aff_ok, const struct sc_taint *unsched_taint,
			      struct sc_filter_verdict *v);
void sc_filter_verdict_release(struct sc_filter_verdict *v);
/* Plugin rejects with one more reason (beyond SC_FILTER_MAX_REASONS: dropped). */
void sc_verdict_add(struct sc_filter_verdict *v, const char *plugin, const char *reason);

#endif
