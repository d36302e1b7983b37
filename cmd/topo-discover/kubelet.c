/* kubelet.c - what the kubelet reserves (KubeletConfiguration) and assigns
 * exclusively (its CPU, Memory and Device Manager checkpoints), for the
 * allocatable and available of -o nrt.
 */
#include <stdlib.h>
#include <string.h>

#include "checkpoints.h"
#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "kubeletconfig.h"
#include "quantity.h"
#include "statefile.h"
#include "xalloc.h"

/* What the kubelet keeps from the zones, by its configuration (decoded and
 * defaulted by common/kubeletconfig.h): reservedSystemCPUs, reservedMemory. */
static int load_config(struct node_alloc *na, const struct tk_kubelet_config *kc, struct tk_diag *d)
{
	size_t i, j, bad;

	na->policy = xstrdup(kc->topology_manager_policy);
	na->scope = xstrdup(kc->topology_manager_scope);
	if (*kc->reserved_system_cpus &&
	    cpuset_parse_list(&na->reserved_cpus, kc->reserved_system_cpus, DISCOVER_MAX_PUS, &bad) < 0)
		return tk_diag_set(d, kc->file, 0, 0, "invalid reservedSystemCPUs '%s'", kc->reserved_system_cpus);
	for (i = 0; i < kc->nreserved_memory; i++) {
		const struct tk_kc_reservation *r = &kc->reserved_memory[i];

		if (r->numa_node > 1023)
			return tk_diag_set(d, kc->file, 0, 0, "reservedMemory numaNode %lld is out of range (0-1023)",
					   r->numa_node);
		for (j = 0; j < r->n; j++) {
			struct node_reserved_mem *m;

			if (tk_qty_value(&r->q[j]) < 0)
				return tk_diag_set(d, kc->file, 0, 0, "invalid quantity for '%s'", r->resources[j]);
			na->resmem = xrealloc(na->resmem, (na->nresmem + 1) * sizeof(*na->resmem));
			m = &na->resmem[na->nresmem++];
			m->numa = (int)r->numa_node;
			m->resource = xstrdup(r->resources[j]);
			m->bytes = tk_qty_value(&r->q[j]);
		}
	}
	return 0;
}

/* cpu_manager_state as the CPU Manager restores it (state_checkpoint.go) */
static int load_cpu(struct node_alloc *na, const char *path, const char *policy,
		    struct tk_diag *d)
{
	struct tk_cpu_checkpoint cp;
	char *buf;
	size_t len, i;
	int rc;

	rc = tk_read_checkpoint(path, &buf, &len, d);
	if (rc != 0)
		return rc > 0 ? 0 : -1;
	rc = tk_cpu_checkpoint_parse(&cp, path, buf, len, d);
	free(buf);
	if (rc < 0)
		return -1;
	if (tk_cpu_checkpoint_owner(&cp) == TK_CK_OWNER_BAD)
		rc = tk_diag_set(d, path, 0, 0, "could not restore state from checkpoint: checkpoint is "
				 "corrupted, please drain this node and delete the CPU manager checkpoint "
				 "file \"%s\" before restarting Kubelet", path);
	else if (policy && strcmp(policy, cp.policy_name))
		rc = tk_diag_set(d, path, 0, 0, "could not restore state from checkpoint: configured "
				 "policy \"%s\" differs from state checkpoint policy \"%s\", please drain "
				 "this node and delete the CPU manager checkpoint file \"%s\" before "
				 "restarting Kubelet", policy, cp.policy_name, path);
	for (i = 0; rc == 0 && i < cp.nentries; i++) {
		struct cpuset s = { NULL, 0 };

		/* the parser checked every cpulist */
		if (cpuset_parse_list(&s, cp.entries[i].cpus, DISCOVER_MAX_PUS, &len) == 0)
			cpuset_or(&na->exclusive_cpus, &s);
		cpuset_release(&s);
	}
	if (rc == 0)
		na->cpu = cp;
	else
		tk_cpu_checkpoint_release(&cp);
	return rc;
}

int discover_node_alloc_load(struct node_alloc *na, const char *kubelet_dir, const char *config,
			     struct tk_diag *d)
{
	struct tk_kubelet_config kc = { 0 };
	const char *cpu_policy = NULL, *mem_policy = NULL;
	char *path = NULL;
	int rc = -1;

	memset(na, 0, sizeof(*na));
	if (config) {
		if (tk_kc_load(&kc, config, d) < 0 || load_config(na, &kc, d) < 0)
			goto out;
		cpu_policy = kc.cpu_manager_policy;
		mem_policy = kc.memory_manager_policy;
	}
	path = xasprintf("%s/cpu_manager_state", kubelet_dir);
	if (load_cpu(na, path, cpu_policy, d) < 0)
		goto out;
	free(path);
	path = xasprintf("%s/memory_manager_state", kubelet_dir);
	if (tk_mem_checkpoint_load(&na->mem, path, mem_policy, d) < 0)
		goto out;
	free(path);
	path = xasprintf("%s/device-plugins/kubelet_internal_checkpoint", kubelet_dir);
	if (tk_dev_checkpoint_load(&na->dev, path, d) < 0)
		goto out;
	rc = 0;
out:
	free(path);
	tk_kc_release(&kc);
	if (rc < 0)
		discover_node_alloc_release(na);
	return rc;
}

void discover_node_alloc_release(struct node_alloc *na)
{
	size_t i;

	cpuset_release(&na->reserved_cpus);
	cpuset_release(&na->exclusive_cpus);
	for (i = 0; i < na->nresmem; i++)
		free(na->resmem[i].resource);
	free(na->resmem);
	free(na->policy);
	free(na->scope);
	tk_cpu_checkpoint_release(&na->cpu);
	tk_mem_checkpoint_release(&na->mem);
	tk_dev_checkpoint_release(&na->dev);
	memset(na, 0, sizeof(*na));
}
