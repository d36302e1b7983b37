/* cpuset.c - growable bitmasks and the cpulist format (see cpuset.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "xalloc.h"

#define WORD_BITS 64

void cpuset_init(struct cpuset *s)
{
	s->words = NULL;
	s->nwords = 0;
}

void cpuset_release(struct cpuset *s)
{
	free(s->words);
	cpuset_init(s);
}

static void grow(struct cpuset *s, size_t nwords)
{
	if (nwords <= s->nwords)
		return;
	s->words = xreallocarray(s->words, nwords, sizeof(*s->words));
	memset(s->words + s->nwords, 0, (nwords - s->nwords) * sizeof(*s->words));
	s->nwords = nwords;
}

void cpuset_clear_all(struct cpuset *s)
{
	if (s->nwords)
		memset(s->words, 0, s->nwords * sizeof(*s->words));
}

void cpuset_set(struct cpuset *s, unsigned id)
{
	grow(s, id / WORD_BITS + 1);
	s->words[id / WORD_BITS] |= UINT64_C(1) << (id % WORD_BITS);
}

bool cpuset_test(const struct cpuset *s, unsigned id)
{
	return id / WORD_BITS < s->nwords &&
	       (s->words[id / WORD_BITS] >> (id % WORD_BITS)) & 1;
}

size_t cpuset_count(const struct cpuset *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->nwords; i++)
		n += (size_t)__builtin_popcountll(s->words[i]);
	return n;
}

bool cpuset_is_empty(const struct cpuset *s)
{
	size_t i;

	for (i = 0; i < s->nwords; i++)
		if (s->words[i])
			return false;
	return true;
}

int cpuset_next(const struct cpuset *s, int prev)
{
	size_t w;
	unsigned start = prev < 0 ? 0 : (unsigned)prev + 1;
	uint64_t bits;

	w = start / WORD_BITS;
	if (w >= s->nwords)
		return -1;
	bits = s->words[w] & (~UINT64_C(0) << (start % WORD_BITS));
	for (;;) {
		if (bits)
			return (int)(w * WORD_BITS + (size_t)__builtin_ctzll(bits));
		if (++w >= s->nwords)
			return -1;
		bits = s->words[w];
	}
}

int cpuset_first(const struct cpuset *s)
{
	return cpuset_next(s, -1);
}

int cpuset_last(const struct cpuset *s)
{
	size_t w = s->nwords;

	while (w-- > 0)
		if (s->words[w])
			return (int)(w * WORD_BITS + 63 - (size_t)__builtin_clzll(s->words[w]));
	return -1;
}

void cpuset_copy(struct cpuset *dst, const struct cpuset *src)
{
	if (dst == src)
		return;
	cpuset_clear_all(dst);
	grow(dst, src->nwords);
	if (src->nwords)
		memcpy(dst->words, src->words, src->nwords * sizeof(*src->words));
}

void cpuset_or(struct cpuset *dst, const struct cpuset *src)
{
	size_t i;

	grow(dst, src->nwords);
	for (i = 0; i < src->nwords; i++)
		dst->words[i] |= src->words[i];
}

void cpuset_and(struct cpuset *dst, const struct cpuset *src)
{
	size_t i;

	for (i = 0; i < dst->nwords; i++)
		dst->words[i] &= i < src->nwords ? src->words[i] : 0;
}

void cpuset_andnot(struct cpuset *dst, const struct cpuset *src)
{
	size_t i;

	for (i = 0; i < dst->nwords && i < src->nwords; i++)
		dst->words[i] &= ~src->words[i];
}

bool cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	size_t i, n = a->nwords > b->nwords ? a->nwords : b->nwords;

	for (i = 0; i < n; i++) {
		uint64_t x = i < a->nwords ? a->words[i] : 0;
		uint64_t y = i < b->nwords ? b->words[i] : 0;

		if (x != y)
			return false;
	}
	return true;
}

bool cpuset_is_subset(const struct cpuset *sub, const struct cpuset *super)
{
	size_t i;

	for (i = 0; i < sub->nwords; i++) {
		uint64_t y = i < super->nwords ? super->words[i] : 0;

		if (sub->words[i] & ~y)
			return false;
	}
	return true;
}

bool cpuset_intersects(const struct cpuset *a, const struct cpuset *b)
{
	size_t i;

	for (i = 0; i < a->nwords && i < b->nwords; i++)
		if (a->words[i] & b->words[i])
			return true;
	return false;
}

size_t cpuset_count_and(const struct cpuset *a, const struct cpuset *b)
{
	size_t i, n = 0;

	for (i = 0; i < a->nwords && i < b->nwords; i++)
		n += (size_t)__builtin_popcountll(a->words[i] & b->words[i]);
	return n;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Reads a decimal id at *p; 0 ok, -1 syntax, -2 above max_id. */
static int read_id(const char **p, unsigned max_id, unsigned *out)
{
	const char *s = *p;
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max_id) {
			*p = s;
			return -2;
		}
		s++;
	}
	*p = s;
	*out = (unsigned)v;
	return 0;
}

int cpuset_parse_list(struct cpuset *s, const char *str, unsigned max_id, size_t *bad_off)
{
	const char *p = str;
	struct cpuset tmp = CPUSET_INIT;
	int rc = -1;

	while (is_space(*p))
		p++;
	if (!*p) {
		cpuset_clear_all(s);
		return 0;
	}
	for (;;) {
		const char *item = p;
		unsigned lo, hi, id;
		int r;

		while (is_space(*p))
			p++;
		item = p;
		r = read_id(&p, max_id, &lo);
		if (r) {
			rc = r;
			goto fail;
		}
		hi = lo;
		while (is_space(*p))
			p++;
		if (*p == '-') {
			p++;
			while (is_space(*p))
				p++;
			r = read_id(&p, max_id, &hi);
			if (r) {
				rc = r;
				goto fail;
			}
			if (hi < lo) {
				p = item;
				rc = -3;
				goto fail;
			}
		}
		cpuset_set(&tmp, hi);
		for (id = lo; id < hi; id++)
			cpuset_set(&tmp, id);
		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (*p != ',') {
			rc = -1;
			goto fail;
		}
		p++;
		(void)item;
	}
	cpuset_copy(s, &tmp);
	cpuset_release(&tmp);
	return 0;
fail:
	if (bad_off)
		*bad_off = (size_t)(p - str);
	cpuset_release(&tmp);
	return rc;
}

char *cpuset_format_list(const struct cpuset *s)
{
	size_t cap = 64, len = 0;
	char *buf = xmalloc(cap);
	int lo = cpuset_first(s);

	buf[0] = '\0';
	while (lo >= 0) {
		int hi = lo, nxt;
		char item[32];
		size_t n;

		while ((nxt = cpuset_next(s, hi)) == hi + 1)
			hi = nxt;
		if (hi == lo)
			n = (size_t)snprintf(item, sizeof(item), "%s%d", len ? "," : "", lo);
		else
			n = (size_t)snprintf(item, sizeof(item), "%s%d-%d", len ? "," : "", lo, hi);
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = xrealloc(buf, cap);
		}
		memcpy(buf + len, item, n + 1);
		len += n;
		lo = nxt;
	}
	return buf;
}

int *cpuset_to_array(const struct cpuset *s, size_t *n)
{
	size_t cnt = cpuset_count(s), k = 0;
	int *a = xcalloc(cnt ? cnt : 1, sizeof(*a));
	int i;

	for (i = cpuset_first(s); i >= 0; i = cpuset_next(s, i))
		a[k++] = i;
	*n = cnt;
	return a;
}
