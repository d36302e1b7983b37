/* lint-rules.c - the lint rules: what the API server rejects in
 * topologySpreadConstraints, and the mistakes it lets through.
 *
 * Terminology:
 *   pod spec      the PodSpec of a Pod, of a workload's pod template
 *                 (spec.template.spec; CronJob spec.jobTemplate.spec.template.spec),
 *                 or any list named topologySpreadConstraints inside an
 *                 unknown kind (CRs such as Strimzi Kafka embed pod specs).
 *   field path    as field.Path prints it: a.b[0].c
 *
 * The TSC0xx checks follow pkg/apis/core/validation/validation.go
 * (validateTopologySpreadConstraints and its helpers ValidateMaxSkew,
 * ValidateTopologyKey, ValidateWhenUnsatisfiable,
 * ValidateSpreadConstraintNotRepeat, validateMinDomains,
 * validateNodeInclusionPolicy, validateMatchLabelKeysInTopologySpread) and
 * apimachinery's metav1validation.ValidateLabelSelector, in their order and
 * with field.Error's wording ("Invalid value: 0: must be greater than zero").
 * Nothing here prints: findings are appended to the lint_ctx.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "lint.h"
#include "nearmiss.h"
#include "quantity.h"
#include "xalloc.h"

enum rule_ix {
	R_MAX_SKEW,
	R_TOPOLOGY_KEY,
	R_WHEN_UNSATISFIABLE,
	R_DUPLICATE,
	R_MIN_DOMAINS,
	R_NODE_POLICY,
	R_MATCH_LABEL_KEYS,
	R_LABEL_SELECTOR,
	R_FIELD_TYPE,
	R_HUGEPAGES,
	R_SELECTOR_MISMATCH,
	R_UNKNOWN_KEY,
	R_DEPRECATED_KEY,
	R_MIN_DOMAINS_REPLICAS,
	R_POD_TEMPLATE_HASH,
	R_INEFFECTIVE_SKEW,
	R_ANTI_AFFINITY,
	R_IGNORED_ANNOTATION,
	R_DAEMONSET,
	R_NIL_SELECTOR,
	R_EMPTY_SELECTOR,
	R_DRA_NUMA,
	R_KEY_ON_NO_NODE,
	R_TOO_FEW_DOMAINS,
	R_HOSTNAME_REPLICAS,
	R_REQUIRE_SPREAD,
	R_FRACTIONAL_CPU,
	R_COUNT,
};

const struct lint_rule lint_rules[R_COUNT] = {
	[R_MAX_SKEW] = { "TSC001", "max-skew", LINT_ERROR, 0,
		"maxSkew must be greater than zero",
		"set maxSkew to 1 (even spread) or more" },
	[R_TOPOLOGY_KEY] = { "TSC002", "topology-key", LINT_ERROR, 0,
		"topologyKey is required",
		"set topologyKey to a node label such as topology.kubernetes.io/zone or kubernetes.io/hostname" },
	[R_WHEN_UNSATISFIABLE] = { "TSC003", "when-unsatisfiable", LINT_ERROR, 0,
		"whenUnsatisfiable must be DoNotSchedule or ScheduleAnyway",
		"set whenUnsatisfiable to DoNotSchedule (hard) or ScheduleAnyway (soft); the value is case-sensitive" },
	[R_DUPLICATE] = { "TSC004", "duplicate-constraint", LINT_ERROR, 0,
		"two constraints share topologyKey and whenUnsatisfiable",
		"merge the constraints, or change the topologyKey or whenUnsatisfiable of one" },
	[R_MIN_DOMAINS] = { "TSC005", "min-domains", LINT_ERROR, 0,
		"minDomains must be greater than zero and needs whenUnsatisfiable: DoNotSchedule",
		"remove minDomains, or set it to 1 or more with whenUnsatisfiable: DoNotSchedule" },
	[R_NODE_POLICY] = { "TSC006", "node-inclusion-policy", LINT_ERROR, 0,
		"nodeAffinityPolicy and nodeTaintsPolicy must be Honor or Ignore",
		"set the policy to Honor or Ignore (case-sensitive), or remove it" },
	[R_MATCH_LABEL_KEYS] = { "TSC007", "match-label-keys", LINT_ERROR, 0,
		"matchLabelKeys must be label keys, need a labelSelector and must not repeat its keys",
		"list valid label keys that the labelSelector does not already use, and set a labelSelector" },
	[R_LABEL_SELECTOR] = { "TSC008", "label-selector", LINT_ERROR, 0,
		"labelSelector has invalid keys, values or operators",
		"use valid label keys and values and the operators In, NotIn, Exists, DoesNotExist" },
	[R_FIELD_TYPE] = { "TSC009", "field-type", LINT_ERROR, 0,
		"a field has the wrong type, so the API server cannot decode the object",
		"write the field with its API type: integers unquoted, strings as strings, lists as lists" },
	[R_HUGEPAGES] = { "TSC010", "hugepages-multiple", LINT_ERROR, 0,
		"a hugepages-<size> request or limit is not a whole multiple of the page size",
		"give hugepages-<size> as an amount of memory that is a multiple of the page size: hugepages-1Gi: 2Gi for two 1 GiB pages, not \"2\" (2 bytes)" },
	[R_SELECTOR_MISMATCH] = { "TSC101", "selector-mismatch", LINT_WARNING, 0,
		"labelSelector does not select the pod template's own labels",
		"make labelSelector match the labels in the pod template's metadata.labels" },
	[R_UNKNOWN_KEY] = { "TSC102", "unknown-topology-key", LINT_WARNING, 0,
		"topologyKey is not a well-known node label",
		"use a well-known label such as topology.kubernetes.io/zone or kubernetes.io/hostname, or make sure every node carries this label" },
	[R_DEPRECATED_KEY] = { "TSC103", "deprecated-topology-key", LINT_WARNING, 0,
		"topologyKey is a deprecated beta label",
		"use the GA label instead" },
	[R_MIN_DOMAINS_REPLICAS] = { "TSC104", "min-domains-above-replicas", LINT_WARNING, 0,
		"minDomains is larger than the number of replicas",
		"lower minDomains to at most the number of replicas" },
	[R_POD_TEMPLATE_HASH] = { "TSC105", "missing-pod-template-hash", LINT_WARNING, 0,
		"a Deployment spreads with DoNotSchedule but without matchLabelKeys: [pod-template-hash]",
		"add matchLabelKeys: [pod-template-hash] so that a rolling update only counts pods of the new ReplicaSet" },
	[R_INEFFECTIVE_SKEW] = { "TSC106", "ineffective-max-skew", LINT_WARNING, 0,
		"a DoNotSchedule constraint can never block a placement: maxSkew is at least the pods it can count, or only one domain can hold them",
		"lower maxSkew below the number of replicas (1 spreads evenly), or let the pods reach more than one domain" },
	[R_ANTI_AFFINITY] = { "TSC107", "anti-affinity-overlap", LINT_WARNING, 0,
		"required pod anti-affinity on the same topologyKey makes the spread constraint moot",
		"keep the spread constraint and drop the required anti-affinity term (or make it preferred)" },
	[R_IGNORED_ANNOTATION] = { "TSC108", "ignored-annotation", LINT_WARNING, 0,
		"an annotation that Kubernetes ignores is used as if it set a topology policy",
		"remove the annotation; topology policies are kubelet settings (topologyManagerPolicy), spread is topologySpreadConstraints" },
	[R_DAEMONSET] = { "TSC109", "daemonset-spread", LINT_WARNING, 0,
		"a DaemonSet has topologySpreadConstraints",
		"remove topologySpreadConstraints: a DaemonSet runs one pod per eligible node, so spread cannot improve it and DoNotSchedule can keep daemon pods Pending" },
	[R_NIL_SELECTOR] = { "TSC110", "nil-label-selector", LINT_WARNING, 0,
		"a constraint without labelSelector counts no pods and never spreads anything",
		"set labelSelector to select the pods to spread, usually the pod template's labels" },
	[R_EMPTY_SELECTOR] = { "TSC111", "empty-label-selector", LINT_WARNING, 0,
		"labelSelector: {} selects every pod of the namespace, not only this workload's",
		"select the workload's own pods (its template labels); add matchLabelKeys: [pod-template-hash] to count one rollout only" },
	[R_DRA_NUMA] = { "TSC112", "dra-numa-alignment", LINT_WARNING, 0,
		"a Guaranteed pod's container claims devices through DRA, which the Topology Manager does not align with its CPUs and memory",
		"request the device through its device plugin (resources.limits) for NUMA alignment, or constrain the claim to the NUMA node with the DRA driver's device attributes" },
	[R_FRACTIONAL_CPU] = { "TSC302", "fractional-cpu-guaranteed", LINT_WARNING, LINT_OPT_IN,
		"a Guaranteed pod's container asks for a fractional CPU, so the static CPU Manager never gives it exclusive CPUs",
		"request a whole number of CPUs (requests = limits) for exclusive CPUs, or accept the shared pool" },
	[R_KEY_ON_NO_NODE] = { "TSC201", "key-on-no-node", LINT_WARNING, LINT_NEEDS_NODES,
		"no node of the cluster (--nodes) carries the topologyKey label",
		"label the nodes, or use a key the nodes carry" },
	[R_TOO_FEW_DOMAINS] = { "TSC202", "too-few-domains", LINT_WARNING, LINT_NEEDS_NODES,
		"the cluster (--nodes) has fewer domains than minDomains",
		"lower minDomains to the number of domains, or add nodes in more domains" },
	[R_HOSTNAME_REPLICAS] = { "TSC203", "hostname-replicas-exceed-nodes", LINT_WARNING, LINT_NEEDS_NODES,
		"hostname spread with DoNotSchedule and maxSkew 1 has more replicas than the cluster (--nodes) has nodes",
		"use whenUnsatisfiable: ScheduleAnyway for hostname spread, raise maxSkew, or add nodes" },
	[R_REQUIRE_SPREAD] = { "TSC301", "require-spread", LINT_WARNING, LINT_OPT_IN,
		"a multi-replica workload has neither topologySpreadConstraints nor pod anti-affinity",
		"add a topologySpreadConstraint on topology.kubernetes.io/zone (and kubernetes.io/hostname)" },
};

const size_t lint_nrules = R_COUNT;

const struct lint_rule *lint_rule_find(const char *s)
{
	size_t i;

	for (i = 0; i < R_COUNT; i++)
		if (strcasecmp(s, lint_rules[i].id) == 0 || strcmp(s, lint_rules[i].name) == 0)
			return &lint_rules[i];
	return NULL;
}

const char *lint_sev_name(enum lint_sev sev)
{
	return sev == LINT_ERROR ? "error" : "warning";
}

/* ---- context ---- */

void lint_ctx_init(struct lint_ctx *ctx)
{
	size_t i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->enabled = xcalloc(R_COUNT, sizeof(*ctx->enabled));
	for (i = 0; i < R_COUNT; i++)
		ctx->enabled[i] = !(lint_rules[i].flags & LINT_OPT_IN);
}

void lint_ctx_release(struct lint_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ctx->nfindings; i++) {
		free(ctx->findings[i].path);
		free(ctx->findings[i].message);
		free(ctx->findings[i].fix);
	}
	for (i = 0; i < ctx->nobjects; i++) {
		free(ctx->objects[i].kind);
		free(ctx->objects[i].ns);
		free(ctx->objects[i].name);
	}
	for (i = 0; i < ctx->nfiles; i++)
		free(ctx->files[i]);
	free(ctx->findings);
	free(ctx->objects);
	free(ctx->files);
	free(ctx->enabled);
	memset(ctx, 0, sizeof(*ctx));
}

const char *lint_ctx_add_file(struct lint_ctx *ctx, const char *file)
{
	if (ctx->nfiles && strcmp(ctx->files[ctx->nfiles - 1], file) == 0)
		return ctx->files[ctx->nfiles - 1];
	ctx->files = xreallocarray(ctx->files, ctx->nfiles + 1, sizeof(*ctx->files));
	ctx->files[ctx->nfiles] = xstrdup(file);
	return ctx->files[ctx->nfiles++];
}

/* ---- one object ---- */

struct obj {
	struct lint_ctx *ctx;
	const char *file;
	size_t index;                  /* into ctx->objects */
	const struct tk_node *item;
	const char *kind;
	const struct tk_node *pspec;   /* pod spec, NULL for the generic scan */
	const char *spec_path;         /* field path of pspec */
	struct tk_labels labels;       /* the pod template's labels */
	bool has_labels;
	long long replicas;
	bool replicas_set;             /* replicas/parallelism written in the manifest */
	bool multi;                    /* kind has replicas (Deployment, ...) */
	struct tk_strv ignore;         /* rule ids/names silenced by annotation */
};

#define IGNORE_ANNOTATION "spread-check.topokit.io/ignore"

static bool silenced(const struct obj *o, const struct lint_rule *r)
{
	size_t i;

	for (i = 0; i < o->ignore.n; i++)
		if (strcmp(o->ignore.v[i], "all") == 0 || strcasecmp(o->ignore.v[i], r->id) == 0 ||
		    strcmp(o->ignore.v[i], r->name) == 0)
			return true;
	return false;
}

/* Append a finding; takes over path and msg. at (may be NULL) gives the
 * position, else the object's. fix NULL -> the rule's. */
static void report(struct obj *o, enum rule_ix ix, const struct tk_node *at, char *path,
		   char *msg, const char *fix)
{
	struct lint_ctx *ctx = o->ctx;
	const struct lint_rule *r = &lint_rules[ix];
	struct lint_finding *f;

	if (!ctx->enabled[ix] || silenced(o, r) ||
	    ((r->flags & LINT_NEEDS_NODES) && !ctx->nodes)) {
		free(path);
		free(msg);
		return;
	}
	if (!at)
		at = o->item;
	ctx->findings = xreallocarray(ctx->findings, ctx->nfindings + 1, sizeof(*ctx->findings));
	f = &ctx->findings[ctx->nfindings++];
	f->rule = r;
	f->file = o->file;
	f->line = at->line;
	f->col = at->col;
	f->object = o->index;
	f->path = path;
	f->message = msg;
	f->fix = xstrdup(fix ? fix : r->fix);
	ctx->objects[o->index].count++;
	if (r->sev == LINT_ERROR)
		ctx->nerrors++;
	else
		ctx->nwarnings++;
}

/* Go's %q for the strings field.Error prints. */
static char *quote(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *q = xmalloc(n * 4 + 3);

	q[j++] = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			q[j++] = '\\';
			q[j++] = (char)c;
		} else if (c == '\n') {
			q[j++] = '\\';
			q[j++] = 'n';
		} else if (c == '\t') {
			q[j++] = '\\';
			q[j++] = 't';
		} else if (c == '\r') {
			q[j++] = '\\';
			q[j++] = 'r';
		} else if (c < 0x20 || c == 0x7f) {
			j += (size_t)sprintf(q + j, "\\x%02x", c);
		} else {
			q[j++] = (char)c;
		}
	}
	q[j++] = '"';
	q[j] = '\0';
	return q;
}

/* field.Invalid(path, "string value", detail) */
static char *invalid_str(const char *value, const char *detail)
{
	char *q = quote(value), *m = xasprintf("Invalid value: %s: %s", q, detail);

	free(q);
	return m;
}

/* ---- types (what encoding/json would refuse) ---- */

static const char *json_type(const struct tk_node *n)
{
	switch (n->kind) {
	case TK_STR: return "string";
	case TK_INT:
	case TK_FLOAT: return "number";
	case TK_BOOL: return "bool";
	case TK_SEQ: return "array";
	case TK_MAP: return "object";
	case TK_NULL: return "null";
	}
	return "value";
}

static void type_error(struct obj *o, const struct tk_node *n, const char *path,
		       const char *gofield, const char *gotype)
{
	char *m;

	if (n->kind == TK_INT || n->kind == TK_FLOAT)
		m = xasprintf("cannot unmarshal number %s into Go struct field %s of type %s",
			      n->text ? n->text : "", gofield, gotype);
	else
		m = xasprintf("cannot unmarshal %s into Go struct field %s of type %s",
			      json_type(n), gofield, gotype);
	report(o, R_FIELD_TYPE, n, xstrdup(path), m, NULL);
}

/* Read an optional int32 field. Returns 1 when set (in *out), 0 when absent
 * or null, -1 after reporting a type error. */
static int get_int32(struct obj *o, const struct tk_node *map, const char *key,
		     const char *path, const char *gofield, long long *out)
{
	const struct tk_node *n = tk_get(map, key);

	if (!n || n->kind == TK_NULL)
		return 0;
	if (n->kind != TK_INT || n->v.i < INT32_MIN || n->v.i > INT32_MAX) {
		char *p = xasprintf("%s.%s", path, key);

		type_error(o, n, p, gofield, "int32");
		free(p);
		return -1;
	}
	*out = n->v.i;
	return 1;
}

/* Optional string field: 1 set, 0 absent/null, -1 type error reported. */
static int get_string(struct obj *o, const struct tk_node *map, const char *key,
		      const char *path, const char *gofield, const char *gotype, const char **out)
{
	const struct tk_node *n = tk_get(map, key);

	if (!n || n->kind == TK_NULL)
		return 0;
	if (n->kind != TK_STR) {
		char *p = xasprintf("%s.%s", path, key);

		type_error(o, n, p, gofield, gotype);
		free(p);
		return -1;
	}
	*out = n->text;
	return 1;
}

/* ---- label selector (metav1validation.ValidateLabelSelector) ---- */

/* One finding per message of a common/labels.c syntax check on s. */
static void label_syntax(struct obj *o, const struct tk_node *at, const char *s, const char *path,
			 enum rule_ix ix, size_t (*check)(const char *, struct tk_strv *))
{
	struct tk_strv errs = { 0, NULL };
	size_t i;

	check(s, &errs);
	for (i = 0; i < errs.n; i++)
		report(o, ix, at, xstrdup(path), invalid_str(s, errs.v[i]), NULL);
	tk_strv_free(&errs);
}

static void label_name(struct obj *o, const struct tk_node *at, const char *key, const char *path,
		       enum rule_ix ix)
{
	label_syntax(o, at, key, path, ix, tk_validate_qualified_name);
}

static void label_value(struct obj *o, const struct tk_node *at, const char *val, const char *path,
			enum rule_ix ix)
{
	label_syntax(o, at, val, path, ix, tk_validate_label_value);
}

/* base + suffix + "[idx]" (idx < 0: none) into buf: the paths of a
 * selector's parts, formatted for every selector but read only by a finding,
 * without the allocation and printf of xasprintf. */
static const char *join_path(char *buf, size_t size, const char *base, const char *suffix, long idx)
{
	size_t nb = strlen(base), ns = strlen(suffix), n;
	char num[24];
	int nn = 0;

	if (idx >= 0)
		nn = snprintf(num, sizeof(num), "[%ld]", idx);
	n = nb + ns + (size_t)nn;
	if (n >= size)
		n = size - 1;
	memcpy(buf, base, nb < n ? nb : n);
	if (nb < n)
		memcpy(buf + nb, suffix, ns < n - nb ? ns : n - nb);
	if (nb + ns < n)
		memcpy(buf + nb + ns, num, n - nb - ns);
	buf[n] = '\0';
	return buf;
}

/* Returns false after a type error (the selector cannot be used). */
static bool check_selector(struct obj *o, const struct tk_node *sel, const char *path)
{
	const struct tk_node *ml = tk_get(sel, "matchLabels");
	const struct tk_node *me = tk_get(sel, "matchExpressions");
	bool ok = true;
	size_t i, j;
	char p[1024], ep[1024];

	if (sel->kind != TK_MAP) {
		type_error(o, sel, path, "TopologySpreadConstraint.labelSelector", "v1.LabelSelector");
		return false;
	}
	if (ml && ml->kind != TK_NULL) {
		join_path(p, sizeof(p), path, ".matchLabels", -1);
		if (ml->kind != TK_MAP) {
			type_error(o, ml, p, "LabelSelector.matchLabels", "map[string]string");
			ok = false;
		} else {
			for (i = 0; i < ml->n; i++) {
				const struct tk_node *v = ml->items[i];

				label_name(o, ml->keys[i], ml->keys[i]->text, p, R_LABEL_SELECTOR);
				if (v->kind == TK_NULL)
					continue;
				if (v->kind != TK_STR) {
					type_error(o, v, p, "LabelSelector.matchLabels", "string");
					ok = false;
					continue;
				}
				label_value(o, v, v->text, p, R_LABEL_SELECTOR);
			}
		}
	}
	if (me && me->kind != TK_NULL) {
		if (me->kind != TK_SEQ) {
			type_error(o, me, join_path(p, sizeof(p), path, ".matchExpressions", -1),
				   "LabelSelector.matchExpressions", "[]v1.LabelSelectorRequirement");
			return false;
		}
		for (i = 0; i < me->n; i++) {
			const struct tk_node *e = me->items[i], *vals;
			const char *key = "", *op = "";
			size_t nv = 0;

			join_path(ep, sizeof(ep), path, ".matchExpressions", (long)i);
			if (e->kind != TK_MAP) {
				type_error(o, e, ep, "LabelSelector.matchExpressions",
					   "v1.LabelSelectorRequirement");
				ok = false;
				continue;
			}
			if (get_string(o, e, "key", ep, "LabelSelectorRequirement.key", "string", &key) < 0 ||
			    get_string(o, e, "operator", ep, "LabelSelectorRequirement.operator",
				       "v1.LabelSelectorOperator", &op) < 0)
				ok = false;
			vals = tk_get(e, "values");
			if (vals && vals->kind != TK_NULL) {
				if (vals->kind != TK_SEQ) {
					type_error(o, vals, join_path(p, sizeof(p), ep, ".values", -1),
						   "LabelSelectorRequirement.values", "[]string");
					ok = false;
					vals = NULL;
				} else {
					nv = vals->n;
				}
			} else {
				vals = NULL;
			}
			if (!strcmp(op, "In") || !strcmp(op, "NotIn")) {
				if (nv == 0)
					report(o, R_LABEL_SELECTOR, tk_get(e, "operator"),
					       xasprintf("%s.values", ep),
					       xstrdup("Required value: must be specified when `operator` is 'In' or 'NotIn'"),
					       "list at least one value, or use Exists / DoesNotExist");
			} else if (!strcmp(op, "Exists") || !strcmp(op, "DoesNotExist")) {
				if (nv > 0)
					report(o, R_LABEL_SELECTOR, vals, xasprintf("%s.values", ep),
					       xstrdup("Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
					       "remove values, or use In / NotIn");
			} else {
				const struct tk_node *on = tk_get(e, "operator");

				report(o, R_LABEL_SELECTOR, on ? on : e, xasprintf("%s.operator", ep),
				       invalid_str(op, "not a valid selector operator"),
				       "use In, NotIn, Exists or DoesNotExist (Gt and Lt are for node selectors only)");
				ok = false;
			}
			label_name(o, tk_get(e, "key") ? tk_get(e, "key") : e, key,
				   join_path(p, sizeof(p), ep, ".key", -1), R_LABEL_SELECTOR);
			for (j = 0; j < nv; j++) {
				const struct tk_node *v = vals->items[j];

				join_path(p, sizeof(p), ep, ".values", (long)j);
				if (v->kind != TK_STR && v->kind != TK_NULL) {
					type_error(o, v, p, "LabelSelectorRequirement.values", "string");
					ok = false;
				} else {
					label_value(o, v, v->kind == TK_NULL ? "" : v->text, p, R_LABEL_SELECTOR);
				}
			}
		}
	}
	return ok;
}

/* ---- well-known topology keys ---- */

static const char *const well_known_keys[] = {
	"kubernetes.io/hostname",
	"topology.kubernetes.io/zone",
	"topology.kubernetes.io/region",
	"node.kubernetes.io/instance-type",
	"kubernetes.io/os",
	"kubernetes.io/arch",
	/* provider and autoscaler labels seen on real clusters */
	"topology.gke.io/zone",
	"cloud.google.com/gke-nodepool",
	"eks.amazonaws.com/nodegroup",
	"karpenter.sh/capacity-type",
	"karpenter.sh/nodepool",
	"karpenter.k8s.aws/instance-family",
	"topology.ebs.csi.aws.com/zone",
	"topology.disk.csi.azure.com/zone",
	"kubernetes.azure.com/agentpool",
	"topology.k8s.aws/zone-id",
	"node.kubernetes.io/lifecycle",
};

static const struct {
	const char *old, *ga;
} deprecated_keys[] = {
	{ "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone" },
	{ "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region" },
	{ "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type" },
	{ "beta.kubernetes.io/os", "kubernetes.io/os" },
	{ "beta.kubernetes.io/arch", "kubernetes.io/arch" },
};

#define NWELL (sizeof(well_known_keys) / sizeof(well_known_keys[0]))
#define NDEPR (sizeof(deprecated_keys) / sizeof(deprecated_keys[0]))

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, best;

	if (la > 128 || lb > 128)
		return SIZE_MAX;
	row = xcalloc(lb + 1, sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));

			best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

/* A well-known key the user probably meant, or NULL. */
static const char *did_you_mean(const char *key)
{
	static const struct {
		const char *word, *key;
	} words[] = {
		{ "zone", "topology.kubernetes.io/zone" },
		{ "region", "topology.kubernetes.io/region" },
		{ "hostname", "kubernetes.io/hostname" },
		{ "host", "kubernetes.io/hostname" },
		{ "node", "kubernetes.io/hostname" },
		{ "nodename", "kubernetes.io/hostname" },
		{ "instance-type", "node.kubernetes.io/instance-type" },
	};
	const char *name = strrchr(key, '/'), *best = NULL;
	size_t i, d, bestd = SIZE_MAX, limit = strlen(key) / 6 + 1;

	name = name ? name + 1 : key;
	for (i = 0; i < NWELL; i++) {
		d = edit_distance(key, well_known_keys[i]);
		if (d < bestd) {
			bestd = d;
			best = well_known_keys[i];
		}
	}
	if (best && bestd <= (limit < 3 ? limit : 3))
		return best;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(name, words[i].word) == 0)
			return words[i].key;
	return NULL;
}

static bool is_well_known(const char *key)
{
	size_t i;

	for (i = 0; i < NWELL; i++)
		if (strcmp(key, well_known_keys[i]) == 0)
			return true;
	return false;
}

/* ---- nodes (--nodes) ---- */

static size_t nodes_with_key(const struct lint_nodes *nodes, const char *key, size_t *ndomains)
{
	size_t i, j, n = 0, nd = 0;

	for (i = 0; i < nodes->n; i++) {
		const char *v = tk_labels_get(&nodes->labels[i], key);
		bool seen = false;

		if (!v)
			continue;
		n++;
		for (j = 0; j < i && !seen; j++) {
			const char *w = tk_labels_get(&nodes->labels[j], key);

			seen = w && strcmp(v, w) == 0;
		}
		if (!seen)
			nd++;
	}
	if (ndomains)
		*ndomains = nd;
	return n;
}

/* The label of --nodes closest to key (nearmiss.h: the strongest kind,
 * then the most nodes, then the first seen) and how many nodes carry it;
 * NULL when none is close. */
static const char *nodes_near_miss(const struct lint_nodes *nodes, const char *key, size_t *count,
				   enum sc_nearmiss_kind *kind)
{
	const char *cand[8];
	enum sc_nearmiss_kind ck[8];
	size_t ncand = 0, i, j, l, best = 0, n;

	/* the distinct close label keys (a few at most), then their nodes */
	for (i = 0; i < nodes->n; i++)
		for (l = 0; l < nodes->labels[i].n && ncand < 8; l++) {
			const char *lk = nodes->labels[i].keys[l];
			enum sc_nearmiss_kind k = sc_nearmiss_key(lk, key);

			for (j = 0; j < ncand && strcmp(cand[j], lk) != 0; j++)
				;
			if (k != SC_NEAR_NONE && j == ncand) {
				cand[ncand] = lk;
				ck[ncand++] = k;
			}
		}
	*count = 0;
	*kind = SC_NEAR_NONE;
	for (j = 0; j < ncand; j++) {
		for (n = 0, i = 0; i < nodes->n; i++)
			n += tk_labels_get(&nodes->labels[i], cand[j]) != NULL;
		if (!*count || ck[j] < *kind || (ck[j] == *kind && n > *count)) {
			best = j;
			*kind = ck[j];
			*count = n;
		}
	}
	return ncand ? cand[best] : NULL;
}

/* ---- one constraint ---- */

struct tsc {
	const struct tk_node *node;
	char *path;               /* ...topologySpreadConstraints[i] */
	long long max_skew;
	int max_skew_set;         /* get_int32 result */
	long long min_domains;
	int min_domains_set;
	const char *key;          /* "" when absent */
	const char *when;         /* "" when absent */
	bool when_ok;             /* string-typed (maybe unsupported) */
	const struct tk_node *sel;  /* NULL when absent or null */
	bool sel_ok;              /* well-typed and valid operators */
};

/* key is nodeAffinityPolicy or nodeTaintsPolicy; paths are formatted only
 * for a finding (every constraint passes here twice) */
static void check_policy(struct obj *o, const struct tsc *t, const char *key, const char *gofield)
{
	const char *v = NULL;
	int rc = get_string(o, t->node, key, t->path, gofield, "v1.NodeInclusionPolicy", &v);

	if (rc == 1 && strcmp(v, "Honor") != 0 && strcmp(v, "Ignore") != 0) {
		char *q = quote(v);

		report(o, R_NODE_POLICY, tk_get(t->node, key), xasprintf("%s.%s", t->path, key),
		       xasprintf("Unsupported value: %s: supported values: \"Honor\", \"Ignore\"", q), NULL);
		free(q);
	}
}

/* Does the selector's matchLabels map hold key? */
static bool match_labels_has(const struct tk_node *ml, const char *key)
{
	size_t j;

	if (!ml || ml->kind != TK_MAP)
		return false;
	for (j = 0; j < ml->n; j++)
		if (strcmp(tk_scalar_text(ml->keys[j]), key) == 0)
			return true;
	return false;
}

/* The matchLabelKeys rules of an API server with
 * MatchLabelKeysInPodTopologySpreadSelectorMerge (on by default since 1.34):
 * ValidateMatchLabelKeysAndMismatchLabelKeys, called with the constraint's
 * path. For a Pod, PrepareForCreate (pkg/registry/core/pod/strategy.go,
 * applyMatchLabelKeys) has first appended "key In (value)" to
 * matchExpressions for every key the pod's labels carry. A pod template is
 * validated unmerged, but every pod made from it is merged and validated
 * like this, so a template is checked as its pods will be (a Deployment's
 * pods also carry pod-template-hash). Then:
 *   - validateLabelKeys: a nil labelSelector gives one Forbidden and no
 *     per-key check, else every key must be a label name;
 *   - a matchExpressions key (authored, then merged, in order) that
 *     matchLabelKeys names and that matchLabels or an earlier expression
 *     already holds is Invalid at <constraint>[i], i the last index of the
 *     key in matchLabelKeys. */
static void check_match_label_keys(struct obj *o, const struct tsc *t)
{
	const struct tk_node *mlk = tk_get(t->node, "matchLabelKeys");
	const struct tk_node *ml, *me;
	struct tk_strv seen = { 0, NULL };
	bool merge = o->has_labels;
	bool hash = o->kind && strcmp(o->kind, "Deployment") == 0;
	size_t i, j, nexpr;
	char *p;

	if (!mlk || mlk->kind == TK_NULL)
		return;
	p = xasprintf("%s.matchLabelKeys", t->path);
	if (mlk->kind != TK_SEQ) {
		type_error(o, mlk, p, "TopologySpreadConstraint.matchLabelKeys", "[]string");
		free(p);
		return;
	}
	for (i = 0; i < mlk->n; i++) {
		const struct tk_node *k = mlk->items[i];

		if (k->kind != TK_STR && k->kind != TK_NULL) {
			char *kp = xasprintf("%s[%zu]", p, i);

			type_error(o, k, kp, "TopologySpreadConstraint.matchLabelKeys", "string");
			free(kp);
		}
	}
	if (mlk->n == 0) {
		free(p);
		return;
	}
	if (!t->sel) {
		report(o, R_MATCH_LABEL_KEYS, mlk, p,
		       xstrdup("Forbidden: must not be specified when labelSelector is not set"),
		       "set a labelSelector, or remove matchLabelKeys");
		return;
	}
	for (i = 0; i < mlk->n; i++) {
		const struct tk_node *k = mlk->items[i];
		char *kp;

		if (k->kind != TK_STR && k->kind != TK_NULL)
			continue;
		kp = xasprintf("%s[%zu]", p, i);
		label_name(o, k, k->kind == TK_NULL ? "" : k->text, kp, R_MATCH_LABEL_KEYS);
		free(kp);
	}
	free(p);
	ml = tk_get(t->sel, "matchLabels");
	me = tk_get(t->sel, "matchExpressions");
	nexpr = me && me->kind == TK_SEQ ? me->n : 0;
	for (i = 0; i < nexpr + (merge ? mlk->n : 0); i++) {
		const struct tk_node *at;
		const char *ek;
		size_t last = SIZE_MAX;
		bool dup;

		if (i < nexpr) {
			at = me->items[i];
			ek = tk_str(tk_get(at, "key"));
		} else {
			/* applyLabelKeysToLabelSelector: keys the pod carries */
			at = mlk->items[i - nexpr];
			ek = tk_str(at);
			if (ek && !tk_labels_get(&o->labels, ek) &&
			    !(hash && strcmp(ek, "pod-template-hash") == 0))
				ek = NULL;
		}
		if (!ek)
			continue;
		for (j = 0; j < mlk->n; j++)
			if (tk_str(mlk->items[j]) && strcmp(tk_str(mlk->items[j]), ek) == 0)
				last = j;
		dup = match_labels_has(ml, ek);
		for (j = 0; j < seen.n && !dup; j++)
			dup = strcmp(seen.v[j], ek) == 0;
		if (last != SIZE_MAX && dup)
			report(o, R_MATCH_LABEL_KEYS, mlk->items[last], xasprintf("%s[%zu]", t->path, last),
			       invalid_str(ek, "exists in both matchLabelKeys and labelSelector"),
			       "remove the key from matchLabelKeys or from the labelSelector");
		tk_strv_push(&seen, xstrdup(ek));
	}
	tk_strv_free(&seen);
}

static bool has_match_label_key(const struct tsc *t, const char *key)
{
	const struct tk_node *mlk = tk_get(t->node, "matchLabelKeys");
	size_t i;

	if (!mlk || mlk->kind != TK_SEQ)
		return false;
	for (i = 0; i < mlk->n; i++)
		if (tk_str(mlk->items[i]) && strcmp(tk_str(mlk->items[i]), key) == 0)
			return true;
	return false;
}

/* validateTopologySpreadConstraints, one constraint; the duplicate check
 * (ValidateSpreadConstraintNotRepeat) needs the others, so the caller passes
 * the parsed ones after it. */
static void parse_constraint(struct obj *o, const struct tk_node *c, const char *path, struct tsc *t)
{
	const struct tk_node *n;

	memset(t, 0, sizeof(*t));
	t->node = c;
	t->path = xstrdup(path);
	t->key = "";
	t->when = "";
	t->max_skew_set = get_int32(o, c, "maxSkew", path, "TopologySpreadConstraint.maxSkew", &t->max_skew);
	if (get_string(o, c, "topologyKey", path, "TopologySpreadConstraint.topologyKey", "string", &t->key) < 0)
		t->key = NULL;
	t->when_ok = get_string(o, c, "whenUnsatisfiable", path,
				"TopologySpreadConstraint.whenUnsatisfiable",
				"v1.UnsatisfiableConstraintAction", &t->when) >= 0;
	if (!t->when_ok)
		t->when = NULL;
	t->min_domains_set = get_int32(o, c, "minDomains", path, "TopologySpreadConstraint.minDomains",
				       &t->min_domains);
	n = tk_get(c, "labelSelector");
	t->sel = n && n->kind != TK_NULL ? n : NULL;
}

static void validate_constraint(struct obj *o, struct tsc *all, size_t nall, size_t i)
{
	struct tsc *t = &all[i];
	const struct tk_node *c = t->node;
	char *p, *q;
	size_t j;

	/* ValidateMaxSkew: absent decodes as 0 */
	if (t->max_skew_set >= 0) {
		long long v = t->max_skew_set ? t->max_skew : 0;

		if (v <= 0)
			report(o, R_MAX_SKEW, tk_get(c, "maxSkew") ? tk_get(c, "maxSkew") : c,
			       xasprintf("%s.maxSkew", t->path),
			       xasprintf("Invalid value: %lld: must be greater than zero", v), NULL);
	}
	/* ValidateTopologyKey */
	if (t->key && !*t->key)
		report(o, R_TOPOLOGY_KEY, tk_get(c, "topologyKey") ? tk_get(c, "topologyKey") : c,
		       xasprintf("%s.topologyKey", t->path), xstrdup("Required value: can not be empty"), NULL);
	/* ValidateWhenUnsatisfiable */
	if (t->when && strcmp(t->when, "DoNotSchedule") != 0 && strcmp(t->when, "ScheduleAnyway") != 0) {
		const char *fix = NULL;

		q = quote(t->when);
		if (strcasecmp(t->when, "DoNotSchedule") == 0)
			fix = "write DoNotSchedule (the value is case-sensitive)";
		else if (strcasecmp(t->when, "ScheduleAnyway") == 0)
			fix = "write ScheduleAnyway (the value is case-sensitive)";
		report(o, R_WHEN_UNSATISFIABLE, tk_get(c, "whenUnsatisfiable") ? tk_get(c, "whenUnsatisfiable") : c,
		       xasprintf("%s.whenUnsatisfiable", t->path),
		       xasprintf("Unsupported value: %s: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"", q),
		       fix);
		free(q);
	}
	/* ValidateSpreadConstraintNotRepeat: against the constraints after i */
	if (t->key && t->when)
		for (j = i + 1; j < nall; j++) {
			if (!all[j].key || !all[j].when || strcmp(all[j].key, t->key) != 0 ||
			    strcmp(all[j].when, t->when) != 0)
				continue;
			p = xasprintf("{%s, %s}", t->key, t->when);
			q = quote(p);
			report(o, R_DUPLICATE, c, xasprintf("%s.{topologyKey, whenUnsatisfiable}", t->path),
			       xasprintf("Duplicate value: %s", q), NULL);
			free(q);
			free(p);
			break;
		}
	/* validateMinDomains */
	if (t->min_domains_set == 1) {
		const struct tk_node *mn = tk_get(c, "minDomains");

		if (t->min_domains <= 0)
			report(o, R_MIN_DOMAINS, mn, xasprintf("%s.minDomains", t->path),
			       xasprintf("Invalid value: %lld: must be greater than zero", t->min_domains), NULL);
		if (t->when && strcmp(t->when, "DoNotSchedule") != 0)
			report(o, R_MIN_DOMAINS, mn, xasprintf("%s.minDomains", t->path),
			       xasprintf("Invalid value: %lld: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not %s",
					 t->min_domains, t->when),
			       "remove minDomains, or use whenUnsatisfiable: DoNotSchedule");
	}
	/* validateNodeInclusionPolicy */
	check_policy(o, t, "nodeAffinityPolicy", "TopologySpreadConstraint.nodeAffinityPolicy");
	check_policy(o, t, "nodeTaintsPolicy", "TopologySpreadConstraint.nodeTaintsPolicy");
	/* validateMatchLabelKeysInTopologySpread */
	check_match_label_keys(o, t);
	/* ValidateLabelSelector */
	if (t->sel) {
		p = xasprintf("%s.labelSelector", t->path);
		t->sel_ok = check_selector(o, t->sel, p);
		free(p);
	}
}

/* ---- advisory rules for one constraint ---- */

static bool selector_selects_template(const struct obj *o, const struct tk_node *sel, bool *known)
{
	struct tk_selector s;
	struct tk_diag d;
	bool m;

	*known = false;
	if (!o->has_labels || tk_selector_from_node(&s, o->file, sel, &d) < 0)
		return false;
	*known = true;
	m = tk_selector_matches(&s, &o->labels);
	tk_selector_release(&s);
	return m;
}

/* A required podAntiAffinity term on key whose selector selects the template. */
static const struct tk_node *anti_affinity_on(const struct obj *o, const char *key)
{
	const struct tk_node *terms;
	size_t i;

	terms = tk_path(o->pspec, "affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	if (!terms || terms->kind != TK_SEQ)
		return NULL;
	for (i = 0; i < terms->n; i++) {
		const char *tk = tk_str(tk_get(terms->items[i], "topologyKey"));
		const struct tk_node *sel = tk_get(terms->items[i], "labelSelector");
		bool known;

		if (tk && strcmp(tk, key) == 0 && sel && selector_selects_template(o, sel, &known) && known)
			return terms->items[i];
	}
	return NULL;
}

/* A LabelSelector with no requirement: {} or empty matchLabels and
 * matchExpressions (labels.Everything once converted). */
static bool empty_selector(const struct tk_node *sel)
{
	const struct tk_node *ml = tk_get(sel, "matchLabels"), *me = tk_get(sel, "matchExpressions");

	return sel->kind == TK_MAP && (!ml || ml->kind == TK_NULL || (ml->kind == TK_MAP && ml->n == 0)) &&
	       (!me || me->kind == TK_NULL || (me->kind == TK_SEQ && me->n == 0));
}

static bool has_match_label_keys(const struct tk_node *constraint)
{
	const struct tk_node *mlk = tk_get(constraint, "matchLabelKeys");

	return mlk && mlk->kind == TK_SEQ && mlk->n > 0;
}

/* The Deployment's maxSurge: rollingUpdate.maxSurge (an integer or a
 * percentage of replicas rounded up), 25% when absent, 0 for Recreate. */
static long long deployment_surge(const struct obj *o)
{
	const struct tk_node *st = tk_path(o->item, "spec.strategy");
	const char *type = tk_str(tk_get(st, "type"));
	const struct tk_node *ms = tk_path(st, "rollingUpdate.maxSurge");
	long long pct = 25;
	char *end;

	if (type && strcmp(type, "Recreate") == 0)
		return 0;
	if (ms && ms->kind == TK_INT)
		return ms->v.i > 0 ? ms->v.i : 0;
	if (ms && ms->kind == TK_STR) {
		pct = strtoll(ms->text, &end, 10);
		if (end == ms->text || strcmp(end, "%") != 0 || pct < 0 || pct > 100000)
			pct = 25;
	}
	return (o->replicas * pct + 99) / 100;
}

/* One domain is all the pods can reach: the nodeSelector or every required
 * node selector term pins topologyKey to one value (while
 * nodeAffinityPolicy honors them), or every node of --nodes that carries
 * the key (and the nodeSelector's labels) has the same value. Returns the
 * value, or NULL. */
static const char *single_domain(const struct obj *o, const struct tsc *t, const char **how)
{
	const struct tk_node *ns = tk_get(o->pspec, "nodeSelector");
	const struct tk_node *pol = tk_get(t->node, "nodeAffinityPolicy");
	const struct tk_node *terms;
	bool honor = !pol || pol->kind == TK_NULL || (tk_str(pol) && strcmp(tk_str(pol), "Honor") == 0);
	const char *one = NULL;
	size_t i, j, k;

	if (honor && ns && ns->kind == TK_MAP && tk_str(tk_get(ns, t->key))) {
		*how = "nodeSelector";
		return tk_str(tk_get(ns, t->key));
	}
	terms = tk_path(o->pspec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
	if (honor && terms && terms->kind == TK_SEQ && terms->n > 0) {
		for (i = 0; i < terms->n; i++) {
			const struct tk_node *me = tk_get(terms->items[i], "matchExpressions");
			bool pinned = false;

			for (j = 0; me && me->kind == TK_SEQ && j < me->n; j++) {
				const struct tk_node *vals = tk_get(me->items[j], "values");
				const char *key = tk_str(tk_get(me->items[j], "key"));
				const char *op = tk_str(tk_get(me->items[j], "operator"));

				if (!key || !op || strcmp(key, t->key) != 0 || strcmp(op, "In") != 0 ||
				    !vals || vals->kind != TK_SEQ || vals->n == 0)
					continue;
				for (k = 0; k < vals->n; k++) {
					const char *v = tk_str(vals->items[k]);

					if (!v || (one && strcmp(one, v) != 0))
						goto many;
					one = v;
				}
				pinned = true;
			}
			if (!pinned)
				goto many;
		}
		*how = "required node affinity";
		return one;
	}
many:
	one = NULL;
	if (o->ctx->nodes) {
		const struct lint_nodes *nd = o->ctx->nodes;

		for (i = 0; i < nd->n; i++) {
			const char *v = tk_labels_get(&nd->labels[i], t->key);
			bool match = v != NULL;

			for (j = 0; match && honor && ns && ns->kind == TK_MAP && j < ns->n; j++) {
				const char *want = tk_str(ns->items[j]), *have;

				have = tk_labels_get(&nd->labels[i], tk_scalar_text(ns->keys[j]));
				match = want && have && strcmp(want, have) == 0;
			}
			if (!match)
				continue;
			if (one && strcmp(one, v) != 0)
				return NULL;
			one = v;
		}
		*how = "--nodes";
	}
	return one;
}

/* TSC106: when can a DoNotSchedule constraint never block a placement?
 * Placing a pod into domain d fails when count(d) + 1 - min > maxSkew.
 * Counting only the workload's own pods, at most N-1 others exist when the
 * last of N is placed (N: replicas, plus maxSurge during a Deployment's
 * rollout unless matchLabelKeys has pod-template-hash), and all of them may
 * already be in d while another domain is empty (or minDomains exceeds the
 * domains and the minimum counts as 0): the worst case is N. So the
 * constraint can block iff maxSkew < N, given two or more domains; with one
 * domain (and minDomains at most 1) count(d) is the minimum and the check
 * is 1 <= maxSkew: it never blocks. */
static void check_ineffective_skew(struct obj *o, const struct tsc *t)
{
	const struct tk_node *c = t->node;
	const char *how = NULL, *dom = t->key && *t->key ? single_domain(o, t, &how) : NULL;
	long long n, surge = 0;

	if (dom && !(t->min_domains_set == 1 && t->min_domains > 1)) {
		report(o, R_INEFFECTIVE_SKEW, tk_get(c, "maxSkew"), xasprintf("%s.maxSkew", t->path),
		       xasprintf("only one \"%s\" domain (%s, from %s) can hold these pods: the skew is always 0, so this constraint never blocks a placement",
				 t->key, dom, how),
		       "spread over a key the pods can reach several values of, or remove the constraint");
		return;
	}
	if (!o->replicas_set || o->replicas < 2)
		return;
	n = o->replicas;
	if (o->kind && strcmp(o->kind, "Deployment") == 0 && !has_match_label_key(t, "pod-template-hash"))
		surge = deployment_surge(o);
	if (t->max_skew < n + surge)
		return;
	if (surge)
		report(o, R_INEFFECTIVE_SKEW, tk_get(c, "maxSkew"), xasprintf("%s.maxSkew", t->path),
		       xasprintf("maxSkew %lld with %lld replicas and %lld surge pods never blocks a placement: all of them may land in one domain",
				 t->max_skew, o->replicas, surge), NULL);
	else
		report(o, R_INEFFECTIVE_SKEW, tk_get(c, "maxSkew"), xasprintf("%s.maxSkew", t->path),
		       xasprintf("maxSkew %lld with %lld replicas never blocks a placement: all replicas may land in one domain",
				 t->max_skew, o->replicas), NULL);
}

static void advise_constraint(struct obj *o, const struct tsc *t)
{
	const struct tk_node *c = t->node;
	const struct tk_node *kn = tk_get(c, "topologyKey");
	bool dns = t->when && strcmp(t->when, "DoNotSchedule") == 0;
	bool known;
	size_t i;

	/* TSC110: nil selector (labels.Nothing in the scheduler) */
	if (!t->sel) {
		if (!has_match_label_keys(c))
			report(o, R_NIL_SELECTOR, c, xasprintf("%s.labelSelector", t->path),
			       xstrdup("labelSelector is not set: the constraint counts no pods, so it never spreads anything"),
			       NULL);
	} else if (t->sel_ok && empty_selector(t->sel) && !has_match_label_keys(c)) {
		/* TSC111: labels.Everything; kube-scheduler counts every pod of the
		 * namespace for it since 1.38 (kubernetes PR #141340), none before */
		report(o, R_EMPTY_SELECTOR, t->sel, xasprintf("%s.labelSelector", t->path),
		       xstrdup("labelSelector is empty: it selects every pod of the namespace, so other workloads' pods are counted too (kube-scheduler 1.38 and later; before 1.38 it counted no pod at all)"),
		       NULL);
	} else if (t->sel_ok && o->pspec && !selector_selects_template(o, t->sel, &known) && known) {
		/* TSC101 */
		report(o, R_SELECTOR_MISMATCH, t->sel, xasprintf("%s.labelSelector", t->path),
		       xstrdup("labelSelector does not select the pod template's own labels: the pods of this workload are not counted, so they are not spread"),
		       NULL);
	}

	/* TSC102 / TSC103 / TSC201 */
	if (t->key && *t->key) {
		bool deprecated = false;

		for (i = 0; i < NDEPR; i++)
			if (strcmp(t->key, deprecated_keys[i].old) == 0) {
				char *fix = xasprintf("use topologyKey: %s (nodes carry both labels)", deprecated_keys[i].ga);

				report(o, R_DEPRECATED_KEY, kn, xasprintf("%s.topologyKey", t->path),
				       xasprintf("topologyKey \"%s\" is deprecated; use \"%s\"", t->key, deprecated_keys[i].ga),
				       fix);
				free(fix);
				deprecated = true;
			}
		if (o->ctx->nodes) {
			if (nodes_with_key(o->ctx->nodes, t->key, NULL) == 0) {
				const char *dym = is_well_known(t->key) ? NULL : did_you_mean(t->key);
				size_t nnear = 0;
				enum sc_nearmiss_kind kind = SC_NEAR_NONE;
				const char *near = nodes_near_miss(o->ctx->nodes, t->key, &nnear, &kind);
				char *m, *fix = NULL;

				if (near) {
					/* the label the nodes do carry beats a guess */
					m = xasprintf("no node carries the label \"%s\", but %zu node%s carr%s \"%s\" (%s): %s",
						      t->key, nnear, nnear == 1 ? "" : "s", nnear == 1 ? "ies" : "y", near,
						      sc_nearmiss_name(kind),
						      dns ? "every pod stays Pending (nodes without the key are filtered out)"
							  : "the constraint has no effect");
					fix = kind == SC_NEAR_DEPRECATED
						? xasprintf("label the nodes %s as well (the current form of %s)", t->key, near)
						: xasprintf("use topologyKey: %s, or label the nodes %s", near, t->key);
				} else {
					m = xasprintf("no node carries the label \"%s\"%s%s%s: %s", t->key,
						      dym ? " (did you mean \"" : "", dym ? dym : "", dym ? "\"?)" : "",
						      dns ? "every pod stays Pending (nodes without the key are filtered out)"
							  : "the constraint has no effect");
				}
				report(o, R_KEY_ON_NO_NODE, kn, xasprintf("%s.topologyKey", t->path), m, fix);
				free(fix);
			}
		} else if (!deprecated && !is_well_known(t->key)) {
			const char *dym = did_you_mean(t->key);
			char *m, *fix = NULL;

			if (dym) {
				m = xasprintf("topologyKey \"%s\" is not a well-known node label; did you mean \"%s\"?",
					      t->key, dym);
				fix = xasprintf("use topologyKey: %s", dym);
			} else {
				m = xasprintf("topologyKey \"%s\" is not a well-known node label: nodes without it are %s",
					      t->key, dns ? "filtered out, so pods can stay Pending"
							  : "ignored by the constraint");
			}
			report(o, R_UNKNOWN_KEY, kn, xasprintf("%s.topologyKey", t->path), m, fix);
			free(fix);
		}
	}

	/* TSC104 */
	if (t->min_domains_set == 1 && t->min_domains > 0 && o->replicas_set && t->min_domains > o->replicas)
		report(o, R_MIN_DOMAINS_REPLICAS, tk_get(c, "minDomains"), xasprintf("%s.minDomains", t->path),
		       xasprintf("minDomains %lld is larger than replicas %lld: at most %lld domains can hold a pod",
				 t->min_domains, o->replicas, o->replicas), NULL);

	/* TSC105 (rolling updates count the old ReplicaSet's pods too) */
	if (o->kind && strcmp(o->kind, "Deployment") == 0 && dns && t->sel &&
	    !has_match_label_key(t, "pod-template-hash"))
		report(o, R_POD_TEMPLATE_HASH, c, xasprintf("%s.matchLabelKeys", t->path),
		       xstrdup("DoNotSchedule without matchLabelKeys: [pod-template-hash]: during a rolling update the old ReplicaSet's pods are counted too, so new pods can stay Pending or land unevenly"),
		       NULL);

	/* TSC106 */
	if (dns && t->max_skew_set == 1 && t->max_skew > 0)
		check_ineffective_skew(o, t);

	/* TSC107 */
	if (o->pspec && dns && t->key && *t->key && t->sel_ok &&
	    selector_selects_template(o, t->sel, &known) && known) {
		const struct tk_node *term = anti_affinity_on(o, t->key);

		if (term)
			report(o, R_ANTI_AFFINITY, c, xstrdup(t->path),
			       xasprintf("required pod anti-affinity on \"%s\" already allows one pod per domain, so this constraint adds nothing, and replicas beyond the number of domains stay Pending",
					 t->key), NULL);
	}

	/* TSC202, TSC203 */
	if (o->ctx->nodes && t->key && *t->key) {
		size_t nd = 0, nn = nodes_with_key(o->ctx->nodes, t->key, &nd);

		if (t->min_domains_set == 1 && nn > 0 && t->min_domains > (long long)nd)
			report(o, R_TOO_FEW_DOMAINS, tk_get(c, "minDomains"), xasprintf("%s.minDomains", t->path),
			       xasprintf("minDomains %lld but the cluster has %zu \"%s\" domain%s: the global minimum counts as 0, so at most maxSkew pods fit per domain",
					 t->min_domains, nd, t->key, nd == 1 ? "" : "s"), NULL);
		if (strcmp(t->key, "kubernetes.io/hostname") == 0 && dns && t->max_skew_set == 1 &&
		    t->max_skew == 1 && o->replicas_set && nn > 0 && o->replicas > (long long)nn)
			report(o, R_HOSTNAME_REPLICAS, c, xstrdup(t->path),
			       xasprintf("%lld replicas on %zu nodes with hostname spread, maxSkew 1 and DoNotSchedule: every node must take a pod before any takes another, so one node that cannot (full, tainted, cordoned) leaves replicas Pending",
					 o->replicas, nn), NULL);
	}
}

/* ---- one list of constraints ---- */

static void check_constraints(struct obj *o, const struct tk_node *list, const char *path)
{
	struct tsc *all;
	size_t i, n;

	if (list->kind == TK_NULL)
		return;
	if (list->kind != TK_SEQ) {
		type_error(o, list, path, "PodSpec.topologySpreadConstraints", "[]v1.TopologySpreadConstraint");
		return;
	}
	n = list->n;
	all = xcalloc(n ? n : 1, sizeof(*all));
	for (i = 0; i < n; i++) {
		char *p = xasprintf("%s[%zu]", path, i);

		if (list->items[i]->kind != TK_MAP) {
			type_error(o, list->items[i], p, "PodSpec.topologySpreadConstraints",
				   "v1.TopologySpreadConstraint");
			all[i].node = NULL;
			all[i].path = p;
			continue;
		}
		parse_constraint(o, list->items[i], p, &all[i]);
		free(p);
	}
	for (i = 0; i < n; i++)
		if (all[i].node)
			validate_constraint(o, all, n, i);
	for (i = 0; i < n; i++)
		if (all[i].node)
			advise_constraint(o, &all[i]);
	for (i = 0; i < n; i++)
		free(all[i].path);
	free(all);
}

/* ---- object level ---- */

static void check_annotations(struct obj *o, const struct tk_node *meta, const char *path)
{
	static const char *const ignored[] = {
		"kubernetes.io/topology-policy",
		"cpu-set.kubernetes.io/numa-node",
	};
	const struct tk_node *ann = tk_get(meta, "annotations");
	size_t i, j;

	if (!ann || ann->kind != TK_MAP)
		return;
	for (i = 0; i < ann->n; i++)
		for (j = 0; j < sizeof(ignored) / sizeof(ignored[0]); j++)
			if (strcmp(tk_scalar_text(ann->keys[i]), ignored[j]) == 0)
				report(o, R_IGNORED_ANNOTATION, ann->keys[i], xasprintf("%s.annotations", path),
				       xasprintf("annotation \"%s\" is not a Kubernetes API: nothing reads it, so it sets no topology or NUMA policy",
						 ignored[j]), NULL);
}

static void collect_ignores(struct obj *o, const struct tk_node *meta)
{
	const char *v = tk_str(tk_get(tk_get(meta, "annotations"), IGNORE_ANNOTATION));
	char *copy, *tok, *save;

	if (!v)
		return;
	copy = xstrdup(v);
	for (tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save))
		tk_strv_push(&o->ignore, xstrdup(tok));
	free(copy);
}

/* Field path of the generic scan, built only when a list is found: each
 * level is a map key or a sequence index. */
struct scan_path {
	unsigned depth;
	const char *key[65];
	size_t index[65];
};

static char *scan_path_render(const struct scan_path *sp, const char *last)
{
	size_t len = strlen(last) + 1, i;
	char *p, *w;

	for (i = 0; i < sp->depth; i++)
		len += sp->key[i] ? strlen(sp->key[i]) + 1 : 22;
	p = w = xmalloc(len + 1);
	for (i = 0; i < sp->depth; i++) {
		if (sp->key[i])
			w += sprintf(w, "%s%s", w == p ? "" : ".", sp->key[i]);
		else
			w += sprintf(w, "[%zu]", sp->index[i]);
	}
	sprintf(w, "%s%s", w == p ? "" : ".", last);
	return p;
}

/* Find topologySpreadConstraints lists anywhere in an unknown kind. */
static void scan_generic(struct obj *o, const struct tk_node *n, struct scan_path *sp)
{
	size_t i;

	if (sp->depth >= 64)
		return;
	if (n->kind == TK_MAP) {
		for (i = 0; i < n->n; i++) {
			const struct tk_node *v = n->items[i];
			const char *k = n->keys[i]->text;

			if (v->kind != TK_MAP && v->kind != TK_SEQ)
				continue;
			if (v->kind == TK_SEQ && k && k[0] == 't' &&
			    strcmp(k, "topologySpreadConstraints") == 0) {
				char *p = scan_path_render(sp, k);

				check_constraints(o, v, p);
				free(p);
				continue;
			}
			sp->key[sp->depth] = k ? k : "?";
			sp->depth++;
			scan_generic(o, v, sp);
			sp->depth--;
		}
	} else if (n->kind == TK_SEQ) {
		for (i = 0; i < n->n; i++) {
			if (n->items[i]->kind != TK_MAP && n->items[i]->kind != TK_SEQ)
				continue;
			sp->key[sp->depth] = NULL;
			sp->index[sp->depth] = i;
			sp->depth++;
			scan_generic(o, n->items[i], sp);
			sp->depth--;
		}
	}
}

/* Kinds that hold no pod spec: not linted, not even built (CRD schemas and
 * ConfigMaps are the largest objects of an install). */
bool lint_podless_kind(const char *kind)
{
	static const char *const kinds[] = {
		"APIService", "ClusterRole", "ClusterRoleBinding", "ConfigMap",
		"CustomResourceDefinition", "Endpoints", "EndpointSlice", "Ingress",
		"IngressClass", "LimitRange", "MutatingWebhookConfiguration", "Namespace",
		"NetworkPolicy", "PersistentVolume", "PersistentVolumeClaim",
		"PodDisruptionBudget", "PriorityClass", "ResourceQuota", "Role",
		"RoleBinding", "Secret", "Service", "ServiceAccount", "StorageClass",
		"ValidatingWebhookConfiguration",
	};
	size_t i;

	for (i = 0; kind && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

static const struct {
	const char *kind;
	const char *tmpl;      /* path of the pod template (metadata + spec) */
	const char *replicas;  /* path of the replica count, or NULL */
	bool multi;
	const char *spec_type;   /* Go type of spec (template for PodTemplate) */
} workload_kinds[] = {
	{ "Deployment", "spec.template", "spec.replicas", true, "v1.DeploymentSpec" },
	{ "StatefulSet", "spec.template", "spec.replicas", true, "v1.StatefulSetSpec" },
	{ "ReplicaSet", "spec.template", "spec.replicas", true, "v1.ReplicaSetSpec" },
	{ "ReplicationController", "spec.template", "spec.replicas", true, "v1.ReplicationControllerSpec" },
	{ "DaemonSet", "spec.template", NULL, false, "v1.DaemonSetSpec" },
	{ "Job", "spec.template", "spec.parallelism", false, "v1.JobSpec" },
	{ "CronJob", "spec.jobTemplate.spec.template", "spec.jobTemplate.spec.parallelism", false, "v1.CronJobSpec" },
	{ "PodTemplate", "template", NULL, false, "v1.PodTemplateSpec" },
};

/* A field the linter reads, present and not null, must have the type the
 * API server decodes it into; else a TSC009 finding and false. */
static bool want_type(struct obj *o, const struct tk_node *map, const char *key, enum tk_kind kind,
		      const char *path, const char *gofield, const char *gotype)
{
	const struct tk_node *n = tk_get(map, key);
	char *p;

	if (!n || n->kind == TK_NULL || n->kind == kind)
		return true;
	p = *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
	type_error(o, n, p, gofield, gotype);
	free(p);
	return false;
}

/* metadata.labels / annotations: map[string]string */
static bool want_string_map(struct obj *o, const struct tk_node *meta, const char *key,
			    const char *path, const char *gofield)
{
	const struct tk_node *m = tk_get(meta, key);
	size_t i;
	bool ok = true;

	if (!want_type(o, meta, key, TK_MAP, path, gofield, "map[string]string"))
		return false;
	for (i = 0; m && m->kind == TK_MAP && i < m->n; i++) {
		const struct tk_node *v = m->items[i];

		if (v->kind != TK_STR && v->kind != TK_NULL) {
			char *p = xasprintf("%s.%s", path, key);

			type_error(o, v, p, gofield, "string");
			free(p);
			ok = false;
		}
	}
	return ok;
}

/* ObjectMeta as the linter reads it. */
static bool want_meta(struct obj *o, const struct tk_node *meta, const char *path)
{
	bool ok = true;

	if (!meta || meta->kind != TK_MAP)
		return true;
	ok &= want_type(o, meta, "name", TK_STR, path, "ObjectMeta.metadata.name", "string");
	ok &= want_type(o, meta, "generateName", TK_STR, path, "ObjectMeta.metadata.generateName", "string");
	ok &= want_type(o, meta, "namespace", TK_STR, path, "ObjectMeta.metadata.namespace", "string");
	ok &= want_string_map(o, meta, "labels", path, "ObjectMeta.metadata.labels");
	ok &= want_string_map(o, meta, "annotations", path, "ObjectMeta.metadata.annotations");
	return ok;
}

/* The object's own shape, before any rule reads it: an object the API
 * server would not decode (kind or apiVersion missing or not a string,
 * metadata a list, spec a string, ...) gets TSC009 findings, which lint.c
 * turns into an input error. Returns false when any was found. */
static bool check_shape(struct obj *o, const struct tk_node *item, const char *tmpl_path,
			const char *spec_type)
{
	static const char *const required[] = { "apiVersion", "kind" };
	const struct tk_node *spec, *tmpl;
	char gofield[96];
	size_t i;
	bool ok = true;

	for (i = 0; i < 2; i++) {
		const struct tk_node *n = tk_get(item, required[i]);

		if (!n || (n->kind == TK_STR && !*tk_str(n))) {
			report(o, R_FIELD_TYPE, n ? n : item, xstrdup(required[i]),
			       xasprintf("Object '%s' is missing: the API server cannot decode an object without it",
					 i ? "Kind" : "apiVersion"),
			       "give the object its apiVersion and kind (a file of other YAML is not a manifest)");
			ok = false;
		} else if (n->kind != TK_STR) {
			snprintf(gofield, sizeof(gofield), "TypeMeta.%s", required[i]);
			type_error(o, n, required[i], gofield, "string");
			ok = false;
		}
	}
	if (!ok)
		return false;
	snprintf(gofield, sizeof(gofield), "%s.metadata", o->kind);
	ok &= want_type(o, item, "metadata", TK_MAP, "", gofield, "v1.ObjectMeta");
	ok = ok && want_meta(o, tk_get(item, "metadata"), "metadata");
	if (!spec_type)
		return ok;   /* a kind without a pod spec: only its metadata is read */
	if (strcmp(o->kind, "PodTemplate") == 0) {
		ok &= want_type(o, item, "template", TK_MAP, "", "PodTemplate.template", "v1.PodTemplateSpec");
	} else {
		snprintf(gofield, sizeof(gofield), "%s.spec", o->kind);
		ok &= want_type(o, item, "spec", TK_MAP, "", gofield, spec_type);
	}
	if (!ok)
		return false;
	spec = tk_get(item, "spec");
	if (strcmp(o->kind, "CronJob") == 0) {
		const struct tk_node *jt;

		if (!want_type(o, spec, "jobTemplate", TK_MAP, "spec", "CronJobSpec.jobTemplate", "v1.JobTemplateSpec"))
			return false;
		jt = tk_get(spec, "jobTemplate");
		if (!want_type(o, jt, "metadata", TK_MAP, "spec.jobTemplate", "JobTemplateSpec.metadata", "v1.ObjectMeta") ||
		    !want_type(o, jt, "spec", TK_MAP, "spec.jobTemplate", "JobTemplateSpec.spec", "v1.JobSpec") ||
		    !want_meta(o, tk_get(jt, "metadata"), "spec.jobTemplate.metadata"))
			return false;
		spec = tk_get(jt, "spec");
		ok &= want_type(o, spec, "parallelism", TK_INT, "spec.jobTemplate.spec", "JobSpec.parallelism", "int32");
		ok &= want_type(o, spec, "template", TK_MAP, "spec.jobTemplate.spec", "JobSpec.template", "v1.PodTemplateSpec");
	} else if (strcmp(o->kind, "Pod") != 0 && strcmp(o->kind, "PodTemplate") != 0) {
		snprintf(gofield, sizeof(gofield), "%sSpec.template", o->kind);
		ok &= want_type(o, spec, "template", TK_MAP, "spec", gofield, "v1.PodTemplateSpec");
		snprintf(gofield, sizeof(gofield), "%sSpec.replicas", o->kind);
		ok &= want_type(o, spec, "replicas", TK_INT, "spec", gofield, "int32");
		snprintf(gofield, sizeof(gofield), "%sSpec.parallelism", o->kind);
		ok &= want_type(o, spec, "parallelism", TK_INT, "spec", gofield, "int32");
	}
	if (!ok)
		return false;
	if (strcmp(o->kind, "Pod") == 0)
		return want_type(o, spec, "affinity", TK_MAP, "spec", "PodSpec.affinity", "v1.Affinity");
	tmpl = tk_path(item, tmpl_path);
	{
		char *mp = xasprintf("%s.metadata", tmpl_path);

		ok &= want_type(o, tmpl, "metadata", TK_MAP, tmpl_path, "PodTemplateSpec.metadata", "v1.ObjectMeta");
		ok &= want_type(o, tmpl, "spec", TK_MAP, tmpl_path, "PodTemplateSpec.spec", "v1.PodSpec");
		ok = ok && want_meta(o, tk_get(tmpl, "metadata"), mp);
		free(mp);
		mp = xasprintf("%s.spec", tmpl_path);
		ok = ok && want_type(o, tk_get(tmpl, "spec"), "affinity", TK_MAP, mp, "PodSpec.affinity", "v1.Affinity");
		free(mp);
	}
	return ok;
}

/* The cpu or memory quantity of one container's requests or limits, or
 * false when absent or unparsable. */
static bool container_qty(const struct tk_node *ctr, const char *which, const char *res,
			  struct tk_qty *q, const struct tk_node **at)
{
	const struct tk_node *n = tk_get(tk_get(tk_get(ctr, "resources"), which), res);
	const char *text = tk_scalar_text(n);

	*at = n;
	return text && tk_qty_parse(text, q) == 0;
}

/* qos.GetPodQOS: Guaranteed when every container (init containers too)
 * has cpu and memory limits, and requests (defaulted from the limits)
 * equal them. */
static bool pod_guaranteed(const struct tk_node *pspec)
{
	static const char *const lists[] = { "initContainers", "containers" };
	static const char *const res[] = { "cpu", "memory" };
	size_t l, i, r, n = 0;

	for (l = 0; l < 2; l++) {
		const struct tk_node *cs = tk_get(pspec, lists[l]);

		for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++, n++)
			for (r = 0; r < 2; r++) {
				const struct tk_node *at;
				struct tk_qty lim, req;

				if (!container_qty(cs->items[i], "limits", res[r], &lim, &at))
					return false;
				if (tk_get(tk_get(tk_get(cs->items[i], "resources"), "requests"), res[r]) &&
				    (!container_qty(cs->items[i], "requests", res[r], &req, &at) ||
				     tk_qty_cmp(&req, &lim) != 0))
					return false;
			}
	}
	return n > 0;
}

/* TSC302: the static CPU Manager gives exclusive CPUs only to a Guaranteed
 * pod's containers whose CPU request is an integer (guaranteedCPUs). */
static void check_fractional_cpu(struct obj *o, const char *spec_path)
{
	const struct tk_node *cs = tk_get(o->pspec, "containers");
	size_t i;

	if (!cs || cs->kind != TK_SEQ || !pod_guaranteed(o->pspec))
		return;
	for (i = 0; i < cs->n; i++) {
		const struct tk_node *at;
		const char *name = tk_scalar_text(tk_get(cs->items[i], "name"));
		struct tk_qty cpu;

		if (!container_qty(cs->items[i], "limits", "cpu", &cpu, &at) || tk_qty_is_integer(&cpu))
			continue;
		report(o, R_FRACTIONAL_CPU, at,
		       xasprintf("%s.containers[%zu].resources.limits.cpu", spec_path, i),
		       xasprintf("container \"%s\" of a Guaranteed pod asks for %s CPU: not a whole number, so the static CPU Manager keeps it in the shared pool (no exclusive CPUs, no NUMA alignment of its CPUs)",
				 name ? name : "", tk_scalar_text(at)),
		       NULL);
	}
}

static const char *const container_lists[] = { "initContainers", "containers" };

/* TSC010 for one ResourceRequirements at path (limits first, as upstream). */
static void check_hugepages_in(struct obj *o, const struct tk_node *res, const char *path)
{
	static const char *const which[] = { "limits", "requests" };
	size_t w, k;

	for (w = 0; w < 2; w++) {
		const struct tk_node *rl = tk_get(res, which[w]);

		for (k = 0; rl && rl->kind == TK_MAP && k < rl->n; k++) {
			const char *name = tk_scalar_text(rl->keys[k]);
			const char *val = tk_scalar_text(rl->items[k]);
			struct tk_qty page, q;
			char *qv;

			if (!name || strncmp(name, "hugepages-", 10) != 0 || !val || tk_qty_parse(val, &q) != 0)
				continue;   /* not hugepages, or another rule's error */
			if (tk_qty_parse(name + 10, &page) == 0 && page.milli > 0 && page.milli % 1000 == 0 &&
			    tk_qty_value(&q) % (page.milli / 1000) == 0)
				continue;
			qv = quote(val);
			report(o, R_HUGEPAGES, rl->items[k], xasprintf("%s.%s[%s]", path, which[w], name),
			       xasprintf("Invalid value: %s: %s is not positive integer multiple of %s", qv, val, name),
			       NULL);
			free(qv);
		}
	}
}

/* TSC010: ValidateResourceRequirements -> validateResourceQuantityHugePageValue
 * (helper.IsHugePageResourceValueDivisible): on create the API server
 * refuses a hugepages-<size> quantity whose Value() is not a multiple of the
 * page size (0 is one), or whose size is not a whole positive quantity; in
 * every container and in the pod-level resources alike. */
static void check_hugepages(struct obj *o, const char *spec_path)
{
	size_t l, i;
	char *p;

	for (l = 0; l < 2; l++) {
		const struct tk_node *cs = tk_get(o->pspec, container_lists[l]);

		for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++) {
			p = xasprintf("%s.%s[%zu].resources", spec_path, container_lists[l], i);
			check_hugepages_in(o, tk_get(cs->items[i], "resources"), p);
			free(p);
		}
	}
	p = xasprintf("%s.resources", spec_path);
	check_hugepages_in(o, tk_get(o->pspec, "resources"), p);
	free(p);
}

/* TSC112: the Topology Manager's hint providers are the CPU, Memory and
 * Device (device plugin) managers; DRA allocates claimed devices without
 * a hint, so in a Guaranteed pod (exclusive CPUs, NUMA-aligned) the claimed
 * devices may sit on another NUMA node. */
static void check_dra_numa(struct obj *o, const char *spec_path)
{
	size_t l, i;

	if (!pod_guaranteed(o->pspec))
		return;
	for (l = 0; l < 2; l++) {
		const struct tk_node *cs = tk_get(o->pspec, container_lists[l]);

		for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++) {
			const struct tk_node *cl = tk_get(tk_get(cs->items[i], "resources"), "claims");
			const char *name = tk_scalar_text(tk_get(cs->items[i], "name"));
			const char *claim;

			if (!cl || cl->kind != TK_SEQ || cl->n == 0)
				continue;
			claim = tk_scalar_text(tk_get(cl->items[0], "name"));
			report(o, R_DRA_NUMA, cl, xasprintf("%s.%s[%zu].resources.claims", spec_path, container_lists[l], i),
			       xasprintf("container \"%s\" of a Guaranteed pod claims \"%s\" through DRA: the Topology Manager aligns its exclusive CPUs, memory and device-plugin devices, but takes no hint from DRA, so the claimed device may sit on another NUMA node",
					 name ? name : "", claim ? claim : ""),
			       NULL);
		}
	}
}

int lint_item(struct lint_ctx *ctx, const struct tk_node *item, const char *file)
{
	struct obj o;
	struct lint_object *lo;
	const struct tk_node *meta, *tmeta = NULL, *tsc;
	const char *ns, *name;
	char *spec_path = NULL, *meta_path = NULL;
	size_t i;

	if (!item || item->kind != TK_MAP)
		return 0;
	memset(&o, 0, sizeof(o));
	o.ctx = ctx;
	o.file = file;
	o.item = item;
	o.kind = tk_str(tk_get(item, "kind"));
	meta = tk_get(item, "metadata");
	ns = tk_scalar_text(tk_get(meta, "namespace"));
	name = tk_scalar_text(tk_get(meta, "name"));
	if (!name)
		name = tk_scalar_text(tk_get(meta, "generateName"));

	ctx->objects = xreallocarray(ctx->objects, ctx->nobjects + 1, sizeof(*ctx->objects));
	o.index = ctx->nobjects++;
	lo = &ctx->objects[o.index];
	lo->file = file;
	lo->line = item->line;
	lo->col = item->col;
	lo->kind = xstrdup(o.kind ? o.kind : "");
	lo->ns = ns ? xstrdup(ns) : NULL;
	lo->name = xstrdup(name ? name : "");
	lo->first = ctx->nfindings;
	lo->count = 0;

	{
		const char *spec_type = NULL, *tmpl_path = NULL;

		if (o.kind && strcmp(o.kind, "Pod") == 0)
			spec_type = "v1.PodSpec";
		for (i = 0; o.kind && i < sizeof(workload_kinds) / sizeof(workload_kinds[0]); i++)
			if (strcmp(o.kind, workload_kinds[i].kind) == 0) {
				spec_type = workload_kinds[i].spec_type;
				tmpl_path = workload_kinds[i].tmpl;
			}
		if (!check_shape(&o, item, tmpl_path, spec_type))
			return 0;
	}
	if (o.kind && strcmp(o.kind, "Pod") == 0) {
		o.pspec = tk_get(item, "spec");
		tmeta = meta;
		spec_path = xstrdup("spec");
		meta_path = xstrdup("metadata");
	} else {
		for (i = 0; o.kind && i < sizeof(workload_kinds) / sizeof(workload_kinds[0]); i++) {
			const struct tk_node *tmpl, *rn;

			if (strcmp(o.kind, workload_kinds[i].kind) != 0)
				continue;
			tmpl = tk_path(item, workload_kinds[i].tmpl);
			tmeta = tk_get(tmpl, "metadata");
			o.pspec = tk_get(tmpl, "spec");
			spec_path = xasprintf("%s.spec", workload_kinds[i].tmpl);
			meta_path = xasprintf("%s.metadata", workload_kinds[i].tmpl);
			o.multi = workload_kinds[i].multi;
			o.replicas = 1;
			rn = workload_kinds[i].replicas ? tk_path(item, workload_kinds[i].replicas) : NULL;
			if (rn && rn->kind == TK_INT) {
				o.replicas = rn->v.i;
				o.replicas_set = true;
			}
			break;
		}
	}
	collect_ignores(&o, meta);
	if (tmeta && tmeta != meta)
		collect_ignores(&o, tmeta);
	/* a template without labels has the empty label set */
	if (spec_path)
		o.has_labels = tk_labels_from_node(&o.labels, file, tk_get(tmeta, "labels"), NULL) == 0;

	check_annotations(&o, meta, "metadata");
	if (tmeta && tmeta != meta)
		check_annotations(&o, tmeta, meta_path);

	if (o.pspec && o.pspec->kind == TK_MAP) {
		char *p = xasprintf("%s.topologySpreadConstraints", spec_path);

		check_fractional_cpu(&o, spec_path);
		check_hugepages(&o, spec_path);
		check_dra_numa(&o, spec_path);

		tsc = tk_get(o.pspec, "topologySpreadConstraints");
		if (tsc) {
			check_constraints(&o, tsc, p);
			if (strcmp(o.kind, "DaemonSet") == 0 && tsc->kind == TK_SEQ && tsc->n > 0)
				report(&o, R_DAEMONSET, tsc, xstrdup(p),
				       xstrdup("topologySpreadConstraints on a DaemonSet: the DaemonSet controller pins one pod to each node, so spreading cannot change placement, and DoNotSchedule can keep daemon pods Pending"),
				       NULL);
		}
		if (o.multi && o.replicas_set && o.replicas >= 2 &&
		    (!tsc || tsc->kind != TK_SEQ || tsc->n == 0) && !tk_get(tk_get(o.pspec, "affinity"), "podAntiAffinity"))
			report(&o, R_REQUIRE_SPREAD, o.pspec, p,
			       xasprintf("%lld replicas without topologySpreadConstraints or pod anti-affinity: they may all land on one node or in one zone",
					 o.replicas), NULL);
		else
			free(p);
	} else if (!o.pspec && !spec_path && !lint_podless_kind(o.kind)) {
		struct scan_path sp;

		sp.depth = 0;
		scan_generic(&o, item, &sp);
	}
	free(spec_path);
	free(meta_path);
	tk_labels_release(&o.labels);
	tk_strv_free(&o.ignore);
	return 0;
}

/* ---- --nodes ---- */

struct nodes_arg {
	struct lint_nodes *nodes;
};

static int node_item(const struct tk_node *item, const char *file, void *arg)
{
	struct lint_nodes *nodes = ((struct nodes_arg *)arg)->nodes;
	const char *kind = tk_str(tk_get(item, "kind"));
	const struct tk_node *meta = tk_get(item, "metadata");
	const char *name = tk_scalar_text(tk_get(meta, "name"));

	(void)file;
	if (!kind || strcmp(kind, "Node") != 0)
		return 0;
	nodes->names = xreallocarray(nodes->names, nodes->n + 1, sizeof(*nodes->names));
	nodes->labels = xreallocarray(nodes->labels, nodes->n + 1, sizeof(*nodes->labels));
	nodes->names[nodes->n] = xstrdup(name ? name : "");
	memset(&nodes->labels[nodes->n], 0, sizeof(nodes->labels[nodes->n]));
	tk_labels_from_node(&nodes->labels[nodes->n], file, tk_get(meta, "labels"), NULL);
	nodes->n++;
	return 0;
}

int lint_nodes_load(struct lint_nodes *nodes, const char *path, struct tk_diag *d)
{
	struct nodes_arg a = { nodes };

	memset(nodes, 0, sizeof(*nodes));
	return tk_doc_stream(path, NULL, node_item, &a, d);
}

void lint_nodes_release(struct lint_nodes *nodes)
{
	size_t i;

	for (i = 0; i < nodes->n; i++) {
		free(nodes->names[i]);
		tk_labels_release(&nodes->labels[i]);
	}
	free(nodes->names);
	free(nodes->labels);
	memset(nodes, 0, sizeof(*nodes));
}
