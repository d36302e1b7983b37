/* lint.c - `spread-check lint`: options, inputs, exit code.
 *
 * Inputs are files, directories (walked recursively in name order for
 * *.yaml, *.yml and *.json; dot-entries skipped) and "-" for stdin. Every
 * input is streamed item by item (tk_doc_stream), so a multi-document file
 * or a huge List never sits in memory whole. The rules live in
 * lint-rules.c, the formats in lint-output.c.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "exitcodes.h"
#include "lint.h"
#include "spread.h"
#include "xalloc.h"

#define LINT_OUTPUTS (TK_OUT_JSON | TK_OUT_TEXT | TK_OUT_GITHUB | TK_OUT_SARIF | TK_OUT_JUNIT)

enum {
	OPT_LIST_RULES = TK_OPT_LONG_BASE,
	OPT_FAIL_IF_NO_OBJECTS,
};

struct lint_opts {
	enum tk_out output;
	bool strict;
	bool list_rules;
	bool fail_if_no_objects;
	const char *nodes;
};

static void usage(void)
{
	fputs("Usage:\n"
	      " spread-check lint [options] PATH|-...\n"
	      "\n"
	      "Check topologySpreadConstraints in Kubernetes manifests: what the API server\n"
	      "rejects (errors) and the spread mistakes it lets through (warnings).\n"
	      "\n"
	      "Options:\n", stdout);
	tk_help_output(stdout, LINT_OUTPUTS);
	fputs(" -e, --enable RULE[,RULE]   run these rules too (id or name; opt-in rules)\n"
	      " -d, --disable RULE[,RULE]  do not run these rules\n"
	      " -s, --strict           warnings fail too (exit 1)\n"
	      " -n, --nodes FILE       nodes of the cluster (kubectl get nodes -o json) for\n"
	      "                          cluster-aware rules\n"
	      "     --fail-if-no-objects  exit 1 when the inputs hold no object to lint\n"
	      "                          (an empty helm template pipe)\n"
	      "     --list-rules       list the rules and exit\n", stdout);
	tk_help_common(stdout);
	fputs("\nPATH is a file, a directory (searched for *.yaml, *.yml, *.json) or - for\n"
	      "stdin. Silence rules on one object with the annotation\n"
	      "spread-check.topokit.io/ignore: \"TSC101,TSC105\".\n", stdout);
	tk_help_exit_status(stdout, "no error", "errors found (or warnings with --strict)");
	fputs("\nSee spread-check(1).\n", stdout);
	exit(TK_EXIT_OK);
}

static void set_rules(struct lint_ctx *ctx, const char *arg, bool on)
{
	char *copy = xstrdup(arg), *tok, *save;

	for (tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		const struct lint_rule *r = lint_rule_find(tok);

		if (!r)
			tk_usage_error("unknown rule '%s' (see --list-rules)", tok);
		ctx->enabled[r - lint_rules] = on;
	}
	free(copy);
}

static void list_rules(const struct lint_ctx *ctx)
{
	size_t i;

	for (i = 0; i < lint_nrules; i++) {
		const struct lint_rule *r = &lint_rules[i];

		printf("%s  %-7s  %-31s %s%s%s\n", r->id, lint_sev_name(r->sev), r->name, r->summary,
		       r->flags & LINT_OPT_IN ? " (opt-in)" : "",
		       r->flags & LINT_NEEDS_NODES ? " (needs --nodes)" : "");
	}
	(void)ctx;
}

/* Inputs that could not be read or parsed: each is reported on stderr when
 * met, the others are still linted and reported, and the exit status is 2. */
static size_t input_errors;

static void input_error_diag(const struct tk_diag *d)
{
	tk_diag_print(d, tk_prog, stderr);
	input_errors++;
}

struct stream_arg {
	struct lint_ctx *ctx;
	const char *file;
	bool explicit;   /* named on the command line, not found in a directory */
};

static int on_item(const struct tk_node *item, const char *file, void *arg)
{
	struct stream_arg *a = arg;
	struct tk_diag d;

	(void)file;
	/* A named file must hold Kubernetes objects; YAML of other shapes met
	 * while walking a directory (Ansible lists, values files) is skipped. */
	if (item->kind != TK_MAP) {
		if (!a->explicit)
			return 0;
		tk_node_error(a->file, item, &d, "not a Kubernetes object: a %s where a mapping was expected",
			      tk_kind_name(item->kind));
		input_error_diag(&d);
		return 1;   /* the rest of this file is no manifest either */
	}
	/* Likewise a mapping without apiVersion and kind (a values file): in a
	 * named file it is linted, and lint_item reports it as undecodable. */
	if (!a->explicit && (!tk_get(item, "kind") || !tk_get(item, "apiVersion")))
		return 0;
	return lint_item(a->ctx, item, a->file);
}

static bool skip_kind(const char *kind, void *arg)
{
	(void)arg;
	return lint_podless_kind(kind);
}

static void lint_file(struct lint_ctx *ctx, const char *path, bool explicit)
{
	struct stream_arg a;
	struct tk_diag d;

	a.ctx = ctx;
	a.explicit = explicit;
	a.file = lint_ctx_add_file(ctx, strcmp(path, "-") == 0 ? "<stdin>" : path);
	if (tk_doc_stream_skip(path, NULL, skip_kind, on_item, &a, &d) < 0)
		input_error_diag(&d);
}

/* An object the API server could not even decode (TSC009: a string where
 * a number belongs, a list for a map) is an input error, not a finding
 * about spread: say so on stderr as every tool does, and exit 2. The
 * finding stays in the report for CI annotations. */
static bool report_undecodable(const struct lint_ctx *ctx)
{
	size_t i;
	bool any = false;

	for (i = 0; i < ctx->nfindings; i++) {
		const struct lint_finding *f = &ctx->findings[i];

		if (strcmp(f->rule->id, "TSC009"))
			continue;
		fprintf(stderr, "%s: %s:%u:%u: %s: %s\n", tk_prog, tk_text_safe(f->file), f->line, f->col,
			tk_text_safe(f->path), tk_text_safe(f->message));
		any = true;
	}
	return any;
}

static bool lintable_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	       (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lint_path(struct lint_ctx *ctx, const char *path, bool explicit, unsigned depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	if (strcmp(path, "-") == 0) {
		lint_file(ctx, path, true);
		return;
	}
	if (stat(path, &st) != 0) {
		tk_warn("%s: %s", path, strerror(errno));
		input_errors++;
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (explicit && S_ISREG(st.st_mode) && st.st_size == 0) {
			tk_warn("%s: empty input: no Kubernetes object to lint", path);
			input_errors++;
			return;
		}
		if (explicit || lintable_name(path))
			lint_file(ctx, path, explicit);
		return;
	}
	if (depth > 64)
		return;  /* symlink loops */
	dir = opendir(path);
	if (!dir) {
		tk_warn("%s: %s", path, strerror(errno));
		input_errors++;
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xasprintf("%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++) {
		lint_path(ctx, names[i], false, depth + 1);
		free(names[i]);
	}
	free(names);
}

int cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "disable",    required_argument, NULL, 'd' },
		{ "enable",     required_argument, NULL, 'e' },
		{ "fail-if-no-objects", no_argument, NULL, OPT_FAIL_IF_NO_OBJECTS },
		{ "help",       no_argument,       NULL, 'h' },
		{ "list-rules", no_argument,       NULL, OPT_LIST_RULES },
		{ "nodes",      required_argument, NULL, 'n' },
		{ "output",     required_argument, NULL, 'o' },
		{ "strict",     no_argument,       NULL, 's' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lint_opts opts = { TK_OUT_JSON, false, false, false, NULL };
	struct lint_ctx ctx;
	struct lint_nodes nodes;
	struct tk_diag d;
	int c, i, rc;

	lint_ctx_init(&ctx);
	while ((c = getopt_long(argc, argv, ":d:e:hn:o:sV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			set_rules(&ctx, optarg, false);
			break;
		case 'e':
			set_rules(&ctx, optarg, true);
			break;
		case 'h':
			lint_ctx_release(&ctx);
			usage();
			break;
		case 'n':
			opts.nodes = optarg;
			break;
		case 'o':
			opts.output = tk_parse_output(optarg, LINT_OUTPUTS);
			break;
		case 's':
			opts.strict = true;
			break;
		case 'V':
			lint_ctx_release(&ctx);
			sc_version();
			break;
		case OPT_LIST_RULES:
			opts.list_rules = true;
			break;
		case OPT_FAIL_IF_NO_OBJECTS:
			opts.fail_if_no_objects = true;
			break;
		default:
			lint_ctx_release(&ctx);
			sc_option_error(c, argv);
		}
	}
	if (opts.list_rules) {
		list_rules(&ctx);
		lint_ctx_release(&ctx);
		return TK_EXIT_OK;
	}
	if (optind >= argc) {
		lint_ctx_release(&ctx);
		tk_usage_error("no input (give files, directories or - for stdin)");
	}
	ctx.strict = opts.strict;
	if (opts.nodes) {
		if (lint_nodes_load(&nodes, opts.nodes, &d) < 0) {
			lint_nodes_release(&nodes);
			lint_ctx_release(&ctx);
			tk_fatal_diag(&d);
		}
		ctx.nodes = &nodes;
	}
	for (i = optind; i < argc; i++)
		lint_path(&ctx, argv[i], true, 0);

	rc = ctx.nerrors || (opts.strict && ctx.nwarnings) ? TK_EXIT_NO : TK_EXIT_OK;
	if (opts.fail_if_no_objects && ctx.nobjects == 0) {
		tk_warn("no object to lint in the inputs (--fail-if-no-objects)");
		rc = TK_EXIT_NO;
	}
	if (report_undecodable(&ctx) || input_errors)
		rc = TK_EXIT_USAGE;
	if (lint_render(&ctx, opts.output, stdout) < 0)
		rc = TK_EXIT_USAGE;
	if (opts.nodes)
		lint_nodes_release(&nodes);
	lint_ctx_release(&ctx);
	return rc;
}
