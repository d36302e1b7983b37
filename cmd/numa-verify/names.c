/* names.c - the namespace, pod name and container name of each container
 * found in the cgroup tree, from what the node itself keeps (no CRI socket):
 *
 *   runtime    the container's OCI bundle config.json, whose annotations the
 *              runtime writes from the kubelet's CRI request:
 *              containerd  /run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/
 *                          io.kubernetes.cri.{container-name,sandbox-name,
 *                          sandbox-namespace,sandbox-uid,container-type}
 *              CRI-O       /run/containers/storage/overlay-containers/<id>/userdata/
 *                          (and /var/lib/containers/...): the kubelet's labels
 *                          io.kubernetes.{container.name,pod.name,pod.namespace,
 *                          pod.uid}, also inside io.kubernetes.cri-o.Labels;
 *                          io.kubernetes.cri-o.ContainerType
 *              cri-dockerd /var/lib/docker/containers/<id>/config.v2.json,
 *                          Config.Labels (io.kubernetes.docker.type)
 *   log-link   the kubelet's /var/log/containers/<pod>_<namespace>_<container>-<id>.log
 *   pod-logs   the kubelet's /var/log/pods/<namespace>_<pod>_<uid>/ (the pod),
 *              and its <container>/ directories with the kubelet's
 *              <kubelet-dir>/pods/<uid>/containers/<container>/: when they
 *              leave one name for the one unnamed container of the pod
 *   cpu_manager_state  the exclusive entry whose CPUs the container has
 *
 * Everything here is the node's data, hence untrusted: a file that cannot be
 * read or parsed names nothing (names are an aid, never a verdict), a name
 * must be a DNS-1123 name (no '_', '/' or control characters), and a file
 * that names another pod UID than the cgroup path is ignored.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "doc.h"
#include "labels.h"
#include "nv.h"
#include "xalloc.h"

#define CONTAINER_LOGS "/var/log/containers"
#define POD_LOGS "/var/log/pods"
#define ID_LEN 64

static bool valid_name(const char *s, size_t n)
{
	struct tk_strv errs = { 0, NULL };
	char *copy;
	size_t bad;

	if (n == 0 || n > 253)
		return false;
	copy = xstrndup(s, n);
	bad = tk_validate_dns1123_subdomain(copy, &errs);
	tk_strv_free(&errs);
	free(copy);
	return bad == 0;
}

static void set_name(char **dst, const char *s, size_t n)
{
	if (!*dst && s && valid_name(s, n))
		*dst = xstrndup(s, n);
}

/* ---- runtime: OCI config.json annotations, docker's labels ---- */

/* The first key of keys that m has as a string. */
static const char *first_str(const struct tk_node *m, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *s = tk_str(tk_get(m, *keys));

		if (s)
			return s;
	}
	return NULL;
}

static const char *const k_ctr[] = { "io.kubernetes.cri.container-name", "io.kubernetes.container.name", NULL };
static const char *const k_pod[] = { "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name", NULL };
static const char *const k_ns[] = { "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace", NULL };
static const char *const k_uid[] = { "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid", NULL };
static const char *const k_type[] = { "io.kubernetes.cri.container-type", "io.kubernetes.cri-o.ContainerType",
				      "io.kubernetes.docker.type", NULL };

/* Names from one annotation (or label) map; false when it names another pod. */
static bool from_map(struct nv_container *c, const struct tk_node *m, bool *named)
{
	const char *uid = first_str(m, k_uid), *type = first_str(m, k_type), *s;

	if (!m || m->kind != TK_MAP || (uid && strcmp(uid, c->pod)))
		return false;
	if (type && (!strcmp(type, "sandbox") || !strcmp(type, "podsandbox")))
		c->runtime_sandbox = 1;
	else if (type && !strcmp(type, "container"))
		c->runtime_sandbox = 0;
	if ((s = first_str(m, k_ns)))
		set_name(&c->namespace, s, strlen(s));
	if ((s = first_str(m, k_pod)))
		set_name(&c->pod_name, s, strlen(s));
	if (c->runtime_sandbox != 1 && (s = first_str(m, k_ctr)) && !c->name) {
		set_name(&c->name, s, strlen(s));
		if (c->name) {
			c->name_from = "runtime";
			*named = true;
		}
	}
	return true;
}

static bool from_runtime_file(struct nv_container *c, const char *root, const char *path, bool docker)
{
	struct tk_limits lim = tk_default_limits;
	const struct tk_node *m, *labels;
	struct tk_doc *doc;
	struct tk_diag d;
	bool named = false;
	char *buf;
	size_t len;

	if (nv_read_file(root, path, &buf, &len))
		return false;
	lim.max_input = len + 1;
	doc = tk_doc_load_mem(path, buf, len, &lim, &d);
	free(buf);
	if (!doc)
		return false;
	m = doc->nitems == 1 ? tk_get(doc->items[0], docker ? "Config" : "annotations") : NULL;
	if (docker)
		m = tk_get(m, "Labels");
	if (from_map(c, m, &named) && !docker) {
		/* CRI-O keeps the kubelet's labels as one JSON string too */
		const char *js = tk_str(tk_get(m, "io.kubernetes.cri-o.Labels"));
		struct tk_doc *ldoc = js ? tk_doc_load_mem(path, js, strlen(js), &lim, &d) : NULL;

		labels = ldoc && ldoc->nitems == 1 ? ldoc->items[0] : NULL;
		if (labels)
			from_map(c, labels, &named);
		tk_doc_free(ldoc);
	}
	tk_doc_free(doc);
	return named;
}

static void from_runtime(struct nv_container *c, const char *root)
{
	static const struct {
		const char *runtime, *fmt;
		bool docker;
	} files[] = {
		{ "containerd", "/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json", false },
		/* k3s and RKE2 run their own containerd with this state directory */
		{ "containerd", "/run/k3s/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json", false },
		{ "cri-o", "/run/containers/storage/overlay-containers/%s/userdata/config.json", false },
		{ "cri-o", "/var/lib/containers/storage/overlay-containers/%s/userdata/config.json", false },
		{ "docker", "/var/lib/docker/containers/%s/config.v2.json", true },
	};
	size_t i;

	if (c->looked_up)
		return;
	c->looked_up = true;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path;
		bool named;

		if (strcmp(c->runtime, files[i].runtime) && strcmp(c->runtime, "unknown"))
			continue;
		path = xasprintf(files[i].fmt, c->id);
		named = from_runtime_file(c, root, path, files[i].docker);
		free(path);
		if (named || c->runtime_sandbox == 1)
			return;
	}
}

/* ---- the kubelet's log directories ---- */

static int cmp_id(const void *a, const void *b)
{
	const struct nv_container *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* <pod>_<namespace>_<container>-<id>.log, linked to
 * /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log: the link's
 * target, when it names a UID, must be the container's pod. */
static void from_log_link(struct nv_container **by_id, size_t n, DIR *d, const char *name)
{
	size_t len = strlen(name);
	const char *u1, *u2, *id;
	struct nv_container key, *kp = &key, **hit, *c;
	char target[4096], *idcopy;
	ssize_t tl;

	if (len < ID_LEN + 4 + 6 || strcmp(name + len - 4, ".log") || name[len - 4 - ID_LEN - 1] != '-')
		return;
	id = name + len - 4 - ID_LEN;
	idcopy = xstrndup(id, ID_LEN);
	key.id = idcopy;
	hit = bsearch(&kp, by_id, n, sizeof(*by_id), cmp_id);
	free(idcopy);
	if (!hit || (*hit)->name)
		return;
	c = *hit;
	u1 = strchr(name, '_');
	u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	if (!u2 || u2 > id)
		return;
	tl = readlinkat(dirfd(d), name, target, sizeof(target) - 1);
	if (tl > 0) {
		/* a target in the pods' log tree names its pod's UID */
		char *want = xasprintf("_%s/", c->pod);
		bool other;

		target[tl] = '\0';
		other = strstr(target, "pods/") && !strstr(target, want);
		free(want);
		if (other)
			return;
	}
	if (!valid_name(name, (size_t)(u1 - name)) || !valid_name(u1 + 1, (size_t)(u2 - u1 - 1)) ||
	    !valid_name(u2 + 1, (size_t)(id - 1 - u2 - 1)))
		return;
	set_name(&c->pod_name, name, (size_t)(u1 - name));
	set_name(&c->namespace, u1 + 1, (size_t)(u2 - u1 - 1));
	set_name(&c->name, u2 + 1, (size_t)(id - 1 - u2 - 1));
	c->name_from = "log-link";
}

static void scan_log_links(struct nv_cgroups *g, const char *root, const bool *want)
{
	struct nv_container **by_id = xcalloc(g->n ? g->n : 1, sizeof(*by_id));
	struct dirent *e;
	size_t n = 0, i;
	DIR *d;

	for (i = 0; i < g->n; i++)
		if (want[i] && !g->c[i].name && g->c[i].runtime_sandbox != 1 && strlen(g->c[i].id) == ID_LEN)
			by_id[n++] = &g->c[i];
	if (n && (d = nv_opendir(root, CONTAINER_LOGS))) {
		qsort(by_id, n, sizeof(*by_id), cmp_id);
		while ((e = readdir(d)))
			from_log_link(by_id, n, d, e->d_name);
		closedir(d);
	}
	free(by_id);
}

/* Container directory names below dir (under root) into names, once each. */
static void add_dir_names(const char *root, const char *dir, struct nv_strv *names)
{
	struct dirent *e;
	DIR *d = nv_opendir(root, dir);
	size_t i;

	if (!d)
		return;
	while ((e = readdir(d)) && names->n <= 64) {
		struct stat st;

		if (!valid_name(e->d_name, strlen(e->d_name)) ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		for (i = 0; i < names->n && strcmp(names->v[i], e->d_name); i++)
			;
		if (i == names->n)
			nv_strv_addf(names, "%s", e->d_name);
	}
	closedir(d);
}

/* One pod (containers [b, e) of g, sorted by pod): the pod's name from its
 * log directory, and the one container name left over for the one unnamed
 * container. */
static void from_pod_dirs(struct nv_cgroups *g, size_t b, size_t e, const char *root,
			  const struct nv_kdir *kd, const char *logdir, bool leftover)
{
	struct nv_strv names = { 0, NULL };
	struct nv_container *unnamed = NULL;
	size_t i, k, left = 0, nunnamed = 0;
	const char *u1 = strchr(logdir, '_'), *u2 = u1 ? strchr(u1 + 1, '_') : NULL;
	char *path;

	for (i = b; i < e; i++) {
		set_name(&g->c[i].namespace, logdir, (size_t)(u1 - logdir));
		set_name(&g->c[i].pod_name, u1 + 1, (size_t)(u2 - u1 - 1));
	}
	if (!leftover)
		return;
	path = xasprintf("%s/%s", POD_LOGS, logdir);
	add_dir_names(root, path, &names);
	free(path);
	path = xasprintf("%s/pods/%s/containers", kd->dir, g->c[b].pod);
	add_dir_names(kd->root, path, &names);
	free(path);
	for (i = b; i < e; i++) {
		if (g->c[i].sandbox)
			continue;
		if (!g->c[i].name) {
			unnamed = &g->c[i];
			nunnamed++;
		}
	}
	for (k = 0; k < names.n; k++) {
		bool taken = false;

		for (i = b; i < e; i++)
			taken |= g->c[i].name && !strcmp(g->c[i].name, names.v[k]);
		if (!taken)
			left++;
	}
	if (nunnamed == 1 && left == 1 && names.n <= 64) {
		for (k = 0; k < names.n; k++) {
			bool taken = false;

			for (i = b; i < e; i++)
				taken |= g->c[i].name && !strcmp(g->c[i].name, names.v[k]);
			if (!taken) {
				unnamed->name = xstrdup(names.v[k]);
				unnamed->name_from = "pod-logs";
			}
		}
	}
	nv_strv_free(&names);
}

static int cmp_pod_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct nv_container *)elem)->pod);
}

/* The first container of pod uid in g (sorted by pod), and one past its last. */
static bool pod_range(const struct nv_cgroups *g, const char *uid, size_t *b, size_t *e)
{
	const struct nv_container *hit = bsearch(uid, g->c, g->n, sizeof(*g->c), cmp_pod_key);

	if (!hit)
		return false;
	*b = *e = (size_t)(hit - g->c);
	while (*b > 0 && !strcmp(g->c[*b - 1].pod, uid))
		(*b)--;
	while (*e < g->n && !strcmp(g->c[*e].pod, uid))
		(*e)++;
	return true;
}

static bool any_wanted(const bool *want, size_t b, size_t e)
{
	for (; b < e; b++)
		if (want[b])
			return true;
	return false;
}

/* A pod UID with more than one log directory (names that disagree) is
 * named by none of them. */
static void scan_pod_logs(struct nv_cgroups *g, const char *root, const struct nv_kdir *kd, const bool *want,
			  bool leftover)
{
	char **dir = xcalloc(g->n, sizeof(*dir));
	bool *twice = xcalloc(g->n, sizeof(*twice));
	struct dirent *e;
	size_t b, end;
	DIR *d = nv_opendir(root, POD_LOGS);

	if (d) {
		while ((e = readdir(d))) {
			const char *u1 = strchr(e->d_name, '_'), *u2 = u1 ? strchr(u1 + 1, '_') : NULL;

			if (!u2 || !valid_name(e->d_name, (size_t)(u1 - e->d_name)) ||
			    !valid_name(u1 + 1, (size_t)(u2 - u1 - 1)) || !pod_range(g, u2 + 1, &b, &end) ||
			    !any_wanted(want, b, end))
				continue;
			if (dir[b])
				twice[b] = true;
			else
				dir[b] = xstrdup(e->d_name);
		}
		closedir(d);
	}
	for (b = 0; b < g->n; b++) {
		size_t first;

		/* dir[] is kept at the pod's first container */
		if (dir[b] && !twice[b] && pod_range(g, g->c[b].pod, &first, &end))
			from_pod_dirs(g, first, end, root, kd, dir[b], leftover);
		free(dir[b]);
	}
	free(dir);
	free(twice);
}

void nv_name_containers(struct nv_cgroups *g, const char *root, const struct nv_kdir *kd, const bool *want,
			bool leftover)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		if (!want[i])
			continue;
		from_runtime(&g->c[i], root);
		if (g->c[i].runtime_sandbox >= 0)
			g->c[i].sandbox = g->c[i].runtime_sandbox == 1;
	}
	scan_log_links(g, root, want);
	scan_pod_logs(g, root, kd, want, leftover);
}

const char *nv_container_name(const struct nv_container *c, const char **from)
{
	if (c->sandbox) {
		if (from)
			*from = NULL;
		return NULL;  /* the pod's, not a container of the spec */
	}
	if (from)
		*from = c->name ? c->name_from : c->entry ? "cpu_manager_state" : NULL;
	return c->name ? c->name : c->entry ? c->entry->container : NULL;
}
