/* diag.c - diagnostics as values (see diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "emit.h"

int tk_diag_set(struct tk_diag *d, const char *file, unsigned line, unsigned col,
		const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return -1;
	snprintf(d->file, sizeof(d->file), "%s", file ? file : "");
	d->line = line;
	d->col = col;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void tk_diag_print(const struct tk_diag *d, const char *prog, FILE *out)
{
	if (prog && *prog)
		fprintf(out, "%s: ", prog);
	/* file names and quoted values come from the input: no control
	 * character reaches the terminal or the CI log (tk_fputs_text) */
	if (d->file[0]) {
		tk_fputs_text(d->file, out);
		if (d->line)
			fprintf(out, ":%u:%u", d->line, d->col ? d->col : 1);
		fputs(": ", out);
	}
	tk_fputs_text(d->msg, out);
	fputc('\n', out);
}
