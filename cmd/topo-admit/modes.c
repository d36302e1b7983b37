/* modes.c - the two modes beside pod mode: --hints merges given provider
 * hints under a policy (policy.go alone), --cpu-hints lists the CPU
 * Manager's hints for N CPUs. Each loads its inputs, computes, renders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cpuset.h"
#include "diag.h"
#include "exitcodes.h"
#include "topo.h"
#include "ta.h"

/* ---- hint-merge mode ---- */

static void numa_info_from_list(struct ta_numa_info *ni, const char *list)
{
	struct cpuset s = CPUSET_INIT;
	int id;

	memset(ni, 0, sizeof(*ni));
	if (cpuset_parse_list(&s, list, CPUSET_MAX_ID, NULL) || cpuset_is_empty(&s)) {
		cpuset_release(&s);
		tk_usage_error("invalid --numa-nodes value '%s'", list);
	}
	for (id = cpuset_first(&s); id >= 0; id = cpuset_next(&s, id)) {
		if (id >= TA_MAX_NUMA) {
			cpuset_release(&s);
			tk_usage_error("invalid --numa-nodes value '%s' (NUMA ids are 0-63)", list);
		}
		ni->nodes[ni->n++] = id;
	}
	cpuset_release(&s);
}

static void numa_info_from_file(struct ta_numa_info *ni, const char *path)
{
	struct topo t;
	struct tk_diag d;

	topo_init(&t);
	if (topo_load(&t, path, &d) || ta_topo_check(&t, path, false, &d))
		tk_fatal_diag(&d);
	ta_numa_info_from_topo(ni, &t);
	topo_release(&t);
}

/* The machine's NUMA nodes: --numa-nodes (distances from -t when given
 * too) or -t; then --distances. */
static void load_numa_info(struct ta_numa_info *ni, const struct ta_opts *o)
{
	struct tk_diag d;

	if (o->numa_nodes) {
		numa_info_from_list(ni, o->numa_nodes);
		if (o->topology) {
			struct ta_numa_info tn;

			numa_info_from_file(&tn, o->topology);
			memcpy(ni->has_dist, tn.has_dist, sizeof(ni->has_dist));
			memcpy(ni->dist, tn.dist, sizeof(ni->dist));
		}
	} else if (o->topology) {
		numa_info_from_file(ni, o->topology);
	} else {
		tk_usage_error("--hints needs --numa-nodes or -t");
	}
	if (o->distances && ta_distances_load(ni, o->distances, &d))
		tk_fatal_diag(&d);
}

int ta_run_hints(const struct ta_opts *o)
{
	struct ta_numa_info ni;
	struct ta_hints_doc hd;
	struct tk_diag d;
	struct ta_options to;
	struct ta_merge_result m = { 0 };
	enum ta_scope s;

	load_numa_info(&ni, o);
	if (ta_hints_load(&hd, o->hints, &ni, &d)) {
		ta_hints_release(&hd);
		tk_fatal_diag(&d);
	}
	ta_manager_new(o->policy ? o->policy : "none", o->scope, &o->tm_opts, &ni, &m.policy, &s, &to);
	if (ta_merge_check(m.policy, &ni, hd.providers, hd.n, m.warning, sizeof(m.warning))) {
		ta_hints_release(&hd);
		tk_fatal("%s: %s", o->hints, m.warning);
	}
	m.stall = ta_merge_stall_warning(m.policy, hd.providers, hd.n, m.warning, sizeof(m.warning),
					 &m.combinations);
	ta_merge(m.policy, &to, &ni, hd.providers, hd.n, &m.best, &m.admit);
	m.providers = hd.providers;
	m.nproviders = hd.n;
	if (ta_merge_result_render(&m, o->out))
		tk_fatal("write error");
	ta_hints_release(&hd);
	return m.admit ? TK_EXIT_OK : TK_EXIT_NO;
}

/* ---- CPU-hints mode ---- */

int ta_run_cpu_hints(const struct ta_opts *o)
{
	struct topo t;
	struct tk_diag d;
	struct cpuset avail = CPUSET_INIT, reusable = CPUSET_INIT, reserved = CPUSET_INIT;
	struct ta_hint *h;
	struct policy_opts po = { 0 };
	size_t n;

	if (!o->topology)
		tk_usage_error("--cpu-hints needs -t TOPO");
	if (!o->have_count)
		tk_usage_error("--cpu-hints needs --count N");
	topo_init(&t);
	if (topo_load(&t, o->topology, &d) || ta_topo_check(&t, o->topology, true, &d))
		tk_fatal_diag(&d);
	/* no Topology Manager in this mode */
	ta_cpu_options(&po, &o->cpu_opts, &t, NULL, "");
	if (o->available)
		tk_opt_cpulist("available", o->available, &avail);
	else
		cpuset_copy(&avail, &t.all);
	if (o->reserved) {
		tk_opt_cpulist("reserved", o->reserved, &reserved);
		cpuset_andnot(&avail, &reserved);
	}
	if (o->reusable)
		tk_opt_cpulist("reusable", o->reusable, &reusable);
	if (!cpuset_is_subset(&avail, &t.all) || !cpuset_is_subset(&reusable, &t.all))
		tk_fatal("%s: --available/--reusable name CPUs the topology does not have", o->topology);
	if (o->count == 0) {
		h = NULL;
		n = 0;
	} else if (o->allocated) {
		/* GetTopologyHints regenerates hints from CPUs already assigned
		 * to the container; a count that differs gives no hint at all */
		struct cpuset alloc = CPUSET_INIT, none = CPUSET_INIT;

		tk_opt_cpulist("allocated", o->allocated, &alloc);
		if (!cpuset_is_subset(&alloc, &t.all))
			tk_fatal("%s: --allocated names CPUs the topology does not have", o->topology);
		if ((long long)cpuset_count(&alloc) != o->count) {
			h = NULL;
			n = 0;
		} else {
			h = ta_cpu_hints(&t, &alloc, &none, (int)o->count, po.align_by_socket, &n);
		}
		cpuset_release(&alloc);
	} else {
		h = ta_cpu_hints(&t, &avail, &reusable, (int)o->count, po.align_by_socket, &n);
	}
	if (ta_cpu_hints_render(h, n, o->count, o->out))
		tk_fatal("write error");
	free(h);
	cpuset_release(&avail);
	cpuset_release(&reusable);
	cpuset_release(&reserved);
	topo_release(&t);
	return TK_EXIT_OK;
}
