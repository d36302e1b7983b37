/* cpuset-alloc - predict (and optionally record and apply) the exclusive
 * CPUs the kubelet's static CPU Manager policy gives a Guaranteed
 * container: options -> struct ca_opts, load the topology, ask common/cpumanager.h,
 * print JSON or an explanation, optionally record it in a state file and
 * exec a command bound to the CPUs. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "exitcodes.h"

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
	      "otherwise the command's own status.\n", out);
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

static void parse_opts(struct ca_opts *o, int argc, char **argv)
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

int main(int argc, char **argv)
{
	struct ca_opts o;
	struct ca_run r;
	int ret;

	tk_cli_start("cpuset-alloc");
	parse_opts(&o, argc, argv);
	ca_load(&r, &o);
	if (o.state && ca_open_state(&r, &o)) {
		ret = ca_release_pod(&r, &o);
	} else {
		ret = ca_allocate(&r, &o);
		if (o.exec && ret == TK_EXIT_OK)
			ca_exec(&r, &o);
		ca_finish(&r, &o, ret);
	}
	ca_run_free(&r);
	return ret;
}
