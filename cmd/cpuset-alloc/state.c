/* state.c - cpuset-alloc's side of the CPU Manager state file: read, verify
 * who wrote it, record or release assignments, write back (locking, atomic
 * replacement and the checks around them are common/statefile.c). */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "statefile.h"
#include "xalloc.h"

void ca_state_open(struct state *s, const char *path, bool write, double wait_s)
{
	struct tk_diag d;

	memset(s, 0, sizeof(*s));
	s->path = path;
	/* a query takes no lock: writers replace the file by rename, so it
	 * reads the old or the new content, and creates nothing next to it */
	if (tk_state_open(&s->sf, path, write, wait_s, &d) < 0)
		tk_fatal_diag(&d);
	if (!s->sf.exists) {
		s->owner = TK_CK_OWNER_TOPOKIT;
		return;
	}
	s->exists = true;
	if (tk_cpu_checkpoint_parse(&s->cp, path, s->sf.buf, s->sf.len, &d) < 0) {
		tk_state_close(&s->sf);
		tk_fatal_diag(&d);
	}
	s->owner = tk_cpu_checkpoint_owner(&s->cp);
	if (s->owner == TK_CK_OWNER_BAD) {
		tk_state_close(&s->sf);
		tk_fatal("%s: checksum %llu does not match the content (corrupt checkpoint)", path,
			 (unsigned long long)s->cp.checksum);
	}
}

/* CPUs recorded in the state's entries (all of them, or all but one pod). */
void ca_state_assigned(const struct state *s, struct cpuset *dst)
{
	struct cpuset one = CPUSET_INIT;
	size_t i;

	cpuset_clear_all(dst);
	for (i = 0; i < s->cp.nentries; i++) {
		cpuset_parse_list(&one, s->cp.entries[i].cpus, CPUSET_MAX_ID, NULL);
		cpuset_or(dst, &one);
	}
	cpuset_release(&one);
}

int ca_state_commit(struct state *s, bool force, const struct cpuset *pool, struct tk_diag *d)
{
	struct cpuset assigned = CPUSET_INIT, def = CPUSET_INIT;
	bool kubelet = s->owner == TK_CK_OWNER_KUBELET || s->owner == TK_CK_OWNER_LEGACY;
	char *json;
	int rc;

	if (s->exists && kubelet && !force)
		return tk_diag_set(d, s->path, 0, 0,
				   "refusing to write a state file the kubelet wrote (its checksum is the kubelet's); use --force");
	ca_state_assigned(s, &assigned);
	cpuset_copy(&def, pool);
	cpuset_andnot(&def, &assigned);
	if (!s->cp.policy_name)
		s->cp.policy_name = xstrdup("static");
	free(s->cp.default_cpuset);
	s->cp.default_cpuset = cpuset_format_list(&def);
	/* a forced write keeps the kubelet's checksum so the kubelet still reads it */
	json = tk_cpu_checkpoint_marshal(&s->cp, !(s->exists && kubelet));
	free(s->before);
	s->before = NULL;
	s->before_len = s->sf.len;
	if (s->sf.exists) {
		s->before = xmalloc(s->sf.len + 1);
		memcpy(s->before, s->sf.buf, s->sf.len + 1);
	}
	rc = tk_state_replace(&s->sf, json, strlen(json), d);
	s->committed = rc == 0;
	free(json);
	cpuset_release(&assigned);
	cpuset_release(&def);
	return rc;
}

int ca_state_undo(struct state *s, struct tk_diag *d)
{
	if (!s->committed)
		return 0;
	if (tk_state_replace(&s->sf, s->before, s->before_len, d) < 0)
		return -1;
	s->committed = false;
	return 0;
}

void ca_state_close(struct state *s)
{
	tk_state_close(&s->sf);
	tk_cpu_checkpoint_release(&s->cp);
	free(s->before);
	s->before = NULL;
}

const char *ca_find_entry(const struct state *s, const char *pod, const char *container)
{
	size_t i;

	for (i = 0; i < s->cp.nentries; i++)
		if (!strcmp(s->cp.entries[i].pod, pod) && !strcmp(s->cp.entries[i].container, container))
			return s->cp.entries[i].cpus;
	return NULL;
}
