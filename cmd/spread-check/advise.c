/* advise.c - the descheduler's RemovePodsViolatingTopologySpreadConstraint
 * (Balance, balanceDomains, sortDomains, topologyIsBalanced,
 * matchNodeInclusionPolicies, node.NodeFit / PodFitsAnyOtherNode) and the
 * DefaultEvictor's Filter with its default protections; see advise.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advise.h"
#include "diag.h"
#include "filters.h"
#include "nearmiss.h"
#include "podtopo.h"
#include "doc.h"
#include "emit.h"
#include "xalloc.h"

/* scheduling.SystemCriticalPriority */
#define SYSTEM_CRITICAL_PRIORITY 2000000000LL

static const struct tk_node *map_get(const struct tk_node *map, const char *key)
{
	const struct tk_node *v = map && map->kind == TK_MAP ? tk_get(map, key) : NULL;

	return v && v->kind != TK_NULL ? v : NULL;
}

/* DefaultEvictor.Filter with the default protections (PodsWithLocalStorage,
 * SystemCriticalPods, FailedBarePods, DaemonSetPods). */
static bool pod_evictable(const struct tk_node *item)
{
	const struct tk_node *meta = map_get(item, "metadata"), *spec = map_get(item, "spec");
	const struct tk_node *ann = map_get(meta, "annotations"), *refs, *v, *vols;
	const char *src;
	size_t i;

	if (ann && tk_get(ann, "descheduler.alpha.kubernetes.io/evict"))
		return true;
	if (ann && tk_get(ann, "kubernetes.io/config.mirror"))
		return false;
	/* IsStaticPod: a config.source annotation other than "api" */
	v = ann ? tk_get(ann, "kubernetes.io/config.source") : NULL;
	src = v ? tk_scalar_text(v) : NULL;
	if (v && (!src || strcmp(src, "api") != 0))
		return false;
	if (map_get(meta, "deletionTimestamp"))
		return false;
	refs = map_get(meta, "ownerReferences");
	if (!refs || refs->kind != TK_SEQ || refs->n == 0)
		return false;
	for (i = 0; i < refs->n; i++) {
		const char *k = tk_str(map_get(refs->items[i], "kind"));

		if (k && strcmp(k, "DaemonSet") == 0)
			return false;
	}
	v = map_get(spec, "priority");
	if (v && v->kind == TK_INT && v->v.i >= SYSTEM_CRITICAL_PRIORITY)
		return false;
	vols = map_get(spec, "volumes");
	for (i = 0; vols && vols->kind == TK_SEQ && i < vols->n; i++)
		if (map_get(vols->items[i], "hostPath") || map_get(vols->items[i], "emptyDir"))
			return false;
	return true;
}

static int pod_hook(void *arg, const struct tk_node *item, const char *file, struct tk_diag *d)
{
	struct adv_pods *a = arg;
	struct adv_pod ap;
	const struct tk_node *spec = map_get(item, "spec"), *v;

	memset(&ap, 0, sizeof(ap));
	if (sc_podspec_from_node(a->c, &ap.spec, file, item, d) < 0)
		return -1;
	ap.evictable = pod_evictable(item);
	ap.sel_aff = map_get(spec, "nodeSelector") || map_get(map_get(spec, "affinity"), "nodeAffinity");
	v = map_get(spec, "priority");
	if (v && v->kind == TK_INT) {
		ap.has_prio = true;
		ap.prio = v->v.i > INT32_MAX ? INT32_MAX : v->v.i < INT32_MIN ? INT32_MIN : (int32_t)v->v.i;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->p = xreallocarray(a->p, a->cap, sizeof(*a->p));
	}
	a->p[a->n++] = ap;
	return 0;
}

void adv_pods_attach(struct adv_pods *a, struct sc_cluster *c)
{
	memset(a, 0, sizeof(*a));
	a->c = c;
	c->pod_hook = pod_hook;
	c->pod_hook_arg = a;
}

void adv_pods_release(struct adv_pods *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		sc_podspec_release(&a->p[i].spec);
	free(a->p);
	if (a->c && a->c->pod_hook_arg == a) {
		a->c->pod_hook = NULL;
		a->c->pod_hook_arg = NULL;
	}
	memset(a, 0, sizeof(*a));
}

static bool adv_node_fit(const struct adv_pods *a, size_t i, uint32_t n)
{
	const struct sc_cluster *c = a->c;
	const struct sc_nodeinfo *nd = &c->nodes[n];
	const struct sc_podspec *p = &a->p[i].spec;
	const struct sc_pod *pod = &c->pods[i];

	if (nd->unschedulable || nd->removed || nd->not_ready)
		return false;
	if (!sc_required_affinity_matches(c, p, nd) || sc_untolerated_taint(p, nd))
		return false;
	if (pod->node == (int32_t)n)
		return true;
	/* fitsRequest: every requested resource, and one pod slot */
	if (nd->alloc_cpu >= 0 && pod->cpu > nd->alloc_cpu - nd->req_cpu)
		return false;
	if (nd->alloc_mem >= 0 && pod->mem > nd->alloc_mem - nd->req_mem)
		return false;
	return nd->alloc_pods < 0 || nd->alloc_pods - nd->npods > 0;
}

/* PodFitsAnyOtherNode over the nodes marked in set (NULL: every node). */
static bool fits_other(const struct adv_pods *a, size_t i, const bool *set)
{
	uint32_t n;

	for (n = 0; n < a->c->nnodes; n++)
		if ((!set || set[n]) && (int32_t)n != a->c->pods[i].node && adv_node_fit(a, i, n))
			return true;
	return false;
}

/* ---- constraints of a namespace ---- */

struct adv_tsc {
	const struct sc_tsc *t;
	size_t owner;            /* the pod that declares it */
	struct sc_sel sel;       /* labelSelector merged with matchLabelKeys */
};

static bool req_equal(const struct sc_req *x, const struct sc_req *y)
{
	return x->key == y->key && x->op == y->op && x->nvals == y->nvals && x->num == y->num &&
	       (!x->nvals || !memcmp(x->vals, y->vals, x->nvals * sizeof(*x->vals)));
}

static bool sel_equal(const struct sc_sel *x, const struct sc_sel *y)
{
	uint32_t i;

	if (x->nothing != y->nothing || x->n != y->n)
		return false;
	for (i = 0; i < x->n; i++)
		if (!req_equal(&x->reqs[i], &y->reqs[i]))
			return false;
	return true;
}

static bool tol_equal(const struct sc_toleration *x, const struct sc_toleration *y)
{
	return x->key == y->key && x->val == y->val && x->exists == y->exists &&
	       x->bad_op == y->bad_op && x->effect == y->effect;
}

/* hasIdenticalConstraints: the internal constraint's fields (minDomains and
 * whenUnsatisfiable are not among them; the pod's affinity and tolerations
 * only when the policies honor them). */
static bool tsc_equal(const struct adv_pods *a, const struct adv_tsc *x, const struct adv_tsc *y)
{
	const struct sc_podspec *p = &a->p[x->owner].spec, *q = &a->p[y->owner].spec;
	uint32_t i;

	if (x->t->max_skew != y->t->max_skew || x->t->key != y->t->key ||
	    x->t->honor_affinity != y->t->honor_affinity || x->t->honor_taints != y->t->honor_taints ||
	    !sel_equal(&x->sel, &y->sel))
		return false;
	if (x->t->honor_affinity) {
		if (p->has_node_selector != q->has_node_selector || p->has_required != q->has_required ||
		    p->nterms != q->nterms || !sel_equal(&p->node_selector, &q->node_selector))
			return false;
		for (i = 0; i < p->nterms; i++)
			if (!sel_equal(&p->terms[i], &q->terms[i]))
				return false;
	}
	if (x->t->honor_taints) {
		if (p->ntol != q->ntol)
			return false;
		for (i = 0; i < p->ntol; i++)
			if (!tol_equal(&p->tol[i], &q->tol[i]))
				return false;
	}
	return true;
}

/* newTopologySpreadConstraint: the selector merged with the pod's values
 * of matchLabelKeys (a nil selector stays nil). */
static void tsc_build(const struct adv_pods *a, size_t owner, const struct sc_tsc *t, struct adv_tsc *out)
{
	const struct sc_lset *ls = &a->c->lsets[a->c->pods[owner].lset];
	uint32_t k;

	out->t = t;
	out->owner = owner;
	sc_sel_copy(&out->sel, &t->sel);
	if (out->sel.nothing)
		return;
	for (k = 0; k < t->nmlk; k++) {
		const char *v = sc_lset_get(ls, t->match_label_keys[k]);
		struct sc_req r = { .key = t->match_label_keys[k], .op = SC_IN, .nvals = 1, .vals = &v };

		if (v)
			sc_sel_add(&out->sel, &r);
	}
}

static bool node_included(const struct adv_pods *a, const struct adv_tsc *k, uint32_t n)
{
	const struct sc_podspec *p = &a->p[k->owner].spec;
	const struct sc_nodeinfo *nd = &a->c->nodes[n];

	if (k->t->honor_affinity && !sc_required_affinity_matches(a->c, p, nd))
		return false;
	return !(k->t->honor_taints && sc_untolerated_taint(p, nd));
}

/* ---- domains of one constraint ---- */

struct dom {
	const char *val;
	size_t order;            /* first seen: keeps sorting deterministic */
	size_t size;             /* pods counted, plus those moved in */
	size_t n, cap;
	uint32_t *pods;          /* the pods it can still give */
};

struct doms {
	size_t n, cap;
	struct dom *d;
	size_t slots_cap;
	int32_t *slots;          /* value pointer -> index */
};

static uint64_t ptr_hash(const void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	return v ^ (v >> 33);
}

static struct dom *dom_get(struct doms *ds, const char *val)
{
	size_t j;

	if (2 * (ds->n + 1) > ds->slots_cap) {
		size_t cap = ds->slots_cap ? ds->slots_cap * 2 : 64, i;

		free(ds->slots);
		ds->slots = xreallocarray(NULL, cap, sizeof(*ds->slots));
		for (i = 0; i < cap; i++)
			ds->slots[i] = -1;
		ds->slots_cap = cap;
		for (i = 0; i < ds->n; i++) {
			j = ptr_hash(ds->d[i].val) & (cap - 1);
			while (ds->slots[j] >= 0)
				j = (j + 1) & (cap - 1);
			ds->slots[j] = (int32_t)i;
		}
	}
	j = ptr_hash(val) & (ds->slots_cap - 1);
	while (ds->slots[j] >= 0) {
		if (ds->d[ds->slots[j]].val == val)
			return &ds->d[ds->slots[j]];
		j = (j + 1) & (ds->slots_cap - 1);
	}
	if (ds->n == ds->cap) {
		ds->cap = ds->cap ? ds->cap * 2 : 16;
		ds->d = xreallocarray(ds->d, ds->cap, sizeof(*ds->d));
	}
	memset(&ds->d[ds->n], 0, sizeof(ds->d[0]));
	ds->d[ds->n].val = val;
	ds->d[ds->n].order = ds->n;
	ds->slots[j] = (int32_t)ds->n;
	return &ds->d[ds->n++];
}

static void doms_release(struct doms *ds)
{
	size_t i;

	for (i = 0; i < ds->n; i++)
		free(ds->d[i].pods);
	free(ds->d);
	free(ds->slots);
}

static const struct sc_cluster *ns_cluster;

/* By namespace, then by name: the informer's order is arbitrary; by name is
 * what the upstream tests fix it to. */
static int ns_order(const void *pa, const void *pb)
{
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	const struct sc_pod *p = &ns_cluster->pods[x], *q = &ns_cluster->pods[y];
	int r = strcmp(p->ns, q->ns);

	if (!r)
		r = strcmp(p->name, q->name);
	return r ? r : (x < y ? -1 : x > y);
}

static const struct adv_pods *sort_pods;

/* sortDomains' order of a domain's pods: with nodeSelector / node affinity
 * first, then by priority ascending with pods without a priority before
 * those with one; eviction takes pods from the end. Ties keep their order. */
static int pod_order(const void *pa, const void *pb)
{
	uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
	const struct adv_pod *i = &sort_pods->p[x], *j = &sort_pods->p[y];

	if (i->sel_aff != j->sel_aff)
		return i->sel_aff ? -1 : 1;
	if (i->has_prio != j->has_prio)
		return i->has_prio ? 1 : -1;
	if (i->has_prio && i->prio != j->prio)
		return i->prio < j->prio ? -1 : 1;
	/* ties keep the listing order (by name) */
	return ns_order(pa, pb);
}

static int dom_order(const void *pa, const void *pb)
{
	const struct dom *x = pa, *y = pb;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* balanceDomains for one constraint whose domains are unbalanced. */
static void balance(const struct adv_pods *a, const struct adv_args *args, const struct adv_tsc *k,
		    struct doms *ds, size_t sum, bool *mark, bool *below, bool *fit)
{
	const struct sc_cluster *c = a->c;
	double avg = (double)sum / (double)ds->n;
	size_t i, j, m;
	uint32_t n;

	/* filterNodesBelowIdealAvg over the eligible nodes (every such node's
	 * domain exists: the domains were seeded from them) */
	for (n = 0; n < c->nnodes; n++) {
		const char *v = sc_lset_get(&c->lsets[c->nodes[n].lset], k->t->key);

		below[n] = v && !c->nodes[n].not_ready && node_included(a, k, n) &&
			   (double)dom_get(ds, v)->size < avg;
	}
	sort_pods = a;
	ns_cluster = c;
	for (i = 0; i < ds->n; i++)
		if (ds->d[i].n > 1)
			qsort(ds->d[i].pods, ds->d[i].n, sizeof(uint32_t), pod_order);
	qsort(ds->d, ds->n, sizeof(*ds->d), dom_order);
	free(ds->slots);   /* the order changed: no lookups by value any more */
	ds->slots = NULL;
	ds->slots_cap = 0;
	i = 0;
	j = ds->n - 1;
	while (i < j) {
		struct dom *hi, *lo;
		long long skew;
		double above_avg, below_avg, half;
		long long move;
		size_t keep;

		if ((double)ds->d[j].size <= avg)
			j--;
		hi = &ds->d[j];
		lo = &ds->d[i];
		skew = (long long)hi->size - (long long)lo->size;
		if (skew <= k->t->max_skew) {
			i++;
			continue;
		}
		above_avg = ceil((double)hi->size - avg);
		below_avg = ceil(avg - (double)lo->size);
		half = ceil((double)(skew - k->t->max_skew) / 2.0);
		move = (long long)fmin(fmin(above_avg, below_avg), half);
		if (move <= 0) {
			i++;
			continue;
		}
		if ((size_t)move > hi->n)
			move = (long long)hi->n;
		/* pods that fit on a node below the average go last: they are
		 * evicted first (a stable partition) */
		for (m = 0; m < hi->n; m++)
			fit[m] = fits_other(a, hi->pods[m], below);
		{
			uint32_t *tmp = xcalloc(hi->n + 1, sizeof(*tmp));
			size_t t = 0;

			for (m = 0; m < hi->n; m++)
				if (!fit[m])
					tmp[t++] = hi->pods[m];
			keep = t;
			for (m = 0; m < hi->n; m++)
				if (fit[m])
					tmp[t++] = hi->pods[m];
			memcpy(hi->pods, tmp, hi->n * sizeof(*tmp));
			free(tmp);
		}
		for (m = hi->n - (size_t)move; m < hi->n; m++)
			if (!args->balance_node_fit || m >= keep)
				mark[hi->pods[m]] = true;
		hi->n -= (size_t)move;
		hi->size -= (size_t)move;
		lo->size += (size_t)move;
	}
}

/* One namespace's listed pods (indices, in dump order). */
static void balance_namespace(const struct adv_pods *a, const struct adv_args *args, const uint32_t *pods,
			      size_t npods, bool *mark, bool *below, bool *fit)
{
	const struct sc_cluster *c = a->c;
	struct adv_tsc *ks = NULL;
	size_t nks = 0, p, q, i;
	uint32_t t, n;

	for (p = 0; p < npods; p++) {
		const struct sc_podspec *s = &a->p[pods[p]].spec;

		for (t = 0; t < s->ntsc; t++) {
			struct adv_tsc k;

			if (!s->tsc[t].hard && !args->soft)
				continue;
			tsc_build(a, pods[p], &s->tsc[t], &k);
			for (q = 0; q < nks && !tsc_equal(a, &ks[q], &k); q++)
				;
			if (q < nks) {
				sc_sel_release(&k.sel);
				continue;
			}
			ks = xreallocarray(ks, nks + 1, sizeof(*ks));
			ks[nks++] = k;
		}
	}
	for (q = 0; q < nks; q++) {
		const struct adv_tsc *k = &ks[q];
		struct doms ds;
		size_t sum = 0, lo = SIZE_MAX, hi = 0;

		memset(&ds, 0, sizeof(ds));
		for (n = 0; n < c->nnodes; n++) {
			const char *v = sc_lset_get(&c->lsets[c->nodes[n].lset], k->t->key);

			if (v && !c->nodes[n].not_ready && node_included(a, k, n))
				dom_get(&ds, v);
		}
		for (p = 0; p < npods; p++) {
			const struct sc_pod *pod = &c->pods[pods[p]];
			const char *v;
			struct dom *dm;

			if (!sc_sel_matches(&k->sel, &c->lsets[pod->lset], pod->name))
				continue;
			v = sc_lset_get(&c->lsets[c->nodes[pod->node].lset], k->t->key);
			if (!v)
				continue;
			dm = dom_get(&ds, v);
			if (dm->n == dm->cap) {
				dm->cap = dm->cap ? dm->cap * 2 : 8;
				dm->pods = xreallocarray(dm->pods, dm->cap, sizeof(*dm->pods));
			}
			dm->pods[dm->n++] = pods[p];
			dm->size++;
			sum++;
		}
		/* topologyIsBalanced */
		for (i = 0; i < ds.n; i++) {
			if (ds.d[i].size < lo)
				lo = ds.d[i].size;
			if (ds.d[i].size > hi)
				hi = ds.d[i].size;
		}
		if (ds.n && (long long)(hi - lo) > k->t->max_skew)
			balance(a, args, k, &ds, sum, mark, below, fit);
		doms_release(&ds);
	}
	for (q = 0; q < nks; q++)
		sc_sel_release(&ks[q].sel);
	free(ks);
}

static bool in_list(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/* The plugin's pod filter: namespaces and labelSelector. */
static bool pod_wanted(const struct sc_cluster *c, const struct adv_args *args, const struct sc_pod *p)
{
	if (args->ninclude && !in_list(args->include, args->ninclude, p->ns))
		return false;
	if (args->nexclude && in_list(args->exclude, args->nexclude, p->ns))
		return false;
	return !args->pods || sc_sel_matches(args->pods, &c->lsets[p->lset], p->name);
}

size_t adv_balance(const struct adv_pods *a, const struct adv_args *args, bool *evict)
{
	const struct sc_cluster *c = a->c;
	uint32_t *listed = xcalloc(c->npods + 1, sizeof(*listed));
	bool *mark = xcalloc(c->npods + 1, sizeof(*mark));
	bool *below = xcalloc(c->nnodes + 1, sizeof(*below));
	bool *fit = xcalloc(c->npods + 1, sizeof(*fit));
	size_t nl = 0, i, first, count = 0;

	/* ListPodsOnNodes with the evictor's filter */
	for (i = 0; i < c->npods && i < a->n; i++) {
		const struct sc_pod *p = &c->pods[i];

		if (p->node >= 0 && !c->nodes[p->node].not_ready &&
		    !(p->flags & (SC_POD_TERMINATING | SC_POD_TERMINAL)) && a->p[i].evictable &&
		    pod_wanted(c, args, p))
			listed[nl++] = (uint32_t)i;
	}
	ns_cluster = c;
	qsort(listed, nl, sizeof(*listed), ns_order);
	for (first = 0; first < nl; first = i) {
		for (i = first; i < nl && c->pods[listed[i]].ns == c->pods[listed[first]].ns; i++)
			;
		balance_namespace(a, args, listed + first, i - first, mark, below, fit);
	}
	/* the eviction loop: PreEvictionFilter's nodeFit over every node */
	for (i = 0; i < c->npods; i++) {
		evict[i] = mark[i] && (!args->node_fit || fits_other(a, i, NULL));
		count += evict[i];
	}
	free(listed);
	free(mark);
	free(below);
	free(fit);
	return count;
}

/* ---- where the evicted pods land ---- */

static void reason_add(json_t *why, const char *r)
{
	json_t *v = json_object_get(why, r);

	json_object_set_new(why, r, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static json_t *node_shape(const struct sc_cluster *c, const struct sc_podspec *p)
{
	json_t *labels = json_object(), *tols = json_array();
	uint32_t i;
	char cpu[32];

	(void)c;
	for (i = 0; p->has_node_selector && i < p->node_selector.n; i++) {
		const struct sc_req *r = &p->node_selector.reqs[i];

		if (r->op == SC_IN && r->nvals)
			json_object_set_new(labels, r->key, json_string(r->vals[0]));
	}
	for (i = 0; p->has_required && p->nterms && i < p->terms[0].n; i++) {
		const struct sc_req *r = &p->terms[0].reqs[i];

		if (r->op == SC_IN && r->nvals && !json_object_get(labels, r->key))
			json_object_set_new(labels, r->key, json_string(r->vals[0]));
		else if (r->op == SC_EXISTS && !json_object_get(labels, r->key))
			json_object_set_new(labels, r->key, json_string(""));
	}
	for (i = 0; i < p->ntol; i++) {
		const struct sc_toleration *t = &p->tol[i];
		static const char *const eff[] = { "NoSchedule", "PreferNoSchedule", "NoExecute", "", "" };

		json_array_append_new(tols, json_pack("{s:s,s:s,s:s,s:s}", "key", t->key ? t->key : "",
			"operator", t->exists ? "Exists" : "Equal", "value", t->val ? t->val : "", "effect", eff[t->effect]));
	}
	snprintf(cpu, sizeof(cpu), "%lldm", (long long)p->cpu);
	return json_pack("{s:o,s:s,s:I,s:o}", "labels", labels, "cpu", cpu, "memory", (json_int_t)p->mem,
			 "tolerations", tols);
}

json_t *adv_needs(const struct pts_state *st, const bool *fits)
{
	const struct sc_cluster *c = st->c;
	json_t *doms = json_array(), *relax = json_array();
	uint32_t i, dm, n;

	for (i = 0; i < st->nhard; i++) {
		const struct pts_constraint *k = &st->k[i];
		int64_t self = k->self_match, lo = INT64_MAX, need = INT64_MAX, need_real = INT64_MAX;
		/* the Filter's minimum: 0 while fewer domains than minDomains */
		int64_t min = k->ndomseen < (uint32_t)k->min_domains ? 0 : k->min_match;
		json_t *vals = json_array();

		for (dm = 0; dm < k->ndom; dm++)
			if (k->domseen[dm] && k->domcnt[dm] < lo)
				lo = k->domcnt[dm];
		if (lo == INT64_MAX)
			lo = 0;
		for (dm = 0; dm < k->ndom; dm++)
			if (k->domseen[dm] && k->domcnt[dm] + self - min <= k->max_skew)
				json_array_append_new(vals, json_string(k->domval[dm]));
		/* nodes without the key that carry a label like it (nearmiss.h) */
		json_array_append_new(doms, json_pack("{s:s,s:o,s:b,s:o}", "topologyKey", k->key, "values", vals,
						      "newDomain", k->ndomseen < (uint32_t)k->min_domains,
						      "nearMisses", sc_nearmiss_nodes(c, k->key)));
		/* the skew each feasible node would have */
		for (n = 0; n < c->nnodes; n++) {
			int32_t d = k->dom[n];

			if (!fits[n] || !k->has_key[n] || d < 0 || !k->domseen[d])
				continue;
			if (k->domcnt[d] + self - min < need)
				need = k->domcnt[d] + self - min;
			if (k->domcnt[d] + self - lo < need_real)
				need_real = k->domcnt[d] + self - lo;
		}
		if (need != INT64_MAX && need > k->max_skew)
			json_array_append_new(relax, json_pack("{s:s,s:I}", "topologyKey", k->key, "maxSkew",
							       (json_int_t)need));
		if (k->ndomseen < (uint32_t)k->min_domains && need_real != INT64_MAX && need_real <= k->max_skew)
			json_array_append_new(relax, json_pack("{s:s,s:I}", "topologyKey", k->key, "minDomains",
							       (json_int_t)k->ndomseen));
	}
	return json_pack("{s:o,s:o,s:o}", "node", node_shape(c, st->pod), "domains", doms, "relax", relax);
}

static const struct sc_taint *unsched_taint(struct sc_cluster *c, struct sc_taint *t)
{
	t->key = sc_intern_str(&c->strs, "node.kubernetes.io/unschedulable");
	t->val = sc_intern_str(&c->strs, "");
	t->effect = SC_NO_SCHEDULE;
	return t;
}

void adv_moves_free(json_t **moves, size_t n)
{
	size_t i;

	for (i = 0; moves && i < n; i++)
		json_decref(moves[i]);
	free(moves);
}

static int node_name_order(const void *pa, const void *pb)
{
	return strcmp(ns_cluster->nodes[*(const uint32_t *)pa].name, ns_cluster->nodes[*(const uint32_t *)pb].name);
}

/* Each node's place in name order (equal names share one): the tie-break
 * between equal scores compares these, not the names, as it runs for every
 * candidate node of every evicted pod. */
static uint32_t *node_name_ranks(const struct sc_cluster *c)
{
	uint32_t *by_name = xcalloc(c->nnodes + 1, sizeof(*by_name));
	uint32_t *rank = xcalloc(c->nnodes + 1, sizeof(*rank));
	uint32_t i, r = 0;

	for (i = 0; i < c->nnodes; i++)
		by_name[i] = i;
	ns_cluster = c;
	qsort(by_name, c->nnodes, sizeof(*by_name), node_name_order);
	for (i = 0; i < c->nnodes; i++) {
		if (i && strcmp(c->nodes[by_name[i]].name, c->nodes[by_name[i - 1]].name) != 0)
			r++;
		rank[by_name[i]] = r;
	}
	free(by_name);
	return rank;
}

json_t **adv_replace(struct adv_pods *a, const bool *evict)
{
	struct sc_cluster *c = a->c;
	size_t n0 = c->npods, nev = 0, e, k;
	json_t **out = xcalloc(n0 + 1, sizeof(*out));
	uint32_t *order = xcalloc(n0 + 1, sizeof(*order));
	uint32_t *cand = xcalloc(c->nnodes + 1, sizeof(*cand));
	int64_t *scores = xcalloc(c->nnodes + 1, sizeof(*scores));
	bool *fits = xcalloc(c->nnodes + 1, sizeof(*fits));
	struct pts_defaults defs;
	struct sc_taint unsched;
	/* the pods of the namespace being placed, placed ones included */
	uint32_t *nsidx, *name_rank;
	struct pts_dom_cache doms = { 0 };
	size_t i, nns = 0;
	const char *cur_ns = NULL;

	memset(&defs, 0, sizeof(defs));
	unsched_taint(c, &unsched);
	name_rank = node_name_ranks(c);
	for (i = 0; i < n0; i++) {
		struct sc_pod *p = &c->pods[i];

		if (!evict[i] || p->node < 0)
			continue;
		p->flags |= SC_POD_TERMINATING;
		/* its requests, extended resources and host ports leave with it */
		sc_node_charge_pod(c, &c->nodes[p->node], p, -1);
		order[nev++] = (uint32_t)i;
	}
	ns_cluster = c;
	qsort(order, nev, sizeof(*order), ns_order);
	nsidx = xcalloc(n0 + nev + 1, sizeof(*nsidx));
	for (e = 0; e < nev; e++) {
		struct sc_pod pod = c->pods[order[e]];
		struct sc_podspec spec = a->p[order[e]].spec;
		struct pts_state st;
		json_t *why = json_object();
		size_t ncand = 0, best = 0;
		uint32_t n;

		/* PodTopologySpread counts the pod's namespace only: count just
		 * those pods (the evictions come namespace by namespace) */
		if (pod.ns != cur_ns) {
			cur_ns = pod.ns;
			nns = 0;
			for (i = 0; i < c->npods; i++)
				if (c->pods[i].ns == cur_ns)
					nsidx[nns++] = (uint32_t)i;
		}
		spec.lset = pod.lset;
		spec.cpu = pod.cpu;
		spec.mem = pod.mem;
		memset(&st, 0, sizeof(st));
		st.pod_idx = nsidx;
		st.npod_idx = nns;
		st.dom_cache = &doms;  /* the nodes do not change here */
		pts_state_init(&st, c, &spec, &defs, NULL);
		pts_prefilter(&st);
		/* the reasons are gathered only for a pod that stays Pending */
		for (n = 0; n < c->nnodes; n++) {
			struct sc_filter_verdict v;

			fits[n] = false;
			if (c->nodes[n].removed)
				continue;
			if (sc_filters_before_spread(&spec, &c->nodes[n], st.aff_ok[n], &unsched, &v)) {
				if (!ncand && why)
					for (k = 0; k < v.nreasons; k++)
						reason_add(why, v.reasons[k]);
				sc_filter_verdict_release(&v);
				continue;
			}
			fits[n] = true;
			if (pts_filter(&st, n)) {
				if (!ncand && why)
					reason_add(why, pts_filter(&st, n));
				continue;
			}
			cand[ncand++] = n;
			json_decref(why);
			why = NULL;
		}
		out[order[e]] = json_pack("{s:s,s:s}", "pod", pod.name, "node", c->nodes[pod.node].name);
		if (!ncand) {
			json_object_set_new(out[order[e]], "to", json_null());
			json_object_set_new(out[order[e]], "reasons", why);
			json_object_set_new(out[order[e]], "needs", adv_needs(&st, fits));
			pts_state_release(&st);
			continue;
		}
		pts_score(&st, cand, ncand, scores);
		for (k = 1; k < ncand; k++)
			if (scores[k] > scores[best] ||
			    (scores[k] == scores[best] && name_rank[cand[k]] < name_rank[cand[best]]))
				best = k;
		json_object_set_new(out[order[e]], "to", json_string(c->nodes[cand[best]].name));
		pod.node = (int32_t)cand[best];
		pod.flags = 0;
		sc_cluster_push_pod(c, &pod);
		nsidx[nns++] = (uint32_t)(c->npods - 1);
		sc_node_charge_pod(c, &c->nodes[pod.node], &pod, 1);
		pts_state_release(&st);
	}
	pts_dom_cache_release(&doms);
	free(order);
	free(nsidx);
	free(name_rank);
	free(cand);
	free(scores);
	free(fits);
	return out;
}

json_t *adv_needs_now(struct pts_state *st)
{
	struct sc_cluster *c = st->c;
	bool *fits = xcalloc(c->nnodes + 1, sizeof(*fits));
	struct sc_taint unsched;
	json_t *r;
	uint32_t n;

	unsched_taint(c, &unsched);
	pts_prefilter(st);
	for (n = 0; n < c->nnodes; n++) {
		struct sc_filter_verdict v;

		if (c->nodes[n].removed)
			continue;
		fits[n] = !sc_filters_before_spread(st->pod, &c->nodes[n], st->aff_ok[n], &unsched, &v);
		if (!fits[n])
			sc_filter_verdict_release(&v);
	}
	r = adv_needs(st, fits);
	free(fits);
	return r;
}

void adv_needs_text(json_t *needs)
{
	json_t *node = json_object_get(needs, "node"), *v, *x;
	const char *key;
	size_t i, j;

	printf("      a node would do: cpu %s, memory %lld", json_string_value(json_object_get(node, "cpu")),
	       (long long)json_integer_value(json_object_get(node, "memory")));
	json_object_foreach(json_object_get(node, "labels"), key, v) {
		printf(", %s=", tk_text_safe(key));
		printf("%s", tk_text_safe(json_string_value(v)));
	}
	if (json_array_size(json_object_get(node, "tolerations")))
		printf(", no taint beyond the pod's %zu toleration(s)",
		       json_array_size(json_object_get(node, "tolerations")));
	putchar('\n');
	json_array_foreach(json_object_get(needs, "domains"), i, v) {
		printf("      in %s:", tk_text_safe(json_string_value(json_object_get(v, "topologyKey"))));
		json_array_foreach(json_object_get(v, "values"), j, x)
			printf(" %s", tk_text_safe(json_string_value(x)));
		if (json_is_true(json_object_get(v, "newDomain")))
			printf("%s(a new value)", json_array_size(json_object_get(v, "values")) ? " or " : " ");
		putchar('\n');
		json_array_foreach(json_object_get(v, "nearMisses"), j, x) {
			printf("      %s lacks it but has ", tk_text_safe(json_string_value(json_object_get(x, "node"))));
			printf("%s=", tk_text_safe(json_string_value(json_object_get(x, "label"))));
			printf("%s (%s)\n", tk_text_safe(json_string_value(json_object_get(x, "value"))),
			       json_string_value(json_object_get(x, "kind")));
		}
	}
	json_array_foreach(json_object_get(needs, "relax"), i, v) {
		x = json_object_get(v, "maxSkew");
		printf("      or relax %s: %s %lld\n", tk_text_safe(json_string_value(json_object_get(v, "topologyKey"))),
		       x ? "maxSkew" : "minDomains",
		       (long long)json_integer_value(x ? x : json_object_get(v, "minDomains")));
	}
}
