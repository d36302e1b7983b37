/* render.c - topo-admit's JSON and text output.
 *
 * JSON field order is the documented one (topo-admit(1)); cpuset-alloc reads
 * the pod-mode document on stdin, so "containers[].name", "exclusiveCpus"
 * and "hint" keep their names and shapes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit.h"
#include "ta.h"
#include "xalloc.h"

int ta_emit(json_t *j)
{
	int rc = tk_emit_json(j, stdout);

	json_decref(j);
	return rc;
}

void ta_mask_format(ta_mask m, char *buf, size_t len)
{
	size_t o = 0;
	int i = 0;

	buf[0] = '\0';
	while (i < TA_MAX_NUMA) {
		int j;

		if (!(m >> i & 1)) {
			i++;
			continue;
		}
		for (j = i; j + 1 < TA_MAX_NUMA && (m >> (j + 1) & 1); j++)
			;
		if (o + 24 >= len)
			break;
		if (j == i)
			o += (size_t)snprintf(buf + o, len - o, "%s%d", o ? "," : "", i);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%d-%d", o ? "," : "", i, j);
		i = j + 1;
	}
}

static json_t *ta_hint_to_json(const struct ta_hint *h)
{
	json_t *o = json_object(), *a;
	int i;

	if (h->has_mask) {
		a = json_array();
		for (i = 0; i < TA_MAX_NUMA; i++)
			if (h->mask >> i & 1)
				json_array_append_new(a, json_integer(i));
	} else {
		a = json_null();
	}
	json_object_set_new(o, "numaAffinity", a);
	json_object_set_new(o, "preferred", json_boolean(h->preferred));
	return o;
}

/* One JSON value per distinct hint, shared by every list that holds it: on
 * 16 NUMA nodes each resource has 65535 hints, most of them alike. */
struct hint_cache {
	size_t n, cap;          /* cap a power of two */
	struct hint_slot {
		json_t *j;      /* NULL: empty */
		struct ta_hint h;
	} *v;
	json_t *ids[TA_MAX_NUMA];
};

static size_t hint_hash(const struct ta_hint *h)
{
	return (size_t)(((h->mask * 2 + h->has_mask) * 2 + h->preferred) * 0x9e3779b97f4a7c15ULL >> 32);
}

static void cache_release(struct hint_cache *c)
{
	size_t i;

	for (i = 0; i < c->cap; i++)
		json_decref(c->v[i].j);
	for (i = 0; i < TA_MAX_NUMA; i++)
		json_decref(c->ids[i]);
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static json_t *hint_json(struct hint_cache *c, const struct ta_hint *h)
{
	json_t *o, *a;
	size_t i, k;
	int b;

	if (!c->cap) {
		c->cap = 256;
		c->v = xcalloc(c->cap, sizeof(*c->v));
	}
	k = hint_hash(h);
	for (i = k & (c->cap - 1); c->v[i].j; i = (i + 1) & (c->cap - 1))
		if (c->v[i].h.has_mask == h->has_mask && c->v[i].h.mask == h->mask &&
		    c->v[i].h.preferred == h->preferred)
			return json_incref(c->v[i].j);
	o = json_object();
	if (h->has_mask) {
		a = json_array();
		for (b = 0; b < TA_MAX_NUMA; b++)
			if (h->mask >> b & 1) {
				if (!c->ids[b])
					c->ids[b] = json_integer(b);
				json_array_append(a, c->ids[b]);
			}
	} else {
		a = json_null();
	}
	json_object_set_new(o, "numaAffinity", a);
	json_object_set_new(o, "preferred", json_boolean(h->preferred));
	c->v[i].j = o;
	c->v[i].h = *h;
	if (++c->n * 2 > c->cap) {
		struct hint_cache big = { 0, c->cap * 2, NULL, { NULL } };

		big.v = xcalloc(big.cap, sizeof(*big.v));
		for (i = 0; i < c->cap; i++) {
			const struct ta_hint *x = &c->v[i].h;

			if (!c->v[i].j)
				continue;
			k = hint_hash(x);
			for (k &= big.cap - 1; big.v[k].j; k = (k + 1) & (big.cap - 1))
				;
			big.v[k] = c->v[i];
		}
		free(c->v);
		c->v = big.v;
		c->cap = big.cap;
	}
	return json_incref(o);
}

static json_t *hints_json(struct hint_cache *c, const struct ta_hint *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, hint_json(c, &v[i]));
	return a;
}

static json_t *ta_hints_to_json(const struct ta_hint *v, size_t n)
{
	struct hint_cache c = { 0 };
	json_t *a = hints_json(&c, v, n);

	cache_release(&c);
	return a;
}

static json_t *res_to_json(struct hint_cache *c, const struct ta_res_report *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "request", json_integer(r->request));
	json_object_set_new(o, "hints", r->nil_hints ? json_null() : hints_json(c, r->hints, r->nhints));
	json_object_set_new(o, "exclusive", json_boolean(r->exclusive));
	if (r->why)
		json_object_set_new(o, "why", json_string(r->why));
	return o;
}

static json_t *resources_json(struct hint_cache *c, const struct ta_container_report *cr)
{
	json_t *res = json_object();
	size_t j;

	for (j = 0; j < cr->nres; j++)
		json_object_set_new(res, cr->res[j].name, res_to_json(c, &cr->res[j]));
	return res;
}

/* The fields first, in its order; topo-admit's additions after. */
json_t *ta_pod_report_to_json(const struct ta_pod_report *r)
{
	json_t *o = json_object(), *cs = json_array(), *w = json_array();
	struct hint_cache hc = { 0 };
	size_t i;

	json_object_set_new(o, "admit", json_boolean(r->admit));
	json_object_set_new(o, "policy", json_string(ta_policy_name(r->policy)));
	json_object_set_new(o, "scope", json_string(ta_scope_name(r->scope)));
	json_object_set_new(o, "qosClass", json_string(ta_qos_name(r->qos)));
	for (i = 0; i < r->ncontainers; i++) {
		const struct ta_container_report *c = &r->containers[i];
		json_t *co = json_object();

		json_object_set_new(co, "name", json_string(c->name));
		json_object_set_new(co, "resources", resources_json(&hc, c));
		json_object_set_new(co, "hint", c->have_hint ? ta_hint_to_json(&c->hint) : json_null());
		json_object_set_new(co, "exclusiveCpus", json_integer(c->exclusive_cpus));
		json_object_set_new(co, "init", json_boolean(c->init));
		/* a sidecar keeps its CPUs; cpuset-alloc reuses only plain init containers' */
		json_object_set_new(co, "restartable", json_boolean(c->restartable));
		json_object_set_new(co, "admit", json_boolean(c->admit));
		json_array_append_new(cs, co);
	}
	json_object_set_new(o, "containers", cs);
	json_object_set_new(o, "reason", r->reason ? json_string(r->reason) : json_null());
	json_object_set_new(o, "message", r->message ? json_string(r->message) : json_null());
	json_object_set_new(o, "pod", json_string(r->name ? r->name : ""));
	json_object_set_new(o, "kind", json_string(r->kind ? r->kind : "Pod"));
	for (i = 0; i < r->nwarnings; i++)
		json_array_append_new(w, json_string(r->warnings[i]));
	json_object_set_new(o, "warnings", w);
	/* cpuset-alloc refuses to pick CPUs the kubelet would not pin */
	json_object_set_new(o, "cpuManagerPolicy", json_string(r->cpu_static ? "static" : "none"));
	/* podScope.Admit's one merge for the whole pod */
	if (r->pod_scope) {
		json_t *p = json_object();

		json_object_set_new(p, "resources", resources_json(&hc, &r->pod));
		json_object_set_new(p, "hint", ta_hint_to_json(&r->pod.hint));
		json_object_set_new(p, "exclusiveCpus", json_integer(r->pod.exclusive_cpus));
		json_object_set_new(p, "admit", json_boolean(r->pod.admit));
		json_object_set_new(o, "podScope", p);
	} else {
		json_object_set_new(o, "podScope", json_null());
	}
	cache_release(&hc);
	return o;
}

static void hint_text(const struct ta_hint *h, char *buf, size_t len)
{
	char m[256];

	if (!h->has_mask) {
		snprintf(buf, len, "any NUMA node%s", h->preferred ? " (preferred)" : " (not preferred)");
		return;
	}
	ta_mask_format(h->mask, m, sizeof(m));
	snprintf(buf, len, "NUMA %s%s", m, h->preferred ? " (preferred)" : " (not preferred)");
}

static void res_text(const struct ta_container_report *c, FILE *out)
{
	size_t j;

	for (j = 0; j < c->nres; j++) {
		fputs("    ", out);
		tk_fputs_text(c->res[j].name, out);
		fputs(": ", out);
		tk_fputs_text(c->res[j].why ? c->res[j].why : "", out);
		fputc('\n', out);
	}
}

void ta_pod_report_text(const struct ta_pod_report *r, void *fp)
{
	FILE *out = fp;
	size_t i;
	char buf[512];

	/* names and messages come from the manifest: escaped (tk_fputs_text) */
	fputs("pod ", out);
	tk_fputs_text(r->name ? r->name : "", out);
	fprintf(out, ": %s (policy %s, scope %s, QoS %s)\n", r->admit ? "admitted" : "rejected",
		ta_policy_name(r->policy), ta_scope_name(r->scope), ta_qos_name(r->qos));
	if (!r->admit && r->reason) {
		fprintf(out, "  reason: %s: ", r->reason);
		tk_fputs_text(r->message ? r->message : "", out);
		fputc('\n', out);
	}
	if (r->pod_scope) {
		hint_text(&r->pod.hint, buf, sizeof(buf));
		fprintf(out, "  pod scope: %s, %d exclusive CPUs%s\n", buf, r->pod.exclusive_cpus,
			r->pod.admit ? "" : ", cannot be aligned");
		res_text(&r->pod, out);
	}
	for (i = 0; i < r->ncontainers; i++) {
		const struct ta_container_report *c = &r->containers[i];

		if (c->have_hint)
			hint_text(&c->hint, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "not reached");
		fprintf(out, "  %scontainer ", c->init ? "init " : "");
		tk_fputs_text(c->name, out);
		fprintf(out, ": %s, %d exclusive CPUs%s\n", buf, c->exclusive_cpus,
			c->admit ? ""
			: r->reason && strcmp(r->reason, "TopologyAffinityError") ? ", allocation fails"
			: ", cannot be aligned");
		res_text(c, out);
	}
	for (i = 0; i < r->nwarnings; i++) {
		fputs("  warning: ", out);
		tk_fputs_text(r->warnings[i], out);
		fputc('\n', out);
	}
}

int ta_merge_result_render(const struct ta_merge_result *m, enum tk_out out)
{
	json_t *j;

	if (out == TK_OUT_TEXT) {
		char mask[256];

		if (m->best.has_mask)
			ta_mask_format(m->best.mask, mask, sizeof(mask));
		printf("admit: %s\nhint: %s%s, %s\n", m->admit ? "yes" : "no",
		       m->best.has_mask ? "NUMA " : "any NUMA node", m->best.has_mask ? mask : "",
		       m->best.preferred ? "preferred" : "not preferred");
		if (m->stall)
			printf("warning: %s\n", m->warning);
		return 0;
	}
	j = json_object();
	json_object_set_new(j, "admit", json_boolean(m->admit));
	json_object_set_new(j, "hint", ta_hint_to_json(&m->best));
	if (m->stall) {
		char digits[400], *end;
		long long n;

		/* exact while it fits JSON's usual 64-bit integers */
		ta_merge_combinations(m->policy, m->providers, m->nproviders, digits, sizeof(digits));
		errno = 0;
		n = strtoll(digits, &end, 10);
		json_object_set_new(j, "kubeletCombinations", errno || *end ?
				    json_real(m->combinations) : json_integer(n));
		json_object_set_new(j, "warnings", json_pack("[s]", m->warning));
	}
	return ta_emit(j);
}

int ta_cpu_hints_render(const struct ta_hint *h, size_t n, long long count, enum tk_out out)
{
	size_t i;
	json_t *j;

	if (out == TK_OUT_TEXT) {
		for (i = 0; i < n; i++) {
			char m[256];

			ta_mask_format(h[i].mask, m, sizeof(m));
			printf("NUMA %s%s\n", m, h[i].preferred ? " (preferred)" : "");
		}
		if (count == 0)
			printf("no exclusive CPUs requested: no NUMA preference\n");
		else if (!n)
			printf("no NUMA combination has %lld free CPUs\n", count);
		return 0;
	}
	j = json_object();
	/* GetTopologyHints: no exclusive CPUs requested, no preference (nil) */
	json_object_set_new(j, "hints", count == 0 ? json_null() : ta_hints_to_json(h, n));
	return ta_emit(j);
}
