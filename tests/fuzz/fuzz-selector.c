/* fuzz-selector.c - libFuzzer target: label selectors and node selector terms
 * from arbitrary documents, matched against arbitrary labels. */
#include <stdint.h>
#include <stdlib.h>

#include "diag.h"
#include "doc.h"
#include "labels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_diag d;
	struct tk_doc *doc = tk_doc_load_mem("fuzz", (const char *)data, size, NULL, &d);
	size_t i;

	if (!doc)
		return 0;
	for (i = 0; i < doc->nitems; i++) {
		const struct tk_node *it = doc->items[i];
		struct tk_selector s = { 0 }, n = { 0 };
		struct tk_labels l = { 0 };
		struct tk_strv errs = { 0 };

		if (tk_labels_from_node(&l, doc->file, tk_get(it, "labels"), &d) == 0) {
			size_t k;

			for (k = 0; k < l.n; k++) {
				tk_validate_qualified_name(l.keys[k], &errs);
				tk_validate_label_value(l.vals[k], &errs);
			}
			if (tk_selector_from_node(&s, doc->file, tk_get(it, "selector"), &d) == 0)
				(void)tk_selector_matches(&s, &l);
			if (tk_node_term_from_node(&n, doc->file, tk_get(it, "term"), &d) == 0)
				(void)tk_node_selector_matches(&n, &l, "node-a");
		}
		tk_selector_release(&s);
		tk_selector_release(&n);
		tk_labels_release(&l);
		tk_strv_free(&errs);
	}
	tk_doc_free(doc);
	return 0;
}
