/* kubeletconfig.h - the KubeletConfiguration topo-admit, numa-verify and
 * topo-discover read: decoded as the kubelet decodes its --config file
 * (kind KubeletConfiguration, apiVersion kubelet.config.k8s.io/v1beta1,
 * the only version that has it; a field of the wrong type is an error),
 * defaulted as SetDefaults_KubeletConfiguration (v1beta1/defaults.go), and
 * checked as the kubelet checks it before it starts, in its own words
 * (ValidateKubeletConfiguration, validateReservedMemoryConfiguration and
 * the Topology, CPU and Memory Managers' constructors).
 *
 * Only the fields topokit uses are kept; the others are left to the kubelet.
 */
#ifndef TK_KUBELETCONFIG_H
#define TK_KUBELETCONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "cpuset.h"
#include "labels.h"
#include "quantity.h"

struct tk_diag;
struct tk_doc;
struct ktopo;

#define TK_KC_API_VERSION "kubelet.config.k8s.io/v1beta1"

/* A map[string]string of the configuration, in document order. */
struct tk_kc_map {
	size_t n;
	char **keys;
	char **values;
};
const char *tk_kc_map_get(const struct tk_kc_map *m, const char *key);
/* Append a copy of key (its first keylen bytes) and value. */
void tk_kc_map_put(struct tk_kc_map *m, const char *key, size_t keylen, const char *value);
/* Replace *dst with a copy of src. */
void tk_kc_map_copy(struct tk_kc_map *dst, const struct tk_kc_map *src);
void tk_kc_map_release(struct tk_kc_map *m);

/* One reservedMemory entry (MemoryReservation). */
struct tk_kc_reservation {
	long long numa_node;
	size_t n;
	char **resources;           /* "memory", "hugepages-1Gi", ... */
	char **texts;               /* the quantities as written */
	struct tk_qty *q;
};

struct tk_kubelet_config {
	char *file;
	/* strings as SetDefaults_KubeletConfiguration leaves them */
	char *cpu_manager_policy;           /* "none" */
	char *cpu_manager_reconcile_period; /* "10s" */
	char *memory_manager_policy;        /* "None" */
	char *topology_manager_policy;      /* "none" */
	char *topology_manager_scope;       /* "container" */
	char *reserved_system_cpus;         /* "" unless given */
	char *system_reserved_cgroup;       /* "" unless given */
	char *kube_reserved_cgroup;         /* "" unless given */
	struct tk_kc_map topology_manager_policy_options;
	struct tk_kc_map cpu_manager_policy_options;
	struct tk_kc_map kube_reserved, system_reserved;
	bool have_eviction_hard;            /* evictionHard given (replaces the defaults) */
	struct tk_kc_map eviction_hard;
	struct tk_kc_map feature_gates;     /* values "true" / "false" */
	size_t nreserved_memory;
	struct tk_kc_reservation *reserved_memory;
};

/* Decode path ("-" is standard input) through tk_doc_load and apply the
 * defaults. Returns 0, or -1 with d filled (file:line:col): not one
 * mapping, kind or apiVersion missing or wrong, a field of the wrong type. */
int tk_kc_load(struct tk_kubelet_config *kc, const char *path, struct tk_diag *d);
/* The same from a loaded document (its one item). */
int tk_kc_decode(struct tk_kubelet_config *kc, const struct tk_doc *doc, struct tk_diag *d);
/* A configuration from no file at all: the defaults (a kubelet without --config). */
void tk_kc_init_defaults(struct tk_kubelet_config *kc, const char *label);
/* SetDefaults_KubeletConfiguration, for the fields kept: empty strings
 * become their defaults. tk_kc_load and tk_kc_decode call it. */
void tk_kc_set_defaults(struct tk_kubelet_config *kc);
/* A flag over the file (--topology-manager-policy over topologyManagerPolicy):
 * replaces *field with a copy of value. */
void tk_kc_override(char **field, const char *value);
void tk_kc_release(struct tk_kubelet_config *kc);

/* How many CPUs the static CPU Manager policy reserves (NewManager): the
 * size of reservedSystemCPUs when given (the kubelet then puts it in place
 * of kubeReserved.cpu and systemReserved.cpu), else kubeReserved.cpu +
 * systemReserved.cpu rounded up to whole CPUs; 0 when neither is set, -1
 * when reservedSystemCPUs or a quantity does not parse. */
int tk_kc_static_reserved_cpus(const struct tk_kubelet_config *kc);

/* The machine the kubelet would start on; any member may be 0/NULL when
 * unknown, and the checks that need it are left out. */
struct tk_kc_machine {
	size_t nnuma;
	const int *numa_ids;
	const struct cpuset *cpus;      /* online CPUs */
	const struct ktopo *k;          /* for the CPU Manager options' checks */
};

/* What the kubelet says of a configuration at start-up. */
struct tk_kc_verdict {
	struct tk_strv problems;        /* it refuses to start: its words */
	struct tk_strv warnings;        /* it starts, but aligns less than meant */
	bool have_reserved_cpus;
	struct cpuset reserved_cpus;    /* reservedSystemCPUs */
	bool strict_cpu_reservation;    /* the strict-cpu-reservation option */
};

/* The kubelet's start-up checks of the fields topokit uses, in the order it
 * makes them: topologyManagerPolicy and topologyManagerScope values,
 * reservedSystemCPUs (parse, reserved cgroups), the Topology Manager's
 * options and NUMA node limit, the CPU Manager (policy name, the static
 * policy's reservation, policy options under the feature gates), the Memory
 * Manager (policy name), reservedMemory (validateReservedMemoryConfiguration
 * and, for the Static policy, the total against Node Allocatable). */
void tk_kc_validate(const struct tk_kubelet_config *kc, const struct tk_kc_machine *m,
		    struct tk_kc_verdict *v);
void tk_kc_verdict_release(struct tk_kc_verdict *v);

#endif
