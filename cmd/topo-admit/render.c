/* render.c - topo-admit's JSON and text output.
 *
 * JSON field order is the documented one (topo-admit(1)); cpuset-alloc reads
 * the pod-mode document on stdin, so "containers[].name", "exclusiveCpus"
 * and "hint" keep their names and shapes.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ta.h"

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

json_t *ta_hint_to_json(const struct ta_hint *h)
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

json_t *ta_hints_to_json(const struct ta_hint *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, ta_hint_to_json(&v[i]));
	return a;
}

static json_t *res_to_json(const struct ta_res_report *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "request", json_integer(r->request));
	json_object_set_new(o, "hints", r->nil_hints ? json_null() : ta_hints_to_json(r->hints, r->nhints));
	json_object_set_new(o, "exclusive", json_boolean(r->exclusive));
	if (r->why)
		json_object_set_new(o, "why", json_string(r->why));
	return o;
}

/* The fields first, in its order; topo-admit's additions after. */
json_t *ta_pod_report_to_json(const struct ta_pod_report *r)
{
	json_t *o = json_object(), *cs = json_array(), *w = json_array();
	size_t i, j;

	json_object_set_new(o, "admit", json_boolean(r->admit));
	json_object_set_new(o, "policy", json_string(ta_policy_name(r->policy)));
	json_object_set_new(o, "scope", json_string(ta_scope_name(r->scope)));
	json_object_set_new(o, "qosClass", json_string(ta_qos_name(r->qos)));
	for (i = 0; i < r->ncontainers; i++) {
		const struct ta_container_report *c = &r->containers[i];
		json_t *co = json_object(), *res = json_object();

		json_object_set_new(co, "name", json_string(c->name));
		for (j = 0; j < c->nres; j++)
			json_object_set_new(res, c->res[j].name, res_to_json(&c->res[j]));
		json_object_set_new(co, "resources", res);
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

void ta_pod_report_text(const struct ta_pod_report *r, void *fp)
{
	FILE *out = fp;
	size_t i, j;
	char buf[512];

	fprintf(out, "pod %s: %s (policy %s, scope %s, QoS %s)\n", r->name ? r->name : "",
		r->admit ? "admitted" : "rejected", ta_policy_name(r->policy), ta_scope_name(r->scope),
		ta_qos_name(r->qos));
	if (!r->admit && r->reason)
		fprintf(out, "  reason: %s: %s\n", r->reason, r->message ? r->message : "");
	for (i = 0; i < r->ncontainers; i++) {
		const struct ta_container_report *c = &r->containers[i];

		if (c->have_hint)
			hint_text(&c->hint, buf, sizeof(buf));
		else
			snprintf(buf, sizeof(buf), "not reached");
		fprintf(out, "  %scontainer %s: %s, %d exclusive CPUs%s\n", c->init ? "init " : "", c->name,
			buf, c->exclusive_cpus,
			c->admit ? ""
			: r->reason && strcmp(r->reason, "TopologyAffinityError") ? ", allocation fails"
			: ", cannot be aligned");
		for (j = 0; j < c->nres; j++)
			fprintf(out, "    %s: %s\n", c->res[j].name, c->res[j].why ? c->res[j].why : "");
	}
	for (i = 0; i < r->nwarnings; i++)
		fprintf(out, "  warning: %s\n", r->warnings[i]);
}
