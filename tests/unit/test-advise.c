/* test-advise.c - spread-check audit --advise: the descheduler's
 * RemovePodsViolatingTopologySpreadConstraint on the cases of its own table
 * test (tests/fixtures/spread-check/advise/descheduler-cases.yaml). Each
 * case is expanded into a `kubectl get nodes,pods -o json` List, loaded with
 * the same loader audit uses, and balanced.
 *
 * cluster.c and advise.c are compiled in: the test needs no tool process.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "tap.h"
#include "../../cmd/spread-check/cluster.c"
#include "../../cmd/spread-check/filters.c"
#include "../../cmd/spread-check/podtopo.c"
#include "../../cmd/spread-check/nearmiss.c"
#include "../../cmd/spread-check/advise.c"

#ifndef CASES
#define CASES "tests/fixtures/spread-check/advise/descheduler-cases.yaml"
#endif

static json_t *to_json(const struct tk_node *n)
{
	json_t *o;
	size_t i;

	if (!n)
		return json_null();
	switch (n->kind) {
	case TK_NULL:
		return json_null();
	case TK_BOOL:
		return json_boolean(n->v.b);
	case TK_INT:
		return json_integer(n->v.i);
	case TK_FLOAT:
		return json_real(n->v.f);
	case TK_STR:
		return json_string(n->text);
	case TK_SEQ:
		o = json_array();
		for (i = 0; i < n->n; i++)
			json_array_append_new(o, to_json(n->items[i]));
		return o;
	case TK_MAP:
		o = json_object();
		for (i = 0; i < n->n; i++)
			json_object_set_new(o, n->keys[i]->text, to_json(n->items[i]));
		return o;
	}
	return json_null();
}

/* getDefaultTopologyConstraints and its variants */
static json_t *named_constraints(const char *name)
{
	const char *key = strcmp(name, "host1") == 0 ? "node" : "zone";
	int skew = strcmp(name, "zone2") == 0 ? 2 : 1;
	json_t *k = json_pack("{s:i,s:s,s:s,s:{s:{s:s}}}", "maxSkew", skew, "topologyKey", key,
			      "whenUnsatisfiable", "DoNotSchedule", "labelSelector", "matchLabels", "foo", "bar");

	if (strcmp(name, "zone1hash") == 0)
		json_object_set_new(k, "matchLabelKeys", json_pack("[s]", "pod-template-hash"));
	return json_pack("[o]", k);
}

static long long num(const struct tk_node *m, const char *key, long long dflt)
{
	const struct tk_node *v = tk_get(m, key);

	return v && v->kind == TK_INT ? v->v.i : dflt;
}

static json_t *expand(const struct tk_node *cs)
{
	json_t *items = json_array();
	const struct tk_node *nodes = tk_get(cs, "nodes"), *pods = tk_get(cs, "pods");
	size_t i, podnum = 0;
	long long k;

	for (i = 0; i < nodes->n; i++) {
		const struct tk_node *n = nodes->items[i];
		char cpu[32], mem[32], slots[32];

		snprintf(cpu, sizeof(cpu), "%lldm", num(n, "cpu", 2000));
		snprintf(mem, sizeof(mem), "%lld", num(n, "memory", 3000));
		snprintf(slots, sizeof(slots), "%lld", num(n, "podslots", 10));
		const struct tk_node *ready = tk_get(n, "ready");
		json_t *node = json_pack("{s:s,s:{s:s,s:o},s:{s:o},s:{s:{s:s,s:s,s:s}}}",
			"kind", "Node", "metadata", "name", tk_str(tk_get(n, "name")), "labels", to_json(tk_get(n, "labels")),
			"spec", "taints", to_json(tk_get(n, "taints")),
			"status", "allocatable", "cpu", cpu, "memory", mem, "pods", slots);

		if (ready && ready->kind == TK_BOOL)
			json_object_set_new(json_object_get(node, "status"), "conditions",
				json_pack("[{s:s,s:s}]", "type", "Ready", "status", ready->v.b ? "True" : "False"));
		json_array_append_new(items, node);
	}
	for (i = 0; i < pods->n; i++) {
		const struct tk_node *p = pods->items[i], *ks = tk_get(p, "constraints");
		const struct tk_node *no = tk_get(p, "noOwners"), *term = tk_get(p, "terminating");
		const char *owner = tk_str(tk_get(p, "owner"));

		for (k = 0; k < num(p, "count", 1); k++, podnum++) {
			char name[32];
			json_t *meta, *spec;

			snprintf(name, sizeof(name), "pod-%zu", podnum);
			meta = json_pack("{s:s,s:s,s:o,s:o}", "name", name, "namespace", "ns1",
					 "labels", to_json(tk_get(p, "labels")), "annotations", to_json(tk_get(p, "annotations")));
			if (!(no && no->kind == TK_BOOL && no->v.b))
				json_object_set_new(meta, "ownerReferences",
					json_pack("[{s:s,s:s,s:s,s:b}]", "apiVersion", "apps/v1", "kind",
						  owner ? owner : "ReplicaSet", "name", "rs-1", "controller", 1));
			if (term && term->kind == TK_BOOL && term->v.b)
				json_object_set_new(meta, "deletionTimestamp", json_string("2024-01-01T00:00:00Z"));
			spec = json_pack("{s:s,s:o,s:o,s:o,s:o,s:[{s:s,s:{s:{s:s,s:s}}}]}",
				"nodeName", tk_str(tk_get(p, "node")),
				"topologySpreadConstraints", ks && ks->kind == TK_STR ? named_constraints(ks->text) : to_json(ks),
				"nodeSelector", to_json(tk_get(p, "nodeSelector")),
				"affinity", to_json(tk_get(p, "affinity")),
				"tolerations", to_json(tk_get(p, "tolerations")),
				"containers", "name", "c", "resources", "requests", "cpu", "100m", "memory", "0");
			if (tk_get(p, "priority"))
				json_object_set_new(spec, "priority", json_integer(num(p, "priority", 0)));
			if (tk_get(p, "volumes"))
				json_object_set_new(spec, "volumes", to_json(tk_get(p, "volumes")));
			json_array_append_new(items, json_pack("{s:s,s:o,s:o}", "kind", "Pod", "metadata", meta, "spec", spec));
		}
	}
	return json_pack("{s:s,s:o}", "kind", "List", "items", items);
}

static bool flag(const struct tk_node *args, const char *key, bool dflt)
{
	const struct tk_node *v = args ? tk_get(args, key) : NULL;

	return v && v->kind == TK_BOOL ? v->v.b : dflt;
}

/* A sequence of strings as a malloc'd array pointing into the nodes. */
static size_t strv_of(const struct tk_node *seq, char ***out)
{
	size_t i;

	*out = NULL;
	if (!seq || seq->kind != TK_SEQ)
		return 0;
	*out = xcalloc(seq->n + 1, sizeof(**out));
	for (i = 0; i < seq->n; i++)
		(*out)[i] = seq->items[i]->text;
	return seq->n;
}

static void run_case(const struct tk_node *cs, const char *tmp)
{
	const char *name = tk_str(tk_get(cs, "name"));
	const struct tk_node *args = tk_get(cs, "args"), *want_pods = tk_get(cs, "evictedPods");
	struct sc_cluster c;
	struct adv_pods a;
	struct adv_args aa = { 0 };
	struct sc_sel podsel;
	struct tk_diag d;
	json_t *list = expand(cs);
	bool *evict, same = true;
	size_t n, i, j, nwant = 0;

	if (json_dump_file(list, tmp, JSON_COMPACT) != 0) {
		TAP_OK(0, "%s: write %s", name, tmp);
		json_decref(list);
		return;
	}
	json_decref(list);
	sc_cluster_init(&c);
	c.want_groups = true;
	adv_pods_attach(&a, &c);
	memset(&podsel, 0, sizeof(podsel));
	if (sc_load_cluster(&c, tmp, NULL, NULL, &d) < 0 ||
	    (args && tk_get(args, "labelSelector") &&
	     sc_sel_from_node(&c, "case", tk_get(args, "labelSelector"), &podsel, &d) < 0)) {
		TAP_OK(0, "%s: load: %s", name, d.msg);
		adv_pods_release(&a);
		sc_cluster_release(&c);
		return;
	}
	aa.soft = flag(args, "soft", false);
	aa.node_fit = flag(args, "nodeFit", false);
	aa.balance_node_fit = flag(args, "balanceNodeFit", true);
	aa.pods = args && tk_get(args, "labelSelector") ? &podsel : NULL;
	aa.ninclude = strv_of(args ? tk_get(args, "include") : NULL, &aa.include);
	aa.nexclude = strv_of(args ? tk_get(args, "exclude") : NULL, &aa.exclude);
	evict = xcalloc(c.npods + 1, sizeof(*evict));
	n = adv_balance(&a, &aa, evict);
	TAP_OK(n == (size_t)num(cs, "evicted", -1), "%s: %zu evicted (want %lld)", name, n, num(cs, "evicted", -1));
	if (want_pods) {
		for (i = 0; i < c.npods; i++) {
			bool wanted = false;

			for (j = 0; j < want_pods->n; j++)
				wanted |= strcmp(c.pods[i].name, want_pods->items[j]->text) == 0;
			nwant += wanted;
			if (wanted != evict[i])
				same = false;
		}
		TAP_OK(same && nwant == want_pods->n, "%s: the pods upstream names", name);
	}
	free(evict);
	free(aa.include);
	free(aa.exclude);
	sc_sel_release(&podsel);
	adv_pods_release(&a);
	sc_cluster_release(&c);
}

/* TestSortDomains: the order of one domain's pods (eviction takes the last).
 * Non-evictable pods are never listed here, so its first-place rule for
 * them has nothing to order. */
struct sort_pod {
	const char *name;
	bool sel_aff, has_prio;
	int32_t prio;
};

static void sort_case(const char *title, const struct sort_pod *in, size_t n, const char *const *want)
{
	struct sc_cluster c;
	struct adv_pods a;
	uint32_t idx[8];
	size_t i;
	bool ok = true;

	sc_cluster_init(&c);
	memset(&a, 0, sizeof(a));
	a.c = &c;
	a.p = xcalloc(n, sizeof(*a.p));
	a.n = n;
	for (i = 0; i < n; i++) {
		struct sc_pod p;

		memset(&p, 0, sizeof(p));
		p.ns = sc_intern_str(&c.strs, "ns1");
		p.name = sc_intern_str(&c.strs, in[i].name);
		p.node = -1;
		sc_cluster_push_pod(&c, &p);
		a.p[i].sel_aff = in[i].sel_aff;
		a.p[i].has_prio = in[i].has_prio;
		a.p[i].prio = in[i].prio;
		idx[i] = (uint32_t)i;
	}
	sort_pods = &a;
	ns_cluster = &c;
	qsort(idx, n, sizeof(*idx), pod_order);
	for (i = 0; i < n; i++)
		ok &= strcmp(c.pods[idx[i]].name, want[i]) == 0;
	TAP_OK(ok, "sortDomains: %s", title);
	free(a.p);
	sc_cluster_release(&c);
}

static void sort_cases(void)
{
	static const struct sort_pod mixed[] = {
		{ "evictable-with-affinity", false, true, 10 },   /* an annotation only: no affinity */
		{ "evictable-high-priority", false, true, 15 },
	};
	static const char *const mixed_want[] = { "evictable-with-affinity", "evictable-high-priority" };
	static const struct sort_pod prios[] = {
		{ "high-priority-affinity", false, true, 20 },
		{ "low-priority-no-affinity", false, true, 5 },
	};
	static const char *const prios_want[] = { "low-priority-no-affinity", "high-priority-affinity" };
	static const struct sort_pod aff[] = {
		{ "pod-no-affinity", false, true, 15 },
		{ "pod-with-affinity", true, true, 10 },
	};
	static const char *const aff_want[] = { "pod-with-affinity", "pod-no-affinity" };
	static const struct sort_pod nil[] = {
		{ "b-prio", false, true, 1 },
		{ "a-none", false, false, 0 },
		{ "c-selector", true, false, 0 },
	};
	static const char *const nil_want[] = { "c-selector", "a-none", "b-prio" };

	sort_case("single domain with mixed pods", mixed, 2, mixed_want);
	sort_case("multiple domains with different priorities and selectors", prios, 2, prios_want);
	sort_case("domain with pods having different selector/affinity", aff, 2, aff_want);
	sort_case("no priority before a priority (comparePodsByPriority)", nil, 3, nil_want);
}

int main(void)
{
	struct tk_diag d;
	struct tk_doc *doc = tk_doc_load(CASES, NULL, &d);
	char tmp[] = "/tmp/test-advise-XXXXXX";
	int fd;
	size_t i;

	if (!doc) {
		printf("Bail out! %s: %s\n", CASES, d.msg);
		return 2;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		printf("Bail out! mkstemp\n");
		return 2;
	}
	close(fd);
	for (i = 0; i < doc->docs[0]->n; i++)
		run_case(doc->docs[0]->items[i], tmp);
	unlink(tmp);
	tk_doc_free(doc);
	sort_cases();
	return TAP_DONE();
}
