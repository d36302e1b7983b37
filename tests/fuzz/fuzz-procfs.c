/* fuzz-procfs.c - libFuzzer target: numa-verify's readers of /proc/PID/status,
 * /proc/PID/numa_maps and /proc/meminfo, and of a container runtime's bundle
 * (names.c), through the same calls the tool makes. The input is status, NUL,
 * numa_maps, NUL, meminfo, NUL, config.json (missing parts are empty); they
 * become files of a fake root, as numa-verify --root reads them (config.json
 * as containerd's bundle and as docker's config.v2.json). These readers
 * return errors instead of exiting, so leaks count here. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "nv.h"

int tool_main(int argc, char **argv);
void tk_fuzz_exit(int code) __attribute__((noreturn));
int tk_fuzz_atexit(void (*fn)(void));

/* No reader may exit: if one does, that is a finding. */
void tk_fuzz_exit(int code)
{
	fprintf(stderr, "fuzz-procfs: a /proc reader called exit(%d)\n", code);
	abort();
}

int tk_fuzz_atexit(void (*fn)(void))
{
	(void)fn;
	return 0;
}

static char root[64];

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void put(const char *rel, const uint8_t *data, size_t size)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fp = fopen(path, "wb");
	if (!fp)
		abort();
	fwrite(data, 1, size, fp);
	fclose(fp);
}

/* length of the input's next part: up to a NUL or the end */
static size_t part_length(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);

	return nul ? (size_t)(nul - data) : size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *parts[4];
	size_t lens[4];
	struct nv_container ctr;
	struct nv_cgroups cg;
	struct nv_kdir kd = { NULL, "/var/lib/kubelet" };
	bool want = true;
	struct nv_sys sys;
	struct nv_proc proc;
	struct tk_diag d;
	int i;

	if (!root[0]) {
		static const char *const dirs[] = {
			"", "/proc", "/proc/1", "/run", "/run/containerd",
			"/run/containerd/io.containerd.runtime.v2.task",
			"/run/containerd/io.containerd.runtime.v2.task/k8s.io",
			"/run/containerd/io.containerd.runtime.v2.task/k8s.io/" CID, "/var", "/var/lib",
			"/var/lib/docker", "/var/lib/docker/containers", "/var/lib/docker/containers/" CID,
		};
		char dir[256];

		snprintf(root, sizeof(root), "/tmp/fuzz-procfs-%d", (int)getpid());
		for (i = 0; i < (int)(sizeof(dirs) / sizeof(dirs[0])); i++) {
			snprintf(dir, sizeof(dir), "%s%s", root, dirs[i]);
			if (mkdir(dir, 0700) && errno != EEXIST)
				abort();
		}
	}
	for (i = 0; i < 4; i++) {
		parts[i] = data;
		lens[i] = part_length(data, size);
		if (lens[i] < size) {
			data += lens[i] + 1;
			size -= lens[i] + 1;
		} else {
			data += size;
			size = 0;
		}
	}
	put("/proc/1/status", parts[0], lens[0]);
	put("/proc/1/numa_maps", parts[1], lens[1]);
	put("/proc/meminfo", parts[2], lens[2]);
	put("/run/containerd/io.containerd.runtime.v2.task/k8s.io/" CID "/config.json", parts[3], lens[3]);
	put("/var/lib/docker/containers/" CID "/config.v2.json", parts[3], lens[3]);

	nv_sys_init(&sys, root);
	sys.threads = false;
	nv_proc_read(&sys, 1, &proc, &d);
	nv_proc_release(&proc);

	/* numa_maps alone, as a string (a NUL in the file ends it here too) */
	{
		char *text = malloc(lens[1] + 1);

		memcpy(text, parts[1], lens[1]);
		text[lens[1]] = '\0';
		memset(&proc, 0, sizeof(proc));
		nv_parse_numa_maps(&sys, "/proc/1/numa_maps", text, &proc, &d);
		nv_proc_release(&proc);
		free(text);
	}

	/* the bundle names a container of unknown runtime: every file is tried */
	memset(&ctr, 0, sizeof(ctr));
	ctr.pod = strdup("00000000-0000-4000-8000-000000000001");
	ctr.id = strdup(CID);
	ctr.runtime = strdup("unknown");
	ctr.qos = strdup("guaranteed");
	ctr.cgroup = strdup("/kubepods/pod1/" CID);
	ctr.runtime_sandbox = -1;
	cg.version = 2;
	cg.driver = strdup("cgroupfs");
	cg.n = 1;
	cg.c = malloc(sizeof(ctr));
	cg.c[0] = ctr;
	kd.root = root;
	nv_name_containers(&cg, root, &kd, &want, true);
	nv_cgroups_release(&cg);
	return 0;
}
