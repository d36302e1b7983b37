/* topo.h - the topology document: one node's CPUs, NUMA nodes and devices.
 *
 * The document topo-discover writes and topo-admit, cpuset-alloc and
 * numa-verify read:
 *   {"kind":"NodeTopology","apiVersion":"topokit/v1","hostname":"...",
 *    "cpus":[{"id":0,"core":0,"socket":0,"numa":0,"l3":0}, ...],
 *    "numa":[{"id":0,"cpus":"0-7","memory":68719476736,
 *             "hugepages":{"2Mi":0,"1Gi":4},"distances":[10,21]}],
 *    "devices":[{"id":"0000:3b:00.0","class":"gpu","vendor":"10de",
 *                "device":"20b0","name":"...","numa":0,"resource":"nvidia.com/gpu"}]}
 *
 * Terminology (the kubelet's CPUTopology, pkg/kubelet/cm/cpumanager/topology):
 *   id      OS CPU number (hwloc PU os_index)
 *   core    machine-wide unique core id: the lowest CPU id of the core's threads
 *   socket  package OS index
 *   numa    NUMA node OS index
 *   l3      last-level (uncore) cache id; the socket id when the machine has none
 *
 * Only "cpus" is required, and in each CPU only "id": a missing core is the
 * CPU itself, a missing socket or numa is 0, a missing l3 is the socket. The
 * "numa" list is derived from the CPUs when absent; NUMA nodes listed without
 * CPUs (memory-only, e.g. CXL or HBM) are kept.
 *
 * Ownership: topo_from_node() fills a struct topo that owns everything;
 * topo_release() frees it.
 */
#ifndef TK_TOPO_H
#define TK_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpuset.h"

struct tk_node;
struct tk_diag;
typedef struct json_t json_t;

struct topo_cpu {
	int id;
	int core;
	int socket;
	int numa;
	int l3;
};

struct topo_hugepages {
	char *size;        /* "2Mi", "1Gi" as Kubernetes names the size */
	uint64_t pages;    /* number of pages of that size */
};

struct topo_numa {
	int id;
	struct cpuset cpus;
	uint64_t memory;       /* bytes; 0 when unknown */
	size_t nhugepages;
	struct topo_hugepages *hugepages;
	size_t ndistances;
	int *distances;        /* to numa[j] in list order (same order as topo.numa) */
};

struct topo_device {
	char *id;       /* PCI address or other stable id */
	char *class;    /* gpu, net, nvme, storage, accelerator, other */
	char *vendor;   /* hex PCI vendor id, e.g. "10de" */
	char *device;   /* hex PCI device id */
	char *name;
	int numa;       /* nearest NUMA node, -1 when unknown */
	char *resource; /* extended resource name, or NULL */
};

struct topo {
	char *hostname;              /* may be NULL */
	size_t ncpus;
	struct topo_cpu *cpus;       /* sorted by id */
	size_t nnuma;
	struct topo_numa *numa;      /* sorted by id */
	size_t ndevices;
	struct topo_device *devices;
	struct cpuset all;           /* every CPU id */
};

void topo_init(struct topo *t);
void topo_release(struct topo *t);

/* Validate and load a topology document node (duplicate ids, negative ids,
 * a CPU listed in two NUMA nodes' "cpus", distances of the wrong length...).
 * file names the source in diagnostics. */
int topo_from_node(struct topo *t, const char *file, const struct tk_node *doc, struct tk_diag *d);
/* Load from a path ("-" = stdin): the first item must be a NodeTopology. */
int topo_load(struct topo *t, const char *path, struct tk_diag *d);
/* After filling cpus[] (and optionally numa[]) by hand, sort and derive the
 * rest as topo_from_node does. Returns 0, or -1 with d filled. */
int topo_finish(struct topo *t, struct tk_diag *d);

/* Build the JSON document (fields in the order above). New reference. */
json_t *topo_to_json(const struct topo *t);

/* Lookups (pointers into t, or NULL / -1 when absent). */
const struct topo_cpu *topo_cpu(const struct topo *t, int id);
const struct topo_numa *topo_numa(const struct topo *t, int id);

/* Sets derived from the CPUs (dst is replaced). */
void topo_cpus_of_numa(const struct topo *t, int numa, struct cpuset *dst);
/* Counts like the kubelet's CPUTopology: NumCPUs, NumCores, NumSockets,
 * NumNUMANodes (NUMA nodes with CPUs), NumUncoreCache. */
size_t topo_num_cores(const struct topo *t);
size_t topo_num_sockets(const struct topo *t);
size_t topo_num_numa_with_cpus(const struct topo *t);
size_t topo_num_l3(const struct topo *t);

#endif
