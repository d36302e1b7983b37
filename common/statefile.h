/* statefile.h - state files written safely, and the kubelet's CPU Manager
 * checkpoint (/var/lib/kubelet/cpu_manager_state).
 *
 * Terminology:
 *   lock file   FILE.lock next to the state file; flock(2) on it serializes
 *               read-modify-write cycles. The state file itself cannot carry
 *               the lock because every write replaces its inode (rename).
 *   atomic      a write goes to a temp file in the same directory, is
 *               fsync'ed, renamed over the target, and the directory is
 *               fsync'ed: a reader (or a kill -9 at any instant) sees either
 *               the old or the new content, never a torn file.
 *   checkpoint  the kubelet's CPUManagerCheckpoint (v2 layout):
 *                 {"policyName":"static","defaultCpuSet":"0,5-7",
 *                  "entries":{"<pod uid>":{"<container>":"1-4"}},
 *                  "checksum":2287479520}
 *               The checksum is FNV-32a over the go-spew "%#v" dump of the
 *               struct with Checksum 0 (k8s.io/apimachinery dump.ForHash),
 *               with the type named "CPUManagerCheckpoint"
 *               (pkg/kubelet/cm/cpumanager/state/checkpoint.go,
 *               pkg/kubelet/checkpointmanager/checksum). A checksum of 0 is
 *               accepted by the kubelet as a legacy file.
 *   owner       topokit's own files use the same layout, but their checksum
 *               is computed with the type named "topokit.CPUManagerCheckpoint"
 *               (TK_CK_OWNER_TOPOKIT), so a file's checksum tells whether the
 *               kubelet or topokit wrote it, and the kubelet refuses ours.
 *
 * Ownership: tk_cpu_checkpoint_release() frees every string of a checkpoint;
 * a zeroed struct is a valid empty checkpoint. Nothing here prints or exits.
 */
#ifndef TK_STATEFILE_H
#define TK_STATEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_diag;

/* ---- locking and atomic writes ---- */

/* Take an exclusive (or shared) flock on "<path>.lock", creating it (0644).
 * Blocks until granted. Returns the lock fd (>= 0), or -1 with d filled. */
int tk_lock_path(const char *path, bool exclusive, struct tk_diag *d);
/* Release a lock taken by tk_lock_path (closes fd; -1 is ignored). */
void tk_unlock(int fd);

/* Replace path with len bytes of buf atomically (temp file path.tmp in the
 * same directory, write, fsync, rename, fsync of the directory). The caller
 * must hold tk_lock_path(path, true). mode is used for a new file. Returns 0,
 * or -1 with d filled (the temp file is removed). */
int tk_atomic_write(const char *path, const void *buf, size_t len, unsigned mode,
		    struct tk_diag *d);

/* Read a whole file into a malloc'd NUL-terminated buffer. Returns 0,
 * 1 when the file does not exist (*buf NULL), -1 with d filled otherwise. */
int tk_read_file(const char *path, char **buf, size_t *len, struct tk_diag *d);

/* FNV-1a, 32 bit (Go's hash/fnv New32a). */
uint32_t tk_fnv32a(const void *buf, size_t len);

/* ---- the CPU Manager checkpoint ---- */

struct tk_cpu_entry {
	char *pod;        /* pod UID */
	char *container;  /* container name */
	char *cpus;       /* cpulist as stored */
};

struct tk_cpu_checkpoint {
	char *policy_name;
	char *default_cpuset;
	bool entries_null;           /* "entries": null (Go nil map) */
	size_t nentries;
	struct tk_cpu_entry *entries; /* sorted by pod, then container (byte order) */
	uint64_t checksum;
};

enum tk_ck_owner {
	TK_CK_OWNER_BAD = 0,     /* checksum matches neither formula */
	TK_CK_OWNER_KUBELET,     /* the kubelet's checksum */
	TK_CK_OWNER_LEGACY,      /* checksum 0: the kubelet accepts it (old file backend) */
	TK_CK_OWNER_TOPOKIT,     /* topokit's checksum */
};

void tk_cpu_checkpoint_release(struct tk_cpu_checkpoint *cp);

/* Parse checkpoint JSON (name is used in diagnostics). Checks the shape:
 * an object with string policyName and defaultCpuSet, entries a map of maps
 * of strings (absent = empty), checksum a non-negative integer. Unknown keys
 * are ignored as the kubelet's json.Unmarshal ignores them. Returns 0, or -1
 * with d filled (file:line:col). The checksum is not verified here. */
int tk_cpu_checkpoint_parse(struct tk_cpu_checkpoint *cp, const char *name,
			    const char *buf, size_t len, struct tk_diag *d);

/* The spew dump the checksum is computed over (Checksum shown as 0), with
 * the given Go type name ("CPUManagerCheckpoint" for the kubelet). malloc'd. */
char *tk_cpu_checkpoint_dump(const struct tk_cpu_checkpoint *cp, const char *type_name);
/* Checksum of cp as the kubelet (topokit=false) or topokit computes it. */
uint32_t tk_cpu_checkpoint_sum(const struct tk_cpu_checkpoint *cp, bool topokit);
/* Who wrote cp, judged by its checksum field. */
enum tk_ck_owner tk_cpu_checkpoint_owner(const struct tk_cpu_checkpoint *cp);

/* Set, replace or (cpus NULL) remove the entry pod/container, keeping the
 * order. Removing the last container of a pod removes the pod. */
void tk_cpu_checkpoint_set(struct tk_cpu_checkpoint *cp, const char *pod,
			   const char *container, const char *cpus);
/* Remove every container of pod; returns how many were removed. */
size_t tk_cpu_checkpoint_remove_pod(struct tk_cpu_checkpoint *cp, const char *pod);

/* Serialize as the kubelet does (json.Marshal of the struct: compact,
 * fields in order, map keys sorted, "entries" omitted when empty, no
 * trailing newline), after setting cp->checksum with the topokit or kubelet
 * formula (an "entries": null read earlier is written as an empty map).
 * Returns a malloc'd string. */
char *tk_cpu_checkpoint_marshal(struct tk_cpu_checkpoint *cp, bool topokit);

#endif
