/* cpumanager.c - port of pkg/kubelet/cm/cpumanager/cpu_assignment.go.
 *
 * Each function below follows the kubelet function it names. The kubelet
 * recomputes sets from maps on every comparison; here every level keeps a
 * count of its free CPUs, updated as CPUs are taken, so one sort costs
 * O(n log n) and an allocation on 1024 CPUs stays well below the cost of
 * loading the topology document.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumanager.h"
#include "topo.h"
#include "xalloc.h"

/* ---- the topology ---- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Distinct values of ids[0..n) ascending into *out; returns the count. */
static int distinct(const int *ids, int n, int **out)
{
	int *v = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	int i, m = 0, lo = n ? ids[0] : 0, hi = lo;

	for (i = 1; i < n; i++) {
		lo = ids[i] < lo ? ids[i] : lo;
		hi = ids[i] > hi ? ids[i] : hi;
	}
	if (n && (long long)hi - lo < 4LL * n) {
		/* ids are dense (cores, sockets, NUMA nodes): mark them; a sort
		 * of a 1,024-CPU topology's ids was a tenth of cpuset-alloc */
		size_t span = (size_t)((long long)hi - lo) + 1;
		unsigned char *seen = xcalloc(span, 1);
		size_t j;

		for (i = 0; i < n; i++)
			seen[ids[i] - lo] = 1;
		for (j = 0; j < span; j++)
			if (seen[j])
				v[m++] = (int)((long long)lo + (long long)j);
		free(seen);
	} else {
		memcpy(v, ids, sizeof(int) * (size_t)n);
		qsort(v, (size_t)n, sizeof(int), cmp_int);
		for (i = 0; i < n; i++)
			if (m == 0 || v[m - 1] != v[i])
				v[m++] = v[i];
	}
	*out = v;
	return m;
}

static int index_of(const int *sorted, int n, int id)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (sorted[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static struct ilist *group(const int *of, int ncpu, int ngroups)
{
	struct ilist *g = xcalloc((size_t)(ngroups ? ngroups : 1), sizeof(*g));
	int i;

	for (i = 0; i < ncpu; i++)
		g[of[i]].n++;
	for (i = 0; i < ngroups; i++) {
		g[i].v = xmalloc(sizeof(int) * (size_t)(g[i].n ? g[i].n : 1));
		g[i].n = 0;
	}
	for (i = 0; i < ncpu; i++)
		g[of[i]].v[g[of[i]].n++] = i;
	return g;
}

void ktopo_build(struct ktopo *k, const struct topo *t)
{
	int n = (int)t->ncpus, i;
	int *tmp = xmalloc(sizeof(int) * (size_t)(n ? n : 1));

	memset(k, 0, sizeof(*k));
	k->ncpu = n;
	k->cpu_id = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	k->cpu_core = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	k->cpu_socket = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	k->cpu_numa = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	k->cpu_l3 = xmalloc(sizeof(int) * (size_t)(n ? n : 1));
	for (i = 0; i < n; i++)   /* t->cpus is sorted by id */
		k->cpu_id[i] = t->cpus[i].id;

#define LEVEL(field, nfield, idfield, ofield)                                   \
	do {                                                                    \
		for (i = 0; i < n; i++)                                         \
			tmp[i] = t->cpus[i].field;                              \
		k->nfield = distinct(tmp, n, &k->idfield);                      \
		for (i = 0; i < n; i++)                                         \
			k->ofield[i] = index_of(k->idfield, k->nfield, tmp[i]); \
	} while (0)
	LEVEL(core, ncore, core_id, cpu_core);
	LEVEL(socket, nsocket, socket_id, cpu_socket);
	LEVEL(numa, nnuma, numa_id, cpu_numa);
	LEVEL(l3, nl3, l3_id, cpu_l3);
#undef LEVEL
	free(tmp);

	k->core_cpus = group(k->cpu_core, n, k->ncore);
	k->socket_cpus = group(k->cpu_socket, n, k->nsocket);
	k->numa_cpus = group(k->cpu_numa, n, k->nnuma);
	k->l3_cpus = group(k->cpu_l3, n, k->nl3);

	k->max_id = n ? k->cpu_id[n - 1] : -1;
	k->idx_of = xmalloc(sizeof(int) * (size_t)(k->max_id + 2));
	for (i = 0; i <= k->max_id; i++)
		k->idx_of[i] = -1;
	for (i = 0; i < n; i++)
		k->idx_of[k->cpu_id[i]] = i;

	k->cpus_per_core = k->ncore ? n / k->ncore : 0;
	k->cpus_per_socket = k->nsocket ? n / k->nsocket : 0;
	k->cpus_per_l3 = k->nl3 ? n / k->nl3 : 0;
	/* newCPUAccumulator: topo.NumSockets >= topo.NumNUMANodes */
	k->numa_first = k->nsocket >= k->nnuma;
	cpuset_init(&k->numa_any);
	for (i = 0; i < k->nnuma; i++)
		cpuset_set(&k->numa_any, (unsigned)k->numa_id[i]);
	for (i = 0; i < (int)t->nnuma; i++)
		cpuset_set(&k->numa_any, (unsigned)t->numa[i].id);
}

bool ktopo_has_numa(const struct ktopo *k, int id)
{
	return id >= 0 && cpuset_test(&k->numa_any, (unsigned)id);
}

static void free_groups(struct ilist *g, int n)
{
	int i;

	if (!g)
		return;
	for (i = 0; i < n; i++)
		free(g[i].v);
	free(g);
}

void ktopo_release(struct ktopo *k)
{
	free(k->cpu_id);
	free(k->cpu_core);
	free(k->cpu_socket);
	free(k->cpu_numa);
	free(k->cpu_l3);
	free(k->core_id);
	free(k->socket_id);
	free(k->numa_id);
	free(k->l3_id);
	free_groups(k->core_cpus, k->ncore);
	free_groups(k->socket_cpus, k->nsocket);
	free_groups(k->numa_cpus, k->nnuma);
	free_groups(k->l3_cpus, k->nl3);
	free(k->idx_of);
	cpuset_release(&k->numa_any);
	memset(k, 0, sizeof(*k));
}

bool ktopo_has(const struct ktopo *k, int cpu)
{
	return cpu >= 0 && cpu <= k->max_id && k->idx_of[cpu] >= 0;
}

void ktopo_all(const struct ktopo *k, struct cpuset *dst)
{
	int i;

	cpuset_clear_all(dst);
	for (i = 0; i < k->ncpu; i++)
		cpuset_set(dst, (unsigned)k->cpu_id[i]);
}

void ktopo_core_siblings(const struct ktopo *k, int cpu, struct cpuset *dst)
{
	const struct ilist *g;
	int i;

	cpuset_clear_all(dst);
	if (!ktopo_has(k, cpu))
		return;
	g = &k->core_cpus[k->cpu_core[k->idx_of[cpu]]];
	for (i = 0; i < g->n; i++)
		cpuset_set(dst, (unsigned)k->cpu_id[g->v[i]]);
}

/* ---- the accumulator (cpuAccumulator) ---- */

enum level { L_CORE, L_SOCKET, L_NUMA, L_L3, L_MAX };

struct acc {
	const struct ktopo *k;
	unsigned char *free;   /* details: CPUs still available */
	unsigned char *res;    /* result */
	int *nfree[L_MAX];     /* free CPUs per level index */
	int *stamp[L_MAX];     /* de-duplication marks for set building */
	int stampv[L_MAX];
	int nfree_all;
	int needed;            /* numCPUsNeeded */
	enum take_sort sort;
};

static const int *cpu_level(const struct ktopo *k, enum level l)
{
	switch (l) {
	case L_CORE: return k->cpu_core;
	case L_SOCKET: return k->cpu_socket;
	case L_NUMA: return k->cpu_numa;
	default: return k->cpu_l3;
	}
}

static int level_count(const struct ktopo *k, enum level l)
{
	switch (l) {
	case L_CORE: return k->ncore;
	case L_SOCKET: return k->nsocket;
	case L_NUMA: return k->nnuma;
	default: return k->nl3;
	}
}

static const struct ilist *level_cpus(const struct ktopo *k, enum level l, int i)
{
	switch (l) {
	case L_CORE: return &k->core_cpus[i];
	case L_SOCKET: return &k->socket_cpus[i];
	case L_NUMA: return &k->numa_cpus[i];
	default: return &k->l3_cpus[i];
	}
}

/* newCPUAccumulator: details = topology CPUs kept to avail. */
static void acc_init(struct acc *a, const struct ktopo *k, const struct cpuset *avail,
		     int num, enum take_sort sort)
{
	int i, l;

	memset(a, 0, sizeof(*a));
	a->k = k;
	a->needed = num;
	a->sort = sort;
	a->free = xcalloc((size_t)k->ncpu + 1, 1);
	a->res = xcalloc((size_t)k->ncpu + 1, 1);
	for (l = 0; l < L_MAX; l++) {
		a->nfree[l] = xcalloc((size_t)level_count(k, l) + 1, sizeof(int));
		a->stamp[l] = xcalloc((size_t)level_count(k, l) + 1, sizeof(int));
	}
	for (i = cpuset_first(avail); i >= 0; i = cpuset_next(avail, i)) {
		int idx;

		if (!ktopo_has(k, i))
			continue;
		idx = k->idx_of[i];
		a->free[idx] = 1;
		a->nfree_all++;
		for (l = 0; l < L_MAX; l++)
			a->nfree[l][cpu_level(k, l)[idx]]++;
	}
}

static void acc_release(struct acc *a)
{
	int l;

	free(a->free);
	free(a->res);
	for (l = 0; l < L_MAX; l++) {
		free(a->nfree[l]);
		free(a->stamp[l]);
	}
}

/* cpuAccumulator.take: result |= cpus; details -= result; needed -= |cpus|. */
static void acc_take(struct acc *a, const int *cpus, int n)
{
	int i, l;

	for (i = 0; i < n; i++) {
		int c = cpus[i];

		a->res[c] = 1;
		if (!a->free[c])
			continue;
		a->free[c] = 0;
		a->nfree_all--;
		for (l = 0; l < L_MAX; l++)
			a->nfree[l][cpu_level(a->k, l)[c]]--;
	}
	a->needed -= n;
}

static void acc_take_group(struct acc *a, enum level l, int i)
{
	const struct ilist *g = level_cpus(a->k, l, i);

	acc_take(a, g->v, g->n);
}

static bool needs_at_least(const struct acc *a, int n) { return a->needed >= n; }
static bool is_satisfied(const struct acc *a) { return a->needed < 1; }
static bool is_failed(const struct acc *a) { return a->needed > a->nfree_all; }

static void result_set(const struct acc *a, struct cpuset *result)
{
	int i;

	cpuset_clear_all(result);
	for (i = 0; i < a->k->ncpu; i++)
		if (a->res[i])
			cpuset_set(result, (unsigned)a->k->cpu_id[i]);
}

/* ---- lists of level indices ---- */

static void il_push(struct ilist *l, int v, int *cap)
{
	if (l->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		l->v = xreallocarray(l->v, (size_t)*cap, sizeof(int));
	}
	l->v[l->n++] = v;
}

struct il_buf {
	struct ilist l;
	int cap;
};

static void ib_push(struct il_buf *b, int v) { il_push(&b->l, v, &b->cap); }

/* cpuAccumulator.sort: ascending number of free CPUs, then ascending id. */
static int sort_cmp(const void *x, const void *y, void *arg)
{
	const int *cnt = arg;
	int a = *(const int *)x, b = *(const int *)y;

	if (cnt[a] != cnt[b])
		return cnt[a] < cnt[b] ? -1 : 1;
	return (a > b) - (a < b);
}

static void acc_sort(const struct acc *a, enum level l, int *ids, int n)
{
	qsort_r(ids, (size_t)n, sizeof(int), sort_cmp, a->nfree[l]);
}

/* The set of `want`-level indices of the free CPUs inside the `in`-level
 * group i (e.g. details.SocketsInNUMANodes(numa)), sorted, appended. */
static void append_sorted_members(struct acc *a, enum level in, int i, enum level want,
				  struct il_buf *out)
{
	const struct ilist *g = level_cpus(a->k, in, i);
	const int *of = cpu_level(a->k, want);
	int start = out->l.n, j, mark = ++a->stampv[want];

	for (j = 0; j < g->n; j++) {
		int c = g->v[j], x;

		if (!a->free[c])
			continue;
		x = of[c];
		if (a->stamp[want][x] == mark)
			continue;
		a->stamp[want][x] = mark;
		ib_push(out, x);
	}
	acc_sort(a, want, out->l.v + start, out->l.n - start);
}

/* Every index of level l with a free CPU, sorted. */
static struct ilist sorted_top(struct acc *a, enum level l)
{
	struct il_buf b = { { 0, NULL }, 0 };
	int i, n = level_count(a->k, l);

	for (i = 0; i < n; i++)
		if (a->nfree[l][i] > 0)
			ib_push(&b, i);
	acc_sort(a, l, b.l.v, b.l.n);
	return b.l;
}

/* The members at level l of each entry of outer (at level outer_level), in
 * outer's order, each group sorted: the step every sortAvailable* below
 * shares. Frees outer. */
static struct ilist sort_within(struct acc *a, struct ilist outer, enum level outer_level, enum level l)
{
	struct il_buf b = { { 0, NULL }, 0 };
	int i;

	for (i = 0; i < outer.n; i++)
		append_sorted_members(a, outer_level, outer.v[i], l, &b);
	free(outer.v);
	return b.l;
}

static struct ilist sort_available_sockets(struct acc *a);

/* sortAvailableNUMANodes: numaFirst sorts the NUMA nodes directly;
 * socketsFirst sorts within each socket of sortAvailableSockets. */
static struct ilist sort_available_numas(struct acc *a)
{
	if (a->k->numa_first)
		return sorted_top(a, L_NUMA);
	return sort_within(a, sort_available_sockets(a), L_SOCKET, L_NUMA);
}

/* sortAvailableSockets: the mirror image of sortAvailableNUMANodes. */
static struct ilist sort_available_sockets(struct acc *a)
{
	if (!a->k->numa_first)
		return sorted_top(a, L_SOCKET);
	return sort_within(a, sort_available_numas(a), L_NUMA, L_SOCKET);
}

/* sortAvailableCores: cores within each socket (numaFirst) or each NUMA
 * node (socketsFirst), in the order of the level above. */
static struct ilist sort_available_cores(struct acc *a)
{
	if (a->k->numa_first)
		return sort_within(a, sort_available_sockets(a), L_SOCKET, L_CORE);
	return sort_within(a, sort_available_numas(a), L_NUMA, L_CORE);
}

/* sortAvailableUncoreCaches: uncore caches within each sorted NUMA node. */
static struct ilist sort_available_uncores(struct acc *a)
{
	return sort_within(a, sort_available_numas(a), L_NUMA, L_L3);
}

/* Keep the entries of l that pass keep() (freeNUMANodes, freeSockets, ...). */
static void filter(struct acc *a, struct ilist *l, bool (*keep)(const struct acc *, int))
{
	int i, m = 0;

	for (i = 0; i < l->n; i++)
		if (keep(a, l->v[i]))
			l->v[m++] = l->v[i];
	l->n = m;
}

/* isNUMANodeFree / isSocketFree / isCoreFree / isUncoreCacheFree */
static bool numa_free(const struct acc *a, int i)
{
	return a->nfree[L_NUMA][i] == a->k->numa_cpus[i].n;
}

static bool socket_free(const struct acc *a, int i)
{
	return a->nfree[L_SOCKET][i] == a->k->cpus_per_socket;
}

static bool core_free(const struct acc *a, int i)
{
	return a->nfree[L_CORE][i] == a->k->cpus_per_core;
}

static bool l3_free(const struct acc *a, int i)
{
	return a->nfree[L_L3][i] == a->k->l3_cpus[i].n;
}

/* takeFullNUMANodes / takeFullSockets / takeFullCores / takeFullUncore:
 * every free group (in sorted order) the request still needs whole. */
static void take_full(struct acc *a, enum level l)
{
	struct ilist list;
	int i;

	switch (l) {
	case L_NUMA:
		list = sort_available_numas(a);
		filter(a, &list, numa_free);
		break;
	case L_SOCKET:
		list = sort_available_sockets(a);
		filter(a, &list, socket_free);
		break;
	case L_CORE:
		list = sort_available_cores(a);
		filter(a, &list, core_free);
		break;
	default:
		list = sort_available_uncores(a);
		filter(a, &list, l3_free);
		break;
	}
	for (i = 0; i < list.n; i++) {
		const struct ilist *g = level_cpus(a->k, l, list.v[i]);

		if (!needs_at_least(a, g->n))
			continue;
		acc_take_group(a, l, list.v[i]);
	}
	free(list.v);
}

/* takePartialUncore: the lowest-numbered cores of the uncore cache that
 * cover the request, claimed only when they match it exactly (an odd
 * request on SMT drops the last CPU of the last core). */
static void take_partial_uncore(struct acc *a, int l3)
{
	const struct ktopo *k = a->k;
	const struct ilist *g = &k->l3_cpus[l3];
	struct il_buf cores = { { 0, NULL }, 0 }, cpus = { { 0, NULL }, 0 };
	int cpc = k->cpus_per_core, want, i, j, mark = ++a->stampv[L_CORE];

	want = cpc ? (a->needed + cpc - 1) / cpc : 0;
	/* CoresNeededInUncoreCache: distinct cores of free CPUs in the cache */
	for (i = 0; i < g->n; i++) {
		int c = g->v[i];

		if (!a->free[c] || a->stamp[L_CORE][k->cpu_core[c]] == mark)
			continue;
		a->stamp[L_CORE][k->cpu_core[c]] = mark;
		ib_push(&cores, k->cpu_core[c]);
	}
	qsort(cores.l.v, (size_t)cores.l.n, sizeof(int), cmp_int);
	if (cores.l.n > want)
		cores.l.n = want;
	for (i = 0; i < cores.l.n; i++) {
		const struct ilist *cg = &k->core_cpus[cores.l.v[i]];

		for (j = 0; j < cg->n; j++)
			if (a->free[cg->v[j]])
				ib_push(&cpus, cg->v[j]);
	}
	qsort(cpus.l.v, (size_t)cpus.l.n, sizeof(int), cmp_int);
	if (a->needed % 2 != 0 && cpc > 1 && cpus.l.n > a->needed)
		cpus.l.n--;
	if (a->needed == cpus.l.n)
		acc_take(a, cpus.l.v, cpus.l.n);
	free(cores.l.v);
	free(cpus.l.v);
}

/* takeUncoreCache */
static void take_uncore_cache(struct acc *a)
{
	struct ilist list = sort_available_uncores(a);
	int i;

	for (i = 0; i < list.n; i++) {
		if (needs_at_least(a, a->k->cpus_per_l3))
			take_full(a, L_L3);
		if (is_satisfied(a))
			break;
		take_partial_uncore(a, list.v[i]);
		if (is_satisfied(a))
			break;
	}
	free(list.v);
}

/* sortAvailableCPUsPacked (CPUs of each sorted core) or
 * sortAvailableCPUsSpread (CPUs of each sorted socket), ascending ids. */
static struct ilist sort_available_cpus(struct acc *a)
{
	struct il_buf b = { { 0, NULL }, 0 };
	enum level l = a->sort == TAKE_PACKED ? L_CORE : L_SOCKET;
	struct ilist up = a->sort == TAKE_PACKED ? sort_available_cores(a)
						 : sort_available_sockets(a);
	int i, j;

	for (i = 0; i < up.n; i++) {
		const struct ilist *g = level_cpus(a->k, l, up.v[i]);

		for (j = 0; j < g->n; j++)   /* group lists are ascending */
			if (a->free[g->v[j]])
				ib_push(&b, g->v[j]);
	}
	free(up.v);
	return b.l;
}

/* takeRemainingCPUs */
static void take_remaining(struct acc *a)
{
	struct ilist list = sort_available_cpus(a);
	int i;

	for (i = 0; i < list.n; i++) {
		acc_take(a, &list.v[i], 1);
		if (is_satisfied(a))
			break;
	}
	free(list.v);
}

static int fail_not_enough(int num, const struct cpuset *avail, char *err, size_t errlen)
{
	snprintf(err, errlen, "not enough cpus available to satisfy request: requested=%d, available=%zu",
		 num, cpuset_count(avail));
	return -1;
}

int take_packed(const struct ktopo *k, const struct cpuset *avail, int num,
		enum take_sort sort, bool align_uncore, struct cpuset *result,
		char *err, size_t errlen)
{
	struct acc a;
	int ret = -1;

	cpuset_clear_all(result);
	acc_init(&a, k, avail, num, sort);
	if (is_satisfied(&a)) {
		ret = 0;
		goto out;
	}
	if (is_failed(&a)) {
		fail_not_enough(num, avail, err, errlen);
		goto out;
	}
	/* 1. whole NUMA nodes and sockets, the larger level first */
	take_full(&a, k->numa_first ? L_NUMA : L_SOCKET);
	if (is_satisfied(&a))
		goto done;
	take_full(&a, k->numa_first ? L_SOCKET : L_NUMA);
	if (is_satisfied(&a))
		goto done;
	/* 2. uncore caches (prefer-align-cpus-by-uncorecache) */
	if (align_uncore) {
		take_uncore_cache(&a);
		if (is_satisfied(&a))
			goto done;
	}
	/* 3. whole cores, unless spreading across cores */
	if (sort != TAKE_SPREAD) {
		take_full(&a, L_CORE);
		if (is_satisfied(&a))
			goto done;
	}
	/* 4. single CPUs */
	take_remaining(&a);
	if (is_satisfied(&a))
		goto done;
	snprintf(err, errlen, "failed to allocate cpus");
	goto out;
done:
	result_set(&a, result);
	ret = 0;
out:
	acc_release(&a);
	return ret;
}

/* ---- takeByTopologyNUMADistributed ---- */

/* Go slices, modelled closely enough to reproduce what the kubelet's
 * iterateCombinations hands out: append() writes into the spare capacity
 * of the backing array when there is some (capacities grow 1, 2, 4, 8, ...
 * for []int), so combinations of 4, 6, 7, 8... elements share their last
 * elements with the combinations that follow them, and a slice kept as
 * "best" reads whatever was written there last. */
struct gslice {
	int *arr;
	int len, cap;
};

struct gpool {
	int **blocks;          /* bump-allocated blocks: slices never move or die */
	size_t nblocks, cap;
	size_t used, size;     /* ints used in / size of the last block */
};

static int *gpool_alloc(struct gpool *p, int n)
{
	int *r;

	if (p->nblocks == 0 || p->used + (size_t)n > p->size) {
		if (p->nblocks == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 16;
			p->blocks = xreallocarray(p->blocks, p->cap, sizeof(*p->blocks));
		}
		p->size = (size_t)n > 65536 ? (size_t)n : 65536;
		p->blocks[p->nblocks++] = xmalloc(p->size * sizeof(int));
		p->used = 0;
	}
	r = p->blocks[p->nblocks - 1] + p->used;
	p->used += (size_t)n;
	memset(r, 0, sizeof(int) * (size_t)n);
	return r;
}

static void gpool_free(struct gpool *p)
{
	size_t i;

	for (i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
}

static struct gslice go_append(struct gpool *p, struct gslice s, int x)
{
	struct gslice r;

	if (s.len < s.cap) {
		s.arr[s.len] = x;
		s.len++;
		return s;
	}
	r.cap = s.cap == 0 ? 1 : s.cap * 2;
	r.arr = gpool_alloc(p, r.cap);
	if (s.len)
		memcpy(r.arr, s.arr, sizeof(int) * (size_t)s.len);
	r.arr[s.len] = x;
	r.len = s.len + 1;
	return r;
}

enum loop_control { LOOP_CONTINUE, LOOP_BREAK };

typedef enum loop_control (*combo_fn)(struct gslice combo, void *arg);

static enum loop_control comb_helper(struct gpool *p, const int *n, int nlen, int k, int start,
				     struct gslice accum, combo_fn f, void *arg)
{
	int i;

	if (k == 0)
		return f(accum, arg);
	for (i = start; i <= nlen - k; i++)
		if (comb_helper(p, n, nlen, k - 1, i + 1, go_append(p, accum, n[i]), f, arg) == LOOP_BREAK)
			return LOOP_BREAK;
	return LOOP_CONTINUE;
}

/* iterateCombinations: every k-subset of n, in lexicographic order. */
static void iterate_combinations(struct gpool *p, const int *n, int nlen, int k, combo_fn f, void *arg)
{
	struct gslice empty = { NULL, 0, 0 };

	if (k < 1)
		return;
	comb_helper(p, n, nlen, k, 0, empty, f, arg);
}

/* mean and standardDeviation, each rounded to 3 decimals as the kubelet does */
static double mean3(const int *xs, int n)
{
	double s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += (double)xs[i];
	return round(s / n * 1000) / 1000;
}

static double stddev3(const int *xs, int n)
{
	double m = mean3(xs, n), s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += ((double)xs[i] - m) * ((double)xs[i] - m);
	return round(sqrt(s / n) * 1000) / 1000;
}

struct dist {
	struct acc *a;
	struct gpool *pool;
	const int *numas;     /* sortAvailableNUMANodes, numa level indices */
	int nnumas;
	int *pos;             /* numa level idx -> position in numas, or -1 */
	int num, group;
	bool align_socket;    /* align-by-socket: prefer combinations in one socket */
	int *numa_socket;     /* numa level idx -> its socket idx, -1 when it spans several */
	/* best over the combinations of one size */
	double best_balance;
	struct gslice best_combo;
	bool have_best;
	bool best_in_one_socket;
	struct gslice best_remainder;
	bool have_remainder;
	/* per combo */
	int *after;           /* availableAfterAllocation, by position in numas */
	int *scratch;
	int remainder;
	double local_balance;
	double rem_mean, rem_base;   /* mean and sum of squares after the remainder */
	struct gslice local_remainder;
	bool have_local_remainder;
};

static int group_capacity(const struct dist *d, struct gslice s)
{
	int i, t = 0;

	for (i = 0; i < s.len; i++)
		t += d->after[d->pos[s.arr[i]]] / d->group * d->group;
	return t;
}

/* One subset of the remainder loop: hand out the remainder round-robin in
 * groups, then score the balance of the whole machine. Only the subset's
 * members change, and every subset removes the same number of CPUs, so the
 * (rounded) mean is the same for all of them: the sum of squares is the
 * combo's base plus the members' changes, O(|subset|) instead of O(NUMA
 * nodes) per subset. The subsets are still visited one by one, in the
 * kubelet's order, so ties resolve as there. */
static enum loop_control remainder_fn(struct gslice subset, void *arg)
{
	struct dist *d = arg;
	int remainder = d->remainder, i, *val = d->scratch;
	double delta = 0, balance;

	/* the subset must hold the remainder in whole groups: a raw sum of
	 * CPUs overcounts leftovers smaller than a group, and the round-robin
	 * below would never finish (the kubelet's availableGroups check) */
	if (group_capacity(d, subset) < remainder)
		return LOOP_CONTINUE;
	for (i = 0; i < subset.len; i++)
		val[i] = d->after[d->pos[subset.arr[i]]];
	while (remainder > 0) {
		for (i = 0; i < subset.len; i++) {
			if (remainder == 0)
				break;
			if (val[i] < d->group)
				continue;
			val[i] -= d->group;
			remainder -= d->group;
		}
	}
	for (i = 0; i < subset.len; i++) {
		double was = (double)d->after[d->pos[subset.arr[i]]] - d->rem_mean;
		double now = (double)val[i] - d->rem_mean;

		delta += now * now - was * was;
	}
	balance = d->rem_base + delta;
	if (balance < 0)
		balance = 0;
	balance = round(sqrt(balance / d->nnumas) * 1000) / 1000;
	if (balance < d->local_balance) {
		d->local_balance = balance;
		d->local_remainder = subset;
		d->have_local_remainder = true;
	}
	return LOOP_CONTINUE;
}

static int min_int(int a, int b) { return a < b ? a : b; }

/* CPUDetails.AreNUMANodesInSameSocket: all CPUs of the combination's NUMA
 * nodes lie in one socket. (takeByTopologyNUMADistributed's alignBySocket,
 * as kubelet master has it; see its resize twin in cpu_assignment_resize.go) */
static bool one_socket(const struct dist *d, struct gslice combo)
{
	int i;

	for (i = 0; i < combo.len; i++)
		if (d->numa_socket[combo.arr[i]] < 0 ||
		    d->numa_socket[combo.arr[i]] != d->numa_socket[combo.arr[0]])
			return false;
	return true;
}

static enum loop_control combo_fn_main(struct gslice combo, void *arg)
{
	struct dist *d = arg;
	struct acc *a = d->a;
	int i, total = 0, groups = 0, distribution, nrem = 0, kk;
	bool better, in_one_socket = false;
	int *rem;

	if (d->have_best && d->best_balance == 0 && (!d->align_socket || d->best_in_one_socket))
		return LOOP_BREAK;
	for (i = 0; i < combo.len; i++)
		total += a->nfree[L_NUMA][combo.arr[i]];
	if (total < d->num)
		return LOOP_CONTINUE;
	for (i = 0; i < combo.len; i++)
		groups += a->nfree[L_NUMA][combo.arr[i]] / d->group;
	if (groups * d->group < d->num)
		return LOOP_CONTINUE;
	distribution = (d->num / combo.len / d->group) * d->group;
	/* align-by-socket: no NUMA node is asked for more whole groups than it has */
	for (i = 0; d->align_socket && i < combo.len; i++)
		distribution = min_int(distribution, a->nfree[L_NUMA][combo.arr[i]] / d->group * d->group);
	for (i = 0; i < combo.len; i++)
		if (a->nfree[L_NUMA][combo.arr[i]] < distribution)
			return LOOP_CONTINUE;

	for (i = 0; i < d->nnumas; i++)
		d->after[i] = a->nfree[L_NUMA][d->numas[i]];
	for (i = 0; i < combo.len; i++)
		d->after[d->pos[combo.arr[i]]] -= distribution;
	d->remainder = d->num - distribution * combo.len;

	rem = xmalloc(sizeof(int) * (size_t)(combo.len ? combo.len : 1));
	for (i = 0; i < combo.len; i++)
		if (d->after[d->pos[combo.arr[i]]] >= d->group)
			rem[nrem++] = combo.arr[i];

	d->local_balance = HUGE_VAL;
	d->have_local_remainder = false;
	if (d->remainder == 0)
		d->local_balance = stddev3(d->after, d->nnumas);
	if (d->remainder > 0) {
		double sum_after = 0;

		for (i = 0; i < d->nnumas; i++)
			sum_after += (double)d->after[i];
		d->rem_mean = round((sum_after - d->remainder) / d->nnumas * 1000) / 1000;
		d->rem_base = 0;
		for (i = 0; i < d->nnumas; i++)
			d->rem_base += ((double)d->after[i] - d->rem_mean) * ((double)d->after[i] - d->rem_mean);
	}
	for (kk = nrem; d->remainder > 0 && kk >= 1; kk--)
		iterate_combinations(d->pool, rem, nrem, kk, remainder_fn, d);
	free(rem);

	/* align-by-socket: a combination within one socket beats any that
	 * crosses sockets; within a category the lower balance wins */
	better = d->local_balance < (d->have_best ? d->best_balance : HUGE_VAL);
	if (d->align_socket) {
		in_one_socket = one_socket(d, combo);
		if (in_one_socket != d->best_in_one_socket)
			better = in_one_socket;
	}
	if (better) {
		d->best_balance = d->local_balance;
		d->have_best = true;
		d->best_combo = combo;
		d->best_remainder = d->local_remainder;
		d->have_remainder = d->have_local_remainder;
		if (d->align_socket)
			d->best_in_one_socket = in_one_socket;
	}
	return LOOP_CONTINUE;
}

/* takeByTopologyNUMAPacked on the free CPUs of one NUMA node, into a. */
static void take_from_numa(struct dist *d, int numa, int count)
{
	struct acc *a = d->a;
	const struct ilist *g = &a->k->numa_cpus[numa];
	struct cpuset sub = CPUSET_INIT, got = CPUSET_INIT;
	char err[256];
	int i;

	for (i = 0; i < g->n; i++)
		if (a->free[g->v[i]])
			cpuset_set(&sub, (unsigned)a->k->cpu_id[g->v[i]]);
	if (take_packed(a->k, &sub, count, a->sort, false, &got, err, sizeof(err)) == 0) {
		int c, n = 0;
		int *idx = xmalloc(sizeof(int) * (cpuset_count(&got) + 1));

		for (c = cpuset_first(&got); c >= 0; c = cpuset_next(&got, c))
			idx[n++] = a->k->idx_of[c];
		acc_take(a, idx, n);
		free(idx);
	}
	cpuset_release(&sub);
	cpuset_release(&got);
}

/* rangeNUMANodesNeededToSatisfy: how few and how many NUMA nodes a
 * distribution of needed CPUs in groups can span */
static void numas_needed(const struct ktopo *k, int navail, int needed, int group, int *min, int *max)
{
	int groups_all = (k->ncpu - 1) / group + 1;
	int per_numa = (groups_all - 1) / k->nnuma + 1;
	int needed_groups = (needed - 1) / group + 1;

	*min = (needed_groups - 1) / per_numa + 1;
	*max = needed_groups < navail ? needed_groups : navail;
}

static void dist_init(struct dist *d, struct acc *a, struct gpool *pool, const struct ilist *numas,
		      int num, int group, bool align_socket)
{
	const struct ktopo *k = a->k;
	int i, j;

	d->a = a;
	d->pool = pool;
	d->numas = numas->v;
	d->nnumas = numas->n;
	d->num = num;
	d->group = group;
	d->pos = xmalloc(sizeof(int) * (size_t)(k->nnuma + 1));
	for (i = 0; i < k->nnuma; i++)
		d->pos[i] = -1;
	for (i = 0; i < numas->n; i++)
		d->pos[numas->v[i]] = i;
	d->after = xmalloc(sizeof(int) * (size_t)(numas->n + 1));
	d->scratch = xmalloc(sizeof(int) * (size_t)(numas->n + 1));
	d->align_socket = align_socket;
	d->numa_socket = xmalloc(sizeof(int) * (size_t)(k->nnuma + 1));
	for (i = 0; i < k->nnuma; i++) {
		const struct ilist *g = &k->numa_cpus[i];

		d->numa_socket[i] = g->n ? k->cpu_socket[g->v[0]] : -1;
		for (j = 1; j < g->n; j++)
			if (k->cpu_socket[g->v[j]] != d->numa_socket[i])
				d->numa_socket[i] = -1;
	}
}

static void dist_release(struct dist *d)
{
	free(d->pos);
	free(d->after);
	free(d->scratch);
	free(d->numa_socket);
}

/* The best combination's CPUs: the even distribution from each of its NUMA
 * nodes, then the remainder a group at a time over the best remainder
 * subset. 0, or -1 with the kubelet's accounting error in err. */
static int take_best_combo(struct dist *d, char *err, size_t errlen)
{
	struct acc *a = d->a;
	int i, distribution, remainder, group = d->group;

	/* no chosen NUMA node is asked for more whole groups than it has
	 * (only align-by-socket can have chosen such a combination) */
	distribution = (d->num / d->best_combo.len / group) * group;
	for (i = 0; i < d->best_combo.len; i++)
		distribution = min_int(distribution, a->nfree[L_NUMA][d->best_combo.arr[i]] / group * group);
	for (i = 0; i < d->best_combo.len; i++)
		take_from_numa(d, d->best_combo.arr[i], distribution);
	remainder = d->num - distribution * d->best_combo.len;
	while (remainder > 0) {
		bool progress = false;

		for (i = 0; d->have_remainder && i < d->best_remainder.len; i++) {
			int numa = d->best_remainder.arr[i];

			if (remainder == 0)
				break;
			if (a->nfree[L_NUMA][numa] < group)
				continue;
			take_from_numa(d, numa, group);
			remainder -= group;
			progress = true;
		}
		if (!progress)   /* the kubelet would spin here forever */
			break;
	}
	if (a->needed > 0) {
		snprintf(err, errlen, "accounting error, not enough CPUs allocated, remaining: %d", a->needed);
		return -1;
	}
	if (a->needed < 0) {
		snprintf(err, errlen, "accounting error, too many CPUs allocated, remaining: %d", a->needed);
		return -1;
	}
	return 0;
}

int take_distributed(const struct ktopo *k, const struct cpuset *avail, int num, int group,
		     enum take_sort sort, bool align_socket, struct cpuset *result,
		     char *err, size_t errlen)
{
	struct acc a;
	struct gpool pool = { NULL, 0, 0, 0, 0 };
	struct dist d;
	struct ilist numas = { 0, NULL };
	int ret = -1, kk, min_numas, max_numas;
	bool packed = false;

	if (group < 1)
		group = 1;
	/* a request that cannot be cut into groups is packed */
	if (num % group != 0)
		return take_packed(k, avail, num, sort, false, result, err, errlen);

	cpuset_clear_all(result);
	acc_init(&a, k, avail, num, sort);
	memset(&d, 0, sizeof(d));
	if (is_satisfied(&a)) {
		ret = 0;
		goto out;
	}
	if (is_failed(&a)) {
		fail_not_enough(num, avail, err, errlen);
		goto out;
	}
	numas = sort_available_numas(&a);
	numas_needed(k, numas.n, a.needed, group, &min_numas, &max_numas);
	dist_init(&d, &a, &pool, &numas, num, group, align_socket);
	/* the fewest NUMA nodes that give a balanced combination */
	for (kk = min_numas; kk <= max_numas; kk++) {
		d.have_best = false;
		d.best_balance = HUGE_VAL;
		d.best_in_one_socket = false;
		d.have_remainder = false;
		iterate_combinations(&pool, numas.v, numas.n, kk, combo_fn_main, &d);
		if (!d.have_best)
			continue;
		ret = take_best_combo(&d, err, errlen);
		if (ret == 0)
			result_set(&a, result);
		goto out;
	}
	/* no balanced combination: fall back to packing */
	packed = true;
out:
	free(numas.v);
	dist_release(&d);
	gpool_free(&pool);
	acc_release(&a);
	if (packed)
		return take_packed(k, avail, num, sort, false, result, err, errlen);
	if (ret)
		cpuset_clear_all(result);
	return ret;
}
