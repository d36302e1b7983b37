/* emit.c - deterministic JSON output (see emit.h).
 * Reals get 15 significant digits, so 98.8 prints as 98.8, not as its
 * 17-digit binary neighbour. */
#include <stdlib.h>

#include <jansson.h>

#include "cpuset.h"
#include "emit.h"

int tk_emit_json(const json_t *j, FILE *out)
{
	if (json_dumpf(j, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

int tk_emit_json_pretty(const json_t *j, FILE *out)
{
	if (json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15)) != 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

json_t *tk_json_cpulist(const struct cpuset *s)
{
	char *txt = cpuset_format_list(s);
	json_t *j = json_string(txt);

	free(txt);
	return j;
}

json_t *tk_json_int_array(const struct cpuset *s)
{
	json_t *a = json_array();
	int i;

	for (i = cpuset_first(s); i >= 0; i = cpuset_next(s, i))
		json_array_append_new(a, json_integer(i));
	return a;
}
