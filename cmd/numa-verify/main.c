/* numa-verify - prove that processes and containers really are NUMA-aligned.
 *
 * Reads /proc/PID/status (Cpus_allowed_list, Mems_allowed_list),
 * /proc/PID/numa_maps (pages per NUMA node, as numastat -p counts them), the
 * kubepods cgroup tree, and optionally the kubelet's cpu_manager_state and
 * KubeletConfiguration, all below --root. Runs no external program.
 *
 * main() parses options, gathers (proc.c, sysfs.c, cgroup.c, state.c,
 * kubelet.c), judges (verify.c) and renders JSON or a numastat-like table.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "emit.h"
#include "exitcodes.h"
#include "numparse.h"
#include "nv.h"
#include "xalloc.h"

struct opts {
	const char *root;
	const char *topo;
	const char *state;
	const char *kubelet;
	const char *policy;
	bool all;
	bool no_threads;
	size_t npids;
	int *pids;
	size_t npods;
	char **pods;
	size_t nctrs;
	char **ctrs;
	bool have_reserved;
	struct cpuset reserved;
	struct nv_vopts v;
	enum tk_out out;
};

/* Everything found, in output order. */
struct report {
	struct nv_topo topo;
	size_t nprocs;
	struct nv_proc *procs;
	size_t nskipped;          /* vanished while we read them */
	struct nv_cgroups cg;
	bool have_state;
	struct nv_state state;
	bool have_auto_state;     /* NV_DEFAULT_STATE, read to tell shared from exclusive */
	struct nv_state auto_state;
	bool have_kcfg;
	struct nv_kcfg kcfg;
	enum nv_verdict verdict;
	bool inconsistent;
};

enum {
	OPT_ALL = TK_OPT_LONG_BASE,
	OPT_POD,
	OPT_CONTAINER,
	OPT_STATE,
	OPT_KUBELET,
	OPT_EXPECT,
	OPT_MIN_LOCAL,
	OPT_ROOT,
	OPT_POLICY,
	OPT_RESERVED,
	OPT_NO_THREADS,
};

static const struct option longopts[] = {
	{ "all",               no_argument,       NULL, OPT_ALL },
	{ "container",         required_argument, NULL, OPT_CONTAINER },
	{ "cpu-manager-state", required_argument, NULL, OPT_STATE },
	{ "expect-numa",       required_argument, NULL, OPT_EXPECT },
	{ "help",              no_argument,       NULL, 'h' },
	{ "kubelet-config",    required_argument, NULL, OPT_KUBELET },
	{ "min-local",         required_argument, NULL, OPT_MIN_LOCAL },
	{ "no-threads",        no_argument,       NULL, OPT_NO_THREADS },
	{ "output",            required_argument, NULL, 'o' },
	{ "pod",               required_argument, NULL, OPT_POD },
	{ "policy",            required_argument, NULL, OPT_POLICY },
	{ "reserved-cpus",     required_argument, NULL, OPT_RESERVED },
	{ "root",              required_argument, NULL, OPT_ROOT },
	{ "topology",          required_argument, NULL, 't' },
	{ "version",           no_argument,       NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void __attribute__((noreturn)) usage(void)
{
	fputs("Usage:\n"
	      " numa-verify [options] [PID...]\n"
	      " numa-verify [options] --all | --pod UID | --container ID\n"
	      " numa-verify [options] --cpu-manager-state FILE | --kubelet-config FILE\n"
	      "\n"
	      "Prove that processes and containers really are NUMA-aligned.\n"
	      "\n"
	      "Options:\n"
	      "     --all                    every process, and every container under kubepods\n"
	      "     --pod UID                the containers of one pod (repeatable)\n"
	      "     --container ID           one container, by ID or unique prefix (repeatable)\n"
	      "     --expect-numa LIST       CPUs and memory belong on these NUMA nodes\n"
	      "     --min-local PCT          least share of memory on them (default 90)\n"
	      "     --no-threads             do not look at threads' own affinity\n"
	      "     --cpu-manager-state FILE check the kubelet's cpu_manager_state\n"
	      "     --kubelet-config FILE    check a KubeletConfiguration before a restart\n"
	      "     --policy NAME            CPU manager policy the state file must name\n"
	      "     --reserved-cpus LIST     the kubelet's reservedSystemCPUs\n"
	      " -t, --topology FILE          NodeTopology document instead of /sys\n"
	      "     --root DIR               read proc/, sys/ and relative files under DIR\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(stdout);
	tk_help_cpulist(stdout);
	fputs("\nExit status: 0 aligned, 1 misaligned or inconsistent, 2 usage or input error.\n"
	      "\nSee numa-verify(1).\n", stdout);
	exit(TK_EXIT_OK);
}

static void parse_list_opt(const char *name, const char *arg, struct cpuset *s)
{
	size_t off = 0;
	int rc = cpuset_parse_list(s, arg, CPUSET_MAX_ID, &off);

	if (rc == 0 && cpuset_is_empty(s))
		rc = -1;
	if (rc)
		tk_usage_error("invalid --%s value '%s'", name, arg);
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->root = "";
	o->v.min_local = 90;
	o->out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, "ho:t:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
		case 'o':
			o->out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT);
			break;
		case 't':
			o->topo = optarg;
			break;
		case 'V':
			tk_print_version();
		case OPT_ALL:
			o->all = true;
			break;
		case OPT_CONTAINER:
			o->ctrs = xreallocarray(o->ctrs, o->nctrs + 1, sizeof(*o->ctrs));
			o->ctrs[o->nctrs++] = optarg;
			break;
		case OPT_EXPECT:
			parse_list_opt("expect-numa", optarg, &o->v.expect);
			o->v.have_expect = true;
			break;
		case OPT_KUBELET:
			o->kubelet = optarg;
			break;
		case OPT_MIN_LOCAL:
			o->v.min_local = (int)tk_opt_ll("min-local", optarg, 0, 100);
			break;
		case OPT_NO_THREADS:
			o->no_threads = true;
			break;
		case OPT_POD:
			o->pods = xreallocarray(o->pods, o->npods + 1, sizeof(*o->pods));
			o->pods[o->npods++] = optarg;
			break;
		case OPT_POLICY:
			o->policy = optarg;
			break;
		case OPT_RESERVED:
			parse_list_opt("reserved-cpus", optarg, &o->reserved);
			o->have_reserved = true;
			break;
		case OPT_ROOT:
			o->root = optarg;
			break;
		case OPT_STATE:
			o->state = optarg;
			break;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", tk_prog);
			exit(TK_EXIT_USAGE);
		}
	}
	for (; optind < argc; optind++) {
		long long pid;

		if (tk_parse_ll(argv[optind], 1, INT_MAX, &pid))
			tk_usage_error("invalid PID '%s'", argv[optind]);
		o->pids = xreallocarray(o->pids, o->npids + 1, sizeof(*o->pids));
		o->pids[o->npids++] = (int)pid;
	}
}

static bool nothing_to_verify(const struct opts *o)
{
	return !o->all && !o->npids && !o->npods && !o->nctrs && !o->state && !o->kubelet;
}

/* A state or config path: relative ones are read under --root. */
static char *input_path(const struct opts *o, const char *path)
{
	if (path[0] == '/' || !o->root[0])
		return xstrdup(path);
	return nv_path(o->root, path);
}

static bool have_proc(const struct report *r, int pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return true;
	return false;
}

/* Read pid into r (skip when vanished or already there). */
static void add_proc(struct report *r, const struct nv_sys *sys, int pid, bool skip_kthreads)
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

static const struct nv_proc *find_proc(const struct report *r, int pid)
{
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].pid == pid)
			return &r->procs[i];
	return NULL;
}

static bool container_selected(const struct opts *o, const struct nv_container *c)
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
static void merge_verdict(struct report *r, enum nv_verdict v)
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

static void gather(const struct opts *o, struct report *r)
{
	struct nv_sys sys;
	struct tk_diag d;
	size_t i, j;

	memset(r, 0, sizeof(*r));
	r->verdict = NV_ALIGNED;
	if (o->topo) {
		if (nv_topo_from_file(&r->topo, o->topo, &d))
			tk_fatal_diag(&d);
	} else if (nothing_to_verify(o)) {
		/* checked after -t so that a bad topology file is named first */
	} else if (nv_topo_from_sys(&r->topo, o->root, &d)) {
		tk_fatal_diag(&d);
	}
	if (nothing_to_verify(o)) {
		nv_topo_release(&r->topo);
		tk_usage_error("nothing to verify: give PIDs, --all, --pod, --container, "
			       "--cpu-manager-state or --kubelet-config");
	}
	nv_sys_init(&sys, o->root);
	sys.threads = !o->no_threads;

	if (o->kubelet) {
		char *path = input_path(o, o->kubelet);

		if (nv_kcfg_check(&r->kcfg, path, o->kubelet, &r->topo, &d)) {
			free(path);
			tk_fatal_diag(&d);
		}
		free(path);
		r->have_kcfg = true;
		if (r->kcfg.problems.n)
			r->inconsistent = true;
	}
	if (o->state) {
		char *path = input_path(o, o->state);
		const struct cpuset *reserved = o->have_reserved ? &o->reserved : NULL;

		if (nv_state_check(&r->state, path, o->state, &r->topo.cpus,
				   r->have_kcfg ? &r->kcfg : NULL, o->policy, reserved, &d)) {
			free(path);
			tk_fatal_diag(&d);
		}
		free(path);
		r->have_state = true;
		if (r->state.problems.n)
			r->inconsistent = true;
	}

	for (i = 0; i < o->npids; i++) {
		size_t before = r->nprocs;

		add_proc(r, &sys, o->pids[i], false);
		if (r->nprocs == before && !have_proc(r, o->pids[i]))
			tk_warn("process %d vanished or cannot be read; skipped", o->pids[i]);
	}
	if (o->all || o->npods || o->nctrs) {
		if (nv_cgroups_scan(&r->cg, o->root, &d))
			tk_fatal_diag(&d);
		for (i = 0; i < r->cg.n; i++) {
			struct nv_container *c = &r->cg.c[i];

			if (!container_selected(o, c))
				continue;
			for (j = 0; j < c->npids; j++)
				add_proc(r, &sys, c->pids[j], false);
		}
		/* Tell exclusive from shared CPUs by the kubelet's own state when
		 * it was not given: read, never judged. */
		if (!r->have_state) {
			char *path = nv_path(o->root, NV_DEFAULT_STATE);

			if (nv_state_check(&r->auto_state, path, NV_DEFAULT_STATE, &r->topo.cpus, NULL, NULL,
					   NULL, &d) == 0)
				r->have_auto_state = r->auto_state.parsed;
			free(path);
		}
		for (i = 0; i < o->npods; i++) {
			bool found = false;

			for (j = 0; j < r->cg.n; j++)
				found |= !strcmp(o->pods[i], r->cg.c[j].pod);
			if (!found)
				tk_fatal("pod '%s' not found under kubepods", o->pods[i]);
		}
		for (i = 0; i < o->nctrs; i++) {
			size_t hits = 0;

			for (j = 0; j < r->cg.n; j++)
				hits += r->cg.c[j].id && !strncmp(o->ctrs[i], r->cg.c[j].id, strlen(o->ctrs[i]));
			if (hits == 0)
				tk_fatal("container '%s' not found under kubepods", o->ctrs[i]);
			if (hits > 1)
				tk_fatal("container ID prefix '%s' is ambiguous", o->ctrs[i]);
		}
	}
	if (o->all) {
		size_t n;
		int *pids = nv_list_pids(o->root, &n, &d);

		if (!pids)
			tk_fatal_diag(&d);
		for (i = 0; i < n; i++)
			add_proc(r, &sys, pids[i], true);
		free(pids);
	}

	if (r->nprocs > 1)
		qsort(r->procs, r->nprocs, sizeof(*r->procs), cmp_proc);
	/* judge processes, then containers (which take their processes' verdicts) */
	for (i = 0; i < r->nprocs; i++)
		nv_judge_proc(&r->procs[i], &r->topo, &o->v);
	for (i = 0; i < r->cg.n; i++) {
		struct nv_container *c = &r->cg.c[i];

		if (!container_selected(o, c))
			continue;
		c->sandbox = c->npids > 0;
		for (j = 0; j < c->npids; j++) {
			const struct nv_proc *p = find_proc(r, c->pids[j]);

			if (!p || !p->comm || strcmp(p->comm, "pause"))
				c->sandbox = false;
		}
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
				size_t k;

				for (k = 0; k < p->reasons.n; k++)
					nv_strv_addf(&c->reasons, "process %d (%s): %s", p->pid, p->comm,
						     p->reasons.v[k]);
				c->verdict = NV_MISALIGNED;
			}
		}
		merge_verdict(r, c->verdict);
	}
	for (i = 0; i < r->nprocs; i++)
		merge_verdict(r, r->procs[i].verdict);
	if (r->inconsistent)
		r->verdict = NV_MISALIGNED;
}

/* ---- JSON ---- */

static json_t *strv_json(const struct nv_strv *sv)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *proc_json(const struct nv_proc *p)
{
	json_t *j = json_object(), *pages = json_object(), *bytes = json_object(), *th;
	size_t i;

	json_object_set_new(j, "pid", json_integer(p->pid));
	json_object_set_new(j, "comm", json_string(p->comm ? p->comm : ""));
	json_object_set_new(j, "cpus", tk_json_cpulist(&p->cpus));
	json_object_set_new(j, "mems", tk_json_cpulist(&p->mems));
	json_object_set_new(j, "cpuNuma", tk_json_int_array(&p->cpu_numa));
	for (i = 0; i < p->nmem; i++) {
		char key[16];

		snprintf(key, sizeof(key), "%d", p->mem[i].node);
		json_object_set_new(pages, key, json_integer((json_int_t)p->mem[i].pages));
		json_object_set_new(bytes, key, json_integer((json_int_t)p->mem[i].bytes));
	}
	json_object_set_new(j, "memoryPages", pages);
	json_object_set_new(j, "memoryBytes", bytes);
	json_object_set_new(j, "localPercent",
			    p->local_tenths < 0 ? json_null() : json_real(p->local_tenths / 10.0));
	if (p->nthreads) {
		th = json_array();
		for (i = 0; i < p->nthreads; i++) {
			json_t *t = json_object();

			json_object_set_new(t, "tid", json_integer(p->threads[i].tid));
			json_object_set_new(t, "comm", json_string(p->threads[i].comm ? p->threads[i].comm : ""));
			json_object_set_new(t, "cpus", tk_json_cpulist(&p->threads[i].cpus));
			json_object_set_new(t, "cpuNuma", tk_json_int_array(&p->threads[i].cpu_numa));
			json_array_append_new(th, t);
		}
		json_object_set_new(j, "threads", th);
	}
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(p->verdict)));
	json_object_set_new(j, "reasons", strv_json(&p->reasons));
	return j;
}

static json_t *container_json(const struct nv_container *c)
{
	json_t *j = json_object(), *pids = json_array();
	size_t i;

	json_object_set_new(j, "pod", json_string(c->pod));
	json_object_set_new(j, "container", c->id ? json_string(c->id) : json_null());
	json_object_set_new(j, "name", c->entry ? json_string(c->entry->container) : json_null());
	json_object_set_new(j, "runtime", json_string(c->runtime));
	json_object_set_new(j, "qos", json_string(c->qos));
	json_object_set_new(j, "cgroup", json_string(c->cgroup));
	json_object_set_new(j, "cpus", c->have_cpus ? tk_json_cpulist(&c->cpus) : json_null());
	json_object_set_new(j, "stateCpus", c->entry ? json_string(c->entry->text) : json_null());
	json_object_set_new(j, "cpuNuma", tk_json_int_array(&c->cpu_numa));
	for (i = 0; i < c->npids; i++)
		json_array_append_new(pids, json_integer(c->pids[i]));
	json_object_set_new(j, "pids", pids);
	json_object_set_new(j, "sandbox", json_boolean(c->sandbox));
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(c->verdict)));
	json_object_set_new(j, "reasons", strv_json(&c->reasons));
	return j;
}

static json_t *state_json(const struct nv_state *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "file", json_string(s->file));
	json_object_set_new(j, "policyName", s->policy ? json_string(s->policy) : json_null());
	json_object_set_new(j, "defaultCpuSet", s->default_text ? json_string(s->default_text) : json_null());
	json_object_set_new(j, "entries", json_integer((json_int_t)s->nentries));
	json_object_set_new(j, "checksum", s->have_checksum ? json_integer((json_int_t)s->checksum) : json_null());
	json_object_set_new(j, "computedChecksum", s->parsed ? json_integer(s->computed) : json_null());
	json_object_set_new(j, "valid", json_boolean(s->problems.n == 0));
	json_object_set_new(j, "problems", strv_json(&s->problems));
	return j;
}

static json_t *kcfg_json(const struct nv_kcfg *k)
{
	json_t *j = json_object();

	json_object_set_new(j, "file", json_string(k->file));
	json_object_set_new(j, "cpuManagerPolicy", json_string(k->cpu_policy));
	json_object_set_new(j, "topologyManagerPolicy", json_string(k->tm_policy));
	json_object_set_new(j, "topologyManagerScope", json_string(k->tm_scope));
	json_object_set_new(j, "memoryManagerPolicy", json_string(k->mm_policy));
	json_object_set_new(j, "valid", json_boolean(k->problems.n == 0));
	json_object_set_new(j, "problems", strv_json(&k->problems));
	json_object_set_new(j, "warnings", strv_json(&k->warnings));
	return j;
}

static json_t *report_json(const struct opts *o, const struct report *r)
{
	json_t *j = json_object(), *procs = json_array();
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		json_array_append_new(procs, proc_json(&r->procs[i]));
	json_object_set_new(j, "processes", procs);
	if (o->all || o->npods || o->nctrs) {
		json_t *ctrs = json_array();

		for (i = 0; i < r->cg.n; i++)
			if (container_selected(o, &r->cg.c[i]))
				json_array_append_new(ctrs, container_json(&r->cg.c[i]));
		json_object_set_new(j, "containers", ctrs);
	}
	if (r->have_state)
		json_object_set_new(j, "cpuManagerState", state_json(&r->state));
	if (r->have_kcfg)
		json_object_set_new(j, "kubeletConfig", kcfg_json(&r->kcfg));
	json_object_set_new(j, "skipped", json_integer((json_int_t)r->nskipped));
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(r->verdict)));
	return j;
}

/* ---- text: a numastat -p like table, then verdicts ---- */

static void print_mb(uint64_t bytes)
{
	printf(" %15.2f", (double)bytes / (1024.0 * 1024.0));
}

static void render_text(const struct opts *o, const struct report *r)
{
	size_t i, k;
	uint64_t total = 0;

	if (r->nprocs) {
		printf("\nPer-node process memory usage (in MBs)\n");
		printf("%-24s", "PID");
		for (k = 0; k < r->topo.n; k++) {
			char h[32];

			snprintf(h, sizeof(h), "Node %d", r->topo.nodes[k].id);
			printf(" %15s", h);
		}
		printf(" %15s %7s  %-10s %s\n", "Total", "Local%", "Verdict", "CPUs");
		for (i = 0; i < 24 + 16 * (r->topo.n + 1) + 8 + 2 + 10 + 5; i++)
			putchar('-');
		putchar('\n');
		for (i = 0; i < r->nprocs; i++) {
			const struct nv_proc *p = &r->procs[i];
			char label[64], *cpus;

			snprintf(label, sizeof(label), "%d (%s)", p->pid, p->comm ? p->comm : "?");
			printf("%-24.24s", label);
			for (k = 0; k < r->topo.n; k++) {
				uint64_t b = 0;
				size_t m;

				for (m = 0; m < p->nmem; m++)
					if (p->mem[m].node == r->topo.nodes[k].id)
						b = p->mem[m].bytes;
				print_mb(b);
			}
			print_mb(p->total_bytes);
			total += p->total_bytes;
			if (p->local_tenths < 0)
				printf(" %7s", "-");
			else
				printf(" %5d.%d", p->local_tenths / 10, p->local_tenths % 10);
			cpus = cpuset_format_list(&p->cpus);
			printf("  %-10s %s\n", nv_verdict_name(p->verdict), cpus);
			free(cpus);
		}
	}
	for (i = 0; i < r->nprocs; i++)
		for (k = 0; k < r->procs[i].reasons.n; k++)
			printf("%d: %s\n", r->procs[i].pid, r->procs[i].reasons.v[k]);
	if ((o->all || o->npods || o->nctrs) && r->cg.version) {
		printf("\nContainers (cgroup v%d, %s driver)\n", r->cg.version, r->cg.driver);
		for (i = 0; i < r->cg.n; i++) {
			const struct nv_container *c = &r->cg.c[i];
			char *cpus;

			if (!container_selected(o, c))
				continue;
			cpus = cpuset_format_list(&c->cpus);
			printf("pod %s container %.12s (%s, %s) cpus %s: %s\n", c->pod, c->id ? c->id : "?",
			       c->sandbox ? "sandbox" : c->runtime, c->qos, cpus, nv_verdict_name(c->verdict));
			free(cpus);
			for (k = 0; k < c->reasons.n; k++)
				printf("  %s\n", c->reasons.v[k]);
		}
	}
	if (r->have_state) {
		printf("\ncpu_manager_state %s: %s\n", r->state.file, r->state.problems.n ? "invalid" : "valid");
		for (k = 0; k < r->state.problems.n; k++)
			printf("  %s\n", r->state.problems.v[k]);
	}
	if (r->have_kcfg) {
		printf("\nkubelet config %s: %s\n", r->kcfg.file, r->kcfg.problems.n ? "invalid" : "valid");
		for (k = 0; k < r->kcfg.problems.n; k++)
			printf("  %s\n", r->kcfg.problems.v[k]);
		for (k = 0; k < r->kcfg.warnings.n; k++)
			printf("  warning: %s\n", r->kcfg.warnings.v[k]);
	}
	printf("\nverdict: %s\n", nv_verdict_name(r->verdict));
	(void)total;
}

static void report_release(struct report *r)
{
	size_t i;

	nv_topo_release(&r->topo);
	for (i = 0; i < r->nprocs; i++)
		nv_proc_release(&r->procs[i]);
	free(r->procs);
	nv_cgroups_release(&r->cg);
	if (r->have_state)
		nv_state_release(&r->state);
	nv_state_release(&r->auto_state);
	if (r->have_kcfg)
		nv_kcfg_release(&r->kcfg);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct report r;
	int ret;

	tk_prog = "numa-verify";
	atexit(tk_close_stdout);
	parse_opts(&o, argc, argv);
	gather(&o, &r);
	if (o.out == TK_OUT_TEXT) {
		render_text(&o, &r);
	} else {
		json_t *j = report_json(&o, &r);

		/* 15 significant digits print 98.8 as 98.8, not 98.799999999999997 */
		if (json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) ||
		    putchar('\n') == EOF)
			tk_fatal("write error");
		json_decref(j);
	}
	ret = r.verdict == NV_MISALIGNED ? TK_EXIT_NO : TK_EXIT_OK;
	report_release(&r);
	cpuset_release(&o.v.expect);
	cpuset_release(&o.reserved);
	free(o.pids);
	free(o.pods);
	free(o.ctrs);
	return ret;
}
