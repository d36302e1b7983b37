/* fuzz-doc.c - libFuzzer target: the document loader, tree and streaming paths
 * must agree, doc.c's JSON reader must agree with libyaml, and nothing may
 * crash, leak or run away on any input. */
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

/* Two trees alike in everything the builder decides. */
static bool same_tree(const struct tk_node *a, const struct tk_node *b)
{
	size_t i;

	if (a->kind != b->kind || a->line != b->line || a->col != b->col || a->quoted != b->quoted ||
	    a->len != b->len || a->n != b->n || !a->text != !b->text || !a->keys != !b->keys ||
	    (a->text && memcmp(a->text, b->text, a->len)))
		return false;
	for (i = 0; i < a->n; i++)
		if ((a->keys && !same_tree(a->keys[i], b->keys[i])) || !same_tree(a->items[i], b->items[i]))
			return false;
	return true;
}

/* Input in memory is read by doc.c's own readers (JSON, block YAML) where
 * they can; stdin is read once, so by libyaml alone: both must give the
 * same tree or the same error. */
static void same_as_libyaml(const uint8_t *data, size_t size, const struct tk_doc *fast,
			    const struct tk_diag *fast_d)
{
	char path[] = "/tmp/fuzz-doc-XXXXXX";
	struct tk_diag d;
	struct tk_doc *slow;
	size_t i = 0;
	int fd;

	fd = mkstemp(path);
	if (fd < 0)
		return;
	unlink(path);
	/* glibc's fseek keeps a read buffer that covers the new offset: drop
	 * the last input's bytes before changing the file under stdin */
	fflush(stdin);
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) < 0) {
		close(fd);
		return;
	}
	close(fd);
	clearerr(stdin);
	rewind(stdin);
	slow = tk_doc_load("-", &small, &d);
	if (!fast != !slow)
		abort();
	if (!fast && (fast_d->line != d.line || fast_d->col != d.col || strcmp(fast_d->msg, d.msg)))
		abort();
	if (fast) {
		if (fast->ndocs != slow->ndocs || fast->nitems != slow->nitems)
			abort();
		for (i = 0; i < fast->ndocs; i++)
			if (!same_tree(fast->docs[i], slow->docs[i]))
				abort();
		for (i = 0; i < fast->nitems; i++)
			if (!same_tree(fast->items[i], slow->items[i]))
				abort();
	}
	tk_doc_free(slow);
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
	same_as_libyaml(data, size, doc, &d);
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
