/* fuzz-doc.c - libFuzzer target: the document loader, tree and streaming paths
 * must agree, and never crash, leak or run away on any input. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "doc.h"

static const struct tk_limits small = {
	.max_depth = 64, .max_scalar = 4096, .max_input = 1 << 20, .max_nodes = 20000,
};

static size_t walk(const struct tk_node *n)
{
	size_t i, total = 1;

	for (i = 0; i < n->n; i++)
		total += walk(n->items[i]);
	return total;
}

static int count_item(const struct tk_node *item, const char *file, void *arg)
{
	(void)file;
	walk(item);
	*(size_t *)arg += 1;
	return 0;
}

/* The streaming walker decides List-ness when it reaches "items", so a kind
 * written after the items can make it disagree with the tree loader. */
static bool comparable(const struct tk_doc *doc)
{
	size_t i;

	for (i = 0; i < doc->ndocs; i++) {
		const struct tk_node *items = tk_get(doc->docs[i], "items");
		const struct tk_node *kind = tk_get(doc->docs[i], "kind");

		if (items && items->kind == TK_SEQ && kind)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_diag d;
	struct tk_doc *doc = tk_doc_load_mem("fuzz", (const char *)data, size, &small, &d);
	char path[] = "/tmp/fuzz-doc-XXXXXX";
	size_t streamed = 0;
	int fd, rc;

	if (doc) {
		size_t i;

		for (i = 0; i < doc->nitems; i++)
			walk(doc->items[i]);
	}
	/* the streaming walker over the same bytes */
	fd = mkstemp(path);
	if (fd >= 0) {
		if (write(fd, data, size) == (ssize_t)size) {
			rc = tk_doc_stream(path, &small, count_item, &streamed, &d);
			if (doc && rc == 0 && comparable(doc) && streamed != doc->nitems)
				abort();  /* both paths must see the same items */
		}
		close(fd);
		unlink(path);
	}
	tk_doc_free(doc);
	return 0;
}
