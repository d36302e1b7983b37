/* topo-admit - the kubelet Topology Manager's admit decision, explained.
 *
 * Three modes share one option table:
 *   pod mode     -t TOPO MANIFEST: QoS, CPU/device/memory hints, merge, admit
 *   --hints      merge given provider hints under a policy (policy.go alone)
 *   --cpu-hints  the CPU Manager's hints for N CPUs on a topology
 * main() parses options into struct opts, loads the inputs, calls the pure
 * functions of merge.c / cpuhints.c / pod.c and renders their result.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "checkpoints.h"
#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "emit.h"
#include "exitcodes.h"
#include "numparse.h"
#include "quantity.h"
#include "statefile.h"
#include "topo.h"
#include "ta.h"
#include "xalloc.h"

enum {
	OPT_POLICY = TK_OPT_LONG_BASE,
	OPT_SCOPE,
	OPT_KUBELET_CONFIG,
	OPT_CPU_POLICY,
	OPT_MEM_POLICY,
	OPT_AVAILABLE,
	OPT_STATE,
	OPT_KUBELET_DIR,
	OPT_RESERVED,
	OPT_OPTION,
	OPT_CPU_OPTION,
	OPT_NUMA_NODES,
	OPT_HINTS,
	OPT_DISTANCES,
	OPT_CPU_HINTS,
	OPT_COUNT,
	OPT_REUSABLE,
	OPT_ALLOCATED,
	OPT_NRT,
	OPT_NODES,
	OPT_SCORING_STRATEGY,
	OPT_RESOURCE_WEIGHT,
};

static const struct option longopts[] = {
	{ "topology",              required_argument, NULL, 't' },
	{ "policy",                required_argument, NULL, OPT_POLICY },
	{ "scope",                 required_argument, NULL, OPT_SCOPE },
	{ "kubelet-config",        required_argument, NULL, OPT_KUBELET_CONFIG },
	{ "cpu-manager-policy",    required_argument, NULL, OPT_CPU_POLICY },
	{ "memory-manager-policy", required_argument, NULL, OPT_MEM_POLICY },
	{ "available",             required_argument, NULL, OPT_AVAILABLE },
	{ "state",                 required_argument, NULL, OPT_STATE },
	{ "kubelet-dir",           required_argument, NULL, OPT_KUBELET_DIR },
	{ "reserved",              required_argument, NULL, OPT_RESERVED },
	{ "option",                required_argument, NULL, OPT_OPTION },
	{ "cpu-option",            required_argument, NULL, OPT_CPU_OPTION },
	{ "numa-nodes",            required_argument, NULL, OPT_NUMA_NODES },
	{ "hints",                 required_argument, NULL, OPT_HINTS },
	{ "distances",             required_argument, NULL, OPT_DISTANCES },
	{ "cpu-hints",             no_argument,       NULL, OPT_CPU_HINTS },
	{ "count",                 required_argument, NULL, OPT_COUNT },
	{ "reusable",              required_argument, NULL, OPT_REUSABLE },
	{ "allocated",             required_argument, NULL, OPT_ALLOCATED },
	{ "nrt",                   required_argument, NULL, OPT_NRT },
	{ "nodes",                 required_argument, NULL, OPT_NODES },
	{ "scoring-strategy",      required_argument, NULL, OPT_SCORING_STRATEGY },
	{ "resource-weight",       required_argument, NULL, OPT_RESOURCE_WEIGHT },
	{ "output",                required_argument, NULL, 'o' },
	{ "help",                  no_argument,       NULL, 'h' },
	{ "version",               no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct opts {
	const char *topology;
	const char *policy;
	const char *scope;
	const char *kubelet_config;
	const char *cpu_policy;
	const char *mem_policy;
	const char *available;
	const char *state;
	const char *kubelet_dir;
	const char *reserved;
	const char *numa_nodes;
	const char *hints;
	const char *distances;
	const char *reusable;
	const char *allocated;
	bool cpu_hints;
	long long count;
	bool have_count;
	size_t nopts, ncpuopts;
	char **opt_names, **opt_values;
	char **cpuopt_names, **cpuopt_values;
	enum tk_out out;
	const char *manifest;
	struct ta_nrt_opts nrt;
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " topo-admit -t TOPO [options] MANIFEST\n"
	      " topo-admit --hints HINTS.json --numa-nodes LIST [--policy P] [--option NAME=VALUE]...\n"
	      " topo-admit --cpu-hints -t TOPO --count N [--available CPULIST]\n"
	      " topo-admit --nrt NRT_FILE [--nodes NODES_FILE] [--scoring-strategy S] POD_FILE\n"
	      "\n"
	      "Predict the kubelet Topology Manager's admit decision for a pod on a node,\n"
	      "and explain on which NUMA nodes its CPUs, devices and memory would land.\n"
	      "\n"
	      "Options:\n"
	      " -t, --topology FILE              node topology document (topo-discover)\n"
	      "     --policy POLICY              none, best-effort, restricted, single-numa-node\n"
	      "                                  (default: none, as the kubelet)\n"
	      "     --scope SCOPE                container or pod (default: container)\n"
	      "     --option NAME=VALUE          Topology Manager policy option\n"
	      "                                  (prefer-closest-numa-nodes, max-allowable-numa-nodes)\n"
	      "     --kubelet-config FILE        read a KubeletConfiguration; flags override it\n"
	      "     --cpu-manager-policy POLICY  none or static (default: none)\n"
	      "     --cpu-option NAME=VALUE      CPU Manager policy option (align-by-socket,\n"
	      "                                    full-pcpus-only, ...; checked as the kubelet does)\n"
	      "     --memory-manager-policy P    None or Static (default: None)\n"
	      "     --available CPULIST          CPUs free for exclusive use (default: all)\n"
	      "     --state FILE                 kubelet cpu_manager_state: free CPUs = defaultCpuSet\n"
	      "     --kubelet-dir DIR            the node's used resources from the kubelet's\n"
	      "                                  cpu_manager_state, memory_manager_state and\n"
	      "                                  device checkpoint in DIR\n"
	      "     --reserved CPULIST           reservedSystemCPUs, never handed out\n"
	      "     --hints FILE                 hint-merge mode: provider hints as JSON\n"
	      "     --numa-nodes LIST            hint-merge mode: the machine's NUMA nodes\n"
	      "     --distances FILE             NUMA distances {\"0\":[10,21],...}\n"
	      "     --cpu-hints                  CPU-hints mode: the CPU Manager's hints\n"
	      "     --count N                    CPU-hints mode: CPUs requested\n"
	      "     --reusable CPULIST           CPU-hints mode: CPUs reusable from init containers\n"
	      "     --allocated CPULIST          CPU-hints mode: CPUs the container already holds\n"
	      "     --nrt FILE                   NodeResourceTopology objects: decide per node as\n"
	      "                                  the scheduler's NodeResourceTopologyMatch plugin\n"
	      "     --nodes FILE                 NRT mode: Node objects (allocatable of resources\n"
	      "                                  no zone reports; the nodes to decide on)\n"
	      "     --scoring-strategy STRATEGY  NRT mode: LeastAllocated (default), MostAllocated,\n"
	      "                                  BalancedAllocation or LeastNUMANodes\n"
	      "     --resource-weight NAME=WEIGHT  NRT mode: a resource's weight in scoring\n"
	      "                                  (default 1 each)\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_cpulist(stdout);
	tk_help_exit_status(stdout, "admitted (a feasible node with --nrt)", "rejected (no feasible node)");
	fputs("\nSee topo-admit(1).\n", stdout);
	exit(TK_EXIT_OK);
}

static void push_kv(const char *opt, const char *arg, size_t *n, char ***names, char ***values)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		tk_usage_error("invalid --%s value '%s' (want NAME=VALUE)", opt, arg);
	*names = xreallocarray(*names, *n + 1, sizeof(char *));
	*values = xreallocarray(*values, *n + 1, sizeof(char *));
	(*names)[*n] = xstrndup(arg, (size_t)(eq - arg));
	(*values)[*n] = xstrdup(eq + 1);
	(*n)++;
}

static void free_kv(size_t n, char **names, char **values)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(names[i]);
		free(values[i]);
	}
	free(names);
	free(values);
}

static int emit(json_t *j)
{
	int rc = tk_emit_json(j, stdout);

	json_decref(j);
	return rc;
}

/* ---- hint-merge mode ---- */

static int numa_info_from_list(struct ta_numa_info *ni, const char *list)
{
	struct cpuset s = CPUSET_INIT;
	int id;

	memset(ni, 0, sizeof(*ni));
	if (cpuset_parse_list(&s, list, CPUSET_MAX_ID, NULL) || cpuset_is_empty(&s)) {
		cpuset_release(&s);
		tk_usage_error("invalid --numa-nodes value '%s'", list);
	}
	for (id = cpuset_first(&s); id >= 0; id = cpuset_next(&s, id)) {
		if (id >= TA_MAX_NUMA) {
			cpuset_release(&s);
			tk_usage_error("invalid --numa-nodes value '%s' (NUMA ids are 0-63)", list);
		}
		ni->nodes[ni->n++] = id;
	}
	cpuset_release(&s);
	return 0;
}

/* NewManager's order: none short-circuits; options; NUMA info; the NUMA
 * node limit; then the policy and scope names. */
static void manager_new(const struct opts *o, struct ta_numa_info *ni, enum ta_policy *p,
			enum ta_scope *s, struct ta_options *to)
{
	char err[1024];
	size_t i;

	ta_options_init(to);
	*s = TA_SCOPE_CONTAINER;
	if (!strcmp(o->policy, "none")) {
		*p = TA_POLICY_NONE;
		if (o->scope && ta_scope_parse(o->scope, s))
			*s = TA_SCOPE_CONTAINER;
		return;
	}
	for (i = 0; i < o->nopts; i++)
		if (ta_options_set(to, o->opt_names[i], o->opt_values[i], err, sizeof(err)))
			tk_fatal("%s", err);
	if (ta_manager_check(TA_POLICY_BEST_EFFORT, to, ni, err, sizeof(err)))
		tk_fatal("%s", err);
	if (ta_policy_parse(o->policy, p))
		tk_fatal("unknown policy: \"%s\"", o->policy);
	if (o->scope && ta_scope_parse(o->scope, s))
		tk_fatal("unknown scope: \"%s\"", o->scope);
}

static int run_hints(const struct opts *o)
{
	struct ta_numa_info ni;
	struct ta_hints_doc hd;
	struct topo t;
	struct tk_diag d;
	struct ta_options to;
	enum ta_policy p;
	enum ta_scope s;
	struct ta_hint best;
	bool admit, stall;
	char warning[1024];
	double combinations;
	json_t *j;

	if (o->numa_nodes) {
		numa_info_from_list(&ni, o->numa_nodes);
		if (o->topology) {
			struct ta_numa_info tn;

			topo_init(&t);
			if (topo_load(&t, o->topology, &d) || ta_topo_check(&t, o->topology, false, &d))
				tk_fatal_diag(&d);
			ta_numa_info_from_topo(&tn, &t);
			memcpy(ni.has_dist, tn.has_dist, sizeof(ni.has_dist));
			memcpy(ni.dist, tn.dist, sizeof(ni.dist));
			topo_release(&t);
		}
	} else if (o->topology) {
		topo_init(&t);
		if (topo_load(&t, o->topology, &d) || ta_topo_check(&t, o->topology, false, &d))
			tk_fatal_diag(&d);
		ta_numa_info_from_topo(&ni, &t);
		topo_release(&t);
	} else {
		tk_usage_error("--hints needs --numa-nodes or -t");
	}
	if (o->distances && ta_distances_load(&ni, o->distances, &d))
		tk_fatal_diag(&d);
	if (ta_hints_load(&hd, o->hints, &ni, &d)) {
		ta_hints_release(&hd);
		tk_fatal_diag(&d);
	}
	manager_new(o, &ni, &p, &s, &to);
	if (ta_merge_check(p, &ni, hd.providers, hd.n, warning, sizeof(warning))) {
		ta_hints_release(&hd);
		tk_fatal("%s: %s", o->hints, warning);
	}
	stall = ta_merge_stall_warning(p, hd.providers, hd.n, warning, sizeof(warning), &combinations);
	ta_merge(p, &to, &ni, hd.providers, hd.n, &best, &admit);

	if (o->out == TK_OUT_TEXT) {
		char m[256];

		if (best.has_mask)
			ta_mask_format(best.mask, m, sizeof(m));
		printf("admit: %s\nhint: %s%s, %s\n", admit ? "yes" : "no",
		       best.has_mask ? "NUMA " : "any NUMA node", best.has_mask ? m : "",
		       best.preferred ? "preferred" : "not preferred");
		if (stall)
			printf("warning: %s\n", warning);
	} else {
		j = json_object();
		json_object_set_new(j, "admit", json_boolean(admit));
		json_object_set_new(j, "hint", ta_hint_to_json(&best));
		if (stall) {
			char digits[400], *end;
			long long n;

			/* exact while it fits JSON's usual 64-bit integers */
			ta_merge_combinations(p, hd.providers, hd.n, digits, sizeof(digits));
			errno = 0;
			n = strtoll(digits, &end, 10);
			json_object_set_new(j, "kubeletCombinations", errno || *end ?
					    json_real(combinations) : json_integer(n));
			json_object_set_new(j, "warnings", json_pack("[s]", warning));
		}
		if (emit(j))
			tk_fatal("write error");
	}
	ta_hints_release(&hd);
	return admit ? TK_EXIT_OK : TK_EXIT_NO;
}

/* ---- CPU-hints mode ---- */

/* The CPU Manager static policy options, parsed and checked as
 * NewStaticPolicyOptions and ValidateStaticPolicyOptions do, after the
 * Topology Manager (tm_policy NULL in CPU-hints mode, which has none). Every
 * option counts: the CPUs a pod's earlier containers take (cpupolicy.c)
 * decide the hints of the later ones. The CPUManagerPolicyAlphaOptions and
 * BetaOptions gates count as enabled. */
static void cpu_options(struct ta_config *cfg, size_t n, char *const *names, char *const *values,
			const struct topo *t, const char *tm_policy, const char *prefix)
{
	static const struct policy_gates all_gates = { .alpha = true, .beta = true };
	struct ktopo k;
	char err[512];
	int rc;

	rc = policy_opts_parse(&cfg->cpu_opts, n, names, values, &all_gates, err, sizeof(err));
	if (!rc) {
		ktopo_build(&k, t);
		rc = policy_validate(&cfg->cpu_opts, &k, tm_policy, err, sizeof(err));
		ktopo_release(&k);
	}
	if (rc)
		tk_fatal("%s%s", prefix, err);
}

static int run_cpu_hints(const struct opts *o)
{
	struct topo t;
	struct tk_diag d;
	struct cpuset avail = CPUSET_INIT, reusable = CPUSET_INIT, reserved = CPUSET_INIT;
	struct ta_hint *h;
	struct ta_config copts = { 0 };
	size_t n, i;
	bool align;
	json_t *j;

	if (!o->topology)
		tk_usage_error("--cpu-hints needs -t TOPO");
	if (!o->have_count)
		tk_usage_error("--cpu-hints needs --count N");
	topo_init(&t);
	if (topo_load(&t, o->topology, &d) || ta_topo_check(&t, o->topology, true, &d))
		tk_fatal_diag(&d);
	cpu_options(&copts, o->ncpuopts, o->cpuopt_names, o->cpuopt_values, &t, NULL, "");
	align = copts.cpu_opts.align_by_socket;
	if (o->available)
		tk_opt_cpulist("available", o->available, &avail);
	else
		cpuset_copy(&avail, &t.all);
	if (o->reserved) {
		tk_opt_cpulist("reserved", o->reserved, &reserved);
		cpuset_andnot(&avail, &reserved);
	}
	if (o->reusable)
		tk_opt_cpulist("reusable", o->reusable, &reusable);
	if (!cpuset_is_subset(&avail, &t.all) || !cpuset_is_subset(&reusable, &t.all))
		tk_fatal("%s: --available/--reusable name CPUs the topology does not have", o->topology);
	if (o->count == 0) {
		h = NULL;
		n = 0;
	} else if (o->allocated) {
		/* GetTopologyHints regenerates hints from CPUs already assigned
		 * to the container; a count that differs gives no hint at all */
		struct cpuset alloc = CPUSET_INIT, none = CPUSET_INIT;

		tk_opt_cpulist("allocated", o->allocated, &alloc);
		if (!cpuset_is_subset(&alloc, &t.all))
			tk_fatal("%s: --allocated names CPUs the topology does not have", o->topology);
		if ((long long)cpuset_count(&alloc) != o->count) {
			h = NULL;
			n = 0;
		} else {
			h = ta_cpu_hints(&t, &alloc, &none, (int)o->count, align, &n);
		}
		cpuset_release(&alloc);
	} else {
		h = ta_cpu_hints(&t, &avail, &reusable, (int)o->count, align, &n);
	}
	if (o->out == TK_OUT_TEXT) {
		for (i = 0; i < n; i++) {
			char m[256];

			ta_mask_format(h[i].mask, m, sizeof(m));
			printf("NUMA %s%s\n", m, h[i].preferred ? " (preferred)" : "");
		}
		if (o->count == 0)
			printf("no exclusive CPUs requested: no NUMA preference\n");
		else if (!n)
			printf("no NUMA combination has %lld free CPUs\n", o->count);
	} else {
		j = json_object();
		/* GetTopologyHints: no exclusive CPUs requested, no preference (nil) */
		json_object_set_new(j, "hints", o->count == 0 ? json_null() : ta_hints_to_json(h, n));
		if (emit(j))
			tk_fatal("write error");
	}
	free(h);
	cpuset_release(&avail);
	cpuset_release(&reusable);
	cpuset_release(&reserved);
	topo_release(&t);
	return TK_EXIT_OK;
}

/* ---- pod mode ---- */

/* KubeletConfiguration fields topo-admit uses; flags override them. */
struct kcfg {
	struct tk_doc *doc;
	const char *policy, *scope, *cpu_policy, *mem_policy, *reserved_cpus;
	size_t nopts, ncpuopts;
	char **opt_names, **opt_values, **cpuopt_names, **cpuopt_values;
	const struct tk_node *reserved_memory;
};

static void kcfg_map(const char *file, const struct tk_node *m, size_t *n, char ***names, char ***values)
{
	struct tk_diag d;
	size_t i;

	if (!m || m->kind == TK_NULL)
		return;
	if (tk_expect(file, m, TK_MAP, "policy options", &d))
		tk_fatal_diag(&d);
	for (i = 0; i < m->n; i++) {
		const char *v = tk_scalar_text(m->items[i]);

		if (!v) {
			tk_node_error(file, m->items[i], &d, "policy option value must be a string");
			tk_fatal_diag(&d);
		}
		*names = xreallocarray(*names, *n + 1, sizeof(char *));
		*values = xreallocarray(*values, *n + 1, sizeof(char *));
		(*names)[*n] = xstrdup(m->keys[i]->text ? m->keys[i]->text : "");
		(*values)[*n] = xstrdup(v);
		(*n)++;
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
	kcfg_map(k->doc->file, tk_get(root, "topologyManagerPolicyOptions"), &k->nopts, &k->opt_names,
		 &k->opt_values);
	kcfg_map(k->doc->file, tk_get(root, "cpuManagerPolicyOptions"), &k->ncpuopts, &k->cpuopt_names,
		 &k->cpuopt_values);
	k->reserved_memory = tk_get(root, "reservedMemory");
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

static void load_state(struct cpuset *avail, const struct topo *t, const char *path)
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

struct pod_run {
	const struct opts *o;
	const struct topo *t;
	struct ta_config *cfg;
	enum ta_policy p;
	enum ta_scope s;
	struct ta_options *to;
	const struct ta_numa_info *ni;
	size_t npods;
	bool rejected;
	bool failed;
	struct tk_diag d;
};

static int admit_item(const struct tk_node *item, const char *file, void *arg)
{
	struct pod_run *pr = arg;
	struct ta_pod_report r;
	size_t i;
	int rc = ta_admit_pod(&r, item, file, pr->t, pr->cfg, pr->p, pr->s, pr->to, pr->ni, &pr->d);

	if (rc < 0) {
		pr->failed = true;
		ta_pod_report_release(&r);
		return 1;
	}
	if (rc > 0)
		return 0;   /* not a pod or workload: skipped */
	pr->npods++;
	/* text output carries the warnings itself; JSON keeps stderr's copy
	 * for the eyes of whoever runs a pipeline */
	for (i = 0; pr->o->out != TK_OUT_TEXT && i < r.nwarnings; i++)
		tk_warn("warning: %s", r.warnings[i]);
	if (!r.admit)
		pr->rejected = true;
	if (pr->o->out == TK_OUT_TEXT) {
		ta_pod_report_text(&r, stdout);
	} else if (emit(ta_pod_report_to_json(&r))) {
		ta_pod_report_release(&r);
		tk_fatal("write error");
	}
	ta_pod_report_release(&r);
	return 0;
}

static int ta_run_pod(const struct opts *o)
{
	struct topo t;
	struct tk_diag d;
	struct kcfg k = { 0 };
	struct ta_config cfg;
	struct ta_numa_info ni;
	struct ta_options to;
	struct opts eff = *o;
	struct pod_run pr = { 0 };
	struct tk_mem_checkpoint mem_state = { 0 };
	struct tk_dev_checkpoint dev_state = { 0 };
	char *cpu_path = NULL;

	if (!o->topology)
		tk_usage_error("missing -t TOPO (a topology document, see topo-discover(1))");
	topo_init(&t);
	if (topo_load(&t, o->topology, &d) || ta_topo_check(&t, o->topology, false, &d))
		tk_fatal_diag(&d);
	if (o->kubelet_config)
		kcfg_load(&k, o->kubelet_config);
	if (!o->manifest)
		tk_usage_error("missing MANIFEST (a Pod or workload, '-' for stdin)");

	/* flags override the KubeletConfiguration, which overrides the defaults */
	eff.policy = o->policy ? o->policy : k.policy ? k.policy : "none";
	eff.scope = o->scope ? o->scope : k.scope ? k.scope : "container";
	if (!o->nopts) {
		eff.nopts = k.nopts;
		eff.opt_names = k.opt_names;
		eff.opt_values = k.opt_values;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (o->available) {
		tk_opt_cpulist("available", o->available, &cfg.available);
		if (!cpuset_is_subset(&cfg.available, &t.all))
			tk_fatal("%s: --available names CPUs the topology does not have", o->topology);
	} else if (o->state) {
		load_state(&cfg.available, &t, o->state);
	} else if (o->kubelet_dir && access(cpu_path = xasprintf("%s/cpu_manager_state", o->kubelet_dir), F_OK) == 0) {
		load_state(&cfg.available, &t, cpu_path);
	} else {
		cpuset_copy(&cfg.available, &t.all);
	}
	free(cpu_path);
	if (k.doc)
		reserved_memory(&cfg, k.doc->file, k.reserved_memory);
	if (o->kubelet_dir) {
		/* a missing checkpoint assigns nothing; the policy is not checked:
		 * this predicts, numa-verify --kubelet-dir validates */
		char *p = xasprintf("%s/memory_manager_state", o->kubelet_dir);

		if (tk_mem_checkpoint_load(&mem_state, p, NULL, &d) < 0)
			tk_fatal_diag(&d);
		free(p);
		p = xasprintf("%s/device-plugins/kubelet_internal_checkpoint", o->kubelet_dir);
		if (tk_dev_checkpoint_load(&dev_state, p, &d) < 0)
			tk_fatal_diag(&d);
		free(p);
		cfg.mem_state = &mem_state;
		cfg.dev_state = &dev_state;
	}

	ta_numa_info_from_topo(&ni, &t);
	if (o->distances && ta_distances_load(&ni, o->distances, &d))
		tk_fatal_diag(&d);
	manager_new(&eff, &ni, &pr.p, &pr.s, &to);
	/* after NewManager's own NUMA node limit, before any hint */
	if (ta_topo_check(&t, o->topology, true, &d))
		tk_fatal_diag(&d);
	/* NewContainerManager creates the CPU Manager, then the Memory Manager,
	 * after the Topology Manager */
	{
		const char *cp = o->cpu_policy ? o->cpu_policy : k.cpu_policy ? k.cpu_policy : "none";
		const char *mp = o->mem_policy ? o->mem_policy : k.mem_policy ? k.mem_policy : "None";
		size_t nco = o->ncpuopts ? o->ncpuopts : k.ncpuopts;
		char **con = o->ncpuopts ? o->cpuopt_names : k.cpuopt_names;
		char **cov = o->ncpuopts ? o->cpuopt_values : k.cpuopt_values;
		const char *rsv = o->reserved ? o->reserved : k.reserved_cpus;

		if (!strcmp(cp, "static")) {
			cfg.cpu_static = true;
			cpu_options(&cfg, nco, con, cov, &t, eff.policy, "new static policy error: ");
		} else if (!strcmp(cp, "none")) {
			char *none = policy_none_options_error(nco, con, cov);

			if (none)
				tk_fatal("new none policy error: %s", none);
		} else {
			tk_fatal("unknown policy: \"%s\"", cp);
		}
		if (!strcmp(mp, "Static"))
			cfg.mem_static = true;
		else if (strcmp(mp, "None"))
			tk_fatal("unknown policy: \"%s\"", mp);
		if (rsv && cpuset_parse_list(&cfg.reserved, rsv, CPUSET_MAX_ID, NULL))
			tk_fatal("invalid reservedSystemCPUs '%s'", rsv);
	}

	pr.o = o;
	pr.t = &t;
	pr.cfg = &cfg;
	pr.to = &to;
	pr.ni = &ni;
	if (tk_doc_stream(o->manifest, NULL, admit_item, &pr, &d) < 0 && !pr.failed)
		pr.failed = true, pr.d = d;
	ta_pod_state_release();
	if (pr.failed)
		tk_fatal_diag(&pr.d);
	if (!pr.npods)
		tk_fatal("%s: no Pod or workload with a pod template",
			 strcmp(o->manifest, "-") ? o->manifest : "<stdin>");

	cpuset_release(&cfg.available);
	cpuset_release(&cfg.reserved);
	tk_mem_checkpoint_release(&mem_state);
	tk_dev_checkpoint_release(&dev_state);
	free_kv(k.nopts, k.opt_names, k.opt_values);
	free_kv(k.ncpuopts, k.cpuopt_names, k.cpuopt_values);
	if (k.doc)
		tk_doc_free(k.doc);
	topo_release(&t);
	return pr.rejected ? TK_EXIT_NO : TK_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int c, rc;

	tk_cli_start("topo-admit");
	o.out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, ":ho:t:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
		case 'o':
			o.out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT);
			break;
		case 't':
			o.topology = optarg;
			break;
		case 'V':
			tk_print_version();
		case OPT_POLICY:
			o.policy = optarg;
			break;
		case OPT_SCOPE:
			o.scope = optarg;
			break;
		case OPT_KUBELET_CONFIG:
			o.kubelet_config = optarg;
			break;
		case OPT_CPU_POLICY:
			o.cpu_policy = optarg;
			break;
		case OPT_MEM_POLICY:
			o.mem_policy = optarg;
			break;
		case OPT_AVAILABLE:
			o.available = optarg;
			break;
		case OPT_STATE:
			o.state = optarg;
			break;
		case OPT_KUBELET_DIR:
			if (!*optarg)
				tk_usage_error("empty --kubelet-dir");
			o.kubelet_dir = optarg;
			break;
		case OPT_RESERVED:
			o.reserved = optarg;
			break;
		case OPT_OPTION:
			push_kv("option", optarg, &o.nopts, &o.opt_names, &o.opt_values);
			break;
		case OPT_CPU_OPTION:
			push_kv("cpu-option", optarg, &o.ncpuopts, &o.cpuopt_names, &o.cpuopt_values);
			break;
		case OPT_NUMA_NODES:
			o.numa_nodes = optarg;
			break;
		case OPT_HINTS:
			o.hints = optarg;
			break;
		case OPT_DISTANCES:
			o.distances = optarg;
			break;
		case OPT_CPU_HINTS:
			o.cpu_hints = true;
			break;
		case OPT_COUNT:
			o.count = tk_opt_ll("count", optarg, 0, INT_MAX);
			o.have_count = true;
			break;
		case OPT_REUSABLE:
			o.reusable = optarg;
			break;
		case OPT_ALLOCATED:
			o.allocated = optarg;
			break;
		case OPT_NRT:
			o.nrt.nrt = optarg;
			break;
		case OPT_NODES:
			o.nrt.nodes = optarg;
			break;
		case OPT_SCORING_STRATEGY:
			o.nrt.strategy = optarg;
			break;
		case OPT_RESOURCE_WEIGHT:
			ta_nrt_push_weight(&o.nrt, optarg);
			break;
		default:
			tk_getopt_error(c, argv);
		}
	}
	if (o.available && o.state)
		tk_usage_error("--available and --state are mutually exclusive");
	if (o.hints && o.cpu_hints)
		tk_usage_error("--hints and --cpu-hints are mutually exclusive");

	if (o.nrt.nrt) {
		if (optind + 1 < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind + 1]);
		o.nrt.manifest = optind < argc ? argv[optind] : NULL;
		o.nrt.text = o.out == TK_OUT_TEXT;
		rc = ta_run_nrt(&o.nrt);
		ta_nrt_opts_release(&o.nrt);
	} else if (o.hints) {
		if (optind < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind]);
		if (!o.policy)
			o.policy = "none";
		rc = run_hints(&o);
	} else if (o.cpu_hints) {
		if (optind < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind]);
		rc = run_cpu_hints(&o);
	} else {
		if (optind + 1 < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind + 1]);
		o.manifest = optind < argc ? argv[optind] : NULL;
		rc = ta_run_pod(&o);
	}
	free_kv(o.nopts, o.opt_names, o.opt_values);
	free_kv(o.ncpuopts, o.cpuopt_names, o.cpuopt_values);
	return rc;
}
