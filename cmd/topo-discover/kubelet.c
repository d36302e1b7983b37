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
#include "doc.h"
#include "quantity.h"
#include "statefile.h"
#include "xalloc.h"

static int load_config(struct node_alloc *na, const char *path, const char **cpu_policy,
		       const char **mem_policy, struct tk_doc **docp, struct tk_diag *d)
{
	const struct tk_node *root, *rm;
	const char *cpus = NULL, *s = NULL;
	struct tk_doc *doc;
	size_t i, j, bad;

	doc = tk_doc_load(path, NULL, d);
	if (!doc)
		return -1;
	*docp = doc;
	if (doc->nitems != 1 || doc->items[0]->kind != TK_MAP)
		return tk_node_error(doc->file, doc->nitems ? doc->items[0] : NULL, d,
				     "a KubeletConfiguration must be one object");
	root = doc->items[0];
	if (tk_get_str(doc->file, root, "kind", false, &s, d) < 0)
		return -1;
	if (s && strcmp(s, "KubeletConfiguration"))
		return tk_node_error(doc->file, tk_get(root, "kind"), d,
				     "kind '%s' is not KubeletConfiguration", s);
	if (tk_get_str(doc->file, root, "reservedSystemCPUs", false, &cpus, d) < 0 ||
	    tk_get_str(doc->file, root, "cpuManagerPolicy", false, cpu_policy, d) < 0 ||
	    tk_get_str(doc->file, root, "memoryManagerPolicy", false, mem_policy, d) < 0)
		return -1;
	s = "none";
	if (tk_get_str(doc->file, root, "topologyManagerPolicy", false, &s, d) < 0)
		return -1;
	na->policy = xstrdup(s);
	s = "container";
	if (tk_get_str(doc->file, root, "topologyManagerScope", false, &s, d) < 0)
		return -1;
	na->scope = xstrdup(s);
	if (cpus && cpuset_parse_list(&na->reserved_cpus, cpus, DISCOVER_MAX_PUS, &bad) < 0)
		return tk_node_error(doc->file, tk_get(root, "reservedSystemCPUs"), d,
				     "invalid reservedSystemCPUs '%s'", cpus);
	rm = tk_get(root, "reservedMemory");
	if (!rm || rm->kind == TK_NULL)
		return 0;
	if (tk_expect(doc->file, rm, TK_SEQ, "reservedMemory", d) < 0)
		return -1;
	for (i = 0; i < rm->n; i++) {
		const struct tk_node *e = rm->items[i], *lim;
		long long numa;

		if (tk_expect(doc->file, e, TK_MAP, "reservedMemory item", d) < 0 ||
		    tk_get_int(doc->file, e, "numaNode", true, 0, 1023, &numa, d) < 0)
			return -1;
		lim = tk_get(e, "limits");
		if (!lim || lim->kind == TK_NULL)
			continue;
		if (tk_expect(doc->file, lim, TK_MAP, "limits", d) < 0)
			return -1;
		for (j = 0; j < lim->n; j++) {
			struct tk_qty q;
			struct node_reserved_mem *r;

			if (!tk_is_scalar(lim->items[j]) || tk_qty_parse(tk_scalar_text(lim->items[j]), &q) ||
			    tk_qty_value(&q) < 0)
				return tk_node_error(doc->file, lim->items[j], d,
						     "invalid quantity for '%s'", lim->keys[j]->text);
			na->resmem = xrealloc(na->resmem, (na->nresmem + 1) * sizeof(*na->resmem));
			r = &na->resmem[na->nresmem++];
			r->numa = (int)numa;
			r->resource = xstrdup(lim->keys[j]->text);
			r->bytes = tk_qty_value(&q);
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

int node_alloc_load(struct node_alloc *na, const char *kubelet_dir, const char *config,
		    struct tk_diag *d)
{
	const char *cpu_policy = NULL, *mem_policy = NULL;
	struct tk_doc *doc = NULL;
	char *path = NULL;
	int rc = -1;

	memset(na, 0, sizeof(*na));
	if (config) {
		if (load_config(na, config, &cpu_policy, &mem_policy, &doc, d) < 0)
			goto out;
		/* the kubelet's defaults when the configuration names none */
		if (!cpu_policy)
			cpu_policy = "none";
		if (!mem_policy)
			mem_policy = "None";
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
	tk_doc_free(doc);
	if (rc < 0)
		node_alloc_release(na);
	return rc;
}

void node_alloc_release(struct node_alloc *na)
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
