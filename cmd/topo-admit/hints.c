/* hints.c - read hint-merge mode inputs: HINTS.json and DIST.json.
 *
 * HINTS.json is a list with one entry per hint provider, each the provider's
 * map[string][]TopologyHint written as JSON (see merge.h for what null, {}
 * and [] mean at each level). Every value keeps its position, so a bad NUMA
 * id or a misspelt key is reported as file:line:col.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "topo.h"
#include "ta.h"
#include "xalloc.h"

static bool numa_known(const struct ta_numa_info *ni, long long id)
{
	size_t i;

	for (i = 0; i < ni->n; i++)
		if (ni->nodes[i] == id)
			return true;
	return false;
}

static int parse_affinity(struct ta_hint *h, const char *file, const struct tk_node *aff,
			  const struct ta_numa_info *ni, struct tk_diag *d)
{
	size_t i;

	h->has_mask = false;
	h->mask = 0;
	if (!aff || aff->kind == TK_NULL)
		return 0;
	if (aff->kind != TK_SEQ)
		return tk_node_error(file, aff, d, "'numaAffinity' must be a list of NUMA node ids or null, not %s",
				     tk_kind_name(aff->kind));
	h->has_mask = true;
	for (i = 0; i < aff->n; i++) {
		const struct tk_node *v = aff->items[i];

		if (v->kind != TK_INT)
			return tk_node_error(file, v, d, "NUMA node id must be an integer, not %s '%s'",
					     tk_kind_name(v->kind), v->text ? v->text : "...");
		if (!numa_known(ni, v->v.i))
			return tk_node_error(file, v, d, "NUMA node %lld is not one of the machine's NUMA nodes",
					     v->v.i);
		h->mask |= (ta_mask)1 << v->v.i;
	}
	return 0;
}

static int parse_hint(struct ta_hint *h, const char *file, const struct tk_node *n,
		      const struct ta_numa_info *ni, struct tk_diag *d)
{
	size_t i;
	bool pref = false;

	if (tk_expect(file, n, TK_MAP, "hint", d))
		return -1;
	for (i = 0; i < n->n; i++) {
		const char *k = tk_str(n->keys[i]);

		if (!k || (strcmp(k, "numaAffinity") && strcmp(k, "preferred")))
			return tk_node_error(file, n->keys[i], d,
					     "unknown hint field '%s' (want numaAffinity, preferred)",
					     n->keys[i]->text ? n->keys[i]->text : "");
	}
	if (parse_affinity(h, file, tk_get(n, "numaAffinity"), ni, d))
		return -1;
	if (tk_get_bool(file, n, "preferred", false, &pref, d) < 0)
		return -1;
	h->preferred = pref;
	return 0;
}

static int parse_provider(struct ta_provider *p, const char *file, const struct tk_node *n,
			  const struct ta_numa_info *ni, struct tk_diag *d)
{
	size_t i, j;

	p->n = 0;
	p->res = NULL;
	if (n->kind == TK_NULL)
		return 0;
	if (tk_expect(file, n, TK_MAP, "hint provider", d))
		return -1;
	p->res = xcalloc(n->n + 1, sizeof(*p->res));
	for (i = 0; i < n->n; i++) {
		const struct tk_node *hl = n->items[i];
		struct ta_resource *r = &p->res[p->n++];

		r->name = xstrdup(n->keys[i]->text ? n->keys[i]->text : "");
		if (hl->kind == TK_NULL) {
			r->hints.is_nil = true;
			continue;
		}
		if (tk_expect(file, hl, TK_SEQ, "hint list", d))
			return -1;
		r->hints.v = xcalloc(hl->n + 1, sizeof(struct ta_hint));
		for (j = 0; j < hl->n; j++) {
			if (parse_hint(&r->hints.v[j], file, hl->items[j], ni, d))
				return -1;
			r->hints.n++;
		}
	}
	return 0;
}

int ta_hints_load(struct ta_hints_doc *h, const char *path, const struct ta_numa_info *ni,
		  struct tk_diag *d)
{
	struct tk_doc *doc;
	const struct tk_node *root;
	int ret = -1;
	size_t i;

	h->n = 0;
	h->providers = NULL;
	doc = tk_doc_load(path, NULL, d);
	if (!doc)
		return -1;
	if (doc->ndocs != 1) {
		tk_diag_set(d, doc->file, 0, 0, "want exactly one document, found %zu", doc->ndocs);
		goto out;
	}
	root = doc->docs[0];
	if (root->kind == TK_NULL) {
		ret = 0;
		goto out;
	}
	if (tk_expect(doc->file, root, TK_SEQ, "list of hint providers", d))
		goto out;
	h->providers = xcalloc(root->n + 1, sizeof(*h->providers));
	for (i = 0; i < root->n; i++) {
		if (parse_provider(&h->providers[i], doc->file, root->items[i], ni, d)) {
			h->n = i + 1;
			goto out;
		}
		h->n = i + 1;
	}
	ret = 0;
out:
	tk_doc_free(doc);
	return ret;
}

void ta_hints_release(struct ta_hints_doc *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		ta_provider_release(&h->providers[i]);
	free(h->providers);
	h->providers = NULL;
	h->n = 0;
}

int ta_distances_load(struct ta_numa_info *ni, const char *path, struct tk_diag *d)
{
	struct tk_doc *doc;
	const struct tk_node *root;
	int ret = -1, maxid = -1;
	size_t i, j;

	doc = tk_doc_load(path, NULL, d);
	if (!doc)
		return -1;
	for (i = 0; i < ni->n; i++)
		if (ni->nodes[i] > maxid)
			maxid = ni->nodes[i];
	root = doc->ndocs ? doc->docs[0] : NULL;
	if (!root || tk_expect(doc->file, root, TK_MAP, "distance map", d))
		goto out;
	for (i = 0; i < root->n; i++) {
		const struct tk_node *k = root->keys[i], *row = root->items[i];
		long long id;
		char *end;

		id = strtoll(k->text ? k->text : "", &end, 10);
		if (!k->text || !*k->text || *end || id < 0 || id >= TA_MAX_NUMA || !numa_known(ni, id)) {
			tk_node_error(doc->file, k, d, "'%s' is not one of the machine's NUMA nodes",
				      k->text ? k->text : "");
			goto out;
		}
		if (tk_expect(doc->file, row, TK_SEQ, "distance row", d))
			goto out;
		/* rows are indexed by node id (NUMADistances in numa_info.go) */
		if ((long long)row->n <= maxid) {
			tk_node_error(doc->file, row, d, "distance row of NUMA node %lld has %zu entries, want %d",
				      id, (size_t)row->n, maxid + 1);
			goto out;
		}
		for (j = 0; j < row->n && j < TA_MAX_NUMA; j++) {
			const struct tk_node *v = row->items[j];

			if (v->kind != TK_INT || v->v.i < 0 || v->v.i > 1000000) {
				tk_node_error(doc->file, v, d, "distance must be a non-negative integer, not '%s'",
					      v->text ? v->text : "...");
				goto out;
			}
			ni->dist[id][j] = (unsigned)v->v.i;
		}
		ni->has_dist[id] = true;
	}
	ret = 0;
out:
	tk_doc_free(doc);
	return ret;
}

void ta_numa_info_from_topo(struct ta_numa_info *ni, const struct topo *t)
{
	size_t i, j;

	memset(ni, 0, sizeof(*ni));
	for (i = 0; i < t->nnuma && ni->n < TA_MAX_NUMA; i++) {
		if (t->numa[i].id < 0 || t->numa[i].id >= TA_MAX_NUMA)
			continue;
		ni->nodes[ni->n++] = t->numa[i].id;
	}
	for (i = 0; i < t->nnuma; i++) {
		int a = t->numa[i].id;

		if (a < 0 || a >= TA_MAX_NUMA || t->numa[i].ndistances != t->nnuma)
			continue;
		for (j = 0; j < t->numa[i].ndistances; j++) {
			int b = t->numa[j].id;

			if (b >= 0 && b < TA_MAX_NUMA)
				ni->dist[a][b] = (unsigned)t->numa[i].distances[j];
		}
		ni->has_dist[a] = true;
	}
}

int ta_topo_check(const struct topo *t, const char *file, bool enumerate, struct tk_diag *d)
{
	size_t i;

	/* every NUMA id a hint can name: the nodes, the CPUs', the devices' */
	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].id < 0 || t->numa[i].id >= TA_MAX_NUMA)
			goto bad_id;
	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].numa >= TA_MAX_NUMA)
			return tk_diag_set(d, file, 0, 0, TA_BAD_ID, t->cpus[i].numa, TA_MAX_NUMA - 1);
	for (i = 0; i < t->ndevices; i++)
		if (t->devices[i].numa >= TA_MAX_NUMA)
			return tk_diag_set(d, file, 0, 0, TA_BAD_ID, t->devices[i].numa, TA_MAX_NUMA - 1);
	if (enumerate && t->nnuma > TA_ENUM_MAX_NUMA)
		return tk_diag_set(d, file, 0, 0,
				   "%zu NUMA nodes: the hint providers offer every NUMA combination (2^%zu per "
				   "resource); topo-admit enumerates them on at most %d NUMA nodes",
				   t->nnuma, t->nnuma, TA_ENUM_MAX_NUMA);
	return 0;
bad_id:
	return tk_diag_set(d, file, 0, 0, TA_BAD_ID, t->numa[i].id, TA_MAX_NUMA - 1);
}