/* audit.c - placeholder until the audit subcommand lands; its owner replaces
 * this file. */
#include <stdio.h>

#include "exitcodes.h"
#include "spread.h"

int cmd_audit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("spread-check: audit: not implemented yet\n", stderr);
	return TK_EXIT_USAGE;
}
