/* alloc.h - cpuset-alloc's pieces around the kubelet port (cpumanager.h):
 * rendering, the state file, the topo-admit pipeline and binding.
 */
#ifndef CPUSET_ALLOC_ALLOC_H
#define CPUSET_ALLOC_ALLOC_H

#include <stdbool.h>
#include <stdio.h>

#include "cpuset.h"
#include "statefile.h"
#include "cpumanager.h"
#include "topo.h"

typedef struct json_t json_t;
struct tk_diag;

/* One container's allocation, as printed. */
struct alloc_item {
	char *name;             /* container name (pipeline, state), or NULL */
	int count;              /* CPUs requested */
	struct cpuset cpus;     /* the choice */
	bool has_numa;          /* a NUMA affinity was given */
	struct cpuset numa;     /* that affinity */
	bool existing;          /* already recorded in the state file */
	bool reusable;          /* an init container that is not a sidecar: its
				   CPUs are reused by the pod's next containers */
};

void ca_item_release(struct alloc_item *it);

/* policy.c: staticPolicy.Allocate for the containers of one pod, in order,
 * from free_set (which loses their CPUs); items marked existing keep
 * theirs. Returns 0, or -1 with *failed the container that could not be
 * served, err its reason, free_set as before and every item's CPUs empty. */
int ca_allocate_pod(const struct policy_opts *o, const struct ktopo *k, struct cpuset *free_set,
		    const struct cpuset *reserved, struct alloc_item *items, size_t n,
		    size_t *failed, char *err, size_t errlen);

/* render.c: the JSON object of one allocation; text explanation. */
json_t *ca_item_to_json(const struct ktopo *k, const struct alloc_item *it, bool with_name);
void ca_explain(FILE *out, const struct ktopo *k, const struct policy_opts *o,
		const struct alloc_item *it, const struct cpuset *reserved);

/* One pod's requests: a topo-admit pod result, or the one --count. */
struct admit_req {
	char *pod;                  /* the result's "pod" (its name), or NULL */
	char *tm_policy;            /* the result's Topology Manager "policy", or NULL */
	char *why;                  /* not admitted: the reason, else NULL */
	size_t n;
	struct alloc_item *items;   /* name, count, has_numa/numa, reusable filled */
};

/* pipeline.c: topo-admit's output -> one admit_req per pod result. The input
 * is JSON lines (topo-admit prints one object per pod) or YAML/JSON
 * documents. Returns 0 with *reqs and *nreqs set (free with ca_admit_free), or -1
 * with d filled (file:line:col of the stream). */
int ca_admit_load(const char *path, const struct ktopo *k, struct admit_req **reqs, size_t *nreqs,
		  struct tk_diag *d);
void ca_admit_free(struct admit_req *reqs, size_t n);

/* bind.c: bind this process to cpus (and memory to their NUMA nodes unless
 * no_membind) with the system calls, then read the affinity back: a partial bind (a
 * cpuset cgroup, or a machine, that allows fewer of the CPUs) is an error as
 * numactl --physcpubind treats it. Returns 0, or -1 with err filled. */
int ca_bind_cpus(const struct ktopo *k, const struct cpuset *cpus, bool no_membind, char *err,
		 size_t errlen);

/* state.c: a CPU Manager state file held for one run. */
struct state {
	struct tk_state_file sf;    /* common/statefile.h: lock, content, replace */
	const char *path;
	bool exists;
	enum tk_ck_owner owner;
	struct tk_cpu_checkpoint cp;
	bool committed;             /* ca_state_commit wrote; ca_state_undo can restore */
	char *before;               /* the content before that write (NULL: none) */
	size_t before_len;
};

/* Read and verify path; for a write (write true) first take the lock,
 * waiting at most wait_s seconds. Exits 2 on a corrupt file, a checksum that
 * matches neither the kubelet's nor ours, or a lock not granted in time. */
void ca_state_open(struct state *s, const char *path, bool write, double wait_s);
/* Every CPU recorded in the entries. */
void ca_state_assigned(const struct state *s, struct cpuset *dst);
/* The entry of pod/container, or NULL. */
const char *ca_find_entry(const struct state *s, const char *pod, const char *container);
/* Write back atomically, defaultCpuSet = pool minus the recorded CPUs;
 * refuses a kubelet-written file unless force. Returns 0, or -1 with d
 * filled and the file unchanged. */
int ca_state_commit(struct state *s, bool force, const struct cpuset *pool, struct tk_diag *d);
/* Put back what ca_state_commit replaced (or remove the file it created).
 * Returns 0, or -1 with d filled. */
int ca_state_undo(struct state *s, struct tk_diag *d);
void ca_state_close(struct state *s);

/* ---- main.c: the command line ---- */

#include "cli.h"

struct ca_opts {
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

/* ---- run.c: one run, step by step ---- */

/* Why a pod got no CPUs: the kubelet's reason and the container it failed on. */
struct pod_error {
	char *reason;
	char *container;
};

struct ca_run {
	struct topo t;
	struct ktopo k;
	struct cpuset pool;         /* the shared pool to allocate from */
	struct cpuset reserved;
	struct admit_req *reqs;     /* one --count, or each topo-admit pod result */
	size_t nreqs;
	struct pod_error *errs;     /* per request */
	bool have_state;
	struct state st;
};

/* Load the topology, check the policy options, the pool, the reservation
 * and the requests; exits 2 on misuse, bad input or a configuration the
 * kubelet refuses (then with {"error": ...} on stdout). */
void ca_load(struct ca_run *r, const struct ca_opts *o);
/* Open --state; true when the run is a --release, which is all it does. */
bool ca_open_state(struct ca_run *r, const struct ca_opts *o);
/* --release: print what is freed, then write the state back. */
int ca_release_pod(struct ca_run *r, const struct ca_opts *o);
/* Each pod in turn takes its CPUs from what the pods before it left:
 * TK_EXIT_OK, or TK_EXIT_NO when one cannot be served. */
int ca_allocate(struct ca_run *r, const struct ca_opts *o);
/* --exec: bind, record, run the command; never returns. */
void ca_exec(struct ca_run *r, const struct ca_opts *o) __attribute__((noreturn));
/* Print the results, then (allocated with --pod) write the state file. */
void ca_finish(struct ca_run *r, const struct ca_opts *o, int ret);
void ca_run_free(struct ca_run *r);

#endif
