/* merge.c - Topology Manager policies and hint merging (see merge.h).
 *
 * Follows pkg/kubelet/cm/topologymanager: policy.go (filterProvidersHints,
 * mergePermutation, narrowestHint, maxOfMinAffinityCounts, HintMerger),
 * numa_info.go (Narrowest, Closest, CalculateAverageFor), policy_*.go and
 * policy_options.go (NewPolicyOptions), topology_manager.go (NewManager).
 */
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

/* NUMADistances.CalculateAverageFor */
static double average_distance(const struct ta_numa_info *ni, ta_mask m)
{
	double sum = 0, count = 0;
	int a, b;

	if (!m)
		return 0;
	for (a = 0; a < TA_MAX_NUMA; a++) {
		if (!(m >> a & 1))
			continue;
		for (b = 0; b < TA_MAX_NUMA; b++) {
			if (!(m >> b & 1))
				continue;
			sum += (double)ni->dist[a][b];
			count++;
		}
	}
	return sum / count;
}

/* NUMAInfo.Narrowest */
static ta_mask narrowest(ta_mask m1, ta_mask m2)
{
	return ta_mask_narrower(m1, m2) ? m1 : m2;
}

/* NUMAInfo.Closest */
static ta_mask closest(const struct ta_numa_info *ni, ta_mask m1, ta_mask m2)
{
	double d1, d2;

	if (ta_mask_count(m1) != ta_mask_count(m2))
		return narrowest(m1, m2);
	d1 = average_distance(ni, m1);
	d2 = average_distance(ni, m2);
	if (d1 == d2)
		return m1 < m2 ? m1 : m2;
	return d1 < d2 ? m1 : m2;
}

struct merger {
	const struct ta_numa_info *ni;
	bool prefer_closest;
	int best_nonpref_count;
	ta_mask default_affinity;
	bool have_best;
	struct ta_hint best;
};

/* the CompareNUMAAffinityMasks closure of NewHintMerger: true = candidate */
static bool compare_masks(const struct merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
{
	ta_mask best;

	if (cand->mask == cur->mask)
		return false;
	if (m->prefer_closest)
		best = closest(m->ni, cur->mask, cand->mask);
	else
		best = narrowest(cur->mask, cand->mask);
	return best != cur->mask;
}

/* HintMerger.compare: returns true when the candidate replaces the current */
static bool compare(const struct merger *m, const struct ta_hint *cur, const struct ta_hint *cand)
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

/* mergePermutation */
static struct ta_hint merge_permutation(ta_mask def, const struct ta_hint *const *perm, size_t n)
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

/* HintMerger.Merge over iterateAllProviderTopologyHints (first provider
 * outermost, each provider's hints in order). */
static struct ta_hint hint_merger_merge(const struct ta_numa_info *ni, bool prefer_closest,
					const struct ta_hint_list *lists, size_t nlists)
{
	struct merger m = { 0 };
	const struct ta_hint **perm;
	size_t *idx, i;

	m.ni = ni;
	m.prefer_closest = prefer_closest;
	m.best_nonpref_count = max_of_min_affinity_counts(lists, nlists);
	m.default_affinity = ta_default_affinity(ni);

	for (i = 0; i < nlists; i++)
		if (lists[i].n == 0)
			goto out;   /* an empty list yields no permutation at all */

	perm = xcalloc(nlists + 1, sizeof(*perm));
	idx = xcalloc(nlists + 1, sizeof(*idx));
	for (;;) {
		struct ta_hint cand;

		for (i = 0; i < nlists; i++)
			perm[i] = &lists[i].v[idx[i]];
		cand = merge_permutation(m.default_affinity, perm, nlists);
		if (compare(&m, m.have_best ? &m.best : NULL, &cand)) {
			m.best = cand;
			m.have_best = true;
		}
		/* odometer: the last provider varies fastest */
		i = nlists;
		while (i > 0) {
			i--;
			if (++idx[i] < lists[i].n)
				break;
			idx[i] = 0;
			if (i == 0)
				goto done;
		}
		if (nlists == 0)
			break;
	}
done:
	free(perm);
	free(idx);
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

void ta_merge(enum ta_policy p, const struct ta_options *o, const struct ta_numa_info *ni,
	      const struct ta_provider *providers, size_t nproviders,
	      struct ta_hint *best, bool *admit)
{
	struct ta_hint_list *lists;
	size_t nlists, i, j;

	if (p == TA_POLICY_NONE) {
		/* nonePolicy.Merge: TopologyHint{} and admit */
		*best = (struct ta_hint){ false, 0, false };
		*admit = true;
		return;
	}
	lists = filter_providers(providers, nproviders, &nlists);
	if (p == TA_POLICY_SINGLE_NUMA_NODE) {
		/* filterSingleNumaHints: keep preferred hints that are nil or
		 * name exactly one NUMA node */
		struct ta_hint_list *single = xcalloc(nlists + 1, sizeof(*single));

		for (i = 0; i < nlists; i++) {
			single[i].v = xcalloc(lists[i].n + 1, sizeof(struct ta_hint));
			for (j = 0; j < lists[i].n; j++) {
				const struct ta_hint *h = &lists[i].v[j];

				if (h->preferred && (!h->has_mask || ta_mask_count(h->mask) == 1))
					single[i].v[single[i].n++] = *h;
			}
		}
		*best = hint_merger_merge(ni, false, single, nlists);
		for (i = 0; i < nlists; i++)
			free(single[i].v);
		free(single);
		if (best->has_mask && best->mask == ta_default_affinity(ni))
			best->has_mask = false, best->mask = 0;
		*admit = best->preferred;
	} else {
		*best = hint_merger_merge(ni, o->prefer_closest, lists, nlists);
		*admit = p == TA_POLICY_BEST_EFFORT ? true : best->preferred;
	}
	free(lists);
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
