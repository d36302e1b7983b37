/* bind.c - pin this process to the chosen CPUs (and memory to their NUMA
 * nodes), like numactl --physcpubind --membind, and check that the kernel
 * really gave all of them. Ids are OS indexes on both sides, which is what
 * the topology document holds.
 *
 * The two system calls are made directly rather than through hwloc: loading
 * libhwloc (and the libudev, libxml2 ... it pulls in) cost every run of
 * cpuset-alloc more than its whole allocation, for a path only --exec takes.
 * cpuset-alloc has one thread, so the calling thread's affinity and memory
 * policy are the process's, and both survive the exec. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "cpuset.h"

/* MPOL_BIND of <linux/mempolicy.h>, which is a kernel header not every
 * build machine carries; its value is part of the system call's ABI */
enum { KERNEL_MPOL_BIND = 2 };

/* "cannot bind to CPUs 1-3: reason" */
static void say_list(char *err, size_t errlen, const char *fmt, const struct cpuset *a,
		     const struct cpuset *b, int e)
{
	char *sa = cpuset_format_list(a), *sb = b ? cpuset_format_list(b) : NULL;

	snprintf(err, errlen, fmt, sa, b ? sb : strerror(e));
	free(sa);
	free(sb);
}

/* The CPUs this thread may run on, as the kernel reports them. */
static int read_affinity(struct cpuset *got, size_t ncpus)
{
	cpu_set_t *mask = CPU_ALLOC(ncpus);
	size_t size = CPU_ALLOC_SIZE(ncpus), c;

	if (!mask)
		return -1;
	if (sched_getaffinity(0, size, mask) < 0) {
		CPU_FREE(mask);
		return -1;
	}
	cpuset_clear_all(got);
	for (c = 0; c < ncpus; c++)
		if (CPU_ISSET_S(c, size, mask))
			cpuset_set(got, (unsigned)c);
	CPU_FREE(mask);
	return 0;
}

static int set_affinity(const struct cpuset *set, size_t ncpus)
{
	cpu_set_t *mask = CPU_ALLOC(ncpus);
	size_t size = CPU_ALLOC_SIZE(ncpus);
	int c, ret;

	if (!mask)
		return -1;
	CPU_ZERO_S(size, mask);
	for (c = cpuset_first(set); c >= 0; c = cpuset_next(set, c))
		CPU_SET_S((size_t)c, size, mask);
	ret = sched_setaffinity(0, size, mask);
	CPU_FREE(mask);
	return ret;
}

/* set_mempolicy(MPOL_BIND, nodes): the kernel reads maxnode - 1 bits of the
 * mask (an off-by-one its callers have always compensated for), so one bit
 * more than the words hold is passed. */
static int bind_memory(const struct cpuset *nodes)
{
	int last = cpuset_last(nodes), n;
	size_t bits_per_word = 8 * sizeof(unsigned long), nwords;
	unsigned long *mask;
	long ret;

	if (last < 0) {
		errno = EINVAL;
		return -1;
	}
	nwords = (size_t)last / bits_per_word + 1;
	mask = calloc(nwords, sizeof(*mask));
	if (!mask)
		return -1;
	for (n = cpuset_first(nodes); n >= 0; n = cpuset_next(nodes, n))
		mask[(size_t)n / bits_per_word] |= 1UL << ((size_t)n % bits_per_word);
	ret = syscall(SYS_set_mempolicy, KERNEL_MPOL_BIND, mask, nwords * bits_per_word + 1);
	free(mask);
	return ret < 0 ? -1 : 0;
}

int ca_bind_cpus(const struct ktopo *k, const struct cpuset *cpus, bool no_membind, char *err,
		 size_t errlen)
{
	struct cpuset nodes = CPUSET_INIT, got = CPUSET_INIT;
	/* room for every id the set names, and no less than the kernel's
	 * usual mask so that sched_getaffinity never refuses a small buffer */
	size_t ncpus = (size_t)(cpuset_last(cpus) + 1) > 8192 ? (size_t)(cpuset_last(cpus) + 1) : 8192;
	int c, ret = -1;

	for (c = cpuset_first(cpus); c >= 0; c = cpuset_next(cpus, c))
		if (ktopo_has(k, c))
			cpuset_set(&nodes, (unsigned)k->numa_id[k->cpu_numa[k->idx_of[c]]]);
	if (set_affinity(cpus, ncpus) < 0) {
		say_list(err, errlen, "cannot bind to CPUs %s: %s", cpus, NULL, errno);
		goto out;
	}
	/* the kernel keeps only the CPUs the cpuset cgroup allows (and that
	 * exist): fewer than asked is a failure, not a silent narrower pin */
	if (read_affinity(&got, ncpus) < 0) {
		say_list(err, errlen, "cannot read back the binding to CPUs %s: %s", cpus, NULL, errno);
		goto out;
	}
	if (!cpuset_equal(&got, cpus)) {
		say_list(err, errlen, "asked for CPUs %s, but the kernel allows only CPUs %s "
			 "(a cpuset cgroup or this machine has fewer)", cpus, &got, 0);
		goto out;
	}
	if (!no_membind && bind_memory(&nodes) < 0) {
		say_list(err, errlen, "cannot bind memory to NUMA node(s) %s: %s (try --no-membind)", &nodes,
			 NULL, errno);
		goto out;
	}
	ret = 0;
out:
	cpuset_release(&nodes);
	cpuset_release(&got);
	return ret;
}
