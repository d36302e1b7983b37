/* doc.c - YAML/JSON documents with positions, bounded (see doc.h).
 *
 * libyaml's event parser drives one builder with an explicit stack, so
 * nesting never recurses. The same builder serves the tree loader and the
 * streaming walker: in streaming mode the items of a top-level `items:`
 * sequence are handed to the caller and freed as soon as each is complete.
 *
 * Bounds: the read handler counts input bytes and the bytes read since the
 * last event, so neither a huge file nor one huge scalar (which libyaml
 * buffers whole) can take unbounded memory; aliases share nodes (never
 * copied) and every document's expanded node count and height are capped,
 * so consumers walking a tree cannot be made to loop for ever.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "diag.h"
#include "doc.h"
#include "doc-internal.h"
#include "xalloc.h"

const struct tk_limits tk_default_limits = {
	.max_depth = 256,
	.max_scalar = 4u << 20,
	.max_input = 64u << 20,
	.max_nodes = 500000,
};

/* ---- string hash set (anchors, duplicate keys of big maps) ---- */

static size_t str_hash(const char *s)
{
	size_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct strmap_slot *strmap_find(struct strmap *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = str_hash(key) & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->slots[i].key, key))
			return &m->slots[i];
	return &m->slots[i];
}

/* Insert or replace; key is borrowed and must outlive the map. */
static void strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		size_t i;

		m->cap = old.cap ? old.cap * 2 : 16;
		m->n = 0;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		for (i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				strmap_put(m, old.slots[i].key, old.slots[i].val);
		free(old.slots);
	}
	s = strmap_find(m, key);
	if (!s->key) {
		s->key = key;
		m->n++;
	}
	s->val = val;
}

static void *strmap_get(struct strmap *m, const char *key)
{
	struct strmap_slot *s = strmap_find(m, key);

	return s && s->key ? s->val : NULL;
}

static void strmap_release(struct strmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

/* ---- nodes ---- */

/* Nodes and small item/key arrays come from per-thread blocks, and freed
 * ones are kept for reuse: streaming a dump builds and frees the same shape
 * of item over and over, and a 1,024-CPU topology is 9,000 nodes and 2,000
 * arrays, for which malloc (its calls and its headers) was a fifth of the
 * time and a tenth of the pages touched. tk_doc_thread_release returns the
 * blocks (spread-check lint parses files on several threads). */
struct slab_block {
	struct slab_block *next;
	size_t used, cap;
	unsigned char bytes[];
};
static _Thread_local struct slab_block *slab_blocks;
static _Thread_local struct tk_node *spare_nodes;
#define SLAB_FIRST (4u << 10)
#define SLAB_MAX (512u << 10)

/* Under AddressSanitizer every piece is a block of its own, so that a write
 * past a node or an array still hits a redzone. */
#if defined(__SANITIZE_ADDRESS__)
#define SLAB_EXACT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_EXACT 1
#endif
#endif
#ifndef SLAB_EXACT
#define SLAB_EXACT 0
#endif

/* size bytes, aligned as a pointer; never freed alone */
static void *slab_take(size_t size)
{
	struct slab_block *blk = slab_blocks;

	size = (size + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
	if (!blk || blk->cap - blk->used < size) {
		/* blocks double, so a small document pays for a small block */
		size_t cap = blk ? (blk->cap < SLAB_MAX ? blk->cap * 2 : blk->cap) : SLAB_FIRST;

		if (cap < size || SLAB_EXACT)
			cap = size;
		blk = xmalloc(sizeof(*blk) + cap);
		blk->next = slab_blocks;
		blk->used = 0;
		blk->cap = cap;
		slab_blocks = blk;
	}
	blk->used += size;
	return blk->bytes + blk->used - size;
}

static struct tk_node *node_take(void)
{
	if (spare_nodes) {
		struct tk_node *n = spare_nodes;

		/* the spare list is linked through the items field */
		spare_nodes = n->items ? (struct tk_node *)n->items : NULL;
		return n;
	}
	return slab_take(sizeof(struct tk_node));
}

static struct tk_node *node_new(enum tk_kind kind, const yaml_mark_t *mark)
{
	struct tk_node *n = node_take();

	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = (unsigned)mark->line + 1;
	n->col = (unsigned)mark->column + 1;
	n->refs = 1;
	if (kind == TK_SEQ || kind == TK_MAP) {
		n->weight = 1;
		n->height = 1;
	}
	return n;
}

/* Nodes in n's subtree, aliases expanded (a scalar's is itself). */
static size_t node_weight(const struct tk_node *n)
{
	return n->kind == TK_SEQ || n->kind == TK_MAP ? n->weight : 1;
}

/* Nesting levels below and including n (a scalar's is 1). */
static size_t node_height(const struct tk_node *n)
{
	return n->kind == TK_SEQ || n->kind == TK_MAP ? n->height : 1;
}

/* Item and key arrays grow by doubling from 4 (container_append), so the
 * capacity follows from the count. Freed ones are kept for reuse by
 * capacity, as nodes are: the same shapes come back item after item, and
 * malloc'd arrays freed long after they were allocated fragmented the heap
 * that libyaml allocates every token from. The small classes (most maps
 * and lists) come from the slab; larger ones are malloc'd and at most
 * ARR_SPARE_BYTES a class is kept. */
#define ARR_CLASSES 16
#define ARR_SLAB_CLASSES 3   /* capacities 4, 8, 16 */
#define ARR_SPARE_BYTES (256u << 10)
static _Thread_local void *spare_arrs[ARR_CLASSES];
static _Thread_local size_t nspare_arrs[ARR_CLASSES];

static size_t arr_cap(size_t n)
{
	size_t cap = 4;

	while (cap < n)
		cap *= 2;
	return cap;
}

static unsigned arr_class(size_t cap)
{
	unsigned c = 0;

	while (((size_t)4 << c) < cap)
		c++;
	return c;
}

static struct tk_node **arr_new(size_t cap)
{
	unsigned c = arr_class(cap);
	void *a;

	if (c < ARR_CLASSES && spare_arrs[c]) {
		a = spare_arrs[c];
		spare_arrs[c] = *(void **)a;
		nspare_arrs[c]--;
		return a;
	}
	if (c < ARR_SLAB_CLASSES)
		return slab_take(cap * sizeof(struct tk_node *));
	return xreallocarray(NULL, cap, sizeof(struct tk_node *));
}

static void arr_free(struct tk_node **a, size_t cap)
{
	unsigned c = arr_class(cap);

	if (!a)
		return;
	if (c < ARR_SLAB_CLASSES ||
	    (c < ARR_CLASSES && (nspare_arrs[c] + 1) * cap * sizeof(*a) <= ARR_SPARE_BYTES)) {
		*(void **)a = spare_arrs[c];
		spare_arrs[c] = a;
		nspare_arrs[c]++;
		return;
	}
	free(a);
}

void tk_doc_thread_release(void)
{
	unsigned c;

	for (c = 0; c < ARR_CLASSES; c++) {
		/* the slab classes' arrays go with the blocks below */
		while (c >= ARR_SLAB_CLASSES && spare_arrs[c]) {
			void *a = spare_arrs[c];

			spare_arrs[c] = *(void **)a;
			free(a);
		}
		spare_arrs[c] = NULL;
		nspare_arrs[c] = 0;
	}
	while (slab_blocks) {
		struct slab_block *blk = slab_blocks;

		slab_blocks = blk->next;
		free(blk);
	}
	spare_nodes = NULL;
}

/* Free a scalar whose last reference went. */
static void scalar_release(struct tk_node *n)
{
	if (n->text != n->small)
		free(n->text);
	n->items = (struct tk_node **)spare_nodes;
	spare_nodes = n;
}

static void node_unref(struct tk_node *n)
{
	/* explicit stack: shared subtrees make recursion depth unpredictable;
	 * scalars are freed on the spot, so it holds containers only */
	struct tk_node **stack;
	size_t sp = 0, cap = 16;

	if (!n || --n->refs)
		return;
	if (n->kind != TK_SEQ && n->kind != TK_MAP) {
		scalar_release(n);
		return;
	}
	stack = xmalloc(cap * sizeof(*stack));
	stack[sp++] = n;
	while (sp) {
		struct tk_node *cur = stack[--sp];
		size_t i;

		for (i = 0; i < cur->n; i++) {
			struct tk_node *kids[2] = { cur->items[i], cur->keys ? cur->keys[i] : NULL };
			size_t k;

			for (k = 0; k < 2; k++) {
				if (!kids[k] || --kids[k]->refs)
					continue;
				if (kids[k]->kind != TK_SEQ && kids[k]->kind != TK_MAP) {
					scalar_release(kids[k]);
					continue;
				}
				if (sp == cap)
					stack = xreallocarray(stack, cap *= 2, sizeof(*stack));
				stack[sp++] = kids[k];
			}
		}
		arr_free(cur->items, arr_cap(cur->n));
		arr_free(cur->keys, arr_cap(cur->n));
		cur->items = (struct tk_node **)spare_nodes;
		spare_nodes = cur;
	}
	free(stack);
}

/* Set n's text to a copy of s[0..len) (a NUL follows). Short texts live in
 * the node itself: most scalars are short, and a malloc'd text freed long
 * after it was allocated took the slow paths of malloc and free. */
static void node_set_text(struct tk_node *n, const char *s, size_t len)
{
	if (n->text != n->small)
		free(n->text);
	n->text = len < sizeof(n->small) ? n->small : xmalloc(len + 1);
	memcpy(n->text, s, len);
	n->text[len] = '\0';
	n->len = len;
}

static bool text_in(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* Integer as go-yaml v2 resolves it: strconv.ParseInt(s, 0, 64) after
 * dropping '_' (sign, 0x, 0o, 0b, leading-0 octal). */
static bool resolve_int(const char *text, long long *out)
{
	char buf[80];
	const char *p;
	size_t k = 0;
	bool neg = false;
	unsigned base = 10;
	unsigned long long v = 0, lim;

	for (p = text; *p; p++) {
		if (*p == '_')
			continue;
		if (k + 1 >= sizeof(buf))
			return false;
		buf[k++] = *p;
	}
	buf[k] = '\0';
	p = buf;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16, p += 2;
	else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O'))
		base = 8, p += 2;
	else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B'))
		base = 2, p += 2;
	else if (p[0] == '0' && p[1])
		base = 8, p += 1;
	if (!*p)
		return false;
	lim = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (*p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return false;
		if (d >= base)
			return false;
		if (v > (lim - d) / base)
			return false;
		v = v * base + d;
	}
	*out = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

/* Float as go-yaml v2's yaml 1.1 float pattern (plus .inf/.nan). */
static bool resolve_float(const char *s, double *out)
{
	static const char *const pinf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
	static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
	static const char *const nan_[] = { ".nan", ".NaN", ".NAN", NULL };
	const char *p = s;
	bool digits = false;
	char *end;

	if (text_in(s, pinf)) {
		*out = INFINITY;
		return true;
	}
	if (text_in(s, ninf)) {
		*out = -INFINITY;
		return true;
	}
	if (text_in(s, nan_)) {
		*out = NAN;
		return true;
	}
	if (*p == '+' || *p == '-')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
		digits = true;
	} else {
		while (*p >= '0' && *p <= '9')
			p++, digits = true;
		if (!digits)
			return false;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	return true;
}

/* The null and bool words of go-yaml v2 (resolve.go's resolveTable). */
static const struct {
	const char *text;
	unsigned char len;
	enum tk_kind kind;
	bool b;
} words[] = {
	{ "", 0, TK_NULL, false }, { "~", 1, TK_NULL, false },
	{ "null", 4, TK_NULL, false }, { "Null", 4, TK_NULL, false }, { "NULL", 4, TK_NULL, false },
	{ "y", 1, TK_BOOL, true }, { "Y", 1, TK_BOOL, true }, { "yes", 3, TK_BOOL, true },
	{ "Yes", 3, TK_BOOL, true }, { "YES", 3, TK_BOOL, true }, { "true", 4, TK_BOOL, true },
	{ "True", 4, TK_BOOL, true }, { "TRUE", 4, TK_BOOL, true }, { "on", 2, TK_BOOL, true },
	{ "On", 2, TK_BOOL, true }, { "ON", 2, TK_BOOL, true },
	{ "n", 1, TK_BOOL, false }, { "N", 1, TK_BOOL, false }, { "no", 2, TK_BOOL, false },
	{ "No", 2, TK_BOOL, false }, { "NO", 2, TK_BOOL, false }, { "false", 5, TK_BOOL, false },
	{ "False", 5, TK_BOOL, false }, { "FALSE", 5, TK_BOOL, false }, { "off", 3, TK_BOOL, false },
	{ "Off", 3, TK_BOOL, false }, { "OFF", 3, TK_BOOL, false },
};

static void scalar_resolve(struct tk_node *n)
{
	size_t i;

	n->kind = TK_STR;
	if (n->quoted || memchr(n->text, '\0', n->len))
		return;
	/* No null/bool word is longer than 5 bytes or starts with another
	 * letter, and go-yaml v2 only tries numbers for a first byte of
	 * [0-9+-.]: most strings (every key) skip the comparisons below. */
	if (n->len <= 5 && (!n->len || strchr("~nNyYtTfFoO", n->text[0]))) {
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (words[i].len == n->len && !memcmp(words[i].text, n->text, n->len)) {
				n->kind = words[i].kind;
				n->v.b = words[i].b;
				return;
			}
		}
	}
	if (!n->text[0] || !strchr("0123456789+-.", n->text[0]))
		return;
	else if (resolve_int(n->text, &n->v.i))
		n->kind = TK_INT;
	else if (resolve_float(n->text, &n->v.f))
		n->kind = TK_FLOAT;
}

/* ---- reading ---- */

int doc_read(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
	struct reader *r = data;
	size_t n;

	if (r->end_at && r->total >= r->end_at) {
		*size_read = 0;
		return 1;
	}
	if (r->end_at && size > r->end_at - r->total)
		size = r->end_at - r->total;
	if (r->total >= r->max_input) {
		/* one probe byte past the limit tells "too large" from "exactly full" */
		unsigned char c;

		if ((r->fp && fread(&c, 1, 1, r->fp) == 1) || (!r->fp && r->memoff < r->memlen)) {
			r->over = 1;
			return 0;
		}
		*size_read = 0;
		return 1;
	}
	if (r->since_event > r->max_burst) {
		r->over = 2;
		return 0;
	}
	if (size > r->max_input - r->total)
		size = r->max_input - r->total;
	if (size > 65536)
		size = 65536;
	if (r->fp) {
		n = fread(buf, 1, size, r->fp);
		if (n == 0 && ferror(r->fp)) {
			r->over = 3;
			r->saved_errno = errno;
			return 0;
		}
	} else {
		n = r->memlen - r->memoff < size ? r->memlen - r->memoff : size;
		memcpy(buf, r->mem + r->memoff, n);
		r->memoff += n;
	}
	r->total += n;
	r->since_event += n;
	*size_read = n;
	return 1;
}

/* ---- the builder ---- */

static int fail_at(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail_at(struct builder *b, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tk_diag_set(b->d, b->file, m ? (unsigned)m->line + 1 : 0, m ? (unsigned)m->column + 1 : 0,
		    "%s", msg);
	return -1;
}

static void anchors_clear(struct builder *b)
{
	size_t i;

	/* the map's keys are the names: drop the nodes first, then the names */
	for (i = 0; i < b->anchors.cap; i++)
		if (b->anchors.slots[i].key)
			node_unref(b->anchors.slots[i].val);
	for (i = 0; i < b->nanchor_names; i++)
		free(b->anchor_names[i]);
	free(b->anchor_names);
	b->anchor_names = NULL;
	b->nanchor_names = 0;
	strmap_release(&b->anchors);
}

static void anchor_register(struct builder *b, const char *name, struct tk_node *n)
{
	struct strmap_slot *s = strmap_find(&b->anchors, name);

	n->refs++;
	if (s && s->key) {  /* redefinition: the latest wins */
		node_unref(s->val);
		s->val = n;
		return;
	}
	b->anchor_names = xreallocarray(b->anchor_names, b->nanchor_names + 1, sizeof(char *));
	b->anchor_names[b->nanchor_names] = xstrdup(name);
	strmap_put(&b->anchors, b->anchor_names[b->nanchor_names], n);
	b->nanchor_names++;
}

static bool key_equal(const struct tk_node *a, const struct tk_node *b)
{
	return a->len == b->len && !memcmp(a->text, b->text, a->len);
}

static int map_find_key(struct frame *f, const struct tk_node *key)
{
	size_t i;

	if (f->keyset.n || f->node->n > 16) {
		if (!f->keyset.n)
			for (i = 0; i < f->node->n; i++)
				strmap_put(&f->keyset, f->node->keys[i]->text, (void *)(i + 1));
		return (int)(uintptr_t)strmap_get(&f->keyset, key->text) - 1;
	}
	for (i = 0; i < f->node->n; i++)
		if (key_equal(f->node->keys[i], key))
			return (int)i;
	return -1;
}

static void container_append(struct frame *f, struct tk_node *key, struct tk_node *val)
{
	struct tk_node *c = f->node;
	size_t add;

	if (c->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 4;
		struct tk_node **items = arr_new(cap);

		if (c->n)
			memcpy(items, c->items, c->n * sizeof(*items));
		arr_free(c->items, f->cap);
		c->items = items;
		if (c->kind == TK_MAP) {
			struct tk_node **keys = arr_new(cap);

			if (c->n)
				memcpy(keys, c->keys, c->n * sizeof(*keys));
			arr_free(c->keys, f->cap);
			c->keys = keys;
		}
		f->cap = cap;
	}
	c->items[c->n] = val;
	if (c->kind == TK_MAP) {
		c->keys[c->n] = key;
		if (f->keyset.n)
			strmap_put(&f->keyset, key->text, (void *)((size_t)c->n + 1));
	}
	c->n++;
	add = node_weight(val) + (key ? 1 : 0);
	c->weight = add < UINT32_MAX - c->weight ? c->weight + (uint32_t)add : UINT32_MAX;
	if (node_height(val) + 1 > c->height)
		c->height = (uint32_t)node_height(val) + 1;
}

/* Normalize a plain key the way sigs.k8s.io/yaml turns YAML keys into JSON
 * object keys: bools and ints by their value. */
static void key_normalize(struct tk_node *k)
{
	char buf[32];

	if (k->kind == TK_BOOL)
		snprintf(buf, sizeof(buf), "%s", k->v.b ? "true" : "false");
	else if (k->kind == TK_INT)
		snprintf(buf, sizeof(buf), "%lld", k->v.i);
	else
		return;
	node_set_text(k, buf, strlen(buf));
	k->kind = TK_STR;
}

static int deliver_item(struct builder *b, struct tk_node *item)
{
	int rc = 0;

	if (b->hold) {
		b->produced++;
		b->doc_weight = b->doc_weight > node_weight(item) ? b->doc_weight - node_weight(item) : 0;
		/* the YAML fast path passed it on before it gave the document up */
		if (b->redeliver_skip) {
			b->redeliver_skip--;
			node_unref(item);
			return 0;
		}
		if (b->nheld == b->held_cap) {
			b->held_cap = b->held_cap ? b->held_cap * 2 : 16;
			b->held = xreallocarray(b->held, b->held_cap, sizeof(*b->held));
		}
		b->held[b->nheld].item = item;
		b->held[b->nheld++].end = b->offset;
		return 0;
	}
	/* reading again with libyaml after the JSON fast path gave up: the
	 * callback has seen the first items already */
	if (b->redeliver_skip)
		b->redeliver_skip--;
	else
		rc = b->fn(item, b->file, b->arg);
	b->delivered++;

	/* the node budget is per item when streaming */
	b->doc_weight = b->doc_weight > node_weight(item) ? b->doc_weight - node_weight(item) : 0;

	node_unref(item);
	if (rc) {
		b->fn_rc = rc;
		return 1;
	}
	return 0;
}

/* Attach a finished value to the container on top of the stack, or make it
 * the document root. Returns 0, -1 error, 1 stop requested by the callback. */
static int attach(struct builder *b, struct tk_node *val, const yaml_mark_t *m)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = val;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->kind == TK_SEQ) {
		if (f->streaming)
			return deliver_item(b, val);
		container_append(f, NULL, val);
		return 0;
	}
	if (!f->key) {
		if (val->kind == TK_SEQ || val->kind == TK_MAP) {
			node_unref(val);
			return fail_at(b, m, "a mapping key must be a scalar");
		}
		key_normalize(val);
		f->key = val;
		return 0;
	}
	if (!f->key->quoted && f->key->len == 2 && !strcmp(f->key->text, "<<") &&
	    (val->kind == TK_MAP || val->kind == TK_SEQ)) {
		f->merges = xreallocarray(f->merges, f->nmerges + 1, sizeof(*f->merges));
		f->merges[f->nmerges++] = val;
		node_unref(f->key);
		f->key = NULL;
		return 0;
	}
	if (map_find_key(f, f->key) >= 0) {
		int rc = tk_diag_set(b->d, b->file, f->key->line, f->key->col,
				     "duplicate key '%s'", f->key->text);

		node_unref(val);
		return rc;
	}
	/* tk_doc_stream_skip: the document root's kind decides */
	if (b->skip && b->depth == 1 && val->kind == TK_STR && !strcmp(f->key->text, "kind") &&
	    b->skip(val->text, b->arg)) {
		b->skipping = true;
		b->skip_nest = 0;
	}
	container_append(f, f->key, val);
	f->key = NULL;
	return 0;
}

/* Apply "<<" merges: keys from merged maps that the map does not set. */
static int apply_merges(struct builder *b, struct frame *f, const yaml_mark_t *m)
{
	size_t i, j, k;

	for (i = 0; i < f->nmerges; i++) {
		struct tk_node *src = f->merges[i];
		size_t nsrc = src->kind == TK_SEQ ? src->n : 1;

		for (j = 0; j < nsrc; j++) {
			struct tk_node *mp = src->kind == TK_SEQ ? src->items[j] : src;

			if (mp->kind != TK_MAP)
				return fail_at(b, m, "a merge key '<<' needs a mapping or a list of mappings");
			for (k = 0; k < mp->n; k++) {
				if (map_find_key(f, mp->keys[k]) >= 0)
					continue;
				mp->keys[k]->refs++;
				mp->items[k]->refs++;
				container_append(f, mp->keys[k], mp->items[k]);
				b->doc_weight += node_weight(mp->items[k]);
			}
		}
	}
	return 0;
}

static void frame_release(struct frame *f)
{
	size_t i;

	node_unref(f->node);
	node_unref(f->key);
	for (i = 0; i < f->nmerges; i++)
		node_unref(f->merges[i]);
	free(f->merges);
	free(f->anchor);
	strmap_release(&f->keyset);
}

static int check_weight(struct builder *b, const yaml_mark_t *m)
{
	if (b->doc_weight > b->lim->max_nodes)
		return fail_at(b, m, "document too large: more than %zu values after alias expansion",
			       b->lim->max_nodes);
	return 0;
}

static int push(struct builder *b, enum tk_kind kind, const yaml_mark_t *m, const yaml_char_t *anchor)
{
	struct frame *f;

	if (b->depth >= b->lim->max_depth)
		return fail_at(b, m, "nesting too deep (limit %u levels)", b->lim->max_depth);
	if (b->depth == b->stack_cap) {
		b->stack_cap = b->stack_cap ? b->stack_cap * 2 : 16;
		b->stack = xreallocarray(b->stack, b->stack_cap, sizeof(*b->stack));
	}
	f = &b->stack[b->depth];
	memset(f, 0, sizeof(*f));
	f->node = node_new(kind, m);
	f->anchor = anchor ? xstrdup((const char *)anchor) : NULL;
	/* streaming: the sequence under the top-level key "items" */
	if (b->fn && kind == TK_SEQ && b->depth == 1 && b->stack[0].node->kind == TK_MAP &&
	    b->stack[0].key && !strcmp(b->stack[0].key->text, "items")) {
		const struct tk_node *kind_node = NULL;
		size_t i;

		for (i = 0; i < b->stack[0].node->n; i++)
			if (!strcmp(b->stack[0].node->keys[i]->text, "kind"))
				kind_node = b->stack[0].node->items[i];
		if (!kind_node || (kind_node->kind == TK_STR && kind_node->len >= 4 &&
				   !strcmp(kind_node->text + kind_node->len - 4, "List")))
			f->streaming = true;
	}
	b->depth++;
	b->doc_weight++;
	return check_weight(b, m);
}

static int pop(struct builder *b, const yaml_mark_t *m)
{
	struct frame f = b->stack[--b->depth];
	struct tk_node *n = f.node;
	int rc;

	if (f.nmerges && apply_merges(b, &f, m)) {
		frame_release(&f);
		return -1;
	}
	if (f.anchor)
		anchor_register(b, f.anchor, n);
	if (f.streaming)
		b->streamed_items = true;
	f.node = NULL;
	frame_release(&f);
	rc = attach(b, n, m);
	if (rc < 0)
		return rc;
	if (check_weight(b, m))
		return -1;
	return rc;
}

static int on_scalar(struct builder *b, yaml_event_t *ev)
{
	struct tk_node *n = node_new(TK_STR, &ev->start_mark);

	if (ev->data.scalar.length > b->lim->max_scalar) {
		node_unref(n);
		return fail_at(b, &ev->start_mark, "value too large: %zu bytes (limit %zu)",
			       ev->data.scalar.length, b->lim->max_scalar);
	}
	if (ev->data.scalar.length < sizeof(n->small)) {
		node_set_text(n, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	} else {
		/* take libyaml's buffer instead of copying it (yaml_free is free) */
		n->text = (char *)ev->data.scalar.value;
		ev->data.scalar.value = NULL;
		n->len = ev->data.scalar.length;
	}
	n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
	if (ev->data.scalar.tag && !ev->data.scalar.plain_implicit && !ev->data.scalar.quoted_implicit &&
	    !strcmp((const char *)ev->data.scalar.tag, YAML_STR_TAG))
		n->quoted = true;  /* !!str 0 is a string */
	scalar_resolve(n);
	if (ev->data.scalar.anchor)
		anchor_register(b, (const char *)ev->data.scalar.anchor, n);
	b->doc_weight++;
	if (check_weight(b, &ev->start_mark)) {
		node_unref(n);
		return -1;
	}
	return attach(b, n, &ev->start_mark);
}

static int on_alias(struct builder *b, yaml_event_t *ev)
{
	struct tk_node *n = strmap_get(&b->anchors, (const char *)ev->data.alias.anchor);

	if (!n)
		return fail_at(b, &ev->start_mark, "unknown alias '*%s'", ev->data.alias.anchor);
	if (b->depth + node_height(n) > b->lim->max_depth)
		return fail_at(b, &ev->start_mark, "nesting too deep through alias '*%s' (limit %u levels)",
			       ev->data.alias.anchor, b->lim->max_depth);
	b->doc_weight += node_weight(n);
	if (check_weight(b, &ev->start_mark))
		return -1;
	n->refs++;
	return attach(b, n, &ev->start_mark);
}

static void builder_reset_doc(struct builder *b)
{
	while (b->depth)
		frame_release(&b->stack[--b->depth]);
	anchors_clear(b);
	b->doc_weight = 0;
}

/* For the YAML fast path: drop the document it was building, whose items
 * are those produced from produced_at_doc on. Those passed on already are
 * skipped when libyaml makes them again; the others are dropped. */
void doc_abandon_document(struct builder *b, size_t produced_at_doc)
{
	size_t released = b->delivered > produced_at_doc ? b->delivered - produced_at_doc : 0;
	size_t held = b->produced - produced_at_doc - released;

	while (held--)
		node_unref(b->held[--b->nheld].item);
	if (b->held_first > b->nheld)
		b->held_first = b->nheld;
	b->produced = produced_at_doc;
	b->redeliver_skip = released;
	builder_reset_doc(b);
	node_unref(b->root);
	b->root = NULL;
	b->skipping = false;
	b->skip_nest = 0;
	b->streamed_items = false;
}

/* For the YAML fast path: the one document in bytes [off, off + len) of the
 * input, by libyaml alone, its events shifted by line_base lines. Events
 * after the document's end are not passed on. Returns 0, 1 when the
 * callback stopped, -1 on any error (the caller then reads the whole input
 * again, for libyaml's own message at libyaml's own place). */
int doc_run_slice(struct builder *b, size_t off, size_t len, size_t line_base, size_t item_end)
{
	struct reader rd;
	yaml_parser_t p;
	yaml_event_t ev;
	bool ended = false;
	int rc = -1, d;

	memset(&rd, 0, sizeof(rd));
	rd.fp = b->rd.fp;
	rd.mem = b->rd.mem ? b->rd.mem + off : NULL;
	rd.memlen = len;
	rd.end_at = len;
	rd.max_input = len + 1;
	rd.max_burst = b->rd.max_burst;
	if ((rd.fp && fseek(rd.fp, (long)off, SEEK_SET) != 0) || !yaml_parser_initialize(&p))
		return -1;
	yaml_parser_set_input(&p, doc_read, &rd);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		rd.since_event = 0;
		if (ev.type == YAML_STREAM_START_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (ended) {
			rc = ev.type == YAML_DOCUMENT_START_EVENT || ev.type == YAML_STREAM_END_EVENT ? 0 : -1;
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		ev.start_mark.line += line_base;
		ev.end_mark.line += line_base;
		b->offset = item_end;
		d = doc_dispatch(b, &ev);
		ended = ev.type == YAML_DOCUMENT_END_EVENT;
		yaml_event_delete(&ev);
		if (d) {
			rc = d == 1 && b->fn_rc ? 1 : -1;
			break;
		}
	}
	yaml_parser_delete(&p);
	return rc;
}

static int parser_fail(struct builder *b)
{
	yaml_parser_t *p = &b->parser;
	const yaml_mark_t *m = &p->problem_mark;

	switch (b->rd.over) {
	case 1:
		return fail_at(b, NULL, "input too large (limit %zu bytes)", b->lim->max_input);
	case 2:
		return fail_at(b, &p->mark, "value too large (limit %zu bytes)", b->lim->max_scalar);
	case 3:
		return fail_at(b, NULL, "read error: %s", strerror(b->rd.saved_errno));
	}
	if (p->error == YAML_MEMORY_ERROR)
		return fail_at(b, NULL, "out of memory while parsing");
	if (p->error == YAML_READER_ERROR) {
		/* the reader knows only a byte offset; the mark is where parsing stopped */
		return fail_at(b, &p->mark, "invalid input at byte %zu: %s", p->problem_offset,
			       p->problem ? p->problem : "unreadable");
	}
	if (p->context)
		return fail_at(b, m, "invalid YAML: %s %s", p->problem ? p->problem : "syntax error",
			       p->context);
	return fail_at(b, m, "invalid YAML: %s", p->problem ? p->problem : "syntax error");
}

static void doc_add(struct tk_doc *doc, struct tk_node *root)
{
	doc->docs = xreallocarray(doc->docs, doc->ndocs + 1, sizeof(*doc->docs));
	doc->docs[doc->ndocs++] = root;
}

/* An event inside a skipped document: only nesting is followed. The end of
 * the root map drops the root, so the document ends empty. */
static int skip_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (b->depth + ++b->skip_nest > b->lim->max_depth)
			return fail_at(b, &ev->start_mark, "nesting too deep (limit %u levels)",
				       b->lim->max_depth);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->skip_nest) {
			b->skip_nest--;
			break;
		}
		b->skipping = false;
		frame_release(&b->stack[--b->depth]);
		break;
	default:
		break;
	}
	return 0;
}

/* One event into the builder (doc-internal.h). */
int doc_dispatch(struct builder *b, yaml_event_t *ev)
{
	int rc = 0;

	if (b->skipping)
		return skip_event(b, ev) ? -1 : 0;
	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 2;
	case YAML_DOCUMENT_START_EVENT:
		b->root = NULL;
		break;
	case YAML_DOCUMENT_END_EVENT: {
		struct tk_node *root = b->root;
		yaml_mark_t m = ev->start_mark;

		b->root = NULL;
		if (!root)
			root = node_new(TK_NULL, &m);
		if (b->fn) {
			/* a List's items went out one by one; other documents go whole */
			if (b->streamed_items || root->kind == TK_NULL)
				node_unref(root);
			else
				rc = deliver_item(b, root);
			b->streamed_items = false;
		} else {
			doc_add(b->doc, root);
		}
		builder_reset_doc(b);
		break;
	}
	case YAML_SCALAR_EVENT:
		rc = on_scalar(b, ev);
		break;
	case YAML_ALIAS_EVENT:
		rc = on_alias(b, ev);
		break;
	case YAML_SEQUENCE_START_EVENT:
		rc = push(b, TK_SEQ, &ev->start_mark, ev->data.sequence_start.anchor);
		break;
	case YAML_MAPPING_START_EVENT:
		rc = push(b, TK_MAP, &ev->start_mark, ev->data.mapping_start.anchor);
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		rc = pop(b, &ev->start_mark);
		break;
	default:
		break;
	}
	return rc < 0 ? -1 : rc;
}

/* Runs the parser over the whole input. Returns 0, -1 on error, or the
 * callback's non-zero stop value. */
static int run(struct builder *b)
{
	yaml_event_t ev;
	int rc;

	/* set up only now: most inputs never need it (the fast paths) */
	if (!yaml_parser_initialize(&b->parser))
		return fail_at(b, NULL, "out of memory");
	b->parser_ready = true;
	yaml_parser_set_input(&b->parser, doc_read, &b->rd);
	for (;;) {
		if (!yaml_parser_parse(&b->parser, &ev))
			return parser_fail(b);
		b->rd.since_event = 0;
		rc = doc_dispatch(b, &ev);
		yaml_event_delete(&ev);
		if (rc == 2)
			return 0;
		if (rc)
			return rc < 0 ? -1 : b->fn_rc;
	}
}

/* ---- JSON fast path ----
 *
 * libyaml reads JSON several times slower than a JSON parser (jansson
 * loads a topology in half the time), and kubectl dumps and topology
 * documents are JSON. json_run() reads plain JSON itself and feeds the
 * builder the very events libyaml would (same values, same positions), so
 * every rule of the builder (limits, duplicate keys, List streaming, kind
 * skipping) holds unchanged. It gives up on anything it is not sure libyaml
 * reads the same way (non-ASCII bytes, tabs, CR, rare escapes, long keys,
 * anything that is not JSON) and on every error; the caller then reads the
 * whole input again with libyaml, so that messages and results are libyaml's
 * exactly. When streaming, items already delivered are not delivered again
 * (builder.redeliver_skip). */

struct jscan {
	struct builder *b;
	unsigned char buf[65536];
	size_t pos, len;
	bool eof;
	size_t line, col;      /* of buf[pos], 0-based as libyaml's marks */
	size_t index;          /* input offset of buf[pos] */
	size_t frontier;       /* input bytes read and checked */
	char *str;             /* the scalar being read */
	size_t slen, scap;
};

static int jfill(struct jscan *j)
{
	size_t n = 0;

	if (j->eof)
		return -1;
	if (!doc_read(&j->b->rd, j->buf, sizeof(j->buf), &n))
		return -2;  /* too large or unreadable: libyaml says which */
	j->pos = 0;
	j->len = n;
	if (n == 0) {
		j->eof = true;
		return -1;
	}
	/* libyaml's reader checks every byte of a raw chunk as soon as it reads
	 * it, ahead of the scanner: give up at once on any byte it might reject
	 * (and on all non-ASCII), before passing on items it would not have */
	for (size_t i = 0; i < n; i++)
		if (j->buf[i] >= 0x7f || (j->buf[i] < 0x20 && j->buf[i] != '\n' && j->buf[i] != '\t' &&
					  j->buf[i] != '\r'))
			return -2;
	j->frontier += n;
	return j->buf[0];
}

/* The next byte, or -1 at the end, -2 to give up. */
static inline int jpeek(struct jscan *j)
{
	return j->pos < j->len ? j->buf[j->pos] : jfill(j);
}

static inline void jadvance(struct jscan *j)
{
	j->index++;
	if (j->buf[j->pos++] == '\n')
		j->line++, j->col = 0;
	else
		j->col++;
}

static int jskip_ws(struct jscan *j)
{
	int c;

	while ((c = jpeek(j)) == ' ' || c == '\n')
		jadvance(j);
	return c;
}

static void jput(struct jscan *j, char c)
{
	if (j->slen + 1 >= j->scap) {
		j->scap = j->scap ? j->scap * 2 : 256;
		j->str = xrealloc(j->str, j->scap);
	}
	j->str[j->slen++] = c;
}

static int jhex4(struct jscan *j, unsigned *out)
{
	unsigned v = 0;
	int k, c;

	for (k = 0; k < 4; k++) {
		c = jpeek(j);
		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -1;
		jadvance(j);
	}
	*out = v;
	return 0;
}

/* A double-quoted string (at '"') into j->str. */
static int jstring(struct jscan *j)
{
	int c;

	j->slen = 0;
	jadvance(j);
	for (;;) {
		c = jpeek(j);
		if (c == '"') {
			jadvance(j);
			break;
		}
		if (c < 0x20 || c >= 0x7f)
			return -1;  /* end, give up, control or non-ASCII byte */
		jadvance(j);
		if (c != '\\') {
			jput(j, (char)c);
			continue;
		}
		c = jpeek(j);
		if (c < 0)
			return -1;
		jadvance(j);
		switch (c) {
		case '"': jput(j, '"'); break;
		case '\\': jput(j, '\\'); break;
		case 'n': jput(j, '\n'); break;
		case 't': jput(j, '\t'); break;
		case 'r': jput(j, '\r'); break;
		case 'b': jput(j, '\b'); break;
		case 'f': jput(j, '\f'); break;
		case 'u': {
			unsigned u;

			/* BMP code points but NUL and surrogates, as UTF-8 */
			if (jhex4(j, &u) || u == 0 || (u >= 0xd800 && u <= 0xdfff))
				return -1;
			if (u < 0x80) {
				jput(j, (char)u);
			} else if (u < 0x800) {
				jput(j, (char)(0xc0 | (u >> 6)));
				jput(j, (char)(0x80 | (u & 0x3f)));
			} else {
				jput(j, (char)(0xe0 | (u >> 12)));
				jput(j, (char)(0x80 | ((u >> 6) & 0x3f)));
				jput(j, (char)(0x80 | (u & 0x3f)));
			}
			break;
		}
		default:
			return -1;
		}
	}
	jput(j, '\0');
	j->slen--;
	return 0;
}

/* true, false, null or a number (JSON's grammar) into j->str. */
static int jliteral(struct jscan *j)
{
	int c;

	j->slen = 0;
	while ((c = jpeek(j)) >= 0 && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
				       c == '+' || c == '.' || c == 'E')) {
		jput(j, (char)c);
		jadvance(j);
		if (j->slen > 64)
			return -1;
	}
	if (c == -2 || !(c < 0 || c == ' ' || c == '\n' || c == ',' || c == ']' || c == '}'))
		return -1;
	jput(j, '\0');
	j->slen--;
	if (!strcmp(j->str, "true") || !strcmp(j->str, "false") || !strcmp(j->str, "null"))
		return 0;
	{
		const char *p = j->str;

		if (*p == '-')
			p++;
		if (*p == '0')
			p++;
		else if (*p >= '1' && *p <= '9')
			while (*p >= '0' && *p <= '9')
				p++;
		else
			return -1;
		if (*p == '.') {
			if (*++p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		if (*p == 'e' || *p == 'E') {
			p++;
			if (*p == '+' || *p == '-')
				p++;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		return *p ? -1 : 0;
	}
}

static void jmark(const struct jscan *j, yaml_mark_t *m)
{
	memset(m, 0, sizeof(*m));
	m->line = j->line;
	m->column = j->col;
}

static int jevent(struct jscan *j, yaml_event_type_t type, const yaml_mark_t *m)
{
	yaml_event_t ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	ev.start_mark = *m;
	ev.end_mark = *m;
	j->b->rd.since_event = 0;
	j->b->offset = j->index;
	return doc_dispatch(j->b, &ev);
}

static int jscalar(struct jscan *j, const yaml_mark_t *m, bool quoted)
{
	yaml_event_t ev;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.type = YAML_SCALAR_EVENT;
	ev.start_mark = *m;
	ev.end_mark = *m;
	ev.data.scalar.length = j->slen;
	ev.data.scalar.style = quoted ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;
	ev.data.scalar.plain_implicit = !quoted;
	ev.data.scalar.quoted_implicit = quoted;
	/* on_scalar keeps a long value's buffer (as it keeps libyaml's) */
	if (j->slen >= sizeof(((struct tk_node *)0)->small)) {
		ev.data.scalar.value = xmalloc(j->slen + 1);
		memcpy(ev.data.scalar.value, j->str, j->slen + 1);
	} else {
		ev.data.scalar.value = (yaml_char_t *)j->str;
	}
	j->b->rd.since_event = 0;
	j->b->offset = j->index;
	rc = doc_dispatch(j->b, &ev);
	if (ev.data.scalar.value != (yaml_char_t *)j->str)
		free(ev.data.scalar.value);
	return rc;
}

/* Pass held items on: those that ended more than JSON_LOOKAHEAD bytes before
 * the start of the last token read whole, and more than JSON_READAHEAD
 * before the last byte read (all when all). libyaml's scanner looks ahead
 * for possible simple keys up to 1024 characters and its reader checks up to
 * two 16 KiB chunks ahead; an error there stops it before it delivers the
 * item, so the fast path must not deliver it either. Returns 1 when the
 * callback asked to stop. */
#define JSON_LOOKAHEAD 1100
#define JSON_READAHEAD (65536 + JSON_LOOKAHEAD)
int doc_release_held(struct builder *b, size_t done, size_t frontier, bool all)
{
	while (b->held_first < b->nheld &&
	       (all || (b->held[b->held_first].end + JSON_LOOKAHEAD < done &&
			b->held[b->held_first].end + JSON_READAHEAD < frontier))) {
		struct tk_node *item = b->held[b->held_first++].item;
		int rc = b->fn(item, b->file, b->arg);

		b->delivered++;
		node_unref(item);
		if (rc) {
			b->fn_rc = rc;
			return 1;
		}
	}
	if (b->held_first == b->nheld)
		b->held_first = b->nheld = 0;
	return 0;
}

enum jstate { J_VALUE, J_KEY, J_FIRST_KEY, J_FIRST_VALUE, J_AFTER };

/* Read one JSON document. Returns 0, 1 when the callback stopped, -1 to
 * fall back to libyaml (not plain JSON, or any error). */
static int json_run(struct builder *b)
{
	struct jscan *j = xcalloc(1, sizeof(*j));
	char *open = xmalloc((size_t)b->lim->max_depth + 2);
	size_t depth = 0, last_start = 0;
	enum jstate st = J_VALUE;
	yaml_mark_t m;
	int c, rc = -1;

	j->b = b;
	b->hold = b->fn != NULL;
	jmark(j, &m);
	if (jevent(j, YAML_DOCUMENT_START_EVENT, &m))
		goto out;
	c = jskip_ws(j);
	if (c != '{' && c != '[')
		goto out;
	for (;;) {
		c = jskip_ws(j);
		if (c < 0 && !(c == -1 && st == J_AFTER && depth == 0))
			goto out;
		if (b->nheld && doc_release_held(b, last_start, j->frontier, false))
			goto stop;
		last_start = j->index;
		jmark(j, &m);
		switch (st) {
		case J_FIRST_VALUE:
			if (c == ']')
				goto close;
			/* fall through */
		case J_VALUE:
			if (c == '{' || c == '[') {
				if (depth > b->lim->max_depth)
					goto out;
				open[depth++] = (char)c;
				jadvance(j);
				if (jevent(j, c == '{' ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT, &m))
					goto out;
				st = c == '{' ? J_FIRST_KEY : J_FIRST_VALUE;
				continue;
			}
			if (c == '"' ? jstring(j) : jliteral(j))
				goto out;
			if (jscalar(j, &m, c == '"'))
				goto stop;
			st = J_AFTER;
			continue;
		case J_FIRST_KEY:
			if (c == '}')
				goto close;
			/* fall through */
		case J_KEY: {
			size_t line = j->line, col = j->col;

			if (c != '"' || jstring(j))
				goto out;
			/* libyaml wants a key's ':' on its line, within 1024 characters */
			c = jskip_ws(j);
			if (c != ':' || j->line != line || j->col - col > 1000)
				goto out;
			if (jscalar(j, &m, true))
				goto stop;
			jadvance(j);
			st = J_VALUE;
			continue;
		}
		case J_AFTER:
			if (depth == 0) {
				if (c != -1)
					goto out;
				if (jevent(j, YAML_DOCUMENT_END_EVENT, &m) || (b->hold && doc_release_held(b, 0, 0, true)))
					goto stop;
				rc = jevent(j, YAML_STREAM_END_EVENT, &m) == 2 ? 0 : -1;
				goto out;
			}
			if (c == ',') {
				jadvance(j);
				st = open[depth - 1] == '{' ? J_KEY : J_VALUE;
				continue;
			}
			if (c == (open[depth - 1] == '{' ? '}' : ']'))
				goto close;
			goto out;
		}
close:
		if (c != (open[depth - 1] == '{' ? '}' : ']'))
			goto out;
		jadvance(j);
		depth--;
		if (jevent(j, c == '}' ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, &m))
			goto stop;
		st = J_AFTER;
	}
stop:
	/* a callback's stop is final; an error means falling back */
	rc = b->fn_rc ? 1 : -1;
out:
	free(j->str);
	free(j);
	free(open);
	return rc;
}

/* The fast paths may need to read the input again: memory, or a file that
 * can seek back (not a pipe). */
static bool rewindable(FILE *fp)
{
	return !fp || (fp != stdin && fseek(fp, 0, SEEK_CUR) == 0);
}

/* Read a rewindable input with the fast path its first byte that is not
 * white space calls for: JSON for a '{' or '[', else YAML. Returns 0, 1
 * when the callback stopped, -1 to read it again with libyaml. */
static int fast_run(struct builder *b)
{
	int c = -1;

	if (b->rd.fp) {
		while ((c = getc(b->rd.fp)) == ' ' || c == '\n' || c == '\r' || c == '\t')
			;
		if (fseek(b->rd.fp, 0, SEEK_SET) != 0)
			return -1;
	} else {
		size_t i = 0;

		while (i < b->rd.memlen && strchr(" \n\r\t", b->rd.mem[i]) && b->rd.mem[i])
			i++;
		c = i < b->rd.memlen ? (unsigned char)b->rd.mem[i] : -1;
	}
	return c == '{' || c == '[' ? json_run(b) : doc_yaml_run(b);
}

static bool is_list_kind(const struct tk_node *root)
{
	const struct tk_node *kind = tk_get(root, "kind");
	const struct tk_node *items = tk_get(root, "items");

	if (!items || items->kind != TK_SEQ)
		return false;
	return !kind || (kind->kind == TK_STR && kind->len >= 4 &&
			 !strcmp(kind->text + kind->len - 4, "List"));
}

static void flatten(struct tk_doc *doc)
{
	size_t i, j, n = 0;

	for (i = 0; i < doc->ndocs; i++) {
		const struct tk_node *r = doc->docs[i];

		if (r->kind == TK_NULL)
			continue;
		n += is_list_kind(r) ? tk_get(r, "items")->n : 1;
	}
	doc->items = xcalloc(n ? n : 1, sizeof(*doc->items));
	for (i = 0; i < doc->ndocs; i++) {
		struct tk_node *r = doc->docs[i];

		if (r->kind == TK_NULL)
			continue;
		if (is_list_kind(r)) {
			const struct tk_node *items = tk_get(r, "items");

			for (j = 0; j < items->n; j++)
				doc->items[doc->nitems++] = items->items[j];
		} else {
			doc->items[doc->nitems++] = r;
		}
	}
}

static const char *display_name(const char *path)
{
	return strcmp(path, "-") ? path : "<stdin>";
}

static int builder_init(struct builder *b, const char *file, const struct tk_limits *lim,
			struct tk_diag *d)
{
	memset(b, 0, sizeof(*b));
	b->file = file;
	/* nodes keep counts and lengths in 32 bits */
	b->lim_capped = lim ? *lim : tk_default_limits;
	if (b->lim_capped.max_scalar > UINT32_MAX - 1)
		b->lim_capped.max_scalar = UINT32_MAX - 1;
	if (b->lim_capped.max_nodes > UINT32_MAX - 1)
		b->lim_capped.max_nodes = UINT32_MAX - 1;
	if (b->lim_capped.max_depth > UINT16_MAX)
		b->lim_capped.max_depth = UINT16_MAX;
	b->lim = &b->lim_capped;
	b->d = d;
	b->rd.max_input = b->lim->max_input;
	/* one scalar plus libyaml's look-ahead */
	b->rd.max_burst = b->lim->max_scalar + (256u << 10);
	return 0;
}

static void builder_release(struct builder *b)
{
	size_t i;

	for (i = b->held_first; i < b->nheld; i++)
		node_unref(b->held[i].item);
	free(b->held);
	builder_reset_doc(b);
	node_unref(b->root);
	free(b->stack);
	if (b->parser_ready)
		yaml_parser_delete(&b->parser);
}

/* After the JSON fast path gave up: the same input from its start, for
 * libyaml, with the same destination (doc, or fn and its filter). Items fn
 * already has are not passed again. */
static int builder_restart(struct builder *b)
{
	struct builder keep = *b;

	builder_release(b);
	if ((keep.rd.fp && fseek(keep.rd.fp, 0, SEEK_SET) != 0) ||
	    builder_init(b, keep.file, &keep.lim_capped, keep.d))
		return tk_diag_set(keep.d, keep.file, 0, 0, "read error: %s", strerror(errno));
	b->rd.fp = keep.rd.fp;
	b->rd.mem = keep.rd.mem;
	b->rd.memlen = keep.rd.memlen;
	b->doc = keep.doc;
	b->fn = keep.fn;
	b->arg = keep.arg;
	b->skip = keep.skip;
	b->redeliver_skip = keep.delivered;
	return 0;
}

static struct tk_doc *load(const char *name, FILE *fp, const char *buf, size_t len,
			   const struct tk_limits *lim, struct tk_diag *d)
{
	struct builder b;
	struct tk_doc *doc = xcalloc(1, sizeof(*doc));

	doc->file = xstrdup(name);
	if (builder_init(&b, doc->file, lim, d)) {
		tk_doc_free(doc);
		return NULL;
	}
	b.rd.fp = fp;
	b.rd.mem = buf;
	b.rd.memlen = len;
	b.doc = doc;
	if (rewindable(fp)) {
		if (fast_run(&b) == 0) {
			builder_release(&b);
			flatten(doc);
			return doc;
		}
		for (size_t i = 0; i < doc->ndocs; i++)
			node_unref(doc->docs[i]);
		doc->ndocs = 0;
		if (builder_restart(&b)) {
			tk_doc_free(doc);
			return NULL;
		}
	}
	if (run(&b)) {
		builder_release(&b);
		tk_doc_free(doc);
		return NULL;
	}
	builder_release(&b);
	flatten(doc);
	return doc;
}

static FILE *open_input(const char *path, struct tk_diag *d)
{
	FILE *fp;

	if (!strcmp(path, "-"))
		return stdin;
	fp = fopen(path, "rb");
	if (!fp)
		tk_diag_set(d, path, 0, 0, "cannot open: %s", strerror(errno));
	return fp;
}

struct tk_doc *tk_doc_load(const char *path, const struct tk_limits *limits, struct tk_diag *d)
{
	FILE *fp = open_input(path, d);
	struct tk_doc *doc;

	if (!fp)
		return NULL;
	doc = load(display_name(path), fp, NULL, 0, limits, d);
	if (fp != stdin)
		fclose(fp);
	return doc;
}

struct tk_doc *tk_doc_load_mem(const char *name, const char *buf, size_t len,
			       const struct tk_limits *limits, struct tk_diag *d)
{
	return load(name, NULL, buf, len, limits, d);
}

void tk_doc_free(struct tk_doc *doc)
{
	size_t i;

	if (!doc)
		return;
	for (i = 0; i < doc->ndocs; i++)
		node_unref(doc->docs[i]);
	free(doc->docs);
	free(doc->items);
	free(doc->file);
	free(doc);
}

int tk_doc_stream(const char *path, const struct tk_limits *limits,
		  tk_item_fn fn, void *arg, struct tk_diag *d)
{
	return tk_doc_stream_skip(path, limits, NULL, fn, arg, d);
}

int tk_doc_stream_skip(const char *path, const struct tk_limits *limits, tk_kind_skip_fn skip,
		       tk_item_fn fn, void *arg, struct tk_diag *d)
{
	struct tk_limits lim = limits ? *limits : tk_default_limits;
	FILE *fp = open_input(path, d);
	struct builder b;
	int rc;

	if (!fp)
		return -1;
	if (!limits)
		lim.max_input = (size_t)4 << 30;  /* items are bounded one by one instead */
	if (builder_init(&b, display_name(path), &lim, d)) {
		if (fp != stdin)
			fclose(fp);
		return -1;
	}
	b.rd.fp = fp;
	b.fn = fn;
	b.arg = arg;
	b.skip = skip;
	if (rewindable(fp)) {
		rc = fast_run(&b);
		if (rc >= 0) {
			builder_release(&b);
			if (fp != stdin)
				fclose(fp);
			return rc ? b.fn_rc : 0;
		}
		if (builder_restart(&b)) {
			fclose(fp);
			return -1;
		}
	}
	rc = run(&b);
	builder_release(&b);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

/* ---- access ---- */

const struct tk_node *tk_get(const struct tk_node *map, const char *key)
{
	size_t i;

	if (!map || map->kind != TK_MAP)
		return NULL;
	/* the first byte first: most keys differ there, and a strcmp call per
	 * key was a tenth of reading a cluster dump */
	for (i = 0; i < map->n; i++)
		if (map->keys[i]->text[0] == key[0] && !strcmp(map->keys[i]->text, key))
			return map->items[i];
	return NULL;
}

const struct tk_node *tk_path(const struct tk_node *node, const char *dotted)
{
	char key[256];

	while (node && *dotted) {
		size_t n = strcspn(dotted, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, dotted, n);
		key[n] = '\0';
		node = tk_get(node, key);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	return node;
}

const char *tk_str(const struct tk_node *node)
{
	return node && node->kind == TK_STR ? node->text : NULL;
}

bool tk_is_scalar(const struct tk_node *node)
{
	return node && node->kind != TK_SEQ && node->kind != TK_MAP;
}

const char *tk_scalar_text(const struct tk_node *node)
{
	return tk_is_scalar(node) ? node->text : NULL;
}

const char *tk_kind_name(enum tk_kind kind)
{
	switch (kind) {
	case TK_NULL: return "null";
	case TK_BOOL: return "boolean";
	case TK_INT: return "integer";
	case TK_FLOAT: return "number";
	case TK_STR: return "string";
	case TK_SEQ: return "list";
	case TK_MAP: return "mapping";
	}
	return "value";
}

int tk_node_error(const char *file, const struct tk_node *node, struct tk_diag *d,
		  const char *fmt, ...)
{
	va_list ap;
	char msg[768];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return tk_diag_set(d, file, node ? node->line : 0, node ? node->col : 0, "%s", msg);
}

int tk_expect(const char *file, const struct tk_node *node, enum tk_kind kind,
	      const char *name, struct tk_diag *d)
{
	if (node && node->kind == kind)
		return 0;
	if (!node)
		return tk_node_error(file, node, d, "missing %s", name);
	return tk_node_error(file, node, d, "%s must be a %s, not a %s", name, tk_kind_name(kind),
			     tk_kind_name(node->kind));
}

static int missing(const char *file, const struct tk_node *map, const char *key, bool required,
		   struct tk_diag *d)
{
	if (!required)
		return 1;
	return tk_node_error(file, map, d, "missing required field '%s'", key);
}

int tk_get_str(const char *file, const struct tk_node *map, const char *key,
	       bool required, const char **out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	if (!v || v->kind == TK_NULL)
		return missing(file, map, key, required, d);
	if (v->kind != TK_STR)
		return tk_node_error(file, v, d, "'%s' must be a string, not a %s", key,
				     tk_kind_name(v->kind));
	*out = v->text;
	return 0;
}

int tk_get_int(const char *file, const struct tk_node *map, const char *key,
	       bool required, long long min, long long max, long long *out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	if (!v || v->kind == TK_NULL)
		return missing(file, map, key, required, d);
	if (v->kind != TK_INT)
		return tk_node_error(file, v, d, "'%s' must be an integer, not %s '%s'", key,
				     tk_kind_name(v->kind), v->text ? v->text : "...");
	if (v->v.i < min || v->v.i > max)
		return tk_node_error(file, v, d, "'%s' value %lld is out of range (%lld-%lld)", key,
				     v->v.i, min, max);
	*out = v->v.i;
	return 0;
}

int tk_get_bool(const char *file, const struct tk_node *map, const char *key,
		bool required, bool *out, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(map, key);

	if (!v || v->kind == TK_NULL)
		return missing(file, map, key, required, d);
	if (v->kind != TK_BOOL)
		return tk_node_error(file, v, d, "'%s' must be true or false, not %s", key,
				     tk_kind_name(v->kind));
	*out = v->v.b;
	return 0;
}
