/* policy.c - the static policy for the containers of one pod, over the
 * shared port in common/cpupolicy.c.
 */
#include <stdio.h>

#include "alloc.h"
#include "cpumanager.h"

/* staticPolicy.Allocate for each container of one pod, in order: an init
 * container's CPUs are reused by the containers after it, a sidecar's and
 * an app container's are not (updateCPUsToReuse). When one container
 * cannot be served the pod is rejected: every container's CPUs go back to
 * free_set (the kubelet drops a rejected pod's assignments). */
int ca_allocate_pod(const struct policy_opts *o, const struct ktopo *k, struct cpuset *free_set,
		    const struct cpuset *reserved, struct alloc_item *items, size_t n,
		    size_t *failed, char *err, size_t errlen)
{
	struct cpuset reuse = CPUSET_INIT, before = CPUSET_INIT;
	int ret = -1;
	size_t i;

	cpuset_copy(&before, free_set);
	for (i = 0; i < n; i++) {
		struct alloc_item *it = &items[i];
		/* staticPolicy.Allocate checks the SMT alignment of the request
		 * before it looks for the container in the state */
		bool misaligned = it->existing && o->full_pcpus_only && k->cpus_per_core > 0 &&
				  it->count % k->cpus_per_core != 0;

		if (misaligned)
			snprintf(err, errlen, "SMT Alignment Error: requested %d cpus not multiple cpus per core = %d",
				 it->count, k->cpus_per_core);
		if (misaligned || (!it->existing &&
		    policy_allocate(o, k, free_set, reserved, &reuse, it->count,
				    it->has_numa ? &it->numa : NULL, &it->cpus, err, errlen) != ALLOC_OK)) {
			*failed = i;
			cpuset_copy(free_set, &before);
			for (i = 0; i < n; i++)
				cpuset_clear_all(&items[i].cpus);
			goto out;
		}
		cpuset_andnot(free_set, &it->cpus);
		if (it->reusable)
			cpuset_or(&reuse, &it->cpus);
		else
			cpuset_andnot(&reuse, &it->cpus);
	}
	ret = 0;
out:
	cpuset_release(&reuse);
	cpuset_release(&before);
	return ret;
}
