/* place.c - `spread-check place`: what kube-scheduler's PodTopologySpread
 * plugin decides for one incoming pod on every node.
 *
 * Every node runs the plugin's Filter (with --all-filters the scheduler's
 * whole filter chain, filters.h, instead); nodes that pass it and are not
 * named by --failed-nodes are the candidates, and get the plugin's
 * normalized score (PreScore, Score, NormalizeScore). The plugin alone is
 * the default because that is what place reports, and what the plugin's
 * own table tests expect: a node another filter would reject still has a
 * PodTopologySpread verdict and score. Exit 1 when no node is feasible.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "clusterio.h"
#include "emit.h"
#include "exitcodes.h"
#include "filters.h"
#include "podtopo.h"
#include "spread.h"
#include "volumes.h"
#include "xalloc.h"

enum {
	OPT_FAILED = SC_OPT_OWN,
	OPT_COUNTS,
	OPT_ALL_FILTERS,
};

struct place_opts {
	struct sc_inputs in;
	const char *failed, *pod;
	bool counts;
	bool all_filters;      /* the scheduler's filter chain, not the plugin alone */
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " spread-check place --cluster DUMP | --nodes NODES [--pods PODS] [options] POD\n"
	      "\n"
	      "Show what kube-scheduler's PodTopologySpread plugin decides for POD on\n"
	      "every node: Filter verdict and normalized score (0-100).\n"
	      "\n"
	      "Options:\n", stdout);
	sc_help_inputs(stdout, "pods (kubectl get pods -A -o json)");
	fputs("     --failed-nodes A,B      nodes that failed another filter: counted, not scored\n", stdout);
	sc_help_defaults(stdout);
	fputs("     --counts                also print the counted pods per domain\n"
	      "     --all-filters           run the scheduler's filter chain, not\n"
	      "                             PodTopologySpread's Filter alone\n", stdout);
	sc_help_tail(stdout, "a feasible node", "no feasible node");
	exit(TK_EXIT_OK);
}

static void parse_opts(int argc, char **argv, struct place_opts *o)
{
	static const struct option longopts[] = {
		SC_INPUT_LONGOPTS,
		SC_DEFAULTS_LONGOPTS,
		{ "failed-nodes",        required_argument, NULL, OPT_FAILED },
		{ "counts",              no_argument,       NULL, OPT_COUNTS },
		{ "all-filters",         no_argument,       NULL, OPT_ALL_FILTERS },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	sc_inputs_init(&o->in);
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_FAILED:
			o->failed = optarg;
			break;
		case OPT_COUNTS:
			o->counts = true;
			break;
		case OPT_ALL_FILTERS:
			o->all_filters = true;
			break;
		default:
			sc_inputs_opt(&o->in, ch, optarg, usage, argv);
		}
	}
	if (!o->in.nodes)
		tk_usage_error("--cluster or --nodes is required");
	if (optind + 1 != argc)
		tk_usage_error(optind == argc ? "missing POD file" : "too many arguments");
	o->pod = argv[optind];
}

/* --failed-nodes: mark the named nodes (unknown names are an error). */
static bool *failed_nodes(const struct sc_cluster *c, const char *list)
{
	bool *failed = xcalloc(c->nnodes + 1, sizeof(bool));
	char *copy, *tok, *save = NULL;

	if (!list)
		return failed;
	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int32_t i = sc_node_index(c, tok);

		if (i < 0) {
			char *name = xstrdup(tok);

			free(copy);
			free(failed);
			tk_usage_error("--failed-nodes: unknown node '%s'", name);
		}
		failed[i] = true;
	}
	free(copy);
	return failed;
}

#define REASON_FAILED "node(s) failed another filter"

struct place_result {
	size_t n;
	struct sc_filter_verdict *v;   /* per node; plugin NULL: feasible */
	int64_t *score;
	size_t nfeasible;
};

/* PodTopologySpread's Filter (or the filter chain, filters.h) on every
 * node, --failed-nodes after it, then its score over the feasible nodes. */
static void place_compute(struct pts_state *st, const struct sc_volmask *vol, const bool *failed,
			  bool all_filters, struct place_result *r)
{
	const struct sc_cluster *c = st->c;
	uint32_t *cand = xcalloc(c->nnodes + 1, sizeof(*cand));
	int64_t *scores = xcalloc(c->nnodes + 1, sizeof(*scores));
	struct sc_chain ch;
	const char *rejected;
	size_t n, ncand = 0, i;

	r->n = c->nnodes;
	r->v = xcalloc(c->nnodes + 1, sizeof(*r->v));
	r->score = xcalloc(c->nnodes + 1, sizeof(*r->score));
	r->nfeasible = 0;
	sc_chain_init(&ch, st, vol);
	rejected = sc_chain_prefilter(&ch);
	/* the verdicts outlive the chain, which owns VolumeRestrictions' message */
	if (rejected)
		rejected = sc_intern_str(&st->c->strs, rejected);
	for (n = 0; n < c->nnodes; n++) {
		struct sc_filter_verdict *v = &r->v[n];

		if (!all_filters) {
			if ((v->reasons[0] = pts_filter(st, (uint32_t)n))) {
				v->plugin = "PodTopologySpread";
				v->nreasons = 1;
			}
		} else if (rejected) {
			/* a PreFilter rejected the pod: the same status on every node */
			v->plugin = ch.prefilter_plugin;
			v->reasons[v->nreasons++] = rejected;
		} else {
			sc_chain_filter(&ch, (uint32_t)n, v);
		}
		if (!v->plugin && failed[n]) {
			v->plugin = "";
			v->reasons[v->nreasons++] = REASON_FAILED;
		}
		if (!v->plugin)
			cand[ncand++] = (uint32_t)n;
	}
	r->nfeasible = ncand;
	sc_chain_release(&ch);
	pts_score(st, cand, ncand, scores);
	for (i = 0; i < ncand; i++)
		r->score[cand[i]] = scores[i];
	free(cand);
	free(scores);
}

static json_t *counts_json(const struct pts_state *st)
{
	json_t *arr = json_array();
	uint32_t i, dm;

	for (i = 0; i < st->n; i++) {
		const struct pts_constraint *k = &st->k[i];
		json_t *o = json_object(), *doms = json_object();
		int64_t min, max;

		json_object_set_new(o, "topologyKey", json_string(k->key));
		json_object_set_new(o, "whenUnsatisfiable",
				    json_string(k->hard ? "DoNotSchedule" : "ScheduleAnyway"));
		json_object_set_new(o, "maxSkew", json_integer(k->max_skew));
		json_object_set_new(o, "minDomains", json_integer(k->min_domains));
		/* hard: PreFilter's TpValueToMatchNum; soft: PreScore's
		 * TopologyValueToPodCounts (domains of candidate nodes only) */
		for (dm = 0; dm < k->ndom; dm++) {
			if (k->hard && k->domseen[dm])
				json_object_set_new(doms, k->domval[dm], json_integer(k->domcnt[dm]));
			else if (!k->hard && k->tp_present[dm])
				json_object_set_new(doms, k->domval[dm], json_integer(k->tp[dm]));
		}
		json_object_set_new(o, "domains", doms);
		if (k->hard) {
			pts_skew(st, i, &min, &max);
			json_object_set_new(o, "minMatch", json_integer(min));
		} else {
			json_object_set_new(o, "topologySize", json_integer((json_int_t)k->topo_size));
		}
		json_array_append_new(arr, o);
	}
	return arr;
}

static int place_render(const struct pts_state *st, const struct place_result *r,
			const struct place_opts *o)
{
	const struct sc_cluster *c = st->c;
	size_t n;
	int rc;

	if (o->in.out == TK_OUT_TEXT) {
		for (n = 0; n < r->n; n++) {
			const struct sc_filter_verdict *v = &r->v[n];
			size_t j;

			if (v->plugin) {
				printf("%s\tinfeasible\t", tk_text_safe(c->nodes[n].name));
				for (j = 0; j < v->nreasons; j++)
					printf("%s%s", j ? ", " : "", tk_text_safe(v->reasons[j]));
				putchar('\n');
			} else
				printf("%s\tfeasible\t%lld\n", tk_text_safe(c->nodes[n].name),
				       (long long)r->score[n]);
		}
		return 0;
	}
	{
		json_t *root = json_object(), *arr = json_array();

		for (n = 0; n < r->n; n++) {
			json_t *e = json_object();
			const struct sc_filter_verdict *v = &r->v[n];

			json_object_set_new(e, "name", json_string(c->nodes[n].name));
			json_object_set_new(e, "feasible", json_boolean(!v->plugin));
			if (v->plugin) {
				json_t *reasons = json_array();
				size_t j;

				/* reason: the first, as before the chain; plugin and
				 * reasons: FitError's view */
				json_object_set_new(e, "reason", json_string(v->reasons[0]));
				if (*v->plugin) {
					json_object_set_new(e, "plugin", json_string(v->plugin));
					for (j = 0; j < v->nreasons; j++)
						json_array_append_new(reasons, json_string(v->reasons[j]));
					json_object_set_new(e, "reasons", reasons);
				} else {
					json_decref(reasons);
				}
			} else
				json_object_set_new(e, "score", json_integer(r->score[n]));
			json_array_append_new(arr, e);
		}
		json_object_set_new(root, "nodes", arr);
		if (o->counts) {
			json_t *ign = json_array();

			json_object_set_new(root, "constraints", counts_json(st));
			for (n = 0; n < r->n; n++)
				if (st->ignored[n])
					json_array_append_new(ign, json_string(c->nodes[n].name));
			json_object_set_new(root, "ignoredNodes", ign);
		}
		rc = tk_emit_json(root, stdout);
		json_decref(root);
	}
	return rc;
}

int cmd_place(int argc, char **argv)
{
	struct place_opts o;
	struct sc_cluster c;
	struct sc_podspec pod;
	struct pts_defaults defs;
	struct pts_objects objs;
	struct pts_state st;
	struct place_result r;
	struct sc_volmask vol;
	bool *failed, volumes;
	int ret;

	parse_opts(argc, argv, &o);
	sc_cluster_init(&c);
	sc_must_load_inputs(&c, &o.in, o.pod, &pod, &defs, &objs);
	sc_workload_owner(&c, &pod, &objs);
	failed = failed_nodes(&c, o.failed);

	memset(&st, 0, sizeof(st));
	pts_state_init(&st, &c, &pod, &defs, &objs);
	{
		/* a workload's first replica: a StatefulSet's ordinal 0 */
		const char **claims, **classes;
		uint32_t nnew, nc = sc_pod_claims(&c, &pod, strcmp(pod.kind, "StatefulSet") == 0, 0,
						  &claims, &classes, &nnew);

		volumes = sc_volmask_build(&c, pod.ns, claims, nc, nnew, classes, &vol);
		free(claims);
		free(classes);
	}
	place_compute(&st, volumes ? &vol : NULL, failed, o.all_filters, &r);
	if (place_render(&st, &r, &o) < 0)
		tk_fatal("write error");
	ret = r.nfeasible ? TK_EXIT_OK : TK_EXIT_NO;

	free(r.v);
	free(r.score);
	sc_volmask_release(&vol);
	free(failed);
	pts_state_release(&st);
	pts_objects_release(&objs);
	sc_defaults_release(&defs);
	sc_podspec_release(&pod);
	sc_cluster_release(&c);
	return ret;
}
