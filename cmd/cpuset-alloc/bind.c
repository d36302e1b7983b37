/* bind.c - pin this process to the chosen CPUs (and memory to their NUMA
 * nodes) through hwloc, then exec the command, like numactl --physcpubind
 * --membind. Ids are OS indexes on both sides (hwloc PU os_index, NUMA
 * node os_index), which is what the topology document holds. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hwloc.h>

#include "alloc.h"

void bind_and_exec(const struct ktopo *k, const struct cpuset *cpus, bool no_membind,
		   char *const argv[], char *err, size_t errlen)
{
	hwloc_topology_t topo;
	hwloc_bitmap_t set = NULL, nodes = NULL;
	int c, i;

	if (hwloc_topology_init(&topo) < 0 || hwloc_topology_load(topo) < 0) {
		snprintf(err, errlen, "cannot load the machine topology (hwloc): %s", strerror(errno));
		return;
	}
	set = hwloc_bitmap_alloc();
	nodes = hwloc_bitmap_alloc();
	for (c = cpuset_first(cpus); c >= 0; c = cpuset_next(cpus, c)) {
		hwloc_bitmap_set(set, (unsigned)c);
		if (ktopo_has(k, c))
			hwloc_bitmap_set(nodes, (unsigned)k->numa_id[k->cpu_numa[k->idx_of[c]]]);
	}
	if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS | HWLOC_CPUBIND_STRICT) < 0 &&
	    hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS) < 0) {
		char *s = NULL;

		hwloc_bitmap_list_asprintf(&s, set);
		snprintf(err, errlen, "cannot bind to CPUs %s: %s", s ? s : "?", strerror(errno));
		free(s);
		goto out;
	}
	if (!no_membind &&
	    hwloc_set_membind(topo, nodes, HWLOC_MEMBIND_BIND,
			      HWLOC_MEMBIND_THREAD | HWLOC_MEMBIND_BYNODESET) < 0) {
		char *s = NULL;

		hwloc_bitmap_list_asprintf(&s, nodes);
		snprintf(err, errlen, "cannot bind memory to NUMA node(s) %s: %s (try --no-membind)",
			 s ? s : "?", strerror(errno));
		free(s);
		goto out;
	}
	hwloc_bitmap_free(set);
	hwloc_bitmap_free(nodes);
	hwloc_topology_destroy(topo);
	fflush(NULL);
	execvp(argv[0], argv);
	i = errno;
	snprintf(err, errlen, "cannot execute '%s': %s", argv[0], strerror(i));
	return;
out:
	hwloc_bitmap_free(set);
	hwloc_bitmap_free(nodes);
	hwloc_topology_destroy(topo);
}
