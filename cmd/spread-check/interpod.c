/* interpod.c - see interpod.h. Follows filtering.go: PreFilter
 * (getExistingAntiAffinityCounts, getIncomingAffinityAntiAffinityCounts),
 * AddPod/RemovePod (updateWithPod), Filter (satisfyPodAffinity with its
 * first-pod exception, satisfyPodAntiAffinity,
 * satisfyExistingPodsAntiAffinity, in that order). */
#include <stdlib.h>
#include <string.h>

#include "interpod.h"
#include "xalloc.h"

static size_t slot_of(const struct ipa_map *m, const char *key, const char *val)
{
	size_t h = ((uintptr_t)key * 0x9e3779b97f4a7c15ULL) ^ ((uintptr_t)val * 0xff51afd7ed558ccdULL);
	size_t j = (h >> 17) & (m->cap - 1);

	while (m->e[j].key && (m->e[j].key != key || m->e[j].val != val))
		j = (j + 1) & (m->cap - 1);
	return j;
}

static int64_t map_get(const struct ipa_map *m, const char *key, const char *val)
{
	size_t j;

	if (!m->cap)
		return 0;
	j = slot_of(m, key, val);
	return m->e[j].key ? m->e[j].n : 0;
}

static void map_add(struct ipa_map *m, const char *key, const char *val, int64_t delta)
{
	size_t j;
	int64_t before;

	if (2 * (m->used + 1) > m->cap) {
		struct ipa_map grown = { m->cap ? 2 * m->cap : 64, 0, 0, NULL };
		size_t i;

		grown.e = xcalloc(grown.cap, sizeof(*grown.e));
		for (i = 0; i < m->cap; i++)
			if (m->e[i].key) {
				grown.e[slot_of(&grown, m->e[i].key, m->e[i].val)] = m->e[i];
				grown.used++;
			}
		grown.nonzero = m->nonzero;
		free(m->e);
		*m = grown;
	}
	j = slot_of(m, key, val);
	if (!m->e[j].key) {
		m->e[j].key = key;
		m->e[j].val = val;
		m->used++;
	}
	before = m->e[j].n;
	m->e[j].n += delta;
	/* the map drops an entry that falls to 0: len() counts the others */
	m->nonzero += (before == 0) - (m->e[j].n == 0);
}

static void map_clear(struct ipa_map *m)
{
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static const char *node_value(const struct sc_cluster *c, uint32_t node, const char *key)
{
	return sc_lset_get(&c->lsets[c->nodes[node].lset], key);
}

/* updateWithAffinityTerms: a pod matching all the terms counts once per
 * term, in the term's domain of its node */
static void count_affinity(struct ipa_state *st, uint32_t node, const char *ns, uint32_t nslset, uint32_t lset,
			   int delta)
{
	const struct sc_podterms *t = &st->pod->aff;
	uint32_t i;

	if (!t->n)
		return;
	for (i = 0; i < t->n; i++)
		if (!sc_podterm_matches(st->c, &t->t[i], ns, nslset, lset))
			return;
	for (i = 0; i < t->n; i++) {
		const char *v = node_value(st->c, node, t->t[i].key);

		if (v)
			map_add(&st->aff, t->t[i].key, v, delta);
	}
}

/* updateWithAntiAffinityTerms: each term the target pod matches counts in
 * its domain of node */
static void count_anti(const struct sc_cluster *c, struct ipa_map *m, const struct sc_podterms *t, uint32_t node,
		       const char *ns, uint32_t nslset, uint32_t lset, int delta)
{
	uint32_t i;

	for (i = 0; t && i < t->n; i++)
		if (sc_podterm_matches(c, &t->t[i], ns, nslset, lset)) {
			const char *v = node_value(c, node, t->t[i].key);

			if (v)
				map_add(m, t->t[i].key, v, delta);
		}
}

void ipa_add_pod(struct ipa_state *st, uint32_t node, const char *ns, uint32_t lset, const struct sc_podterms *anti,
		 int delta)
{
	const struct sc_podspec *pod = st->pod;

	/* its anti-affinity against the incoming pod */
	count_anti(st->c, &st->existing, anti, node, pod->ns, st->nslset, pod->lset, delta);
	if (pod->aff.n || pod->anti.n) {
		uint32_t nslset = sc_ns_lset(st->c, ns);

		count_affinity(st, node, ns, nslset, lset, delta);
		count_anti(st->c, &st->anti, &pod->anti, node, ns, nslset, lset, delta);
	}
}

void ipa_recount(struct ipa_state *st)
{
	struct sc_cluster *c = st->c;
	const struct sc_podspec *pod = st->pod;
	size_t p, a = 0;

	map_clear(&st->existing);
	map_clear(&st->aff);
	map_clear(&st->anti);
	if (!pod->aff.n && !pod->anti.n && !c->nantiaff)
		return;   /* PreFilter's Skip */
	for (p = 0; p < c->npods; p++) {
		const struct sc_pod *q = &c->pods[p];
		const struct sc_podterms *anti = NULL;

		/* c->antiaff is in pod order */
		while (a < c->nantiaff && c->antiaff[a].pod < p)
			a++;
		if (a < c->nantiaff && c->antiaff[a].pod == p)
			anti = &c->antiaff[a].terms;
		if (q->node < 0 || (q->flags & SC_POD_TERMINAL) || c->nodes[q->node].removed)
			continue;
		if (!anti && !pod->aff.n && !pod->anti.n)
			continue;
		ipa_add_pod(st, (uint32_t)q->node, q->ns, q->lset, anti, 1);
	}
}

void ipa_init(struct ipa_state *st, struct sc_cluster *c, const struct sc_podspec *pod)
{
	uint32_t i;

	memset(st, 0, sizeof(*st));
	st->c = c;
	st->pod = pod;
	st->nslset = sc_ns_lset(c, pod->ns);
	st->self_match = pod->aff.n > 0;
	for (i = 0; i < pod->aff.n; i++)
		st->self_match &= sc_podterm_matches(c, &pod->aff.t[i], pod->ns, st->nslset, pod->lset);
	ipa_recount(st);
}

void ipa_release(struct ipa_state *st)
{
	map_clear(&st->existing);
	map_clear(&st->aff);
	map_clear(&st->anti);
}

const char *ipa_filter(const struct ipa_state *st, uint32_t node)
{
	const struct sc_cluster *c = st->c;
	const struct sc_podspec *pod = st->pod;
	const struct sc_lset *ls;
	bool pods_exist = true;
	uint32_t i;

	if (!pod->aff.n && !pod->anti.n && !st->existing.nonzero)
		return NULL;
	ls = &c->lsets[c->nodes[node].lset];

	/* satisfyPodAffinity: every topologyKey on the node, each domain with a
	 * matching pod, unless no pod matches anywhere and the pod matches its
	 * own terms (the first of a group with affinity to itself) */
	for (i = 0; i < pod->aff.n; i++) {
		const char *v = sc_lset_get(ls, pod->aff.t[i].key);

		if (!v)
			return IPA_REASON_AFFINITY;
		if (map_get(&st->aff, pod->aff.t[i].key, v) <= 0)
			pods_exist = false;
	}
	if (!pods_exist && !(st->aff.nonzero == 0 && st->self_match))
		return IPA_REASON_AFFINITY;
	/* satisfyPodAntiAffinity */
	for (i = 0; i < pod->anti.n; i++) {
		const char *v = sc_lset_get(ls, pod->anti.t[i].key);

		if (v && map_get(&st->anti, pod->anti.t[i].key, v) > 0)
			return IPA_REASON_ANTI_AFFINITY;
	}
	/* satisfyExistingPodsAntiAffinity: any label of the node */
	if (st->existing.nonzero)
		for (i = 0; i < ls->n; i++)
			if (map_get(&st->existing, ls->l[i].key, ls->l[i].val) > 0)
				return IPA_REASON_EXISTING_ANTI_AFFINITY;
	return NULL;
}
