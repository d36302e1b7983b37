/* cli.c - shared option handling and messages (see cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "exitcodes.h"
#include "numparse.h"

const char *tk_prog = "topokit";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", tk_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tk_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", tk_prog);
	exit(TK_EXIT_USAGE);
}

void tk_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void tk_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(TK_EXIT_USAGE);
}

void tk_fatal_diag(const struct tk_diag *d)
{
	tk_diag_print(d, tk_prog, stderr);
	exit(TK_EXIT_USAGE);
}

void tk_print_version(void)
{
	printf("%s (topokit) %s\n", tk_prog, TK_VERSION);
	exit(TK_EXIT_OK);
}

static const struct {
	enum tk_out mode;
	const char *name;
} out_names[] = {
	{ TK_OUT_JSON, "json" },
	{ TK_OUT_TEXT, "text" },
	{ TK_OUT_NRT, "nrt" },
	{ TK_OUT_GITHUB, "github" },
	{ TK_OUT_SARIF, "sarif" },
	{ TK_OUT_JUNIT, "junit" },
	{ TK_OUT_PROMETHEUS, "prometheus" },
};

static void list_outputs(FILE *out, unsigned allowed, const char *sep)
{
	size_t i;
	const char *s = "";

	for (i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++) {
		if (!(allowed & out_names[i].mode))
			continue;
		fprintf(out, "%s%s", s, out_names[i].name);
		s = sep;
	}
}

enum tk_out tk_parse_output(const char *arg, unsigned allowed)
{
	size_t i;

	for (i = 0; i < sizeof(out_names) / sizeof(out_names[0]); i++)
		if ((allowed & out_names[i].mode) && !strcmp(arg, out_names[i].name))
			return out_names[i].mode;
	fprintf(stderr, "%s: unknown output format '%s' (use ", tk_prog, arg);
	list_outputs(stderr, allowed, ", ");
	fprintf(stderr, ")\nTry '%s --help' for more information.\n", tk_prog);
	exit(TK_EXIT_USAGE);
}

long long tk_opt_ll(const char *name, const char *arg, long long min, long long max)
{
	long long v;
	int rc = tk_parse_ll(arg, min, max, &v);

	if (rc == -2)
		tk_usage_error("--%s value '%s' is out of range (%lld-%lld)", name, arg, min, max);
	if (rc)
		tk_usage_error("invalid --%s value '%s'", name, arg);
	return v;
}

void tk_opt_cpulist(const char *name, const char *arg, struct cpuset *dst)
{
	size_t off = 0;
	int rc = cpuset_parse_list(dst, arg, CPUSET_MAX_ID, &off);

	if (rc == -2)
		tk_usage_error("--%s value '%s': id out of range (0-%d) at offset %zu", name, arg,
			       CPUSET_MAX_ID, off);
	if (rc)
		tk_usage_error("invalid --%s value '%s'", name, arg);
}

void tk_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout) || close(STDOUT_FILENO) != 0) {
		if (errno == EBADF)
			return;
		fprintf(stderr, "%s: write error: %s\n", tk_prog, strerror(errno ? errno : EIO));
		_exit(TK_EXIT_USAGE);
	}
}

void tk_help_cpulist(FILE *out)
{
	fputs("\nCPU lists use the Linux cpulist syntax: \"0-3,8,10-11\" (ascending ranges).\n", out);
}

void tk_help_output(FILE *out, unsigned allowed)
{
	fputs(" -o, --output FORMAT    output format: ", out);
	list_outputs(out, allowed, ", ");
	fputs(" (default: ", out);
	list_outputs(out, allowed & TK_OUT_JSON ? TK_OUT_JSON : allowed & -allowed, "");
	fputs(")\n", out);
}

void tk_help_common(FILE *out)
{
	fputs(" -h, --help             display this help\n", out);
	fputs(" -V, --version          display version\n", out);
}
