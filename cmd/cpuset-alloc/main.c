/* cpuset-alloc - predict (and optionally record and apply) the exclusive
 * CPUs the kubelet's static CPU Manager policy gives a Guaranteed
 * container: options -> struct opts, load the topology, ask common/cpumanager.h,
 * print JSON or an explanation, optionally record it in a state file and
 * exec a command bound to the CPUs. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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

enum {
	OPT_ADMIT = TK_OPT_LONG_BASE,
	OPT_ALIGN_SOCKET,
	OPT_ALIGN_UNCORE,
	OPT_CONTAINER,
	OPT_ACROSS_CORES,
	OPT_ACROSS_NUMA,
	OPT_EXEC,
	OPT_FORCE,
	OPT_FULL_PCPUS,
	OPT_NO_MEMBIND,
	OPT_NUMA_AFFINITY,
	OPT_POD,
	OPT_RELEASE,
	OPT_RESERVED_COUNT,
	OPT_STATE,
	OPT_KUBELET_DIR,
	OPT_STRICT_RESERVED,
	OPT_WAIT,
};

struct opts {
	const char *topo;
	const char *admit;          /* pipeline input; NULL = standard input */
	long long count;            /* -1: not given */
	const char *available;
	const char *reserved;
	long long reserved_count;   /* -1: not given */
	const char *numa;
	struct policy_opts policy;
	const char *state, *pod, *container;
	bool release, force, exec, no_membind;
	long long wait;             /* --wait: seconds for the state file's lock */
	char **argv;                /* --exec command */
	enum tk_out out;
};

static void usage(void)
{
	FILE *out = stdout;

	fputs("Usage:\n"
	      " cpuset-alloc -t TOPO --count N [options] [--exec -- COMMAND [ARG...]]\n"
	      " topo-admit -t TOPO POD | cpuset-alloc -t TOPO [options]\n"
	      " cpuset-alloc -t TOPO --state FILE --release --pod UID [--container NAME]\n"
	      "\n"
	      "Predict the exclusive CPUs the kubelet's static CPU Manager policy gives a\n"
	      "Guaranteed container; optionally record them and run a command on them.\n"
	      "\n"
	      "Options:\n"
	      " -t, --topology FILE          topology document (topo-discover output), or -\n"
	      " -c, --count N                exclusive CPUs to allocate (without it, read a\n"
	      "                              topo-admit pod result from standard input)\n"
	      "     --admit FILE             read the topo-admit result from FILE\n"
	      " -a, --available CPULIST      the shared pool to allocate from (default: all)\n"
	      " -r, --reserved CPULIST       reservedSystemCPUs: never handed out\n"
	      "     --reserved-count N       reserve N CPUs as the kubelet picks them for a\n"
	      "                              whole-CPU kube-reserved + system-reserved\n"
	      "     --numa-affinity NODELIST topology hint: take CPUs of these NUMA nodes first\n"
	      "     --full-pcpus-only        policy option full-pcpus-only\n"
	      "     --distribute-across-numa policy option distribute-cpus-across-numa\n"
	      "     --align-by-socket        policy option align-by-socket\n"
	      "     --distribute-across-cores  policy option distribute-cpus-across-cores\n"
	      "     --align-by-uncore-cache  policy option prefer-align-cpus-by-uncorecache\n"
	      "     --strict-cpu-reservation policy option strict-cpu-reservation: the shared\n"
	      "                              pool recorded in --state leaves out the reserved CPUs\n"
	      "     --state FILE             read (and with --pod, update) a CPU Manager state file\n"
	      "     --kubelet-dir DIR        --state DIR/cpu_manager_state (the kubelet's own)\n"
	      "     --pod UID                pod to record the allocation under\n"
	      "     --container NAME         container to record the allocation under\n"
	      "     --release                free the CPUs of --pod (or of one --container)\n"
	      "     --force                  write a state file the kubelet wrote\n"
	      "     --wait SECONDS           wait at most this long for the state file's lock\n"
	      "                              (default 60)\n"
	      "     --exec                   bind to the CPUs and execute the command after --\n"
	      "     --no-membind             with --exec, do not bind memory to the NUMA nodes\n", out);
	tk_help_output(out, TK_OUT_JSON | TK_OUT_TEXT);
	tk_help_common(out);
	tk_help_cpulist(out);
	tk_help_exit_status(out, "allocated or released", "the request cannot be met");
	fputs("With --exec: 125 the binding failed, 126 the command cannot run, 127 not found;\n"
	      "otherwise the command's own status.\n"
	      "\nSee cpuset-alloc(1).\n", out);
	exit(TK_EXIT_OK);
}

static const struct option longopts[] = {
	{ "admit",                   required_argument, NULL, OPT_ADMIT },
	{ "align-by-socket",         no_argument,       NULL, OPT_ALIGN_SOCKET },
	{ "align-by-uncore-cache",   no_argument,       NULL, OPT_ALIGN_UNCORE },
	{ "available",               required_argument, NULL, 'a' },
	{ "container",               required_argument, NULL, OPT_CONTAINER },
	{ "count",                   required_argument, NULL, 'c' },
	{ "distribute-across-cores", no_argument,       NULL, OPT_ACROSS_CORES },
	{ "distribute-across-numa",  no_argument,       NULL, OPT_ACROSS_NUMA },
	{ "exec",                    no_argument,       NULL, OPT_EXEC },
	{ "force",                   no_argument,       NULL, OPT_FORCE },
	{ "full-pcpus-only",         no_argument,       NULL, OPT_FULL_PCPUS },
	{ "no-membind",              no_argument,       NULL, OPT_NO_MEMBIND },
	{ "numa-affinity",           required_argument, NULL, OPT_NUMA_AFFINITY },
	{ "output",                  required_argument, NULL, 'o' },
	{ "pod",                     required_argument, NULL, OPT_POD },
	{ "release",                 no_argument,       NULL, OPT_RELEASE },
	{ "reserved",                required_argument, NULL, 'r' },
	{ "reserved-count",          required_argument, NULL, OPT_RESERVED_COUNT },
	{ "state",                   required_argument, NULL, OPT_STATE },
	{ "kubelet-dir",             required_argument, NULL, OPT_KUBELET_DIR },
	{ "strict-cpu-reservation",  no_argument,       NULL, OPT_STRICT_RESERVED },
	{ "topology",                required_argument, NULL, 't' },
	{ "help",                    no_argument,       NULL, 'h' },
	{ "version",                 no_argument,       NULL, 'V' },
	{ "wait",                    required_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};

/* Pairs of options that exclude each other (util-linux style). */
static const struct {
	int a, b;
	const char *na, *nb;
} excl[] = {
	{ 'c', OPT_RELEASE, "--count", "--release" },
	{ 'c', OPT_ADMIT, "--count", "--admit" },
	{ OPT_ADMIT, OPT_RELEASE, "--admit", "--release" },
	{ OPT_EXEC, OPT_RELEASE, "--exec", "--release" },
	{ OPT_NUMA_AFFINITY, OPT_RELEASE, "--numa-affinity", "--release" },
};

static void parse_opts(struct opts *o, int argc, char **argv)
{
	bool seen[TK_OPT_LONG_BASE + 32] = { false };
	size_t i;
	int c;

	memset(o, 0, sizeof(*o));
	o->count = -1;
	o->reserved_count = -1;
	o->wait = -1;
	o->out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, "+:a:c:ho:r:t:V", longopts, NULL)) != -1) {
		if (c >= 0 && c < (int)(sizeof(seen) / sizeof(seen[0])))
			seen[c] = true;
		for (i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
			if (seen[excl[i].a] && seen[excl[i].b])
				tk_usage_error("%s and %s are mutually exclusive", excl[i].na, excl[i].nb);
		switch (c) {
		case 'a': o->available = optarg; break;
		case 'c': o->count = tk_opt_ll("count", optarg, 0, 65536); break;
		case 'h': usage(); break;
		case 'o': o->out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT); break;
		case 'r': o->reserved = optarg; break;
		case 't': o->topo = optarg; break;
		case 'V': tk_print_version(); break;
		case OPT_ADMIT: o->admit = optarg; break;
		case OPT_ALIGN_SOCKET: o->policy.align_by_socket = true; break;
		case OPT_ALIGN_UNCORE: o->policy.align_by_uncore = true; break;
		case OPT_CONTAINER: o->container = optarg; break;
		case OPT_ACROSS_CORES: o->policy.distribute_across_cores = true; break;
		case OPT_ACROSS_NUMA: o->policy.distribute_across_numa = true; break;
		case OPT_EXEC: o->exec = true; break;
		case OPT_FORCE: o->force = true; break;
		case OPT_FULL_PCPUS: o->policy.full_pcpus_only = true; break;
		case OPT_NO_MEMBIND: o->no_membind = true; break;
		case OPT_NUMA_AFFINITY: o->numa = optarg; break;
		case OPT_POD: o->pod = optarg; break;
		case OPT_RELEASE: o->release = true; break;
		case OPT_RESERVED_COUNT: o->reserved_count = tk_opt_ll("reserved-count", optarg, 0, 65536); break;
		case OPT_STATE:
		case OPT_KUBELET_DIR: {
			/* one state file: the kubelet's own below its --root-dir, or any */
			static char kubelet_state[4096];

			if (o->state)
				tk_usage_error("give --state or --kubelet-dir, once");
			if (c == OPT_STATE) {
				o->state = optarg;
			} else if ((size_t)snprintf(kubelet_state, sizeof(kubelet_state), "%s/cpu_manager_state",
						    optarg) >= sizeof(kubelet_state)) {
				tk_usage_error("--kubelet-dir '%s' is too long", optarg);
			} else {
				o->state = kubelet_state;
			}
			break;
		}
		case OPT_STRICT_RESERVED: o->policy.strict_cpu_reservation = true; break;
		case OPT_WAIT: o->wait = tk_opt_ll("wait", optarg, 0, 86400); break;
		default: tk_getopt_error(c, argv);
		}
	}
	if (o->exec) {
		if (optind >= argc)
			tk_usage_error("--exec needs a command after --");
		o->argv = argv + optind;
	} else if (optind < argc) {
		tk_usage_error("unexpected argument '%s'", argv[optind]);
	}
	if (!o->topo)
		tk_usage_error("missing --topology");
	if (o->no_membind && !o->exec)
		tk_usage_error("--no-membind needs --exec");
	if (o->release && (!o->state || !o->pod))
		tk_usage_error("--release needs --state and --pod");
	if ((o->pod || o->container) && !o->state)
		tk_usage_error("--pod and --container need --state");
	if (o->container && !o->pod)
		tk_usage_error("--container needs --pod");
	if (o->count >= 0 && o->pod && !o->container && !o->release)
		tk_usage_error("--count with --pod needs --container");
	if (o->exec && o->count < 0)
		tk_usage_error("--exec needs --count");
	if (o->force && !o->state)
		tk_usage_error("--force needs --state");
	if (o->wait >= 0 && !o->state)
		tk_usage_error("--wait needs --state");
	if (o->wait < 0)
		o->wait = 60;
}

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
static int fail(const struct opts *o, const char *pod, const char *container, const char *reason)
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

	if (state_commit(st, force, pool, &d) < 0)
		tk_fatal_diag(&d);
}

static int do_release(const struct opts *o, struct state *st, const struct cpuset *pool)
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
	state_assigned(st, &still);
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

/* Why a pod got no CPUs: the kubelet's reason and the container it failed on. */
struct pod_error {
	char *reason;
	char *container;
};

/* One pod: containers the state file already holds keep their CPUs, the
 * others are allocated in order from free_set. */
static int allocate_pod(const struct opts *o, const struct ktopo *k, struct state *st,
			struct admit_req *r, struct cpuset *free_set, const struct cpuset *reserved,
			struct pod_error *pe)
{
	char err[1024];
	size_t i, failed;

	for (i = 0; o->pod && i < r->n; i++) {
		struct alloc_item *it = &r->items[i];
		const char *cname = it->name ? it->name : o->container;
		const char *have = cname ? find_entry(st, o->pod, cname) : NULL;

		if (have) {
			cpuset_parse_list(&it->cpus, have, CPUSET_MAX_ID, NULL);
			it->existing = true;
		}
	}
	if (policy_allocate_pod(&o->policy, k, free_set, reserved, r->items, r->n, &failed,
				err, sizeof(err)) == 0)
		return 0;
	pe->reason = xstrdup(err);
	if ((r->n > 1 || o->count < 0) && r->items[failed].name)
		pe->container = xstrdup(r->items[failed].name);
	return -1;
}

/* What was allocated (or why not), pod by pod. */
static void print_results(const struct opts *o, const struct ktopo *k, const struct admit_req *reqs,
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
				alloc_explain(stdout, k, &o->policy, &r->items[j], reserved);
		} else if (o->count >= 0) {
			json_t *j1 = alloc_to_json(k, &r->items[0], false);

			if (o->pod)
				json_object_set_new(j1, "pod", json_string(o->pod));
			if (o->container)
				json_object_set_new(j1, "container", json_string(o->container));
			emit(j1);
		} else {
			json_t *j1 = json_object(), *cs = json_array();

			for (j = 0; j < r->n; j++)
				json_array_append_new(cs, alloc_to_json(k, &r->items[j], true));
			if (pod)
				json_object_set_new(j1, "pod", json_string(pod));
			json_object_set_new(j1, "containers", cs);
			emit(j1);
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct topo t;
	struct ktopo k;
	struct tk_diag d;
	struct cpuset pool = CPUSET_INIT, reserved = CPUSET_INIT, free_set = CPUSET_INIT;
	struct admit_req *reqs = NULL;
	size_t nreqs = 0;
	struct pod_error *errs = NULL;
	struct state st;
	bool have_state = false, writing;
	char err[1024];
	int ret = TK_EXIT_OK;
	size_t i;

	tk_cli_start("cpuset-alloc");
	parse_opts(&o, argc, argv);

	if (topo_load(&t, o.topo, &d) < 0)
		tk_fatal_diag(&d);
	ktopo_build(&k, &t);
	if (policy_validate(&o.policy, &k, NULL, err, sizeof(err)) < 0)
		refuse(err);

	if (o.available)
		opt_list("available", o.available, &pool, &k, false);
	else
		ktopo_all(&k, &pool);
	if (o.reserved) {
		opt_list("reserved", o.reserved, &reserved, &k, false);
		/* NewStaticPolicy: reservedSystemCPUs must match the whole-CPU reservation */
		if (o.reserved_count >= 0 && (long long)cpuset_count(&reserved) != o.reserved_count) {
			char *s = cpuset_format_list(&reserved);

			snprintf(err, sizeof(err),
				 "[cpumanager] unable to reserve the required amount of CPUs (size of %s did not equal %lld)",
				 s, o.reserved_count);
			free(s);
			refuse(err);
		}
	} else if (o.reserved_count > 0 &&
		 policy_reserve(&o.policy, &k, (int)o.reserved_count, &reserved, err, sizeof(err)) < 0)
		refuse(err);

	/* the requests: one --count, or every pod result topo-admit printed */
	if (o.count >= 0) {
		nreqs = 1;
		reqs = xcalloc(1, sizeof(*reqs));
		reqs[0].n = 1;
		reqs[0].items = xcalloc(1, sizeof(*reqs[0].items));
		reqs[0].items[0].count = (int)o.count;
		if (o.container)
			reqs[0].items[0].name = xstrdup(o.container);
		if (o.numa) {
			opt_list("numa-affinity", o.numa, &reqs[0].items[0].numa, &k, true);
			reqs[0].items[0].has_numa = true;
		}
	} else if (!o.release) {
		if (o.numa)
			tk_usage_error("--numa-affinity needs --count (a topo-admit result carries its own hints)");
		if (!o.admit && !strcmp(o.topo, "-"))
			tk_usage_error("standard input cannot carry both the topology and the topo-admit result");
		if (!o.admit && isatty(STDIN_FILENO))
			tk_usage_error("missing --count (or a topo-admit result on standard input)");
		if (admit_load(o.admit ? o.admit : "-", &k, &reqs, &nreqs, &d) < 0)
			tk_fatal_diag(&d);
		if (o.pod && nreqs > 1)
			tk_fatal("--pod records one pod, but the input holds %zu topo-admit results", nreqs);
		/* the results name the Topology Manager policy the kubelet runs */
		for (i = 0; i < nreqs; i++)
			if (policy_validate(&o.policy, &k, reqs[i].tm_policy, err, sizeof(err)) < 0)
				refuse(err);
	}

	writing = o.pod != NULL;
	if (o.state) {
		struct cpuset assigned = CPUSET_INIT;

		state_open(&st, o.state, writing, (double)o.wait);
		have_state = true;
		if (o.release) {
			/* validateState: under strict-cpu-reservation the reserved
			 * CPUs are never part of defaultCpuSet */
			if (o.policy.strict_cpu_reservation)
				cpuset_andnot(&pool, &reserved);
			ret = do_release(&o, &st, &pool);
			goto out;
		}
		state_assigned(&st, &assigned);
		cpuset_andnot(&pool, &assigned);
		cpuset_release(&assigned);
		if (writing && st.exists && st.owner != TK_CK_OWNER_TOPOKIT && !o.force)
			tk_fatal("%s: refusing to write a state file the kubelet wrote (its checksum is the kubelet's); use --force",
				 o.state);
	}

	/* each pod in turn takes its CPUs from what the pods before it left */
	cpuset_copy(&free_set, &pool);
	errs = xcalloc(nreqs ? nreqs : 1, sizeof(*errs));
	for (i = 0; i < nreqs; i++) {
		if (reqs[i].why) {
			errs[i].reason = xstrdup(reqs[i].why);
			ret = TK_EXIT_NO;
		} else if (allocate_pod(&o, &k, &st, &reqs[i], &free_set, &reserved, &errs[i]) < 0) {
			ret = TK_EXIT_NO;
		}
	}

	if (writing && ret == TK_EXIT_OK) {
		char *s;

		for (i = 0; i < reqs[0].n; i++) {
			const struct alloc_item *it = &reqs[0].items[i];
			const char *cname = it->name ? it->name : o.container;

			if (it->existing || cpuset_is_empty(&it->cpus))
				continue;
			s = cpuset_format_list(&it->cpus);
			tk_cpu_checkpoint_set(&st.cp, o.pod, cname, s);
			free(s);
		}
		/* the pool written back is the one the state describes: all (or
		 * --available) CPUs minus the assigned ones */
		if (o.available)
			opt_list("available", o.available, &pool, &k, false);
		else
			ktopo_all(&k, &pool);
		if (o.policy.strict_cpu_reservation)
			cpuset_andnot(&pool, &reserved);
	}

	if (o.exec && ret == TK_EXIT_OK) {
		/* bind, record, run: a bind that fails or is partial leaves no
		 * entry behind, and neither does a command that cannot start */
		if (bind_cpus(&k, &reqs[0].items[0].cpus, o.no_membind, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s: %s\n", tk_prog, err);
			exit(TK_EXIT_EXEC_FAILED);
		}
		if (writing && state_commit(&st, o.force, &pool, &d) < 0) {
			tk_diag_print(&d, tk_prog, stderr);
			exit(TK_EXIT_EXEC_FAILED);
		}
		fflush(NULL);
		/* the lock descriptor is close-on-exec: the command does not hold it */
		execvp(o.argv[0], o.argv);
		{
			int e = errno;

			fprintf(stderr, "%s: cannot execute '%s': %s\n", tk_prog, tk_text_safe(o.argv[0]),
				strerror(e));
			if (writing && state_undo(&st, &d) < 0)
				tk_diag_print(&d, tk_prog, stderr);
			exit(e == ENOENT ? TK_EXIT_NOT_FOUND : TK_EXIT_CANNOT_INVOKE);
		}
	}

	print_results(&o, &k, reqs, nreqs, errs, &reserved);
	flush_output();
	if (writing && ret == TK_EXIT_OK)
		commit_or_die(&st, o.force, &pool);
out:
	if (have_state)
		state_close(&st);
	for (i = 0; errs && i < nreqs; i++) {
		free(errs[i].reason);
		free(errs[i].container);
	}
	free(errs);
	admit_free(reqs, nreqs);
	cpuset_release(&pool);
	cpuset_release(&reserved);
	cpuset_release(&free_set);
	ktopo_release(&k);
	topo_release(&t);
	return ret;
}
