/* spread.h - spread-check subcommands.
 *
 * spread-check is one binary with a git-style dispatch table in main.c:
 * each subcommand is `int cmd_<name>(int argc, char **argv)` in its own
 * file(s) of cmd/spread-check/, gets argv with argv[0] = the subcommand name,
 * parses its own options (including its own --help) and returns an exit code
 * from common/exitcodes.h (0 good verdict, 1 bad verdict, 2 usage/input).
 *
 * main() sets tk_prog to "spread-check <name>" first, so tk_usage_error()
 * and diagnostics name the subcommand (and tk_getopt_error() a misuse getopt
 * has reported); sc_version() prints the binary's version.
 *
 *   lint      lint*.c      topologySpreadConstraints as the API server
 *                          validates them, plus advisory rules
 *   place     place.c      PodTopologySpread Filter + Score for one pod
 *   simulate  simulate.c   place a workload's replicas one by one
 *   audit     audit.c      skew of running workloads
 *   explain   explain.c    FailedScheduling events explained (common/explain.c)
 *                          and re-run on a cluster dump (filters.c, podtopo.c)
 */
#ifndef SPREAD_H
#define SPREAD_H

int cmd_lint(int argc, char **argv);
int cmd_place(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_explain(int argc, char **argv);

/* "spread-check (topokit) VERSION" on stdout, exit 0. */
void sc_version(void) __attribute__((noreturn));

#endif
