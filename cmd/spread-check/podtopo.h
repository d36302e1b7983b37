/* podtopo.h - kube-scheduler's PodTopologySpread plugin over a cluster
 * model, pure (no I/O).
 *
 * Terminology (pkg/scheduler/framework/plugins/podtopologyspread):
 *   hard        constraints with whenUnsatisfiable DoNotSchedule: Filter
 *   soft        constraints with whenUnsatisfiable ScheduleAnyway: Score
 *   domain      one value of a constraint's topologyKey
 *   eligible    a node counted for a constraint: it has every topologyKey of
 *               the pod's constraints of that kind and passes the
 *               constraint's nodeAffinityPolicy / nodeTaintsPolicy
 *   match count pods on a node in the incoming pod's namespace, not
 *               terminating, whose labels the constraint's selector matches
 *
 * Usage: pts_state_init() once for the pod, then per scheduling cycle
 * pts_prefilter(), pts_filter() per node, pts_score() over the feasible
 * nodes; pts_add_pod_lset() after binding a pod (simulate). Ownership: the
 * state owns its arrays; pts_state_release() frees them.
 */
#ifndef SC_PODTOPO_H
#define SC_PODTOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"

#define PTS_MAX_NODE_SCORE 100

/* Filter reasons (plugin.go ErrReasonConstraintsNotMatch, ...NodeLabelNotMatch) */
#define PTS_REASON_SKEW "node(s) didn't match pod topology spread constraints"
#define PTS_REASON_LABEL "node(s) didn't match pod topology spread constraints (missing required label)"

/* Cluster-level default constraints (PodTopologySpreadArgs). */
struct pts_defaults {
	bool system;            /* systemDefaultConstraints, DefaultingType System */
	uint32_t n;
	struct sc_tsc *tsc;     /* List defaulting: the given constraints */
};

/* Objects a default selector comes from (helper.DefaultSelector). */
enum pts_obj_kind { PTS_SERVICE, PTS_RC, PTS_RS, PTS_SS };
struct pts_object {
	enum pts_obj_kind kind;
	const char *ns, *name;
	bool has_sel;           /* Service / RC: selector present; RS/SS: non-nil */
	struct sc_sel sel;
};
struct pts_objects {
	size_t n;
	struct pts_object *o;
};
void pts_objects_release(struct pts_objects *o);

struct pts_constraint {
	int max_skew;
	const char *key;        /* interned */
	bool hostname;          /* key is kubernetes.io/hostname */
	struct sc_sel sel;      /* after matchLabelKeys merge / default selector */
	int min_domains;
	bool honor_affinity, honor_taints;
	bool hard;
	int32_t *dom;           /* per node: domain index (missing key -> "" value) */
	bool *has_key;          /* per node */
	uint32_t ndom;
	const char **domval;    /* domain index -> value */
	int32_t *cnt;           /* per node: match count */
	int8_t *lset_match;     /* per label set: -1 unknown, 0, 1 */
	bool self_match;        /* the incoming pod matches its own selector */
	/* hard: TpValueToMatchNum over eligible nodes */
	int64_t *domcnt;
	bool *domseen;
	int64_t min_match;      /* from pts_prefilter */
	uint32_t ndomseen;
	/* soft, per cycle */
	int64_t *tp;
	bool *tp_present;
	size_t topo_size;       /* domains behind topologyNormalizingWeight */
};

struct pts_state {
	struct sc_cluster *c;
	const struct sc_podspec *pod;
	uint32_t n;                   /* hard + soft */
	struct pts_constraint *k;
	uint32_t nhard;               /* k[0..nhard) hard, then soft */
	bool require_all;             /* soft: nodes need every soft key */
	bool *aff_ok;                 /* per node: required node affinity matches */
	bool *taint_ok;               /* per node: no untolerated NoSchedule/NoExecute taint */
	bool *hard_keys_ok;           /* per node: has every hard topologyKey */
	bool *soft_keys_ok;           /* per node: has every soft topologyKey */
	bool *ignored;                /* per node, from pts_score: IgnoredNodes */
	/* optional: count only these pods (indices into c->pods), e.g. one
	 * namespace's; set before pts_recount. NULL: every pod. */
	const uint32_t *pod_idx;
	size_t npod_idx;
	/* optional: each key's domains, kept across states of a caller that
	 * places many pods while the nodes stay as they are; set before
	 * pts_state_init, released with pts_dom_cache_release. */
	struct pts_dom_cache *dom_cache;
};

/* A topology key's domains over the cluster's nodes (see pts_state.dom_cache). */
struct pts_dom_cache {
	struct pts_dom_entry {
		const char *key;
		int32_t *dom;
		bool *has_key;
		const char **domval;
		uint32_t ndom;
	} *v;
	size_t n;
};
void pts_dom_cache_release(struct pts_dom_cache *dc);

/* Build the constraints for pod (explicit ones, or the defaults with a
 * selector from objs), and count the cluster's existing pods (only
 * st->pod_idx when the caller set it before; every other field is reset).
 * Returns 0. */
int pts_state_init(struct pts_state *st, struct sc_cluster *c, const struct sc_podspec *pod,
		   const struct pts_defaults *defs, const struct pts_objects *objs);
void pts_state_release(struct pts_state *st);

/* PreFilter: recompute the hard domains' counts and minimum. */
void pts_prefilter(struct pts_state *st);
/* Filter one node: 0 passes, else the reason (PTS_REASON_*). */
const char *pts_filter(const struct pts_state *st, uint32_t node);
/* The same for hard constraint i alone (i < nhard); when the node has the
 * key, *skew receives its domain's match count + the pod itself - the
 * minimum, and *min that minimum (each may be NULL). */
const char *pts_filter_constraint(const struct pts_state *st, uint32_t i, uint32_t node,
				  int64_t *skew, int64_t *min);
/* PreScore + Score + NormalizeScore over the candidate nodes (indices);
 * scores[i] receives cand[i]'s normalized score (0..100). Returns false when
 * the plugin is skipped (no soft constraints): then every score is 0. */
bool pts_score(struct pts_state *st, const uint32_t *cand, size_t ncand, int64_t *scores);
/* Another pod (labels lset, the incoming pod's namespace, not terminating)
 * was bound to node: AddPod for a pod that is not a replica. */
void pts_add_pod_lset(struct pts_state *st, uint32_t node, uint32_t lset, int delta);
/* Recount everything from the cluster's pods (after nodes were removed). */
void pts_recount(struct pts_state *st);

/* Skew of constraint i as the audit reports it: max - min over domains
 * of eligible nodes (min 0 when fewer domains than minDomains). */
int64_t pts_skew(const struct pts_state *st, uint32_t i, int64_t *min, int64_t *max);

#endif
