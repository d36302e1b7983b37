/* cgroup.c - pods and containers from the kubepods cgroup hierarchy.
 *
 * Layouts (the kubelet's cgroup drivers, pkg/kubelet/cm/cgroup_manager_linux.go):
 *   systemd   kubepods.slice/[kubepods-<qos>.slice/]kubepods[-<qos>]-pod<uid_>.slice/
 *             <runtime>-<id>.scope   (cri-containerd-, crio-, docker-)
 *   cgroupfs  kubepods/[<qos>/]pod<uid>/<id>
 * Guaranteed pods sit directly under kubepods; Burstable and BestEffort under
 * their QoS level. cgroup v2 has one tree at /sys/fs/cgroup; v1 is read from
 * the cpuset controller's tree /sys/fs/cgroup/cpuset. The systemd driver
 * writes the pod UID with '_' for '-'.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpuset.h"
#include "diag.h"
#include "nv.h"
#include "xalloc.h"

void nv_cgroups_release(struct nv_cgroups *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct nv_container *c = &g->c[i];

		free(c->pod);
		free(c->id);
		free(c->runtime);
		free(c->qos);
		free(c->cgroup);
		free(c->namespace);
		free(c->pod_name);
		free(c->name);
		cpuset_release(&c->cpus);
		cpuset_release(&c->cpu_numa);
		free(c->pids);
		nv_strv_free(&c->reasons);
	}
	free(g->c);
	free(g->driver);
	memset(g, 0, sizeof(*g));
}

static bool is_dir(const char *root, const char *path)
{
	bool dir = false;

	return nv_exists(root, path, &dir) && dir;
}

static bool is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len < 12)
		return false;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Container ID and runtime from a container cgroup's name; false when the
 * name is not a container (conmon, sandbox helpers, unknown). */
static bool parse_container_name(const char *name, char **id, const char **runtime)
{
	static const struct {
		const char *prefix;
		const char *runtime;
	} kinds[] = {
		{ "cri-containerd-", "containerd" },
		{ "crio-", "cri-o" },
		{ "docker-", "docker" },
	};
	size_t len = strlen(name), i;

	if (!strncmp(name, "crio-conmon-", 12))
		return false;
	if (len > 6 && !strcmp(name + len - 6, ".scope")) {
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			size_t pl = strlen(kinds[i].prefix);

			if (!strncmp(name, kinds[i].prefix, pl) && is_hex_id(name + pl, len - 6 - pl)) {
				*id = xstrndup(name + pl, len - 6 - pl);
				*runtime = kinds[i].runtime;
				return true;
			}
		}
		return false;
	}
	if (is_hex_id(name, len)) {
		*id = xstrdup(name);
		*runtime = "unknown";
		return true;
	}
	return false;
}

/* Pod UID from "pod<uid>" or "kubepods[-qos]-pod<uid_>.slice"; malloc'd. */
static char *parse_pod_name(const char *name, const char **qos)
{
	const char *p;
	size_t len;
	char *uid, *c;

	if (!strncmp(name, "kubepods-burstable-pod", 22)) {
		*qos = "burstable";
		p = name + 22;
	} else if (!strncmp(name, "kubepods-besteffort-pod", 23)) {
		*qos = "besteffort";
		p = name + 23;
	} else if (!strncmp(name, "kubepods-pod", 12)) {
		p = name + 12;
	} else if (!strncmp(name, "pod", 3)) {
		p = name + 3;  /* cgroupfs: the QoS level comes from the parent */
	} else {
		return NULL;
	}
	len = strlen(p);
	if (len > 6 && !strcmp(p + len - 6, ".slice"))
		len -= 6;
	if (len == 0)
		return NULL;
	uid = xstrndup(p, len);
	for (c = uid; *c; c++)
		if (*c == '_')
			*c = '-';
	return uid;
}

static int read_cpus(const char *root, const char *dir, const char *const *files, struct cpuset *s)
{
	size_t i;

	for (i = 0; files[i]; i++) {
		char *path = xasprintf("%s/%s", dir, files[i]), *buf;
		int rc = nv_read_file(root, path, &buf, NULL);

		free(path);
		if (rc)
			continue;
		rc = cpuset_parse_list(s, buf, CPUSET_MAX_ID, NULL);
		free(buf);
		if (rc == 0 && !cpuset_is_empty(s))
			return 0;
	}
	return -1;
}

static void read_pids(const char *root, const char *dir, struct nv_container *c)
{
	char *path = xasprintf("%s/cgroup.procs", dir), *buf, *p, *end;

	if (nv_read_file(root, path, &buf, NULL) == 0) {
		for (p = buf; *p; p = end) {
			long pid = strtol(p, &end, 10);

			if (end == p) {
				end = p + 1;
				continue;
			}
			if (pid > 0 && pid <= 0x7fffffff) {
				c->pids = xreallocarray(c->pids, c->npids + 1, sizeof(*c->pids));
				c->pids[c->npids++] = (int)pid;
			}
		}
		free(buf);
	}
	free(path);
}

struct walk {
	struct nv_cgroups *g;
	const char *root;   /* every path below is under it */
	const char *mount;  /* the cgroup tree's directory */
};

static void add_container(struct walk *w, const char *dir, const char *pod, const char *qos,
			  char *id, const char *runtime)
{
	static const char *const v2files[] = { "cpuset.cpus.effective", "cpuset.cpus", NULL };
	static const char *const v1files[] = { "cpuset.effective_cpus", "cpuset.cpus", NULL };
	struct nv_container *c;

	w->g->c = xreallocarray(w->g->c, w->g->n + 1, sizeof(*w->g->c));
	c = &w->g->c[w->g->n++];
	memset(c, 0, sizeof(*c));
	c->pod = xstrdup(pod);
	c->id = id;
	c->runtime = xstrdup(runtime);
	c->qos = xstrdup(qos);
	c->runtime_sandbox = -1;
	c->cgroup = xstrdup(dir + strlen(w->mount));
	c->have_cpus = read_cpus(w->root, dir, w->g->version == 2 ? v2files : v1files, &c->cpus) == 0;
	read_pids(w->root, dir, c);
}

static void walk_dir(struct walk *w, const char *dir, int depth, const char *pod, const char *qos)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;

	if (depth > 4 || !(d = nv_opendir(w->root, dir)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	for (i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", dir, names[i]);
		const char *q = qos, *runtime;
		char *uid, *id;

		if (!is_dir(w->root, sub)) {
			free(sub);
			continue;
		}
		if (!pod && (!strcmp(names[i], "burstable") || !strcmp(names[i], "kubepods-burstable.slice"))) {
			walk_dir(w, sub, depth + 1, NULL, "burstable");
		} else if (!pod && (!strcmp(names[i], "besteffort") ||
				    !strcmp(names[i], "kubepods-besteffort.slice"))) {
			walk_dir(w, sub, depth + 1, NULL, "besteffort");
		} else if (!pod && (uid = parse_pod_name(names[i], &q))) {
			walk_dir(w, sub, depth + 1, uid, q);
			free(uid);
		} else if (pod && parse_container_name(names[i], &id, &runtime)) {
			add_container(w, sub, pod, qos, id, runtime);
		}
		free(sub);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int cmp_container(const void *a, const void *b)
{
	const struct nv_container *x = a, *y = b;
	int c = strcmp(x->pod, y->pod);

	return c ? c : strcmp(x->id, y->id);
}

int nv_cgroups_scan(struct nv_cgroups *g, const char *root, struct tk_diag *d)
{
	static const char *const tops[] = { "kubepods.slice", "kubepods" };
	char *base = xstrdup("/sys/fs/cgroup"), *probe, *mount = NULL, *top = NULL;
	struct walk w;
	size_t i;

	(void)d;
	memset(g, 0, sizeof(*g));
	probe = xasprintf("%s/cgroup.controllers", base);
	if (nv_exists(root, probe, NULL)) {
		g->version = 2;
		mount = xstrdup(base);
	} else {
		g->version = 1;
		mount = xasprintf("%s/cpuset", base);
	}
	free(probe);
	for (i = 0; i < 2 && !top; i++) {
		char *t = xasprintf("%s/%s", mount, tops[i]);

		if (is_dir(root, t)) {
			top = t;
			g->driver = xstrdup(i == 0 ? "systemd" : "cgroupfs");
		} else {
			free(t);
		}
	}
	if (!top) {
		g->version = 0;
		free(mount);
		free(base);
		return 0;
	}
	w.g = g;
	w.root = root;
	w.mount = mount;
	walk_dir(&w, top, 0, NULL, "guaranteed");
	/* a bare <id> (cgroupfs driver) does not name its runtime: its socket does */
	for (i = 0; i < g->n; i++) {
		static const struct {
			const char *sock;
			const char *runtime;
		} socks[] = {
			{ "/run/containerd/containerd.sock", "containerd" },
			{ "/run/k3s/containerd/containerd.sock", "containerd" },
			{ "/run/crio/crio.sock", "cri-o" },
			{ "/run/cri-dockerd.sock", "docker" },
		};
		size_t k;

		if (strcmp(g->c[i].runtime, "unknown"))
			continue;
		for (k = 0; k < sizeof(socks) / sizeof(socks[0]); k++) {
			if (nv_exists(root, socks[k].sock, NULL)) {
				free(g->c[i].runtime);
				g->c[i].runtime = xstrdup(socks[k].runtime);
				break;
			}
		}
	}
	if (g->n > 1)
		qsort(g->c, g->n, sizeof(*g->c), cmp_container);
	free(top);
	free(mount);
	free(base);
	return 0;
}
