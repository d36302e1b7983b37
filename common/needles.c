/* needles.c - one pass for several needles (see needles.h).
 *
 * Each needle goes into one of 8 buckets. For each of the first FP bytes of
 * the needles (FP is the shortest needle's length, at most 3), two 16-entry
 * tables give, by the byte's low and high nibble, the buckets whose needles
 * may have that byte there. A place where the tables agree for all FP bytes
 * may start a needle of those buckets, and only there are needles compared.
 * With AVX2 the tables are looked up for 32 places at once (pshufb).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TK_NEEDLES_X86 1
#endif

#include "needles.h"
#include "xalloc.h"

#define FP_MAX 3
#define BUCKETS 8

struct tk_needles {
	size_t n, fp;
	char **needle;
	size_t *len;
	uint64_t in_bucket[BUCKETS];   /* needles of each bucket, as bits */
	uint8_t lo[FP_MAX][16], hi[FP_MAX][16];
};

struct tk_needles *tk_needles_new(const char *const *needles, size_t n)
{
	struct tk_needles *set = xcalloc(1, sizeof(*set));
	size_t i, j;

	if (n == 0 || n > 64)
		abort();
	set->n = n;
	set->needle = xcalloc(n, sizeof(*set->needle));
	set->len = xcalloc(n, sizeof(*set->len));
	set->fp = FP_MAX;
	for (i = 0; i < n; i++) {
		set->needle[i] = xstrdup(needles[i]);
		set->len[i] = strlen(needles[i]);
		if (set->len[i] == 0)
			abort();
		if (set->len[i] < set->fp)
			set->fp = set->len[i];
	}
	for (i = 0; i < n; i++) {
		unsigned b = (unsigned)(i % BUCKETS);

		set->in_bucket[b] |= (uint64_t)1 << i;
		for (j = 0; j < set->fp; j++) {
			unsigned char c = (unsigned char)set->needle[i][j];

			set->lo[j][c & 15] |= (uint8_t)(1u << b);
			set->hi[j][c >> 4] |= (uint8_t)(1u << b);
		}
	}
	return set;
}

void tk_needles_free(struct tk_needles *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		free(set->needle[i]);
	free(set->needle);
	free(set->len);
	free(set);
}

/* Does a needle of the buckets in bits start whole at s[pos]? */
static bool verify(const struct tk_needles *set, const char *s, size_t len, size_t pos, unsigned bits)
{
	while (bits) {
		uint64_t cand = set->in_bucket[__builtin_ctz(bits)];

		bits &= bits - 1;
		while (cand) {
			unsigned i = (unsigned)__builtin_ctzll(cand);

			cand &= cand - 1;
			if (set->len[i] <= len - pos && memcmp(s + pos, set->needle[i], set->len[i]) == 0)
				return true;
		}
	}
	return false;
}

static unsigned buckets_at(const struct tk_needles *set, const char *s, size_t len, size_t pos)
{
	unsigned bits = 0xff;
	size_t j;

	if (len - pos < set->fp)
		return 0;
	for (j = 0; j < set->fp; j++) {
		unsigned char c = (unsigned char)s[pos + j];

		bits &= (unsigned)(set->lo[j][c & 15] & set->hi[j][c >> 4]);
	}
	return bits;
}

static size_t find_plain_from(const struct tk_needles *set, const char *s, size_t len, size_t pos)
{
	for (; pos < len; pos++) {
		unsigned bits = buckets_at(set, s, len, pos);

		if (bits && verify(set, s, len, pos, bits))
			return pos;
	}
	return len;
}

size_t tk_needles_find_plain(const struct tk_needles *set, const char *s, size_t len)
{
	return find_plain_from(set, s, len, 0);
}

#ifdef TK_NEEDLES_X86
__attribute__((target("avx2")))
static size_t find_avx2(const struct tk_needles *set, const char *s, size_t len)
{
	const __m256i nibble = _mm256_set1_epi8(0x0f);
	__m256i lo[FP_MAX], hi[FP_MAX];
	size_t i = 0, j;

	for (j = 0; j < set->fp; j++) {
		lo[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->lo[j]));
		hi[j] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)set->hi[j]));
	}
	for (; len >= set->fp + 31 && i <= len - set->fp - 31; i += 32) {
		__m256i acc = _mm256_set1_epi8(-1);
		unsigned mask;

		for (j = 0; j < set->fp; j++) {
			__m256i v = _mm256_loadu_si256((const __m256i *)(s + i + j));
			__m256i l = _mm256_and_si256(v, nibble);
			__m256i h = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);

			acc = _mm256_and_si256(acc, _mm256_and_si256(_mm256_shuffle_epi8(lo[j], l),
								     _mm256_shuffle_epi8(hi[j], h)));
		}
		mask = ~(unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(acc, _mm256_setzero_si256()));
		if (mask) {
			uint8_t bits[32];

			_mm256_storeu_si256((__m256i *)bits, acc);
			while (mask) {
				unsigned lane = (unsigned)__builtin_ctz(mask);

				mask &= mask - 1;
				if (verify(set, s, len, i + lane, bits[lane]))
					return i + lane;
			}
		}
	}
	return find_plain_from(set, s, len, i);
}
#endif

size_t tk_needles_find(const struct tk_needles *set, const char *s, size_t len)
{
#ifdef TK_NEEDLES_X86
	if (__builtin_cpu_supports("avx2"))
		return find_avx2(set, s, len);
#endif
	return tk_needles_find_plain(set, s, len);
}
