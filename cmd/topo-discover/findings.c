/* findings.c - numa-verify's JSON report (--findings), for the picture:
 * every container and process it found misaligned, with its CPUs.
 *
 * The report's shape is numa-verify(1)'s -o json: "containers" (pod,
 * podName, name, container, cpus, verdict, reasons) and "processes" (pid,
 * comm, cpus, verdict, reasons), both optional lists. Only the fields drawn
 * are read, with their types checked; others are left alone, so a newer
 * numa-verify's report still draws.
 */
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "doc.h"
#include "xalloc.h"

/* an optional string that may also be null */
static int opt_str(const char *file, const struct tk_node *map, const char *key, const char **out,
		   struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	if (!v || v->kind == TK_NULL)
		return 0;
	return tk_get_str(file, map, key, false, out, d) < 0 ? -1 : 0;
}

static int add_one(struct node_findings *nf, const char *file, const struct tk_node *e, bool container,
		   struct tk_diag *d)
{
	const char *verdict = NULL, *cpus = NULL, *who = NULL, *ns = NULL, *name = NULL;
	const struct tk_node *reasons;
	struct node_finding *f;
	long long pid = -1;
	size_t bad;

	if (tk_expect(file, e, TK_MAP, container ? "container" : "process", d) < 0 ||
	    tk_get_str(file, e, "verdict", true, &verdict, d) < 0 || opt_str(file, e, "cpus", &cpus, d) < 0)
		return -1;
	/* shared (the pool), unpinned and unknown are no finding against placement */
	if (strcmp(verdict, "misaligned"))
		return 0;
	if (container) {
		/* podName, namespace and name are null when the node does not say */
		if (opt_str(file, e, "pod", &who, d) < 0 || opt_str(file, e, "podName", &who, d) < 0 ||
		    opt_str(file, e, "namespace", &ns, d) < 0 || opt_str(file, e, "container", &name, d) < 0 ||
		    opt_str(file, e, "name", &name, d) < 0)
			return -1;
	} else if (opt_str(file, e, "comm", &who, d) < 0 ||
		   tk_get_int(file, e, "pid", false, 0, 1LL << 32, &pid, d) < 0) {
		return -1;
	}
	nf->f = xreallocarray(nf->f, nf->n + 1, sizeof(*nf->f));
	f = &nf->f[nf->n++];
	memset(f, 0, sizeof(*f));
	cpuset_init(&f->cpus);
	if (cpus && cpuset_parse_list(&f->cpus, cpus, DISCOVER_MAX_PUS, &bad) < 0)
		return tk_node_error(file, tk_get(e, "cpus"), d, "invalid cpus '%s'", cpus);
	if (container)
		f->who = xasprintf("container %s%s%s/%s", ns ? ns : "", ns ? "/" : "", who ? who : "?",
				   name ? name : "?");
	else
		f->who = xasprintf("process %s (pid %lld)", who ? who : "?", pid);
	f->verdict = xstrdup(verdict);
	reasons = tk_get(e, "reasons");
	if (reasons && reasons->kind == TK_SEQ && reasons->n && tk_str(reasons->items[0]))
		f->reason = xstrdup(tk_str(reasons->items[0]));
	return 0;
}

int discover_findings_load(struct node_findings *nf, const char *path, struct tk_diag *d)
{
	static const char *const lists[] = { "containers", "processes" };
	struct tk_doc *doc;
	const struct tk_node *root, *l;
	size_t i, k;
	int rc = -1;

	memset(nf, 0, sizeof(*nf));
	doc = tk_doc_load(path, NULL, d);
	if (!doc)
		return -1;
	if (doc->nitems != 1 || doc->items[0]->kind != TK_MAP) {
		tk_node_error(doc->file, doc->nitems ? doc->items[0] : NULL, d,
			      "a numa-verify report (numa-verify -o json) must be one object");
		goto out;
	}
	root = doc->items[0];
	if (!tk_get(root, lists[0]) && !tk_get(root, lists[1])) {
		tk_node_error(doc->file, root, d, "not a numa-verify report: no \"containers\" nor \"processes\"");
		goto out;
	}
	for (k = 0; k < 2; k++) {
		l = tk_get(root, lists[k]);
		if (!l || l->kind == TK_NULL)
			continue;
		if (tk_expect(doc->file, l, TK_SEQ, lists[k], d) < 0)
			goto out;
		for (i = 0; i < l->n; i++)
			if (add_one(nf, doc->file, l->items[i], k == 0, d) < 0)
				goto out;
	}
	rc = 0;
out:
	tk_doc_free(doc);
	if (rc < 0)
		discover_findings_release(nf);
	return rc;
}

void discover_findings_release(struct node_findings *nf)
{
	size_t i;

	for (i = 0; i < nf->n; i++) {
		cpuset_release(&nf->f[i].cpus);
		free(nf->f[i].who);
		free(nf->f[i].verdict);
		free(nf->f[i].reason);
	}
	free(nf->f);
	memset(nf, 0, sizeof(*nf));
}
