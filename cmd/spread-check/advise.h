/* advise.h - what to do about skew: the descheduler's
 * RemovePodsViolatingTopologySpreadConstraint (kubernetes-sigs/descheduler,
 * pkg/framework/plugins/removepodsviolatingtopologyspreadconstraint) with
 * the DefaultEvictor's default pod protections, over a cluster model.
 *
 * Terminology (descheduler):
 *   evictable   passes DefaultEvictor.Filter with its default protections:
 *               not a mirror or static pod, not terminating, has an
 *               ownerReference, none of kind DaemonSet, priority below
 *               2000000000, no hostPath or emptyDir volume; the annotation
 *               descheduler.alpha.kubernetes.io/evict overrides all of these
 *   ready       a node without a Ready condition that is not True (the
 *               descheduler balances over ReadyNodes only)
 *   listed      a running pod bound to a ready node that is evictable:
 *               the plugin sees only these (ListPodsOnNodes with the
 *               evictor's filter), for counting as for evicting
 *   node fit    NodeFit: schedulable, nodeSelector / required affinity,
 *               NoSchedule / NoExecute taints tolerated, cpu, memory and a
 *               pod slot free (inter-pod anti-affinity is not modelled)
 *
 * Usage: adv_pods_attach() before loading the pods (it reads each pod's own
 * spec through the cluster's pod hook), then adv_balance().
 */
#ifndef SC_ADVISE_H
#define SC_ADVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"

/* RemovePodsViolatingTopologySpreadConstraintArgs and DefaultEvictorArgs */
struct adv_args {
	bool soft;               /* constraints: [DoNotSchedule, ScheduleAnyway] */
	bool balance_node_fit;   /* topologyBalanceNodeFit (the plugin's default: true) */
	bool node_fit;           /* DefaultEvictor nodeFit (default false) */
	const struct sc_sel *pods;   /* the plugin's labelSelector (NULL: every pod) */
	/* namespaces.include / namespaces.exclude (at most one is set) */
	size_t ninclude, nexclude;
	char **include, **exclude;
};

struct adv_pod {
	struct sc_podspec spec;  /* the pod's own spec (constraints, affinity, ...) */
	bool evictable;
	bool sel_aff;            /* spec.nodeSelector or affinity.nodeAffinity set */
	bool has_prio;
	int32_t prio;            /* spec.priority */
};

/* Parallel to c->pods once loaded. */
struct adv_pods {
	struct sc_cluster *c;
	size_t n, cap;
	struct adv_pod *p;
};

void adv_pods_attach(struct adv_pods *a, struct sc_cluster *c);
void adv_pods_release(struct adv_pods *a);

/* Balance(): sets evict[i] for every pod of c->pods the plugin evicts
 * (after the evictor's PreEvictionFilter); returns how many. */
size_t adv_balance(const struct adv_pods *a, const struct adv_args *args, bool *evict);


#endif

#include <jansson.h>

/* After Balance: the evicted pods go (terminating, their resources freed)
 * and their controllers create them again; each is placed as kube-scheduler
 * places it (filters.h, then PodTopologySpread's Filter and Score, ties to
 * the lowest node name), in namespace and name order, seeing the ones placed
 * before. The placed pods join c->pods. Returns, per pod index of c before
 * the call, NULL or the eviction:
 *   {"pod":P,"node":FROM,"to":NODE}  or, left Pending,
 *   {"pod":P,"node":FROM,"to":null,"reasons":{REASON:NODES,...},"needs":NEEDS}
 * (NEEDS: adv_needs). Free with adv_moves_free. */
json_t **adv_replace(struct adv_pods *a, const bool *evict);
void adv_moves_free(json_t **moves, size_t n);

/* For a pod that stays Pending (st: its PodTopologySpread state after
 * pts_prefilter; fits[n]: node n passes the filters before spreading), what
 * would let it schedule:
 *   {"node":{"labels":{...},"cpu":"100m","memory":BYTES,"tolerations":[...]},
 *    "domains":[{"topologyKey":K,"values":[V,...],"newDomain":B,"nearMisses":[...]}],
 *    "relax":[{"topologyKey":K,"maxSkew":N} | {"topologyKey":K,"minDomains":N}]}
 * node: the shape a cluster autoscaler would have to add (the pod's
 * requests, the labels its nodeSelector and first required node selector
 * term ask for, no taint beyond its tolerations); domains: per
 * DoNotSchedule constraint, the domains where such a node passes the skew
 * check (newDomain: fewer domains than minDomains, so a node with a new
 * value of the key would count as one; nearMisses: sc_nearmiss_nodes for
 * the key, the nodes that may only need a label fixed); relax: the smallest maxSkew (or the minDomains) with which a node
 * that passes the other filters would pass the constraint. */
struct pts_state;
json_t *adv_needs(const struct pts_state *st, const bool *fits);

/* adv_needs for one more pod of st's pod now: runs pts_prefilter and the
 * filters before spreading on every node that is not removed. */
json_t *adv_needs_now(struct pts_state *st);
/* NEEDS as indented text lines on stdout (audit and simulate -o text). */
void adv_needs_text(json_t *needs);
