/* audit.c - `spread-check audit`: the current spread of running workloads.
 *
 * Running pods (bound to a listed node, not Succeeded/Failed) are grouped
 * by their controller ownerReference (a bare pod is its own group). For
 * each group whose pods carry topologySpreadConstraints, every constraint
 * is measured as PodTopologySpread would see it for one more pod of the
 * group: matching pods per domain over the eligible nodes, the skew
 * (max - min, min 0 with fewer domains than minDomains) and whether it
 * exceeds maxSkew. Nodes missing a constraint's topologyKey are listed,
 * with the labels they carry that look like it (nearmiss.h).
 * Exit 1 when any constraint is violated.
 *
 * --advise adds what the descheduler would do about it (advise.c): the pods
 * RemovePodsViolatingTopologySpreadConstraint evicts, where the scheduler
 * places them again, and every constraint measured once more after that.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "advise.h"
#include "cli.h"
#include "clusterio.h"
#include "emit.h"
#include "exitcodes.h"
#include "nearmiss.h"
#include "podtopo.h"
#include "sc-picture.h"
#include "spread.h"
#include "xalloc.h"

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " spread-check audit --cluster DUMP | --nodes NODES --pods PODS [options]\n"
	      "\n"
	      "Measure the topology spread of running workloads against their\n"
	      "topologySpreadConstraints.\n"
	      "\n"
	      "Options:\n", stdout);
	sc_help_inputs(stdout, "pods (kubectl get pods -A -o json)");
	fputs("     --advise                the pods the descheduler would evict to restore\n"
	      "                             maxSkew, where they would land, the skew after\n"
	      "     --soft                  with --advise: ScheduleAnyway constraints too\n"
	      "     --node-fit              with --advise: evict only pods that fit another\n"
	      "                             node (the DefaultEvictor's nodeFit)\n"
	      "     --no-balance-fit        with --advise: evict pods even when no node of a\n"
	      "                             smaller domain fits them (topologyBalanceNodeFit\n"
	      "                             false)\n"
	      "     --include-namespaces LIST  with --advise: only these namespaces\n"
	      "     --exclude-namespaces LIST  with --advise: not these namespaces\n", stdout);
	sc_help_tail_outputs(stdout, TK_OUT_JSON | TK_OUT_TEXT | SC_PICTURES, "every workload within maxSkew",
			     "skew above maxSkew");
	exit(TK_EXIT_OK);
}

enum {
	OPT_ADVISE = SC_OPT_OWN,
	OPT_SOFT,
	OPT_NODE_FIT,
	OPT_NO_BALANCE_FIT,
	OPT_INCLUDE_NS,
	OPT_EXCLUDE_NS,
};

/* A comma-separated list of namespaces (the descheduler's namespaces.include
 * or .exclude); the strings point into arg. */
static size_t ns_list(char *arg, const char *opt, char ***out)
{
	char *save = NULL, *tok;
	size_t n = 0;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		*out = xreallocarray(*out, n + 1, sizeof(**out));
		(*out)[n++] = tok;
	}
	if (!n)
		tk_usage_error("%s: no namespace given", opt);
	return n;
}

static void parse_opts(int argc, char **argv, struct sc_inputs *o, bool *advise, struct adv_args *aa)
{
	static const struct option longopts[] = {
		SC_INPUT_LONGOPTS,
		{ "advise",         no_argument, NULL, OPT_ADVISE },
		{ "soft",           no_argument, NULL, OPT_SOFT },
		{ "node-fit",       no_argument, NULL, OPT_NODE_FIT },
		{ "no-balance-fit", no_argument, NULL, OPT_NO_BALANCE_FIT },
		{ "include-namespaces", required_argument, NULL, OPT_INCLUDE_NS },
		{ "exclude-namespaces", required_argument, NULL, OPT_EXCLUDE_NS },
		{ NULL, 0, NULL, 0 },
	};
	bool tuned = false;
	int ch;

	sc_inputs_init(o);
	memset(aa, 0, sizeof(*aa));
	aa->balance_node_fit = true;
	*advise = false;
	o->outputs |= SC_PICTURES;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_ADVISE:
			*advise = true;
			break;
		case OPT_SOFT:
			aa->soft = tuned = true;
			break;
		case OPT_NODE_FIT:
			aa->node_fit = tuned = true;
			break;
		case OPT_NO_BALANCE_FIT:
			aa->balance_node_fit = false;
			tuned = true;
			break;
		case OPT_INCLUDE_NS:
		case OPT_EXCLUDE_NS:
			/* the descheduler's validation: include or exclude, not both */
			if (aa->ninclude || aa->nexclude)
				tk_usage_error("give one --include-namespaces or --exclude-namespaces");
			if (ch == OPT_INCLUDE_NS)
				aa->ninclude = ns_list(optarg, "--include-namespaces", &aa->include);
			else
				aa->nexclude = ns_list(optarg, "--exclude-namespaces", &aa->exclude);
			tuned = true;
			break;
		default:
			sc_inputs_opt(o, ch, optarg, usage, argv);
		}
	}
	if (tuned && !*advise)
		tk_usage_error("--soft, --node-fit, --no-balance-fit and the namespace lists go with --advise");
	if (!o->nodes || !o->pods)
		tk_usage_error("--cluster, or --nodes and --pods, are required");
	if (optind != argc)
		tk_usage_error("unexpected argument '%s'", argv[optind]);
}

static const struct sc_cluster *sort_cluster;

static int group_cmp(const void *a, const void *b)
{
	const struct sc_podspec *x = &sort_cluster->groups[*(const uint32_t *)a];
	const struct sc_podspec *y = &sort_cluster->groups[*(const uint32_t *)b];
	int r = strcmp(x->ns, y->ns);

	if (!r)
		r = strcmp(x->kind, y->kind);
	if (!r)
		r = strcmp(x->name, y->name);
	return r;
}

static int pod_ns_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)sort_cluster->pods[*(const uint32_t *)a].ns;
	uintptr_t y = (uintptr_t)sort_cluster->pods[*(const uint32_t *)b].ns;

	return x < y ? -1 : x > y;
}

/* Measure one group; returns its violations and appends its report. */
static size_t audit_group(struct sc_cluster *c, struct sc_podspec *g, const uint32_t *idx,
			  size_t nidx, json_t *arr)
{
	struct pts_defaults defs;
	struct pts_state st;
	json_t *w = json_object(), *cons = json_array();
	size_t viol = 0;
	uint32_t i, dm;

	memset(&defs, 0, sizeof(defs));
	memset(&st, 0, sizeof(st));
	st.pod_idx = idx;
	st.npod_idx = nidx;
	pts_state_init(&st, c, g, &defs, NULL);
	pts_prefilter(&st);
	for (i = 0; i < st.n; i++) {
		const struct pts_constraint *k = &st.k[i];
		json_t *o = json_object(), *counts = json_object();
		int64_t min, max, skew = pts_skew(&st, i, &min, &max);
		bool bad = skew > k->max_skew;

		json_object_set_new(o, "topologyKey", json_string(k->key));
		json_object_set_new(o, "whenUnsatisfiable", json_string(k->hard ? "DoNotSchedule" : "ScheduleAnyway"));
		json_object_set_new(o, "maxSkew", json_integer(k->max_skew));
		json_object_set_new(o, "minDomains", json_integer(k->min_domains));
		for (dm = 0; dm < k->ndom; dm++)
			if (k->domseen[dm])
				json_object_set_new(counts, k->domval[dm], json_integer(k->domcnt[dm]));
		json_object_set_new(o, "counts", counts);
		json_object_set_new(o, "skew", json_integer(skew));
		json_object_set_new(o, "violation", json_boolean(bad));
		json_array_append_new(cons, o);
		viol += bad;
	}
	json_object_set_new(w, "namespace", json_string(g->ns));
	json_object_set_new(w, "kind", json_string(g->kind));
	json_object_set_new(w, "name", json_string(g->name));
	json_object_set_new(w, "pods", json_integer(g->replicas));
	json_object_set_new(w, "constraints", cons);
	json_array_append_new(arr, w);
	pts_state_release(&st);
	return viol;
}

/* Every topologyKey some group uses, with the nodes that lack it. */
static json_t *missing_keys(const struct sc_cluster *c)
{
	json_t *arr = json_array();
	const char **keys = NULL;
	size_t nkeys = 0, g, i, n;
	uint32_t t;

	for (g = 0; g < c->ngroups; g++) {
		for (t = 0; t < c->groups[g].ntsc; t++) {
			const char *k = c->groups[g].tsc[t].key;

			for (i = 0; i < nkeys && keys[i] != k; i++)
				;
			if (i == nkeys) {
				keys = xreallocarray(keys, nkeys + 1, sizeof(*keys));
				keys[nkeys++] = k;
			}
		}
	}
	for (i = 0; i < nkeys; i++) {
		json_t *nodes = json_array();

		for (n = 0; n < c->nnodes; n++)
			if (!sc_lset_get(&c->lsets[c->nodes[n].lset], keys[i]))
				json_array_append_new(nodes, json_string(c->nodes[n].name));
		if (json_array_size(nodes)) {
			json_t *o = json_object();

			json_object_set_new(o, "topologyKey", json_string(keys[i]));
			json_object_set_new(o, "nodes", nodes);
			json_object_set_new(o, "nearMisses", sc_nearmiss_nodes(c, keys[i]));
			json_array_append_new(arr, o);
		} else {
			json_decref(nodes);
		}
	}
	free(keys);
	return arr;
}

static void render_advice(json_t *ad)
{
	json_t *e, *k;
	size_t i;

	json_array_foreach(json_object_get(ad, "evict"), i, e) {
		json_t *to = json_object_get(e, "to");

		printf("  evict %s from ", tk_text_safe(json_string_value(json_object_get(e, "pod"))));
		printf("%s: ", tk_text_safe(json_string_value(json_object_get(e, "node"))));
		if (json_is_string(to)) {
			printf("lands on %s\n", tk_text_safe(json_string_value(to)));
		} else {
			printf("stays Pending\n");
			adv_needs_text(json_object_get(e, "needs"));
		}
	}
	json_array_foreach(json_object_get(ad, "constraintsAfter"), i, k)
		printf("  after: %s skew %lld%s\n", tk_text_safe(json_string_value(json_object_get(k, "topologyKey"))),
		       (long long)json_integer_value(json_object_get(k, "skew")),
		       json_is_true(json_object_get(k, "violation")) ? " VIOLATION" : "");
}

static int render_text(json_t *root)
{
	json_t *w, *k, *m, *v;
	size_t i, j;
	const char *key;

	json_array_foreach(json_object_get(root, "workloads"), i, w) {
		printf("%s %s/%s (%lld pods)\n", tk_text_safe(json_string_value(json_object_get(w, "kind"))),
		       tk_text_safe(json_string_value(json_object_get(w, "namespace"))),
		       tk_text_safe(json_string_value(json_object_get(w, "name"))),
		       (long long)json_integer_value(json_object_get(w, "pods")));
		json_array_foreach(json_object_get(w, "constraints"), j, k) {
			printf("  %s %s maxSkew %lld: skew %lld%s\n",
			       tk_text_safe(json_string_value(json_object_get(k, "topologyKey"))),
			       tk_text_safe(json_string_value(json_object_get(k, "whenUnsatisfiable"))),
			       (long long)json_integer_value(json_object_get(k, "maxSkew")),
			       (long long)json_integer_value(json_object_get(k, "skew")),
			       json_is_true(json_object_get(k, "violation")) ? " VIOLATION" : "");
			json_object_foreach(json_object_get(k, "counts"), key, v)
				printf("    %s\t%lld\n", tk_text_safe(key), (long long)json_integer_value(v));
		}
		if (json_object_get(w, "advice"))
			render_advice(json_object_get(w, "advice"));
	}
	json_array_foreach(json_object_get(root, "nodesMissingKeys"), i, m) {
		printf("nodes without %s:", tk_text_safe(json_string_value(json_object_get(m, "topologyKey"))));
		json_array_foreach(json_object_get(m, "nodes"), j, v)
			printf(" %s", tk_text_safe(json_string_value(v)));
		putchar('\n');
		json_array_foreach(json_object_get(m, "nearMisses"), j, v) {
			printf("  %s has ", tk_text_safe(json_string_value(json_object_get(v, "node"))));
			printf("%s=", tk_text_safe(json_string_value(json_object_get(v, "label"))));
			printf("%s (%s)\n", tk_text_safe(json_string_value(json_object_get(v, "value"))),
			       json_string_value(json_object_get(v, "kind")));
		}
	}
	printf("%lld violation(s)\n", (long long)json_integer_value(json_object_get(root, "violations")));
	if (json_object_get(root, "evictions"))
		printf("advice: %lld eviction(s), %lld violation(s) after\n",
		       (long long)json_integer_value(json_object_get(root, "evictions")),
		       (long long)json_integer_value(json_object_get(root, "violationsAfter")));
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Every group with constraints, in order: their reports go to arr. */
static size_t audit_all(struct sc_cluster *c, const uint32_t *order, json_t *arr)
{
	uint32_t *byns = xcalloc(c->npods + 1, sizeof(*byns));
	size_t i, viol = 0, nb;

	/* pods by namespace, so a group only walks its own namespace */
	sort_cluster = c;
	for (i = 0; i < c->npods; i++)
		byns[i] = (uint32_t)i;
	qsort(byns, c->npods, sizeof(*byns), pod_ns_cmp);
	for (i = 0; i < c->ngroups; i++) {
		struct sc_podspec *g = &c->groups[order[i]];
		size_t lo = 0, hi = c->npods, first;

		if (!g->ntsc)
			continue;
		/* binary search this namespace's run in byns */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if ((uintptr_t)c->pods[byns[mid]].ns < (uintptr_t)g->ns)
				lo = mid + 1;
			else
				hi = mid;
		}
		first = lo;
		for (nb = first; nb < c->npods && c->pods[byns[nb]].ns == g->ns; nb++)
			;
		viol += audit_group(c, g, byns + first, nb - first, arr);
	}
	free(byns);
	return viol;
}

/* --advise: evict as the descheduler would, place again, measure again;
 * each workload gets "advice" (its evictions and its constraints after). */
static size_t advise(struct adv_pods *a, const struct adv_args *aa, const uint32_t *order, json_t *root)
{
	struct sc_cluster *c = a->c;
	size_t n0 = c->npods, i, w, nev, viol;
	bool *evict = xcalloc(n0 + 1, sizeof(*evict));
	json_t **moves, *after = json_array(), *work = json_object_get(root, "workloads");
	json_t **evs = xcalloc(c->ngroups + 1, sizeof(*evs));

	nev = adv_balance(a, aa, evict);
	moves = adv_replace(a, evict);
	viol = audit_all(c, order, after);
	for (i = 0; i < c->ngroups; i++)
		evs[i] = json_array();
	for (i = 0; i < n0; i++)
		if (moves[i] && c->pods[i].group >= 0)
			json_array_append(evs[c->pods[i].group], moves[i]);
	/* audit_all walks the groups in the same order both times */
	for (i = 0, w = 0; i < c->ngroups; i++) {
		json_t *wl, *ad;

		if (!c->groups[order[i]].ntsc)
			continue;
		wl = json_array_get(work, w);
		ad = json_object();
		json_object_set(ad, "evict", evs[order[i]]);
		json_object_set(ad, "constraintsAfter", json_object_get(json_array_get(after, w), "constraints"));
		json_object_set_new(wl, "advice", ad);
		w++;
	}
	/* another workload's constraint may evict the pods of one without
	 * constraints: it joins the report with its evictions */
	for (i = 0; i < c->ngroups; i++) {
		const struct sc_podspec *g = &c->groups[order[i]];

		if (g->ntsc || !json_array_size(evs[order[i]]))
			continue;
		json_array_append_new(work, json_pack("{s:s,s:s,s:s,s:i,s:[],s:{s:O,s:[]}}", "namespace", g->ns,
						      "kind", g->kind, "name", g->name, "pods", (int)g->replicas,
						      "constraints", "advice", "evict", evs[order[i]], "constraintsAfter"));
	}
	json_object_set_new(root, "evictions", json_integer((json_int_t)nev));
	json_object_set_new(root, "violationsAfter", json_integer((json_int_t)viol));
	for (i = 0; i < c->ngroups; i++)
		json_decref(evs[i]);
	free(evs);
	json_decref(after);
	adv_moves_free(moves, n0);
	free(evict);
	return nev;
}

int cmd_audit(int argc, char **argv)
{
	struct sc_inputs o;
	struct sc_cluster c;
	struct adv_pods a;
	struct adv_args aa;
	json_t *root, *arr;
	uint32_t *order;
	size_t i, viol;
	bool want_advice;
	int rc;

	parse_opts(argc, argv, &o, &want_advice, &aa);
	sc_cluster_init(&c);
	c.want_groups = true;
	if (want_advice)
		adv_pods_attach(&a, &c);
	sc_must_load_nodes_pods(&c, &o, NULL);

	sort_cluster = &c;
	order = xcalloc(c.ngroups + 1, sizeof(*order));
	for (i = 0; i < c.ngroups; i++)
		order[i] = (uint32_t)i;
	qsort(order, c.ngroups, sizeof(*order), group_cmp);

	root = json_object();
	arr = json_array();
	viol = audit_all(&c, order, arr);
	json_object_set_new(root, "workloads", arr);
	json_object_set_new(root, "violations", json_integer((json_int_t)viol));
	json_object_set_new(root, "nodesMissingKeys", missing_keys(&c));
	if (want_advice) {
		advise(&a, &aa, order, root);
		adv_pods_release(&a);
	}
	rc = o.out & SC_PICTURES ? sc_picture_write(root, &c, false, o.out)
		: o.out == TK_OUT_TEXT ? render_text(root) : tk_emit_json(root, stdout);
	json_decref(root);
	free(aa.include);
	free(aa.exclude);
	free(order);
	sc_cluster_release(&c);
	if (rc < 0)
		tk_fatal("write error");
	return viol ? TK_EXIT_NO : TK_EXIT_OK;
}
