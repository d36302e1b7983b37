/* nearmiss.h - node labels that look like a topologyKey but are not it.
 *
 * A node without a constraint's topologyKey is not counted by
 * PodTopologySpread (and fails its Filter for a DoNotSchedule constraint).
 * Often the node carries the intended label under another spelling; these
 * functions name it so that a report can say "node n1 has zone=a, not
 * topology.kubernetes.io/zone".
 *
 * Kinds, strongest first (a label gets the first that applies):
 *   deprecated  the other of a deprecated / current well-known pair
 *               (failure-domain.beta.kubernetes.io/zone and
 *               topology.kubernetes.io/zone, .../region, beta.kubernetes.io/
 *               instance-type|os|arch and their GA keys), either way round
 *   case        the same key in another case
 *   prefix      the same name under another prefix or none (zone,
 *               example.com/zone for topology.kubernetes.io/zone)
 *   typo        at most two edits apart (insert, delete, replace or swap
 *               two neighbours), for keys of 6 characters or more
 * A label equal to the key is never a near miss.
 */
#ifndef SC_NEARMISS_H
#define SC_NEARMISS_H

#include "cluster.h"

struct json_t;   /* jansson's json_t: lint includes this without jansson */

enum sc_nearmiss_kind {
	SC_NEAR_NONE = 0,
	SC_NEAR_DEPRECATED,
	SC_NEAR_CASE,
	SC_NEAR_PREFIX,
	SC_NEAR_TYPO,
};

/* How label key `label` is close to `key` (SC_NEAR_NONE: not close). */
enum sc_nearmiss_kind sc_nearmiss_key(const char *label, const char *key);
/* "deprecated", "case", "prefix", "typo" ("" for SC_NEAR_NONE). */
const char *sc_nearmiss_name(enum sc_nearmiss_kind k);

/* The near-miss labels of every node of c that lacks `key` (interned or
 * not), in node order, then by label key:
 * [{"node":N,"label":L,"value":V,"kind":K}, ...] (an empty array when none). */
struct json_t *sc_nearmiss_nodes(const struct sc_cluster *c, const char *key);

#endif
