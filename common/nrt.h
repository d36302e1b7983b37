/* nrt.h - NodeResourceTopology objects (topology.node.k8s.io v1alpha1 and
 * v1alpha2), as node-feature-discovery's topology-updater writes them and
 * `kubectl get noderesourcetopologies -o json` prints them.
 *
 * Terminology:
 *   zone      one entry of .zones: a NUMA node when type is "Node" and the
 *             name is canonical ("node-<id>", numanode.NameToID).
 *   resource  one entry of a zone's .resources: capacity, allocatable and
 *             available quantities (available is what the scheduler uses).
 *   policy    the older .topologyPolicies list ("SingleNUMANodeContainerLevel"),
 *             and .attributes (topologyManagerPolicy, topologyManagerScope,
 *             topologyManagerMaxNUMANodes), which v1alpha2 added.
 *
 * Both API versions share these fields (the CRD serves both without
 * conversion), so one reader takes either. Ownership: tk_nrt_parse fills an
 * object that owns its strings; tk_nrt_release frees them.
 */
#ifndef TK_NRT_H
#define TK_NRT_H

#include <stdbool.h>
#include <stddef.h>

#include "quantity.h"

struct tk_node;
struct tk_diag;

struct tk_nrt_res {
	char *name;
	struct tk_qty capacity, allocatable, available;
};

struct tk_nrt_cost {
	char *name;
	long long value;
};

struct tk_nrt_attr {
	char *name, *value;
};

struct tk_nrt_zone {
	char *name;
	char *type;
	int numa_id;                /* numanode.NameToID of name, -1 when not canonical */
	size_t nres;
	struct tk_nrt_res *res;
	size_t ncosts;
	struct tk_nrt_cost *costs;
	size_t nattrs;
	struct tk_nrt_attr *attrs;
};

struct tk_nrt {
	char *name;                 /* metadata.name: the node's name */
	size_t npolicies;
	char **policies;            /* topologyPolicies */
	size_t nattrs;
	struct tk_nrt_attr *attrs;
	size_t nzones;
	struct tk_nrt_zone *zones;
};

/* numanode.NameToID: "node-3" -> 3; -1 for anything else. */
int tk_nrt_numa_id(const char *zone_name);

/* Read one NodeResourceTopology object. file names it in diagnostics.
 * Returns 0, or -1 with d filled (wrong types, bad quantities, no name). */
int tk_nrt_parse(struct tk_nrt *out, const struct tk_node *obj, const char *file,
		 struct tk_diag *d);
void tk_nrt_release(struct tk_nrt *n);

/* Look ups; NULL when absent. */
const struct tk_nrt_res *tk_nrt_zone_res(const struct tk_nrt_zone *z, const char *name);
const char *tk_nrt_attr(const struct tk_nrt *n, const char *name);

/* Stream every NodeResourceTopology of path (a List or a stream of
 * documents; empty documents are skipped, any other object is an error) to
 * fn, one at a time: the object passed is freed after fn returns. fn returns
 * non-zero to stop. Returns 0 at the end, fn's value when it stopped, -1 on
 * a parse error (d filled). *count (may be NULL) receives the number of
 * objects seen. */
typedef int (*tk_nrt_fn)(const struct tk_nrt *n, void *arg);
/* The same for a dump of several kinds (kubectl get nodes,noderesourcetopologies
 * -o json): each object of another kind goes to other, which returns 0 to go
 * on, or -1 with d filled to refuse it (the stream then fails). */
typedef int (*tk_nrt_other_fn)(const struct tk_node *item, const char *file, void *arg, struct tk_diag *d);
int tk_nrt_stream_other(const char *path, tk_nrt_fn fn, tk_nrt_other_fn other, void *arg, size_t *count,
			struct tk_diag *d);

#endif
