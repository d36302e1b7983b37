/* explain.c - see explain.h. Message templates are kube-scheduler's
 * (framework FitError.Error: "0/%v nodes are available: " + " %d <reason>"
 * parts joined by "," + "." + the PostFilter sentence "preemption: 0/%v
 * nodes are available: ...") and the kubelet's (topologymanager
 * "Resources cannot be allocated with Topology locality", cpumanager
 * "SMT Alignment Error: ...", lifecycle "Allocate failed due to %v, which
 * is unexpected", "..., please drain node and remove policy state file",
 * devicemanager "requested number of devices unavailable for %s").
 *
 * Input is read line by line with a bounded line (longer lines are cut and
 * counted), so a journal of any size streams in constant memory. A JSON
 * document (an Event or a List of them) is read whole, bounded.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "emit.h"
#include "explain.h"
#include "xalloc.h"

#define LINE_MAX_BYTES (64 * 1024)
#define JSON_MAX_BYTES (64u * 1024 * 1024)

/* ---- message tables ---- */

struct sched_reason {
	const char *needle;     /* substring of one "K <reason>" part */
	const char *name;
	bool spread;            /* re-derivable with spread-check place */
	const char *explanation;
};

/* Order matters: the longer podtopologyspread message comes first. */
static const struct sched_reason sched_reasons[] = {
	{ "didn't match pod topology spread constraints (missing required label)", "PodTopologySpread.NodeLabelNotMatch", true,
	  "these nodes lack a topologyKey label of the pod's topologySpreadConstraints; PodTopologySpread filters out nodes without every key. Label the nodes (e.g. topology.kubernetes.io/zone) or fix the topologyKey spelling" },
	{ "didn't match pod topology spread constraints", "PodTopologySpread.ConstraintsNotMatch", true,
	  "placing the pod on these nodes would make the skew of a whenUnsatisfiable: DoNotSchedule constraint exceed maxSkew; add capacity in the domains with the fewest matching pods, raise maxSkew, or use ScheduleAnyway" },
	{ "didn't match Pod's node affinity/selector", "NodeAffinity", false,
	  "the pod's nodeSelector or required node affinity excludes these nodes; check the node labels against spec.nodeSelector and spec.affinity.nodeAffinity" },
	{ "had untolerated taint", "TaintToleration", false,
	  "these nodes carry a NoSchedule/NoExecute taint the pod does not tolerate; add a toleration or remove the taint" },
	{ "Insufficient ", "NodeResourcesFit", false,
	  "these nodes lack free allocatable resources for the pod's requests; lower the requests, free capacity, or add nodes" },
	{ "Too many pods", "NodeResourcesFit", false,
	  "these nodes already run their maximum number of pods" },
	{ "were unschedulable", "NodeUnschedulable", false,
	  "these nodes are cordoned (spec.unschedulable); uncordon them or tolerate node.kubernetes.io/unschedulable" },
	{ "had volume node affinity conflict", "VolumeBinding", false,
	  "the pod's bound PersistentVolumes are restricted (nodeAffinity, usually a zone) to other nodes; schedule in the volume's zone or use WaitForFirstConsumer" },
	{ "didn't find available persistent volumes to bind", "VolumeBinding", false,
	  "no unbound PersistentVolume reachable from these nodes matches the claim" },
	{ "had no available volume zone", "VolumeZone", false,
	  "the volume's zone label does not match these nodes' zone" },
	{ "unbound immediate PersistentVolumeClaims", "VolumeBinding", false,
	  "a PersistentVolumeClaim with volumeBindingMode Immediate is not bound yet; check the claim's StorageClass and provisioner" },
	{ "bound to non-existent pv", "VolumeBinding", false,
	  "a claim of the pod is bound to a PersistentVolume that no longer exists" },
	{ "didn't match the requested node name", "NodeName", false,
	  "spec.nodeName names another node" },
	{ "had taint", "TaintToleration", false,
	  "these nodes carry a taint the pod does not tolerate (older scheduler wording); add a toleration or remove the taint" },
	{ "didn't match pod affinity rules", "InterPodAffinity", false,
	  "the pod's required podAffinity finds no matching pod in these nodes' topology domains" },
	{ "didn't match pod anti-affinity rules", "InterPodAffinity", false,
	  "the pod's required podAntiAffinity matches pods already in these nodes' topology domains" },
	{ "didn't satisfy existing pods anti-affinity rules", "InterPodAffinity", false,
	  "pods already running on these nodes have required anti-affinity against this pod" },
	{ "didn't have free ports for the requested pod ports", "NodePorts", false,
	  "a requested hostPort is already used on these nodes" },
	{ "No preemption victims found for incoming pod", "Preemption", false,
	  "evicting lower-priority pods would not make the pod fit on these nodes" },
	{ "Preemption is not helpful for scheduling", "Preemption", false,
	  "the failure on these nodes cannot be fixed by evicting pods (e.g. a label, taint or affinity mismatch)" },
};

struct kubelet_msg {
	const char *reason;     /* Event reason, or NULL */
	const char *needle;     /* substring of the message, or NULL */
	const char *name;
	bool failure;
	const char *explanation;
};

static const struct kubelet_msg kubelet_msgs[] = {
	{ "TopologyAffinityError", NULL, "TopologyAffinityError", true,
	  "the kubelet's Topology Manager rejected the pod: under the restricted or single-numa-node policy no NUMA affinity satisfies every resource (CPU, memory, devices) of the pod; re-derive with topo-admit and free resources on one NUMA node or reduce the requests" },
	{ NULL, "Resources cannot be allocated with Topology locality", "TopologyAffinityError", true,
	  "the kubelet's Topology Manager rejected the pod: no NUMA affinity satisfies every resource of the pod under the configured policy" },
	{ "SMTAlignmentError", NULL, "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores: the pod's CPU request is not a multiple of the threads per core, or not enough free whole cores remain" },
	{ NULL, "SMT Alignment Error", "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores" },
	{ "UnexpectedAdmissionError", NULL, "UnexpectedAdmissionError", true,
	  "a resource manager (Memory Manager, CPU Manager or Device Manager) failed to allocate for the pod during admission" },
	{ NULL, "which is unexpected", "UnexpectedAdmissionError", true,
	  "a resource manager failed to allocate for the pod during admission" },
	{ NULL, "please drain node and remove policy state file", "PolicyStateMismatch", true,
	  "the kubelet's CPU or Memory Manager refused to start: the state file does not match the configured policy or reservations; drain the node, remove cpu_manager_state / memory_manager_state and restart the kubelet" },
	{ NULL, "requested number of devices unavailable", "DeviceAllocationFailed", true,
	  "the Device Manager has fewer healthy free devices of this resource than the pod requests" },
	{ NULL, "Topology Admit Handler", "TopologyAdmitHandler", false,
	  "the Topology Manager's admission of one pod (informational)" },
	{ NULL, "Best TopologyHint", "TopologyHintMerge", false,
	  "the Topology Manager's merged NUMA hint for a container (informational)" },
	{ NULL, "TopologyHints", "TopologyHints", false,
	  "the hints one hint provider gave the Topology Manager (informational)" },
};

/* ---- report ---- */

struct ex_state {
	enum tk_explain_domain domain;
	enum tk_out out;
	size_t nout;           /* entries written */
	size_t seen, other, own, foreign, unknown, failures, cut;
	size_t foreign_failures;
	/* describe text */
	bool in_events;
	bool describe;          /* the input is `kubectl describe` text */
	bool started;
	char pod_name[256], pod_ns[256];
};

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static bool icontains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static const char *tool_for(enum tk_explain_domain d)
{
	return d == TK_EXPLAIN_SCHED ? "spread-check explain" : "numa-verify --explain";
}

static const struct kubelet_msg *kubelet_match(const char *reason, const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(kubelet_msgs) / sizeof(kubelet_msgs[0]); i++) {
		const struct kubelet_msg *k = &kubelet_msgs[i];

		if (k->reason && reason && strcmp(reason, k->reason) == 0)
			return k;
		if (k->needle && contains(msg, k->needle))
			return k;
	}
	return NULL;
}

const char *tk_explain_classify(const char *reason, const char *msg,
				enum tk_explain_domain *domain, int *failure)
{
	const struct kubelet_msg *k;

	if (contains(msg, "nodes are available") ||
	    (reason && strcmp(reason, "FailedScheduling") == 0)) {
		*domain = TK_EXPLAIN_SCHED;
		*failure = 1;
		return "FailedScheduling";
	}
	if ((k = kubelet_match(reason, msg))) {
		*domain = TK_EXPLAIN_KUBELET;
		*failure = k->failure;
		return k->name;
	}
	/* strstr is much faster than strcasestr on every journal line */
	if (contains(msg, "opology") || contains(msg, "OPOLOGY") || contains(msg, "NUMA") ||
	    contains(msg, "numa node") || contains(msg, "numa zone") || contains(msg, "Numa") ||
	    (reason && (icontains(reason, "topology") || icontains(reason, "admission")))) {
		/* concerns our subject but matches no template: unknown */
		*domain = contains(msg, "kubelet") || contains(msg, "cpumanager") ||
			  contains(msg, "memorymanager") ? TK_EXPLAIN_KUBELET : TK_EXPLAIN_SCHED;
		*failure = 0;
		return "";
	}
	return NULL;
}

static json_t *jstr(const char *s);
static void render_text_event(const json_t *e);

/* Parse "0/N nodes are available: K reason, K reason. preemption: ..." into
 * an array of {count, reason, plugin, explanation}; *all_known cleared when
 * a part matches no template. */
static json_t *sched_parts(const char *msg, bool *all_known, bool *spread)
{
	json_t *arr = json_array();
	const char *p = strstr(msg, "nodes are available:");
	bool preempt = false;

	while (p) {
		p += strlen("nodes are available:");
		for (;;) {
			const char *end;
			char part[1024];
			size_t n, i;
			long long count = -1;
			char *rs;
			const struct sched_reason *hit = NULL;
			json_t *o;

			while (*p == ' ')
				p++;
			/* a part ends at "," or at the closing "." (followed by
			 * " " or end); taints hold "{k: v}" without commas */
			end = p;
			while (*end && *end != ',' && !(*end == '.' && (end[1] == ' ' || end[1] == '\0')))
				end++;
			n = (size_t)(end - p);
			if (n >= sizeof(part))
				n = sizeof(part) - 1;
			memcpy(part, p, n);
			part[n] = '\0';
			rs = part;
			if (isdigit((unsigned char)*rs)) {
				count = strtoll(rs, &rs, 10);
				while (*rs == ' ')
					rs++;
			}
			if (*rs) {
				for (i = 0; i < sizeof(sched_reasons) / sizeof(sched_reasons[0]); i++)
					if (contains(rs, sched_reasons[i].needle)) {
						hit = &sched_reasons[i];
						break;
					}
				o = json_object();
				json_object_set_new(o, "count", count >= 0 ? json_integer(count) : json_null());
				json_object_set_new(o, "reason", jstr(rs));
				json_object_set_new(o, "preemption", json_boolean(preempt));
				json_object_set_new(o, "plugin", hit ? json_string(hit->name) : json_null());
				json_object_set_new(o, "explanation", hit ? json_string(hit->explanation) : json_null());
				json_array_append_new(arr, o);
				if (!hit)
					*all_known = false;
				else if (hit->spread)
					*spread = true;
			}
			if (*end != ',') {
				p = end;
				break;
			}
			p = end + 1;
		}
		p = strstr(p, "preemption:");
		if (!p)
			break;
		preempt = true;
		p = strstr(p, "nodes are available:");
	}
	return arr;
}

/* jansson refuses invalid UTF-8: replace bytes so a hostile line still shows. */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *c;
	size_t i;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	c = xstrdup(s);
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return j ? j : json_string("");
}

/* Object names go into shell commands the user may paste: keep only what a
 * Kubernetes name can hold, else the placeholder. */
static const char *safe_obj(const char *obj)
{
	const char *p;

	if (!obj || !*obj || strlen(obj) > 300)
		return "NAMESPACE/POD";
	for (p = obj; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.' || *p == '/'))
			return "NAMESPACE/POD";
	return obj;
}

static void add_event(struct ex_state *st, const char *source, const char *object,
		      const char *reason, const char *msg)
{
	enum tk_explain_domain dom = TK_EXPLAIN_SCHED;
	int failure = 0;
	const char *cls;
	json_t *e;
	bool known = true, spread = false;
	char *cmd = NULL;
	const char *expl = NULL;

	st->seen++;
	cls = tk_explain_classify(reason, msg, &dom, &failure);
	if (!cls) {
		st->other++;
		return;
	}
	e = json_object();
	json_object_set_new(e, "source", jstr(source));
	json_object_set_new(e, "object", jstr(object));
	json_object_set_new(e, "reason", jstr(reason ? reason : (*cls ? cls : NULL)));
	json_object_set_new(e, "message", jstr(msg));
	json_object_set_new(e, "domain", json_string(dom == TK_EXPLAIN_SCHED ? "scheduler" : "kubelet"));
	if (!*cls) {
		known = false;
		failure = 0;
	} else if (dom == TK_EXPLAIN_SCHED) {
		json_t *parts;

		if (!contains(msg, "nodes are available")) {
			known = false;
			failure = 0;
		} else {
			parts = sched_parts(msg, &known, &spread);
			json_object_set_new(e, "parts", parts);
			expl = "kube-scheduler found no node for the pod; each part below counts the nodes a filter plugin rejected";
		}
	} else {
		const struct kubelet_msg *k = kubelet_match(reason, msg);

		expl = k ? k->explanation : NULL;
	}
	if (dom != st->domain) {
		st->foreign++;
		if (known && failure)
			st->foreign_failures++;
		if (asprintf(&cmd, "%s", tool_for(dom)) < 0)
			cmd = NULL;
	} else if (known && dom == TK_EXPLAIN_SCHED) {
		const char *obj = safe_obj(object);
		const char *slash = strchr(obj, '/');
		char ns[256] = "default", name[256];

		if (slash && (size_t)(slash - obj) < sizeof(ns)) {
			memcpy(ns, obj, (size_t)(slash - obj));
			ns[slash - obj] = '\0';
			snprintf(name, sizeof(name), "%s", slash + 1);
		} else {
			snprintf(name, sizeof(name), "%s", obj);
		}
		if (spread) {
			if (asprintf(&cmd, "kubectl get nodes,pods -A -o json > cluster.json; "
				     "kubectl get pod -n '%s' '%s' -o json > pod.json; "
				     "spread-check place --cluster cluster.json pod.json", ns, name) < 0)
				cmd = NULL;
		} else if (asprintf(&cmd, "kubectl describe pod -n '%s' '%s'", ns, name) < 0) {
			cmd = NULL;
		}
	} else if (known && failure && dom == TK_EXPLAIN_KUBELET) {
		const char *obj = safe_obj(object);
		const char *slash = strchr(obj, '/');
		int nsl = slash ? (int)(slash - obj) : 7;
		const char *name = slash ? slash + 1 : obj;

		if (strcmp(cls, "PolicyStateMismatch") == 0)
			cmd = xstrdup("numa-verify --kubelet-config running --cpu-manager-state /var/lib/kubelet/cpu_manager_state");
		else
			cmd = xasprintf("kubectl get pod -n '%.*s' '%s' -o json > pod.json; topo-discover > node.json; "
					"topo-admit -t node.json --kubelet-config /var/lib/kubelet/config.yaml pod.json",
					nsl > 255 ? 255 : nsl, slash ? obj : "default", name);
	}
	if (dom == st->domain) {
		st->own++;
		if (!known)
			st->unknown++;
		else if (failure)
			st->failures++;
	}
	json_object_set_new(e, "recognized", json_boolean(known));
	json_object_set_new(e, "failure", json_boolean(known && failure));
	json_object_set_new(e, "explanation", dom != st->domain ?
			    json_pack("s+", "handled by ", tool_for(dom)) : jstr(expl));
	json_object_set_new(e, "command", jstr(cmd));
	free(cmd);
	/* written at once: memory stays bounded whatever the number of entries */
	if (st->out == TK_OUT_TEXT) {
		render_text_event(e);
	} else {
		fputs(st->nout ? "," : "{\"events\":[", stdout);
		if (json_dumpf(e, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0)
			tk_fatal("write error");
	}
	st->nout++;
	json_decref(e);
}

/* ---- Event objects ---- */

static const char *jget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void add_event_object(struct ex_state *st, const json_t *ev)
{
	const char *msg, *reason, *src = NULL;
	const json_t *obj;
	char object[600];

	if (!json_is_object(ev))
		return;
	msg = jget(ev, "message");
	if (!msg)
		msg = jget(ev, "note");
	reason = jget(ev, "reason");
	obj = json_object_get(ev, "involvedObject");
	if (!obj)
		obj = json_object_get(ev, "regarding");
	if (json_is_object(json_object_get(ev, "source")))
		src = jget(json_object_get(ev, "source"), "component");
	if (!src)
		src = jget(ev, "reportingController");
	if (!src)
		src = jget(ev, "reportingComponent");
	object[0] = '\0';
	if (json_is_object(obj)) {
		const char *ns = jget(obj, "namespace"), *name = jget(obj, "name");

		snprintf(object, sizeof(object), "%s%s%s", ns ? ns : "", ns ? "/" : "", name ? name : "");
	}
	add_event(st, src, object, reason, msg ? msg : "");
}

static void add_json_doc(struct ex_state *st, const json_t *doc)
{
	const json_t *items = json_object_get(doc, "items");
	size_t i;
	json_t *v;

	if (json_is_array(doc))
		items = doc;
	if (json_is_array(items)) {
		json_array_foreach(items, i, v)
			add_event_object(st, v);
		return;
	}
	add_event_object(st, doc);
}

/* ---- text lines ---- */

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* split a describe Events row at runs of 2+ spaces */
static int describe_row(char *s, char *f[5])
{
	int n = 0;

	while (*s == ' ')
		s++;
	while (n < 4 && *s) {
		char *sp = strstr(s, "  ");

		if (!sp)
			break;
		*sp = '\0';
		f[n++] = s;
		s = sp + 2;
		while (*s == ' ')
			s++;
	}
	f[n++] = s;
	return n;
}

/* pod="ns/name" or pod="name" in klog structured lines */
static void klog_object(const char *line, char *out, size_t sz)
{
	const char *p = strstr(line, "pod=\"");
	const char *e;

	out[0] = '\0';
	if (!p) {
		const char *ns = strstr(line, "podNamespace=\""), *nm = strstr(line, "podName=\"");
		const char *ne, *me;

		if (!ns || !nm || !(ne = strchr(ns + 14, '"')) || !(me = strchr(nm + 9, '"')))
			return;
		snprintf(out, sz, "%.*s/%.*s", (int)(ne - ns - 14 > 255 ? 255 : ne - ns - 14), ns + 14,
			 (int)(me - nm - 9 > 255 ? 255 : me - nm - 9), nm + 9);
		return;
	}
	p += 5;
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= sz)
		return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void add_line(struct ex_state *st, char *line)
{
	char *f[5];
	char object[600];

	rstrip(line);
	if (!st->started && line[0]) {
		st->started = true;
		st->describe = strncmp(line, "Name:", 5) == 0;
	}
	if (!st->in_events) {
		if (strncmp(line, "Name:", 5) == 0 && !st->pod_name[0]) {
			const char *v = line + 5;

			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(st->pod_name, sizeof(st->pod_name), "%s", v);
			return;
		}
		if (strncmp(line, "Namespace:", 10) == 0) {
			const char *v = line + 10;

			while (*v == ' ' || *v == '\t')
				v++;
			snprintf(st->pod_ns, sizeof(st->pod_ns), "%s", v);
			return;
		}
		if (strncmp(line, "Events:", 7) == 0) {
			st->in_events = true;
			return;
		}
	} else {
		if (line[0] && line[0] != ' ') {
			/* the next object of a multi-pod describe */
			st->in_events = false;
			st->pod_name[0] = st->pod_ns[0] = '\0';
			add_line(st, line);
			return;
		}
		if (describe_row(line, f) == 5 && strcmp(f[0], "Type") != 0 && strncmp(f[0], "----", 4) != 0) {
			snprintf(object, sizeof(object), "%s%s%s", st->pod_ns,
				 st->pod_ns[0] ? "/" : "", st->pod_name);
			add_event(st, f[3], object, f[1], f[4]);
		}
		return;
	}
	if (!line[0] || st->describe)
		return;
	klog_object(line, object, sizeof(object));
	add_event(st, "journal", object, NULL, line);
}

static void add_journal_json(struct ex_state *st, const json_t *o)
{
	const char *msg = jget(o, "MESSAGE");
	char object[600];

	if (!msg)
		return;
	klog_object(msg, object, sizeof(object));
	add_event(st, jget(o, "_SYSTEMD_UNIT") ? jget(o, "_SYSTEMD_UNIT") : "journal", object, NULL, msg);
}

/* Bounded line reader over fread blocks (memchr finds the newline): returns
 * the bytes taken (0 at EOF); *cut set when the line was longer than the
 * buffer (the rest is skipped); buf is NUL-terminated, *len its length
 * (NUL bytes inside count). */
struct lreader {
	FILE *in;
	char blk[1 << 16];
	size_t pos, end;
};

static size_t read_line(struct lreader *r, char *buf, size_t sz, bool *cut, size_t *len)
{
	size_t n = 0, took = 0;

	*cut = false;
	for (;;) {
		char *nl;
		size_t avail, k;

		if (r->pos == r->end) {
			r->pos = 0;
			r->end = fread(r->blk, 1, sizeof(r->blk), r->in);
			if (!r->end)
				break;
		}
		avail = r->end - r->pos;
		nl = memchr(r->blk + r->pos, '\n', avail);
		k = nl ? (size_t)(nl - (r->blk + r->pos)) + 1 : avail;
		took += k;
		if (n + k < sz) {
			memcpy(buf + n, r->blk + r->pos, k);
			n += k;
		} else {
			if (n + 1 < sz) {
				memcpy(buf + n, r->blk + r->pos, sz - 1 - n);
				n = sz - 1;
			}
			*cut = true;
		}
		r->pos += k;
		if (nl)
			break;
	}
	buf[n] = '\0';
	*len = n;
	return took;
}

/* ---- output ---- */

/* one line per untrusted string: the shared escaping (C0, DEL, UTF-8 C1) */
static void put_escaped(FILE *out, const char *s)
{
	tk_fputs_text(s ? s : "", out);
}

static void render_text_event(const json_t *e)
{
	size_t j;
	json_t *p;
	const char *obj = jget(e, "object");

	printf("%s ", json_is_true(json_object_get(e, "recognized")) ? "*" : "?");
	put_escaped(stdout, jget(e, "reason") ? jget(e, "reason") : "-");
	if (obj && *obj) {
		fputs(" ", stdout);
		put_escaped(stdout, obj);
	}
	if (jget(e, "source")) {
		fputs(" (from ", stdout);
		put_escaped(stdout, jget(e, "source"));
		fputs(")", stdout);
	}
	fputs("\n  message: ", stdout);
	put_escaped(stdout, jget(e, "message"));
	fputs("\n", stdout);
	if (!json_is_true(json_object_get(e, "recognized")))
		fputs("  unknown message: not explained\n", stdout);
	if (jget(e, "explanation")) {
		fputs("  meaning: ", stdout);
		put_escaped(stdout, jget(e, "explanation"));
		fputs("\n", stdout);
	}
	json_array_foreach(json_object_get(e, "parts"), j, p) {
		json_t *c = json_object_get(p, "count");

		fputs("  - ", stdout);
		if (json_is_integer(c))
			printf("%lld ", (long long)json_integer_value(c));
		if (json_is_true(json_object_get(p, "preemption")))
			fputs("(preemption) ", stdout);
		put_escaped(stdout, jget(p, "reason"));
		fputs(": ", stdout);
		put_escaped(stdout, jget(p, "explanation") ? jget(p, "explanation") : "unknown reason: not explained");
		fputs("\n", stdout);
	}
	if (jget(e, "command")) {
		fputs("  run: ", stdout);
		put_escaped(stdout, jget(e, "command"));
		fputs("\n", stdout);
	}
}

static int render_text_summary(const json_t *sum, enum tk_explain_domain domain)
{
	printf("%lld lines/events read, %lld %s (%lld failures, %lld unknown), %lld for %s, %lld unrelated",
	       (long long)json_integer_value(json_object_get(sum, "read")),
	       (long long)json_integer_value(json_object_get(sum, "explained")) +
	       (long long)json_integer_value(json_object_get(sum, "unknown")),
	       domain == TK_EXPLAIN_SCHED ? "scheduler" : "kubelet",
	       (long long)json_integer_value(json_object_get(sum, "failures")),
	       (long long)json_integer_value(json_object_get(sum, "unknown")),
	       (long long)json_integer_value(json_object_get(sum, "otherTool")),
	       domain == TK_EXPLAIN_SCHED ? "numa-verify --explain" : "spread-check explain",
	       (long long)json_integer_value(json_object_get(sum, "unrelated")));
	if (json_integer_value(json_object_get(sum, "cutLines")))
		printf(", %lld overlong lines cut", (long long)json_integer_value(json_object_get(sum, "cutLines")));
	fputs("\n", stdout);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* JSON input (an Event, a List, or `journalctl -o json` lines): one value
 * after another, each read byte by byte so that jansson stops at the value's
 * closing bracket and nothing after it is lost; each value is bounded. */
struct jreader {
	FILE *in;
	size_t n;
	bool over;
};

static size_t jread(void *buf, size_t len, void *arg)
{
	struct jreader *r = arg;
	int c;

	if (!len)
		return 0;
	if (r->n >= JSON_MAX_BYTES) {
		r->over = true;
		return (size_t)-1;
	}
	if ((c = getc_unlocked(r->in)) == EOF)
		return 0;
	r->n++;
	*(char *)buf = (char)c;
	return 1;
}

static void read_json_values(struct ex_state *st, FILE *in, const char *name)
{
	size_t nval = 0;

	for (;;) {
		struct jreader r = { in, 0, false };
		json_error_t err;
		json_t *j;
		int c;

		while ((c = getc_unlocked(in)) != EOF && isspace(c))
			;
		if (c == EOF)
			break;
		ungetc(c, in);
		if (c != '{' && c != '[')
			tk_fatal("%s: value %zu: expected a JSON object or array", name, nval + 1);
		j = json_load_callback(jread, &r, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &err);
		if (r.over)
			tk_fatal("%s: value %zu: JSON value larger than %u MiB", name, nval + 1, JSON_MAX_BYTES >> 20);
		if (!j)
			tk_fatal("%s:%d:%d: %s", name, err.line + 0, err.column, err.text);
		nval++;
		if (json_is_object(j) && (json_object_get(j, "MESSAGE") || json_object_get(j, "__CURSOR")))
			add_journal_json(st, j);
		else
			add_json_doc(st, j);
		json_decref(j);
	}
}

int tk_explain_run(const char *path, enum tk_explain_domain domain, enum tk_out out)
{
	struct ex_state st;
	FILE *in;
	char *buf = xmalloc(LINE_MAX_BYTES);
	bool cut, json_mode = false;
	struct lreader *lr;
	size_t n, lineno = 0;
	json_t *sum;
	int rc;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	memset(&st, 0, sizeof(st));
	st.domain = domain;
	st.out = out;
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in)
		tk_fatal("%s: %m", path);
	/* peek: a BOM and leading white space are skipped; '{' or '[' is JSON */
	{
		int c = getc_unlocked(in);

		if (c == 0xef) {
			if (getc_unlocked(in) != 0xbb || getc_unlocked(in) != 0xbf)
				tk_fatal("%s:1:1: not UTF-8 text", name);
			c = getc_unlocked(in);
		}
		while (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			c = getc_unlocked(in);
		if (c != EOF)
			ungetc(c, in);
		if (c == '{' || c == '[')
			json_mode = true;
	}
	if (json_mode)
		read_json_values(&st, in, name);
	lr = xmalloc(sizeof(*lr));
	lr->in = in;
	lr->pos = lr->end = 0;
	while (!json_mode && read_line(lr, buf, LINE_MAX_BYTES, &cut, &n) > 0) {
		lineno++;
		if (cut)
			st.cut++;
		if (strlen(buf) < n)
			tk_fatal("%s:%zu: binary input (NUL byte)", name, lineno);
		add_line(&st, buf);
	}
	free(lr);
	if (ferror(in))
		tk_fatal("%s: read error", name);
	if (in != stdin)
		fclose(in);
	free(buf);

	sum = json_object();
	json_object_set_new(sum, "read", json_integer((json_int_t)st.seen));
	json_object_set_new(sum, "explained", json_integer((json_int_t)(st.own - st.unknown)));
	json_object_set_new(sum, "failures", json_integer((json_int_t)st.failures));
	json_object_set_new(sum, "unknown", json_integer((json_int_t)st.unknown));
	json_object_set_new(sum, "otherTool", json_integer((json_int_t)st.foreign));
	json_object_set_new(sum, "otherToolFailures", json_integer((json_int_t)st.foreign_failures));
	json_object_set_new(sum, "otherToolCommand", json_string(tool_for(domain == TK_EXPLAIN_SCHED ? TK_EXPLAIN_KUBELET : TK_EXPLAIN_SCHED)));
	json_object_set_new(sum, "unrelated", json_integer((json_int_t)st.other));
	json_object_set_new(sum, "cutLines", json_integer((json_int_t)st.cut));
	if (out == TK_OUT_TEXT) {
		rc = render_text_summary(sum, domain);
	} else {
		if (!st.nout)
			fputs("{\"events\":[", stdout);
		fputs("],\"summary\":", stdout);
		rc = json_dumpf(sum, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (fputs("}\n", stdout) == EOF || fflush(stdout) != 0)
			rc = -1;
	}
	json_decref(sum);
	if (rc < 0)
		tk_fatal("write error");
	return (st.failures || st.foreign_failures) ? 1 : 0;
}
