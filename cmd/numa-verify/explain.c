/* numa-verify --explain - explain the kubelet's topology and admission
 * messages (journal/klog lines, `journalctl -o json`, Event objects); the
 * reading and message tables are common/explain.c, shared with
 * spread-check explain.
 *
 * With -t TOPO and --pods FILE each recognised admission failure that
 * names a pod is re-run: the pod's spec from FILE is admitted as topo-admit
 * admits it (its node.c and pod.c, linked in: see the Makefile) on the node
 * as --kubelet-config and --kubelet-dir describe it now, and the entry gets
 * per container and resource the NUMA hints and what limited them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "exitcodes.h"
#include "explain.h"
#include "nv.h"
#include "xalloc.h"
/* topo-admit's admission, linked into numa-verify (Makefile) */
#include "../topo-admit/ta.h"

static void usage(void)
{
	fputs("Usage:\n"
	      " numa-verify --explain [options] [FILE|-]\n"
	      "\n"
	      "Explain the kubelet's Topology, CPU, Memory and Device Manager messages\n"
	      "(TopologyAffinityError, SMTAlignmentError, UnexpectedAdmissionError,\n"
	      "policy state refusals) in journalctl text or JSON lines, or in Event\n"
	      "objects. Scheduler messages are counted and left to spread-check explain.\n"
	      "\n"
	      "With -t and --pods, each admission failure that names a pod is re-run\n"
	      "as topo-admit admits it on the node as configured now: per container\n"
	      "and resource the NUMA hints and what limited them.\n"
	      "\n"
	      "Options:\n"
	      "     --explain                read evidence instead of verifying processes\n"
	      " -t, --topology TOPO          re-run: the node's topology (topo-discover)\n"
	      "     --pods FILE              re-run: the pods' specs (kubectl get pods -o json)\n"
	      "     --kubelet-config FILE    re-run: the kubelet's configuration\n"
	      "     --kubelet-dir DIR        re-run: the kubelet's state (checkpoints)\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_exit_status(stdout, "everything explained", "a recognised admission or scheduling failure");
	exit(TK_EXIT_OK);
}

bool nv_explain_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--explain") == 0)
			return true;
	}
	return false;
}

/* ---- the re-run ---- */

struct rerun {
	struct ta_opts o;               /* as topo-admit's pod mode takes them */
	/* results by object, so a pod named by many lines is admitted once */
	size_t n;
	char **obj;
	json_t **res;
};

struct find {
	struct rerun *rr;
	const char *ns, *name;
	size_t nsl;
	json_t *result;
	struct tk_diag d;
	bool failed;
};

static int find_item(const struct tk_node *item, const char *file, void *arg)
{
	struct find *f = arg;
	const char *ns = tk_str(tk_path(item, "metadata.namespace"));
	const char *name = tk_str(tk_path(item, "metadata.name"));
	const char *kind = tk_str(tk_get(item, "kind"));
	struct ta_node node;
	struct ta_pod_report r;
	int rc;

	if (!ns || !*ns)
		ns = "default";
	if ((kind && strcmp(kind, "Pod") != 0) || !name || strcmp(name, f->name) != 0 ||
	    strlen(ns) != f->nsl || strncmp(ns, f->ns, f->nsl) != 0)
		return 0;
	/* a fresh node each time: admitting consumes what the pod takes */
	ta_node_load(&node, &f->rr->o);
	rc = ta_node_admit(&node, &r, item, file, &f->d);
	if (rc == 0)
		f->result = ta_pod_report_to_json(&r);
	else
		f->failed = rc < 0;
	ta_pod_report_release(&r);
	ta_node_release(&node);
	return 1;
}

static json_t *admit_again(struct rerun *rr, const char *object)
{
	const char *slash = strchr(object, '/');
	struct find f;
	json_t *o;

	memset(&f, 0, sizeof(f));
	f.rr = rr;
	f.ns = slash ? object : "default";
	f.nsl = slash ? (size_t)(slash - object) : 7;
	f.name = slash ? slash + 1 : object;
	if (tk_doc_stream(rr->o.manifest, NULL, find_item, &f, &f.d) < 0)
		f.failed = true;
	if (f.failed)
		tk_fatal_diag(&f.d);
	if (!f.result) {
		o = json_object();
		json_object_set_new(o, "found", json_false());
		json_object_set_new(o, "why", json_string("no pod of that name in --pods"));
		return o;
	}
	json_object_set_new(f.result, "found", json_true());
	return f.result;
}

static json_t *rerun_hook(void *arg, const char *object, const char *template_name)
{
	struct rerun *rr = arg;
	size_t i;
	json_t *r;

	/* admission failures of one pod; not the start-up refusals */
	if (!*object || strcmp(template_name, "PolicyStateMismatch") == 0 ||
	    strcmp(template_name, "InvalidReservation") == 0 ||
	    strcmp(template_name, "TopologyManagerUnsupported") == 0)
		return NULL;
	for (i = 0; i < rr->n; i++)
		if (strcmp(rr->obj[i], object) == 0)
			return json_incref(rr->res[i]);
	r = admit_again(rr, object);
	rr->obj = xreallocarray(rr->obj, rr->n + 1, sizeof(*rr->obj));
	rr->res = xreallocarray(rr->res, rr->n + 1, sizeof(*rr->res));
	rr->obj[rr->n] = xstrdup(object);
	rr->res[rr->n++] = json_incref(r);
	return r;
}

static void rerun_text(const json_t *r, FILE *out)
{
	size_t i;
	json_t *c;

	if (!json_is_true(json_object_get(r, "found"))) {
		fputs("  re-run: not possible: ", out);
		tk_fputs_text(json_string_value(json_object_get(r, "why")), out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "  re-run on the node now (%s, %s scope): %s\n",
		json_string_value(json_object_get(r, "policy")), json_string_value(json_object_get(r, "scope")),
		json_is_true(json_object_get(r, "admit")) ? "admitted" : "rejected");
	json_array_foreach(json_object_get(r, "containers"), i, c) {
		const char *k;
		json_t *res;

		fputs("    ", out);
		tk_fputs_text(json_string_value(json_object_get(c, "name")), out);
		fputs(json_is_true(json_object_get(c, "admit")) ? ": admitted\n" : ": rejected\n", out);
		json_object_foreach(json_object_get(c, "resources"), k, res) {
			fputs("      ", out);
			tk_fputs_text(k, out);
			fprintf(out, " %lld", (long long)json_integer_value(json_object_get(res, "request")));
			if (json_string_value(json_object_get(res, "why"))) {
				fputs(": ", out);
				tk_fputs_text(json_string_value(json_object_get(res, "why")), out);
			}
			fputc('\n', out);
		}
	}
}

int nv_explain_main(int argc, char **argv)
{
	enum { OPT_PODS = TK_OPT_LONG_BASE, OPT_KCFG, OPT_KDIR };
	static const struct option opts[] = {
		{ "explain",        no_argument,       NULL, 'E' },
		{ "topology",       required_argument, NULL, 't' },
		{ "pods",           required_argument, NULL, OPT_PODS },
		{ "kubelet-config", required_argument, NULL, OPT_KCFG },
		{ "kubelet-dir",    required_argument, NULL, OPT_KDIR },
		{ "output",         required_argument, NULL, 'o' },
		{ "help",           no_argument,       NULL, 'h' },
		{ "version",        no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum tk_out out = TK_OUT_JSON;
	struct rerun rr;
	struct tk_explain_hook hook = { rerun_hook, rerun_text, &rr };
	const char *path;
	size_t i;
	int c, rc;

	memset(&rr, 0, sizeof(rr));
	while ((c = getopt_long(argc, argv, ":o:t:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'E':
			break;
		case 't':
			rr.o.topology = optarg;
			break;
		case OPT_PODS:
			rr.o.manifest = optarg;
			break;
		case OPT_KCFG:
			rr.o.kubelet_config = optarg;
			break;
		case OPT_KDIR:
			rr.o.kubelet_dir = optarg;
			break;
		case 'o':
			out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT);
			break;
		case 'h':
			usage();
			break;
		case 'V':
			tk_print_version();
		default:
			tk_getopt_error(c, argv);
		}
	}
	if (argc - optind > 1)
		tk_usage_error("--explain reads one FILE (or - for stdin)");
	path = optind < argc ? argv[optind] : "-";
	if (!rr.o.topology != !rr.o.manifest)
		tk_usage_error("the re-run needs both -t TOPO and --pods FILE");
	if (!rr.o.topology && (rr.o.kubelet_config || rr.o.kubelet_dir))
		tk_usage_error("--kubelet-config and --kubelet-dir need -t and --pods");
	if (!rr.o.topology)
		return tk_explain_run(path, TK_EXPLAIN_KUBELET, out, NULL);
	if (strcmp(rr.o.manifest, "-") == 0)
		tk_usage_error("--pods must name a file (it is read for each pod)");
	rr.o.out = out;
	/* the node loads before any evidence is read: a bad -t, configuration
	 * or state is an input error even when no line names a pod */
	{
		struct ta_node probe;

		ta_node_load(&probe, &rr.o);
		ta_node_release(&probe);
	}
	rc = tk_explain_run(path, TK_EXPLAIN_KUBELET, out, &hook);
	for (i = 0; i < rr.n; i++) {
		free(rr.obj[i]);
		json_decref(rr.res[i]);
	}
	free(rr.obj);
	free(rr.res);
	return rc;
}
