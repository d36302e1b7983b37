/* test-labels.c - label sets, selectors and label syntax (common/labels.c).
 *
 * Syntax cases come from apimachinery's content/kube_test.go and
 * dns_test.go (IsLabelKey, IsLabelValue, IsDNS1123Subdomain); matching cases
 * from labels/selector_test.go and the scheduler's nodeaffinity tests.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "tap.h"

static size_t nerrs(size_t (*fn)(const char *, struct tk_strv *), const char *s, char **first)
{
	struct tk_strv errs = { 0, NULL };
	size_t n = fn(s, &errs);

	if (first)
		*first = errs.n ? strdup(errs.v[0]) : NULL;
	if (n != errs.n)
		n = (size_t)-1;
	tk_strv_free(&errs);
	return n;
}

static void test_syntax(void)
{
	static const char *const good_keys[] = {
		"simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
		"now-with-dashes/simple", "now-with-dashes/now-with-dashes",
		"now.with.dots/simple", "now-with.dashes-and.dots/simple", "1-num.2-num/3-num",
		"1234/5678", "1.2.3.4/5678", "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123",
		"requests.storage-foo",
		"kubernetes.io/hostname", "topology.kubernetes.io/zone",
	};
	static const char *const bad_keys[] = {
		"nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-",
		"only/one/slash", "Example.com/abc", "example_com/abc", "example.com/",
		"/simple", "", "a/b/c",
		"simple/123456789-123456789-123456789-123456789-123456789-123456789-1234",
	};
	static const char *const good_vals[] = {
		"simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1",
		"1234", "a", "", "Uppercase_Is_OK_123", "a.b.c",
	};
	static const char *const bad_vals[] = {
		"nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
		"-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.",
		"123456789-123456789-123456789-123456789-123456789-123456789-1234",
	};
	static const char *const good_dns[] = {
		"a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "a.a", "a.1", "a-1.a",
		"1.2.3.4", "example.com",
	};
	static const char *const bad_dns[] = {
		"", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_",
		"a_", "_a", "a.", ".a", "a..b", "a@b", "a,b", "a b", "a/b", "a.-b", "a-.b",
	};
	size_t i, n;
	char *msg;

	for (i = 0; i < sizeof(good_keys) / sizeof(*good_keys); i++)
		TAP_OK(nerrs(tk_validate_qualified_name, good_keys[i], NULL) == 0,
		       "label key '%s' is valid", good_keys[i]);
	for (i = 0; i < sizeof(bad_keys) / sizeof(*bad_keys); i++) {
		n = nerrs(tk_validate_qualified_name, bad_keys[i], NULL);
		TAP_OK(n > 0 && n != (size_t)-1, "label key '%s' is invalid", bad_keys[i]);
	}
	for (i = 0; i < sizeof(good_vals) / sizeof(*good_vals); i++)
		TAP_OK(nerrs(tk_validate_label_value, good_vals[i], NULL) == 0,
		       "label value '%s' is valid", good_vals[i]);
	for (i = 0; i < sizeof(bad_vals) / sizeof(*bad_vals); i++)
		TAP_OK(nerrs(tk_validate_label_value, bad_vals[i], NULL) > 0,
		       "label value '%s' is invalid", bad_vals[i]);
	for (i = 0; i < sizeof(good_dns) / sizeof(*good_dns); i++)
		TAP_OK(nerrs(tk_validate_dns1123_subdomain, good_dns[i], NULL) == 0,
		       "dns-1123 subdomain '%s' is valid", good_dns[i]);
	for (i = 0; i < sizeof(bad_dns) / sizeof(*bad_dns); i++)
		TAP_OK(nerrs(tk_validate_dns1123_subdomain, bad_dns[i], NULL) > 0,
		       "dns-1123 subdomain '%s' is invalid", bad_dns[i]);

	/* exact wording */
	n = nerrs(tk_validate_qualified_name, "/simple", &msg);
	TAP_OK(n == 1 && msg &&
	       strcmp(msg, "prefix part must be non-empty") == 0, "'/simple': prefix part must be non-empty");
	free(msg);
	n = nerrs(tk_validate_qualified_name, "bad key!", &msg);
	TAP_OK(n == 1 && msg &&
	       strcmp(msg, "name part must consist of alphanumeric characters, '-', '_' or '.', and "
		      "must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name', "
		      " or '123-abc', regex used for validation is "
		      "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')") == 0,
	       "name part wording is apimachinery's");
	free(msg);
	n = nerrs(tk_validate_qualified_name, "Example.com/abc", &msg);
	TAP_OK(n == 1 && msg &&
	       strncmp(msg, "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
		       "alphanumeric characters, '-' or '.', and must start and end with an "
		       "alphanumeric character (e.g. 'example.com', regex used for validation is "
		       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", 200) == 0,
	       "prefix part wording is apimachinery's");
	free(msg);
	n = nerrs(tk_validate_qualified_name, "a/b/c", &msg);
	TAP_OK(n == 1 && msg &&
	       strncmp(msg, "a valid label key must consist of", 33) == 0 &&
	       strstr(msg, "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
	       "two slashes: a valid label key ... with an optional DNS subdomain prefix");
	free(msg);
	TAP_OK(nerrs(tk_validate_qualified_name, "", NULL) == 2, "empty key: non-empty + regex (2 messages)");
	n = nerrs(tk_validate_label_value, "123456789-123456789-123456789-123456789-123456789-123456789-1234", &msg);
	TAP_OK(n == 1 &&
	       msg && strcmp(msg, "must be no more than 63 bytes") == 0, "64-byte value: must be no more than 63 bytes");
	free(msg);
	n = nerrs(tk_validate_label_value, "-x", &msg);
	TAP_OK(n == 1 && msg &&
	       strncmp(msg, "a valid label must be an empty string or consist of", 51) == 0 &&
	       strstr(msg, "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
		      "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"), "label value wording is apimachinery's");
	free(msg);
}

static void test_matching(void)
{
	struct tk_labels l = { 0, NULL, NULL };
	struct tk_selector s = { false, 0, NULL }, c;
	char za[] = "a", zb[] = "b", n5[] = "5", n1[] = "node-1";
	char *zones[] = { za, zb };
	char *five[] = { n5 };

	tk_labels_set(&l, "app", "web");
	tk_labels_set(&l, "zone", "a");
	tk_labels_set(&l, "cpus", "8");
	tk_labels_set(&l, "zone", "b");
	TAP_OK(l.n == 3 && strcmp(tk_labels_get(&l, "zone"), "b") == 0, "set replaces an existing key");
	TAP_OK(tk_labels_get(&l, "none") == NULL, "get of a missing key is NULL");

	TAP_OK(tk_selector_matches(&s, &l), "empty selector matches everything");
	s.nothing = true;
	TAP_OK(!tk_selector_matches(&s, &l), "nil selector matches nothing");
	TAP_OK(!tk_selector_matches(NULL, &l), "NULL selector matches nothing");
	s.nothing = false;

	tk_selector_add(&s, "zone", TK_OP_IN, zones, 2);
	TAP_OK(tk_selector_matches(&s, &l), "In matches a listed value");
	tk_selector_add(&s, "app", TK_OP_EXISTS, NULL, 0);
	TAP_OK(tk_selector_matches(&s, &l), "In AND Exists");
	tk_selector_add(&s, "tier", TK_OP_DOES_NOT_EXIST, NULL, 0);
	TAP_OK(tk_selector_matches(&s, &l), "DoesNotExist on a missing key");
	tk_selector_add(&s, "missing", TK_OP_NOT_IN, zones, 2);
	TAP_OK(tk_selector_matches(&s, &l), "NotIn matches when the key is missing");
	tk_selector_copy(&c, &s);
	tk_selector_add(&c, "zone", TK_OP_NOT_IN, zones, 1);
	TAP_OK(tk_selector_matches(&c, &l), "NotIn matches an unlisted value");
	tk_selector_add(&c, "app", TK_OP_DOES_NOT_EXIST, NULL, 0);
	TAP_OK(!tk_selector_matches(&c, &l), "DoesNotExist fails on a present key");
	TAP_OK(tk_selector_matches(&s, &l) && s.n == 4 && c.n == 6, "copy is deep");
	tk_selector_release(&c);

	tk_selector_add(&c, "cpus", TK_OP_GT, five, 1);
	TAP_OK(tk_selector_matches(&c, &l), "Gt 5 matches 8");
	tk_selector_release(&c);
	tk_selector_add(&c, "cpus", TK_OP_LT, five, 1);
	TAP_OK(!tk_selector_matches(&c, &l), "Lt 5 does not match 8");
	tk_selector_release(&c);
	tk_selector_add(&c, "app", TK_OP_GT, five, 1);
	TAP_OK(!tk_selector_matches(&c, &l), "Gt on a non-integer label does not match");
	tk_selector_release(&c);
	tk_selector_add(&c, "nolabel", TK_OP_LT, five, 1);
	TAP_OK(!tk_selector_matches(&c, &l), "Lt on a missing label does not match");
	tk_selector_release(&c);

	{
		char *names[] = { n1 };

		tk_selector_add(&c, "metadata.name", TK_OP_IN, names, 1);
		TAP_OK(tk_node_selector_matches(&c, &l, "node-1"), "matchFields metadata.name In");
		TAP_OK(!tk_node_selector_matches(&c, &l, "node-2"), "matchFields metadata.name In, other node");
		tk_selector_release(&c);
	}
	TAP_OK(strcmp(tk_sel_op_name(TK_OP_DOES_NOT_EXIST), "DoesNotExist") == 0 &&
	       strcmp(tk_sel_op_name(TK_OP_GT), "Gt") == 0, "operator names");
	tk_selector_release(&s);
	tk_labels_release(&l);
}

static bool streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static struct tk_doc *load(const char *text)
{
	struct tk_diag d;

	return tk_doc_load_mem("t.yaml", text, strlen(text), NULL, &d);
}

static void test_from_node(void)
{
	struct tk_doc *doc;
	struct tk_labels l = { 0, NULL, NULL };
	struct tk_selector s;
	struct tk_diag d;
	int rc;

	doc = load("labels: {app: web, num: 1, flag: true, empty: null}\n"
		   "sel: {matchLabels: {app: web}, matchExpressions: [{key: num, operator: In, values: [1, 2]}]}\n"
		   "nilsel: null\n"
		   "emptysel: {}\n"
		   "badop: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}\n"
		   "novals: {matchExpressions: [{key: a, operator: In}]}\n"
		   "extravals: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}\n"
		   "term: {matchExpressions: [{key: cpus, operator: Gt, values: ['4']}],"
		   " matchFields: [{key: metadata.name, operator: In, values: [node-1]}]}\n"
		   "emptyterm: {}\n"
		   "badgt: {matchExpressions: [{key: cpus, operator: Gt, values: [x]}]}\n"
		   "twogt: {matchExpressions: [{key: cpus, operator: Lt, values: ['1', '2']}]}\n"
		   "badfield: {matchFields: [{key: metadata.uid, operator: In, values: [x]}]}\n"
		   "notmap: [1]\n");
	TAP_OK(doc != NULL, "fixture loads");
	if (!doc)
		return;
	rc = tk_labels_from_node(&l, "t.yaml", tk_get(doc->items[0], "labels"), &d);
	TAP_OK(rc == 0 && l.n == 4 && streq(tk_labels_get(&l, "num"), "1") &&
	       streq(tk_labels_get(&l, "flag"), "true") && streq(tk_labels_get(&l, "empty"), ""),
	       "labels from a map take scalars by their text, null as empty");
	TAP_OK(tk_labels_from_node(&l, "t.yaml", NULL, &d) == 0, "absent labels: empty set");
	rc = tk_labels_from_node(&l, "t.yaml", tk_get(doc->items[0], "notmap"), &d);
	TAP_OK(rc < 0 && d.line == 13, "labels that are not a map fail at their line (%u)", d.line);

	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "sel"), &d);
	TAP_OK(rc == 0 && !s.nothing && s.n == 2 && tk_selector_matches(&s, &l),
	       "matchLabels + matchExpressions with integer values");
	tk_selector_release(&s);
	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "nilsel"), &d);
	TAP_OK(rc == 0 && s.nothing && !tk_selector_matches(&s, &l), "null selector: nothing");
	tk_selector_release(&s);
	rc = tk_selector_from_node(&s, "t.yaml", NULL, &d);
	TAP_OK(rc == 0 && s.nothing, "absent selector: nothing");
	tk_selector_release(&s);
	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "emptysel"), &d);
	TAP_OK(rc == 0 && !s.nothing && s.n == 0 && tk_selector_matches(&s, &l), "{} selector: everything");
	tk_selector_release(&s);
	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "badop"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "\"Gt\" is not a valid label selector operator") && d.line == 5,
	       "Gt is no label selector operator: %s", d.msg);
	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "novals"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "must be specified when `operator` is 'In' or 'NotIn'"),
	       "In without values: %s", d.msg);
	rc = tk_selector_from_node(&s, "t.yaml", tk_get(doc->items[0], "extravals"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
	       "Exists with values: %s", d.msg);

	rc = tk_node_term_from_node(&s, "t.yaml", tk_get(doc->items[0], "term"), &d);
	TAP_OK(rc == 0 && s.n == 2, "node term with Gt and matchFields");
	tk_labels_set(&l, "cpus", "8");
	TAP_OK(tk_node_selector_matches(&s, &l, "node-1"), "term matches node-1 with cpus 8");
	TAP_OK(!tk_node_selector_matches(&s, &l, "node-2"), "term does not match node-2");
	tk_labels_set(&l, "cpus", "4");
	TAP_OK(!tk_node_selector_matches(&s, &l, "node-1"), "Gt is strict");
	tk_selector_release(&s);
	rc = tk_node_term_from_node(&s, "t.yaml", tk_get(doc->items[0], "emptyterm"), &d);
	TAP_OK(rc == 0 && s.nothing && !tk_node_selector_matches(&s, &l, "node-1"),
	       "empty node selector term matches no node");
	tk_selector_release(&s);
	rc = tk_node_term_from_node(&s, "t.yaml", tk_get(doc->items[0], "badgt"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "must be an integer"), "Gt with a non-integer: %s", d.msg);
	rc = tk_node_term_from_node(&s, "t.yaml", tk_get(doc->items[0], "twogt"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "exactly one value"), "Lt with two values: %s", d.msg);
	rc = tk_node_term_from_node(&s, "t.yaml", tk_get(doc->items[0], "badfield"), &d);
	TAP_OK(rc < 0 && strstr(d.msg, "metadata.name"), "matchFields on another field: %s", d.msg);

	tk_labels_release(&l);
	tk_doc_free(doc);
}

int main(void)
{
	test_syntax();
	test_matching();
	test_from_node();
	return TAP_DONE();
}
