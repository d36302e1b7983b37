/* run.c - one cpuset-alloc run, in the steps main() takes: load the
 * topology, the reservation and the requests; open the state file; allocate
 * each pod's containers (policy.c); bind and execute, or print (render.c)
 * and record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "emit.h"
#include "exitcodes.h"
#include "statefile.h"
#include "cpumanager.h"
#include "topo.h"
#include "xalloc.h"

/* A cpulist option naming only CPUs (or NUMA nodes) of the topology. */
static void opt_list(const char *name, const char *arg, struct cpuset *dst,
		     const struct ktopo *k, bool numa)
{
	int c;

	tk_opt_cpulist(name, arg, dst);
	for (c = cpuset_first(dst); c >= 0; c = cpuset_next(dst, c)) {
		bool known = false;

		known = numa ? ktopo_has_numa(k, c) : ktopo_has(k, c);
		if (!known)
			tk_usage_error("--%s: %s %d is not in the topology", name,
				       numa ? "NUMA node" : "CPU", c);
	}
}

/* A configuration the kubelet refuses (policy options, reservation): its
 * reason on stderr and, for scripts, as {"error": ...} on stdout; exit 2. */
static void refuse(const char *reason) __attribute__((noreturn));
static void refuse(const char *reason)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_string(reason));
	tk_emit_json(j, stdout);
	json_decref(j);
	tk_fatal("%s", reason);
}

/* ---- output ---- */

static void emit(json_t *j)
{
	if (tk_emit_json(j, stdout) < 0)
		tk_fatal("write error");
	json_decref(j);
}

/* A request that cannot be met: the kubelet's reason, and which pod and
 * container it was (pipeline mode). */
static int fail(const struct ca_opts *o, const char *pod, const char *container, const char *reason)
{
	if (o->out == TK_OUT_TEXT) {
		/* pod and container names come from the manifest: escaped */
		char *p = tk_text_escape(pod ? pod : ""), *c = tk_text_escape(container ? container : "");

		printf("%s%s%scannot allocate%s%s%s: %s\n", pod ? "pod '" : "", p, pod ? "': " : "",
		       container ? " for container '" : "", c, container ? "'" : "", reason);
		free(p);
		free(c);
	} else {
		json_t *j = json_object();

		if (pod)
			json_object_set_new(j, "pod", json_string(pod));
		json_object_set_new(j, "error", json_string(reason));
		if (container)
			json_object_set_new(j, "container", json_string(container));
		emit(j);
	}
	return TK_EXIT_NO;
}

/* Output first, then the record: exit 2 must mean that nothing changed, so
 * a state file is written only once the output is out without error. */
static void flush_output(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		tk_fatal("write error");
}

static void commit_or_die(struct state *st, bool force, const struct cpuset *pool)
{
	struct tk_diag d;

	if (ca_state_commit(st, force, pool, &d) < 0)
		tk_fatal_diag(&d);
}

static int do_release(const struct ca_opts *o, struct state *st, const struct cpuset *pool)
{
	struct cpuset freed = CPUSET_INIT, one = CPUSET_INIT, still = CPUSET_INIT;
	size_t i;
	json_t *j;

	for (i = 0; i < st->cp.nentries; i++) {
		if (strcmp(st->cp.entries[i].pod, o->pod) ||
		    (o->container && strcmp(st->cp.entries[i].container, o->container)))
			continue;
		cpuset_parse_list(&one, st->cp.entries[i].cpus, CPUSET_MAX_ID, NULL);
		cpuset_or(&freed, &one);
	}
	if (o->container)
		tk_cpu_checkpoint_set(&st->cp, o->pod, o->container, NULL);
	else
		tk_cpu_checkpoint_remove_pod(&st->cp, o->pod);
	/* RemoveContainer: CPUs a sibling still holds stay assigned */
	ca_state_assigned(st, &still);
	cpuset_andnot(&freed, &still);
	if (st->exists && st->owner != TK_CK_OWNER_TOPOKIT && !o->force)
		tk_fatal("%s: refusing to write a state file the kubelet wrote (its checksum is the kubelet's); use --force",
			 o->state);
	if (o->out == TK_OUT_TEXT) {
		char *txt = cpuset_format_list(&freed);

		printf("released %s\n", *txt ? txt : "nothing");
		free(txt);
	} else {
		j = json_object();
		json_object_set_new(j, "released", tk_json_cpulist(&freed));
		json_object_set_new(j, "count", json_integer((json_int_t)cpuset_count(&freed)));
		json_object_set_new(j, "pod", json_string(o->pod));
		if (o->container)
			json_object_set_new(j, "container", json_string(o->container));
		emit(j);
	}
	flush_output();
	commit_or_die(st, o->force, pool);
	cpuset_release(&freed);
	cpuset_release(&one);
	cpuset_release(&still);
	return TK_EXIT_OK;
}


/* One pod: containers the state file already holds keep their CPUs, the
 * others are allocated in order from free_set. */
static int allocate_pod(const struct ca_opts *o, const struct ktopo *k, struct state *st,
			struct admit_req *r, struct cpuset *free_set, const struct cpuset *reserved,
			struct pod_error *pe)
{
	char err[1024];
	size_t i, failed;

	for (i = 0; o->pod && i < r->n; i++) {
		struct alloc_item *it = &r->items[i];
		const char *cname = it->name ? it->name : o->container;
		const char *have = cname ? ca_find_entry(st, o->pod, cname) : NULL;

		if (have) {
			cpuset_parse_list(&it->cpus, have, CPUSET_MAX_ID, NULL);
			it->existing = true;
		}
	}
	if (ca_allocate_pod(&o->policy, k, free_set, reserved, r->items, r->n, &failed,
			    err, sizeof(err)) == 0)
		return 0;
	pe->reason = xstrdup(err);
	if ((r->n > 1 || o->count < 0) && r->items[failed].name)
		pe->container = xstrdup(r->items[failed].name);
	return -1;
}

/* What was allocated (or why not), pod by pod. */
static void print_results(const struct ca_opts *o, const struct ktopo *k, const struct admit_req *reqs,
			  size_t nreqs, const struct pod_error *errs, const struct cpuset *reserved)
{
	size_t i;

	for (i = 0; i < nreqs; i++) {
		const struct admit_req *r = &reqs[i];
		/* the pod is named by --pod (its UID) or by topo-admit (its name) */
		const char *pod = o->pod ? o->pod : r->pod;
		size_t j;

		if (errs[i].reason) {
			fail(o, o->count >= 0 ? NULL : pod, errs[i].container, errs[i].reason);
		} else if (o->out == TK_OUT_TEXT) {
			if (o->count < 0 && pod) {
				fputs("pod ", stdout);
				tk_fputs_text(pod, stdout);  /* from the manifest */
				fputs(":\n", stdout);
			}
			for (j = 0; j < r->n; j++)
				ca_explain(stdout, k, &o->policy, &r->items[j], reserved);
		} else if (o->count >= 0) {
			json_t *j1 = ca_item_to_json(k, &r->items[0], false);

			if (o->pod)
				json_object_set_new(j1, "pod", json_string(o->pod));
			if (o->container)
				json_object_set_new(j1, "container", json_string(o->container));
			emit(j1);
		} else {
			json_t *j1 = json_object(), *cs = json_array();

			for (j = 0; j < r->n; j++)
				json_array_append_new(cs, ca_item_to_json(k, &r->items[j], true));
			if (pod)
				json_object_set_new(j1, "pod", json_string(pod));
			json_object_set_new(j1, "containers", cs);
			emit(j1);
		}
	}
}


/* the requests: one --count, or every pod result topo-admit printed */
static void load_requests(struct ca_run *r, const struct ca_opts *o)
{
	struct tk_diag d;
	char err[1024];
	size_t i;

	if (o->count >= 0) {
		r->nreqs = 1;
		r->reqs = xcalloc(1, sizeof(*r->reqs));
		r->reqs[0].n = 1;
		r->reqs[0].items = xcalloc(1, sizeof(*r->reqs[0].items));
		r->reqs[0].items[0].count = (int)o->count;
		if (o->container)
			r->reqs[0].items[0].name = xstrdup(o->container);
		if (o->numa) {
			opt_list("numa-affinity", o->numa, &r->reqs[0].items[0].numa, &r->k, true);
			r->reqs[0].items[0].has_numa = true;
		}
	} else if (!o->release) {
		if (o->numa)
			tk_usage_error("--numa-affinity needs --count (a topo-admit result carries its own hints)");
		if (!o->admit && !strcmp(o->topo, "-"))
			tk_usage_error("standard input cannot carry both the topology and the topo-admit result");
		if (!o->admit && isatty(STDIN_FILENO))
			tk_usage_error("missing --count (or a topo-admit result on standard input)");
		if (ca_admit_load(o->admit ? o->admit : "-", &r->k, &r->reqs, &r->nreqs, &d) < 0)
			tk_fatal_diag(&d);
		if (o->pod && r->nreqs > 1)
			tk_fatal("--pod records one pod, but the input holds %zu topo-admit results", r->nreqs);
		/* the results name the Topology Manager policy the kubelet runs */
		for (i = 0; i < r->nreqs; i++)
			if (policy_validate(&o->policy, &r->k, r->reqs[i].tm_policy, err, sizeof(err)) < 0)
				refuse(err);
	}
}

void ca_load(struct ca_run *r, const struct ca_opts *o)
{
	struct tk_diag d;
	char err[1024];

	memset(r, 0, sizeof(*r));
	if (topo_load(&r->t, o->topo, &d) < 0)
		tk_fatal_diag(&d);
	ktopo_build(&r->k, &r->t);
	if (policy_validate(&o->policy, &r->k, NULL, err, sizeof(err)) < 0)
		refuse(err);

	if (o->available)
		opt_list("available", o->available, &r->pool, &r->k, false);
	else
		ktopo_all(&r->k, &r->pool);
	if (o->reserved) {
		opt_list("reserved", o->reserved, &r->reserved, &r->k, false);
		/* NewStaticPolicy: reservedSystemCPUs must match the whole-CPU reservation */
		if (o->reserved_count >= 0 && (long long)cpuset_count(&r->reserved) != o->reserved_count) {
			char *s = cpuset_format_list(&r->reserved);

			snprintf(err, sizeof(err),
				 "[cpumanager] unable to reserve the required amount of CPUs (size of %s did not equal %lld)",
				 s, o->reserved_count);
			free(s);
			refuse(err);
		}
	} else if (o->reserved_count > 0 &&
		   policy_reserve(&o->policy, &r->k, (int)o->reserved_count, &r->reserved, err, sizeof(err)) < 0) {
		refuse(err);
	}
	load_requests(r, o);
}

bool ca_open_state(struct ca_run *r, const struct ca_opts *o)
{
	struct cpuset assigned = CPUSET_INIT;

	ca_state_open(&r->st, o->state, o->pod != NULL, (double)o->wait);
	r->have_state = true;
	if (o->release)
		return true;
	ca_state_assigned(&r->st, &assigned);
	cpuset_andnot(&r->pool, &assigned);
	cpuset_release(&assigned);
	if (o->pod && r->st.exists && r->st.owner != TK_CK_OWNER_TOPOKIT && !o->force)
		tk_fatal("%s: refusing to write a state file the kubelet wrote (its checksum is the kubelet's); use --force",
			 o->state);
	return false;
}

int ca_release_pod(struct ca_run *r, const struct ca_opts *o)
{
	/* validateState: under strict-cpu-reservation the reserved CPUs are
	 * never part of defaultCpuSet */
	if (o->policy.strict_cpu_reservation)
		cpuset_andnot(&r->pool, &r->reserved);
	return do_release(o, &r->st, &r->pool);
}

/* With --pod: the new entries, and the pool written back is the one the
 * state describes: all (or --available) CPUs minus the assigned ones. */
static void record(struct ca_run *r, const struct ca_opts *o)
{
	struct tk_cpu_entry *changes = xreallocarray(NULL, r->reqs[0].n + 1, sizeof(*changes));
	size_t i, n = 0;

	for (i = 0; i < r->reqs[0].n; i++) {
		const struct alloc_item *it = &r->reqs[0].items[i];

		if (it->existing || cpuset_is_empty(&it->cpus))
			continue;
		changes[n].pod = (char *)o->pod;
		changes[n].container = (char *)(it->name ? it->name : o->container);
		changes[n++].cpus = cpuset_format_list(&it->cpus);
	}
	/* one merge for the whole pod: a set per container moved every entry
	 * of the state once per container */
	tk_cpu_checkpoint_set_many(&r->st.cp, changes, n);
	for (i = 0; i < n; i++)
		free(changes[i].cpus);
	free(changes);
	if (o->available)
		opt_list("available", o->available, &r->pool, &r->k, false);
	else
		ktopo_all(&r->k, &r->pool);
	if (o->policy.strict_cpu_reservation)
		cpuset_andnot(&r->pool, &r->reserved);
}

int ca_allocate(struct ca_run *r, const struct ca_opts *o)
{
	struct cpuset free_set = CPUSET_INIT;
	int ret = TK_EXIT_OK;
	size_t i;

	cpuset_copy(&free_set, &r->pool);
	r->errs = xcalloc(r->nreqs ? r->nreqs : 1, sizeof(*r->errs));
	for (i = 0; i < r->nreqs; i++) {
		if (r->reqs[i].why) {
			r->errs[i].reason = xstrdup(r->reqs[i].why);
			ret = TK_EXIT_NO;
		} else if (allocate_pod(o, &r->k, &r->st, &r->reqs[i], &free_set, &r->reserved, &r->errs[i]) < 0) {
			ret = TK_EXIT_NO;
		}
	}
	cpuset_release(&free_set);
	if (o->pod && ret == TK_EXIT_OK)
		record(r, o);
	return ret;
}

void ca_exec(struct ca_run *r, const struct ca_opts *o)
{
	struct tk_diag d;
	char err[1024];
	bool writing = o->pod != NULL;
	int e;

	/* bind, record, run: a bind that fails or is partial leaves no
	 * entry behind, and neither does a command that cannot start */
	if (ca_bind_cpus(&r->k, &r->reqs[0].items[0].cpus, o->no_membind, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", tk_prog, err);
		exit(TK_EXIT_EXEC_FAILED);
	}
	if (writing && ca_state_commit(&r->st, o->force, &r->pool, &d) < 0) {
		tk_diag_print(&d, tk_prog, stderr);
		exit(TK_EXIT_EXEC_FAILED);
	}
	fflush(NULL);
	/* the lock descriptor is close-on-exec: the command does not hold it */
	execvp(o->argv[0], o->argv);
	e = errno;
	fprintf(stderr, "%s: cannot execute '%s': %s\n", tk_prog, tk_text_safe(o->argv[0]), strerror(e));
	if (writing && ca_state_undo(&r->st, &d) < 0)
		tk_diag_print(&d, tk_prog, stderr);
	exit(e == ENOENT ? TK_EXIT_NOT_FOUND : TK_EXIT_CANNOT_INVOKE);
}

void ca_finish(struct ca_run *r, const struct ca_opts *o, int ret)
{
	print_results(o, &r->k, r->reqs, r->nreqs, r->errs, &r->reserved);
	flush_output();
	if (o->pod && ret == TK_EXIT_OK)
		commit_or_die(&r->st, o->force, &r->pool);
}

void ca_run_free(struct ca_run *r)
{
	size_t i;

	if (r->have_state)
		ca_state_close(&r->st);
	for (i = 0; r->errs && i < r->nreqs; i++) {
		free(r->errs[i].reason);
		free(r->errs[i].container);
	}
	free(r->errs);
	ca_admit_free(r->reqs, r->nreqs);
	cpuset_release(&r->pool);
	cpuset_release(&r->reserved);
	ktopo_release(&r->k);
	topo_release(&r->t);
}
