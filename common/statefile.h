/* statefile.h - state files written safely, and the kubelet's CPU Manager
 * checkpoint (/var/lib/kubelet/cpu_manager_state).
 *
 * Terminology:
 *   lock file   FILE.lock next to the state file; flock(2) on it serializes
 *               read-modify-write cycles. The state file itself cannot carry
 *               the lock because every write replaces its inode (rename).
 *               The kubelet takes no lock on its checkpoints: a write checks
 *               just before its rename that the file is still what was read.
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
#include <sys/stat.h>

struct tk_diag;

/* ---- state files: locked, atomic, regular files only ---- */

/* The largest state or checkpoint file read (an exact cap: fstat first, then
 * a bounded read). The kubelet's are a few kB even on a full node. */
#define TK_STATE_MAX ((size_t)16 << 20)

/* One state file held for a run.
 *   query   tk_state_open(..., update false): read, nothing locked, nothing
 *           created (writes replace the file by rename, so a reader sees the
 *           old or the new content without any lock).
 *   update  an exclusive flock on "<file>.lock" in the same directory: opened
 *           without following a symbolic link, created 0600, refused unless
 *           it is a regular file of ours with one link, so no other user can
 *           hold it (and so block us) or point it elsewhere. The wait for it
 *           is bounded.
 * The state file itself is opened without following a symbolic link and only
 * as a regular file of at most TK_STATE_MAX bytes; for an update it must be
 * owned by us or by root (its content is trusted). */
struct tk_state_file {
	char *path;          /* as given (diagnostics) */
	int dirfd;           /* its directory: every name below is relative to it */
	char *base;          /* its last component */
	int lock;            /* flock'd lock file; -1 for a query */
	bool exists;
	struct stat st;      /* of the file read, when exists */
	char *buf;           /* its content, NUL-terminated; NULL when absent */
	size_t len;
};

/* Open and read path. For an update, wait at most wait_s seconds (0: try
 * once) for the lock. Returns 0, or -1 with d filled (sf released). */
int tk_state_open(struct tk_state_file *sf, const char *path, bool update, double wait_s,
		  struct tk_diag *d);

/* Replace the file's content with len bytes of buf (buf NULL: remove the
 * file) under the lock: a temp file created O_EXCL|O_NOFOLLOW under an
 * unpredictable name in the same directory, written, fsync'ed, renamed over
 * the file, and the directory fsync'ed. A new file is 0600 whatever the
 * umask; an existing one keeps its mode and owner. Just before the rename
 * the file is read again: if anyone (a kubelet takes no lock) changed it
 * since we read it, nothing is written and -1 is returned. On success sf
 * describes the new content. Returns 0, or -1 with d filled and the file as
 * it was. */
int tk_state_replace(struct tk_state_file *sf, const void *buf, size_t len, struct tk_diag *d);

/* Drop the lock and free sf (a zeroed or released sf is fine). */
void tk_state_close(struct tk_state_file *sf);

/* Read a kubelet checkpoint (or any state file) to look at it: a regular
 * file only (a FIFO, a device, a directory is refused at once, never read),
 * at most TK_STATE_MAX bytes, no lock. Returns 0, 1 when it does not exist
 * (*buf NULL), -1 with d filled. Every reader of a checkpoint uses this. */
int tk_read_checkpoint(const char *path, char **buf, size_t *len, struct tk_diag *d);

/* Read a whole input (a path, "/dev/stdin", a pipe) into a malloc'd
 * NUL-terminated buffer, at most 256 MiB. Returns 0, 1 when the file does
 * not exist (*buf NULL), -1 with d filled otherwise. */
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
/* The same as tk_cpu_checkpoint_set on each of changes[0..n) in turn (a
 * later change to a key wins), in O((entries + n) log n): the strings are
 * copied, changes stays the caller's. */
void tk_cpu_checkpoint_set_many(struct tk_cpu_checkpoint *cp, const struct tk_cpu_entry *changes,
				size_t n);
/* Remove every container of pod; returns how many were removed. */
size_t tk_cpu_checkpoint_remove_pod(struct tk_cpu_checkpoint *cp, const char *pod);

/* Serialize as the kubelet does (json.Marshal of the struct: compact,
 * fields in order, map keys sorted, "entries" omitted when empty, no
 * trailing newline), after setting cp->checksum with the topokit or kubelet
 * formula (an "entries": null read earlier is written as an empty map).
 * Returns a malloc'd string. */
char *tk_cpu_checkpoint_marshal(struct tk_cpu_checkpoint *cp, bool topokit);

#endif
