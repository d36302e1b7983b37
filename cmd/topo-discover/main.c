/* topo-discover - print a node's CPU, NUMA and device topology.
 *
 * Reads this machine (libhwloc), an hwloc XML export, a recorded /sys + /proc
 * tree or a synthetic description, or re-reads a saved topology document, and
 * writes the topology document (topo.h), a readable tree, or a
 * NodeResourceTopology object. main() parses options, calls discover() or
 * topo_load(), and renders.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "diag.h"
#include "discover.h"
#include "emit.h"
#include "exitcodes.h"
#include "topo.h"
#include "xalloc.h"

#define PICTURES (TK_OUT_SVG | TK_OUT_PNG | TK_OUT_PDF)
#define OUTPUTS (TK_OUT_JSON | TK_OUT_TEXT | TK_OUT_NRT | PICTURES)

enum {
	OPT_NO_DEVICES = TK_OPT_LONG_BASE,
	OPT_RESOURCE_MAP,
	OPT_NODE_NAME,
	OPT_TM_POLICY,
	OPT_TM_SCOPE,
	OPT_KUBELET_DIR,
	OPT_KUBELET_CONFIG,
	OPT_DISTANCES,
	OPT_FINDINGS,
};

struct opts {
	enum discover_source source;
	const char *arg;             /* --input, --fsroot or --synthetic value */
	const char *topology;        /* -t: a saved document instead */
	unsigned nsources;
	bool devices;
	const char *resource_map;
	const char *node_name;
	const char *policy;
	const char *scope;
	const char *kubelet_dir;
	const char *kubelet_config;
	bool distances;
	const char *findings;
	enum tk_out out;
};

static const char *const policies[] = { "none", "best-effort", "restricted", "single-numa-node", NULL };
static const char *const scopes[] = { "container", "pod", NULL };

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " topo-discover [options]\n"
	      "\n"
	      "Print this node's CPU, NUMA and device topology as the topokit topology\n"
	      "document, a readable tree, or a NodeResourceTopology object.\n"
	      "\n"
	      "Sources (default: this machine):\n"
	      " -i, --input FILE       read an hwloc XML export (lstopo --of xml; - for\n"
	      "                          stdin)\n"
	      " -r, --fsroot DIR       read a recorded /sys and /proc tree\n"
	      " -s, --synthetic DESC   build a synthetic machine, e.g.\n"
	      "                          \"package:2 numa:2 core:8 pu:2\"\n"
	      " -t, --topology FILE    read a topology document (JSON or YAML, - for\n"
	      "                          stdin), check it and write it again\n"
	      "\n"
	      "Options:\n"
	      "     --no-devices       skip PCI device discovery (faster)\n"
	      "     --resource-map FILE  map PCI vendor/device/class to extended\n"
	      "                          resource names (rules before the defaults)\n"
	      "     --node-name NAME   the node's name (default: the hostname)\n"
	      "     --topology-manager-policy POLICY\n"
	      "                        with -o nrt: none, best-effort, restricted or\n"
	      "                          single-numa-node\n"
	      "     --topology-manager-scope SCOPE\n"
	      "                        with -o nrt: container or pod\n"
	      "     --kubelet-dir DIR  with -o nrt, svg, png or pdf: the kubelet's state\n"
	      "                          directory, whose checkpoints give what is\n"
	      "                          assigned (default /var/lib/kubelet; for a\n"
	      "                          picture, none unless given)\n"
	      "     --kubelet-config FILE\n"
	      "                        with -o nrt, svg, png or pdf: the\n"
	      "                          KubeletConfiguration (reserved CPUs and memory,\n"
	      "                          policies)\n"
	      "     --distances        with -o svg, png or pdf: draw the NUMA distances\n"
	      "     --findings FILE    with -o svg, png or pdf: numa-verify's JSON report;\n"
	      "                          the CPUs of what it found not aligned are\n"
	      "                          outlined\n", stdout);
	tk_help_output(stdout, OUTPUTS);
	tk_help_common(stdout);
	tk_help_exit_status(stdout, "the topology was printed", NULL);
	exit(TK_EXIT_OK);
}

static const char *one_of(const char *opt, const char *arg, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(arg, words[i]) == 0)
			return words[i];
	tk_usage_error("invalid --%s value '%s'", opt, arg);
}

static void set_source(struct opts *o, enum discover_source s, const char *arg)
{
	o->source = s;
	o->arg = arg;
	o->nsources++;
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fsroot",                  required_argument, NULL, 'r' },
		{ "distances",               no_argument,       NULL, OPT_DISTANCES },
		{ "findings",                required_argument, NULL, OPT_FINDINGS },
		{ "help",                    no_argument,       NULL, 'h' },
		{ "input",                   required_argument, NULL, 'i' },
		{ "kubelet-config",          required_argument, NULL, OPT_KUBELET_CONFIG },
		{ "kubelet-dir",             required_argument, NULL, OPT_KUBELET_DIR },
		{ "no-devices",              no_argument,       NULL, OPT_NO_DEVICES },
		{ "node-name",               required_argument, NULL, OPT_NODE_NAME },
		{ "output",                  required_argument, NULL, 'o' },
		{ "resource-map",            required_argument, NULL, OPT_RESOURCE_MAP },
		{ "synthetic",               required_argument, NULL, 's' },
		{ "topology",                required_argument, NULL, 't' },
		{ "topology-manager-policy", required_argument, NULL, OPT_TM_POLICY },
		{ "topology-manager-scope",  required_argument, NULL, OPT_TM_SCOPE },
		{ "version",                 no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->source = SRC_LIVE;
	o->devices = true;
	o->out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, ":Vhi:o:r:s:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tk_print_version();
		case 'h':
			usage();
		case 'i':
			set_source(o, SRC_XML, optarg);
			break;
		case 'o':
			o->out = tk_parse_output(optarg, OUTPUTS);
			break;
		case 'r':
			set_source(o, SRC_FSROOT, optarg);
			break;
		case 's':
			set_source(o, SRC_SYNTHETIC, optarg);
			break;
		case 't':
			o->topology = optarg;
			o->nsources++;
			break;
		case OPT_NO_DEVICES:
			o->devices = false;
			break;
		case OPT_RESOURCE_MAP:
			o->resource_map = optarg;
			break;
		case OPT_NODE_NAME:
			if (!*optarg)
				tk_usage_error("empty --node-name");
			o->node_name = optarg;
			break;
		case OPT_TM_POLICY:
			o->policy = one_of("topology-manager-policy", optarg, policies);
			break;
		case OPT_TM_SCOPE:
			o->scope = one_of("topology-manager-scope", optarg, scopes);
			break;
		case OPT_KUBELET_DIR:
			if (!*optarg)
				tk_usage_error("empty --kubelet-dir");
			o->kubelet_dir = optarg;
			break;
		case OPT_KUBELET_CONFIG:
			o->kubelet_config = optarg;
			break;
		case OPT_DISTANCES:
			o->distances = true;
			break;
		case OPT_FINDINGS:
			o->findings = optarg;
			break;
		default:
			tk_getopt_error(c, argv);
		}
	}
	if (optind < argc)
		tk_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->nsources > 1)
		tk_usage_error("give at most one of --input, --fsroot, --synthetic, --topology");
	if (o->topology && (o->resource_map || !o->devices))
		tk_usage_error("--%s reads devices from --topology's document, not from the machine",
			       o->resource_map ? "resource-map" : "no-devices");
	if ((o->policy || o->scope) && o->out != TK_OUT_NRT)
		tk_usage_error("--topology-manager-%s needs -o nrt", o->policy ? "policy" : "scope");
	if ((o->kubelet_dir || o->kubelet_config) && o->out != TK_OUT_NRT && !(o->out & PICTURES))
		tk_usage_error("--kubelet-%s needs -o nrt, svg, png or pdf", o->kubelet_dir ? "dir" : "config");
	if ((o->distances || o->findings) && !(o->out & PICTURES))
		tk_usage_error("--%s needs -o svg, png or pdf", o->distances ? "distances" : "findings");
}

static int load(struct topo *t, const struct opts *o, struct tk_diag *d)
{
	struct resmap map = { 0, NULL };
	struct discover_opts dopts;
	int rc;

	if (o->topology)
		return topo_load(t, o->topology, d);
	discover_resmap_init_defaults(&map);
	if (o->resource_map && discover_resmap_load(&map, o->resource_map, d) < 0) {
		discover_resmap_release(&map);
		return -1;
	}
	dopts.source = o->source;
	dopts.arg = o->arg;
	dopts.devices = o->devices;
	dopts.map = &map;
	dopts.all_pci = o->resource_map != NULL;
	rc = discover(t, &dopts, d);
	discover_resmap_release(&map);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct topo t;
	struct tk_diag d = { "", 0, 0, "" };
	json_t *j = NULL;
	int rc;

	tk_cli_start("topo-discover");
	parse_args(&o, argc, argv);
	topo_init(&t);
	if (load(&t, &o, &d) < 0) {
		topo_release(&t);
		tk_fatal_diag(&d);
	}
	if (o.node_name) {
		free(t.hostname);
		t.hostname = xstrdup(o.node_name);
	}
	switch (o.out) {
	case TK_OUT_TEXT:
		rc = discover_render_text(&t, stdout);
		break;
	case TK_OUT_NRT: {
		struct nrt_opts no = { o.node_name, o.policy, o.scope, NULL };
		struct node_alloc na;

		if (discover_node_alloc_load(&na, o.kubelet_dir ? o.kubelet_dir : "/var/lib/kubelet",
					     o.kubelet_config, &d) < 0) {
			topo_release(&t);
			tk_fatal_diag(&d);
		}
		/* the command line wins over the configuration, as the kubelet's flags do */
		if (!no.policy)
			no.policy = na.policy;
		if (!no.scope)
			no.scope = na.scope;
		no.alloc = &na;
		j = discover_render_nrt(&t, &no, &d);
		discover_node_alloc_release(&na);
		if (!j) {
			topo_release(&t);
			tk_fatal_diag(&d);
		}
		rc = tk_emit_json_pretty(j, stdout);
		break;
	}
	case TK_OUT_SVG:
	case TK_OUT_PNG:
	case TK_OUT_PDF: {
		struct node_pic_opts po = { o.out == TK_OUT_SVG ? TK_PIC_SVG : o.out == TK_OUT_PNG ? TK_PIC_PNG
					    : TK_PIC_PDF, o.distances, NULL };
		struct node_alloc na;
		struct node_findings nf;
		bool have = o.kubelet_dir || o.kubelet_config;

		if (o.findings) {
			if (discover_findings_load(&nf, o.findings, &d) < 0) {
				topo_release(&t);
				tk_fatal_diag(&d);
			}
			po.findings = &nf;
		}

		/* a picture of a recorded node draws what its own files say, not
		 * this machine's /var/lib/kubelet: nothing unless asked */
		if (have && discover_node_alloc_load(&na, o.kubelet_dir ? o.kubelet_dir : "/var/lib/kubelet",
						     o.kubelet_config, &d) < 0) {
			if (o.findings)
				discover_findings_release(&nf);
			topo_release(&t);
			tk_fatal_diag(&d);
		}
		rc = render_picture(&t, have ? &na : NULL, &po, stdout, &d);
		if (have)
			discover_node_alloc_release(&na);
		if (o.findings)
			discover_findings_release(&nf);
		if (rc < 0) {
			topo_release(&t);
			tk_fatal_diag(&d);
		}
		break;
	}
	default:
		j = topo_to_json(&t);
		rc = tk_emit_json(j, stdout);
		break;
	}
	json_decref(j);
	topo_release(&t);
	if (rc < 0)
		tk_fatal("write error");
	return TK_EXIT_OK;
}
