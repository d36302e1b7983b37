/* cli.h - option handling every tool shares.
 *
 * Usage text follows util-linux: "Usage:", one line of description,
 * "Options:", help and version last, "See tool(1).". --help prints to stdout
 * and exits 0; misuse prints one line and "Try 'tool --help' for more
 * information." to stderr and exits 2.
 */
#ifndef TK_CLI_H
#define TK_CLI_H

#include <stdio.h>

#include "emit.h"

#define TK_VERSION "0.1.0"

/* Long-only option values start here so they never clash with letters. */
#define TK_OPT_LONG_BASE 256

/* Set once by main; used in every message. */
extern const char *tk_prog;

/* First call of every main: names messages after prog; occupies a closed
 * descriptor 0-2 with /dev/null opened the wrong way round, so that no file
 * the tool opens becomes its stdout/stderr and a write to a closed stdout
 * still fails; silences getopt (tk_getopt_error reports instead, without
 * argv[0]'s path); and turns a lost write to stdout into exit 2 at exit. */
void tk_cli_start(const char *prog);

/* getopt_long returned '?' or ':' (optstring starts with ':', after any
 * '+'): one line naming the option as glibc words it, the try-help line,
 * exit 2. */
void tk_getopt_error(int c, char *const argv[]) __attribute__((noreturn));

/* "prog: message" + try-help line on stderr, exit 2. */
void tk_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print "prog: message" on stderr (no exit). */
void tk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "prog: message" on stderr, exit 2 (for fatal input errors). */
void tk_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Print d ("prog: file:line:col: msg") and exit 2. */
struct tk_diag;
void tk_fatal_diag(const struct tk_diag *d) __attribute__((noreturn));
/* "prog (topokit) 0.1.0" on stdout, exit 0. */
void tk_print_version(void) __attribute__((noreturn));

/* Parse an -o argument against the modes this tool allows (a mask of
 * enum tk_out); misuse exits 2 naming the accepted words. */
enum tk_out tk_parse_output(const char *arg, unsigned allowed);

/* Strict integer option value: exits 2 with "invalid --name value 'x'". */
long long tk_opt_ll(const char *name, const char *arg, long long min, long long max);

/* Cpulist option value into dst (replaced): exits 2 with "invalid --name
 * value 'x'", or the out-of-range id, on bad syntax. An empty list is
 * accepted; callers that need members check cpuset_is_empty(). */
struct cpuset;
void tk_opt_cpulist(const char *name, const char *arg, struct cpuset *dst);


/* Shared help lines for argument grammars. */
void tk_help_cpulist(FILE *out);
void tk_help_output(FILE *out, unsigned allowed);
void tk_help_common(FILE *out);   /* -h/--help, -V/--version lines */
/* The closing "Exit status: 0 ok, 1 bad, 2 usage or input error." line
 * (bad NULL: the tool has no bad verdict). */
void tk_help_exit_status(FILE *out, const char *ok, const char *bad);

#endif
