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

void alloc_item_release(struct alloc_item *it);

/* policy.c: staticPolicy.Allocate for the containers of one pod, in order,
 * from free_set (which loses their CPUs); items marked existing keep
 * theirs. Returns 0, or -1 with *failed the container that could not be
 * served, err its reason, free_set as before and every item's CPUs empty. */
int policy_allocate_pod(const struct policy_opts *o, const struct ktopo *k, struct cpuset *free_set,
			const struct cpuset *reserved, struct alloc_item *items, size_t n,
			size_t *failed, char *err, size_t errlen);

/* render.c: the JSON object of one allocation; text explanation. */
json_t *alloc_to_json(const struct ktopo *k, const struct alloc_item *it, bool with_name);
void alloc_explain(FILE *out, const struct ktopo *k, const struct policy_opts *o,
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
 * documents. Returns 0 with *reqs and *nreqs set (free with admit_free), or -1
 * with d filled (file:line:col of the stream). */
int admit_load(const char *path, const struct ktopo *k, struct admit_req **reqs, size_t *nreqs,
	       struct tk_diag *d);
void admit_release(struct admit_req *req);
void admit_free(struct admit_req *reqs, size_t n);

/* bind.c: bind this process to cpus (and memory to their NUMA nodes unless
 * no_membind) through hwloc, then read the affinity back: a partial bind (a
 * cpuset cgroup, or a machine, that allows fewer of the CPUs) is an error as
 * numactl --physcpubind treats it. Returns 0, or -1 with err filled. */
int bind_cpus(const struct ktopo *k, const struct cpuset *cpus, bool no_membind, char *err,
	      size_t errlen);

/* state.c: a CPU Manager state file held for one run. */
struct state {
	struct tk_state_file sf;    /* common/statefile.h: lock, content, replace */
	const char *path;
	bool exists;
	enum tk_ck_owner owner;
	struct tk_cpu_checkpoint cp;
	bool committed;             /* state_commit wrote; state_undo can restore */
	char *before;               /* the content before that write (NULL: none) */
	size_t before_len;
};

/* Read and verify path; for a write (write true) first take the lock,
 * waiting at most wait_s seconds. Exits 2 on a corrupt file, a checksum that
 * matches neither the kubelet's nor ours, or a lock not granted in time. */
void state_open(struct state *s, const char *path, bool write, double wait_s);
/* Every CPU recorded in the entries. */
void state_assigned(const struct state *s, struct cpuset *dst);
/* The entry of pod/container, or NULL. */
const char *find_entry(const struct state *s, const char *pod, const char *container);
/* Write back atomically, defaultCpuSet = pool minus the recorded CPUs;
 * refuses a kubelet-written file unless force. Returns 0, or -1 with d
 * filled and the file unchanged. */
int state_commit(struct state *s, bool force, const struct cpuset *pool, struct tk_diag *d);
/* Put back what state_commit replaced (or remove the file it created).
 * Returns 0, or -1 with d filled. */
int state_undo(struct state *s, struct tk_diag *d);
void state_close(struct state *s);

#endif
