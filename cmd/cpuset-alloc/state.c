/* state.c - cpuset-alloc's side of the CPU Manager state file: lock, read,
 * verify who wrote it, record or release assignments, write back atomically
 * (the file format itself is common/statefile.c). */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "statefile.h"
#include "xalloc.h"

void state_open(struct state *s, const char *path, bool write)
{
	struct tk_diag d;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->lock = tk_lock_path(path, write, &d);
	/* reading the kubelet's own file needs no lock file next to it (the
	 * kubelet does not take ours anyway, and /var/lib/kubelet may not be
	 * writable): only writers must have the lock */
	if (s->lock < 0 && write)
		tk_fatal_diag(&d);
	rc = tk_read_file(path, &buf, &len, &d);
	if (rc < 0)
		tk_fatal_diag(&d);
	if (rc == 1) {
		s->owner = TK_CK_OWNER_TOPOKIT;
		return;
	}
	s->exists = true;
	if (tk_cpu_checkpoint_parse(&s->cp, path, buf, len, &d) < 0)
		tk_fatal_diag(&d);
	free(buf);
	s->owner = tk_cpu_checkpoint_owner(&s->cp);
	if (s->owner == TK_CK_OWNER_BAD)
		tk_fatal("%s: checksum %llu does not match the content (corrupt checkpoint)", path,
			 (unsigned long long)s->cp.checksum);
}

/* CPUs recorded in the state's entries (all of them, or all but one pod). */
void state_assigned(const struct state *s, struct cpuset *dst)
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

void state_commit(struct state *s, bool force, const struct cpuset *pool)
{
	struct tk_diag d;
	struct cpuset assigned = CPUSET_INIT, def = CPUSET_INIT;
	bool kubelet = s->owner == TK_CK_OWNER_KUBELET || s->owner == TK_CK_OWNER_LEGACY;
	char *json;

	if (s->exists && kubelet && !force)
		tk_fatal("%s: refusing to write a state file the kubelet wrote (its checksum is the kubelet's); use --force",
			 s->path);
	state_assigned(s, &assigned);
	cpuset_copy(&def, pool);
	cpuset_andnot(&def, &assigned);
	if (!s->cp.policy_name)
		s->cp.policy_name = xstrdup("static");
	free(s->cp.default_cpuset);
	s->cp.default_cpuset = cpuset_format_list(&def);
	/* a forced write keeps the kubelet's checksum so the kubelet still reads it */
	json = tk_cpu_checkpoint_marshal(&s->cp, !(s->exists && kubelet));
	if (tk_atomic_write(s->path, json, strlen(json), 0644, &d) < 0)
		tk_fatal_diag(&d);
	free(json);
	cpuset_release(&assigned);
	cpuset_release(&def);
}

void state_close(struct state *s)
{
	tk_unlock(s->lock);
	tk_cpu_checkpoint_release(&s->cp);
}


const char *find_entry(const struct state *s, const char *pod, const char *container)
{
	size_t i;

	for (i = 0; i < s->cp.nentries; i++)
		if (!strcmp(s->cp.entries[i].pod, pod) && !strcmp(s->cp.entries[i].container, container))
			return s->cp.entries[i].cpus;
	return NULL;
}
