/* rollout.c - `spread-check simulate --rollout`: a Deployment or
 * StatefulSet update rolled out over its running pods, step by step.
 *
 * Deployment (RollingUpdate): each step is one sync of the deployment
 * controller (rolling.go rolloutRolling): scale the new ReplicaSet up
 * (reconcileNewReplicaSet) and, when it did not, scale the old ones down
 * (reconcileOldReplicaSets); deploymath.c does the arithmetic. The
 * ReplicaSet controller deletes the old pods getPodsToDelete picks
 * (ActivePodsWithRanks order over ranks of co-located pods of the same
 * Deployment); the scheduler places every new pod, and retries the
 * Pending ones after each deletion. Recreate: delete every old pod, then
 * create the new ones.
 *
 * StatefulSet (stateful_set_control.go updateStatefulSet and
 * updateStatefulSetAfterInvariantEstablished): missing ordinals are created
 * (OrderedReady: one at a time, stopping at one that stays Pending;
 * Parallel: all), then the pods at ordinals >= partition are replaced from
 * the highest ordinal down, maxUnavailable (default 1) at a time, waiting
 * while that many are unavailable. Each pod keeps its claims
 * <template>-<statefulset>-<ordinal>, so a bound zonal volume pins it.
 *
 * Model: a bound pod is Running and Ready at once (minReadySeconds 0),
 * deleted pods are gone at once (no grace period), the old pods are those
 * of the dump that the workload's selector matches (a Deployment's grouped
 * into ReplicaSets by pod-template-hash, oldest pod first), and every one
 * of them is of an old revision.
 *
 * The whole rollout runs twice: as given, and with matchLabelKeys toggled
 * (removed when a constraint has it, else pod-template-hash or
 * controller-revision-hash added), and both are reported.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cli.h"
#include "deploymath.h"
#include "diag.h"
#include "emit.h"
#include "exitcodes.h"
#include "sim.h"
#include "xalloc.h"

/* a running pod of the workload, with what ActivePodsWithRanks reads */
struct old_pod {
	uint32_t idx;          /* into c->pods */
	const char *name;
	const char *hash;      /* pod-template-hash (Deployment) */
	int32_t rs;            /* its old ReplicaSet */
	long ordinal;          /* StatefulSet: from the name, -1 none */
	int phase;             /* podPhaseToOrdinal: Pending/other 0, Unknown 1, Running 2 */
	bool ready, available;
	int64_t ready_time, created;   /* seconds since the epoch, 0: none */
	int32_t restarts, cost;
	bool gone;
};

struct old_rs {
	const char *hash;
	int64_t created;       /* its oldest pod's */
	struct dm_rs rs;
};

struct rollout {
	struct sc_cluster *c;
	struct sc_podspec *pod;          /* the workload as given */
	bool sts;
	/* Deployment */
	struct dm_deployment d;
	/* StatefulSet */
	long partition;
	int32_t sts_max_unavailable;     /* getStatefulSetMaxUnavailable */
	bool parallel, on_delete;
	int32_t replicas;
	/* old pods, collected by the pod hook */
	size_t nold;
	struct old_pod *old;
	size_t nrs;
	struct old_rs *rs;
	/* saved node usage, restored before the second run */
	int64_t *saved;
	int64_t *saved_res;          /* every node's res[].req, node after node */
	size_t *saved_nres;          /* per node: its nres when saved */
};

/* ---- reading the dump ---- */

/* metav1.Time: RFC 3339 in UTC ("2024-01-01T00:00:00Z") or with an
 * offset; 0 when absent or unreadable */
static int64_t parse_time(const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0;
	const char *p;
	int64_t t;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6)
		return 0;
	p = s + n;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
		if (*p == '+') {
			oh = -oh;
			om = -om;
		}
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	return t < 0 ? 0 : t + oh * 3600 + om * 60;
}

/* the ordinal of a StatefulSet pod named <set>-<n> (getOrdinal), or -1 */
static long name_ordinal(const char *pod, const char *set)
{
	size_t len = strlen(set);
	char *end;
	long v;

	if (strncmp(pod, set, len) != 0 || pod[len] != '-' || !isdigit((unsigned char)pod[len + 1]))
		return -1;
	v = strtol(pod + len + 1, &end, 10);
	return *end || v < 0 || v > 1000000 ? -1 : v;
}

/* The workload's running pods, as pod_item reads them (namespace, labels,
 * not terminating nor terminal), with what the ReplicaSet controller's
 * deletion order reads. */
static int pod_hook(void *arg, const struct tk_node *item, const char *file, struct tk_diag *d)
{
	struct rollout *r = arg;
	struct sc_cluster *c = r->c;
	const struct tk_node *conds, *statuses, *v;
	const char *name, *phase, *ns = tk_str(tk_path(item, "metadata.namespace")), *node_name;
	struct old_pod o;
	uint32_t lset;
	int32_t node = -1;
	size_t i;

	if (strcmp(ns ? ns : "default", r->pod->ns) != 0 || !r->pod->has_workload_selector)
		return 0;
	v = tk_path(item, "metadata.deletionTimestamp");
	phase = tk_str(tk_path(item, "status.phase"));
	if ((v && v->kind != TK_NULL) || (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)))
		return 0;
	/* pod_item has read the labels already: the set is found, not added */
	if (sc_lset_from_node(c, file, tk_path(item, "metadata.labels"), &lset, d) < 0)
		return -1;
	if (!sc_sel_matches(&r->pod->workload_selector, &c->lsets[lset], NULL))
		return 0;
	memset(&o, 0, sizeof(o));
	name = tk_str(tk_path(item, "metadata.name"));
	o.name = sc_intern_str(&c->strs, name ? name : "");
	node_name = tk_str(tk_path(item, "spec.nodeName"));
	if (node_name)
		node = sc_node_index(c, node_name);
	o.idx = (uint32_t)c->npods;
	o.ordinal = r->sts ? name_ordinal(o.name, r->pod->name) : -1;
	if (r->sts && o.ordinal < 0)
		return 0;   /* not one of the set's pods */
	if (!r->sts) {
		o.hash = sc_lset_get(&c->lsets[lset], sc_intern_str(&c->strs, "pod-template-hash"));
		if (!o.hash)
			return 0;   /* not a ReplicaSet's pod */
	}
	o.phase = !phase ? 0 : strcmp(phase, "Running") == 0 ? 2 : strcmp(phase, "Unknown") == 0 ? 1 : 0;
	conds = tk_path(item, "status.conditions");
	if (conds && conds->kind == TK_SEQ) {
		for (i = 0; i < conds->n; i++) {
			const char *type = tk_str(tk_get(conds->items[i], "type"));
			const char *status = tk_str(tk_get(conds->items[i], "status"));

			if (type && status && strcmp(type, "Ready") == 0 && strcmp(status, "True") == 0) {
				o.ready = true;
				o.ready_time = parse_time(tk_str(tk_get(conds->items[i], "lastTransitionTime")));
			}
		}
	} else {
		/* a dump without status: a bound pod counts as Running and Ready */
		o.ready = node >= 0 && (!phase || strcmp(phase, "Running") == 0);
		if (!phase && o.ready)
			o.phase = 2;
	}
	o.available = o.ready && node >= 0;
	statuses = tk_path(item, "status.containerStatuses");
	for (i = 0; statuses && statuses->kind == TK_SEQ && i < statuses->n; i++) {
		v = tk_get(statuses->items[i], "restartCount");
		if (v && v->kind == TK_INT && v->v.i > o.restarts && v->v.i < INT32_MAX)
			o.restarts = (int32_t)v->v.i;
	}
	o.created = parse_time(tk_str(tk_path(item, "metadata.creationTimestamp")));
	v = tk_path(item, "metadata.annotations");
	v = v && v->kind == TK_MAP ? tk_get(v, "controller.kubernetes.io/pod-deletion-cost") : NULL;
	if (tk_str(v)) {
		/* GetDeletionCostFromPodAnnotations: an int32, else 0 */
		char *end;
		long long cost = strtoll(tk_str(v), &end, 10);

		if (!*end && *tk_str(v) && cost >= INT32_MIN && cost <= INT32_MAX)
			o.cost = (int32_t)cost;
	}
	r->old = xreallocarray(r->old, r->nold + 1, sizeof(*r->old));
	r->old[r->nold++] = o;
	return 0;
}

static int rs_order(const void *a, const void *b)
{
	const struct old_rs *x = a, *y = b;

	/* ReplicaSetsByCreationTimestamp: older first, then by name */
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->hash, y->hash);
}

/* the old ReplicaSets: one per pod-template-hash */
static void group_replica_sets(struct rollout *r)
{
	size_t i, j;

	for (i = 0; i < r->nold; i++) {
		struct old_pod *o = &r->old[i];

		for (j = 0; j < r->nrs && r->rs[j].hash != o->hash; j++)
			;
		if (j == r->nrs) {
			r->rs = xreallocarray(r->rs, r->nrs + 1, sizeof(*r->rs));
			memset(&r->rs[j], 0, sizeof(r->rs[j]));
			r->rs[j].hash = o->hash;
			r->rs[j].created = o->created;
			r->nrs++;
		}
		if (o->created && (!r->rs[j].created || o->created < r->rs[j].created))
			r->rs[j].created = o->created;
	}
	qsort(r->rs, r->nrs, sizeof(*r->rs), rs_order);
	for (i = 0; i < r->nold; i++) {
		for (j = 0; r->rs[j].hash != r->old[i].hash; j++)
			;
		r->old[i].rs = (int32_t)j;
	}
}

/* ---- the workload's strategy ---- */

static void read_intstr(struct tk_doc *doc, const struct tk_node *ru, const char *key, struct dm_intstr *v)
{
	const struct tk_node *n = tk_get(ru, key);
	struct tk_diag d;

	memset(v, 0, sizeof(*v));
	memset(&d, 0, sizeof(d));
	if (!n || n->kind == TK_NULL) {
		/* apps/v1 defaults: 25% each */
		v->set = true;
		v->is_string = true;
		v->sval = "25%";
		return;
	}
	v->set = true;
	if (n->kind == TK_INT) {
		if (n->v.i < 0 || n->v.i > 1000000) {
			tk_node_error(doc->file, n, &d, "%s must be between 0 and 1000000", key);
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
		v->ival = n->v.i;
	} else if (n->kind == TK_STR) {
		int64_t out;
		const char *err = NULL;

		v->is_string = true;
		v->sval = n->text;
		if (dm_scaled_value(v, 100, true, &out, &err) < 0) {
			tk_node_error(doc->file, n, &d, "%s '%s': %s", key, n->text, err);
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
	} else {
		tk_node_error(doc->file, n, &d, "%s must be an integer or a percentage", key);
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
}

static const char *strategy_text(const struct tk_node *n)
{
	const char *s = tk_str(n);

	return s ? s : "";
}

/* Read spec.strategy (Deployment) or spec.updateStrategy and
 * podManagementPolicy (StatefulSet); exits 2 on a bad value. The
 * strategy's strings point into doc, which stays loaded. */
static void read_strategy(struct rollout *r, struct tk_doc *doc, const struct tk_node *obj, int32_t replicas)
{
	const struct tk_node *spec = tk_get(obj, "spec");
	struct tk_diag d;
	const char *type;

	memset(&d, 0, sizeof(d));
	r->replicas = replicas;
	if (!r->sts) {
		const struct tk_node *st = tk_get(spec, "strategy"), *ru = tk_get(st, "rollingUpdate");

		r->d.replicas = replicas;
		type = strategy_text(tk_get(st, "type"));
		if (!*type || strcmp(type, "RollingUpdate") == 0) {
			r->d.strategy = DM_ROLLING_UPDATE;
		} else if (strcmp(type, "Recreate") == 0) {
			r->d.strategy = DM_RECREATE;
		} else {
			tk_node_error(doc->file, tk_get(st, "type"), &d, "unknown strategy type '%s'", type);
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
		read_intstr(doc, ru, "maxSurge", &r->d.max_surge);
		read_intstr(doc, ru, "maxUnavailable", &r->d.max_unavailable);
		return;
	} else {
		const struct tk_node *st = tk_get(spec, "updateStrategy"), *ru = tk_get(st, "rollingUpdate");
		const char *pmp = strategy_text(tk_get(spec, "podManagementPolicy"));
		long long part = 0;

		type = strategy_text(tk_get(st, "type"));
		if (*type && strcmp(type, "RollingUpdate") != 0 && strcmp(type, "OnDelete") != 0) {
			tk_node_error(doc->file, tk_get(st, "type"), &d, "unknown updateStrategy type '%s'", type);
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
		r->on_delete = strcmp(type, "OnDelete") == 0;
		if (*pmp && strcmp(pmp, "OrderedReady") != 0 && strcmp(pmp, "Parallel") != 0) {
			tk_node_error(doc->file, tk_get(spec, "podManagementPolicy"), &d,
				      "unknown podManagementPolicy '%s'", pmp);
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
		r->parallel = strcmp(pmp, "Parallel") == 0;
		if (ru && ru->kind == TK_MAP &&
		    tk_get_int(doc->file, ru, "partition", false, 0, 1000000, &part, &d) < 0) {
			tk_doc_free(doc);
			tk_fatal_diag(&d);
		}
		r->partition = (long)part;
		/* getStatefulSetMaxUnavailable: default 1, a percentage rounds
		 * down, never below 1 */
		r->sts_max_unavailable = 1;
		if (ru && ru->kind == TK_MAP && tk_get(ru, "maxUnavailable") &&
		    tk_get(ru, "maxUnavailable")->kind != TK_NULL) {
			struct dm_intstr mu;
			int64_t v;
			const char *err;

			read_intstr(doc, ru, "maxUnavailable", &mu);
			if (dm_scaled_value(&mu, replicas, false, &v, &err) == 0)
				r->sts_max_unavailable = v < 1 ? 1 : v > INT32_MAX ? INT32_MAX : (int32_t)v;
		}
	}
}

/* ---- one run ---- */

struct run {
	struct rollout *r;
	struct sim s;
	struct sc_podspec *pod;      /* the variant rolled out */
	bool mlk;                    /* its constraints have matchLabelKeys */
	int32_t created;             /* new pods so far (Deployment: replicas 0..created-1) */
	bool *exists;                /* StatefulSet: new pod of ordinal i created */
	struct sc_volmask *masks;
	size_t nmasks;
	int32_t *rank;               /* per node + 1 (unbound last) */
	json_t *steps;
	size_t nsteps, npending_steps;
	json_t *pending_steps;
};

static void count_pending(struct run *u, json_t *step)
{
	json_t *reasons = json_object(), *arr = json_array();
	const char *key;
	json_t *v;
	size_t i, pending = 0;

	for (i = 0; i < u->s.nrep; i++) {
		bool exists = u->r->sts ? u->exists[i] : (int32_t)i < u->created;

		if (!exists || u->s.node_of[i] >= 0 || !u->s.pending_reason[i])
			continue;
		pending++;
		v = json_object_get(reasons, u->s.pending_reason[i]);
		json_object_set_new(reasons, u->s.pending_reason[i],
				    json_integer(v ? json_integer_value(v) + 1 : 1));
	}
	json_object_foreach(reasons, key, v) {
		json_t *e = json_object();

		json_object_set_new(e, "reason", json_string(key));
		json_object_set(e, "replicas", v);
		json_array_append_new(arr, e);
	}
	json_decref(reasons);
	json_object_set_new(step, "pending", json_integer((json_int_t)pending));
	json_object_set_new(step, "pendingReasons", arr);
	if (pending) {
		u->npending_steps++;
		json_array_append_new(u->pending_steps, json_integer((json_int_t)u->nsteps));
	}
}

/* Per constraint of the new pods: the workload's pods per eligible domain
 * (old and new), the new ones, and the skew of each, as pts_skew measures. */
static json_t *domains_json(struct run *u)
{
	struct pts_state *st = &u->s.groups[0]->st;
	struct sc_cluster *c = u->r->c;
	json_t *arr = json_array();
	uint32_t i, dm;
	size_t j;

	pts_prefilter(st);
	for (i = 0; i < st->n; i++) {
		const struct pts_constraint *k = &st->k[i];
		int64_t *all = xcalloc(k->ndom + 1, sizeof(*all)), *nw = xcalloc(k->ndom + 1, sizeof(*nw));
		int64_t lo = INT64_MAX, hi = 0, nlo = INT64_MAX, nhi = 0;
		json_t *o = json_object(), *counts = json_object(), *ncounts = json_object();
		bool list_zero = k->ndomseen <= 100;

		for (j = 0; j < u->r->nold; j++) {
			int32_t n = c->pods[u->r->old[j].idx].node;

			if (!u->r->old[j].gone && n >= 0 && k->domseen[k->dom[n]])
				all[k->dom[n]]++;
		}
		for (j = 0; j < u->s.nrep; j++) {
			int32_t n = u->s.node_of[j];

			if (n >= 0 && k->domseen[k->dom[n]]) {
				all[k->dom[n]]++;
				nw[k->dom[n]]++;
			}
		}
		for (dm = 0; dm < k->ndom; dm++) {
			if (!k->domseen[dm])
				continue;
			lo = all[dm] < lo ? all[dm] : lo;
			hi = all[dm] > hi ? all[dm] : hi;
			nlo = nw[dm] < nlo ? nw[dm] : nlo;
			nhi = nw[dm] > nhi ? nw[dm] : nhi;
			if (all[dm] || list_zero)
				json_object_set_new(counts, k->domval[dm], json_integer(all[dm]));
			if (nw[dm] || list_zero)
				json_object_set_new(ncounts, k->domval[dm], json_integer(nw[dm]));
		}
		if (lo == INT64_MAX || k->ndomseen < (uint32_t)k->min_domains)
			lo = 0;
		if (nlo == INT64_MAX || k->ndomseen < (uint32_t)k->min_domains)
			nlo = 0;
		json_object_set_new(o, "topologyKey", json_string(k->key));
		json_object_set_new(o, "whenUnsatisfiable", json_string(k->hard ? "DoNotSchedule" : "ScheduleAnyway"));
		json_object_set_new(o, "maxSkew", json_integer(k->max_skew));
		json_object_set_new(o, "skew", json_integer(hi - lo));
		json_object_set_new(o, "newSkew", json_integer(nhi - nlo));
		json_object_set_new(o, "counts", counts);
		json_object_set_new(o, "newCounts", ncounts);
		json_array_append_new(arr, o);
		free(all);
		free(nw);
	}
	return arr;
}

static json_t *new_step(struct run *u, const char *action)
{
	json_t *step = json_object();

	u->nsteps++;
	json_object_set_new(step, "step", json_integer((json_int_t)u->nsteps));
	json_object_set_new(step, "action", json_string(action));
	return step;
}

static void end_step(struct run *u, json_t *step, json_t *placed, json_t *deleted)
{
	json_object_set_new(step, "placed", placed ? placed : json_array());
	json_object_set_new(step, "deleted", deleted ? deleted : json_array());
	count_pending(u, step);
	json_object_set_new(step, "domains", domains_json(u));
	json_array_append_new(u->steps, step);
}

static json_t *placement(struct run *u, size_t i)
{
	json_t *e = json_object();

	json_object_set_new(e, "replica", json_integer((json_int_t)i));
	if (u->r->sts) {
		char *name = xasprintf("%s-%zu", u->r->pod->name, i);

		json_object_set_new(e, "pod", json_string(name));
		free(name);
	}
	json_object_set_new(e, "node", u->s.node_of[i] >= 0 ? json_string(u->r->c->nodes[u->s.node_of[i]].name)
							  : json_null());
	return e;
}

/* Schedule new pods [from, to) in order (Deployment). Identical pods:
 * after one stays Pending, the rest would too (nothing changed), so they
 * take its reason without a cycle of their own. */
static void schedule_range(struct run *u, size_t from, size_t to, json_t *placed)
{
	const char *failed = NULL;
	size_t i;

	for (i = from; i < to; i++) {
		if (u->s.node_of[i] >= 0)
			continue;
		if (failed) {
			free(u->s.pending_reason[i]);
			u->s.pending_reason[i] = xstrdup(failed);
			continue;
		}
		if (sim_schedule_one(&u->s, i))
			json_array_append_new(placed, placement(u, i));
		else
			failed = u->s.pending_reason[i];
	}
}

/* An old pod goes: its node's resources and every group's counts. */
static void delete_old(struct run *u, struct old_pod *o, json_t *deleted)
{
	struct sc_cluster *c = u->r->c;
	struct sc_pod *p = &c->pods[o->idx];
	json_t *e = json_object();
	size_t g;

	o->gone = true;
	json_object_set_new(e, "pod", json_string(o->name));
	json_object_set_new(e, "node", p->node >= 0 ? json_string(c->nodes[p->node].name) : json_null());
	json_array_append_new(deleted, e);
	if (p->node < 0)
		return;
	sc_node_charge_pod(c, &c->nodes[p->node], p, -1);
	for (g = 0; g < u->s.ngroups; g++) {
		pts_add_pod_lset(&u->s.groups[g]->st, (uint32_t)p->node, p->lset, -1);
		ipa_add_pod(&u->s.groups[g]->ch.ipa, (uint32_t)p->node, p->ns, p->lset,
			    sc_pod_anti_terms(c, o->idx), -1);
		sc_nodevols_delete_pod(&u->s.groups[g]->ch.nv, (uint32_t)o->idx);
	}
}

static bool after_or_zero(int64_t a, int64_t b)
{
	if (!a || !b)
		return !a;
	return a > b;
}

static struct run *sort_run;   /* qsort has no argument */

static int32_t rank_of(const struct run *u, const struct old_pod *o)
{
	int32_t n = u->r->c->pods[o->idx].node;

	return u->rank[n >= 0 ? (size_t)n : u->r->c->nnodes];
}

/* ActivePodsWithRanks.Less (controller_utils.go), without
 * LogarithmicScaleDown's bucketing (its "now" is not in a dump) */
static int deletion_order(const void *a, const void *b)
{
	const struct old_pod *x = *(struct old_pod *const *)a, *y = *(struct old_pod *const *)b;
	const struct sc_cluster *c = sort_run->r->c;
	bool xa = c->pods[x->idx].node >= 0, ya = c->pods[y->idx].node >= 0;
	int32_t rx, ry;

	if (xa != ya)
		return xa ? 1 : -1;
	if (x->phase != y->phase)
		return x->phase < y->phase ? -1 : 1;
	if (x->ready != y->ready)
		return x->ready ? 1 : -1;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	rx = rank_of(sort_run, x);
	ry = rank_of(sort_run, y);
	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->ready && y->ready && x->ready_time != y->ready_time)
		return after_or_zero(x->ready_time, y->ready_time) ? -1 : 1;
	if (x->restarts != y->restarts)
		return x->restarts > y->restarts ? -1 : 1;
	if (x->created != y->created)
		return after_or_zero(x->created, y->created) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* getPodsToDelete for old ReplicaSet rs scaled down by diff: ranks count
 * the Deployment's active pods (old and new) on the same node */
static void scale_down_rs(struct run *u, int32_t rs, int32_t diff, json_t *deleted)
{
	struct rollout *r = u->r;
	struct sc_cluster *c = r->c;
	struct old_pod **pods = xcalloc(r->nold + 1, sizeof(*pods));
	size_t i, n = 0;

	memset(u->rank, 0, (c->nnodes + 1) * sizeof(*u->rank));
	for (i = 0; i < r->nold; i++) {
		int32_t node = c->pods[r->old[i].idx].node;

		if (r->old[i].gone)
			continue;
		u->rank[node >= 0 ? (size_t)node : c->nnodes]++;
		if (r->old[i].rs == rs)
			pods[n++] = &r->old[i];
	}
	for (i = 0; i < (size_t)u->created; i++)
		u->rank[u->s.node_of[i] >= 0 ? (size_t)u->s.node_of[i] : c->nnodes]++;
	sort_run = u;
	if ((size_t)diff < n)
		qsort(pods, n, sizeof(*pods), deletion_order);
	for (i = 0; i < n && i < (size_t)diff; i++)
		delete_old(u, pods[i], deleted);
	free(pods);
}

static void rs_counts(struct run *u, struct dm_rs *old, struct dm_rs *nrs)
{
	size_t i;

	for (i = 0; i < u->r->nrs; i++)
		old[i].replicas = old[i].available = 0;
	for (i = 0; i < u->r->nold; i++) {
		const struct old_pod *o = &u->r->old[i];

		if (o->gone)
			continue;
		old[o->rs].replicas++;
		old[o->rs].available += o->available;
	}
	nrs->replicas = u->created;
	nrs->available = 0;
	for (i = 0; i < (size_t)u->created; i++)
		nrs->available += u->s.node_of[i] >= 0;
}

static char *rs_name(const struct run *u, const char *hash)
{
	return xasprintf("%s-%s", u->r->pod->name, hash);
}

/* rolloutRolling / rolloutRecreate, one sync per step */
static void run_deployment(struct run *u)
{
	struct rollout *r = u->r;
	struct dm_rs *old = xcalloc(r->nrs + 1, sizeof(*old)), *all = xcalloc(r->nrs + 2, sizeof(*all));
	struct dm_rs nrs;
	const char *new_hash = sc_lset_get(&r->c->lsets[u->pod->lset], sc_intern_str(&r->c->strs, "pod-template-hash"));
	size_t i, guard = 0;

	for (;;) {
		int32_t target, *before = xcalloc(r->nrs + 1, sizeof(*before)), *cleaned;
		json_t *step, *placed, *deleted;
		char *name;

		rs_counts(u, old, &nrs);
		if (++guard > 4 * (size_t)r->d.replicas + 4 * r->nold + 16) {
			free(before);
			break;   /* cannot happen: every step moves a count */
		}
		if (r->d.strategy == DM_RECREATE) {
			int32_t nold = 0;

			for (i = 0; i < r->nrs; i++)
				nold += old[i].replicas;
			if (nold) {
				step = new_step(u, "scale-down");
				deleted = json_array();
				for (i = 0; i < r->nrs; i++) {
					if (!old[i].replicas)
						continue;
					scale_down_rs(u, (int32_t)i, old[i].replicas, deleted);
				}
				json_object_set_new(step, "replicaSet", json_string("old"));
				json_object_set_new(step, "from", json_integer(nold));
				json_object_set_new(step, "to", json_integer(0));
				end_step(u, step, NULL, deleted);
				free(before);
				continue;
			}
		}
		memcpy(all, old, r->nrs * sizeof(*old));
		all[r->nrs] = nrs;
		target = r->d.strategy == DM_RECREATE ? r->d.replicas : dm_reconcile_new(&r->d, all, (int)r->nrs + 1, &nrs);
		if (target > nrs.replicas) {
			step = new_step(u, "scale-up");
			placed = json_array();
			name = rs_name(u, new_hash ? new_hash : "new");
			json_object_set_new(step, "replicaSet", json_string(name));
			free(name);
			json_object_set_new(step, "from", json_integer(nrs.replicas));
			json_object_set_new(step, "to", json_integer(target));
			u->created = target;
			schedule_range(u, (size_t)nrs.replicas, (size_t)target, placed);
			end_step(u, step, placed, NULL);
			free(before);
			continue;
		}
		if (r->d.strategy == DM_RECREATE) {
			free(before);
			break;
		}
		for (i = 0; i < r->nrs; i++)
			before[i] = old[i].replicas;
		cleaned = xcalloc(r->nrs + 1, sizeof(*cleaned));
		if (dm_reconcile_old(&r->d, old, (int)r->nrs, &nrs, cleaned) > 0) {
			int32_t from = 0, to = 0;

			step = new_step(u, "scale-down");
			deleted = json_array();
			placed = json_array();
			for (i = 0; i < r->nrs; i++) {
				from += before[i];
				to += old[i].replicas;
				if (before[i] > old[i].replicas)
					scale_down_rs(u, (int32_t)i, before[i] - old[i].replicas, deleted);
			}
			json_object_set_new(step, "replicaSet", json_string("old"));
			json_object_set_new(step, "from", json_integer(from));
			json_object_set_new(step, "to", json_integer(to));
			/* pod deletions wake the scheduler's unschedulable pods */
			schedule_range(u, 0, (size_t)u->created, placed);
			end_step(u, step, placed, deleted);
			free(cleaned);
			free(before);
			continue;
		}
		free(cleaned);
		free(before);
		break;
	}
	free(old);
	free(all);
}

static struct old_pod *sts_pod(struct run *u, long ordinal)
{
	size_t i;

	for (i = 0; i < u->r->nold; i++)
		if (!u->r->old[i].gone && u->r->old[i].ordinal == ordinal)
			return &u->r->old[i];
	return NULL;
}

/* create the missing pod of ordinal i */
static bool sts_create(struct run *u, size_t i)
{
	json_t *step = new_step(u, "create"), *placed = json_array();
	bool ok;

	json_object_set_new(step, "ordinal", json_integer((json_int_t)i));
	json_object_set_new(step, "ordinals", json_array());
	u->exists[i] = true;
	ok = sim_schedule_one(&u->s, i);
	if (ok)
		json_array_append_new(placed, placement(u, i));
	end_step(u, step, placed, NULL);
	return ok;
}

/* updateStatefulSet with the default maxUnavailable of 1 */
static void run_statefulset(struct run *u)
{
	struct rollout *r = u->r;
	size_t i;
	bool blocked = false;

	/* condemned pods (ordinal >= replicas) go, highest first */
	for (i = 0; i < r->nold; i++) {
		struct old_pod *o = NULL;
		size_t j;

		for (j = 0; j < r->nold; j++)
			if (!r->old[j].gone && r->old[j].ordinal >= r->replicas && (!o || r->old[j].ordinal > o->ordinal))
				o = &r->old[j];
		if (!o)
			break;
		{
			json_t *step = new_step(u, "delete"), *deleted = json_array();

			json_object_set_new(step, "ordinal", json_integer(o->ordinal));
			json_object_set_new(step, "ordinals", json_pack("[I]", (json_int_t)o->ordinal));
			delete_old(u, o, deleted);
			end_step(u, step, NULL, deleted);
		}
	}
	/* missing ordinals */
	for (i = 0; i < (size_t)r->replicas; i++) {
		if (sts_pod(u, (long)i))
			continue;
		if (!sts_create(u, i) && !r->parallel) {
			blocked = true;   /* OrderedReady waits for Running and Ready */
			break;
		}
	}
	/* OrderedReady: any pod that is not Running and Ready stops the sync */
	for (i = 0; !blocked && !r->parallel && i < (size_t)r->replicas; i++) {
		const struct old_pod *o = sts_pod(u, (long)i);

		if ((u->exists[i] && u->s.node_of[i] < 0) || (o && !o->available))
			blocked = true;
	}
	if (blocked || r->on_delete)
		return;
	/* rolling update (updateStatefulSetAfterInvariantEstablished, the
	 * MaxUnavailableStatefulSet gate on since 1.35): while fewer than
	 * maxUnavailable pods are unavailable, delete old pods from the highest
	 * ordinal down to the partition; the controller recreates them in
	 * ordinal order (OrderedReady: one at a time, waiting for each) */
	for (;;) {
		int32_t unavailable = 0, want;
		size_t *batch = xcalloc((size_t)r->replicas + 1, sizeof(*batch)), nb = 0, k;
		json_t *step, *placed, *deleted, *ords;

		for (i = 0; i < (size_t)r->replicas; i++) {
			const struct old_pod *o = sts_pod(u, (long)i);

			if (o ? !o->available : !u->exists[i] || u->s.node_of[i] < 0)
				unavailable++;
		}
		/* OrderedReady: any pod not Running and Ready ends the sync before
		 * the update (processReplica is monotonic) */
		want = !r->parallel && unavailable ? 0 : r->sts_max_unavailable - unavailable;
		for (i = (size_t)r->replicas; want > 0 && i-- > (size_t)r->partition;) {
			if (sts_pod(u, (long)i)) {
				batch[nb++] = i;
				want--;
			}
		}
		if (!nb) {
			free(batch);
			return;
		}
		step = new_step(u, "replace");
		placed = json_array();
		deleted = json_array();
		ords = json_array();
		json_object_set_new(step, "ordinal", json_integer((json_int_t)batch[0]));
		for (k = 0; k < nb; k++) {
			json_array_append_new(ords, json_integer((json_int_t)batch[k]));
			delete_old(u, sts_pod(u, (long)batch[k]), deleted);
		}
		json_object_set_new(step, "ordinals", ords);
		blocked = false;
		for (k = nb; k-- > 0;) {
			i = batch[k];
			if (blocked)
				continue;   /* OrderedReady: not created until the one before runs */
			u->exists[i] = true;
			if (sim_schedule_one(&u->s, i))
				json_array_append_new(placed, placement(u, i));
			else if (!r->parallel)
				blocked = true;
		}
		end_step(u, step, placed, deleted);
		free(batch);
	}
}

/* The constraints with matchLabelKeys toggled: removed where present, or
 * the revision label added to every one with a labelSelector. */
static void toggle_mlk(struct rollout *r, const struct sc_podspec *src, struct sc_podspec *dst, bool has_mlk)
{
	const char *key = sc_intern_str(&r->c->strs, r->sts ? "controller-revision-hash" : "pod-template-hash");
	uint32_t i;

	*dst = *src;
	dst->tsc = xcalloc(src->ntsc + 1, sizeof(*dst->tsc));
	for (i = 0; i < src->ntsc; i++) {
		dst->tsc[i] = src->tsc[i];
		dst->tsc[i].match_label_keys = NULL;
		dst->tsc[i].nmlk = 0;
		if (!has_mlk && !src->tsc[i].sel.nothing) {
			dst->tsc[i].match_label_keys = xcalloc(1, sizeof(*dst->tsc[i].match_label_keys));
			dst->tsc[i].match_label_keys[0] = key;
			dst->tsc[i].nmlk = 1;
		}
	}
}

static void untoggle(struct sc_podspec *dst)
{
	uint32_t i;

	for (i = 0; i < dst->ntsc; i++)
		free(dst->tsc[i].match_label_keys);
	free(dst->tsc);
}

static void save_usage(struct rollout *r, bool restore)
{
	size_t n, k = 0, total = 0;
	uint32_t j;

	if (!restore) {
		r->saved = xcalloc(3 * r->c->nnodes + 1, sizeof(*r->saved));
		r->saved_nres = xcalloc(r->c->nnodes + 1, sizeof(*r->saved_nres));
		for (n = 0; n < r->c->nnodes; n++)
			total += r->c->nodes[n].nres;
		r->saved_res = xcalloc(total + 1, sizeof(*r->saved_res));
	}
	for (n = 0; n < r->c->nnodes; n++) {
		struct sc_nodeinfo *nd = &r->c->nodes[n];

		if (restore) {
			nd->req_cpu = r->saved[3 * n];
			nd->req_mem = r->saved[3 * n + 1];
			nd->npods = r->saved[3 * n + 2];
			/* entries added since were charged by the run alone */
			for (j = 0; j < nd->nres; j++)
				nd->res[j].req = j < r->saved_nres[n] ? r->saved_res[k + j] : 0;
			k += r->saved_nres[n];
		} else {
			r->saved[3 * n] = nd->req_cpu;
			r->saved[3 * n + 1] = nd->req_mem;
			r->saved[3 * n + 2] = nd->npods;
			r->saved_nres[n] = nd->nres;
			for (j = 0; j < nd->nres; j++)
				r->saved_res[k++] = nd->res[j].req;
		}
	}
	for (n = 0; restore && n < r->nold; n++)
		r->old[n].gone = false;
}

/* Roll pod out; returns the report of the run. */
static json_t *run_once(struct rollout *r, struct sc_podspec *pod, const struct pts_defaults *defs,
			const struct pts_objects *objs, const struct sim_opts *o, bool mlk)
{
	struct run u;
	json_t *root = json_object(), *pend = json_array();
	size_t i, n, scheduled = 0, created = 0;

	memset(&u, 0, sizeof(u));
	u.r = r;
	u.pod = pod;
	u.mlk = mlk;
	n = (size_t)r->replicas;
	sim_init(&u.s, r->c, pod, defs, objs, o, n);
	u.exists = xcalloc(n + 1, sizeof(*u.exists));
	u.rank = xcalloc(r->c->nnodes + 1, sizeof(*u.rank));
	u.steps = json_array();
	u.pending_steps = json_array();
	/* volume masks: one for the template's claims, or one per ordinal */
	u.nmasks = r->sts && pod->nvct ? n : 1;
	u.masks = xcalloc(u.nmasks + 1, sizeof(*u.masks));
	u.s.vol_of = xcalloc(n + 1, sizeof(*u.s.vol_of));
	for (i = 0; i < u.nmasks; i++) {
		const char **claims, **classes;
		uint32_t nnew, nc = sc_pod_claims(r->c, pod, r->sts, (long)i, &claims, &classes, &nnew);

		sc_volmask_build(r->c, pod->ns, claims, nc, nnew, classes, &u.masks[i]);
		free(claims);
		free(classes);
	}
	for (i = 0; i < n; i++) {
		u.s.node_of[i] = -1;
		u.s.vol_of[i] = &u.masks[u.nmasks == 1 ? 0 : i];
	}
	if (r->sts)
		run_statefulset(&u);
	else
		run_deployment(&u);

	for (i = 0; i < n; i++) {
		bool exists = r->sts ? u.exists[i] : (int32_t)i < u.created;

		if (!exists)
			continue;
		created++;
		if (u.s.node_of[i] >= 0) {
			scheduled++;
		} else {
			json_t *e = json_object();

			json_object_set_new(e, "replica", json_integer((json_int_t)i));
			json_object_set_new(e, "reason", json_string(u.s.pending_reason[i] ? u.s.pending_reason[i] : ""));
			json_array_append_new(pend, e);
		}
	}
	{
		size_t left = 0;
		bool complete = created == scheduled;

		for (i = 0; i < r->nold; i++)
			left += !r->old[i].gone;
		/* complete: every replica runs at the new revision (a StatefulSet:
		 * below the partition, or with OnDelete, at either) */
		for (i = 0; i < n && complete; i++) {
			const struct old_pod *old = r->sts ? sts_pod(&u, (long)i) : NULL;
			bool at_new = u.exists[i] || (!r->sts && i < (size_t)u.created);

			if (r->sts && (i < (size_t)r->partition || r->on_delete))
				complete = (at_new && u.s.node_of[i] >= 0) || (old && old->available);
			else
				complete = at_new && u.s.node_of[i] >= 0;
		}
		if (!r->sts && left)
			complete = false;
		json_object_set_new(root, "matchLabelKeys", json_boolean(mlk));
		json_object_set_new(root, "complete", json_boolean(complete));
		json_object_set_new(root, "stepCount", json_integer((json_int_t)u.nsteps));
		json_object_set_new(root, "created", json_integer((json_int_t)created));
		json_object_set_new(root, "scheduled", json_integer((json_int_t)scheduled));
		json_object_set_new(root, "pending", json_integer((json_int_t)(created - scheduled)));
		json_object_set_new(root, "oldPodsLeft", json_integer((json_int_t)left));
		json_object_set_new(root, "pendingSteps", u.pending_steps);
		json_object_set_new(root, "domains", domains_json(&u));
		json_object_set_new(root, "pendingReplicas", pend);
		json_object_set_new(root, "steps", u.steps);
	}
	sim_release(&u.s);
	for (i = 0; i < u.nmasks; i++)
		sc_volmask_release(&u.masks[i]);
	free(u.masks);
	free(u.exists);
	free(u.rank);
	return root;
}

/* ---- text ---- */

static void print_domains(json_t *doms, const char *indent)
{
	json_t *d, *v;
	size_t j;
	const char *key;

	json_array_foreach(doms, j, d) {
		json_t *nc = json_object_get(d, "newCounts");

		printf("%s%s (%s, maxSkew %lld): skew %lld, new pods' skew %lld:", indent,
		       tk_text_safe(json_string_value(json_object_get(d, "topologyKey"))),
		       tk_text_safe(json_string_value(json_object_get(d, "whenUnsatisfiable"))),
		       (long long)json_integer_value(json_object_get(d, "maxSkew")),
		       (long long)json_integer_value(json_object_get(d, "skew")),
		       (long long)json_integer_value(json_object_get(d, "newSkew")));
		json_object_foreach(json_object_get(d, "counts"), key, v)
			printf(" %s %lld/%lld", tk_text_safe(key), (long long)json_integer_value(v),
			       (long long)json_integer_value(json_object_get(nc, key)));
		printf("\n");
	}
}

static void print_run(json_t *run, const char *title)
{
	json_t *st, *e;
	size_t i, j;

	printf("%s: %s after %lld step(s), %lld/%lld new pods scheduled, %lld pending, %lld old pod(s) left\n",
	       title, json_is_true(json_object_get(run, "complete")) ? "complete" : "stalled",
	       (long long)json_integer_value(json_object_get(run, "stepCount")),
	       (long long)json_integer_value(json_object_get(run, "scheduled")),
	       (long long)json_integer_value(json_object_get(run, "created")),
	       (long long)json_integer_value(json_object_get(run, "pending")),
	       (long long)json_integer_value(json_object_get(run, "oldPodsLeft")));
	print_domains(json_object_get(run, "domains"), "  ");
	json_array_foreach(json_object_get(run, "pendingReplicas"), i, e)
		printf("  pending replica %lld: %s\n", (long long)json_integer_value(json_object_get(e, "replica")),
		       tk_text_safe(json_string_value(json_object_get(e, "reason"))));
	(void)st;
	(void)j;
}

static void print_text(json_t *root)
{
	json_t *w = json_object_get(root, "workload"), *s = json_object_get(root, "strategy");
	json_t *run = json_object_get(root, "rollout"), *st, *e;
	size_t i, j;

	printf("%s %s/%s: rollout of %lld replica(s) over %lld old pod(s), %s",
	       tk_text_safe(json_string_value(json_object_get(w, "kind"))),
	       tk_text_safe(json_string_value(json_object_get(w, "namespace"))),
	       tk_text_safe(json_string_value(json_object_get(w, "name"))),
	       (long long)json_integer_value(json_object_get(root, "replicas")),
	       (long long)json_integer_value(json_object_get(root, "oldPods")),
	       tk_text_safe(json_string_value(json_object_get(s, "type"))));
	if (json_object_get(s, "maxSurge") || !json_object_get(s, "podManagementPolicy"))
		printf(" (maxSurge %lld, maxUnavailable %lld)", (long long)json_integer_value(json_object_get(s, "maxSurge")),
		       (long long)json_integer_value(json_object_get(s, "maxUnavailable")));
	if (json_object_get(s, "podManagementPolicy"))
		printf(" (partition %lld, maxUnavailable %lld, %s)",
		       (long long)json_integer_value(json_object_get(s, "partition")),
		       (long long)json_integer_value(json_object_get(s, "maxUnavailable")),
		       tk_text_safe(json_string_value(json_object_get(s, "podManagementPolicy"))));
	printf("\n");
	json_array_foreach(json_object_get(run, "steps"), i, st) {
		json_t *ord = json_object_get(st, "ordinal");

		printf("step %lld: %s", (long long)json_integer_value(json_object_get(st, "step")),
		       tk_text_safe(json_string_value(json_object_get(st, "action"))));
		if (ord)
			printf(" ordinal %lld", (long long)json_integer_value(ord));
		if (json_object_get(st, "replicaSet"))
			printf(" %s %lld -> %lld", tk_text_safe(json_string_value(json_object_get(st, "replicaSet"))),
			       (long long)json_integer_value(json_object_get(st, "from")),
			       (long long)json_integer_value(json_object_get(st, "to")));
		printf(": %zu placed, %zu deleted, %lld pending\n", json_array_size(json_object_get(st, "placed")),
		       json_array_size(json_object_get(st, "deleted")),
		       (long long)json_integer_value(json_object_get(st, "pending")));
		json_array_foreach(json_object_get(st, "pendingReasons"), j, e)
			printf("  %lld pending: %s\n", (long long)json_integer_value(json_object_get(e, "replicas")),
			       tk_text_safe(json_string_value(json_object_get(e, "reason"))));
		print_domains(json_object_get(st, "domains"), "  ");
	}
	print_run(run, json_is_true(json_object_get(run, "matchLabelKeys")) ? "with matchLabelKeys" : "without matchLabelKeys");
	run = json_object_get(root, "comparison");
	print_run(run, json_is_true(json_object_get(run, "matchLabelKeys")) ? "compared with matchLabelKeys"
									    : "compared without matchLabelKeys");
}

/* ---- the command ---- */

static json_t *strategy_json(const struct rollout *r)
{
	json_t *s = json_object();

	if (r->sts) {
		json_object_set_new(s, "type", json_string(r->on_delete ? "OnDelete" : "RollingUpdate"));
		json_object_set_new(s, "partition", json_integer(r->partition));
		json_object_set_new(s, "maxUnavailable", json_integer(r->sts_max_unavailable));
		json_object_set_new(s, "podManagementPolicy", json_string(r->parallel ? "Parallel" : "OrderedReady"));
	} else {
		json_object_set_new(s, "type", json_string(r->d.strategy == DM_RECREATE ? "Recreate" : "RollingUpdate"));
		if (r->d.strategy == DM_ROLLING_UPDATE) {
			json_object_set_new(s, "maxSurge", json_integer(dm_max_surge(&r->d)));
			json_object_set_new(s, "maxUnavailable", json_integer(dm_max_unavailable(&r->d)));
		}
	}
	return s;
}

int sim_rollout(struct sim_opts *o)
{
	struct sc_cluster c;
	struct sc_podspec pod, other;
	struct pts_defaults defs;
	struct pts_objects objs;
	struct rollout r;
	struct tk_doc *doc;
	struct tk_diag d;
	const struct tk_node *item;
	json_t *root, *w, *first, *second;
	bool has_mlk = false;
	int rc;
	uint32_t i;

	if (o->nfail) {
		free(o->fail);
		tk_usage_error("--rollout and --fail cannot be combined");
	}
	if (o->in.out != TK_OUT_JSON && o->in.out != TK_OUT_TEXT)
		tk_usage_error("--rollout reports as json or text");
	sc_cluster_init(&c);
	memset(&objs, 0, sizeof(objs));
	memset(&r, 0, sizeof(r));
	memset(&d, 0, sizeof(d));
	/* the workload first: the pod hook keeps only its pods' details */
	doc = tk_doc_load(o->workload, NULL, &d);
	if (!doc)
		tk_fatal_diag(&d);
	if (doc->nitems != 1) {
		if (doc->nitems > 1)
			tk_node_error(doc->file, doc->items[1], &d, "--rollout takes one Deployment or StatefulSet, not %zu objects",
				      doc->nitems);
		else
			tk_diag_set(&d, doc->file, 0, 0, "no object found");
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	item = doc->items[0];
	c.check_selectors = true;
	if (sc_podspec_from_node(&c, &pod, doc->file, item, &d) < 0) {
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	c.check_selectors = false;
	if (strcmp(pod.kind, "Deployment") != 0 && strcmp(pod.kind, "StatefulSet") != 0) {
		tk_node_error(doc->file, item, &d, "--rollout needs a Deployment or a StatefulSet, not %s", pod.kind);
		sc_podspec_release(&pod);
		tk_doc_free(doc);
		tk_fatal_diag(&d);
	}
	r.c = &c;
	r.pod = &pod;
	r.sts = strcmp(pod.kind, "StatefulSet") == 0;
	read_strategy(&r, doc, item, o->replicas >= 0 ? (int32_t)o->replicas : pod.replicas >= 0 ? pod.replicas : 1);
	/* the strategy's percentages point into doc: keep them as strings of c */
	if (r.d.max_surge.is_string)
		r.d.max_surge.sval = sc_intern_str(&c.strs, r.d.max_surge.sval);
	if (r.d.max_unavailable.is_string)
		r.d.max_unavailable.sval = sc_intern_str(&c.strs, r.d.max_unavailable.sval);
	tk_doc_free(doc);

	c.pod_hook = pod_hook;
	c.pod_hook_arg = &r;
	sc_must_load_nodes_pods(&c, &o->in, &objs);
	c.pod_hook = NULL;
	sc_must_load_defaults(&c, o->in.defaults, &defs);
	sc_must_load_objects(&c, o->in.objects, &objs);
	if (!r.sts)
		group_replica_sets(&r);
	sim_add_template_hash(&c, &pod, 0);
	if (r.sts) {
		/* the new revision's pods carry a controller-revision-hash of their own */
		const struct sc_lset *ls = &c.lsets[pod.lset];
		struct sc_label *l = xcalloc(ls->n + 1, sizeof(*l));
		const char *key = sc_intern_str(&c.strs, "controller-revision-hash");
		uint32_t j, n = 0;

		for (j = 0; j < ls->n; j++)
			if (ls->l[j].key != key)
				l[n++] = ls->l[j];
		l[n].key = key;
		l[n].val = sc_intern_str(&c.strs, "simulated");
		pod.lset = sc_lset_intern(&c, l, n + 1);
		free(l);
	}
	sc_workload_owner(&c, &pod, &objs);
	for (i = 0; i < pod.ntsc; i++)
		has_mlk |= pod.tsc[i].nmlk > 0;
	toggle_mlk(&r, &pod, &other, has_mlk);

	save_usage(&r, false);
	first = run_once(&r, &pod, &defs, &objs, o, has_mlk);
	save_usage(&r, true);
	second = run_once(&r, &other, &defs, &objs, o, !has_mlk);

	root = json_object();
	w = json_object();
	json_object_set_new(w, "kind", json_string(pod.kind));
	json_object_set_new(w, "namespace", json_string(pod.ns));
	json_object_set_new(w, "name", json_string(pod.name));
	json_object_set_new(root, "workload", w);
	json_object_set_new(root, "strategy", strategy_json(&r));
	json_object_set_new(root, "replicas", json_integer(r.replicas));
	json_object_set_new(root, "oldPods", json_integer((json_int_t)r.nold));
	json_object_set_new(root, "rollout", first);
	json_object_set_new(root, "comparison", second);
	json_object_del(second, "steps");
	if (o->in.out == TK_OUT_TEXT) {
		print_text(root);
		rc = fflush(stdout) == 0 ? 0 : -1;
	} else {
		rc = tk_emit_json(root, stdout);
	}
	rc = rc < 0 ? -1 : json_is_true(json_object_get(first, "complete")) ? TK_EXIT_OK : TK_EXIT_NO;
	json_decref(root);
	untoggle(&other);
	free(r.old);
	free(r.rs);
	free(r.saved);
	free(r.saved_res);
	free(r.saved_nres);
	free(o->fail);
	pts_objects_release(&objs);
	sc_defaults_release(&defs);
	sc_podspec_release(&pod);
	sc_cluster_release(&c);
	if (rc < 0)
		tk_fatal("write error");
	return rc;
}
