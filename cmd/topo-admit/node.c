/* node.c - the node topo-admit admits pods on, as its kubelet is configured:
 * the topology, the KubeletConfiguration with the flags over it, the
 * reservedMemory, the free CPUs (--available, cpu_manager_state), the
 * Memory and Device Managers' checkpoints (--kubelet-dir) and its Node object
 * (--nodes, predicate.c).
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
#include "exitcodes.h"
#include "kubeletconfig.h"
#include "quantity.h"
#include "statefile.h"
#include "topo.h"
#include "ta.h"
#include "xalloc.h"

/* NewManager's order: none short-circuits; options; NUMA info; the NUMA
 * node limit; then the policy and scope names. */
void ta_manager_new(const char *policy, const char *scope, const struct tk_kc_map *options,
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
		if (ta_options_set(to, options->keys[i], options->values[i], err, sizeof(err)))
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
void ta_cpu_options(struct policy_opts *po, const struct tk_kc_map *options, const struct topo *t,
		    const char *tm_policy, const char *prefix)
{
	static const struct policy_gates all_gates = { .alpha = true, .beta = true };
	struct ktopo k;
	char err[512];
	int rc;

	rc = policy_opts_parse(po, options->n, options->keys, options->values, &all_gates, err,
			       sizeof(err));
	if (!rc) {
		ktopo_build(&k, t);
		rc = policy_validate(po, &k, tm_policy, err, sizeof(err));
		ktopo_release(&k);
	}
	if (rc)
		tk_fatal("%s%s", prefix, err);
}

/* The configuration the node runs with: the KubeletConfiguration
 * (defaulted) or the defaults alone, with the options over it. */
static void load_config(struct tk_kubelet_config *kc, const struct ta_opts *o)
{
	struct tk_diag d;

	if (!o->kubelet_config)
		tk_kc_init_defaults(kc, "");
	else if (tk_kc_load(kc, o->kubelet_config, &d))
		tk_fatal_diag(&d);
	if (o->policy)
		tk_kc_override(&kc->topology_manager_policy, o->policy);
	if (o->scope)
		tk_kc_override(&kc->topology_manager_scope, o->scope);
	if (o->cpu_policy)
		tk_kc_override(&kc->cpu_manager_policy, o->cpu_policy);
	if (o->mem_policy)
		tk_kc_override(&kc->memory_manager_policy, o->mem_policy);
	if (o->reserved)
		tk_kc_override(&kc->reserved_system_cpus, o->reserved);
	if (o->tm_opts.n)
		tk_kc_map_copy(&kc->topology_manager_policy_options, &o->tm_opts);
	if (o->cpu_opts.n)
		tk_kc_map_copy(&kc->cpu_manager_policy_options, &o->cpu_opts);
}

/* A KubeletConfiguration the kubelet refuses: no pod is admitted on that
 * node, since its kubelet does not start. Say so as numa-verify does, and
 * warn once of what it accepts but aligns nothing with. */
static void check_config(const struct ta_node *n, const struct tk_kubelet_config *kc)
{
	struct tk_kc_machine m = { 0 };
	struct tk_kc_verdict v;
	struct ktopo k;
	int ids[TA_MAX_NUMA];
	size_t i;

	for (i = 0; i < n->ni.n; i++)
		ids[i] = n->ni.nodes[i];
	ktopo_build(&k, &n->t);
	m.nnuma = n->ni.n;
	m.numa_ids = ids;
	m.cpus = &n->t.all;
	m.k = &k;
	tk_kc_validate(kc, &m, &v);
	ktopo_release(&k);
	for (i = 0; i < v.problems.n; i++)
		tk_warn("%s: the kubelet would not start: %s", kc->file, v.problems.v[i]);
	if (v.problems.n)
		exit(TK_EXIT_USAGE);
	for (i = 0; i < v.warnings.n; i++)
		tk_warn("warning: %s: %s", kc->file, v.warnings.v[i]);
	tk_kc_verdict_release(&v);
}

static void reserved_memory(struct ta_config *cfg, const struct tk_kubelet_config *kc)
{
	size_t i, j;

	for (i = 0; i < kc->nreserved_memory; i++) {
		const struct tk_kc_reservation *r = &kc->reserved_memory[i];

		if (r->numa_node >= TA_MAX_NUMA)
			tk_fatal("%s: reservedMemory names NUMA node %lld, beyond the ids 0-%d topo-admit supports",
				 kc->file, r->numa_node, TA_MAX_NUMA - 1);
		for (j = 0; j < r->n; j++) {
			const char *name = r->resources[j];
			struct ta_reserved_hp *hp;

			if (strcmp(name, "memory") && strncmp(name, "hugepages-", 10))
				continue;
			if (r->q[j].milli < 0)
				tk_fatal("%s: invalid quantity '%s' for %s", kc->file, r->texts[j], name);
			if (!strcmp(name, "memory")) {
				cfg->reserved_mem[r->numa_node] += (uint64_t)tk_qty_value(&r->q[j]);
				continue;
			}
			if (cfg->nreserved_hp == sizeof(cfg->reserved_hp) / sizeof(cfg->reserved_hp[0]) ||
			    strlen(name) >= sizeof(hp->name))
				tk_fatal("%s: too many reservedMemory huge page entries", kc->file);
			hp = &cfg->reserved_hp[cfg->nreserved_hp++];
			hp->numa = (int)r->numa_node;
			snprintf(hp->name, sizeof(hp->name), "%s", name);
			hp->bytes = (uint64_t)tk_qty_value(&r->q[j]);
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

/* Without reservedSystemCPUs the static policy reserves
 * kubeReserved.cpu + systemReserved.cpu, rounded up, as NewStaticPolicy
 * picks them (takeByTopology over every CPU): never handed out either. */
static void reserve_cpus(struct ta_node *n, const struct tk_kubelet_config *kc)
{
	int count = tk_kc_static_reserved_cpus(kc);
	struct ktopo k;
	char err[512];
	int rc;

	if (count <= 0)
		return;
	ktopo_build(&k, &n->t);
	rc = policy_reserve(&n->cfg.cpu_opts, &k, count, &n->cfg.reserved, err, sizeof(err));
	ktopo_release(&k);
	if (rc)
		tk_fatal("%s: the kubelet would not start: %s", kc->file, err);
}

/* NewContainerManager creates the CPU Manager, then the Memory Manager,
 * after the Topology Manager. */
static void resource_managers(struct ta_node *n, const struct tk_kubelet_config *kc)
{
	const char *cp = kc->cpu_manager_policy, *mp = kc->memory_manager_policy;
	const struct tk_kc_map *copts = &kc->cpu_manager_policy_options;

	if (!strcmp(cp, "static")) {
		n->cfg.cpu_static = true;
		ta_cpu_options(&n->cfg.cpu_opts, copts, &n->t, kc->topology_manager_policy,
			       "new static policy error: ");
	} else if (!strcmp(cp, "none")) {
		char *none = policy_none_options_error(copts->n, copts->keys, copts->values);

		if (none)
			tk_fatal("new none policy error: %s", none);
	} else {
		tk_fatal("unknown policy: \"%s\"", cp);
	}
	if (!strcmp(mp, "Static"))
		n->cfg.mem_static = true;
	else if (strcmp(mp, "None"))
		tk_fatal("unknown policy: \"%s\"", mp);
	if (*kc->reserved_system_cpus &&
	    cpuset_parse_list(&n->cfg.reserved, kc->reserved_system_cpus, CPUSET_MAX_ID, NULL))
		tk_fatal("invalid reservedSystemCPUs '%s'", kc->reserved_system_cpus);
	if (n->cfg.cpu_static && !*kc->reserved_system_cpus)
		reserve_cpus(n, kc);
}

void ta_node_load(struct ta_node *n, const struct ta_opts *o)
{
	struct tk_diag d;
	struct tk_kubelet_config kc;

	memset(n, 0, sizeof(*n));
	if (!o->topology)
		tk_usage_error("missing -t TOPO (a topology document, see topo-discover(1))");
	n->topology = o->topology;
	topo_init(&n->t);
	if (topo_load(&n->t, o->topology, &d) || ta_topo_check(&n->t, o->topology, false, &d))
		tk_fatal_diag(&d);
	/* flags override the KubeletConfiguration, which overrides the defaults */
	load_config(&kc, o);
	if (!o->manifest)
		tk_usage_error("missing MANIFEST (a Pod or workload, '-' for stdin)");
	load_available(n, o);
	reserved_memory(&n->cfg, &kc);
	if (o->kubelet_dir)
		load_checkpoints(n, o->kubelet_dir);

	ta_numa_info_from_topo(&n->ni, &n->t);
	if (o->distances && ta_distances_load(&n->ni, o->distances, &d))
		tk_fatal_diag(&d);
	if (o->kubelet_config)
		check_config(n, &kc);
	ta_manager_new(kc.topology_manager_policy, kc.topology_manager_scope, &kc.topology_manager_policy_options, &n->ni, &n->policy,
		       &n->scope, &n->tm_opts);
	/* after NewManager's own NUMA node limit, before any hint */
	if (ta_topo_check(&n->t, o->topology, true, &d))
		tk_fatal_diag(&d);
	resource_managers(n, &kc);
	tk_kc_release(&kc);
	n->state = ta_node_state_new(&n->t, &n->cfg);
	/* --nodes, as in NRT mode: Node objects, here the topology's own */
	if (o->nrt.nodes)
		n->kn = ta_kubelet_node_load(o->nrt.nodes, &n->t);
}
void ta_node_release(struct ta_node *n)
{
	ta_node_state_free(n->state);
	ta_kubelet_node_free(n->kn);
	cpuset_release(&n->cfg.available);
	cpuset_release(&n->cfg.reserved);
	tk_mem_checkpoint_release(&n->mem_state);
	tk_dev_checkpoint_release(&n->dev_state);
	topo_release(&n->t);
	memset(n, 0, sizeof(*n));
}
