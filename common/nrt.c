/* nrt.c - NodeResourceTopology reader; see nrt.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "nrt.h"
#include "xalloc.h"

static const char nrt_kind[] = "NodeResourceTopology";

int tk_nrt_numa_id(const char *zone_name)
{
	const char *p;
	char *end;
	long v;

	/* numanode.NameToID: "node-" then strconv.Atoi (an optional sign,
	 * decimal digits), negative ids refused */
	if (!zone_name || strncmp(zone_name, "node-", 5))
		return -1;
	p = zone_name + 5;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	v = strtol(zone_name + 5, &end, 10);
	if (errno || *end || v < 0 || v > 1 << 30)
		return -1;
	return (int)v;
}

static bool tk_nrt_is(const struct tk_node *obj)
{
	const char *k = tk_str(tk_get(obj, "kind"));

	return k && !strcmp(k, nrt_kind);
}

static int get_qty(const char *file, const struct tk_node *map, const char *key, bool required,
		   struct tk_qty *q, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);
	const char *txt;

	memset(q, 0, sizeof(*q));
	if (!v || v->kind == TK_NULL) {
		if (required)
			return tk_node_error(file, map, d, "missing '%s'", key);
		return 0;
	}
	txt = tk_scalar_text(v);
	if (!txt || v->kind == TK_BOOL || tk_qty_parse(txt, q))
		return tk_node_error(file, v, d, "invalid quantity '%s' for %s", txt ? txt : "...", key);
	return 0;
}

static int get_seq(const char *file, const struct tk_node *map, const char *key,
		   const struct tk_node **out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	*out = NULL;
	if (!v || v->kind == TK_NULL)
		return 0;
	if (tk_expect(file, v, TK_SEQ, key, d))
		return -1;
	*out = v;
	return 0;
}

static int parse_attrs(const char *file, const struct tk_node *map, size_t *n,
		       struct tk_nrt_attr **out, struct tk_diag *d)
{
	const struct tk_node *seq;
	size_t i;

	if (get_seq(file, map, "attributes", &seq, d))
		return -1;
	if (!seq)
		return 0;
	*out = xcalloc(seq->n ? seq->n : 1, sizeof(**out));
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *a = seq->items[i];
		const char *name, *value;

		if (tk_expect(file, a, TK_MAP, "attribute", d) ||
		    tk_get_str(file, a, "name", true, &name, d))
			return -1;
		value = tk_scalar_text(tk_get(a, "value"));
		if (!value || tk_get(a, "value")->kind == TK_NULL)
			return tk_node_error(file, a, d, "attribute '%s' has no value", name);
		(*out)[i].name = xstrdup(name);
		(*out)[i].value = xstrdup(value);
		(*n)++;
	}
	return 0;
}

static int parse_zone(struct tk_nrt_zone *z, const char *file, const struct tk_node *zn,
		      struct tk_diag *d)
{
	const struct tk_node *seq;
	const char *name, *type;
	size_t i;

	if (tk_expect(file, zn, TK_MAP, "zone", d) ||
	    tk_get_str(file, zn, "name", true, &name, d) ||
	    tk_get_str(file, zn, "type", true, &type, d))
		return -1;
	z->name = xstrdup(name);
	z->type = xstrdup(type);
	z->numa_id = tk_nrt_numa_id(name);
	if (get_seq(file, zn, "resources", &seq, d))
		return -1;
	if (seq) {
		z->res = xcalloc(seq->n ? seq->n : 1, sizeof(*z->res));
		for (i = 0; i < seq->n; i++) {
			const struct tk_node *r = seq->items[i];
			struct tk_nrt_res *res = &z->res[i];
			const char *rn;

			if (tk_expect(file, r, TK_MAP, "resource", d) ||
			    tk_get_str(file, r, "name", true, &rn, d))
				return -1;
			if (get_qty(file, r, "capacity", false, &res->capacity, d) ||
			    get_qty(file, r, "allocatable", false, &res->allocatable, d) ||
			    get_qty(file, r, "available", true, &res->available, d))
				return -1;
			res->name = xstrdup(rn);
			z->nres++;
		}
	}
	if (get_seq(file, zn, "costs", &seq, d))
		return -1;
	if (seq) {
		z->costs = xcalloc(seq->n ? seq->n : 1, sizeof(*z->costs));
		for (i = 0; i < seq->n; i++) {
			const struct tk_node *c = seq->items[i];
			const char *cn;
			long long v;

			if (tk_expect(file, c, TK_MAP, "cost", d) ||
			    tk_get_str(file, c, "name", true, &cn, d) ||
			    tk_get_int(file, c, "value", true, -(1LL << 40), 1LL << 40, &v, d))
				return -1;
			z->costs[i].name = xstrdup(cn);
			z->costs[i].value = v;
			z->ncosts++;
		}
	}
	return parse_attrs(file, zn, &z->nattrs, &z->attrs, d);
}

int tk_nrt_parse(struct tk_nrt *out, const struct tk_node *obj, const char *file,
		 struct tk_diag *d)
{
	const struct tk_node *meta, *seq;
	const char *name;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (tk_expect(file, obj, TK_MAP, nrt_kind, d))
		return -1;
	meta = tk_get(obj, "metadata");
	if (!meta || meta->kind != TK_MAP)
		return tk_node_error(file, meta ? meta : obj, d, "%s has no metadata", nrt_kind);
	if (tk_get_str(file, meta, "name", true, &name, d))
		return -1;
	if (!*name)
		return tk_node_error(file, tk_get(meta, "name"), d, "%s has an empty name", nrt_kind);
	out->name = xstrdup(name);
	if (get_seq(file, obj, "topologyPolicies", &seq, d))
		goto fail;
	if (seq) {
		out->policies = xcalloc(seq->n ? seq->n : 1, sizeof(*out->policies));
		for (i = 0; i < seq->n; i++) {
			const char *p = tk_str(seq->items[i]);

			if (!p) {
				tk_node_error(file, seq->items[i], d, "topologyPolicies: expected a string, got a %s",
					      tk_kind_name(seq->items[i]->kind));
				goto fail;
			}
			out->policies[out->npolicies++] = xstrdup(p);
		}
	}
	if (parse_attrs(file, obj, &out->nattrs, &out->attrs, d) ||
	    get_seq(file, obj, "zones", &seq, d))
		goto fail;
	if (seq) {
		out->zones = xcalloc(seq->n ? seq->n : 1, sizeof(*out->zones));
		for (i = 0; i < seq->n; i++) {
			out->nzones++;
			if (parse_zone(&out->zones[i], file, seq->items[i], d))
				goto fail;
		}
	}
	return 0;
fail:
	tk_nrt_release(out);
	return -1;
}

static void attrs_free(size_t n, struct tk_nrt_attr *a)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].value);
	}
	free(a);
}

void tk_nrt_release(struct tk_nrt *n)
{
	size_t i, j;

	for (i = 0; i < n->nzones; i++) {
		struct tk_nrt_zone *z = &n->zones[i];

		free(z->name);
		free(z->type);
		for (j = 0; j < z->nres; j++)
			free(z->res[j].name);
		free(z->res);
		for (j = 0; j < z->ncosts; j++)
			free(z->costs[j].name);
		free(z->costs);
		attrs_free(z->nattrs, z->attrs);
	}
	free(n->zones);
	for (i = 0; i < n->npolicies; i++)
		free(n->policies[i]);
	free(n->policies);
	attrs_free(n->nattrs, n->attrs);
	free(n->name);
	memset(n, 0, sizeof(*n));
}

const struct tk_nrt_res *tk_nrt_zone_res(const struct tk_nrt_zone *z, const char *name)
{
	size_t i;

	for (i = 0; i < z->nres; i++)
		if (!strcmp(z->res[i].name, name))
			return &z->res[i];
	return NULL;
}

const char *tk_nrt_attr(const struct tk_nrt *n, const char *name)
{
	size_t i;
	const char *v = NULL;

	for (i = 0; i < n->nattrs; i++)
		if (!strcmp(n->attrs[i].name, name))
			v = n->attrs[i].value;
	return v;
}

struct stream_ctx {
	tk_nrt_fn fn;
	tk_nrt_other_fn other;
	void *arg;
	size_t count;
	struct tk_diag *d;
	bool failed;
};

static int on_item(const struct tk_node *item, const char *file, void *arg)
{
	struct stream_ctx *c = arg;
	struct tk_nrt n;
	int rc;

	if (item->kind == TK_NULL)
		return 0;   /* an empty document */
	if (!tk_nrt_is(item) && c->other) {
		rc = c->other(item, file, c->arg, c->d);
		c->failed = rc < 0;
		return rc;
	}
	if (!tk_nrt_is(item)) {
		const char *kind = tk_str(tk_get(item, "kind"));

		if (kind)
			tk_node_error(file, item, c->d, "expected a %s, got kind '%s'", nrt_kind, kind);
		else
			tk_node_error(file, item, c->d, "expected a %s, got %s", nrt_kind,
				      item->kind == TK_MAP ? "an object without a kind" : tk_kind_name(item->kind));
		c->failed = true;
		return -1;
	}
	if (tk_nrt_parse(&n, item, file, c->d)) {
		c->failed = true;
		return -1;
	}
	c->count++;
	rc = c->fn(&n, c->arg);
	tk_nrt_release(&n);
	return rc;
}

int tk_nrt_stream_other(const char *path, tk_nrt_fn fn, tk_nrt_other_fn other, void *arg, size_t *count,
			struct tk_diag *d)
{
	struct stream_ctx c = { fn, other, arg, 0, d, false };
	int rc = tk_doc_stream(path, NULL, on_item, &c, d);

	if (count)
		*count = c.count;
	if (c.failed)
		return -1;
	return rc;
}
