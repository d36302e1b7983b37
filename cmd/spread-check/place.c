/* place.c - placeholder until the place subcommand lands; its owner replaces
 * this file. */
#include <stdio.h>

#include "exitcodes.h"
#include "spread.h"

int cmd_place(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("spread-check: place: not implemented yet\n", stderr);
	return TK_EXIT_USAGE;
}
