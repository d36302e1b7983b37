/* merge.h - the kubelet Topology Manager's hint merging, as pure functions.
 *
 * Terminology (pkg/kubelet/cm/topologymanager):
 *   mask        a NUMA affinity: bit i set = NUMA node i (ids 0-63, as the
 *               kubelet's bitmask.BitMask)
 *   hint        TopologyHint{NUMANodeAffinity, Preferred}; an affinity may be
 *               nil ("any NUMA node"), which is not the same as an empty mask
 *   provider    one hint provider's answer: map[resource][]TopologyHint. A
 *               nil or empty map means "no preference for any resource"; a
 *               resource mapped to a nil list means "no preference for this
 *               resource"; mapped to an empty list means "no NUMA affinity
 *               can satisfy it".
 *   policy      none, best-effort, restricted, single-numa-node
 *
 * Nothing here prints, allocates through jansson or exits; errors are
 * returned as message text the caller prints.
 */
#ifndef TA_MERGE_H
#define TA_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TA_MAX_NUMA 64
/* defaultMaxAllowableNUMANodes in topology_manager.go */
#define TA_DEFAULT_MAX_NUMA 8

typedef uint64_t ta_mask;

struct ta_hint {
	bool has_mask;    /* false: nil NUMANodeAffinity */
	ta_mask mask;
	bool preferred;
};

struct ta_hint_list {
	bool is_nil;      /* Go nil slice: no preference */
	size_t n;
	struct ta_hint *v;
};

struct ta_resource {
	char *name;
	struct ta_hint_list hints;
};

/* One provider's map; n == 0 covers both nil and empty maps. */
struct ta_provider {
	size_t n;
	struct ta_resource *res;
};

enum ta_policy {
	TA_POLICY_NONE,
	TA_POLICY_BEST_EFFORT,
	TA_POLICY_RESTRICTED,
	TA_POLICY_SINGLE_NUMA_NODE,
};

enum ta_scope {
	TA_SCOPE_CONTAINER,
	TA_SCOPE_POD,
};

struct ta_options {
	bool prefer_closest;     /* prefer-closest-numa-nodes */
	int max_numa;            /* max-allowable-numa-nodes */
};

/* NUMAInfo: the machine's NUMA node ids (ascending) and, when known, the
 * distance rows: dist[a][b] for node ids a and b. */
struct ta_numa_info {
	size_t n;
	int nodes[TA_MAX_NUMA];
	bool has_dist[TA_MAX_NUMA];
	unsigned dist[TA_MAX_NUMA][TA_MAX_NUMA];
};

/* Policy and scope names as the kubelet spells them. 0, or -1 unknown. */
int ta_policy_parse(const char *s, enum ta_policy *out);
const char *ta_policy_name(enum ta_policy p);
int ta_scope_parse(const char *s, enum ta_scope *out);
const char *ta_scope_name(enum ta_scope s);

void ta_options_init(struct ta_options *o);
/* NewPolicyOptions for one NAME=VALUE pair. Returns 0, or -1 with the
 * kubelet's error text in err. */
int ta_options_set(struct ta_options *o, const char *name, const char *value,
		   char *err, size_t errlen);

/* NewManager's checks after the options: distances present when
 * prefer-closest is on, the NUMA node count against max-allowable-numa-nodes.
 * Policy none skips every check (the kubelet short-circuits it). */
int ta_manager_check(enum ta_policy p, const struct ta_options *o,
		     const struct ta_numa_info *ni, char *err, size_t errlen);

ta_mask ta_default_affinity(const struct ta_numa_info *ni);

/* Policy.Merge: the best hint and the admit verdict. */
void ta_merge(enum ta_policy p, const struct ta_options *o, const struct ta_numa_info *ni,
	      const struct ta_provider *providers, size_t nproviders,
	      struct ta_hint *best, bool *admit);

/* How many permutations the kubelet's HintMerger visits for this Merge (the
 * product of the filtered hint lists' lengths), as decimal digits in buf;
 * returned as a double too. 0 under policy none, which merges nothing. */
double ta_merge_combinations(enum ta_policy p, const struct ta_provider *providers, size_t nproviders,
			     char *buf, size_t len);
/* From this many permutations on, the kubelet's admission of the pod stalls
 * (Go spends some hundred nanoseconds on each). */
#define TA_KUBELET_STALL 1e7
/* From TA_KUBELET_STALL combinations on: a warning that says so into buf,
 * true. The count goes to *combinations when that is not NULL. */
bool ta_merge_stall_warning(enum ta_policy p, const struct ta_provider *providers, size_t nproviders,
			    char *buf, size_t len, double *combinations);

/* ta_merge never visits permutations: it follows the set of reachable merged
 * masks, at most 2^N for N NUMA nodes, as a hash set or (up to
 * TA_DENSE_MAX_NUMA nodes) as counts over all 2^N masks, whichever is less
 * work. ta_merge_check says, before any merging, whether that work stays
 * within TA_MERGE_MAX_WORK steps (about 4 s here): 0, or -1 with the message
 * in err. */
#define TA_DENSE_MAX_NUMA 24
#define TA_MERGE_MAX_WORK 5e9
int ta_merge_check(enum ta_policy p, const struct ta_numa_info *ni, const struct ta_provider *providers,
		   size_t nproviders, char *err, size_t errlen);

/* IsNarrowerThan from bitmask.go. */
bool ta_mask_narrower(ta_mask a, ta_mask b);
int ta_mask_count(ta_mask m);

void ta_provider_release(struct ta_provider *p);

#endif
