/* fuzz-topo.c - libFuzzer target: topology documents load or fail cleanly,
 * and what loads re-emits and reloads to the same JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag.h"
#include "doc.h"
#include "topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_diag d;
	struct tk_doc *doc = tk_doc_load_mem("fuzz", (const char *)data, size, NULL, &d);
	struct topo t;

	if (!doc)
		return 0;
	if (doc->nitems == 1 && topo_from_node(&t, doc->file, doc->items[0], &d) == 0) {
		json_t *j = topo_to_json(&t);
		char *s = json_dumps(j, JSON_COMPACT);
		struct tk_doc *again = tk_doc_load_mem("again", s, strlen(s), NULL, &d);
		struct topo t2;

		if (!again || again->nitems != 1 || topo_from_node(&t2, "again", again->items[0], &d))
			abort();
		topo_release(&t2);
		tk_doc_free(again);
		free(s);
		json_decref(j);
		topo_release(&t);
	}
	tk_doc_free(doc);
	return 0;
}
