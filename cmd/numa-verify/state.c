/* state.c - check the kubelet's cpu_manager_state as the kubelet would at
 * start, and say so in its words.
 *
 * Order and wording follow the kubelet:
 *   1. checkpoint load (pkg/kubelet/checkpointmanager): unreadable JSON or a
 *      wrong checksum ("checkpoint is corrupted"), wrapped by
 *      stateCheckpoint.restoreState as "could not restore state from
 *      checkpoint: ..." (cpumanager/state/state_checkpoint.go);
 *   2. restoreState: the configured policy name, the cpulists;
 *   3. staticPolicy.validateState (cpumanager/policy_static.go): empty
 *      default set with assignments, reserved CPUs in the default set (or,
 *      with strict-cpu-reservation, absent from it), assignments overlapping
 *      the default set, and the union of all sets against the online CPUs.
 * Two checks are ours (the kubelet never looks): exclusive entries that
 * overlap each other, and reserved CPUs handed to a container.
 * Parsing and the checksum are common/statefile.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "diag.h"
#include "nv.h"
#include "statefile.h"
#include "xalloc.h"

void nv_state_release(struct nv_state *s)
{
	size_t i;

	free(s->file);
	free(s->policy);
	free(s->default_text);
	cpuset_release(&s->default_set);
	for (i = 0; i < s->nentries; i++) {
		free(s->entries[i].pod);
		free(s->entries[i].container);
		free(s->entries[i].text);
		cpuset_release(&s->entries[i].cpus);
	}
	free(s->entries);
	nv_strv_free(&s->problems);
	memset(s, 0, sizeof(*s));
}

const struct nv_entry *nv_state_find(const struct nv_state *s, const char *pod,
				     const struct cpuset *cpus, bool *pod_has)
{
	const struct nv_entry *hit = NULL;
	size_t i;

	if (pod_has)
		*pod_has = false;
	for (i = 0; i < s->nentries; i++) {
		if (strcmp(s->entries[i].pod, pod))
			continue;
		if (pod_has)
			*pod_has = true;
		if (!hit && cpuset_equal(&s->entries[i].cpus, cpus))
			hit = &s->entries[i];
	}
	return hit;
}

static const char *restore = "could not restore state from checkpoint";

/* The kubelet's message tail after a restore failure. */
static void restore_failed(struct nv_state *s, const char *why)
{
	nv_strv_addf(&s->problems,
		     "%s: %s, please drain this node and delete the CPU manager checkpoint file \"%s\" before restarting Kubelet",
		     restore, why, s->file);
}

/* Pairs of entries of different pods that share a CPU, in entry order as
 * "pod: A ... overlaps with pod: B ...". Found through each CPU's entries,
 * not by comparing every pair: a state of 30,000 entries took 17 s that way.
 * A hostile state can hold millions of such pairs, so at most
 * OVERLAPS_COLLECTED are gathered and OVERLAPS_REPORTED named; the rest are
 * counted. */
#define OVERLAPS_COLLECTED 100000
#define OVERLAPS_REPORTED 100

struct entry_pair {
	size_t a, b;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct entry_pair *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

static void report_overlaps(struct nv_state *s)
{
	size_t *count, *start, *owners, max_cpu = 0, total = 0, i, k, npairs = 0, unique = 0;
	struct entry_pair *pairs = NULL;
	size_t cap = 0;
	bool truncated = false;
	int c;

	for (i = 0; i < s->nentries; i++) {
		int last = cpuset_last(&s->entries[i].cpus);

		if (last >= 0 && (size_t)last + 1 > max_cpu)
			max_cpu = (size_t)last + 1;
	}
	if (!max_cpu)
		return;
	/* owners[start[c] .. start[c] + count[c]) are the entries holding CPU c,
	 * in entry order */
	count = xcalloc(max_cpu, sizeof(*count));
	start = xcalloc(max_cpu + 1, sizeof(*start));
	for (i = 0; i < s->nentries; i++)
		for (c = cpuset_first(&s->entries[i].cpus); c >= 0; c = cpuset_next(&s->entries[i].cpus, c))
			count[c]++, total++;
	for (k = 0; k < max_cpu; k++)
		start[k + 1] = start[k] + count[k];
	owners = xmalloc((total ? total : 1) * sizeof(*owners));
	memset(count, 0, max_cpu * sizeof(*count));
	for (i = 0; i < s->nentries; i++)
		for (c = cpuset_first(&s->entries[i].cpus); c >= 0; c = cpuset_next(&s->entries[i].cpus, c))
			owners[start[c] + count[c]++] = i;
	for (k = 0; k < max_cpu && !truncated; k++) {
		size_t x, y;

		for (x = 0; x < count[k] && !truncated; x++)
			for (y = x + 1; y < count[k]; y++) {
				size_t a = owners[start[k] + x], b = owners[start[k] + y];

				/* init containers hand their CPUs on to app containers of the same pod */
				if (!strcmp(s->entries[a].pod, s->entries[b].pod))
					continue;
				if (npairs == OVERLAPS_COLLECTED) {
					truncated = true;
					break;
				}
				if (npairs == cap) {
					cap = cap ? 2 * cap : 64;
					pairs = xreallocarray(pairs, cap, sizeof(*pairs));
				}
				pairs[npairs].a = a;
				pairs[npairs++].b = b;
			}
	}
	if (npairs)
		qsort(pairs, npairs, sizeof(*pairs), cmp_pair);
	for (i = 0; i < npairs; i++) {
		const struct nv_entry *x, *y;
		char *ca, *cb;

		if (i && pairs[i].a == pairs[i - 1].a && pairs[i].b == pairs[i - 1].b)
			continue;     /* the same two entries share another CPU */
		if (unique++ >= OVERLAPS_REPORTED)
			continue;
		x = &s->entries[pairs[i].a];
		y = &s->entries[pairs[i].b];
		ca = cpuset_format_list(&x->cpus);
		cb = cpuset_format_list(&y->cpus);
		nv_strv_addf(&s->problems,
			     "pod: %s, container: %s cpuset: \"%s\" overlaps with pod: %s, container: %s cpuset: \"%s\"",
			     x->pod, x->container, ca, y->pod, y->container, cb);
		free(ca);
		free(cb);
	}
	if (unique > OVERLAPS_REPORTED)
		nv_strv_addf(&s->problems, "%s%zu more pairs of entries of different pods share CPUs",
			     truncated ? "at least " : "", unique - OVERLAPS_REPORTED);
	free(pairs);
	free(owners);
	free(start);
	free(count);
}

static void validate_static(struct nv_state *s, const struct cpuset *all,
			    const struct cpuset *reserved, bool strict)
{
	struct cpuset known = CPUSET_INIT, tmp = CPUSET_INIT;
	char *a, *b;
	size_t i;

	if (cpuset_is_empty(&s->default_set)) {
		if (s->nentries)
			nv_strv_addf(&s->problems, "default cpuset cannot be empty");
		return;  /* an empty state is initialized by the kubelet */
	}
	if (reserved && !cpuset_is_empty(reserved)) {
		cpuset_copy(&tmp, reserved);
		if (strict) {
			cpuset_and(&tmp, &s->default_set);
			if (!cpuset_is_empty(&tmp)) {
				a = cpuset_format_list(&tmp);
				nv_strv_addf(&s->problems,
					     "some of strictly reserved cpus: \"%s\" are present in defaultCpuSet: \"%s\"",
					     a, s->default_text);
				free(a);
			}
		} else if (!cpuset_is_subset(reserved, &s->default_set)) {
			a = cpuset_format_list(reserved);
			nv_strv_addf(&s->problems, "not all reserved cpus: \"%s\" are present in defaultCpuSet: \"%s\"",
				     a, s->default_text);
			free(a);
		}
	}
	for (i = 0; i < s->nentries; i++) {
		const struct nv_entry *e = &s->entries[i];

		if (cpuset_intersects(&e->cpus, &s->default_set)) {
			a = cpuset_format_list(&e->cpus);
			nv_strv_addf(&s->problems,
				     "pod: %s, container: %s cpuset: \"%s\" overlaps with default cpuset \"%s\"",
				     e->pod, e->container, a, s->default_text);
			free(a);
		}
	}
	/* ours: the kubelet assumes exclusive entries never share a CPU */
	report_overlaps(s);
	if (reserved && !cpuset_is_empty(reserved))
		for (i = 0; i < s->nentries; i++) {
			const struct nv_entry *e = &s->entries[i];

			cpuset_copy(&tmp, &e->cpus);
			cpuset_and(&tmp, reserved);
			if (cpuset_is_empty(&tmp))
				continue;
			a = cpuset_format_list(&tmp);
			nv_strv_addf(&s->problems, "reserved cpus \"%s\" are assigned to pod: %s, container: %s",
				     a, e->pod, e->container);
			free(a);
		}
	cpuset_copy(&known, &s->default_set);
	for (i = 0; i < s->nentries; i++)
		cpuset_or(&known, &s->entries[i].cpus);
	/* with strict-cpu-reservation the reserved CPUs belong to no set */
	cpuset_copy(&tmp, all);
	if (strict && reserved)
		cpuset_andnot(&tmp, reserved);
	if (!cpuset_equal(&known, &tmp)) {
		a = cpuset_format_list(&tmp);
		b = cpuset_format_list(&known);
		nv_strv_addf(&s->problems,
			     "current set of available CPUs \"%s\" doesn't match with CPUs in state \"%s\"", a, b);
		free(a);
		free(b);
	}
	cpuset_release(&known);
	cpuset_release(&tmp);
}

int nv_state_check(struct nv_state *s, const char *root, const char *display,
		   const struct cpuset *all, const struct nv_kcfg *kc,
		   const char *expect_policy, const struct cpuset *reserved, struct tk_diag *d)
{
	struct tk_cpu_checkpoint cp;
	char *buf = NULL;
	size_t len = 0, i, off;
	int rc;
	bool strict = kc && kc->strict_reservation;

	memset(s, 0, sizeof(*s));
	s->file = xstrdup(display);
	rc = nv_read_input(root, display, display, &buf, &len, d);
	if (rc < 0)
		return -1;
	if (tk_cpu_checkpoint_parse(&cp, display, buf, len, d)) {
		/* not a checkpoint at all: an input error (exit 2) with its
		 * position; the kubelet would fail the same way to restore it */
		size_t ml = strlen(d->msg);

		snprintf(d->msg + ml, sizeof(d->msg) - ml, " (the kubelet cannot restore this checkpoint)");
		if (!d->file[0])
			snprintf(d->file, sizeof(d->file), "%s", display);
		free(buf);
		return -1;
	}
	free(buf);
	s->parsed = true;
	s->policy = xstrdup(cp.policy_name);
	s->default_text = xstrdup(cp.default_cpuset);
	s->have_checksum = true;
	s->checksum = cp.checksum;
	s->computed = tk_cpu_checkpoint_sum(&cp, false);
	switch (tk_cpu_checkpoint_owner(&cp)) {
	case TK_CK_OWNER_KUBELET:
	case TK_CK_OWNER_LEGACY:
		break;
	case TK_CK_OWNER_TOPOKIT:
		restore_failed(s, "checkpoint is corrupted (the checksum is topokit's, not the kubelet's)");
		break;
	case TK_CK_OWNER_BAD:
		restore_failed(s, "checkpoint is corrupted");
		break;
	}
	if (!expect_policy && kc)
		expect_policy = kc->cpu_policy;
	if (expect_policy && strcmp(expect_policy, s->policy)) {
		char why[600];

		snprintf(why, sizeof(why), "configured policy \"%.200s\" differs from state checkpoint policy \"%.200s\"",
			 expect_policy, s->policy);
		restore_failed(s, why);
	}
	off = 0;
	if (cpuset_parse_list(&s->default_set, s->default_text, CPUSET_MAX_ID, &off)) {
		char why[600];

		snprintf(why, sizeof(why), "could not parse default cpu set \"%.200s\"", s->default_text);
		restore_failed(s, why);
		s->parsed = false;
	}
	s->entries = xcalloc(cp.nentries ? cp.nentries : 1, sizeof(*s->entries));
	for (i = 0; i < cp.nentries; i++) {
		struct nv_entry *e = &s->entries[s->nentries];

		e->pod = xstrdup(cp.entries[i].pod);
		e->container = xstrdup(cp.entries[i].container);
		e->text = xstrdup(cp.entries[i].cpus);
		s->nentries++;
		if (cpuset_parse_list(&e->cpus, e->text, CPUSET_MAX_ID, &off)) {
			char why[800];

			snprintf(why, sizeof(why), "could not parse cpuset \"%.200s\" for container \"%.200s\" in pod \"%.200s\"",
				 e->text, e->container, e->pod);
			restore_failed(s, why);
			s->parsed = false;
		}
	}
	tk_cpu_checkpoint_release(&cp);
	if (!reserved && kc && kc->have_reserved_cpus)
		reserved = &kc->reserved_cpus;
	if (s->parsed && !strcmp(s->policy, "static"))
		validate_static(s, all, reserved, strict);
	return 0;
}
