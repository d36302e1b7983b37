/* fuzz-statefile.c - libFuzzer target: cpu_manager_state checkpoints parse or
 * fail cleanly; what parses marshals, reparses and carries topokit's checksum. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "statefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tk_cpu_checkpoint cp, again;
	struct tk_diag d;
	char *out;

	memset(&cp, 0, sizeof(cp));
	if (tk_cpu_checkpoint_parse(&cp, "fuzz", (const char *)data, size, &d) != 0)
		return 0;
	(void)tk_cpu_checkpoint_owner(&cp);
	out = tk_cpu_checkpoint_marshal(&cp, true);
	memset(&again, 0, sizeof(again));
	if (tk_cpu_checkpoint_parse(&again, "again", out, strlen(out), &d) != 0)
		abort();
	if (tk_cpu_checkpoint_owner(&again) != TK_CK_OWNER_TOPOKIT || again.nentries != cp.nentries)
		abort();
	tk_cpu_checkpoint_release(&again);
	tk_cpu_checkpoint_release(&cp);
	free(out);
	return 0;
}
