/* checkpoints.h - the kubelet's Memory Manager and Device Manager checkpoints
 * (read only; the CPU Manager's is in statefile.h).
 *
 * Terminology:
 *   memory checkpoint  /var/lib/kubelet/memory_manager_state
 *                      (pkg/kubelet/cm/memorymanager/state):
 *                        {"policyName":"Static",
 *                         "machineState":{"0":{"numberOfAssignments":1,
 *                            "memoryMap":{"memory":{"total":..,"systemReserved":..,
 *                               "allocatable":..,"reserved":..,"free":..}},
 *                            "cells":[0]}},
 *                         "entries":{"<pod>":{"<container>":
 *                            [{"numaAffinity":[0],"type":"memory","size":..}]}},
 *                         "podEntries":{"<pod>":{"memoryBlocks":[...]}},
 *                         "checksum":4215593881}
 *                      layout v1 has no podEntries; v2 (PodLevelResourceManagers)
 *                      adds it. The checksum covers the struct of either layout.
 *                      Layout v3 holds the v2 struct serialized in the string
 *                      "data" with its own "dataChecksum"; its top-level fields
 *                      are then ignored.
 *   device checkpoint  /var/lib/kubelet/device-plugins/kubelet_internal_checkpoint
 *                      (pkg/kubelet/cm/devicemanager/checkpoint):
 *                        {"Data":{"PodDeviceEntries":[{"PodUID":..,"ContainerName":..,
 *                            "ResourceName":..,"DeviceIDs":{"<numa>":["id",..]},
 *                            "AllocResp":"<base64>"}],
 *                          "RegisteredDevices":{"<resource>":["id",..]}},
 *                         "Checksum":3660592824}
 *                      NUMA key -1: the device has no NUMA node. Today's kubelet
 *                      reads only this layout (the list-of-ids layout of 1.19 and
 *                      older is no longer read: its DeviceIDs fail to unmarshal).
 *   checksum           FNV-32a over the go-spew "%#v" dump of the Go struct
 *                      (k8s.io/utils/dump.ForHash), Checksum shown as 0; for the
 *                      device checkpoint over Data alone. A memory checksum of 0
 *                      is accepted (old file backend); the device one is not.
 *
 * Errors are the kubelet's own words where it would refuse the file (see
 * each function). Nothing here prints or exits.
 */
#ifndef TK_CHECKPOINTS_H
#define TK_CHECKPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_diag;

struct tk_mem_block {
	size_t nnuma;
	int *numa;           /* numaAffinity */
	char *type;          /* "memory", "hugepages-2Mi", ... */
	uint64_t size;       /* bytes */
};

struct tk_mem_assignment {
	char *pod;
	char *container;     /* NULL for a podEntries (pod-level) assignment */
	size_t nblocks;
	struct tk_mem_block *blocks;
};

struct tk_mem_table {
	char *resource;
	uint64_t total, system_reserved, allocatable, reserved, free;
};

struct tk_mem_numa {
	int id;
	long long assignments;      /* numberOfAssignments */
	size_t ntables;
	struct tk_mem_table *tables;
	size_t ncells;
	int *cells;
};

struct tk_mem_checkpoint {
	char *policy_name;
	size_t nnodes;
	struct tk_mem_numa *nodes;          /* by id */
	size_t nassign;
	struct tk_mem_assignment *assign;   /* entries, then podEntries; by pod, container */
	uint64_t checksum;
};

struct tk_dev_entry {
	char *pod, *container, *resource;
	size_t nids;
	char **ids;
	int *numa;                /* NUMA key of each id (-1: none) */
};

struct tk_dev_checkpoint {
	size_t nentries;
	struct tk_dev_entry *entries;
	size_t nregistered;
	char **reg_resource;      /* RegisteredDevices keys, sorted */
	size_t *reg_count;        /* how many ids each */
	uint64_t checksum;
};

/* Parse and verify a memory checkpoint held in buf (name for diagnostics).
 * policy: the configured Memory Manager policy ("Static", "None") or NULL to
 * skip that check. Errors, in the kubelet's words (NewCheckpointState):
 *   could not restore state from checkpoint: checkpoint is corrupted, please
 *   drain this node and delete the memory manager checkpoint file "NAME"
 *   before restarting Kubelet
 * and "[memorymanager] configured policy "X" differs from state checkpoint
 * policy "Y"" in the same frame; a field of the wrong JSON type is a
 * "json: cannot unmarshal" error at its position. Returns 0 or -1. */
int tk_mem_checkpoint_parse(struct tk_mem_checkpoint *cp, const char *name, const char *buf,
			    size_t len, const char *policy, struct tk_diag *d);
/* Parse and verify a device checkpoint. A bad checksum is "checkpoint is
 * corrupted" (the kubelet logs it and starts with no device assigned). */
int tk_dev_checkpoint_parse(struct tk_dev_checkpoint *cp, const char *name, const char *buf,
			    size_t len, struct tk_diag *d);

/* tk_read_checkpoint + parse. Return 0, 1 when the file does not exist (cp
 * empty: nothing assigned), -1 with d filled. */
int tk_mem_checkpoint_load(struct tk_mem_checkpoint *cp, const char *path, const char *policy,
			   struct tk_diag *d);
int tk_dev_checkpoint_load(struct tk_dev_checkpoint *cp, const char *path, struct tk_diag *d);

void tk_mem_checkpoint_release(struct tk_mem_checkpoint *cp);
void tk_dev_checkpoint_release(struct tk_dev_checkpoint *cp);

#endif
