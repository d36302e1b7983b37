/* topo-admit - the kubelet Topology Manager's admit decision, explained.
 *
 * Three modes share one option table:
 *   pod mode     -t TOPO MANIFEST: QoS, CPU/device/memory hints, merge, admit
 *   --hints      merge given provider hints under a policy (policy.go alone)
 *   --cpu-hints  the CPU Manager's hints for N CPUs on a topology
 * main() parses options into struct ta_opts and hands them to the mode:
 * modes.c for --hints and --cpu-hints, nrt.c for --nrt, and for pods the
 * node (node.c) each pod of the manifest is admitted on (pod.c), one after
 * the other, each result rendered as it comes (render.c).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "exitcodes.h"
#include "ta.h"

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

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " topo-admit -t TOPO [--nodes NODES_FILE] [options] MANIFEST\n"
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
	      "     --nrt FILE                   NodeResourceTopology objects (their Nodes may come\n"
	      "                                  first): decide per node as the scheduler's\n"
	      "                                  NodeResourceTopologyMatch plugin\n"
	      "     --nodes FILE                 Node objects (kubectl get nodes,pods -o json): in\n"
	      "                                  pod mode the topology's Node and its pods, whose\n"
	      "                                  allocatable, labels, taints and used resources\n"
	      "                                  the kubelet checks after the Topology Manager;\n"
	      "                                  in NRT mode the nodes to decide on (allocatable\n"
	      "                                  of resources no zone reports)\n"
	      "     --scoring-strategy STRATEGY  NRT mode: LeastAllocated (default), MostAllocated,\n"
	      "                                  BalancedAllocation or LeastNUMANodes\n"
	      "     --resource-weight NAME=WEIGHT  NRT mode: a resource's weight in scoring\n"
	      "                                  (default 1 each)\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_cpulist(stdout);
	tk_help_exit_status(stdout, "admitted (a feasible node with --nrt)", "rejected (no feasible node)");
	exit(TK_EXIT_OK);
}

static void push_kv(const char *opt, const char *arg, struct tk_kc_map *kv)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		tk_usage_error("invalid --%s value '%s' (want NAME=VALUE)", opt, arg);
	tk_kc_map_put(kv, arg, (size_t)(eq - arg), eq + 1);
}

/* ---- pod mode ---- */

struct pod_run {
	struct ta_node *node;
	enum tk_out out;
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
	int rc = ta_node_admit(pr->node, &r, item, file, &pr->d);

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
	for (i = 0; pr->out != TK_OUT_TEXT && i < r.nwarnings; i++)
		tk_warn("warning: %s", r.warnings[i]);
	if (!r.admit)
		pr->rejected = true;
	if (pr->out == TK_OUT_TEXT) {
		ta_pod_report_text(&r, stdout);
	} else if (ta_emit(ta_pod_report_to_json(&r))) {
		ta_pod_report_release(&r);
		tk_fatal("write error");
	}
	ta_pod_report_release(&r);
	return 0;
}

/* Each pod of the manifest, in order, on one node. */
static int run_pods(const struct ta_opts *o)
{
	struct ta_node node;
	struct pod_run pr = { 0 };
	struct tk_diag d;

	ta_node_load(&node, o);
	pr.node = &node;
	pr.out = o->out;
	if (tk_doc_stream(o->manifest, NULL, admit_item, &pr, &d) < 0 && !pr.failed)
		pr.failed = true, pr.d = d;
	if (pr.failed)
		tk_fatal_diag(&pr.d);
	if (!pr.npods)
		tk_fatal("%s: no Pod or workload with a pod template",
			 strcmp(o->manifest, "-") ? o->manifest : "<stdin>");
	ta_node_release(&node);
	return pr.rejected ? TK_EXIT_NO : TK_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ta_opts o = { 0 };
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
			push_kv("option", optarg, &o.tm_opts);
			break;
		case OPT_CPU_OPTION:
			push_kv("cpu-option", optarg, &o.cpu_opts);
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
		rc = ta_run_hints(&o);
	} else if (o.cpu_hints) {
		if (optind < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind]);
		rc = ta_run_cpu_hints(&o);
	} else {
		if (optind + 1 < argc)
			tk_usage_error("unexpected argument '%s'", argv[optind + 1]);
		o.manifest = optind < argc ? argv[optind] : NULL;
		rc = run_pods(&o);
	}
	tk_kc_map_release(&o.tm_opts);
	tk_kc_map_release(&o.cpu_opts);
	return rc;
}
