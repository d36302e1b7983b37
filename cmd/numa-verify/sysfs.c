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
#include <unistd.h>

#include "cpuset.h"
#include "diag.h"
#include "nv.h"
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

int nv_read_file(const char *root, const char *path, char **out, size_t *len)
{
	char *full = nv_path(root, path);
	size_t cap = 4096, n = 0;  /* a page: what seq_file hands out per read() */
	char *buf;
	int fd, err = 0;

	fd = open(full, O_RDONLY | O_CLOEXEC);
	free(full);
	if (fd < 0)
		return -errno;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap >= NV_MAX_FILE) {
				err = -EFBIG;
				break;
			}
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
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
		return tk_diag_set(d, path, 0, 0, "cannot read: %s", strerror(-rc));
	rc = cpuset_parse_list(s, buf, CPUSET_MAX_ID, &off);
	free(buf);
	if (rc)
		return tk_diag_set(d, path, 1, (unsigned)off + 1, "invalid cpulist");
	return 0;
}

int nv_topo_from_sys(struct nv_topo *t, const char *root, struct tk_diag *d)
{
	const char *nodedir = "/sys/devices/system/node";
	char *dirpath = nv_path(root, nodedir);
	DIR *dir = opendir(dirpath);
	struct dirent *de;
	int ret = -1;

	free(dirpath);
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
