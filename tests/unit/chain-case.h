/* chain-case.h - what test-filters.c and test-nodevolumes.c share: a case's
 * dump (the items of a List) and incoming pod, written to files and read
 * as spread-check reads them, and a node's verdict as "Plugin: reason,
 * reason". Include after cluster.c and filters.c. */
#ifndef TK_TEST_CHAIN_CASE_H
#define TK_TEST_CHAIN_CASE_H

#include <stdio.h>
#include <string.h>

static int chain_case_pod(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;
	struct sc_cluster *c = a[0];
	int r;

	c->check_selectors = true;   /* the incoming pod */
	r = sc_podspec_from_node(c, a[1], file, item, a[2]);
	c->check_selectors = false;
	return r;
}

static int chain_case_write(const char *path, const char *fmt, const char *text)
{
	FILE *f = fopen(path, "w");

	return !f || fprintf(f, fmt, text) < 0 || fclose(f) != 0 ? -1 : 0;
}

/* Loads dump and pod into c and pod (both initialised here); other gets
 * the dump's items that are not Nodes or Pods, with arg { c, pod, d }.
 * On failure reports a failed check for name and releases both. */
static int chain_case_load(const char *name, const char *dump, const char *podtext, const char *tmp_dump,
			   const char *tmp_pod, tk_item_fn other, struct sc_cluster *c, struct sc_podspec *pod,
			   struct tk_diag *d)
{
	void *arg[3] = { c, pod, d };

	sc_cluster_init(c);
	memset(d, 0, sizeof(*d));
	memset(pod, 0, sizeof(*pod));
	if (chain_case_write(tmp_dump, "kind: List\nitems:\n%s", dump) < 0 ||
	    chain_case_write(tmp_pod, "%s\n", podtext) < 0) {
		TAP_OK(0, "%s: write", name);
		sc_cluster_release(c);
		return -1;
	}
	if (sc_load_cluster(c, tmp_dump, other, arg, d) < 0 || tk_doc_stream(tmp_pod, NULL, chain_case_pod, arg, d) != 0) {
		TAP_OK(0, "%s: load: %s", name, d->msg);
		sc_podspec_release(pod);
		sc_cluster_release(c);
		return -1;
	}
	return 0;
}

static void chain_case_verdict(char *got, size_t size, const struct sc_filter_verdict *v)
{
	size_t j;

	snprintf(got + strlen(got), size - strlen(got), "%s", v->plugin);
	for (j = 0; j < v->nreasons; j++)
		snprintf(got + strlen(got), size - strlen(got), "%s%s", j ? ", " : ": ", v->reasons[j]);
}

#endif
