/* prom.c - numa-verify -o prometheus: the report in the Prometheus text
 * exposition format (0.0.4), for node_exporter's textfile collector.
 * Names follow Prometheus' conventions: one topokit_numa_verify_ prefix,
 * base units (ratios 0-1, not percent), gauges without _total, and info
 * metrics (value 1) for strings. Every verdict appears in the per-verdict
 * gauges, 0 included, so that a series never vanishes when its count drops.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cpuset.h"
#include "nv.h"

static const enum nv_verdict verdicts[] = { NV_ALIGNED, NV_MISALIGNED, NV_SHARED, NV_UNPINNED, NV_UNKNOWN };
#define NVERDICTS (sizeof(verdicts) / sizeof(verdicts[0]))

/* A label value: backslash, double quote and newline escaped, as the
 * format asks; names come from the node (comm, cgroup paths) untrusted. */
static void label_value(const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			printf("\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
	}
}

static void header(const char *name, const char *help)
{
	printf("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* Processes of c that were read, and their local share of memory. */
static int container_local(const struct nv_report *r, const struct nv_container *c,
			   uint64_t *local, uint64_t *total)
{
	size_t i, k;
	int found = 0;

	*local = *total = 0;
	for (i = 0; i < c->npids; i++)
		for (k = 0; k < r->nprocs; k++)
			if (r->procs[k].pid == c->pids[i] && r->procs[k].local_tenths >= 0) {
				*local += r->procs[k].local_bytes;
				*total += r->procs[k].total_bytes;
				found = 1;
			}
	return found && *total > 0;
}

static void container_labels(const struct nv_container *c)
{
	char *numa = cpuset_format_list(&c->cpu_numa);

	fputs("namespace=\"", stdout);
	label_value(c->namespace);
	fputs("\",pod=\"", stdout);
	label_value(c->pod_name);
	fputs("\",pod_uid=\"", stdout);
	label_value(c->pod);
	fputs("\",container_id=\"", stdout);
	label_value(c->id ? c->id : "");
	fputs("\",container=\"", stdout);
	label_value(nv_container_name(c, NULL));
	fputs("\",numa_nodes=\"", stdout);
	label_value(numa);
	putchar('"');
	free(numa);
}

void nv_render_prometheus(const struct nv_opts *o, const struct nv_report *r)
{
	size_t count[NVERDICTS] = { 0 }, i, v;
	uint64_t local = 0, total = 0, l, t;
	bool containers = o->all || o->npods || o->nctrs;

	header("topokit_numa_verify_processes", "Processes checked, by verdict.");
	for (i = 0; i < r->nprocs; i++)
		for (v = 0; v < NVERDICTS; v++)
			count[v] += r->procs[i].verdict == verdicts[v];
	for (v = 0; v < NVERDICTS; v++)
		printf("topokit_numa_verify_processes{verdict=\"%s\"} %zu\n", nv_verdict_name(verdicts[v]), count[v]);

	if (containers) {
		header("topokit_numa_verify_containers", "Containers found under kubepods, by verdict.");
		for (v = 0; v < NVERDICTS; v++)
			count[v] = 0;
		for (i = 0; i < r->cg.n; i++)
			if (nv_container_selected(o, &r->cg.c[i]))
				for (v = 0; v < NVERDICTS; v++)
					count[v] += r->cg.c[i].verdict == verdicts[v];
		for (v = 0; v < NVERDICTS; v++)
			printf("topokit_numa_verify_containers{verdict=\"%s\"} %zu\n", nv_verdict_name(verdicts[v]),
			       count[v]);

		header("topokit_numa_verify_misaligned_container",
		       "A misaligned container (1), with the NUMA nodes its CPUs are on.");
		for (i = 0; i < r->cg.n; i++) {
			const struct nv_container *c = &r->cg.c[i];

			if (!nv_container_selected(o, c) || c->verdict != NV_MISALIGNED)
				continue;
			fputs("topokit_numa_verify_misaligned_container{", stdout);
			container_labels(c);
			fputs("} 1\n", stdout);
		}

		header("topokit_numa_verify_container_local_memory_ratio",
		       "Share of a container's memory on the NUMA nodes of its CPUs (0-1).");
		for (i = 0; i < r->cg.n; i++) {
			const struct nv_container *c = &r->cg.c[i];

			if (!nv_container_selected(o, c) || c->sandbox || !container_local(r, c, &l, &t))
				continue;
			fputs("topokit_numa_verify_container_local_memory_ratio{", stdout);
			container_labels(c);
			printf("} %.4f\n", (double)l / (double)t);
		}
	}

	header("topokit_numa_verify_local_memory_ratio",
	       "Share of the checked processes' memory on the NUMA nodes of their CPUs (0-1).");
	for (i = 0; i < r->nprocs; i++)
		if (r->procs[i].local_tenths >= 0) {
			local += r->procs[i].local_bytes;
			total += r->procs[i].total_bytes;
		}
	printf("topokit_numa_verify_local_memory_ratio %.4f\n", total ? (double)local / (double)total : 1.0);

	header("topokit_numa_verify_skipped_processes", "Processes that vanished while they were read.");
	printf("topokit_numa_verify_skipped_processes %zu\n", r->nskipped);

	if (r->have_state) {
		header("topokit_numa_verify_state_problems", "Problems found in cpu_manager_state (0: valid).");
		fputs("topokit_numa_verify_state_problems{file=\"", stdout);
		label_value(r->state.file);
		printf("\"} %zu\n", r->state.problems.n);
	}
	if (r->have_kcfg || r->have_state) {
		header("topokit_numa_verify_policy_info", "The node's resource manager policies (value 1).");
		fputs("topokit_numa_verify_policy_info{cpu_manager_policy=\"", stdout);
		label_value(r->have_kcfg ? r->kcfg.cpu_policy : r->state.policy);
		if (r->have_kcfg) {
			fputs("\",topology_manager_policy=\"", stdout);
			label_value(r->kcfg.tm_policy);
			fputs("\",topology_manager_scope=\"", stdout);
			label_value(r->kcfg.tm_scope);
			fputs("\",memory_manager_policy=\"", stdout);
			label_value(r->kcfg.mm_policy);
		}
		fputs("\"} 1\n", stdout);
	}
	if (r->have_kcfg) {
		header("topokit_numa_verify_kubelet_config_problems",
		       "Problems that stop the kubelet in its configuration (0: valid).");
		fputs("topokit_numa_verify_kubelet_config_problems{file=\"", stdout);
		label_value(r->kcfg.file);
		printf("\"} %zu\n", r->kcfg.problems.n);
	}

	header("topokit_numa_verify_misaligned", "1 when anything checked is misaligned (the exit status 1).");
	printf("topokit_numa_verify_misaligned %d\n", r->verdict == NV_MISALIGNED);
}
