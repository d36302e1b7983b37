/* podname.c - --pod NAMESPACE/NAME: the node knows a pod's name in the
 * kubelet's log directories, /var/log/pods/<namespace>_<name>_<uid>
 * (kuberuntime's BuildPodLogsDirectory; names and namespaces cannot hold
 * '_', so the split is exact), and in what its runtime and the kubelet keep
 * for each container (names.c). The cgroup tree names pods by UID alone: a
 * name the log directories do not know is resolved once the containers are
 * named (nv_resolve_pod_names_late).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "diag.h"
#include "labels.h"
#include "nv.h"
#include "xalloc.h"

#define POD_LOGS "/var/log/pods"

static char **resolved;   /* the UIDs put into o->pods, freed by nv_pod_names_release */
static size_t nresolved;

/* A pod UID as the API server writes it: 8-4-4-4-12 lowercase hex. */
static bool is_uid(const char *s)
{
	size_t i;

	if (strlen(s) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return false;
		}
	}
	return true;
}

static void keep_resolved(char *uid)
{
	resolved = xreallocarray(resolved, nresolved + 1, sizeof(*resolved));
	resolved[nresolved++] = uid;
}

/* The UID of namespace/name: of several directories (a pod deleted and
 * created again under its name, before the kubelet removed the old logs),
 * the newest; NULL when the directories do not know it. */
static char *pod_uid(const char *root, const char *ns, const char *name)
{
	size_t plen = strlen(ns) + strlen(name) + 2;
	char *prefix = xmalloc(plen + 1), *best = NULL;
	struct timespec best_t = { 0, 0 };
	struct dirent *e;
	struct stat st;
	DIR *d;

	snprintf(prefix, plen + 1, "%s_%s_", ns, name);
	d = nv_opendir(root, POD_LOGS);
	if (!d) {
		free(prefix);
		return NULL;
	}
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, plen) || !is_uid(e->d_name + plen))
			continue;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		if (!best || st.st_mtim.tv_sec > best_t.tv_sec ||
		    (st.st_mtim.tv_sec == best_t.tv_sec && st.st_mtim.tv_nsec > best_t.tv_nsec)) {
			free(best);
			best = xstrdup(e->d_name + plen);
			best_t = st.st_mtim;
		}
	}
	closedir(d);
	free(prefix);
	return best;
}

void nv_resolve_pod_names(struct nv_opts *o)
{
	size_t i;

	for (i = 0; i < o->npods; i++) {
		char *arg = o->pods[i], *slash = strchr(arg, '/'), *ns, *uid;
		struct tk_strv errs = { 0, NULL };

		if (!slash)
			continue;
		ns = xstrdup(arg);
		ns[slash - arg] = '\0';
		if (tk_validate_dns1123_subdomain(ns, &errs) + tk_validate_dns1123_subdomain(slash + 1, &errs)) {
			tk_strv_free(&errs);
			free(ns);
			tk_usage_error("invalid --pod value '%s' (want a UID or NAMESPACE/NAME)", arg);
		}
		uid = pod_uid(o->root, ns, slash + 1);
		free(ns);
		if (uid) {
			keep_resolved(uid);
			o->pods[i] = uid;
		}
	}
}

bool nv_pod_names_pending(const struct nv_opts *o)
{
	size_t i;

	for (i = 0; i < o->npods; i++)
		if (strchr(o->pods[i], '/'))
			return true;
	return false;
}

int nv_resolve_pod_names_late(const struct nv_opts *o, const struct nv_cgroups *g, struct tk_diag *d)
{
	size_t i, j;

	for (i = 0; i < o->npods; i++) {
		const char *arg = o->pods[i], *slash = strchr(arg, '/'), *uid = NULL;
		size_t nslen;

		if (!slash)
			continue;
		nslen = (size_t)(slash - arg);
		for (j = 0; j < g->n; j++) {
			const struct nv_container *c = &g->c[j];

			if (!c->namespace || !c->pod_name || strlen(c->namespace) != nslen ||
			    strncmp(c->namespace, arg, nslen) || strcmp(c->pod_name, slash + 1))
				continue;
			if (uid && strcmp(uid, c->pod))
				return tk_diag_set(d, "", 0, 0, "pod '%s' is two pods on this node (UIDs %s and %s): "
						   "give one UID", arg, uid, c->pod);
			uid = c->pod;
		}
		if (!uid)
			return tk_diag_set(d, "", 0, 0, "pod '%s' not found in %s nor among the names of "
					   "the containers under kubepods", arg, POD_LOGS);
		keep_resolved(xstrdup(uid));
		o->pods[i] = resolved[nresolved - 1];
	}
	return 0;
}

void nv_pod_names_release(void)
{
	size_t i;

	for (i = 0; i < nresolved; i++)
		free(resolved[i]);
	free(resolved);
	resolved = NULL;
	nresolved = 0;
}
