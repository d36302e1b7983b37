/* spread-check explain - explain kube-scheduler's FailedScheduling events
 * (Event objects, `kubectl describe pod` text); the reading and the message
 * tables are common/explain.c, shared with numa-verify --explain.
 *
 * With a cluster dump (--cluster, or --nodes and --pods) each recognised
 * FailedScheduling entry is re-derived for the pod it names: the pod's spec
 * is taken from the dump (pending pods only), every node runs the filter
 * chain (filters.h, as place and simulate run it), and the entry gets per
 * node the filter that rejected it with the domain counts, and the changes
 * that would let the pod schedule.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "clusterio.h"
#include "diag.h"
#include "doc.h"
#include "emit.h"
#include "exitcodes.h"
#include "explain.h"
#include "filters.h"
#include "nearmiss.h"
#include "podtopo.h"
#include "spread.h"
#include "volumes.h"
#include "xalloc.h"

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " spread-check explain [options] [FILE|-]\n"
	      "\n"
	      "Explain kube-scheduler's FailedScheduling messages in Event objects\n"
	      "(kubectl get events -o json, core/v1 or events.k8s.io/v1) or in\n"
	      "`kubectl describe pod` text: per reason, what it means, what to change,\n"
	      "and the spread-check command that re-derives a topology spread decision.\n"
	      "With a cluster dump, re-run the decision for the pod each event names:\n"
	      "per node the filter and the domain counts that rejected it, and what\n"
	      "would let it schedule. Kubelet admission messages are counted and left\n"
	      "to numa-verify --explain.\n"
	      "\n"
	      "Options:\n", stdout);
	sc_help_inputs(stdout, "pods (kubectl get pods -A -o json; a file)");
	sc_help_defaults(stdout);
	sc_help_tail(stdout, "everything explained", "a recognised scheduling or admission failure");
	exit(TK_EXIT_OK);
}

/* ---- the cluster and its pending pods ---- */

struct pending {
	const char *ns, *name;          /* interned */
	struct sc_podspec spec;
	bool ok;                        /* spec read (else err) */
	char err[1024];
	size_t order;                   /* position in the dump: the first of two same-named pods wins */
	json_t *result;                 /* the re-run, once however many events name the pod */
};

struct rederive {
	struct sc_cluster c;
	struct pts_defaults defs;
	struct pts_objects objs;
	struct sc_taint unsched;
	size_t n, cap;
	struct pending *p;              /* sorted by namespace, name, order after load */
};

/* A Pod of the dump that is not bound and not finished: one a
 * FailedScheduling event can name. Its spec is read as place reads the
 * incoming pod; a spec place would refuse is kept as the reason. */
static int pending_item(const struct tk_node *item, const char *file, void *arg)
{
	struct rederive *r = arg;
	const char *kind = tk_str(tk_get(item, "kind"));
	const char *node = tk_str(tk_path(item, "spec.nodeName"));
	const char *phase = tk_str(tk_path(item, "status.phase"));
	const char *ns = tk_str(tk_path(item, "metadata.namespace"));
	const char *name = tk_str(tk_path(item, "metadata.name"));
	struct pending *p;
	struct tk_diag d;

	if (!kind || strcmp(kind, "Pod") != 0 || (node && *node) || !name ||
	    (phase && (strcmp(phase, "Succeeded") == 0 || strcmp(phase, "Failed") == 0)))
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->p = xreallocarray(r->p, r->cap, sizeof(*r->p));
	}
	p = &r->p[r->n];
	memset(p, 0, sizeof(*p));
	p->order = r->n++;
	p->ns = sc_intern_str(&r->c.strs, ns && *ns ? ns : "default");
	p->name = sc_intern_str(&r->c.strs, name);
	memset(&d, 0, sizeof(d));
	r->c.check_selectors = true;
	p->ok = sc_podspec_from_node(&r->c, &p->spec, file, item, &d) == 0;
	r->c.check_selectors = false;
	if (!p->ok)
		snprintf(p->err, sizeof(p->err), "%s", d.msg);
	return 0;
}

static int pending_key_cmp(const char *ns, const char *name, const struct pending *p)
{
	int c = strcmp(ns, p->ns);

	return c ? c : strcmp(name, p->name);
}

static int pending_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	int c = pending_key_cmp(x->ns, x->name, y);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void load(struct rederive *r, const struct sc_inputs *in)
{
	struct tk_diag d;

	memset(r, 0, sizeof(*r));
	sc_cluster_init(&r->c);
	sc_must_load_nodes_pods(&r->c, in, &r->objs);
	sc_must_load_defaults(&r->c, in->defaults, &r->defs);
	sc_must_load_objects(&r->c, in->objects, &r->objs);
	r->unsched.key = sc_intern_str(&r->c.strs, "node.kubernetes.io/unschedulable");
	r->unsched.val = sc_intern_str(&r->c.strs, "");
	r->unsched.effect = SC_NO_SCHEDULE;
	if (!in->pods)
		return;
	memset(&d, 0, sizeof(d));
	if (tk_doc_stream(in->pods, NULL, pending_item, r, &d) < 0)
		tk_fatal_diag(&d);
	/* events name pods by namespace/name: sorted, each lookup is a bsearch
	 * (a dump and an event list of 10^5 pods each stay linear-logarithmic) */
	if (r->n)
		qsort(r->p, r->n, sizeof(*r->p), pending_cmp);
}

static void release(struct rederive *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		sc_podspec_release(&r->p[i].spec);
		json_decref(r->p[i].result);
	}
	free(r->p);
	pts_objects_release(&r->objs);
	sc_defaults_release(&r->defs);
	sc_cluster_release(&r->c);
}

static struct pending *find_pending(struct rederive *r, const char *object)
{
	const char *slash = strchr(object, '/');
	char *ns = slash ? xstrndup(object, (size_t)(slash - object)) : xstrdup("default");
	const char *name = slash ? slash + 1 : object;
	size_t lo = 0, hi = r->n;
	struct pending *found;

	/* the first entry not below (ns, name): the dump's first pod of that name */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pending_key_cmp(ns, name, &r->p[mid]) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	found = lo < r->n && pending_key_cmp(ns, name, &r->p[lo]) == 0 ? &r->p[lo] : NULL;
	free(ns);
	return found;
}

/* The volume plugins' verdict on node n in the user's terms: the inline
 * volume a pod there holds too, the ReadWriteOncePod claim in use, or the
 * CSI driver's attach count against its limit. */
static void volume_why(const struct sc_chain *ch, uint32_t n, json_t *o)
{
	static const char *const source[] = {
		[SC_PODVOL_GCE_PD] = "gcePersistentDisk", [SC_PODVOL_AWS_EBS] = "awsElasticBlockStore",
		[SC_PODVOL_RBD] = "rbd", [SC_PODVOL_ISCSI] = "iscsi",
	};
	struct sc_nodevols_why w;

	if (!sc_nodevols_why(&ch->nv, n, &w))
		return;
	if (w.disk && w.disk->kind < sizeof(source) / sizeof(source[0]) && source[w.disk->kind])
		json_object_set_new(o, "volume", json_pack("{s:s,s:s}", "source", source[w.disk->kind], "id", w.disk->id));
	else if (w.claim)
		json_object_set_new(o, "claim", json_string(w.claim));
	else if (w.driver)
		json_object_set_new(o, "attachLimit", json_pack("{s:s,s:I,s:I,s:I}", "driver", w.driver,
								"attached", (json_int_t)w.attached, "new", (json_int_t)w.fresh,
								"limit", (json_int_t)w.limit));
}

/* ---- one pod, every node ---- */

struct verdicts {
	bool *other_ok;        /* per node: passes every filter before PodTopologySpread */
};

static json_t *node_json(struct rederive *r, const struct sc_chain *ch, const char *rejected, uint32_t n,
			 bool *feasible)
{
	const struct sc_cluster *c = &r->c;
	const struct pts_state *st = ch->pts;
	json_t *o = json_object(), *reasons = json_array();
	struct sc_filter_verdict v;
	uint32_t i;
	size_t j;

	json_object_set_new(o, "name", json_string(c->nodes[n].name));
	*feasible = false;
	if (rejected) {
		/* a PreFilter rejected the pod: the same status on every node */
		json_object_set_new(o, "feasible", json_false());
		json_object_set_new(o, "plugin", json_string(ch->prefilter_plugin));
		json_array_append_new(reasons, json_string(rejected));
		json_object_set_new(o, "reasons", reasons);
		return o;
	}
	if (!sc_chain_filter(ch, n, &v)) {
		json_decref(reasons);
		json_object_set_new(o, "feasible", json_true());
		*feasible = true;
		return o;
	}
	json_object_set_new(o, "feasible", json_false());
	json_object_set_new(o, "plugin", json_string(v.plugin));
	for (j = 0; j < v.nreasons; j++)
		json_array_append_new(reasons, json_string(v.reasons[j]));
	json_object_set_new(o, "reasons", reasons);
	/* the scheduler's reason no longer names the taint; the user needs it */
	if (strcmp(v.plugin, "TaintToleration") == 0) {
		const struct sc_taint *t = sc_untolerated_taint(st->pod, &c->nodes[n]);

		if (t)
			json_object_set_new(o, "taint", json_pack("{s:s,s:s}", "key", t->key,
								   "value", t->val ? t->val : ""));
	}
	if (strcmp(v.plugin, "VolumeRestrictions") == 0 || strcmp(v.plugin, "NodeVolumeLimits") == 0)
		volume_why(ch, n, o);
	if (strcmp(v.plugin, "PodTopologySpread") != 0)
		return o;
	for (i = 0; i < st->nhard; i++) {
		const struct pts_constraint *k = &st->k[i];
		int64_t skew = 0, min = 0;
		json_t *kj;

		if (!pts_filter_constraint(st, i, n, &skew, &min))
			continue;
		kj = json_object();
		json_object_set_new(kj, "topologyKey", json_string(k->key));
		if (!k->has_key[n]) {
			json_object_set_new(kj, "missingLabel", json_true());
		} else {
			json_object_set_new(kj, "domain", json_string(k->domval[k->dom[n]]));
			json_object_set_new(kj, "matchNum", json_integer(k->domseen[k->dom[n]] ? k->domcnt[k->dom[n]] : 0));
			json_object_set_new(kj, "selfMatch", json_boolean(k->self_match));
			json_object_set_new(kj, "minMatch", json_integer(min));
			json_object_set_new(kj, "skew", json_integer(skew));
			json_object_set_new(kj, "maxSkew", json_integer(k->max_skew));
		}
		json_object_set_new(o, "constraint", kj);
		break;
	}
	return o;
}

/* Hard constraint i passes on node n when every other hard constraint is
 * taken as it is. */
static bool others_pass(const struct pts_state *st, uint32_t i, uint32_t n)
{
	uint32_t j;

	for (j = 0; j < st->nhard; j++)
		if (j != i && pts_filter_constraint(st, j, n, NULL, NULL))
			return false;
	return true;
}

/* What would let the pod schedule, per hard constraint: the label on the
 * nodes that lack it, a node in a domain that could take the pod but has
 * no node passing the other filters, the smallest maxSkew that makes a node
 * feasible, and minDomains when fewer domains exist. */
static void constraint_fixes(const struct pts_state *st, uint32_t i, const bool *other_ok, json_t *fixes)
{
	const struct sc_cluster *c = st->c;
	const struct pts_constraint *k = &st->k[i];
	json_t *missing = json_array(), *doms = json_array();
	int64_t emin = k->ndomseen < (uint32_t)k->min_domains ? 0 : k->min_match;
	int64_t self = k->self_match ? 1 : 0, best = -1, best_real = -1;
	bool *dom_has = xcalloc(k->ndom + 1, sizeof(bool));
	uint32_t n, dm;

	for (n = 0; n < c->nnodes; n++) {
		int64_t match;

		if (!other_ok[n])
			continue;
		if (!k->has_key[n]) {
			json_array_append_new(missing, json_string(c->nodes[n].name));
			continue;
		}
		dom_has[k->dom[n]] = true;
		if (!others_pass(st, i, n))
			continue;
		match = (k->domseen[k->dom[n]] ? k->domcnt[k->dom[n]] : 0) + self;
		if (best < 0 || match - emin < best)
			best = match - emin;
		if (best_real < 0 || match - k->min_match < best_real)
			best_real = match - k->min_match;
	}
	if (json_array_size(missing)) {
		json_t *f = json_pack("{s:s,s:s,s:o}", "change", "label", "topologyKey", k->key, "nodes", missing);
		json_t *near = sc_nearmiss_nodes(c, k->key), *keep = json_array(), *m;
		size_t j, l;

		/* the labels under another spelling on those same nodes */
		json_array_foreach(near, j, m) {
			const char *node = json_string_value(json_object_get(m, "node"));
			json_t *name;

			json_array_foreach(missing, l, name)
				if (node && strcmp(node, json_string_value(name)) == 0) {
					json_array_append(keep, m);
					break;
				}
		}
		json_decref(near);
		json_object_set_new(f, "nearMisses", keep);
		json_array_append_new(fixes, f);
	} else {
		json_decref(missing);
	}
	for (dm = 0; dm < k->ndom; dm++)
		if (k->domseen[dm] && !dom_has[dm] && k->domcnt[dm] + self - emin <= k->max_skew)
			json_array_append_new(doms, json_string(k->domval[dm]));
	if (json_array_size(doms) || k->ndomseen < (uint32_t)k->min_domains) {
		json_t *f = json_pack("{s:s,s:s,s:o}", "change", "addNode", "topologyKey", k->key, "domains", doms);

		/* a node with a new value counts 0 and raises the number of
		 * domains towards minDomains */
		if (k->ndomseen < (uint32_t)k->min_domains)
			json_object_set_new(f, "newDomains", json_integer(k->min_domains - (int)k->ndomseen));
		json_array_append_new(fixes, f);
	} else {
		json_decref(doms);
	}
	if (best > k->max_skew)
		json_array_append_new(fixes, json_pack("{s:s,s:s,s:i,s:I}", "change", "maxSkew", "topologyKey", k->key,
						       "from", k->max_skew, "to", (json_int_t)best));
	if (k->ndomseen < (uint32_t)k->min_domains && best_real >= 0 && best_real <= k->max_skew)
		json_array_append_new(fixes, json_pack("{s:s,s:s,s:i,s:i}", "change", "minDomains", "topologyKey", k->key,
						       "from", k->min_domains, "to", (int)k->ndomseen));
	free(dom_has);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FitError.Error() (framework/types.go) of the re-run, without the
 * PostFilter part: each reason counted over the nodes, "%v %v" sorted with
 * sort.Strings, joined by ", ". Compared with the event's message it shows
 * whether the cluster still fails the pod the same way. */
static json_t *fit_message(const json_t *nodes)
{
	json_t *counts = json_object(), *nj, *reason;
	size_t i, j, n = 0;
	const char *key;
	json_t *v;
	char **parts;
	size_t len = 64;
	char *msg;

	json_array_foreach(nodes, i, nj)
		json_array_foreach(json_object_get(nj, "reasons"), j, reason) {
			const char *rs = json_string_value(reason);

			json_object_set_new(counts, rs, json_integer(json_integer_value(json_object_get(counts, rs)) + 1));
		}
	parts = xcalloc(json_object_size(counts) + 1, sizeof(*parts));
	json_object_foreach(counts, key, v) {
		parts[n] = xasprintf("%lld %s", (long long)json_integer_value(v), key);
		len += strlen(parts[n]) + 2;
		n++;
	}
	qsort(parts, n, sizeof(*parts), cmp_str);
	msg = xmalloc(len);
	snprintf(msg, len, "0/%zu nodes are available:", json_array_size(nodes));
	for (i = 0; i < n; i++) {
		strcat(msg, i ? ", " : " ");
		strcat(msg, parts[i]);
		free(parts[i]);
	}
	if (n)
		strcat(msg, ".");
	free(parts);
	json_decref(counts);
	v = json_string(msg);
	free(msg);
	return v ? v : json_null();
}

/* FitError.Error() when a PreFilter rejected the pod: its message alone. */
static json_t *prefilter_message(const char *rejected, size_t nnodes)
{
	char *msg = xasprintf("0/%zu nodes are available: %s.", nnodes, rejected);
	json_t *v = json_string(msg);

	free(msg);
	return v ? v : json_null();
}

/* The pending pod's claims (spec.volumes, as the dump names them) as
 * VolumeBinding and VolumeZone see them; true when it has any. */
static bool pod_volumes(struct sc_cluster *c, const struct sc_podspec *pod, struct sc_volmask *vol)
{
	const char **claims, **classes;
	uint32_t nnew, nc = sc_pod_claims(c, pod, false, 0, &claims, &classes, &nnew);
	bool any = sc_volmask_build(c, pod->ns, claims, nc, nnew, classes, vol);

	free(claims);
	free(classes);
	return any;
}

static json_t *rederive_pod(struct rederive *r, struct pending *p)
{
	struct pts_state st;
	struct sc_chain ch;
	struct sc_volmask vol;
	const char *rejected;
	bool volumes;
	json_t *root = json_object(), *nodes = json_array(), *fixes = json_array(), *cons = json_array();
	bool *other_ok = xcalloc(r->c.nnodes + 1, sizeof(bool));
	size_t nfeasible = 0, nother = 0;
	uint32_t n, i;

	memset(&st, 0, sizeof(st));
	pts_state_init(&st, &r->c, &p->spec, &r->defs, &r->objs);
	volumes = pod_volumes(&r->c, &p->spec, &vol);
	sc_chain_init(&ch, &st, volumes ? &vol : NULL);
	rejected = sc_chain_prefilter(&ch);
	for (n = 0; n < r->c.nnodes; n++) {
		bool feasible;
		json_t *nj = node_json(r, &ch, rejected, n, &feasible);
		const char *plugin = json_string_value(json_object_get(nj, "plugin"));

		other_ok[n] = !plugin || strcmp(plugin, "PodTopologySpread") == 0;
		nother += other_ok[n];
		nfeasible += feasible;
		json_array_append_new(nodes, nj);
	}
	for (i = 0; i < st.nhard; i++) {
		const struct pts_constraint *k = &st.k[i];
		json_t *doms = json_object();
		uint32_t dm;

		for (dm = 0; dm < k->ndom; dm++)
			if (k->domseen[dm])
				json_object_set_new(doms, k->domval[dm], json_integer(k->domcnt[dm]));
		json_array_append_new(cons, json_pack("{s:s,s:i,s:i,s:o,s:I}", "topologyKey", k->key,
						      "maxSkew", k->max_skew, "minDomains", k->min_domains,
						      "domains", doms, "minMatch",
						      (json_int_t)(k->ndomseen ? k->min_match : 0)));
		json_object_set_new(json_array_get(cons, i), "eligibleDomains", json_integer(k->ndomseen));
		if (!nfeasible && nother)
			constraint_fixes(&st, i, other_ok, fixes);
	}
	json_object_set_new(root, "found", json_true());
	json_object_set_new(root, "feasibleNodes", json_integer((json_int_t)nfeasible));
	json_object_set_new(root, "schedulerMessage", nfeasible ? json_null() :
			    rejected ? prefilter_message(rejected, r->c.nnodes) : fit_message(nodes));
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "constraints", cons);
	json_object_set_new(root, "fixes", fixes);
	sc_chain_release(&ch);
	pts_state_release(&st);
	sc_volmask_release(&vol);
	free(other_ok);
	return root;
}

static json_t *rederive_hook(void *arg, const char *object, const char *template_name)
{
	struct rederive *r = arg;
	struct pending *p;
	json_t *o;

	if (strcmp(template_name, "FailedScheduling") != 0)
		return NULL;
	p = find_pending(r, object);
	if (!p || !p->ok) {
		o = json_object();
		json_object_set_new(o, "found", json_false());
		json_object_set_new(o, "why", json_string(p ? p->err :
				    "no pending pod of that name in the dump (bound or deleted since, or an older dump)"));
		return o;
	}
	if (!p->result)
		p->result = rederive_pod(r, p);
	return json_incref(p->result);
}

/* ---- -o text ---- */

static void text_node(const json_t *nj, FILE *out)
{
	const json_t *k = json_object_get(nj, "constraint");

	fputs("    ", out);
	tk_fputs_text(json_string_value(json_object_get(nj, "name")), out);
	if (json_is_true(json_object_get(nj, "feasible"))) {
		fputs(": feasible\n", out);
		return;
	}
	fprintf(out, ": %s: ", json_string_value(json_object_get(nj, "plugin")));
	if (k && json_is_true(json_object_get(k, "missingLabel"))) {
		fputs("no ", out);
		tk_fputs_text(json_string_value(json_object_get(k, "topologyKey")), out);
		fputs(" label\n", out);
	} else if (k) {
		tk_fputs_text(json_string_value(json_object_get(k, "topologyKey")), out);
		fputc('=', out);
		tk_fputs_text(json_string_value(json_object_get(k, "domain")), out);
		fprintf(out, " has %lld matching pods%s, minimum %lld: skew %lld > maxSkew %lld\n",
			(long long)json_integer_value(json_object_get(k, "matchNum")),
			json_is_true(json_object_get(k, "selfMatch")) ? " (+1 this pod)" : "",
			(long long)json_integer_value(json_object_get(k, "minMatch")),
			(long long)json_integer_value(json_object_get(k, "skew")),
			(long long)json_integer_value(json_object_get(k, "maxSkew")));
	} else {
		size_t i;
		json_t *s;

		json_array_foreach(json_object_get(nj, "reasons"), i, s) {
			fputs(i ? ", " : "", out);
			tk_fputs_text(json_string_value(s), out);
		}
		if ((s = json_object_get(nj, "volume"))) {
			fputs(" (", out);
			tk_fputs_text(json_string_value(json_object_get(s, "source")), out);
			fputc(' ', out);
			tk_fputs_text(json_string_value(json_object_get(s, "id")), out);
			fputs(" is in use there)", out);
		}
		if ((s = json_object_get(nj, "claim"))) {
			fputs(" (claim ", out);
			tk_fputs_text(json_string_value(s), out);
			fputc(')', out);
		}
		if ((s = json_object_get(nj, "attachLimit"))) {
			fputs(" (", out);
			tk_fputs_text(json_string_value(json_object_get(s, "driver")), out);
			fprintf(out, ": %lld attached + %lld new > %lld)",
				(long long)json_integer_value(json_object_get(s, "attached")),
				(long long)json_integer_value(json_object_get(s, "new")),
				(long long)json_integer_value(json_object_get(s, "limit")));
		}
		if ((s = json_object_get(nj, "taint"))) {
			fputs(" {", out);
			tk_fputs_text(json_string_value(json_object_get(s, "key")), out);
			fputs(": ", out);
			tk_fputs_text(json_string_value(json_object_get(s, "value")), out);
			fputc('}', out);
		}
		fputc('\n', out);
	}
}

static void text_names(const json_t *arr, FILE *out)
{
	size_t i;
	json_t *s;

	json_array_foreach(arr, i, s) {
		fputs(i ? ", " : "", out);
		tk_fputs_text(json_string_value(s), out);
	}
}

static void text_fix(const json_t *f, FILE *out)
{
	const char *change = json_string_value(json_object_get(f, "change"));
	const char *key = json_string_value(json_object_get(f, "topologyKey"));

	fputs("    - ", out);
	if (strcmp(change, "label") == 0) {
		size_t i;
		json_t *m;

		fputs("label ", out);
		text_names(json_object_get(f, "nodes"), out);
		fputs(" with ", out);
		tk_fputs_text(key, out);
		json_array_foreach(json_object_get(f, "nearMisses"), i, m) {
			fputs(i ? ", " : " (near miss: ", out);
			tk_fputs_text(json_string_value(json_object_get(m, "node")), out);
			fputs(" has ", out);
			tk_fputs_text(json_string_value(json_object_get(m, "label")), out);
			fputc('=', out);
			tk_fputs_text(json_string_value(json_object_get(m, "value")), out);
			fprintf(out, ", %s", json_string_value(json_object_get(m, "kind")));
		}
		if (i)
			fputc(')', out);
	} else if (strcmp(change, "addNode") == 0) {
		fputs("add a node that passes the other filters with ", out);
		tk_fputs_text(key, out);
		fputs(" in ", out);
		if (json_array_size(json_object_get(f, "domains")))
			text_names(json_object_get(f, "domains"), out);
		if (json_integer_value(json_object_get(f, "newDomains")))
			fprintf(out, "%s%lld new domain(s)",
				json_array_size(json_object_get(f, "domains")) ? ", or in " : "",
				(long long)json_integer_value(json_object_get(f, "newDomains")));
	} else {
		fprintf(out, "%s of ", change);
		tk_fputs_text(key, out);
		fprintf(out, " from %lld to %lld", (long long)json_integer_value(json_object_get(f, "from")),
			(long long)json_integer_value(json_object_get(f, "to")));
	}
	fputc('\n', out);
}

static void rederive_text(const json_t *r, FILE *out)
{
	size_t i;
	json_t *v;

	if (!json_is_true(json_object_get(r, "found"))) {
		fputs("  re-run: not possible: ", out);
		tk_fputs_text(json_string_value(json_object_get(r, "why")), out);
		fputc('\n', out);
		return;
	}
	fprintf(out, "  re-run on the dump: %lld feasible node(s)\n",
		(long long)json_integer_value(json_object_get(r, "feasibleNodes")));
	if (json_string_value(json_object_get(r, "schedulerMessage"))) {
		fputs("  the scheduler would say now: ", out);
		tk_fputs_text(json_string_value(json_object_get(r, "schedulerMessage")), out);
		fputc('\n', out);
	}
	json_array_foreach(json_object_get(r, "nodes"), i, v)
		text_node(v, out);
	if (json_array_size(json_object_get(r, "fixes"))) {
		fputs("  would let it schedule:\n", out);
		json_array_foreach(json_object_get(r, "fixes"), i, v)
			text_fix(v, out);
	}
}

int cmd_explain(int argc, char **argv)
{
	static const struct option opts[] = {
		SC_INPUT_LONGOPTS,
		SC_DEFAULTS_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct sc_inputs in;
	struct rederive r;
	struct tk_explain_hook hook = { rederive_hook, rederive_text, &r };
	const char *path;
	int c, rc;

	sc_inputs_init(&in);
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:V", opts, NULL)) != -1)
		sc_inputs_opt(&in, c, optarg, usage, argv);
	if (argc - optind > 1)
		tk_usage_error("explain reads one FILE (or - for stdin)");
	path = optind < argc ? argv[optind] : "-";
	if (!in.nodes && (in.pods || in.defaults || in.objects))
		tk_usage_error("--pods, --default-constraints and --objects need --nodes or --cluster");
	if (!in.nodes)
		return tk_explain_run(path, TK_EXPLAIN_SCHED, in.out, NULL);
	/* the pods are read twice (the cluster, then the pending pods' specs) */
	if (in.pods && strcmp(in.pods, "-") == 0)
		tk_usage_error("--pods/--cluster must name a file here, not stdin");
	if (strcmp(path, "-") == 0 && strcmp(in.nodes, "-") == 0)
		tk_usage_error("the events and --nodes cannot both be stdin");
	load(&r, &in);
	rc = tk_explain_run(path, TK_EXPLAIN_SCHED, in.out, &hook);
	release(&r);
	return rc;
}
