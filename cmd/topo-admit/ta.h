/* ta.h - topo-admit's internal interfaces between its files.
 *
 *   hints.c     HINTS.json and DIST.json into merge.h types
 *   cpuhints.c  the CPU Manager's static-policy hint generation
 *   pod.c       pod mode: QoS, the hint providers, the scopes, admission
 *   nrt.c       --nrt: the scheduler's NodeResourceTopologyMatch filter and score
 *   render.c    JSON and text output
 *   node.c      the node as its kubelet is configured: topology, KubeletConfiguration
 *               and flags, reservedMemory, the kubelet's checkpoints
 *   modes.c     hint-merge and CPU-hints modes: load, compute, render
 *   predicate.c the Node (--nodes in pod mode) and the kubelet's predicate
 *               admission after the Topology Manager's
 *   main.c      options, mode dispatch, the pod-mode loop
 *
 * Ownership: every *_release() frees what the matching loader filled.
 */
#ifndef TA_H
#define TA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpumanager.h"
#include "cpuset.h"
#include "merge.h"
#include "quantity.h"

#include "checkpoints.h"
#include "cli.h"
#include "kubeletconfig.h"
#include "topo.h"

struct tk_diag;
struct tk_node;

/* ---- hints.c ---- */

struct ta_hints_doc {
	size_t n;
	struct ta_provider *providers;
};

/* Load HINTS.json; NUMA ids outside ni's nodes are errors with a position. */
int ta_hints_load(struct ta_hints_doc *h, const char *path, const struct ta_numa_info *ni,
		  struct tk_diag *d);
void ta_hints_release(struct ta_hints_doc *h);
/* Load DIST.json ({"0":[10,21],"1":[21,10]}) into ni (nodes must be set). */
int ta_distances_load(struct ta_numa_info *ni, const char *path, struct tk_diag *d);
/* Refuse a topology with NUMA ids beyond 0-63 (the kubelet's bitmask), and
 * when enumerate is set (pod and --cpu-hints modes, which offer every NUMA
 * combination) one with more than TA_ENUM_MAX_NUMA NUMA nodes: -1 with d
 * filled, before any work starts. */
#define TA_ENUM_MAX_NUMA 16
#define TA_BAD_ID "NUMA node %d is beyond the ids 0-%d that topo-admit and the kubelet's NUMA bitmask support"
int ta_topo_check(const struct topo *t, const char *file, bool enumerate, struct tk_diag *d);
/* NUMA nodes and distances of a topology document. */
void ta_numa_info_from_topo(struct ta_numa_info *ni, const struct topo *t);

/* ---- cpuhints.c ---- */

/* bitmask.IterateBitMasks: every combination of the n ids (ascending), by
 * size from 1 to n, each size in lexicographic order; fn sees each mask. */
void ta_iterate_masks(const int *ids, size_t n, void (*fn)(ta_mask m, void *arg), void *arg);

/* generateCPUTopologyHints (policy_static.go): every NUMA combination, in
 * bitmask.IterateBitMasks order, that holds request CPUs of available plus
 * all of reusable; preferred when of the minimal size. *n may be 0. */
struct ta_hint *ta_cpu_hints(const struct topo *t, const struct cpuset *available,
			     const struct cpuset *reusable, int request, bool align_by_socket,
			     size_t *n);

/* ---- pod.c ---- */

enum ta_qos {
	TA_QOS_GUARANTEED,
	TA_QOS_BURSTABLE,
	TA_QOS_BESTEFFORT,
};
const char *ta_qos_name(enum ta_qos q);

/* The node's resource managers, as the kubelet is configured. */
struct tk_mem_checkpoint;
struct tk_dev_checkpoint;

struct ta_config {
	bool cpu_static;                /* cpuManagerPolicy static */
	bool mem_static;                /* memoryManagerPolicy Static */
	struct cpuset available;        /* free CPUs (defaultCpuSet) */
	struct cpuset reserved;
	struct policy_opts cpu_opts;    /* cpuManagerPolicyOptions */
	/* reservedMemory per NUMA node (bytes), by node id */
	uint64_t reserved_mem[TA_MAX_NUMA];
	/* reservedMemory of huge pages: node id, "hugepages-1Gi", bytes */
	size_t nreserved_hp;
	struct ta_reserved_hp {
		int numa;
		char name[40];
		uint64_t bytes;
	} reserved_hp[64];
	/* --kubelet-dir: what the Memory and Device Managers hold (NULL: nothing) */
	const struct tk_mem_checkpoint *mem_state;
	const struct tk_dev_checkpoint *dev_state;
};

/* Per-resource detail the text output explains. */
struct ta_res_report {
	char *name;                     /* "cpu", "memory", "hugepages-1Gi", "nvidia.com/gpu" */
	long long request;              /* CPUs, bytes or devices */
	bool exclusive;                 /* requests exclusive resources */
	bool nil_hints;                 /* provider has no preference */
	size_t nhints;
	struct ta_hint *hints;
	char *why;                      /* one line: what limits this resource */
};

struct ta_container_report {
	char *name;
	bool init;
	bool restartable;               /* sidecar (restartPolicy: Always) */
	int exclusive_cpus;
	size_t nres;
	struct ta_res_report *res;
	struct ta_hint hint;            /* merged affinity */
	bool have_hint;                 /* false when never reached */
	bool admit;
};

struct ta_pod_report {
	char *name;                     /* object kind/name for messages */
	char *kind;
	enum ta_qos qos;
	enum ta_policy policy;
	enum ta_scope scope;
	bool cpu_static;                /* the CPU Manager policy was static */
	bool admit;
	char *reason;                   /* NULL or "TopologyAffinityError" */
	char *message;
	size_t ncontainers;
	struct ta_container_report *containers;
	/* pod scope: the one merge for the whole pod (podScope.Admit), its
	 * hint and the providers' pod-level hints (GetPodTopologyHints);
	 * under container scope and policy none, not used */
	bool pod_scope;
	struct ta_container_report pod;
	size_t nwarnings;
	char **warnings;
};

void ta_pod_report_release(struct ta_pod_report *r);

struct ta_node;
/* Admit one pod (a Pod or a workload's template) on node n, which keeps
 * what an admitted pod takes. file names the manifest for diagnostics.
 * Returns 0, 1 when obj is not a pod or workload, or -1 with d filled (bad
 * input). */
int ta_node_admit(struct ta_node *n, struct ta_pod_report *r, const struct tk_node *obj,
		  const char *file, struct tk_diag *d);

/* A pod's requests as the scheduler reads them (SetDefaults_Pod applied:
 * requests default to limits), for nrt.c. Init containers come first. */
struct ta_req {
	char *name;
	struct tk_qty q;
};
struct ta_ctr_req {
	char *name;
	bool init, restartable;
	size_t n;
	struct ta_req *req;
};
struct ta_pod_req {
	char *name, *kind;
	enum ta_qos qos;
	size_t n;
	struct ta_ctr_req *c;
	size_t noverhead;
	struct ta_req *overhead;    /* spec.overhead */
	size_t npod_level;
	struct ta_req *pod_level;   /* spec.resources.requests (defaulted from its
				     * limits): cpu, memory and huge pages only */
};
/* 0, 1 when obj is not a pod or workload, -1 with d filled. */
int ta_pod_requests(struct ta_pod_req *out, const struct tk_node *obj, const char *file,
		    struct tk_diag *d);
void ta_pod_req_release(struct ta_pod_req *r);

/* ---- predicate.c: the Node and its pods ---- */

struct ta_kubelet_node;
/* Read NODES_FILE (Nodes, Pods, NodeResourceTopology objects: one List from
 * kubectl get nodes,pods -A -o json will do): the Node t describes (named as
 * its hostname, or the only one) and the Pods bound to it that have not
 * ended. Exits 2 on bad input. */
struct ta_kubelet_node *ta_kubelet_node_load(const char *path, const struct topo *t);
void ta_kubelet_node_free(struct ta_kubelet_node *kn);
/* predicateAdmitHandler.Admit for a pod the Topology Manager admitted: 0
 * admitted (its requests, count and host ports now taken on kn), 1 rejected
 * (*reason and *message malloc'd, as the kubelet words them), -1 with d
 * filled. meta and spec are the pod's (or its template's). */
int ta_kubelet_admit(struct ta_kubelet_node *kn, const struct ta_pod_req *req,
		     const struct tk_node *meta, const struct tk_node *spec, const char *file,
		     char **reason, char **message, struct tk_diag *d);

/* ---- nrt.c ---- */

/* topo-admit --nrt: the NodeResourceTopologyMatch plugin's filter and score. */
struct ta_nrt_opts {
	const char *nrt;            /* NRT_FILE */
	const char *nodes;          /* NODES_FILE or NULL */
	const char *strategy;       /* scoring strategy or NULL (LeastAllocated) */
	size_t nweights;
	char **weight_names;
	long long *weights;
	const char *manifest;
	bool text;
};
int ta_run_nrt(const struct ta_nrt_opts *o);
/* --resource-weight NAME=WEIGHT (exits 2 on misuse) */
void ta_nrt_push_weight(struct ta_nrt_opts *o, const char *arg);
void ta_nrt_opts_release(struct ta_nrt_opts *o);

/* ---- render.c ---- */

typedef struct json_t json_t;
/* "0-1" style list of a mask, into buf. */
void ta_mask_format(ta_mask m, char *buf, size_t len);
json_t *ta_pod_report_to_json(const struct ta_pod_report *r);
void ta_pod_report_text(const struct ta_pod_report *r, void *fp);
/* Print j on stdout (compact, one line) and drop it: 0, or -1 on a write error. */
int ta_emit(json_t *j);

/* What --hints computed, for its output. */
struct ta_merge_result {
	enum ta_policy policy;
	const struct ta_provider *providers;
	size_t nproviders;
	struct ta_hint best;
	bool admit;
	bool stall;                 /* the kubelet's own merge would stall: warning */
	char warning[1024];
	double combinations;
};
/* 0, or -1 on a write error. */
int ta_merge_result_render(const struct ta_merge_result *m, enum tk_out out);
int ta_cpu_hints_render(const struct ta_hint *h, size_t n, long long count, enum tk_out out);

/* ---- main.c: the command line ---- */

struct ta_opts {
	const char *topology;
	const char *policy;
	const char *scope;
	const char *kubelet_config;
	const char *cpu_policy;
	const char *mem_policy;
	const char *available;
	const char *state;
	const char *kubelet_dir;
	const char *reserved;
	const char *numa_nodes;
	const char *hints;
	const char *distances;
	const char *reusable;
	const char *allocated;
	bool cpu_hints;
	long long count;
	bool have_count;
	struct tk_kc_map tm_opts;   /* --option NAME=VALUE... */
	struct tk_kc_map cpu_opts;  /* --cpu-option NAME=VALUE... */
	enum tk_out out;
	const char *manifest;
	struct ta_nrt_opts nrt;
};

/* ---- node.c: the node pods are admitted on ---- */

/* The Topology Manager as NewManager builds it from policy, scope and
 * options: exits 2 with the kubelet's words on a configuration it refuses. */
void ta_manager_new(const char *policy, const char *scope, const struct tk_kc_map *options,
		    struct ta_numa_info *ni, enum ta_policy *p, enum ta_scope *s, struct ta_options *to);
/* The CPU Manager's static policy options as NewStaticPolicyOptions and
 * ValidateStaticPolicyOptions take them (tm_policy NULL: no Topology
 * Manager); exits 2, prefix before the kubelet's words. */
void ta_cpu_options(struct policy_opts *po, const struct tk_kc_map *options, const struct topo *t,
		    const char *tm_policy, const char *prefix);

struct ta_node_state;

/* One node as its kubelet runs: the topology, the managers as configured
 * (options over the KubeletConfiguration over the defaults) and what is
 * still free. Pods admitted on it (ta_node_admit) consume what they take,
 * as the kubelet admits one pod after the other. */
struct ta_node {
	struct topo t;
	const char *topology;           /* the topology's file name */
	struct ta_config cfg;
	enum ta_policy policy;
	enum ta_scope scope;
	struct ta_options tm_opts;
	struct ta_numa_info ni;
	struct tk_mem_checkpoint mem_state;
	struct tk_dev_checkpoint dev_state;
	struct ta_node_state *state;
	struct ta_kubelet_node *kn;     /* the Node (--nodes), or NULL */
};

/* Load the node of pod mode from the options; exits 2 on bad input or a
 * configuration the kubelet refuses to start with. */
void ta_node_load(struct ta_node *n, const struct ta_opts *o);
void ta_node_release(struct ta_node *n);

/* pod.c: what is still free on a node: its state at start (cfg's free
 * CPUs, reservedMemory, the checkpoints it points to). */
struct ta_node_state *ta_node_state_new(const struct topo *t, const struct ta_config *cfg);
void ta_node_state_free(struct ta_node_state *s);

/* ---- modes.c ---- */

int ta_run_hints(const struct ta_opts *o);
int ta_run_cpu_hints(const struct ta_opts *o);

#endif
