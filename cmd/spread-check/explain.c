/* spread-check explain - explain kube-scheduler's FailedScheduling events
 * (Event objects, `kubectl describe pod` text); the reading and the message
 * tables are common/explain.c, shared with numa-verify --explain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "exitcodes.h"
#include "explain.h"
#include "spread.h"

static void usage(void)
{
	fputs("Usage:\n"
	      " spread-check explain [options] [FILE|-]\n"
	      "\n"
	      "Explain kube-scheduler's FailedScheduling messages in Event objects\n"
	      "(kubectl get events -o json, core/v1 or events.k8s.io/v1) or in\n"
	      "`kubectl describe pod` text: per reason, what it means, what to change,\n"
	      "and the spread-check command that re-derives a topology spread decision.\n"
	      "Kubelet admission messages are counted and left to numa-verify --explain.\n"
	      "\n"
	      "Options:\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_exit_status(stdout, "everything explained", "a recognised scheduling or admission failure");
	fputs("\nSee spread-check(1).\n", stdout);
	exit(TK_EXIT_OK);
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output",  required_argument, NULL, 'o' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum tk_out out = TK_OUT_JSON;
	int c;

	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT);
			break;
		case 'h':
			usage();
			break;
		case 'V':
			sc_version();
			break;
		default:
			sc_option_error(c, argv);
		}
	}
	if (argc - optind > 1)
		tk_usage_error("explain reads one FILE (or - for stdin)");
	return tk_explain_run(optind < argc ? argv[optind] : "-", TK_EXPLAIN_SCHED, out);
}
