/* diag.h - diagnostics as values.
 *
 * common/ never prints or exits: a failing function fills a struct tk_diag and
 * returns a negative code. Only cmd/<tool>/main.c prints it, as
 *   prog: file:line:col: message      (when a position is known)
 *   prog: file: message               (file known, no position)
 *   prog: message                     (neither)
 * Lines and columns are 1-based; 0 means unknown.
 */
#ifndef TK_DIAG_H
#define TK_DIAG_H

#include <stdio.h>

struct tk_diag {
	char file[512];
	unsigned line;
	unsigned col;
	char msg[1024];
};

/* Fill d (may be NULL: then nothing happens). file may be NULL. Returns -1 so
 * callers can write `return tk_diag_set(...)`. */
int tk_diag_set(struct tk_diag *d, const char *file, unsigned line, unsigned col,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Print "prog: file:line:col: msg\n" to out. */
void tk_diag_print(const struct tk_diag *d, const char *prog, FILE *out);

#endif
