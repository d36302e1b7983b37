/* pipeline.c - read topo-admit's pod result: each container's exclusive
 * CPU count and the NUMA affinity of its merged topology hint. */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"
#include "doc.h"
#include "xalloc.h"

void admit_release(struct admit_req *req)
{
	size_t i;

	for (i = 0; i < req->n; i++)
		alloc_item_release(&req->items[i]);
	free(req->items);
	memset(req, 0, sizeof(*req));
}

static int read_affinity(struct alloc_item *it, const char *file, const struct tk_node *hint,
			 const struct ktopo *k, struct tk_diag *d)
{
	const struct tk_node *aff;
	size_t i;

	if (!hint || hint->kind == TK_NULL)
		return 0;
	if (hint->kind != TK_MAP)
		return tk_node_error(file, hint, d, "'hint' must be an object or null, not %s",
				     tk_kind_name(hint->kind));
	aff = tk_get(hint, "numaAffinity");
	if (!aff || aff->kind == TK_NULL)
		return 0;
	if (aff->kind != TK_SEQ)
		return tk_node_error(file, aff, d, "'numaAffinity' must be a list of NUMA node ids or null, not %s",
				     tk_kind_name(aff->kind));
	it->has_numa = true;
	for (i = 0; i < aff->n; i++) {
		const struct tk_node *x = aff->items[i];
		bool known = false;

		if (x->kind != TK_INT || x->v.i < 0 || x->v.i > CPUSET_MAX_ID)
			return tk_node_error(file, x, d, "NUMA node id must be a non-negative integer, not '%s'",
					     x->text ? x->text : tk_kind_name(x->kind));
		known = ktopo_has_numa(k, (int)x->v.i);
		if (!known)
			return tk_node_error(file, x, d, "NUMA node %lld is not in the topology", x->v.i);
		cpuset_set(&it->numa, (unsigned)x->v.i);
	}
	return 0;
}

int admit_load(const char *path, const struct ktopo *k, struct admit_req *req, char **why,
	       struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load(path, NULL, d);
	const struct tk_node *root, *cs, *adm;
	int ret = -1;
	size_t i;

	memset(req, 0, sizeof(*req));
	*why = NULL;
	if (!doc)
		return -1;
	if (doc->nitems != 1) {
		tk_diag_set(d, doc->file, 0, 0, "expected one topo-admit result, found %zu documents",
			    doc->nitems);
		goto out;
	}
	root = doc->items[0];
	if (tk_expect(doc->file, root, TK_MAP, "a topo-admit result", d))
		goto out;
	cs = tk_get(root, "containers");
	if (!cs) {
		tk_node_error(doc->file, root, d, "not a topo-admit pod result: no 'containers' list");
		goto out;
	}
	if (tk_expect(doc->file, cs, TK_SEQ, "'containers'", d))
		goto out;
	adm = tk_get(root, "admit");
	if (adm && adm->kind != TK_BOOL) {
		tk_node_error(doc->file, adm, d, "'admit' must be true or false");
		goto out;
	}
	if (adm && !adm->v.b) {
		const char *reason = tk_str(tk_get(root, "reason"));
		const char *msg = tk_str(tk_get(root, "message"));

		*why = xasprintf("pod was not admitted%s%s%s%s", reason ? ": " : "", reason ? reason : "",
				 msg ? ": " : "", msg ? msg : "");
		ret = 1;
		goto out;
	}
	req->items = xcalloc(cs->n ? cs->n : 1, sizeof(*req->items));
	for (i = 0; i < cs->n; i++) {
		const struct tk_node *c = cs->items[i];
		struct alloc_item *it = &req->items[i];
		const char *name = NULL;
		long long n = 0;

		req->n++;
		if (tk_expect(doc->file, c, TK_MAP, "a container", d) ||
		    tk_get_str(doc->file, c, "name", true, &name, d) < 0 ||
		    tk_get_int(doc->file, c, "exclusiveCpus", true, 0, 1 << 20, &n, d) < 0 ||
		    read_affinity(it, doc->file, tk_get(c, "hint"), k, d) < 0)
			goto out;
		it->name = xstrdup(name);
		it->count = (int)n;
	}
	ret = 0;
out:
	if (ret)
		admit_release(req);
	tk_doc_free(doc);
	return ret;
}
