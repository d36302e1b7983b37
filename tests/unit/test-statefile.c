/* test-statefile.c - common/statefile.c: FNV-32a, the kubelet checkpoint's
 * spew dump and checksum (vectors from the kubelet's state_checkpoint_test.go),
 * owner detection, marshal round trip; the state file's lock, atomic replace,
 * modes and change check; safeopen's regular-only, capped and beneath opens. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "safeopen.h"
#include "statefile.h"
#include "tap.h"

static int parse(struct tk_cpu_checkpoint *cp, const char *json)
{
	struct tk_diag d;

	return tk_cpu_checkpoint_parse(cp, "t.json", json, strlen(json), &d);
}

int main(void)
{
	struct tk_cpu_checkpoint cp, back;
	struct tk_diag d;
	int rc;
	char dir[] = "/tmp/tk-statefile-XXXXXX", path[256], path2[1024], *buf, *json, *dump;
	size_t len;
	int fd, rootfd, walk;
	struct tk_state_file sf, other;
	struct stat st;

	TAP_OK(tk_fnv32a("", 0) == 2166136261u, "FNV-32a of nothing is the offset basis");
	TAP_OK(tk_fnv32a("a", 1) == 0xe40c292cu, "FNV-32a of \"a\"");

	rc = parse(&cp, "{\"policyName\":\"none\",\"defaultCPUSet\":\"4-6\",\"entries\":{},\"checksum\":354655845}");
	TAP_OK(rc == 0, "kubelet test checkpoint with empty entries parses");
	dump = tk_cpu_checkpoint_dump(&cp, "CPUManagerCheckpoint");
	TAP_OK(!strcmp(dump, "(*state.CPUManagerCheckpoint){PolicyName:(string)none DefaultCPUSet:(string)4-6 "
			     "Entries:(map[string]map[string]string)map[] Checksum:(checksum.Checksum)0}"),
	       "spew dump of an empty checkpoint");
	free(dump);
	TAP_OK(tk_cpu_checkpoint_sum(&cp, false) == 354655845u, "kubelet checksum 354655845");
	TAP_OK(tk_cpu_checkpoint_owner(&cp) == TK_CK_OWNER_KUBELET, "recognized as the kubelet's");
	tk_cpu_checkpoint_release(&cp);

	rc = parse(&cp, "{\"policyName\":\"none\",\"defaultCpuSet\":\"1-3\",\"entries\":{\"pod\":"
		      "{\"container2\":\"1-3\",\"container1\":\"4-6\"}},\"checksum\":3610638499}");
	TAP_OK(rc == 0, "kubelet test checkpoint with entries parses");
	TAP_OK(tk_cpu_checkpoint_sum(&cp, false) == 3610638499u, "kubelet checksum 3610638499 (keys sorted)");
	TAP_OK(tk_cpu_checkpoint_owner(&cp) == TK_CK_OWNER_KUBELET, "owner kubelet");
	cp.checksum = 0;
	TAP_OK(tk_cpu_checkpoint_owner(&cp) == TK_CK_OWNER_LEGACY, "checksum 0 is the legacy backend's");
	cp.checksum = 1;
	TAP_OK(tk_cpu_checkpoint_owner(&cp) == TK_CK_OWNER_BAD, "a wrong checksum is bad");

	json = tk_cpu_checkpoint_marshal(&cp, true);
	TAP_OK(!strncmp(json, "{\"policyName\":\"none\",\"defaultCpuSet\":\"1-3\",\"entries\":{\"pod\":"
			      "{\"container1\":\"4-6\",\"container2\":\"1-3\"}},\"checksum\":", 103),
	       "marshal writes the kubelet's layout: fields in order, keys sorted, compact");
	rc = parse(&back, json);
	TAP_OK(rc == 0 && tk_cpu_checkpoint_owner(&back) == TK_CK_OWNER_TOPOKIT,
	       "a topokit-written checkpoint reads back as topokit's");
	tk_cpu_checkpoint_release(&back);
	free(json);

	tk_cpu_checkpoint_set(&cp, "pod", "container1", NULL);
	TAP_OK(cp.nentries == 1 && !strcmp(cp.entries[0].container, "container2"), "set NULL removes an entry");
	len = tk_cpu_checkpoint_remove_pod(&cp, "pod");
	TAP_OK(len == 1 && cp.nentries == 0, "remove_pod");
	json = tk_cpu_checkpoint_marshal(&cp, false);
	TAP_OK(strstr(json, "entries") == NULL, "empty entries are omitted (omitempty)");
	free(json);
	tk_cpu_checkpoint_release(&cp);

	rc = parse(&cp, "{\"policyName\":\"static\",\"defaultCpuSet\":\"0-1\",\"entries\":{\"p\":{\"c\":\"z\"}}}");
	TAP_OK(rc < 0, "a bad cpuset in an entry is an error");
	rc = parse(&cp, "[1,2]");
	TAP_OK(rc < 0, "a list is not a checkpoint");
	rc = parse(&cp, "{\"policyName\":\"static\",\"checksum\":-1}");
	TAP_OK(rc < 0, "a negative checksum is an error");

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/state", dir);
	umask(0);
	rc = tk_state_open(&sf, path, true, 0, &d);
	TAP_OK(rc == 0 && !sf.exists && sf.lock >= 0, "update of a missing file: locked, nothing read");
	rc = tk_state_replace(&sf, "hello", 5, &d);
	TAP_OK(rc == 0 && stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	       "a new state file is 0600 with umask 0");
	/* a second update must wait: --wait 0 gives up at once */
	rc = tk_state_open(&other, path, true, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "still locked"), "a held lock is not granted (%s)", d.msg);
	tk_state_close(&sf);
	rc = tk_state_open(&sf, path, false, 0, &d);
	TAP_OK(rc == 0 && sf.exists && sf.len == 5 && !memcmp(sf.buf, "hello", 5) && sf.lock < 0,
	       "a query reads without a lock");
	tk_state_close(&sf);

	/* an existing file keeps its mode */
	chmod(path, 0640);
	rc = tk_state_open(&sf, path, true, 0, &d);
	rc = rc ? rc : tk_state_replace(&sf, "world", 5, &d);
	TAP_OK(rc == 0 && stat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "a rewrite keeps the mode");
	/* someone (a kubelet) replaces the file between our read and our rename */
	snprintf(path2, sizeof(path2), "%s/state.kubelet", dir);
	fd = open(path2, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	TAP_OK(fd >= 0 && write(fd, "kubelet", 7) == 7 && close(fd) == 0 && rename(path2, path) == 0,
	       "a concurrent writer replaces the file");
	rc = tk_state_replace(&sf, "mine", 4, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "changed since it was read"), "the change is noticed: %s", d.msg);
	rc = tk_read_file(path, &buf, &len, &d);
	TAP_OK(rc == 0 && len == 7 && !memcmp(buf, "kubelet", 7), "and the other writer's content stays");
	free(buf);
	tk_state_close(&sf);
	/* nothing but the state and its lock is left: no temp files */
	snprintf(path2, sizeof(path2), "ls -A %s | grep -v -x -e state -e state.lock | grep -q .", dir);
	TAP_OK(system(path2) != 0, "no temporary file is left behind");

	/* regular files only, refused at once */
	snprintf(path2, sizeof(path2), "%s/fifo", dir);
	TAP_OK(mkfifo(path2, 0600) == 0, "mkfifo");
	rc = tk_state_open(&sf, path2, false, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "not a regular file"), "a FIFO is refused without blocking");
	rc = tk_state_open(&sf, "/dev/zero", false, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "not a regular file"), "/dev/zero is refused");
	rc = tk_state_open(&sf, dir, false, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "not a regular file"), "a directory is refused");
	snprintf(path2, sizeof(path2), "%s/link", dir);
	TAP_OK(symlink("state", path2) == 0, "symlink");
	rc = tk_state_open(&sf, path2, false, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "symbolic link"), "a symbolic link is refused");
	snprintf(path2, sizeof(path2), "%s/link2.lock", dir);
	TAP_OK(symlink("elsewhere", path2) == 0, "symlink as lock file");
	snprintf(path2, sizeof(path2), "%s/link2", dir);
	rc = tk_state_open(&sf, path2, true, 0, &d);
	snprintf(path2, sizeof(path2), "%s/elsewhere", dir);
	TAP_OK(rc < 0 && access(path2, F_OK) != 0, "a lock that is a symlink is refused, nothing created");

	/* the exact cap: one byte over is refused before reading */
	snprintf(path2, sizeof(path2), "%s/big", dir);
	fd = open(path2, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	TAP_OK(fd >= 0 && ftruncate(fd, (off_t)TK_STATE_MAX + 1) == 0 && close(fd) == 0, "a sparse big file");
	rc = tk_state_open(&sf, path2, false, 0, &d);
	TAP_OK(rc < 0 && strstr(d.msg, "too large"), "TK_STATE_MAX + 1 bytes are refused");
	fd = open("/dev/zero", O_RDONLY);
	rc = tk_read_fd(fd, 1000, &buf, &len);
	close(fd);
	TAP_OK(rc == -EFBIG, "a device that never ends stops at the cap");

	/* beneath a root: an absolute symlink and .. stay inside */
	snprintf(path2, sizeof(path2), "mkdir -p %s/root/proc/1 && echo inside >%s/root/proc/1/status && "
		 "echo outside >%s/secret && ln -s /proc/1/status %s/root/abs && ln -s ../../secret %s/root/proc/up",
		 dir, dir, dir, dir, dir);
	TAP_OK(system(path2) == 0, "a recorded tree");
	snprintf(path2, sizeof(path2), "%s/root", dir);
	rootfd = open(path2, O_PATH | O_DIRECTORY);
	for (walk = 0; walk < 2; walk++) {
		char got[16] = "";

		tk_open_beneath_walk_only = walk;
		fd = tk_open_beneath(rootfd, "/proc/1/status", O_RDONLY);
		TAP_OK(fd >= 0 && read(fd, got, sizeof(got) - 1) == 7 && !strcmp(got, "inside\n"),
		       "%s: a plain path inside opens", walk ? "walk" : "openat2");
		if (fd >= 0)
			close(fd);
		fd = tk_open_beneath(rootfd, "/proc/up", O_RDONLY);
		memset(got, 0, sizeof(got));
		TAP_OK(fd < 0 || (read(fd, got, sizeof(got) - 1) >= 0 && strcmp(got, "outside\n")),
		       "%s: a symlink through .. does not leave the root", walk ? "walk" : "openat2");
		if (fd >= 0)
			close(fd);
		fd = tk_open_beneath(rootfd, "/../secret", O_RDONLY);
		TAP_OK(fd < 0, "%s: /../secret is not the file outside", walk ? "walk" : "openat2");
		if (fd >= 0)
			close(fd);
	}
	tk_open_beneath_walk_only = false;
	close(rootfd);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return TAP_DONE();
}
