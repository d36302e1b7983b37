/* alloc.c - what the kubelet's three managers recorded for each container
 * (cpu_manager_state, memory_manager_state, the Device Manager checkpoint
 * below --kubelet-dir), and whether it keeps the Topology Manager's promise.
 *
 * The promise, by topologyManagerPolicy (pkg/kubelet/cm/topologymanager):
 *   single-numa-node  the container's (pod's, under the pod scope) exclusive
 *                     CPUs, memory and hugepages blocks and NUMA-affine
 *                     devices all sit on one and the same NUMA node;
 *   restricted        the merged hint is the affinity the Memory Manager
 *                     records (its numaAffinity), so CPUs and devices must
 *                     lie within the memory's NUMA nodes;
 *   best-effort, none no promise to check.
 * Device NUMA nodes are the ones the Device Manager recorded (the DeviceIDs
 * key, from the plugin's topology); key -1 means no NUMA affinity. Where a
 * device id is a PCI address (SR-IOV and similar plugins), sysfs's
 * numa_node is the truth: a plugin that reported another node is a finding,
 * and alignment is judged on sysfs's node.
 * Parsing and checksums are common/checkpoints.c and common/statefile.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoints.h"
#include "cpuset.h"
#include "diag.h"
#include "nv.h"
#include "xalloc.h"

struct owner {
	char *pod, *container;   /* container NULL: the pod as a whole */
	struct cpuset cpu, mem, dev;
};

struct owners {
	size_t n;
	struct owner *v;
};

static struct owner *owner_get(struct owners *o, const char *pod, const char *container)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->v[i].pod, pod) &&
		    (container ? o->v[i].container && !strcmp(o->v[i].container, container)
			       : !o->v[i].container))
			return &o->v[i];
	o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
	memset(&o->v[o->n], 0, sizeof(o->v[o->n]));
	o->v[o->n].pod = xstrdup(pod);
	o->v[o->n].container = container ? xstrdup(container) : NULL;
	return &o->v[o->n++];
}

static void owners_free(struct owners *o)
{
	size_t i;

	for (i = 0; i < o->n; i++) {
		free(o->v[i].pod);
		free(o->v[i].container);
		cpuset_release(&o->v[i].cpu);
		cpuset_release(&o->v[i].mem);
		cpuset_release(&o->v[i].dev);
	}
	free(o->v);
}

/* Each set is recorded for the container and, for the pod scope, the pod. */
static void add_numa(struct owners *o, const char *pod, const char *container, int which,
		     const struct cpuset *numa)
{
	struct owner *who[2];
	size_t first;
	int k;

	/* the second lookup may move the array: index, then pointers */
	first = (size_t)(owner_get(o, pod, container) - o->v);
	who[1] = owner_get(o, pod, NULL);
	who[0] = &o->v[first];
	for (k = 0; k < 2; k++) {
		struct cpuset *s = which == 0 ? &who[k]->cpu : which == 1 ? &who[k]->mem : &who[k]->dev;

		cpuset_or(s, numa);
	}
}

static const char *what_name[] = { "exclusive CPUs", "memory", "devices" };

static void judge(struct nv_alloc *a, const struct owner *w, const char *policy)
{
	const struct cpuset *sets[3] = { &w->cpu, &w->mem, &w->dev };
	char who[600];
	int i, j;

	if (w->container)
		snprintf(who, sizeof(who), "pod: %.250s, container: %.250s", w->pod, w->container);
	else
		snprintf(who, sizeof(who), "pod: %.250s", w->pod);
	if (!strcmp(policy, "single-numa-node")) {
		for (i = 0; i < 3; i++)
			if (cpuset_count(sets[i]) > 1) {
				char *l = cpuset_format_list(sets[i]);

				nv_strv_addf(&a->findings,
					     "%s: %s on NUMA nodes %s, not one (topologyManagerPolicy single-numa-node)",
					     who, what_name[i], l);
				free(l);
			}
		for (i = 0; i < 3; i++)
			for (j = i + 1; j < 3; j++) {
				char *x, *y;

				if (cpuset_count(sets[i]) != 1 || cpuset_count(sets[j]) != 1 ||
				    cpuset_equal(sets[i], sets[j]))
					continue;
				x = cpuset_format_list(sets[i]);
				y = cpuset_format_list(sets[j]);
				nv_strv_addf(&a->findings,
					     "%s: %s on NUMA node %s, %s on NUMA node %s (topologyManagerPolicy single-numa-node)",
					     who, what_name[i], x, what_name[j], y);
				free(x);
				free(y);
			}
	} else if (!strcmp(policy, "restricted") && !cpuset_is_empty(&w->mem)) {
		for (i = 0; i < 3; i += 2) {
			char *x, *y;

			if (cpuset_is_empty(sets[i]) || cpuset_is_subset(sets[i], &w->mem))
				continue;
			x = cpuset_format_list(sets[i]);
			y = cpuset_format_list(&w->mem);
			nv_strv_addf(&a->findings,
				     "%s: %s on NUMA nodes %s, outside its memory's NUMA nodes %s (topologyManagerPolicy restricted)",
				     who, what_name[i], x, y);
			free(x);
			free(y);
		}
	}
}

/* Read one checkpoint below root: 1 when absent (nothing assigned), -1 on
 * an input error, 0 read; a refusal in the kubelet's words is a problem. */
static int read_ckpt(struct nv_alloc *a, const char *root, const char *dir, const char *name,
		     bool memory, const char *mm_policy, struct tk_diag *d)
{
	char *path, *buf = NULL;
	size_t len = 0;
	int rc;

	path = xmalloc(strlen(dir) + strlen(name) + 2);
	sprintf(path, "%s/%s", dir, name);
	if (!nv_exists(root, path, NULL)) {
		free(path);
		return 1;
	}
	rc = nv_read_input(root, path, path, &buf, &len, d);
	if (rc == 0)
		rc = memory ? tk_mem_checkpoint_parse(&a->mem, path, buf, len, mm_policy, d)
			    : tk_dev_checkpoint_parse(&a->dev, path, buf, len, d);
	free(buf);
	if (rc < 0 && (strstr(d->msg, "checkpoint is corrupted") || strstr(d->msg, "[memorymanager]"))) {
		/* the kubelet would refuse it: a finding, not an input error */
		nv_strv_addf(&a->problems, "%s: %s", path, d->msg);
		rc = 1;
	}
	if (rc < 0 && !d->file[0])
		snprintf(d->file, sizeof(d->file), "%s", path);
	if (rc == 0) {
		if (memory)
			a->mem_file = xstrdup(path);
		else
			a->dev_file = xstrdup(path);
	}
	free(path);
	return rc;
}

/* "0000:3b:00.1": domain:bus:device.function, as /sys/bus/pci/devices names it */
static bool is_pci_address(const char *id)
{
	static const char shape[] = "xxxx:xx:xx.x";
	size_t i;

	if (strlen(id) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'x' ? !isxdigit((unsigned char)id[i]) : id[i] != shape[i])
			return false;
	return true;
}

/* sysfs's NUMA node of a PCI device id: -1 none, -2 unknown */
static int sysfs_numa_of(const char *root, const char *id)
{
	char path[64], *buf = NULL, *end;
	long v;

	if (!is_pci_address(id))
		return -2;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/numa_node", id);
	if (nv_read_file(root, path, &buf, NULL) < 0)
		return -2;
	v = strtol(buf, &end, 10);
	if (end == buf || v < -1 || v > CPUSET_MAX_ID)
		v = -2;
	free(buf);
	return (int)v;
}

static void load_sysfs_numa(struct nv_alloc *a, const char *root)
{
	size_t i, j;

	a->dev_sysfs_numa = xcalloc(a->dev.nentries ? a->dev.nentries : 1, sizeof(int *));
	for (i = 0; i < a->dev.nentries; i++) {
		const struct tk_dev_entry *e = &a->dev.entries[i];

		a->dev_sysfs_numa[i] = xcalloc(e->nids ? e->nids : 1, sizeof(int));
		for (j = 0; j < e->nids; j++)
			a->dev_sysfs_numa[i][j] = sysfs_numa_of(root, e->ids[j]);
	}
}

int nv_alloc_load(struct nv_alloc *a, const char *root, const char *dir, const char *sys_root,
		  const char *mm_policy, struct tk_diag *d)
{
	int rc;

	rc = read_ckpt(a, root, dir, "memory_manager_state", true, mm_policy, d);
	if (rc < 0)
		return -1;
	a->have_mem = rc == 0;
	rc = read_ckpt(a, root, dir, "device-plugins/kubelet_internal_checkpoint", false, NULL, d);
	if (rc < 0)
		return -1;
	a->have_dev = rc == 0;
	if (a->have_dev)
		load_sysfs_numa(a, sys_root);
	return 0;
}

void nv_alloc_judge(struct nv_alloc *a, const struct nv_topo *t, const struct nv_state *cpu,
		    const char *policy, const char *scope)
{
	struct owners o = { 0, NULL };
	struct cpuset numa = CPUSET_INIT;
	bool pod_scope = scope && !strcmp(scope, "pod");
	size_t i, j;

	if (!policy)
		return;
	for (i = 0; cpu && i < cpu->nentries; i++) {
		nv_topo_numa_of(t, &cpu->entries[i].cpus, &numa);
		add_numa(&o, cpu->entries[i].pod, cpu->entries[i].container, 0, &numa);
	}
	for (i = 0; a->have_mem && i < a->mem.nassign; i++) {
		const struct tk_mem_assignment *m = &a->mem.assign[i];

		cpuset_clear_all(&numa);
		for (j = 0; j < m->nblocks; j++) {
			size_t k;

			for (k = 0; k < m->blocks[j].nnuma; k++)
				if (m->blocks[j].numa[k] >= 0 && m->blocks[j].numa[k] <= CPUSET_MAX_ID)
					cpuset_set(&numa, (unsigned)m->blocks[j].numa[k]);
		}
		add_numa(&o, m->pod, m->container, 1, &numa);
	}
	for (i = 0; a->have_dev && i < a->dev.nentries; i++) {
		const struct tk_dev_entry *e = &a->dev.entries[i];

		cpuset_clear_all(&numa);
		for (j = 0; j < e->nids; j++) {
			int sys = a->dev_sysfs_numa[i][j], node = sys != -2 ? sys : e->numa[j];

			if (sys != -2 && sys != e->numa[j])
				nv_strv_addf(&a->findings,
					     "pod: %.250s, container: %.250s: %.250s device %s recorded on NUMA node %d, but sysfs puts it on NUMA node %d (the device plugin reports a wrong topology)",
					     e->pod, e->container, e->resource, e->ids[j], e->numa[j], sys);
			if (node >= 0 && node <= CPUSET_MAX_ID)
				cpuset_set(&numa, (unsigned)node);
		}
		add_numa(&o, e->pod, e->container, 2, &numa);
	}
	for (i = 0; i < o.n; i++)
		if (!o.v[i].container == pod_scope)
			judge(a, &o.v[i], policy);
	a->judged = o.n;
	cpuset_release(&numa);
	owners_free(&o);
}

void nv_alloc_release(struct nv_alloc *a)
{
	if (a->have_mem)
		tk_mem_checkpoint_release(&a->mem);
	if (a->have_dev) {
		size_t i;

		for (i = 0; a->dev_sysfs_numa && i < a->dev.nentries; i++)
			free(a->dev_sysfs_numa[i]);
		free(a->dev_sysfs_numa);
		tk_dev_checkpoint_release(&a->dev);
	}
	free(a->mem_file);
	free(a->dev_file);
	nv_strv_free(&a->problems);
	nv_strv_free(&a->findings);
	memset(a, 0, sizeof(*a));
}
