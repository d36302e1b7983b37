/* fuzz-cpulist.c - libFuzzer target: cpulist parse/format round-trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xstrndup((const char *)data, size);
	struct cpuset a = CPUSET_INIT, b = CPUSET_INIT;

	if (cpuset_parse_list(&a, s, 4096, NULL) == 0) {
		char *out = cpuset_format_list(&a);

		/* canonical output parses back to the same set and formats identically */
		if (cpuset_parse_list(&b, out, 4096, NULL) != 0 || !cpuset_equal(&a, &b))
			abort();
		free(out);
	}
	cpuset_release(&a);
	cpuset_release(&b);
	free(s);
	return 0;
}
