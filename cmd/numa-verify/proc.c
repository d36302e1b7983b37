/* proc.c - one process from /proc/PID: status, numa_maps, task/.
 *
 * numa_maps is counted as numastat -p counts it (numactl numastat.c,
 * show_process_info): every "N<node>=<pages>" field of every mapping is
 * summed per node. numastat converts pages with the base page size, or the
 * default huge page size when the mapping is "huge"; we use each mapping's
 * own kernelpagesize_kB (exact for 1 GiB pages too) and fall back to
 * numastat's rule when the field is missing (kernels before 3.7).
 *
 * A process can exit between any two reads: ENOENT/ESRCH then means
 * "vanished" and the caller skips it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpuset.h"
#include "diag.h"
#include "nv.h"
#include "safeopen.h"
#include "xalloc.h"

void nv_sys_init(struct nv_sys *s, const char *root)
{
	char *buf;
	const char *p;

	memset(s, 0, sizeof(*s));
	s->root = root;
	s->page_size = sysconf(_SC_PAGESIZE);
	if (s->page_size <= 0)
		s->page_size = 4096;
	s->huge_page_size = 2048 * 1024;
	s->threads = true;
	if (nv_read_file(root, "/proc/meminfo", &buf, NULL) == 0) {
		p = strstr(buf, "Hugepagesize:");
		if (p) {
			long kb = strtol(p + 13, NULL, 10);

			if (kb > 0 && kb < (1L << 30))
				s->huge_page_size = kb * 1024;
		}
		free(buf);
	}
}

void nv_proc_release(struct nv_proc *p)
{
	size_t i;

	free(p->comm);
	cpuset_release(&p->cpus);
	cpuset_release(&p->mems);
	cpuset_release(&p->cpu_numa);
	free(p->mem);
	free(p->mem_error);
	cpuset_release(&p->bind_nodes);
	for (i = 0; i < p->nthreads; i++) {
		free(p->threads[i].comm);
		cpuset_release(&p->threads[i].cpus);
		cpuset_release(&p->threads[i].cpu_numa);
	}
	free(p->threads);
	nv_strv_free(&p->reasons);
	memset(p, 0, sizeof(*p));
}

static bool vanished(int err)
{
	return err == -ENOENT || err == -ESRCH || err == -ENOTDIR;
}

/* Value of "Key:\t..." in a status text, up to the newline; NULL if absent.
 * Returns a pointer into buf and sets *len. */
static const char *status_field(const char *buf, const char *key, size_t *len)
{
	size_t kl = strlen(key);
	const char *p = buf;

	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1, *e;

			while (*v == ' ' || *v == '\t')
				v++;
			e = strchr(v, '\n');
			*len = e ? (size_t)(e - v) : strlen(v);
			return v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

/* A cpulist field of a status text into dst. Returns 0, 1 when the field is
 * absent, -1 with d filled when it does not parse. */
static int status_cpulist(const char *file, const char *buf, const char *field,
			  struct cpuset *dst, struct tk_diag *d)
{
	size_t len;
	const char *v = status_field(buf, field, &len);
	char *text;
	int rc;

	if (!v)
		return 1;
	text = xstrndup(v, len);
	rc = cpuset_parse_list(dst, text, CPUSET_MAX_ID, NULL);
	if (rc)
		tk_diag_set(d, file, 0, 0, "invalid %s '%s'", field, text);
	free(text);
	return rc ? -1 : 0;
}

/* Fill comm, cpus, mems (and kthread) from a status text. */
static int parse_status(const char *file, const char *buf, char **comm, struct cpuset *cpus,
			struct cpuset *mems, bool *kthread, struct tk_diag *d)
{
	const char *v;
	size_t len;
	int rc;

	v = status_field(buf, "Name", &len);
	if (!v)
		return tk_diag_set(d, file, 0, 0, "no 'Name:' line");
	*comm = xstrndup(v, len);
	rc = status_cpulist(file, buf, "Cpus_allowed_list", cpus, d);
	if (rc > 0)
		return tk_diag_set(d, file, 0, 0, "no 'Cpus_allowed_list:' line");
	/* Mems_allowed_list is optional (kernels without NUMA) */
	if (rc < 0 || status_cpulist(file, buf, "Mems_allowed_list", mems, d) < 0)
		return -1;
	if (kthread)
		*kthread = status_field(buf, "VmSize", &len) == NULL;
	return 0;
}

static struct nv_mem *mem_slot(struct nv_proc *p, int node)
{
	size_t i, j;

	for (i = 0; i < p->nmem; i++) {
		if (p->mem[i].node == node)
			return &p->mem[i];
		if (p->mem[i].node > node)
			break;
	}
	p->mem = xreallocarray(p->mem, p->nmem + 1, sizeof(*p->mem));
	for (j = p->nmem; j > i; j--)
		p->mem[j] = p->mem[j - 1];
	p->nmem++;
	p->mem[i].node = node;
	p->mem[i].pages = 0;
	p->mem[i].bytes = 0;
	return &p->mem[i];
}

/* Strict unsigned decimal in [s, e): returns -1 on junk or overflow. */
static int parse_u64(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;

	if (s == e)
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

#define NV_MAX_LINE_NODES 64

int nv_parse_numa_maps(const struct nv_sys *s, const char *file, const char *buf,
		       struct nv_proc *p, struct tk_diag *d)
{
	const char *line = buf;
	unsigned lineno = 0;

	while (*line) {
		const char *end = strchr(line, '\n'), *q, *tok;
		int nodes[NV_MAX_LINE_NODES];
		uint64_t counts[NV_MAX_LINE_NODES];
		size_t nn = 0, i;
		uint64_t kpage = 0;
		bool huge = false;
		int ntok = 0;

		if (!end)
			end = line + strlen(line);
		lineno++;
		q = line;
		while (q < end) {
			const char *te;

			while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
				q++;
			if (q >= end)
				break;
			tok = q;
			while (q < end && *q != ' ' && *q != '\t' && *q != '\r')
				q++;
			te = q;
			ntok++;
			if (ntok == 1) {
				/* the mapping's start address */
				const char *h;

				for (h = tok; h < te; h++)
					if (!isxdigit((unsigned char)*h))
						return tk_diag_set(d, file, lineno, (unsigned)(tok - line) + 1,
								   "expected a hexadecimal address, got '%.*s'",
								   (int)(te - tok > 40 ? 40 : te - tok), tok);
				continue;
			}
			if (ntok == 2) {
				/* memory policy: "bind:1", "prefer=static:0", "default" ... */
				const char *colon = memchr(tok, ':', (size_t)(te - tok));

				if (colon && (!strncmp(tok, "bind", 4) || !strncmp(tok, "prefer", 6))) {
					struct cpuset pn = CPUSET_INIT;
					char *list = xstrndup(colon + 1, (size_t)(te - colon - 1));

					if (cpuset_parse_list(&pn, list, CPUSET_MAX_ID, NULL) == 0) {
						cpuset_or(&p->bind_nodes, &pn);
						p->bind_maps++;
					}
					free(list);
					cpuset_release(&pn);
				}
				continue;
			}
			if (te - tok == 4 && !strncmp(tok, "huge", 4)) {
				huge = true;
			} else if (tok[0] == 'N' && te - tok > 1 && isdigit((unsigned char)tok[1])) {
				const char *eq = memchr(tok, '=', (size_t)(te - tok));
				uint64_t node, cnt;

				if (!eq || parse_u64(tok + 1, eq, &node) || parse_u64(eq + 1, te, &cnt) ||
				    node > CPUSET_MAX_ID)
					return tk_diag_set(d, file, lineno, (unsigned)(tok - line) + 1,
							   "invalid node page count '%.*s'",
							   (int)(te - tok > 40 ? 40 : te - tok), tok);
				if (nn == NV_MAX_LINE_NODES)
					return tk_diag_set(d, file, lineno, (unsigned)(tok - line) + 1,
							   "more than %d node counts on one line", NV_MAX_LINE_NODES);
				nodes[nn] = (int)node;
				counts[nn++] = cnt;
			} else if (te - tok > 18 && !strncmp(tok, "kernelpagesize_kB=", 18)) {
				if (parse_u64(tok + 18, te, &kpage) || kpage == 0 || kpage > (1u << 30))
					return tk_diag_set(d, file, lineno, (unsigned)(tok - line) + 1,
							   "invalid '%.*s'",
							   (int)(te - tok > 40 ? 40 : te - tok), tok);
			}
		}
		if (ntok == 1)
			return tk_diag_set(d, file, lineno, 0, "line has an address but no policy");
		for (i = 0; i < nn; i++) {
			uint64_t size = kpage ? kpage * 1024 :
				(uint64_t)(huge ? s->huge_page_size : s->page_size);
			struct nv_mem *m = mem_slot(p, nodes[i]);
			uint64_t bytes;

			if (counts[i] > UINT64_MAX / size)
				return tk_diag_set(d, file, lineno, 0, "page count too large");
			bytes = counts[i] * size;
			m->bytes += bytes;
			m->pages += bytes / (uint64_t)s->page_size;
			p->total_bytes += bytes;
		}
		line = *end ? end + 1 : end;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Threads of pid whose Cpus_allowed_list differs from the process's. */
static void read_threads(const struct nv_sys *s, struct nv_proc *p)
{
	char *dpath = xasprintf("/proc/%d/task", p->pid);
	DIR *dir = nv_opendir(s->root, dpath);
	struct dirent *de;
	int *tids = NULL;
	size_t ntids = 0, i;

	free(dpath);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char *end;
		long tid = strtol(de->d_name, &end, 10);

		if (*end || tid <= 0 || tid == p->pid || tid > 0x7fffffff)
			continue;
		tids = xreallocarray(tids, ntids + 1, sizeof(*tids));
		tids[ntids++] = (int)tid;
	}
	closedir(dir);
	if (ntids > 1)
		qsort(tids, ntids, sizeof(*tids), cmp_int);
	for (i = 0; i < ntids; i++) {
		char *path = xasprintf("/proc/%d/task/%d/status", p->pid, tids[i]);
		struct cpuset cpus = CPUSET_INIT, mems = CPUSET_INIT;
		char *buf, *comm = NULL;
		struct tk_diag d;

		if (nv_read_file(s->root, path, &buf, NULL) == 0) {
			if (parse_status(path, buf, &comm, &cpus, &mems, NULL, &d) == 0 &&
			    !cpuset_equal(&cpus, &p->cpus)) {
				struct nv_thread *t;

				p->threads = xreallocarray(p->threads, p->nthreads + 1, sizeof(*p->threads));
				t = &p->threads[p->nthreads++];
				memset(t, 0, sizeof(*t));
				t->tid = tids[i];
				t->comm = comm;
				comm = NULL;
				cpuset_copy(&t->cpus, &cpus);
			}
			free(buf);
		}
		free(comm);
		free(path);
		cpuset_release(&cpus);
		cpuset_release(&mems);
	}
	free(tids);
}

int nv_proc_read(const struct nv_sys *s, int pid, struct nv_proc *p, struct tk_diag *d)
{
	char path[64];
	char *buf;
	int rc;
	bool single = false;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->local_tenths = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	rc = nv_read_file(s->root, path, &buf, NULL);
	if (rc) {
		if (vanished(rc))
			return 1;
		return tk_diag_set(d, path, 0, 0, "cannot read: %s", tk_strerror(-rc));
	}
	rc = parse_status(path, buf, &p->comm, &p->cpus, &p->mems, &p->kthread, d);
	{
		size_t len;
		const char *th = status_field(buf, "Threads", &len);

		/* one thread: task/ holds only the process itself */
		single = th && len == 1 && th[0] == '1';
	}
	free(buf);
	if (rc)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	rc = nv_read_file(s->root, path, &buf, NULL);
	if (rc) {
		char *dir = xasprintf("/proc/%d", pid);
		bool gone = !nv_exists(s->root, dir, NULL);

		free(dir);
		/* exited between the two reads: skip it like numastat would have */
		if (vanished(rc) && (rc != -ENOENT || gone))
			return 1;
		p->mem_error = xasprintf("cannot read %s: %s", path, tk_strerror(-rc));
	} else {
		struct tk_diag md;

		if (nv_parse_numa_maps(s, path, buf, p, &md)) {
			p->mem_error = xasprintf("%s:%u:%u: %s", md.file, md.line, md.col, md.msg);
			cpuset_clear_all(&p->bind_nodes);
			p->bind_maps = 0;
			free(p->mem);
			p->mem = NULL;
			p->nmem = 0;
			p->total_bytes = 0;
		}
		free(buf);
	}
	if (s->threads && !single)
		read_threads(s, p);
	return 0;
}

int *nv_list_pids(const char *root, size_t *n, struct tk_diag *d)
{
	DIR *dir = nv_opendir(root, "/proc");
	struct dirent *de;
	int *pids = NULL;
	size_t cap = 0;

	*n = 0;
	if (!dir) {
		char *full = nv_path(root, "/proc");

		tk_diag_set(d, full, 0, 0, "cannot open: %s", tk_strerror(errno));
		free(full);
		return NULL;
	}
	while ((de = readdir(dir))) {
		char *end;
		long pid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > 0x7fffffff)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			pids = xreallocarray(pids, cap, sizeof(*pids));
		}
		pids[(*n)++] = (int)pid;
	}
	closedir(dir);
	if (*n > 1)
		qsort(pids, *n, sizeof(*pids), cmp_int);
	if (!pids)
		pids = xmalloc(sizeof(*pids));
	return pids;
}
