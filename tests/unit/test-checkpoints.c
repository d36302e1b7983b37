/* test-checkpoints.c - common/checkpoints.c: the Memory Manager and Device
 * Manager checkpoints, with the cases and checksums of the kubelet's
 * state_checkpoint_test.go and of files recorded on real nodes
 * (tests/fixtures/checkpoints/README). Run from the top directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoints.h"
#include "diag.h"
#include "tap.h"

#define FX "tests/fixtures/checkpoints/"

static struct tk_diag d;

static int mem(struct tk_mem_checkpoint *cp, const char *file, const char *policy)
{
	memset(&d, 0, sizeof(d));
	return tk_mem_checkpoint_load(cp, file, policy, &d);
}

static int mem_json(const char *json, const char *policy)
{
	struct tk_mem_checkpoint cp;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = tk_mem_checkpoint_parse(&cp, "t.json", json, strlen(json), policy, &d);
	if (rc == 0)
		tk_mem_checkpoint_release(&cp);
	return rc;
}

static int dev(struct tk_dev_checkpoint *cp, const char *file)
{
	memset(&d, 0, sizeof(d));
	return tk_dev_checkpoint_load(cp, file, &d);
}

static int dev_json(const char *json)
{
	struct tk_dev_checkpoint cp;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = tk_dev_checkpoint_parse(&cp, "t.json", json, strlen(json), &d);
	if (rc == 0)
		tk_dev_checkpoint_release(&cp);
	return rc;
}

int main(void)
{
	struct tk_mem_checkpoint m;
	struct tk_dev_checkpoint v;
	int rc;

	/* ---- memory_manager_state ---- */
	rc = mem(&m, FX "memory-v1.json", "static");
	TAP_OK(rc == 0, "v1 checkpoint with the kubelet's checksum 4215593881 restores: %s", d.msg);
	TAP_OK(m.nnodes == 1 && m.nodes[0].id == 0 && m.nodes[0].ntables == 1, "one NUMA node, one table");
	TAP_OK(rc == 0 && !strcmp(m.nodes[0].tables[0].resource, "memory") &&
	       m.nodes[0].tables[0].total == 2048 && m.nodes[0].tables[0].system_reserved == 512 &&
	       m.nodes[0].tables[0].allocatable == 1536 && m.nodes[0].tables[0].reserved == 512 &&
	       m.nodes[0].tables[0].free == 1024, "memory table total/systemReserved/allocatable/reserved/free");
	TAP_OK(rc == 0 && m.nassign == 1 && !strcmp(m.assign[0].pod, "pod") &&
	       !strcmp(m.assign[0].container, "container1") && m.assign[0].nblocks == 1 &&
	       m.assign[0].blocks[0].nnuma == 1 && m.assign[0].blocks[0].numa[0] == 0 &&
	       !strcmp(m.assign[0].blocks[0].type, "memory") && m.assign[0].blocks[0].size == 512,
	       "entry pod/container1: 512 bytes of memory on NUMA 0");
	tk_mem_checkpoint_release(&m);

	rc = mem(&m, FX "memory-v1-checksum-zero.json", "static");
	TAP_OK(rc == 0 && m.nassign == 1, "checksum 0 is accepted (old file backend)");
	tk_mem_checkpoint_release(&m);

	rc = mem(&m, FX "memory-v1-corrupt.json", "static");
	TAP_OK(rc < 0 && strstr(d.msg, "could not restore state from checkpoint: checkpoint is corrupted, "
				"please drain this node and delete the memory manager checkpoint file \""
				FX "memory-v1-corrupt.json\" before restarting Kubelet"),
	       "wrong checksum: the kubelet's words: %s", d.msg);

	rc = mem(&m, FX "memory-v2-pod-entries.json", "static");
	TAP_OK(rc == 0, "v2 (podEntries) checkpoint with checksum 1278640530 restores: %s", d.msg);
	TAP_OK(rc == 0 && m.nassign == 2 && !strcmp(m.assign[0].container, "container1") &&
	       m.assign[1].container == NULL && m.assign[1].nblocks == 1 &&
	       m.assign[1].blocks[0].size == 512, "container entry, then the pod-level entry");
	tk_mem_checkpoint_release(&m);

	/* v3: the top level is ignored (its checksum is wrong on purpose) */
	rc = mem(&m, FX "memory-v3.json", "static");
	TAP_OK(rc == 0 && m.nassign == 1 && !strcmp(m.assign[0].container, "container1") &&
	       m.assign[0].blocks[0].size == 512 && m.nodes[0].tables[0].total == 2048,
	       "v3: data with dataChecksum 1849615440 restores, the top level is not used: %s", d.msg);
	tk_mem_checkpoint_release(&m);
	rc = mem(&m, FX "memory-v3-unknown-field.json", "static");
	TAP_OK(rc == 0 && m.nassign == 1, "v3: an unknown field in data is ignored (dataChecksum 2100279793): %s", d.msg);
	tk_mem_checkpoint_release(&m);
	rc = mem(&m, FX "memory-v3.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "[memorymanager] configured policy \"none\" differs from state "
				"checkpoint policy \"static\""), "v3: the policy of data is compared: %s", d.msg);
	rc = mem(&m, FX "memory-v3-corrupt.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "could not restore state from checkpoint: could not load v3 checkpoint: "
				"checkpoint is corrupted"), "v3: invalid dataChecksum: %s", d.msg);
	rc = mem(&m, FX "memory-v3-no-checksum.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "could not load v3 checkpoint: checkpoint is corrupted"),
	       "v3: no dataChecksum: %s", d.msg);
	rc = mem(&m, FX "memory-v3-bad-data.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "could not load v3 checkpoint: failed to deserialize memory manager "
				"checkpoint data: "), "v3: data is not JSON: %s", d.msg);
	rc = mem(&m, FX "memory-v3-no-data.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "could not load v3 checkpoint: failed to deserialize memory manager "
				"checkpoint data: unexpected end of JSON input"), "v3: no data: %s", d.msg);

	rc = mem(&m, FX "memory-v1.json", "none");
	TAP_OK(rc < 0 && strstr(d.msg, "[memorymanager] configured policy \"none\" differs from state "
				"checkpoint policy \"static\""), "policy mismatch: %s", d.msg);
	rc = mem(&m, FX "memory-truncated.json", NULL);
	TAP_OK(rc < 0 && d.line > 0, "truncated JSON is an error with a position: %u: %s", d.line, d.msg);
	rc = mem(&m, FX "does-not-exist.json", NULL);
	TAP_OK(rc == 1 && m.nassign == 0, "a missing checkpoint is 1: nothing assigned");
	rc = mem(&m, "tests/fixtures/checkpoints", NULL);
	TAP_OK(rc < 0, "a directory is refused: %s", d.msg);

	TAP_OK(mem_json("{\"policyName\":\"Static\",\"checksum\":0}", "Static") == 0,
	       "no machineState and no entries: empty");
	TAP_OK(mem_json("{\"policyName\":\"Static\",\"machineState\":{\"x\":{}},\"checksum\":0}", NULL) < 0 &&
	       strstr(d.msg, "cannot unmarshal"), "a NUMA key that is not a number: %s", d.msg);
	TAP_OK(mem_json("{\"policyName\":\"Static\",\"machineState\":{\"1\":{},\"01\":{}},\"checksum\":0}", NULL) < 0 &&
	       strstr(d.msg, "duplicate key '1'"), "NUMA keys \"1\" and \"01\" are one key: %s", d.msg);
	TAP_OK(mem_json("{\"policyName\":\"Static\",\"machineState\":{\"0\":{\"memoryMap\":{\"memory\":"
			"{\"total\":-1}}}},\"checksum\":0}", NULL) < 0 && d.line == 1,
	       "a negative uint64: %s", d.msg);
	TAP_OK(mem_json("{\"policyName\":\"Static\",\"entries\":{\"p\":{\"c\":[{\"size\":\"1Gi\"}]}},"
			"\"checksum\":0}", NULL) < 0, "a size that is a string: %s", d.msg);
	TAP_OK(mem_json("{\"policyName\":1,\"checksum\":0}", NULL) < 0, "policyName a number: %s", d.msg);
	TAP_OK(mem_json("[]", NULL) < 0, "not an object: %s", d.msg);
	TAP_OK(mem_json("{\"checksum\":0}", NULL) < 0 && strstr(d.msg, "policy \"\" is no policy"),
	       "without a configured policy, a name no kubelet writes is refused: %s", d.msg);
	TAP_OK(mem_json("{\"PolicyName\":\"static\",\"MachineState\":{\"0\":{\"numberOfAssignments\":0,"
			"\"memoryMap\":{\"memory\":{\"total\":2048,\"systemReserved\":512,\"allocatable\":1536,"
			"\"reserved\":512,\"free\":1024}},\"cells\":[]}},\"Entries\":{\"pod\":{\"container1\":"
			"[{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":512}]}},\"Checksum\":4215593881}",
			"static") == 0, "keys match fields case-insensitively, as encoding/json");
	TAP_OK(mem_json("{\"policyName\":\"static\",\"machineState\":{\"0\":{\"numberOfAssignments\":0,"
			"\"memoryMap\":{\"memory\":{\"total\":2048,\"systemReserved\":512,\"allocatable\":1536,"
			"\"reserved\":512,\"free\":1024}},\"cells\":null}},\"entries\":{\"pod\":{\"container1\":"
			"[{\"numaAffinity\":[0],\"type\":\"memory\",\"size\":512}]}},\"checksum\":4215593881}",
			"static") < 0, "cells null (a nil slice) is not cells [] to the checksum");

	/* ---- kubelet_internal_checkpoint ---- */
	rc = dev(&v, FX "device-registered-only.json");
	TAP_OK(rc == 0, "PodDeviceEntries null with checksum 3952659280: %s", d.msg);
	TAP_OK(rc == 0 && v.nentries == 0 && v.nregistered == 1 &&
	       !strcmp(v.reg_resource[0], "nvidia.com/gpu") && v.reg_count[0] == 1,
	       "one registered GPU, none assigned");
	tk_dev_checkpoint_release(&v);

	rc = dev(&v, FX "device-one-gpu.json");
	TAP_OK(rc == 0, "one entry with AllocResp, checksum 3660592824: %s", d.msg);
	TAP_OK(rc == 0 && v.nentries == 1 && !strcmp(v.entries[0].container, "check") &&
	       !strcmp(v.entries[0].resource, "nvidia.com/gpu") && v.entries[0].nids == 1 &&
	       !strcmp(v.entries[0].ids[0], "tegra") && v.entries[0].numa[0] == -1,
	       "device tegra of container check, without a NUMA node (-1)");
	tk_dev_checkpoint_release(&v);

	rc = dev(&v, FX "device-corrupt.json");
	TAP_OK(rc < 0 && !strcmp(d.msg, "checkpoint is corrupted"), "wrong checksum: %s", d.msg);
	rc = dev(&v, FX "device-old-layout.json");
	TAP_OK(rc < 0 && strstr(d.msg, "cannot unmarshal array into Go value of type "
				"checkpoint.DevicesPerNUMA"), "the 1.19 layout is refused as today's kubelet "
	       "refuses it: %s", d.msg);
	rc = dev(&v, FX "does-not-exist");
	TAP_OK(rc == 1 && v.nentries == 0, "a missing checkpoint is 1");

	TAP_OK(dev_json("{\"Data\":{\"PodDeviceEntries\":[{\"AllocResp\":\"!!!!\"}]},\"Checksum\":1}") < 0 &&
	       strstr(d.msg, "illegal base64"), "bad base64 in AllocResp: %s", d.msg);
	TAP_OK(dev_json("{\"Data\":{\"PodDeviceEntries\":[{\"DeviceIDs\":{\"zero\":[\"a\"]}}]},\"Checksum\":1}") < 0,
	       "a NUMA key that is not a number: %s", d.msg);
	TAP_OK(dev_json("{\"Data\":[],\"Checksum\":1}") < 0, "Data not an object: %s", d.msg);
	TAP_OK(dev_json("{\"Data\":{},\"Checksum\":0}") < 0 && !strcmp(d.msg, "checkpoint is corrupted"),
	       "checksum 0 is not accepted for devices");
	return TAP_DONE();
}
