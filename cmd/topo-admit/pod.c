/* pod.c - pod mode: what the kubelet's Topology Manager decides for a pod.
 *
 * Terminology:
 *   node state   what is still free on the node: CPUs (the CPU Manager's
 *                defaultCpuSet), devices per extended resource, memory and
 *                huge pages per NUMA node. Pods of one run are admitted one
 *                after the other and consume it, as the kubelet admits them.
 *   provider     the hint providers in the order the kubelet registers them
 *                (container_manager_linux.go): Device Manager, CPU Manager,
 *                Memory Manager.
 *   reuse        what a pod's regular init containers hold and its later
 *                containers take over (CPUs, devices, memory by NUMA mask).
 *
 * Follows: pkg/apis/core/v1/helper/qos ComputePodQOS; SetDefaults_Pod
 * (requests default to limits); cpumanager/policy_static.go (guaranteedCPUs,
 * podGuaranteedCPUs, GetTopologyHints, GetPodTopologyHints, Allocate,
 * allocateCPUs, updateCPUsToReuse); devicemanager/topology_hints.go
 * (GetTopologyHints, GetPodTopologyHints, generateDeviceTopologyHints) and
 * manager.go (devicesToAllocate); memorymanager/policy_static.go
 * (getRequestedResources, getPodRequestedResources, calculateHints,
 * Allocate); topologymanager/scope_container.go and scope_pod.go (Admit,
 * allocateAlignedResources).
 *
 * The CPUs an admitted container takes come from the CPU Manager port that
 * cpuset-alloc prints (common/cpumanager.h), under every policy option.
 * What is approximated, and said so in topo-admit(1): which devices it takes
 * (the device plugin's preferred allocation); that only matters to the
 * hints of the containers admitted after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoints.h"
#include "diag.h"
#include "doc.h"
#include "quantity.h"
#include "topo.h"
#include "ta.h"
#include "xalloc.h"

const char *ta_qos_name(enum ta_qos q)
{
	return q == TA_QOS_GUARANTEED ? "Guaranteed" : q == TA_QOS_BURSTABLE ? "Burstable" : "BestEffort";
}

/* ---- resource lists ---- */

struct rl_item {
	char *name;
	struct tk_qty q;
};

struct rl {
	bool present;       /* the map was given (even empty) */
	size_t n;
	struct rl_item *v;
};

static const struct tk_qty *rl_get(const struct rl *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i].q;
	return NULL;
}

static void rl_put(struct rl *l, const char *name, const struct tk_qty *q)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].q = *q;
	l->n++;
}

static void rl_release(struct rl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int rl_parse(struct rl *l, const char *file, const struct tk_node *map, struct tk_diag *d)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	if (!map || map->kind == TK_NULL)
		return 0;
	if (tk_expect(file, map, TK_MAP, "resource list", d))
		return -1;
	l->present = true;
	for (i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->text ? map->keys[i]->text : "";
		const char *txt = tk_scalar_text(map->items[i]);
		struct tk_qty q;

		if (!txt || map->items[i]->kind == TK_BOOL || tk_qty_parse(txt, &q))
			return tk_node_error(file, map->items[i], d, "invalid quantity '%s' for %s",
					     txt ? txt : "...", k);
		if (q.milli < 0)
			return tk_node_error(file, map->items[i], d, "negative quantity '%s' for %s", txt, k);
		rl_put(l, k, &q);
	}
	return 0;
}

static bool is_hugepages(const char *name)
{
	return !strncmp(name, "hugepages-", 10);
}

/* bytes as a quantity people read: 32Gi, 512Mi, or plain bytes */
static void fmt_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const suf[] = { "Ei", "Pi", "Ti", "Gi", "Mi", "Ki" };
	int i;

	for (i = 0; i < 6; i++) {
		uint64_t unit = (uint64_t)1 << (10 * (6 - i));

		if (b && b % unit == 0) {
			snprintf(buf, len, "%llu%s", (unsigned long long)(b / unit), suf[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)b);
}

/* ---- the pod ---- */

struct ctr {
	const char *name;
	const struct tk_node *node;
	bool init, restartable;
	struct rl req, lim;
};

struct pod {
	const char *file;
	const char *name;
	const char *kind;
	const struct tk_node *meta, *spec;
	size_t n;
	struct ctr *c;           /* init containers first, then app containers */
	bool pod_level;          /* spec.resources given (PodLevelResources) */
	bool pod_level_set;      /* IsPodLevelResourcesSet: it names cpu, memory or huge pages */
	struct rl preq, plim;
	enum ta_qos qos;
};

static void pod_release(struct pod *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		rl_release(&p->c[i].req);
		rl_release(&p->c[i].lim);
	}
	free(p->c);
	rl_release(&p->preq);
	rl_release(&p->plim);
}

/* SetDefaults_Pod: requests default to limits, resource by resource */
static void default_requests(struct rl *req, const struct rl *lim)
{
	size_t i;

	if (!lim->present)
		return;
	req->present = true;
	for (i = 0; i < lim->n; i++)
		if (!rl_get(req, lim->v[i].name))
			rl_put(req, lim->v[i].name, &lim->v[i].q);
}

static int parse_containers(struct pod *p, const struct tk_node *seq, bool init, struct tk_diag *d)
{
	size_t i;

	if (!seq || seq->kind == TK_NULL)
		return 0;
	if (tk_expect(p->file, seq, TK_SEQ, init ? "initContainers" : "containers", d))
		return -1;
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *cn = seq->items[i], *res;
		struct ctr *c;
		const char *rp = NULL;

		if (tk_expect(p->file, cn, TK_MAP, "container", d))
			return -1;
		p->c = xreallocarray(p->c, p->n + 1, sizeof(*p->c));
		c = &p->c[p->n++];
		memset(c, 0, sizeof(*c));
		c->node = cn;
		c->init = init;
		if (tk_get_str(p->file, cn, "name", true, &c->name, d))
			return -1;
		if (tk_get_str(p->file, cn, "restartPolicy", false, &rp, d) < 0)
			return -1;
		c->restartable = init && rp && !strcmp(rp, "Always");
		res = tk_get(cn, "resources");
		if (res && res->kind != TK_NULL && tk_expect(p->file, res, TK_MAP, "resources", d))
			return -1;
		if (rl_parse(&c->req, p->file, tk_get(res, "requests"), d) ||
		    rl_parse(&c->lim, p->file, tk_get(res, "limits"), d))
			return -1;
		default_requests(&c->req, &c->lim);
	}
	return 0;
}

static bool qos_resource(const char *name)
{
	return !strcmp(name, "cpu") || !strcmp(name, "memory");
}

/* accumulate positive cpu/memory quantities of l into acc; note which
 * resources had a positive limit */
static void qos_add(struct rl *acc, const struct rl *l, bool *has_cpu, bool *has_mem)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct tk_qty *have;
		size_t j;

		if (!qos_resource(l->v[i].name) || l->v[i].q.milli <= 0)
			continue;
		if (has_cpu && !strcmp(l->v[i].name, "cpu"))
			*has_cpu = true;
		if (has_mem && !strcmp(l->v[i].name, "memory"))
			*has_mem = true;
		have = NULL;
		for (j = 0; j < acc->n; j++)
			if (!strcmp(acc->v[j].name, l->v[i].name))
				have = &acc->v[j].q;
		if (have) {
			have->milli += l->v[i].q.milli;
			have->inexact = have->inexact || l->v[i].q.inexact;
		} else {
			rl_put(acc, l->v[i].name, &l->v[i].q);
		}
	}
}

/* ComputePodQOS (pkg/apis/core/v1/helper/qos/qos.go) */
static enum ta_qos compute_qos(const struct pod *p)
{
	struct rl req = { 0 }, lim = { 0 };
	bool guaranteed = true;
	size_t i;
	enum ta_qos q;

	if (p->pod_level) {
		bool hc = false, hm = false;

		qos_add(&req, &p->preq, NULL, NULL);
		if (p->plim.n) {
			qos_add(&lim, &p->plim, &hc, &hm);
			if (!hc || !hm)
				guaranteed = false;
		}
	} else {
		/* app containers first, then init containers, as the kubelet */
		size_t pass;

		for (pass = 0; pass < 2; pass++)
			for (i = 0; i < p->n; i++) {
				bool hc = false, hm = false;

				if (p->c[i].init != (pass == 1))
					continue;
				qos_add(&req, &p->c[i].req, NULL, NULL);
				qos_add(&lim, &p->c[i].lim, &hc, &hm);
				if (!hc || !hm)
					guaranteed = false;
			}
	}
	if (req.n == 0 && lim.n == 0) {
		q = TA_QOS_BESTEFFORT;
		goto out;
	}
	if (guaranteed)
		for (i = 0; i < req.n; i++) {
			const struct tk_qty *l = rl_get(&lim, req.v[i].name);

			if (!l || tk_qty_cmp(l, &req.v[i].q) != 0) {
				guaranteed = false;
				break;
			}
		}
	q = guaranteed && req.n == lim.n ? TA_QOS_GUARANTEED : TA_QOS_BURSTABLE;
out:
	rl_release(&req);
	rl_release(&lim);
	return q;
}

/* IsSupportedPodLevelResource (component-helpers/resource): cpu, memory,
 * huge pages */
static bool pod_level_set(const struct rl *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (qos_resource(l->v[i].name) || is_hugepages(l->v[i].name))
			return true;
	return false;
}

static const char *const pod_kinds[][2] = {
	{ "Pod", "spec" },
	{ "Deployment", "spec.template" },
	{ "StatefulSet", "spec.template" },
	{ "DaemonSet", "spec.template" },
	{ "ReplicaSet", "spec.template" },
	{ "ReplicationController", "spec.template" },
	{ "Job", "spec.template" },
	{ "CronJob", "spec.jobTemplate.spec.template" },
	{ "PodTemplate", "template" },
};

/* Find the pod spec of a manifest item. 1 when the item has none. */
static int pod_parse(struct pod *p, const struct tk_node *obj, const char *file, struct tk_diag *d)
{
	const char *kind = tk_str(tk_get(obj, "kind"));
	const struct tk_node *tmpl = NULL, *res;
	size_t i;

	memset(p, 0, sizeof(*p));
	p->file = file;
	if (obj->kind != TK_MAP)
		return tk_node_error(file, obj, d, "not a Kubernetes object: a %s where a mapping was expected",
				     tk_kind_name(obj->kind));
	if (!kind)
		return 1;
	for (i = 0; i < sizeof(pod_kinds) / sizeof(pod_kinds[0]); i++)
		if (!strcmp(kind, pod_kinds[i][0]))
			break;
	if (i == sizeof(pod_kinds) / sizeof(pod_kinds[0]))
		return 1;
	p->kind = kind;
	p->name = tk_str(tk_path(obj, "metadata.name"));
	if (!strcmp(kind, "Pod")) {
		p->meta = tk_get(obj, "metadata");
		p->spec = tk_get(obj, "spec");
	} else {
		tmpl = tk_path(obj, strcmp(pod_kinds[i][1], "spec") ? pod_kinds[i][1] : "spec");
		if (!tmpl || tmpl->kind != TK_MAP)
			return tk_node_error(file, obj, d, "%s has no pod template (%s)", kind, pod_kinds[i][1]);
		p->meta = tk_get(tmpl, "metadata");
		p->spec = tk_get(tmpl, "spec");
	}
	if (!p->spec || p->spec->kind != TK_MAP)
		return tk_node_error(file, p->spec ? p->spec : obj, d, "%s has no pod spec", kind);
	if (!tk_get(p->spec, "containers"))
		return tk_node_error(file, p->spec, d, "pod spec has no containers");
	if (parse_containers(p, tk_get(p->spec, "initContainers"), true, d) ||
	    parse_containers(p, tk_get(p->spec, "containers"), false, d))
		return -1;
	res = tk_get(p->spec, "resources");
	if (res && res->kind != TK_NULL) {
		if (tk_expect(file, res, TK_MAP, "resources", d))
			return -1;
		p->pod_level = true;
		if (rl_parse(&p->preq, file, tk_get(res, "requests"), d) ||
		    rl_parse(&p->plim, file, tk_get(res, "limits"), d))
			return -1;
		default_requests(&p->preq, &p->plim);
		p->pod_level_set = pod_level_set(&p->preq) || pod_level_set(&p->plim);
	}
	p->qos = compute_qos(p);
	return 0;
}

/* ---- node state ---- */

struct ta_node_state {
	struct ktopo k;                /* the CPU Manager's view of the topology */
	struct cpuset free_cpus;       /* defaultCpuSet */
	bool *dev_used;                /* per topo device */
	size_t nmem;                   /* memory resources tracked per NUMA node */
	char **mem_names;              /* "memory", "hugepages-1Gi", ... */
	uint64_t *alloc;               /* [numa index * nmem + r] allocatable */
	uint64_t *free;                /* [numa index * nmem + r] */
	unsigned *assignments;         /* per numa index: NumberOfAssignments */
	ta_mask *cells;                /* per numa index: the group it is used with */
};

/* What a pod's init containers hold that its later containers take over:
 * cpusToReuse (cpumanager), devicesToReuse (devicemanager) and
 * initContainersReusableMemory (memorymanager, by exact NUMA mask). */
struct reuse {
	struct cpuset cpus;
	bool *devs;                    /* per topo device */
	size_t nmem, stride;           /* masks; memory resources per mask */
	ta_mask *mem_mask;
	uint64_t *mem;                 /* [mask k * stride + resource r] */
};

static int mem_index(const struct ta_node_state *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nmem; i++)
		if (!strcmp(s->mem_names[i], name))
			return (int)i;
	return -1;
}

/* The Memory Manager starts from its checkpoint's machineState (policy_static
 * Start: the state restored, not recomputed): free memory and huge pages,
 * assignments and cells per NUMA node as recorded. */
static void state_from_memory_checkpoint(struct ta_node_state *s, const struct topo *t,
					 const struct tk_mem_checkpoint *m)
{
	size_t i, j, k;

	for (i = 0; i < m->nnodes; i++)
		for (j = 0; j < t->nnuma; j++) {
			if (t->numa[j].id != m->nodes[i].id)
				continue;
			s->assignments[j] = (unsigned)(m->nodes[i].assignments > 0 ? m->nodes[i].assignments : 0);
			if (m->nodes[i].ncells) {
				s->cells[j] = 0;
				for (k = 0; k < m->nodes[i].ncells; k++)
					if (m->nodes[i].cells[k] >= 0 && m->nodes[i].cells[k] < TA_MAX_NUMA)
						s->cells[j] |= (ta_mask)1 << m->nodes[i].cells[k];
			}
			for (k = 0; k < m->nodes[i].ntables; k++) {
				int r = mem_index(s, m->nodes[i].tables[k].resource);

				if (r >= 0)
					s->free[j * s->nmem + (size_t)r] = m->nodes[i].tables[k].free;
			}
		}
}

/* The Device Manager's allocatedDevices: each checkpointed device makes one
 * device of its resource on its NUMA node used (the same id when the
 * topology names it so; device plugin ids and PCI addresses differ). */
static void state_from_device_checkpoint(struct ta_node_state *s, const struct topo *t,
					 const struct tk_dev_checkpoint *dc)
{
	size_t i, j, k;

	for (i = 0; i < dc->nentries; i++)
		for (j = 0; j < dc->entries[i].nids; j++) {
			const char *id = dc->entries[i].ids[j];
			int numa = dc->entries[i].numa[j];
			long hit = -1;

			for (k = 0; k < t->ndevices && hit < 0; k++)
				if (!s->dev_used[k] && t->devices[k].resource && t->devices[k].id &&
				    !strcmp(t->devices[k].resource, dc->entries[i].resource) &&
				    !strcmp(t->devices[k].id, id))
					hit = (long)k;
			for (k = 0; k < t->ndevices && hit < 0; k++)
				if (!s->dev_used[k] && t->devices[k].resource &&
				    !strcmp(t->devices[k].resource, dc->entries[i].resource) &&
				    (numa < 0 || t->devices[k].numa == numa))
					hit = (long)k;
			if (hit >= 0)
				s->dev_used[hit] = true;
		}
}

static void state_init(struct ta_node_state *s, const struct topo *t, const struct ta_config *cfg)
{
	size_t i, j;

	memset(s, 0, sizeof(*s));
	ktopo_build(&s->k, t);
	cpuset_copy(&s->free_cpus, &cfg->available);
	s->dev_used = xcalloc(t->ndevices + 1, sizeof(bool));
	s->mem_names = xcalloc(1, sizeof(char *));
	s->mem_names[s->nmem++] = xstrdup("memory");
	for (i = 0; i < t->nnuma; i++)
		for (j = 0; j < t->numa[i].nhugepages; j++) {
			char *n = xasprintf("hugepages-%s", t->numa[i].hugepages[j].size);

			if (mem_index(s, n) < 0) {
				s->mem_names = xreallocarray(s->mem_names, s->nmem + 1, sizeof(char *));
				s->mem_names[s->nmem++] = n;
			} else {
				free(n);
			}
		}
	s->alloc = xcalloc(t->nnuma * s->nmem + 1, sizeof(uint64_t));
	s->free = xcalloc(t->nnuma * s->nmem + 1, sizeof(uint64_t));
	s->assignments = xcalloc(t->nnuma + 1, sizeof(unsigned));
	s->cells = xcalloc(t->nnuma + 1, sizeof(ta_mask));
	for (i = 0; i < t->nnuma; i++) {
		uint64_t mem = t->numa[i].memory, res = 0;

		if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA)
			res = cfg->reserved_mem[t->numa[i].id];
		/* getDefaultMachineState: memory less reserved and less the huge
		 * page pools, which MemTotal includes */
		mem = mem > res ? mem - res : 0;
		for (j = 0; j < t->numa[i].nhugepages; j++) {
			char *n = xasprintf("hugepages-%s", t->numa[i].hugepages[j].size);
			struct tk_qty q;
			int r = mem_index(s, n);

			if (r >= 0 && !tk_qty_parse(t->numa[i].hugepages[j].size, &q)) {
				uint64_t pool = (uint64_t)tk_qty_value(&q) * t->numa[i].hugepages[j].pages, hres = 0;
				size_t k;

				for (k = 0; k < cfg->nreserved_hp; k++)
					if (cfg->reserved_hp[k].numa == t->numa[i].id && !strcmp(cfg->reserved_hp[k].name, n))
						hres += cfg->reserved_hp[k].bytes;
				s->alloc[i * s->nmem + (size_t)r] = pool > hres ? pool - hres : 0;
				mem = mem > pool ? mem - pool : 0;
			}
			free(n);
		}
		s->alloc[i * s->nmem] = mem;
		if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA)
			s->cells[i] = (ta_mask)1 << t->numa[i].id;
	}
	memcpy(s->free, s->alloc, t->nnuma * s->nmem * sizeof(uint64_t));
	if (cfg->mem_state)
		state_from_memory_checkpoint(s, t, cfg->mem_state);
	if (cfg->dev_state)
		state_from_device_checkpoint(s, t, cfg->dev_state);
}

static void state_release(struct ta_node_state *s)
{
	size_t i;

	ktopo_release(&s->k);
	cpuset_release(&s->free_cpus);
	free(s->dev_used);
	for (i = 0; i < s->nmem; i++)
		free(s->mem_names[i]);
	free(s->mem_names);
	free(s->alloc);
	free(s->free);
	free(s->assignments);
	free(s->cells);
}

/* What an admission may change on a node, kept to undo a rejected pod's
 * allocations: the kubelet frees them (removeStaleState in the CPU and
 * Memory Managers, UpdateAllocatedDevices in the Device Manager) before it
 * admits the next pod, since a rejected pod is not active. */
struct state_copy {
	struct cpuset free_cpus;
	bool *dev_used;
	uint64_t *free;
	unsigned *assignments;
	ta_mask *cells;
};

static void state_save(struct state_copy *c, const struct ta_node_state *s, const struct topo *t)
{
	size_t nfree = t->nnuma * s->nmem + 1;

	cpuset_init(&c->free_cpus);
	cpuset_copy(&c->free_cpus, &s->free_cpus);
	c->dev_used = xcalloc(t->ndevices + 1, sizeof(bool));
	memcpy(c->dev_used, s->dev_used, (t->ndevices + 1) * sizeof(bool));
	c->free = xcalloc(nfree, sizeof(uint64_t));
	memcpy(c->free, s->free, nfree * sizeof(uint64_t));
	c->assignments = xcalloc(t->nnuma + 1, sizeof(unsigned));
	memcpy(c->assignments, s->assignments, (t->nnuma + 1) * sizeof(unsigned));
	c->cells = xcalloc(t->nnuma + 1, sizeof(ta_mask));
	memcpy(c->cells, s->cells, (t->nnuma + 1) * sizeof(ta_mask));
}

/* restore (or only drop, when restore is false) a saved state */
static void state_restore(struct state_copy *c, struct ta_node_state *s, const struct topo *t, bool restore)
{
	if (restore) {
		cpuset_copy(&s->free_cpus, &c->free_cpus);
		memcpy(s->dev_used, c->dev_used, (t->ndevices + 1) * sizeof(bool));
		memcpy(s->free, c->free, (t->nnuma * s->nmem + 1) * sizeof(uint64_t));
		memcpy(s->assignments, c->assignments, (t->nnuma + 1) * sizeof(unsigned));
		memcpy(s->cells, c->cells, (t->nnuma + 1) * sizeof(ta_mask));
	}
	cpuset_release(&c->free_cpus);
	free(c->dev_used);
	free(c->free);
	free(c->assignments);
	free(c->cells);
}

/* ---- requests ---- */

/* the CPU Manager's guaranteedCPUs */
static int guaranteed_cpus(const struct pod *p, const struct ctr *c)
{
	const struct tk_qty *q;

	if (p->qos != TA_QOS_GUARANTEED)
		return 0;
	q = rl_get(&c->req, "cpu");
	if (!q || !tk_qty_is_integer(q))
		return 0;
	return (int)tk_qty_value(q);
}

/* max(app + restartable init, the highest point of the init sequence):
 * podGuaranteedCPUs, PodLimits and getPodRequestedResources all take this
 * shape. val(i) is container i's amount; have(i) whether it names it. */
static long long pod_amount(const struct pod *p, long long (*val)(const struct pod *, const struct ctr *, const void *),
			    const void *arg)
{
	long long init_max = 0, restartable = 0, app = 0, v;
	size_t i;

	for (i = 0; i < p->n; i++) {
		if (!p->c[i].init)
			continue;
		v = val(p, &p->c[i], arg);
		if (p->c[i].restartable)
			restartable += v;
		else if (restartable + v > init_max)
			init_max = restartable + v;
	}
	for (i = 0; i < p->n; i++)
		if (!p->c[i].init)
			app += val(p, &p->c[i], arg);
	return init_max > app + restartable ? init_max : app + restartable;
}

static long long val_cpus(const struct pod *p, const struct ctr *c, const void *arg)
{
	(void)arg;
	if (!rl_get(&c->req, "cpu"))
		return 0;
	return guaranteed_cpus(p, c);
}

static long long val_limit(const struct pod *p, const struct ctr *c, const void *arg)
{
	const struct tk_qty *q = rl_get(&c->lim, arg);

	(void)p;
	return q ? tk_qty_value(q) : 0;
}

static long long val_request_bytes(const struct pod *p, const struct ctr *c, const void *arg)
{
	const struct tk_qty *q = rl_get(&c->req, arg);

	(void)p;
	return q ? tk_qty_value(q) : 0;
}

/* ---- report helpers ---- */

static struct ta_res_report *res_add(struct ta_container_report *cr, const char *name)
{
	struct ta_res_report *r;

	cr->res = xreallocarray(cr->res, cr->nres + 1, sizeof(*cr->res));
	r = &cr->res[cr->nres++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	return r;
}

static void res_set_hints(struct ta_res_report *r, const struct ta_hint_list *hl)
{
	r->nil_hints = hl->is_nil;
	r->nhints = hl->n;
	if (hl->n) {
		r->hints = xcalloc(hl->n, sizeof(*r->hints));
		memcpy(r->hints, hl->v, hl->n * sizeof(*r->hints));
	}
}

static char *hints_phrase(const struct ta_hint_list *hl)
{
	char buf[1024], m[256];
	size_t o = 0, i;

	if (hl->is_nil)
		return xstrdup("no NUMA preference");
	if (hl->n == 0)
		return xstrdup("no NUMA combination can satisfy it");
	buf[0] = '\0';
	for (i = 0; i < hl->n && o + 300 < sizeof(buf); i++) {
		ta_mask_format(hl->v[i].mask, m, sizeof(m));
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%sNUMA %s%s", i ? ", " : "", m,
				      hl->v[i].preferred ? " preferred" : "");
	}
	return xstrdup(buf);
}

static void provider_add(struct ta_provider *pv, const char *name, struct ta_hint_list hl)
{
	pv->res = xreallocarray(pv->res, pv->n + 1, sizeof(*pv->res));
	pv->res[pv->n].name = xstrdup(name);
	pv->res[pv->n].hints = hl;
	pv->n++;
}

/* ---- CPU Manager ---- */

static void cpu_available(const struct ta_node_state *s, const struct ta_config *cfg, struct cpuset *out)
{
	/* GetAvailableCPUs: defaultCpuSet minus reservedSystemCPUs */
	cpuset_copy(out, &s->free_cpus);
	cpuset_andnot(out, &cfg->reserved);
}

static void cpu_why(const struct topo *t, const struct cpuset *avail, const struct cpuset *reusable,
		    int request, const struct ta_hint_list *hl, struct ta_res_report *r)
{
	char buf[2048], *ph = hints_phrase(hl);
	size_t o, i;

	o = (size_t)snprintf(buf, sizeof(buf), "%d exclusive CPUs; %s", request, ph);
	free(ph);
	for (i = 0; i < t->nnuma && o + 100 < sizeof(buf); i++) {
		struct cpuset in = CPUSET_INIT, rin = CPUSET_INIT;
		size_t n;

		topo_cpus_of_numa(t, t->numa[i].id, &in);
		if (cpuset_is_empty(&in)) {
			cpuset_release(&in);
			continue;
		}
		cpuset_copy(&rin, &in);
		cpuset_and(&rin, reusable);
		n = cpuset_count_and(&in, avail) + cpuset_count(&rin);
		if ((int)n < request)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "; NUMA %d has %zu free CPUs, needs %d",
					      t->numa[i].id, n, request);
		cpuset_release(&in);
		cpuset_release(&rin);
	}
	r->why = xstrdup(buf);
}

/* GetTopologyHints / GetPodTopologyHints of cpumanager/policy_static.go;
 * reusable is NULL in pod scope (a new pod has nothing to reuse) */
static void cpu_hints(const struct topo *t, const struct ta_node_state *s, const struct ta_config *cfg,
		      const struct pod *p, const struct cpuset *reusable, int request,
		      struct ta_provider *pv, struct ta_container_report *cr)
{
	static const struct cpuset none = CPUSET_INIT;
	struct ta_res_report *r;
	struct ta_hint_list hl = { 0 };
	struct cpuset avail = CPUSET_INIT;

	if (!cfg->cpu_static)
		return;
	if (request == 0 || p->pod_level_set) {
		/* no preference: the provider returns nil */
		r = res_add(cr, "cpu");
		r->nil_hints = true;
		r->why = xstrdup(request == 0
				 ? "shared CPUs (not Guaranteed with an integer CPU request): no NUMA preference"
				 : "pod-level resources: the static CPU Manager leaves the pod on shared CPUs, "
				   "no NUMA preference");
		return;
	}
	if (!reusable)
		reusable = &none;
	cpu_available(s, cfg, &avail);
	hl.v = ta_cpu_hints(t, &avail, reusable, request, cfg->cpu_opts.align_by_socket, &hl.n);
	r = res_add(cr, "cpu");
	r->request = request;
	r->exclusive = true;
	res_set_hints(r, &hl);
	cpu_why(t, &avail, reusable, request, &hl, r);
	provider_add(pv, "cpu", hl);
	cpuset_release(&avail);
}

/* staticPolicy.Allocate for one container, over the node's free CPUs; a
 * regular init container's CPUs become reusable (updateCPUsToReuse). */
static int cpu_allocate(const struct topo *t, struct ta_node_state *s, const struct ta_config *cfg,
			struct reuse *ru, int n, const struct ta_hint *h, bool regular_init,
			const char **reason, char *err, size_t errlen)
{
	struct cpuset numa = CPUSET_INIT, got = CPUSET_INIT;
	enum alloc_fail rc;
	size_t i;

	if (h->has_mask)
		for (i = 0; i < t->nnuma; i++)
			if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA && (h->mask >> t->numa[i].id & 1))
				cpuset_set(&numa, (unsigned)t->numa[i].id);
	rc = policy_allocate(&cfg->cpu_opts, &s->k, &s->free_cpus, &cfg->reserved, &ru->cpus, n,
			     h->has_mask ? &numa : NULL, &got, err, errlen);
	if (rc == ALLOC_SMT)
		*reason = "SMTAlignmentError";
	if (rc == ALLOC_OK) {
		cpuset_andnot(&s->free_cpus, &got);
		if (regular_init)
			cpuset_or(&ru->cpus, &got);
		else
			cpuset_andnot(&ru->cpus, &got);
	}
	cpuset_release(&numa);
	cpuset_release(&got);
	return rc == ALLOC_OK ? 0 : -1;
}

/* ---- Device Manager ---- */

static bool is_device_resource(const struct topo *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ndevices; i++)
		if (t->devices[i].resource && !strcmp(t->devices[i].resource, name))
			return true;
	return false;
}

static bool dev_is(const struct topo_device *dv, const char *res)
{
	return dv->resource && !strcmp(dv->resource, res);
}

/* mask.AnySet(the device's NUMA nodes) */
static bool dev_in(const struct topo_device *dv, ta_mask m)
{
	return dv->numa >= 0 && dv->numa < TA_MAX_NUMA && (m >> dv->numa & 1);
}

/* Append a non-preferred hint; the array doubles at powers of two (16 NUMA
 * nodes give 65535 hints per resource). */
static void hint_push(struct ta_hint_list *l, ta_mask m)
{
	if (l->n >= 16 ? !(l->n & (l->n - 1)) : l->n == 0)
		l->v = xreallocarray(l->v, l->n ? 2 * l->n : 16, sizeof(*l->v));
	l->v[l->n++] = (struct ta_hint){ true, m, false };
}

struct devgen {
	const struct topo *t;
	const struct ta_node_state *s;
	const struct reuse *ru;         /* NULL: pod scope, nothing to reuse */
	const char *res;
	long long request;
	int min_affinity;
	struct ta_hint_list hl;
	size_t *mine, nmine;            /* indices of res's devices: a mask is
					 * visited 65535 times at 16 NUMA nodes */
};

/* the IterateBitMasks callback of generateDeviceTopologyHints */
static void dev_visit(ta_mask m, void *arg)
{
	struct devgen *g = arg;
	long long in_mask = 0, matching = 0;
	size_t k;

	for (k = 0; k < g->nmine; k++)
		if (dev_in(&g->t->devices[g->mine[k]], m))
			in_mask++;
	if (in_mask >= g->request && ta_mask_count(m) < g->min_affinity)
		g->min_affinity = ta_mask_count(m);
	/* every reusable device that has a NUMA node must lie inside the mask */
	for (k = 0; g->ru && k < g->nmine; k++) {
		size_t i = g->mine[k];
		const struct topo_device *dv = &g->t->devices[i];

		if (!g->ru->devs[i] || dv->numa < 0)
			continue;
		if (!dev_in(dv, m))
			return;
		matching++;
	}
	for (k = 0; k < g->nmine; k++)
		if (!g->s->dev_used[g->mine[k]] && dev_in(&g->t->devices[g->mine[k]], m))
			matching++;
	if (matching < g->request)
		return;
	hint_push(&g->hl, m);
}

/* GetTopologyHints / GetPodTopologyHints of devicemanager/topology_hints.go
 * for one extended resource */
static void dev_hints_for(const struct topo *t, const struct ta_node_state *s, const struct ta_numa_info *ni,
			  const struct reuse *ru, const char *res, long long request,
			  struct ta_provider *pv, struct ta_container_report *cr)
{
	struct devgen g = { t, s, ru, res, request, (int)ni->n, { 0 }, NULL, 0 };
	struct ta_res_report *r = res_add(cr, res);
	size_t i, avail = 0, reusable = 0, total = 0;
	bool aligned = false;
	char buf[1024], *ph;
	size_t o;

	r->request = request;
	r->exclusive = true;
	for (i = 0; i < t->ndevices; i++) {
		if (!dev_is(&t->devices[i], res))
			continue;
		total++;
		if (t->devices[i].numa >= 0)
			aligned = true;
		if (!s->dev_used[i])
			avail++;
		else if (ru && ru->devs[i])
			reusable++;
	}
	if (!aligned) {
		/* deviceHasTopologyAlignment: no NUMA information, no preference */
		g.hl.is_nil = true;
		res_set_hints(r, &g.hl);
		r->why = xasprintf("%lld device(s); the devices have no NUMA node: no NUMA preference", request);
		provider_add(pv, res, g.hl);
		return;
	}
	if ((long long)(avail + reusable) < request) {
		res_set_hints(r, &g.hl);
		r->why = xasprintf("%lld device(s); only %zu of %zu free on the node", request, avail + reusable,
				   total);
		provider_add(pv, res, g.hl);
		return;
	}
	g.mine = xreallocarray(NULL, total ? total : 1, sizeof(*g.mine));
	for (i = 0; i < t->ndevices; i++)
		if (dev_is(&t->devices[i], res))
			g.mine[g.nmine++] = i;
	ta_iterate_masks(ni->nodes, ni->n, dev_visit, &g);
	free(g.mine);
	for (i = 0; i < g.hl.n; i++)
		if (ta_mask_count(g.hl.v[i].mask) == g.min_affinity)
			g.hl.v[i].preferred = true;
	res_set_hints(r, &g.hl);
	ph = hints_phrase(&g.hl);
	o = (size_t)snprintf(buf, sizeof(buf), "%lld device(s); %s", request, ph);
	free(ph);
	for (i = 0; i < ni->n && o + 80 < sizeof(buf); i++) {
		size_t j, f = 0;

		for (j = 0; j < t->ndevices; j++)
			if (dev_is(&t->devices[j], res) && t->devices[j].numa == ni->nodes[i] &&
			    (!s->dev_used[j] || (ru && ru->devs[j])))
				f++;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "; NUMA %d has %zu free", ni->nodes[i], f);
	}
	r->why = xstrdup(buf);
	provider_add(pv, res, g.hl);
}

/* devicesToAllocate (devicemanager/manager.go): the pod's reusable devices
 * first, then free devices on the hint's NUMA nodes, then any. A regular init
 * container's devices become reusable; later containers take them over. */
static int dev_allocate(const struct topo *t, struct ta_node_state *s, struct reuse *ru, const char *res,
			long long needed, const struct ta_hint *h, bool regular_init, char *err, size_t errlen)
{
	bool *got = xcalloc(t->ndevices + 1, sizeof(bool));
	size_t i, avail = 0;
	int pass, rc = 0;

	for (i = 0; i < t->ndevices && needed > 0; i++)
		if (dev_is(&t->devices[i], res) && ru->devs[i]) {
			got[i] = true;
			needed--;
		}
	for (i = 0; i < t->ndevices && needed > 0; i++)
		if (dev_is(&t->devices[i], res) && !s->dev_used[i])
			avail++;
	if (needed > 0 && (long long)avail < needed) {
		snprintf(err, errlen, "requested number of devices unavailable for %s. Requested: %lld, Available: %zu",
			 res, needed, avail);
		rc = -1;
		goto out;
	}
	for (pass = 0; pass < 2 && needed > 0; pass++)
		for (i = 0; i < t->ndevices && needed > 0; i++) {
			const struct topo_device *dv = &t->devices[i];

			if (!dev_is(dv, res) || s->dev_used[i])
				continue;
			if (pass == 0 && !(h->has_mask && dev_in(dv, h->mask)))
				continue;
			s->dev_used[i] = true;
			got[i] = true;
			needed--;
		}
	for (i = 0; i < t->ndevices; i++)
		if (got[i])
			ru->devs[i] = regular_init;
out:
	free(got);
	return rc;
}

/* ---- Memory Manager ---- */

struct memreq {
	size_t n;
	int idx[32];          /* index into node_state memory resources */
	uint64_t bytes[32];
	const char *name[32];
};

/* getPodReusableMemory: what the pod's init containers left on exactly
 * this NUMA mask */
static uint64_t mem_reusable(const struct reuse *ru, ta_mask m, int r)
{
	size_t k;

	for (k = 0; ru && k < ru->nmem; k++)
		if (ru->mem_mask[k] == m)
			return ru->mem[k * ru->stride + (size_t)r];
	return 0;
}

struct memgen {
	const struct topo *t;
	const struct ta_node_state *s;
	const struct memreq *mr;
	const struct reuse *ru;
	int min_affinity;
	struct ta_hint_list hl;
};

static uint64_t mem_sum(const struct topo *t, const struct ta_node_state *s, const uint64_t *tab, ta_mask m, int r)
{
	uint64_t tot = 0;
	size_t i;

	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA && (m >> t->numa[i].id & 1))
			tot += tab[i * s->nmem + (size_t)r];
	return tot;
}

/* the IterateBitMasks callback of calculateHints */
static void mem_visit(ta_mask m, void *arg)
{
	struct memgen *g = arg;
	const struct ta_node_state *s = g->s;
	bool single = ta_mask_count(m) == 1;
	size_t r, i;

	for (r = 0; r < g->mr->n; r++)
		if (mem_sum(g->t, s, s->alloc, m, g->mr->idx[r]) < g->mr->bytes[r])
			return;
	if (ta_mask_count(m) < g->min_affinity)
		g->min_affinity = ta_mask_count(m);
	for (i = 0; i < g->t->nnuma; i++) {
		int id = g->t->numa[i].id;

		if (id < 0 || id >= TA_MAX_NUMA || !(m >> id & 1))
			continue;
		/* a node grouped with others takes no single-NUMA allocation; a
		 * used node joins no other group than its own */
		if (single && ta_mask_count(s->cells[i]) > 1)
			return;
		if (!single && s->assignments[i] > 0 &&
		    (ta_mask_count(s->cells[i]) == 1 || s->cells[i] != m))
			return;
	}
	for (r = 0; r < g->mr->n; r++)
		if (mem_sum(g->t, s, s->free, m, g->mr->idx[r]) + mem_reusable(g->ru, m, g->mr->idx[r]) <
		    g->mr->bytes[r])
			return;
	hint_push(&g->hl, m);
}

/* calculateHints: every NUMA combination that can hold all of mr; the same
 * list for each memory resource */
static struct ta_hint_list mem_calc(const struct topo *t, const struct ta_node_state *s,
				    const struct memreq *mr, const struct reuse *ru)
{
	struct memgen g = { t, s, mr, ru, (int)t->nnuma, { 0 } };
	int ids[TA_MAX_NUMA];
	size_t n = 0, i;

	for (i = 0; i < t->nnuma && n < TA_MAX_NUMA; i++)
		if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA)
			ids[n++] = t->numa[i].id;
	ta_iterate_masks(ids, n, mem_visit, &g);
	for (i = 0; i < g.hl.n; i++)
		g.hl.v[i].preferred = ta_mask_count(g.hl.v[i].mask) == g.min_affinity;
	return g.hl;
}

static void mem_hints(const struct topo *t, const struct ta_node_state *s, const struct memreq *mr,
		      const struct reuse *ru, struct ta_provider *pv, struct ta_container_report *cr)
{
	struct ta_hint_list hl;
	size_t nn = t->nnuma, i, r;

	if (mr->n == 0)
		return;
	hl = mem_calc(t, s, mr, ru);
	/* a resource no mask can hold is absent from the map (no preference) */
	for (r = 0; r < mr->n; r++) {
		struct ta_res_report *rr = res_add(cr, mr->name[r]);
		struct ta_hint_list copy = { 0 };
		char buf[1024], q[64], *ph;
		size_t o;

		rr->request = (long long)mr->bytes[r];
		rr->exclusive = true;
		if (hl.n) {
			copy.n = hl.n;
			copy.v = xcalloc(hl.n, sizeof(*copy.v));
			memcpy(copy.v, hl.v, hl.n * sizeof(*copy.v));
			res_set_hints(rr, &copy);
			ph = hints_phrase(&copy);
			provider_add(pv, mr->name[r], copy);
		} else {
			rr->nil_hints = true;
			ph = xstrdup("no NUMA combination has enough; the Memory Manager gives no hint "
				     "and its allocation would fail");
		}
		fmt_bytes(mr->bytes[r], q, sizeof(q));
		o = (size_t)snprintf(buf, sizeof(buf), "%s; %s", q, ph);
		free(ph);
		for (i = 0; i < nn && o + 80 < sizeof(buf); i++) {
			uint64_t f = s->free[i * s->nmem + (size_t)mr->idx[r]];

			if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA)
				f += mem_reusable(ru, (ta_mask)1 << t->numa[i].id, mr->idx[r]);

			if (f < mr->bytes[r]) {
				fmt_bytes(f, q, sizeof(q));
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "; NUMA %d has %s free, needs more",
						      t->numa[i].id, f ? q : "0");
			}
		}
		rr->why = xstrdup(buf);
	}
	free(hl.v);
}

/* requested memory and huge pages of a container (getRequestedResources),
 * or of the pod (getPodRequestedResources) */
static void mem_request(const struct pod *p, const struct ctr *c, const struct ta_node_state *s,
			struct memreq *mr, struct ta_container_report *cr)
{
	size_t i, j;
	const struct rl *src;

	memset(mr, 0, sizeof(*mr));
	/* the static policy serves Guaranteed pods without pod-level resources */
	if (p->qos != TA_QOS_GUARANTEED || p->pod_level_set)
		return;
	/* pod scope: resources named by app containers, aggregated */
	for (j = 0; j < p->n; j++) {
		if (c && &p->c[j] != c)
			continue;
		if (!c && p->c[j].init)
			continue;
		src = &p->c[j].req;
		for (i = 0; i < src->n; i++) {
			const char *n = src->v[i].name;
			size_t k;
			int idx;

			if (strcmp(n, "memory") && !is_hugepages(n))
				continue;
			for (k = 0; k < mr->n; k++)
				if (!strcmp(mr->name[k], n))
					break;
			if (k < mr->n || mr->n == 32)
				continue;
			idx = mem_index(s, n);
			if (idx < 0) {
				/* huge pages of a size this node does not have */
				struct ta_res_report *rr;

				if (!cr)
					continue;
				rr = res_add(cr, n);
				rr->request = tk_qty_value(&src->v[i].q);
				rr->exclusive = true;
				rr->nil_hints = true;
				rr->why = xasprintf("the node has no %s", n);
				continue;
			}
			mr->name[mr->n] = n;
			mr->idx[mr->n] = idx;
			mr->bytes[mr->n] = c ? (uint64_t)tk_qty_value(&src->v[i].q)
					     : (uint64_t)pod_amount(p, val_request_bytes, n);
			mr->n++;
		}
	}
}

/* findBestHint: preferred first, then the narrowest */
static struct ta_hint mem_best(const struct ta_hint_list *hl)
{
	struct ta_hint best = hl->v[0];
	size_t i;

	for (i = 1; i < hl->n; i++) {
		if (hl->v[i].preferred && !best.preferred)
			best = hl->v[i];
		else if (hl->v[i].preferred == best.preferred && ta_mask_narrower(hl->v[i].mask, best.mask))
			best = hl->v[i];
	}
	return best;
}

/* isAffinityViolatingNUMAAllocations */
static bool mem_violates(const struct topo *t, const struct ta_node_state *s, ta_mask m)
{
	size_t i;

	if (ta_mask_count(m) == 1)
		return false;
	for (i = 0; i < t->nnuma; i++) {
		int id = t->numa[i].id;

		if (id < 0 || id >= TA_MAX_NUMA || !(m >> id & 1) || s->assignments[i] == 0)
			continue;
		if (ta_mask_count(s->cells[i]) == 1 || s->cells[i] != m)
			return true;
	}
	return false;
}

/* updatePodReusableMemory */
static void mem_update_reusable(struct reuse *ru, const struct memreq *mr, ta_mask m, bool regular_init)
{
	size_t k, r;

	for (k = 0; k < ru->nmem; k++)
		if (ru->mem_mask[k] == m)
			break;
	if (k == ru->nmem) {
		if (!regular_init)
			return;
		ru->mem_mask = xreallocarray(ru->mem_mask, ru->nmem + 1, sizeof(*ru->mem_mask));
		ru->mem = xreallocarray(ru->mem, (ru->nmem + 1) * ru->stride, sizeof(*ru->mem));
		memset(&ru->mem[ru->nmem * ru->stride], 0, ru->stride * sizeof(*ru->mem));
		ru->mem_mask[ru->nmem++] = m;
	}
	for (r = 0; r < mr->n; r++) {
		uint64_t *have = &ru->mem[k * ru->stride + (size_t)mr->idx[r]];

		if (regular_init)
			*have = mr->bytes[r] > *have ? mr->bytes[r] : *have;
		else
			*have = mr->bytes[r] >= *have ? 0 : *have - mr->bytes[r];
	}
}

/* staticPolicy.Allocate (memorymanager/policy_static.go): a nil hint becomes
 * the default one (getDefaultHint), a hint too small is extended
 * (extendTopologyManagerHint), the NUMA group rule is checked, then each
 * resource is taken from the mask's nodes, less what init containers left
 * on the same mask (updateMachineState). */
static int mem_allocate(const struct topo *t, struct ta_node_state *s, struct reuse *ru, const struct memreq *mr,
			const struct ta_hint *h, bool regular_init, char *err, size_t errlen)
{
	struct ta_hint best = *h;
	struct ta_hint_list hl = { 0 };
	const char *msg = NULL;
	size_t r, i, k;

	if (mr->n == 0)
		return 0;
	if (!best.has_mask) {
		hl = mem_calc(t, s, mr, ru);
		if (!hl.n) {
			msg = "[memorymanager] failed to get the default NUMA affinity, no NUMA nodes with enough memory is available";
			goto out;
		}
		if (!mem_best(&hl).preferred && best.preferred) {
			msg = "[memorymanager] failed to find the default preferred hint";
			goto out;
		}
		best = mem_best(&hl);
		free(hl.v);
		hl.v = NULL;
		hl.n = 0;
	}
	for (r = 0; r < mr->n; r++)
		if (mem_sum(t, s, s->free, best.mask, mr->idx[r]) < mr->bytes[r])
			break;
	if (r < mr->n) {
		/* isAffinitySatisfyRequest failed: extend to a hint holding the mask */
		hl = mem_calc(t, s, mr, ru);
		for (i = k = 0; i < hl.n; i++)
			if ((hl.v[i].mask & best.mask) == best.mask)
				hl.v[k++] = hl.v[i];
		hl.n = k;
		if (!hl.n) {
			msg = "[memorymanager] failed to find NUMA nodes to extend the current topology hint";
			goto out;
		}
		if (!mem_best(&hl).preferred && best.preferred) {
			msg = "[memorymanager] failed to find the extended preferred hint";
			goto out;
		}
		best = mem_best(&hl);
	}
	if (mem_violates(t, s, best.mask)) {
		msg = "[memorymanager] preferred hint violates NUMA node allocation";
		goto out;
	}
	for (r = 0; r < mr->n; r++) {
		uint64_t left = mr->bytes[r], reuse = mem_reusable(ru, best.mask, mr->idx[r]);

		left = reuse >= left ? 0 : left - reuse;
		for (i = 0; i < t->nnuma; i++) {
			uint64_t *f = &s->free[i * s->nmem + (size_t)mr->idx[r]];
			uint64_t take;
			int id = t->numa[i].id;

			if (id < 0 || id >= TA_MAX_NUMA || !(best.mask >> id & 1))
				continue;
			s->assignments[i]++;
			s->cells[i] = best.mask;
			take = *f < left ? *f : left;
			*f -= take;
			left -= take;
		}
	}
	mem_update_reusable(ru, mr, best.mask, regular_init);
out:
	free(hl.v);
	if (msg)
		snprintf(err, errlen, "%s", msg);
	return msg ? -1 : 0;
}

/* ---- admission ---- */

static void report_container(struct ta_container_report *cr, const struct ctr *c)
{
	memset(cr, 0, sizeof(*cr));
	cr->name = xstrdup(c->name);
	cr->init = c->init;
	cr->restartable = c->restartable;
}

static void providers_release(struct ta_provider *pv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ta_provider_release(&pv[i]);
}

/* One admission in progress: the node, the pod, what its init containers
 * leave to the later ones, and the report being filled. */
struct admission {
	struct ta_node *n;
	const struct pod *p;
	struct reuse ru;
	struct ta_pod_report *r;
};

/* Collect the three providers' hints for one container (c) or the pod (c
 * NULL), in the order the kubelet registers them; *cpus is the exclusive
 * CPUs asked for. */
static void gather(const struct admission *a, const struct ctr *c, struct ta_provider pv[3],
		   struct ta_container_report *cr, int *cpus)
{
	const struct topo *t = &a->n->t;
	const struct ta_node_state *s = a->n->state;
	const struct ta_config *cfg = &a->n->cfg;
	const struct ta_numa_info *ni = &a->n->ni;
	const struct pod *p = a->p;
	const struct reuse *ru = &a->ru;
	struct memreq mr;
	size_t i;

	memset(pv, 0, 3 * sizeof(*pv));
	/* Device Manager: extended resources the node's devices provide */
	if (c) {
		for (i = 0; i < c->lim.n; i++)
			if (is_device_resource(t, c->lim.v[i].name))
				dev_hints_for(t, s, ni, ru, c->lim.v[i].name, tk_qty_value(&c->lim.v[i].q),
					      &pv[0], cr);
	} else {
		struct rl names = { 0 };
		size_t j;

		for (j = 0; j < p->n; j++)
			for (i = 0; i < p->c[j].lim.n; i++)
				if (is_device_resource(t, p->c[j].lim.v[i].name) &&
				    !rl_get(&names, p->c[j].lim.v[i].name))
					rl_put(&names, p->c[j].lim.v[i].name, &p->c[j].lim.v[i].q);
		for (i = 0; i < names.n; i++)
			dev_hints_for(t, s, ni, NULL, names.v[i].name, pod_amount(p, val_limit, names.v[i].name),
				      &pv[0], cr);
		rl_release(&names);
	}
	/* CPU Manager */
	*cpus = c ? guaranteed_cpus(p, c) : (int)pod_amount(p, val_cpus, NULL);
	cpu_hints(t, s, cfg, p, c ? &ru->cpus : NULL, *cpus, &pv[1], cr);
	if (p->pod_level_set)
		*cpus = 0;
	/* Memory Manager */
	if (cfg->mem_static) {
		mem_request(p, c, s, &mr, cr);
		mem_hints(t, s, &mr, c ? ru : NULL, &pv[2], cr);
	}
}

/* allocateAlignedResources: each provider's Allocate in registration order;
 * the first error fails the pod. Returns 0, or -1 with err filled and
 * *reason set when the error has its own admission reason. */
static int allocate(struct admission *a, const struct ctr *c, const struct ta_hint *h, const char **reason,
		    char *err, size_t errlen)
{
	const struct topo *t = &a->n->t;
	struct ta_node_state *s = a->n->state;
	const struct ta_config *cfg = &a->n->cfg;
	const struct pod *p = a->p;
	struct reuse *ru = &a->ru;
	bool regular_init = c->init && !c->restartable;
	int n = p->pod_level_set ? 0 : guaranteed_cpus(p, c);
	struct memreq mr;
	size_t i;

	for (i = 0; i < c->lim.n; i++)
		if (is_device_resource(t, c->lim.v[i].name) &&
		    dev_allocate(t, s, ru, c->lim.v[i].name, tk_qty_value(&c->lim.v[i].q), h, regular_init,
				 err, errlen))
			return -1;
	if (cfg->cpu_static && n > 0 && cpu_allocate(t, s, cfg, ru, n, h, regular_init, reason, err, errlen))
		return -1;
	if (cfg->mem_static) {
		mem_request(p, c, s, &mr, NULL);
		if (mem_allocate(t, s, ru, &mr, h, regular_init, err, errlen))
			return -1;
	}
	return 0;
}

/* admission.GetPodAdmitResult for an Allocate error: its own reason and
 * message, or UnexpectedAdmissionError around the text */
static void alloc_failed(struct ta_pod_report *r, struct ta_container_report *cr, const char *reason,
			 const char *err)
{
	cr->admit = false;
	r->admit = false;
	r->reason = xstrdup(reason ? reason : "UnexpectedAdmissionError");
	r->message = reason ? xstrdup(err) : xasprintf("Allocate failed due to %s, which is unexpected", err);
}

static void warn(struct ta_pod_report *r, char *msg)
{
	r->warnings = xreallocarray(r->warnings, r->nwarnings + 1, sizeof(char *));
	r->warnings[r->nwarnings++] = msg;
}

/* Say so when the kubelet's own merge of these hints would stall. */
static void stall_warning(struct ta_pod_report *r, enum ta_policy pol, const struct ta_provider *pv,
			  const char *container)
{
	char msg[1024];

	if (ta_merge_stall_warning(pol, pv, 3, msg, sizeof(msg), NULL))
		warn(r, container ? xasprintf("container %s: %s", container, msg) : xasprintf("pod: %s", msg));
}

static void check_annotations(const struct pod *p, struct ta_pod_report *r)
{
	static const char *const fake[] = { "kubernetes.io/topology-policy", "cpu-set.kubernetes.io/numa-node" };
	const struct tk_node *ann = tk_get(p->meta, "annotations");
	size_t i;

	for (i = 0; i < sizeof(fake) / sizeof(fake[0]); i++) {
		const struct tk_node *v = tk_get(ann, fake[i]);

		if (!v)
			continue;
		warn(r, xasprintf("%s:%u:%u: annotation %s is not Kubernetes API: the kubelet ignores it; "
				  "the Topology Manager policy is set per node (topologyManagerPolicy in the "
				  "KubeletConfiguration), not per pod",
				  p->file, v->line, v->col, fake[i]));
	}
}

/* What the API server and the kubelet say about a pod before any
 * admission: annotations that are not API, extended resources no device
 * provides (unless the Node is known: its allocatable decides), huge page
 * requests that are not whole pages. */
static void check_pod(const struct topo *t, const struct pod *p, bool have_node, struct ta_pod_report *r)
{
	size_t i, j;

	check_annotations(p, r);
	for (i = 0; i < p->n; i++) {
		for (j = 0; j < p->c[i].lim.n; j++) {
			const char *n = p->c[i].lim.v[j].name;

			if (!have_node && strchr(n, '/') && !is_device_resource(t, n) && strncmp(n, "hugepages-", 10))
				warn(r, xasprintf("container %s requests %s, which no device of the topology "
						  "provides: the kubelet would reject the pod (insufficient %s)",
						  p->c[i].name, n, n));
		}
	}
	for (i = 0; i < p->n; i++)
		for (j = 0; j < p->c[i].req.n; j++) {
			const char *n = p->c[i].req.v[j].name;
			struct tk_qty page;

			/* IsHugePageResourceValueDivisible: the API server's check */
			if (is_hugepages(n) && !tk_qty_parse(n + 10, &page) && tk_qty_value(&page) > 0 &&
			    tk_qty_value(&p->c[i].req.v[j].q) % tk_qty_value(&page) != 0)
				warn(r, xasprintf("container %s: %s request of %lld bytes is not a multiple of the "
						  "%s page size: the API server rejects this pod (write e.g. %s)",
						  p->c[i].name, n, (long long)tk_qty_value(&p->c[i].req.v[j].q), n + 10,
						  n + 10));
		}
}

/* allocateAlignedResources for container i under hint h; a failure fails
 * the pod with the provider's reason. */
static void allocate_container(struct admission *a, size_t i, const struct ta_hint *h)
{
	char err[512];
	const char *reason = NULL;

	if (allocate(a, &a->p->c[i], h, &reason, err, sizeof(err)))
		alloc_failed(a->r, &a->r->containers[i], reason, err);
}

/* admitPolicyNone (scope.go): each container allocated without a hint; the
 * providers' hints are still reported. */
static void admit_policy_none(struct admission *a)
{
	struct ta_provider pv[3];
	size_t i;
	int cpus;

	for (i = 0; i < a->p->n && a->r->admit; i++) {
		struct ta_container_report *cr = &a->r->containers[i];

		gather(a, &a->p->c[i], pv, cr, &cpus);
		providers_release(pv, 3);
		cr->hint = (struct ta_hint){ false, 0, false };
		cr->admit = true;
		cr->have_hint = true;
		cr->exclusive_cpus = a->n->cfg.cpu_static ? cpus : 0;
		allocate_container(a, i, &cr->hint);
	}
}

/* containerScope.Admit (scope_container.go): init containers, then app
 * containers, each merged and allocated before the next. */
static void container_scope_admit(struct admission *a)
{
	struct ta_node *n = a->n;
	struct ta_provider pv[3];
	size_t i;
	int cpus;

	for (i = 0; i < a->p->n && a->r->admit; i++) {
		struct ta_container_report *cr = &a->r->containers[i];

		gather(a, &a->p->c[i], pv, cr, &cpus);
		stall_warning(a->r, n->policy, pv, cr->name);
		ta_merge(n->policy, &n->tm_opts, &n->ni, pv, 3, &cr->hint, &cr->admit);
		providers_release(pv, 3);
		cr->have_hint = true;
		cr->exclusive_cpus = n->cfg.cpu_static ? cpus : 0;
		if (!cr->admit)
			a->r->admit = false;
		else
			allocate_container(a, i, &cr->hint);
	}
}

/* podScope.Admit (scope_pod.go): one merge for the whole pod, then each
 * container allocated with the pod's hint. */
static void pod_scope_admit(struct admission *a)
{
	struct ta_node *n = a->n;
	struct ta_provider pv[3];
	struct ta_container_report *pr = &a->r->pod;
	size_t i;
	int cpus;

	a->r->pod_scope = true;
	pr->name = xstrdup(a->r->name);
	gather(a, NULL, pv, pr, &cpus);
	stall_warning(a->r, n->policy, pv, NULL);
	ta_merge(n->policy, &n->tm_opts, &n->ni, pv, 3, &pr->hint, &pr->admit);
	providers_release(pv, 3);
	pr->have_hint = true;
	pr->exclusive_cpus = n->cfg.cpu_static ? cpus : 0;
	a->r->admit = pr->admit;
	for (i = 0; i < a->p->n; i++) {
		struct ta_container_report *cr = &a->r->containers[i];

		cr->have_hint = true;
		cr->hint = pr->hint;
		cr->admit = pr->admit;
		cr->exclusive_cpus = n->cfg.cpu_static && !a->p->pod_level_set ? guaranteed_cpus(a->p, &a->p->c[i]) : 0;
		if (a->r->admit)
			allocate_container(a, i, &cr->hint);
	}
}

static int pod_req_fill(struct ta_pod_req *out, const struct pod *p, struct tk_diag *d);

int ta_node_admit(struct ta_node *n, struct ta_pod_report *r, const struct tk_node *obj,
		  const char *file, struct tk_diag *d)
{
	struct pod p;
	struct admission a = { n, &p, { CPUSET_INIT, NULL, 0, 0, NULL, NULL }, r };
	struct state_copy saved;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = pod_parse(&p, obj, file, d);
	if (rc) {
		pod_release(&p);
		return rc;
	}
	a.ru.devs = xcalloc(n->t.ndevices + 1, sizeof(bool));
	a.ru.stride = n->state->nmem;
	r->kind = xstrdup(p.kind);
	r->name = xstrdup(p.name ? p.name : "");
	r->qos = p.qos;
	r->policy = n->policy;
	r->scope = n->scope;
	r->cpu_static = n->cfg.cpu_static;
	r->admit = true;
	r->containers = xcalloc(p.n + 1, sizeof(*r->containers));
	r->ncontainers = p.n;
	for (i = 0; i < p.n; i++)
		report_container(&r->containers[i], &p.c[i]);
	check_pod(&n->t, &p, n->kn != NULL, r);
	state_save(&saved, n->state, &n->t);
	/* topologyManager.Admit: the policy none scope, else the configured one */
	if (n->policy == TA_POLICY_NONE)
		admit_policy_none(&a);
	else if (n->scope == TA_SCOPE_CONTAINER)
		container_scope_admit(&a);
	else
		pod_scope_admit(&a);
	if (!r->admit && !r->reason) {
		r->reason = xstrdup("TopologyAffinityError");
		r->message = xstrdup("Resources cannot be allocated with Topology locality");
	}
	/* the kubelet registers the Topology Manager's admit handler before
	 * the predicate one (kubelet.go NewMainKubelet) */
	if (r->admit && n->kn) {
		struct ta_pod_req req;

		rc = pod_req_fill(&req, &p, d);
		if (!rc) {
			rc = ta_kubelet_admit(n->kn, &req, p.meta, p.spec, file, &r->reason, &r->message, d);
			ta_pod_req_release(&req);
		}
		if (rc)
			r->admit = false;
	}
	state_restore(&saved, n->state, &n->t, !r->admit);
	cpuset_release(&a.ru.cpus);
	free(a.ru.devs);
	free(a.ru.mem_mask);
	free(a.ru.mem);
	pod_release(&p);
	return rc < 0 ? -1 : 0;
}

struct ta_node_state *ta_node_state_new(const struct topo *t, const struct ta_config *cfg)
{
	struct ta_node_state *s = xcalloc(1, sizeof(*s));

	state_init(s, t, cfg);
	return s;
}

void ta_node_state_free(struct ta_node_state *s)
{
	if (!s)
		return;
	state_release(s);
	free(s);
}

static void container_report_release(struct ta_container_report *c)
{
	size_t j;

	for (j = 0; j < c->nres; j++) {
		free(c->res[j].name);
		free(c->res[j].hints);
		free(c->res[j].why);
	}
	free(c->res);
	free(c->name);
}

void ta_pod_report_release(struct ta_pod_report *r)
{
	size_t i;

	for (i = 0; i < r->ncontainers; i++)
		container_report_release(&r->containers[i]);
	free(r->containers);
	container_report_release(&r->pod);
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->name);
	free(r->kind);
	free(r->reason);
	free(r->message);
	memset(r, 0, sizeof(*r));
}

/* ---- requests for other deciders (nrt.c) ---- */

static void reqs_copy(const struct rl *l, size_t *n, struct ta_req **out)
{
	size_t i;

	*n = l->n;
	*out = xcalloc(l->n ? l->n : 1, sizeof(**out));
	for (i = 0; i < l->n; i++) {
		(*out)[i].name = xstrdup(l->v[i].name);
		(*out)[i].q = l->v[i].q;
	}
}

/* The requests of a parsed pod (spec.overhead read here): 0, or -1 with d
 * filled and nothing to release. */
static int pod_req_fill(struct ta_pod_req *out, const struct pod *p, struct tk_diag *d)
{
	struct rl overhead;
	size_t i, j;

	memset(out, 0, sizeof(*out));
	if (rl_parse(&overhead, p->file, tk_get(p->spec, "overhead"), d)) {
		rl_release(&overhead);
		return -1;
	}
	out->name = xstrdup(p->name ? p->name : "");
	out->kind = xstrdup(p->kind);
	out->qos = p->qos;
	out->n = p->n;
	out->c = xcalloc(p->n ? p->n : 1, sizeof(*out->c));
	for (i = 0; i < p->n; i++) {
		out->c[i].name = xstrdup(p->c[i].name);
		out->c[i].init = p->c[i].init;
		out->c[i].restartable = p->c[i].restartable;
		reqs_copy(&p->c[i].req, &out->c[i].n, &out->c[i].req);
	}
	reqs_copy(&overhead, &out->noverhead, &out->overhead);
	rl_release(&overhead);
	/* PodRequests: pod-level requests of the supported resources replace
	 * the containers' sum */
	out->pod_level = xcalloc(p->preq.n + 1, sizeof(*out->pod_level));
	for (i = j = 0; p->pod_level && i < p->preq.n; i++)
		if (qos_resource(p->preq.v[i].name) || is_hugepages(p->preq.v[i].name)) {
			out->pod_level[j].name = xstrdup(p->preq.v[i].name);
			out->pod_level[j++].q = p->preq.v[i].q;
		}
	out->npod_level = j;
	return 0;
}

int ta_pod_requests(struct ta_pod_req *out, const struct tk_node *obj, const char *file,
		    struct tk_diag *d)
{
	struct pod p;
	int rc = pod_parse(&p, obj, file, d);

	memset(out, 0, sizeof(*out));
	if (!rc && pod_req_fill(out, &p, d))
		rc = -1;
	pod_release(&p);
	return rc;
}

void ta_pod_req_release(struct ta_pod_req *r)
{
	size_t i, j;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < r->c[i].n; j++)
			free(r->c[i].req[j].name);
		free(r->c[i].req);
		free(r->c[i].name);
	}
	free(r->c);
	for (j = 0; j < r->noverhead; j++)
		free(r->overhead[j].name);
	free(r->overhead);
	for (j = 0; j < r->npod_level; j++)
		free(r->pod_level[j].name);
	free(r->pod_level);
	free(r->name);
	free(r->kind);
	memset(r, 0, sizeof(*r));
}
