/* kflags.c - --kubelet-config running: what the kubelet on this node runs
 * with, since the guide's advice is about its flags
 * (--cpu-manager-policy=static) as much as its config file. The flags come
 * from the process named kubelet (/proc/PID/cmdline), else from kubeadm's
 * /var/lib/kubelet/kubeadm-flags.env (KUBELET_KUBEADM_ARGS, with the config
 * file kubeadm's systemd drop-in passes). Flags win over the file, as in
 * the kubelet.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "nv.h"
#include "numparse.h"
#include "xalloc.h"

#define KUBEADM_FLAGS "/var/lib/kubelet/kubeadm-flags.env"
#define KUBEADM_CONFIG "/var/lib/kubelet/config.yaml"

struct kargs {
	struct nv_kflags f;
	const char *config;
};

/* One flag of the kubelet's pflag command line: --name=value or --name value
 * (every flag read here takes a value). Returns how many arguments it used. */
static size_t take_flag(struct kargs *a, char **argv, size_t i, size_t n)
{
	static const struct { const char *name; size_t off; } known[] = {
		{ "config", offsetof(struct kargs, config) },
		{ "cpu-manager-policy", offsetof(struct kargs, f.cpu_policy) },
		{ "topology-manager-policy", offsetof(struct kargs, f.tm_policy) },
		{ "topology-manager-scope", offsetof(struct kargs, f.tm_scope) },
		{ "memory-manager-policy", offsetof(struct kargs, f.mm_policy) },
		{ "reserved-cpus", offsetof(struct kargs, f.reserved_cpus) },
	};
	const char *arg = argv[i], *eq;
	size_t k, len;

	if (strncmp(arg, "--", 2))
		return 1;
	arg += 2;
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	for (k = 0; k < sizeof(known) / sizeof(known[0]); k++) {
		if (strlen(known[k].name) != len || strncmp(known[k].name, arg, len))
			continue;
		if (!eq && i + 1 >= n)
			return 1;
		*(const char **)((char *)a + known[k].off) = eq ? eq + 1 : argv[i + 1];
		return eq ? 1 : 2;
	}
	return 1;
}

static void take_flags(struct kargs *a, char **argv, size_t n)
{
	size_t i = 0;

	while (i < n)
		i += take_flag(a, argv, i, n);
}

/* The lowest PID whose comm is "kubelet", or 0. */
static long find_kubelet(const char *root)
{
	DIR *d = nv_opendir(root, "/proc");
	struct dirent *e;
	long best = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		long long pid;
		char path[64], *comm;
		size_t len;

		if (tk_parse_ll(e->d_name, 1, 4194304, &pid) || (best && pid >= best))
			continue;
		snprintf(path, sizeof(path), "/proc/%lld/comm", pid);
		if (nv_read_file(root, path, &comm, &len))
			continue;
		if (!strcmp(comm, "kubelet\n") || !strcmp(comm, "kubelet"))
			best = (long)pid;
		free(comm);
	}
	closedir(d);
	return best;
}

/* Split buf at NULs (a cmdline) or, with words, at blanks after stripping
 * quotes (a shell assignment's value); pointers into buf. */
static char **split(char *buf, size_t len, bool words, size_t *n)
{
	char **v = NULL, *p = buf, *end = buf + len;

	*n = 0;
	if (words) {
		for (char *q = buf; q < end; q++)
			if (*q == '"' || *q == '\'' || *q == ' ' || *q == '\t' || *q == '\n')
				*q = '\0';
	}
	while (p < end) {
		size_t l = strnlen(p, (size_t)(end - p));

		if (l) {
			v = xreallocarray(v, *n + 1, sizeof(*v));
			v[(*n)++] = p;
		}
		p += l + 1;
	}
	return v;
}

int nv_running_kubelet_find(struct nv_running_kubelet *rk, const char *root, struct tk_diag *d)
{
	struct kargs a;
	char path[64];
	size_t n = 0;
	long pid = find_kubelet(root);

	memset(rk, 0, sizeof(*rk));
	memset(&a, 0, sizeof(a));
	if (pid) {
		size_t len = 0;

		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		if (nv_read_input(root, path, path, &rk->buf, &len, d) < 0)
			return -1;
		rk->argv = split(rk->buf, len, false, &n);
		take_flags(&a, rk->argv, n);
	} else if (nv_read_file(root, KUBEADM_FLAGS, &rk->buf, &n) == 0) {
		char *line = strstr(rk->buf, "KUBELET_KUBEADM_ARGS=");

		if (line) {
			char *eol = strchr(line, '\n');

			line += strlen("KUBELET_KUBEADM_ARGS=");
			rk->argv = split(line, eol ? (size_t)(eol - line) : strlen(line), true, &n);
			take_flags(&a, rk->argv, n);
		}
		/* kubeadm's drop-in passes --config=/var/lib/kubelet/config.yaml */
		if (!a.config && nv_exists(root, KUBEADM_CONFIG, NULL))
			a.config = KUBEADM_CONFIG;
	} else {
		return tk_diag_set(d, "--kubelet-config running", 0, 0,
				   "no kubelet process in /proc and no %s", KUBEADM_FLAGS);
	}
	if (pid)
		snprintf(rk->label, sizeof(rk->label), "kubelet pid %ld: %s", pid, a.config ? a.config : "(no --config)");
	else
		snprintf(rk->label, sizeof(rk->label), "%s: %s", KUBEADM_FLAGS, a.config ? a.config : "(no --config)");
	rk->flags = a.f;
	rk->config = a.config;
	return 0;
}

void nv_running_kubelet_release(struct nv_running_kubelet *rk)
{
	free(rk->argv);
	free(rk->buf);
	memset(rk, 0, sizeof(*rk));
}

int nv_kcfg_check_running(struct nv_kcfg *k, const char *root, const struct nv_topo *t, struct tk_diag *d)
{
	struct nv_running_kubelet rk;
	int rc;

	if (nv_running_kubelet_find(&rk, root, d) < 0)
		return -1;
	rc = nv_kcfg_check_flags(k, root, rk.config, rk.label, &rk.flags, t, d);
	nv_running_kubelet_release(&rk);
	return rc;
}
