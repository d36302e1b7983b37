/* diag.c - diagnostics as values (see diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"

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
	if (d->file[0] && d->line)
		fprintf(out, "%s:%u:%u: ", d->file, d->line, d->col ? d->col : 1);
	else if (d->file[0])
		fprintf(out, "%s: ", d->file);
	fprintf(out, "%s\n", d->msg);
}
