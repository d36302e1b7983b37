/* spread-check - lint and predict Kubernetes topology spread.
 *
 * main() only dispatches: the first argument names a subcommand from the
 * table below (git's commands[] in git.c); the subcommand parses the rest.
 * Top-level options are --help and --version only. While a subcommand runs,
 * tk_prog (every message's prefix and the try-help line) and its argv[0]
 * (getopt's messages) read "spread-check <command>", as git names
 * "git <command>" in its usage lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcodes.h"
#include "spread.h"

struct subcommand {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct subcommand subcommands[] = {
	{ "lint",     cmd_lint,     "check topologySpreadConstraints in manifests" },
	{ "place",    cmd_place,    "score every node for one incoming pod" },
	{ "simulate", cmd_simulate, "place a workload's replicas one by one" },
	{ "audit",    cmd_audit,    "measure the skew of running workloads" },
	{ "explain",  cmd_explain,  "explain FailedScheduling events and describe output" },
};

static char prog_sub[64];

void sc_version(void)
{
	tk_prog = "spread-check";
	tk_print_version();
}

static void usage(void)
{
	size_t i;

	fputs("Usage:\n"
	      " spread-check <command> [options] [args]\n"
	      " spread-check --help | --version\n"
	      "\n"
	      "Lint and predict Kubernetes topology spread (PodTopologySpread).\n"
	      "\n"
	      "Commands:\n", stdout);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		printf(" %-10s %s\n", subcommands[i].name, subcommands[i].help);
	fputs("\n"
	      "Options:\n"
	      " -h, --help     display this help\n"
	      " -V, --version  display version\n"
	      "\n"
	      "Run 'spread-check <command> --help' for the options of a command.\n", stdout);
	tk_help_exit_status(stdout, "the verdict is good", "the verdict is bad (see each command)");
	exit(TK_EXIT_OK);
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	tk_cli_start("spread-check");
	if (argc < 2)
		tk_usage_error("missing command");
	name = argv[1];
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0)
		usage();
	if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
		tk_print_version();
	if (name[0] == '-')
		tk_usage_error("unrecognized option '%s'", name);
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(name, subcommands[i].name) == 0) {
			snprintf(prog_sub, sizeof(prog_sub), "spread-check %s", name);
			tk_prog = prog_sub;
			argv[1] = prog_sub;
			return subcommands[i].fn(argc - 1, argv + 1);
		}
	tk_usage_error("unknown command '%s'", name);
}
