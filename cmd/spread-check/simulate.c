/* simulate.c - placeholder until the simulate subcommand lands; its owner replaces
 * this file. */
#include <stdio.h>

#include "exitcodes.h"
#include "spread.h"

int cmd_simulate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("spread-check: simulate: not implemented yet\n", stderr);
	return TK_EXIT_USAGE;
}
