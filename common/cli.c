/* cli.c - shared option handling and messages (see cli.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio_ext.h>
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

/* A fatal message is out (exit 2): a failed stdout found at exit then needs
 * no second line, e.g. after a tool's own "write error". */
static bool fatal_reported;

/* Messages quote values from the input: escaped (tk_fputs_text), so that no
 * control character reaches the terminal or the CI log. */
static void vmsg(const char *fmt, va_list ap)
{
	char *msg = NULL;

	fprintf(stderr, "%s: ", tk_prog);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	tk_fputs_text(msg ? msg : fmt, stderr);
	free(msg);
	fputc('\n', stderr);
}

/* The one ending of every misuse message. */
static void __attribute__((noreturn)) try_help(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", tk_prog);
	exit(TK_EXIT_USAGE);
}

void tk_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	try_help();
}

static void occupy_if_closed(int fd, int flags)
{
	int null;

	if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
		return;
	null = open("/dev/null", flags | O_CLOEXEC);
	if (null >= 0 && null != fd) {
		dup2(null, fd);
		close(null);
	}
}

/* Flush stdout and turn a failed write into exit 2 (tk_cli_start installs
 * it with atexit). As coreutils' close_stdout: a closed stdout with nothing
 * pending is no error. */
static void close_stdout(void)
{
	bool pending = __fpending(stdout) != 0;
	bool failed_before = ferror(stdout) != 0;
	int err;

	errno = 0;
	if (fclose(stdout) == 0 && !failed_before)
		return;
	err = errno;
	if (!failed_before && !pending && err == EBADF)
		return;
	if (!fatal_reported)
		fprintf(stderr, "%s: write error%s%s\n", tk_prog, err ? ": " : "", err ? strerror(err) : "");
	_exit(TK_EXIT_USAGE);
}

void tk_cli_start(const char *prog)
{
	tk_prog = prog;
	/* lowest free descriptor first, so each open lands on its own fd */
	occupy_if_closed(STDIN_FILENO, O_WRONLY);
	occupy_if_closed(STDOUT_FILENO, O_RDONLY);
	occupy_if_closed(STDERR_FILENO, O_RDONLY);
	opterr = 0;
	atexit(close_stdout);
}

void tk_getopt_error(int c, char *const argv[])
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	bool is_long = arg && strncmp(arg, "--", 2) == 0;
	int namelen = is_long ? (int)strcspn(arg, "=") : 0;

	if (c == ':' && (!is_long || (optopt > 0 && optopt < 256 && arg[1] != '-')))
		tk_usage_error("option requires an argument -- '%c'", optopt);
	if (c == ':')
		tk_usage_error("option '%.*s' requires an argument", namelen, arg);
	if (!is_long)
		tk_usage_error("invalid option -- '%c'", optopt);
	if (optopt != 0 && arg[namelen] == '=')
		tk_usage_error("option '%.*s' doesn't allow an argument", namelen, arg);
	tk_usage_error("unrecognized option '%s'", arg);
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
	fatal_reported = true;
	exit(TK_EXIT_USAGE);
}

void tk_fatal_diag(const struct tk_diag *d)
{
	tk_diag_print(d, tk_prog, stderr);
	fatal_reported = true;
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
	{ TK_OUT_SVG, "svg" },
	{ TK_OUT_PNG, "png" },
	{ TK_OUT_PDF, "pdf" },
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
	fprintf(stderr, "%s: unknown output format '%s' (use ", tk_prog, tk_text_safe(arg));
	list_outputs(stderr, allowed, ", ");
	fputs(")\n", stderr);
	try_help();
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

void tk_help_exit_status(FILE *out, const char *ok, const char *bad)
{
	char line[256];
	int n;

	if (bad)
		n = snprintf(line, sizeof(line), "Exit status: 0 %s, 1 %s,", ok, bad);
	else
		n = snprintf(line, sizeof(line), "Exit status: 0 %s,", ok);
	/* one line when it fits 80 columns */
	fprintf(out, "\n%s%s2 usage or input error.\n", line,
		n + (int)sizeof(" 2 usage or input error.") <= 80 ? " " : "\n");
}

void tk_help_common(FILE *out)
{
	fputs(" -h, --help             display this help\n", out);
	fputs(" -V, --version          display version\n", out);
}
