/* explain-internal.h - how tk_explain_run reads a text journal, for
 * tests/unit/test-explain-journal.c: the same run with the anchor skip off
 * (every line parsed) must report exactly what it reports with it on, and a
 * small read block makes a small journal cross many block boundaries. Not
 * part of the library's interface. */
#ifndef TK_EXPLAIN_INTERNAL_H
#define TK_EXPLAIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "explain.h"

struct tk_explain_reader {
	bool skip;          /* count lines that hold no anchor without parsing them */
	size_t block;       /* bytes read at a time (at least 1) */
	size_t skipped;     /* out: lines the skip counted */
};

/* tk_explain_run is this with { true, 1 MiB }. */
int tk_explain_run_reader(const char *path, enum tk_explain_domain domain, enum tk_out out,
			  const struct tk_explain_hook *hook, struct tk_explain_reader *rd);

#endif
