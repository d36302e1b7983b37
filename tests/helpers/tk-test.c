/* tk-test.c - drives common/ from the shell for tests/lib-*.bats.
 *
 *   tk-test doc FILE       items, one line per value: path kind line:col text
 *   tk-test stream FILE    same through tk_doc_stream
 *   tk-test count FILE     the number of items tk_doc_stream builds (a bare parse)
 *   tk-test cpulist STR    canonical form, or the parse error code
 *   tk-test quantity STR   milli value, Value() and whether it is integral
 *   tk-test topo FILE      the topology document re-emitted
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "emit.h"
#include "quantity.h"
#include "topo.h"

static void dump(const struct tk_node *n, char *path, size_t plen, size_t cap)
{
	size_t i;

	printf("%s %s %u:%u", plen ? path : ".", tk_kind_name(n->kind), n->line, n->col);
	if (tk_is_scalar(n))
		printf(" %s", n->text);
	putchar('\n');
	for (i = 0; i < n->n; i++) {
		int w;

		if (n->kind == TK_MAP)
			w = snprintf(path + plen, cap - plen, ".%s", n->keys[i]->text);
		else
			w = snprintf(path + plen, cap - plen, "[%zu]", i);
		if (w < 0 || (size_t)w >= cap - plen)
			continue;
		dump(n->items[i], path, plen + (size_t)w, cap);
	}
}

static int count_item(const struct tk_node *item, const char *file, void *arg)
{
	(void)item;
	(void)file;
	(*(size_t *)arg)++;
	return 0;
}

static int dump_item(const struct tk_node *item, const char *file, void *arg)
{
	char path[4096];
	int *count = arg;

	(void)file;
	printf("--- item %d\n", (*count)++);
	dump(item, path, 0, sizeof(path));
	return 0;
}

int main(int argc, char **argv)
{
	struct tk_diag d;

	tk_prog = "tk-test";
	if (argc != 3) {
		fprintf(stderr, "usage: tk-test doc|stream|count|cpulist|quantity|topo ARG\n");
		return 2;
	}
	if (!strcmp(argv[1], "doc")) {
		struct tk_doc *doc = tk_doc_load(argv[2], NULL, &d);
		size_t i;
		int count = 0;

		if (!doc)
			tk_fatal_diag(&d);
		for (i = 0; i < doc->nitems; i++)
			dump_item(doc->items[i], doc->file, &count);
		tk_doc_free(doc);
		return 0;
	}
	if (!strcmp(argv[1], "count")) {
		size_t n = 0;

		if (tk_doc_stream(argv[2], NULL, count_item, &n, &d) < 0)
			tk_fatal_diag(&d);
		printf("%zu\n", n);
		return 0;
	}
	if (!strcmp(argv[1], "stream")) {
		int count = 0;

		if (tk_doc_stream(argv[2], NULL, dump_item, &count, &d) < 0)
			tk_fatal_diag(&d);
		return 0;
	}
	if (!strcmp(argv[1], "cpulist")) {
		struct cpuset s = CPUSET_INIT;
		size_t off = 0;
		int rc = cpuset_parse_list(&s, argv[2], CPUSET_MAX_ID, &off);
		char *txt;

		if (rc) {
			printf("error %d at %zu\n", rc, off);
			cpuset_release(&s);
			return 1;
		}
		txt = cpuset_format_list(&s);
		printf("%s\n%zu\n", txt, cpuset_count(&s));
		free(txt);
		cpuset_release(&s);
		return 0;
	}
	if (!strcmp(argv[1], "quantity")) {
		struct tk_qty q;
		int rc = tk_qty_parse(argv[2], &q);

		if (rc) {
			printf("error %d\n", rc);
			return 1;
		}
		printf("milli=%lld value=%lld integer=%s\n", (long long)tk_qty_milli(&q),
		       (long long)tk_qty_value(&q), tk_qty_is_integer(&q) ? "yes" : "no");
		return 0;
	}
	if (!strcmp(argv[1], "topo")) {
		struct topo t;
		json_t *j;

		if (topo_load(&t, argv[2], &d))
			tk_fatal_diag(&d);
		j = topo_to_json(&t);
		tk_emit_json(j, stdout);
		json_decref(j);
		topo_release(&t);
		return 0;
	}
	fprintf(stderr, "tk-test: unknown command '%s'\n", argv[1]);
	return 2;
}
