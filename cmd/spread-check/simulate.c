/* simulate.c - `spread-check simulate`: place a workload's replicas one by
 * one as kube-scheduler would, optionally after losing a domain (--fail).
 * Several workloads in the file are placed in order; the replicas of each
 * stay in the cluster as running pods for the ones after it.
 *
 * Each replica runs one scheduling cycle: the filter chain (filters.h, the
 * default profile's order; the first failing filter gives the node's
 * reason), then PodTopologySpread's normalized score; the highest score
 * wins, ties go to the lowest node name or, with --seed, to a uniformly
 * random one (selectHost). A replica with no feasible node stays Pending
 * with the FitError message "0/N nodes are available: ...".
 *
 * Counting is incremental (podtopo.c): a bound replica adds one to its
 * node's match count; nothing is recounted per replica.
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
#include "filters.h"
#include "podtopo.h"
#include "sc-picture.h"
#include "sim.h"
#include "spread.h"
#include "volumes.h"
#include "xalloc.h"

enum {
	OPT_REPLICAS = SC_OPT_OWN,
	OPT_FAIL,
	OPT_SEED,
	OPT_ROLLOUT,
};


static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " spread-check simulate --cluster DUMP | --nodes NODES [--pods PODS] [options] WORKLOAD\n"
	      "\n"
	      "Place a workload's replicas one by one as kube-scheduler would and report\n"
	      "the spread per topology domain and every replica left Pending. Several\n"
	      "workloads in WORKLOAD are placed in order, each seeing the ones before.\n"
	      "\n"
	      "Options:\n", stdout);
	sc_help_inputs(stdout, "pods already running (kubectl get pods -A -o json)");
	fputs("     --replicas N            replicas to place (default: spec.replicas, or 1)\n"
	      "     --fail KEY=VALUE        then lose the nodes labelled KEY=VALUE and their\n"
	      "                             pods, and reschedule the lost replicas (repeatable)\n"
	      "     --seed N                break score ties at random (seeded) instead of\n"
	      "                             by the lowest node name\n"
	      "     --rollout               roll the Deployment or StatefulSet out over its\n"
	      "                             running pods step by step, as its controller and\n"
	      "                             the scheduler would, and compare with the same\n"
	      "                             rollout with matchLabelKeys toggled\n", stdout);
	sc_help_defaults(stdout);
	sc_help_tail_outputs(stdout, TK_OUT_JSON | TK_OUT_TEXT | SC_PICTURES, "every replica placed",
			     "replicas left Pending");
	exit(TK_EXIT_OK);
}

static void parse_opts(int argc, char **argv, struct sim_opts *o)
{
	static const struct option longopts[] = {
		SC_INPUT_LONGOPTS,
		SC_DEFAULTS_LONGOPTS,
		{ "replicas",            required_argument, NULL, OPT_REPLICAS },
		{ "fail",                required_argument, NULL, OPT_FAIL },
		{ "seed",                required_argument, NULL, OPT_SEED },
		{ "rollout",             no_argument,       NULL, OPT_ROLLOUT },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	sc_inputs_init(&o->in);
	o->in.outputs |= SC_PICTURES;
	o->replicas = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":ho:V", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_REPLICAS:
			o->replicas = tk_opt_ll("replicas", optarg, 0, 1000000);
			break;
		case OPT_FAIL:
			if (!strchr(optarg, '=') || optarg[0] == '=') {
				free(o->fail);
				tk_usage_error("invalid --fail value '%s' (want KEY=VALUE)", optarg);
			}
			o->fail = xreallocarray(o->fail, o->nfail + 1, sizeof(*o->fail));
			o->fail[o->nfail++] = optarg;
			break;
		case OPT_ROLLOUT:
			o->rollout = true;
			break;
		case OPT_SEED:
			o->seeded = true;
			o->seed = (unsigned long long)tk_opt_ll("seed", optarg, 0, 9223372036854775807LL);
			break;
		case 'h':
		case 'o':
		case 'V':
		case SC_OPT_NODES:
		case SC_OPT_PODS:
		case SC_OPT_CLUSTER:
		case SC_OPT_BEFORE_1_38:
		case SC_OPT_DEFAULTS:
		case SC_OPT_OBJECTS:
			sc_inputs_opt(&o->in, ch, optarg, usage, argv);
			break;
		default:
			free(o->fail);
			tk_getopt_error(ch, argv);
		}
	}
	if (!o->in.nodes) {
		free(o->fail);
		tk_usage_error("--cluster or --nodes is required");
	}
	if (optind + 1 != argc) {
		free(o->fail);
		tk_usage_error(optind == argc ? "missing WORKLOAD file" : "too many arguments");
	}
	o->workload = argv[optind];
}

/* splitmix64: a small seeded generator for --seed */
static unsigned long long next_rand(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* FitError reasons, counted over nodes */
struct reasons {
	size_t n;
	char **text;
	size_t *count;
};

static void reasons_add(struct reasons *r, const char *text)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (strcmp(r->text[i], text) == 0) {
			r->count[i]++;
			return;
		}
	}
	r->text = xreallocarray(r->text, r->n + 1, sizeof(*r->text));
	r->count = xreallocarray(r->count, r->n + 1, sizeof(*r->count));
	r->text[r->n] = xstrdup(text);
	r->count[r->n++] = 1;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* framework.FitError.Error(): "0/N nodes are available: <sorted "count reason">." */
static char *reasons_message(struct reasons *r, size_t nnodes)
{
	char **parts = xcalloc(r->n + 1, sizeof(*parts));
	size_t i, len = 64;
	char *msg;

	for (i = 0; i < r->n; i++) {
		parts[i] = xasprintf("%zu %s", r->count[i], r->text[i]);
		len += strlen(parts[i]) + 2;
	}
	qsort(parts, r->n, sizeof(*parts), str_cmp);
	msg = xmalloc(len);
	snprintf(msg, len, "0/%zu nodes are available: ", nnodes);
	for (i = 0; i < r->n; i++) {
		if (i)
			strcat(msg, ", ");
		strcat(msg, parts[i]);
		free(parts[i]);
	}
	strcat(msg, ".");
	free(parts);
	for (i = 0; i < r->n; i++)
		free(r->text[i]);
	free(r->text);
	free(r->count);
	memset(r, 0, sizeof(*r));
	return msg;
}

/* Bind (delta 1) or unbind a pod of group gi: resources, and every
 * group's counts (AddPod). */
static void sim_bind(struct sim *s, int32_t gi, uint32_t n, int delta)
{
	struct sc_nodeinfo *node = &s->c->nodes[n];
	const struct sc_podspec *pod = &s->groups[gi]->spec;
	size_t j;

	sc_node_charge_spec(node, pod, delta);
	for (j = 0; j < s->ngroups; j++) {
		pts_add_pod_lset(&s->groups[j]->st, n, pod->lset, delta);
		ipa_add_pod(&s->groups[j]->ch.ipa, n, pod->ns, pod->lset, &pod->anti, delta);
		sc_nodevols_bind(&s->groups[j]->ch.nv, n, pod, delta);
	}
}

static int32_t sim_add_group(struct sim *s, uint32_t lset, int64_t cpu, int64_t mem)
{
	struct sim_group *g = xcalloc(1, sizeof(*g));

	g->spec = *s->pod;
	g->spec.lset = lset;
	g->spec.cpu = cpu;
	g->spec.mem = mem;
	pts_state_init(&g->st, s->c, &g->spec, s->defs, s->objs);
	sc_chain_init(&g->ch, &g->st, NULL);
	s->groups = xreallocarray(s->groups, s->ngroups + 1, sizeof(*s->groups));
	s->groups[s->ngroups] = g;
	return (int32_t)s->ngroups++;
}

bool sim_schedule_one(struct sim *s, size_t i)
{
	struct sc_cluster *c = s->c;
	struct sim_group *g = s->groups[s->group_of[i]];
	const struct sc_volmask *vol = s->vol_of ? s->vol_of[i] : NULL;
	struct reasons r = { 0 };
	size_t ncand = 0, nnodes = 0, k, best = 0, nties = 0;
	const char *rejected;
	uint32_t n;

	g->ch.vol = vol;
	if ((rejected = sc_chain_prefilter(&g->ch))) {
		for (n = 0; n < c->nnodes; n++)
			nnodes += !c->nodes[n].removed;
		free(s->pending_reason[i]);
		s->node_of[i] = -1;
		s->pending_reason[i] = xasprintf("0/%zu nodes are available: %s.", nnodes, rejected);
		return false;
	}
	for (n = 0; n < c->nnodes; n++) {
		struct sc_filter_verdict v;

		if (c->nodes[n].removed)
			continue;
		nnodes++;
		if (sc_chain_filter(&g->ch, n, &v)) {
			for (k = 0; k < v.nreasons; k++)
				reasons_add(&r, v.reasons[k]);
			continue;
		}
		s->cand[ncand++] = n;
	}
	if (!ncand) {
		free(s->pending_reason[i]);
		s->node_of[i] = -1;
		s->pending_reason[i] = reasons_message(&r, nnodes);
		return false;
	}
	free(reasons_message(&r, nnodes));
	free(s->pending_reason[i]);
	s->pending_reason[i] = NULL;
	pts_score(&g->st, s->cand, ncand, s->scores);
	for (k = 0; k < ncand; k++) {
		if (k == 0 || s->scores[k] > s->scores[best]) {
			best = k;
			nties = 1;
		} else if (s->scores[k] == s->scores[best]) {
			nties++;
			if (s->seeded) {
				/* selectHost: reservoir sampling over the top scores */
				if (next_rand(&s->rng) % nties == 0)
					best = k;
			} else if (strcmp(c->nodes[s->cand[k]].name, c->nodes[s->cand[best]].name) < 0) {
				best = k;
			}
		}
	}
	s->node_of[i] = (int32_t)s->cand[best];
	sim_bind(s, s->group_of[i], s->cand[best], 1);
	return true;
}

static bool node_in_failed_domain(const struct sc_cluster *c, const struct sc_nodeinfo *n,
				  char **fail, size_t nfail)
{
	const struct sc_lset *ls = &c->lsets[n->lset];
	size_t i;

	for (i = 0; i < nfail; i++) {
		const char *eq = strchr(fail[i], '=');
		uint32_t j;

		for (j = 0; j < ls->n; j++)
			if (strlen(ls->l[j].key) == (size_t)(eq - fail[i]) &&
			    strncmp(ls->l[j].key, fail[i], (size_t)(eq - fail[i])) == 0 &&
			    strcmp(ls->l[j].val, eq + 1) == 0)
				return true;
	}
	return false;
}

/* Deployment pods carry pod-template-hash (matchLabelKeys uses it): give
 * the simulated replicas one that no running pod has. */
void sim_add_template_hash(struct sc_cluster *c, struct sc_podspec *p, size_t idx)
{
	const struct sc_lset *ls = &c->lsets[p->lset];
	const char *key = sc_intern_str(&c->strs, "pod-template-hash");
	struct sc_label *l;
	uint32_t n = ls->n;

	if (strcmp(p->kind, "Deployment") != 0 || sc_lset_get(ls, key))
		return;
	l = xcalloc(n + 1, sizeof(*l));
	if (n)
		memcpy(l, ls->l, n * sizeof(*l));
	l[n].key = key;
	/* each workload of a run its own hash, as each Deployment has */
	if (idx == 0) {
		l[n].val = sc_intern_str(&c->strs, "simulated");
	} else {
		char *hash = xasprintf("simulated-%zu", idx + 1);

		l[n].val = sc_intern_str(&c->strs, hash);
		free(hash);
	}
	p->lset = sc_lset_intern(c, l, n + 1);
	free(l);
}

static json_t *domains_json(struct sim *s)
{
	struct pts_state *st = &s->groups[0]->st;
	json_t *arr = json_array();
	uint32_t i, dm;
	size_t r;

	pts_prefilter(st);
	for (i = 0; i < st->n; i++) {
		const struct pts_constraint *k = &st->k[i];
		json_t *o = json_object(), *counts = json_object(), *reps = json_object();
		int64_t min, max, *per = xcalloc(k->ndom + 1, sizeof(*per));

		for (r = 0; r < s->nrep; r++)
			if (s->node_of[r] >= 0 && k->has_key[s->node_of[r]])
				per[k->dom[s->node_of[r]]]++;
		json_object_set_new(o, "topologyKey", json_string(k->key));
		json_object_set_new(o, "whenUnsatisfiable", json_string(k->hard ? "DoNotSchedule" : "ScheduleAnyway"));
		json_object_set_new(o, "maxSkew", json_integer(k->max_skew));
		for (dm = 0; dm < k->ndom; dm++) {
			if (k->domseen[dm])
				json_object_set_new(counts, k->domval[dm], json_integer(k->domcnt[dm]));
			if (k->domseen[dm] || per[dm])
				json_object_set_new(reps, k->domval[dm], json_integer(per[dm]));
		}
		json_object_set_new(o, "counts", counts);
		json_object_set_new(o, "replicas", reps);
		json_object_set_new(o, "skew", json_integer(pts_skew(st, i, &min, &max)));
		json_array_append_new(arr, o);
		free(per);
	}
	return arr;
}

/* The report of one workload; *scheduled receives its placed replicas. */
static json_t *report(struct sim *s, json_t *failed, size_t *scheduled_out)
{
	json_t *root = json_object(), *w = json_object(), *pl = json_array(), *pend = json_array();
	/* what one more replica of each group would need now (advise.h) */
	json_t **needs = xcalloc(s->ngroups + 1, sizeof(*needs));
	size_t i, scheduled = 0;

	json_object_set_new(w, "kind", json_string(s->pod->kind));
	json_object_set_new(w, "namespace", json_string(s->pod->ns));
	json_object_set_new(w, "name", json_string(s->pod->name));
	for (i = 0; i < s->nrep; i++) {
		if (s->node_of[i] >= 0) {
			json_t *e = json_object();

			scheduled++;
			json_object_set_new(e, "replica", json_integer((json_int_t)i));
			json_object_set_new(e, "node", json_string(s->c->nodes[s->node_of[i]].name));
			if (s->rescheduled[i])
				json_object_set_new(e, "rescheduled", json_true());
			json_array_append_new(pl, e);
		} else {
			json_t *e = json_object();

			json_object_set_new(e, "replica", json_integer((json_int_t)i));
			json_object_set_new(e, "reason", json_string(s->pending_reason[i]));
			if (!needs[s->group_of[i]])
				needs[s->group_of[i]] = adv_needs_now(&s->groups[s->group_of[i]]->st);
			json_object_set(e, "needs", needs[s->group_of[i]]);
			json_array_append_new(pend, e);
		}
	}
	for (i = 0; i < s->ngroups; i++)
		json_decref(needs[i]);
	free(needs);
	json_object_set_new(root, "workload", w);
	json_object_set_new(root, "replicas", json_integer((json_int_t)s->nrep));
	json_object_set_new(root, "scheduled", json_integer((json_int_t)scheduled));
	json_object_set_new(root, "pending", json_integer((json_int_t)(s->nrep - scheduled)));
	json_object_set_new(root, "domains", domains_json(s));
	json_object_set_new(root, "placements", pl);
	json_object_set_new(root, "pendingReplicas", pend);
	if (failed)
		json_object_set_new(root, "failed", failed);
	*scheduled_out = scheduled;
	return root;
}

/* One workload's report as text. */
static void print_text(json_t *root)
{
	json_t *w = json_object_get(root, "workload"), *failed = json_object_get(root, "failed");
	json_t *d, *e, *v = NULL;
	size_t j;
	const char *key;
	long long nrep = (long long)json_integer_value(json_object_get(root, "replicas"));
	long long scheduled = (long long)json_integer_value(json_object_get(root, "scheduled"));

	printf("%s %s/%s: %lld/%lld replicas scheduled, %lld pending\n",
	       tk_text_safe(json_string_value(json_object_get(w, "kind"))), tk_text_safe(json_string_value(json_object_get(w, "namespace"))),
	       tk_text_safe(json_string_value(json_object_get(w, "name"))), scheduled, nrep, nrep - scheduled);
	json_array_foreach(json_object_get(root, "domains"), j, d) {
		printf("%s (%s, maxSkew %lld): skew %lld\n",
		       tk_text_safe(json_string_value(json_object_get(d, "topologyKey"))),
		       tk_text_safe(json_string_value(json_object_get(d, "whenUnsatisfiable"))),
		       (long long)json_integer_value(json_object_get(d, "maxSkew")),
		       (long long)json_integer_value(json_object_get(d, "skew")));
		json_object_foreach(json_object_get(d, "counts"), key, v)
			printf("  %s\t%lld\n", tk_text_safe(key), (long long)json_integer_value(v));
	}
	json_array_foreach(json_object_get(root, "pendingReplicas"), j, e) {
		printf("pending replica %lld: %s\n",
		       (long long)json_integer_value(json_object_get(e, "replica")),
		       tk_text_safe(json_string_value(json_object_get(e, "reason"))));
		/* replicas of one group need the same: say it once */
		if (!json_equal(json_object_get(e, "needs"), v))
			adv_needs_text(json_object_get(e, "needs"));
		v = json_object_get(e, "needs");
	}
	if (failed)
		printf("failed: %lld node(s) lost, %lld pod(s) lost, %lld replica(s) rescheduled\n",
		       (long long)json_array_size(json_object_get(failed, "nodes")),
		       (long long)json_integer_value(json_object_get(failed, "lostPods")),
		       (long long)json_integer_value(json_object_get(failed, "rescheduled")));
}

/* --fail: remove the domains' nodes and their pods; the workload's lost
 * replicas (simulated ones and running pods its selector matches) are
 * placed again. Returns the "failed" report. */
static json_t *fail_domains(struct sim *s, const struct sim_opts *o)
{
	struct sc_cluster *c = s->c;
	json_t *rep = json_object(), *names = json_array(), *doms = json_array();
	size_t i, j, lost = 0, resched = 0, old = s->nrep, p;
	uint32_t n;

	for (i = 0; i < o->nfail; i++)
		json_array_append_new(doms, json_string(o->fail[i]));
	for (n = 0; n < c->nnodes; n++) {
		if (node_in_failed_domain(c, &c->nodes[n], o->fail, o->nfail)) {
			c->nodes[n].removed = true;
			json_array_append_new(names, json_string(c->nodes[n].name));
		}
	}
	/* running pods lost with the nodes; the workload's own come back as
	 * replicas of a group with their labels */
	for (p = 0; p < c->npods; p++) {
		const struct sc_pod *pod = &c->pods[p];
		int32_t gi = -1;

		if (pod->node < 0 || !c->nodes[pod->node].removed || (pod->flags & SC_POD_TERMINAL))
			continue;
		lost++;
		if (pod->ns != s->pod->ns || !s->pod->has_workload_selector ||
		    !sc_sel_matches(&s->pod->workload_selector, &c->lsets[pod->lset], NULL) ||
		    (pod->flags & SC_POD_TERMINATING))
			continue;
		for (j = 0; j < s->ngroups && gi < 0; j++)
			if (s->groups[j]->spec.lset == pod->lset)
				gi = (int32_t)j;
		if (gi < 0)
			gi = sim_add_group(s, pod->lset, pod->cpu, pod->mem);
		s->nrep++;
		s->node_of = xreallocarray(s->node_of, s->nrep + 1, sizeof(*s->node_of));
		s->group_of = xreallocarray(s->group_of, s->nrep + 1, sizeof(*s->group_of));
		s->pending_reason = xreallocarray(s->pending_reason, s->nrep + 1, sizeof(*s->pending_reason));
		s->rescheduled = xreallocarray(s->rescheduled, s->nrep + 1, sizeof(*s->rescheduled));
		if (s->vol_of) {
			/* a lost Deployment pod's claims are the template's; a lost
			 * StatefulSet pod's own claims are not looked up */
			s->vol_of = xreallocarray(s->vol_of, s->nrep + 1, sizeof(*s->vol_of));
			s->vol_of[s->nrep - 1] = s->pod->nvct ? NULL : s->vol_of[0];
		}
		s->node_of[s->nrep - 1] = -1;
		s->group_of[s->nrep - 1] = gi;
		s->pending_reason[s->nrep - 1] = NULL;
		s->rescheduled[s->nrep - 1] = true;
		resched++;
	}
	/* recount the survivors, then add back the replicas still bound */
	for (j = 0; j < s->ngroups; j++) {
		pts_recount(&s->groups[j]->st);
		ipa_recount(&s->groups[j]->ch.ipa);
		sc_nodevols_forget_bound(&s->groups[j]->ch.nv);
	}
	for (i = 0; i < old; i++) {
		if (s->node_of[i] < 0)
			continue;
		if (c->nodes[s->node_of[i]].removed) {
			lost++;
			resched++;
			s->node_of[i] = -1;
			s->rescheduled[i] = true;
		} else {
			const struct sc_podspec *g = &s->groups[s->group_of[i]]->spec;

			for (j = 0; j < s->ngroups; j++) {
				pts_add_pod_lset(&s->groups[j]->st, (uint32_t)s->node_of[i], g->lset, 1);
				ipa_add_pod(&s->groups[j]->ch.ipa, (uint32_t)s->node_of[i], g->ns, g->lset, &g->anti, 1);
				sc_nodevols_bind(&s->groups[j]->ch.nv, (uint32_t)s->node_of[i], g, 1);
			}
		}
	}
	for (i = 0; i < s->nrep; i++) {
		if (s->node_of[i] >= 0)
			continue;
		free(s->pending_reason[i]);
		s->pending_reason[i] = NULL;
		sim_schedule_one(s, i);
	}
	json_object_set_new(rep, "domains", doms);
	json_object_set_new(rep, "nodes", names);
	json_object_set_new(rep, "lostPods", json_integer((json_int_t)lost));
	json_object_set_new(rep, "rescheduled", json_integer((json_int_t)resched));
	return rep;
}

void sim_init(struct sim *s, struct sc_cluster *c, struct sc_podspec *pod, const struct pts_defaults *defs,
	      const struct pts_objects *objs, const struct sim_opts *o, size_t nrep)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	s->pod = pod;
	s->defs = defs;
	s->objs = objs;
	s->seeded = o->seeded;
	s->rng = o->seed;
	s->nrep = nrep;
	s->node_of = xcalloc(nrep + 1, sizeof(*s->node_of));
	s->pending_reason = xcalloc(nrep + 1, sizeof(*s->pending_reason));
	s->rescheduled = xcalloc(nrep + 1, sizeof(*s->rescheduled));
	s->group_of = xcalloc(nrep + 1, sizeof(*s->group_of));
	s->cand = xcalloc(c->nnodes + 1, sizeof(*s->cand));
	s->scores = xcalloc(c->nnodes + 1, sizeof(*s->scores));
	sim_add_group(s, pod->lset, pod->cpu, pod->mem);
}

void sim_release(struct sim *s)
{
	size_t i;

	for (i = 0; i < s->nrep; i++)
		free(s->pending_reason[i]);
	free(s->pending_reason);
	free(s->node_of);
	free(s->rescheduled);
	free(s->group_of);
	free(s->cand);
	free(s->scores);
	free(s->vol_of);
	for (i = 0; i < s->ngroups; i++) {
		sc_chain_release(&s->groups[i]->ch);
		pts_state_release(&s->groups[i]->st);
		free(s->groups[i]);
	}
	free(s->groups);
	memset(s, 0, sizeof(*s));
}

/* The volume masks of a workload's replicas: one for all when the pod's
 * claims are the template's, one per ordinal for a StatefulSet with
 * volumeClaimTemplates. Returns how many masks *masks holds (0: none). */
static size_t volume_masks(struct sc_cluster *c, const struct sc_podspec *pod, size_t nrep,
			   struct sc_volmask **masks)
{
	bool sts = strcmp(pod->kind, "StatefulSet") == 0;
	size_t i, n = sts && pod->nvct ? nrep : 1;
	bool any = false;

	*masks = xcalloc(n + 1, sizeof(**masks));
	for (i = 0; i < n; i++) {
		const char **claims, **classes;
		uint32_t nnew, nc = sc_pod_claims(c, pod, sts, (long)i, &claims, &classes, &nnew);

		any |= sc_volmask_build(c, pod->ns, claims, nc, nnew, classes, &(*masks)[i]);
		free(claims);
		free(classes);
	}
	if (!any) {
		for (i = 0; i < n; i++)
			sc_volmask_release(&(*masks)[i]);
		free(*masks);
		*masks = NULL;
		return 0;
	}
	return n;
}

/* Place one workload's replicas (and, with --fail, lose domains and place
 * the lost ones again); returns its report. With keep, its placed replicas
 * stay in the cluster as running pods for the workloads after it. */
static json_t *simulate_one(struct sc_cluster *c, struct sc_podspec *pod, size_t idx,
			    const struct pts_defaults *defs, struct pts_objects *objs,
			    const struct sim_opts *o, bool keep, size_t *nrep, size_t *scheduled)
{
	struct sim s;
	struct sc_volmask *masks;
	json_t *failed = NULL, *root;
	size_t i, nmasks;

	sim_add_template_hash(c, pod, idx);
	sc_workload_owner(c, pod, objs);
	sim_init(&s, c, pod, defs, objs, o,
		 o->replicas >= 0 ? (size_t)o->replicas : pod->replicas >= 0 ? (size_t)pod->replicas : 1);
	nmasks = volume_masks(c, pod, s.nrep, &masks);
	if (nmasks) {
		s.vol_of = xcalloc(s.nrep + 1, sizeof(*s.vol_of));
		for (i = 0; i < s.nrep; i++)
			s.vol_of[i] = &masks[nmasks == 1 ? 0 : i];
	}

	for (i = 0; i < s.nrep; i++)
		sim_schedule_one(&s, i);
	if (o->nfail)
		failed = fail_domains(&s, o);
	root = report(&s, failed, scheduled);
	*nrep = s.nrep;
	/* sim_bind() has charged the nodes already: only the pod list grows */
	for (i = 0; keep && i < s.nrep; i++) {
		const struct sc_podspec *g = &s.groups[s.group_of[i]]->spec;
		struct sc_pod p = { .ns = g->ns, .name = g->name, .lset = g->lset,
				    .node = s.node_of[i], .cpu = g->cpu, .mem = g->mem, .group = -1 };

		if (p.node >= 0) {
			sc_pod_from_spec(c, &p, g);
			sc_cluster_push_pod(c, &p);
		}
	}
	sim_release(&s);
	for (i = 0; i < nmasks; i++)
		sc_volmask_release(&masks[i]);
	free(masks);
	return root;
}

int cmd_simulate(int argc, char **argv)
{
	struct sim_opts o;
	struct sc_cluster c;
	struct sc_podspec *pods;
	struct pts_defaults defs;
	struct pts_objects objs;
	json_t *all, *root;
	size_t i, n, nrep, sched, total = 0, scheduled = 0;
	int rc = 0;

	parse_opts(argc, argv, &o);
	if (o.rollout)
		return sim_rollout(&o);
	all = json_array();
	sc_cluster_init(&c);
	memset(&objs, 0, sizeof(objs));
	sc_must_load_nodes_pods(&c, &o.in, &objs);
	n = sc_must_load_podspecs(&c, o.workload, &pods);
	sc_must_load_defaults(&c, o.in.defaults, &defs);
	sc_must_load_objects(&c, o.in.objects, &objs);
	if (n > 1 && (o.replicas >= 0 || o.nfail)) {
		free(o.fail);
		tk_usage_error("%s holds %zu workloads: --replicas and --fail need a single one", o.workload, n);
	}

	/* in the order given, each seeing the replicas placed before it */
	for (i = 0; i < n; i++) {
		root = simulate_one(&c, &pods[i], i, &defs, &objs, &o, i + 1 < n, &nrep, &sched);
		total += nrep;
		scheduled += sched;
		json_array_append_new(all, root);
	}
	if (o.in.out == TK_OUT_TEXT) {
		json_array_foreach(all, i, root)
			print_text(root);
		if (n > 1)
			printf("%zu workloads: %zu/%zu replicas scheduled, %zu pending\n", n, scheduled, total,
			       total - scheduled);
		rc = fflush(stdout) == 0 ? 0 : -1;
	} else if (n == 1) {
		rc = o.in.out & SC_PICTURES ? sc_picture_write(json_array_get(all, 0), &c, true, o.in.out)
					    : tk_emit_json(json_array_get(all, 0), stdout);
	} else {
		root = json_object();
		json_object_set(root, "workloads", all);
		json_object_set_new(root, "replicas", json_integer((json_int_t)total));
		json_object_set_new(root, "scheduled", json_integer((json_int_t)scheduled));
		json_object_set_new(root, "pending", json_integer((json_int_t)(total - scheduled)));
		rc = o.in.out & SC_PICTURES ? sc_picture_write(root, &c, true, o.in.out) : tk_emit_json(root, stdout);
		json_decref(root);
	}
	json_decref(all);
	free(o.fail);
	pts_objects_release(&objs);
	sc_defaults_release(&defs);
	for (i = 0; i < n; i++)
		sc_podspec_release(&pods[i]);
	free(pods);
	sc_cluster_release(&c);
	if (rc < 0)
		tk_fatal("write error");
	return scheduled < total ? TK_EXIT_NO : TK_EXIT_OK;
}
