/* doc-same.h - the harness of tests/unit/test-doc-*.c: common/doc.c's fast
 * paths must give exactly what libyaml gives. An input read from memory or
 * a file takes a fast path; from stdin (never read twice) libyaml alone
 * reads it. Outcomes (trees with kinds, texts, quoting and positions,
 * errors, items streamed) are compared as text. */
#ifndef TEST_DOC_SAME_H
#define TEST_DOC_SAME_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "doc.h"
#include "tap.h"

struct buf {
	char *s;
	size_t n, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (b->s && (size_t)k < b->cap - b->n) {
			b->n += (size_t)k;
			return;
		}
		b->cap = (b->cap + (size_t)k + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

/* Everything the builder decides about a node; lines minus shift. */
static void dump(struct buf *b, const struct tk_node *n, unsigned shift, unsigned depth)
{
	size_t i;

	put(b, "<%d %u:%u q%d ", (int)n->kind, n->line - shift, n->col, (int)n->quoted);
	if (n->text) {
		put(b, "%zu[", (size_t)n->len);
		for (i = 0; i < n->len; i++)
			put(b, "%02x", (unsigned char)n->text[i]);
		put(b, "]");
	}
	if (n->kind == TK_BOOL)
		put(b, " b%d", (int)n->v.b);
	if (n->kind == TK_INT)
		put(b, " i%lld", n->v.i);
	if (n->kind == TK_FLOAT)
		put(b, " f%.17g", n->v.f);
	if (depth < 300)
		for (i = 0; i < n->n; i++) {
			if (n->keys)
				dump(b, n->keys[i], shift, depth + 1);
			dump(b, n->items[i], shift, depth + 1);
		}
	put(b, ">");
}

/* stdin becomes a file holding text (doc.c never reads stdin twice) */
static void stdin_from(const char *text, size_t len)
{
	char path[] = "/tmp/test-doc-same-XXXXXX";
	int fd = mkstemp(path);

	/* glibc's fseek keeps a read buffer that covers the new offset: drop
	 * the last input's bytes before changing the file under stdin */
	fflush(stdin);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) < 0)
		abort();
	close(fd);
	unlink(path);
	clearerr(stdin);
	rewind(stdin);
}

/* the limits every load and stream uses (NULL: the defaults) */
static const struct tk_limits *limits;
static const struct tk_limits tiny = {
	.max_depth = 3, .max_scalar = 8, .max_input = 2048, .max_nodes = 12,
};

/* Outcome of loading text from memory (fast path) or stdin (libyaml). */
static char *load_outcome(const char *text, size_t len, bool from_stdin)
{
	struct buf b = { 0 };
	struct tk_diag d;
	struct tk_doc *doc;
	size_t i;

	if (from_stdin)
		stdin_from(text, len);
	doc = from_stdin ? tk_doc_load("-", limits, &d) : tk_doc_load_mem("t", text, len, limits, &d);
	if (!doc) {
		put(&b, "error %u:%u %s", d.line, d.col, d.msg);
		return b.s;
	}
	for (i = 0; i < doc->nitems; i++)
		dump(&b, doc->items[i], 0, 0);
	put(&b, "|%zu", doc->ndocs);
	for (i = 0; i < doc->ndocs; i++)
		put(&b, " %d@%u:%u", (int)doc->docs[i]->kind, doc->docs[i]->line, doc->docs[i]->col);
	tk_doc_free(doc);
	return b.s;
}

struct seen {
	struct buf b;
	unsigned shift;
	int stop_after;
};

static int on_item(const struct tk_node *item, const char *file, void *arg)
{
	struct seen *s = arg;

	(void)file;
	dump(&s->b, item, s->shift, 0);
	put(&s->b, "\n");
	return --s->stop_after == 0 ? 7 : 0;
}

/* Outcome of streaming a file holding text (fast path) or stdin (libyaml). */
static char *stream_outcome(const char *text, size_t len, bool from_stdin, int stop_after)
{
	char path[] = "/tmp/test-doc-same-XXXXXX";
	int fd = mkstemp(path), rc;
	struct seen s = { { 0 }, 0, stop_after };
	struct tk_diag d;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
	if (from_stdin)
		stdin_from(text, len);
	rc = tk_doc_stream(from_stdin ? "-" : path, limits, on_item, &s, &d);
	unlink(path);
	if (rc < 0)
		put(&s.b, "error %u:%u %s", d.line, d.col, d.msg);
	else
		put(&s.b, "rc %d", rc);
	return s.b.s;
}

/* src with one to three bytes deleted, replaced or inserted (from frag). */
static char *mutate(const char *src, size_t *len, const char *frag)
{
	size_t nfrag = strlen(frag);
	size_t n = strlen(src), i, k = 1 + tap_rnd(3);
	char *s = malloc(n + 8);

	memcpy(s, src, n + 1);
	for (i = 0; i < k && n; i++) {
		size_t at = tap_rnd((unsigned)n);

		switch (tap_rnd(3)) {
		case 0:  /* delete a byte */
			memmove(s + at, s + at + 1, n - at);
			n--;
			break;
		case 1:  /* replace a byte */
			s[at] = frag[tap_rnd((unsigned)nfrag)];
			break;
		default:  /* insert a byte */
			memmove(s + at + 1, s + at, n - at + 1);
			s[at] = frag[tap_rnd((unsigned)nfrag)];
			n++;
			break;
		}
	}
	s[n] = '\0';
	*len = n;
	return s;
}

static bool same_everywhere(const char *text, size_t len, char **why)
{
	char *a = load_outcome(text, len, false), *b = load_outcome(text, len, true);
	bool ok = !strcmp(a, b);

	if (ok) {
		free(a);
		free(b);
		a = stream_outcome(text, len, false, 0);
		b = stream_outcome(text, len, true, 0);
		ok = !strcmp(a, b);
	}
	if (ok) {
		free(a);
		free(b);
		a = stream_outcome(text, len, false, 2);
		b = stream_outcome(text, len, true, 2);
		ok = !strcmp(a, b);
	}
	if (!ok) {
		struct buf m = { 0 };

		put(&m, "input: %.*s\n#   fast:    %.300s\n#   libyaml: %.300s", (int)len, text, a, b);
		*why = m.s;
	}
	free(a);
	free(b);
	return ok;
}

/* How many of cases read differently with limits lim; *first says how the
 * first did. */
static unsigned cases_differing(const struct tk_limits *lim, const char *const *cases, size_t n,
				char **first)
{
	unsigned differ = 0;
	char *why = NULL;
	size_t i;

	*first = NULL;
	limits = lim;
	for (i = 0; i < n; i++) {
		if (!same_everywhere(cases[i], strlen(cases[i]), &why) && differ++ == 0)
			*first = why;
		else
			free(why);
		why = NULL;
	}
	limits = NULL;
	return differ;
}

#endif
