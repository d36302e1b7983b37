/* cpumanager.h - the kubelet CPU Manager's choice of CPUs, ported from
 * pkg/kubelet/cm/cpumanager (cpu_assignment.go in cpumanager.c;
 * policy_static.go and policy_options.go in cpupolicy.c). Pure: no I/O, no
 * printing. cpuset-alloc prints these choices; topo-admit replays them to
 * know which CPUs a pod's earlier containers hold.
 *
 * Terminology (the kubelet's):
 *   details    the CPUs still free during one allocation (CPUDetails.KeepOnly)
 *   packed     takeByTopologyNUMAPacked: whole NUMA nodes/sockets, then
 *              uncore caches (option), whole cores, then single CPUs
 *   distributed  takeByTopologyNUMADistributed: spread evenly over the
 *              fewest NUMA nodes, in groups of cpuGroupSize CPUs
 *   numa-first the kubelet's numaFirst ordering, used when the machine has
 *              at least as many sockets as NUMA nodes; else sockets-first
 *
 * Index spaces: struct ktopo keeps every CPU, core, socket, NUMA node and
 * uncore cache under a dense index (idx) in ascending order of its id, so
 * comparing two indices compares their ids. Results are cpusets of OS ids.
 */
#ifndef TK_CPUMANAGER_H
#define TK_CPUMANAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"

struct topo;

enum take_sort {
	TAKE_PACKED,   /* CPUSortingStrategyPacked */
	TAKE_SPREAD,   /* CPUSortingStrategySpread (distribute-cpus-across-cores) */
};

struct ilist {
	int n;
	int *v;
};

/* The kubelet's CPUTopology over dense indices. */
struct ktopo {
	int ncpu, ncore, nsocket, nnuma, nl3;
	int *cpu_id;                                      /* idx -> OS id */
	int *cpu_core, *cpu_socket, *cpu_numa, *cpu_l3;  /* cpu idx -> level idx */
	int *core_id, *socket_id, *numa_id, *l3_id;      /* level idx -> id */
	struct ilist *core_cpus, *socket_cpus, *numa_cpus, *l3_cpus;  /* cpu idx, ascending */
	int max_id;
	int *idx_of;                                      /* OS id -> cpu idx or -1 */
	/* the kubelet's CPUsPerCore/CPUsPerSocket/CPUsPerUncore: NumCPUs / NumX */
	int cpus_per_core, cpus_per_socket, cpus_per_l3;
	bool numa_first;                                  /* NumSockets >= NumNUMANodes */
	struct cpuset numa_any;   /* every NUMA node of the document, memory-only ones too */
};

/* Build from a loaded topology document (only NUMA nodes with CPUs count,
 * as in the kubelet's CPUDetails). */
void ktopo_build(struct ktopo *k, const struct topo *t);
void ktopo_release(struct ktopo *k);
/* Is id a NUMA node of the document (with or without CPUs)? */
bool ktopo_has_numa(const struct ktopo *k, int id);
/* Is OS id cpu part of the topology? */
bool ktopo_has(const struct ktopo *k, int cpu);
/* All CPUs / the CPUs of a core (dst replaced). */
void ktopo_all(const struct ktopo *k, struct cpuset *dst);
void ktopo_core_siblings(const struct ktopo *k, int cpu, struct cpuset *dst);

/* takeByTopologyNUMAPacked. avail may name CPUs outside the topology (they
 * are ignored, as CPUDetails.KeepOnly ignores them, but count in the
 * "available=" of the error). On failure returns -1 with err filled with
 * the kubelet's message; result is then empty. */
int take_packed(const struct ktopo *k, const struct cpuset *avail, int num,
		enum take_sort sort, bool align_uncore, struct cpuset *result,
		char *err, size_t errlen);

/* takeByTopologyNUMADistributed with cpuGroupSize group; align_socket
 * (align-by-socket) prefers NUMA node combinations within one socket. */
int take_distributed(const struct ktopo *k, const struct cpuset *avail, int num, int group,
		     enum take_sort sort, bool align_socket, struct cpuset *result,
		     char *err, size_t errlen);

/* ---- the static policy (cpupolicy.c) ---- */

struct policy_opts {
	bool full_pcpus_only;          /* full-pcpus-only */
	bool distribute_across_numa;   /* distribute-cpus-across-numa */
	bool align_by_socket;          /* align-by-socket */
	bool distribute_across_cores;  /* distribute-cpus-across-cores */
	bool align_by_uncore;          /* prefer-align-cpus-by-uncorecache */
	bool strict_cpu_reservation;   /* strict-cpu-reservation: the reserved CPUs
					  are not in the shared pool (defaultCpuSet) */
};

/* The feature gates CPUManagerPolicyAlphaOptions and
 * CPUManagerPolicyBetaOptions (the kubelet's defaults: off and on). */
struct policy_gates {
	bool alpha, beta;
};

/* NewStaticPolicyOptions' parsing of cpuManagerPolicyOptions (names and
 * values as given, e.g. "full-pcpus-only" and "true") into o. Returns 0, or
 * -1 with the kubelet's message for the first unknown name, option whose
 * gate is off, or value that is not a boolean. */
int policy_opts_parse(struct policy_opts *o, size_t n, char *const *names, char *const *values,
		      const struct policy_gates *gates, char *err, size_t errlen);

/* NewNonePolicy's refusal of any option: the kubelet's message (malloc'd),
 * or NULL when there is none (n == 0). */
char *policy_none_options_error(size_t n, char *const *names, char *const *values);

/* NewStaticPolicyOptions' compatibility checks and
 * ValidateStaticPolicyOptions; tm_policy is the Topology Manager policy
 * ("single-numa-node", ...) or NULL when unknown, k NULL when the machine is
 * unknown (its socket check is then skipped). Returns 0, or -1 with the
 * kubelet's reason. */
int policy_validate(const struct policy_opts *o, const struct ktopo *k, const char *tm_policy,
		    char *err, size_t errlen);

/* NewStaticPolicy's reserved set for numReservedCPUs (takeByTopology over
 * every CPU). Returns -1 with the kubelet's error when it cannot. */
int policy_reserve(const struct policy_opts *o, const struct ktopo *k, int num,
		   struct cpuset *reserved, char *err, size_t errlen);

enum alloc_fail {
	ALLOC_OK = 0,
	ALLOC_SMT,        /* SMTAlignmentError */
	ALLOC_NO_CPUS,    /* takeByTopology failed */
};

/* staticPolicy.Allocate + allocateCPUs for one container: default_set is
 * the shared pool (defaultCpuSet), reserved the reserved CPUs, reusable
 * (may be NULL) the pod's cpusToReuse (CPUs of its finished init
 * containers); numa, when not NULL, the topology hint's NUMA affinity. */
enum alloc_fail policy_allocate(const struct policy_opts *o, const struct ktopo *k,
				const struct cpuset *default_set, const struct cpuset *reserved,
				const struct cpuset *reusable, int num, const struct cpuset *numa,
				struct cpuset *result, char *err, size_t errlen);

#endif
