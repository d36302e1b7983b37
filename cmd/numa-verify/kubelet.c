/* kubelet.c - check a KubeletConfiguration before the kubelet restarts with
 * it: read below the node's root, with the kubelet's flags over it, then
 * decoded, defaulted and checked by common/kubeletconfig.h (the settings
 * that make the kubelet refuse to start, in its own words, and the
 * combinations it accepts that align nothing, as warnings).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "kubeletconfig.h"
#include "nv.h"
#include "xalloc.h"

void nv_kcfg_release(struct nv_kcfg *k)
{
	free(k->file);
	free(k->cpu_policy);
	free(k->tm_policy);
	free(k->tm_scope);
	free(k->mm_policy);
	cpuset_release(&k->reserved_cpus);
	nv_strv_free(&k->problems);
	nv_strv_free(&k->warnings);
	memset(k, 0, sizeof(*k));
}

int nv_kcfg_check(struct nv_kcfg *k, const char *dir, const char *display,
		  const struct nv_topo *t, struct tk_diag *d)
{
	return nv_kcfg_check_flags(k, dir, display, display, NULL, t, d);
}

/* The machine for the checks that need one: its NUMA nodes and CPUs. */
static int *machine_of(struct tk_kc_machine *m, const struct nv_topo *t)
{
	int *ids;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!t)
		return NULL;
	ids = xcalloc(t->n + 1, sizeof(int));
	for (i = 0; i < t->n; i++)
		ids[i] = t->nodes[i].id;
	m->nnuma = t->n;
	m->numa_ids = ids;
	m->cpus = &t->cpus;
	return ids;
}

static void strv_take(struct nv_strv *to, const struct tk_strv *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		nv_strv_addf(to, "%s", from->v[i]);
}

int nv_kcfg_check_flags(struct nv_kcfg *k, const char *dir, const char *display, const char *label,
			const struct nv_kflags *flags, const struct nv_topo *t, struct tk_diag *d)
{
	struct tk_kubelet_config kc;
	struct tk_kc_machine m;
	struct tk_kc_verdict v;
	int *ids;
	struct tk_doc *doc;
	char *buf;
	size_t len;
	int rc;

	memset(k, 0, sizeof(*k));
	k->file = xstrdup(label);
	if (!display) {
		/* a kubelet started without --config runs on the defaults and its flags */
		tk_kc_init_defaults(&kc, label);
	} else {
		if (!strcmp(display, "-")) {
			doc = tk_doc_load(display, NULL, d);
		} else {
			if (nv_read_input(dir, display, display, &buf, &len, d) < 0)
				return -1;
			doc = tk_doc_load_mem(display, buf, len, NULL, d);
			free(buf);
		}
		if (!doc)
			return -1;
		rc = tk_kc_decode(&kc, doc, d);
		tk_doc_free(doc);
		if (rc < 0)
			return -1;
		tk_kc_override(&kc.file, label);
	}
	/* the kubelet's flags win over its config file */
	if (flags) {
		if (flags->cpu_policy)
			tk_kc_override(&kc.cpu_manager_policy, flags->cpu_policy);
		if (flags->tm_policy)
			tk_kc_override(&kc.topology_manager_policy, flags->tm_policy);
		if (flags->tm_scope)
			tk_kc_override(&kc.topology_manager_scope, flags->tm_scope);
		if (flags->mm_policy)
			tk_kc_override(&kc.memory_manager_policy, flags->mm_policy);
		if (flags->reserved_cpus)
			tk_kc_override(&kc.reserved_system_cpus, flags->reserved_cpus);
		tk_kc_set_defaults(&kc);
	}
	ids = machine_of(&m, t);
	tk_kc_validate(&kc, &m, &v);
	free(ids);
	k->cpu_policy = xstrdup(kc.cpu_manager_policy);
	k->tm_policy = xstrdup(kc.topology_manager_policy);
	k->tm_scope = xstrdup(kc.topology_manager_scope);
	k->mm_policy = xstrdup(kc.memory_manager_policy);
	k->have_reserved_cpus = v.have_reserved_cpus;
	cpuset_copy(&k->reserved_cpus, &v.reserved_cpus);
	k->strict_reservation = v.strict_cpu_reservation;
	strv_take(&k->problems, &v.problems);
	strv_take(&k->warnings, &v.warnings);
	tk_kc_verdict_release(&v);
	tk_kc_release(&kc);
	return 0;
}
