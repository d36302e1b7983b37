/* json-load.c - the baseline of tests/bench/cpuset-alloc.sh: load a JSON
 * document with jansson and free it, the least work any tool reading it
 * must do. */
#include <jansson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *doc;

	if (argc != 2)
		return 2;
	doc = json_load_file(argv[1], 0, &err);
	if (!doc) {
		fprintf(stderr, "%s:%d:%d: %s\n", argv[1], err.line, err.column, err.text);
		return 2;
	}
	json_decref(doc);
	return 0;
}
