/* test-needles.c - tk_needles_find (vector filter, then compare) finds the
 * same first place as a plain search for each needle, with and without
 * vector instructions, on random texts: needles of 1 to 12 bytes, sets of 1
 * to 64, texts with NUL bytes, hits at every offset around the 32-byte
 * steps and at the very end. */
#include <stdlib.h>
#include <string.h>

#include "needles.h"
#include "tap.h"

/* The first place any needle starts, one needle at a time. */
static size_t naive(char **needles, size_t n, const char *s, size_t len)
{
	size_t best = len, i, p, l;

	for (i = 0; i < n; i++) {
		l = strlen(needles[i]);
		for (p = 0; p + l <= len && p < best; p++)
			if (memcmp(s + p, needles[i], l) == 0) {
				best = p;
				break;
			}
	}
	return best;
}

int main(void)
{
	static const char alphabet[] = "abcuCPUmnopl -_\0\n";
	unsigned rounds = getenv("TK_VALGRIND") ? 300 : 4000, r, bad = 0, hits = 0;
	char text[300];

	for (r = 0; r < rounds; r++) {
		size_t n = 1 + tap_rnd(r % 10 ? 16 : 64), i, k, len = tap_rnd(sizeof(text));
		char *needles[64];
		struct tk_needles *set;
		size_t want, fast, plain;

		/* a small alphabet, so that needles match often and almost match more */
		for (i = 0; i < n; i++) {
			size_t l = 1 + tap_rnd(r % 3 ? 12 : 3);

			needles[i] = malloc(l + 1);
			for (k = 0; k < l; k++)
				needles[i][k] = alphabet[tap_rnd(sizeof(alphabet) - 3)];  /* no NUL, no newline */
			needles[i][l] = '\0';
		}
		for (k = 0; k < len; k++)
			text[k] = alphabet[tap_rnd(sizeof(alphabet) - 1)];
		if (len && tap_rnd(2)) {  /* plant a needle, often at the end */
			const char *nd = needles[tap_rnd((unsigned)n)];
			size_t l = strlen(nd), at = tap_rnd(3) == 0 ? (len >= l ? len - l : 0) : tap_rnd((unsigned)len);

			if (at + l <= len)
				memcpy(text + at, nd, l);
		}
		set = tk_needles_new((const char *const *)needles, n);
		want = naive(needles, n, text, len);
		fast = tk_needles_find(set, text, len);
		plain = tk_needles_find_plain(set, text, len);
		if (fast != want || plain != want) {
			if (bad++ < 3)
				printf("# round %u: %zu needles, %zu bytes: want %zu, found %zu (vector) %zu (plain)\n",
				       r, n, len, want, fast, plain);
		}
		hits += want < len;
		tk_needles_free(set);
		for (i = 0; i < n; i++)
			free(needles[i]);
	}
	TAP_OK(bad == 0 && hits > rounds / 4, "%u random texts: the first place found is the plain search's (%u differ, %u with a hit)",
	       rounds, bad, hits);
	{
		static const char *const anchors[] = { "opology", "cpu", "NUMA" };
		struct tk_needles *set = tk_needles_new(anchors, 3);
		char big[4096];

		memset(big, 'x', sizeof(big));
		memcpy(big + 4000, "NUMA", 4);
		TAP_OK(tk_needles_find(set, big, sizeof(big)) == 4000 && tk_needles_find(set, big, 4003) == 4003 &&
		       tk_needles_find(set, big, 4004) == 4000 && tk_needles_find(set, big, 0) == 0,
		       "a needle is found only whole, inside the length given");
		tk_needles_free(set);
	}
	return TAP_DONE();
}
