/* nrt.c - topo-admit --nrt: the scheduler-plugins NodeResourceTopologyMatch
 * plugin's Filter and Score (pkg/noderesourcetopology: filter.go, score.go,
 * least_numa.go, *_allocated.go, nodeconfig/topologymanager.go) for each
 * node of a NodeResourceTopology dump.
 *
 * The pods (small) are read first; the NRT file (cluster-sized) is then
 * streamed, every pod decided on each object as it goes, so memory holds one
 * NRT object plus one verdict per node and pod.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "emit.h"
#include "exitcodes.h"
#include "nrt.h"
#include "numparse.h"
#include "ta.h"
#include "xalloc.h"

#define MAX_NODE_SCORE 100
#define MAX_NUMA_ID 64          /* pluginhelpers.go maxNUMAId */
#define DEFAULT_MAX_NUMA 8      /* nodeconfig DefaultMaxNUMANodes */
#define LIMIT_MAX_NUMA 1024     /* nodeconfig LimitNUMANodes */
#define MAX_DISTANCE 255        /* least_numa.go maxDistanceValue */

enum strategy { S_LEAST_ALLOCATED, S_MOST_ALLOCATED, S_BALANCED, S_LEAST_NUMA };

/* ---- quantities and resource lists ---- */

static bool qty_zero(const struct tk_qty *q)
{
	return q->milli == 0 && !q->inexact;
}

static void qty_add(struct tk_qty *a, const struct tk_qty *b)
{
	if (__builtin_add_overflow(a->milli, b->milli, &a->milli))
		a->milli = b->milli < 0 ? INT64_MIN : INT64_MAX;
	a->inexact = a->inexact || b->inexact;
}

static void qty_sub(struct tk_qty *a, const struct tk_qty *b)
{
	if (__builtin_sub_overflow(a->milli, b->milli, &a->milli))
		a->milli = b->milli > 0 ? INT64_MIN : INT64_MAX;
	a->inexact = a->inexact || b->inexact;
}

struct rl {
	size_t n;
	struct ta_req *v;
};

static struct ta_req *rl_find(const struct rl *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* names are borrowed: lists never outlive the pod or zone they name */
static void rl_set(struct rl *l, const char *name, const struct tk_qty *q)
{
	struct ta_req *r = rl_find(l, name);

	if (!r) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		r = &l->v[l->n++];
		r->name = (char *)name;
	}
	r->q = *q;
}

static void rl_copy(struct rl *dst, const struct ta_req *v, size_t n)
{
	dst->n = n;
	dst->v = xcalloc(n ? n : 1, sizeof(*dst->v));
	memcpy(dst->v, v, n * sizeof(*v));
}

/* ---- resource classes (k8s.io/kubernetes pkg/apis/core/v1/helper) ---- */

static bool is_native(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/");
}

static bool is_hugepages(const char *name)
{
	return !strncmp(name, "hugepages-", 10);
}

/* numaresources.go isHostLevelResource */
static bool is_host_level(const char *name)
{
	return !strcmp(name, "ephemeral-storage") || !strcmp(name, "storage") || !is_native(name);
}

/* numaresources.go isNUMAAffineResource */
static bool is_numa_affine(const char *name)
{
	return !strcmp(name, "cpu") || !strcmp(name, "memory") || is_hugepages(name);
}

/* numaresources.go isResourceSetSuitable */
static bool set_suitable(enum ta_qos qos, const char *name, const struct tk_qty *want,
			 const struct tk_qty *have)
{
	if (qos != TA_QOS_GUARANTEED && is_numa_affine(name))
		return true;
	return tk_qty_cmp(have, want) >= 0;
}

/* ---- the pods ---- */

struct pod {
	struct ta_pod_req r;
	bool non_native;            /* resourcerequests.IncludeNonNative */
	struct rl effective;        /* util.GetPodEffectiveRequest */
	struct rl *ctr;             /* per container: its requests */
	size_t nnodes, cap;
	struct verdict *v;
};

struct verdict {
	char *node;
	size_t order;               /* position in NODES_FILE, else in NRT_FILE */
	bool feasible;
	long long score;
	const char *reason;         /* the plugin's status message, "" when feasible */
	char *conf;                 /* text output: the node's Topology Manager as read */
	char *detail;               /* text output: zones that fit, or what did not */
};

static void effective_request(struct pod *p)
{
	struct rl init = { 0 }, *eff = &p->effective;
	size_t i, j;

	for (i = 0; i < p->r.n; i++) {
		const struct ta_ctr_req *c = &p->r.c[i];

		for (j = 0; j < c->n; j++) {
			struct ta_req *have;

			if (c->init) {
				have = rl_find(&init, c->req[j].name);
				if (!have || tk_qty_cmp(&c->req[j].q, &have->q) > 0)
					rl_set(&init, c->req[j].name, &c->req[j].q);
			} else if ((have = rl_find(eff, c->req[j].name))) {
				qty_add(&have->q, &c->req[j].q);
			} else {
				rl_set(eff, c->req[j].name, &c->req[j].q);
			}
		}
	}
	for (i = 0; i < init.n; i++) {
		struct ta_req *have = rl_find(eff, init.v[i].name);

		if (!have || tk_qty_cmp(&init.v[i].q, &have->q) > 0)
			rl_set(eff, init.v[i].name, &init.v[i].q);
	}
	free(init.v);
	for (i = 0; i < p->r.noverhead; i++) {
		struct ta_req *have = rl_find(eff, p->r.overhead[i].name);

		if (have)
			qty_add(&have->q, &p->r.overhead[i].q);
		else
			rl_set(eff, p->r.overhead[i].name, &p->r.overhead[i].q);
	}
}

/* ---- the node side ---- */

struct numa {
	int id;
	struct rl res;              /* available per resource */
	const struct tk_nrt_zone *zone;
};

struct tm_conf {
	const char *policy, *scope;
	int max_numa;
};

static bool valid_policy(const char *p)
{
	return !strcmp(p, "none") || !strcmp(p, "best-effort") || !strcmp(p, "restricted") ||
	       !strcmp(p, "single-numa-node");
}

/* nodeconfig.TopologyManagerFromNodeResourceTopology: defaults, then the
 * first topologyPolicies entry, then attributes */
static struct tm_conf tm_from_nrt(const struct tk_nrt *n)
{
	static const struct { const char *name, *policy, *scope; } legacy[] = {
		{ "SingleNUMANodePodLevel", "single-numa-node", "pod" },
		{ "SingleNUMANodeContainerLevel", "single-numa-node", "container" },
		{ "BestEffortPodLevel", "best-effort", "pod" },
		{ "BestEffortContainerLevel", "best-effort", "container" },
		{ "RestrictedPodLevel", "restricted", "pod" },
		{ "RestrictedContainerLevel", "restricted", "container" },
	};
	struct tm_conf c = { "none", "container", DEFAULT_MAX_NUMA };
	size_t i;

	if (n->npolicies)
		for (i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++)
			if (!strcmp(n->policies[0], legacy[i].name)) {
				c.policy = legacy[i].policy;
				c.scope = legacy[i].scope;
			}
	for (i = 0; i < n->nattrs; i++) {
		const char *k = n->attrs[i].name, *v = n->attrs[i].value;

		if (!strcmp(k, "topologyManagerScope") && (!strcmp(v, "container") || !strcmp(v, "pod")))
			c.scope = v;
		else if (!strcmp(k, "topologyManagerPolicy") && valid_policy(v))
			c.policy = v;
		else if (!strcmp(k, "topologyManagerMaxNUMANodes")) {
			long long m;

			/* strconv.Atoi, then > 1, capped at the limit */
			if (!tk_parse_ll(v + (*v == '+' && v[1] != '-'), 2, LLONG_MAX, &m))
				c.max_numa = m > LIMIT_MAX_NUMA ? LIMIT_MAX_NUMA : (int)m;
		}
	}
	return c;
}

/* pluginhelpers.go createNUMANodeList: zones of type Node with a canonical
 * name and an id the plugin accepts, in zone order */
static struct numa *numa_list(const struct tk_nrt *n, size_t *count)
{
	struct numa *v = xcalloc(n->nzones ? n->nzones : 1, sizeof(*v));
	size_t i, j, k = 0;

	for (i = 0; i < n->nzones; i++) {
		const struct tk_nrt_zone *z = &n->zones[i];

		if (strcmp(z->type, "Node") || z->numa_id < 0 || z->numa_id >= MAX_NUMA_ID)
			continue;
		v[k].id = z->numa_id;
		v[k].zone = z;
		v[k].res.v = xcalloc(z->nres ? z->nres : 1, sizeof(*v[k].res.v));
		for (j = 0; j < z->nres; j++)
			rl_set(&v[k].res, z->res[j].name, &z->res[j].available);
		k++;
	}
	/* costs come from the last zone of each id, as the plugin's index map */
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			if (v[j].id == v[i].id)
				v[i].zone = v[j].zone;
	*count = k;
	return v;
}

static void numa_list_free(struct numa *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].res.v);
	free(v);
}

static struct numa *numa_list_dup(const struct numa *v, size_t n)
{
	struct numa *c = xcalloc(n ? n : 1, sizeof(*c));
	size_t i;

	for (i = 0; i < n; i++) {
		c[i] = v[i];
		rl_copy(&c[i].res, v[i].res.v, v[i].res.n);
	}
	return c;
}

/* extractCosts: by NUMA id; -1 when the zone gives none */
static int numa_cost(const struct numa *from, int to_id)
{
	const struct tk_nrt_zone *z = from->zone;
	int cost = -1;
	size_t i;

	for (i = 0; i < z->ncosts; i++) {
		int id = tk_nrt_numa_id(z->costs[i].name);

		if (id >= 0 && id <= MAX_NUMA_ID && id == to_id)
			cost = (int)z->costs[i].value;
	}
	return cost;
}

/* ---- the node's allocatable (nodeInfo) ---- */

struct node_obj {
	char *name;
	size_t nres;
	char **res;                 /* resource names of status.allocatable */
	bool seen;                  /* an NRT object named it */
};

struct node_table {
	size_t n, cap;
	struct node_obj *v;
	size_t nbuckets;
	size_t *buckets;            /* index + 1, open addressing */
};

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct node_obj *node_find(const struct node_table *t, const char *name, size_t *index)
{
	size_t h;

	if (!t->nbuckets)
		return NULL;
	for (h = hash_str(name) & (t->nbuckets - 1); t->buckets[h]; h = (h + 1) & (t->nbuckets - 1))
		if (!strcmp(t->v[t->buckets[h] - 1].name, name)) {
			if (index)
				*index = t->buckets[h] - 1;
			return &t->v[t->buckets[h] - 1];
		}
	return NULL;
}

static void node_index(struct node_table *t)
{
	size_t i, h;

	for (t->nbuckets = 16; t->nbuckets < 2 * t->n; t->nbuckets *= 2)
		;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	for (i = 0; i < t->n; i++) {
		for (h = hash_str(t->v[i].name) & (t->nbuckets - 1); t->buckets[h];
		     h = (h + 1) & (t->nbuckets - 1))
			;
		t->buckets[h] = i + 1;
	}
}

struct node_load {
	struct node_table *t;
	struct tk_diag *d;
};

static int node_item(const struct tk_node *item, const char *file, void *arg)
{
	struct node_load *nl = arg;
	struct node_table *t = nl->t;
	const char *kind = tk_str(tk_get(item, "kind")), *name;
	const struct tk_node *alloc, *status;
	struct node_obj *o;
	size_t i;

	if (item->kind == TK_NULL)
		return 0;
	/* the same dump as pod mode's --nodes (kubectl get nodes,pods): the
	 * plugin reads no Pod, and the NRT objects come from NRT_FILE */
	if (kind && (!strcmp(kind, "Pod") || !strcmp(kind, "NodeResourceTopology")))
		return 0;
	if (kind && strcmp(kind, "Node"))
		return tk_node_error(file, item, nl->d, "expected a Node, got kind '%s'", kind);
	if (!kind)
		return tk_node_error(file, item, nl->d, "expected a Node, got %s",
				     item->kind == TK_MAP ? "an object without a kind" : tk_kind_name(item->kind));
	if (tk_expect(file, tk_get(item, "metadata"), TK_MAP, "metadata", nl->d) ||
	    tk_get_str(file, tk_get(item, "metadata"), "name", true, &name, nl->d))
		return -1;
	status = tk_get(item, "status");
	if (status && status->kind != TK_NULL && tk_expect(file, status, TK_MAP, "status", nl->d))
		return -1;
	alloc = tk_get(status, "allocatable");
	if (alloc && alloc->kind != TK_NULL && tk_expect(file, alloc, TK_MAP, "allocatable", nl->d))
		return -1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	o = &t->v[t->n++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(name);
	if (alloc && alloc->kind == TK_MAP) {
		o->res = xcalloc(alloc->n ? alloc->n : 1, sizeof(*o->res));
		for (i = 0; i < alloc->n; i++)
			o->res[o->nres++] = xstrdup(alloc->keys[i]->text ? alloc->keys[i]->text : "");
	}
	return 0;
}

static void node_table_free(struct node_table *t)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < t->v[i].nres; j++)
			free(t->v[i].res[j]);
		free(t->v[i].res);
		free(t->v[i].name);
	}
	free(t->v);
	free(t->buckets);
}

/* util.ResourceList(nodeInfo.GetAllocatable()): cpu, memory, pods and
 * ephemeral-storage always; scalar resources (huge pages, extended and
 * prefixed native ones) when the Node lists them. Without a Node object the
 * NRT's own resources stand in for its allocatable. */
static bool node_has(const struct node_obj *o, const struct tk_nrt *n, const char *res)
{
	size_t i, j;

	if (!strcmp(res, "cpu") || !strcmp(res, "memory") || !strcmp(res, "pods") ||
	    !strcmp(res, "ephemeral-storage"))
		return true;
	if (o) {
		/* NodeInfo keeps scalar resources only: other unprefixed native
		 * names are dropped */
		if (!strchr(res, '/') && !is_hugepages(res) && strncmp(res, "attachable-volumes-", 19))
			return false;
		for (i = 0; i < o->nres; i++)
			if (!strcmp(o->res[i], res))
				return true;
		return false;
	}
	for (i = 0; i < n->nzones; i++)
		for (j = 0; j < n->zones[i].nres; j++)
			if (!strcmp(n->zones[i].res[j].name, res))
				return true;
	return false;
}

/* ---- Filter ---- */

struct filter_ctx {
	const struct tk_nrt *nrt;
	const struct node_obj *node;
	enum ta_qos qos;
	struct numa *numa;
	size_t nnuma;
};

/* resourcesAvailableInAnyNUMANodes: the lowest NUMA id that holds every
 * request; else the resource that failed in *bad and -1 (no NUMA zone holds
 * it) or -2 (the node does not have it at all) */
static int available_in_any_numa(const struct filter_ctx *f, const struct ta_req *req, size_t n,
				 const char **bad)
{
	uint64_t mask = UINT64_MAX;
	size_t i, z;

	for (i = 0; i < n; i++) {
		const char *name = req[i].name;
		uint64_t res_mask = 0;
		bool affinity = false;

		if (qty_zero(&req[i].q))
			continue;
		if (!node_has(f->node, f->nrt, name)) {
			*bad = name;
			return -2;
		}
		for (z = 0; z < f->nnuma; z++) {
			const struct ta_req *have = rl_find(&f->numa[z].res, name);

			if (!have)
				continue;
			affinity = true;
			if (set_suitable(f->qos, name, &req[i].q, &have->q))
				res_mask |= (uint64_t)1 << f->numa[z].id;
		}
		if (!affinity && is_host_level(name))
			continue;
		mask &= res_mask;
		if (!mask) {
			*bad = name;
			return -1;
		}
	}
	return __builtin_ctzll(mask);
}

/* subtractResourcesFromNUMANodeList; false on an accounting error */
static bool subtract_from_numa(struct filter_ctx *f, int id, const struct ta_req *req, size_t n)
{
	size_t z, i;

	for (z = 0; z < f->nnuma; z++) {
		if (f->numa[z].id != id)
			continue;
		for (i = 0; i < n; i++) {
			struct ta_req *have;

			if (f->qos != TA_QOS_GUARANTEED && is_numa_affine(req[i].name))
				continue;
			if (qty_zero(&req[i].q) || !(have = rl_find(&f->numa[z].res, req[i].name)))
				continue;
			qty_sub(&have->q, &req[i].q);
			if (have->q.milli < 0)
				return false;
		}
	}
	return true;
}

static char *why(int rc, const char *who, const char *bad)
{
	return rc == -2 ? xasprintf("%sthe node has no %s", who, bad)
			: xasprintf("%sno NUMA zone has enough %s", who, bad);
}

static void detail_add(char **detail, const char *fmt, const char *a, int id)
{
	char *add = xasprintf(fmt, a, id);

	if (*detail) {
		char *both = xasprintf("%s, %s", *detail, add);

		free(*detail);
		free(add);
		*detail = both;
	} else {
		*detail = add;
	}
}

/* Filter for a node with NRT data under single-numa-node */
static void filter_single_numa(struct verdict *v, const struct pod *p, struct filter_ctx *f,
			       bool pod_scope)
{
	const char *bad = NULL;
	char *who;
	size_t i;
	int id;

	if (pod_scope) {
		id = available_in_any_numa(f, p->effective.v, p->effective.n, &bad);
		if (id < 0) {
			v->reason = "cannot align pod";
			v->detail = why(id, "", bad);
			return;
		}
		v->detail = xasprintf("pod on node-%d", id);
		v->feasible = true;
		return;
	}
	/* init containers run one at a time before the others: each alone */
	for (i = 0; i < p->r.n; i++) {
		const struct ta_ctr_req *c = &p->r.c[i];

		if (!c->init)
			continue;
		id = available_in_any_numa(f, c->req, c->n, &bad);
		if (id < 0) {
			v->reason = c->restartable ? "cannot align sidecar container"
						   : "cannot align init container";
			free(v->detail);
			who = xasprintf("%s container '%s': ", c->restartable ? "sidecar" : "init", c->name);
			v->detail = why(id, who, bad);
			free(who);
			return;
		}
		detail_add(&v->detail, "%s on node-%d", c->name, id);
	}
	for (i = 0; i < p->r.n; i++) {
		const struct ta_ctr_req *c = &p->r.c[i];

		if (c->init)
			continue;
		id = available_in_any_numa(f, c->req, c->n, &bad);
		if (id < 0) {
			v->reason = "cannot align container";
			free(v->detail);
			who = xasprintf("container '%s': ", c->name);
			v->detail = why(id, who, bad);
			free(who);
			return;
		}
		if (!subtract_from_numa(f, id, c->req, c->n)) {
			v->reason = "inconsistent resource accounting";
			return;
		}
		detail_add(&v->detail, "%s on node-%d", c->name, id);
	}
	v->feasible = true;
}

/* ---- Score strategies (least_allocated.go, most_allocated.go,
 * balanced_allocation.go) ---- */

struct weights {
	size_t n;
	char **names;
	long long *w;
};

static long long weight_of(const struct weights *ws, const char *name)
{
	size_t i;
	long long w = 1;

	for (i = 0; i < ws->n; i++)
		if (!strcmp(ws->names[i], name))
			w = ws->w[i];
	return w < 1 ? 1 : w;
}

static long long allocated_score(bool most, const struct tk_qty *req, const struct tk_qty *cap)
{
	int64_t cv, rv;

	if (qty_zero(cap) || tk_qty_cmp(req, cap) > 0)
		return 0;
	cv = tk_qty_value(cap);
	rv = tk_qty_value(req);
	if (cv == 0)
		return 0;
	return most ? rv * MAX_NODE_SCORE / cv : (cv - rv) * MAX_NODE_SCORE / cv;
}

static long long strategy_score(enum strategy s, const struct weights *ws, const struct rl *req,
				const struct rl *alloc)
{
	static const struct tk_qty zero;
	size_t i;

	if (s == S_BALANCED) {
		double *frac = xcalloc(req->n ? req->n : 1, sizeof(*frac));
		double mean = 0, ss = 0, comp = 0, var, score;
		size_t n = req->n;

		for (i = 0; i < n; i++) {
			const struct ta_req *a = rl_find(alloc, req->v[i].name);
			int64_t cv = a ? tk_qty_value(&a->q) : 0;

			frac[i] = cv == 0 ? 1 : (double)tk_qty_value(&req->v[i].q) / (double)cv;
			if (frac[i] > 1) {
				free(frac);
				return 0;
			}
			mean += frac[i];
		}
		/* gonum stat.Variance: the unbiased sample variance, with its
		 * compensation term; NaN for fewer than two values */
		mean /= (double)n;
		for (i = 0; i < n; i++) {
			ss += (frac[i] - mean) * (frac[i] - mean);
			comp += frac[i] - mean;
		}
		free(frac);
		var = (ss - comp * comp / (double)n) / ((double)n - 1);
		score = (1 - var) * MAX_NODE_SCORE;
		/* Go's float-to-int64 conversion on amd64 yields the minimum
		 * for NaN and out-of-range values */
		if (isnan(score) || score >= 9.2e18 || score <= -9.2e18)
			return INT64_MIN;
		return (long long)score;
	} else {
		long long sum = 0, wsum = 0;

		for (i = 0; i < req->n; i++) {
			const struct ta_req *a = rl_find(alloc, req->v[i].name);
			long long w = weight_of(ws, req->v[i].name);

			sum += allocated_score(s == S_MOST_ALLOCATED, &req->v[i].q, a ? &a->q : &zero) * w;
			wsum += w;
		}
		return wsum ? sum / wsum : 0;
	}
}

/* scoreForEachNUMANode: the lowest non-zero NUMA score */
static long long score_numa(enum strategy s, const struct weights *ws, const struct rl *req,
			    const struct numa *numa, size_t nnuma)
{
	long long min = 0;
	size_t i;

	for (i = 0; i < nnuma; i++) {
		long long sc = strategy_score(s, ws, req, &numa[i].res);

		if (min == 0 || (sc != 0 && sc < min))
			min = sc;
	}
	return min;
}

/* ---- LeastNUMANodes (least_numa.go) ---- */

/* dist[i * n + j]: zone i's cost to zone j (list indexes), 255 when the
 * zone gives none; built once per node */
static int *distances(const struct numa *numa, size_t n)
{
	int *dist = xcalloc(n ? n * n : 1, sizeof(*dist));
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++) {
			int c = numa_cost(&numa[i], numa[j].id);

			dist[i * n + j] = c < 0 ? MAX_DISTANCE : c;
		}
	return dist;
}

/* nodesAvgDistance, in float32 as the plugin */
static float avg_distance(const int *dist, size_t n, const int *idx, size_t k)
{
	long long acc = 0;
	size_t i, j;

	if (!k)
		return MAX_DISTANCE;
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			acc += dist[(size_t)idx[i] * n + (size_t)idx[j]];
	return (float)acc / (float)(k * k);
}

/* the next k-combination of 0..n-1 in lexicographic order (combin.Combinations) */
static bool next_comb(int *idx, size_t k, size_t n)
{
	size_t i = k;

	while (i > 0) {
		i--;
		if ((size_t)idx[i] < n - k + i) {
			size_t j;

			idx[i]++;
			for (j = i + 1; j < k; j++)
				idx[j] = idx[j - 1] + 1;
			return true;
		}
	}
	return false;
}

static void first_comb(int *idx, size_t k)
{
	size_t i;

	for (i = 0; i < k; i++)
		idx[i] = (int)i;
}

static bool comb_fits(enum ta_qos qos, const struct numa *numa, const int *idx, size_t k,
		      const struct rl *req)
{
	size_t i, j;

	/* isValidCombineResources: every requested name in every zone */
	for (j = 0; j < k; j++)
		for (i = 0; i < req->n; i++)
			if (!rl_find(&numa[idx[j]].res, req->v[i].name))
				return false;
	/* combineResources + checkResourcesFit */
	for (i = 0; i < req->n; i++) {
		struct tk_qty sum = { 0, false };

		if (qty_zero(&req->v[i].q))
			continue;
		for (j = 0; j < k; j++)
			qty_add(&sum, &rl_find(&numa[idx[j]].res, req->v[i].name)->q);
		if (!set_suitable(qos, req->v[i].name, &req->v[i].q, &sum))
			return false;
	}
	return true;
}

/* numaNodesRequired: the fewest NUMA zones (a mask of ids) that hold req,
 * preferring the combination of minimal average distance; 0 when none */
/* The plugin tries every combination of zones, size by size: beyond some
 * dozen zones that is more than it could ever finish. We stop at this much
 * work (combinations x zones^2) and say so. */
#define COMB_BUDGET (1ULL << 25)

/* C(n, k), saturated at the budget */
static unsigned long long binomial(size_t n, size_t k)
{
	unsigned long long c = 1;
	size_t i;

	for (i = 1; i <= k; i++) {
		c = c * (n - k + i) / i;
		if (c > COMB_BUDGET)
			return COMB_BUDGET + 1;
	}
	return c;
}

/* No combination can fit when all the zones that hold every requested
 * resource together do not (available quantities only add up) */
static bool union_fits(enum ta_qos qos, const struct numa *numa, size_t n, const struct rl *req)
{
	size_t i, z, holders = 0;

	for (z = 0; z < n; z++) {
		bool all = true;

		for (i = 0; i < req->n && all; i++)
			all = rl_find(&numa[z].res, req->v[i].name) != NULL;
		holders += all;
	}
	if (!holders)
		return false;
	for (i = 0; i < req->n; i++) {
		struct tk_qty sum = { 0, false };

		if (qty_zero(&req->v[i].q))
			continue;
		for (z = 0; z < n; z++) {
			const struct ta_req *have;
			size_t j;
			bool all = true;

			for (j = 0; j < req->n && all; j++)
				all = rl_find(&numa[z].res, req->v[j].name) != NULL;
			if (!all)
				continue;
			have = rl_find(&numa[z].res, req->v[i].name);
			if (have->q.milli < 0)
				return true;    /* a negative amount: no shortcut */
			qty_add(&sum, &have->q);
		}
		if (!set_suitable(qos, req->v[i].name, &req->v[i].q, &sum))
			return false;
	}
	return true;
}

static uint64_t numa_required(enum ta_qos qos, const struct numa *numa, size_t n, const int *dist,
			      const struct rl *req, bool *min_distance, bool *gave_up)
{
	int idx[MAX_NUMA_ID], best[MAX_NUMA_ID];
	unsigned long long work = 0;
	size_t k, i;

	*min_distance = false;
	*gave_up = false;
	if (!union_fits(qos, numa, n, req))
		return 0;
	for (k = 1; k <= n; k++) {
		float min_avg = MAX_DISTANCE, best_d = 256;
		bool have = false;

		work += 2 * binomial(n, k) * k * k;
		if (k > MAX_NUMA_ID || work > COMB_BUDGET) {
			*gave_up = true;
			return 0;
		}

		first_comb(idx, k);
		do {
			float dd = avg_distance(dist, n, idx, k);

			if (dd < min_avg)
				min_avg = dd;
		} while (next_comb(idx, k, n));
		first_comb(idx, k);
		do {
			float dd;

			if (!comb_fits(qos, numa, idx, k, req))
				continue;
			dd = avg_distance(dist, n, idx, k);
			if (dd == min_avg) {
				memcpy(best, idx, k * sizeof(*idx));
				have = true;
				*min_distance = true;
				break;
			}
			if (dd < best_d) {
				best_d = dd;
				memcpy(best, idx, k * sizeof(*idx));
				have = true;
			}
		} while (next_comb(idx, k, n));
		if (have) {
			uint64_t m = 0;

			for (i = 0; i < k; i++)
				m |= (uint64_t)1 << numa[best[i]].id;
			return m;
		}
	}
	return 0;
}

/* onlyNonNUMAResources */
static bool only_non_numa(const struct numa *numa, size_t n, const struct rl *req)
{
	size_t i, z;

	for (i = 0; i < req->n; i++)
		for (z = 0; z < n; z++)
			if (rl_find(&numa[z].res, req->v[i].name))
				return false;
	return true;
}

static long long normalize_numa(int count, bool min_distance, int max_numa)
{
	long long per = MAX_NODE_SCORE / max_numa, score = MAX_NODE_SCORE - count * per;

	return min_distance ? score + per / 2 : score;
}

/* subtractFromNUMAs: the plugin indexes its zone list by NUMA id */
static void subtract_numas(const struct rl *req, struct numa *numa, size_t n, uint64_t ids)
{
	size_t i;

	for (i = 0; i < req->n; i++) {
		struct tk_qty want = req->v[i].q;
		int id;

		for (id = 0; id < MAX_NUMA_ID; id++) {
			struct ta_req *have;

			if (!(ids & ((uint64_t)1 << id)))
				continue;
			if (qty_zero(&want))
				break;
			if ((size_t)id >= n || !(have = rl_find(&numa[id].res, req->v[i].name)))
				continue;
			if (tk_qty_cmp(&want, &have->q) >= 0) {
				qty_sub(&want, &have->q);
				memset(&have->q, 0, sizeof(have->q));
			} else {
				qty_sub(&have->q, &want);
				memset(&want, 0, sizeof(want));
			}
		}
	}
}

static long long least_numa_containers(const struct pod *p, enum ta_qos qos, struct numa *numa,
				       size_t n, const int *dist, const struct tm_conf *c, bool *gave_up);

static char *gave_up_note(size_t n)
{
	return xasprintf("least NUMA nodes: not enumerated (too many combinations of %zu zones; "
			 "the plugin would not finish either)", n);
}

static char *mask_note(uint64_t m, bool min_d)
{
	char buf[64 * 8] = "", *w = buf;
	int id;

	if (!m)
		return xstrdup("least NUMA nodes: no combination of zones fits");
	for (id = 0; id < MAX_NUMA_ID; id++)
		if (m & ((uint64_t)1 << id))
			w += snprintf(w, sizeof(buf) - (size_t)(w - buf), "%snode-%d", w == buf ? "" : ",", id);
	return xasprintf("least NUMA nodes: %s%s", buf, min_d ? " at the minimal distance" : "");
}

static long long least_numa_score(const struct pod *p, enum ta_qos qos, struct numa *numa, size_t n,
				  const struct tm_conf *c, char **note)
{
	uint64_t m;
	bool min_d, gave_up = false;
	int *dist;
	long long score;

	if (!strcmp(c->scope, "pod")) {
		if (only_non_numa(numa, n, &p->effective))
			return MAX_NODE_SCORE;
		dist = distances(numa, n);
		m = numa_required(qos, numa, n, dist, &p->effective, &min_d, &gave_up);
		free(dist);
		*note = gave_up ? gave_up_note(n) : mask_note(m, min_d);
		if (!m)
			return 0;
		return normalize_numa(__builtin_popcountll(m), min_d, c->max_numa);
	}
	dist = distances(numa, n);
	score = least_numa_containers(p, qos, numa, n, dist, c, &gave_up);
	free(dist);
	if (gave_up) {
		free(*note);
		*note = gave_up_note(n);
	}
	return score;
}

static long long least_numa_containers(const struct pod *p, enum ta_qos qos, struct numa *numa,
				       size_t n, const int *dist, const struct tm_conf *c, bool *gave_up)
{
	uint64_t m;
	bool min_d, all_min = true;
	int maxcount = 0;
	size_t i;

	for (i = 0; i < p->r.n; i++) {
		if (only_non_numa(numa, n, &p->ctr[i]))
			continue;
		m = numa_required(qos, numa, n, dist, &p->ctr[i], &min_d, gave_up);
		if (!m)
			return 0;
		if (!min_d)
			all_min = false;
		if (__builtin_popcountll(m) > maxcount)
			maxcount = __builtin_popcountll(m);
		subtract_numas(&p->ctr[i], numa, n, m);
	}
	if (!maxcount)
		return MAX_NODE_SCORE;
	return normalize_numa(maxcount, all_min, c->max_numa);
}

/* ---- one pod on one node ---- */

struct run {
	const struct ta_nrt_opts *o;
	enum strategy strategy;
	struct weights ws;
	struct node_table nodes;
	bool have_nodes;
	bool nodes_file;            /* --nodes names a file of its own */
	size_t npods;
	struct pod *pods;
	size_t nrt_seen;
};

static struct verdict *verdict_new(struct pod *p, const char *node, size_t order)
{
	struct verdict *v;

	if (p->nnodes == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	v = &p->v[p->nnodes++];
	memset(v, 0, sizeof(*v));
	v->node = xstrdup(node);
	v->order = order;
	v->reason = "";
	return v;
}

/* Filter then Score: TopologyMatch.Filter / TopologyMatch.Score */
static void decide(struct run *r, struct pod *p, const struct tk_nrt *nrt,
		   const struct node_obj *node, struct verdict *v)
{
	enum ta_qos qos = p->r.qos;
	struct tm_conf c;
	struct filter_ctx f;
	struct numa *numa;
	size_t nnuma;
	bool single;

	if (!nrt) {
		/* no NRT data: not filtered; Score gives 0 to Guaranteed pods */
		v->feasible = true;
		v->score = qos == TA_QOS_GUARANTEED ? 0 : MAX_NODE_SCORE;
		v->detail = xstrdup("no NodeResourceTopology");
		return;
	}
	c = tm_from_nrt(nrt);
	v->conf = c.max_numa == DEFAULT_MAX_NUMA
			  ? xasprintf("%s, %s scope", c.policy, c.scope)
			  : xasprintf("%s, %s scope, %d NUMA nodes at most", c.policy, c.scope, c.max_numa);
	single = !strcmp(c.policy, "single-numa-node");
	numa = numa_list(nrt, &nnuma);
	if (qos == TA_QOS_BESTEFFORT && !p->non_native) {
		v->feasible = true;
		v->detail = xstrdup("BestEffort pod without extended resources: not filtered");
	} else if (!single) {
		v->feasible = true;
		v->detail = xasprintf("policy %s: not filtered", c.policy);
	} else {
		f.nrt = nrt;
		f.node = node;
		f.qos = qos;
		f.numa = numa_list_dup(numa, nnuma);
		f.nnuma = nnuma;
		filter_single_numa(v, p, &f, !strcmp(c.scope, "pod"));
		numa_list_free(f.numa, f.nnuma);
	}
	if (v->feasible) {
		if (qos != TA_QOS_GUARANTEED) {
			v->score = MAX_NODE_SCORE;
		} else if (r->strategy == S_LEAST_NUMA) {
			struct numa *work = numa_list_dup(numa, nnuma);

			char *note = NULL;

			v->score = least_numa_score(p, qos, work, nnuma, &c, &note);
			numa_list_free(work, nnuma);
			if (note && strstr(note, "not enumerated"))
				tk_warn("warning: %s: %s; scored 0", nrt->name, note);
			if (note) {
				char *both = xasprintf("%s; %s", v->detail ? v->detail : "", note);

				free(v->detail);
				free(note);
				v->detail = both;
			}
		} else if (!single) {
			v->score = 0;
		} else if (!strcmp(c.scope, "pod")) {
			v->score = score_numa(r->strategy, &r->ws, &p->effective, numa, nnuma);
		} else {
			double sum = 0;
			size_t i;

			for (i = 0; i < p->r.n; i++)
				sum += (double)score_numa(r->strategy, &r->ws, &p->ctr[i], numa, nnuma);
			/* stat.Mean, truncated to int64 */
			v->score = p->r.n ? (long long)(sum / (double)p->r.n) : 0;
		}
	}
	numa_list_free(numa, nnuma);
}

/* createNUMANodeList logs a Node zone whose name is no NUMA id it accepts
 * (node-0 .. node-63) and leaves it out; say so once per object */
static void warn_unaccepted_zones(const struct tk_nrt *nrt)
{
	size_t i, n = 0;
	const char *first = NULL;

	for (i = 0; i < nrt->nzones; i++) {
		const struct tk_nrt_zone *z = &nrt->zones[i];

		if (strcmp(z->type, "Node") || (z->numa_id >= 0 && z->numa_id < MAX_NUMA_ID))
			continue;
		if (!n++)
			first = z->name;
	}
	if (n)
		tk_warn("warning: NodeResourceTopology '%s': %zu zone(s) of type Node, first '%s', are no NUMA node the plugin accepts (node-0 to node-%d): left out, as the plugin leaves them out",
			tk_text_safe(nrt->name), n, tk_text_safe(first), MAX_NUMA_ID - 1);
}

static int on_nrt(const struct tk_nrt *nrt, void *arg)
{
	struct run *r = arg;
	const struct node_obj *node = NULL;
	size_t i, order = r->nrt_seen++;

	if (r->have_nodes && !r->nodes.nbuckets)
		node_index(&r->nodes);   /* the dump's Nodes came first */
	if (r->have_nodes) {
		struct node_obj *o = node_find(&r->nodes, nrt->name, &order);
		const char *from = r->nodes_file ? r->o->nodes : r->o->nrt;

		if (!o) {
			tk_warn("warning: NodeResourceTopology '%s' has no Node in %s; skipped",
				nrt->name, !strcmp(from, "-") ? "<stdin>" : from);
			return 0;
		}
		o->seen = true;
		node = o;
	}
	warn_unaccepted_zones(nrt);
	for (i = 0; i < r->npods; i++)
		decide(r, &r->pods[i], nrt, node, verdict_new(&r->pods[i], nrt->name, order));
	return 0;
}

/* An object of NRT_FILE that is no NodeResourceTopology: a Node of a
 * combined dump (kubectl get nodes,noderesourcetopologies -o json), before
 * every NodeResourceTopology, as kubectl lists them: each NRT is decided
 * as it streams past, with its Node already known. */
static int dump_other(const struct tk_node *item, const char *file, void *arg, struct tk_diag *d)
{
	struct run *r = arg;
	const char *kind = tk_str(tk_get(item, "kind"));
	struct node_load nl = { &r->nodes, d };

	if (!kind || strcmp(kind, "Node") || r->nodes_file) {
		const char *also = r->nodes_file ? "" : " or a Node";

		if (kind)
			return tk_node_error(file, item, d, "expected a NodeResourceTopology%s, got kind '%s'%s",
					     also, kind, r->nodes_file && !strcmp(kind, "Node") ?
					     " (the Nodes come from --nodes)" : "");
		return tk_node_error(file, item, d, "expected a NodeResourceTopology%s, got %s", also,
				     item->kind == TK_MAP ? "an object without a kind" : tk_kind_name(item->kind));
	}
	if (r->nrt_seen)
		return tk_node_error(file, item, d, "a Node after a NodeResourceTopology: list the Nodes "
				     "first (kubectl get nodes,noderesourcetopologies -o json)");
	r->have_nodes = true;
	return node_item(item, file, &nl);
}

/* --nodes and --nrt naming one file (or both stdin): one combined dump, read once */
static bool same_input(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!strcmp(a, b))
		return true;
	return strcmp(a, "-") && strcmp(b, "-") && !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static int pod_item(const struct tk_node *item, const char *file, void *arg)
{
	struct run *r = arg;
	struct pod p;
	struct tk_diag d;
	const char *status_qos;
	size_t i, j;
	int rc;

	memset(&p, 0, sizeof(p));
	rc = ta_pod_requests(&p.r, item, file, &d);
	if (rc < 0)
		tk_fatal_diag(&d);
	if (rc > 0)
		return 0;
	/* v1qos.GetPodQOS: a Pod's recorded status.qosClass wins */
	status_qos = tk_str(tk_path(item, "status.qosClass"));
	if (status_qos && !strcmp(p.r.kind, "Pod")) {
		if (!strcmp(status_qos, "Guaranteed"))
			p.r.qos = TA_QOS_GUARANTEED;
		else if (!strcmp(status_qos, "Burstable"))
			p.r.qos = TA_QOS_BURSTABLE;
		else if (!strcmp(status_qos, "BestEffort"))
			p.r.qos = TA_QOS_BESTEFFORT;
	}
	p.ctr = xcalloc(p.r.n ? p.r.n : 1, sizeof(*p.ctr));
	for (i = 0; i < p.r.n; i++) {
		rl_copy(&p.ctr[i], p.r.c[i].req, p.r.c[i].n);
		for (j = 0; j < p.r.c[i].n; j++)
			if (!is_native(p.r.c[i].req[j].name))
				p.non_native = true;
	}
	effective_request(&p);
	r->pods = xreallocarray(r->pods, r->npods + 1, sizeof(*r->pods));
	r->pods[r->npods++] = p;
	return 0;
}

static int by_order(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static const char *const strategy_names[] = {
	"LeastAllocated", "MostAllocated", "BalancedAllocation", "LeastNUMANodes",
};

static void render(const struct run *r, const struct pod *p)
{
	size_t i;

	if (r->o->text) {
		printf("%s %s (%s):\n", p->r.kind, p->r.name, ta_qos_name(p->r.qos));
		for (i = 0; i < p->nnodes; i++) {
			const struct verdict *v = &p->v[i];

			printf("  %s%s%s%s", v->node, v->conf ? " (" : "", v->conf ? v->conf : "",
			       v->conf ? ")" : "");
			if (v->feasible)
				printf(": feasible, score %lld%s%s\n", v->score,
				       v->detail ? ": " : "", v->detail ? v->detail : "");
			else if (v->detail)
				printf(": not feasible: %s (%s)\n", v->reason, v->detail);
			else
				printf(": not feasible: %s\n", v->reason);
		}
		return;
	}
	{
		json_t *nodes = json_array(), *top;

		for (i = 0; i < p->nnodes; i++) {
			const struct verdict *v = &p->v[i];

			json_array_append_new(nodes, json_pack("{s:s, s:b, s:I, s:s}", "name", v->node,
							       "feasible", v->feasible, "score",
							       (json_int_t)v->score, "reason", v->reason));
		}
		top = json_pack("{s:o}", "nodes", nodes);
		if (tk_emit_json(top, stdout)) {
			json_decref(top);
			tk_fatal("write error");
		}
		json_decref(top);
	}
}

int ta_run_nrt(const struct ta_nrt_opts *o)
{
	struct run r;
	struct tk_diag d;
	size_t i, j, count;
	bool any_none = false;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.ws.n = o->nweights;
	r.ws.names = o->weight_names;
	r.ws.w = o->weights;
	r.strategy = S_LEAST_ALLOCATED;
	if (o->strategy) {
		for (i = 0; i < 4; i++)
			if (!strcmp(o->strategy, strategy_names[i]))
				break;
		if (i == 4)
			tk_usage_error("invalid --scoring-strategy '%s' (LeastAllocated, MostAllocated, "
				       "BalancedAllocation or LeastNUMANodes)", o->strategy);
		r.strategy = (enum strategy)i;
	}
	if (!o->manifest)
		tk_usage_error("missing POD_FILE (a Pod or workload, '-' for stdin)");
	if (!strcmp(o->nrt, "-") && !strcmp(o->manifest, "-"))
		tk_usage_error("--nrt and POD_FILE cannot both be stdin");
	r.nodes_file = o->nodes && !same_input(o->nodes, o->nrt);
	if (r.nodes_file && !strcmp(o->nodes, "-") && (!strcmp(o->nrt, "-") || !strcmp(o->manifest, "-")))
		tk_usage_error("only one input can be stdin");

	if (tk_doc_stream(o->manifest, NULL, pod_item, &r, &d) < 0)
		tk_fatal_diag(&d);
	if (!r.npods)
		tk_fatal("%s: no Pod or workload with a pod template",
			 strcmp(o->manifest, "-") ? o->manifest : "<stdin>");
	if (r.nodes_file) {
		struct node_load nl = { &r.nodes, &d };

		r.have_nodes = true;
		if (tk_doc_stream(o->nodes, NULL, node_item, &nl, &d) != 0)
			tk_fatal_diag(&d);
		if (!r.nodes.n)
			tk_fatal("%s: no Node objects", strcmp(o->nodes, "-") ? o->nodes : "<stdin>");
		node_index(&r.nodes);
	}
	if (tk_nrt_stream_other(o->nrt, on_nrt, dump_other, &r, &count, &d) < 0)
		tk_fatal_diag(&d);
	if (o->nodes && !r.have_nodes)
		tk_fatal("%s: no Node objects", strcmp(o->nodes, "-") ? o->nodes : "<stdin>");
	if (!count && !r.have_nodes)
		tk_fatal("%s: no NodeResourceTopology objects",
			 strcmp(o->nrt, "-") ? o->nrt : "<stdin>");

	for (i = 0; i < r.npods; i++) {
		struct pod *p = &r.pods[i];
		bool any = false;

		/* Nodes the NRT dump does not cover: the plugin lets them pass */
		for (j = 0; j < r.nodes.n; j++)
			if (!r.nodes.v[j].seen)
				decide(&r, p, NULL, &r.nodes.v[j], verdict_new(p, r.nodes.v[j].name, j));
		qsort(p->v, p->nnodes, sizeof(*p->v), by_order);
		for (j = 0; j < p->nnodes; j++)
			any = any || p->v[j].feasible;
		if (!any)
			any_none = true;
		render(&r, p);
	}

	for (i = 0; i < r.npods; i++) {
		struct pod *p = &r.pods[i];

		for (j = 0; j < p->nnodes; j++) {
			free(p->v[j].node);
			free(p->v[j].detail);
			free(p->v[j].conf);
		}
		free(p->v);
		for (j = 0; j < p->r.n; j++)
			free(p->ctr[j].v);
		free(p->ctr);
		free(p->effective.v);
		ta_pod_req_release(&p->r);
	}
	free(r.pods);
	node_table_free(&r.nodes);
	return any_none ? TK_EXIT_NO : TK_EXIT_OK;
}

void ta_nrt_push_weight(struct ta_nrt_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		tk_usage_error("invalid --resource-weight value '%s' (NAME=WEIGHT)", arg);
	o->weight_names = xreallocarray(o->weight_names, o->nweights + 1, sizeof(*o->weight_names));
	o->weights = xreallocarray(o->weights, o->nweights + 1, sizeof(*o->weights));
	/* the plugin takes any int64 weight and uses 1 for those below 1 */
	o->weights[o->nweights] = tk_opt_ll("resource-weight", eq + 1, INT32_MIN, INT32_MAX);
	o->weight_names[o->nweights++] = xstrndup(arg, (size_t)(eq - arg));
}

void ta_nrt_opts_release(struct ta_nrt_opts *o)
{
	size_t i;

	for (i = 0; i < o->nweights; i++)
		free(o->weight_names[i]);
	free(o->weight_names);
	free(o->weights);
}
