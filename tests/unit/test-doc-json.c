/* test-doc-json.c - common/doc.c reads JSON itself (the fast path) and must
 * give exactly what libyaml gives: the same tree (kinds, texts, quoting,
 * positions), the same error, the same items streamed (also when it gives up
 * after some items). Each input is read from memory or a file (fast path)
 * and from stdin (never read twice, so libyaml only), over
 * hand-written cases and thousands of random mutations of them. */
#include <limits.h>
#include <stdint.h>

#include "doc-same.h"
#include "tap.h"

static const char *const cases[] = {
	"{}",
	"[]",
	"{\"a\":1}",
	"{\"a\": 1, \"b\": [true, false, null, -0, 1.5, 2e3, -1E-2, 0.0, 12345678901234567890]}",
	"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\"kind\": \"Pod\", \"metadata\": {\"name\": \"a\"}},\n    {\"kind\": \"Pod\", \"metadata\": {\"name\": \"b\", \"labels\": {\"app\": \"x\", \"n\": \"1\"}}}\n  ]\n}\n",
	"{\"kind\":\"List\",\"items\":[{\"a\":1},{\"b\":[1,[2,[3,{}]]]},[],\"s\",5]}",
	"{\"items\": [{\"x\": 1}, {\"y\": 2}]}",
	"{\"kind\": \"PodList\", \"items\": [{\"x\": \"\\u00e9\\u4e2d\\n\\t\\\"\\\\\\b\\f\\r\"}]}",
	"{\"e\": \"\\u003chtml\\u003e \\u0026\", \"esc\": \"\\/\"}",
	"{\"a\": 1, \"a\": 2}",
	"{\"<<\": {\"a\": 1}, \"b\": 2}",
	"{\"yes\": \"no\", \"y\": \"on\", \"1\": \"0x1F\", \"true\": \"~\"}",
	"{\"a\": 1} trailing",
	"{\"a\": 1}\n---\n{\"b\": 2}\n",
	"[1, 2,]",
	"{\"a\":\t1}",
	"{\"a\":\r\n1}",
	"{\"k\": \"caf\xc3\xa9\"}",
	"{\"deep\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
	"{\"a\": [1, 2, 3}",
	"{\"a\" 1}",
	"{\"a\": tru}",
	"{\"a\": 01}",
	"{\"a\": .5}",
	"{\"a\": 1.}",
	"{\"a\": -}",
	"{\"a\": +1}",
	"{\"a\": \"unterminated}",
	"{\"a\":1,}",
	"{,}",
	"[,1]",
	"{\"a\": [1 2]}",
	"{\"a\": {\"b\": {\"c\": \"d\"}}, \"e\": [\"f\", {\"g\": null}]}",
	"   {\"lead\": \"spaces\"}   \n\n",
	"{\"a\": 1} # comment",
	"{\"a\": \"x\"}\n...\n",
	"{\"nul\": \"a\\u0000b\"}",
	"{\"sur\": \"\\ud83d\\ude00\"}",
	"{\"a\": 123456789012345678901234567890, \"b\": 1e400, \"c\": -9223372036854775808}",
	/* hostile: BOM, nothing, bad UTF-8, lone surrogates, nested duplicate
	 * keys, long numbers, garbage after the end, a second document */
	"\xef\xbb\xbf{\"bom\": 1}",
	"",
	"  \n \n",
	"{\"bad\": \"\xff\xfe\"}",
	"{\"bad\": \"\xc0\xaf\"}",
	"{\"lone\": \"\\ud800\"}",
	"{\"lone\": \"\\udc00x\"}",
	"{\"m\": {\"k\": 1, \"j\": [], \"k\": {}}}",
	"{\"n\": 1234567890123456789012345678901234567890123456789012345678901234567890}",
	"{\"n\": -0.000000000000000000000000000000000000000000000000000000000000000001e-99999}",
	"{\"a\": 1}}",
	"[1]]",
	"{\"a\": 1}\n{\"b\": 2}",
	"{\"a\": \"x\\\"}",
	"{\"s\": \"0123456789abcdef\", \"t\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]}",
	"[[[[[[{\"a\": [[[]]]}]]]]]]",
};

static const char fragments[] = "{}[]\",: \n\t\r\\u0aXyz-.1eE#&*!|>%@`'\x01\xc3\xa9\x7f";

/* A List whose items are far apart (strings of 100 to 1,500 bytes), on one
 * line or pretty-printed, 11 kB or 120 kB: where libyaml's look-ahead
 * (scanner and reader) decides which items it hands over before an error. */
static char *big_list(bool pretty, unsigned count)
{
	struct buf b = { 0 };
	unsigned i, k, n;

	put(&b, "{\"kind\": \"List\", \"items\": [%s", pretty ? "\n" : "");
	for (i = 0; i < count; i++) {
		n = 100 + (i * 397) % 1400;
		put(&b, "%s{\"name\": \"item-%u\", \"pad\": \"", i ? (pretty ? ",\n  " : ", ") : "  ", i);
		for (k = 0; k < n; k++)
			put(&b, "%c", 'a' + (char)(k % 26));
		put(&b, "\", \"n\": [%u, {\"x\": true}]}", i);
	}
	put(&b, "%s]}", pretty ? "\n" : "");
	return b.s;
}

int main(void)
{
	size_t i, ncases = sizeof(cases) / sizeof(cases[0]);
	unsigned rounds = getenv("TK_VALGRIND") ? 100 : 1500, r, bad = 0;
	char *why = NULL;

	for (i = 0; i < ncases; i++) {
		bool ok = same_everywhere(cases[i], strlen(cases[i]), &why);

		TAP_OK(ok, "case %zu reads the same as with libyaml alone%s%s", i, ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
	}
	/* a NUL byte anywhere; nesting past the default limit of 256 */
	{
		static const char nul[] = "{\"a\": \"x\0y\", \"b\": 1}";
		struct buf deep = { 0 };
		bool ok = same_everywhere(nul, sizeof(nul) - 1, &why);

		TAP_OK(ok, "a NUL byte reads the same as with libyaml alone%s%s", ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
		for (i = 0; i < 300; i++)
			put(&deep, "{\"k\": [");
		for (i = 0; i < 300; i++)
			put(&deep, "]}");
		ok = same_everywhere(deep.s, deep.n, &why);
		TAP_OK(ok, "nesting 600 deep reads the same as with libyaml alone%s%s", ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
		free(deep.s);
	}
	/* small limits: every bound (depth, scalar, input, nodes) fails at the
	 * same place with the same message on both paths */
	{
		char *first;
		unsigned differ = cases_differing(&tiny, cases, ncases, &first);

		TAP_OK(differ == 0, "with small limits every case reads the same as with libyaml alone (%u differ)%s%s",
		       differ, first ? ": " : "", first ? first : "");
		free(first);
	}
	char *big[3] = { big_list(false, 14), big_list(true, 14), big_list(true, 150) };

	for (i = 0; i < 3; i++) {
		bool ok = same_everywhere(big[i], strlen(big[i]), &why);

		TAP_OK(ok, "a List of items far apart (%zu bytes) reads the same as with libyaml alone", strlen(big[i]));
		free(why);
		why = NULL;
	}
	for (r = 0; r < rounds; r++) {
		size_t len;
		char *s = mutate(r % 3 ? cases[tap_rnd((unsigned)ncases)] : big[r % 10 ? tap_rnd(2) : 2], &len, fragments);

		limits = r % 4 == 3 ? &tiny : NULL;  /* a quarter with every bound small */
		if (!same_everywhere(s, len, &why)) {
			if (bad++ < 3)
				printf("# %s\n", why);
			free(why);
			why = NULL;
		}
		free(s);
	}
	limits = NULL;
	free(big[0]);
	free(big[1]);
	free(big[2]);
	TAP_OK(bad == 0, "%u random mutations read the same as with libyaml alone (%u differ)", rounds, bad);
	/* the fast path is taken: a huge number stays text, keys keep positions */
	{
		struct tk_diag d;
		struct tk_doc *doc = tk_doc_load_mem("t", "{\"a\":\n [1, \"x\"]}", 16, NULL, &d);
		const struct tk_node *a = doc ? tk_get(doc->items[0], "a") : NULL;

		TAP_OK(a && a->kind == TK_SEQ && a->line == 2 && a->col == 2 && a->n == 2 &&
		       a->items[1]->quoted && a->items[1]->line == 2 && a->items[1]->col == 6,
		       "positions of a sequence and a string");
		tk_doc_free(doc);
	}
	/* limits past 32 bits are capped, not truncated (nodes keep 32-bit
	 * counts): the fast path and its restart for libyaml both keep them */
	{
		static const struct tk_limits huge = { .max_depth = UINT_MAX, .max_scalar = SIZE_MAX,
						       .max_input = SIZE_MAX, .max_nodes = SIZE_MAX };
		static const char *const inputs[] = { "{\"a\": [1, \"x\"]}", "{\"a\": [1, \"x\"]} # a comment for libyaml" };
		struct tk_diag d;

		for (i = 0; i < 2; i++) {
			struct tk_doc *doc = tk_doc_load_mem("t", inputs[i], strlen(inputs[i]), &huge, &d);
			const struct tk_node *a = doc ? tk_get(doc->items[0], "a") : NULL;

			TAP_OK(a && a->kind == TK_SEQ && a->n == 2 && a->items[1]->len == 1,
			       "limits past 2^32 still read input %zu%s%s", i, doc ? "" : ": ", doc ? "" : d.msg);
			tk_doc_free(doc);
		}
	}
	/* a 1,024-CPU topology is 9,000 nodes: their size is most of the time
	 * cpuset-alloc takes to load it (tests/bench/cpuset-alloc.sh) */
	TAP_OK(sizeof(struct tk_node) <= 72, "a node is %zu bytes (at most 72)", sizeof(struct tk_node));
	tk_doc_thread_release();
	return TAP_DONE();
}
