/* exit.c - exit() for the parser targets. Every fuzzed source is compiled
 * once, with exit renamed to tk_fuzz_exit for the whole-tool targets
 * (fuzz-tool.c jumps back to its harness); for a parser target an exit
 * (xalloc's out-of-memory) stays an exit. */
#include <stdlib.h>

void tk_fuzz_exit(int code) __attribute__((noreturn));
int tk_fuzz_atexit(void (*fn)(void));

void tk_fuzz_exit(int code)
{
	exit(code);
}

int tk_fuzz_atexit(void (*fn)(void))
{
	return atexit(fn);
}
