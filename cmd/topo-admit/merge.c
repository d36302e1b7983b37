/* merge.c - Topology Manager policies and hint merging (see merge.h).
 *
 * Follows pkg/kubelet/cm/topologymanager: policy.go (filterProvidersHints,
 * mergePermutation, narrowestHint, maxOfMinAffinityCounts, HintMerger),
 * numa_info.go (Narrowest, Closest, CalculateAverageFor), policy_*.go and
 * policy_options.go (NewPolicyOptions), topology_manager.go (NewManager).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "numparse.h"
#include "xalloc.h"

static const char *const policy_names[] = {
	[TA_POLICY_NONE] = "none",
	[TA_POLICY_BEST_EFFORT] = "best-effort",
	[TA_POLICY_RESTRICTED] = "restricted",
	[TA_POLICY_SINGLE_NUMA_NODE] = "single-numa-node",
};

int ta_policy_parse(const char *s, enum ta_policy *out)
{
	size_t i;

	for (i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (!strcmp(s, policy_names[i])) {
			*out = (enum ta_policy)i;
			return 0;
		}
	return -1;
}

const char *ta_policy_name(enum ta_policy p)
{
	return policy_names[p];
}

int ta_scope_parse(const char *s, enum ta_scope *out)
{
	if (!strcmp(s, "container"))
		*out = TA_SCOPE_CONTAINER;
	else if (!strcmp(s, "pod"))
		*out = TA_SCOPE_POD;
	else
		return -1;
	return 0;
}

const char *ta_scope_name(enum ta_scope s)
{
	return s == TA_SCOPE_POD ? "pod" : "container";
}

void ta_options_init(struct ta_options *o)
{
	o->prefer_closest = false;
	o->max_numa = TA_DEFAULT_MAX_NUMA;
}

/* Go's %q for the ASCII we expect; other bytes as \xNN. */
static void go_quote(char *dst, size_t len, const char *s)
{
	size_t o = 0;

	if (len < 3) {
		if (len)
			dst[0] = '\0';
		return;
	}
	dst[o++] = '"';
	for (; *s && o + 6 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c == '\n') {
			dst[o++] = '\\';
			dst[o++] = 'n';
		} else if (c == '\t') {
			dst[o++] = '\\';
			dst[o++] = 't';
		} else if (c < 0x20 || c >= 0x7f) {
			o += (size_t)snprintf(dst + o, len - o, "\\x%02x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o++] = '"';
	dst[o] = '\0';
}

/* strconv.Atoi on a 64-bit int: optional sign, decimal digits. Returns 0,
 * -1 for syntax, -2 for range. */
static int go_atoi(const char *s, long long *out)
{
	const char *p = s;
	bool neg = false;
	unsigned long long v = 0, lim;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return -1;
	lim = neg ? 9223372036854775808ULL : 9223372036854775807ULL;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (v > (lim - (unsigned)(*p - '0')) / 10) {
			/* keep scanning: a later non-digit is a syntax error */
			for (p++; *p; p++)
				if (*p < '0' || *p > '9')
					return -1;
			return -2;
		}
		v = v * 10 + (unsigned)(*p - '0');
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return 0;
}

int ta_options_set(struct ta_options *o, const char *name, const char *value,
		   char *err, size_t errlen)
{
	char qn[256], qv[512];

	go_quote(qn, sizeof(qn), name);
	go_quote(qv, sizeof(qv), value);
	if (!strcmp(name, "prefer-closest-numa-nodes")) {
		bool b;

		if (tk_parse_bool(value, &b)) {
			snprintf(err, errlen, "bad value for option %s: strconv.ParseBool: parsing %s: invalid syntax",
				 qn, qv);
			return -1;
		}
		o->prefer_closest = b;
		return 0;
	}
	if (!strcmp(name, "max-allowable-numa-nodes")) {
		long long v;
		int rc = go_atoi(value, &v);

		if (rc) {
			snprintf(err, errlen, "unable to convert policy option to integer %s: strconv.Atoi: parsing %s: %s",
				 qn, qv, rc == -2 ? "value out of range" : "invalid syntax");
			return -1;
		}
		if (v < TA_DEFAULT_MAX_NUMA) {
			snprintf(err, errlen, "the minimum value of %s should not be less than %d",
				 qn, TA_DEFAULT_MAX_NUMA);
			return -1;
		}
		o->max_numa = v > 1000000000LL ? 1000000000 : (int)v;
		return 0;
	}
	snprintf(err, errlen, "unknown Topology Manager Policy option: %s", qn);
	return -1;
}

int ta_manager_check(enum ta_policy p, const struct ta_options *o,
		     const struct ta_numa_info *ni, char *err, size_t errlen)
{
	size_t i;

	if (p == TA_POLICY_NONE)
		return 0;
	/* NewNUMAInfo: distances are required only with prefer-closest */
	if (o->prefer_closest)
		for (i = 0; i < ni->n; i++)
			if (!ni->has_dist[ni->nodes[i]]) {
				snprintf(err, errlen,
					 "cannot discover NUMA topology: error getting NUMA distances from cadvisor");
				return -1;
			}
	if (ni->n > (size_t)o->max_numa) {
		snprintf(err, errlen, "unsupported on machines with more than %d NUMA Nodes", o->max_numa);
		return -1;
	}
	return 0;
}

int ta_mask_count(ta_mask m)
{
	return __builtin_popcountll(m);
}

/* bitMask.IsNarrowerThan: fewer bits, or as many and numerically lower */
bool ta_mask_narrower(ta_mask a, ta_mask b)
{
	int ca = ta_mask_count(a), cb = ta_mask_count(b);

	if (ca == cb)
		return a < b;
	return ca < cb;
}

ta_mask ta_default_affinity(const struct ta_numa_info *ni)
{
	ta_mask m = 0;
	size_t i;

	for (i = 0; i < ni->n; i++)
		m |= (ta_mask)1 << ni->nodes[i];
	return m;
}

struct merger {
	const struct ta_numa_info *ni;
	bool prefer_closest;
	int best_nonpref_count;
	ta_mask default_affinity;
	bool have_best;
	struct ta_hint best;
	/* the best mask's distance sum, kept once Closest has needed it */
	bool best_sum_known;
	uint64_t best_sum;
};

/* The sum over ordered pairs of a mask's NUMA nodes of their distance.
 * CalculateAverageFor adds the same terms as float64; each is below 2^32 and
 * there are at most 64*64 of them, so its sum is exact and equals this one. */
static uint64_t distance_sum(const struct ta_numa_info *ni, ta_mask m)
{
	uint64_t sum = 0;
	ta_mask a, b;

	for (a = m; a; a &= a - 1)
		for (b = m; b; b &= b - 1)
			sum += ni->dist[__builtin_ctzll(a)][__builtin_ctzll(b)];
	return sum;
}

/* NUMADistances.CalculateAverageFor */
static double average_distance(uint64_t sum, ta_mask m)
{
	double count = (double)ta_mask_count(m);

	return m ? (double)sum / (count * count) : 0;
}

/* NUMAInfo.Narrowest */
static ta_mask narrowest(ta_mask m1, ta_mask m2)
{
	return ta_mask_narrower(m1, m2) ? m1 : m2;
}

/* the CompareNUMAAffinityMasks closure of NewHintMerger, with NUMAInfo.Closest
 * or Narrowest: true = the candidate is the better one */
static bool compare_masks(struct merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
{
	uint64_t s1, s2;
	double d1, d2;

	if (cand->mask == cur->mask)
		return false;
	if (!m->prefer_closest || ta_mask_count(cur->mask) != ta_mask_count(cand->mask))
		return narrowest(cur->mask, cand->mask) != cur->mask;
	if (cur == &m->best) {
		if (!m->best_sum_known) {
			m->best_sum = distance_sum(m->ni, cur->mask);
			m->best_sum_known = true;
		}
		s1 = m->best_sum;
	} else {
		s1 = distance_sum(m->ni, cur->mask);
	}
	s2 = distance_sum(m->ni, cand->mask);
	d1 = average_distance(s1, cur->mask);
	d2 = average_distance(s2, cand->mask);
	if (d1 == d2)
		return cand->mask < cur->mask;
	return d2 < d1;
}

/* HintMerger.compare: returns true when the candidate replaces the current.
 * Over hints with a non-empty mask this is a strict total order on
 * (mask, preferred): preferred first; then, for preferred hints, the mask
 * order (count, then average distance under prefer-closest, then value);
 * for non-preferred ones, the count bestNonPreferredAffinityCount first, then
 * smaller counts from the largest down, then larger counts from the smallest
 * up, each count in the mask order. So Merge's result is the best reachable
 * (mask, preferred) pair, whatever order the permutations come in. */
static bool compare(struct merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
{
	int cc, nc, best = m->best_nonpref_count;

	if (ta_mask_count(cand->mask) == 0)
		return false;
	if (!cur)
		return true;
	if (!cur->preferred && cand->preferred)
		return true;
	if (cur->preferred && !cand->preferred)
		return false;
	if (cur->preferred && cand->preferred)
		return compare_masks(m, cur, cand);
	/* both non-preferred: approach bestNonPreferredAffinityCount */
	cc = ta_mask_count(cur->mask);
	nc = ta_mask_count(cand->mask);
	if (cc > best)
		return compare_masks(m, cur, cand);
	if (cc == best)
		return nc == best && compare_masks(m, cur, cand);
	if (nc > best)
		return false;
	if (nc == best)
		return true;
	if (nc > cc)
		return true;
	if (nc < cc)
		return false;
	return compare_masks(m, cur, cand);
}

/* Offer one merged hint to the merger, as Merge's callback does. */
static void consider(struct merger *m, ta_mask mask, bool preferred)
{
	struct ta_hint cand = { true, mask, preferred };

	if (compare(m, m->have_best ? &m->best : NULL, &cand)) {
		m->best = cand;
		m->have_best = true;
		m->best_sum_known = false;
	}
}

/* narrowestHint + maxOfMinAffinityCounts */
static int max_of_min_affinity_counts(const struct ta_hint_list *lists, size_t nlists)
{
	int maxmin = 0;
	size_t i, j;

	for (i = 0; i < nlists; i++) {
		const struct ta_hint *nh = NULL;

		for (j = 0; j < lists[i].n; j++) {
			const struct ta_hint *h = &lists[i].v[j];

			if (!h->has_mask)
				continue;
			if (!nh)
				nh = h;
			if (ta_mask_narrower(h->mask, nh->mask))
				nh = h;
		}
		if (nh && ta_mask_count(nh->mask) > maxmin)
			maxmin = ta_mask_count(nh->mask);
	}
	return maxmin;
}

static int mask_cmp(const void *a, const void *b)
{
	ta_mask x = *(const ta_mask *)a, y = *(const ta_mask *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop repeats; returns the new length. */
static size_t mask_unique(ta_mask *v, size_t n)
{
	size_t i, o = 0;

	qsort(v, n, sizeof(*v), mask_cmp);
	for (i = 0; i < n; i++)
		if (!o || v[o - 1] != v[i])
			v[o++] = v[i];
	return o;
}

/* The masks a list's hints put into mergePermutation's AND, distinct: a nil
 * affinity counts as the default affinity, which changes nothing. */
static size_t and_masks(const struct ta_hint_list *l, ta_mask def, ta_mask *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		out[i] = l->v[i].has_mask ? l->v[i].mask & def : def;
	return mask_unique(out, l->n);
}

/* ---- the preferred merged hints ----
 * mergePermutation calls a permutation preferred when every hint in it is
 * preferred and every non-nil affinity equals the first. So (def & M, true)
 * is reachable iff every list has a preferred hint with affinity M or nil
 * and one has M itself; (def, true) iff every list has a preferred nil. */

struct pref_list {
	bool has_nil;
	size_t n;
	ta_mask *v;         /* distinct preferred affinities, ascending */
};

static bool pref_has(const struct pref_list *p, ta_mask m)
{
	return p->has_nil || bsearch(&m, p->v, p->n, sizeof(m), mask_cmp);
}

static void merge_preferred(struct merger *m, const struct ta_hint_list *lists, size_t nlists)
{
	struct pref_list *pl = xcalloc(nlists + 1, sizeof(*pl));
	size_t i, j, k, anchor = nlists;
	bool all_nil = true;

	for (i = 0; i < nlists; i++) {
		pl[i].v = xcalloc(lists[i].n + 1, sizeof(ta_mask));
		for (j = 0; j < lists[i].n; j++) {
			const struct ta_hint *h = &lists[i].v[j];

			if (!h->preferred)
				continue;
			if (!h->has_mask)
				pl[i].has_nil = true;
			else
				pl[i].v[pl[i].n++] = h->mask;
		}
		pl[i].n = mask_unique(pl[i].v, pl[i].n);
		if (!pl[i].has_nil) {
			all_nil = false;
			if (anchor == nlists || pl[i].n < pl[anchor].n)
				anchor = i;
		}
	}
	if (all_nil)
		consider(m, m->default_affinity, true);
	/* a list without a preferred nil must supply M itself; with none such,
	 * every list's preferred affinities are candidates */
	for (i = 0; i < nlists; i++) {
		if (anchor != nlists && i != anchor)
			continue;
		for (j = 0; j < pl[i].n; j++) {
			ta_mask cand = pl[i].v[j];

			for (k = 0; k < nlists && pref_has(&pl[k], cand); k++)
				;
			if (k == nlists)
				consider(m, m->default_affinity & cand, true);
		}
	}
	for (i = 0; i < nlists; i++)
		free(pl[i].v);
	free(pl);
}

/* ---- every reachable merged mask ----
 * The AND of one hint from each list, provider by provider: a set of at most
 * 2^N masks after each step. Few states: a hash set (sparse). Many, on up to
 * TA_DENSE_MAX_NUMA nodes: counts over all 2^N masks in the superset-sum
 * domain, where ANDing with one of a list's masks is a product (dense). */


struct mset {
	size_t n, cap;      /* cap a power of two; 0 marks an empty slot */
	ta_mask *v;
};

static void mset_add(struct mset *s, ta_mask x);

static void mset_grow(struct mset *s)
{
	struct mset big = { 0, s->cap ? s->cap * 2 : 64, NULL };
	size_t i;

	big.v = xcalloc(big.cap, sizeof(ta_mask));
	for (i = 0; i < s->cap; i++)
		if (s->v[i])
			mset_add(&big, s->v[i]);
	free(s->v);
	*s = big;
}

static void mset_add(struct mset *s, ta_mask x)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap)
		mset_grow(s);
	for (i = (size_t)((x * 0x9e3779b97f4a7c15ULL) >> 20) & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1))
		if (s->v[i] == x)
			return;
	s->v[i] = x;
	s->n++;
}

/* A hash-set step (insert and probe) costs about as much as this many steps
 * over a dense array. */
#define SPARSE_STEP_COST 20
/* The most masks a hash set holds: 2^22 masks take 64 MiB, twice over while
 * one step builds the next set. */
#define SPARSE_MAX_STATES 4194304.0

struct reach_plan {
	int nnuma;          /* bits of the default affinity */
	bool dense;
	double sparse_work, sparse_states, dense_work;
};

/* Upper bounds on each way's work (in dense steps) and on the hash set's
 * size, from the list lengths alone; the cheaper way wins. */
static void reach_plan(const struct ta_hint_list *lists, size_t nlists, ta_mask def, struct reach_plan *pl)
{
	double states = 1, full;
	size_t i;

	pl->nnuma = ta_mask_count(def);
	full = ldexp(1.0, pl->nnuma);
	pl->sparse_work = 0;
	pl->sparse_states = 1;
	pl->dense_work = 3.0 * pl->nnuma * full;
	for (i = 0; i < nlists; i++) {
		double d = (double)lists[i].n;

		pl->sparse_work += SPARSE_STEP_COST * states * d;
		states = states * d < full ? states * d : full;
		if (states > pl->sparse_states)
			pl->sparse_states = states;
		pl->dense_work += (d < pl->nnuma ? d : pl->nnuma) * full;
	}
	pl->dense = pl->nnuma <= TA_DENSE_MAX_NUMA &&
		    (pl->dense_work < pl->sparse_work || pl->sparse_states > SPARSE_MAX_STATES);
}

static void reach_sparse(struct merger *m, const struct ta_hint_list *lists, size_t nlists)
{
	ta_mask def = m->default_affinity, *d;
	struct mset s = { 0 }, t;
	size_t i, j, k, nd;

	if (!def)
		return;
	mset_add(&s, def);
	for (i = 0; i < nlists && s.n; i++) {
		d = xcalloc(lists[i].n + 1, sizeof(*d));
		nd = and_masks(&lists[i], def, d);
		memset(&t, 0, sizeof(t));
		for (j = 0; j < s.cap; j++)
			for (k = 0; s.v[j] && k < nd; k++)
				if (s.v[j] & d[k])
					mset_add(&t, s.v[j] & d[k]);
		free(d);
		free(s.v);
		s = t;
	}
	for (j = 0; j < s.cap; j++)
		if (s.v[j])
			consider(m, s.v[j], false);
	free(s.v);
}

/* f[x] = sum of f[y] over the supersets y of x (sign -1: the inverse) */
static void superset_sum(uint64_t *f, size_t size, int sign)
{
	size_t bit, base, j;

	for (bit = 1; bit < size; bit <<= 1)
		for (base = 0; base < size; base += 2 * bit)
			for (j = base; j < base + bit; j++)
				f[j] = sign > 0 ? f[j] + f[j + bit] : f[j] - f[j + bit];
}

/* From counts in the superset-sum domain to the set they describe and back:
 * keeps every count below 2^64, so that arithmetic modulo 2^64 stays exact.
 * Returns the number of reachable masks. */
static uint64_t dense_normalize(uint64_t *p, size_t size)
{
	uint64_t n = 0;
	size_t x;

	superset_sum(p, size, -1);
	for (x = 0; x < size; x++) {
		p[x] = p[x] != 0;
		n += p[x];
	}
	superset_sum(p, size, 1);
	return n;
}

/* The largest count the dense step lets a product reach before it
 * normalizes; the unit test lowers it to exercise normalization. */
static uint64_t dense_limit = UINT64_MAX;

static void reach_dense(struct merger *m, const struct ta_hint_list *lists, size_t nlists, int nnuma)
{
	ta_mask def = m->default_affinity, *d, expand[3][256];
	size_t size = (size_t)1 << nnuma, full = size - 1, i, j, k, x, nd;
	int ids[TA_MAX_NUMA], n = 0;
	uint64_t *p, bound = 1;
	uint32_t *g;

	if (!def)
		return;
	for (x = 0; x < TA_MAX_NUMA; x++)
		if (def >> x & 1)
			ids[n++] = (int)x;
	/* compressed index bit i <-> NUMA node ids[i], a byte at a time */
	for (k = 0; k < 3; k++)
		for (x = 0; x < 256; x++) {
			expand[k][x] = 0;
			for (j = 0; j < 8; j++)
				if (x >> j & 1 && (int)(8 * k + j) < n)
					expand[k][x] |= (ta_mask)1 << ids[8 * k + j];
		}
	p = xcalloc(size, sizeof(*p));
	g = xcalloc(size, sizeof(*g));
	/* the start: only the default affinity, a superset of every mask */
	for (x = 0; x < size; x++)
		p[x] = 1;
	for (i = 0; i < nlists; i++) {
		d = xcalloc(lists[i].n + 1, sizeof(*d));
		nd = and_masks(&lists[i], def, d);
		for (j = 0; j < nd; j++) {
			ta_mask c = 0;
			int b;

			for (b = 0; b < n; b++)
				if (d[j] >> ids[b] & 1)
					c |= (ta_mask)1 << b;
			d[j] = c;
		}
		if (nd == 1 && d[0] == full) {
			free(d);
			continue;
		}
		if (bound > dense_limit / nd)
			bound = dense_normalize(p, size);
		/* g[x]: how many of the list's masks contain x */
		if (nd < (size_t)nnuma) {
			for (x = 0; x < size; x++) {
				uint32_t c = 0;

				for (j = 0; j < nd; j++)
					c += (x & ~d[j]) == 0;
				g[x] = c;
			}
		} else {
			memset(g, 0, size * sizeof(*g));
			for (j = 0; j < nd; j++)
				g[d[j]] = 1;
			for (k = 1; k < size; k <<= 1)
				for (x = 0; x < size; x += 2 * k)
					for (j = x; j < x + k; j++)
						g[j] += g[j + k];
		}
		for (x = 0; x < size; x++)
			p[x] *= g[x];
		bound *= nd;
		free(d);
	}
	superset_sum(p, size, -1);
	for (x = 1; x < size; x++)
		if (p[x])
			consider(m, expand[0][x & 255] | expand[1][x >> 8 & 255] | expand[2][x >> 16 & 255], false);
	free(p);
	free(g);
}

/* HintMerger.Merge over iterateAllProviderTopologyHints, without visiting
 * the permutations: compare is a total order, so the best of the reachable
 * (mask, preferred) pairs is what the kubelet's loop ends with. */
static struct ta_hint hint_merger_merge(const struct ta_numa_info *ni, bool prefer_closest,
					const struct ta_hint_list *lists, size_t nlists)
{
	struct merger m = { 0 };
	struct reach_plan pl;
	size_t i;

	m.ni = ni;
	m.prefer_closest = prefer_closest;
	m.best_nonpref_count = max_of_min_affinity_counts(lists, nlists);
	m.default_affinity = ta_default_affinity(ni);

	for (i = 0; i < nlists; i++)
		if (lists[i].n == 0)
			goto out;   /* an empty list yields no permutation at all */
	merge_preferred(&m, lists, nlists);
	if (!m.have_best) {
		/* no preferred permutation has a NUMA node: every merged mask
		 * of the cross product is a non-preferred candidate */
		reach_plan(lists, nlists, m.default_affinity, &pl);
		if (pl.dense)
			reach_dense(&m, lists, nlists, pl.nnuma);
		else
			reach_sparse(&m, lists, nlists);
	}
out:
	if (!m.have_best) {
		m.best.has_mask = true;
		m.best.mask = m.default_affinity;
		m.best.preferred = false;
	}
	return m.best;
}

/* filterProvidersHints: one list per resource, in provider order. The
 * returned lists borrow hint arrays from the providers, except the
 * synthesized one-hint lists, which point at the static hints below. */
static const struct ta_hint any_preferred = { false, 0, true };
static const struct ta_hint any_not_preferred = { false, 0, false };

static struct ta_hint_list *filter_providers(const struct ta_provider *pv, size_t np, size_t *nout)
{
	struct ta_hint_list *out = NULL;
	size_t n = 0, cap = 0, i, j;

	for (i = 0; i < np; i++) {
		size_t want = pv[i].n ? pv[i].n : 1;

		if (n + want > cap) {
			cap = (n + want) * 2;
			out = xreallocarray(out, cap, sizeof(*out));
		}
		if (pv[i].n == 0) {
			out[n++] = (struct ta_hint_list){ false, 1, (struct ta_hint *)&any_preferred };
			continue;
		}
		for (j = 0; j < pv[i].n; j++) {
			const struct ta_hint_list *hl = &pv[i].res[j].hints;

			if (hl->is_nil)
				out[n++] = (struct ta_hint_list){ false, 1, (struct ta_hint *)&any_preferred };
			else if (hl->n == 0)
				out[n++] = (struct ta_hint_list){ false, 1, (struct ta_hint *)&any_not_preferred };
			else
				out[n++] = *hl;
		}
	}
	*nout = n;
	return out;
}

/* The lists the policy's HintMerger iterates: filterProvidersHints, and for
 * single-numa-node filterSingleNumaHints (preferred hints that are nil or
 * name exactly one NUMA node; *owned then says the arrays are copies). */
static struct ta_hint_list *policy_lists(enum ta_policy p, const struct ta_provider *pv, size_t np,
					 size_t *nlists, bool *owned)
{
	struct ta_hint_list *lists = filter_providers(pv, np, nlists), *single;
	size_t i, j;

	*owned = p == TA_POLICY_SINGLE_NUMA_NODE;
	if (!*owned)
		return lists;
	single = xcalloc(*nlists + 1, sizeof(*single));
	for (i = 0; i < *nlists; i++) {
		single[i].v = xcalloc(lists[i].n + 1, sizeof(struct ta_hint));
		for (j = 0; j < lists[i].n; j++) {
			const struct ta_hint *h = &lists[i].v[j];

			if (h->preferred && (!h->has_mask || ta_mask_count(h->mask) == 1))
				single[i].v[single[i].n++] = *h;
		}
	}
	free(lists);
	return single;
}

static void policy_lists_free(struct ta_hint_list *lists, size_t n, bool owned)
{
	size_t i;

	for (i = 0; owned && i < n; i++)
		free(lists[i].v);
	free(lists);
}

void ta_merge(enum ta_policy p, const struct ta_options *o, const struct ta_numa_info *ni,
	      const struct ta_provider *providers, size_t nproviders,
	      struct ta_hint *best, bool *admit)
{
	struct ta_hint_list *lists;
	size_t nlists;
	bool owned;

	if (p == TA_POLICY_NONE) {
		/* nonePolicy.Merge: TopologyHint{} and admit */
		*best = (struct ta_hint){ false, 0, false };
		*admit = true;
		return;
	}
	lists = policy_lists(p, providers, nproviders, &nlists, &owned);
	if (p == TA_POLICY_SINGLE_NUMA_NODE) {
		*best = hint_merger_merge(ni, false, lists, nlists);
		if (best->has_mask && best->mask == ta_default_affinity(ni))
			best->has_mask = false, best->mask = 0;
		*admit = best->preferred;
	} else {
		*best = hint_merger_merge(ni, o->prefer_closest, lists, nlists);
		*admit = p == TA_POLICY_BEST_EFFORT ? true : best->preferred;
	}
	policy_lists_free(lists, nlists, owned);
}

/* The limb base of the decimal product below. */
#define DEC_BASE 1000000000u
#define DEC_LIMBS 40

double ta_merge_combinations(enum ta_policy p, const struct ta_provider *providers, size_t nproviders,
			     char *buf, size_t len)
{
	struct ta_hint_list *lists;
	uint32_t limb[DEC_LIMBS] = { 1 };
	size_t nlists, nlimbs = 1, i, j, o;
	bool owned, over = false;
	double total = 1;

	if (p == TA_POLICY_NONE) {
		snprintf(buf, len, "0");
		return 0;
	}
	lists = policy_lists(p, providers, nproviders, &nlists, &owned);
	for (i = 0; i < nlists; i++) {
		unsigned __int128 carry = 0;

		total *= (double)lists[i].n;
		for (j = 0; j < nlimbs; j++) {
			carry += (unsigned __int128)limb[j] * lists[i].n;
			limb[j] = (uint32_t)(carry % DEC_BASE);
			carry /= DEC_BASE;
		}
		while (carry && nlimbs < DEC_LIMBS) {
			limb[nlimbs++] = (uint32_t)(carry % DEC_BASE);
			carry /= DEC_BASE;
		}
		if (carry)
			over = true;
		if (lists[i].n == 0)
			nlimbs = 1;
	}
	policy_lists_free(lists, nlists, owned);
	if (over || total == 0) {
		snprintf(buf, len, over ? "%.3g" : "0", total);
		return total;
	}
	o = (size_t)snprintf(buf, len, "%u", limb[nlimbs - 1]);
	for (i = nlimbs - 1; i-- > 0 && o < len;)
		o += (size_t)snprintf(buf + o, len - o, "%09u", limb[i]);
	return total;
}

int ta_merge_check(enum ta_policy p, const struct ta_numa_info *ni, const struct ta_provider *providers,
		   size_t nproviders, char *err, size_t errlen)
{
	struct ta_hint_list *lists;
	struct merger m = { 0 };
	struct reach_plan pl;
	size_t nlists, i;
	bool owned;
	int rc = 0;

	if (p == TA_POLICY_NONE)
		return 0;
	lists = policy_lists(p, providers, nproviders, &nlists, &owned);
	m.ni = ni;
	m.default_affinity = ta_default_affinity(ni);
	for (i = 0; i < nlists; i++)
		if (lists[i].n == 0)
			goto out;
	/* a preferred merged hint ends the merge before any cross product */
	merge_preferred(&m, lists, nlists);
	if (m.have_best)
		goto out;
	reach_plan(lists, nlists, m.default_affinity, &pl);
	if (pl.dense ? pl.dense_work > TA_MERGE_MAX_WORK :
	    pl.sparse_work > TA_MERGE_MAX_WORK || pl.sparse_states > SPARSE_MAX_STATES) {
		snprintf(err, errlen,
			 "the hint merge over %d NUMA nodes and %zu hint lists needs up to %.3g steps and "
			 "%.3g merged masks; topo-admit takes on %.3g steps, and more than %.3g masks only "
			 "on up to %d NUMA nodes",
			 pl.nnuma, nlists, pl.dense ? pl.dense_work : pl.sparse_work,
			 pl.dense ? ldexp(1.0, pl.nnuma) : pl.sparse_states, (double)TA_MERGE_MAX_WORK,
			 SPARSE_MAX_STATES, TA_DENSE_MAX_NUMA);
		rc = -1;
	}
out:
	policy_lists_free(lists, nlists, owned);
	return rc;
}

void ta_provider_release(struct ta_provider *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->res[i].name);
		free(p->res[i].hints.v);
	}
	free(p->res);
	p->res = NULL;
	p->n = 0;
}

bool ta_merge_stall_warning(enum ta_policy p, const struct ta_provider *providers, size_t nproviders,
			    char *buf, size_t len, double *combinations)
{
	char digits[400];
	double n = ta_merge_combinations(p, providers, nproviders, digits, sizeof(digits));

	if (combinations)
		*combinations = n;
	if (n < TA_KUBELET_STALL)
		return false;
	snprintf(buf, len, "the kubelet's Topology Manager evaluates %s hint combinations (one from each "
		 "resource's hints) to merge these hints: its admission of this pod will stall", digits);
	return true;
}
