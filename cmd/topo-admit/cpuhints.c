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
	const struct topo *t;
	const struct cpuset *available, *reusable;
	int request;
	int min_affinity;
	size_t n, cap;
	struct ta_hint *v;
};

static size_t cpus_in_mask(const struct topo *t, ta_mask m)
{
	size_t i, n = 0;

	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].numa >= 0 && t->cpus[i].numa < TA_MAX_NUMA && (m >> t->cpus[i].numa & 1))
			n++;
	return n;
}

static bool cpu_in_mask(const struct topo *t, int cpu, ta_mask m)
{
	const struct topo_cpu *c = topo_cpu(t, cpu);

	return c && c->numa >= 0 && c->numa < TA_MAX_NUMA && (m >> c->numa & 1);
}

static void visit(ta_mask m, void *arg)
{
	struct gen *g = arg;
	int c, matching = 0;

	if ((int)cpus_in_mask(g->t, m) >= g->request && ta_mask_count(m) < g->min_affinity)
		g->min_affinity = ta_mask_count(m);
	/* every reusable CPU must lie inside the mask */
	for (c = cpuset_first(g->reusable); c >= 0; c = cpuset_next(g->reusable, c)) {
		if (!cpu_in_mask(g->t, c, m))
			return;
		matching++;
	}
	for (c = cpuset_first(g->available); c >= 0; c = cpuset_next(g->available, c))
		if (cpu_in_mask(g->t, c, m))
			matching++;
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

static bool socket_aligned(const struct topo *t, ta_mask m, int min_affinity)
{
	size_t nnuma = topo_num_numa_with_cpus(t), nsock = topo_num_sockets(t), i;
	struct cpuset socks = CPUSET_INIT;
	int per, min_sockets;
	bool ok;

	if (!nsock)
		return false;
	per = (int)(nnuma / nsock);
	if (per == 0)
		return false;
	min_sockets = (min_affinity + per - 1) / per;
	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].numa >= 0 && t->cpus[i].numa < TA_MAX_NUMA && (m >> t->cpus[i].numa & 1))
			cpuset_set(&socks, (unsigned)t->cpus[i].socket);
	ok = (int)cpuset_count(&socks) == min_sockets;
	cpuset_release(&socks);
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

	g.t = t;
	g.available = available;
	g.reusable = reusable;
	g.request = request;
	g.min_affinity = (int)nids;
	ta_iterate_masks(ids, nids, visit, &g);
	free(ids);

	for (i = 0; i < g.n; i++) {
		if (align_by_socket && socket_aligned(t, g.v[i].mask, g.min_affinity)) {
			g.v[i].preferred = true;
			continue;
		}
		if (ta_mask_count(g.v[i].mask) == g.min_affinity)
			g.v[i].preferred = true;
	}
	*n = g.n;
	return g.v;
}
