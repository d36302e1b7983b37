/* fuzz-tool.c - libFuzzer harness for a whole tool's input path.
 *
 * The tool's sources are compiled with main renamed to tool_main and exit()
 * to tk_fuzz_exit, which jumps back here, so a tool's usual "print and exit 2"
 * ends one run instead of the fuzzer. FUZZ_TOOL_ARGS is the command line with
 * @@ standing for the fuzzed input file. Run with -close_fd_mask=3 (the tool's
 * output is not wanted) and ASAN_OPTIONS=detect_leaks=0 (an exit path leaves
 * what the process would have freed at exit).
 */
#include <dirent.h>
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
static char fd_open_before[1024];  /* descriptors the fuzzer itself holds */

/* The tool's exit would have closed what it opened (a state file's lock, an
 * input it was reading); after the jump back, close it here instead. */
static void scan_fds(int close_new)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd < 3 || fd >= (int)sizeof(fd_open_before) || fd == dirfd(dir))
			continue;
		if (!close_new)
			fd_open_before[fd] = 1;
		else if (!fd_open_before[fd])
			close(fd);
	}
	closedir(dir);
}

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

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz-tool-%d.yaml", (int)getpid());
		scan_fds(0);
	}
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
	scan_fds(1);
	return 0;
}
