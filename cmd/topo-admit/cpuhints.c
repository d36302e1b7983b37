/* cpuhints.c - CPU Manager (static policy) topology hints.
 *
 * Follows staticPolicy.generateCPUTopologyHints and isHintSocketAligned in
 * pkg/kubelet/cm/cpumanager/policy_static.go, and bitmask.IterateBitMasks
 * for the order in which NUMA combinations are tried.
 */
#include <stdlib.h>

#include "topo.h"
#include "ta.h"
#include "xalloc.h"

struct gen {
	int request;
	int min_affinity;
	/* per NUMA id: the topology's CPUs, and the available ones, on it */
	int total[TA_MAX_NUMA], avail[TA_MAX_NUMA];
	/* the NUMA nodes every mask must hold for the reusable CPUs; no mask
	 * holds one whose NUMA node is unknown */
	ta_mask reusable_numa;
	bool reusable_lost;
	int nreusable;
	size_t n, cap;
	struct ta_hint *v;
};

static int sum_in_mask(const int *per, ta_mask m)
{
	int n = 0;

	for (; m; m &= m - 1)
		n += per[__builtin_ctzll(m)];
	return n;
}

static bool numa_known(int numa)
{
	return numa >= 0 && numa < TA_MAX_NUMA;
}

/* the IterateBitMasks callback of generateCPUTopologyHints, from per-NUMA
 * counts: the same CPUs it counts one by one */
static void visit(ta_mask m, void *arg)
{
	struct gen *g = arg;
	int matching;

	if (sum_in_mask(g->total, m) >= g->request && ta_mask_count(m) < g->min_affinity)
		g->min_affinity = ta_mask_count(m);
	/* every reusable CPU must lie inside the mask */
	if (g->reusable_lost || (g->reusable_numa & ~m))
		return;
	matching = g->nreusable + sum_in_mask(g->avail, m);
	if (matching < g->request)
		return;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = xreallocarray(g->v, g->cap, sizeof(*g->v));
	}
	g->v[g->n++] = (struct ta_hint){ true, m, false };
}

/* bitmask.IterateBitMasks: sizes 1..n; each size in lexicographic order of ids */
static void iterate(const int *ids, size_t nids, ta_mask acc, size_t have, size_t size,
		    void (*fn)(ta_mask, void *), void *arg)
{
	size_t i;

	if (have == size) {
		fn(acc, arg);
		return;
	}
	for (i = 0; i < nids; i++)
		iterate(ids + i + 1, nids - i - 1, acc | (ta_mask)1 << ids[i], have + 1, size, fn, arg);
}

void ta_iterate_masks(const int *ids, size_t n, void (*fn)(ta_mask m, void *arg), void *arg)
{
	size_t size;

	for (size = 1; size <= n; size++)
		iterate(ids, n, 0, 0, size, fn, arg);
}

/* isHintSocketAligned: the mask's CPUs span exactly the fewest sockets that
 * min_affinity NUMA nodes need. socks[id] holds NUMA node id's sockets. */
static bool socket_aligned(const struct cpuset *socks, int per_socket, ta_mask m, int min_affinity)
{
	struct cpuset span = CPUSET_INIT;
	bool ok;

	if (per_socket == 0)
		return false;
	for (; m; m &= m - 1)
		cpuset_or(&span, &socks[__builtin_ctzll(m)]);
	ok = (int)cpuset_count(&span) == (min_affinity + per_socket - 1) / per_socket;
	cpuset_release(&span);
	return ok;
}

struct ta_hint *ta_cpu_hints(const struct topo *t, const struct cpuset *available,
			     const struct cpuset *reusable, int request, bool align_by_socket,
			     size_t *n)
{
	struct gen g = { 0 };
	struct cpuset numas = CPUSET_INIT;
	int *ids;
	size_t nids = 0, i;
	int id;

	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].numa >= 0 && t->cpus[i].numa < TA_MAX_NUMA)
			cpuset_set(&numas, (unsigned)t->cpus[i].numa);
	ids = xcalloc(cpuset_count(&numas) + 1, sizeof(*ids));
	for (id = cpuset_first(&numas); id >= 0; id = cpuset_next(&numas, id))
		ids[nids++] = id;
	cpuset_release(&numas);

	for (i = 0; i < t->ncpus; i++)
		if (numa_known(t->cpus[i].numa))
			g.total[t->cpus[i].numa]++;
	for (id = cpuset_first(available); id >= 0; id = cpuset_next(available, id)) {
		const struct topo_cpu *c = topo_cpu(t, id);

		if (c && numa_known(c->numa))
			g.avail[c->numa]++;
	}
	for (id = cpuset_first(reusable); id >= 0; id = cpuset_next(reusable, id)) {
		const struct topo_cpu *c = topo_cpu(t, id);

		if (c && numa_known(c->numa))
			g.reusable_numa |= (ta_mask)1 << c->numa;
		else
			g.reusable_lost = true;
		g.nreusable++;
	}
	g.request = request;
	g.min_affinity = (int)nids;
	ta_iterate_masks(ids, nids, visit, &g);
	free(ids);

	if (align_by_socket) {
		size_t nsock = topo_num_sockets(t);
		int per = nsock ? (int)(topo_num_numa_with_cpus(t) / nsock) : 0;
		struct cpuset socks[TA_MAX_NUMA];

		for (i = 0; i < TA_MAX_NUMA; i++)
			cpuset_init(&socks[i]);
		for (i = 0; i < t->ncpus; i++)
			if (numa_known(t->cpus[i].numa))
				cpuset_set(&socks[t->cpus[i].numa], (unsigned)t->cpus[i].socket);
		for (i = 0; i < g.n; i++)
			if (socket_aligned(socks, per, g.v[i].mask, g.min_affinity))
				g.v[i].preferred = true;
		for (i = 0; i < TA_MAX_NUMA; i++)
			cpuset_release(&socks[i]);
	}
	for (i = 0; i < g.n; i++)
		if (ta_mask_count(g.v[i].mask) == g.min_affinity)
			g.v[i].preferred = true;
	*n = g.n;
	return g.v;
}
