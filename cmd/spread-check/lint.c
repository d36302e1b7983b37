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
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "exitcodes.h"
#include "lint.h"
#include "numparse.h"
#include "spread.h"
#include "xalloc.h"

#define LINT_OUTPUTS (TK_OUT_JSON | TK_OUT_TEXT | TK_OUT_GITHUB | TK_OUT_SARIF | TK_OUT_JUNIT)

enum {
	OPT_LIST_RULES = TK_OPT_LONG_BASE,
	OPT_FAIL_IF_NO_OBJECTS,
	OPT_ONLY_MANIFESTS,
};

struct lint_opts {
	enum tk_out output;
	bool strict;
	bool list_rules;
	bool fail_if_no_objects;
	bool only_manifests;    /* named files read as a directory's */
	const char *nodes;
	unsigned jobs;   /* files linted at once */
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
	      " -j, --jobs N           lint N files at once (default: one per CPU); the\n"
	      "                          output is the same for any N\n"
	      " -n, --nodes FILE       nodes of the cluster (kubectl get nodes -o json) for\n"
	      "                          cluster-aware rules\n"
	      "     --fail-if-no-objects  exit 1 when the inputs hold no object to lint\n"
	      "                          (an empty helm template pipe)\n"
	      "     --only-manifests   skip named files, and documents in them, that are no\n"
	      "                          Kubernetes object, as in a directory (pre-commit)\n"
	      "     --list-rules       list the rules and exit\n", stdout);
	tk_help_common(stdout);
	fputs("\nPATH is a file, a directory (searched for *.yaml, *.yml, *.json) or - for\n"
	      "stdin. Silence rules on one object with the annotation\n"
	      "spread-check.topokit.io/ignore: \"TSC101,TSC105\".\n", stdout);
	tk_help_exit_status(stdout, "no error", "errors found (or warnings with --strict)");
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

/* One input to lint, in input order: a file, or a problem met while walking
 * the inputs (a missing path, an unreadable directory). Files are linted
 * into a context of their own, on any thread; their objects, findings and
 * stderr are then appended in input order, so that the output is the same
 * byte for byte whatever the number of jobs. */
struct lint_unit {
	char *path;             /* file to lint ("-" stdin), or NULL */
	bool explicit;          /* named on the command line, not found in a directory */
	char *warning;          /* path == NULL: the message */
	struct lint_ctx ctx;    /* this file's objects and findings */
	char *err;              /* its stderr */
	size_t errlen;
	size_t input_errors;    /* inputs that could not be read or parsed */
};

struct lint_units {
	size_t n;
	struct lint_unit *v;
};

static struct lint_unit *unit_add(struct lint_units *u)
{
	struct lint_unit *x;

	u->v = xreallocarray(u->v, u->n + 1, sizeof(*u->v));
	x = &u->v[u->n++];
	memset(x, 0, sizeof(*x));
	return x;
}

static void unit_warn(struct lint_units *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void unit_warn(struct lint_units *u, const char *fmt, ...)
{
	struct lint_unit *x = unit_add(u);
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&x->warning, fmt, ap) < 0)
		xalloc_die();
	va_end(ap);
	x->input_errors = 1;
}

struct stream_arg {
	struct lint_ctx *ctx;
	const char *file;
	bool explicit;   /* named on the command line, not found in a directory */
	FILE *err;       /* where input errors go */
	size_t *input_errors;
};

static void input_error_diag(struct stream_arg *a, const struct tk_diag *d)
{
	tk_diag_print(d, tk_prog, a->err);
	(*a->input_errors)++;
}

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
		input_error_diag(a, &d);
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

/* Lint one file into u->ctx (settings from proto), its messages into u->err. */
static void lint_unit_run(struct lint_unit *u, const struct lint_ctx *proto)
{
	struct stream_arg a;
	struct tk_diag d;
	FILE *err = open_memstream(&u->err, &u->errlen);

	if (!err)
		xalloc_die();
	memset(&u->ctx, 0, sizeof(u->ctx));
	u->ctx.enabled = proto->enabled;
	u->ctx.nodes = proto->nodes;
	u->ctx.strict = proto->strict;
	a.ctx = &u->ctx;
	a.explicit = u->explicit;
	a.err = err;
	a.input_errors = &u->input_errors;
	a.file = lint_ctx_add_file(&u->ctx, strcmp(u->path, "-") == 0 ? "<stdin>" : u->path);
	if (tk_doc_stream_skip(u->path, NULL, skip_kind, on_item, &a, &d) < 0)
		input_error_diag(&a, &d);
	if (fclose(err) != 0)
		xalloc_die();
}

static const char *remap_file(const char *f, const char *from, const char *to)
{
	return f == from ? to : f;
}

/* Append a linted unit to ctx, as if it had been linted into ctx itself:
 * findings and objects point at ctx's copy of their file name (a file named
 * twice in a row is one file, as lint_ctx_add_file makes it). */
static void unit_merge(struct lint_ctx *ctx, struct lint_unit *u)
{
	struct lint_ctx *s = &u->ctx;
	size_t i, k, nobj = ctx->nobjects, nfind = ctx->nfindings;

	for (i = 0; i < s->nfiles; i++) {
		const char *to = lint_ctx_add_file(ctx, s->files[i]);

		for (k = 0; k < s->nobjects; k++)
			s->objects[k].file = remap_file(s->objects[k].file, s->files[i], to);
		for (k = 0; k < s->nfindings; k++)
			s->findings[k].file = remap_file(s->findings[k].file, s->files[i], to);
		free(s->files[i]);
	}
	if (s->nobjects) {
		ctx->objects = xreallocarray(ctx->objects, nobj + s->nobjects, sizeof(*ctx->objects));
		for (k = 0; k < s->nobjects; k++) {
			ctx->objects[nobj + k] = s->objects[k];
			ctx->objects[nobj + k].first += nfind;
		}
		ctx->nobjects += s->nobjects;
	}
	if (s->nfindings) {
		ctx->findings = xreallocarray(ctx->findings, nfind + s->nfindings, sizeof(*ctx->findings));
		for (k = 0; k < s->nfindings; k++) {
			ctx->findings[nfind + k] = s->findings[k];
			ctx->findings[nfind + k].object += nobj;
		}
		ctx->nfindings += s->nfindings;
	}
	ctx->nerrors += s->nerrors;
	ctx->nwarnings += s->nwarnings;
	free(s->files);
	free(s->objects);
	free(s->findings);
	memset(s, 0, sizeof(*s));
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

/* Collect the files of path (walked in name order) into units. */
static void collect_path(struct lint_units *units, const char *path, bool explicit, unsigned depth)
{
	struct stat st;
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	if (strcmp(path, "-") == 0) {
		struct lint_unit *u = unit_add(units);

		u->path = xstrdup(path);
		u->explicit = true;
		return;
	}
	if (stat(path, &st) != 0) {
		unit_warn(units, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (explicit && S_ISREG(st.st_mode) && st.st_size == 0) {
			unit_warn(units, "%s: empty input: no Kubernetes object to lint", path);
			return;
		}
		if (explicit || lintable_name(path)) {
			struct lint_unit *u = unit_add(units);

			u->path = xstrdup(path);
			u->explicit = explicit;
		}
		return;
	}
	if (depth > 64)
		return;  /* symlink loops */
	dir = opendir(path);
	if (!dir) {
		unit_warn(units, "%s: %s", path, strerror(errno));
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
		collect_path(units, names[i], false, depth + 1);
		free(names[i]);
	}
	free(names);
}

struct lint_pool {
	struct lint_units *units;
	const struct lint_ctx *proto;
	atomic_size_t next;
};

static void *lint_worker(void *arg)
{
	struct lint_pool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->units->n)
		if (p->units->v[i].path)
			lint_unit_run(&p->units->v[i], p->proto);
	tk_doc_thread_release();
	return NULL;
}

/* Lint every unit, on up to jobs threads (this one included). */
static void lint_units_run(struct lint_units *units, const struct lint_ctx *proto, unsigned jobs)
{
	struct lint_pool pool = { units, proto, 0 };
	pthread_t *tids;
	unsigned i, started = 0;

	if (jobs > units->n)
		jobs = (unsigned)units->n;
	tids = xcalloc(jobs ? jobs : 1, sizeof(*tids));
	for (i = 1; i < jobs; i++) {
		if (pthread_create(&tids[i], NULL, lint_worker, &pool) != 0)
			break;  /* fewer threads: the work still gets done */
		started++;
	}
	lint_worker(&pool);
	for (i = 1; i <= started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
}

/* The CPUs this process may run on. */
static unsigned online_cpus(void)
{
	cpu_set_t set;
	long n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

int cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "disable",    required_argument, NULL, 'd' },
		{ "enable",     required_argument, NULL, 'e' },
		{ "fail-if-no-objects", no_argument, NULL, OPT_FAIL_IF_NO_OBJECTS },
		{ "only-manifests", no_argument, NULL, OPT_ONLY_MANIFESTS },
		{ "help",       no_argument,       NULL, 'h' },
		{ "jobs",       required_argument, NULL, 'j' },
		{ "list-rules", no_argument,       NULL, OPT_LIST_RULES },
		{ "nodes",      required_argument, NULL, 'n' },
		{ "output",     required_argument, NULL, 'o' },
		{ "strict",     no_argument,       NULL, 's' },
		{ "version",    no_argument,       NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct lint_opts opts = { TK_OUT_JSON, false, false, false, false, NULL, online_cpus() };
	struct lint_ctx ctx;
	struct lint_nodes nodes;
	struct lint_units units = { 0, NULL };
	struct tk_diag d;
	long long jobs;
	size_t k, input_errors = 0;
	int c, i, rc;

	lint_ctx_init(&ctx);
	while ((c = getopt_long(argc, argv, ":d:e:hj:n:o:sV", longopts, NULL)) != -1) {
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
		case 'j':
			if (tk_parse_ll(optarg, 1, 1024, &jobs) < 0) {
				lint_ctx_release(&ctx);
				tk_usage_error("invalid --jobs '%s' (a number of files linted at once, 1-1024)", optarg);
			}
			opts.jobs = (unsigned)jobs;
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
		case OPT_ONLY_MANIFESTS:
			opts.only_manifests = true;
			break;
		default:
			lint_ctx_release(&ctx);
			tk_getopt_error(c, argv);
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
		collect_path(&units, argv[i], !opts.only_manifests, 0);
	lint_units_run(&units, &ctx, opts.jobs);
	/* in input order: each file's messages, then its findings */
	for (k = 0; k < units.n; k++) {
		struct lint_unit *u = &units.v[k];

		if (u->warning)
			tk_warn("%s", u->warning);
		else
			unit_merge(&ctx, u);
		if (u->errlen)
			fwrite(u->err, 1, u->errlen, stderr);
		input_errors += u->input_errors;
		free(u->err);
		free(u->warning);
		free(u->path);
	}
	free(units.v);

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
