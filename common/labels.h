/* labels.h - label sets, label syntax validation and selectors.
 *
 * Terminology:
 *   label set       a map of string keys to string values (metadata.labels)
 *   label selector  metav1.LabelSelector: matchLabels + matchExpressions with
 *                   In, NotIn, Exists, DoesNotExist. A NULL selector (field
 *                   absent) selects nothing; an empty one ({}) selects all:
 *                   the distinction metav1.LabelSelectorAsSelector makes.
 *   node selector   a v1.NodeSelectorTerm's matchExpressions, which also
 *                   allow Gt and Lt (integer compare), and matchFields.
 *
 * Validation messages use the Kubernetes apimachinery wording, e.g.
 *   name part must consist of alphanumeric characters, '-', '_' or '.', and
 *   must start and end with an alphanumeric character (e.g. 'MyName', ...)
 * tk_validate_* return the number of problems appended to errs (each a
 * malloc'd message; free with tk_strv_free).
 */
#ifndef TK_LABELS_H
#define TK_LABELS_H

#include <stdbool.h>
#include <stddef.h>

struct tk_node;
struct tk_diag;

struct tk_strv {
	size_t n;
	char **v;
};
void tk_strv_push(struct tk_strv *sv, char *owned);
void tk_strv_free(struct tk_strv *sv);

struct tk_labels {
	size_t n;
	char **keys;
	char **vals;
};
void tk_labels_release(struct tk_labels *l);
/* Label value for key, or NULL. */
const char *tk_labels_get(const struct tk_labels *l, const char *key);
void tk_labels_set(struct tk_labels *l, const char *key, const char *val);
/* Read a labels map (NULL or absent -> empty set). Scalars of any type are
 * taken by their text. */
int tk_labels_from_node(struct tk_labels *l, const char *file, const struct tk_node *map,
			struct tk_diag *d);

enum tk_sel_op {
	TK_OP_IN,
	TK_OP_NOT_IN,
	TK_OP_EXISTS,
	TK_OP_DOES_NOT_EXIST,
	TK_OP_GT,
	TK_OP_LT,
};

struct tk_requirement {
	char *key;
	enum tk_sel_op op;
	size_t nvalues;
	char **values;
};

struct tk_selector {
	bool nothing;  /* nil selector: matches no object */
	size_t n;
	struct tk_requirement *reqs;  /* all must match (AND) */
};
void tk_selector_release(struct tk_selector *s);
void tk_selector_copy(struct tk_selector *dst, const struct tk_selector *src);

/* Parse a metav1.LabelSelector node (NULL node -> nothing=true). Checks the
 * structure and operators (In/NotIn need values, Exists/DoesNotExist none);
 * fills d on error. */
int tk_selector_from_node(struct tk_selector *s, const char *file, const struct tk_node *sel,
			  struct tk_diag *d);
/* Parse one v1.NodeSelectorTerm's matchExpressions (Gt/Lt allowed) into s.
 * matchFields (metadata.name only) are added as requirements on the key
 * "metadata.name", which tk_node_selector_matches resolves. */
int tk_node_term_from_node(struct tk_selector *s, const char *file, const struct tk_node *term,
			   struct tk_diag *d);
/* Add a requirement (copies key and values). */
void tk_selector_add(struct tk_selector *s, const char *key, enum tk_sel_op op,
		     char *const *values, size_t nvalues);

bool tk_selector_matches(const struct tk_selector *s, const struct tk_labels *labels);
/* For node selector terms: like tk_selector_matches, but the key
 * "metadata.name" matches node_name. */
bool tk_node_selector_matches(const struct tk_selector *s, const struct tk_labels *labels,
			      const char *node_name);

const char *tk_sel_op_name(enum tk_sel_op op);

/* Syntax checks in the apimachinery wording. Return how many messages were
 * added to errs. */
size_t tk_validate_qualified_name(const char *s, struct tk_strv *errs);  /* label keys */
size_t tk_validate_label_value(const char *s, struct tk_strv *errs);
size_t tk_validate_dns1123_subdomain(const char *s, struct tk_strv *errs);

#endif
