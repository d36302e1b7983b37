/* test-statefile.c - common/statefile.c: FNV-32a, the kubelet checkpoint's
 * spew dump and checksum (vectors from the kubelet's state_checkpoint_test.go),
 * owner detection, marshal round trip, atomic write and lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
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
	char dir[] = "/tmp/tk-statefile-XXXXXX", path[256], *buf, *json, *dump;
	size_t len;
	int fd;

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
	fd = tk_lock_path(path, true, &d);
	TAP_OK(fd >= 0, "lock taken");
	rc = tk_atomic_write(path, "hello", 5, 0644, &d);
	TAP_OK(rc == 0, "atomic write");
	rc = tk_read_file(path, &buf, &len, &d);
	TAP_OK(rc == 0 && len == 5 && !memcmp(buf, "hello", 5), "read back");
	free(buf);
	tk_unlock(fd);
	snprintf(path, sizeof(path), "%s/none", dir);
	rc = tk_read_file(path, &buf, &len, &d);
	TAP_OK(rc == 1 && buf == NULL, "a missing file reads as 1");
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return 1;
	return TAP_DONE();
}
