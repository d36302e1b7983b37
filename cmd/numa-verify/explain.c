/* numa-verify --explain - explain the kubelet's topology and admission
 * messages (journal/klog lines, `journalctl -o json`, Event objects); the
 * reading and message tables are common/explain.c, shared with
 * spread-check explain. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "exitcodes.h"
#include "explain.h"
#include "nv.h"

static void usage(void)
{
	fputs("Usage:\n"
	      " numa-verify --explain [options] [FILE|-]\n"
	      "\n"
	      "Explain the kubelet's Topology, CPU, Memory and Device Manager messages\n"
	      "(TopologyAffinityError, SMTAlignmentError, UnexpectedAdmissionError,\n"
	      "policy state refusals) in journalctl text or JSON lines, or in Event\n"
	      "objects. Scheduler messages are counted and left to spread-check explain.\n"
	      "\n"
	      "Options:\n"
	      "     --explain                read evidence instead of verifying processes\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_exit_status(stdout, "everything explained", "a recognised admission or scheduling failure");
	fputs("\nSee numa-verify(1).\n", stdout);
	exit(TK_EXIT_OK);
}

bool nv_explain_wanted(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--explain") == 0)
			return true;
	}
	return false;
}

int nv_explain_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "explain", no_argument,       NULL, 'E' },
		{ "output",  required_argument, NULL, 'o' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum tk_out out = TK_OUT_JSON;
	int c;

	while ((c = getopt_long(argc, argv, ":o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'E':
			break;
		case 'o':
			out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT);
			break;
		case 'h':
			usage();
			break;
		case 'V':
			tk_print_version();
		default:
			tk_getopt_error(c, argv);
		}
	}
	if (argc - optind > 1)
		tk_usage_error("--explain reads one FILE (or - for stdin)");
	return tk_explain_run(optind < argc ? argv[optind] : "-", TK_EXPLAIN_KUBELET, out, NULL);
}
