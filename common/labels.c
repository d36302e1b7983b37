/* labels.c - label sets, selectors and label syntax (see labels.h).
 *
 * Selector semantics follow apimachinery: metav1.LabelSelectorAsSelector
 * (nil -> labels.Nothing, empty -> labels.Everything) and
 * labels.Requirement.Matches; node selector terms follow
 * k8s.io/component-helpers/scheduling/corev1/nodeaffinity
 * (nodeSelectorRequirementsAsSelector, an empty term matches no node).
 * Syntax checks follow k8s.io/apimachinery/pkg/api/validate/content
 * (IsLabelKey, IsLabelValue, IsDNS1123Subdomain) word for word.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "xalloc.h"

/* ---- string vectors ---- */

void tk_strv_push(struct tk_strv *sv, char *owned)
{
	sv->v = xreallocarray(sv->v, sv->n + 1, sizeof(*sv->v));
	sv->v[sv->n++] = owned;
}

void tk_strv_free(struct tk_strv *sv)
{
	size_t i;

	if (!sv)
		return;
	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

/* ---- label sets ---- */

void tk_labels_release(struct tk_labels *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->keys[i]);
		free(l->vals[i]);
	}
	free(l->keys);
	free(l->vals);
	l->keys = l->vals = NULL;
	l->n = 0;
}

static long labels_find(const struct tk_labels *l, const char *key)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->keys[i], key) == 0)
			return (long)i;
	return -1;
}

const char *tk_labels_get(const struct tk_labels *l, const char *key)
{
	long i;

	if (!l || !key)
		return NULL;
	i = labels_find(l, key);
	return i < 0 ? NULL : l->vals[i];
}

void tk_labels_set(struct tk_labels *l, const char *key, const char *val)
{
	long i = labels_find(l, key);

	if (i >= 0) {
		free(l->vals[i]);
		l->vals[i] = xstrdup(val ? val : "");
		return;
	}
	l->keys = xreallocarray(l->keys, l->n + 1, sizeof(*l->keys));
	l->vals = xreallocarray(l->vals, l->n + 1, sizeof(*l->vals));
	l->keys[l->n] = xstrdup(key);
	l->vals[l->n] = xstrdup(val ? val : "");
	l->n++;
}

int tk_labels_from_node(struct tk_labels *l, const char *file, const struct tk_node *map,
			struct tk_diag *d)
{
	size_t i;

	if (!map || map->kind == TK_NULL)
		return 0;
	if (map->kind != TK_MAP)
		return tk_node_error(file, map, d, "labels must be a map, not %s",
				     tk_kind_name(map->kind));
	for (i = 0; i < map->n; i++) {
		const struct tk_node *k = map->keys[i], *v = map->items[i];
		const char *ks = tk_scalar_text(k);

		if (!ks)
			return tk_node_error(file, k, d, "label key must be a string");
		/* a null value decodes to "" in a map[string]string */
		if (v->kind == TK_NULL) {
			tk_labels_set(l, ks, "");
			continue;
		}
		if (!tk_is_scalar(v))
			return tk_node_error(file, v, d, "label \"%s\": value must be a string, not %s",
					     ks, tk_kind_name(v->kind));
		tk_labels_set(l, ks, tk_scalar_text(v));
	}
	return 0;
}

/* ---- selectors ---- */

static const char *const op_names[] = {
	[TK_OP_IN] = "In",
	[TK_OP_NOT_IN] = "NotIn",
	[TK_OP_EXISTS] = "Exists",
	[TK_OP_DOES_NOT_EXIST] = "DoesNotExist",
	[TK_OP_GT] = "Gt",
	[TK_OP_LT] = "Lt",
};

const char *tk_sel_op_name(enum tk_sel_op op)
{
	if ((unsigned)op < sizeof(op_names) / sizeof(op_names[0]))
		return op_names[op];
	return "?";
}

static int op_parse(const char *s, enum tk_sel_op *op)
{
	size_t i;

	for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (strcmp(s, op_names[i]) == 0) {
			*op = (enum tk_sel_op)i;
			return 0;
		}
	return -1;
}

static void requirement_release(struct tk_requirement *r)
{
	size_t i;

	free(r->key);
	for (i = 0; i < r->nvalues; i++)
		free(r->values[i]);
	free(r->values);
}

void tk_selector_release(struct tk_selector *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		requirement_release(&s->reqs[i]);
	free(s->reqs);
	s->reqs = NULL;
	s->n = 0;
	s->nothing = false;
}

void tk_selector_add(struct tk_selector *s, const char *key, enum tk_sel_op op,
		     char *const *values, size_t nvalues)
{
	struct tk_requirement *r;
	size_t i;

	s->reqs = xreallocarray(s->reqs, s->n + 1, sizeof(*s->reqs));
	r = &s->reqs[s->n++];
	r->key = xstrdup(key);
	r->op = op;
	r->nvalues = nvalues;
	r->values = nvalues ? xcalloc(nvalues, sizeof(*r->values)) : NULL;
	for (i = 0; i < nvalues; i++)
		r->values[i] = xstrdup(values[i]);
}

void tk_selector_copy(struct tk_selector *dst, const struct tk_selector *src)
{
	size_t i;

	dst->nothing = src->nothing;
	dst->n = 0;
	dst->reqs = NULL;
	for (i = 0; i < src->n; i++)
		tk_selector_add(dst, src->reqs[i].key, src->reqs[i].op, src->reqs[i].values,
				src->reqs[i].nvalues);
}

/* strconv.ParseInt(s, 10, 64) */
static bool parse_i64(const char *s, long long *out)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' && !(s[0] == ' ' || s[0] == '\t' || s[0] == '\n');
}

/* Parse one requirement map {key, operator, values}. allow_cmp admits Gt/Lt
 * (node selector requirements only). */
static int requirement_from_node(struct tk_selector *s, const char *file,
				 const struct tk_node *expr, bool allow_cmp, struct tk_diag *d)
{
	const struct tk_node *key, *opn, *vals;
	const char *ks, *os;
	enum tk_sel_op op;
	char **values = NULL;
	size_t i, nv = 0;
	int ret = -1;

	if (!expr || expr->kind != TK_MAP)
		return tk_node_error(file, expr, d, "selector requirement must be a map");
	key = tk_get(expr, "key");
	opn = tk_get(expr, "operator");
	vals = tk_get(expr, "values");
	ks = tk_scalar_text(key);
	if (!ks)
		return tk_node_error(file, key ? key : expr, d, "selector requirement: key is required");
	os = tk_str(opn);
	if (!os)
		return tk_node_error(file, opn ? opn : expr, d,
				     "selector requirement: operator is required");
	if (op_parse(os, &op) < 0 || (!allow_cmp && (op == TK_OP_GT || op == TK_OP_LT)))
		return tk_node_error(file, opn, d, "\"%s\" is not a valid label selector operator", os);
	if (vals && vals->kind != TK_NULL) {
		if (vals->kind != TK_SEQ)
			return tk_node_error(file, vals, d, "selector requirement: values must be a list");
		nv = vals->n;
	}
	switch (op) {
	case TK_OP_IN:
	case TK_OP_NOT_IN:
		if (nv == 0)
			return tk_node_error(file, opn, d,
					     "values: must be specified when `operator` is 'In' or 'NotIn'");
		break;
	case TK_OP_EXISTS:
	case TK_OP_DOES_NOT_EXIST:
		if (nv > 0)
			return tk_node_error(file, vals, d,
					     "values: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
		break;
	case TK_OP_GT:
	case TK_OP_LT:
		if (nv != 1)
			return tk_node_error(file, vals ? vals : opn, d,
					     "for 'Gt', 'Lt' operators, exactly one value is required");
		break;
	}
	values = nv ? xcalloc(nv, sizeof(*values)) : NULL;
	for (i = 0; i < nv; i++) {
		const char *v = tk_scalar_text(vals->items[i]);

		if (!v) {
			tk_node_error(file, vals->items[i], d, "selector requirement: values must be strings");
			goto out;
		}
		if (op == TK_OP_GT || op == TK_OP_LT) {
			long long ignored;

			if (!parse_i64(v, &ignored)) {
				tk_node_error(file, vals->items[i], d,
					      "for 'Gt', 'Lt' operators, the value must be an integer");
				goto out;
			}
		}
		values[i] = (char *)v;
	}
	tk_selector_add(s, ks, op, values, nv);
	ret = 0;
out:
	free(values);
	return ret;
}

int tk_selector_from_node(struct tk_selector *s, const char *file, const struct tk_node *sel,
			  struct tk_diag *d)
{
	const struct tk_node *ml, *me;
	size_t i;

	memset(s, 0, sizeof(*s));
	/* metav1.LabelSelectorAsSelector: a nil selector selects nothing */
	if (!sel || sel->kind == TK_NULL) {
		s->nothing = true;
		return 0;
	}
	if (sel->kind != TK_MAP)
		return tk_node_error(file, sel, d, "label selector must be a map, not %s",
				     tk_kind_name(sel->kind));
	ml = tk_get(sel, "matchLabels");
	me = tk_get(sel, "matchExpressions");
	if (ml && ml->kind != TK_NULL) {
		if (ml->kind != TK_MAP)
			return tk_node_error(file, ml, d, "matchLabels must be a map");
		for (i = 0; i < ml->n; i++) {
			const char *k = tk_scalar_text(ml->keys[i]);
			const char *v = ml->items[i]->kind == TK_NULL ? "" : tk_scalar_text(ml->items[i]);
			char *vv;

			if (!k || !v) {
				tk_selector_release(s);
				return tk_node_error(file, ml->items[i], d,
						     "matchLabels values must be strings");
			}
			vv = (char *)v;
			tk_selector_add(s, k, TK_OP_IN, &vv, 1);
		}
	}
	if (me && me->kind != TK_NULL) {
		if (me->kind != TK_SEQ) {
			tk_selector_release(s);
			return tk_node_error(file, me, d, "matchExpressions must be a list");
		}
		for (i = 0; i < me->n; i++)
			if (requirement_from_node(s, file, me->items[i], false, d) < 0) {
				tk_selector_release(s);
				return -1;
			}
	}
	return 0;
}

int tk_node_term_from_node(struct tk_selector *s, const char *file, const struct tk_node *term,
			   struct tk_diag *d)
{
	const struct tk_node *me, *mf;
	size_t i, count = 0;

	memset(s, 0, sizeof(*s));
	if (!term || term->kind == TK_NULL) {
		s->nothing = true;
		return 0;
	}
	if (term->kind != TK_MAP)
		return tk_node_error(file, term, d, "node selector term must be a map");
	me = tk_get(term, "matchExpressions");
	mf = tk_get(term, "matchFields");
	if (me && me->kind != TK_NULL) {
		if (me->kind != TK_SEQ)
			return tk_node_error(file, me, d, "matchExpressions must be a list");
		for (i = 0; i < me->n; i++, count++)
			if (requirement_from_node(s, file, me->items[i], true, d) < 0)
				goto fail;
	}
	if (mf && mf->kind != TK_NULL) {
		if (mf->kind != TK_SEQ) {
			tk_node_error(file, mf, d, "matchFields must be a list");
			goto fail;
		}
		for (i = 0; i < mf->n; i++, count++) {
			const char *k = tk_scalar_text(tk_get(mf->items[i], "key"));
			const char *op = tk_str(tk_get(mf->items[i], "operator"));
			const struct tk_node *v = tk_get(mf->items[i], "values");

			/* ValidateNodeFieldSelectorRequirement: only metadata.name,
			 * only In/NotIn, exactly one value */
			if (!k || strcmp(k, "metadata.name") != 0) {
				tk_node_error(file, mf->items[i], d,
					      "matchFields: key: not a valid field selector key (only \"metadata.name\")");
				goto fail;
			}
			if (!op || (strcmp(op, "In") != 0 && strcmp(op, "NotIn") != 0)) {
				tk_node_error(file, mf->items[i], d,
					      "matchFields: operator: must be 'In' or 'NotIn'");
				goto fail;
			}
			if (!v || v->kind != TK_SEQ || v->n != 1 || !tk_scalar_text(v->items[0])) {
				tk_node_error(file, v ? v : mf->items[i], d,
					      "matchFields: values: must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
				goto fail;
			}
			if (requirement_from_node(s, file, mf->items[i], false, d) < 0)
				goto fail;
		}
	}
	/* nodeaffinity: a term with no requirements matches no node */
	if (count == 0)
		s->nothing = true;
	return 0;
fail:
	tk_selector_release(s);
	return -1;
}

static bool in_values(const struct tk_requirement *r, const char *v)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		if (strcmp(r->values[i], v) == 0)
			return true;
	return false;
}

/* labels.Requirement.Matches */
static bool requirement_matches(const struct tk_requirement *r, const char *val)
{
	long long have, want;

	switch (r->op) {
	case TK_OP_IN:
		return val && in_values(r, val);
	case TK_OP_NOT_IN:
		return !val || !in_values(r, val);
	case TK_OP_EXISTS:
		return val != NULL;
	case TK_OP_DOES_NOT_EXIST:
		return val == NULL;
	case TK_OP_GT:
	case TK_OP_LT:
		if (!val || r->nvalues != 1 || !parse_i64(val, &have) ||
		    !parse_i64(r->values[0], &want))
			return false;
		return r->op == TK_OP_GT ? have > want : have < want;
	}
	return false;
}

bool tk_selector_matches(const struct tk_selector *s, const struct tk_labels *labels)
{
	size_t i;

	if (!s || s->nothing)
		return false;
	for (i = 0; i < s->n; i++)
		if (!requirement_matches(&s->reqs[i], tk_labels_get(labels, s->reqs[i].key)))
			return false;
	return true;
}

bool tk_node_selector_matches(const struct tk_selector *s, const struct tk_labels *labels,
			      const char *node_name)
{
	size_t i;

	if (!s || s->nothing)
		return false;
	for (i = 0; i < s->n; i++) {
		const struct tk_requirement *r = &s->reqs[i];
		const char *v = strcmp(r->key, "metadata.name") == 0
			? node_name : tk_labels_get(labels, r->key);

		if (!requirement_matches(r, v))
			return false;
	}
	return true;
}

/* ---- syntax (k8s.io/apimachinery/pkg/api/validate/content) ---- */

#define LABEL_KEY_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define LABEL_KEY_MSG "must consist of alphanumeric characters, '-', '_' or '.', " \
	"and must start and end with an alphanumeric character"
#define LABEL_KEY_EXAMPLES "(e.g. 'MyName',  or 'my.name',  or '123-abc', " \
	"regex used for validation is '" LABEL_KEY_FMT "')"
#define DNS1123_LABEL_FMT "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
#define DNS1123_SUBDOMAIN_FMT DNS1123_LABEL_FMT "(\\." DNS1123_LABEL_FMT ")*"
#define DNS1123_SUBDOMAIN_MSG "a lowercase RFC 1123 subdomain must consist of lower case " \
	"alphanumeric characters, '-' or '.', and must start and end with an alphanumeric " \
	"character (e.g. 'example.com', regex used for validation is '" DNS1123_SUBDOMAIN_FMT "')"
#define LABEL_VALUE_MSG "a valid label must be an empty string or consist of alphanumeric " \
	"characters, '-', '_' or '.', and must start and end with an alphanumeric character " \
	"(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(" \
	LABEL_KEY_FMT ")?')"

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ over s[0..n) */
static bool match_label_key(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (i = 1; i + 1 < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool match_dns1123_subdomain(const char *s, size_t n)
{
	size_t i, start = 0;

	if (n == 0)
		return false;
	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (i == start || !is_lower_alnum(s[start]) || !is_lower_alnum(s[i - 1]))
				return false;
			start = i + 1;
		} else if (!is_lower_alnum(s[i]) && s[i] != '-') {
			return false;
		}
	}
	return true;
}

static size_t dns1123_subdomain(const char *s, size_t n, const char *prefix, struct tk_strv *errs)
{
	size_t added = 0;

	if (n > 253) {
		tk_strv_push(errs, xasprintf("%smust be no more than 253 bytes", prefix));
		added++;
	}
	if (!match_dns1123_subdomain(s, n)) {
		tk_strv_push(errs, xasprintf("%s%s", prefix, DNS1123_SUBDOMAIN_MSG));
		added++;
	}
	return added;
}

size_t tk_validate_dns1123_subdomain(const char *s, struct tk_strv *errs)
{
	return dns1123_subdomain(s, strlen(s), "", errs);
}

/* content.IsLabelKey */
size_t tk_validate_qualified_name(const char *s, struct tk_strv *errs)
{
	const char *slash = strchr(s, '/'), *name = s;
	size_t added = 0, n;

	if (slash && strchr(slash + 1, '/')) {
		tk_strv_push(errs, xstrdup("a valid label key " LABEL_KEY_MSG " " LABEL_KEY_EXAMPLES
					   " with an optional DNS subdomain prefix and '/' "
					   "(e.g. 'example.com/MyName')"));
		return 1;
	}
	if (slash) {
		size_t plen = (size_t)(slash - s);

		if (plen == 0) {
			tk_strv_push(errs, xstrdup("prefix part must be non-empty"));
			added++;
		} else {
			added += dns1123_subdomain(s, plen, "prefix part ", errs);
		}
		name = slash + 1;
	}
	n = strlen(name);
	if (n == 0) {
		tk_strv_push(errs, xstrdup("name part must be non-empty"));
		added++;
	} else if (n > 63) {
		tk_strv_push(errs, xstrdup("name part must be no more than 63 bytes"));
		added++;
	}
	if (!match_label_key(name, n)) {
		tk_strv_push(errs, xstrdup("name part " LABEL_KEY_MSG " " LABEL_KEY_EXAMPLES));
		added++;
	}
	return added;
}

/* content.IsLabelValue */
size_t tk_validate_label_value(const char *s, struct tk_strv *errs)
{
	size_t n = strlen(s), added = 0;

	if (n > 63) {
		tk_strv_push(errs, xstrdup("must be no more than 63 bytes"));
		added++;
	}
	if (n > 0 && !match_label_key(s, n)) {
		tk_strv_push(errs, xstrdup(LABEL_VALUE_MSG));
		added++;
	}
	return added;
}
