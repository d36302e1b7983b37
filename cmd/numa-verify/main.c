/* numa-verify - prove that processes and containers really are NUMA-aligned.
 *
 * Reads /proc/PID/status (Cpus_allowed_list, Mems_allowed_list),
 * /proc/PID/numa_maps (pages per NUMA node, as numastat -p counts them), the
 * kubepods cgroup tree, and optionally the kubelet's cpu_manager_state and
 * KubeletConfiguration, all below --root. Runs no external program.
 *
 * main() parses options into struct nv_opts; nv_gather() (gather.c) reads
 * through proc.c, sysfs.c, cgroup.c, state.c and kubelet.c and judges with
 * verify.c; render.c writes JSON or a numastat-like table; main() returns
 * the exit code.
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cpuset.h"
#include "emit.h"
#include "exitcodes.h"
#include "numparse.h"
#include "nv.h"
#include "xalloc.h"

enum {
	OPT_ALL = TK_OPT_LONG_BASE,
	OPT_POD,
	OPT_CONTAINER,
	OPT_STATE,
	OPT_KUBELET,
	OPT_KUBELET_DIR,
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
	{ "kubelet-dir",       required_argument, NULL, OPT_KUBELET_DIR },
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
	      " numa-verify [options] --cpu-manager-state FILE | --kubelet-config FILE | --kubelet-dir DIR\n"
	      " numa-verify --explain [-o json|text] [FILE|-]\n"
	      "\n"
	      "Prove that processes and containers really are NUMA-aligned.\n"
	      "\n"
	      "Options:\n"
	      "     --all                    every process, and every container under kubepods\n"
	      "     --pod UID|NS/NAME        the containers of one pod (repeatable)\n"
	      "     --container ID           one container, by ID or unique prefix (repeatable)\n"
	      "     --expect-numa LIST       CPUs and memory belong on these NUMA nodes\n"
	      "     --min-local PCT          least share of memory on them (default 90)\n"
	      "     --no-threads             do not look at threads' own affinity\n"
	      "     --cpu-manager-state FILE check the kubelet's cpu_manager_state\n"
	      "     --kubelet-config FILE    check a KubeletConfiguration before a restart;\n"
	      "                              'running': what the running kubelet's flags\n"
	      "                              and --config file (or kubeadm's) make of it\n"
	      "     --kubelet-dir DIR        the kubelet's state directory (e.g. /var/lib/kubelet):\n"
	      "                              its cpu_manager_state, memory_manager_state and\n"
	      "                              device checkpoint must keep the Topology Manager's\n"
	      "                              promise (policy from --kubelet-config)\n"
	      "     --policy NAME            CPU manager policy the state file must name\n"
	      "     --reserved-cpus LIST     the kubelet's reservedSystemCPUs\n"
	      " -t, --topology FILE          NodeTopology document instead of /sys\n"
	      "     --root DIR               read proc/, sys/ and relative files under DIR\n", stdout);
	tk_help_output(stdout, TK_OUT_JSON | TK_OUT_TEXT | TK_OUT_PROMETHEUS);
	tk_help_common(stdout);
	tk_help_cpulist(stdout);
	tk_help_exit_status(stdout, "aligned", "misaligned or inconsistent");
	exit(TK_EXIT_OK);
}

static void parse_list_opt(const char *name, const char *arg, struct cpuset *s)
{
	tk_opt_cpulist(name, arg, s);
	if (cpuset_is_empty(s))
		tk_usage_error("invalid --%s value '%s'", name, arg);
}

static void parse_opts(struct nv_opts *o, int argc, char **argv)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->root = "";
	o->v.min_local = 90;
	o->out = TK_OUT_JSON;
	while ((c = getopt_long(argc, argv, ":ho:t:V", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage();
		case 'o':
			o->out = tk_parse_output(optarg, TK_OUT_JSON | TK_OUT_TEXT | TK_OUT_PROMETHEUS);
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
		case OPT_KUBELET_DIR:
			if (!*optarg)
				tk_usage_error("empty --kubelet-dir");
			o->kubelet_dir = optarg;
			break;
		case OPT_MIN_LOCAL:
			o->v.min_local = (int)tk_opt_ll("min-local", optarg, 0, 100);
			break;
		case OPT_NO_THREADS:
			o->no_threads = true;
			break;
		case OPT_POD:
			/* the systemd driver's spelling (underscores) is accepted
			 * too; NAMESPACE/NAME is resolved after parsing */
			for (char *u = optarg; *u && !strchr(optarg, '/'); u++)
				if (*u == '_')
					*u = '-';
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
			tk_getopt_error(c, argv);
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

int main(int argc, char **argv)
{
	struct nv_opts o;
	struct nv_report r;
	int ret;

	tk_cli_start("numa-verify");
	if (nv_explain_wanted(argc, argv))
		return nv_explain_main(argc, argv);
	parse_opts(&o, argc, argv);
	nv_resolve_pod_names(&o);
	nv_gather(&o, &r);
	if (o.out == TK_OUT_TEXT) {
		nv_render_text(&o, &r);
	} else if (o.out == TK_OUT_PROMETHEUS) {
		nv_render_prometheus(&o, &r);
	} else {
		json_t *j = nv_report_json(&o, &r);

		if (tk_emit_json(j, stdout))
			tk_fatal("write error");
		json_decref(j);
	}
	ret = r.verdict == NV_MISALIGNED ? TK_EXIT_NO : TK_EXIT_OK;
	nv_report_release(&r);
	cpuset_release(&o.v.expect);
	cpuset_release(&o.reserved);
	free(o.pids);
	free(o.pods);
	nv_pod_names_release();
	free(o.ctrs);
	return ret;
}
