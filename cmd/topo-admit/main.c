/* topo-admit - the kubelet Topology Manager's admit decision, explained.
 *
 * Three modes share one option table:
 *   pod mode     -t TOPO MANIFEST: QoS, CPU/device/memory hints, merge, admit
 *   --hints      merge given provider hints under a policy (policy.go alone)
 *   --cpu-hints  the CPU Manager's hints for N CPUs on a topology
 * main() parses options into struct opts, loads the inputs, calls the pure
 * functions of merge.c / cpuhints.c / pod.c and renders their result.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "emit.h"
#include "exitcodes.h"
#include "numparse.h"
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
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " topo-admit -t TOPO [options] MANIFEST\n"
	      " topo-admit --hints HINTS.json --numa-nodes LIST [--policy P] [--option NAME=VALUE]...\n"
	      " topo-admit --cpu-hints -t TOPO --count N [--available CPULIST]\n"
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
	      "     --cpu-option NAME=VALUE      CPU Manager policy option (align-by-socket)\n"
	      "     --memory-manager-policy P    None or Static (default: None)\n"
	      "     --available CPULIST          CPUs free for exclusive use (default: all)\n"
	      "     --state FILE                 kubelet cpu_manager_state: free CPUs = defaultCpuSet\n"
	      "     --reserved CPULIST           reservedSystemCPUs, never handed out\n"
	      "     --hints FILE                 hint-merge mode: provider hints as JSON\n"
	      "     --numa-nodes LIST            hint-merge mode: the machine's NUMA nodes\n"
	      "     --distances FILE             NUMA distances {\"0\":[10,21],...}\n"
	      "     --cpu-hints                  CPU-hints mode: the CPU Manager's hints\n"
	      "     --count N                    CPU-hints mode: CPUs requested\n"
	      "     --reusable CPULIST           CPU-hints mode: CPUs reusable from init containers\n"
	      "     --allocated CPULIST          CPU-hints mode: CPUs the container already holds\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_cpulist(stdout);
	fputs("\nExit status: 0 admitted, 1 rejected, 2 usage or input error.\n"
	      "\nSee topo-admit(1).\n", stdout);
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

static void parse_cpulist_opt(struct cpuset *s, const char *name, const char *arg)
{
	int rc = cpuset_parse_list(s, arg, CPUSET_MAX_ID, NULL);

	if (rc)
		tk_usage_error("invalid --%s value '%s'", name, arg);
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
	bool admit;
	json_t *j;

	if (o->numa_nodes) {
		numa_info_from_list(&ni, o->numa_nodes);
		if (o->topology) {
			struct ta_numa_info tn;

			topo_init(&t);
			if (topo_load(&t, o->topology, &d))
				tk_fatal_diag(&d);
			ta_numa_info_from_topo(&tn, &t);
			memcpy(ni.has_dist, tn.has_dist, sizeof(ni.has_dist));
			memcpy(ni.dist, tn.dist, sizeof(ni.dist));
			topo_release(&t);
		}
	} else if (o->topology) {
		topo_init(&t);
		if (topo_load(&t, o->topology, &d))
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
	ta_merge(p, &to, &ni, hd.providers, hd.n, &best, &admit);
	ta_hints_release(&hd);

	if (o->out == TK_OUT_TEXT) {
		char m[256];

		if (best.has_mask)
			ta_mask_format(best.mask, m, sizeof(m));
		printf("admit: %s\nhint: %s%s, %s\n", admit ? "yes" : "no",
		       best.has_mask ? "NUMA " : "any NUMA node", best.has_mask ? m : "",
		       best.preferred ? "preferred" : "not preferred");
	} else {
		j = json_object();
		json_object_set_new(j, "admit", json_boolean(admit));
		json_object_set_new(j, "hint", ta_hint_to_json(&best));
		if (emit(j))
			tk_fatal("write error");
	}
	return admit ? TK_EXIT_OK : TK_EXIT_NO;
}

/* ---- CPU-hints mode ---- */

static int run_cpu_hints(const struct opts *o)
{
	struct topo t;
	struct tk_diag d;
	struct cpuset avail = CPUSET_INIT, reusable = CPUSET_INIT, reserved = CPUSET_INIT;
	struct ta_hint *h;
	size_t n, i;
	bool align = false;
	json_t *j;

	if (!o->topology)
		tk_usage_error("--cpu-hints needs -t TOPO");
	if (!o->have_count)
		tk_usage_error("--cpu-hints needs --count N");
	for (i = 0; i < o->ncpuopts; i++) {
		if (strcmp(o->cpuopt_names[i], "align-by-socket"))
			tk_fatal("unknown CPU Manager Policy option: \"%s\"", o->cpuopt_names[i]);
		if (tk_parse_bool(o->cpuopt_values[i], &align))
			tk_fatal("bad value for option \"align-by-socket\": strconv.ParseBool: parsing \"%s\": invalid syntax",
				 o->cpuopt_values[i]);
	}
	topo_init(&t);
	if (topo_load(&t, o->topology, &d))
		tk_fatal_diag(&d);
	if (o->available)
		parse_cpulist_opt(&avail, "available", o->available);
	else
		cpuset_copy(&avail, &t.all);
	if (o->reserved) {
		parse_cpulist_opt(&reserved, "reserved", o->reserved);
		cpuset_andnot(&avail, &reserved);
	}
	if (o->reusable)
		parse_cpulist_opt(&reusable, "reusable", o->reusable);
	if (!cpuset_is_subset(&avail, &t.all) || !cpuset_is_subset(&reusable, &t.all))
		tk_fatal("%s: --available/--reusable name CPUs the topology does not have", o->topology);
	if (o->allocated) {
		/* GetTopologyHints regenerates hints from CPUs already assigned
		 * to the container; a count that differs gives no hint at all */
		struct cpuset alloc = CPUSET_INIT, none = CPUSET_INIT;

		parse_cpulist_opt(&alloc, "allocated", o->allocated);
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
		if (!n)
			printf("no NUMA combination has %lld free CPUs\n", o->count);
	} else {
		j = json_object();
		json_object_set_new(j, "hints", ta_hints_to_json(h, n));
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

static int ta_run_pod(const struct opts *o)
{
	(void)o;
	tk_fatal("pod mode is not implemented yet");
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int c, rc;

	tk_prog = "topo-admit";
	atexit(tk_close_stdout);
	o.out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, "ho:t:V", longopts, NULL)) != -1) {
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
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", tk_prog);
			return TK_EXIT_USAGE;
		}
	}
	if (o.available && o.state)
		tk_usage_error("--available and --state are mutually exclusive");
	if (o.hints && o.cpu_hints)
		tk_usage_error("--hints and --cpu-hints are mutually exclusive");

	if (o.hints) {
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
