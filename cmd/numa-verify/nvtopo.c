/* nvtopo.c - the topology from a topokit NodeTopology document (-t). */
#include <string.h>

#include "cpuset.h"
#include "nv.h"
#include "topo.h"
#include "xalloc.h"

int nv_topo_from_file(struct nv_topo *t, const char *path, struct tk_diag *d)
{
	struct topo tp;
	size_t i;

	memset(t, 0, sizeof(*t));
	topo_init(&tp);
	if (topo_load(&tp, path, d)) {
		topo_release(&tp);
		return -1;
	}
	t->source = xstrdup(path);
	cpuset_copy(&t->cpus, &tp.all);
	t->nodes = xcalloc(tp.nnuma ? tp.nnuma : 1, sizeof(*t->nodes));
	for (i = 0; i < tp.nnuma; i++) {
		t->nodes[i].id = tp.numa[i].id;
		cpuset_copy(&t->nodes[i].cpus, &tp.numa[i].cpus);
	}
	t->n = tp.nnuma;
	topo_release(&tp);
	return 0;
}
