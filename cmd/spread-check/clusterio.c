/* clusterio.c - input loading for place, simulate and audit (see clusterio.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "clusterio.h"
#include "diag.h"
#include "doc.h"
#include "exitcodes.h"
#include "spread.h"
#include "xalloc.h"

void sc_inputs_init(struct sc_inputs *in)
{
	memset(in, 0, sizeof(*in));
	in->out = TK_OUT_JSON;
	in->outputs = TK_OUT_JSON | TK_OUT_TEXT;
}

void sc_inputs_opt(struct sc_inputs *in, int ch, const char *arg, void (*usage)(void), char **argv)
{
	switch (ch) {
	case 'h':
		usage();
		exit(TK_EXIT_OK);
	case 'o':
		in->out = tk_parse_output(arg, in->outputs);
		break;
	case 'V':
		sc_version();
	case SC_OPT_NODES:
	case SC_OPT_PODS:
	case SC_OPT_CLUSTER:
		if (in->cluster || (ch == SC_OPT_CLUSTER && (in->nodes || in->pods)))
			tk_usage_error("--cluster replaces --nodes and --pods");
		if (ch != SC_OPT_PODS)
			in->nodes = arg;
		if (ch != SC_OPT_NODES)
			in->pods = arg;
		if (ch == SC_OPT_CLUSTER)
			in->cluster = arg;
		break;
	case SC_OPT_BEFORE_1_38:
		in->before_1_38 = true;
		break;
	case SC_OPT_DEFAULTS:
		in->defaults = arg;
		break;
	case SC_OPT_OBJECTS:
		in->objects = arg;
		break;
	default:
		tk_getopt_error(ch, argv);
	}
}

void sc_help_inputs(FILE *out, const char *pods_help)
{
	fputs("     --cluster FILE          nodes and pods in one dump\n"
	      "                             (kubectl get nodes,pods -A -o json), '-' for stdin\n"
	      "     --nodes FILE            nodes (kubectl get nodes -o json), '-' for stdin\n", out);
	fprintf(out, "     --pods FILE             %s\n", pods_help);
	fputs("     --scheduler-before-1.38 count as kube-scheduler before 1.38: a constraint\n"
	      "                             with labelSelector: {} counts no pod\n", out);
}

void sc_help_defaults(FILE *out)
{
	fputs("     --default-constraints system|FILE\n"
	      "                             cluster default constraints (default: system)\n"
	      "     --objects FILE          Services, ReplicaSets, StatefulSets and\n"
	      "                             ReplicationControllers for default selectors\n", out);
}

void sc_help_tail(FILE *out, const char *ok, const char *bad)
{
	sc_help_tail_outputs(out, TK_OUT_JSON | TK_OUT_TEXT, ok, bad);
}

void sc_help_tail_outputs(FILE *out, unsigned outputs, const char *ok, const char *bad)
{
	tk_help_output(out, outputs);
	tk_help_common(out);
	tk_help_exit_status(out, ok, bad);
}

static void sc_must_load_podspec(struct sc_cluster *c, const char *path, struct sc_podspec *p);
static void sc_must_load_nodes(struct sc_cluster *c, const char *path);
static void sc_must_load_pods(struct sc_cluster *c, const char *path);

void sc_must_load_inputs(struct sc_cluster *c, const struct sc_inputs *in, const char *podfile,
			 struct sc_podspec *pod, struct pts_defaults *defs, struct pts_objects *objs)
{
	memset(objs, 0, sizeof(*objs));
	sc_must_load_nodes_pods(c, in, objs);
	sc_must_load_podspec(c, podfile, pod);
	sc_must_load_defaults(c, in->defaults, defs);
	sc_must_load_objects(c, in->objects, objs);
}

/* --nodes and --pods name one file: the same path (stdin cannot be read
 * twice), or the same inode under two names. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return true;
	if (strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return false;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int object_item(const struct tk_node *item, const char *file, void *arg);

void sc_must_load_nodes_pods(struct sc_cluster *c, const struct sc_inputs *in, struct pts_objects *objs)
{
	struct tk_diag d;
	void *arg[3] = { c, objs, &d };

	c->empty_selector_counts_nothing = in->before_1_38;

	if (!in->pods || !same_file(in->nodes, in->pods)) {
		sc_must_load_nodes(c, in->nodes);
		if (in->pods)
			sc_must_load_pods(c, in->pods);
		return;
	}
	memset(&d, 0, sizeof(d));
	if (sc_load_cluster(c, in->nodes, objs ? object_item : NULL, arg, &d) < 0)
		tk_fatal_diag(&d);
}

static void sc_must_load_nodes(struct sc_cluster *c, const char *path)
{
	struct tk_diag d;

	memset(&d, 0, sizeof(d));
	if (sc_load_nodes(c, path, &d) < 0)
		tk_fatal_diag(&d);
}

static void sc_must_load_pods(struct sc_cluster *c, const char *path)
{
	struct tk_diag d;

	memset(&d, 0, sizeof(d));
	if (sc_load_pods(c, path, &d) < 0)
		tk_fatal_diag(&d);
}

/* One pod or workload of doc into p, or exit 2. The incoming pod's
 * selectors must convert as the plugin converts them. */
static void podspec_item(struct sc_cluster *c, struct tk_doc *doc, const struct tk_node *item,
			 struct sc_podspec *p)
{
	struct tk_diag d;

	memset(&d, 0, sizeof(d));
	c->check_selectors = true;
	if (sc_podspec_from_node(c, p, doc->file, item, &d) < 0) {
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	c->check_selectors = false;
}

static void sc_must_load_podspec(struct sc_cluster *c, const char *path, struct sc_podspec *p)
{
	struct tk_diag d;
	struct tk_doc *doc;

	memset(&d, 0, sizeof(d));
	doc = tk_doc_load(path, NULL, &d);
	if (!doc)
		tk_fatal_diag(&d);
	if (doc->nitems == 0) {
		tk_doc_free(doc);
		tk_fatal("%s: no object found", strcmp(path, "-") == 0 ? "<stdin>" : path);
	}
	if (doc->nitems > 1) {
		/* never drop an object silently: one run places one pod/workload */
		const char *kind = tk_str(tk_get(doc->items[1], "kind"));
		const char *name = tk_str(tk_path(doc->items[1], "metadata.name"));

		tk_node_error(doc->file, doc->items[1], &d,
			      "a second object (%s %s): give one pod or workload per run",
			      kind ? kind : "without kind", name ? name : "without name");
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	podspec_item(c, doc, doc->items[0], p);
	tk_doc_free(doc);
}

size_t sc_must_load_podspecs(struct sc_cluster *c, const char *path, struct sc_podspec **out)
{
	struct tk_diag d;
	struct tk_doc *doc;
	size_t i, j, n = 0;

	memset(&d, 0, sizeof(d));
	doc = tk_doc_load(path, NULL, &d);
	if (!doc)
		tk_fatal_diag(&d);
	*out = NULL;
	for (i = 0; i < doc->nitems; i++) {
		const struct tk_node *item = doc->items[i], *items = NULL;
		const char *kind = tk_str(tk_get(item, "kind"));

		/* kubectl's List (and multi-document YAML): every object in order */
		if (kind && strcmp(kind, "List") == 0) {
			items = tk_get(item, "items");
			if (items && items->kind != TK_SEQ && items->kind != TK_NULL) {
				tk_node_error(doc->file, items, &d, "items must be a list");
				tk_doc_free(doc);
				tk_fatal_diag(&d);
			}
		}
		for (j = 0; items ? items->kind == TK_SEQ && j < items->n : j < 1; j++) {
			*out = xreallocarray(*out, n + 1, sizeof(**out));
			podspec_item(c, doc, items ? items->items[j] : item, &(*out)[n]);
			n++;
		}
	}
	tk_doc_free(doc);
	if (n == 0)
		tk_fatal("%s: no object found", strcmp(path, "-") == 0 ? "<stdin>" : path);
	return n;
}

void sc_defaults_release(struct pts_defaults *defs)
{
	uint32_t i;

	for (i = 0; i < defs->n; i++)
		sc_tsc_release(&defs->tsc[i]);
	free(defs->tsc);
	memset(defs, 0, sizeof(*defs));
}

void sc_must_load_defaults(struct sc_cluster *c, const char *arg, struct pts_defaults *defs)
{
	struct tk_diag d;
	struct tk_doc *doc;
	const struct tk_node *list = NULL;

	memset(defs, 0, sizeof(*defs));
	if (!arg || strcmp(arg, "system") == 0) {
		defs->system = true;
		return;
	}
	memset(&d, 0, sizeof(d));
	doc = tk_doc_load(arg, NULL, &d);
	if (!doc)
		tk_fatal_diag(&d);
	if (doc->nitems > 0) {
		list = doc->items[0];
		if (list->kind == TK_MAP) {
			const struct tk_node *dc = tk_get(list, "defaultConstraints");

			if (!dc)
				dc = tk_path(list, "args.defaultConstraints");
			if (!dc) {
				tk_node_error(doc->file, list, &d,
					      "default constraints must be a list (or a map with defaultConstraints)");
				tk_doc_free(doc);
				tk_fatal_diag(&d);
			}
			list = dc;
		}
	}
	if (list && list->kind != TK_SEQ && list->kind != TK_NULL) {
		tk_node_error(doc->file, list, &d, "default constraints must be a list");
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	if (sc_tsc_list_from_node(c, doc->file, list, &defs->tsc, &defs->n, &d) < 0) {
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	tk_doc_free(doc);
}

static int object_item(const struct tk_node *item, const char *file, void *arg)
{
	struct sc_cluster *c = ((void **)arg)[0];
	struct pts_objects *objs = ((void **)arg)[1];
	struct tk_diag *d = ((void **)arg)[2];
	const char *kind = tk_str(tk_get(item, "kind")), *ns, *name;
	const struct tk_node *sel;
	struct pts_object o;

	if (!kind)
		return 0;
	memset(&o, 0, sizeof(o));
	if (strcmp(kind, "Service") == 0)
		o.kind = PTS_SERVICE;
	else if (strcmp(kind, "ReplicationController") == 0)
		o.kind = PTS_RC;
	else if (strcmp(kind, "ReplicaSet") == 0)
		o.kind = PTS_RS;
	else if (strcmp(kind, "StatefulSet") == 0)
		o.kind = PTS_SS;
	else if (strncmp(kind, "PersistentVolume", 16) == 0 || strcmp(kind, "StorageClass") == 0 ||
		 strcmp(kind, "CSINode") == 0 || strcmp(kind, "VolumeAttachment") == 0)
		return sc_volume_item(c, file, item, d);
	else if (strcmp(kind, "Namespace") == 0)
		return sc_namespace_item(c, file, item, d);
	else
		return 0;
	ns = tk_str(tk_path(item, "metadata.namespace"));
	name = tk_str(tk_path(item, "metadata.name"));
	o.ns = sc_intern_str(&c->strs, ns ? ns : "default");
	o.name = sc_intern_str(&c->strs, name ? name : "");
	sel = tk_path(item, "spec.selector");
	if (sel && sel->kind != TK_NULL) {
		o.has_sel = true;
		if (o.kind == PTS_SERVICE || o.kind == PTS_RC) {
			if (sc_sel_from_map(c, file, sel, &o.sel, d) < 0)
				return -1;
		} else if (sc_sel_from_node(c, file, sel, &o.sel, d) < 0) {
			return -1;
		}
	}
	objs->o = xreallocarray(objs->o, objs->n + 1, sizeof(*objs->o));
	objs->o[objs->n++] = o;
	return 0;
}

void sc_must_load_objects(struct sc_cluster *c, const char *path, struct pts_objects *objs)
{
	struct tk_diag d;
	void *arg[3] = { c, objs, &d };

	if (!path)
		return;
	memset(&d, 0, sizeof(d));
	if (tk_doc_stream(path, NULL, object_item, arg, &d) != 0)
		tk_fatal_diag(&d);
}

void sc_workload_owner(struct sc_cluster *c, struct sc_podspec *p, struct pts_objects *objs)
{
	struct pts_object o;

	memset(&o, 0, sizeof(o));
	if (strcmp(p->kind, "Deployment") == 0 || strcmp(p->kind, "ReplicaSet") == 0) {
		o.kind = PTS_RS;
		p->owner.api_version = sc_intern_str(&c->strs, "apps/v1");
		p->owner.kind = sc_intern_str(&c->strs, "ReplicaSet");
	} else if (strcmp(p->kind, "StatefulSet") == 0) {
		o.kind = PTS_SS;
		p->owner.api_version = sc_intern_str(&c->strs, "apps/v1");
		p->owner.kind = sc_intern_str(&c->strs, "StatefulSet");
	} else if (strcmp(p->kind, "ReplicationController") == 0) {
		o.kind = PTS_RC;
		p->owner.api_version = sc_intern_str(&c->strs, "v1");
		p->owner.kind = sc_intern_str(&c->strs, "ReplicationController");
	} else {
		return;
	}
	p->has_owner = true;
	{
		/* one owner per workload ('/' is in no object's name) */
		char *owner = xasprintf("%s/simulated-owner", p->name);

		p->owner.name = sc_intern_str(&c->strs, owner);
		free(owner);
	}
	o.ns = p->ns;
	o.name = p->owner.name;
	o.has_sel = p->has_workload_selector;
	if (o.has_sel) {
		sc_sel_copy(&o.sel, &p->workload_selector);
		if (strcmp(p->kind, "Deployment") == 0) {
			const struct sc_lset *ls = &c->lsets[p->lset];
			const char *key = sc_intern_str(&c->strs, "pod-template-hash");
			const char *val = sc_lset_get(ls, key);
			struct sc_req r = { 0 };

			if (val) {
				r.key = key;
				r.op = SC_IN;
				r.nvals = 1;
				r.vals = &val;
				sc_sel_add(&o.sel, &r);
			}
		}
	}
	objs->o = xreallocarray(objs->o, objs->n + 1, sizeof(*objs->o));
	objs->o[objs->n++] = o;
}
