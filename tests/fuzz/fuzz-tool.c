/* fuzz-tool.c - libFuzzer harness for a whole tool's input path.
 *
 * The tool's sources are compiled with main renamed to tool_main and exit()
 * to tk_fuzz_exit, which jumps back here, so a tool's usual "print and exit 2"
 * ends one run instead of the fuzzer. FUZZ_TOOL_ARGS is the command line with
 * @@ standing for the fuzzed input file. Run with -close_fd_mask=3 (the tool's
 * output is not wanted) and ASAN_OPTIONS=detect_leaks=0 (an exit path leaves
 * what the process would have freed at exit).
 */
#include <getopt.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tool_main(int argc, char **argv);
void tk_fuzz_exit(int code) __attribute__((noreturn));
int tk_fuzz_atexit(void (*fn)(void));

static jmp_buf back;
static char path[64];

void tk_fuzz_exit(int code)
{
	(void)code;
	longjmp(back, 1);
}

int tk_fuzz_atexit(void (*fn)(void))
{
	(void)fn;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char args[] = FUZZ_TOOL_ARGS;
	char *argv[64];
	int argc = 0;
	char *tok, *save = NULL;
	FILE *fp;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz-tool-%d.yaml", (int)getpid());
	fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	argv[argc++] = (char *)"tool";
	for (tok = strtok_r(args, " ", &save); tok && argc < 62; tok = strtok_r(NULL, " ", &save))
		argv[argc++] = strcmp(tok, "@@") ? tok : path;
	argv[argc] = NULL;
	optind = 0;  /* GNU getopt: full re-initialisation for the next run */
	if (setjmp(back) == 0)
		tool_main(argc, argv);
	return 0;
}
