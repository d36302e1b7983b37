/* node.c - the node topo-admit admits pods on, as its kubelet is configured:
 * the topology, the KubeletConfiguration with the flags over it, the
 * reservedMemory, the free CPUs (--available, cpu_manager_state) and the
 * Memory and Device Managers' checkpoints (--kubelet-dir).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoints.h"
#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "quantity.h"
#include "statefile.h"
#include "topo.h"
#include "ta.h"
#include "xalloc.h"

void ta_kv_push(struct ta_kv *kv, const char *name, size_t namelen, const char *value)
{
	kv->names = xreallocarray(kv->names, kv->n + 1, sizeof(char *));
	kv->values = xreallocarray(kv->values, kv->n + 1, sizeof(char *));
	kv->names[kv->n] = xstrndup(name, namelen);
	kv->values[kv->n] = xstrdup(value);
	kv->n++;
}

void ta_kv_release(struct ta_kv *kv)
{
	size_t i;

	for (i = 0; i < kv->n; i++) {
		free(kv->names[i]);
		free(kv->values[i]);
	}
	free(kv->names);
	free(kv->values);
	memset(kv, 0, sizeof(*kv));
}

/* NewManager's order: none short-circuits; options; NUMA info; the NUMA
 * node limit; then the policy and scope names. */
void ta_manager_new(const char *policy, const char *scope, const struct ta_kv *options,
		    struct ta_numa_info *ni, enum ta_policy *p, enum ta_scope *s, struct ta_options *to)
{
	char err[1024];
	size_t i;

	ta_options_init(to);
	*s = TA_SCOPE_CONTAINER;
	if (!strcmp(policy, "none")) {
		*p = TA_POLICY_NONE;
		if (scope && ta_scope_parse(scope, s))
			*s = TA_SCOPE_CONTAINER;
		return;
	}
	for (i = 0; i < options->n; i++)
		if (ta_options_set(to, options->names[i], options->values[i], err, sizeof(err)))
			tk_fatal("%s", err);
	if (ta_manager_check(TA_POLICY_BEST_EFFORT, to, ni, err, sizeof(err)))
		tk_fatal("%s", err);
	if (ta_policy_parse(policy, p))
		tk_fatal("unknown policy: \"%s\"", policy);
	if (scope && ta_scope_parse(scope, s))
		tk_fatal("unknown scope: \"%s\"", scope);
}

/* Every option counts: the CPUs a pod's earlier containers take
 * (cpupolicy.c) decide the hints of the later ones. The
 * CPUManagerPolicyAlphaOptions and BetaOptions gates count as enabled. */
void ta_cpu_options(struct policy_opts *po, const struct ta_kv *options, const struct topo *t,
		    const char *tm_policy, const char *prefix)
{
	static const struct policy_gates all_gates = { .alpha = true, .beta = true };
	struct ktopo k;
	char err[512];
	int rc;

	rc = policy_opts_parse(po, options->n, options->names, options->values, &all_gates, err,
			       sizeof(err));
	if (!rc) {
		ktopo_build(&k, t);
		rc = policy_validate(po, &k, tm_policy, err, sizeof(err));
		ktopo_release(&k);
	}
	if (rc)
		tk_fatal("%s%s", prefix, err);
}

/* KubeletConfiguration fields topo-admit uses; flags override them. */
struct kcfg {
	struct tk_doc *doc;
	const char *policy, *scope, *cpu_policy, *mem_policy, *reserved_cpus;
	struct ta_kv tm_opts, cpu_opts;
	const struct tk_node *reserved_memory;
};

static void kcfg_map(const char *file, const struct tk_node *m, struct ta_kv *kv)
{
	struct tk_diag d;
	size_t i;

	if (!m || m->kind == TK_NULL)
		return;
	if (tk_expect(file, m, TK_MAP, "policy options", &d))
		tk_fatal_diag(&d);
	for (i = 0; i < m->n; i++) {
		const char *v = tk_scalar_text(m->items[i]);
		const char *k = m->keys[i]->text ? m->keys[i]->text : "";

		if (!v) {
			tk_node_error(file, m->items[i], &d, "policy option value must be a string");
			tk_fatal_diag(&d);
		}
		ta_kv_push(kv, k, strlen(k), v);
	}
}

static void kcfg_load(struct kcfg *k, const char *path)
{
	struct tk_diag d;
	const struct tk_node *root;
	const char *kind = NULL;

	memset(k, 0, sizeof(*k));
	k->doc = tk_doc_load(path, NULL, &d);
	if (!k->doc)
		tk_fatal_diag(&d);
	if (k->doc->nitems != 1) {
		tk_diag_set(&d, k->doc->file, 0, 0, "expected one KubeletConfiguration, found %zu documents",
			    k->doc->nitems);
		tk_fatal_diag(&d);
	}
	root = k->doc->items[0];
	if (tk_expect(k->doc->file, root, TK_MAP, "KubeletConfiguration", &d) ||
	    tk_get_str(k->doc->file, root, "kind", false, &kind, &d) < 0)
		tk_fatal_diag(&d);
	if (kind && strcmp(kind, "KubeletConfiguration")) {
		tk_node_error(k->doc->file, tk_get(root, "kind"), &d, "kind is '%s', want KubeletConfiguration", kind);
		tk_fatal_diag(&d);
	}
	if (tk_get_str(k->doc->file, root, "topologyManagerPolicy", false, &k->policy, &d) < 0 ||
	    tk_get_str(k->doc->file, root, "topologyManagerScope", false, &k->scope, &d) < 0 ||
	    tk_get_str(k->doc->file, root, "cpuManagerPolicy", false, &k->cpu_policy, &d) < 0 ||
	    tk_get_str(k->doc->file, root, "memoryManagerPolicy", false, &k->mem_policy, &d) < 0 ||
	    tk_get_str(k->doc->file, root, "reservedSystemCPUs", false, &k->reserved_cpus, &d) < 0)
		tk_fatal_diag(&d);
	kcfg_map(k->doc->file, tk_get(root, "topologyManagerPolicyOptions"), &k->tm_opts);
	kcfg_map(k->doc->file, tk_get(root, "cpuManagerPolicyOptions"), &k->cpu_opts);
	k->reserved_memory = tk_get(root, "reservedMemory");
}

static void kcfg_release(struct kcfg *k)
{
	ta_kv_release(&k->tm_opts);
	ta_kv_release(&k->cpu_opts);
	if (k->doc)
		tk_doc_free(k->doc);
	memset(k, 0, sizeof(*k));
}

static void reserved_memory(struct ta_config *cfg, const char *file, const struct tk_node *list)
{
	struct tk_diag d;
	size_t i;

	if (!list || list->kind == TK_NULL)
		return;
	if (tk_expect(file, list, TK_SEQ, "reservedMemory", &d))
		tk_fatal_diag(&d);
	for (i = 0; i < list->n; i++) {
		const struct tk_node *e = list->items[i], *lim;
		long long id;
		size_t j;

		if (tk_expect(file, e, TK_MAP, "reservedMemory entry", &d) ||
		    tk_get_int(file, e, "numaNode", true, 0, TA_MAX_NUMA - 1, &id, &d))
			tk_fatal_diag(&d);
		lim = tk_get(e, "limits");
		if (!lim || lim->kind == TK_NULL)
			continue;
		if (tk_expect(file, lim, TK_MAP, "reservedMemory limits", &d))
			tk_fatal_diag(&d);
		for (j = 0; j < lim->n; j++) {
			const char *name = tk_str(lim->keys[j]), *txt = tk_scalar_text(lim->items[j]);
			struct tk_qty q;
			struct ta_reserved_hp *hp;

			if (!name || (strcmp(name, "memory") && strncmp(name, "hugepages-", 10)))
				continue;
			if (!txt || tk_qty_parse(txt, &q) || q.milli < 0) {
				tk_node_error(file, lim->items[j], &d, "invalid quantity '%s' for %s", txt ? txt : "...",
					      name);
				tk_fatal_diag(&d);
			}
			if (!strcmp(name, "memory")) {
				cfg->reserved_mem[id] += (uint64_t)tk_qty_value(&q);
				continue;
			}
			if (cfg->nreserved_hp == sizeof(cfg->reserved_hp) / sizeof(cfg->reserved_hp[0]) ||
			    strlen(name) >= sizeof(hp->name)) {
				tk_node_error(file, lim->keys[j], &d, "too many reservedMemory huge page entries");
				tk_fatal_diag(&d);
			}
			hp = &cfg->reserved_hp[cfg->nreserved_hp++];
			hp->numa = (int)id;
			snprintf(hp->name, sizeof(hp->name), "%s", name);
			hp->bytes = (uint64_t)tk_qty_value(&q);
		}
	}
}

/* The free CPUs of a cpu_manager_state: its defaultCpuSet. */
static void load_cpu_state(struct cpuset *avail, const struct topo *t, const char *path)
{
	struct tk_cpu_checkpoint cp = { 0 };
	struct tk_diag d;
	char *buf = NULL;
	size_t len = 0;
	int rc = tk_read_checkpoint(path, &buf, &len, &d);

	if (rc == 1)
		tk_fatal("%s: no such file", path);
	if (rc < 0)
		tk_fatal_diag(&d);
	if (tk_cpu_checkpoint_parse(&cp, path, buf, len, &d)) {
		free(buf);
		tk_fatal_diag(&d);
	}
	if (cpuset_parse_list(avail, cp.default_cpuset ? cp.default_cpuset : "", CPUSET_MAX_ID, NULL))
		tk_fatal("%s: invalid defaultCpuSet '%s'", path, cp.default_cpuset);
	/* a fresh checkpoint (no default set, no assignment) means every CPU */
	if (cpuset_is_empty(avail) && cp.nentries == 0)
		cpuset_copy(avail, &t->all);
	cpuset_and(avail, &t->all);
	tk_cpu_checkpoint_release(&cp);
	free(buf);
}

static void load_available(struct ta_node *n, const struct ta_opts *o)
{
	char *cpu_path = NULL;

	if (o->available) {
		tk_opt_cpulist("available", o->available, &n->cfg.available);
		if (!cpuset_is_subset(&n->cfg.available, &n->t.all))
			tk_fatal("%s: --available names CPUs the topology does not have", o->topology);
	} else if (o->state) {
		load_cpu_state(&n->cfg.available, &n->t, o->state);
	} else if (o->kubelet_dir &&
		   access(cpu_path = xasprintf("%s/cpu_manager_state", o->kubelet_dir), F_OK) == 0) {
		load_cpu_state(&n->cfg.available, &n->t, cpu_path);
	} else {
		cpuset_copy(&n->cfg.available, &n->t.all);
	}
	free(cpu_path);
}

/* a missing checkpoint assigns nothing; the policy is not checked: this
 * predicts, numa-verify --kubelet-dir validates */
static void load_checkpoints(struct ta_node *n, const char *kubelet_dir)
{
	struct tk_diag d;
	char *p = xasprintf("%s/memory_manager_state", kubelet_dir);

	if (tk_mem_checkpoint_load(&n->mem_state, p, NULL, &d) < 0)
		tk_fatal_diag(&d);
	free(p);
	p = xasprintf("%s/device-plugins/kubelet_internal_checkpoint", kubelet_dir);
	if (tk_dev_checkpoint_load(&n->dev_state, p, &d) < 0)
		tk_fatal_diag(&d);
	free(p);
	n->cfg.mem_state = &n->mem_state;
	n->cfg.dev_state = &n->dev_state;
}

/* NewContainerManager creates the CPU Manager, then the Memory Manager,
 * after the Topology Manager. */
static void resource_managers(struct ta_node *n, const struct ta_opts *o, const struct kcfg *k,
			      const char *tm_policy)
{
	const char *cp = o->cpu_policy ? o->cpu_policy : k->cpu_policy ? k->cpu_policy : "none";
	const char *mp = o->mem_policy ? o->mem_policy : k->mem_policy ? k->mem_policy : "None";
	const struct ta_kv *copts = o->cpu_opts.n ? &o->cpu_opts : &k->cpu_opts;
	const char *rsv = o->reserved ? o->reserved : k->reserved_cpus;

	if (!strcmp(cp, "static")) {
		n->cfg.cpu_static = true;
		ta_cpu_options(&n->cfg.cpu_opts, copts, &n->t, tm_policy, "new static policy error: ");
	} else if (!strcmp(cp, "none")) {
		char *none = policy_none_options_error(copts->n, copts->names, copts->values);

		if (none)
			tk_fatal("new none policy error: %s", none);
	} else {
		tk_fatal("unknown policy: \"%s\"", cp);
	}
	if (!strcmp(mp, "Static"))
		n->cfg.mem_static = true;
	else if (strcmp(mp, "None"))
		tk_fatal("unknown policy: \"%s\"", mp);
	if (rsv && cpuset_parse_list(&n->cfg.reserved, rsv, CPUSET_MAX_ID, NULL))
		tk_fatal("invalid reservedSystemCPUs '%s'", rsv);
}

void ta_node_load(struct ta_node *n, const struct ta_opts *o)
{
	struct tk_diag d;
	struct kcfg k = { 0 };
	const char *policy, *scope;

	memset(n, 0, sizeof(*n));
	if (!o->topology)
		tk_usage_error("missing -t TOPO (a topology document, see topo-discover(1))");
	n->topology = o->topology;
	topo_init(&n->t);
	if (topo_load(&n->t, o->topology, &d) || ta_topo_check(&n->t, o->topology, false, &d))
		tk_fatal_diag(&d);
	if (o->kubelet_config)
		kcfg_load(&k, o->kubelet_config);
	if (!o->manifest)
		tk_usage_error("missing MANIFEST (a Pod or workload, '-' for stdin)");

	/* flags override the KubeletConfiguration, which overrides the defaults */
	policy = o->policy ? o->policy : k.policy ? k.policy : "none";
	scope = o->scope ? o->scope : k.scope ? k.scope : "container";
	load_available(n, o);
	if (k.doc)
		reserved_memory(&n->cfg, k.doc->file, k.reserved_memory);
	if (o->kubelet_dir)
		load_checkpoints(n, o->kubelet_dir);

	ta_numa_info_from_topo(&n->ni, &n->t);
	if (o->distances && ta_distances_load(&n->ni, o->distances, &d))
		tk_fatal_diag(&d);
	ta_manager_new(policy, scope, o->tm_opts.n ? &o->tm_opts : &k.tm_opts, &n->ni, &n->policy,
		       &n->scope, &n->tm_opts);
	/* after NewManager's own NUMA node limit, before any hint */
	if (ta_topo_check(&n->t, o->topology, true, &d))
		tk_fatal_diag(&d);
	resource_managers(n, o, &k, policy);
	kcfg_release(&k);
	n->state = ta_node_state_new(&n->t, &n->cfg);
}

void ta_node_release(struct ta_node *n)
{
	size_t i;

	ta_node_state_free(n->state);
	cpuset_release(&n->cfg.available);
	cpuset_release(&n->cfg.reserved);
	tk_mem_checkpoint_release(&n->mem_state);
	tk_dev_checkpoint_release(&n->dev_state);
	for (i = 0; i < n->nwarnings; i++)
		free(n->warnings[i]);
	free(n->warnings);
	topo_release(&n->t);
	memset(n, 0, sizeof(*n));
}
