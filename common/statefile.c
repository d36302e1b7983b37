/* statefile.c - locked, atomic state files and the CPU Manager checkpoint
 * (see statefile.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "safeopen.h"
#include "statefile.h"
#include "xalloc.h"

/* ---- state files ---- */

/* random characters in a temp file's name: 62^10, never guessed */
#define TEMP_SUFFIX_LEN 10

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The lock file <base>.lock: ours alone (see statefile.h). Returns its fd
 * with the flock held, or -1 with d filled. */
static int take_lock(struct tk_state_file *sf, double wait_s, struct tk_diag *d)
{
	char *name = xasprintf("%s.lock", sf->base), *shown = xasprintf("%s.lock", sf->path);
	double deadline = now_s() + (wait_s > 0 ? wait_s : 0);
	long nap = 1;
	int fd = -1;

	for (;;) {
		struct stat st, again;

		fd = openat(sf->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
			    0600);
		if (fd < 0) {
			int e = errno;
			struct stat lst;

			/* a planted symlink may fail as EACCES (sticky directory) or ELOOP */
			if (fstatat(sf->dirfd, name, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
				tk_diag_set(d, shown, 0, 0, "cannot open lock file: is a symbolic link (refused)");
			else
				tk_diag_set(d, shown, 0, 0, "cannot open lock file: %s", strerror(e));
			goto fail;
		}
		if (fstat(fd, &st) < 0) {
			tk_diag_set(d, shown, 0, 0, "cannot open lock file: %s", strerror(errno));
			goto fail;
		}
		if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
			tk_diag_set(d, shown, 0, 0, "lock file is not a regular file with one link (refused)");
			goto fail;
		}
		/* whoever can open it can flock it: another user must not */
		if (st.st_uid != geteuid()) {
			tk_diag_set(d, shown, 0, 0, "lock file belongs to uid %u, not to us (refused: remove it)",
				    (unsigned)st.st_uid);
			goto fail;
		}
		if ((st.st_mode & 077) && fchmod(fd, 0600) < 0) {
			tk_diag_set(d, shown, 0, 0, "cannot restrict the lock file: %s", strerror(errno));
			goto fail;
		}
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno != EWOULDBLOCK && errno != EINTR) {
				tk_diag_set(d, shown, 0, 0, "cannot lock: %s", strerror(errno));
				goto fail;
			}
			if (now_s() >= deadline) {
				tk_diag_set(d, shown, 0, 0,
					    "still locked by another process after %g s (see --wait); nothing changed",
					    wait_s > 0 ? wait_s : 0);
				goto fail;
			}
			sleep_ms(nap);
			if (nap < 64)
				nap *= 2;
		}
		/* the name may have been replaced while we waited: lock the file
		 * that is there now */
		if (fstatat(sf->dirfd, name, &again, AT_SYMLINK_NOFOLLOW) == 0 &&
		    again.st_dev == st.st_dev && again.st_ino == st.st_ino)
			break;
		close(fd);
	}
	free(name);
	free(shown);
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	free(name);
	free(shown);
	return -1;
}

/* Under the lock no other writer has a temp file open: any <base>.tmp-*
 * of ours is left by a writer killed mid-way, and would pile up. Files of
 * other users are not ours to remove. */
static void remove_stale_temps(struct tk_state_file *sf)
{
	int fd = openat(sf->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *prefix = xasprintf("%s.tmp-", sf->base);
	size_t plen = strlen(prefix);
	struct dirent *de;
	DIR *dir;

	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir) {
		if (fd >= 0)
			close(fd);
		free(prefix);
		return;
	}
	while ((de = readdir(dir))) {
		struct stat st;

		if (strncmp(de->d_name, prefix, plen) || strlen(de->d_name + plen) != TEMP_SUFFIX_LEN)
			continue;
		if (fstatat(sf->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_uid == geteuid())
			unlinkat(sf->dirfd, de->d_name, 0);
	}
	closedir(dir);
	free(prefix);
}

void tk_state_close(struct tk_state_file *sf)
{
	if (sf->lock >= 0)
		close(sf->lock);   /* the last descriptor closed drops the flock */
	if (sf->dirfd >= 0)
		close(sf->dirfd);
	free(sf->path);
	free(sf->base);
	free(sf->buf);
	memset(sf, 0, sizeof(*sf));
	sf->lock = sf->dirfd = -1;
}

int tk_state_open(struct tk_state_file *sf, const char *path, bool update, double wait_s,
		  struct tk_diag *d)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	memset(sf, 0, sizeof(*sf));
	sf->lock = sf->dirfd = -1;
	sf->path = xstrdup(path);
	sf->base = xstrdup(slash ? slash + 1 : path);
	if (!*sf->base || !strcmp(sf->base, ".") || !strcmp(sf->base, "..")) {
		tk_diag_set(d, path, 0, 0, "not a regular file");
		goto fail;
	}
	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	sf->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sf->dirfd < 0) {
		tk_diag_set(d, dir, 0, 0, "cannot open directory: %s", strerror(errno));
		free(dir);
		goto fail;
	}
	free(dir);
	if (update) {
		if ((sf->lock = take_lock(sf, wait_s, d)) < 0)
			goto fail;
		remove_stale_temps(sf);
	}
	rc = tk_read_regular(sf->dirfd, sf->base, path, TK_OPEN_NOFOLLOW, TK_STATE_MAX, &sf->buf,
			     &sf->len, &sf->st, d);
	if (rc < 0)
		goto fail;
	sf->exists = rc == 0;
	if (update && sf->exists && sf->st.st_uid != geteuid() && sf->st.st_uid != 0) {
		tk_diag_set(d, path, 0, 0, "belongs to uid %u, neither to us nor to root (refused)",
			    (unsigned)sf->st.st_uid);
		goto fail;
	}
	return 0;
fail:
	tk_state_close(sf);
	return -1;
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

/* A temp file no other user can have planted or guessed (Go's os.CreateTemp):
 * <base>.tmp-<random> created O_EXCL. Returns the fd and its name in *name. */
static int create_temp(struct tk_state_file *sf, char **name)
{
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	int tries, fd;

	for (tries = 0; tries < 100; tries++) {
		unsigned char rnd[TEMP_SUFFIX_LEN];
		char suffix[sizeof(rnd) + 1];
		size_t i;

		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		for (i = 0; i < sizeof(rnd); i++)
			suffix[i] = alnum[rnd[i] % (sizeof(alnum) - 1)];
		suffix[sizeof(rnd)] = '\0';
		*name = xasprintf("%s.tmp-%s", sf->base, suffix);
		fd = openat(sf->dirfd, *name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*name);
		*name = NULL;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

/* Is the file still what tk_state_open (or our last replace) saw? */
static bool unchanged(const struct tk_state_file *sf)
{
	struct stat st;
	char *buf;
	size_t len;
	int fd, rc;
	bool same;

	fd = tk_open_regular(sf->dirfd, sf->base, TK_OPEN_NOFOLLOW, &st);
	if (fd == -ENOENT)
		return !sf->exists;
	if (fd < 0 || !sf->exists) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	same = st.st_dev == sf->st.st_dev && st.st_ino == sf->st.st_ino && st.st_size == sf->st.st_size;
	rc = same ? tk_read_fd(fd, TK_STATE_MAX, &buf, &len) : -1;
	close(fd);
	if (rc < 0)
		return false;
	same = len == sf->len && !memcmp(buf, sf->buf, len);
	free(buf);
	return same;
}

static void sync_dir(int dirfd)
{
	fsync(dirfd);   /* makes the rename durable; nothing to undo if it fails */
}

int tk_state_replace(struct tk_state_file *sf, const void *buf, size_t len, struct tk_diag *d)
{
	static const char changed[] =
		"changed since it was read (the kubelet takes no lock); nothing written, try again";
	char *tmp = NULL;
	struct stat st;
	int fd = -1, rc;

	if (!buf) {
		if (!unchanged(sf))
			return tk_diag_set(d, sf->path, 0, 0, changed);
		if (sf->exists && unlinkat(sf->dirfd, sf->base, 0) < 0)
			return tk_diag_set(d, sf->path, 0, 0, "cannot remove: %s", strerror(errno));
		sync_dir(sf->dirfd);
		free(sf->buf);
		sf->buf = NULL;
		sf->len = 0;
		sf->exists = false;
		return 0;
	}
	fd = create_temp(sf, &tmp);
	if (fd < 0)
		return tk_diag_set(d, sf->path, 0, 0, "cannot create a temporary file: %s", strerror(errno));
	/* an existing file keeps its owner and mode (chown first: it clears
	 * set-id bits); a new one is 0600 whatever the umask */
	if (sf->exists && (sf->st.st_uid != geteuid() || sf->st.st_gid != getegid()) &&
	    fchown(fd, sf->st.st_uid, sf->st.st_gid) < 0) {
		tk_diag_set(d, sf->path, 0, 0, "cannot keep the owner: %s", strerror(errno));
		goto fail;
	}
	if (fchmod(fd, sf->exists ? sf->st.st_mode & 07777 : 0600) < 0 || write_all(fd, buf, len) < 0 ||
	    fsync(fd) < 0 || fstat(fd, &st) < 0) {
		tk_diag_set(d, sf->path, 0, 0, "cannot write: %s", strerror(errno));
		goto fail;
	}
	rc = close(fd);
	fd = -1;
	if (rc < 0) {
		tk_diag_set(d, sf->path, 0, 0, "cannot write: %s", strerror(errno));
		goto fail;
	}
	if (!unchanged(sf)) {
		tk_diag_set(d, sf->path, 0, 0, changed);
		goto fail;
	}
	/* a file that appeared since we looked is never replaced */
	rc = sf->exists ? -1 : renameat2(sf->dirfd, tmp, sf->dirfd, sf->base, RENAME_NOREPLACE);
	if (rc < 0 && !sf->exists && errno == EEXIST) {
		tk_diag_set(d, sf->path, 0, 0, changed);
		goto fail;
	}
	if (rc < 0)
		rc = renameat(sf->dirfd, tmp, sf->dirfd, sf->base);
	if (rc < 0) {
		tk_diag_set(d, sf->path, 0, 0, "cannot replace: %s", strerror(errno));
		goto fail;
	}
	sync_dir(sf->dirfd);
	free(tmp);
	free(sf->buf);
	sf->buf = xmalloc(len + 1);
	memcpy(sf->buf, buf, len);
	sf->buf[len] = '\0';
	sf->len = len;
	sf->st = st;
	sf->exists = true;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(sf->dirfd, tmp, 0);
	free(tmp);
	return -1;
}

int tk_read_checkpoint(const char *path, char **buf, size_t *len, struct tk_diag *d)
{
	return tk_read_regular(AT_FDCWD, path, path, 0, TK_STATE_MAX, buf, len, NULL, d);
}

int tk_read_file(const char *path, char **bufp, size_t *lenp, struct tk_diag *d)
{
	int fd, rc;

	*bufp = NULL;
	*lenp = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return tk_diag_set(d, path, 0, 0, "cannot open: %s", strerror(errno));
	}
	rc = tk_read_fd(fd, (size_t)256 << 20, bufp, lenp);
	close(fd);
	if (rc == -EFBIG)
		return tk_diag_set(d, path, 0, 0, "file too large");
	if (rc < 0)
		return tk_diag_set(d, path, 0, 0, "cannot read: %s", strerror(-rc));
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

static int entry_qsort_cmp(const void *a, const void *b)
{
	const struct tk_cpu_entry *x = a, *y = b;

	return entry_cmp(x->pod, x->container, y->pod, y->container);
}

/* Sorts a batch of changes; equal keys keep their batch order (the
 * address breaks the tie: they all point into one array), so the last
 * change to a key is the last of its run. */
static int change_cmp(const void *a, const void *b)
{
	const struct tk_cpu_entry *x = *(const struct tk_cpu_entry *const *)a;
	const struct tk_cpu_entry *y = *(const struct tk_cpu_entry *const *)b;
	int c = entry_qsort_cmp(x, y);

	return c ? c : (x > y) - (x < y);
}

static void entry_free(struct tk_cpu_entry *e)
{
	free(e->pod);
	free(e->container);
	free(e->cpus);
}

void tk_cpu_checkpoint_set_many(struct tk_cpu_checkpoint *cp, const struct tk_cpu_entry *changes,
				size_t n)
{
	const struct tk_cpu_entry **order;
	struct tk_cpu_entry *out;
	size_t i = 0, k = 0, nout = 0, nchanges = 0;

	if (n == 0)
		return;
	/* sorted once and merged with the sorted entries in one pass: applying
	 * each change in place moved the array once per change */
	order = xreallocarray(NULL, n, sizeof(*order));
	for (k = 0; k < n; k++)
		order[k] = &changes[k];
	qsort(order, n, sizeof(*order), change_cmp);
	for (k = 0; k < n; k++) {
		/* as in turn: any cpus given inserts (an "entries": null state
		 * has none), even if a later change removes it again */
		if (order[k]->cpus)
			cp->entries_null = false;
		/* only the last change to each key counts */
		if (k + 1 == n || entry_qsort_cmp(order[k], order[k + 1]) != 0)
			order[nchanges++] = order[k];
	}
	out = xreallocarray(NULL, cp->nentries + nchanges, sizeof(*out));
	k = 0;
	while (i < cp->nentries || k < nchanges) {
		int c = i == cp->nentries ? 1 : k == nchanges ? -1
			: entry_qsort_cmp(&cp->entries[i], order[k]);

		if (c < 0) {
			out[nout++] = cp->entries[i++];
			continue;
		}
		if (c == 0) {
			if (order[k]->cpus) {
				free(cp->entries[i].cpus);
				cp->entries[i].cpus = xstrdup(order[k]->cpus);
				out[nout++] = cp->entries[i];
			} else {
				entry_free(&cp->entries[i]);
			}
			i++;
		} else if (order[k]->cpus) {
			out[nout].pod = xstrdup(order[k]->pod);
			out[nout].container = xstrdup(order[k]->container);
			out[nout].cpus = xstrdup(order[k]->cpus);
			nout++;
		}
		k++;
	}
	free(order);
	free(cp->entries);
	cp->entries = out;
	cp->nentries = nout;
}

void tk_cpu_checkpoint_set(struct tk_cpu_checkpoint *cp, const char *pod,
			   const char *container, const char *cpus)
{
	struct tk_cpu_entry one = { (char *)pod, (char *)container, (char *)cpus };

	tk_cpu_checkpoint_set_many(cp, &one, 1);
}

size_t tk_cpu_checkpoint_remove_pod(struct tk_cpu_checkpoint *cp, const char *pod)
{
	size_t i, j = 0, removed = 0;

	for (i = 0; i < cp->nentries; i++) {
		if (strcmp(cp->entries[i].pod, pod) == 0) {
			entry_free(&cp->entries[i]);
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
	size_t i, j, total = 0;
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
				total++;
			}
		}
		/* keys are unique at both levels (the reader refuses duplicates):
		 * the pairs are collected, then sorted once (inserting each in
		 * order was quadratic in a state of many containers) */
		if (total)
			cp->entries = xreallocarray(NULL, total, sizeof(*cp->entries));
		for (i = 0; i < ents->n; i++)
			for (j = 0; j < ents->items[i]->n; j++) {
				struct tk_cpu_entry *e = &cp->entries[cp->nentries++];

				e->pod = xstrdup(ents->keys[i]->text);
				e->container = xstrdup(ents->items[i]->keys[j]->text);
				e->cpus = xstrdup(ents->items[i]->items[j]->text);
			}
		if (cp->nentries > 1)
			qsort(cp->entries, cp->nentries, sizeof(*cp->entries), entry_qsort_cmp);
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
	if (!out)
		xalloc_die();
	return out;
}
