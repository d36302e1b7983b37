/* lint.c - spread-check lint (being written). */
#include <stdio.h>

#include "exitcodes.h"
#include "spread.h"

int cmd_lint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fputs("spread-check: lint: not implemented yet\n", stderr);
	return TK_EXIT_USAGE;
}
