/* bind.c - pin this process to the chosen CPUs (and memory to their NUMA
 * nodes) through hwloc, like numactl --physcpubind --membind, and check that
 * the kernel really gave all of them. Ids are OS indexes on both sides (hwloc
 * PU os_index, NUMA node os_index), which is what the topology document
 * holds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwloc.h>

#include "alloc.h"

/* "CPUs 1-3" of a bitmap into err. */
static void say_list(char *err, size_t errlen, const char *fmt, hwloc_const_bitmap_t a,
		     hwloc_const_bitmap_t b, int e)
{
	char *sa = NULL, *sb = NULL;

	hwloc_bitmap_list_asprintf(&sa, a);
	if (b)
		hwloc_bitmap_list_asprintf(&sb, b);
	snprintf(err, errlen, fmt, sa ? sa : "?", b ? (sb ? sb : "?") : strerror(e));
	free(sa);
	free(sb);
}

int ca_bind_cpus(const struct ktopo *k, const struct cpuset *cpus, bool no_membind, char *err,
		 size_t errlen)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set = NULL, nodes = NULL, got = NULL;
	int c, ret = -1;

	if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
		snprintf(err, errlen, "cannot load the machine topology (hwloc): %s", strerror(errno));
		return -1;
	}
	set = hwloc_bitmap_alloc();
	nodes = hwloc_bitmap_alloc();
	got = hwloc_bitmap_alloc();
	for (c = cpuset_first(cpus); c >= 0; c = cpuset_next(cpus, c)) {
		hwloc_bitmap_set(set, (unsigned)c);
		if (ktopo_has(k, c))
			hwloc_bitmap_set(nodes, (unsigned)k->numa_id[k->cpu_numa[k->idx_of[c]]]);
	}
	if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS | HWLOC_CPUBIND_STRICT) < 0 &&
	    hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) < 0) {
		say_list(err, errlen, "cannot bind to CPUs %s: %s", set, NULL, errno);
		goto out;
	}
	/* the kernel keeps only the CPUs the cpuset cgroup allows (and that
	 * exist): fewer than asked is a failure, not a silent narrower pin */
	if (hwloc_get_cpubind(topo, got, HWLOC_CPUBIND_THREAD) < 0) {
		say_list(err, errlen, "cannot read back the binding to CPUs %s: %s", set, NULL, errno);
		goto out;
	}
	if (!hwloc_bitmap_isequal(got, set)) {
		say_list(err, errlen, "asked for CPUs %s, but the kernel allows only CPUs %s "
			 "(a cpuset cgroup or this machine has fewer)", set, got, 0);
		goto out;
	}
	if (!no_membind &&
	    hwloc_set_membind(topo, nodes, HWLOC_MEMBIND_BIND,
			      HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) < 0) {
		say_list(err, errlen, "cannot bind memory to NUMA node(s) %s: %s (try --no-membind)", nodes,
			 NULL, errno);
		goto out;
	}
	ret = 0;
out:
	hwloc_bitmap_free(set);
	hwloc_bitmap_free(nodes);
	hwloc_bitmap_free(got);
	hwloc_topology_destroy(topo);
	return ret;
}
