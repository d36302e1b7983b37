/* emit.h - writing results.
 *
 * JSON is written compact, with keys in insertion order (build objects in
 * the documented field order), and one trailing newline, so outputs are
 * deterministic bytes that tests can compare.
 */
#ifndef TK_EMIT_H
#define TK_EMIT_H

#include <stdio.h>

typedef struct json_t json_t;
struct cpuset;

enum tk_out {
	TK_OUT_JSON = 1 << 0,
	TK_OUT_TEXT = 1 << 1,
	TK_OUT_NRT = 1 << 2,
	TK_OUT_GITHUB = 1 << 3,
	TK_OUT_SARIF = 1 << 4,
	TK_OUT_JUNIT = 1 << 5,
	TK_OUT_PROMETHEUS = 1 << 6,
	TK_OUT_SVG = 1 << 7,          /* pictures (picture.h) */
	TK_OUT_PNG = 1 << 8,
	TK_OUT_PDF = 1 << 9,
};

/* Write j and a newline. Returns 0 or -1 on a write error. */
int tk_emit_json(const json_t *j, FILE *out);
/* j compact in member order, as json_dumpf(JSON_COMPACT | JSON_PRESERVE_ORDER)
 * writes it, no newline: a piece of a larger document written as it goes. */
int tk_emit_json_fragment(const json_t *j, FILE *out);
/* Pretty (2-space indent) variant, for documents people read (SARIF, NRT). */
int tk_emit_json_pretty(const json_t *j, FILE *out);

/* Untrusted text (a process's comm, a manifest's names) for a terminal or
 * a log: control characters (C0, DEL, UTF-8 C1) become \n, \t, \r or
 * \xHH so that nothing can move the cursor, fake a line or hide a finding;
 * a backslash stays as it is. tk_text_escape returns a malloc'd copy. */
char *tk_text_escape(const char *s);
/* The same for a printf argument: the result stays valid until the 8th
 * later call (a ring of buffers the process keeps). */
const char *tk_text_safe(const char *s);
void tk_fputs_text(const char *s, FILE *out);

/* json helpers that keep call sites short; "_new" steal the value. */
json_t *tk_json_cpulist(const struct cpuset *s);        /* "0-3,8" string */
json_t *tk_json_int_array(const struct cpuset *s);      /* [0,1,2,3,8] */

#endif
