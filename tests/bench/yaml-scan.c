/* yaml-scan.c - the baseline of the spread-check benchmarks (tests/bench/*.sh):
 * a bare libyaml event scan (parse every event of every file, build nothing),
 * the least work any YAML linter must do. Prints the event count. */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	unsigned long events = 0;
	int i;

	for (i = 1; i < argc; i++) {
		yaml_parser_t p;
		yaml_event_t ev;
		FILE *f = fopen(argv[i], "rb");
		int done = 0;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		yaml_parser_initialize(&p);
		yaml_parser_set_input_file(&p, f);
		while (!done) {
			if (!yaml_parser_parse(&p, &ev)) {
				fprintf(stderr, "%s: %s\n", argv[i], p.problem ? p.problem : "parse error");
				return 2;
			}
			done = ev.type == YAML_STREAM_END_EVENT;
			events++;
			yaml_event_delete(&ev);
		}
		yaml_parser_delete(&p);
		fclose(f);
	}
	printf("%lu events\n", events);
	return 0;
}
