/* sysfs.c - files below the root, and the NUMA topology from /sys.
 *
 * The kubelet's view of the machine is cadvisor's: the online CPUs and the
 * NUMA nodes of /sys/devices/system/node. We read the same files directly.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "diag.h"
#include "nv.h"
#include "safeopen.h"
#include "xalloc.h"

/* Files read here (status, numa_maps, cpulist) are small, except numa_maps
 * of a huge process; 64 MiB bounds a hostile recorded tree. */
#define NV_MAX_FILE (64u << 20)

void nv_strv_addf(struct nv_strv *sv, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sv->v = xreallocarray(sv->v, sv->n + 1, sizeof(*sv->v));
	sv->v[sv->n++] = s;
}

void nv_strv_free(struct nv_strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

const char *nv_verdict_name(enum nv_verdict v)
{
	switch (v) {
	case NV_ALIGNED: return "aligned";
	case NV_MISALIGNED: return "misaligned";
	case NV_SHARED: return "shared";
	case NV_UNPINNED: return "unpinned";
	case NV_UNKNOWN: break;
	}
	return "unknown";
}

char *nv_path(const char *root, const char *path)
{
	if (!root || !*root || (root[0] == '/' && !root[1]))
		return xstrdup(path);
	return xasprintf("%s%s%s", root, path[0] == '/' ? "" : "/", path);
}

/* The --root tree, opened once: every path below it is resolved with the
 * tree as "/" (common/safeopen.h), so a symlink in a recorded or hostile
 * tree never leads outside it. -1: the live system ("" or "/"). */
static struct {
	char *root;
	int fd;
} root_cache = { NULL, -1 };

static bool live(const char *root)
{
	return !root || !*root || (root[0] == '/' && !root[1]);
}

static int root_fd(const char *root)
{
	if (live(root))
		return -1;
	if (!root_cache.root || strcmp(root_cache.root, root)) {
		if (root_cache.fd >= 0)
			close(root_cache.fd);
		free(root_cache.root);
		root_cache.root = xstrdup(root);
		root_cache.fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root_cache.fd < 0)
			root_cache.fd = -errno - 1;   /* remembered: -(errno) - 1 */
	}
	return root_cache.fd;
}

/* A descriptor for path under root (oflags as openat), or -errno. */
static int nv_open(const char *root, const char *path, int oflags)
{
	int rfd = root_fd(root), fd;

	if (live(root)) {
		fd = open(path, oflags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (rfd < 0)
		return rfd + 1;
	return tk_open_beneath(rfd, path, oflags);
}

bool nv_exists(const char *root, const char *path, bool *is_dir)
{
	struct stat st;
	int fd = nv_open(root, path, O_PATH);
	bool ok;

	if (fd < 0)
		return false;
	ok = fstat(fd, &st) == 0;
	close(fd);
	if (is_dir)
		*is_dir = ok && S_ISDIR(st.st_mode);
	return ok;
}

DIR *nv_opendir(const char *root, const char *path)
{
	int fd = nv_open(root, path, O_RDONLY | O_DIRECTORY | O_NONBLOCK);
	DIR *dir;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	dir = fdopendir(fd);
	if (!dir)
		close(fd);
	return dir;
}

int nv_read_file(const char *root, const char *path, char **out, size_t *len)
{
	struct stat st;
	size_t n;
	int fd, rc;

	/* regular files only, opened without blocking: a FIFO planted as
	 * numa_maps must not hang the run */
	if (live(root)) {
		fd = tk_open_regular(AT_FDCWD, path, TK_OPEN_KEEP_NONBLOCK, &st);
	} else {
		int rfd = root_fd(root);

		fd = rfd < 0 ? rfd + 1 : tk_open_regular(rfd, path, TK_OPEN_BENEATH | TK_OPEN_KEEP_NONBLOCK, &st);
	}
	if (fd < 0)
		return fd;
	rc = tk_read_fd_stat(fd, &st, NV_MAX_FILE, out, &n);
	close(fd);
	if (rc < 0)
		return rc;
	if (len)
		*len = n;
	return 0;
}

int nv_read_input(const char *root, const char *path, const char *display, char **buf, size_t *len,
		  struct tk_diag *d)
{
	int rc = nv_read_file(root, path, buf, len);

	if (rc == -EFBIG)
		return tk_diag_set(d, display, 0, 0, "file too large (more than %u bytes)", NV_MAX_FILE);
	if (rc < 0)
		return tk_diag_set(d, display, 0, 0, "cannot read: %s", tk_strerror(-rc));
	return 0;
}

void nv_topo_release(struct nv_topo *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		cpuset_release(&t->nodes[i].cpus);
	free(t->nodes);
	cpuset_release(&t->cpus);
	free(t->source);
	memset(t, 0, sizeof(*t));
}

static int cmp_node(const void *a, const void *b)
{
	const struct nv_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int read_cpulist(const char *root, const char *path, struct cpuset *s, struct tk_diag *d)
{
	char *buf;
	int rc = nv_read_file(root, path, &buf, NULL);
	size_t off = 0;

	if (rc)
		return tk_diag_set(d, path, 0, 0, "cannot read: %s", tk_strerror(-rc));
	rc = cpuset_parse_list(s, buf, CPUSET_MAX_ID, &off);
	free(buf);
	if (rc)
		return tk_diag_set(d, path, 1, (unsigned)off + 1, "invalid cpulist");
	return 0;
}

int nv_topo_from_sys(struct nv_topo *t, const char *root, struct tk_diag *d)
{
	const char *nodedir = "/sys/devices/system/node";
	DIR *dir = nv_opendir(root, nodedir);
	struct dirent *de;
	int ret = -1;

	memset(t, 0, sizeof(*t));
	t->source = xstrdup("sysfs");
	if (read_cpulist(root, "/sys/devices/system/cpu/online", &t->cpus, d))
		goto out;
	if (!dir) {
		/* no NUMA in the kernel: one node with every CPU */
		t->nodes = xcalloc(1, sizeof(*t->nodes));
		t->n = 1;
		cpuset_copy(&t->nodes[0].cpus, &t->cpus);
		ret = 0;
		goto out;
	}
	while ((de = readdir(dir))) {
		char *end, *path;
		long id;
		struct nv_node *nd;

		if (strncmp(de->d_name, "node", 4) || !de->d_name[4])
			continue;
		id = strtol(de->d_name + 4, &end, 10);
		if (*end || id < 0 || id > CPUSET_MAX_ID)
			continue;
		t->nodes = xreallocarray(t->nodes, t->n + 1, sizeof(*t->nodes));
		nd = &t->nodes[t->n++];
		memset(nd, 0, sizeof(*nd));
		nd->id = (int)id;
		path = xasprintf("%s/%s/cpulist", nodedir, de->d_name);
		if (read_cpulist(root, path, &nd->cpus, d)) {
			free(path);
			goto out;
		}
		free(path);
		/* an offline CPU can stay listed in its node */
		cpuset_and(&nd->cpus, &t->cpus);
	}
	if (t->n == 0) {
		tk_diag_set(d, nodedir, 0, 0, "no NUMA node directories");
		goto out;
	}
	qsort(t->nodes, t->n, sizeof(*t->nodes), cmp_node);
	ret = 0;
out:
	if (dir)
		closedir(dir);
	return ret;
}

void nv_topo_numa_of(const struct nv_topo *t, const struct cpuset *cpus, struct cpuset *numa)
{
	size_t i;

	cpuset_clear_all(numa);
	for (i = 0; i < t->n; i++)
		if (cpuset_intersects(&t->nodes[i].cpus, cpus))
			cpuset_set(numa, (unsigned)t->nodes[i].id);
}
