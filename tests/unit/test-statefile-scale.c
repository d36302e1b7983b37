/* test-statefile-scale.c - the CPU Manager checkpoint's entries at scale,
 * by counting, not timing: statefile.c is compiled into this test with its
 * string comparisons, block moves and array (re)allocations counted, so that
 * a return to inserting entries one by one in order (quadratic: each insert
 * moved or reallocated the array) fails here. Also checks, on thousands of
 * random small cases, that tk_cpu_checkpoint_set_many and _set give what a
 * reference applying each change in turn gives (a later change to a key
 * wins, NULL removes, order by pod then container in byte order).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "tap.h"

static unsigned long long n_cmp, n_moved, n_grow;

#define strcmp(a, b) (n_cmp++, strcmp((a), (b)))
#define memmove(d, s, n) (n_moved += (n), memmove((d), (s), (n)))
#define memcpy(d, s, n) (n_moved += (n), memcpy((d), (s), (n)))
#define xreallocarray(p, n, s) (n_grow++, xreallocarray((p), (n), (s)))
#include "../../common/statefile.c"
#undef strcmp
#undef memmove
#undef memcpy
#undef xreallocarray

static void counters_reset(void)
{
	n_cmp = n_moved = n_grow = 0;
}

/* ---- the reference: one change at a time, kept sorted ---- */
struct ref {
	struct tk_cpu_entry e[64];
	size_t n;
	bool entries_null;
};

static void ref_set(struct ref *r, const char *pod, const char *container, const char *cpus)
{
	size_t i = 0;
	int c = 1;

	while (i < r->n && (c = entry_cmp(r->e[i].pod, r->e[i].container, pod, container)) < 0)
		i++;
	if (i < r->n && c == 0) {
		if (cpus) {
			r->e[i].cpus = (char *)cpus;
		} else {
			memmove(&r->e[i], &r->e[i + 1], (r->n - i - 1) * sizeof(r->e[0]));
			r->n--;
		}
		return;
	}
	if (!cpus)
		return;
	memmove(&r->e[i + 1], &r->e[i], (r->n - i) * sizeof(r->e[0]));
	r->e[i].pod = (char *)pod;
	r->e[i].container = (char *)container;
	r->e[i].cpus = (char *)cpus;
	r->n++;
	r->entries_null = false;
}

static bool same(const struct ref *r, const struct tk_cpu_checkpoint *cp)
{
	size_t i;

	if (r->n != cp->nentries || r->entries_null != cp->entries_null)
		return false;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->e[i].pod, cp->entries[i].pod) ||
		    strcmp(r->e[i].container, cp->entries[i].container) ||
		    strcmp(r->e[i].cpus, cp->entries[i].cpus))
			return false;
	return true;
}

static const char *const pods[] = { "a", "ab", "b", "B", "p\xc3\xa9" };
static const char *const containers[] = { "c", "c1", "c10", "c2", "" };
static const char *const cpusets[] = { "0", "1-3", "", "4,6", "7" };

static void random_cases(unsigned rounds)
{
	unsigned r, bad_many = 0, bad_one = 0;

	for (r = 0; r < rounds; r++) {
		struct tk_cpu_checkpoint many = { 0 }, one = { 0 };
		struct tk_cpu_entry ch[24];
		struct ref ref = { .n = 0 };
		unsigned nch = 1 + tap_rnd(24), k, at = 0;

		many.entries_null = one.entries_null = ref.entries_null = tap_rnd(2);
		for (k = 0; k < nch; k++) {
			ch[k].pod = (char *)pods[tap_rnd(5)];
			ch[k].container = (char *)containers[tap_rnd(5)];
			ch[k].cpus = tap_rnd(3) ? (char *)cpusets[tap_rnd(5)] : NULL;
			ref_set(&ref, ch[k].pod, ch[k].container, ch[k].cpus);
			tk_cpu_checkpoint_set(&one, ch[k].pod, ch[k].container, ch[k].cpus);
		}
		/* the same changes in batches of random sizes */
		while (at < nch) {
			unsigned len = 1 + tap_rnd(nch - at);

			tk_cpu_checkpoint_set_many(&many, ch + at, len);
			at += len;
		}
		bad_many += !same(&ref, &many);
		bad_one += !same(&ref, &one);
		tk_cpu_checkpoint_release(&many);
		tk_cpu_checkpoint_release(&one);
	}
	TAP_OK(bad_many == 0, "set_many in random batches = each change in turn (%u of %u cases differ)",
	       bad_many, rounds);
	TAP_OK(bad_one == 0, "set one by one = each change in turn (%u of %u cases differ)", bad_one, rounds);
}

static unsigned log2_up(size_t n)
{
	unsigned l = 0;

	while (((size_t)1 << l) < n)
		l++;
	return l;
}

int main(void)
{
	bool valgrind = getenv("TK_VALGRIND") != NULL;
	size_t npods = valgrind ? 100 : 1000, per_pod = 100, n = npods * per_pod, k, len = 0, cap;
	size_t nnew = valgrind ? 200 : 1000, i;
	struct tk_cpu_checkpoint cp;
	struct tk_cpu_entry *ch;
	struct tk_diag d;
	char *json, *pod_of_new = NULL;
	bool sorted = true;
	int rc;

	random_cases(valgrind ? 300 : 3000);

	/* a state of n entries, pods and containers written in descending
	 * order so that the sort has work to do */
	cap = n * 48 + 128;
	json = xmalloc(cap);
	len += (size_t)snprintf(json + len, cap - len, "{\"policyName\":\"static\",\"defaultCpuSet\":\"0-1\","
					  "\"entries\":{");
	for (i = 0; i < npods; i++) {
		len += (size_t)snprintf(json + len, cap - len, "%s\"pod-%06zu\":{", i ? "," : "", npods - i);
		for (k = 0; k < per_pod; k++)
			len += (size_t)snprintf(json + len, cap - len, "%s\"c%04zu\":\"%zu\"", k ? "," : "",
						per_pod - k, k % 64);
		json[len++] = '}';
	}
	len += (size_t)snprintf(json + len, cap - len, "}}");

	counters_reset();
	rc = tk_cpu_checkpoint_parse(&cp, "big.json", json, len, &d);
	TAP_OK(rc == 0 && cp.nentries == n, "a state of %zu entries parses (%zu)", n, cp.nentries);
	for (i = 1; i < cp.nentries; i++)
		sorted = sorted && entry_qsort_cmp(&cp.entries[i - 1], &cp.entries[i]) < 0;
	TAP_OK(sorted, "its entries are sorted by pod, then container");
	TAP_OK(n_grow <= 2, "the entry array is allocated once, not grown per entry (%llu)", n_grow);
	TAP_OK(n_moved <= 4 * n * sizeof(struct tk_cpu_entry),
	       "entries are not moved per insert: %llu bytes moved for %zu entries", n_moved, n);
	TAP_OK(n_cmp <= 3 * n * (log2_up(n) + 1),
	       "O(n log n) comparisons: %llu for %zu entries", n_cmp, n);

	/* one pod's worth of new containers, as cpuset-alloc records them,
	 * into the middle of the big state */
	ch = xreallocarray(NULL, nnew, sizeof(*ch));
	pod_of_new = xstrdup("pod-000500x");
	for (i = 0; i < nnew; i++) {
		char name[32];

		snprintf(name, sizeof(name), "n%05zu", nnew - i);
		ch[i].pod = pod_of_new;
		ch[i].container = xstrdup(name);
		ch[i].cpus = xstrdup("3");
	}
	counters_reset();
	tk_cpu_checkpoint_set_many(&cp, ch, nnew);
	TAP_OK(cp.nentries == n + nnew, "%zu new containers recorded (%zu entries)", nnew, cp.nentries);
	sorted = true;
	for (i = 1; i < cp.nentries; i++)
		sorted = sorted && entry_qsort_cmp(&cp.entries[i - 1], &cp.entries[i]) < 0;
	TAP_OK(sorted, "still sorted");
	TAP_OK(n_grow <= 2, "one array for the whole batch (%llu allocations)", n_grow);
	TAP_OK(n_moved <= 2 * (n + nnew) * sizeof(struct tk_cpu_entry),
	       "a batch moves each entry at most once or twice: %llu bytes", n_moved);
	TAP_OK(n_cmp <= 3 * (n + nnew) + 4 * nnew * (log2_up(nnew) + 1),
	       "a batch costs O(n + k log k) comparisons: %llu", n_cmp);
	for (i = 0; i < nnew; i++) {
		free(ch[i].container);
		free(ch[i].cpus);
	}
	free(ch);
	free(pod_of_new);
	tk_cpu_checkpoint_release(&cp);
	free(json);
	return TAP_DONE();
}
