/* test-doc-skip.c - tk_doc_stream_skip (common/doc.c): documents of skipped
 * kinds are parsed but neither built nor delivered. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "tap.h"

static bool skip_cm(const char *kind, void *arg)
{
	(void)arg;
	return strcmp(kind, "ConfigMap") == 0;
}

struct seen {
	int n;
	char kinds[8][32];
	unsigned lines[8];
};

static int on_item(const struct tk_node *item, const char *file, void *arg)
{
	struct seen *s = arg;
	const char *k = tk_str(tk_get(item, "kind"));

	(void)file;
	if (s->n < 8) {
		snprintf(s->kinds[s->n], sizeof(s->kinds[0]), "%s", k ? k : "?");
		s->lines[s->n] = item->line;
	}
	s->n++;
	return 0;
}

static int stream(const char *text, struct seen *s, struct tk_diag *d)
{
	char path[] = "/tmp/test-doc-skip-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f)
		return -99;
	fputs(text, f);
	fclose(f);
	memset(s, 0, sizeof(*s));
	rc = tk_doc_stream_skip(path, NULL, skip_cm, on_item, s, d);
	remove(path);
	return rc;
}

int main(void)
{
	struct seen s;
	struct tk_diag d;
	int rc;

	rc = stream("kind: Pod\nmetadata: {name: a}\n---\n"
		    "apiVersion: v1\nkind: ConfigMap\ndata: {a: 1, a: 2, b: {c: [1, {d: e}]}}\n---\n"
		    "kind: Deployment\nspec: {replicas: 2}\n", &s, &d);
	TAP_OK(rc == 0, "stream with a skipped document succeeds (duplicate keys inside it are not built)");
	TAP_OK(s.n == 2 && !strcmp(s.kinds[0], "Pod") && !strcmp(s.kinds[1], "Deployment") && s.lines[1] == 8,
	       "the ConfigMap is not delivered; the documents around it are (%d items)", s.n);

	rc = stream("data: {x: y}\nkind: ConfigMap\nmore: [1, 2]\n---\nkind: Pod\n", &s, &d);
	TAP_OK(rc == 0 && s.n == 1 && !strcmp(s.kinds[0], "Pod"), "kind after other keys still skips");

	rc = stream("kind: ConfigMap\ndata: {a: [1, 2}\n", &s, &d);
	TAP_OK(rc < 0 && d.line == 2, "a syntax error inside a skipped document still fails at its line (%u)", d.line);

	rc = stream("kind: List\nitems:\n- {kind: ConfigMap, data: {}}\n- {kind: Pod}\n", &s, &d);
	TAP_OK(rc == 0 && s.n == 2, "items of a List are always built and delivered");

	rc = stream("kind: ConfigMap\nx: &a {k: v}\n---\nkind: Pod\ny: *a\n", &s, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "alias"), "anchors do not cross documents, skipped or not: %s", d.msg);
	return TAP_DONE();
}
