/* predicate.c - the Node next to the topology (pod mode, --nodes) and what
 * the kubelet decides with it after the Topology Manager admitted a pod:
 * lifecycle/predicate.go's predicateAdmitHandler, which the kubelet
 * registers after the Topology Manager's handler.
 *
 * Terminology:
 *   the Node     the Node object of the topology's host: its labels,
 *                status.allocatable, NoExecute taints, status.features
 *   its pods     the Pods of NODES_FILE bound to it (spec.nodeName) whose
 *                phase is not Succeeded or Failed, then each pod of the run
 *                it admits: nodeInfo's requested resources, pod count and
 *                host ports
 *   amounts      as the scheduler's Resource holds them: milli-CPU, else
 *                whole units (bytes, pods, devices)
 *
 * Follows: predicate.go Admit (rejectPodAdmissionBasedOnOSSelector and
 * OSField, SupplementalGroupsPolicy, removeMissingExtendedResources,
 * generalFilter: the first reason only); scheduler AdmissionCheck
 * (noderesources fitsRequest, required node affinity, nodename, nodeports);
 * component-helpers resource.PodRequests (sidecars, pod-level resources,
 * overhead); v1helper IsExtendedResourceName, schedutil IsScalarResourceName.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "quantity.h"
#include "ta.h"
#include "topo.h"
#include "xalloc.h"

/* ---- amounts ---- */

struct amount {
	char *name;
	int64_t milli;              /* summed in thousandths, converted by amount_value */
};

struct amounts {
	size_t n;
	struct amount *v;
};

static struct amount *amount_find(const struct amounts *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->v[i].name, name))
			return &a->v[i];
	return NULL;
}

static struct amount *amount_slot(struct amounts *a, const char *name)
{
	struct amount *x = amount_find(a, name);

	if (x)
		return x;
	a->v = xreallocarray(a->v, a->n + 1, sizeof(*a->v));
	x = &a->v[a->n++];
	x->name = xstrdup(name);
	x->milli = 0;
	return x;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	return a + b;
}

static void amount_add(struct amounts *a, const char *name, int64_t milli)
{
	struct amount *x = amount_slot(a, name);

	x->milli = sat_add(x->milli, milli);
}

static void amount_max(struct amounts *a, const char *name, int64_t milli)
{
	struct amount *x = amount_slot(a, name);

	if (milli > x->milli)
		x->milli = milli;
}

static void amounts_release(struct amounts *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->v[i].name);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* Resource.Add's unit: MilliValue for cpu, Value (rounded up) otherwise */
static int64_t amount_value(const char *name, int64_t milli)
{
	if (!strcmp(name, "cpu"))
		return milli;
	return milli / 1000 + (milli % 1000 > 0);
}

static int64_t amount_get(const struct amounts *a, const char *name)
{
	const struct amount *x = amount_find(a, name);

	return x ? amount_value(name, x->milli) : 0;
}

/* IsNativeResource: no domain, or kubernetes.io's */
static bool is_native(const char *name)
{
	return !strchr(name, '/') || strstr(name, "kubernetes.io/");
}

/* IsExtendedResourceName: not native and not a quota "requests." name */
static bool is_extended(const char *name)
{
	return !is_native(name) && strncmp(name, "requests.", 9);
}

/* IsScalarResourceName: what Resource keeps besides cpu, memory, pods and
 * ephemeral-storage (other unprefixed names are dropped) */
static bool is_scalar(const char *name)
{
	return is_extended(name) || !strncmp(name, "hugepages-", 10) ||
	       (strchr(name, '/') && strstr(name, "kubernetes.io/")) ||
	       !strncmp(name, "attachable-volumes-", 19);
}

static bool counted(const char *name)
{
	return !strcmp(name, "cpu") || !strcmp(name, "memory") || !strcmp(name, "ephemeral-storage") ||
	       is_scalar(name);
}

/* resource.PodRequests: app containers and sidecars summed; each regular
 * init container with the sidecars started before it; the larger of the
 * two; pod-level requests over the sum; then the overhead. Extended
 * resources the node does not list are left out when alloc is given
 * (removeMissingExtendedResources: containers only). */
static void pod_requests(const struct ta_pod_req *r, const struct amounts *alloc, struct amounts *out)
{
	struct amounts sidecars = { 0 }, init = { 0 };
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < r->n; i++) {
		const struct ta_ctr_req *c = &r->c[i];
		struct amounts this = { 0 };

		for (j = 0; j < c->n; j++) {
			const char *name = c->req[j].name;

			if (!counted(name) || (alloc && is_extended(name) && !amount_find(alloc, name)))
				continue;
			if (!c->init || c->restartable)
				amount_add(out, name, c->req[j].q.milli);
			if (c->restartable)
				amount_add(&sidecars, name, c->req[j].q.milli);
			else if (c->init)
				amount_add(&this, name, c->req[j].q.milli);
		}
		if (c->init) {
			const struct amounts *with = c->restartable ? &sidecars : &this;

			if (!c->restartable)
				for (j = 0; j < sidecars.n; j++)
					amount_add(&this, sidecars.v[j].name, sidecars.v[j].milli);
			for (j = 0; j < with->n; j++)
				amount_max(&init, with->v[j].name, with->v[j].milli);
		}
		amounts_release(&this);
	}
	for (j = 0; j < init.n; j++)
		amount_max(out, init.v[j].name, init.v[j].milli);
	for (j = 0; j < r->npod_level; j++)
		amount_slot(out, r->pod_level[j].name)->milli = r->pod_level[j].q.milli;
	for (j = 0; j < r->noverhead; j++)
		if (counted(r->overhead[j].name))
			amount_add(out, r->overhead[j].name, r->overhead[j].q.milli);
	amounts_release(&sidecars);
	amounts_release(&init);
}

/* ---- host ports ---- */

struct hport {
	char *ip;                   /* "0.0.0.0" for any */
	char *proto;
	long long port;
};

struct hports {
	size_t n;
	struct hport *v;
};

static void hports_release(struct hports *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].ip);
		free(h->v[i].proto);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* getContainerPorts: the app containers' ports with a hostPort */
static int pod_ports(const char *file, const struct tk_node *spec, struct hports *out, struct tk_diag *d)
{
	const struct tk_node *cs = tk_get(spec, "containers");
	size_t i, j;

	memset(out, 0, sizeof(*out));
	for (i = 0; cs && cs->kind == TK_SEQ && i < cs->n; i++) {
		const struct tk_node *ports = tk_get(cs->items[i], "ports");

		if (!ports || ports->kind == TK_NULL)
			continue;
		if (tk_expect(file, ports, TK_SEQ, "ports", d))
			return -1;
		for (j = 0; j < ports->n; j++) {
			const char *ip = NULL, *proto = NULL;
			long long hp = 0;

			if (tk_expect(file, ports->items[j], TK_MAP, "port", d) ||
			    tk_get_int(file, ports->items[j], "hostPort", false, 0, 65535, &hp, d) < 0 ||
			    tk_get_str(file, ports->items[j], "hostIP", false, &ip, d) < 0 ||
			    tk_get_str(file, ports->items[j], "protocol", false, &proto, d) < 0)
				return -1;
			if (hp <= 0)
				continue;
			out->v = xreallocarray(out->v, out->n + 1, sizeof(*out->v));
			out->v[out->n].ip = xstrdup(ip && *ip ? ip : "0.0.0.0");
			out->v[out->n].proto = xstrdup(proto && *proto ? proto : "TCP");
			out->v[out->n++].port = hp;
		}
	}
	return 0;
}

/* HostPortInfo.CheckConflict: the same protocol and port, on the same IP
 * or where either side is 0.0.0.0 */
static bool ports_conflict(const struct hports *used, const struct hports *want)
{
	size_t i, j;

	for (i = 0; i < want->n; i++)
		for (j = 0; j < used->n; j++)
			if (want->v[i].port == used->v[j].port && !strcmp(want->v[i].proto, used->v[j].proto) &&
			    (!strcmp(want->v[i].ip, "0.0.0.0") || !strcmp(used->v[j].ip, "0.0.0.0") ||
			     !strcmp(want->v[i].ip, used->v[j].ip)))
				return true;
	return false;
}

/* ---- the Node ---- */

struct taint {
	char *key, *value;
};

struct ta_kubelet_node {
	char *file;
	char *name;
	struct tk_labels labels;
	struct amounts alloc;       /* status.allocatable */
	int64_t capacity_cpu;       /* status.capacity.cpu, milli; -1 unknown */
	size_t ntaints;
	struct taint *taints;       /* NoExecute only: the kubelet's filter */
	bool sgp;                   /* status.features.supplementalGroupsPolicy */
	/* what its pods take */
	struct amounts used;
	size_t npods;
	struct hports ports;
	/* the pods of NODES_FILE counted, by uid: a pod of the manifest with
	 * one of these uids is that pod admitted again, not one more */
	size_t nknown;
	struct known_pod {
		char *uid;
		struct amounts req;
		size_t port0, nports;   /* its entries of ports */
	} *known;
};

static void node_release(struct ta_kubelet_node *kn)
{
	size_t i;

	free(kn->file);
	free(kn->name);
	tk_labels_release(&kn->labels);
	amounts_release(&kn->alloc);
	for (i = 0; i < kn->ntaints; i++) {
		free(kn->taints[i].key);
		free(kn->taints[i].value);
	}
	free(kn->taints);
	amounts_release(&kn->used);
	hports_release(&kn->ports);
	for (i = 0; i < kn->nknown; i++) {
		free(kn->known[i].uid);
		amounts_release(&kn->known[i].req);
	}
	free(kn->known);
	memset(kn, 0, sizeof(*kn));
}

void ta_kubelet_node_free(struct ta_kubelet_node *kn)
{
	if (!kn)
		return;
	node_release(kn);
	free(kn);
}

static int read_quantities(const char *file, const struct tk_node *map, const char *what,
			   struct amounts *out, struct tk_diag *d)
{
	size_t i;

	if (!map || map->kind == TK_NULL)
		return 0;
	if (tk_expect(file, map, TK_MAP, what, d))
		return -1;
	for (i = 0; i < map->n; i++) {
		const char *k = map->keys[i]->text ? map->keys[i]->text : "";
		const char *txt = tk_scalar_text(map->items[i]);
		struct tk_qty q;

		if (!txt || map->items[i]->kind == TK_BOOL || tk_qty_parse(txt, &q) || q.milli < 0)
			return tk_node_error(file, map->items[i], d, "invalid quantity '%s' for %s",
					     txt ? txt : "...", k);
		amount_slot(out, k)->milli = q.milli;
	}
	return 0;
}

static int node_parse(struct ta_kubelet_node *kn, const char *file, const struct tk_node *item,
		      struct tk_diag *d)
{
	const struct tk_node *meta = tk_get(item, "metadata"), *status = tk_get(item, "status");
	const struct tk_node *taints = tk_path(item, "spec.taints"), *cap;
	const char *name;
	bool sgp = false;
	size_t i;

	memset(kn, 0, sizeof(*kn));
	kn->capacity_cpu = -1;
	if (tk_expect(file, meta, TK_MAP, "metadata", d) || tk_get_str(file, meta, "name", true, &name, d))
		return -1;
	kn->name = xstrdup(name);
	if (tk_labels_from_node(&kn->labels, file, tk_get(meta, "labels"), d) < 0)
		return -1;
	if (!status || status->kind != TK_MAP || !tk_get(status, "allocatable") ||
	    tk_get(status, "allocatable")->kind == TK_NULL)
		return tk_node_error(file, item, d, "Node '%s' has no status.allocatable (kubectl get node %s -o json prints it)",
				     name, name);
	if (read_quantities(file, tk_get(status, "allocatable"), "allocatable", &kn->alloc, d))
		return -1;
	cap = tk_path(status, "capacity.cpu");
	if (cap) {
		struct tk_qty q;
		const char *txt = tk_scalar_text(cap);

		if (!txt || tk_qty_parse(txt, &q))
			return tk_node_error(file, cap, d, "invalid quantity '%s' for cpu", txt ? txt : "...");
		kn->capacity_cpu = q.milli;
	}
	if (tk_get_bool(file, tk_get(status, "features"), "supplementalGroupsPolicy", false, &sgp, d) < 0)
		return -1;
	kn->sgp = sgp;
	if (taints && taints->kind != TK_NULL && tk_expect(file, taints, TK_SEQ, "taints", d))
		return -1;
	for (i = 0; taints && taints->kind == TK_SEQ && i < taints->n; i++) {
		const char *key = NULL, *value = NULL, *effect = NULL;

		if (tk_expect(file, taints->items[i], TK_MAP, "taint", d) ||
		    tk_get_str(file, taints->items[i], "key", true, &key, d) ||
		    tk_get_str(file, taints->items[i], "value", false, &value, d) < 0 ||
		    tk_get_str(file, taints->items[i], "effect", true, &effect, d))
			return -1;
		if (strcmp(effect, "NoExecute"))
			continue;
		kn->taints = xreallocarray(kn->taints, kn->ntaints + 1, sizeof(*kn->taints));
		kn->taints[kn->ntaints].key = xstrdup(key);
		kn->taints[kn->ntaints++].value = xstrdup(value ? value : "");
	}
	return 0;
}

/* a Pod of NODES_FILE bound to some node */
struct bound_pod {
	char *node;
	char *uid;                  /* NULL when it has none */
	struct amounts req;
	struct hports ports;
};

struct node_load {
	const char *host;           /* the topology's hostname, or NULL */
	size_t nnodes;
	struct ta_kubelet_node first, match;
	bool have_first, have_match;
	size_t npods, cap;
	struct bound_pod *pods;
	struct tk_diag *d;
};

static bool names_host(const struct ta_kubelet_node *kn, const char *host)
{
	const char *h = tk_labels_get(&kn->labels, "kubernetes.io/hostname");

	return host && (!strcmp(kn->name, host) || (h && !strcmp(h, host)));
}

static int pod_item(struct node_load *nl, const char *file, const struct tk_node *item)
{
	const char *node = NULL, *phase = NULL, *uid = NULL;
	struct ta_pod_req r;
	struct bound_pod *b;
	int rc;

	if (tk_get_str(file, tk_get(item, "spec"), "nodeName", false, &node, nl->d) < 0 ||
	    tk_get_str(file, tk_get(item, "status"), "phase", false, &phase, nl->d) < 0 ||
	    tk_get_str(file, tk_get(item, "metadata"), "uid", false, &uid, nl->d) < 0)
		return -1;
	/* unbound, or ended: not one of the kubelet's active pods */
	if (!node || !*node || (phase && (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
		return 0;
	rc = ta_pod_requests(&r, item, file, nl->d);
	if (rc) {
		ta_pod_req_release(&r);
		return rc < 0 ? -1 : 0;
	}
	if (nl->npods == nl->cap) {
		nl->cap = nl->cap ? 2 * nl->cap : 64;
		nl->pods = xreallocarray(nl->pods, nl->cap, sizeof(*nl->pods));
	}
	b = &nl->pods[nl->npods];
	b->node = xstrdup(node);
	b->uid = uid && *uid ? xstrdup(uid) : NULL;
	pod_requests(&r, NULL, &b->req);
	ta_pod_req_release(&r);
	if (pod_ports(file, tk_get(item, "spec"), &b->ports, nl->d)) {
		free(b->node);
		free(b->uid);
		amounts_release(&b->req);
		hports_release(&b->ports);
		return -1;
	}
	nl->npods++;
	return 0;
}

static int nodes_item(const struct tk_node *item, const char *file, void *arg)
{
	struct node_load *nl = arg;
	const char *kind = tk_str(tk_get(item, "kind"));
	struct ta_kubelet_node kn;

	if (item->kind == TK_NULL)
		return 0;
	if (kind && !strcmp(kind, "Pod"))
		return pod_item(nl, file, item);
	if (kind && !strcmp(kind, "NodeResourceTopology"))
		return 0;
	if (kind && strcmp(kind, "Node"))
		return tk_node_error(file, item, nl->d, "expected a Node (or its Pods), got kind '%s'", kind);
	if (!kind)
		return tk_node_error(file, item, nl->d, "expected a Node (or its Pods), got %s",
				     item->kind == TK_MAP ? "an object without a kind" : tk_kind_name(item->kind));
	if (node_parse(&kn, file, item, nl->d)) {
		node_release(&kn);
		return -1;
	}
	nl->nnodes++;
	if (!nl->have_match && names_host(&kn, nl->host)) {
		nl->match = kn;
		nl->have_match = true;
	} else if (!nl->have_first) {
		nl->first = kn;
		nl->have_first = true;
	} else {
		node_release(&kn);
	}
	return 0;
}

/* Say where the Node and the topology disagree: not the same machine, or
 * devices the device plugin does not report (unhealthy, unregistered). */
static void cross_check(struct ta_kubelet_node *kn, const struct topo *t, const char *file)
{
	size_t i, j;

	if (!amount_find(&kn->alloc, "pods")) {
		tk_warn("warning: %s: Node '%s' lists no allocatable pods, which the kubelet always reports: "
			"taken as 110, its default maxPods", file, kn->name);
		amount_slot(&kn->alloc, "pods")->milli = 110000;
	}
	for (i = 0; i < kn->alloc.n; i++) {
		const char *name = kn->alloc.v[i].name;
		struct tk_qty page;
		int64_t bytes = amount_value(name, kn->alloc.v[i].milli);

		/* a count where a quantity of bytes belongs (hugepages-1Gi: "4") */
		if (!strncmp(name, "hugepages-", 10) && !tk_qty_parse(name + 10, &page) &&
		    tk_qty_value(&page) > 0 && bytes % tk_qty_value(&page))
			tk_warn("warning: %s: Node '%s' reports %s: %lld bytes, not whole %s pages "
				"(the kubelet reports bytes: %lld pages are %lld)",
				file, kn->name, name, (long long)bytes, name + 10, (long long)bytes,
				(long long)(bytes * tk_qty_value(&page)));
	}

	if (kn->capacity_cpu >= 0 && kn->capacity_cpu != (int64_t)t->ncpus * 1000)
		tk_warn("warning: %s: Node '%s' has %lld CPUs (status.capacity), the topology %zu: not the same machine?",
			file, kn->name, (long long)(kn->capacity_cpu / 1000), t->ncpus);
	for (i = 0; i < t->ndevices; i++) {
		const char *res = t->devices[i].resource;
		size_t n = 0;
		int64_t have;

		if (!res)
			continue;
		for (j = 0; j < i; j++)
			if (t->devices[j].resource && !strcmp(t->devices[j].resource, res))
				break;
		if (j < i)
			continue;   /* counted at its first device */
		for (j = i; j < t->ndevices; j++)
			n += t->devices[j].resource && !strcmp(t->devices[j].resource, res);
		have = amount_get(&kn->alloc, res);
		if (have != (int64_t)n)
			tk_warn("warning: %s: Node '%s' reports %lld allocatable %s, the topology %zu such device(s): "
				"the node check counts the Node's, the Device Manager's hints the topology's",
				file, kn->name, (long long)have, res, n);
	}
}

static void node_load_release(struct node_load *nl)
{
	size_t i;

	node_release(&nl->first);
	node_release(&nl->match);
	for (i = 0; i < nl->npods; i++) {
		free(nl->pods[i].node);
		free(nl->pods[i].uid);
		amounts_release(&nl->pods[i].req);
		hports_release(&nl->pods[i].ports);
	}
	free(nl->pods);
	memset(nl, 0, sizeof(*nl));
}

struct ta_kubelet_node *ta_kubelet_node_load(const char *path, const struct topo *t)
{
	struct node_load nl = { 0 };
	struct ta_kubelet_node *kn;
	const char *shown = strcmp(path, "-") ? path : "<stdin>";
	struct tk_diag d;
	size_t i, j;

	nl.host = t->hostname && *t->hostname ? t->hostname : NULL;
	nl.d = &d;
	/* everything is freed before an exit: the sanitizers count what is left */
	if (tk_doc_stream(path, NULL, nodes_item, &nl, &d)) {
		node_load_release(&nl);
		tk_fatal_diag(&d);
	}
	if (!nl.have_match && nl.nnodes != 1) {
		size_t n = nl.nnodes;

		node_load_release(&nl);
		if (!n)
			tk_fatal("%s: no Node objects", shown);
		if (t->hostname && *t->hostname)
			tk_fatal("%s: %zu Nodes, none named as the topology's host '%s'", shown, n, t->hostname);
		tk_fatal("%s: %zu Nodes, and the topology names no host: give the one it describes", shown, n);
	}
	kn = xcalloc(1, sizeof(*kn));
	if (nl.have_match) {
		*kn = nl.match;
		memset(&nl.match, 0, sizeof(nl.match));
	} else {
		*kn = nl.first;
		memset(&nl.first, 0, sizeof(nl.first));
		if (nl.host)
			tk_warn("warning: %s: Node '%s' is not named as the topology's host '%s'; taken as its Node",
				shown, kn->name, nl.host);
	}
	kn->file = xstrdup(shown);
	for (i = 0; i < nl.npods; i++) {
		struct bound_pod *b = &nl.pods[i];

		if (!strcmp(b->node, kn->name)) {
			for (j = 0; j < b->req.n; j++)
				amount_add(&kn->used, b->req.v[j].name, b->req.v[j].milli);
			if (b->uid) {
				kn->known = xreallocarray(kn->known, kn->nknown + 1, sizeof(*kn->known));
				kn->known[kn->nknown++] = (struct known_pod){ b->uid, b->req, kn->ports.n, b->ports.n };
				b->uid = NULL;
				memset(&b->req, 0, sizeof(b->req));
			}
			for (j = 0; j < b->ports.n; j++) {
				kn->ports.v = xreallocarray(kn->ports.v, kn->ports.n + 1, sizeof(*kn->ports.v));
				kn->ports.v[kn->ports.n++] = b->ports.v[j];
			}
			free(b->ports.v);
			kn->npods++;
		} else {
			hports_release(&b->ports);
		}
		free(b->node);
		free(b->uid);
		amounts_release(&b->req);
	}
	nl.npods = 0;
	node_load_release(&nl);
	cross_check(kn, t, shown);
	return kn;
}

/* ---- admission ---- */

/* v1.Toleration.ToleratesTaint for a NoExecute taint */
static bool tolerated(const struct tk_node *tols, const struct taint *t)
{
	size_t i;

	for (i = 0; tols && tols->kind == TK_SEQ && i < tols->n; i++) {
		const char *key = tk_str(tk_get(tols->items[i], "key"));
		const char *op = tk_str(tk_get(tols->items[i], "operator"));
		const char *value = tk_scalar_text(tk_get(tols->items[i], "value"));
		const char *effect = tk_str(tk_get(tols->items[i], "effect"));

		if (effect && *effect && strcmp(effect, "NoExecute"))
			continue;
		if (key && *key && strcmp(key, t->key))
			continue;
		if (op && !strcmp(op, "Exists"))
			return true;
		if ((!op || !*op || !strcmp(op, "Equal")) && !strcmp(value ? value : "", t->value))
			return true;
	}
	return false;
}

/* GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector, then the
 * required terms (any of them); a term that does not parse, or an empty
 * one, matches nothing, as NewLazyErrorNodeSelector reads it */
static int affinity_matches(const struct ta_kubelet_node *kn, const char *file, const struct tk_node *spec,
			    bool *ok, struct tk_diag *d)
{
	const struct tk_node *sel = tk_get(spec, "nodeSelector");
	const struct tk_node *req = tk_path(spec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
	const struct tk_node *terms;
	size_t i;

	*ok = true;
	if (sel && sel->kind != TK_NULL) {
		if (tk_expect(file, sel, TK_MAP, "nodeSelector", d))
			return -1;
		for (i = 0; i < sel->n; i++) {
			const char *want = tk_scalar_text(sel->items[i]);
			const char *have = tk_labels_get(&kn->labels, sel->keys[i]->text ? sel->keys[i]->text : "");

			if (!want || !have || strcmp(want, have)) {
				*ok = false;
				return 0;
			}
		}
	}
	if (!req || req->kind == TK_NULL)
		return 0;
	terms = tk_get(req, "nodeSelectorTerms");
	if (terms && terms->kind != TK_NULL && tk_expect(file, terms, TK_SEQ, "nodeSelectorTerms", d))
		return -1;
	*ok = false;
	for (i = 0; terms && terms->kind == TK_SEQ && i < terms->n && !*ok; i++) {
		struct tk_selector s;
		struct tk_diag ignored;

		if (tk_node_term_from_node(&s, file, terms->items[i], &ignored) == 0 && !s.nothing)
			*ok = tk_node_selector_matches(&s, &kn->labels, kn->name);
		tk_selector_release(&s);
	}
	return 0;
}

static int reject(char **reason, char **message, char *r, char *m)
{
	*reason = r;
	*message = m;
	return 1;
}

static int reject_predicate(char **reason, char **message, const char *name, const char *desc)
{
	return reject(reason, message, xstrdup(name), xasprintf("Predicate %s failed: %s", name, desc));
}

/* fitsRequest: the first insufficient resource in its order (pods, cpu,
 * memory, ephemeral-storage, then the scalar resources as the pod names
 * them), or 0 */
static int fits(const struct ta_kubelet_node *kn, const struct amounts *req, char **reason, char **message)
{
	static const char *const fixed[] = { "cpu", "memory", "ephemeral-storage" };
	int64_t allowed = amount_get(&kn->alloc, "pods");
	size_t i;
	bool any = false;

	if ((int64_t)kn->npods + 1 > allowed)
		return reject(reason, message, xstrdup("OutOfpods"),
			      xasprintf("Node didn't have enough resource: pods, requested: 1, used: %zu, capacity: %lld",
					kn->npods, (long long)allowed));
	for (i = 0; i < req->n; i++)
		any |= req->v[i].milli > 0;
	if (!any)
		return 0;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + req->n; i++) {
		const char *name = i < 3 ? fixed[i] : req->v[i - 3].name;
		int64_t want = amount_get(req, name), have = amount_get(&kn->alloc, name);
		int64_t used = amount_get(&kn->used, name);

		if (i >= 3 && (!is_scalar(name) || want == 0))
			continue;
		if (want > 0 && want > have - used)
			return reject(reason, message, xasprintf("OutOf%s", name),
				      xasprintf("Node didn't have enough resource: %s, requested: %lld, used: %lld, capacity: %lld",
						name, (long long)want, (long long)used, (long long)have));
	}
	return 0;
}

/* The pod being admitted is not one of the kubelet's other pods
 * (attrs.OtherPods): when NODES_FILE holds it (the same uid), what it
 * requested, its count and its host ports are taken back. */
static void forget_known(struct ta_kubelet_node *kn, const char *uid)
{
	size_t i, j;

	for (i = 0; uid && *uid && i < kn->nknown; i++) {
		struct known_pod *k = &kn->known[i];

		if (!k->uid || strcmp(k->uid, uid))
			continue;
		for (j = 0; j < k->req.n; j++)
			amount_slot(&kn->used, k->req.v[j].name)->milli -= k->req.v[j].milli;
		for (j = 0; j < k->nports; j++)
			kn->ports.v[k->port0 + j].port = -1;   /* matches no port */
		kn->npods--;
		free(k->uid);
		k->uid = NULL;
		return;
	}
}

int ta_kubelet_admit(struct ta_kubelet_node *kn, const struct ta_pod_req *r,
		     const struct tk_node *meta, const struct tk_node *spec, const char *file,
		     char **reason, char **message, struct tk_diag *d)
{
	const char *os = tk_scalar_text(tk_get(tk_get(meta, "labels"), "kubernetes.io/os"));
	const char *node_os = tk_labels_get(&kn->labels, "kubernetes.io/os");
	const char *os_field = tk_str(tk_path(spec, "os.name"));
	const char *sgp = tk_str(tk_path(spec, "securityContext.supplementalGroupsPolicy"));
	const char *node_name = tk_str(tk_get(spec, "nodeName"));
	const char *source = tk_str(tk_get(tk_get(meta, "annotations"), "kubernetes.io/config.source"));
	struct amounts req, full;
	struct hports ports;
	bool ok;
	size_t i;
	int rc;

	forget_known(kn, tk_str(tk_get(meta, "uid")));
	/* the pod's kubernetes.io/os label against the node's, which the
	 * kubelet takes as its own OS (linux) when absent or different */
	if (!node_os || strcmp(node_os, "linux"))
		node_os = "linux";
	if (os && strcmp(os, node_os))
		return reject(reason, message, xstrdup("PodOSSelectorNodeLabelDoesNotMatch"),
			      xstrdup("Failed to admit pod as the `kubernetes.io/os` label doesn't match node label"));
	if (os_field && strcmp(os_field, "linux"))
		return reject(reason, message, xstrdup("PodOSNotSupported"),
			      xstrdup("Failed to admit pod as the OS field doesn't match node OS"));
	if (sgp && !strcmp(sgp, "Strict") && !kn->sgp)
		return reject(reason, message, xstrdup("SupplementalGroupsPolicyNotSupported"),
			      xstrdup("SupplementalGroupsPolicy=Strict is not supported in this node"));
	if (pod_ports(file, spec, &ports, d)) {
		hports_release(&ports);
		return -1;
	}
	rc = affinity_matches(kn, file, spec, &ok, d);
	if (rc) {
		hports_release(&ports);
		return -1;
	}
	pod_requests(r, &kn->alloc, &req);
	/* AdmissionCheck, then the NoExecute taints; the first reason wins */
	if ((rc = fits(kn, &req, reason, message)) == 0) {
		if (!ok)
			rc = reject_predicate(reason, message, "NodeAffinity",
					      "node(s) didn't match Pod's node affinity/selector");
		else if (node_name && *node_name && strcmp(node_name, kn->name))
			rc = reject_predicate(reason, message, "NodeName",
					      "node(s) didn't match the requested node name");
		else if (ports_conflict(&kn->ports, &ports))
			rc = reject_predicate(reason, message, "NodePorts",
					      "node(s) didn't have free ports for the requested pod ports");
	}
	/* static pods (a config source other than the API server) skip it */
	for (i = 0; rc == 0 && (!source || !strcmp(source, "api")) && i < kn->ntaints; i++)
		if (!tolerated(tk_get(spec, "tolerations"), &kn->taints[i]))
			rc = reject_predicate(reason, message, "TaintToleration",
					      /* the constant ErrReasonNotMatch, not the scheduler's Filter text */
					      "node(s) had taints that the pod didn't tolerate");
	amounts_release(&req);
	if (rc) {
		hports_release(&ports);
		return rc;
	}
	/* admitted: nodeInfo.AddPod for the next pod of the run */
	pod_requests(r, NULL, &full);
	for (i = 0; i < full.n; i++)
		amount_add(&kn->used, full.v[i].name, full.v[i].milli);
	amounts_release(&full);
	for (i = 0; i < ports.n; i++) {
		kn->ports.v = xreallocarray(kn->ports.v, kn->ports.n + 1, sizeof(*kn->ports.v));
		kn->ports.v[kn->ports.n++] = ports.v[i];
	}
	free(ports.v);
	kn->npods++;
	return 0;
}
