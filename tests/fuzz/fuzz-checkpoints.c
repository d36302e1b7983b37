/* fuzz-checkpoints.c - libFuzzer target: the kubelet's memory_manager_state and
 * kubelet_internal_checkpoint parse (checksum included) or fail cleanly, and
 * what parses is whole: every block and device has its NUMA nodes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoints.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_mem_checkpoint m;
	struct tk_dev_checkpoint v;
	struct tk_diag d;
	size_t i, j;

	if (tk_mem_checkpoint_parse(&m, "fuzz", (const char *)data, size, NULL, &d) == 0) {
		for (i = 0; i < m.nassign; i++)
			for (j = 0; j < m.assign[i].nblocks; j++)
				if (m.assign[i].blocks[j].nnuma && !m.assign[i].blocks[j].numa)
					abort();
		tk_mem_checkpoint_release(&m);
	}
	if (tk_dev_checkpoint_parse(&v, "fuzz", (const char *)data, size, &d) == 0) {
		for (i = 0; i < v.nentries; i++)
			if (v.entries[i].nids && (!v.entries[i].ids || !v.entries[i].numa))
				abort();
		tk_dev_checkpoint_release(&v);
	}
	return 0;
}
