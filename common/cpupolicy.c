/* cpupolicy.c - the CPU Manager's static policy around takeByTopology:
 * option parsing and checks (policy_options.go), reserved CPUs and SMT
 * alignment (policy_static.go). Shared by cpuset-alloc (the CPUs it
 * prints) and topo-admit (the CPUs earlier containers hold when later
 * hints are generated).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumanager.h"
#include "numparse.h"
#include "xalloc.h"

#define FULL_PCPUS "full-pcpus-only"
#define ACROSS_NUMA "distribute-cpus-across-numa"
#define BY_SOCKET "align-by-socket"
#define ACROSS_CORES "distribute-cpus-across-cores"
#define BY_UNCORE "prefer-align-cpus-by-uncorecache"

#define STRICT_RESERVATION "strict-cpu-reservation"

/* Go's %q for the option names and values in the kubelet's messages (the
 * quotes and backslashes escaped; enough for text from a YAML scalar). */
static void go_quote(char *dst, size_t len, const char *s)
{
	size_t j = 0;

	if (len < 3)
		return;
	dst[j++] = '"';
	for (; *s && j + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			dst[j++] = '\\';
		dst[j++] = *s;
	}
	dst[j++] = '"';
	dst[j] = '\0';
}

/* NewStaticPolicyOptions' loop: CheckPolicyOptionAvailable (a known name,
 * its maturity's feature gate on), then strconv.ParseBool of the value; the
 * first error ends it. A repeated name keeps its last value, as the
 * kubelet's map does. */
int policy_opts_parse(struct policy_opts *o, size_t n, char *const *names, char *const *values,
		      const struct policy_gates *gates, char *err, size_t errlen)
{
	enum maturity { ALPHA, BETA, GA };
	const struct {
		const char *name;
		enum maturity m;
		bool *flag;
	} known[] = {
		{ FULL_PCPUS, GA, &o->full_pcpus_only },
		{ ACROSS_NUMA, BETA, &o->distribute_across_numa },
		{ BY_SOCKET, ALPHA, &o->align_by_socket },
		{ ACROSS_CORES, ALPHA, &o->distribute_across_cores },
		{ STRICT_RESERVATION, BETA, &o->strict_cpu_reservation },
		{ BY_UNCORE, BETA, &o->align_by_uncore },
	};
	size_t i, j, nknown = sizeof(known) / sizeof(known[0]);
	char qn[300], qv[300];

	for (i = 0; i < n; i++) {
		go_quote(qn, sizeof(qn), names[i]);
		for (j = 0; j < nknown; j++)
			if (!strcmp(names[i], known[j].name))
				break;
		if (j == nknown) {
			snprintf(err, errlen, "unknown CPU Manager Policy option: %s", qn);
			return -1;
		}
		if (known[j].m == ALPHA && !gates->alpha) {
			snprintf(err, errlen, "CPU Manager Policy Alpha-level Options not enabled, but option %s provided", qn);
			return -1;
		}
		if (known[j].m == BETA && !gates->beta) {
			snprintf(err, errlen, "CPU Manager Policy Beta-level Options not enabled, but option %s provided", qn);
			return -1;
		}
		if (tk_parse_bool(values[i], known[j].flag)) {
			go_quote(qv, sizeof(qv), values[i]);
			snprintf(err, errlen, "bad value for option %s: strconv.ParseBool: parsing %s: invalid syntax", qn, qv);
			return -1;
		}
	}
	return 0;
}

/* NewNonePolicy: Go prints the options map as map[a:1 b:2], keys sorted, a
 * repeated key with its last value. */
char *policy_none_options_error(size_t n, char *const *names, char *const *values)
{
	size_t *ord, i, j, len = 0, cap = 64;
	char *buf, *msg;

	if (!n)
		return NULL;
	ord = xcalloc(n, sizeof(*ord));
	for (i = 0; i < n; i++)
		ord[i] = i;
	/* insertion sort is stable: a repeated name's last value comes last */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[ord[j - 1]], names[ord[j]]) > 0; j--) {
			size_t tmp = ord[j];

			ord[j] = ord[j - 1];
			ord[j - 1] = tmp;
		}
	buf = xmalloc(cap);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t need;

		if (i + 1 < n && !strcmp(names[ord[i]], names[ord[i + 1]]))
			continue;
		need = len + strlen(names[ord[i]]) + strlen(values[ord[i]]) + 3;
		if (need > cap) {
			cap = need * 2;
			buf = xrealloc(buf, cap);
		}
		len += (size_t)snprintf(buf + len, cap - len, "%s%s:%s", len ? " " : "", names[ord[i]], values[ord[i]]);
	}
	free(ord);
	msg = xasprintf("None policy: received unsupported options=map[%s]", buf);
	free(buf);
	return msg;
}

/* NewStaticPolicyOptions then ValidateStaticPolicyOptions, in the kubelet's
 * order of checks. */
int policy_validate(const struct policy_opts *o, const struct ktopo *k, const char *tm_policy,
		    char *err, size_t errlen)
{
	/* the pairs NewStaticPolicyOptions refuses together, in its order */
	const struct {
		bool a, b;
		const char *name_a, *name_b;
	} excl[] = {
		{ o->full_pcpus_only, o->distribute_across_cores, FULL_PCPUS, ACROSS_CORES },
		{ o->distribute_across_numa, o->distribute_across_cores, ACROSS_NUMA, ACROSS_CORES },
		{ o->align_by_uncore, o->distribute_across_cores, BY_UNCORE, ACROSS_CORES },
		{ o->align_by_uncore, o->distribute_across_numa, BY_UNCORE, ACROSS_NUMA },
	};
	size_t i;

	for (i = 0; i < sizeof(excl) / sizeof(excl[0]); i++)
		if (excl[i].a && excl[i].b) {
			snprintf(err, errlen, "static policy options %s and %s can not be used at the same time",
				 excl[i].name_a, excl[i].name_b);
			return -1;
		}
	/* (the kubelet's own spelling) */
	if (o->align_by_socket && tm_policy && !strcmp(tm_policy, "single-numa-node")) {
		snprintf(err, errlen, "Topolgy manager single-numa-node policy is incompatible with CPUManager %s policy option",
			 BY_SOCKET);
		return -1;
	}
	if (o->align_by_socket && k && k->nsocket > k->nnuma) {
		snprintf(err, errlen, "Align by socket is not compatible with hardware where number of sockets are more than number of NUMA");
		return -1;
	}
	return 0;
}

/* staticPolicy.takeByTopology: the options pick packed or distributed. */
static int policy_take(const struct policy_opts *o, const struct ktopo *k, const struct cpuset *avail,
		       int num, struct cpuset *result, char *err, size_t errlen)
{
	enum take_sort sort = o->distribute_across_cores ? TAKE_SPREAD : TAKE_PACKED;

	if (o->distribute_across_numa) {
		int group = o->full_pcpus_only ? k->cpus_per_core : 1;

		return take_distributed(k, avail, num, group, sort, o->align_by_socket, result, err, errlen);
	}
	return take_packed(k, avail, num, sort, o->align_by_uncore, result, err, errlen);
}

/* NewStaticPolicy: without reservedSystemCPUs, the reserved CPUs are
 * takeByTopology(allCPUs, numReservedCPUs); a shortfall is fatal. */
int policy_reserve(const struct policy_opts *o, const struct ktopo *k, int num,
		   struct cpuset *reserved, char *err, size_t errlen)
{
	struct cpuset all = CPUSET_INIT;
	char ignored[256];

	ktopo_all(k, &all);
	if (policy_take(o, k, &all, num, reserved, ignored, sizeof(ignored)) < 0)
		cpuset_clear_all(reserved);
	cpuset_release(&all);
	if ((int)cpuset_count(reserved) != num) {
		char *s = cpuset_format_list(reserved);

		snprintf(err, errlen, "[cpumanager] unable to reserve the required amount of CPUs (size of %s did not equal %d)",
			 s, num);
		free(s);
		return -1;
	}
	return 0;
}

/* getAlignedCPUs: the allocatable CPUs of the hint's NUMA nodes, or of
 * their sockets with align-by-socket. */
static void aligned_cpus(const struct policy_opts *o, const struct ktopo *k,
			 const struct cpuset *numa, const struct cpuset *allocatable,
			 struct cpuset *dst)
{
	struct cpuset sockets = CPUSET_INIT;
	int i;

	cpuset_clear_all(dst);
	if (o->align_by_socket) {
		for (i = 0; i < k->ncpu; i++)
			if (cpuset_test(numa, (unsigned)k->numa_id[k->cpu_numa[i]]))
				cpuset_set(&sockets, (unsigned)k->socket_id[k->cpu_socket[i]]);
	}
	for (i = 0; i < k->ncpu; i++) {
		bool in = o->align_by_socket
			  ? cpuset_test(&sockets, (unsigned)k->socket_id[k->cpu_socket[i]])
			  : cpuset_test(numa, (unsigned)k->numa_id[k->cpu_numa[i]]);

		if (in && cpuset_test(allocatable, (unsigned)k->cpu_id[i]))
			cpuset_set(dst, (unsigned)k->cpu_id[i]);
	}
	cpuset_release(&sockets);
}

enum alloc_fail policy_allocate(const struct policy_opts *o, const struct ktopo *k,
				const struct cpuset *default_set, const struct cpuset *reserved,
				const struct cpuset *reusable, int num, const struct cpuset *numa,
				struct cpuset *result, char *err, size_t errlen)
{
	struct cpuset allocatable = CPUSET_INIT, part = CPUSET_INIT, rest = CPUSET_INIT;
	enum alloc_fail ret = ALLOC_NO_CPUS;
	int group = k->cpus_per_core;

	cpuset_clear_all(result);
	if (num <= 0)
		return ALLOC_OK;
	/* enforceSMTAlignment */
	if (o->full_pcpus_only) {
		struct cpuset phys = CPUSET_INIT, sib = CPUSET_INIT;
		size_t avail_phys;
		int c;

		if (group > 0 && num % group != 0) {
			snprintf(err, errlen, "SMT Alignment Error: requested %d cpus not multiple cpus per core = %d",
				 num, group);
			return ALLOC_SMT;
		}
		/* GetAvailablePhysicalCPUs: default set minus the reserved CPUs'
		 * whole cores (reservedPhysicalCPUs) */
		cpuset_copy(&phys, default_set);
		for (c = cpuset_first(reserved); c >= 0; c = cpuset_next(reserved, c)) {
			ktopo_core_siblings(k, c, &sib);
			cpuset_andnot(&phys, &sib);
		}
		avail_phys = cpuset_count(&phys);
		cpuset_release(&phys);
		cpuset_release(&sib);
		if ((size_t)num > avail_phys) {
			snprintf(err, errlen, "SMT Alignment Error: not enough free physical CPUs: available physical CPUs = %zu, requested CPUs = %d, CPUs per core = %d",
				 avail_phys, num, group);
			return ALLOC_SMT;
		}
	}
	/* allocateCPUs: GetAvailableCPUs (default set minus reserved) plus the
	 * pod's reusable CPUs */
	cpuset_copy(&allocatable, default_set);
	cpuset_andnot(&allocatable, reserved);
	if (reusable)
		cpuset_or(&allocatable, reusable);
	if (numa) {
		struct cpuset aligned = CPUSET_INIT;
		int n;

		aligned_cpus(o, k, numa, &allocatable, &aligned);
		n = (int)cpuset_count(&aligned);
		if (num < n)
			n = num;
		if (policy_take(o, k, &aligned, n, &part, err, errlen) < 0) {
			cpuset_release(&aligned);
			goto out;
		}
		cpuset_release(&aligned);
		cpuset_or(result, &part);
	}
	cpuset_copy(&rest, &allocatable);
	cpuset_andnot(&rest, result);
	if (policy_take(o, k, &rest, num - (int)cpuset_count(result), &part, err, errlen) < 0) {
		cpuset_clear_all(result);
		goto out;
	}
	cpuset_or(result, &part);
	ret = ALLOC_OK;
out:
	cpuset_release(&allocatable);
	cpuset_release(&part);
	cpuset_release(&rest);
	return ret;
}
