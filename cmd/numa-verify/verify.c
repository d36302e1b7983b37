/* verify.c - verdicts for processes and containers. Pure: no I/O.
 *
 * A process is aligned when its CPUs (and those of every thread whose
 * affinity differs) sit on one NUMA node, or inside --expect-numa, and at
 * least --min-local percent of its memory is on those nodes. It is
 * misaligned with one reason per broken rule, and unknown when a rule cannot
 * be evaluated (no memory pages to count, numa_maps unreadable). One allowed
 * on every online CPU is unpinned: no rule applies (without --expect-numa).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "nv.h"
#include "xalloc.h"

static char *fmt_list(const struct cpuset *s)
{
	return cpuset_format_list(s);
}

static const char *nodes_word(const struct cpuset *s)
{
	return cpuset_count(s) == 1 ? "NUMA node" : "NUMA nodes";
}

void nv_judge_proc(struct nv_proc *p, const struct nv_topo *t, const struct nv_vopts *o)
{
	struct cpuset local = CPUSET_INIT, known = CPUSET_INIT, main_numa = CPUSET_INIT;
	char *a, *b;
	size_t i;
	bool unknown = false;

	nv_strv_free(&p->reasons);
	nv_topo_numa_of(t, &p->cpus, &p->cpu_numa);
	for (i = 0; i < p->nthreads; i++) {
		nv_topo_numa_of(t, &p->threads[i].cpus, &p->threads[i].cpu_numa);
		cpuset_or(&p->cpu_numa, &p->threads[i].cpu_numa);
	}
	cpuset_copy(&known, &p->cpus);
	cpuset_and(&known, &t->cpus);
	if (cpuset_is_empty(&known)) {
		a = fmt_list(&p->cpus);
		nv_strv_addf(&p->reasons, "cpus %s are not online CPUs of this node", a);
		free(a);
		p->verdict = NV_UNKNOWN;
		goto out;
	}

	/* CPUs: one NUMA node, or within --expect-numa. The process's own
	 * CPUs set the local nodes; a thread elsewhere is a reason of its own. */
	nv_topo_numa_of(t, &p->cpus, &main_numa);
	if (o->have_expect) {
		cpuset_copy(&local, &o->expect);
		if (!cpuset_is_subset(&main_numa, &o->expect)) {
			a = fmt_list(&main_numa);
			b = fmt_list(&o->expect);
			nv_strv_addf(&p->reasons, "cpus on %s %s, outside --expect-numa %s",
				     nodes_word(&main_numa), a, b);
			free(a);
			free(b);
		}
	} else {
		cpuset_copy(&local, &main_numa);
		if (cpuset_count(&main_numa) > 1) {
			a = fmt_list(&p->cpus);
			b = fmt_list(&main_numa);
			nv_strv_addf(&p->reasons, "cpus %s span NUMA nodes %s", a, b);
			free(a);
			free(b);
		}
	}
	for (i = 0; i < p->nthreads; i++) {
		const struct nv_thread *th = &p->threads[i];

		if (cpuset_is_subset(&th->cpu_numa, &local))
			continue;
		a = fmt_list(&th->cpus);
		b = fmt_list(&th->cpu_numa);
		nv_strv_addf(&p->reasons, "thread %d (%s) cpus %s on %s %s", th->tid,
			     th->comm ? th->comm : "?", a, nodes_word(&th->cpu_numa), b);
		free(a);
		free(b);
	}

	/* cpuset.mems that exclude the local nodes force remote memory */
	if (!cpuset_is_empty(&p->mems) && !cpuset_intersects(&p->mems, &local)) {
		a = fmt_list(&p->mems);
		b = fmt_list(&local);
		nv_strv_addf(&p->reasons, "mems %s exclude %s %s of its cpus", a, nodes_word(&local), b);
		free(a);
		free(b);
	}

	/* a memory policy (numactl --membind, mbind) that points elsewhere */
	if (p->bind_maps && !cpuset_intersects(&p->bind_nodes, &local)) {
		a = fmt_list(&p->bind_nodes);
		b = fmt_list(&local);
		nv_strv_addf(&p->reasons, "memory policy of %u mapping%s binds to %s %s, not %s %s of its cpus",
			     p->bind_maps, p->bind_maps == 1 ? "" : "s", nodes_word(&p->bind_nodes), a,
			     nodes_word(&local), b);
		free(a);
		free(b);
	}

	/* memory: the share on the local nodes */
	p->local_bytes = 0;
	for (i = 0; i < p->nmem; i++)
		if (p->mem[i].node >= 0 && cpuset_test(&local, (unsigned)p->mem[i].node))
			p->local_bytes += p->mem[i].bytes;
	if (p->mem_error) {
		nv_strv_addf(&p->reasons, "%s", p->mem_error);
		unknown = true;
	} else if (p->total_bytes == 0) {
		nv_strv_addf(&p->reasons, "no memory pages in numa_maps");
		unknown = true;
	} else {
		/* exact: tenths rounded half up; the threshold compares integers */
		unsigned __int128 num = (unsigned __int128)p->local_bytes * 1000 + p->total_bytes / 2;

		p->local_tenths = (int)(num / p->total_bytes);
		if ((unsigned __int128)p->local_bytes * 100 <
		    (unsigned __int128)p->total_bytes * (unsigned)o->min_local) {
			a = fmt_list(&local);
			nv_strv_addf(&p->reasons, "only %d.%d%% of memory is on %s %s (--min-local %d)",
				     p->local_tenths / 10, p->local_tenths % 10, nodes_word(&local), a,
				     o->min_local);
			free(a);
		}
	}
	/* Allowed on every CPU: nobody pinned it (a host daemon), so no rule
	 * applies; its memory is still counted. --expect-numa still says where
	 * it belongs. */
	if (!o->have_expect && cpuset_is_subset(&t->cpus, &p->cpus)) {
		nv_strv_free(&p->reasons);
		p->verdict = NV_UNPINNED;
	} else if (unknown && p->reasons.n == 1) {
		p->verdict = NV_UNKNOWN;
	} else if (p->reasons.n) {
		p->verdict = NV_MISALIGNED;
	} else {
		p->verdict = NV_ALIGNED;
	}
out:
	cpuset_release(&local);
	cpuset_release(&known);
	cpuset_release(&main_numa);
}

void nv_judge_container(struct nv_container *c, const struct nv_topo *t,
			const struct nv_state *st, const struct nv_vopts *o)
{
	char *a, *b;
	bool pod_has = false;
	bool exclusive;

	nv_strv_free(&c->reasons);
	c->entry = NULL;
	if (!c->have_cpus) {
		nv_strv_addf(&c->reasons, "no cpuset.cpus in the container's cgroup");
		c->verdict = NV_UNKNOWN;
		return;
	}
	nv_topo_numa_of(t, &c->cpus, &c->cpu_numa);
	if (st && st->parsed) {
		c->entry = nv_state_find(st, c->pod, &c->cpus, &pod_has);
		if (c->entry) {
			exclusive = true;
		} else if (pod_has && !cpuset_equal(&c->cpus, &st->default_set)) {
			/* the pod owns exclusive CPUs, but this cpuset matches none of them */
			a = fmt_list(&c->cpus);
			nv_strv_addf(&c->reasons,
				     "cpuset %s matches no cpu_manager_state entry of pod %s nor the default set %s",
				     a, c->pod, st->default_text ? st->default_text : "");
			free(a);
			exclusive = true;
		} else if (!cpuset_equal(&c->cpus, &st->default_set)) {
			a = fmt_list(&c->cpus);
			b = fmt_list(&st->default_set);
			nv_strv_addf(&c->reasons,
				     "cpuset %s differs from the shared pool %s in cpu_manager_state", a, b);
			free(a);
			free(b);
			exclusive = false;
		} else {
			exclusive = false;
		}
	} else {
		/* Without the state file: only Guaranteed pods get exclusive CPUs
		 * (static policy), and a container that may use every CPU has none. */
		exclusive = !strcmp(c->qos, "guaranteed") && !cpuset_is_subset(&t->cpus, &c->cpus);
	}
	if (exclusive) {
		if (o->have_expect) {
			if (!cpuset_is_subset(&c->cpu_numa, &o->expect)) {
				a = fmt_list(&c->cpu_numa);
				b = fmt_list(&o->expect);
				nv_strv_addf(&c->reasons, "exclusive cpus on %s %s, outside --expect-numa %s",
					     nodes_word(&c->cpu_numa), a, b);
				free(a);
				free(b);
			}
		} else if (cpuset_count(&c->cpu_numa) > 1) {
			a = fmt_list(&c->cpus);
			b = fmt_list(&c->cpu_numa);
			nv_strv_addf(&c->reasons, "exclusive cpus %s span NUMA nodes %s", a, b);
			free(a);
			free(b);
		}
	}
	if (c->reasons.n)
		c->verdict = NV_MISALIGNED;
	else
		c->verdict = exclusive ? NV_ALIGNED : NV_SHARED;
}
