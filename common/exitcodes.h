/* exitcodes.h - the one exit-code contract shared by every topokit tool.
 *
 * 0: the verdict is good (admitted, aligned, no finding, allocated).
 * 1: the verdict is bad (rejected, misaligned, violation, cannot allocate).
 * 2: usage or input error, and every fatal path (out of memory, write error),
 *    so that a crash-like failure can never be mistaken for a verdict.
 * 125-127: a tool that runs a command (cpuset-alloc --exec) could not run it,
 *    as env(1) and timeout(1) say: 125 its own failure (binding), 126 the
 *    command cannot be invoked, 127 it was not found.
 */
#ifndef TK_EXITCODES_H
#define TK_EXITCODES_H

enum tk_exit {
	TK_EXIT_OK = 0,
	TK_EXIT_NO = 1,
	TK_EXIT_USAGE = 2,
	TK_EXIT_EXEC_FAILED = 125,
	TK_EXIT_CANNOT_INVOKE = 126,
	TK_EXIT_NOT_FOUND = 127,
};

#endif
