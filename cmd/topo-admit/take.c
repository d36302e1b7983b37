/* take.c - which free CPUs the static CPU Manager hands a container.
 *
 * Follows pkg/kubelet/cm/cpumanager: cpu_assignment.go
 * (takeByTopologyNUMAPacked and its cpuAccumulator: whole NUMA nodes and
 * sockets, whole cores, then single CPUs, each level sorted by ascending
 * free CPUs, ties by id) and policy_static.go (allocateCPUs,
 * getAlignedCPUs). Only the packed strategy: the options that change it
 * (distribute-cpus-across-numa, distribute-cpus-across-cores,
 * prefer-align-cpus-by-uncorecache) are not modelled here.
 *
 * Terminology:
 *   free      the CPUs the accumulator may still take (CPUDetails.KeepOnly)
 *   level     NUMA node, socket or core of a CPU, by id
 *   numa-first  NumSockets >= NumNUMANodes: NUMA nodes sit above sockets
 */
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "ta.h"
#include "xalloc.h"

enum level { LV_NUMA, LV_SOCKET, LV_CORE };

struct acc {
	const struct topo *t;
	struct cpuset free, result;
	int needed;
	bool numa_first;
	int per_core, per_socket;    /* CPUsPerCore, CPUsPerSocket: NumCPUs / NumX */
};

struct ids {
	size_t n, cap;
	int *v;
};

static int level_of(const struct topo_cpu *c, enum level l)
{
	return l == LV_NUMA ? c->numa : l == LV_SOCKET ? c->socket : c->core;
}

static void ids_push(struct ids *s, int v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = v;
}

static bool ids_has(const struct ids *s, int v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == v)
			return true;
	return false;
}

/* CPUs of the topology at level l with id (all = every CPU, else the free
 * ones) */
static int count_in(const struct acc *a, enum level l, int id, bool all)
{
	size_t i;
	int n = 0;

	for (i = 0; i < a->t->ncpus; i++) {
		const struct topo_cpu *c = &a->t->cpus[i];

		if (level_of(c, l) == id && (all || cpuset_test(&a->free, (unsigned)c->id)))
			n++;
	}
	return n;
}

/* the distinct level l ids of the free CPUs, optionally only those whose
 * parent level pl is pid (CPUDetails.XInY) */
static void free_ids(const struct acc *a, enum level l, bool has_parent, enum level pl, int pid,
		     struct ids *out)
{
	size_t i;

	out->n = 0;
	for (i = 0; i < a->t->ncpus; i++) {
		const struct topo_cpu *c = &a->t->cpus[i];

		if (!cpuset_test(&a->free, (unsigned)c->id))
			continue;
		if (has_parent && level_of(c, pl) != pid)
			continue;
		if (!ids_has(out, level_of(c, l)))
			ids_push(out, level_of(c, l));
	}
}

/* cpuAccumulator.sort: ascending free CPUs, then ascending id */
static void sort_ids(const struct acc *a, enum level l, struct ids *s)
{
	size_t i, j;
	int *cnt = xcalloc(s->n + 1, sizeof(*cnt));

	for (i = 0; i < s->n; i++)
		cnt[i] = count_in(a, l, s->v[i], false);
	for (i = 1; i < s->n; i++)
		for (j = i; j > 0 && (cnt[j - 1] > cnt[j] || (cnt[j - 1] == cnt[j] && s->v[j - 1] > s->v[j])); j--) {
			int tv = s->v[j], tc = cnt[j];

			s->v[j] = s->v[j - 1];
			cnt[j] = cnt[j - 1];
			s->v[j - 1] = tv;
			cnt[j - 1] = tc;
		}
	free(cnt);
}

/* the ids of level l one step below each of parents (in order), each group
 * sorted on its own, concatenated */
static void sorted_below(const struct acc *a, const struct ids *parents, enum level pl, enum level l,
			 struct ids *out)
{
	struct ids part = { 0 };
	size_t i, j;

	out->n = 0;
	for (i = 0; i < parents->n; i++) {
		free_ids(a, l, true, pl, parents->v[i], &part);
		sort_ids(a, l, &part);
		for (j = 0; j < part.n; j++)
			ids_push(out, part.v[j]);
	}
	free(part.v);
}

static void sort_numas(const struct acc *a, struct ids *out);

/* sortAvailableSockets */
static void sort_sockets(const struct acc *a, struct ids *out)
{
	struct ids numas = { 0 };

	if (!a->numa_first) {
		free_ids(a, LV_SOCKET, false, LV_SOCKET, 0, out);
		sort_ids(a, LV_SOCKET, out);
		return;
	}
	sort_numas(a, &numas);
	sorted_below(a, &numas, LV_NUMA, LV_SOCKET, out);
	free(numas.v);
}

/* sortAvailableNUMANodes */
static void sort_numas(const struct acc *a, struct ids *out)
{
	struct ids sockets = { 0 };

	if (a->numa_first) {
		free_ids(a, LV_NUMA, false, LV_NUMA, 0, out);
		sort_ids(a, LV_NUMA, out);
		return;
	}
	sort_sockets(a, &sockets);
	sorted_below(a, &sockets, LV_SOCKET, LV_NUMA, out);
	free(sockets.v);
}

/* sortAvailableCores: under sockets (numa-first) or NUMA nodes */
static void sort_cores(const struct acc *a, struct ids *out)
{
	struct ids up = { 0 };

	if (a->numa_first) {
		sort_sockets(a, &up);
		sorted_below(a, &up, LV_SOCKET, LV_CORE, out);
	} else {
		sort_numas(a, &up);
		sorted_below(a, &up, LV_NUMA, LV_CORE, out);
	}
	free(up.v);
}

/* cpuAccumulator.take: needed drops by the size of the set taken */
static void take_level(struct acc *a, enum level l, int id)
{
	size_t i;

	for (i = 0; i < a->t->ncpus; i++) {
		const struct topo_cpu *c = &a->t->cpus[i];

		if (level_of(c, l) != id)
			continue;
		cpuset_set(&a->result, (unsigned)c->id);
		cpuset_clear(&a->free, (unsigned)c->id);
		a->needed--;
	}
}

/* takeFullNUMANodes / takeFullSockets / takeFullCores: the whole-free
 * elements of the level, in its sorted order, each while at least its size
 * is still needed */
static void take_full(struct acc *a, enum level l)
{
	struct ids s = { 0 };
	size_t i;

	if (l == LV_NUMA)
		sort_numas(a, &s);
	else if (l == LV_SOCKET)
		sort_sockets(a, &s);
	else
		sort_cores(a, &s);
	/* the list of free elements is fixed before the first take */
	for (i = 0; i < s.n; i++) {
		int have = count_in(a, l, s.v[i], false);
		int whole = l == LV_NUMA ? count_in(a, l, s.v[i], true) : l == LV_SOCKET ? a->per_socket : a->per_core;

		s.v[i] = have == whole ? s.v[i] : -1;
	}
	for (i = 0; i < s.n; i++) {
		int size;

		if (s.v[i] < 0)
			continue;
		size = count_in(a, l, s.v[i], true);
		if (a->needed >= size)
			take_level(a, l, s.v[i]);
	}
	free(s.v);
}

/* takeRemainingCPUs: sortAvailableCPUs (the free CPUs of each sorted core,
 * ascending) computed once, taken one by one */
static void take_remaining(struct acc *a)
{
	struct ids cores = { 0 }, cpus = { 0 };
	size_t i, j;

	sort_cores(a, &cores);
	for (i = 0; i < cores.n; i++)
		for (j = 0; j < a->t->ncpus; j++) {
			const struct topo_cpu *c = &a->t->cpus[j];

			if (c->core == cores.v[i] && cpuset_test(&a->free, (unsigned)c->id))
				ids_push(&cpus, c->id);
		}
	/* a core's CPUs in ascending id; t->cpus is sorted by id */
	for (i = 0; i < cpus.n && a->needed >= 1; i++) {
		cpuset_set(&a->result, (unsigned)cpus.v[i]);
		cpuset_clear(&a->free, (unsigned)cpus.v[i]);
		a->needed--;
	}
	free(cores.v);
	free(cpus.v);
}

static size_t distinct_level(const struct topo *t, enum level l)
{
	struct ids s = { 0 };
	size_t i, n;

	for (i = 0; i < t->ncpus; i++)
		if (!ids_has(&s, level_of(&t->cpus[i], l)))
			ids_push(&s, level_of(&t->cpus[i], l));
	n = s.n;
	free(s.v);
	return n;
}

int ta_take_packed(const struct topo *t, const struct cpuset *avail, int num, struct cpuset *result)
{
	struct acc a;
	size_t ncores = distinct_level(t, LV_CORE), nsockets = distinct_level(t, LV_SOCKET);
	int rc = -1;

	memset(&a, 0, sizeof(a));
	a.t = t;
	cpuset_copy(&a.free, avail);
	cpuset_and(&a.free, &t->all);
	a.needed = num;
	a.numa_first = nsockets >= distinct_level(t, LV_NUMA);
	a.per_core = ncores ? (int)(t->ncpus / ncores) : 0;
	a.per_socket = nsockets ? (int)(t->ncpus / nsockets) : 0;
	cpuset_clear_all(result);
	if (a.needed < 1) {
		rc = 0;
		goto out;
	}
	if (a.needed > (int)cpuset_count(&a.free))
		goto out;
	take_full(&a, a.numa_first ? LV_NUMA : LV_SOCKET);
	if (a.needed >= 1)
		take_full(&a, a.numa_first ? LV_SOCKET : LV_NUMA);
	if (a.needed >= 1)
		take_full(&a, LV_CORE);
	if (a.needed >= 1)
		take_remaining(&a);
	if (a.needed < 1) {
		cpuset_copy(result, &a.result);
		rc = 0;
	}
out:
	cpuset_release(&a.free);
	cpuset_release(&a.result);
	return rc;
}
