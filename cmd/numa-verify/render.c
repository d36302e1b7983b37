/* render.c - numa-verify's output: the JSON document (fields in the
 * documented order) and the numastat -p like text table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cpuset.h"
#include "emit.h"
#include "nv.h"

/* ---- JSON ---- */

static json_t *strv_json(const struct nv_strv *sv)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static json_t *proc_json(const struct nv_proc *p)
{
	json_t *j = json_object(), *pages = json_object(), *bytes = json_object(), *th;
	size_t i;

	json_object_set_new(j, "pid", json_integer(p->pid));
	json_object_set_new(j, "comm", json_string(p->comm ? p->comm : ""));
	json_object_set_new(j, "cpus", tk_json_cpulist(&p->cpus));
	json_object_set_new(j, "mems", tk_json_cpulist(&p->mems));
	json_object_set_new(j, "cpuNuma", tk_json_int_array(&p->cpu_numa));
	for (i = 0; i < p->nmem; i++) {
		char key[16];

		snprintf(key, sizeof(key), "%d", p->mem[i].node);
		json_object_set_new(pages, key, json_integer((json_int_t)p->mem[i].pages));
		json_object_set_new(bytes, key, json_integer((json_int_t)p->mem[i].bytes));
	}
	json_object_set_new(j, "memoryPages", pages);
	json_object_set_new(j, "memoryBytes", bytes);
	json_object_set_new(j, "localPercent",
			    p->local_tenths < 0 ? json_null() : json_real(p->local_tenths / 10.0));
	if (p->nthreads) {
		th = json_array();
		for (i = 0; i < p->nthreads; i++) {
			json_t *t = json_object();

			json_object_set_new(t, "tid", json_integer(p->threads[i].tid));
			json_object_set_new(t, "comm", json_string(p->threads[i].comm ? p->threads[i].comm : ""));
			json_object_set_new(t, "cpus", tk_json_cpulist(&p->threads[i].cpus));
			json_object_set_new(t, "cpuNuma", tk_json_int_array(&p->threads[i].cpu_numa));
			json_array_append_new(th, t);
		}
		json_object_set_new(j, "threads", th);
	}
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(p->verdict)));
	json_object_set_new(j, "reasons", strv_json(&p->reasons));
	return j;
}

static json_t *container_json(const struct nv_container *c)
{
	json_t *j = json_object(), *pids = json_array();
	const char *name, *from;
	size_t i;

	json_object_set_new(j, "pod", json_string(c->pod));
	json_object_set_new(j, "namespace", c->namespace ? json_string(c->namespace) : json_null());
	json_object_set_new(j, "podName", c->pod_name ? json_string(c->pod_name) : json_null());
	json_object_set_new(j, "container", c->id ? json_string(c->id) : json_null());
	name = nv_container_name(c, &from);
	json_object_set_new(j, "name", name ? json_string(name) : json_null());
	json_object_set_new(j, "nameFrom", from ? json_string(from) : json_null());
	json_object_set_new(j, "runtime", json_string(c->runtime));
	json_object_set_new(j, "qos", json_string(c->qos));
	json_object_set_new(j, "cgroup", json_string(c->cgroup));
	json_object_set_new(j, "cpus", c->have_cpus ? tk_json_cpulist(&c->cpus) : json_null());
	json_object_set_new(j, "stateCpus", c->entry ? json_string(c->entry->text) : json_null());
	json_object_set_new(j, "cpuNuma", tk_json_int_array(&c->cpu_numa));
	for (i = 0; i < c->npids; i++)
		json_array_append_new(pids, json_integer(c->pids[i]));
	json_object_set_new(j, "pids", pids);
	json_object_set_new(j, "sandbox", json_boolean(c->sandbox));
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(c->verdict)));
	json_object_set_new(j, "reasons", strv_json(&c->reasons));
	return j;
}

static json_t *state_json(const struct nv_state *s)
{
	json_t *j = json_object();

	json_object_set_new(j, "file", json_string(s->file));
	json_object_set_new(j, "policyName", s->policy ? json_string(s->policy) : json_null());
	json_object_set_new(j, "defaultCpuSet", s->default_text ? json_string(s->default_text) : json_null());
	json_object_set_new(j, "entries", json_integer((json_int_t)s->nentries));
	json_object_set_new(j, "checksum", s->have_checksum ? json_integer((json_int_t)s->checksum) : json_null());
	json_object_set_new(j, "computedChecksum", s->parsed ? json_integer(s->computed) : json_null());
	json_object_set_new(j, "valid", json_boolean(s->problems.n == 0));
	json_object_set_new(j, "problems", strv_json(&s->problems));
	return j;
}

static json_t *kcfg_json(const struct nv_kcfg *k)
{
	json_t *j = json_object();

	json_object_set_new(j, "file", json_string(k->file));
	json_object_set_new(j, "cpuManagerPolicy", json_string(k->cpu_policy));
	json_object_set_new(j, "topologyManagerPolicy", json_string(k->tm_policy));
	json_object_set_new(j, "topologyManagerScope", json_string(k->tm_scope));
	json_object_set_new(j, "memoryManagerPolicy", json_string(k->mm_policy));
	json_object_set_new(j, "valid", json_boolean(k->problems.n == 0));
	json_object_set_new(j, "problems", strv_json(&k->problems));
	json_object_set_new(j, "warnings", strv_json(&k->warnings));
	return j;
}

static json_t *alloc_json(const struct nv_report *r)
{
	const struct nv_alloc *a = &r->alloc;
	json_t *j = json_object();

	json_object_set_new(j, "memoryManagerState", a->mem_file ? json_string(a->mem_file) : json_null());
	json_object_set_new(j, "deviceCheckpoint", a->dev_file ? json_string(a->dev_file) : json_null());
	json_object_set_new(j, "topologyManagerPolicy",
			    r->have_kcfg ? json_string(r->kcfg.tm_policy) : json_null());
	json_object_set_new(j, "topologyManagerScope",
			    r->have_kcfg ? json_string(r->kcfg.tm_scope) : json_null());
	json_object_set_new(j, "valid", json_boolean(a->problems.n == 0 && a->findings.n == 0));
	json_object_set_new(j, "problems", strv_json(&a->problems));
	json_object_set_new(j, "findings", strv_json(&a->findings));
	return j;
}

json_t *nv_report_json(const struct nv_opts *o, const struct nv_report *r)
{
	json_t *j = json_object(), *procs = json_array();
	size_t i;

	for (i = 0; i < r->nprocs; i++)
		json_array_append_new(procs, proc_json(&r->procs[i]));
	json_object_set_new(j, "processes", procs);
	if (o->all || o->npods || o->nctrs) {
		json_t *ctrs = json_array();

		for (i = 0; i < r->cg.n; i++)
			if (nv_container_selected(o, &r->cg.c[i]))
				json_array_append_new(ctrs, container_json(&r->cg.c[i]));
		json_object_set_new(j, "containers", ctrs);
	}
	if (r->have_state)
		json_object_set_new(j, "cpuManagerState", state_json(&r->state));
	if (r->have_kcfg)
		json_object_set_new(j, "kubeletConfig", kcfg_json(&r->kcfg));
	if (r->have_alloc)
		json_object_set_new(j, "allocations", alloc_json(r));
	{
		json_t *t = json_object(), *nodes = json_array();

		json_object_set_new(t, "source", json_string(r->topo.source ? r->topo.source : ""));
		for (i = 0; i < r->topo.n; i++) {
			json_t *n = json_object();

			json_object_set_new(n, "id", json_integer(r->topo.nodes[i].id));
			json_object_set_new(n, "cpus", tk_json_cpulist(&r->topo.nodes[i].cpus));
			json_array_append_new(nodes, n);
		}
		json_object_set_new(t, "numaNodes", nodes);
		json_object_set_new(j, "topology", t);
	}
	json_object_set_new(j, "skipped", json_integer((json_int_t)r->nskipped));
	json_object_set_new(j, "verdict", json_string(nv_verdict_name(r->verdict)));
	return j;
}

/* ---- text: a numastat -p like table, then verdicts ---- */

/* one finding per line: names inside it come from pods, checkpoints and
 * /proc, none of which may move the terminal's cursor */
static void print_line(const char *prefix, const char *s)
{
	fputs(prefix, stdout);
	tk_fputs_text(s, stdout);
	putchar('\n');
}

static void print_mb(uint64_t bytes)
{
	printf(" %15.2f", (double)bytes / (1024.0 * 1024.0));
}

void nv_render_text(const struct nv_opts *o, const struct nv_report *r)
{
	size_t i, k;
	uint64_t total = 0;

	if (r->nprocs) {
		printf("\nPer-node process memory usage (in MBs)\n");
		printf("%-24s", "PID");
		for (k = 0; k < r->topo.n; k++) {
			char h[32];

			snprintf(h, sizeof(h), "Node %d", r->topo.nodes[k].id);
			printf(" %15s", h);
		}
		printf(" %15s %7s  %-10s %s\n", "Total", "Local%", "Verdict", "CPUs");
		for (i = 0; i < 24 + 16 * (r->topo.n + 1) + 8 + 2 + 10 + 5; i++)
			putchar('-');
		putchar('\n');
		for (i = 0; i < r->nprocs; i++) {
			const struct nv_proc *p = &r->procs[i];
			char label[64], *cpus;

			char *comm = tk_text_escape(p->comm ? p->comm : "?");

			snprintf(label, sizeof(label), "%d (%s)", p->pid, comm);
			free(comm);
			printf("%-24.24s", label);
			for (k = 0; k < r->topo.n; k++) {
				uint64_t b = 0;
				size_t m;

				for (m = 0; m < p->nmem; m++)
					if (p->mem[m].node == r->topo.nodes[k].id)
						b = p->mem[m].bytes;
				print_mb(b);
			}
			print_mb(p->total_bytes);
			total += p->total_bytes;
			if (p->local_tenths < 0)
				printf(" %7s", "-");
			else
				printf(" %5d.%d", p->local_tenths / 10, p->local_tenths % 10);
			cpus = cpuset_format_list(&p->cpus);
			printf("  %-10s %s\n", nv_verdict_name(p->verdict), cpus);
			free(cpus);
		}
	}
	for (i = 0; i < r->nprocs; i++) {
		char pid[24];

		snprintf(pid, sizeof(pid), "%d: ", r->procs[i].pid);
		for (k = 0; k < r->procs[i].reasons.n; k++)
			print_line(pid, r->procs[i].reasons.v[k]);
	}
	if ((o->all || o->npods || o->nctrs) && r->cg.version) {
		printf("\nContainers (cgroup v%d, %s driver)\n", r->cg.version, r->cg.driver);
		for (i = 0; i < r->cg.n; i++) {
			const struct nv_container *c = &r->cg.c[i];
			const char *name;
			char *cpus;

			if (!nv_container_selected(o, c))
				continue;
			cpus = cpuset_format_list(&c->cpus);
			name = nv_container_name(c, NULL);
			fputs("pod ", stdout);
			if (c->namespace && c->pod_name)
				printf("%s/%s ", c->namespace, c->pod_name);  /* DNS-1123 names: nothing to escape */
			tk_fputs_text(c->pod, stdout);
			fputs(" container ", stdout);
			if (name) {
				tk_fputs_text(name, stdout);
				putchar(' ');
			}
			printf("%.12s (%s, %s) cpus %s: %s\n", c->id ? c->id : "?",
			       c->sandbox ? "sandbox" : c->runtime, c->qos, cpus, nv_verdict_name(c->verdict));
			free(cpus);
			for (k = 0; k < c->reasons.n; k++)
				print_line("  ", c->reasons.v[k]);
		}
	}
	if (r->have_alloc) {
		printf("\nallocations (topologyManagerPolicy %s): %s\n",
		       r->have_kcfg ? r->kcfg.tm_policy : "not given",
		       r->alloc.problems.n || r->alloc.findings.n ? "misaligned" : "aligned");
		for (k = 0; k < r->alloc.problems.n; k++)
			print_line("  ", r->alloc.problems.v[k]);
		for (k = 0; k < r->alloc.findings.n; k++)
			print_line("  ", r->alloc.findings.v[k]);
	}
	if (r->have_state) {
		printf("\ncpu_manager_state %s: %s\n", r->state.file, r->state.problems.n ? "invalid" : "valid");
		for (k = 0; k < r->state.problems.n; k++)
			print_line("  ", r->state.problems.v[k]);
	}
	if (r->have_kcfg) {
		printf("\nkubelet config %s: %s\n", r->kcfg.file, r->kcfg.problems.n ? "invalid" : "valid");
		for (k = 0; k < r->kcfg.problems.n; k++)
			print_line("  ", r->kcfg.problems.v[k]);
		for (k = 0; k < r->kcfg.warnings.n; k++)
			printf("  warning: %s\n", r->kcfg.warnings.v[k]);
	}
	printf("\nverdict: %s\n", nv_verdict_name(r->verdict));
	(void)total;
}

