/* cluster.c - streamed cluster model: interning, label sets, selectors,
 * nodes, pods and pod specs (see cluster.h).
 *
 * Selector semantics follow k8s.io/apimachinery/pkg/labels (Requirement.
 * Matches) and k8s.io/component-helpers/scheduling/corev1/nodeaffinity
 * (NodeSelectorRequirementsAsSelector, LazyErrorNodeSelector); tolerations
 * follow v1helper ToleratesTaint; requests follow
 * k8s.io/component-helpers/resource PodRequests.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cluster.h"
#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "numparse.h"
#include "quantity.h"
#include "xalloc.h"

/* ---- interned strings ---- */

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t hash_ptr(uint64_t h, const void *p)
{
	uint64_t v = (uint64_t)(uintptr_t)p;

	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static char *arena_alloc(struct sc_strtab *t, size_t n)
{
	char *p;

	if (n > t->chunk_left) {
		size_t sz = n > 65536 ? n : 65536;

		t->chunk = xmalloc(sz);
		t->chunk_left = sz;
		t->blocks = xreallocarray(t->blocks, t->nblocks + 1, sizeof(*t->blocks));
		t->blocks[t->nblocks++] = t->chunk;
	}
	p = t->chunk;
	t->chunk += n;
	t->chunk_left -= n;
	return p;
}

static void strtab_grow(struct sc_strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024, i;
	const char **slots = xcalloc(cap, sizeof(*slots));

	for (i = 0; i < t->cap; i++) {
		const char *s = t->slots[i];
		size_t j;

		if (!s)
			continue;
		j = hash_bytes(s, strlen(s)) & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = s;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

static const char *sc_intern(struct sc_strtab *t, const char *s, size_t len)
{
	size_t j;
	char *copy;

	if (2 * (t->n + 1) > t->cap)
		strtab_grow(t);
	j = hash_bytes(s, len) & (t->cap - 1);
	while (t->slots[j]) {
		if (strncmp(t->slots[j], s, len) == 0 && t->slots[j][len] == '\0')
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	copy = arena_alloc(t, len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->slots[j] = copy;
	t->n++;
	return copy;
}

const char *sc_intern_str(struct sc_strtab *t, const char *s)
{
	return sc_intern(t, s, strlen(s));
}

const char *sc_lookup(const struct sc_strtab *t, const char *s)
{
	size_t j, len = strlen(s);

	if (!t->cap)
		return NULL;
	j = hash_bytes(s, len) & (t->cap - 1);
	while (t->slots[j]) {
		if (strcmp(t->slots[j], s) == 0)
			return t->slots[j];
		j = (j + 1) & (t->cap - 1);
	}
	return NULL;
}

/* ---- label sets ---- */

static int label_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct sc_label *)a)->key;
	uintptr_t y = (uintptr_t)((const struct sc_label *)b)->key;

	return x < y ? -1 : x > y;
}

static uint64_t lset_hash(const struct sc_label *l, uint32_t n)
{
	uint64_t h = 7;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = hash_ptr(hash_ptr(h, l[i].key), l[i].val);
	return h;
}

static bool lset_equal(const struct sc_lset *s, const struct sc_label *l, uint32_t n)
{
	return s->n == n && (n == 0 || memcmp(s->l, l, n * sizeof(*l)) == 0);
}

static void lset_slots_grow(struct sc_cluster *c)
{
	size_t cap = c->lset_slots_cap ? c->lset_slots_cap * 2 : 1024, i;
	uint32_t *slots = xcalloc(cap, sizeof(*slots));

	for (i = 0; i < c->nlsets; i++) {
		size_t j = lset_hash(c->lsets[i].l, c->lsets[i].n) & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = (uint32_t)i + 1;
	}
	free(c->lset_slots);
	c->lset_slots = slots;
	c->lset_slots_cap = cap;
}

static struct sc_label *label_alloc(struct sc_cluster *c, uint32_t n)
{
	struct sc_label *p;

	if (n > c->label_left) {
		size_t sz = n > 4096 ? n : 4096;

		c->label_chunk = xreallocarray(NULL, sz, sizeof(*c->label_chunk));
		c->label_left = sz;
		c->label_blocks = xreallocarray(c->label_blocks, c->nlabel_blocks + 1,
						sizeof(*c->label_blocks));
		c->label_blocks[c->nlabel_blocks++] = c->label_chunk;
	}
	p = c->label_chunk;
	c->label_chunk += n;
	c->label_left -= n;
	return p;
}

uint32_t sc_lset_intern(struct sc_cluster *c, struct sc_label *labels, uint32_t n)
{
	size_t j;
	struct sc_label *copy = NULL;

	if (n > 1)
		qsort(labels, n, sizeof(*labels), label_cmp);
	if (2 * (c->nlsets + 1) > c->lset_slots_cap)
		lset_slots_grow(c);
	j = lset_hash(labels, n) & (c->lset_slots_cap - 1);
	while (c->lset_slots[j]) {
		if (lset_equal(&c->lsets[c->lset_slots[j] - 1], labels, n))
			return c->lset_slots[j] - 1;
		j = (j + 1) & (c->lset_slots_cap - 1);
	}
	if (n) {
		copy = label_alloc(c, n);
		memcpy(copy, labels, n * sizeof(*labels));
	}
	if (c->nlsets == c->lsets_cap) {
		c->lsets_cap = c->lsets_cap ? c->lsets_cap * 2 : 256;
		c->lsets = xreallocarray(c->lsets, c->lsets_cap, sizeof(*c->lsets));
	}
	c->lsets[c->nlsets].n = n;
	c->lsets[c->nlsets].l = copy;
	c->lset_slots[j] = (uint32_t)c->nlsets + 1;
	return (uint32_t)c->nlsets++;
}

int sc_lset_from_node(struct sc_cluster *c, const char *file, const struct tk_node *map,
		      uint32_t *out, struct tk_diag *d)
{
	struct sc_label stackbuf[64], *buf = stackbuf;
	size_t i;

	if (!map || map->kind == TK_NULL) {
		*out = sc_lset_intern(c, NULL, 0);
		return 0;
	}
	if (map->kind != TK_MAP)
		return tk_node_error(file, map, d, "labels must be a map, not %s", tk_kind_name(map->kind));
	if (map->n > 64)
		buf = xreallocarray(NULL, map->n, sizeof(*buf));
	for (i = 0; i < map->n; i++) {
		const char *k = tk_scalar_text(map->keys[i]);
		const char *v = tk_scalar_text(map->items[i]);

		if (!k || (!v && map->items[i]->kind != TK_NULL)) {
			if (buf != stackbuf)
				free(buf);
			return tk_node_error(file, v ? map->keys[i] : map->items[i], d,
					     "label value must be a string");
		}
		buf[i].key = sc_intern_str(&c->strs, k);
		buf[i].val = sc_intern_str(&c->strs, v && map->items[i]->kind != TK_NULL ? v : "");
	}
	*out = sc_lset_intern(c, buf, (uint32_t)map->n);
	if (buf != stackbuf)
		free(buf);
	return 0;
}

const char *sc_lset_get(const struct sc_lset *ls, const char *key)
{
	uint32_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].key == key)
			return ls->l[i].val;
	return NULL;
}

/* ---- selectors ---- */

void sc_sel_release(struct sc_sel *s)
{
	uint32_t i;

	for (i = 0; i < s->n; i++)
		free(s->reqs[i].vals);
	free(s->reqs);
	s->reqs = NULL;
	s->n = 0;
}

void sc_sel_add(struct sc_sel *s, const struct sc_req *r)
{
	struct sc_req *dst;

	s->reqs = xreallocarray(s->reqs, s->n + 1, sizeof(*s->reqs));
	dst = &s->reqs[s->n++];
	*dst = *r;
	dst->vals = NULL;
	if (r->nvals) {
		dst->vals = xreallocarray(NULL, r->nvals, sizeof(*dst->vals));
		memcpy(dst->vals, r->vals, r->nvals * sizeof(*dst->vals));
	}
}

void sc_sel_copy(struct sc_sel *dst, const struct sc_sel *src)
{
	uint32_t i;

	dst->nothing = src->nothing;
	dst->n = 0;
	dst->reqs = NULL;
	for (i = 0; i < src->n; i++)
		sc_sel_add(dst, &src->reqs[i]);
}

static bool has_val(const struct sc_req *r, const char *v)
{
	uint32_t i;

	for (i = 0; i < r->nvals; i++)
		if (r->vals[i] == v)
			return true;
	return false;
}

/* strconv.ParseInt(v, 10, 64) */
static bool parse_i64(const char *v, long long *out)
{
	return v && tk_parse_ll(v, -9223372036854775807LL - 1, 9223372036854775807LL, out) == 0;
}

static bool req_matches(const struct sc_req *r, const struct sc_lset *ls, const char *name)
{
	const char *v;
	long long x;

	switch (r->op) {
	case SC_NAME_IN:
		return name && r->nvals && strcmp(r->vals[0], name) == 0;
	case SC_NAME_NOT_IN:
		return !name || !r->nvals || strcmp(r->vals[0], name) != 0;
	case SC_NEVER:
		return false;
	default:
		break;
	}
	v = sc_lset_get(ls, r->key);
	switch (r->op) {
	case SC_IN:
		return v && has_val(r, v);
	case SC_NOT_IN:
		return !v || !has_val(r, v);
	case SC_EXISTS:
		return v != NULL;
	case SC_DOES_NOT_EXIST:
		return v == NULL;
	case SC_GT:
		return v && parse_i64(v, &x) && x > r->num;
	case SC_LT:
		return v && parse_i64(v, &x) && x < r->num;
	default:
		return false;
	}
}

bool sc_sel_matches(const struct sc_sel *s, const struct sc_lset *ls, const char *name)
{
	uint32_t i;

	if (s->nothing)
		return false;
	for (i = 0; i < s->n; i++)
		if (!req_matches(&s->reqs[i], ls, name))
			return false;
	return true;
}

/* The items of an optional list field: 0 when it is absent or null, -1 with
 * d filled ("<what> must be a list") when it is something else. */
static int list_items(const char *file, const struct tk_node *seq, const char *what, size_t *n,
		      struct tk_diag *d)
{
	*n = 0;
	if (!seq || seq->kind == TK_NULL)
		return 0;
	if (seq->kind != TK_SEQ)
		return tk_node_error(file, seq, d, "%s must be a list", what);
	*n = seq->n;
	return 0;
}

/* Strings of a values list (interned into vals, which the caller frees). */
static int read_values(struct sc_cluster *c, const char *file, const struct tk_node *seq,
		       const char ***vals, uint32_t *n, struct tk_diag *d)
{
	size_t i;

	*vals = NULL;
	*n = 0;
	if (!seq || seq->kind == TK_NULL)
		return 0;
	if (seq->kind != TK_SEQ)
		return tk_node_error(file, seq, d, "values must be a list");
	*vals = xreallocarray(NULL, seq->n ? seq->n : 1, sizeof(**vals));
	for (i = 0; i < seq->n; i++) {
		const char *v = tk_scalar_text(seq->items[i]);

		if (!v) {
			free(*vals);
			*vals = NULL;
			return tk_node_error(file, seq->items[i], d, "value must be a string");
		}
		(*vals)[i] = sc_intern_str(&c->strs, v);
	}
	*n = (uint32_t)seq->n;
	return 0;
}

static int get_field(const char *file, const struct tk_node *map, const char *key,
		     enum tk_kind kind, const struct tk_node **out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	*out = NULL;
	if (!v || v->kind == TK_NULL)
		return 0;
	if (v->kind != kind)
		return tk_node_error(file, v, d, "%s must be a %s, not %s", key,
				     kind == TK_MAP ? "map" : kind == TK_SEQ ? "list" : tk_kind_name(kind),
				     tk_kind_name(v->kind));
	*out = v;
	return 0;
}

static int get_string(struct sc_cluster *c, const char *file, const struct tk_node *map,
		      const char *key, const char **out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);
	const char *s;

	*out = NULL;
	if (!v || v->kind == TK_NULL)
		return 0;
	s = tk_scalar_text(v);
	if (!s || v->kind == TK_SEQ || v->kind == TK_MAP)
		return tk_node_error(file, v, d, "%s must be a string", key);
	*out = sc_intern_str(&c->strs, s);
	return 0;
}

/* The parsing of selectors is common/labels.c's (tk_labels_from_node,
 * tk_selector_from_node, tk_node_term_from_node); what follows interns its
 * result so that evaluation compares pointers. */

static enum sc_op op_of(enum tk_sel_op op)
{
	switch (op) {
	case TK_OP_IN:
		return SC_IN;
	case TK_OP_NOT_IN:
		return SC_NOT_IN;
	case TK_OP_EXISTS:
		return SC_EXISTS;
	case TK_OP_DOES_NOT_EXIST:
		return SC_DOES_NOT_EXIST;
	case TK_OP_GT:
		return SC_GT;
	case TK_OP_LT:
		return SC_LT;
	}
	return SC_NEVER;
}

/* Append one parsed requirement to out (values interned). */
static void req_intern(struct sc_cluster *c, const struct tk_requirement *tr, enum sc_op op,
		       struct sc_sel *out)
{
	const char *stackvals[8], **vals = stackvals;
	struct sc_req r = { 0 };
	size_t i;

	if (tr->nvalues > 8)
		vals = xreallocarray(NULL, tr->nvalues, sizeof(*vals));
	for (i = 0; i < tr->nvalues; i++)
		vals[i] = sc_intern_str(&c->strs, tr->values[i]);
	r.key = sc_intern_str(&c->strs, tr->key);
	r.op = op;
	r.nvals = (uint32_t)tr->nvalues;
	r.vals = vals;
	if ((op == SC_GT || op == SC_LT) && !(r.nvals == 1 && parse_i64(vals[0], &r.num)))
		r.op = SC_NEVER;
	sc_sel_add(out, &r);
	if (vals != stackvals)
		free(vals);
}

int sc_sel_from_map(struct sc_cluster *c, const char *file, const struct tk_node *map,
		    struct sc_sel *out, struct tk_diag *d)
{
	struct tk_labels l = { 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	if (tk_labels_from_node(&l, file, map, d) < 0) {
		tk_labels_release(&l);
		return -1;
	}
	for (i = 0; i < l.n; i++) {
		struct tk_requirement tr = { l.keys[i], TK_OP_IN, 1, &l.vals[i] };

		req_intern(c, &tr, SC_IN, out);
	}
	tk_labels_release(&l);
	return 0;
}

int sc_sel_from_node(struct sc_cluster *c, const char *file, const struct tk_node *sel,
		     struct sc_sel *out, struct tk_diag *d)
{
	struct tk_selector ts;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (tk_selector_from_node(&ts, file, sel, d) < 0)
		return -1;
	out->nothing = ts.nothing;
	for (i = 0; i < ts.n; i++)
		req_intern(c, &ts.reqs[i], op_of(ts.reqs[i].op), out);
	tk_selector_release(&ts);
	return 0;
}

/* labels.NewRequirement's syntax checks, which nodeaffinity applies to a
 * term's matchExpressions: a bad key or value is a parse error. */
static bool req_syntax_ok(const struct tk_requirement *r)
{
	struct tk_strv errs = { 0 };
	size_t i, n = tk_validate_qualified_name(r->key, &errs);

	for (i = 0; i < r->nvalues; i++)
		n += tk_validate_label_value(r->values[i], &errs);
	tk_strv_free(&errs);
	return n == 0;
}

/* One v1.NodeSelectorTerm as nodeaffinity.NewLazyErrorNodeSelector reads it:
 * a term that does not parse matches no node (its error is ignored, as the
 * scheduler ignores it), and so does an empty term. Only a term of the wrong
 * shape, which would not decode into a Pod, is an input error. */
static int term_from_node(struct sc_cluster *c, const char *file, const struct tk_node *term,
			  struct sc_sel *out, struct tk_diag *d)
{
	const struct tk_node *me, *mf;
	struct tk_diag ignored;
	struct tk_selector ts;
	size_t i, nexpr;

	memset(out, 0, sizeof(*out));
	out->nothing = true;
	if (!term || term->kind == TK_NULL)
		return 0;
	if (term->kind != TK_MAP)
		return tk_node_error(file, term, d, "nodeSelectorTerms item must be a map");
	if (get_field(file, term, "matchExpressions", TK_SEQ, &me, d) < 0 ||
	    get_field(file, term, "matchFields", TK_SEQ, &mf, d) < 0)
		return -1;
	memset(&ignored, 0, sizeof(ignored));
	if (tk_node_term_from_node(&ts, file, term, &ignored) < 0 || ts.nothing) {
		tk_selector_release(&ts);
		return 0;
	}
	/* tk_node_term_from_node lists matchExpressions first, then matchFields
	 * (key metadata.name, In or NotIn, one value) */
	nexpr = me ? me->n : 0;
	for (i = 0; i < nexpr; i++)
		if (!req_syntax_ok(&ts.reqs[i]))
			break;
	if (i == nexpr) {
		out->nothing = false;
		for (i = 0; i < ts.n; i++)
			req_intern(c, &ts.reqs[i],
				   i < nexpr ? op_of(ts.reqs[i].op)
					     : ts.reqs[i].op == TK_OP_IN ? SC_NAME_IN : SC_NAME_NOT_IN,
				   out);
	}
	tk_selector_release(&ts);
	return 0;
}

/* ---- taints, tolerations ---- */

static enum sc_effect effect_of(const char *s)
{
	if (!s || !*s)
		return SC_EFFECT_ALL;
	if (strcmp(s, "NoSchedule") == 0)
		return SC_NO_SCHEDULE;
	if (strcmp(s, "PreferNoSchedule") == 0)
		return SC_PREFER_NO_SCHEDULE;
	if (strcmp(s, "NoExecute") == 0)
		return SC_NO_EXECUTE;
	return SC_EFFECT_OTHER;
}

/* v1.Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go) */
static bool tolerates(const struct sc_toleration *t, const struct sc_taint *taint)
{
	if (t->effect != SC_EFFECT_ALL && t->effect != taint->effect)
		return false;
	if (*t->key && t->key != taint->key)
		return false;
	if (t->bad_op)
		return false;
	if (t->exists)
		return true;
	return t->val == taint->val;
}

bool sc_tolerated(const struct sc_podspec *p, const struct sc_taint *t)
{
	uint32_t i;

	for (i = 0; i < p->ntol; i++)
		if (tolerates(&p->tol[i], t))
			return true;
	return false;
}

const struct sc_taint *sc_untolerated_taint(const struct sc_podspec *p, const struct sc_nodeinfo *n)
{
	uint32_t i;

	for (i = 0; i < n->ntaints; i++) {
		const struct sc_taint *t = &n->taints[i];

		if (t->effect != SC_NO_SCHEDULE && t->effect != SC_NO_EXECUTE)
			continue;
		if (!sc_tolerated(p, t))
			return t;
	}
	return NULL;
}

bool sc_required_affinity_matches(const struct sc_cluster *c, const struct sc_podspec *p,
				  const struct sc_nodeinfo *n)
{
	const struct sc_lset *ls = &c->lsets[n->lset];
	uint32_t i;

	if (p->has_node_selector && !sc_sel_matches(&p->node_selector, ls, n->name))
		return false;
	if (!p->has_required)
		return true;
	for (i = 0; i < p->nterms; i++)
		if (sc_sel_matches(&p->terms[i], ls, n->name))
			return true;
	return false;
}

/* ---- quantities and requests ---- */

static int read_qty(const char *file, const struct tk_node *v, bool milli, int64_t *out,
		    struct tk_diag *d)
{
	struct tk_qty q;
	const char *s = tk_scalar_text(v);

	if (!s || v->kind == TK_SEQ || v->kind == TK_MAP || v->kind == TK_NULL ||
	    tk_qty_parse(s, &q) != 0)
		return tk_node_error(file, v, d, "invalid quantity '%s'", s ? s : "");
	*out = milli ? tk_qty_milli(&q) : tk_qty_value(&q);
	return 0;
}

/* One ResourceList being summed: amounts in thousandths, names interned;
 * the first few in place (most pods name cpu and memory only). */
#define RLIST_INLINE 4
struct ramount {
	const char *name;
	int64_t milli;
};
struct rlist {
	uint32_t n;
	struct ramount *a;           /* inl, or malloc'd past RLIST_INLINE */
	struct ramount inl[RLIST_INLINE];
};

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static struct ramount *rlist_slot(struct rlist *l, const char *name)
{
	uint32_t i;

	for (i = 0; i < l->n; i++)
		if (l->a[i].name == name)
			return &l->a[i];
	if (l->n < RLIST_INLINE) {
		l->a = l->inl;
	} else if (l->a == l->inl) {
		l->a = xreallocarray(NULL, l->n + 1, sizeof(*l->a));
		memcpy(l->a, l->inl, sizeof(l->inl));
	} else {
		l->a = xreallocarray(l->a, l->n + 1, sizeof(*l->a));
	}
	l->a[l->n].name = name;
	l->a[l->n].milli = 0;
	return &l->a[l->n++];
}

/* addResourceList / maxResourceList */
static void rlist_add(struct rlist *dst, const struct rlist *src)
{
	uint32_t i;

	for (i = 0; i < src->n; i++) {
		struct ramount *x = rlist_slot(dst, src->a[i].name);

		x->milli = sat_add(x->milli, src->a[i].milli);
	}
}

static void rlist_max(struct rlist *dst, const struct rlist *src)
{
	uint32_t i;

	for (i = 0; i < src->n; i++) {
		struct ramount *x = rlist_slot(dst, src->a[i].name);

		if (src->a[i].milli > x->milli)
			x->milli = src->a[i].milli;
	}
}

static void rlist_release(struct rlist *l)
{
	if (l->a != l->inl)
		free(l->a);
	l->a = NULL;
	l->n = 0;
}

/* A ResourceList map (requests, overhead) as written. */
static int read_rlist(struct sc_cluster *c, const char *file, const struct tk_node *map, struct rlist *out,
		      struct tk_diag *d)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!map || map->kind != TK_MAP)
		return 0;
	for (i = 0; i < map->n; i++) {
		const char *name = tk_scalar_text(map->keys[i]);
		struct tk_qty q;
		const char *s = tk_scalar_text(map->items[i]);

		if (!name || map->items[i]->kind == TK_NULL)
			continue;
		if (!s || map->items[i]->kind == TK_SEQ || map->items[i]->kind == TK_MAP || tk_qty_parse(s, &q) != 0) {
			rlist_release(out);
			return tk_node_error(file, map->items[i], d, "invalid quantity '%s'", s ? s : "");
		}
		rlist_slot(out, sc_intern_str(&c->strs, name))->milli = tk_qty_milli(&q);
	}
	return 0;
}

static int read_requests(struct sc_cluster *c, const char *file, const struct tk_node *resources,
			 struct rlist *out, struct tk_diag *d)
{
	return read_rlist(c, file, resources && resources->kind == TK_MAP ? tk_get(resources, "requests") : NULL,
			  out, d);
}

/* v1helper.IsExtendedResourceName (a name with a domain that is not
 * kubernetes.io's and not a quota "requests." name), IsHugePageResourceName,
 * IsPrefixedNativeResource, IsAttachableVolumeResourceName: what
 * schedutil.IsScalarResourceName keeps in Resource.ScalarResources. */
static bool scalar_resource(const char *name)
{
	bool prefixed_native = strstr(name, "kubernetes.io/") != NULL;
	bool native = !strchr(name, '/') || prefixed_native;

	return (!native && strncmp(name, "requests.", 9) != 0) || strncmp(name, "hugepages-", 10) == 0 ||
	       prefixed_native || strncmp(name, "attachable-volumes-", 19) == 0;
}

static bool sc_resource_counted(const char *name)
{
	return strcmp(name, "ephemeral-storage") == 0 || scalar_resource(name);
}

/* Quantity.Value(): whole units, rounded up */
static int64_t milli_to_value(int64_t milli)
{
	return milli / 1000 + (milli % 1000 > 0);
}

/* resource.PodRequests (component-helpers): app containers summed; each
 * regular init container with the restartable (sidecar) init containers
 * started before it, sidecars also summed with the app containers; the
 * larger of the two per resource; pod-level spec.resources.requests (cpu,
 * memory) over the sum; then the overhead. cpu in milli-CPU, memory and
 * the others (ephemeral-storage and the scalar resources: *res, *nres,
 * malloc'd, NULL when none) in Value() units. */
static int pod_requests(struct sc_cluster *c, const char *file, const struct tk_node *spec, int64_t *cpu,
			int64_t *mem, struct sc_res **res, uint32_t *nres, struct tk_diag *d)
{
	const struct tk_node *cs = tk_get(spec, "containers"), *ics = tk_get(spec, "initContainers");
	const char *cpu_name, *mem_name;
	struct rlist sum = { 0 }, side = { 0 }, init = { 0 }, r, tmp;
	uint32_t i, k;
	int ret = -1;

	if (!c->name_cpu) {
		c->name_cpu = sc_intern_str(&c->strs, "cpu");
		c->name_memory = sc_intern_str(&c->strs, "memory");
	}
	cpu_name = c->name_cpu;
	mem_name = c->name_memory;
	*res = NULL;
	*nres = 0;
	for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++) {
		if (read_requests(c, file, tk_get(cs->items[i], "resources"), &r, d) < 0)
			goto out;
		rlist_add(&sum, &r);
		rlist_release(&r);
	}
	for (i = 0; ics && ics->kind == TK_SEQ && i < ics->n; i++) {
		const char *rp = tk_str(tk_get(ics->items[i], "restartPolicy"));

		if (read_requests(c, file, tk_get(ics->items[i], "resources"), &r, d) < 0)
			goto out;
		if (rp && strcmp(rp, "Always") == 0) {
			rlist_add(&sum, &r);
			rlist_add(&side, &r);
			rlist_max(&init, &side);
		} else {
			memset(&tmp, 0, sizeof(tmp));
			rlist_add(&tmp, &r);
			rlist_add(&tmp, &side);
			rlist_max(&init, &tmp);
			rlist_release(&tmp);
		}
		rlist_release(&r);
	}
	rlist_max(&sum, &init);
	if (read_requests(c, file, tk_get(spec, "resources"), &r, d) < 0)
		goto out;
	for (k = 0; k < r.n; k++)
		if (r.a[k].name == cpu_name || r.a[k].name == mem_name)
			rlist_slot(&sum, r.a[k].name)->milli = r.a[k].milli;
	rlist_release(&r);
	if (read_rlist(c, file, tk_get(spec, "overhead"), &r, d) < 0)
		goto out;
	rlist_add(&sum, &r);
	rlist_release(&r);
	*cpu = *mem = 0;
	for (k = 0; k < sum.n; k++) {
		const char *name = sum.a[k].name;

		if (name == cpu_name) {
			*cpu = sum.a[k].milli;
		} else if (name == mem_name) {
			*mem = milli_to_value(sum.a[k].milli);
		} else if (sc_resource_counted(name)) {
			*res = xreallocarray(*res, *nres + 1, sizeof(**res));
			(*res)[*nres].name = name;
			(*res)[(*nres)++].v = milli_to_value(sum.a[k].milli);
		}
	}
	ret = 0;
out:
	rlist_release(&sum);
	rlist_release(&side);
	rlist_release(&init);
	return ret;
}

/* ---- what pods take from their node ---- */

/* A node's entry for resource name (interned), added with the node's
 * allocatable for it (0, or -1 when the node lists no allocatable). */
static struct sc_noderes *sc_node_res(struct sc_nodeinfo *n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n->nres; i++)
		if (n->res[i].name == name)
			return &n->res[i];
	n->res = xreallocarray(n->res, n->nres + 1, sizeof(*n->res));
	n->res[n->nres].name = name;
	n->res[n->nres].alloc = n->has_alloc ? 0 : -1;
	n->res[n->nres].req = 0;
	return &n->res[n->nres++];
}

static const struct sc_res *sc_pod_res(const struct sc_cluster *c, const struct sc_pod *p)
{
	return p->nres ? &c->respool[p->res] : NULL;
}

static void pod_set_res(struct sc_cluster *c, struct sc_pod *p, const struct sc_res *res, uint32_t n)
{
	p->res = 0;
	p->nres = n;
	if (!n)
		return;
	if (c->nrespool + n > c->respool_cap) {
		c->respool_cap = (c->nrespool + n) * 2;
		c->respool = xreallocarray(c->respool, c->respool_cap, sizeof(*c->respool));
	}
	memcpy(&c->respool[c->nrespool], res, n * sizeof(*res));
	p->res = (uint32_t)c->nrespool;
	c->nrespool += n;
}

static void pod_set_ports(struct sc_cluster *c, struct sc_pod *p, const struct sc_hostport *hp, uint32_t n)
{
	p->ports = 0;
	p->nports = n;
	if (!n)
		return;
	if (c->nportpool + n > c->portpool_cap) {
		c->portpool_cap = (c->nportpool + n) * 2;
		c->portpool = xreallocarray(c->portpool, c->portpool_cap, sizeof(*c->portpool));
	}
	memcpy(&c->portpool[c->nportpool], hp, n * sizeof(*hp));
	p->ports = (uint32_t)c->nportpool;
	c->nportpool += n;
}

/* ---- pod volumes (VolumeRestrictions, NodeVolumeLimits) ---- */

/* csi-translation-lib's KubernetesVolumeIDToEBSVolumeID: a bare id is the
 * handle; aws://<zone>/<id> gives <id> */
static const char *ebs_handle(struct sc_cluster *c, const char *id)
{
	const char *p;
	char buf[256];
	size_t len;

	if (strncmp(id, "aws://", 6) != 0)
		return id;
	p = strchr(id + 6, '/');
	p = p ? p : id + 6;
	while (*p == '/')
		p++;
	len = strlen(p);
	while (len && p[len - 1] == '/')
		len--;
	if (len >= sizeof(buf))
		return id;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return sc_intern_str(&c->strs, buf);
}

static int get_read_only(const char *file, const struct tk_node *src, bool *out, struct tk_diag *d)
{
	*out = false;
	return tk_get_bool(file, src, "readOnly", false, out, d) < 0 ? -1 : 0;
}

/* The volumes of spec.volumes the two plugins look at; pod is the pod's
 * name (an ephemeral volume's claim is <pod>-<volume>). *out is malloc'd. */
static int read_pod_volumes(struct sc_cluster *c, const char *file, const struct tk_node *spec, const char *pod,
			    struct sc_podvol **out, uint32_t *nout, struct tk_diag *d)
{
	const struct tk_node *vols, *src;
	size_t i, j;

	*out = NULL;
	*nout = 0;
	if (get_field(file, spec, "volumes", TK_SEQ, &vols, d) < 0)
		return -1;
	for (i = 0; vols && i < vols->n; i++) {
		const struct tk_node *v = vols->items[i];
		struct sc_podvol pv = { 0 };
		const char *vname = NULL;

		if (v->kind != TK_MAP)
			return tk_node_error(file, v, d, "volumes item must be a map");
		if (get_string(c, file, v, "name", &vname, d) < 0)
			return -1;
		if (get_field(file, v, "persistentVolumeClaim", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			pv.kind = SC_PODVOL_CLAIM;
			if (get_string(c, file, src, "claimName", &pv.id, d) < 0 || get_read_only(file, src, &pv.read_only, d) < 0)
				return -1;
			if (!pv.id)
				continue;
			goto add;
		}
		if (get_field(file, v, "ephemeral", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			/* ephemeral.VolumeClaimName */
			const struct tk_node *tspec = tk_path(src, "volumeClaimTemplate.spec");
			char *name = xasprintf("%s-%s", pod ? pod : "", vname ? vname : "");

			pv.kind = SC_PODVOL_EPHEMERAL;
			pv.id = sc_intern_str(&c->strs, name);
			free(name);
			if (tspec && tspec->kind == TK_MAP && get_string(c, file, tspec, "storageClassName", &pv.eph_class, d) < 0)
				return -1;
			goto add;
		}
		if (get_field(file, v, "gcePersistentDisk", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			pv.kind = SC_PODVOL_GCE_PD;
			if (get_string(c, file, src, "pdName", &pv.id, d) < 0 || get_read_only(file, src, &pv.read_only, d) < 0)
				return -1;
			goto add;
		}
		if (get_field(file, v, "awsElasticBlockStore", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			pv.kind = SC_PODVOL_AWS_EBS;
			if (get_string(c, file, src, "volumeID", &pv.id, d) < 0 || get_read_only(file, src, &pv.read_only, d) < 0)
				return -1;
			goto add;
		}
		if (get_field(file, v, "iscsi", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			pv.kind = SC_PODVOL_ISCSI;
			if (get_string(c, file, src, "iqn", &pv.id, d) < 0 || get_read_only(file, src, &pv.read_only, d) < 0)
				return -1;
			goto add;
		}
		if (get_field(file, v, "rbd", TK_MAP, &src, d) < 0)
			return -1;
		if (src) {
			const struct tk_node *mons;
			char *all = xstrdup("");

			pv.kind = SC_PODVOL_RBD;
			if (get_string(c, file, src, "image", &pv.id, d) < 0 || get_string(c, file, src, "pool", &pv.pool, d) < 0 ||
			    get_read_only(file, src, &pv.read_only, d) < 0 || get_field(file, src, "monitors", TK_SEQ, &mons, d) < 0) {
				free(all);
				return -1;
			}
			for (j = 0; mons && j < mons->n; j++) {
				const char *m = tk_scalar_text(mons->items[j]);
				char *next;

				if (!m || !tk_is_scalar(mons->items[j])) {
					free(all);
					return tk_node_error(file, mons->items[j], d, "monitors item must be a string");
				}
				next = xasprintf("%s%s\n", all, m);
				free(all);
				all = next;
			}
			pv.mons = sc_intern_str(&c->strs, all);
			free(all);
			/* the API server defaults an empty pool to "rbd" */
			if (!pv.pool || !*pv.pool)
				pv.pool = sc_intern_str(&c->strs, "rbd");
			goto add;
		}
		continue;
add:
		if (!pv.id)
			pv.id = sc_intern_str(&c->strs, "");
		if (pv.kind == SC_PODVOL_AWS_EBS)
			pv.handle = ebs_handle(c, pv.id);
		*out = xreallocarray(*out, *nout + 1, sizeof(**out));
		(*out)[(*nout)++] = pv;
	}
	return 0;
}

static void pod_set_vols(struct sc_cluster *c, struct sc_pod *p, const struct sc_podvol *v, uint32_t n)
{
	p->vols = 0;
	p->nvols = n;
	if (!n)
		return;
	if (c->nvolpool + n > c->volpool_cap) {
		c->volpool_cap = (c->nvolpool + n) * 2;
		c->volpool = xreallocarray(c->volpool, c->volpool_cap, sizeof(*c->volpool));
	}
	memcpy(&c->volpool[c->nvolpool], v, n * sizeof(*v));
	p->vols = (uint32_t)c->nvolpool;
	c->nvolpool += n;
}

static void add_antiaff(struct sc_cluster *c, uint32_t pod, struct sc_podterms *terms);
static int read_pod_terms(struct sc_cluster *c, const char *file, const struct tk_node *seq, const char *ns,
			  uint32_t lset, struct sc_podterms *out, struct tk_diag *d);
static void podterms_copy(struct sc_podterms *dst, const struct sc_podterms *src);

void sc_pod_from_spec(struct sc_cluster *c, struct sc_pod *p, const struct sc_podspec *s)
{
	pod_set_res(c, p, s->res, s->nres);
	pod_set_ports(c, p, s->ports, s->nports);
	pod_set_vols(c, p, s->vols, s->nvols);
	if (s->anti.n) {
		struct sc_podterms anti;

		/* it joins c->pods next: its index is npods */
		podterms_copy(&anti, &s->anti);
		add_antiaff(c, (uint32_t)c->npods, &anti);
	}
}

/* HostPortInfo.Add / Remove, as a use count per (ip, protocol, port) */
static void node_ports(struct sc_nodeinfo *n, const struct sc_hostport *hp, uint32_t nhp, int delta)
{
	uint32_t i, j;

	for (i = 0; i < nhp; i++) {
		for (j = 0; j < n->nused; j++)
			if (n->used[j].hp.port == hp[i].port && n->used[j].hp.ip == hp[i].ip &&
			    n->used[j].hp.proto == hp[i].proto)
				break;
		if (j == n->nused) {
			if (delta < 0)
				continue;
			n->used = xreallocarray(n->used, n->nused + 1, sizeof(*n->used));
			n->used[n->nused].hp = hp[i];
			n->used[n->nused++].count = 0;
		}
		n->used[j].count += delta;
	}
}

static void node_charge(struct sc_nodeinfo *n, int64_t cpu, int64_t mem, const struct sc_res *res, uint32_t nres,
			const struct sc_hostport *hp, uint32_t nhp, int delta)
{
	uint32_t i;

	n->req_cpu += delta * cpu;
	n->req_mem += delta * mem;
	n->npods += delta;
	for (i = 0; i < nres; i++)
		if (res[i].v) {
			struct sc_noderes *x = sc_node_res(n, res[i].name);

			x->req = sat_add(x->req, delta * res[i].v);
		}
	node_ports(n, hp, nhp, delta);
}

void sc_node_charge_pod(const struct sc_cluster *c, struct sc_nodeinfo *n, const struct sc_pod *p, int delta)
{
	node_charge(n, p->cpu, p->mem, sc_pod_res(c, p), p->nres, p->nports ? &c->portpool[p->ports] : NULL,
		    p->nports, delta);
}

void sc_node_charge_spec(struct sc_nodeinfo *n, const struct sc_podspec *p, int delta)
{
	node_charge(n, p->cpu, p->mem, p->res, p->nres, p->ports, p->nports, delta);
}

/* schedutil.GetHostPorts: the ports with a hostPort of the restartable
 * init containers (the ones that keep running) and the app containers. */
static int pod_host_ports(struct sc_cluster *c, const char *file, const struct tk_node *spec,
			  struct sc_hostport **out, uint32_t *n, struct tk_diag *d)
{
	static const char *const lists[] = { "initContainers", "containers" };
	size_t l, i, j;

	*out = NULL;
	*n = 0;
	for (l = 0; l < 2; l++) {
		const struct tk_node *cs = tk_get(spec, lists[l]);

		for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++) {
			const struct tk_node *ports = tk_get(cs->items[i], "ports");
			const char *rp = tk_str(tk_get(cs->items[i], "restartPolicy"));

			if ((l == 0 && (!rp || strcmp(rp, "Always") != 0)) || !ports || ports->kind != TK_SEQ)
				continue;
			for (j = 0; j < ports->n; j++) {
				const char *ip = NULL, *proto = NULL;
				long long hp = 0;

				if (ports->items[j]->kind != TK_MAP)
					continue;
				if (tk_get_int(file, ports->items[j], "hostPort", false, 0, 65535, &hp, d) < 0 ||
				    tk_get_str(file, ports->items[j], "hostIP", false, &ip, d) < 0 ||
				    tk_get_str(file, ports->items[j], "protocol", false, &proto, d) < 0) {
					free(*out);
					*out = NULL;
					*n = 0;
					return -1;
				}
				if (hp <= 0)
					continue;
				*out = xreallocarray(*out, *n + 1, sizeof(**out));
				(*out)[*n].ip = sc_intern_str(&c->strs, ip && *ip ? ip : "0.0.0.0");
				(*out)[*n].proto = sc_intern_str(&c->strs, proto && *proto ? proto : "TCP");
				(*out)[(*n)++].port = (int32_t)hp;
			}
		}
	}
	return 0;
}

/* ---- cluster ---- */

void sc_cluster_init(struct sc_cluster *c)
{
	memset(c, 0, sizeof(*c));
}

static void sc_podterms_release(struct sc_podterms *t);

void sc_podspec_release(struct sc_podspec *p)
{
	uint32_t i;

	for (i = 0; i < p->ntsc; i++)
		sc_tsc_release(&p->tsc[i]);
	free(p->tsc);
	sc_sel_release(&p->node_selector);
	for (i = 0; i < p->nterms; i++)
		sc_sel_release(&p->terms[i]);
	free(p->terms);
	free(p->tol);
	sc_sel_release(&p->workload_selector);
	free(p->claims);
	free(p->vct);
	free(p->vct_class);
	free(p->eph_class);
	free(p->res);
	free(p->res_why);
	free(p->ports);
	free(p->vols);
	sc_podterms_release(&p->aff);
	sc_podterms_release(&p->anti);
	memset(p, 0, sizeof(*p));
}

void sc_tsc_release(struct sc_tsc *t)
{
	sc_sel_release(&t->sel);
	free(t->match_label_keys);
	t->match_label_keys = NULL;
}

static void volindex_free(struct sc_volindex *ix);

void sc_cluster_release(struct sc_cluster *c)
{
	size_t i;

	for (i = 0; i < c->strs.nblocks; i++)
		free(c->strs.blocks[i]);
	free(c->strs.blocks);
	free(c->strs.slots);
	for (i = 0; i < c->nlabel_blocks; i++)
		free(c->label_blocks[i]);
	free(c->label_blocks);
	free(c->lsets);
	free(c->lset_slots);
	for (i = 0; i < c->nnodes; i++) {
		free(c->nodes[i].taints);
		free(c->nodes[i].res);
		free(c->nodes[i].used);
	}
	free(c->nodes);
	free(c->respool);
	free(c->portpool);
	free(c->volpool);
	for (i = 0; i < c->nantiaff; i++)
		sc_podterms_release(&c->antiaff[i].terms);
	free(c->antiaff);
	free(c->namespaces);
	free(c->node_slots);
	free(c->pods);
	for (i = 0; i < c->ngroups; i++)
		sc_podspec_release(&c->groups[i]);
	free(c->groups);
	free(c->group_slots);
	for (i = 0; i < c->vols.npv; i++) {
		uint32_t j;

		for (j = 0; j < c->vols.pv[i].nterms; j++)
			sc_sel_release(&c->vols.pv[i].terms[j]);
		free(c->vols.pv[i].terms);
	}
	free(c->vols.pv);
	free(c->vols.pvc);
	for (i = 0; i < c->vols.nclass; i++) {
		uint32_t j;

		for (j = 0; j < c->vols.classes[i].nterms; j++)
			sc_sel_release(&c->vols.classes[i].terms[j]);
		free(c->vols.classes[i].terms);
	}
	free(c->vols.classes);
	for (i = 0; i < c->vols.ncsinode; i++)
		free(c->vols.csinodes[i].drivers);
	free(c->vols.csinodes);
	free(c->vols.attach);
	volindex_free(c->vols.index);
	memset(c, 0, sizeof(*c));
}

static void node_slots_grow(struct sc_cluster *c)
{
	size_t cap = c->node_slots_cap ? c->node_slots_cap * 2 : 256, i;
	int32_t *slots = xreallocarray(NULL, cap, sizeof(*slots));

	for (i = 0; i < cap; i++)
		slots[i] = -1;
	for (i = 0; i < c->nnodes; i++) {
		size_t j = hash_ptr(0, c->nodes[i].name) & (cap - 1);

		while (slots[j] >= 0)
			j = (j + 1) & (cap - 1);
		slots[j] = (int32_t)i;
	}
	free(c->node_slots);
	c->node_slots = slots;
	c->node_slots_cap = cap;
}

static int32_t node_find(const struct sc_cluster *c, const char *iname)
{
	size_t j;

	if (!c->node_slots_cap)
		return -1;
	j = hash_ptr(0, iname) & (c->node_slots_cap - 1);
	while (c->node_slots[j] >= 0) {
		if (c->nodes[c->node_slots[j]].name == iname)
			return c->node_slots[j];
		j = (j + 1) & (c->node_slots_cap - 1);
	}
	return -1;
}

int32_t sc_node_index(const struct sc_cluster *c, const char *name)
{
	const char *iname = sc_lookup(&c->strs, name);

	return iname ? node_find(c, iname) : -1;
}

static int read_taints(struct sc_cluster *c, const char *file, const struct tk_node *seq,
		       struct sc_taint **out, uint32_t *n, struct tk_diag *d)
{
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (list_items(file, seq, "taints", &len, d) < 0)
		return -1;
	if (!len)
		return 0;
	*out = xcalloc(seq->n, sizeof(**out));
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *t = seq->items[i];
		const char *key, *val, *eff;

		if (t->kind != TK_MAP || get_string(c, file, t, "key", &key, d) < 0 ||
		    get_string(c, file, t, "value", &val, d) < 0 ||
		    get_string(c, file, t, "effect", &eff, d) < 0) {
			free(*out);
			*out = NULL;
			if (t->kind != TK_MAP)
				return tk_node_error(file, t, d, "taint must be a map");
			return -1;
		}
		(*out)[i].key = key ? key : sc_intern_str(&c->strs, "");
		(*out)[i].val = val ? val : sc_intern_str(&c->strs, "");
		(*out)[i].effect = effect_of(eff);
	}
	*n = (uint32_t)seq->n;
	return 0;
}

static int node_item(const struct tk_node *item, const char *file, void *arg)
{
	struct sc_cluster *c = ((void **)arg)[0];
	struct tk_diag *d = ((void **)arg)[1];
	const struct tk_node *meta, *spec, *alloc, *v;
	struct sc_nodeinfo n;
	const char *name, *kind;
	size_t j;
	if (item->kind == TK_SEQ) {
		size_t si;

		for (si = 0; si < item->n; si++)
			if (node_item(item->items[si], file, arg) != 0)
				return -1;
		return 0;
	}

	memset(&n, 0, sizeof(n));
	if (item->kind != TK_MAP)
		return tk_node_error(file, item, d, "node must be a map, not %s", tk_kind_name(item->kind));
	kind = tk_str(tk_get(item, "kind"));
	if (kind && strcmp(kind, "Node") != 0)
		return tk_node_error(file, tk_get(item, "kind"), d, "expected kind Node, not '%s'", kind);
	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 ||
	    get_field(file, item, "spec", TK_MAP, &spec, d) < 0)
		return -1;
	if (!meta || get_string(c, file, meta, "name", &name, d) < 0 || !name) {
		if (d && d->msg[0])
			return -1;
		return tk_node_error(file, meta ? meta : item, d, "node has no metadata.name");
	}
	n.name = name;
	if (sc_lset_from_node(c, file, tk_get(meta, "labels"), &n.lset, d) < 0)
		return -1;
	if (spec) {
		if (read_taints(c, file, tk_get(spec, "taints"), &n.taints, &n.ntaints, d) < 0)
			return -1;
		v = tk_get(spec, "unschedulable");
		n.unschedulable = v && v->kind == TK_BOOL && v->v.b;
	}
	v = tk_path(item, "status.conditions");
	for (j = 0; v && v->kind == TK_SEQ && j < v->n; j++) {
		const char *type = tk_str(tk_get(v->items[j], "type"));
		const char *status = tk_str(tk_get(v->items[j], "status"));

		if (type && strcmp(type, "Ready") == 0 && (!status || strcmp(status, "True") != 0))
			n.not_ready = true;
	}
	/* NodeInfo.Allocatable: a resource the node does not list is 0; a node
	 * without status.allocatable at all (a hand-written dump) limits nothing */
	n.alloc_cpu = n.alloc_mem = n.alloc_pods = -1;
	alloc = tk_path(item, "status.allocatable");
	if (alloc && alloc->kind == TK_MAP) {
		n.has_alloc = true;
		n.alloc_cpu = n.alloc_mem = n.alloc_pods = 0;
		for (j = 0; j < alloc->n; j++) {
			const char *rname = tk_scalar_text(alloc->keys[j]);
			int64_t x = 0;

			v = alloc->items[j];
			if (!rname || v->kind == TK_NULL)
				continue;
			if (read_qty(file, v, strcmp(rname, "cpu") == 0, &x, d) < 0) {
				free(n.taints);
				free(n.res);
				return -1;
			}
			if (strcmp(rname, "cpu") == 0)
				n.alloc_cpu = x;
			else if (strcmp(rname, "memory") == 0)
				n.alloc_mem = x;
			else if (strcmp(rname, "pods") == 0)
				n.alloc_pods = x;
			else if (sc_resource_counted(rname))
				sc_node_res(&n, sc_intern_str(&c->strs, rname))->alloc = x;
		}
	}
	if (node_find(c, name) >= 0) {
		free(n.taints);
		free(n.res);
		return tk_node_error(file, tk_get(meta, "name"), d, "duplicate node '%s'", name);
	}
	if (c->nnodes == c->nodes_cap) {
		c->nodes_cap = c->nodes_cap ? c->nodes_cap * 2 : 64;
		c->nodes = xreallocarray(c->nodes, c->nodes_cap, sizeof(*c->nodes));
	}
	c->nodes[c->nnodes++] = n;
	if (2 * c->nnodes > c->node_slots_cap) {
		node_slots_grow(c);
	} else {
		j = hash_ptr(0, name) & (c->node_slots_cap - 1);
		while (c->node_slots[j] >= 0)
			j = (j + 1) & (c->node_slots_cap - 1);
		c->node_slots[j] = (int32_t)(c->nnodes - 1);
	}
	return 0;
}

/* tk_doc_stream_skip's filter, used only to notice that some document has a
 * kind (an empty NodeList is an empty cluster; an empty file is no cluster). */
static bool note_kind(const char *kind, void *arg)
{
	(void)kind;
	*(bool *)((void **)arg)[2] = true;
	return false;
}

int sc_load_nodes(struct sc_cluster *c, const char *path, struct tk_diag *d)
{
	bool saw_kind = false;
	void *arg[3] = { c, d, &saw_kind };

	if (d)
		d->msg[0] = '\0';
	if (tk_doc_stream_skip(path, NULL, note_kind, node_item, arg, d) != 0)
		return -1;
	/* no document with a kind and no node: a wrong file, not a verdict */
	if (!saw_kind && c->nnodes == 0)
		return tk_diag_set(d, strcmp(path, "-") ? path : "<stdin>", 0, 0,
				   "no Node objects: expected `kubectl get nodes -o json` output");
	return 0;
}

static int read_owner(struct sc_cluster *c, const char *file, const struct tk_node *meta,
		      struct sc_ownerref *o, bool *has, struct tk_diag *d)
{
	const struct tk_node *refs;
	size_t i;

	*has = false;
	if (get_field(file, meta, "ownerReferences", TK_SEQ, &refs, d) < 0)
		return -1;
	for (i = 0; refs && i < refs->n; i++) {
		const struct tk_node *r = refs->items[i], *ctl = tk_get(r, "controller");

		if (r->kind != TK_MAP || !ctl || ctl->kind != TK_BOOL || !ctl->v.b)
			continue;
		if (get_string(c, file, r, "apiVersion", &o->api_version, d) < 0 ||
		    get_string(c, file, r, "kind", &o->kind, d) < 0 ||
		    get_string(c, file, r, "name", &o->name, d) < 0)
			return -1;
		if (!o->api_version)
			o->api_version = sc_intern_str(&c->strs, "");
		if (!o->kind)
			o->kind = sc_intern_str(&c->strs, "");
		if (!o->name)
			o->name = sc_intern_str(&c->strs, "");
		*has = true;
		return 0;
	}
	return 0;
}

/* audit groups: (namespace, owner kind, owner name) -> index */
static int32_t group_find_or_add(struct sc_cluster *c, const char *ns, const char *kind,
				 const char *name, bool *added)
{
	size_t j;
	uint64_t h = hash_ptr(hash_ptr(hash_ptr(0, ns), kind), name);

	*added = false;
	if (2 * (c->ngroups + 1) > c->group_slots_cap) {
		size_t cap = c->group_slots_cap ? c->group_slots_cap * 2 : 256, i;
		int32_t *slots = xreallocarray(NULL, cap, sizeof(*slots));

		for (i = 0; i < cap; i++)
			slots[i] = -1;
		for (i = 0; i < c->ngroups; i++) {
			const struct sc_podspec *g = &c->groups[i];

			j = hash_ptr(hash_ptr(hash_ptr(0, g->ns), g->kind), g->name) & (cap - 1);
			while (slots[j] >= 0)
				j = (j + 1) & (cap - 1);
			slots[j] = (int32_t)i;
		}
		free(c->group_slots);
		c->group_slots = slots;
		c->group_slots_cap = cap;
	}
	j = h & (c->group_slots_cap - 1);
	while (c->group_slots[j] >= 0) {
		const struct sc_podspec *g = &c->groups[c->group_slots[j]];

		if (g->ns == ns && g->kind == kind && g->name == name)
			return c->group_slots[j];
		j = (j + 1) & (c->group_slots_cap - 1);
	}
	if (c->ngroups == c->groups_cap) {
		c->groups_cap = c->groups_cap ? c->groups_cap * 2 : 64;
		c->groups = xreallocarray(c->groups, c->groups_cap, sizeof(*c->groups));
	}
	memset(&c->groups[c->ngroups], 0, sizeof(c->groups[0]));
	c->group_slots[j] = (int32_t)c->ngroups;
	*added = true;
	return (int32_t)c->ngroups++;
}

static int pod_item(const struct tk_node *item, const char *file, void *arg)
{
	struct sc_cluster *c = ((void **)arg)[0];
	struct tk_diag *d = ((void **)arg)[1];
	const struct tk_node *meta, *spec, *v;
	const char *kind, *node_name, *phase;
	struct sc_pod p;
	struct sc_res *res = NULL;
	struct sc_hostport *hp = NULL;
	uint32_t nres = 0, nhp = 0;
	if (item->kind == TK_SEQ) {
		size_t si;

		for (si = 0; si < item->n; si++)
			if (pod_item(item->items[si], file, arg) != 0)
				return -1;
		return 0;
	}

	memset(&p, 0, sizeof(p));
	p.group = -1;
	if (item->kind != TK_MAP)
		return tk_node_error(file, item, d, "pod must be a map, not %s", tk_kind_name(item->kind));
	kind = tk_str(tk_get(item, "kind"));
	if (kind && strcmp(kind, "Pod") != 0)
		return tk_node_error(file, tk_get(item, "kind"), d, "expected kind Pod, not '%s'", kind);
	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 ||
	    get_field(file, item, "spec", TK_MAP, &spec, d) < 0)
		return -1;
	if (meta) {
		/* pod names are unique: interning them only costs memory, and
		 * only audit (bare pods as their own group) needs them */
		if (get_string(c, file, meta, "namespace", &p.ns, d) < 0 ||
		    (c->want_groups && get_string(c, file, meta, "name", &p.name, d) < 0) ||
		    sc_lset_from_node(c, file, tk_get(meta, "labels"), &p.lset, d) < 0)
			return -1;
		v = tk_get(meta, "deletionTimestamp");
		if (v && v->kind != TK_NULL)
			p.flags |= SC_POD_TERMINATING;
	} else {
		p.lset = sc_lset_intern(c, NULL, 0);
	}
	if (!p.ns)
		p.ns = sc_intern_str(&c->strs, "default");
	if (!p.name)
		p.name = sc_intern_str(&c->strs, "");
	phase = tk_str(tk_path(item, "status.phase"));
	if (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0))
		p.flags |= SC_POD_TERMINAL;
	p.node = -1;
	if (spec) {
		if (get_string(c, file, spec, "nodeName", &node_name, d) < 0)
			return -1;
		if (node_name)
			p.node = node_find(c, node_name);
	}
	if (c->want_groups && meta && !(p.flags & SC_POD_TERMINAL) && p.node >= 0) {
		struct sc_ownerref o;
		bool has, added;
		const char *gkind, *gname;

		if (read_owner(c, file, meta, &o, &has, d) < 0)
			return -1;
		gkind = has ? o.kind : sc_intern_str(&c->strs, "Pod");
		gname = has ? o.name : p.name;
		p.group = group_find_or_add(c, p.ns, gkind, gname, &added);
		if (added) {
			struct sc_podspec *g = &c->groups[p.group];

			if (sc_podspec_from_node(c, g, file, item, d) < 0) {
				memset(g, 0, sizeof(*g));
				g->ns = p.ns;
				g->kind = gkind;
				g->name = gname;
				return -1;
			}
			g->ns = p.ns;
			g->kind = gkind;
			g->name = gname;
			g->replicas = 0;
		}
		c->groups[p.group].replicas++;
	}
	if (c->pod_hook && c->pod_hook(c->pod_hook_arg, item, file, d) < 0)
		return -1;
	if (spec && pod_requests(c, file, spec, &p.cpu, &p.mem, &res, &nres, d) < 0)
		return -1;
	if (spec && pod_host_ports(c, file, spec, &hp, &nhp, d) < 0) {
		free(res);
		return -1;
	}
	if (spec && p.node >= 0 && !(p.flags & SC_POD_TERMINAL)) {
		struct sc_podterms anti;

		if (read_pod_terms(c, file, tk_path(spec, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
				   p.ns, p.lset, &anti, d) < 0) {
			free(res);
			free(hp);
			return -1;
		}
		add_antiaff(c, (uint32_t)c->npods, &anti);
	}
	if (spec && p.node >= 0 && !(p.flags & SC_POD_TERMINAL)) {
		const char *pname = tk_str(tk_get(meta, "name"));
		struct sc_podvol *vols;
		struct tk_diag ignored;
		uint32_t nvols;

		/* a running pod's odd volumes are the dump's business: the pod
		 * counts as holding none, as its other odd fields are ignored */
		if (read_pod_volumes(c, file, spec, pname, &vols, &nvols, &ignored) < 0) {
			free(vols);
			vols = NULL;
			nvols = 0;
		}
		pod_set_vols(c, &p, vols, nvols);
		free(vols);
	}
	pod_set_res(c, &p, res, nres);
	pod_set_ports(c, &p, hp, nhp);
	free(res);
	free(hp);
	sc_cluster_push_pod(c, &p);
	if (p.node >= 0 && !(p.flags & SC_POD_TERMINAL))
		sc_node_charge_pod(c, &c->nodes[p.node], &p, 1);
	return 0;
}

void sc_cluster_push_pod(struct sc_cluster *c, const struct sc_pod *p)
{
	if (c->npods == c->pods_cap) {
		c->pods_cap = c->pods_cap ? c->pods_cap * 2 : 1024;
		c->pods = xreallocarray(c->pods, c->pods_cap, sizeof(*c->pods));
	}
	c->pods[c->npods++] = *p;
}

int sc_load_pods(struct sc_cluster *c, const char *path, struct tk_diag *d)
{
	void *arg[2] = { c, d };

	if (d)
		d->msg[0] = '\0';
	return tk_doc_stream(path, NULL, pod_item, arg, d) == 0 ? 0 : -1;
}

/* A combined dump, as `kubectl get nodes,pods -A -o json` prints it: one
 * pass dispatches on kind. Pods look their node up when they are read, so a
 * Node after a Pod is refused rather than silently leaving pods unbound. */
struct cluster_stream {
	struct sc_cluster *c;
	struct tk_diag *d;
	tk_item_fn other;
	void *other_arg;
	bool saw_pod, saw_kind;
	const char *first_kind;          /* first item of another kind: where */
	unsigned first_line, first_col;  /* a dump without Nodes or Pods went wrong */
};

/* builds every document (kubectl's dump is one List, whose items always are)
 * and notes that one had a kind: an empty List is an empty cluster, an empty
 * file no dump */
static bool cluster_note_kind(const char *kind, void *arg)
{
	(void)kind;
	((struct cluster_stream *)arg)->saw_kind = true;
	return false;
}

static int cluster_item(const struct tk_node *item, const char *file, void *arg)
{
	struct cluster_stream *s = arg;
	bool saw_kind = false;
	void *na[3] = { s->c, s->d, &saw_kind };
	const char *kind;
	size_t i;

	if (item->kind == TK_SEQ) {
		for (i = 0; i < item->n; i++)
			if (cluster_item(item->items[i], file, arg) != 0)
				return -1;
		return 0;
	}
	if (item->kind != TK_MAP)
		return tk_node_error(file, item, s->d, "object must be a map, not %s", tk_kind_name(item->kind));
	if (get_string(s->c, file, item, "kind", &kind, s->d) < 0)
		return -1;
	if (!kind)
		return tk_node_error(file, item, s->d, "object has no kind");
	if (strcmp(kind, "Node") == 0) {
		if (s->saw_pod)
			return tk_node_error(file, item, s->d,
					     "Node after Pods: list the nodes first, as `kubectl get nodes,pods -A -o json` does");
		return node_item(item, file, na);
	}
	if (strcmp(kind, "Pod") == 0) {
		s->saw_pod = true;
		return pod_item(item, file, na);
	}
	if (!s->first_kind) {
		s->first_kind = kind;
		s->first_line = item->line;
		s->first_col = item->col;
	}
	return s->other ? s->other(item, file, s->other_arg) : 0;
}

int sc_load_cluster(struct sc_cluster *c, const char *path, tk_item_fn other, void *other_arg,
		    struct tk_diag *d)
{
	struct cluster_stream s = { c, d, other, other_arg, false, false, NULL, 0, 0 };
	const char *file = strcmp(path, "-") ? path : "<stdin>";

	if (d)
		d->msg[0] = '\0';
	if (tk_doc_stream_skip(path, NULL, cluster_note_kind, cluster_item, &s, d) != 0)
		return -1;
	if (c->nnodes || s.saw_pod)
		return 0;
	if (s.first_kind)
		return tk_diag_set(d, file, s.first_line, s.first_col,
				   "kind '%s' and no Node or Pod: expected `kubectl get nodes,pods -A -o json` output",
				   s.first_kind);
	if (!s.saw_kind)
		return tk_diag_set(d, file, 0, 0, "no objects: expected `kubectl get nodes,pods -A -o json` output");
	return 0;
}

/* ---- pod specs ---- */

static int policy_of(const char *file, const struct tk_node *t, const char *key, bool dflt,
		     bool *out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(t, key);
	const char *s;

	*out = dflt;
	if (!v || v->kind == TK_NULL)
		return 0;
	s = tk_str(v);
	if (s && strcmp(s, "Honor") == 0)
		*out = true;
	else if (s && strcmp(s, "Ignore") == 0)
		*out = false;
	else
		return tk_node_error(file, v, d, "unsupported %s value '%s': supported values: \"Honor\", \"Ignore\"",
				     key, s ? s : tk_scalar_text(v) ? tk_scalar_text(v) : "");
	return 0;
}

/* metav1.LabelSelectorAsSelector's syntax checks (labels.NewRequirement):
 * for the incoming pod the plugin's PreFilter fails on a selector it cannot
 * convert, so placing it is an input error naming the constraint. */
static int tsc_selector_convertible(const char *file, const struct tk_node *sel, size_t idx,
				    struct tk_diag *d)
{
	struct tk_selector ts;
	struct tk_strv errs = { 0 };
	size_t i, j;
	int rc = 0;

	if (tk_selector_from_node(&ts, file, sel, d) < 0)
		return -1;
	for (i = 0; i < ts.n && !errs.n; i++) {
		const struct tk_requirement *r = &ts.reqs[i];

		if (tk_validate_qualified_name(r->key, &errs)) {
			rc = tk_node_error(file, sel, d,
					   "topologySpreadConstraints[%zu].labelSelector: key: Invalid value: \"%s\": %s",
					   idx, r->key, errs.v[0]);
			break;
		}
		for (j = 0; j < r->nvalues; j++)
			if (tk_validate_label_value(r->values[j], &errs)) {
				rc = tk_node_error(file, sel, d,
						   "topologySpreadConstraints[%zu].labelSelector: values[%zu][%s]: Invalid value: \"%s\": %s",
						   idx, j, r->key, r->values[j], errs.v[0]);
				break;
			}
	}
	tk_strv_free(&errs);
	tk_selector_release(&ts);
	return rc;
}

int sc_tsc_list_from_node(struct sc_cluster *c, const char *file, const struct tk_node *seq,
			  struct sc_tsc **out, uint32_t *n, struct tk_diag *d)
{
	size_t i, len;

	*out = NULL;
	*n = 0;
	if (list_items(file, seq, "topologySpreadConstraints", &len, d) < 0)
		return -1;
	if (!len)
		return 0;
	*out = xcalloc(seq->n, sizeof(**out));
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *t = seq->items[i], *mlk;
		struct sc_tsc *x = &(*out)[i];
		const char *when;
		long long skew, md;
		int r;

		*n = (uint32_t)i;
		if (t->kind != TK_MAP) {
			tk_node_error(file, t, d, "topology spread constraint must be a map");
			goto fail;
		}
		if (tk_get_int(file, t, "maxSkew", true, 1, 2147483647, &skew, d) < 0)
			goto fail;
		x->max_skew = (int)skew;
		if (get_string(c, file, t, "topologyKey", &x->key, d) < 0)
			goto fail;
		if (!x->key || !*x->key) {
			tk_node_error(file, t, d, "topologyKey: Required value: can not be empty");
			goto fail;
		}
		if (tk_get_str(file, t, "whenUnsatisfiable", true, &when, d) < 0)
			goto fail;
		if (strcmp(when, "DoNotSchedule") == 0) {
			x->hard = true;
		} else if (strcmp(when, "ScheduleAnyway") != 0) {
			tk_node_error(file, tk_get(t, "whenUnsatisfiable"), d,
				      "whenUnsatisfiable: Unsupported value: \"%s\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"",
				      when);
			goto fail;
		}
		if (sc_sel_from_node(c, file, tk_get(t, "labelSelector"), &x->sel, d) < 0)
			goto fail;
		if (c->check_selectors && tsc_selector_convertible(file, tk_get(t, "labelSelector"), i, d) < 0)
			goto fail;
		x->min_domains = 1;
		r = tk_get_int(file, t, "minDomains", false, 1, 2147483647, &md, d);
		if (r < 0)
			goto fail;
		if (r == 0) {
			x->min_domains = (int)md;
			x->min_domains_set = true;
		}
		if (policy_of(file, t, "nodeAffinityPolicy", true, &x->honor_affinity, d) < 0 ||
		    policy_of(file, t, "nodeTaintsPolicy", false, &x->honor_taints, d) < 0)
			goto fail;
		if (get_field(file, t, "matchLabelKeys", TK_SEQ, &mlk, d) < 0 ||
		    read_values(c, file, mlk, &x->match_label_keys, &x->nmlk, d) < 0)
			goto fail;
	}
	*n = (uint32_t)seq->n;
	return 0;
fail:
	{
		uint32_t k;

		for (k = 0; k <= *n; k++)
			sc_tsc_release(&(*out)[k]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return -1;
}

static int read_tolerations(struct sc_cluster *c, const char *file, const struct tk_node *seq,
			    struct sc_podspec *p, struct tk_diag *d)
{
	size_t i, len;

	if (list_items(file, seq, "tolerations", &len, d) < 0)
		return -1;
	if (!len)
		return 0;
	p->tol = xcalloc(seq->n, sizeof(*p->tol));
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *t = seq->items[i];
		struct sc_toleration *x = &p->tol[i];
		const char *key, *op, *val, *eff;

		if (t->kind != TK_MAP)
			return tk_node_error(file, t, d, "toleration must be a map");
		if (get_string(c, file, t, "key", &key, d) < 0 ||
		    get_string(c, file, t, "operator", &op, d) < 0 ||
		    get_string(c, file, t, "value", &val, d) < 0 ||
		    get_string(c, file, t, "effect", &eff, d) < 0)
			return -1;
		x->key = key ? key : sc_intern_str(&c->strs, "");
		x->val = val ? val : sc_intern_str(&c->strs, "");
		x->effect = effect_of(eff);
		if (!op || !*op || strcmp(op, "Equal") == 0)
			x->exists = false;
		else if (strcmp(op, "Exists") == 0)
			x->exists = true;
		else
			x->bad_op = true;
		p->ntol = (uint32_t)i + 1;
	}
	return 0;
}

/* A v1.NodeSelector's nodeSelectorTerms (required node affinity of a pod or
 * a PersistentVolume) into *terms. */
static int read_terms(struct sc_cluster *c, const char *file, const struct tk_node *sel,
		      struct sc_sel **out, uint32_t *nout, struct tk_diag *d)
{
	const struct tk_node *terms;
	size_t i;

	if (get_field(file, sel, "nodeSelectorTerms", TK_SEQ, &terms, d) < 0)
		return -1;
	if (!terms || !terms->n)
		return 0;
	*out = xcalloc(terms->n, sizeof(**out));
	for (i = 0; i < terms->n; i++) {
		if (term_from_node(c, file, terms->items[i], &(*out)[i], d) < 0)
			return -1;
		*nout = (uint32_t)i + 1;
	}
	return 0;
}

static int read_affinity(struct sc_cluster *c, const char *file, const struct tk_node *spec,
			 struct sc_podspec *p, struct tk_diag *d)
{
	const struct tk_node *ns, *req;

	if (get_field(file, spec, "nodeSelector", TK_MAP, &ns, d) < 0)
		return -1;
	if (ns) {
		p->has_node_selector = true;
		if (sc_sel_from_map(c, file, ns, &p->node_selector, d) < 0)
			return -1;
	}
	req = tk_path(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	if (!req || req->kind == TK_NULL)
		return 0;
	if (req->kind != TK_MAP)
		return tk_node_error(file, req, d, "requiredDuringSchedulingIgnoredDuringExecution must be a map");
	p->has_required = true;
	return read_terms(c, file, req, &p->terms, &p->nterms, d);
}

/* ---- inter-pod affinity terms and namespaces ---- */

static void sc_podterms_release(struct sc_podterms *t)
{
	uint32_t i;

	for (i = 0; i < t->n; i++) {
		sc_sel_release(&t->t[i].sel);
		sc_sel_release(&t->t[i].nssel);
		free(t->t[i].ns);
	}
	free(t->t);
	memset(t, 0, sizeof(*t));
}

static void podterms_copy(struct sc_podterms *dst, const struct sc_podterms *src)
{
	uint32_t i;

	dst->n = src->n;
	dst->t = xcalloc(src->n + 1, sizeof(*dst->t));
	for (i = 0; i < src->n; i++) {
		dst->t[i] = src->t[i];
		sc_sel_copy(&dst->t[i].sel, &src->t[i].sel);
		sc_sel_copy(&dst->t[i].nssel, &src->t[i].nssel);
		dst->t[i].ns = xcalloc(src->t[i].nns + 1, sizeof(*dst->t[i].ns));
		if (src->t[i].nns)
			memcpy(dst->t[i].ns, src->t[i].ns, src->t[i].nns * sizeof(*dst->t[i].ns));
	}
}

static void add_antiaff(struct sc_cluster *c, uint32_t pod, struct sc_podterms *terms)
{
	if (!terms->n) {
		sc_podterms_release(terms);
		return;
	}
	c->antiaff = xreallocarray(c->antiaff, c->nantiaff + 1, sizeof(*c->antiaff));
	c->antiaff[c->nantiaff].pod = pod;
	c->antiaff[c->nantiaff++].terms = *terms;
}

const struct sc_podterms *sc_pod_anti_terms(const struct sc_cluster *c, uint32_t pod)
{
	size_t i;

	for (i = 0; i < c->nantiaff; i++)
		if (c->antiaff[i].pod == pod)
			return &c->antiaff[i].terms;
	return NULL;
}

/* The label keys of matchLabelKeys (In) or mismatchLabelKeys (NotIn) whose
 * value the pod has, as requirements on the term's selector
 * (applyMatchLabelKeysAndMismatchLabelKeys; a nil selector stays nil). */
static int merge_label_keys(struct sc_cluster *c, const char *file, const struct tk_node *keys, enum sc_op op,
			    uint32_t lset, struct sc_sel *sel, struct tk_diag *d)
{
	const char **names;
	uint32_t n, i;

	if (read_values(c, file, keys, &names, &n, d) < 0)
		return -1;
	for (i = 0; i < n && !sel->nothing; i++) {
		const char *val = sc_lset_get(&c->lsets[lset], names[i]);
		struct sc_req r = { 0 };

		if (!val)
			continue;
		r.key = names[i];
		r.op = op;
		r.nvals = 1;
		r.vals = &val;
		sc_sel_add(sel, &r);
	}
	free(names);
	return 0;
}

/* A list of required PodAffinityTerms of a pod of namespace ns and labels
 * lset (framework.NewPodInfo's getAffinityTerms / newAffinityTerm). */
static int read_pod_terms(struct sc_cluster *c, const char *file, const struct tk_node *seq, const char *ns,
			  uint32_t lset, struct sc_podterms *out, struct tk_diag *d)
{
	size_t n, i;

	memset(out, 0, sizeof(*out));
	if (list_items(file, seq, "requiredDuringSchedulingIgnoredDuringExecution", &n, d) < 0)
		return -1;
	out->t = xcalloc(n + 1, sizeof(*out->t));
	for (i = 0; i < n; i++) {
		const struct tk_node *term = seq->items[i], *v;
		struct sc_podterm *t = &out->t[out->n++];

		if (tk_expect(file, term, TK_MAP, "pod affinity term", d))
			goto fail;
		t->sel.nothing = t->nssel.nothing = true;
		if (((v = tk_get(term, "labelSelector")) && v->kind != TK_NULL &&
		     sc_sel_from_node(c, file, v, &t->sel, d) < 0) ||
		    merge_label_keys(c, file, tk_get(term, "matchLabelKeys"), SC_IN, lset, &t->sel, d) < 0 ||
		    merge_label_keys(c, file, tk_get(term, "mismatchLabelKeys"), SC_NOT_IN, lset, &t->sel, d) < 0 ||
		    read_values(c, file, tk_get(term, "namespaces"), &t->ns, &t->nns, d) < 0 ||
		    ((v = tk_get(term, "namespaceSelector")) && v->kind != TK_NULL &&
		     sc_sel_from_node(c, file, v, &t->nssel, d) < 0) ||
		    get_string(c, file, term, "topologyKey", &t->key, d) < 0)
			goto fail;
		/* getNamespacesFromPodAffinityTerm: no namespaces and no
		 * namespaceSelector means the pod's own */
		if (!t->nns && t->nssel.nothing) {
			free(t->ns);
			t->ns = xcalloc(2, sizeof(*t->ns));
			t->ns[0] = ns;
			t->nns = 1;
		}
		if (!t->key)
			t->key = sc_intern_str(&c->strs, "");
	}
	return 0;
fail:
	sc_podterms_release(out);
	return -1;
}

int sc_namespace_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d)
{
	const char *kind = tk_str(tk_get(item, "kind")), *name;
	const struct tk_node *meta;
	uint32_t lset;

	if (!kind || strcmp(kind, "Namespace") != 0)
		return 0;
	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 || !meta ||
	    get_string(c, file, meta, "name", &name, d) < 0 || !name ||
	    sc_lset_from_node(c, file, tk_get(meta, "labels"), &lset, d) < 0)
		return d && d->msg[0] ? -1 : 0;
	c->namespaces = xreallocarray(c->namespaces, c->nnamespaces + 1, sizeof(*c->namespaces));
	c->namespaces[c->nnamespaces].name = name;
	c->namespaces[c->nnamespaces++].lset = lset;
	return 0;
}

uint32_t sc_ns_lset(struct sc_cluster *c, const char *ns)
{
	struct sc_label l;
	size_t i;

	for (i = 0; i < c->nnamespaces; i++)
		if (c->namespaces[i].name == ns)
			return c->namespaces[i].lset;
	/* remembered as if the dump had it: one lookup per namespace */
	l.key = sc_intern_str(&c->strs, "kubernetes.io/metadata.name");
	l.val = ns;
	c->namespaces = xreallocarray(c->namespaces, c->nnamespaces + 1, sizeof(*c->namespaces));
	c->namespaces[c->nnamespaces].name = ns;
	c->namespaces[c->nnamespaces].lset = sc_lset_intern(c, &l, 1);
	return c->namespaces[c->nnamespaces++].lset;
}

bool sc_podterm_matches(const struct sc_cluster *c, const struct sc_podterm *t, const char *ns, uint32_t nslset,
			uint32_t lset)
{
	uint32_t i;
	bool in_ns = false;

	for (i = 0; i < t->nns && !in_ns; i++)
		in_ns = t->ns[i] == ns;
	if (!in_ns && !sc_sel_matches(&t->nssel, &c->lsets[nslset], NULL))
		return false;
	return sc_sel_matches(&t->sel, &c->lsets[lset], NULL);
}

/* The pod's claims (spec.volumes[].persistentVolumeClaim.claimName) and a
 * StatefulSet's volumeClaimTemplates names. */
static int read_claims(struct sc_cluster *c, const char *file, const struct tk_node *spec,
		       const struct tk_node *wspec, struct sc_podspec *p, struct tk_diag *d)
{
	const struct tk_node *vols, *vct, *pvc, *eph;
	const char *name;
	size_t i;

	if (get_field(file, spec, "volumes", TK_SEQ, &vols, d) < 0)
		return -1;
	for (i = 0; vols && i < vols->n; i++) {
		if (vols->items[i]->kind != TK_MAP)
			return tk_node_error(file, vols->items[i], d, "volumes item must be a map");
		if (get_field(file, vols->items[i], "persistentVolumeClaim", TK_MAP, &pvc, d) < 0 ||
		    (pvc && get_string(c, file, pvc, "claimName", &name, d) < 0) ||
		    get_field(file, vols->items[i], "ephemeral", TK_MAP, &eph, d) < 0)
			return -1;
		if (eph) {
			/* a generic ephemeral volume: a claim made for each pod */
			const struct tk_node *tspec = tk_path(eph, "volumeClaimTemplate.spec");

			p->eph_class = xreallocarray(p->eph_class, p->neph + 1, sizeof(*p->eph_class));
			p->eph_class[p->neph] = NULL;
			if (tspec && tspec->kind == TK_MAP &&
			    get_string(c, file, tspec, "storageClassName", &p->eph_class[p->neph], d) < 0)
				return -1;
			p->neph++;
		}
		if (!pvc || !name)
			continue;
		p->claims = xreallocarray(p->claims, p->nclaims + 1, sizeof(*p->claims));
		p->claims[p->nclaims++] = name;
	}
	if (!wspec || wspec->kind != TK_MAP)
		return 0;
	if (get_field(file, wspec, "volumeClaimTemplates", TK_SEQ, &vct, d) < 0)
		return -1;
	for (i = 0; vct && i < vct->n; i++) {
		const struct tk_node *meta;

		if (vct->items[i]->kind != TK_MAP)
			return tk_node_error(file, vct->items[i], d, "volumeClaimTemplates item must be a map");
		if (get_field(file, vct->items[i], "metadata", TK_MAP, &meta, d) < 0 ||
		    (meta && get_string(c, file, meta, "name", &name, d) < 0))
			return -1;
		if (!meta || !name)
			continue;
		p->vct = xreallocarray(p->vct, p->nvct + 1, sizeof(*p->vct));
		p->vct_class = xreallocarray(p->vct_class, p->nvct + 1, sizeof(*p->vct_class));
		p->vct_class[p->nvct] = NULL;
		if (get_field(file, vct->items[i], "spec", TK_MAP, &pvc, d) < 0 ||
		    (pvc && get_string(c, file, pvc, "storageClassName", &p->vct_class[p->nvct], d) < 0))
			return -1;
		p->vct[p->nvct++] = name;
	}
	return 0;
}

int sc_podspec_from_node(struct sc_cluster *c, struct sc_podspec *p, const char *file,
			 const struct tk_node *obj, struct tk_diag *d)
{
	const struct tk_node *meta, *tmeta = NULL, *spec, *wspec = NULL, *v;
	const char *kind;
	long long reps;
	uint32_t i;
	int r;

	memset(p, 0, sizeof(*p));
	p->replicas = -1;
	if (!obj || obj->kind != TK_MAP)
		return tk_node_error(file, obj, d, "expected an object");
	kind = tk_str(tk_get(obj, "kind"));
	p->kind = sc_intern_str(&c->strs, kind ? kind : "Pod");
	if (get_field(file, obj, "metadata", TK_MAP, &meta, d) < 0)
		goto fail;
	if (!kind || strcmp(kind, "Pod") == 0) {
		if (get_field(file, obj, "spec", TK_MAP, &spec, d) < 0)
			goto fail;
		tmeta = meta;
	} else {
		const char *tpath = strcmp(kind, "CronJob") == 0 ? "spec.jobTemplate.spec.template"
								  : "spec.template";
		const struct tk_node *tmpl = tk_path(obj, tpath);

		wspec = strcmp(kind, "CronJob") == 0 ? tk_path(obj, "spec.jobTemplate.spec")
						     : tk_get(obj, "spec");
		if (!tmpl || tmpl->kind != TK_MAP) {
			tk_node_error(file, tmpl ? tmpl : obj, d, "%s has no pod template (%s)", kind, tpath);
			goto fail;
		}
		if (get_field(file, tmpl, "metadata", TK_MAP, &tmeta, d) < 0 ||
		    get_field(file, tmpl, "spec", TK_MAP, &spec, d) < 0)
			goto fail;
		if (wspec && wspec->kind == TK_MAP) {
			r = tk_get_int(file, wspec, "replicas", false, 0, 1000000, &reps, d);
			if (r < 0)
				goto fail;
			if (r == 0)
				p->replicas = (int32_t)reps;
			v = tk_get(wspec, "selector");
			if (v && v->kind != TK_NULL) {
				p->has_workload_selector = true;
				if (strcmp(kind, "ReplicationController") == 0) {
					/* an RC's selector is a plain map */
					if (sc_sel_from_map(c, file, v, &p->workload_selector, d) < 0)
						goto fail;
				} else if (sc_sel_from_node(c, file, v, &p->workload_selector, d) < 0) {
					goto fail;
				}
			}
		}
	}
	if (meta && (get_string(c, file, meta, "namespace", &p->ns, d) < 0 ||
		     get_string(c, file, meta, "name", &p->name, d) < 0))
		goto fail;
	if (!p->ns && tmeta && get_string(c, file, tmeta, "namespace", &p->ns, d) < 0)
		goto fail;
	if (!p->ns)
		p->ns = sc_intern_str(&c->strs, "default");
	if (!p->name)
		p->name = sc_intern_str(&c->strs, "");
	if (sc_lset_from_node(c, file, tmeta ? tk_get(tmeta, "labels") : NULL, &p->lset, d) < 0)
		goto fail;
	if (meta && strcmp(p->kind, "Pod") == 0 &&
	    read_owner(c, file, meta, &p->owner, &p->has_owner, d) < 0)
		goto fail;
	if (!spec)
		return 0;
	if (sc_tsc_list_from_node(c, file, tk_get(spec, "topologySpreadConstraints"), &p->tsc, &p->ntsc, d) < 0 ||
	    read_affinity(c, file, spec, p, d) < 0 ||
	    read_tolerations(c, file, tk_get(spec, "tolerations"), p, d) < 0 ||
	    read_claims(c, file, spec, wspec, p, d) < 0 ||
	    read_pod_volumes(c, file, spec, p->name, &p->vols, &p->nvols, d) < 0 ||
	    pod_requests(c, file, spec, &p->cpu, &p->mem, &p->res, &p->nres, d) < 0 ||
	    pod_host_ports(c, file, spec, &p->ports, &p->nports, d) < 0 ||
	    (c->check_selectors && get_string(c, file, spec, "nodeName", &p->node_name, d) < 0) ||
	    read_pod_terms(c, file, tk_path(spec, "affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
			   p->ns, p->lset, &p->aff, d) < 0 ||
	    read_pod_terms(c, file, tk_path(spec, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution"),
			   p->ns, p->lset, &p->anti, d) < 0)
		goto fail;
	if (p->node_name && !*p->node_name)
		p->node_name = NULL;
	/* fit.go's reason for each: "Insufficient %v" */
	p->res_why = xcalloc(p->nres + 1, sizeof(*p->res_why));
	for (i = 0; i < p->nres; i++) {
		char *why = xasprintf("Insufficient %s", p->res[i].name);

		p->res_why[i] = sc_intern_str(&c->strs, why);
		free(why);
	}
	return 0;
fail:
	sc_podspec_release(p);
	return -1;
}

/* ---- persistent volumes ---- */

/* storage.k8s.io/v1 StorageClass: binding mode, provisioner and
 * allowedTopologies (TopologySelectorTerms of In requirements). */
static int storage_class_item(struct sc_cluster *c, const char *file, const struct tk_node *item,
			      struct tk_diag *d)
{
	struct sc_storageclass sc = { 0 };
	const struct tk_node *meta, *topo, *exprs;
	const char *mode = NULL;
	size_t i, j;

	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 ||
	    (meta && get_string(c, file, meta, "name", &sc.name, d) < 0) ||
	    get_string(c, file, item, "provisioner", &sc.provisioner, d) < 0 ||
	    get_string(c, file, item, "volumeBindingMode", &mode, d) < 0 ||
	    get_field(file, item, "allowedTopologies", TK_SEQ, &topo, d) < 0)
		return -1;
	if (!sc.name)
		return tk_node_error(file, item, d, "StorageClass without metadata.name");
	sc.wait = mode && strcmp(mode, "WaitForFirstConsumer") == 0;
	{
		const struct tk_node *ann = tk_get(meta, "annotations");
		const char *def = tk_str(tk_get(ann, "storageclass.kubernetes.io/is-default-class"));

		if (!def)
			def = tk_str(tk_get(ann, "storageclass.beta.kubernetes.io/is-default-class"));
		sc.is_default = def && strcmp(def, "true") == 0;
	}
	if (!sc.provisioner)
		sc.provisioner = sc_intern_str(&c->strs, "");
	if (topo && topo->n)
		sc.terms = xcalloc(topo->n, sizeof(*sc.terms));
	for (i = 0; topo && i < topo->n; i++) {
		if (topo->items[i]->kind != TK_MAP ||
		    get_field(file, topo->items[i], "matchLabelExpressions", TK_SEQ, &exprs, d) < 0) {
			if (topo->items[i]->kind != TK_MAP)
				tk_node_error(file, topo->items[i], d, "allowedTopologies item must be a map");
			goto fail;
		}
		sc.nterms = (uint32_t)i + 1;
		/* an empty term matches nothing */
		sc.terms[i].nothing = !exprs || !exprs->n;
		for (j = 0; exprs && j < exprs->n; j++) {
			struct sc_req r = { 0 };
			const struct tk_node *e = exprs->items[j];

			if (e->kind != TK_MAP) {
				tk_node_error(file, e, d, "matchLabelExpressions item must be a map");
				goto fail;
			}
			if (get_string(c, file, e, "key", &r.key, d) < 0 ||
			    read_values(c, file, tk_get(e, "values"), &r.vals, &r.nvals, d) < 0)
				goto fail;
			r.op = SC_IN;
			if (!r.key)
				r.key = sc_intern_str(&c->strs, "");
			sc_sel_add(&sc.terms[i], &r);
			free(r.vals);
		}
	}
	c->vols.classes = xreallocarray(c->vols.classes, c->vols.nclass + 1, sizeof(*c->vols.classes));
	c->vols.classes[c->vols.nclass++] = sc;
	return 0;
fail:
	for (i = 0; i < sc.nterms; i++)
		sc_sel_release(&sc.terms[i]);
	free(sc.terms);
	return -1;
}

/* storage.k8s.io/v1 CSINode: spec.drivers[].allocatable.count per driver. */
static int csinode_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d)
{
	struct sc_csinode cn = { 0 };
	const struct tk_node *meta, *drivers;
	size_t i;

	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 ||
	    (meta && get_string(c, file, meta, "name", &cn.name, d) < 0) ||
	    get_field(file, tk_get(item, "spec"), "drivers", TK_SEQ, &drivers, d) < 0)
		return -1;
	if (!cn.name)
		return tk_node_error(file, item, d, "CSINode without metadata.name");
	if (drivers && drivers->n)
		cn.drivers = xcalloc(drivers->n, sizeof(*cn.drivers));
	for (i = 0; drivers && i < drivers->n; i++) {
		const struct tk_node *dr = drivers->items[i], *alloc;
		struct sc_csidriver *out = &cn.drivers[cn.ndrivers];
		long long count = -1;

		if (dr->kind != TK_MAP) {
			free(cn.drivers);
			return tk_node_error(file, dr, d, "drivers item must be a map");
		}
		if (get_string(c, file, dr, "name", &out->name, d) < 0 ||
		    get_field(file, dr, "allocatable", TK_MAP, &alloc, d) < 0 ||
		    (alloc && tk_get(alloc, "count") && tk_get(alloc, "count")->kind != TK_NULL &&
		     tk_get_int(file, alloc, "count", false, 0, INT32_MAX, &count, d) < 0)) {
			free(cn.drivers);
			return -1;
		}
		if (!out->name)
			continue;
		out->count = count;
		cn.ndrivers++;
	}
	c->vols.csinodes = xreallocarray(c->vols.csinodes, c->vols.ncsinode + 1, sizeof(*c->vols.csinodes));
	c->vols.csinodes[c->vols.ncsinode++] = cn;
	return 0;
}

/* storage.k8s.io/v1 VolumeAttachment: a PersistentVolume attached (or
 * being attached) to a node by its attacher */
static int volattach_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d)
{
	struct sc_volattach va = { 0 };
	const struct tk_node *spec, *src;

	if (get_field(file, item, "spec", TK_MAP, &spec, d) < 0 ||
	    (spec && (get_string(c, file, spec, "nodeName", &va.node, d) < 0 ||
		      get_string(c, file, spec, "attacher", &va.attacher, d) < 0 ||
		      get_field(file, spec, "source", TK_MAP, &src, d) < 0)) ||
	    (spec && src && get_string(c, file, src, "persistentVolumeName", &va.pv, d) < 0))
		return -1;
	/* an inline volume's attachment names no PersistentVolume: not counted */
	if (!va.node || !va.attacher || !*va.attacher || !va.pv)
		return 0;
	c->vols.attach = xreallocarray(c->vols.attach, c->vols.nattach + 1, sizeof(*c->vols.attach));
	c->vols.attach[c->vols.nattach++] = va;
	return 0;
}

/* ---- lookups of the dump's claims, volumes and classes ---- */

/* Pointers into c->vols' arrays sorted by their key's interned pointers,
 * then by place (the first listed wins, as a scan would find it). */
struct sc_volindex {
	bool valid;
	const struct sc_pvc **pvc;
	const struct sc_pv **pv;
	const struct sc_storageclass **cls;
};

static void volindex_free(struct sc_volindex *ix)
{
	if (!ix)
		return;
	free(ix->pvc);
	free(ix->pv);
	free(ix->cls);
	free(ix);
}

static int ptr_cmp(const void *a, const void *b)
{
	return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

static int pvc_cmp(const void *a, const void *b)
{
	const struct sc_pvc *x = *(const struct sc_pvc *const *)a, *y = *(const struct sc_pvc *const *)b;
	int r = ptr_cmp(x->ns, y->ns);

	return r ? r : (r = ptr_cmp(x->name, y->name)) ? r : ptr_cmp(x, y);
}

static int pv_cmp(const void *a, const void *b)
{
	const struct sc_pv *x = *(const struct sc_pv *const *)a, *y = *(const struct sc_pv *const *)b;
	int r = ptr_cmp(x->name, y->name);

	return r ? r : ptr_cmp(x, y);
}

static int class_cmp(const void *a, const void *b)
{
	const struct sc_storageclass *x = *(const struct sc_storageclass *const *)a;
	const struct sc_storageclass *y = *(const struct sc_storageclass *const *)b;
	int r = ptr_cmp(x->name, y->name);

	return r ? r : ptr_cmp(x, y);
}

static struct sc_volindex *volindex(const struct sc_cluster *c)
{
	struct sc_volindex *ix = c->vols.index;
	size_t i;

	if (!ix || ix->valid)
		return ix;
	free(ix->pvc);
	free(ix->pv);
	free(ix->cls);
	ix->pvc = xcalloc(c->vols.npvc + 1, sizeof(*ix->pvc));
	ix->pv = xcalloc(c->vols.npv + 1, sizeof(*ix->pv));
	ix->cls = xcalloc(c->vols.nclass + 1, sizeof(*ix->cls));
	for (i = 0; i < c->vols.npvc; i++)
		ix->pvc[i] = &c->vols.pvc[i];
	for (i = 0; i < c->vols.npv; i++)
		ix->pv[i] = &c->vols.pv[i];
	for (i = 0; i < c->vols.nclass; i++)
		ix->cls[i] = &c->vols.classes[i];
	qsort(ix->pvc, c->vols.npvc, sizeof(*ix->pvc), pvc_cmp);
	qsort(ix->pv, c->vols.npv, sizeof(*ix->pv), pv_cmp);
	qsort(ix->cls, c->vols.nclass, sizeof(*ix->cls), class_cmp);
	ix->valid = true;
	return ix;
}

const struct sc_pvc *sc_find_pvc(const struct sc_cluster *c, const char *ns, const char *name)
{
	const struct sc_volindex *ix = volindex(c);
	size_t lo = 0, hi = c->vols.npvc;

	if (!ix)
		return NULL;
	while (lo < hi) {   /* the first not below (ns, name) */
		size_t mid = lo + (hi - lo) / 2;
		const struct sc_pvc *p = ix->pvc[mid];
		int r = ptr_cmp(p->ns, ns);

		if ((r ? r : ptr_cmp(p->name, name)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->vols.npvc && ix->pvc[lo]->ns == ns && ix->pvc[lo]->name == name ? ix->pvc[lo] : NULL;
}

const struct sc_pv *sc_find_pv(const struct sc_cluster *c, const char *name)
{
	const struct sc_volindex *ix = volindex(c);
	size_t lo = 0, hi = c->vols.npv;

	if (!ix)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ptr_cmp(ix->pv[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->vols.npv && ix->pv[lo]->name == name ? ix->pv[lo] : NULL;
}

const struct sc_storageclass *sc_find_class(const struct sc_cluster *c, const char *name)
{
	const struct sc_volindex *ix = volindex(c);
	size_t lo = 0, hi = c->vols.nclass;

	if (!ix)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ptr_cmp(ix->cls[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->vols.nclass && ix->cls[lo]->name == name ? ix->cls[lo] : NULL;
}

int sc_volume_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d)
{
	const struct tk_node *meta, *spec, *v;
	const char *kind = tk_str(tk_get(item, "kind")), *ns = NULL, *name = NULL, *vol = NULL, *vol2 = NULL;

	if (!kind || (strcmp(kind, "PersistentVolume") != 0 && strcmp(kind, "PersistentVolumeClaim") != 0 &&
		      strcmp(kind, "StorageClass") != 0 && strcmp(kind, "CSINode") != 0 &&
		      strcmp(kind, "VolumeAttachment") != 0))
		return 0;
	/* what sc_find_* sorted may move or grow */
	if (!c->vols.index)
		c->vols.index = xcalloc(1, sizeof(*c->vols.index));
	c->vols.index->valid = false;
	if (strcmp(kind, "StorageClass") == 0)
		return storage_class_item(c, file, item, d);
	if (strcmp(kind, "CSINode") == 0)
		return csinode_item(c, file, item, d);
	if (strcmp(kind, "VolumeAttachment") == 0)
		return volattach_item(c, file, item, d);
	if (get_field(file, item, "metadata", TK_MAP, &meta, d) < 0 ||
	    get_field(file, item, "spec", TK_MAP, &spec, d) < 0 ||
	    (meta && (get_string(c, file, meta, "namespace", &ns, d) < 0 ||
		      get_string(c, file, meta, "name", &name, d) < 0)))
		return -1;
	if (!name)
		return tk_node_error(file, item, d, "%s without metadata.name", kind);
	if (strcmp(kind, "PersistentVolumeClaim") == 0) {
		struct sc_pvc pvc = { 0 };
		const struct tk_node *ann;

		if ((spec && (get_string(c, file, spec, "volumeName", &vol, d) < 0 ||
			      get_string(c, file, spec, "storageClassName", &pvc.class, d) < 0)) ||
		    get_field(file, meta, "annotations", TK_MAP, &ann, d) < 0)
			return -1;
		/* GetPersistentVolumeClaimClass: the beta annotation wins */
		if (ann && get_string(c, file, ann, "volume.beta.kubernetes.io/storage-class", &vol2, d) < 0)
			return -1;
		if (vol2)
			pvc.class = vol2;
		if (!pvc.class)
			pvc.class = sc_intern_str(&c->strs, "");
		v = spec ? tk_get(spec, "accessModes") : NULL;
		if (v && v->kind != TK_NULL) {
			size_t k;

			if (v->kind != TK_SEQ)
				return tk_node_error(file, v, d, "accessModes must be a list, not %s", tk_kind_name(v->kind));
			for (k = 0; k < v->n; k++) {
				const char *mode = tk_scalar_text(v->items[k]);

				if (tk_is_scalar(v->items[k]) && mode && strcmp(mode, "ReadWriteOncePod") == 0)
					pvc.rwop = true;
			}
		}
		pvc.ns = ns ? ns : sc_intern_str(&c->strs, "default");
		pvc.name = name;
		pvc.volume = vol && *vol ? vol : NULL;
		pvc.bind_completed = tk_get(ann, "pv.kubernetes.io/bind-completed") != NULL;
		v = tk_get(meta, "deletionTimestamp");
		pvc.deleting = v && v->kind != TK_NULL;
		v = tk_path(item, "status.phase");
		pvc.lost = tk_str(v) && strcmp(tk_str(v), "Lost") == 0;
		c->vols.pvc = xreallocarray(c->vols.pvc, c->vols.npvc + 1, sizeof(*c->vols.pvc));
		c->vols.pvc[c->vols.npvc++] = pvc;
		return 0;
	} else {
		struct sc_pv pv = { 0 };
		const struct tk_node *req = NULL, *ref = NULL;

		pv.name = name;
		if (sc_lset_from_node(c, file, tk_get(meta, "labels"), &pv.lset, d) < 0 ||
		    (spec && get_string(c, file, spec, "storageClassName", &pv.class, d) < 0) ||
		    (spec && get_field(file, spec, "claimRef", TK_MAP, &ref, d) < 0) ||
		    (ref && (get_string(c, file, ref, "namespace", &pv.claim_ns, d) < 0 ||
			     get_string(c, file, ref, "name", &pv.claim, d) < 0)))
			return -1;
		if (!pv.class)
			pv.class = sc_intern_str(&c->strs, "");
		if (spec) {
			const struct tk_node *csi, *ebs;
			const char *id = NULL;

			if (get_field(file, spec, "csi", TK_MAP, &csi, d) < 0 ||
			    (csi && (get_string(c, file, csi, "driver", &pv.csi_driver, d) < 0 ||
				     get_string(c, file, csi, "volumeHandle", &pv.csi_handle, d) < 0)) ||
			    get_field(file, spec, "awsElasticBlockStore", TK_MAP, &ebs, d) < 0 ||
			    (ebs && get_string(c, file, ebs, "volumeID", &id, d) < 0))
				return -1;
			if (id)
				pv.ebs_handle = ebs_handle(c, id);
		}
		if (ref && !pv.claim_ns)
			pv.claim_ns = sc_intern_str(&c->strs, "");
		if (ref && !pv.claim)
			pv.claim = sc_intern_str(&c->strs, "");
		v = spec ? tk_get(spec, "nodeAffinity") : NULL;
		if (v && v->kind != TK_NULL) {
			if (v->kind != TK_MAP)
				return tk_node_error(file, v, d, "nodeAffinity must be a map, not %s", tk_kind_name(v->kind));
			if (get_field(file, v, "required", TK_MAP, &req, d) < 0)
				return -1;
		}
		if (req) {
			pv.has_required = true;
			if (read_terms(c, file, req, &pv.terms, &pv.nterms, d) < 0) {
				uint32_t j;

				for (j = 0; j < pv.nterms; j++)
					sc_sel_release(&pv.terms[j]);
				free(pv.terms);
				return -1;
			}
		}
		c->vols.pv = xreallocarray(c->vols.pv, c->vols.npv + 1, sizeof(*c->vols.pv));
		c->vols.pv[c->vols.npv++] = pv;
		return 0;
	}
}
