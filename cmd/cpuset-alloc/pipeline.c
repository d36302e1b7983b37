/* pipeline.c - read topo-admit's output: for every pod result, each
 * container's exclusive CPU count, the NUMA affinity of its merged topology
 * hint, and whether it is an init container whose CPUs the pod's next
 * containers may reuse.
 *
 * topo-admit prints one JSON object per line, one line per pod; a YAML
 * parser reads only the first of them, so JSON input is cut into its
 * top-level values first, and every position in a diagnostic is moved back
 * to where the value starts in the stream.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "diag.h"
#include "doc.h"
#include "statefile.h"
#include "xalloc.h"

static void admit_release(struct admit_req *req)
{
	size_t i;

	for (i = 0; i < req->n; i++)
		ca_item_release(&req->items[i]);
	free(req->items);
	free(req->pod);
	free(req->tm_policy);
	free(req->why);
	memset(req, 0, sizeof(*req));
}

void ca_admit_free(struct admit_req *reqs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		admit_release(&reqs[i]);
	free(reqs);
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

		if (x->kind != TK_INT || x->v.i < 0 || x->v.i > CPUSET_MAX_ID)
			return tk_node_error(file, x, d, "NUMA node id must be a non-negative integer, not '%s'",
					     x->text ? x->text : tk_kind_name(x->kind));
		if (!ktopo_has_numa(k, (int)x->v.i))
			return tk_node_error(file, x, d, "NUMA node %lld is not in the topology", x->v.i);
		cpuset_set(&it->numa, (unsigned)x->v.i);
	}
	return 0;
}

/* One container of a pod result. An init container is reusable unless it
 * is a sidecar (restartPolicy Always), as updateCPUsToReuse decides. */
static int read_container(struct alloc_item *it, const char *file, const struct tk_node *c,
			  const struct ktopo *k, struct tk_diag *d)
{
	const char *name = NULL, *rp = NULL;
	long long n = 0;
	bool init = false, restartable = false;

	if (tk_expect(file, c, TK_MAP, "a container", d) ||
	    tk_get_str(file, c, "name", true, &name, d) < 0 ||
	    tk_get_int(file, c, "exclusiveCpus", true, 0, 1 << 20, &n, d) < 0 ||
	    tk_get_bool(file, c, "init", false, &init, d) < 0 ||
	    tk_get_bool(file, c, "restartable", false, &restartable, d) < 0 ||
	    tk_get_str(file, c, "restartPolicy", false, &rp, d) < 0 ||
	    read_affinity(it, file, tk_get(c, "hint"), k, d) < 0)
		return -1;
	it->name = xstrdup(name);
	it->count = (int)n;
	it->reusable = init && !restartable && !(rp && !strcmp(rp, "Always"));
	return 0;
}

static int read_pod(struct admit_req *req, const char *file, const struct tk_node *root,
		    const struct ktopo *k, struct tk_diag *d)
{
	const struct tk_node *cs, *adm;
	const char *pod;
	size_t i;

	if (tk_expect(file, root, TK_MAP, "a topo-admit result", d))
		return -1;
	cs = tk_get(root, "containers");
	if (!cs)
		return tk_node_error(file, root, d, "not a topo-admit pod result: no 'containers' list");
	if (tk_expect(file, cs, TK_SEQ, "'containers'", d))
		return -1;
	adm = tk_get(root, "admit");
	if (adm && adm->kind != TK_BOOL)
		return tk_node_error(file, adm, d, "'admit' must be true or false");
	if ((pod = tk_str(tk_get(root, "pod"))))
		req->pod = xstrdup(pod);
	if ((pod = tk_str(tk_get(root, "policy"))))
		req->tm_policy = xstrdup(pod);
	if ((pod = tk_str(tk_get(root, "cpuManagerPolicy"))) && strcmp(pod, "none") == 0) {
		/* the none policy pins nothing: an empty cpuset would read as an answer */
		req->why = xstrdup("the CPU Manager policy is none (topo-admit ran without "
				   "--cpu-manager-policy static): the kubelet gives no container "
				   "exclusive CPUs, every container runs on the shared pool");
		return 0;
	}
	if (adm && !adm->v.b) {
		const char *reason = tk_str(tk_get(root, "reason"));
		const char *msg = tk_str(tk_get(root, "message"));

		req->why = xasprintf("pod was not admitted%s%s%s%s", reason ? ": " : "",
				     reason ? reason : "", msg ? ": " : "", msg ? msg : "");
		return 0;
	}
	req->items = xcalloc(cs->n ? cs->n : 1, sizeof(*req->items));
	for (i = 0; i < cs->n; i++) {
		req->n++;
		if (read_container(&req->items[i], file, cs->items[i], k, d) < 0)
			return -1;
	}
	return 0;
}

struct loader {
	const struct ktopo *k;
	struct admit_req *reqs;
	size_t n, cap;
};

/* Every item of doc is a pod result. */
static int read_doc(struct loader *l, const struct tk_doc *doc, struct tk_diag *d)
{
	size_t i;

	for (i = 0; i < doc->nitems; i++) {
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 4;
			l->reqs = xreallocarray(l->reqs, l->cap, sizeof(*l->reqs));
		}
		memset(&l->reqs[l->n], 0, sizeof(l->reqs[0]));
		l->n++;
		if (read_pod(&l->reqs[l->n - 1], doc->file, doc->items[i], l->k, d) < 0)
			return -1;
	}
	return 0;
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* End of the JSON object or array starting at p (one past its closing
 * bracket), or end when it is not closed (the parser then says why). */
static const char *json_value_end(const char *p, const char *end)
{
	int depth = 0;
	bool str = false;

	for (; p < end; p++) {
		if (str) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				str = false;
		} else if (*p == '"') {
			str = true;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth == 0) {
			return p + 1;
		}
	}
	return end;
}

/* Move a diagnostic of a value parsed on its own back to its place in the
 * stream: it started at line:col there. */
static void shift_diag(struct tk_diag *d, unsigned line, unsigned col)
{
	if (d->line == 0)
		return;
	if (d->line == 1)
		d->col += col - 1;
	d->line += line - 1;
}

int ca_admit_load(const char *path, const struct ktopo *k, struct admit_req **reqs, size_t *nreqs,
		  struct tk_diag *d)
{
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	struct loader l = { k, NULL, 0, 0 };
	struct tk_doc *doc = NULL;
	const char *p, *q, *end;
	char *buf = NULL;
	size_t len = 0;
	unsigned line = 1, col = 1;
	int ret = -1, rc;

	*reqs = NULL;
	*nreqs = 0;
	rc = tk_read_file(strcmp(path, "-") ? path : "/dev/stdin", &buf, &len, d);
	if (rc == 1)
		tk_diag_set(d, path, 0, 0, "cannot open: no such file");
	if (rc)
		goto out;
	end = buf + len;
	p = skip_space(buf, end);
	if (p == end || (*p != '{' && *p != '[')) {
		/* YAML, or JSON documents separated by "---" */
		if (!(doc = tk_doc_load_mem(name, buf, len, NULL, d)) || read_doc(&l, doc, d) < 0)
			goto out;
		p = end;
	}
	for (q = buf; p < end; p = skip_space(p, end)) {
		const char *stop;

		for (; q < p; q++, col++)   /* line:col of p */
			if (*q == '\n')
				line++, col = 0;
		if (*p != '{' && *p != '[') {
			tk_diag_set(d, name, line, col, "expected a topo-admit result (a JSON object)");
			goto out;
		}
		stop = json_value_end(p, end);
		doc = tk_doc_load_mem(name, p, (size_t)(stop - p), NULL, d);
		if (!doc || read_doc(&l, doc, d) < 0) {
			shift_diag(d, line, col);
			goto out;
		}
		tk_doc_free(doc);
		doc = NULL;
		p = stop;
	}
	if (l.n == 0) {
		tk_diag_set(d, name, 0, 0, "no topo-admit result");
		goto out;
	}
	*reqs = l.reqs;
	*nreqs = l.n;
	l.reqs = NULL;
	l.n = 0;
	ret = 0;
out:
	ca_admit_free(l.reqs, l.n);
	tk_doc_free(doc);
	free(buf);
	return ret;
}
