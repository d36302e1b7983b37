/* lint.h - spread-check lint: rules, findings and the lint context.
 *
 * Terminology:
 *   rule      one check with a stable id (TSC001) and name (max-skew);
 *             TSC0xx are what the API server rejects (severity error,
 *             wording of pkg/apis/core/validation), TSC1xx advisory
 *             warnings, TSC2xx warnings that need --nodes, TSC3xx opt-in.
 *   object    one flattened top-level item of an input (a Deployment, a Pod,
 *             a CR that embeds pod specs, ...).
 *   finding   one rule firing on one object at one field, with position.
 *
 * Flow: lint.c parses options, streams every input through lint_item()
 * (lint-rules.c, pure: no printing), then lint-output.c renders the
 * findings; lint.c maps them to the exit code.
 *
 * Ownership: struct lint_ctx owns its findings, objects and node table;
 * lint_ctx_release() frees them.
 */
#ifndef SPREAD_LINT_H
#define SPREAD_LINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "emit.h"

struct tk_node;
struct tk_labels;
struct tk_diag;

enum lint_sev {
	LINT_ERROR,
	LINT_WARNING,
};

enum lint_rule_flags {
	LINT_OPT_IN = 1 << 0,      /* off unless --enable */
	LINT_NEEDS_NODES = 1 << 1, /* runs only with --nodes */
};

struct lint_rule {
	const char *id;       /* "TSC001" */
	const char *name;     /* "max-skew" */
	enum lint_sev sev;
	unsigned flags;       /* enum lint_rule_flags */
	const char *summary;  /* one line, for --list-rules, SARIF and the man page */
	const char *fix;      /* how to fix, when the finding gives no better advice */
};

extern const struct lint_rule lint_rules[];
extern const size_t lint_nrules;

/* Rule by id or name (case-insensitive id), or NULL. */
const struct lint_rule *lint_rule_find(const char *id_or_name);
const char *lint_sev_name(enum lint_sev sev);

/* One linted object, for per-object reports (JUnit). Strings are owned. */
struct lint_object {
	const char *file;     /* borrowed from lint_ctx.files */
	unsigned line, col;
	char *kind, *ns, *name;  /* ns may be NULL */
	size_t first, count;     /* its findings: f[first .. first+count) */
};

struct lint_finding {
	const struct lint_rule *rule;
	const char *file;     /* borrowed from lint_ctx.files */
	unsigned line, col;
	size_t object;        /* index into lint_ctx.objects */
	char *path;           /* field path: spec.template.spec.topologySpreadConstraints[0].maxSkew */
	char *message;        /* for TSC0xx the field.Error body: "Invalid value: 0: must be ..." */
	char *fix;
};

/* Nodes from --nodes: name and labels of every Node item. */
struct lint_nodes {
	size_t n;
	char **names;
	struct tk_labels *labels;
};

struct lint_ctx {
	bool *enabled;        /* per rule index into lint_rules */
	const struct lint_nodes *nodes;  /* NULL without --nodes */
	bool strict;          /* warnings fail too (exit code, JUnit failures) */

	size_t nfiles;
	char **files;
	size_t nobjects;
	struct lint_object *objects;
	size_t nfindings;
	struct lint_finding *findings;
	size_t nerrors, nwarnings;
};

void lint_ctx_init(struct lint_ctx *ctx);
void lint_ctx_release(struct lint_ctx *ctx);
/* Register an input file name; returns the stored copy findings point to. */
const char *lint_ctx_add_file(struct lint_ctx *ctx, const char *file);

/* Kinds that never hold a pod spec (ConfigMap, CustomResourceDefinition,
 * Service, ...): lint.c streams past them without building them. */
bool lint_podless_kind(const char *kind);

/* Lint one flattened item of file (file as registered). Returns 0. */
int lint_item(struct lint_ctx *ctx, const struct tk_node *item, const char *file);

/* Read Node items of a `kubectl get nodes -o json|yaml` dump. */
int lint_nodes_load(struct lint_nodes *nodes, const char *path, struct tk_diag *d);
void lint_nodes_release(struct lint_nodes *nodes);

/* Renderers (lint-output.c). Return 0, or -1 on a write error. */
int lint_render(const struct lint_ctx *ctx, enum tk_out mode, FILE *out);

#endif
