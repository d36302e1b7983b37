/* emit.c - deterministic JSON output (see emit.h).
 * Reals get 15 significant digits, so 98.8 prints as 98.8, not as its
 * 17-digit binary neighbour. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cpuset.h"
#include "emit.h"
#include "xalloc.h"

/* json_dumpf calls fwrite once per token; large documents (topo-admit's
 * hints on 16 NUMA nodes) spend a third of their time there. Tokens go
 * through this buffer instead. */
struct emit_buf {
	FILE *out;
	size_t n;
	int err;
	char b[65536];
};

static int emit_flush(struct emit_buf *e)
{
	if (e->n && fwrite(e->b, 1, e->n, e->out) != e->n)
		e->err = -1;
	e->n = 0;
	return e->err;
}

static int emit_chunk(const char *buf, size_t size, void *data)
{
	struct emit_buf *e = data;

	if (size > sizeof(e->b) - e->n && emit_flush(e))
		return -1;
	if (size > sizeof(e->b))
		return fwrite(buf, 1, size, e->out) == size ? 0 : (e->err = -1);
	memcpy(e->b + e->n, buf, size);
	e->n += size;
	return 0;
}

static int dump_buffered(const json_t *j, FILE *out, size_t flags)
{
	struct emit_buf *e = malloc(sizeof(*e));
	int rc;

	if (!e)
		return -1;
	e->out = out;
	e->n = 0;
	e->err = 0;
	rc = json_dump_callback(j, emit_chunk, e, flags);
	if (emit_flush(e))
		rc = -1;
	free(e);
	return rc ? -1 : 0;
}

int tk_emit_json(const json_t *j, FILE *out)
{
	if (dump_buffered(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)))
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

int tk_emit_json_fragment(const json_t *j, FILE *out)
{
	return dump_buffered(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

int tk_emit_json_pretty(const json_t *j, FILE *out)
{
	if (json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

json_t *tk_json_cpulist(const struct cpuset *s)
{
	char *txt = cpuset_format_list(s);
	json_t *j = json_string(txt);

	free(txt);
	return j;
}

json_t *tk_json_int_array(const struct cpuset *s)
{
	json_t *a = json_array();
	int i;

	for (i = cpuset_first(s); i >= 0; i = cpuset_next(s, i))
		json_array_append_new(a, json_integer(i));
	return a;
}

static size_t escape_into(const char *s, char *dst)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	for (; *p; p++) {
		const char *named = *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : *p == '\r' ? "\\r" : NULL;
		unsigned c = *p;

		if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			c = *++p;  /* a C1 control in UTF-8: escape its code */
		else if (c >= 0x20 && c != 0x7f) {
			if (dst)
				dst[n] = (char)c;
			n++;
			continue;
		}
		if (named) {
			if (dst)
				memcpy(dst + n, named, 2);
			n += 2;
		} else {
			if (dst)
				snprintf(dst + n, 5, "\\x%02x", c);
			n += 4;
		}
	}
	return n;
}

char *tk_text_escape(const char *s)
{
	size_t n = escape_into(s ? s : "", NULL);
	char *out = xmalloc(n + 1);

	escape_into(s ? s : "", out);
	out[n] = '\0';
	return out;
}

void tk_fputs_text(const char *s, FILE *out)
{
	char *e = tk_text_escape(s);

	fputs(e, out);
	free(e);
}

const char *tk_text_safe(const char *s)
{
	static char *ring[8];
	static unsigned next;
	char **slot = &ring[next++ % 8];

	free(*slot);
	*slot = tk_text_escape(s);
	return *slot;
}
