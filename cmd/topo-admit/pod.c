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
 *
 * Follows: pkg/apis/core/v1/helper/qos ComputePodQOS; SetDefaults_Pod
 * (requests default to limits); cpumanager/policy_static.go (guaranteedCPUs,
 * podGuaranteedCPUs, GetTopologyHints, GetPodTopologyHints, allocateCPUs);
 * devicemanager/topology_hints.go (GetTopologyHints, getPodDeviceRequest,
 * generateDeviceTopologyHints); memorymanager/policy_static.go
 * (getRequestedResources, getPodRequestedResources, calculateHints);
 * topologymanager/scope_container.go and scope_pod.go (Admit).
 *
 * What is approximated, and said so in topo-admit(1): which CPUs, devices
 * and memory an admitted container takes (the kubelet's takeByTopology and
 * the memory manager's allocation): this only matters to the hints of the
 * containers admitted after it. cpuset-alloc computes the exact CPUs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Quantity.Cmp for our exact milli values (inexact ones round up) */
static int qty_cmp(const struct tk_qty *a, const struct tk_qty *b)
{
	if (a->milli != b->milli)
		return a->milli < b->milli ? -1 : 1;
	if (a->inexact != b->inexact)
		return a->inexact ? -1 : 1;
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

			if (!l || qty_cmp(l, &req.v[i].q) != 0) {
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
	}
	p->qos = compute_qos(p);
	return 0;
}

/* ---- node state ---- */

struct node_state {
	struct cpuset free_cpus;       /* defaultCpuSet */
	bool *dev_used;                /* per topo device */
	size_t nmem;                   /* memory resources tracked per NUMA node */
	char **mem_names;              /* "memory", "hugepages-1Gi", ... */
	uint64_t *alloc;               /* [numa index * nmem + r] allocatable */
	uint64_t *free;                /* [numa index * nmem + r] */
	unsigned *assignments;         /* per numa index: NumberOfAssignments */
	ta_mask *cells;                /* per numa index: the group it is used with */
};

static int mem_index(const struct node_state *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nmem; i++)
		if (!strcmp(s->mem_names[i], name))
			return (int)i;
	return -1;
}

static void state_init(struct node_state *s, const struct topo *t, const struct ta_config *cfg)
{
	size_t i, j;

	memset(s, 0, sizeof(*s));
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
		s->alloc[i * s->nmem] = mem > res ? mem - res : 0;
		for (j = 0; j < t->numa[i].nhugepages; j++) {
			char *n = xasprintf("hugepages-%s", t->numa[i].hugepages[j].size);
			struct tk_qty q;
			int r = mem_index(s, n);

			if (r >= 0 && !tk_qty_parse(t->numa[i].hugepages[j].size, &q))
				s->alloc[i * s->nmem + (size_t)r] =
					(uint64_t)tk_qty_value(&q) * t->numa[i].hugepages[j].pages;
			free(n);
		}
		if (t->numa[i].id >= 0 && t->numa[i].id < TA_MAX_NUMA)
			s->cells[i] = (ta_mask)1 << t->numa[i].id;
	}
	memcpy(s->free, s->alloc, t->nnuma * s->nmem * sizeof(uint64_t));
}

static void state_release(struct node_state *s)
{
	size_t i;

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

static void cpu_available(const struct node_state *s, const struct ta_config *cfg, struct cpuset *out)
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

static void cpu_hints(const struct topo *t, const struct node_state *s, const struct ta_config *cfg,
		      const struct cpuset *reusable, int request, struct ta_provider *pv,
		      struct ta_container_report *cr)
{
	struct ta_res_report *r;
	struct ta_hint_list hl = { 0 };
	struct cpuset avail = CPUSET_INIT;

	if (!cfg->cpu_static)
		return;
	if (request == 0) {
		/* no preference: the provider returns nil */
		r = res_add(cr, "cpu");
		r->nil_hints = true;
		r->why = xstrdup("shared CPUs (not Guaranteed with an integer CPU request): no NUMA preference");
		return;
	}
	cpu_available(s, cfg, &avail);
	hl.v = ta_cpu_hints(t, &avail, reusable, request, cfg->align_by_socket, &hl.n);
	r = res_add(cr, "cpu");
	r->request = request;
	r->exclusive = true;
	res_set_hints(r, &hl);
	cpu_why(t, &avail, reusable, request, &hl, r);
	provider_add(pv, "cpu", hl);
	cpuset_release(&avail);
}

/* Which CPUs an admitted container takes (approximating allocateCPUs and
 * takeByTopology): inside the hint's NUMA nodes first, the fullest NUMA node
 * first, whole free cores before single threads, then anywhere. */
static void take_cpus(const struct topo *t, const struct cpuset *pool, int n, const struct ta_hint *h,
		      struct cpuset *out)
{
	struct cpuset left = CPUSET_INIT;
	int pass, c;

	cpuset_clear_all(out);
	cpuset_copy(&left, pool);
	for (pass = 0; pass < 2 && (int)cpuset_count(out) < n; pass++) {
		size_t order[TA_MAX_NUMA], no = 0, i, j;

		for (i = 0; i < t->nnuma && no < TA_MAX_NUMA; i++) {
			int id = t->numa[i].id;
			bool in = h->has_mask && id >= 0 && id < TA_MAX_NUMA && (h->mask >> id & 1);

			if (pass == 0 ? in : !in)
				order[no++] = i;
		}
		/* fullest (fewest free CPUs) first, then by id */
		for (i = 1; i < no; i++)
			for (j = i; j > 0; j--) {
				struct cpuset a = CPUSET_INIT, b = CPUSET_INIT;
				size_t fa, fb;

				topo_cpus_of_numa(t, t->numa[order[j - 1]].id, &a);
				topo_cpus_of_numa(t, t->numa[order[j]].id, &b);
				fa = cpuset_count_and(&a, &left);
				fb = cpuset_count_and(&b, &left);
				cpuset_release(&a);
				cpuset_release(&b);
				if (fa <= fb)
					break;
				size_t tmp = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmp;
			}
		for (i = 0; i < no && (int)cpuset_count(out) < n; i++) {
			struct cpuset in = CPUSET_INIT;
			int round;

			topo_cpus_of_numa(t, t->numa[order[i]].id, &in);
			cpuset_and(&in, &left);
			for (round = 0; round < 2; round++)
				for (c = cpuset_first(&in); c >= 0 && (int)cpuset_count(out) < n;
				     c = cpuset_next(&in, c)) {
					struct cpuset core = CPUSET_INIT;
					const struct topo_cpu *tc = topo_cpu(t, c);

					if (!cpuset_test(&left, (unsigned)c))
						continue;
					topo_cpus_of_core(t, tc->core, &core);
					if (round == 1 || (cpuset_is_subset(&core, &left) &&
							   (int)(cpuset_count(out) + cpuset_count(&core)) <= n)) {
						if (round == 0) {
							cpuset_or(out, &core);
							cpuset_andnot(&left, &core);
						} else {
							cpuset_set(out, (unsigned)c);
							cpuset_clear(&left, (unsigned)c);
						}
					}
					cpuset_release(&core);
				}
			cpuset_release(&in);
		}
	}
	cpuset_release(&left);
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

static void dev_hints_for(const struct topo *t, const struct node_state *s, const struct ta_numa_info *ni,
			  const char *res, long long request, struct ta_provider *pv,
			  struct ta_container_report *cr)
{
	struct ta_hint_list hl = { 0 };
	struct ta_res_report *r = res_add(cr, res);
	size_t i, avail = 0, total = 0;
	bool aligned = false;
	int min_affinity = (int)ni->n;
	ta_mask m;
	char buf[1024];

	r->request = request;
	r->exclusive = true;
	for (i = 0; i < t->ndevices; i++) {
		if (!t->devices[i].resource || strcmp(t->devices[i].resource, res))
			continue;
		total++;
		if (t->devices[i].numa >= 0)
			aligned = true;
		if (!s->dev_used[i])
			avail++;
	}
	if (!aligned) {
		/* deviceHasTopologyAlignment: no NUMA information, no preference */
		hl.is_nil = true;
		res_set_hints(r, &hl);
		r->why = xasprintf("%lld device(s); the devices have no NUMA node: no NUMA preference", request);
		provider_add(pv, res, hl);
		return;
	}
	if ((long long)avail < request) {
		res_set_hints(r, &hl);
		r->why = xasprintf("%lld device(s); only %zu of %zu free on the node", request, avail, total);
		provider_add(pv, res, hl);
		return;
	}
	/* generateDeviceTopologyHints over bitmask.IterateBitMasks(numaNodes) */
	{
		size_t size, nn = ni->n;
		/* enumerate combinations of ni->nodes by size, lexicographically */
		for (size = 1; size <= nn; size++) {
			size_t idx[TA_MAX_NUMA], k;

			for (k = 0; k < size; k++)
				idx[k] = k;
			for (;;) {
				size_t in_mask = 0, matching = 0;

				m = 0;
				for (k = 0; k < size; k++)
					m |= (ta_mask)1 << ni->nodes[idx[k]];
				for (i = 0; i < t->ndevices; i++) {
					const struct topo_device *dv = &t->devices[i];
					bool hit;

					if (!dv->resource || strcmp(dv->resource, res))
						continue;
					hit = dv->numa >= 0 && dv->numa < TA_MAX_NUMA && (m >> dv->numa & 1);
					if (hit)
						in_mask++;
					if (hit && !s->dev_used[i])
						matching++;
				}
				if ((long long)in_mask >= request && ta_mask_count(m) < min_affinity)
					min_affinity = ta_mask_count(m);
				if ((long long)matching >= request) {
					hl.v = xreallocarray(hl.v, hl.n + 1, sizeof(*hl.v));
					hl.v[hl.n++] = (struct ta_hint){ true, m, false };
				}
				/* next combination */
				k = size;
				while (k > 0 && idx[k - 1] == nn - size + k - 1)
					k--;
				if (k == 0)
					break;
				idx[k - 1]++;
				for (; k < size; k++)
					idx[k] = idx[k - 1] + 1;
			}
		}
	}
	for (i = 0; i < hl.n; i++)
		if (ta_mask_count(hl.v[i].mask) == min_affinity)
			hl.v[i].preferred = true;
	res_set_hints(r, &hl);
	{
		char *ph = hints_phrase(&hl);
		size_t o = (size_t)snprintf(buf, sizeof(buf), "%lld device(s); %s", request, ph);

		free(ph);
		for (i = 0; i < ni->n && o + 80 < sizeof(buf); i++) {
			size_t j, f = 0;

			for (j = 0; j < t->ndevices; j++)
				if (t->devices[j].resource && !strcmp(t->devices[j].resource, res) &&
				    t->devices[j].numa == ni->nodes[i] && !s->dev_used[j])
					f++;
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "; NUMA %d has %zu free", ni->nodes[i], f);
		}
	}
	r->why = xstrdup(buf);
	provider_add(pv, res, hl);
}

static void take_devices(const struct topo *t, struct node_state *s, const char *res, long long n,
			 const struct ta_hint *h)
{
	int pass;
	size_t i;

	for (pass = 0; pass < 2 && n > 0; pass++)
		for (i = 0; i < t->ndevices && n > 0; i++) {
			const struct topo_device *dv = &t->devices[i];
			bool in;

			if (!dv->resource || strcmp(dv->resource, res) || s->dev_used[i])
				continue;
			in = h->has_mask && dv->numa >= 0 && dv->numa < TA_MAX_NUMA && (h->mask >> dv->numa & 1);
			if (pass == 0 && !in)
				continue;
			s->dev_used[i] = true;
			n--;
		}
}

/* ---- Memory Manager ---- */

struct memreq {
	size_t n;
	int idx[32];          /* index into node_state memory resources */
	uint64_t bytes[32];
	const char *name[32];
};

/* calculateHints: every NUMA combination that can hold all of mr, the same
 * list for each memory resource */
static struct ta_hint_list mem_calc(const struct topo *t, const struct node_state *s,
				    const struct memreq *mr)
{
	struct ta_hint_list hl = { 0 };
	size_t nn = t->nnuma, size, k, i, r;
	int min_affinity = (int)nn;

	/* calculateHints: the same masks apply to every memory resource */
	for (size = 1; size <= nn && nn <= TA_MAX_NUMA; size++) {
		size_t idx[TA_MAX_NUMA];

		for (k = 0; k < size; k++)
			idx[k] = k;
		for (;;) {
			ta_mask m = 0;
			bool ok = true, single = size == 1;

			for (k = 0; k < size; k++)
				m |= (ta_mask)1 << t->numa[idx[k]].id;
			for (r = 0; r < mr->n && ok; r++) {
				uint64_t tot = 0;

				for (k = 0; k < size; k++)
					tot += s->alloc[idx[k] * s->nmem + (size_t)mr->idx[r]];
				if (tot < mr->bytes[r])
					ok = false;
			}
			if (ok) {
				if ((int)size < min_affinity)
					min_affinity = (int)size;
				if (single && ta_mask_count(s->cells[idx[0]]) > 1)
					ok = false;
				for (k = 0; k < size && ok && !single; k++)
					if (s->assignments[idx[k]] > 0 &&
					    (ta_mask_count(s->cells[idx[k]]) == 1 || s->cells[idx[k]] != m))
						ok = false;
				for (r = 0; r < mr->n && ok; r++) {
					uint64_t tot = 0;

					for (k = 0; k < size; k++)
						tot += s->free[idx[k] * s->nmem + (size_t)mr->idx[r]];
					if (tot < mr->bytes[r])
						ok = false;
				}
				if (ok) {
					hl.v = xreallocarray(hl.v, hl.n + 1, sizeof(*hl.v));
					hl.v[hl.n++] = (struct ta_hint){ true, m, false };
				}
			}
			k = size;
			while (k > 0 && idx[k - 1] == nn - size + k - 1)
				k--;
			if (k == 0)
				break;
			idx[k - 1]++;
			for (; k < size; k++)
				idx[k] = idx[k - 1] + 1;
		}
	}
	for (i = 0; i < hl.n; i++)
		hl.v[i].preferred = ta_mask_count(hl.v[i].mask) == min_affinity;
	return hl;
}

static void mem_hints(const struct topo *t, const struct node_state *s, const struct memreq *mr,
		      struct ta_provider *pv, struct ta_container_report *cr)
{
	struct ta_hint_list hl;
	size_t nn = t->nnuma, i, r;

	if (mr->n == 0)
		return;
	hl = mem_calc(t, s, mr);
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

/* requested memory and huge pages of a container, or of the pod */
static int mem_request(const struct pod *p, const struct ctr *c, const struct node_state *s,
		       struct memreq *mr, struct ta_container_report *cr)
{
	size_t i, j;
	const struct rl *src;

	memset(mr, 0, sizeof(*mr));
	if (p->qos != TA_QOS_GUARANTEED)
		return 0;
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
				struct ta_res_report *rr = res_add(cr, n);

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
	return 0;
}

static void take_memory(const struct topo *t, struct node_state *s, const struct memreq *mr,
			const struct ta_hint *h)
{
	size_t r, i;
	ta_mask group = 0;

	for (r = 0; r < mr->n; r++) {
		uint64_t left = mr->bytes[r];

		for (i = 0; i < t->nnuma && left; i++) {
			uint64_t *f = &s->free[i * s->nmem + (size_t)mr->idx[r]];
			uint64_t take;
			int id = t->numa[i].id;

			if (h->has_mask && !(id >= 0 && id < TA_MAX_NUMA && (h->mask >> id & 1)))
				continue;
			take = *f < left ? *f : left;
			*f -= take;
			left -= take;
		}
	}
	if (!mr->n || !h->has_mask)
		return;
	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].id < TA_MAX_NUMA && (h->mask >> t->numa[i].id & 1))
			group |= (ta_mask)1 << t->numa[i].id;
	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].id < TA_MAX_NUMA && (group >> t->numa[i].id & 1)) {
			s->assignments[i]++;
			s->cells[i] = group;
		}
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

/* Collect the three providers' hints for one container (c) or the pod (c NULL). */
static void gather(const struct topo *t, const struct node_state *s, const struct ta_config *cfg,
		   const struct ta_numa_info *ni, const struct pod *p, const struct ctr *c,
		   const struct cpuset *reusable, struct ta_provider pv[3], struct ta_container_report *cr,
		   struct memreq *mr, int *cpus)
{
	size_t i;

	memset(pv, 0, 3 * sizeof(*pv));
	/* Device Manager: extended resources the node's devices provide */
	if (c) {
		for (i = 0; i < c->lim.n; i++)
			if (is_device_resource(t, c->lim.v[i].name))
				dev_hints_for(t, s, ni, c->lim.v[i].name, tk_qty_value(&c->lim.v[i].q), &pv[0], cr);
	} else {
		struct rl names = { 0 };
		size_t j;

		for (j = 0; j < p->n; j++)
			for (i = 0; i < p->c[j].lim.n; i++)
				if (is_device_resource(t, p->c[j].lim.v[i].name) &&
				    !rl_get(&names, p->c[j].lim.v[i].name))
					rl_put(&names, p->c[j].lim.v[i].name, &p->c[j].lim.v[i].q);
		for (i = 0; i < names.n; i++)
			dev_hints_for(t, s, ni, names.v[i].name, pod_amount(p, val_limit, names.v[i].name),
				      &pv[0], cr);
		rl_release(&names);
	}
	/* CPU Manager */
	*cpus = c ? guaranteed_cpus(p, c) : (int)pod_amount(p, val_cpus, NULL);
	cpu_hints(t, s, cfg, reusable, *cpus, &pv[1], cr);
	/* Memory Manager */
	memset(mr, 0, sizeof(*mr));
	if (cfg->mem_static) {
		mem_request(p, c, s, mr, cr);
		mem_hints(t, s, mr, &pv[2], cr);
	}
}

/* The Memory Manager's Allocate (policy_static.go) can still fail after the
 * Topology Manager admitted: with no hint it needs a default one
 * (getDefaultHint), with a hint too small it must extend it
 * (extendTopologyManagerHint). Returns the error text, or NULL. */
static const char *mem_allocate_error(const struct topo *t, const struct node_state *s,
				      const struct memreq *mr, const struct ta_hint *h)
{
	struct ta_hint_list hl;
	const char *err = NULL;
	size_t r, i;
	bool enough = true;

	if (mr->n == 0)
		return NULL;
	hl = mem_calc(t, s, mr);
	if (!h->has_mask) {
		if (hl.n == 0)
			err = "[memorymanager] failed to get the default NUMA affinity, no NUMA nodes with enough memory is available";
		free(hl.v);
		return err;
	}
	for (r = 0; r < mr->n; r++) {
		uint64_t tot = 0;

		for (i = 0; i < t->nnuma; i++)
			if (t->numa[i].id < TA_MAX_NUMA && (h->mask >> t->numa[i].id & 1))
				tot += s->free[i * s->nmem + (size_t)mr->idx[r]];
		if (tot < mr->bytes[r])
			enough = false;
	}
	if (!enough) {
		bool found = false;

		for (i = 0; i < hl.n; i++)
			if ((hl.v[i].mask & h->mask) == h->mask)
				found = true;
		if (!found)
			err = "[memorymanager] failed to find NUMA nodes to extend the current topology hint";
	}
	free(hl.v);
	return err;
}

static const char *allocate(const struct topo *t, struct node_state *s, const struct ta_config *cfg,
			    const struct pod *p, const struct ctr *c, const struct ta_hint *h,
			    struct cpuset *reusable)
{
	int n = guaranteed_cpus(p, c);
	struct memreq mr;
	struct ta_container_report scratch = { 0 };
	const char *err = NULL;
	size_t i;

	if (cfg->mem_static) {
		mem_request(p, c, s, &mr, &scratch);
		for (i = 0; i < scratch.nres; i++) {
			free(scratch.res[i].name);
			free(scratch.res[i].why);
		}
		free(scratch.res);
		err = mem_allocate_error(t, s, &mr, h);
		if (err)
			return err;
		if (!(c->init && !c->restartable))
			take_memory(t, s, &mr, h);
	}
	if (cfg->cpu_static && n > 0) {
		struct cpuset pool = CPUSET_INIT, got = CPUSET_INIT;

		cpu_available(s, cfg, &pool);
		cpuset_or(&pool, reusable);
		take_cpus(t, &pool, n, h, &got);
		cpuset_andnot(&s->free_cpus, &got);
		/* updateCPUsToReuse */
		if (c->init && !c->restartable)
			cpuset_or(reusable, &got);
		else
			cpuset_andnot(reusable, &got);
		cpuset_release(&pool);
		cpuset_release(&got);
	}
	for (i = 0; i < c->lim.n; i++)
		if (is_device_resource(t, c->lim.v[i].name) && !(c->init && !c->restartable))
			take_devices(t, s, c->lim.v[i].name, tk_qty_value(&c->lim.v[i].q), h);
	return NULL;
}

static void unexpected(struct ta_pod_report *r, const char *err)
{
	r->admit = false;
	r->reason = xstrdup("UnexpectedAdmissionError");
	r->message = xasprintf("Allocate failed due to %s, which is unexpected", err);
}

static void warn(struct ta_pod_report *r, char *msg)
{
	r->warnings = xreallocarray(r->warnings, r->nwarnings + 1, sizeof(char *));
	r->warnings[r->nwarnings++] = msg;
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

static struct node_state *g_state;   /* carried from pod to pod of one run */

int ta_admit_pod(struct ta_pod_report *r, const struct tk_node *obj, const char *file,
		 const struct topo *t, const struct ta_config *cfg, enum ta_policy pol,
		 enum ta_scope scope, const struct ta_options *o, const struct ta_numa_info *ni,
		 struct tk_diag *d)
{
	struct pod p;
	struct cpuset reusable = CPUSET_INIT;
	struct ta_provider pv[3];
	struct memreq mr;
	size_t i, j;
	int rc, cpus;
	const char *err;

	memset(r, 0, sizeof(*r));
	rc = pod_parse(&p, obj, file, d);
	if (rc) {
		pod_release(&p);
		return rc;
	}
	if (!g_state) {
		g_state = xcalloc(1, sizeof(*g_state));
		state_init(g_state, t, cfg);
	}
	r->kind = xstrdup(p.kind);
	r->name = xstrdup(p.name ? p.name : "");
	r->qos = p.qos;
	r->policy = pol;
	r->scope = scope;
	r->admit = true;
	r->containers = xcalloc(p.n + 1, sizeof(*r->containers));
	r->ncontainers = p.n;
	for (i = 0; i < p.n; i++)
		report_container(&r->containers[i], &p.c[i]);
	check_annotations(&p, r);
	for (i = 0; i < p.n; i++) {
		for (j = 0; j < p.c[i].lim.n; j++) {
			const char *n = p.c[i].lim.v[j].name;

			if (strchr(n, '/') && !is_device_resource(t, n) && strncmp(n, "hugepages-", 10))
				warn(r, xasprintf("container %s requests %s, which no device of the topology "
						  "provides: the kubelet would reject the pod (insufficient %s)",
						  p.c[i].name, n, n));
		}
	}

	for (i = 0; i < p.n; i++)
		for (j = 0; j < p.c[i].req.n; j++) {
			const char *n = p.c[i].req.v[j].name;
			struct tk_qty page;

			/* IsHugePageResourceValueDivisible: the API server's check */
			if (is_hugepages(n) && !tk_qty_parse(n + 10, &page) && tk_qty_value(&page) > 0 &&
			    tk_qty_value(&p.c[i].req.v[j].q) % tk_qty_value(&page) != 0)
				warn(r, xasprintf("container %s: %s request of %lld bytes is not a multiple of the "
						  "%s page size: the API server rejects this pod (write e.g. %s)",
						  p.c[i].name, n, (long long)tk_qty_value(&p.c[i].req.v[j].q), n + 10,
						  n + 10));
		}

	if (pol == TA_POLICY_NONE) {
		/* no alignment: the hint providers allocate without a hint */
		for (i = 0; i < p.n; i++) {
			struct ta_container_report *cr = &r->containers[i];

			gather(t, g_state, cfg, ni, &p, &p.c[i], &reusable, pv, cr, &mr, &cpus);
			providers_release(pv, 3);
			cr->have_hint = true;
			cr->hint = (struct ta_hint){ false, 0, false };
			cr->admit = true;
			cr->exclusive_cpus = cfg->cpu_static ? cpus : 0;
			err = allocate(t, g_state, cfg, &p, &p.c[i], &cr->hint, &reusable);
			if (err) {
				cr->admit = false;
				unexpected(r, err);
				break;
			}
		}
	} else if (scope == TA_SCOPE_CONTAINER) {
		/* containerScope.Admit: init containers, then app containers */
		for (i = 0; i < p.n; i++) {
			struct ta_container_report *cr = &r->containers[i];
			bool admit;

			gather(t, g_state, cfg, ni, &p, &p.c[i], &reusable, pv, cr, &mr, &cpus);
			ta_merge(pol, o, ni, pv, 3, &cr->hint, &admit);
			providers_release(pv, 3);
			cr->have_hint = true;
			cr->admit = admit;
			cr->exclusive_cpus = cfg->cpu_static ? cpus : 0;
			if (!admit) {
				r->admit = false;
				break;
			}
			err = allocate(t, g_state, cfg, &p, &p.c[i], &cr->hint, &reusable);
			if (err) {
				cr->admit = false;
				unexpected(r, err);
				break;
			}
		}
	} else {
		/* podScope.Admit: one merge for the whole pod */
		struct ta_container_report podr = { 0 };
		bool admit;

		gather(t, g_state, cfg, ni, &p, NULL, &reusable, pv, &podr, &mr, &cpus);
		ta_merge(pol, o, ni, pv, 3, &r->pod_hint, &admit);
		providers_release(pv, 3);
		r->admit = admit;
		if (!admit) {
			r->reason = xstrdup("TopologyAffinityError");
			r->message = xstrdup("Resources cannot be allocated with Topology locality");
		}
		/* the pod-level resource report goes with the first container */
		for (i = 0; i < p.n; i++) {
			struct ta_container_report *cr = &r->containers[i];

			cr->have_hint = true;
			cr->hint = r->pod_hint;
			cr->admit = admit;
			cr->exclusive_cpus = cfg->cpu_static ? guaranteed_cpus(&p, &p.c[i]) : 0;
			if (i == 0) {
				cr->res = podr.res;
				cr->nres = podr.nres;
				podr.res = NULL;
				podr.nres = 0;
			}
			if (admit && r->admit) {
				err = allocate(t, g_state, cfg, &p, &p.c[i], &cr->hint, &reusable);
				if (err) {
					cr->admit = false;
					unexpected(r, err);
				}
			}
		}
		free(podr.res);
	}
	if (!r->admit && !r->reason) {
		r->reason = xstrdup("TopologyAffinityError");
		r->message = xstrdup("Resources cannot be allocated with Topology locality");
	}
	cpuset_release(&reusable);
	pod_release(&p);
	return 0;
}

void ta_pod_state_release(void)
{
	if (g_state) {
		state_release(g_state);
		free(g_state);
		g_state = NULL;
	}
}

void ta_pod_report_release(struct ta_pod_report *r)
{
	size_t i, j;

	for (i = 0; i < r->ncontainers; i++) {
		struct ta_container_report *c = &r->containers[i];

		for (j = 0; j < c->nres; j++) {
			free(c->res[j].name);
			free(c->res[j].hints);
			free(c->res[j].why);
		}
		free(c->res);
		free(c->name);
	}
	free(r->containers);
	for (i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	free(r->name);
	free(r->kind);
	free(r->reason);
	free(r->message);
	memset(r, 0, sizeof(*r));
}
