/* interpod.h - kube-scheduler's InterPodAffinity Filter
 * (pkg/scheduler/framework/plugins/interpodaffinity/filtering.go) for one
 * incoming pod over a cluster model.
 *
 * Terminology:
 *   existing anti-affinity  required anti-affinity terms of running pods
 *                           that match the incoming pod: the domains
 *                           (topologyKey=value of their node) it must avoid
 *   affinity counts         per domain of each of the incoming pod's
 *                           affinity terms, the pods there that match all
 *                           its affinity terms
 *   anti-affinity counts    per domain, the pods matching one of its
 *                           anti-affinity terms
 *
 * Counted pods: bound to a node of the dump, not Succeeded or Failed
 * (terminating pods count, as the scheduler's cache holds them).
 * Namespace labels (namespaceSelector) come from the dump's Namespace
 * objects, else kubernetes.io/metadata.name only (sc_ns_lset).
 */
#ifndef SC_INTERPOD_H
#define SC_INTERPOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"

#define IPA_REASON_AFFINITY "node(s) didn't match pod affinity rules"
#define IPA_REASON_ANTI_AFFINITY "node(s) didn't match pod anti-affinity rules"
#define IPA_REASON_EXISTING_ANTI_AFFINITY "node(s) didn't satisfy existing pods anti-affinity rules"

/* topologyToMatchedTermCount: (key, value) -> count, interned pointers */
struct ipa_count {
	const char *key, *val;
	int64_t n;
};
struct ipa_map {
	size_t cap, used, nonzero;
	struct ipa_count *e;
};

struct ipa_state {
	struct sc_cluster *c;
	const struct sc_podspec *pod;
	uint32_t nslset;               /* the incoming pod's namespace labels */
	bool self_match;               /* it matches all its own affinity terms */
	struct ipa_map existing, aff, anti;
};

/* PreFilter: count the cluster's pods for pod. */
void ipa_init(struct ipa_state *st, struct sc_cluster *c, const struct sc_podspec *pod);
void ipa_release(struct ipa_state *st);
/* Count again from c->pods (after nodes were removed). */
void ipa_recount(struct ipa_state *st);
/* AddPod / RemovePod: a pod of namespace ns, labels lset and required
 * anti-affinity terms anti (may be NULL) bound to (delta 1) or gone from
 * (-1) node. */
void ipa_add_pod(struct ipa_state *st, uint32_t node, const char *ns, uint32_t lset, const struct sc_podterms *anti,
		 int delta);
/* Filter: NULL, or the reason (IPA_REASON_*). */
const char *ipa_filter(const struct ipa_state *st, uint32_t node);

#endif
