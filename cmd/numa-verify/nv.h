/* nv.h - numa-verify's model: what was read from /proc, /sys, the cgroup
 * tree and the kubelet's files, and the verdicts computed from it.
 *
 * Terminology:
 *   root       the directory every live path is read under ("" = "/"):
 *              <root>/proc, <root>/sys, and relative --cpu-manager-state /
 *              --kubelet-config paths. A recorded node is a root.
 *   cpu NUMA   the NUMA nodes the CPUs of Cpus_allowed_list belong to
 *   local      memory on the NUMA nodes the process should use: its CPUs'
 *              NUMA nodes, or the --expect-numa set when given
 *   pages      memoryPages are counted in base pages (the system page size,
 *              getpagesize()): numa_maps' N<node>=<count> of every mapping,
 *              huge mappings converted by their kernelpagesize_kB. numastat -p
 *              sums the same N<node>= fields and reports them in MB.
 *   shared     a container on the CPU manager's shared pool (no exclusive
 *              CPUs); it is checked against the default set, not for NUMA
 *              alignment.
 *
 * Ownership: every struct here owns its members; the matching *_release()
 * frees them. Nothing in nv_* prints; errors come back in a struct tk_diag
 * or as reasons (malloc'd strings in a struct nv_strv).
 */
#ifndef NV_H
#define NV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>

#include "checkpoints.h"
#include "cpuset.h"
#include "emit.h"

struct tk_diag;

/* A list of malloc'd strings (reasons, problems). */
struct nv_strv {
	size_t n;
	char **v;
};
void nv_strv_addf(struct nv_strv *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nv_strv_free(struct nv_strv *sv);

enum nv_verdict {
	NV_ALIGNED,
	NV_MISALIGNED,
	NV_UNKNOWN,
	NV_SHARED,
	NV_UNPINNED,   /* allowed on every online CPU: nobody pinned it */
};
const char *nv_verdict_name(enum nv_verdict v);

/* ---- topology (sysfs.c) ---- */

struct nv_node {
	int id;
	struct cpuset cpus;
};

struct nv_topo {
	size_t n;
	struct nv_node *nodes;   /* sorted by id */
	struct cpuset cpus;      /* online CPUs (the kubelet's CPUDetails.CPUs()) */
	char *source;            /* "sysfs" or the -t file */
};

void nv_topo_release(struct nv_topo *t);
/* Read <root>/sys/devices/system/node/node<N>/cpulist and
 * <root>/sys/devices/system/cpu/online. A machine without the node tree is
 * one node 0 holding every online CPU (as the kernel without CONFIG_NUMA).
 * Returns 0, or -1 with d filled. */
int nv_topo_from_sys(struct nv_topo *t, const char *root, struct tk_diag *d);
/* From a topokit NodeTopology document (topo.h). */
int nv_topo_from_file(struct nv_topo *t, const char *path, struct tk_diag *d);
/* NUMA node ids of cpus into numa (replaced). */
void nv_topo_numa_of(const struct nv_topo *t, const struct cpuset *cpus, struct cpuset *numa);
/* Files below root ("" = the live system). Under a --root tree nothing
 * outside it is ever opened: every path resolves with the tree as "/"
 * (common/safeopen.h). */
/* Read a whole small regular file into a malloc'd NUL-terminated buffer,
 * without blocking on a FIFO. Returns 0, or -errno (-TK_ENOTREG, -EFBIG). */
int nv_read_file(const char *root, const char *path, char **out, size_t *len);
/* The same for an input file named display in messages: 0, or -1 with d. */
int nv_read_input(const char *root, const char *path, const char *display, char **buf, size_t *len,
		  struct tk_diag *d);
/* Does path exist (anything, a dangling symlink no)? *is_dir may be NULL. */
bool nv_exists(const char *root, const char *path, bool *is_dir);
/* opendir(3) of a directory below root. */
DIR *nv_opendir(const char *root, const char *path);
/* root + path ("" root keeps path); malloc'd. */
char *nv_path(const char *root, const char *path);

/* ---- processes (proc.c) ---- */

struct nv_mem {
	int node;
	uint64_t pages;   /* base pages */
	uint64_t bytes;
};

struct nv_thread {
	int tid;
	char *comm;
	struct cpuset cpus;
	struct cpuset cpu_numa;
};

struct nv_proc {
	int pid;
	char *comm;
	bool kthread;             /* no Vm* lines: a kernel thread */
	struct cpuset cpus;
	struct cpuset mems;
	struct cpuset cpu_numa;   /* of cpus and every listed thread */
	size_t nmem;
	struct nv_mem *mem;       /* sorted by node */
	uint64_t total_bytes;
	uint64_t local_bytes;
	int local_tenths;         /* local share in tenths of a percent; -1 unknown */
	char *mem_error;          /* why numa_maps gave nothing (NULL when read) */
	struct cpuset bind_nodes; /* nodes of bind/prefer memory policies in numa_maps */
	unsigned bind_maps;       /* mappings with such a policy */
	size_t nthreads;
	struct nv_thread *threads;  /* threads whose affinity differs */
	enum nv_verdict verdict;
	struct nv_strv reasons;
};

void nv_proc_release(struct nv_proc *p);

struct nv_sys {
	const char *root;
	long page_size;           /* bytes */
	long huge_page_size;      /* default huge page size (bytes) */
	bool threads;             /* look at /proc/PID/task */
};
void nv_sys_init(struct nv_sys *s, const char *root);

/* Read one process. Returns 0, 1 when it vanished (or is not a process), or
 * -1 with d filled when its status file cannot be understood. */
int nv_proc_read(const struct nv_sys *s, int pid, struct nv_proc *p, struct tk_diag *d);
/* Parse numa_maps text into p->mem (adds to what is there). Returns 0, or -1
 * with d filled (file: the name used in the message; line known). */
int nv_parse_numa_maps(const struct nv_sys *s, const char *file, const char *buf,
		       struct nv_proc *p, struct tk_diag *d);
/* Every numeric entry of <root>/proc, ascending. */
int *nv_list_pids(const char *root, size_t *n, struct tk_diag *d);

/* ---- verdicts (verify.c) ---- */

struct nv_vopts {
	bool have_expect;
	struct cpuset expect;     /* --expect-numa */
	int min_local;            /* --min-local percent */
};

void nv_judge_proc(struct nv_proc *p, const struct nv_topo *t, const struct nv_vopts *o);

/* ---- cpu_manager_state (state.c) ---- */

struct nv_entry {
	char *pod;
	char *container;
	char *text;               /* as written */
	struct cpuset cpus;
};

struct nv_state {
	char *file;
	bool parsed;              /* false: see problems */
	char *policy;
	char *default_text;
	struct cpuset default_set;
	size_t nentries;
	struct nv_entry *entries; /* sorted by pod, container */
	bool have_checksum;
	uint64_t checksum;
	uint32_t computed;
	struct nv_strv problems;  /* the kubelet's wording */
};

struct nv_kcfg;

/* Where the kubelet keeps it (--root-dir /var/lib/kubelet). */
#define NV_DEFAULT_STATE "/var/lib/kubelet/cpu_manager_state"

void nv_state_release(struct nv_state *s);
/* Load the file display below root (nv_read_file: "" is the live system)
 * and check it. Problems found go to s->problems (a verdict); a file
 * that cannot be read or is no checkpoint at all (not JSON, wrong shape)
 * returns -1 with d filled (file:line:col). all: the node's CPUs. kc may be
 * NULL; it gives the expected policy and reserved CPUs. */
int nv_state_check(struct nv_state *s, const char *root, const char *display,
		   const struct cpuset *all, const struct nv_kcfg *kc,
		   const char *expect_policy, const struct cpuset *reserved, struct tk_diag *d);
/* Exclusive entry for (pod, cpus): the entry of pod whose cpuset equals cpus;
 * NULL when none. *pod_has (may be NULL) tells whether the pod has entries. */
const struct nv_entry *nv_state_find(const struct nv_state *s, const char *pod,
				     const struct cpuset *cpus, bool *pod_has);

/* ---- memory and device checkpoints (alloc.c) ---- */

struct nv_alloc {
	bool have_mem, have_dev;
	struct tk_mem_checkpoint mem;
	struct tk_dev_checkpoint dev;
	char *mem_file, *dev_file;
	struct nv_strv problems;   /* the kubelet would refuse a checkpoint: its words */
	struct nv_strv findings;   /* the Topology Manager's promise broken */
	int **dev_sysfs_numa;      /* per device entry and id: the PCI device's
				    * numa_node in sysfs, -2 when the id is no
				    * PCI address or sysfs has no such device */
	size_t judged;             /* containers and pods looked at */
};

/* Read memory_manager_state and device-plugins/kubelet_internal_checkpoint
 * below dir (under root), and the sysfs NUMA node of each PCI-addressed
 * device (under sys_root, the machine's --root); an absent checkpoint
 * assigns nothing. mm_policy: the configured Memory Manager policy or NULL.
 * Returns 0 or -1 (input error). */
int nv_alloc_load(struct nv_alloc *a, const char *root, const char *dir, const char *sys_root,
		  const char *mm_policy, struct tk_diag *d);
/* Map each container's CPUs (cpu may be NULL), memory and devices to NUMA
 * nodes and record what breaks the promise of policy/scope (NULL: none). */
void nv_alloc_judge(struct nv_alloc *a, const struct nv_topo *t, const struct nv_state *cpu,
		    const char *policy, const char *scope);
void nv_alloc_release(struct nv_alloc *a);

/* ---- KubeletConfiguration (kubelet.c) ---- */

struct nv_kcfg {
	char *file;
	char *cpu_policy;             /* "none" when absent */
	char *tm_policy;
	char *tm_scope;
	char *mm_policy;
	bool have_reserved_cpus;
	struct cpuset reserved_cpus;  /* reservedSystemCPUs */
	bool strict_reservation;
	struct nv_strv problems;      /* the kubelet refuses to start */
	struct nv_strv warnings;      /* accepted, but not what was meant */
};

void nv_kcfg_release(struct nv_kcfg *k);
/* Load the KubeletConfiguration display below dir (as nv_state_check;
 * "-" is standard input) and check it. t gives the NUMA node count (may be
 * NULL). Returns 0 (problems in k), or -1 with d filled when the file cannot
 * be read or is not a KubeletConfiguration. */
int nv_kcfg_check(struct nv_kcfg *k, const char *dir, const char *display,
		  const struct nv_topo *t, struct tk_diag *d);
/* The kubelet's flags that override its config file (NULL: not given). */
struct nv_kflags {
	const char *cpu_policy, *tm_policy, *tm_scope, *mm_policy, *reserved_cpus;
};
/* nv_kcfg_check with flags (may be NULL) over the file; display NULL checks
 * the defaults (no --config); label names the configuration in the report. */
int nv_kcfg_check_flags(struct nv_kcfg *k, const char *dir, const char *display, const char *label,
			const struct nv_kflags *flags, const struct nv_topo *t, struct tk_diag *d);
/* The kubelet that runs below root: its flags and --config path (pointers
 * into buf), from /proc/PID/cmdline of the process named kubelet, else
 * kubeadm's /var/lib/kubelet/kubeadm-flags.env with kubeadm's config file;
 * label says which. */
struct nv_running_kubelet {
	struct nv_kflags flags;
	const char *config;           /* below root; NULL: no --config */
	char label[512];
	char *buf;
	char **argv;
};
int nv_running_kubelet_find(struct nv_running_kubelet *rk, const char *root, struct tk_diag *d);
void nv_running_kubelet_release(struct nv_running_kubelet *rk);
/* --kubelet-config running: the running kubelet's flags (/proc/PID/cmdline
 * of the process named kubelet below root), else kubeadm's
 * /var/lib/kubelet/kubeadm-flags.env with kubeadm's config file; its
 * --config file is read below root too (kflags.c). */
int nv_kcfg_check_running(struct nv_kcfg *k, const char *root, const struct nv_topo *t,
			  struct tk_diag *d);

/* ---- pods and containers through cgroups (cgroup.c) ---- */

struct nv_container {
	char *pod;                /* pod UID with dashes */
	char *id;                 /* container ID (64 hex) */
	char *runtime;            /* containerd, cri-o, docker, unknown */
	char *qos;                /* guaranteed, burstable, besteffort */
	char *cgroup;             /* path below the cgroup mount */
	struct cpuset cpus;       /* cpuset.cpus.effective (or cpuset.cpus) */
	bool have_cpus;
	struct cpuset cpu_numa;
	bool sandbox;             /* the runtime says so, or only "pause" inside */
	int runtime_sandbox;      /* the runtime's container type: 1 sandbox, 0 not, -1 unknown */
	char *namespace;          /* the pod's namespace, name and the container's */
	char *pod_name;           /* name as the node knows them (names.c); NULL */
	char *name;               /* when unknown */
	const char *name_from;    /* where name came from */
	bool looked_up;           /* its runtime's bundle was read */
	const struct nv_entry *entry;  /* matching exclusive state entry */
	size_t npids;
	int *pids;
	enum nv_verdict verdict;
	struct nv_strv reasons;
};

struct nv_cgroups {
	int version;              /* 1 or 2; 0 when no kubepods tree was found */
	char *driver;             /* systemd or cgroupfs */
	size_t n;
	struct nv_container *c;   /* sorted by pod, id */
};

void nv_cgroups_release(struct nv_cgroups *g);
/* Find every container under the kubepods hierarchy. Returns 0 (n may be 0),
 * or -1 with d filled. */
int nv_cgroups_scan(struct nv_cgroups *g, const char *root, struct tk_diag *d);
/* Judge one container against the state (may be NULL) and topology. */
void nv_judge_container(struct nv_container *c, const struct nv_topo *t,
			const struct nv_state *st, const struct nv_vopts *o);

/* ---- one run: options, what was found, rendering (gather.c, render.c) ---- */

/* Parsed command line (main.c fills it). */
struct nv_opts {
	const char *root;
	const char *topo;
	const char *state;
	const char *kubelet;
	const char *kubelet_dir;  /* --kubelet-dir */
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
struct nv_report {
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
	bool have_alloc;
	struct nv_alloc alloc;
	enum nv_verdict verdict;
	bool inconsistent;
};

void nv_report_release(struct nv_report *r);
/* Read everything o asks for and judge it; input errors exit 2 (main only). */
void nv_gather(const struct nv_opts *o, struct nv_report *r);
bool nv_container_selected(const struct nv_opts *o, const struct nv_container *c);
/* JSON document of r (new reference). */
json_t *nv_report_json(const struct nv_opts *o, const struct nv_report *r);
/* The numastat-like table and the findings, on stdout. */
void nv_render_text(const struct nv_opts *o, const struct nv_report *r);
/* --pod NAMESPACE/NAME: replace each by the pod's UID from the kubelet's
 * /var/log/pods directories (podname.c); names they do not know stay. */
void nv_resolve_pod_names(struct nv_opts *o);
/* Is a --pod NAMESPACE/NAME left for nv_resolve_pod_names_late? */
bool nv_pod_names_pending(const struct nv_opts *o);
/* Replace each left by the UID of the containers named so (g named by
 * nv_name_containers); returns 0, or -1 with d filled when no container or
 * two pods have that name. */
int nv_resolve_pod_names_late(const struct nv_opts *o, const struct nv_cgroups *g, struct tk_diag *d);
void nv_pod_names_release(void);
/* The kubelet's state directory: dir below root (names.c). */
struct nv_kdir {
	const char *root;
	const char *dir;
};
/* Name the containers of g that want[i] selects: namespace, pod name and
 * container name from the runtime's bundle files, the kubelet's log links
 * and directories and kd's pods/<uid>/containers (names.c); the runtime's
 * container type also decides sandbox. Nothing found leaves NULL. leftover:
 * also the one name a pod's directories leave (needs sandbox known).
 * Called again, a container's bundle is not read twice. */
void nv_name_containers(struct nv_cgroups *g, const char *root, const struct nv_kdir *kd, const bool *want,
			bool leftover);
/* c's container name (its own, else its cpu_manager_state entry's) or NULL;
 * *from (may be NULL) says where it came from. */
const char *nv_container_name(const struct nv_container *c, const char **from);
/* Prometheus text format for node_exporter's textfile collector (prom.c). */
void nv_render_prometheus(const struct nv_opts *o, const struct nv_report *r);

/* explain.c: --explain reads kubelet evidence (common/explain.c) */
bool nv_explain_wanted(int argc, char **argv);
int nv_explain_main(int argc, char **argv);

#endif
