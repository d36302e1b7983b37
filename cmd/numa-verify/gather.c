/* gather.c - one run of numa-verify: read what the options ask for (topology,
 * kubelet config, state file, processes, containers) and judge it. Input
 * errors end the run here with exit 2, as main() would.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "exitcodes.h"
#include "nv.h"
#include "xalloc.h"

static bool nv_nothing_to_verify(const struct nv_opts *o)
{
	return !o->all && !o->npids && !o->npods && !o->nctrs && !o->state && !o->kubelet &&
	       !o->kubelet_dir;
}

/* The root a state or config path is read under: relative ones are below
 * --root (and never leave it); an absolute one is the file the user named. */
static const char *input_root(const struct nv_opts *o, const char *path)
{
	return path[0] == '/' ? "" : o->root;
}

static bool have_proc(const struct nv_report *r, int pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return true;
	return false;
}

/* Read pid into r (skip when vanished or already there). */
static void add_proc(struct nv_report *r, const struct nv_sys *sys, int pid, bool skip_kthreads)
{
	struct nv_proc p;
	struct tk_diag d;
	int rc;

	if (have_proc(r, pid))
		return;
	rc = nv_proc_read(sys, pid, &p, &d);
	if (rc == 1) {
		r->nskipped++;
		nv_proc_release(&p);
		return;
	}
	if (rc < 0) {
		tk_diag_print(&d, tk_prog, stderr);
		nv_proc_release(&p);
		r->nskipped++;
		return;
	}
	if (skip_kthreads && p.kthread) {
		nv_proc_release(&p);
		return;
	}
	r->procs = xreallocarray(r->procs, r->nprocs + 1, sizeof(*r->procs));
	r->procs[r->nprocs++] = p;
}

static const struct nv_proc *find_proc(const struct nv_report *r, int pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

bool nv_container_selected(const struct nv_opts *o, const struct nv_container *c)
{
	size_t i;

	if (o->all)
		return true;
	for (i = 0; i < o->npods; i++)
		if (!strcmp(o->pods[i], c->pod))
			return true;
	for (i = 0; i < o->nctrs; i++)
		if (c->id && !strncmp(o->ctrs[i], c->id, strlen(o->ctrs[i])))
			return true;
	return false;
}

/* misaligned wins; unknown beats aligned (exit 0 either way) */
static void merge_verdict(struct nv_report *r, enum nv_verdict v)
{
	if (v == NV_MISALIGNED)
		r->verdict = NV_MISALIGNED;
	else if (v == NV_UNKNOWN && r->verdict == NV_ALIGNED)
		r->verdict = NV_UNKNOWN;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct nv_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Input errors end the run: free what was read (so a harness that turns
 * exit into a return leaks nothing), then exit 2. */
static void __attribute__((noreturn)) fail_diag(struct nv_report *r, const struct tk_diag *d)
{
	struct tk_diag copy = *d;

	nv_report_release(r);
	tk_fatal_diag(&copy);
}

static void __attribute__((noreturn, format(printf, 2, 3))) fail(struct nv_report *r, const char *fmt, ...)
{
	struct tk_diag d;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
	va_end(ap);
	d.file[0] = '\0';
	d.line = d.col = 0;
	fail_diag(r, &d);
}

/* The pod sandbox: only "pause" inside, unless its runtime says otherwise. */
static bool pause_only(const struct nv_report *r, const struct nv_container *c)
{
	size_t j;

	for (j = 0; j < c->npids; j++) {
		const struct nv_proc *p = find_proc(r, c->pids[j]);

		if (!p || !p->comm || strcmp(p->comm, "pause"))
			return false;
	}
	return c->npids > 0;
}

/* all: every container, before its processes are read (to resolve a
 * --pod NAMESPACE/NAME), else the selected ones with their sandboxes known */
static void name_containers(const struct nv_opts *o, struct nv_report *r, bool all)
{
	bool *want = xcalloc(r->cg.n, sizeof(*want));
	struct nv_kdir kd;
	size_t i;

	kd.dir = o->kubelet_dir ? o->kubelet_dir : "/var/lib/kubelet";
	kd.root = input_root(o, kd.dir);
	for (i = 0; i < r->cg.n; i++) {
		want[i] = all || nv_container_selected(o, &r->cg.c[i]);
		if (!all)
			r->cg.c[i].sandbox = want[i] && pause_only(r, &r->cg.c[i]);
	}
	nv_name_containers(&r->cg, o->root, &kd, want, !all);
	free(want);
}

/* The machine's topology (-t, or the live one); usage when there is
 * nothing to verify. */
static void gather_topology(const struct nv_opts *o, struct nv_report *r)
{
	struct tk_diag d;

	if (o->topo) {
		if (nv_topo_from_file(&r->topo, o->topo, &d))
			fail_diag(r, &d);
	} else if (nv_nothing_to_verify(o)) {
		/* checked after -t so that a bad topology file is named first */
	} else if (nv_topo_from_sys(&r->topo, o->root, &d)) {
		fail_diag(r, &d);
	}
	if (nv_nothing_to_verify(o)) {
		nv_report_release(r);
		tk_usage_error("nothing to verify: give PIDs, --all, --pod, --container, "
			       "--cpu-manager-state, --kubelet-config or --kubelet-dir");
	}
}

/* cpu_manager_state (--cpu-manager-state, or the one in --kubelet-dir)
 * checked against the topology and the configuration: 0, or -1 with d */
static int gather_state(const struct nv_opts *o, struct nv_report *r, const char *root,
			const char *path, struct tk_diag *d)
{
	const struct cpuset *reserved = o->have_reserved ? &o->reserved : NULL;

	if (nv_state_check(&r->state, root, path, &r->topo.cpus, r->have_kcfg ? &r->kcfg : NULL,
			   o->policy, reserved, d))
		return -1;
	r->have_state = true;
	if (r->state.problems.n)
		r->inconsistent = true;
	return 0;
}

/* The kubelet's side: its configuration, its CPU Manager state and the
 * checkpoints of --kubelet-dir, each checked against the others. */
static void gather_kubelet(const struct nv_opts *o, struct nv_report *r)
{
	struct tk_diag d;

	if (o->kubelet) {
		if (strcmp(o->kubelet, "running") == 0
		    ? nv_kcfg_check_running(&r->kcfg, o->root, &r->topo, &d)
		    : nv_kcfg_check(&r->kcfg, input_root(o, o->kubelet), o->kubelet, &r->topo, &d))
			fail_diag(r, &d);
		r->have_kcfg = true;
		if (r->kcfg.problems.n)
			r->inconsistent = true;
	}
	if (o->state && gather_state(o, r, input_root(o, o->state), o->state, &d))
		fail_diag(r, &d);
	if (o->kubelet_dir) {
		const char *root = input_root(o, o->kubelet_dir);
		char *cpu = xmalloc(strlen(o->kubelet_dir) + sizeof("/cpu_manager_state"));

		sprintf(cpu, "%s/cpu_manager_state", o->kubelet_dir);
		if (!o->state && nv_exists(root, cpu, NULL) && gather_state(o, r, root, cpu, &d)) {
			free(cpu);
			fail_diag(r, &d);
		}
		free(cpu);
		if (nv_alloc_load(&r->alloc, root, o->kubelet_dir, o->root,
				  r->have_kcfg ? r->kcfg.mm_policy : NULL, &d))
			fail_diag(r, &d);
		r->have_alloc = true;
	}
	if (r->have_kcfg && (r->have_alloc || r->have_state)) {
		nv_alloc_judge(&r->alloc, &r->topo, r->have_state && r->state.parsed ? &r->state : NULL,
			       r->kcfg.tm_policy, r->kcfg.tm_scope);
		r->have_alloc = true;
	}
	if (r->alloc.problems.n || r->alloc.findings.n)
		r->inconsistent = true;
}

/* A PID named on the command line must be there, as a --pod must: a typo
 * is never "aligned". */
static void gather_pids(const struct nv_opts *o, struct nv_report *r, const struct nv_sys *sys)
{
	struct tk_diag d;
	size_t i;

	for (i = 0; i < o->npids; i++) {
		struct nv_proc p;
		int rc;

		if (have_proc(r, o->pids[i]))
			continue;
		rc = nv_proc_read(sys, o->pids[i], &p, &d);
		if (rc) {
			nv_proc_release(&p);
			if (rc < 0)
				fail_diag(r, &d);
			fail(r, "process %d not found", o->pids[i]);
		}
		r->procs = xreallocarray(r->procs, r->nprocs + 1, sizeof(*r->procs));
		r->procs[r->nprocs++] = p;
	}
}

/* The containers under kubepods that --all, --pod and --container select,
 * with their processes; a --pod or --container that names none fails. */
static void gather_containers(const struct nv_opts *o, struct nv_report *r, const struct nv_sys *sys)
{
	struct tk_diag d;
	size_t i, j;

	if (nv_cgroups_scan(&r->cg, o->root, &d))
		fail_diag(r, &d);
	if (nv_pod_names_pending(o)) {
		if (r->cg.n)
			name_containers(o, r, true);
		if (nv_resolve_pod_names_late(o, &r->cg, &d))
			fail_diag(r, &d);
	}
	for (i = 0; i < r->cg.n; i++) {
		struct nv_container *c = &r->cg.c[i];

		if (!nv_container_selected(o, c))
			continue;
		for (j = 0; j < c->npids; j++)
			add_proc(r, sys, c->pids[j], false);
	}
	/* Tell exclusive from shared CPUs by the kubelet's own state when
	 * it was not given: read, never judged. */
	if (!r->have_state &&
	    nv_state_check(&r->auto_state, o->root, NV_DEFAULT_STATE, &r->topo.cpus, NULL, NULL,
			   NULL, &d) == 0)
		r->have_auto_state = r->auto_state.parsed;
	for (i = 0; i < o->npods; i++) {
		bool found = false;

		for (j = 0; j < r->cg.n; j++)
			found |= !strcmp(o->pods[i], r->cg.c[j].pod);
		if (!found)
			fail(r, "pod '%s' not found under kubepods", o->pods[i]);
	}
	for (i = 0; i < o->nctrs; i++) {
		size_t hits = 0;

		for (j = 0; j < r->cg.n; j++)
			hits += r->cg.c[j].id && !strncmp(o->ctrs[i], r->cg.c[j].id, strlen(o->ctrs[i]));
		if (hits == 0)
			fail(r, "container '%s' not found under kubepods", o->ctrs[i]);
		if (hits > 1)
			fail(r, "container ID prefix '%s' is ambiguous", o->ctrs[i]);
	}
}

/* --all: every process of the machine */
static void gather_all_procs(const struct nv_opts *o, struct nv_report *r, const struct nv_sys *sys)
{
	struct tk_diag d;
	size_t i, n;
	int *pids = nv_list_pids(o->root, &n, &d);

	if (!pids)
		fail_diag(r, &d);
	for (i = 0; i < n; i++)
		add_proc(r, sys, pids[i], true);
	free(pids);
}

/* One selected container: the kubelet's view of its CPUs, then its
 * processes' verdicts (a misaligned process makes it misaligned; on the
 * shared pool they are shared too). */
static void judge_container(const struct nv_opts *o, struct nv_report *r, struct nv_container *c)
{
	size_t j, k;

	if (r->have_state && r->state.parsed)
		nv_judge_container(c, &r->topo, &r->state, &o->v);
	else
		nv_judge_container(c, &r->topo, r->have_auto_state ? &r->auto_state : NULL, &o->v);
	if (c->sandbox) {
		/* the pod sandbox (pause) runs on the shared pool by design */
		nv_strv_free(&c->reasons);
		c->verdict = NV_SHARED;
	}
	for (j = 0; j < c->npids; j++) {
		struct nv_proc *p = (struct nv_proc *)find_proc(r, c->pids[j]);

		if (!p)
			continue;
		if (c->verdict == NV_SHARED || c->sandbox) {
			/* the shared pool is not expected to be NUMA-aligned */
			p->verdict = NV_SHARED;
			nv_strv_free(&p->reasons);
		} else if (p->verdict == NV_MISALIGNED) {
			for (k = 0; k < p->reasons.n; k++)
				nv_strv_addf(&c->reasons, "process %d (%s): %s", p->pid, p->comm,
					     p->reasons.v[k]);
			c->verdict = NV_MISALIGNED;
		}
	}
}

void nv_gather(const struct nv_opts *o, struct nv_report *r)
{
	struct nv_sys sys;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->verdict = NV_ALIGNED;
	gather_topology(o, r);
	nv_sys_init(&sys, o->root);
	sys.threads = !o->no_threads;
	gather_kubelet(o, r);
	gather_pids(o, r, &sys);
	if (o->all || o->npods || o->nctrs)
		gather_containers(o, r, &sys);
	if (o->all)
		gather_all_procs(o, r, &sys);

	if (r->nprocs > 1)
		qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_proc);
	if (r->cg.n)
		name_containers(o, r, false);
	/* judge processes, then containers (which take their processes' verdicts) */
	for (i = 0; i < r->nprocs; i++)
		nv_judge_proc(&r->procs[i], &r->topo, &o->v);
	for (i = 0; i < r->cg.n; i++) {
		if (!nv_container_selected(o, &r->cg.c[i]))
			continue;
		judge_container(o, r, &r->cg.c[i]);
		merge_verdict(r, r->cg.c[i].verdict);
	}
	for (i = 0; i < r->nprocs; i++)
		merge_verdict(r, r->procs[i].verdict);
	if (r->inconsistent)
		r->verdict = NV_MISALIGNED;
}

void nv_report_release(struct nv_report *r)
{
	size_t i;

	nv_topo_release(&r->topo);
	for (i = 0; i < r->nprocs; i++)
		nv_proc_release(&r->procs[i]);
	free(r->procs);
	nv_cgroups_release(&r->cg);
	nv_state_release(&r->state);
	nv_state_release(&r->auto_state);
	nv_kcfg_release(&r->kcfg);
	nv_alloc_release(&r->alloc);
}

