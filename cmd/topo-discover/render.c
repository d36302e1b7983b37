/* render.c - the topology as a readable tree (-o text) and as a
 * NodeResourceTopology object (-o nrt).
 *
 * Terminology:
 *   level   socket, NUMA node, L3 cache, core: the groupings of CPUs the
 *           document records. Real machines nest them differently (a NUMA
 *           node holds two packages on old Itanium, a package holds two NUMA
 *           nodes under SNC, an L3 spans both of them), so the tree is built
 *           by cpuset inclusion as lstopo does, not in a fixed order.
 *   zone    one NUMA node in a NodeResourceTopology ("node-<id>", type
 *           Node), the shape nfd-topology-updater publishes.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "labels.h"
#include "quantity.h"
#include "topo.h"
#include "xalloc.h"

enum level { L_SOCKET, L_NUMA, L_L3, L_CORE, L_MAX };

static const char *const level_name[L_MAX] = { "Package", "NUMANode", "L3", "Core" };

struct tobj {
	enum level level;
	int id;
	struct cpuset cpus;
	size_t ncpus;
	size_t nchildren;
	size_t *children;
};

struct tree {
	size_t n;
	struct tobj *objs;
	int *index[L_MAX];       /* id -> objs index, per level */
	size_t nroots;
	size_t *roots;
};

static int cpu_level_id(const struct topo_cpu *c, enum level l)
{
	switch (l) {
	case L_SOCKET:
		return c->socket;
	case L_NUMA:
		return c->numa;
	case L_L3:
		return c->l3;
	case L_CORE:
	case L_MAX:
		break;
	}
	return c->core;
}

static void push(size_t **v, size_t *n, size_t x)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = x;
}

/* p is an ancestor of o: holds all of o's CPUs, and more of them, or the
 * same ones at a higher level (socket > NUMA > L3 > core). */
static bool is_above(const struct tobj *p, const struct tobj *o)
{
	if (p->ncpus < o->ncpus || (p->ncpus == o->ncpus && p->level >= o->level))
		return false;
	return cpuset_is_subset(&o->cpus, &p->cpus);
}

static const struct tree *tree_sort_ctx;

static int cmp_child(const void *a, const void *b)
{
	const struct tobj *x = &tree_sort_ctx->objs[*(const size_t *)a];
	const struct tobj *y = &tree_sort_ctx->objs[*(const size_t *)b];
	int fx = cpuset_first(&x->cpus), fy = cpuset_first(&y->cpus);

	if (fx != fy)
		return fx < fy ? -1 : 1;
	return (int)x->level - (int)y->level;
}

static void tree_build(struct tree *tr, const struct topo *t)
{
	int maxid[L_MAX] = { -1, -1, -1, -1 };
	size_t i, k;
	int l;

	memset(tr, 0, sizeof(*tr));
	for (i = 0; i < t->ncpus; i++)
		for (l = 0; l < L_MAX; l++)
			if (cpu_level_id(&t->cpus[i], l) > maxid[l])
				maxid[l] = cpu_level_id(&t->cpus[i], l);
	for (l = 0; l < L_MAX; l++) {
		tr->index[l] = xmalloc(((size_t)maxid[l] + 1) * sizeof(int));
		for (k = 0; k <= (size_t)maxid[l] && maxid[l] >= 0; k++)
			tr->index[l][k] = -1;
	}
	tr->objs = xcalloc(t->ncpus * L_MAX + 1, sizeof(*tr->objs));
	for (i = 0; i < t->ncpus; i++)
		for (l = 0; l < L_MAX; l++) {
			int id = cpu_level_id(&t->cpus[i], l);
			struct tobj *o;

			if (id < 0)
				continue;
			if (tr->index[l][id] < 0) {
				tr->index[l][id] = (int)tr->n;
				o = &tr->objs[tr->n++];
				o->level = l;
				o->id = id;
				cpuset_init(&o->cpus);
			}
			o = &tr->objs[tr->index[l][id]];
			cpuset_set(&o->cpus, (unsigned)t->cpus[i].id);
			o->ncpus++;
		}
	/* the candidates for o's parent are the objects holding o's first CPU */
	for (i = 0; i < tr->n; i++) {
		struct tobj *o = &tr->objs[i];
		const struct topo_cpu *c = topo_cpu(t, cpuset_first(&o->cpus));
		struct tobj *best = NULL;

		for (l = 0; c && l < L_MAX; l++) {
			int id = cpu_level_id(c, l);
			struct tobj *p;

			if (id < 0 || tr->index[l][id] < 0)
				continue;
			p = &tr->objs[tr->index[l][id]];
			if (!is_above(p, o))
				continue;
			if (!best || p->ncpus < best->ncpus ||
			    (p->ncpus == best->ncpus && p->level > best->level))
				best = p;
		}
		if (best)
			push(&best->children, &best->nchildren, i);
		else
			push(&tr->roots, &tr->nroots, i);
	}
	tree_sort_ctx = tr;
	qsort(tr->roots, tr->nroots, sizeof(size_t), cmp_child);
	for (i = 0; i < tr->n; i++)
		if (tr->objs[i].nchildren > 1)
			qsort(tr->objs[i].children, tr->objs[i].nchildren, sizeof(size_t), cmp_child);
}

static void tree_release(struct tree *tr)
{
	size_t i;
	int l;

	for (i = 0; i < tr->n; i++) {
		cpuset_release(&tr->objs[i].cpus);
		free(tr->objs[i].children);
	}
	for (l = 0; l < L_MAX; l++)
		free(tr->index[l]);
	free(tr->objs);
	free(tr->roots);
}

void discover_format_bytes(char *buf, size_t len, uint64_t b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)b;
	unsigned i = 0;

	while (v >= 1024 && i + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		i++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, unit[i]);
	else
		snprintf(buf, len, "%.1f %s", v, unit[i]);
}

static void print_bytes(FILE *out, uint64_t b)
{
	char buf[32];

	discover_format_bytes(buf, sizeof(buf), b);
	fputs(buf, out);
}

static void print_numa_attrs(FILE *out, const struct topo_numa *n)
{
	size_t h;
	const char *sep = " (";

	if (n->memory) {
		fputs(sep, out);
		print_bytes(out, n->memory);
		sep = "; ";
	}
	if (n->nhugepages) {
		fprintf(out, "%shugepages", sep);
		for (h = 0; h < n->nhugepages; h++)
			fprintf(out, " %s:%llu", n->hugepages[h].size,
				(unsigned long long)n->hugepages[h].pages);
		sep = "; ";
	}
	if (cpuset_is_empty(&n->cpus)) {
		fprintf(out, "%sno CPUs", sep);
		sep = "; ";
	}
	if (strcmp(sep, " (") != 0)
		fputc(')', out);
}

static void print_obj(FILE *out, const struct topo *t, const struct tree *tr, size_t i,
		      unsigned depth)
{
	const struct tobj *o = &tr->objs[i];
	size_t k;

	fprintf(out, "%*s%s %s%d", (int)depth * 2, "", level_name[o->level],
		o->level == L_L3 || o->level == L_CORE ? "#" : "P#", o->id);
	if (o->level == L_NUMA) {
		const struct topo_numa *n = topo_numa(t, o->id);

		if (n)
			print_numa_attrs(out, n);
	}
	if (o->level == L_CORE) {
		int c;

		fputs(": PU", out);
		for (c = cpuset_first(&o->cpus); c >= 0; c = cpuset_next(&o->cpus, c))
			fprintf(out, " P#%d", c);
		fputc('\n', out);
		return;
	}
	fputc('\n', out);
	for (k = 0; k < o->nchildren; k++)
		print_obj(out, t, tr, o->children[k], depth + 1);
}

static uint64_t total_memory(const struct topo *t)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < t->nnuma; i++)
		sum += t->numa[i].memory;
	return sum;
}

static void print_distances(FILE *out, const struct topo *t)
{
	size_t i, j;

	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].ndistances != t->nnuma)
			return;
	if (t->nnuma == 0)
		return;
	fputs("\nNUMA distances:\n     ", out);
	for (j = 0; j < t->nnuma; j++)
		fprintf(out, " %4d", t->numa[j].id);
	fputc('\n', out);
	for (i = 0; i < t->nnuma; i++) {
		fprintf(out, "%4d:", t->numa[i].id);
		for (j = 0; j < t->nnuma; j++)
			fprintf(out, " %4d", t->numa[i].distances[j]);
		fputc('\n', out);
	}
}

static void print_devices(FILE *out, const struct topo *t)
{
	size_t i;

	if (!t->ndevices)
		return;
	fputs("\nDevices:\n", out);
	for (i = 0; i < t->ndevices; i++) {
		const struct topo_device *dv = &t->devices[i];

		fprintf(out, "  %s %-11s %s:%s", dv->id, dv->class ? dv->class : "other",
			dv->vendor ? dv->vendor : "????", dv->device ? dv->device : "????");
		if (dv->numa >= 0)
			fprintf(out, " NUMA %d", dv->numa);
		else
			fputs(" NUMA -", out);
		if (dv->resource)
			fprintf(out, " %s", dv->resource);
		if (dv->name && *dv->name)
			fprintf(out, " \"%s\"", dv->name);
		fputc('\n', out);
	}
}

#define S(n) ((n) == 1 ? "" : "s")

int discover_render_text(const struct topo *t, FILE *out)
{
	struct tree tr;
	size_t i;
	uint64_t mem = total_memory(t);

	tree_build(&tr, t);
	fputs("Machine", out);
	if (t->hostname)
		fprintf(out, " \"%s\"", t->hostname);
	fprintf(out, " (%zu CPU%s, %zu core%s, %zu socket%s, %zu NUMA node%s, %zu L3",
		t->ncpus, S(t->ncpus), topo_num_cores(t), S(topo_num_cores(t)),
		topo_num_sockets(t), S(topo_num_sockets(t)), t->nnuma, S(t->nnuma), topo_num_l3(t));
	if (mem) {
		fputs(", ", out);
		print_bytes(out, mem);
	}
	fputs(")\n", out);
	for (i = 0; i < tr.nroots; i++)
		print_obj(out, t, &tr, tr.roots[i], 1);
	for (i = 0; i < t->nnuma; i++)
		if (cpuset_is_empty(&t->numa[i].cpus)) {
			fprintf(out, "  NUMANode P#%d", t->numa[i].id);
			print_numa_attrs(out, &t->numa[i]);
			fputc('\n', out);
		}
	tree_release(&tr);
	print_distances(out, t);
	print_devices(out, t);
	return ferror(out) ? -1 : 0;
}

/* ---- NodeResourceTopology ---- */

/* One resource of one zone; quantities in units (CPUs, bytes, devices). */
struct zres {
	int numa;
	char *name;
	int64_t capacity, allocatable, available;
};

struct zres_table {
	size_t n;
	struct zres *r;
};

static void zres_add(struct zres_table *zt, int numa, const char *name, int64_t capacity)
{
	zt->r = xrealloc(zt->r, (zt->n + 1) * sizeof(*zt->r));
	zt->r[zt->n].numa = numa;
	zt->r[zt->n].name = xstrdup(name);
	zt->r[zt->n].capacity = zt->r[zt->n].allocatable = zt->r[zt->n].available = capacity;
	zt->n++;
}

static struct zres *zres_find(struct zres_table *zt, int numa, const char *name)
{
	size_t i;

	for (i = 0; i < zt->n; i++)
		if (zt->r[i].numa == numa && strcmp(zt->r[i].name, name) == 0)
			return &zt->r[i];
	return NULL;
}

static void zres_take(int64_t *v, int64_t n)
{
	*v = *v > n ? *v - n : 0;
}

static json_t *nrt_resource(const struct zres *z)
{
	json_t *r = json_object();

	json_object_set_new(r, "name", json_string(z->name));
	json_object_set_new(r, "capacity", json_sprintf("%lld", (long long)z->capacity));
	json_object_set_new(r, "allocatable", json_sprintf("%lld", (long long)z->allocatable));
	json_object_set_new(r, "available", json_sprintf("%lld", (long long)z->available));
	return r;
}

static uint64_t hugepage_bytes(const struct topo_hugepages *h)
{
	struct tk_qty q;

	if (tk_qty_parse(h->size, &q) != 0 || tk_qty_value(&q) <= 0)
		return 0;
	return (uint64_t)tk_qty_value(&q) * h->pages;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Device resources of one zone: count per resource name, sorted by name. */
static void nrt_devices(struct zres_table *zt, const struct topo *t, int numa)
{
	const char **names = xcalloc(t->ndevices + 1, sizeof(*names));
	size_t i, n = 0;

	for (i = 0; i < t->ndevices; i++)
		if (t->devices[i].resource && t->devices[i].numa == numa)
			names[n++] = t->devices[i].resource;
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n;) {
		size_t j = i;

		while (j < n && strcmp(names[j], names[i]) == 0)
			j++;
		zres_add(zt, numa, names[i], (int64_t)(j - i));
		i = j;
	}
	free(names);
}

/* Capacity of every resource of every zone, from the hardware. */
static void zone_capacity(struct zres_table *zt, const struct topo *t)
{
	size_t k, i;

	for (k = 0; k < t->nnuma; k++) {
		const struct topo_numa *n = &t->numa[k];
		size_t ncpu = cpuset_count(&n->cpus);
		uint64_t huge = 0;

		if (ncpu)
			zres_add(zt, n->id, "cpu", (int64_t)ncpu);
		for (i = 0; i < n->nhugepages; i++)
			huge += hugepage_bytes(&n->hugepages[i]);
		/* the kubelet's memory capacity leaves out pre-allocated hugepages */
		if (n->memory)
			zres_add(zt, n->id, "memory", (int64_t)(n->memory > huge ? n->memory - huge : 0));
		for (i = 0; i < n->nhugepages; i++) {
			char *rn = xasprintf("hugepages-%s", n->hugepages[i].size);

			zres_add(zt, n->id, rn, (int64_t)hugepage_bytes(&n->hugepages[i]));
			free(rn);
		}
		nrt_devices(zt, t, n->id);
	}
}

/* A memory block's size taken from its NUMA nodes in the order of its
 * affinity, each emptied before the next, as node-feature-discovery's
 * updateMemoryAvailable (pkg/resourcemonitor) mirrors the Memory Manager. */
static void take_memory_block(struct zres_table *zt, const struct tk_mem_block *b)
{
	int64_t left = b->size > INT64_MAX ? INT64_MAX : (int64_t)b->size;
	size_t i;

	for (i = 0; i < b->nnuma && left > 0; i++) {
		struct zres *z = zres_find(zt, b->numa[i], b->type);

		if (!z || z->available == 0)
			continue;
		if (left >= z->available) {
			left -= z->available;
			z->available = 0;
		} else {
			z->available -= left;
			left = 0;
		}
	}
}

/* allocatable = capacity - reservations, available = allocatable - exclusive
 * assignments, as nfd-topology-updater's resource aggregator reports them. */
static void zone_allocation(struct zres_table *zt, const struct topo *t, const struct node_alloc *na)
{
	size_t i, j, k;

	for (k = 0; k < t->nnuma; k++) {
		const struct topo_numa *n = &t->numa[k];
		struct zres *z = zres_find(zt, n->id, "cpu");

		if (!z)
			continue;
		zres_take(&z->allocatable, (int64_t)cpuset_count_and(&n->cpus, &na->reserved_cpus));
		z->available = z->allocatable;
		zres_take(&z->available, (int64_t)cpuset_count_and(&n->cpus, &na->exclusive_cpus));
	}
	for (i = 0; i < na->nresmem; i++) {
		struct zres *z = zres_find(zt, na->resmem[i].numa, na->resmem[i].resource);

		if (!z)
			continue;
		zres_take(&z->allocatable, na->resmem[i].bytes);
		z->available = z->allocatable;
	}
	for (i = 0; i < na->mem.nassign; i++)
		for (j = 0; j < na->mem.assign[i].nblocks; j++)
			take_memory_block(zt, &na->mem.assign[i].blocks[j]);
	for (i = 0; i < na->dev.nentries; i++) {
		const struct tk_dev_entry *e = &na->dev.entries[i];

		for (j = 0; j < e->nids; j++) {
			struct zres *z = zres_find(zt, e->numa[j], e->resource);

			if (z)
				zres_take(&z->available, 1);
		}
	}
}

static json_t *nrt_zone(const struct topo *t, size_t k, const struct zres_table *zt)
{
	const struct topo_numa *n = &t->numa[k];
	json_t *z = json_object(), *res = json_array();
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), "node-%d", n->id);
	json_object_set_new(z, "name", json_string(name));
	json_object_set_new(z, "type", json_string("Node"));
	if (n->ndistances == t->nnuma) {
		json_t *costs = json_array();

		for (i = 0; i < t->nnuma; i++) {
			json_t *c = json_object();

			snprintf(name, sizeof(name), "node-%d", t->numa[i].id);
			json_object_set_new(c, "name", json_string(name));
			json_object_set_new(c, "value", json_integer(n->distances[i]));
			json_array_append_new(costs, c);
		}
		json_object_set_new(z, "costs", costs);
	}
	for (i = 0; i < zt->n; i++)
		if (zt->r[i].numa == n->id)
			json_array_append_new(res, nrt_resource(&zt->r[i]));
	json_object_set_new(z, "resources", res);
	return z;
}

/* The deprecated topologyPolicies word, still read by scheduler-plugins when
 * the attributes are absent; as nfd-topology-updater's
 * DetectTopologyPolicy() (node-feature-discovery pkg/topologypolicy) forms it
 * from the kubelet's policy and scope. */
static const char *legacy_policy(const char *policy, const char *scope)
{
	bool pod = scope && strcmp(scope, "pod") == 0;

	if (strcmp(policy, "single-numa-node") == 0)
		return pod ? "SingleNUMANodePodLevel" : "SingleNUMANodeContainerLevel";
	if (strcmp(policy, "restricted") == 0)
		return pod ? "RestrictedPodLevel" : "RestrictedContainerLevel";
	if (strcmp(policy, "best-effort") == 0)
		return pod ? "BestEffortPodLevel" : "BestEffortContainerLevel";
	return "None";
}

static json_t *attribute(const char *name, const char *value)
{
	json_t *a = json_object();

	json_object_set_new(a, "name", json_string(name));
	json_object_set_new(a, "value", json_string(value));
	return a;
}

json_t *discover_render_nrt(const struct topo *t, const struct nrt_opts *o, struct tk_diag *d)
{
	const char *src = o->name ? o->name : t->hostname;
	struct tk_strv errs = { 0, NULL };
	struct zres_table zt = { 0, NULL };
	json_t *nrt, *meta, *zones;
	char *name;
	size_t i;

	if (!src || !*src) {
		tk_diag_set(d, NULL, 0, 0, "-o nrt needs a node name: the source has no "
			    "hostname, give --node-name");
		return NULL;
	}
	name = xstrdup(src);
	for (i = 0; name[i]; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	if (tk_validate_dns1123_subdomain(name, &errs) > 0) {
		tk_diag_set(d, NULL, 0, 0, "invalid node name '%s': %s", name, errs.v[0]);
		tk_strv_free(&errs);
		free(name);
		return NULL;
	}
	nrt = json_object();
	json_object_set_new(nrt, "apiVersion", json_string("topology.node.k8s.io/v1alpha2"));
	json_object_set_new(nrt, "kind", json_string("NodeResourceTopology"));
	meta = json_object();
	json_object_set_new(meta, "name", json_string(name));
	json_object_set_new(nrt, "metadata", meta);
	free(name);
	if (o->policy) {
		json_t *pol = json_array(), *attrs = json_array();

		json_array_append_new(pol, json_string(legacy_policy(o->policy, o->scope)));
		json_object_set_new(nrt, "topologyPolicies", pol);
		json_array_append_new(attrs, attribute("topologyManagerPolicy", o->policy));
		json_array_append_new(attrs, attribute("topologyManagerScope",
						       o->scope ? o->scope : "container"));
		json_object_set_new(nrt, "attributes", attrs);
	} else if (o->scope) {
		json_t *attrs = json_array();

		json_array_append_new(attrs, attribute("topologyManagerScope", o->scope));
		json_object_set_new(nrt, "attributes", attrs);
	}
	zone_capacity(&zt, t);
	if (o->alloc)
		zone_allocation(&zt, t, o->alloc);
	zones = json_array();
	for (i = 0; i < t->nnuma; i++)
		json_array_append_new(zones, nrt_zone(t, i, &zt));
	json_object_set_new(nrt, "zones", zones);
	for (i = 0; i < zt.n; i++)
		free(zt.r[i].name);
	free(zt.r);
	return nrt;
}
