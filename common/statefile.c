/* statefile.c - locked, atomic state files and the CPU Manager checkpoint
 * (see statefile.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "statefile.h"
#include "xalloc.h"

/* ---- locking and atomic writes ---- */

int tk_lock_path(const char *path, bool exclusive, struct tk_diag *d)
{
	char *lpath = xasprintf("%s.lock", path);
	int fd, ret = -1;

	fd = open(lpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		tk_diag_set(d, lpath, 0, 0, "cannot open lock file: %s", strerror(errno));
		goto out;
	}
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno == EINTR)
			continue;
		tk_diag_set(d, lpath, 0, 0, "cannot lock: %s", strerror(errno));
		close(fd);
		goto out;
	}
	ret = fd;
out:
	free(lpath);
	return ret;
}

void tk_unlock(int fd)
{
	if (fd >= 0)
		close(fd);   /* closing the last descriptor drops the flock */
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int tk_atomic_write(const char *path, const void *buf, size_t len, unsigned mode,
		    struct tk_diag *d)
{
	/* One fixed name: the caller holds the exclusive lock, so no other writer
	 * uses it now, and a temp file left by a writer killed mid-way is
	 * truncated and reused instead of piling up beside the state. */
	char *tmp = xasprintf("%s.tmp", path);
	char *dir = xstrdup(path);
	char *slash;
	int fd = -1, dfd, ret = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		tk_diag_set(d, path, 0, 0, "cannot create temporary file: %s", strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) < 0 || write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		tk_diag_set(d, path, 0, 0, "cannot write: %s", strerror(errno));
		goto out_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		tk_diag_set(d, path, 0, 0, "cannot write: %s", strerror(errno));
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		tk_diag_set(d, path, 0, 0, "cannot replace: %s", strerror(errno));
		goto out_unlink;
	}
	/* make the rename itself durable */
	slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	ret = 0;
	goto out;
out_unlink:
	unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(dir);
	return ret;
}

int tk_read_file(const char *path, char **bufp, size_t *lenp, struct tk_diag *d)
{
	size_t len = 0, cap = 4096;
	char *buf;
	int fd;

	*bufp = NULL;
	*lenp = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return tk_diag_set(d, path, 0, 0, "cannot open: %s", strerror(errno));
	}
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			if (cap > (size_t)256 << 20) {
				free(buf);
				close(fd);
				return tk_diag_set(d, path, 0, 0, "file too large");
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			close(fd);
			return tk_diag_set(d, path, 0, 0, "cannot read: %s", strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

uint32_t tk_fnv32a(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 16777619u;
	}
	return h;
}

/* ---- the checkpoint ---- */

void tk_cpu_checkpoint_release(struct tk_cpu_checkpoint *cp)
{
	size_t i;

	for (i = 0; i < cp->nentries; i++) {
		free(cp->entries[i].pod);
		free(cp->entries[i].container);
		free(cp->entries[i].cpus);
	}
	free(cp->entries);
	free(cp->policy_name);
	free(cp->default_cpuset);
	memset(cp, 0, sizeof(*cp));
}

static int entry_cmp(const char *pa, const char *ca, const char *pb, const char *cb)
{
	int c = strcmp(pa, pb);

	return c ? c : strcmp(ca, cb);
}

/* Index of pod/container, or -(insertion point) - 1. */
static long entry_find(const struct tk_cpu_checkpoint *cp, const char *pod, const char *container)
{
	size_t lo = 0, hi = cp->nentries;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = entry_cmp(cp->entries[mid].pod, cp->entries[mid].container, pod, container);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

void tk_cpu_checkpoint_set(struct tk_cpu_checkpoint *cp, const char *pod,
			   const char *container, const char *cpus)
{
	long at = entry_find(cp, pod, container);
	size_t i;

	if (at >= 0) {
		i = (size_t)at;
		if (cpus) {
			free(cp->entries[i].cpus);
			cp->entries[i].cpus = xstrdup(cpus);
			return;
		}
		free(cp->entries[i].pod);
		free(cp->entries[i].container);
		free(cp->entries[i].cpus);
		memmove(cp->entries + i, cp->entries + i + 1,
			(cp->nentries - i - 1) * sizeof(*cp->entries));
		cp->nentries--;
		return;
	}
	if (!cpus)
		return;
	i = (size_t)(-at - 1);
	cp->entries = xreallocarray(cp->entries, cp->nentries + 1, sizeof(*cp->entries));
	memmove(cp->entries + i + 1, cp->entries + i, (cp->nentries - i) * sizeof(*cp->entries));
	cp->entries[i].pod = xstrdup(pod);
	cp->entries[i].container = xstrdup(container);
	cp->entries[i].cpus = xstrdup(cpus);
	cp->nentries++;
	cp->entries_null = false;
}

size_t tk_cpu_checkpoint_remove_pod(struct tk_cpu_checkpoint *cp, const char *pod)
{
	size_t i, j = 0, removed = 0;

	for (i = 0; i < cp->nentries; i++) {
		if (strcmp(cp->entries[i].pod, pod) == 0) {
			free(cp->entries[i].pod);
			free(cp->entries[i].container);
			free(cp->entries[i].cpus);
			removed++;
			continue;
		}
		cp->entries[j++] = cp->entries[i];
	}
	cp->nentries = j;
	return removed;
}

/* The kubelet parses every cpuset of the file (cpuset.Parse) and fails on
 * a bad one; so do we, pointing at it. */
static int bad_cpulist(const char *name, const struct tk_node *n, const char *what, struct tk_diag *d)
{
	struct cpuset s = CPUSET_INIT;
	int rc = cpuset_parse_list(&s, n->text, CPUSET_MAX_ID, NULL);

	cpuset_release(&s);
	if (rc == 0)
		return 0;
	return tk_node_error(name, n, d, "invalid %s '%s'", what, n->text);
}

int tk_cpu_checkpoint_parse(struct tk_cpu_checkpoint *cp, const char *name,
			    const char *buf, size_t len, struct tk_diag *d)
{
	struct tk_doc *doc;
	const struct tk_node *root, *ents, *pol, *def, *ck;
	size_t i, j;
	int ret = -1;

	memset(cp, 0, sizeof(*cp));
	doc = tk_doc_load_mem(name, buf, len, NULL, d);
	if (!doc)
		return -1;
	if (doc->ndocs != 1 || !doc->docs[0] || doc->docs[0]->kind != TK_MAP) {
		tk_node_error(name, doc->ndocs ? doc->docs[0] : NULL, d,
			      "checkpoint must be one JSON object");
		goto out;
	}
	root = doc->docs[0];
	pol = tk_get(root, "policyName");
	def = tk_get(root, "defaultCpuSet");
	if (!def)
		def = tk_get(root, "defaultCPUSet");  /* Go's json matches keys case-insensitively */
	ck = tk_get(root, "checksum");
	if (!pol || pol->kind != TK_STR) {
		tk_node_error(name, pol ? pol : root, d, "\"policyName\" must be a string");
		goto out;
	}
	if (def && def->kind != TK_STR) {
		tk_node_error(name, def, d, "\"defaultCpuSet\" must be a string");
		goto out;
	}
	if (ck && (ck->kind != TK_INT || ck->v.i < 0 || ck->v.i > (long long)UINT32_MAX)) {
		tk_node_error(name, ck, d, "\"checksum\" must be an integer from 0 to %u", UINT32_MAX);
		goto out;
	}
	if (def && bad_cpulist(name, def, "defaultCpuSet", d))
		goto out;
	cp->policy_name = xstrdup(pol->text);
	cp->default_cpuset = xstrdup(def ? def->text : "");
	cp->checksum = ck ? (uint64_t)ck->v.i : 0;
	ents = tk_get(root, "entries");
	if (ents && ents->kind == TK_NULL) {
		cp->entries_null = true;
	} else if (ents) {
		if (ents->kind != TK_MAP) {
			tk_node_error(name, ents, d, "\"entries\" must be an object of pods");
			goto out;
		}
		for (i = 0; i < ents->n; i++) {
			const struct tk_node *pod = ents->items[i];

			if (pod->kind != TK_MAP) {
				tk_node_error(name, pod, d, "entry '%s' must be an object of containers",
					      ents->keys[i]->text);
				goto out;
			}
			for (j = 0; j < pod->n; j++) {
				if (pod->items[j]->kind != TK_STR) {
					tk_node_error(name, pod->items[j], d,
						      "cpuset of '%s/%s' must be a string",
						      ents->keys[i]->text, pod->keys[j]->text);
					goto out;
				}
				if (bad_cpulist(name, pod->items[j], "cpuset", d))
					goto out;
				tk_cpu_checkpoint_set(cp, ents->keys[i]->text, pod->keys[j]->text,
						      pod->items[j]->text);
			}
		}
	}
	ret = 0;
out:
	if (ret < 0)
		tk_cpu_checkpoint_release(cp);
	tk_doc_free(doc);
	return ret;
}

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* go-spew "%#v" with SortKeys and DisableMethods, as dump.ForHash prints
 * the checkpoint: struct fields carry their type in parentheses, the keys
 * and values inside maps do not, strings are written unquoted. */
char *tk_cpu_checkpoint_dump(const struct tk_cpu_checkpoint *cp, const char *type_name)
{
	struct sbuf b = { NULL, 0, 0 };
	size_t i;

	sb_add(&b, "(*state.");
	sb_add(&b, type_name);
	sb_add(&b, "){PolicyName:(string)");
	sb_add(&b, cp->policy_name ? cp->policy_name : "");
	sb_add(&b, " DefaultCPUSet:(string)");
	sb_add(&b, cp->default_cpuset ? cp->default_cpuset : "");
	sb_add(&b, " Entries:(map[string]map[string]string)");
	if (cp->entries_null && cp->nentries == 0) {
		sb_add(&b, "<nil>");
	} else {
		sb_add(&b, "map[");
		for (i = 0; i < cp->nentries; i++) {
			bool first_of_pod = i == 0 || strcmp(cp->entries[i - 1].pod, cp->entries[i].pod);

			if (first_of_pod) {
				if (i)
					sb_add(&b, "] ");
				sb_add(&b, cp->entries[i].pod);
				sb_add(&b, ":map[");
			} else {
				sb_add(&b, " ");
			}
			sb_add(&b, cp->entries[i].container);
			sb_add(&b, ":");
			sb_add(&b, cp->entries[i].cpus);
		}
		if (cp->nentries)
			sb_add(&b, "]");
		sb_add(&b, "]");
	}
	sb_add(&b, " Checksum:(checksum.Checksum)0}");
	return b.s;
}

uint32_t tk_cpu_checkpoint_sum(const struct tk_cpu_checkpoint *cp, bool topokit)
{
	char *dump = tk_cpu_checkpoint_dump(cp, topokit ? "topokit.CPUManagerCheckpoint"
							: "CPUManagerCheckpoint");
	uint32_t h = tk_fnv32a(dump, strlen(dump));

	free(dump);
	return h;
}

enum tk_ck_owner tk_cpu_checkpoint_owner(const struct tk_cpu_checkpoint *cp)
{
	if (cp->checksum == 0)
		return TK_CK_OWNER_LEGACY;
	if (cp->checksum == tk_cpu_checkpoint_sum(cp, false))
		return TK_CK_OWNER_KUBELET;
	if (cp->checksum == tk_cpu_checkpoint_sum(cp, true))
		return TK_CK_OWNER_TOPOKIT;
	return TK_CK_OWNER_BAD;
}

char *tk_cpu_checkpoint_marshal(struct tk_cpu_checkpoint *cp, bool topokit)
{
	json_t *root = json_object(), *ents = NULL, *pod = NULL;
	const char *cur = NULL;
	char *out;
	size_t i;

	/* what we write reads back as a map (absent or {}), never as nil:
	 * the checksum must be computed the way it will be verified */
	cp->entries_null = false;
	cp->checksum = tk_cpu_checkpoint_sum(cp, topokit);
	json_object_set_new(root, "policyName", json_string(cp->policy_name ? cp->policy_name : ""));
	json_object_set_new(root, "defaultCpuSet",
			    json_string(cp->default_cpuset ? cp->default_cpuset : ""));
	if (cp->nentries) {
		ents = json_object();
		for (i = 0; i < cp->nentries; i++) {
			if (!cur || strcmp(cur, cp->entries[i].pod)) {
				pod = json_object();
				json_object_set_new(ents, cp->entries[i].pod, pod);
				cur = cp->entries[i].pod;
			}
			json_object_set_new(pod, cp->entries[i].container,
					    json_string(cp->entries[i].cpus));
		}
		json_object_set_new(root, "entries", ents);
	}
	json_object_set_new(root, "checksum", json_integer((json_int_t)cp->checksum));
	out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!out) {
		fputs("topokit: out of memory\n", stderr);
		exit(2);
	}
	return out;
}
