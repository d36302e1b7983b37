/* test-merge.c - topo-admit's hint merge (reachable merged hints) against a
 * test-only copy of the kubelet's plain cross product
 * (iterateAllProviderTopologyHints + mergePermutation + HintMerger.compare)
 * on thousands of random small cases, with a fixed seed.
 *
 * merge.c is compiled into this test so that its static pieces (the sparse
 * and dense reachable-set steps) can each be checked on every case.
 */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "../../cmd/topo-admit/merge.c"

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* ---- the reference: the kubelet's loop, as topo-admit had it ---- */

struct ref_merger {
	const struct ta_numa_info *ni;
	bool prefer_closest;
	int best_nonpref_count;
	bool have_best;
	struct ta_hint best;
};

/* CalculateAverageFor in float64, term by term */
static double ref_average(const struct ta_numa_info *ni, ta_mask m)
{
	double sum = 0, count = 0;
	int a, b;

	if (!m)
		return 0;
	for (a = 0; a < TA_MAX_NUMA; a++)
		for (b = 0; m >> a & 1 && b < TA_MAX_NUMA; b++)
			if (m >> b & 1) {
				sum += (double)ni->dist[a][b];
				count++;
			}
	return sum / count;
}

/* NUMAInfo.Closest / Narrowest: which of m1 (current) and m2 is returned */
static ta_mask ref_best_mask(const struct ref_merger *m, ta_mask m1, ta_mask m2)
{
	double d1, d2;

	if (!m->prefer_closest || ta_mask_count(m1) != ta_mask_count(m2))
		return ta_mask_narrower(m1, m2) ? m1 : m2;
	d1 = ref_average(m->ni, m1);
	d2 = ref_average(m->ni, m2);
	if (d1 == d2)
		return m1 < m2 ? m1 : m2;
	return d1 < d2 ? m1 : m2;
}

static bool ref_compare_masks(const struct ref_merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
{
	return cand->mask != cur->mask && ref_best_mask(m, cur->mask, cand->mask) != cur->mask;
}

/* HintMerger.compare, case by case as upstream writes it */
static bool ref_compare(const struct ref_merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
{
	int cc, nc, best = m->best_nonpref_count;

	if (ta_mask_count(cand->mask) == 0)
		return false;
	if (!cur)
		return true;
	if (cur->preferred != cand->preferred)
		return cand->preferred;
	if (cur->preferred)
		return ref_compare_masks(m, cur, cand);
	cc = ta_mask_count(cur->mask);
	nc = ta_mask_count(cand->mask);
	if (cc > best)
		return ref_compare_masks(m, cur, cand);
	if (cc == best)
		return nc == best && ref_compare_masks(m, cur, cand);
	if (nc > best)
		return false;
	if (nc == best)
		return true;
	if (nc != cc)
		return nc > cc;
	return ref_compare_masks(m, cur, cand);
}

static struct ta_hint ref_merge_permutation(ta_mask def, const struct ta_hint *const *perm, size_t n)
{
	struct ta_hint r = { true, def, true };
	bool have_first = false;
	ta_mask first = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (perm[i]->has_mask) {
			if (!have_first) {
				first = perm[i]->mask;
				have_first = true;
			} else if (perm[i]->mask != first) {
				r.preferred = false;
			}
			r.mask &= perm[i]->mask;
		}
		if (!perm[i]->preferred)
			r.preferred = false;
	}
	return r;
}

static struct ta_hint ref_hint_merger(const struct ta_numa_info *ni, bool prefer_closest,
				      const struct ta_hint_list *lists, size_t nlists, unsigned long long *visited)
{
	struct ref_merger m = { 0 };
	const struct ta_hint *perm[16];
	ta_mask def = ta_default_affinity(ni);
	size_t idx[16] = { 0 }, i;

	m.ni = ni;
	m.prefer_closest = prefer_closest;
	m.best_nonpref_count = max_of_min_affinity_counts(lists, nlists);
	for (i = 0; i < nlists; i++)
		if (lists[i].n == 0)
			goto out;
	for (;;) {
		struct ta_hint cand;

		for (i = 0; i < nlists; i++)
			perm[i] = &lists[i].v[idx[i]];
		cand = ref_merge_permutation(def, perm, nlists);
		(*visited)++;
		if (ref_compare(&m, m.have_best ? &m.best : NULL, &cand)) {
			m.best = cand;
			m.have_best = true;
		}
		/* the last list varies fastest */
		i = nlists;
		while (i > 0) {
			i--;
			if (++idx[i] < lists[i].n)
				break;
			idx[i] = 0;
			if (i == 0)
				goto out;
		}
		if (nlists == 0)
			break;
	}
out:
	if (!m.have_best)
		m.best = (struct ta_hint){ true, def, false };
	return m.best;
}

static void ref_merge(enum ta_policy p, const struct ta_options *o, const struct ta_numa_info *ni,
		      const struct ta_provider *pv, size_t np, struct ta_hint *best, bool *admit,
		      unsigned long long *visited)
{
	struct ta_hint_list *lists;
	size_t nlists;
	bool owned;

	lists = policy_lists(p, pv, np, &nlists, &owned);
	*best = ref_hint_merger(ni, p != TA_POLICY_SINGLE_NUMA_NODE && o->prefer_closest, lists, nlists, visited);
	if (p == TA_POLICY_SINGLE_NUMA_NODE) {
		if (best->has_mask && best->mask == ta_default_affinity(ni))
			best->has_mask = false, best->mask = 0;
		*admit = best->preferred;
	} else {
		*admit = p == TA_POLICY_BEST_EFFORT ? true : best->preferred;
	}
	policy_lists_free(lists, nlists, owned);
}

/* hint_merger_merge with the reachable set computed one given way */
static struct ta_hint merge_forced(const struct ta_numa_info *ni, bool prefer_closest,
				   const struct ta_hint_list *lists, size_t nlists, bool dense)
{
	struct merger m = { 0 };
	size_t i;

	m.ni = ni;
	m.prefer_closest = prefer_closest;
	m.best_nonpref_count = max_of_min_affinity_counts(lists, nlists);
	m.default_affinity = ta_default_affinity(ni);
	for (i = 0; i < nlists; i++)
		if (lists[i].n == 0)
			goto out;
	merge_preferred(&m, lists, nlists);
	if (!m.have_best) {
		if (dense)
			reach_dense(&m, lists, nlists, ta_mask_count(m.default_affinity));
		else
			reach_sparse(&m, lists, nlists);
	}
out:
	if (!m.have_best)
		m.best = (struct ta_hint){ true, m.default_affinity, false };
	return m.best;
}

static bool hint_eq(const struct ta_hint *a, const struct ta_hint *b)
{
	return a->has_mask == b->has_mask && a->mask == b->mask && a->preferred == b->preferred;
}

/* ---- random cases ---- */

static ta_mask random_mask(const struct ta_numa_info *ni, ta_mask def)
{
	ta_mask m = 0;
	size_t i;

	switch (below(8)) {
	case 0:  /* one node */
		return (ta_mask)1 << ni->nodes[below((unsigned)ni->n)];
	case 1:  /* every node */
		return def;
	case 2:  /* a node the machine lacks, which mergePermutation still compares */
		m = (ta_mask)1 << (40 + below(4));
		break;
	}
	for (i = 0; i < ni->n; i++)
		if (below(2))
			m |= (ta_mask)1 << ni->nodes[i];
	return m;
}

static void random_case(struct ta_numa_info *ni, struct ta_provider *pv, size_t *np, struct ta_options *o)
{
	size_t i, j, k, nn = 1 + below(6);
	ta_mask def;
	int id = (int)below(3);

	memset(ni, 0, sizeof(*ni));
	for (i = 0; i < nn; i++) {
		ni->nodes[ni->n++] = id;
		id += 1 + (int)below(2);
	}
	for (i = 0; i < ni->n; i++)
		for (j = 0; j < ni->n; j++)
			ni->dist[ni->nodes[i]][ni->nodes[j]] = i == j ? 10 : 11 + below(3);
	for (i = 0; i < ni->n; i++)
		ni->has_dist[ni->nodes[i]] = true;
	def = ta_default_affinity(ni);
	ta_options_init(o);
	o->prefer_closest = below(2);
	*np = below(4);
	for (i = 0; i < *np; i++) {
		pv[i].n = below(4);
		pv[i].res = pv[i].n ? xcalloc(pv[i].n, sizeof(*pv[i].res)) : NULL;
		for (j = 0; j < pv[i].n; j++) {
			struct ta_hint_list *hl = &pv[i].res[j].hints;
			unsigned kind = below(12);

			pv[i].res[j].name = xstrdup("r");
			if (kind == 0) {
				hl->is_nil = true;
				continue;
			}
			hl->n = kind == 1 ? 0 : 1 + below(6);
			hl->v = xcalloc(hl->n + 1, sizeof(*hl->v));
			for (k = 0; k < hl->n; k++) {
				hl->v[k].has_mask = below(8) != 0;
				hl->v[k].mask = hl->v[k].has_mask ? random_mask(ni, def) : 0;
				hl->v[k].preferred = below(3) != 0;
			}
		}
	}
}

int main(void)
{
	static const enum ta_policy policies[] = {
		TA_POLICY_BEST_EFFORT, TA_POLICY_RESTRICTED, TA_POLICY_SINGLE_NUMA_NODE,
	};
	int rounds = getenv("TK_VALGRIND") ? 300 : 4000, r, bad_merge = 0, bad_sparse = 0, bad_dense = 0;
	int bad_combos = 0, nonpref = 0, pref = 0;
	unsigned long long visited_total = 0;

	for (r = 0; r < rounds; r++) {
		struct ta_numa_info ni;
		struct ta_provider pv[4];
		struct ta_options o;
		size_t np, i, nlists;
		struct ta_hint_list *lists;
		bool owned;

		random_case(&ni, pv, &np, &o);
		for (i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
			enum ta_policy p = policies[i];
			struct ta_hint want, got, s, d;
			bool want_admit, got_admit, closest = p != TA_POLICY_SINGLE_NUMA_NODE && o.prefer_closest;
			unsigned long long visited = 0;
			char buf[64], vis[32];

			ref_merge(p, &o, &ni, pv, np, &want, &want_admit, &visited);
			visited_total += visited;
			ta_merge(p, &o, &ni, pv, np, &got, &got_admit);
			if (!hint_eq(&want, &got) || want_admit != got_admit) {
				if (bad_merge++ < 5)
					printf("# round %d %s: want %d/%llx/%d admit %d, got %d/%llx/%d admit %d\n", r,
					       ta_policy_name(p), want.has_mask, (unsigned long long)want.mask,
					       want.preferred, want_admit, got.has_mask, (unsigned long long)got.mask,
					       got.preferred, got_admit);
			}
			*(want.preferred ? &pref : &nonpref) += 1;
			/* the permutation count is what the loop visited */
			ta_merge_combinations(p, pv, np, buf, sizeof(buf));
			snprintf(vis, sizeof(vis), "%llu", visited);
			if (strcmp(buf, vis))
				bad_combos++;
			/* both ways of following the reachable set */
			lists = policy_lists(p, pv, np, &nlists, &owned);
			want = ref_hint_merger(&ni, closest, lists, nlists, &visited);
			s = merge_forced(&ni, closest, lists, nlists, false);
			dense_limit = r % 2 ? 3 : UINT64_MAX;
			d = merge_forced(&ni, closest, lists, nlists, true);
			dense_limit = UINT64_MAX;
			bad_sparse += !hint_eq(&want, &s);
			bad_dense += !hint_eq(&want, &d);
			policy_lists_free(lists, nlists, owned);
		}
		for (i = 0; i < np; i++)
			ta_provider_release(&pv[i]);
	}
	TAP_OK(bad_merge == 0, "ta_merge = the kubelet's cross product on %d random cases x 3 policies (%d wrong)",
	       rounds, bad_merge);
	TAP_OK(bad_sparse == 0, "sparse reachable set = cross product (%d wrong)", bad_sparse);
	TAP_OK(bad_dense == 0, "dense reachable set (superset sums) = cross product (%d wrong)", bad_dense);
	TAP_OK(bad_combos == 0, "ta_merge_combinations counts the permutations the loop visits (%d wrong)",
	       bad_combos);
	/* the random cases reach both kinds of result, or the test proves little */
	TAP_OK(pref > rounds / 10 && nonpref > rounds / 10, "cases end preferred (%d) and not (%d)", pref, nonpref);
	TAP_OK(visited_total > 0, "the reference visited %llu permutations", visited_total);
	return TAP_DONE();
}
