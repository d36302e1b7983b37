/* fuzz-quantity.c - libFuzzer target: quantity parsing never crashes and keeps
 * Value() consistent with MilliValue(). */
#include <stdint.h>
#include <stdlib.h>

#include "quantity.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct tk_qty q;

	if (tk_qty_parse(s, &q) == 0) {
		int64_t v = tk_qty_value(&q);

		if (q.milli > 0 && (v * 1000 < q.milli || v * 1000 - q.milli >= 1000))
			abort();
	}
	free(s);
	return 0;
}
