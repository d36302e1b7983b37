/* test-doc-yaml.c - common/doc.c reads block YAML itself (doc-yaml.c) and
 * must give exactly what libyaml gives: the same trees (kinds, texts,
 * quoting, positions), the same errors, the same items streamed (also when
 * it gives up after some). Hand-written cases (what manifests hold, what
 * the fast path must leave to libyaml, errors), random mutations of them,
 * and, with ../shared, every real manifest there. */
#include <dirent.h>
#include <sys/stat.h>

#include "doc-internal.h"
#include "doc-same.h"
#include "tap.h"

static const char deployment[] =
	"# Source: shop/templates/deployment.yaml\n"
	"apiVersion: apps/v1\n"
	"kind: Deployment\n"
	"metadata:\n"
	"  name: svc-00001\n"
	"  namespace: team-01\n"
	"  labels:\n"
	"    app: svc-00001\n"
	"    app.kubernetes.io/part-of: shop\n"
	"  annotations:\n"
	"    meta.helm.sh/release-name: shop-1\n"
	"spec:\n"
	"  replicas: 4\n"
	"  selector:\n"
	"    matchLabels:\n"
	"      app: svc-00001\n"
	"  template:\n"
	"    metadata:\n"
	"      labels:\n"
	"        app: svc-00001\n"
	"    spec:\n"
	"      topologySpreadConstraints:\n"
	"      - maxSkew: 1\n"
	"        topologyKey: topology.kubernetes.io/zone\n"
	"        whenUnsatisfiable: DoNotSchedule\n"
	"        labelSelector:\n"
	"          matchExpressions:\n"
	"          - {key: app, operator: In, values: [svc-00001]}\n"
	"        matchLabelKeys: [pod-template-hash]\n"
	"      containers:\n"
	"      - name: main\n"
	"        image: registry.example.com/team-1/svc-00001:1.0.0\n"
	"        args: [\"--port=8080\", \"--log-level=info\"]\n"
	"        ports:\n"
	"        - {containerPort: 8080, name: http, protocol: TCP}\n"
	"        env:\n"
	"        - name: SERVICE_NAME\n"
	"          value: \"svc-00001\"\n"
	"        - name: POD_IP\n"
	"          valueFrom: {fieldRef: {fieldPath: status.podIP}}\n"
	"        resources:\n"
	"          requests: {cpu: \"100m\", memory: \"128Mi\"}\n"
	"          limits: {memory: '256Mi'}   # the limit\n"
	"        securityContext:\n"
	"          allowPrivilegeEscalation: false\n";

static const char *const cases[] = {
	deployment,
	"a: 1\n",
	"a: 1",
	"a:\n  b: c\n  d: [1, 2]\n",
	"- a\n- b\n",
	"- a: 1\n  b: 2\n- c: 3\n",
	"key:\n- a\n- b\nother: 1\n",
	"key:\n  - a\n  -\n  - b: \n",
	"---\na: 1\n---\nb: 2\n",
	"---\n---\n",
	"# only a comment\n",
	"",
	"\n\n  \n",
	"a: 1\n---\n",
	"a: 1\n---",
	"a: 1\n---   \n# c\n",
	"a: 'it''s'\nb: \"x\\ty\\\"z\\\\\"\nc: ''\nd: \"\"\ne: \"\\0\\a\\b\\n\\v\\f\\r\\e\\ \\/\"\n",
	"\"quoted key\": 1\n'single': 2\n\"k\" : 3\n'it''s': 4\n",
	"a: {b: c, d: [e, f], g: {}}\nh: []\n",
	"a: [ x , y ]\nb: {x: 1 , y: 2}\nc: [a b, c  d ]\n",
	"a: b # comment\nc: d#notcomment\ne: f  #c\n",
	"a: yes\nb: No\nc: ~\nd: null\ne: 0x1F\nf: 1e3\ng: .inf\nh: 012\ni: +1\nj: -.5\nk: 1_000\n",
	"yes: 1\n1: 2\n0x10: 3\ntrue: 4\n\"1\": 5\n",
	"a: 1\na: 2\n",
	"  a: 1\n  b: 2\n",
	"a:\n  - b\n  - c\nd:\n",
	"- \n- x\n-\n",
	"-\n  a: 1\n-\n  - b\n",
	"a:\n  b:\n    c:\n      d: e\n  f: g\nh: i\n",
	"kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata:\n    name: b\n",
	"apiVersion: v1\nkind: PodList\nitems:\n  - {kind: Pod, n: 1}\n  - kind: Pod\n    n: 2\n  -\n  - x\n",
	"<<: {a: 1}\nb: 2\n",
	"<<: [1, 2]\n",
	"url: http://x:80/y\nimg: nginx:1.2\nt: 12:30:00\n",
	"a: 1\r\nb: 2\r\n",
	"a:\t1\n",
	"a: &x 1\nb: *x\n",
	"a: |\n  text\n  more\nb: 1\n",
	"a: >-\n  folded\n",
	"a: multi\n  line\n",
	"a: multi\n\n  line\n",
	"- a\n  b\n",
	"a: b: c\n",
	"a: [1, 2\n",
	"a: 1\n b: 2\n",
	"a:\n  b: 1\n c: 2\n",
	"- a\nb: 1\n",
	"a:\n  - x\n  y: 1\n",
	"%YAML 1.1\n---\na: 1\n",
	"a: 1\n...\n",
	"a: 1\nb\n",
	"a: !!str 1\n",
	"? a\n: b\n",
	"a: \"unterminated\n",
	"a: 'x'y\n",
	"\"a\":b\n",
	"a:\n  # comment\n  b: 1\n# c\nc: 2\n",
	"a: x\n   # deeper comment\nb: 1\n",
	"a: \"x\"\n   # deeper comment\nb: 1\n",
	"a: [a: b]\n",
	"a: {a: b: c}\n",
	"a: [1,]\n",
	"a: {b}\n",
	"a: {b: }\n",
	"a: {b:c}\n",
	"a: [b:c, d:]\n",
	"a: [x:[1]]\n",
	"- - a\n",
	"a: -1\nb: - x\n",
	"a: 'caf\xc3\xa9'\n",
	"\xef\xbb\xbf" "a: 1\n",
	"a: \"\\u00e9\"\n",
	"a: \"\\x41\"\n",
	"key with spaces: value with spaces\n",
	"a: b  \nc: d \n",
	"a:   \nb: 1\n",
	"a: [x, \"y,z\", 'w', \"\"]\n",
	"a: {\"k\":1, 'j': 2, \"l\" : 3}\n",
	"a: x # c\n  b: 1\n",
	"---\n# c\n---\na: 1\n",
	"--- # doc\na: 1\n",
	"--- a: 1\n",
	"--- |\n  x\n",
	"a: 1\nb: [\n  1]\n",
	"items:\n  - a\n  - b\n",
	"a: #\n  b: 1\n",
	"a:# x\n",
	"x\n",
	"[1, 2]\n",
	"{a: 1}\n",
	"- [a, {b: c}]\n- {d: [e]}\n",
	"a: {b: {c: {d: [[[1]]]}}}\n",
	"a:\n-  b: 1\n   c: 2\n",
	"a:\n- b\n  c\n",
	"- a: 1\n  - b\n",
	"a: 1\n\n\n\nb: 2\n\n",
	"a: 'x' # c\nb: \"y\"#c\nc: [x]#c\n",
	"-x: 1\n--y: 2\n",
	"a: --port=8080\n",
	"a:  \"x\"  \n",
	"a: @x\n",
	"a: `x\n",
	"a: %x\n",
	"a: x\n---\nb: y\n...\n",
	"---\n",
	"\n\n---\n\n",
	"a: 1\n--- \nb: 2\n",
	"----\n",
	"a: 1 # x: y\n",
	"a: \"x\" : y\n",
	"a: [x]y\n",
	"a: [x] y\n",
	"a: {x: [1, {y: z}], w: 'v'}\n",
	"a: \"a\\\"b\" \n",
	"a: 'x\n  y'\n",
	"  - a\n  - b\n",
	"- a\n - b\n",
	"a:\n    - x\n    - y\n  b: 1\n",
	"a: ?x\nb: :x\n",
	"a: [?x]\n",
	"a: [-x, - y]\n",
	"a: [-]\n",
	"a: -\n",
	"a: x\n---x: 1\n",
	"a: {x: 1}, b\n",
	"a: 0o17\nb: 0b101\nc: 1.5e-3\nd: .NaN\ne: -.inf\n",
	"a: \"multi\\\n  line\"\n",
	"a: [1, [2, [3, [4, [5]]]]]\nb: {c: {d: {e: {f: {}}}}}\n",
	"a:\n  b: [x]\n  c: {y: z}\n  d: \"q\"\n  e: 'r'\n  f: plain text here\n",
	"- a: [1]\n  b: {c: d}\n- e: \"f\"\n",
	/* block scalars */
	"a: |\n  line1\n  line2\nb: 1\n",
	"a: |-\n  x\n\n  y\n\n\nb: 1\n",
	"a: |+\n  x\n\n\nb: 1\n",
	"a: >\n  folded\n  text\n\n  para\n   indented\n  back\nb: 1\n",
	"a: >-\n  x\n  y\n",
	"a: >+\n  x\n\n",
	"a: |\n\n  x\n",
	"a: |\n    \n  x\n",
	"a: |2\n  x\n",
	"a: |-2\n  x\n",
	"- |\n  x\n- >\n  y\n",
	"a: |\nb: 1\n",
	"a: | # c\n  x\n  # not a comment\n# comment\nb: 1\n",
	"a: |\n  x\n      \n  y\n",
	"a: |\n  x\n    y\n z\n",
	"a: |\n  x",
	"a: |\n  x\n  ",
	"a: >\n  x\n\n",
	"a:\n  b: |\n    x\n  c: >\n    y\n",
	"a: |\n  x\n---\nb: 1\n",
	"a: |x\n",
	"a: |\n  \n  \n",
	"a: >\n   lead\n  x\n",
	"a: >\n  x\n   y\n  z\n\n   w\n",
	"- a: |\n    x\n  b: 1\n",
	"a: |-\n",
	"a: |+",
	/* UTF-8: columns count characters; libyaml's own line breaks and BOM are its */
	"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87: \xd0\xb7\xd0\xbd\n b: [\xc3\xa9, x, {\xc3\xbc: 1}]\n",
	"\xd0\xba: \xd0\xb7\nb: [\xc3\xa9, x, {\xc3\xbc: 1}, '\xc3\xa9\xc3\xa9', \"\xe2\x82\xac\"]\nc: \xc3\xa9 \xc3\xa9 # \xc3\xa9\n",
	"a: \"\xe2\x80\xa8\"\n",
	"a: x\xc2\x85y\n",
	"a: \xef\xbb\xbfx\n",
	"a: \xc3\n",
	"a: \xc3\xa9\xc3\n",
	"a: \xed\xa0\x80\n",
	"a: \xc0\xaf\n",
	"a: \xf0\x9f\x98\x80 emoji\n",
	"- \xc3\xa9: 1\n  b: 2\n",
	"a: [\xc3\xa9, x, y]\nb: '\xc3\xbc\n  z'\nc: |\n  \xc3\xa9\n  x\n",
	"\xc3\xa9\xc2\xa0: x\n",
	"a: \xc2\x80\n",
	"a: \xef\xbf\xbe\n",
	"\xc3\xa9\xc3\xa9\xc3\xa9: {\xc3\xa9: [\xc3\xa9, \xc3\xa9: 1]}\n",
	"a:\n  \xc3\xa9\xc3\xa9:\n  - x\n",
	/* one document left to libyaml, the others read by the fast path */
	"a: 1\n---\nb: &x 1\nc: *x\n---\nd: 2\n",
	"kind: List\nitems:\n- a: 1\n- b: &x 2\n  c: *x\n- d: 3\n",
	"a: 1\n---\nb: [1,\n  2]\n---\nc: 3\n",
	"---\na: 1\n--- !tag\nb: 2\n---\nc: 3\n",
	"a: 1\n---\nb: &x\n",
	"a: 1\n---\n? x\n: y\n---\nz: 1\n",
	"a: 1\n---\nb: 1\n c: 2\n---\nd: 1\n",
	"a: 1\n---\nb: &x 1\n...\n",
	"a: 1\n---\nb: !!int 1\n---\nc:\t1\n",
	"a: 1\n---\nb: !!int 1\n---\nc: 1\nc: 2\n",
	"a: 1\n---\nb: !!int 1\n---\n---\n",
	"a: 1\n---\n# c\nb: {x: 1,\n   y: 2}\n# d\n---\n",
	"---\nb: &a [1]\n---\nc: *a\n",
	"a: 1\n--- |\n  text\n---\nb: 2\n",
	"a: 1\n---\nb: &x 1\n---\nc: 1\n d: 2\n",
	/* quoted scalars over several lines */
	"a: 'one\n  two'\nb: 1\n",
	"a: \"one\n\n  two  \n   three\"\n",
	"a: 'x\n'\n",
	"a: 'x\n  '\n",
	"- 'a\n  b' # c\n- x\n",
	"a: \"x\\\n  y\"\n",
	"a: 'x\n---\n'\n",
	"a: 'x   \n  y'\n",
	"a: \"a\\ \n  b\"\n",
	"a: 'x\n  y' z\n",
	"a: 'x\n\n\n  y'\n",
	"a: 'x\n  ",
	"a: 'it''s\n  ''quoted'''\n",
	"a:\n  b: \"x\n    y\"\n  c: 1\n",
	/* plain scalars over several lines */
	"a: text\n  more\n\n  para\nb: 1\n",
	"- a\n  b\n- c\n",
	"a: x\n  y: z\n",
	"a: x\n  - y\n",
	"a: x\n  # c\nb: 1\n",
	"a: x\n  y # c\nb: 1\n",
	"a: x\n  y\n  # c\n  z\n",
	"a: x\n\n",
	"a: x\n  y",
	"a: x\n  \n",
	"key:\n  - long text\n    continued\n",
	"a: x\n\n\n  y\n   z\nb: 1\n",
	"a:\n  b: x\n   y\n  c: 1\n",
};

static const char fragments[] = "{}[]\"',: \n-#\t\r\\&*!|>%@`?~0aXy.\x01\xc3\xa9\x7f";

/* A List whose items are far apart, for where libyaml hands items over
 * before an error. */
static char *big_list(unsigned count, bool flow_items, unsigned anchor_at)
{
	struct buf b = { 0 };
	unsigned i, k, n;

	put(&b, "apiVersion: v1\nkind: List\nitems:\n");
	for (i = 0; i < count; i++) {
		n = 100 + (i * 397) % 1400;
		if (flow_items)
			put(&b, "- {name: item-%u, pad: \"", i);
		else
			put(&b, "- name: item-%u\n  pad: \"", i);
		for (k = 0; k < n; k++)
			put(&b, "%c", 'a' + (char)(k % 26));
		put(&b, flow_items ? "\", n: [%u, {x: true}]}\n" : "\"\n  n: [%u, {x: true}]\n", i);
		if (i == anchor_at)
			put(&b, "- {a: &x 1, b: *x}\n");
	}
	return b.s;
}

/* Many documents, as a chart renders them. */
static char *many_docs(unsigned count)
{
	struct buf b = { 0 };
	unsigned i;

	for (i = 0; i < count; i++)
		put(&b, "---\n# Source: x/templates/%u.yaml\n%s", i, deployment);
	return b.s;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 65536) {
			cap = (cap + 65536) * 2;
			text = realloc(text, cap);
			if (!text)
				abort();
		}
		got = fread(text + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	text[n] = '\0';
	*len = n;
	return text;
}

/* Every manifest under dir (recursively): how many, how many differ, how
 * many the fast path took. */
static void shared_manifests(const char *dir, unsigned *files, unsigned *differ, unsigned *taken,
			     unsigned limit, char **first)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) && *files < limit) {
		char path[4096];
		struct stat st;
		size_t len, nl = strlen(e->d_name);
		char *text, *why = NULL;
		unsigned long before;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			shared_manifests(path, files, differ, taken, limit, first);
			continue;
		}
		if (!(nl > 5 && !strcmp(e->d_name + nl - 5, ".yaml")) &&
		    !(nl > 4 && !strcmp(e->d_name + nl - 4, ".yml")))
			continue;
		text = read_file(path, &len);
		if (!text)
			continue;
		(*files)++;
		before = doc_yaml_taken;
		if (!same_everywhere(text, len, &why)) {
			if ((*differ)++ == 0) {
				*first = why;
				why = NULL;
			}
		}
		if (doc_yaml_taken > before)
			(*taken)++;
		free(why);
		free(text);
	}
	closedir(d);
}

int main(void)
{
	size_t i, ncases = sizeof(cases) / sizeof(cases[0]);
	bool valgrind = getenv("TK_VALGRIND") != NULL;
	unsigned rounds = valgrind ? 150 : 3000, r, bad = 0;
	unsigned long taken_before, sliced_before;
	char *why = NULL;

	taken_before = doc_yaml_taken;
	sliced_before = doc_yaml_sliced;
	for (i = 0; i < ncases; i++) {
		bool ok = same_everywhere(cases[i], strlen(cases[i]), &why);

		TAP_OK(ok, "case %zu reads the same as with libyaml alone%s%s", i, ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
	}
	/* the fast path must take the common shapes, not give every one up */
	TAP_OK(doc_yaml_taken - taken_before >= 3 * 60 && doc_yaml_sliced - sliced_before >= 3 * 8,
	       "the fast path read %lu of %zu readings to their end, leaving %lu documents to libyaml",
	       doc_yaml_taken - taken_before, 3 * ncases, doc_yaml_sliced - sliced_before);
	{
		struct tk_diag d;
		struct tk_doc *doc;

		taken_before = doc_yaml_taken;
		doc = tk_doc_load_mem("t", deployment, strlen(deployment), NULL, &d);
		TAP_OK(doc && doc_yaml_taken == taken_before + 1 && doc->nitems == 1 &&
		       tk_path(doc->items[0], "spec.template.spec.containers") &&
		       tk_path(doc->items[0], "spec.template.spec.containers")->line == 31 &&
		       tk_path(doc->items[0], "spec.template.spec.containers")->col == 7,
		       "a Deployment is read by the fast path, with positions");
		tk_doc_free(doc);
	}
	/* every bound fails at the same place with the same message */
	{
		char *first;
		unsigned differ = cases_differing(&tiny, cases, ncases, &first);

		TAP_OK(differ == 0, "with small limits every case reads the same as with libyaml alone (%u differ)%s%s",
		       differ, first ? ": " : "", first ? first : "");
		free(first);
	}
	/* a key of 1,001 characters is left to libyaml (its simple key limit) */
	{
		struct buf k = { 0 };
		bool ok;

		for (i = 0; i < 1001; i++)
			put(&k, "k");
		put(&k, ": 1\nb: [");
		for (i = 0; i < 1030; i++)
			put(&k, "x");
		put(&k, ": 2]\n");
		ok = same_everywhere(k.s, k.n, &why);
		TAP_OK(ok, "keys of 1,001 and 1,030 characters read the same as with libyaml alone%s%s",
		       ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
		free(k.s);
	}
	char *big[5] = { big_list(14, false, 99), big_list(14, true, 9), big_list(valgrind ? 40 : 150, false, 99),
			 many_docs(valgrind ? 20 : 120), big_list(valgrind ? 40 : 150, false, valgrind ? 30 : 120) };

	for (i = 0; i < 5; i++) {
		bool ok = same_everywhere(big[i], strlen(big[i]), &why);

		TAP_OK(ok, "a stream of items far apart (%zu bytes) reads the same as with libyaml alone%s%s",
		       strlen(big[i]), ok ? "" : ": ", ok ? "" : why);
		free(why);
		why = NULL;
	}
	for (r = 0; r < rounds; r++) {
		size_t len;
		char *s = mutate(r % 4 ? cases[tap_rnd((unsigned)ncases)] : big[r % 8 ? tap_rnd(2) : 2 + tap_rnd(3)],
				 &len, fragments);

		limits = r % 4 == 3 ? &tiny : NULL;
		if (!same_everywhere(s, len, &why)) {
			if (bad++ < 3)
				printf("# %s\n", why);
			free(why);
			why = NULL;
		}
		free(s);
	}
	limits = NULL;
	for (i = 0; i < 5; i++)
		free(big[i]);
	TAP_OK(bad == 0, "%u random mutations read the same as with libyaml alone (%u differ)", rounds, bad);
	/* real manifests: peer linters' fixtures, vendor samples, bulk installs */
	{
		const char *shared = getenv("TK_SHARED") ? getenv("TK_SHARED") : "../shared";
		char dir[4096];
		struct stat st;
		unsigned files = 0, differ = 0, taken = 0;
		char *first = NULL;

		snprintf(dir, sizeof(dir), "%s/data/manifests", shared);
		if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
			if (getenv("TK_REQUIRE_SHARED") && !strcmp(getenv("TK_REQUIRE_SHARED"), "1"))
				TAP_OK(0, "TK_REQUIRE_SHARED=1 but %s is missing", dir);
			else
				printf("ok %d - real manifests # skip needs ../shared/data/manifests\n", ++tap_n);
		} else {
			shared_manifests(dir, &files, &differ, &taken, valgrind ? 4 : 1000, &first);
			TAP_OK(files > 0 && differ == 0,
			       "%u real manifests read the same as with libyaml alone (%u differ, %u by the fast path)%s%s",
			       files, differ, taken, first ? ": " : "", first ? first : "");
			free(first);
		}
	}
	tk_doc_thread_release();
	return TAP_DONE();
}
