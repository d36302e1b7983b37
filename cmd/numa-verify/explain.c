/* numa-verify --explain - explain the kubelet's topology and admission
 * messages (journal/klog lines, `journalctl -o json`, Event objects); the
 * reading and message tables are common/explain.c, shared with
 * spread-check explain.
 *
 * With --pods FILE each recognised admission failure that names a pod is
 * re-run: the pod's spec from FILE is admitted as topo-admit admits it (its
 * node.c and pod.c, linked in: see the Makefile) on the node as it is now,
 * and the entry gets per container and resource the NUMA hints and what
 * limited them. The node is -t, --kubelet-config and --kubelet-dir; without
 * -t it is the one numa-verify runs on (or the recorded tree --root names):
 * its topology as topo-discover reads it, its kubelet's state directory, and
 * the configuration and flags its kubelet runs with. Each re-run says which
 * sources it read. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
	      "With --pods, each admission failure that names a pod is re-run as\n"
	      "topo-admit admits it on the node as it is now: per container and\n"
	      "resource the NUMA hints and what limited them. The node is -t (with\n"
	      "--kubelet-config and --kubelet-dir), or without -t this node (or the\n"
	      "tree --root names): topo-discover's topology, /var/lib/kubelet, and\n"
	      "the running kubelet's configuration and flags.\n"
	      "\n"
	      "Options:\n"
	      "     --explain                read evidence instead of verifying processes\n"
	      " -t, --topology TOPO          re-run: the node's topology (topo-discover)\n"
	      "     --pods FILE              re-run: the pods' specs (kubectl get pods -o json)\n"
	      "     --kubelet-config FILE    re-run: the kubelet's configuration\n"
	      "     --kubelet-dir DIR        re-run: the kubelet's state (checkpoints)\n"
	      "     --root DIR               re-run without -t: a recorded node's / (sys, proc,\n"
	      "                              var/lib/kubelet)\n", stdout);
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
	json_t *sources;                /* what the node was read from */
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
	json_object_set(f.result, "sources", rr->sources);
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
	{
		const json_t *src = json_object_get(r, "sources");

		fputs("    read: topology ", out);
		tk_fputs_text(json_string_value(json_object_get(src, "topology")), out);
		fputs("; configuration ", out);
		tk_fputs_text(json_string_value(json_object_get(src, "kubeletConfig")), out);
		fputs("; state ", out);
		tk_fputs_text(json_string_value(json_object_get(src, "kubeletDir")), out);
		fputc('\n', out);
	}
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

/* ---- the node numa-verify runs on ---- */

/* topo-discover next to this binary (an installed or built set of tools),
 * by its absolute path: never a search of PATH, since numa-verify runs as
 * root on the node. Exits 2 when it is not there. */
static char *topo_discover_path(void)
{
	char self[PATH_MAX], *slash, *sibling;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		tk_fatal("the re-run on this node needs topo-discover next to numa-verify, and "
			 "/proc/self/exe cannot be read: %s; give -t TOPO", strerror(errno));
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	sibling = xasprintf("%s/topo-discover", slash ? self : ".");
	if (access(sibling, X_OK) != 0)
		tk_fatal("the re-run on this node needs %s (topo-discover next to numa-verify): %s; "
			 "give -t TOPO", sibling, strerror(errno));
	return sibling;
}

/* The file below, removed however the run ends (ta_node_load exits 2 on a
 * node the kubelet would refuse). */
static char *topology_tmp;

static void remove_topology_tmp(void)
{
	if (topology_tmp)
		unlink(topology_tmp);
}

/* The node's topology as topo-discover reads it (--fsroot ROOT for a
 * recorded tree), into a file the re-run loads; its path, unlinked by the
 * caller. Exits 2 when it cannot be had: the user can give -t instead. */
static char *discover_node(const char *root)
{
	const char *tmpdir = getenv("TMPDIR");
	char *file = xasprintf("%s/numa-verify-topology.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	char *tool = topo_discover_path();
	int fd = mkstemp(file), status;
	pid_t pid;

	if (fd < 0)
		tk_fatal("cannot create a file for the node's topology (%s): %s", file, strerror(errno));
	topology_tmp = file;
	atexit(remove_topology_tmp);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		tk_fatal("cannot run topo-discover: %s", strerror(errno));
	if (pid == 0) {
		if (dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		char name[] = "topo-discover", flag[] = "--fsroot";
		char *const with_root[] = { name, flag, root ? xstrdup(root) : NULL, NULL };
		char *const live[] = { name, NULL };

		execv(tool, root ? with_root : live);
		fprintf(stderr, "numa-verify: cannot run %s: %s\n", tool, strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			tk_fatal("waiting for topo-discover: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		tk_fatal("the re-run needs this node's topology, and %s %s%s failed (%s %d); give -t TOPO", tool,
			 root ? "--fsroot " : "", root ? root : "", WIFEXITED(status) ? "exit" : "signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
	free(tool);
	return file;
}

/* Everything the node mode fills in, freed after the run. */
struct node_sources {
	char *topology_file, *kubelet_dir, *kubelet_config;
	struct nv_running_kubelet rk;
	bool have_rk;
};

/* path below a recorded root, as the re-run will open it (by name, not
 * beneath the root): NULL when it is missing or resolves outside root, as a
 * symbolic link in a hostile tree would (the live system has no outside). */
static char *inside_root(const char *root, const char *path)
{
	char *joined = nv_path(root, path), *real, *real_root;
	size_t n;
	bool inside;

	if (!root)
		return access(joined, F_OK) == 0 ? joined : (free(joined), NULL);
	real = realpath(joined, NULL);
	real_root = realpath(root, NULL);
	free(joined);
	if (!real || !real_root) {
		free(real);
		free(real_root);
		return NULL;
	}
	n = strlen(real_root);
	inside = strncmp(real, real_root, n) == 0 && (real[n] == '/' || real[n] == '\0' || n == 1);
	free(real_root);
	if (!inside) {
		fprintf(stderr, "numa-verify: %s%s leaves --root %s: not read\n", root, path, root);
		free(real);
		return NULL;
	}
	return real;
}

static void read_this_node(struct rerun *rr, const char *root, struct node_sources *ns)
{
	const char *label_root = root ? root : "";
	char *config_label = NULL;
	struct tk_diag d;
	bool is_dir = false;

	memset(ns, 0, sizeof(*ns));
	ns->topology_file = discover_node(root);
	rr->o.topology = ns->topology_file;
	if (!rr->o.kubelet_dir && nv_exists(root, "/var/lib/kubelet", &is_dir) && is_dir)
		rr->o.kubelet_dir = ns->kubelet_dir = inside_root(root, "/var/lib/kubelet");
	if (rr->o.kubelet_config) {
		config_label = xstrdup(rr->o.kubelet_config);
	} else if (nv_running_kubelet_find(&ns->rk, root, &d) == 0) {
		/* flags win over the file, as in the kubelet */
		ns->have_rk = true;
		if (ns->rk.config)
			rr->o.kubelet_config = ns->kubelet_config = inside_root(root, ns->rk.config);
		rr->o.policy = ns->rk.flags.tm_policy;
		rr->o.scope = ns->rk.flags.tm_scope;
		rr->o.cpu_policy = ns->rk.flags.cpu_policy;
		rr->o.mem_policy = ns->rk.flags.mm_policy;
		rr->o.reserved = ns->rk.flags.reserved_cpus;
		config_label = ns->rk.config && !ns->kubelet_config ?
			xasprintf("%s%s (not read: missing or outside --root; the kubelet's defaults)", label_root,
				  ns->rk.label) :
			xasprintf("%s%s", label_root, ns->rk.label);
	} else {
		config_label = xasprintf("the kubelet's defaults (%s)", d.msg);
	}
	rr->sources = json_pack("{s:s+,s:s,s:s}", "topology",
				root ? "topo-discover --fsroot " : "topo-discover (this node)", root ? root : "",
				"kubeletConfig", config_label,
				"kubeletDir", rr->o.kubelet_dir ? rr->o.kubelet_dir : "none (no checkpoints read)");
	free(config_label);
}

static void node_sources_release(struct node_sources *ns)
{
	if (ns->topology_file)
		unlink(ns->topology_file);
	topology_tmp = NULL;
	free(ns->topology_file);
	free(ns->kubelet_dir);
	free(ns->kubelet_config);
	if (ns->have_rk)
		nv_running_kubelet_release(&ns->rk);
}

int nv_explain_main(int argc, char **argv)
{
	enum { OPT_PODS = TK_OPT_LONG_BASE, OPT_KCFG, OPT_KDIR, OPT_ROOT };
	static const struct option opts[] = {
		{ "explain",        no_argument,       NULL, 'E' },
		{ "topology",       required_argument, NULL, 't' },
		{ "pods",           required_argument, NULL, OPT_PODS },
		{ "kubelet-config", required_argument, NULL, OPT_KCFG },
		{ "kubelet-dir",    required_argument, NULL, OPT_KDIR },
		{ "root",           required_argument, NULL, OPT_ROOT },
		{ "output",         required_argument, NULL, 'o' },
		{ "help",           no_argument,       NULL, 'h' },
		{ "version",        no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum tk_out out = TK_OUT_JSON;
	struct rerun rr;
	struct tk_explain_hook hook = { rerun_hook, rerun_text, &rr };
	struct node_sources ns;
	const char *path, *root = NULL;
	size_t i;
	int c, rc;

	memset(&rr, 0, sizeof(rr));
	memset(&ns, 0, sizeof(ns));
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
		case OPT_ROOT:
			if (!*optarg)
				tk_usage_error("empty --root");
			root = strcmp(optarg, "/") == 0 ? NULL : optarg;
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
	if (rr.o.topology && !rr.o.manifest)
		tk_usage_error("the re-run needs --pods FILE (the pods' specs) next to -t");
	if (!rr.o.manifest && (rr.o.kubelet_config || rr.o.kubelet_dir || root))
		tk_usage_error("--kubelet-config, --kubelet-dir and --root are for the re-run: give --pods");
	if (rr.o.topology && root)
		tk_usage_error("--root reads a recorded node for the re-run: give it or -t, not both");
	if (!rr.o.manifest)
		return tk_explain_run(path, TK_EXPLAIN_KUBELET, out, NULL);
	if (strcmp(rr.o.manifest, "-") == 0)
		tk_usage_error("--pods must name a file (it is read for each pod)");
	if (rr.o.topology)
		rr.sources = json_pack("{s:s,s:s,s:s}", "topology", rr.o.topology, "kubeletConfig",
				       rr.o.kubelet_config ? rr.o.kubelet_config : "the kubelet's defaults (no --kubelet-config)",
				       "kubeletDir", rr.o.kubelet_dir ? rr.o.kubelet_dir : "none (no checkpoints read)");
	else
		read_this_node(&rr, root, &ns);
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
	json_decref(rr.sources);
	node_sources_release(&ns);
	return rc;
}
