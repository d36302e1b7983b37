/* topo.c - load, validate, derive and emit the topology document (topo.h).
 *
 * Consumers accept a document with only "cpus" (even only ids), so loading
 * fills the gaps the way the kubelet's topology discovery would see such a
 * machine: a CPU without a core is its own core, missing socket/NUMA are 0,
 * and a missing last-level cache is the socket (the kubelet's fallback for
 * machines without an uncore cache id).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "topo.h"
#include "xalloc.h"

#define TOPO_MAX_ID CPUSET_MAX_ID

void topo_init(struct topo *t)
{
	memset(t, 0, sizeof(*t));
}

static void numa_release(struct topo_numa *n)
{
	size_t i;

	cpuset_release(&n->cpus);
	for (i = 0; i < n->nhugepages; i++)
		free(n->hugepages[i].size);
	free(n->hugepages);
	free(n->distances);
}

void topo_release(struct topo *t)
{
	size_t i;

	free(t->hostname);
	free(t->cpus);
	for (i = 0; i < t->nnuma; i++)
		numa_release(&t->numa[i]);
	free(t->numa);
	for (i = 0; i < t->ndevices; i++) {
		struct topo_device *dev = &t->devices[i];

		free(dev->id);
		free(dev->class);
		free(dev->vendor);
		free(dev->device);
		free(dev->name);
		free(dev->resource);
	}
	free(t->devices);
	cpuset_release(&t->all);
	topo_init(t);
}

static int cmp_cpu(const void *a, const void *b)
{
	const struct topo_cpu *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_numa(const void *a, const void *b)
{
	const struct topo_numa *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

const struct topo_cpu *topo_cpu(const struct topo *t, int id)
{
	size_t lo = 0, hi = t->ncpus;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->cpus[mid].id == id)
			return &t->cpus[mid];
		if (t->cpus[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int topo_numa_index(const struct topo *t, int id)
{
	size_t i;

	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].id == id)
			return (int)i;
	return -1;
}

const struct topo_numa *topo_numa(const struct topo *t, int id)
{
	int i = topo_numa_index(t, id);

	return i < 0 ? NULL : &t->numa[i];
}

int topo_finish(struct topo *t, struct tk_diag *d)
{
	size_t i;

	for (i = 1; i < t->ncpus && t->cpus[i - 1].id < t->cpus[i].id; i++)
		;
	if (i < t->ncpus)  /* most topologies list CPUs in order already */
		qsort(t->cpus, t->ncpus, sizeof(*t->cpus), cmp_cpu);
	cpuset_clear_all(&t->all);
	for (i = 0; i < t->ncpus; i++) {
		if (i && t->cpus[i].id == t->cpus[i - 1].id)
			return tk_diag_set(d, NULL, 0, 0, "cpu %d is listed twice", t->cpus[i].id);
		cpuset_set(&t->all, (unsigned)t->cpus[i].id);
	}
	/* NUMA nodes named by CPUs but not listed get an entry */
	for (i = 0; i < t->ncpus; i++) {
		if (topo_numa_index(t, t->cpus[i].numa) >= 0)
			continue;
		t->numa = xreallocarray(t->numa, t->nnuma + 1, sizeof(*t->numa));
		memset(&t->numa[t->nnuma], 0, sizeof(*t->numa));
		t->numa[t->nnuma].id = t->cpus[i].numa;
		t->nnuma++;
	}
	/* sorting NUMA nodes would scramble distance rows written in list order */
	for (i = 1; i < t->nnuma; i++)
		if (t->numa[i].id < t->numa[i - 1].id)
			break;
	if (i < t->nnuma) {
		bool have_dist = false;
		size_t k;

		for (k = 0; k < t->nnuma; k++)
			have_dist |= t->numa[k].ndistances > 0;
		if (have_dist)
			return tk_diag_set(d, NULL, 0, 0, "numa nodes with distances must be listed by ascending id");
		qsort(t->numa, t->nnuma, sizeof(*t->numa), cmp_numa);
	}
	for (i = 0; i < t->nnuma; i++) {
		struct topo_numa *n = &t->numa[i];

		if (i && n->id == t->numa[i - 1].id)
			return tk_diag_set(d, NULL, 0, 0, "numa node %d is listed twice", n->id);
		if (n->ndistances && n->ndistances != t->nnuma)
			return tk_diag_set(d, NULL, 0, 0,
					   "numa node %d has %zu distances, expected %zu (one per numa node)",
					   n->id, n->ndistances, t->nnuma);
		cpuset_clear_all(&n->cpus);
	}
	for (i = 0; i < t->ncpus; i++)
		cpuset_set(&t->numa[topo_numa_index(t, t->cpus[i].numa)].cpus, (unsigned)t->cpus[i].id);
	return 0;
}

/* ---- loading ---- */

static int get_id(const char *file, const struct tk_node *obj, const char *key, bool required,
		  int *out, struct tk_diag *d)
{
	long long v;
	int rc = tk_get_int(file, obj, key, required, 0, TOPO_MAX_ID, &v, d);

	if (rc == 0)
		*out = (int)v;
	return rc;
}

static char *dup_opt(const char *file, const struct tk_node *obj, const char *key, int *err,
		     struct tk_diag *d)
{
	const char *s = NULL;
	int rc = tk_get_str(file, obj, key, false, &s, d);

	if (rc < 0)
		*err = -1;
	return rc == 0 ? xstrdup(s) : NULL;
}

static int load_cpus(struct topo *t, const char *file, const struct tk_node *cpus, struct tk_diag *d)
{
	size_t i;

	if (tk_expect(file, cpus, TK_SEQ, "'cpus'", d))
		return -1;
	if (cpus->n == 0)
		return tk_node_error(file, cpus, d, "'cpus' is empty: a topology needs at least one cpu");
	t->cpus = xcalloc(cpus->n, sizeof(*t->cpus));
	for (i = 0; i < cpus->n; i++) {
		const struct tk_node *c = cpus->items[i];
		struct topo_cpu *cpu = &t->cpus[t->ncpus];
		int rc;

		if (c->kind == TK_INT) {  /* a bare id is accepted: [0, 1, 2] */
			if (c->v.i < 0 || c->v.i > TOPO_MAX_ID)
				return tk_node_error(file, c, d, "cpu id %lld is out of range (0-%d)",
						     c->v.i, TOPO_MAX_ID);
			cpu->id = (int)c->v.i;
			cpu->core = cpu->id;
			cpu->socket = cpu->numa = 0;
			cpu->l3 = -1;
			t->ncpus++;
			continue;
		}
		if (tk_expect(file, c, TK_MAP, "a cpu entry", d))
			return -1;
		if (get_id(file, c, "id", true, &cpu->id, d))
			return -1;
		cpu->core = cpu->id;
		cpu->socket = 0;
		cpu->numa = 0;
		cpu->l3 = -1;
		if ((rc = get_id(file, c, "core", false, &cpu->core, d)) < 0 ||
		    (rc = get_id(file, c, "socket", false, &cpu->socket, d)) < 0 ||
		    (rc = get_id(file, c, "numa", false, &cpu->numa, d)) < 0 ||
		    (rc = get_id(file, c, "l3", false, &cpu->l3, d)) < 0)
			return -1;
		t->ncpus++;
	}
	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].l3 < 0)
			t->cpus[i].l3 = t->cpus[i].socket;
	return 0;
}

static int load_hugepages(struct topo_numa *n, const char *file, const struct tk_node *hp,
			  struct tk_diag *d)
{
	size_t i;

	if (!hp || hp->kind == TK_NULL)
		return 0;
	if (tk_expect(file, hp, TK_MAP, "'hugepages'", d))
		return -1;
	n->hugepages = xcalloc(hp->n ? hp->n : 1, sizeof(*n->hugepages));
	for (i = 0; i < hp->n; i++) {
		const struct tk_node *v = hp->items[i];

		if (v->kind != TK_INT || v->v.i < 0)
			return tk_node_error(file, v, d, "hugepages '%s' must be a non-negative page count",
					     hp->keys[i]->text);
		n->hugepages[i].size = xstrdup(hp->keys[i]->text);
		n->hugepages[i].pages = (uint64_t)v->v.i;
		n->nhugepages++;
	}
	return 0;
}

static int load_numa(struct topo *t, const char *file, const struct tk_node *numa, struct tk_diag *d)
{
	size_t i, j;

	if (!numa || numa->kind == TK_NULL)
		return 0;
	if (tk_expect(file, numa, TK_SEQ, "'numa'", d))
		return -1;
	t->numa = xcalloc(numa->n ? numa->n : 1, sizeof(*t->numa));
	for (i = 0; i < numa->n; i++) {
		const struct tk_node *o = numa->items[i], *v;
		struct topo_numa *n = &t->numa[t->nnuma];
		long long mem = 0;

		if (tk_expect(file, o, TK_MAP, "a numa entry", d))
			return -1;
		t->nnuma++;
		if (get_id(file, o, "id", true, &n->id, d))
			return -1;
		for (j = 0; j + 1 < t->nnuma; j++)
			if (t->numa[j].id == n->id)
				return tk_node_error(file, tk_get(o, "id"), d, "numa node %d is listed twice", n->id);
		if (tk_get_int(file, o, "memory", false, 0, INT64_MAX, &mem, d) < 0)
			return -1;
		n->memory = (uint64_t)mem;
		if (load_hugepages(n, file, tk_get(o, "hugepages"), d))
			return -1;
		v = tk_get(o, "cpus");
		if (v && v->kind != TK_NULL) {
			size_t off;
			int rc;

			if (!tk_scalar_text(v) || (v->kind != TK_STR && v->kind != TK_INT))
				return tk_node_error(file, v, d, "numa 'cpus' must be a cpulist string like \"0-7\"");
			rc = cpuset_parse_list(&n->cpus, v->text, TOPO_MAX_ID, &off);
			if (rc)
				return tk_node_error(file, v, d, "invalid cpulist '%s'", v->text);
		}
		v = tk_get(o, "distances");
		if (v && v->kind != TK_NULL) {
			if (tk_expect(file, v, TK_SEQ, "'distances'", d))
				return -1;
			n->distances = xcalloc(v->n ? v->n : 1, sizeof(int));
			for (j = 0; j < v->n; j++) {
				const struct tk_node *x = v->items[j];

				if (x->kind != TK_INT || x->v.i < 0 || x->v.i > 65535)
					return tk_node_error(file, x, d, "a numa distance must be an integer 0-65535");
				n->distances[j] = (int)x->v.i;
			}
			n->ndistances = v->n;
		}
	}
	return 0;
}

/* A CPU's "numa" and a NUMA node's "cpus" must agree. A CPU without
 * an explicit "numa" takes the node whose list names it. */
static int reconcile_numa(struct topo *t, const char *file, const struct tk_node *cpus,
			  const struct tk_node *numa, struct tk_diag *d)
{
	size_t i, k;

	for (i = 0; i < t->ncpus; i++) {
		const struct tk_node *c = cpus->items[i];
		bool explicit_numa = c->kind == TK_MAP && tk_get(c, "numa");
		int owner = -1;

		for (k = 0; k < t->nnuma; k++) {
			if (!cpuset_test(&t->numa[k].cpus, (unsigned)t->cpus[i].id))
				continue;
			if (owner >= 0)
				return tk_node_error(file, numa, d, "cpu %d is listed in numa nodes %d and %d",
						     t->cpus[i].id, owner, t->numa[k].id);
			owner = t->numa[k].id;
		}
		if (owner < 0)
			continue;
		if (!explicit_numa)
			t->cpus[i].numa = owner;
		else if (t->cpus[i].numa != owner)
			return tk_node_error(file, c, d, "cpu %d says numa %d but numa node %d lists it",
					     t->cpus[i].id, t->cpus[i].numa, owner);
	}
	for (k = 0; k < t->nnuma; k++) {
		int id;

		for (id = cpuset_first(&t->numa[k].cpus); id >= 0; id = cpuset_next(&t->numa[k].cpus, id))
			if (!topo_cpu(t, id))
				return tk_node_error(file, numa, d, "numa node %d lists cpu %d, which is not in 'cpus'",
						     t->numa[k].id, id);
	}
	return 0;
}

static int load_devices(struct topo *t, const char *file, const struct tk_node *devs, struct tk_diag *d)
{
	size_t i;

	if (!devs || devs->kind == TK_NULL)
		return 0;
	if (tk_expect(file, devs, TK_SEQ, "'devices'", d))
		return -1;
	t->devices = xcalloc(devs->n ? devs->n : 1, sizeof(*t->devices));
	for (i = 0; i < devs->n; i++) {
		const struct tk_node *o = devs->items[i];
		struct topo_device *dev = &t->devices[t->ndevices];
		long long numa = -1;
		int err = 0;

		if (tk_expect(file, o, TK_MAP, "a device entry", d))
			return -1;
		t->ndevices++;
		dev->id = dup_opt(file, o, "id", &err, d);
		dev->class = dup_opt(file, o, "class", &err, d);
		dev->vendor = dup_opt(file, o, "vendor", &err, d);
		dev->device = dup_opt(file, o, "device", &err, d);
		dev->name = dup_opt(file, o, "name", &err, d);
		dev->resource = dup_opt(file, o, "resource", &err, d);
		if (err || tk_get_int(file, o, "numa", false, -1, TOPO_MAX_ID, &numa, d) < 0)
			return -1;
		dev->numa = (int)numa;
		if (dev->numa >= 0 && topo_numa_index(t, dev->numa) < 0)
			return tk_node_error(file, tk_get(o, "numa"), d,
					     "device numa node %d is not in the topology", dev->numa);
	}
	return 0;
}

int topo_from_node(struct topo *t, const char *file, const struct tk_node *doc, struct tk_diag *d)
{
	const struct tk_node *cpus, *numa;
	const char *kind = NULL, *host = NULL;
	int ret = -1;

	topo_init(t);
	if (tk_expect(file, doc, TK_MAP, "a topology document", d))
		goto out;
	if (tk_get_str(file, doc, "kind", false, &kind, d) < 0)
		goto out;
	if (kind && strcmp(kind, "NodeTopology")) {
		tk_node_error(file, tk_get(doc, "kind"), d,
			      "expected a topology document (kind NodeTopology), got kind '%s'", kind);
		goto out;
	}
	cpus = tk_get(doc, "cpus");
	if (!cpus) {
		tk_node_error(file, doc, d, "not a topology document: no 'cpus' list");
		goto out;
	}
	if (tk_get_str(file, doc, "hostname", false, &host, d) < 0)
		goto out;
	if (host)
		t->hostname = xstrdup(host);
	numa = tk_get(doc, "numa");
	if (load_cpus(t, file, cpus, d) || load_numa(t, file, numa, d) ||
	    reconcile_numa(t, file, cpus, numa, d))
		goto out;
	if (topo_finish(t, d)) {
		/* topo_finish knows no position: point at the list */
		d->line = (numa && numa->line) ? numa->line : cpus->line;
		d->col = (numa && numa->line) ? numa->col : cpus->col;
		snprintf(d->file, sizeof(d->file), "%s", file);
		goto out;
	}
	if (load_devices(t, file, tk_get(doc, "devices"), d))
		goto out;
	ret = 0;
out:
	if (ret)
		topo_release(t);
	return ret;
}

int topo_load(struct topo *t, const char *path, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load(path, NULL, d);
	int rc;

	topo_init(t);
	if (!doc)
		return -1;
	if (doc->nitems == 0) {
		rc = tk_diag_set(d, doc->file, 0, 0, "empty input: expected a topology document");
		tk_doc_free(doc);
		return rc;
	}
	if (doc->nitems > 1) {
		rc = tk_node_error(doc->file, doc->items[1], d,
				   "expected one topology document, found %zu", doc->nitems);
		tk_doc_free(doc);
		return rc;
	}
	rc = topo_from_node(t, doc->file, doc->items[0], d);
	tk_doc_free(doc);
	return rc;
}

/* ---- emitting ---- */

json_t *topo_to_json(const struct topo *t)
{
	json_t *root = json_object(), *cpus = json_array(), *numa = json_array(), *devs = json_array();
	size_t i, j;

	json_object_set_new(root, "kind", json_string("NodeTopology"));
	json_object_set_new(root, "apiVersion", json_string("topokit/v1"));
	if (t->hostname)
		json_object_set_new(root, "hostname", json_string(t->hostname));
	for (i = 0; i < t->ncpus; i++) {
		const struct topo_cpu *c = &t->cpus[i];

		json_array_append_new(cpus, json_pack("{s:i,s:i,s:i,s:i,s:i}", "id", c->id, "core", c->core,
						      "socket", c->socket, "numa", c->numa, "l3", c->l3));
	}
	json_object_set_new(root, "cpus", cpus);
	for (i = 0; i < t->nnuma; i++) {
		const struct topo_numa *n = &t->numa[i];
		json_t *o = json_object(), *hp = json_object(), *dist = json_array();
		char *list = cpuset_format_list(&n->cpus);

		json_object_set_new(o, "id", json_integer(n->id));
		json_object_set_new(o, "cpus", json_string(list));
		free(list);
		json_object_set_new(o, "memory", json_integer((json_int_t)n->memory));
		for (j = 0; j < n->nhugepages; j++)
			json_object_set_new(hp, n->hugepages[j].size, json_integer((json_int_t)n->hugepages[j].pages));
		json_object_set_new(o, "hugepages", hp);
		for (j = 0; j < n->ndistances; j++)
			json_array_append_new(dist, json_integer(n->distances[j]));
		json_object_set_new(o, "distances", dist);
		json_array_append_new(numa, o);
	}
	json_object_set_new(root, "numa", numa);
	for (i = 0; i < t->ndevices; i++) {
		const struct topo_device *dv = &t->devices[i];
		json_t *o = json_object();

#define SET_STR(k, v) if (v) json_object_set_new(o, k, json_string(v))
		SET_STR("id", dv->id);
		SET_STR("class", dv->class);
		SET_STR("vendor", dv->vendor);
		SET_STR("device", dv->device);
		SET_STR("name", dv->name);
		json_object_set_new(o, "numa", json_integer(dv->numa));
		SET_STR("resource", dv->resource);
#undef SET_STR
		json_array_append_new(devs, o);
	}
	json_object_set_new(root, "devices", devs);
	return root;
}

/* ---- derived sets and counts ---- */

static void cpus_where(const struct topo *t, size_t field, int value, struct cpuset *dst)
{
	size_t i;

	cpuset_clear_all(dst);
	for (i = 0; i < t->ncpus; i++) {
		const int *f = (const int *)((const char *)&t->cpus[i] + field);

		if (*f == value)
			cpuset_set(dst, (unsigned)t->cpus[i].id);
	}
}

void topo_cpus_of_numa(const struct topo *t, int numa, struct cpuset *dst)
{
	cpus_where(t, offsetof(struct topo_cpu, numa), numa, dst);
}

static void field_of_cpus(const struct topo *t, const struct cpuset *cpus, size_t field,
			  struct cpuset *dst)
{
	int id;

	cpuset_clear_all(dst);
	for (id = cpuset_first(cpus); id >= 0; id = cpuset_next(cpus, id)) {
		const struct topo_cpu *c = topo_cpu(t, id);

		if (c)
			cpuset_set(dst, (unsigned)*(const int *)((const char *)c + field));
	}
}

static size_t count_distinct(const struct topo *t, size_t field)
{
	struct cpuset seen = CPUSET_INIT;
	size_t n;

	field_of_cpus(t, &t->all, field, &seen);
	n = cpuset_count(&seen);
	cpuset_release(&seen);
	return n;
}

size_t topo_num_cores(const struct topo *t)
{
	return count_distinct(t, offsetof(struct topo_cpu, core));
}

size_t topo_num_sockets(const struct topo *t)
{
	return count_distinct(t, offsetof(struct topo_cpu, socket));
}

size_t topo_num_numa_with_cpus(const struct topo *t)
{
	return count_distinct(t, offsetof(struct topo_cpu, numa));
}

size_t topo_num_l3(const struct topo *t)
{
	return count_distinct(t, offsetof(struct topo_cpu, l3));
}

