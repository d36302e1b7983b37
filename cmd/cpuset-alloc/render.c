/* render.c - cpuset-alloc's JSON object and its -o text explanation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alloc.h"
#include "emit.h"
#include "xalloc.h"

void ca_item_release(struct alloc_item *it)
{
	free(it->name);
	cpuset_release(&it->cpus);
	cpuset_release(&it->numa);
	memset(it, 0, sizeof(*it));
}

/* Ids of one level touched by cpus, and those whose CPUs all are in cpus. */
static void touched(const struct ktopo *k, const struct cpuset *cpus,
		    const int *ids, const struct ilist *groups, int ngroups,
		    struct cpuset *any, struct cpuset *whole)
{
	int g, j;

	cpuset_clear_all(any);
	cpuset_clear_all(whole);
	for (g = 0; g < ngroups; g++) {
		int in = 0;

		for (j = 0; j < groups[g].n; j++)
			if (cpuset_test(cpus, (unsigned)k->cpu_id[groups[g].v[j]]))
				in++;
		if (in)
			cpuset_set(any, (unsigned)ids[g]);
		if (in && in == groups[g].n)
			cpuset_set(whole, (unsigned)ids[g]);
	}
}

json_t *ca_item_to_json(const struct ktopo *k, const struct alloc_item *it, bool with_name)
{
	json_t *o = json_object();
	struct cpuset any = CPUSET_INIT, whole = CPUSET_INIT;
	bool whole_cores;

	if (with_name && it->name)
		json_object_set_new(o, "name", json_string(it->name));
	json_object_set_new(o, "cpus", tk_json_cpulist(&it->cpus));
	json_object_set_new(o, "count", json_integer((json_int_t)cpuset_count(&it->cpus)));
	touched(k, &it->cpus, k->numa_id, k->numa_cpus, k->nnuma, &any, &whole);
	json_object_set_new(o, "numa", tk_json_int_array(&any));
	touched(k, &it->cpus, k->socket_id, k->socket_cpus, k->nsocket, &any, &whole);
	json_object_set_new(o, "sockets", tk_json_int_array(&any));
	touched(k, &it->cpus, k->core_id, k->core_cpus, k->ncore, &any, &whole);
	json_object_set_new(o, "cores", tk_json_int_array(&any));
	whole_cores = cpuset_equal(&any, &whole);
	json_object_set_new(o, "wholeCores", json_boolean(whole_cores));
	touched(k, &it->cpus, k->l3_id, k->l3_cpus, k->nl3, &any, &whole);
	json_object_set_new(o, "uncoreCaches", tk_json_int_array(&any));
	if (it->has_numa)
		json_object_set_new(o, "numaAffinity", tk_json_int_array(&it->numa));
	if (it->existing)
		json_object_set_new(o, "existing", json_true());
	cpuset_release(&any);
	cpuset_release(&whole);
	return o;
}

static void print_set(FILE *out, const char *label, const struct cpuset *s)
{
	char *txt = cpuset_format_list(s);

	fprintf(out, "  %-14s %s\n", label, *txt ? txt : "none");
	free(txt);
}

void ca_explain(FILE *out, const struct ktopo *k, const struct policy_opts *o,
		const struct alloc_item *it, const struct cpuset *reserved)
{
	struct cpuset any = CPUSET_INIT, whole = CPUSET_INIT;
	char *txt = cpuset_format_list(&it->cpus);

	if (it->name) {
		fputs("container ", out);
		tk_fputs_text(it->name, out);  /* from the manifest */
		fputs(": ", out);
	}
	fprintf(out, "%s (%zu CPU%s)\n", *txt ? txt : "no exclusive CPUs", cpuset_count(&it->cpus),
		cpuset_count(&it->cpus) == 1 ? "" : "s");
	free(txt);
	if (cpuset_is_empty(&it->cpus)) {
		fputs("  the container runs in the shared pool\n", out);
		return;
	}
	touched(k, &it->cpus, k->numa_id, k->numa_cpus, k->nnuma, &any, &whole);
	print_set(out, "NUMA nodes:", &any);
	print_set(out, "  taken whole:", &whole);
	touched(k, &it->cpus, k->socket_id, k->socket_cpus, k->nsocket, &any, &whole);
	print_set(out, "sockets:", &any);
	print_set(out, "  taken whole:", &whole);
	touched(k, &it->cpus, k->core_id, k->core_cpus, k->ncore, &any, &whole);
	print_set(out, "cores:", &any);
	print_set(out, "  taken whole:", &whole);
	if (k->nl3 > 1) {
		touched(k, &it->cpus, k->l3_id, k->l3_cpus, k->nl3, &any, &whole);
		print_set(out, "uncore caches:", &any);
		print_set(out, "  taken whole:", &whole);
	}
	if (reserved && !cpuset_is_empty(reserved))
		print_set(out, "reserved:", reserved);
	fputs("why:\n", out);
	if (it->has_numa) {
		txt = cpuset_format_list(&it->numa);
		fprintf(out, "  the topology hint asks for NUMA node(s) %s%s: CPUs there are taken first,\n"
			     "  the rest from anywhere (allocateCPUs)\n", txt,
			o->align_by_socket ? " widened to their sockets (align-by-socket)" : "");
		free(txt);
	}
	if (o->distribute_across_numa) {
		fprintf(out, "  distribute-cpus-across-numa: the request is spread evenly over the fewest\n"
			     "  NUMA nodes that fit it, in groups of %d CPU%s, keeping the free CPUs left on\n"
			     "  each node as balanced as possible (takeByTopologyNUMADistributed)\n",
			o->full_pcpus_only ? k->cpus_per_core : 1,
			(o->full_pcpus_only ? k->cpus_per_core : 1) == 1 ? "" : "s");
	} else {
		fprintf(out, "  packed: whole %s, then whole %s that the request still fills,\n",
			k->numa_first ? "NUMA nodes" : "sockets", k->numa_first ? "sockets" : "NUMA nodes");
		if (o->align_by_uncore)
			fputs("  then whole uncore caches or the fewest cores of one uncore cache\n"
			      "  (prefer-align-cpus-by-uncorecache),\n", out);
		if (o->distribute_across_cores)
			fputs("  then single CPUs in id order within the emptiest socket, so the request\n"
			      "  lands on as many different cores as possible (distribute-cpus-across-cores)\n", out);
		else
			fputs("  then whole cores, then single CPUs of the partly used cores, always\n"
			      "  preferring the group with the fewest free CPUs (takeByTopologyNUMAPacked)\n", out);
	}
	if (o->full_pcpus_only)
		fputs("  full-pcpus-only: the request is a whole number of cores, none shared\n", out);
	cpuset_release(&any);
	cpuset_release(&whole);
}
