/* podtopo.c - PodTopologySpread Filter and Score (see podtopo.h).
 *
 * Ported from kube-scheduler pkg/scheduler/framework/plugins/
 * podtopologyspread: common.go (filterTopologySpreadConstraints,
 * buildDefaultConstraints, mergeLabelSetWithSelector,
 * countPodsMatchSelector, matchNodeInclusionPolicies), filtering.go
 * (calPreFilterState, Filter, minMatchNum), scoring.go (initPreScoreState,
 * PreScore, Score, NormalizeScore, topologyNormalizingWeight,
 * scoreForCount) and plugins/helper/spread.go (DefaultSelector).
 *
 * Counting is incremental: each constraint keeps a per-node match count,
 * built once from the existing pods (a selector is evaluated once per
 * distinct label set); a bound replica adds one to its node.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "podtopo.h"
#include "xalloc.h"

void pts_objects_release(struct pts_objects *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		sc_sel_release(&o->o[i].sel);
	free(o->o);
	o->o = NULL;
	o->n = 0;
}

/* labels.Set.AsSelector over a merged label map: one In requirement per key. */
static void set_put(struct sc_sel *set, const char *key, const char *val)
{
	uint32_t i;
	struct sc_req r = { 0 };

	for (i = 0; i < set->n; i++) {
		if (set->reqs[i].key == key) {
			set->reqs[i].vals[0] = val;   /* labels.Merge: later wins */
			return;
		}
	}
	r.key = key;
	r.op = SC_IN;
	r.nvals = 1;
	r.vals = &val;
	sc_sel_add(set, &r);
}

static void set_merge_map_sel(struct sc_sel *set, const struct sc_sel *mapsel)
{
	uint32_t i;

	for (i = 0; i < mapsel->n; i++)
		set_put(set, mapsel->reqs[i].key, mapsel->reqs[i].vals[0]);
}

static const struct pts_object *find_obj(const struct pts_objects *objs, enum pts_obj_kind kind,
					 const char *ns, const char *name)
{
	size_t i;

	for (i = 0; objs && i < objs->n; i++)
		if (objs->o[i].kind == kind && objs->o[i].ns == ns && objs->o[i].name == name)
			return &objs->o[i];
	return NULL;
}

/* helper.DefaultSelector */
static void default_selector(const struct sc_cluster *c, const struct sc_podspec *pod,
			     const struct pts_objects *objs, struct sc_sel *out)
{
	const struct sc_lset *ls = &c->lsets[pod->lset];
	const struct pts_object *o;
	size_t i;
	uint32_t j;

	memset(out, 0, sizeof(*out));
	for (i = 0; objs && i < objs->n; i++) {
		o = &objs->o[i];
		/* GetPodServices: nil selectors match nothing */
		if (o->kind != PTS_SERVICE || o->ns != pod->ns || !o->has_sel)
			continue;
		if (sc_sel_matches(&o->sel, ls, NULL))
			set_merge_map_sel(out, &o->sel);
	}
	if (!pod->has_owner)
		return;
	if (strcmp(pod->owner.api_version, "v1") == 0 &&
	    strcmp(pod->owner.kind, "ReplicationController") == 0) {
		o = find_obj(objs, PTS_RC, pod->ns, pod->owner.name);
		if (o && o->has_sel)
			set_merge_map_sel(out, &o->sel);
	} else if (strcmp(pod->owner.api_version, "apps/v1") == 0 &&
		   (strcmp(pod->owner.kind, "ReplicaSet") == 0 ||
		    strcmp(pod->owner.kind, "StatefulSet") == 0)) {
		o = find_obj(objs, pod->owner.kind[0] == 'R' ? PTS_RS : PTS_SS, pod->ns, pod->owner.name);
		if (o && o->has_sel && !o->sel.nothing)
			for (j = 0; j < o->sel.n; j++)
				sc_sel_add(out, &o->sel.reqs[j]);
	}
}

/* filterTopologySpreadConstraints: one action's constraints, with
 * matchLabelKeys merged into the selector (mergeLabelSetWithSelector). */
static void take_constraints(struct pts_state *st, const struct sc_tsc *tsc, uint32_t n, bool hard,
			     const struct sc_sel *override)
{
	const struct sc_lset *ls = &st->c->lsets[st->pod->lset];
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		const struct sc_tsc *t = &tsc[i];
		struct pts_constraint *k;

		if (t->hard != hard)
			continue;
		st->k = xreallocarray(st->k, st->n + 1, sizeof(*st->k));
		k = &st->k[st->n++];
		memset(k, 0, sizeof(*k));
		k->max_skew = t->max_skew;
		k->key = t->key;
		k->hostname = strcmp(t->key, SC_LABEL_HOSTNAME) == 0;
		k->min_domains = t->min_domains;
		k->honor_affinity = t->honor_affinity;
		k->honor_taints = t->honor_taints;
		k->hard = hard;
		if (override) {
			sc_sel_copy(&k->sel, override);
			continue;
		}
		sc_sel_copy(&k->sel, &t->sel);
		if (t->nmlk && !t->sel.nothing) {
			struct sc_sel merged = { 0 };

			for (j = 0; j < t->nmlk; j++) {
				const char *v = sc_lset_get(ls, t->match_label_keys[j]);

				if (v)
					set_put(&merged, t->match_label_keys[j], v);
			}
			if (merged.n) {
				for (j = 0; j < t->sel.n; j++)
					sc_sel_add(&merged, &t->sel.reqs[j]);
				sc_sel_release(&k->sel);
				k->sel = merged;
			} else {
				sc_sel_release(&merged);
			}
		}
	}
}

static void build_constraints(struct pts_state *st, const struct pts_defaults *defs,
			      const struct pts_objects *objs, bool hard)
{
	static struct sc_tsc sys[2];
	const struct sc_tsc *dt;
	uint32_t dn, i;
	bool any = false;
	struct sc_sel sel;

	if (st->pod->ntsc) {
		take_constraints(st, st->pod->tsc, st->pod->ntsc, hard, NULL);
		return;
	}
	/* buildDefaultConstraints */
	if (defs->system) {
		memset(sys, 0, sizeof(sys));
		sys[0].max_skew = 3;
		sys[0].key = sc_intern_str(&st->c->strs, SC_LABEL_HOSTNAME);
		sys[1].max_skew = 5;
		sys[1].key = sc_intern_str(&st->c->strs, SC_LABEL_ZONE);
		for (i = 0; i < 2; i++) {
			sys[i].min_domains = 1;
			sys[i].honor_affinity = true;
			sys[i].sel.nothing = true;
		}
		dt = sys;
		dn = 2;
	} else {
		dt = defs->tsc;
		dn = defs->n;
	}
	for (i = 0; i < dn; i++)
		any |= dt[i].hard == hard;
	if (!any)
		return;
	default_selector(st->c, st->pod, objs, &sel);
	if (sc_sel_empty(&sel)) {
		sc_sel_release(&sel);
		return;
	}
	take_constraints(st, dt, dn, hard, &sel);
	sc_sel_release(&sel);
}

static bool included(const struct pts_state *st, const struct pts_constraint *k, uint32_t n)
{
	if (k->honor_affinity && !st->aff_ok[n])
		return false;
	if (k->honor_taints && !st->taint_ok[n])
		return false;
	return true;
}

/* countPodsMatchSelector's short cut: an absent selector matches nothing
 * anyway; an empty one counted nothing only before 1.38 */
static bool counts_pods(const struct pts_state *st, const struct pts_constraint *k)
{
	return !(st->c->empty_selector_counts_nothing && sc_sel_empty(&k->sel));
}

static bool lset_matches(const struct pts_state *st, struct pts_constraint *k, uint32_t ls)
{
	if (k->lset_match[ls] < 0)
		k->lset_match[ls] = sc_sel_matches(&k->sel, &st->c->lsets[ls], NULL);
	return k->lset_match[ls] == 1;
}

void pts_recount(struct pts_state *st)
{
	struct sc_cluster *c = st->c;
	size_t p;
	uint32_t i;

	for (i = 0; i < st->n; i++) {
		struct pts_constraint *k = &st->k[i];

		memset(k->cnt, 0, c->nnodes * sizeof(*k->cnt));
		free(k->lset_match);
		k->lset_match = xmalloc(c->nlsets ? c->nlsets : 1);
		memset(k->lset_match, -1, c->nlsets ? c->nlsets : 1);
	}
	/* countPodsMatchSelector: same namespace, not terminating (see
	 * counts_pods for empty selectors). Succeeded/Failed pods are not in the
	 * scheduler's cache (its informer filters them out). */
	for (p = 0; p < (st->pod_idx ? st->npod_idx : c->npods); p++) {
		const struct sc_pod *pod = &c->pods[st->pod_idx ? st->pod_idx[p] : p];

		if (pod->node < 0 || pod->ns != st->pod->ns ||
		    (pod->flags & (SC_POD_TERMINATING | SC_POD_TERMINAL)) ||
		    c->nodes[pod->node].removed)
			continue;
		for (i = 0; i < st->n; i++) {
			struct pts_constraint *k = &st->k[i];

			if (counts_pods(st, k) && lset_matches(st, k, pod->lset))
				k->cnt[pod->node]++;
		}
	}
}

/* k's domains: the distinct values of its key over the nodes (a missing
 * key reads as ""), each node's domain index and whether it has the key. */
static void key_domains(const struct sc_cluster *c, struct pts_constraint *k, const char *empty)
{
	const char **vals = NULL;
	size_t cap = 0, hcap = 16, j, n;
	int32_t *slots;

	while (hcap < 2 * (c->nnodes + 1))
		hcap *= 2;
	slots = xreallocarray(NULL, hcap, sizeof(*slots));
	for (j = 0; j < hcap; j++)
		slots[j] = -1;
	for (n = 0; n < c->nnodes; n++) {
		const char *v = sc_lset_get(&c->lsets[c->nodes[n].lset], k->key);

		k->has_key[n] = v != NULL;
		if (!v)
			v = empty;
		j = ((uintptr_t)v * 0x9e3779b97f4a7c15ULL >> 17) & (hcap - 1);
		while (slots[j] >= 0 && vals[slots[j]] != v)
			j = (j + 1) & (hcap - 1);
		if (slots[j] < 0) {
			if (k->ndom == cap) {
				cap = cap ? cap * 2 : 16;
				vals = xreallocarray(vals, cap, sizeof(*vals));
			}
			vals[k->ndom] = v;
			slots[j] = (int32_t)k->ndom++;
		}
		k->dom[n] = slots[j];
	}
	free(slots);
	k->domval = vals;
}

static struct pts_dom_entry *dom_cache_find(struct pts_dom_cache *dc, const char *key)
{
	size_t i;

	for (i = 0; dc && i < dc->n; i++)
		if (dc->v[i].key == key || strcmp(dc->v[i].key, key) == 0)
			return &dc->v[i];
	return NULL;
}

/* Fill k's domains from the cache; false when the key is not in it. */
static bool dom_cache_get(struct pts_dom_cache *dc, struct pts_constraint *k, size_t nnodes)
{
	struct pts_dom_entry *e = dom_cache_find(dc, k->key);

	if (!e)
		return false;
	memcpy(k->dom, e->dom, nnodes * sizeof(*k->dom));
	memcpy(k->has_key, e->has_key, nnodes * sizeof(*k->has_key));
	k->ndom = e->ndom;
	k->domval = xreallocarray(NULL, e->ndom + 1, sizeof(*k->domval));
	memcpy(k->domval, e->domval, e->ndom * sizeof(*k->domval));
	return true;
}

static void dom_cache_put(struct pts_dom_cache *dc, const struct pts_constraint *k, size_t nnodes)
{
	struct pts_dom_entry *e;

	if (!dc || dom_cache_find(dc, k->key))
		return;
	dc->v = xreallocarray(dc->v, dc->n + 1, sizeof(*dc->v));
	e = &dc->v[dc->n++];
	e->key = k->key;
	e->ndom = k->ndom;
	e->dom = xreallocarray(NULL, nnodes + 1, sizeof(*e->dom));
	memcpy(e->dom, k->dom, nnodes * sizeof(*e->dom));
	e->has_key = xreallocarray(NULL, nnodes + 1, sizeof(*e->has_key));
	memcpy(e->has_key, k->has_key, nnodes * sizeof(*e->has_key));
	e->domval = xreallocarray(NULL, k->ndom + 1, sizeof(*e->domval));
	memcpy(e->domval, k->domval, k->ndom * sizeof(*e->domval));
}

void pts_dom_cache_release(struct pts_dom_cache *dc)
{
	size_t i;

	for (i = 0; i < dc->n; i++) {
		free(dc->v[i].dom);
		free(dc->v[i].has_key);
		free(dc->v[i].domval);
	}
	free(dc->v);
	memset(dc, 0, sizeof(*dc));
}

int pts_state_init(struct pts_state *st, struct sc_cluster *c, const struct sc_podspec *pod,
		   const struct pts_defaults *defs, const struct pts_objects *objs)
{
	const char *empty = sc_intern_str(&c->strs, "");
	const uint32_t *pod_idx = st->pod_idx;
	size_t n, npod_idx = st->npod_idx;
	struct pts_dom_cache *dc = st->dom_cache;
	uint32_t i;

	memset(st, 0, sizeof(*st));
	st->pod_idx = pod_idx;
	st->npod_idx = npod_idx;
	st->dom_cache = dc;
	st->c = c;
	st->pod = pod;
	build_constraints(st, defs, objs, true);
	st->nhard = st->n;
	build_constraints(st, defs, objs, false);
	/* PreScore: requireAllTopologies */
	st->require_all = pod->ntsc > 0 || !defs->system;
	st->aff_ok = xcalloc(c->nnodes + 1, sizeof(bool));
	st->taint_ok = xcalloc(c->nnodes + 1, sizeof(bool));
	st->hard_keys_ok = xcalloc(c->nnodes + 1, sizeof(bool));
	st->soft_keys_ok = xcalloc(c->nnodes + 1, sizeof(bool));
	st->ignored = xcalloc(c->nnodes + 1, sizeof(bool));
	for (n = 0; n < c->nnodes; n++) {
		st->aff_ok[n] = sc_required_affinity_matches(c, pod, &c->nodes[n]);
		st->taint_ok[n] = sc_untolerated_taint(pod, &c->nodes[n]) == NULL;
		st->hard_keys_ok[n] = st->soft_keys_ok[n] = true;
	}
	for (i = 0; i < st->n; i++) {
		struct pts_constraint *k = &st->k[i];

		k->self_match = sc_sel_matches(&k->sel, &c->lsets[pod->lset], NULL);
		k->dom = xcalloc(c->nnodes + 1, sizeof(*k->dom));
		k->has_key = xcalloc(c->nnodes + 1, sizeof(*k->has_key));
		k->cnt = xcalloc(c->nnodes + 1, sizeof(*k->cnt));
		if (!dom_cache_get(dc, k, c->nnodes)) {
			key_domains(c, k, empty);
			dom_cache_put(dc, k, c->nnodes);
		}
		k->domcnt = xcalloc(k->ndom + 1, sizeof(*k->domcnt));
		k->domseen = xcalloc(k->ndom + 1, sizeof(*k->domseen));
		k->tp = xcalloc(k->ndom + 1, sizeof(*k->tp));
		k->tp_present = xcalloc(k->ndom + 1, sizeof(*k->tp_present));
		for (n = 0; n < c->nnodes; n++) {
			if (!k->has_key[n]) {
				if (k->hard)
					st->hard_keys_ok[n] = false;
				else
					st->soft_keys_ok[n] = false;
			}
		}
	}
	pts_recount(st);
	return 0;
}

void pts_state_release(struct pts_state *st)
{
	uint32_t i;

	for (i = 0; i < st->n; i++) {
		struct pts_constraint *k = &st->k[i];

		sc_sel_release(&k->sel);
		free(k->dom);
		free(k->has_key);
		free(k->domval);
		free(k->cnt);
		free(k->lset_match);
		free(k->domcnt);
		free(k->domseen);
		free(k->tp);
		free(k->tp_present);
	}
	free(st->k);
	free(st->aff_ok);
	free(st->taint_ok);
	free(st->hard_keys_ok);
	free(st->soft_keys_ok);
	free(st->ignored);
	memset(st, 0, sizeof(*st));
}

/* Is node n counted for constraint k (calPreFilterState's processNode;
 * for soft constraints PreScore's processAllNode)? */
static bool eligible(const struct pts_state *st, const struct pts_constraint *k, uint32_t n)
{
	if (st->c->nodes[n].removed)
		return false;
	if (k->hard ? !st->hard_keys_ok[n] : (st->require_all ? !st->soft_keys_ok[n] : !k->has_key[n]))
		return false;
	return included(st, k, n);
}

void pts_prefilter(struct pts_state *st)
{
	uint32_t i, n, dm;

	for (i = 0; i < st->n; i++) {
		struct pts_constraint *k = &st->k[i];

		memset(k->domcnt, 0, k->ndom * sizeof(*k->domcnt));
		memset(k->domseen, 0, k->ndom * sizeof(*k->domseen));
		k->ndomseen = 0;
		for (n = 0; n < st->c->nnodes; n++) {
			if (!eligible(st, k, n))
				continue;
			dm = (uint32_t)k->dom[n];
			k->domcnt[dm] += k->cnt[n];
			if (!k->domseen[dm]) {
				k->domseen[dm] = true;
				k->ndomseen++;
			}
		}
		/* criticalPaths[0].MatchNum starts at MaxInt32 */
		k->min_match = INT32_MAX;
		for (dm = 0; dm < k->ndom; dm++)
			if (k->domseen[dm] && k->domcnt[dm] < k->min_match)
				k->min_match = k->domcnt[dm];
	}
}

const char *pts_filter_constraint(const struct pts_state *st, uint32_t i, uint32_t node,
				  int64_t *skew_out, int64_t *min_out)
{
	const struct pts_constraint *k = &st->k[i];
	int64_t min, match, skew;

	if (!k->has_key[node])
		return PTS_REASON_LABEL;
	/* minMatchNum: fewer domains than minDomains -> global minimum 0 */
	min = k->ndomseen < (uint32_t)k->min_domains ? 0 : k->min_match;
	match = k->domseen[k->dom[node]] ? k->domcnt[k->dom[node]] : 0;
	skew = match + (k->self_match ? 1 : 0) - min;
	if (skew_out)
		*skew_out = skew;
	if (min_out)
		*min_out = min;
	return skew > k->max_skew ? PTS_REASON_SKEW : NULL;
}

const char *pts_filter(const struct pts_state *st, uint32_t node)
{
	uint32_t i;
	const char *r;

	for (i = 0; i < st->nhard; i++)
		if ((r = pts_filter_constraint(st, i, node, NULL, NULL)))
			return r;
	return NULL;
}

/* initPreScoreState: the candidates it ignores (without every soft
 * topologyKey when requireAllTopologies), each soft constraint's topology
 * size over the others and its weight, log(size + 2) */
static void init_prescore(struct pts_state *st, const uint32_t *cand, size_t ncand, bool *ignored,
			    double *weight)
{
	size_t i, nignored = 0, *topo_size = xcalloc(st->n, sizeof(*topo_size));
	uint32_t j, n;

	for (j = st->nhard; j < st->n; j++) {
		memset(st->k[j].tp, 0, st->k[j].ndom * sizeof(*st->k[j].tp));
		memset(st->k[j].tp_present, 0, st->k[j].ndom * sizeof(*st->k[j].tp_present));
	}
	memset(st->ignored, 0, st->c->nnodes * sizeof(*st->ignored));
	for (i = 0; i < ncand; i++) {
		n = cand[i];
		if (st->require_all && !st->soft_keys_ok[n]) {
			ignored[i] = true;
			st->ignored[n] = true;
			nignored++;
			continue;
		}
		for (j = st->nhard; j < st->n; j++) {
			struct pts_constraint *k = &st->k[j];

			if (k->hostname)
				continue;
			if (!k->tp_present[k->dom[n]]) {
				k->tp_present[k->dom[n]] = true;
				topo_size[j]++;
			}
		}
	}
	for (j = st->nhard; j < st->n; j++) {
		size_t sz = st->k[j].hostname ? ncand - nignored : topo_size[j];

		st->k[j].topo_size = sz;
		weight[j] = log((double)(sz + 2));
	}
	free(topo_size);
}

/* PreScore's processAllNode: the matching pods of every node counted into
 * the domains the candidates span */
static void prescore_count(struct pts_state *st)
{
	const struct sc_cluster *c = st->c;
	uint32_t j, n;

	for (n = 0; n < c->nnodes; n++) {
		if (c->nodes[n].removed)
			continue;
		if (st->require_all && !st->soft_keys_ok[n])
			continue;
		for (j = st->nhard; j < st->n; j++) {
			struct pts_constraint *k = &st->k[j];

			if (!included(st, k, n) || !k->tp_present[k->dom[n]])
				continue;
			k->tp[k->dom[n]] += k->cnt[n];
		}
	}
}

/* Score for one node: scoreForCount summed over the soft constraints */
static int64_t score_node(const struct pts_state *st, uint32_t n, const double *weight)
{
	double score = 0;
	uint32_t j;

	for (j = st->nhard; j < st->n; j++) {
		const struct pts_constraint *k = &st->k[j];
		int64_t cnt;

		if (!k->has_key[n])
			continue;
		cnt = k->hostname ? k->cnt[n] : k->tp[k->dom[n]];
		score += (double)cnt * weight[j] + (double)(k->max_skew - 1);
	}
	return (int64_t)round(score);
}

/* NormalizeScore: fewer matching pods, higher score; ignored nodes 0 */
static void normalize_scores(int64_t *scores, const bool *ignored, size_t ncand)
{
	int64_t min_score = INT64_MAX, max_score = 0;
	size_t i;

	for (i = 0; i < ncand; i++) {
		if (ignored[i])
			continue;
		if (scores[i] < min_score)
			min_score = scores[i];
		if (scores[i] > max_score)
			max_score = scores[i];
	}
	for (i = 0; i < ncand; i++) {
		if (ignored[i])
			scores[i] = 0;
		else if (max_score == 0)
			scores[i] = PTS_MAX_NODE_SCORE;
		else
			scores[i] = PTS_MAX_NODE_SCORE * (max_score + min_score - scores[i]) / max_score;
	}
}

bool pts_score(struct pts_state *st, const uint32_t *cand, size_t ncand, int64_t *scores)
{
	size_t i;
	double *weight;
	bool *ignored;

	if (st->n == st->nhard || !st->c->nnodes) {
		for (i = 0; i < ncand; i++)
			scores[i] = 0;
		return false;
	}
	weight = xcalloc(st->n, sizeof(*weight));
	ignored = xcalloc(ncand + 1, sizeof(*ignored));
	init_prescore(st, cand, ncand, ignored, weight);
	prescore_count(st);
	for (i = 0; i < ncand; i++)
		scores[i] = ignored[i] ? 0 : score_node(st, cand[i], weight);
	normalize_scores(scores, ignored, ncand);
	free(weight);
	free(ignored);
	return true;
}

void pts_add_pod_lset(struct pts_state *st, uint32_t node, uint32_t lset, int delta)
{
	uint32_t i;

	for (i = 0; i < st->n; i++) {
		struct pts_constraint *k = &st->k[i];

		if (counts_pods(st, k) && lset_matches(st, k, lset))
			k->cnt[node] += delta;
	}
}

int64_t pts_skew(const struct pts_state *st, uint32_t i, int64_t *min, int64_t *max)
{
	const struct pts_constraint *k = &st->k[i];
	int64_t lo = INT64_MAX, hi = 0;
	uint32_t dm;

	for (dm = 0; dm < k->ndom; dm++) {
		if (!k->domseen[dm])
			continue;
		if (k->domcnt[dm] < lo)
			lo = k->domcnt[dm];
		if (k->domcnt[dm] > hi)
			hi = k->domcnt[dm];
	}
	if (lo == INT64_MAX)
		lo = 0;
	if (k->ndomseen < (uint32_t)k->min_domains)
		lo = 0;
	*min = lo;
	*max = hi;
	return hi - lo;
}
