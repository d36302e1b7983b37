/* kubelet.c - check a KubeletConfiguration before the kubelet restarts with
 * it: the topology, CPU and memory manager settings that make the kubelet
 * refuse to start, in the kubelet's own words.
 *
 * Followed, by file (kubernetes/kubernetes, pkg/kubelet):
 *   apis/config/validation/validation.go  ValidateKubeletConfiguration:
 *       topologyManagerPolicy / topologyManagerScope values, reservedSystemCPUs
 *   apis/config/validation/validation_reserved_memory.go
 *       validateReservedMemoryConfiguration
 *   cm/cpumanager/cpu_manager.go          NewManager: unknown policy, the
 *       static policy's CPU reservation
 *   cm/cpumanager/policy_options.go       NewStaticPolicyOptions,
 *       ValidateStaticPolicyOptions
 *   cm/topologymanager/policy_options.go  NewPolicyOptions
 *   cm/topologymanager/topology_manager.go NewManager: max-allowable-numa-nodes
 *   cm/memorymanager/memory_manager.go    NewManager, validateReservedMemory
 * Defaults are the v1beta1 ones (cpuManagerPolicy none, topologyManagerPolicy
 * none, topologyManagerScope container, memoryManagerPolicy None,
 * evictionHard memory.available 100Mi). Combinations the kubelet accepts but
 * that do not align anything are warnings, not problems.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumanager.h"
#include "cpuset.h"
#include "diag.h"
#include "doc.h"
#include "numparse.h"
#include "nv.h"
#include "quantity.h"
#include "xalloc.h"

void nv_kcfg_release(struct nv_kcfg *k)
{
	free(k->file);
	free(k->cpu_policy);
	free(k->tm_policy);
	free(k->tm_scope);
	free(k->mm_policy);
	cpuset_release(&k->reserved_cpus);
	nv_strv_free(&k->problems);
	nv_strv_free(&k->warnings);
	memset(k, 0, sizeof(*k));
}

static const char *str_or(const struct tk_node *map, const char *key, const char *dflt)
{
	const char *s = tk_scalar_text(tk_get(map, key));

	return s && *s ? s : dflt;
}

/* Feature gate value: explicit in featureGates, else its default. */
static bool gate(const struct tk_node *root, const char *name, bool dflt)
{
	const struct tk_node *g = tk_get(tk_get(root, "featureGates"), name);
	bool v;

	if (g && g->kind == TK_BOOL)
		return g->v.b;
	if (g && tk_scalar_text(g) && tk_parse_bool(tk_scalar_text(g), &v) == 0)
		return v;
	return dflt;
}

/* Go's %q of a string, for the messages (no escapes needed for our inputs
 * beyond quotes and backslashes). */
static char *q(const char *s)
{
	size_t n = strlen(s), i, j = 0;
	char *o = xmalloc(2 * n + 3);

	o[j++] = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			o[j++] = '\\';
		o[j++] = s[i];
	}
	o[j++] = '"';
	o[j] = '\0';
	return o;
}

/* strconv.ParseBool as the policy options use it. */
static void check_bool_option(struct nv_strv *out, const char *prefix, const char *name, const char *value)
{
	bool b;

	if (tk_parse_bool(value, &b)) {
		char *qn = q(name), *qv = q(value);

		nv_strv_addf(out, "%sbad value for option %s: strconv.ParseBool: parsing %s: invalid syntax",
			     prefix, qn, qv);
		free(qn);
		free(qv);
	}
}

/* cpuManagerPolicyOptions as the name and value lists common/cpupolicy.c
 * takes (pointers into the document); false when absent or not a map. */
static bool cpu_option_lists(const struct tk_node *opts, char ***names, char ***values)
{
	size_t i;

	if (!opts || opts->kind != TK_MAP)
		return false;
	*names = xcalloc(opts->n + 1, sizeof(**names));
	*values = xcalloc(opts->n + 1, sizeof(**values));
	for (i = 0; i < opts->n; i++) {
		const char *v = tk_scalar_text(opts->items[i]);

		(*names)[i] = opts->keys[i]->text;
		(*values)[i] = (char *)(v ? v : "");
	}
	return true;
}

/* NewManager's CPU policy: NewStaticPolicy's option checks under the gates
 * of this configuration (the machine's socket check needs the topology and
 * is left out), or NewNonePolicy's refusal of any option. */
static void check_cpu_options(struct nv_kcfg *k, const struct tk_node *root, bool is_static)
{
	const struct tk_node *opts = tk_get(root, "cpuManagerPolicyOptions");
	struct policy_gates gates = {
		.alpha = gate(root, "CPUManagerPolicyAlphaOptions", false),
		.beta = gate(root, "CPUManagerPolicyBetaOptions", true),
	};
	struct policy_opts po = { 0 };
	char **names, **values, err[512], *none;

	if (!cpu_option_lists(opts, &names, &values))
		return;
	if (is_static) {
		if (policy_opts_parse(&po, opts->n, names, values, &gates, err, sizeof(err)) ||
		    policy_validate(&po, NULL, k->tm_policy, err, sizeof(err)))
			nv_strv_addf(&k->problems, "new static policy error: %s", err);
		k->strict_reservation = po.strict_cpu_reservation;
	} else if ((none = policy_none_options_error(opts->n, names, values))) {
		nv_strv_addf(&k->problems, "new none policy error: %s", none);
		free(none);
	}
	free(names);
	free(values);
}

static long long max_numa_nodes(struct nv_kcfg *k, const struct tk_node *opts)
{
	long long max = 8;
	size_t i;

	if (!opts || opts->kind != TK_MAP)
		return max;
	for (i = 0; i < opts->n; i++) {
		const char *name = opts->keys[i]->text;
		const char *value = tk_scalar_text(opts->items[i]);
		char *qn = q(name);

		if (!value)
			value = "";
		if (!strcmp(name, "prefer-closest-numa-nodes")) {
			check_bool_option(&k->problems, "", name, value);
		} else if (!strcmp(name, "max-allowable-numa-nodes")) {
			long long v;
			int rc = tk_parse_ll(value, -(1LL << 62), 1LL << 62, &v);

			if (rc) {
				char *qv = q(value);

				nv_strv_addf(&k->problems,
					     "unable to convert policy option to integer %s: strconv.Atoi: parsing %s: invalid syntax",
					     qn, qv);
				free(qv);
			} else if (v < 8) {
				nv_strv_addf(&k->problems, "the minimum value of %s should not be less than 8", qn);
			} else {
				max = v;
			}
		} else {
			nv_strv_addf(&k->problems, "unknown Topology Manager Policy option: %s", qn);
		}
		free(qn);
	}
	return max;
}

/* Quantity sum of key over maps; *binary tells whether every addend had a
 * binary suffix (for the Go-like rendering). Returns milli-units. */
static long long qsum(const struct tk_node *const *maps, size_t n, const char *key, bool *binary,
		      bool *any, struct nv_strv *problems, const char *file)
{
	long long total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *s = tk_scalar_text(tk_get(maps[i], key));
		struct tk_qty qt;

		if (!s)
			continue;
		if (tk_qty_parse(s, &qt)) {
			nv_strv_addf(problems, "%s: invalid quantity '%s' for %s", file, s, key);
			continue;
		}
		*any = true;
		if (!strchr(s, 'i'))
			*binary = false;
		total += qt.milli;
	}
	return total;
}

/* resource.Quantity String() for a whole number of bytes, close to Go's
 * canonical form: the largest exact suffix of the addends' format. */
static char *qty_string(long long milli, bool binary)
{
	static const char *const bsuf[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	static const char *const dsuf[] = { "k", "M", "G", "T", "P", "E" };
	long long v = milli / 1000;
	int i;

	if (milli % 1000)
		return xasprintf("%lldm", milli);
	if (v == 0)
		return xstrdup("0");
	for (i = 5; i >= 0; i--) {
		long long unit = binary ? 1LL << (10 * (i + 1)) : 1;
		int k;

		if (!binary)
			for (k = 0; k <= i; k++)
				unit *= 1000;
		if (v % unit == 0)
			return xasprintf("%lld%s", v / unit, binary ? bsuf[i] : dsuf[i]);
	}
	return xasprintf("%lld", v);
}

static void check_memory(struct nv_kcfg *k, const struct tk_node *root, const struct nv_topo *t)
{
	const struct tk_node *rm = tk_get(root, "reservedMemory");
	const struct tk_node *maps[3];
	const struct tk_node *eh = tk_get(root, "evictionHard");
	bool binary = true, any = false, rbinary = true, rany = false;
	long long alloc, reserved = 0;
	size_t i, j;
	char *a, *b;

	/* validateReservedMemoryConfiguration (always) */
	if (rm && rm->kind == TK_SEQ) {
		for (i = 0; i < rm->n; i++) {
			const struct tk_node *lim = tk_get(rm->items[i], "limits");
			const struct tk_node *nn = tk_get(rm->items[i], "numaNode");
			long long node = nn && nn->kind == TK_INT ? nn->v.i : 0;
			bool found = false;

			for (j = 0; t && j < t->n; j++)
				found |= t->nodes[j].id == node;
			if (t && !found && !strcmp(k->mm_policy, "Static"))
				nv_strv_addf(&k->problems,
					     "the reserved memory configuration references a NUMA node %lld that does not exist on this machine",
					     node);
			if (!lim || lim->kind != TK_MAP)
				continue;
			for (j = 0; j < lim->n; j++) {
				const char *res = lim->keys[j]->text;
				const char *v = tk_scalar_text(lim->items[j]);
				struct tk_qty qt;
				size_t m, n2;

				if (strcmp(res, "memory") && strncmp(res, "hugepages-", 10))
					nv_strv_addf(&k->problems,
						     "invalid configuration: the limit type \"%s\" for NUMA node %lld is not supported, only [memory hugepages-<HugePageSize>] is accepted",
						     res, node);
				if (v && tk_qty_parse(v, &qt) == 0 && qt.milli == 0)
					nv_strv_addf(&k->problems,
						     "invalid configuration: reserved memory may not be zero for NUMA node %lld and resource \"%s\"",
						     node, res);
				/* duplicates of (node, resource) in earlier entries */
				for (m = 0; m < i; m++) {
					const struct tk_node *pn = tk_get(rm->items[m], "numaNode");
					const struct tk_node *pl = tk_get(rm->items[m], "limits");

					if ((pn && pn->kind == TK_INT ? pn->v.i : 0) != node || !pl || pl->kind != TK_MAP)
						continue;
					for (n2 = 0; n2 < pl->n; n2++)
						if (!strcmp(pl->keys[n2]->text, res))
							nv_strv_addf(&k->problems,
								     "invalid configuration: the reserved memory has a duplicate value for NUMA node %lld and resource \"%s\"",
								     node, res);
				}
				if (!strcmp(res, "memory") && v && tk_qty_parse(v, &qt) == 0) {
					reserved += qt.milli;
					rany = true;
					if (!strchr(v, 'i'))
						rbinary = false;
				}
			}
		}
	}
	if (strcmp(k->mm_policy, "Static"))
		return;
	/* memorymanager validateReservedMemory: memory reserved per NUMA node
	 * must add up to the Node Allocatable reservation */
	maps[0] = tk_get(root, "kubeReserved");
	maps[1] = tk_get(root, "systemReserved");
	maps[2] = eh;
	alloc = qsum(maps, 2, "memory", &binary, &any, &k->problems, k->file);
	if (eh) {
		const char *ma = tk_scalar_text(tk_get(eh, "memory.available"));

		if (ma && strchr(ma, '%')) {
			nv_strv_addf(&k->warnings,
				     "evictionHard memory.available %s depends on the node's memory; reservedMemory was not compared with it",
				     ma);
			return;
		}
		alloc += qsum(maps + 2, 1, "memory.available", &binary, &any, &k->problems, k->file);
	} else {
		alloc += 100LL * 1024 * 1024 * 1000;  /* DefaultEvictionHard memory.available 100Mi */
		any = true;
	}
	if (alloc != reserved) {
		a = qty_string(reserved, rany ? rbinary : false);
		b = qty_string(alloc, any ? binary : false);
		nv_strv_addf(&k->problems,
			     "the total amount \"%s\" of type \"memory\" is not equal to the value \"%s\" determined by Node Allocatable feature",
			     a, b);
		free(a);
		free(b);
	}
}

int nv_kcfg_check(struct nv_kcfg *k, const char *dir, const char *display,
		  const struct nv_topo *t, struct tk_diag *d)
{
	return nv_kcfg_check_flags(k, dir, display, display, NULL, t, d);
}

/* A kubelet started without --config runs on the defaults and its flags. */
static const char no_config[] = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

int nv_kcfg_check_flags(struct nv_kcfg *k, const char *dir, const char *display, const char *label,
			const struct nv_kflags *flags, const struct nv_topo *t, struct tk_diag *d)
{
	struct tk_doc *doc;
	char *buf;
	size_t len;
	const struct tk_node *root, *rsc;
	const char *kind, *s;
	char *qv;
	int ret = -1;

	memset(k, 0, sizeof(*k));
	k->file = xstrdup(label);
	if (!display) {
		doc = tk_doc_load_mem(label, no_config, sizeof(no_config) - 1, NULL, d);
	} else if (!strcmp(display, "-")) {
		doc = tk_doc_load(display, NULL, d);
	} else {
		if (nv_read_input(dir, display, display, &buf, &len, d) < 0)
			return -1;
		doc = tk_doc_load_mem(display, buf, len, NULL, d);
		free(buf);
	}
	if (!doc)
		return -1;
	if (doc->nitems != 1 || doc->items[0]->kind != TK_MAP) {
		tk_diag_set(d, display, 0, 0, "expected one KubeletConfiguration document");
		goto out;
	}
	root = doc->items[0];
	kind = tk_str(tk_get(root, "kind"));
	if (!kind || strcmp(kind, "KubeletConfiguration")) {
		tk_node_error(display, tk_get(root, "kind") ? tk_get(root, "kind") : root, d,
			      "kind must be 'KubeletConfiguration'");
		goto out;
	}
	k->cpu_policy = xstrdup(str_or(root, "cpuManagerPolicy", "none"));
	k->tm_policy = xstrdup(str_or(root, "topologyManagerPolicy", "none"));
	k->tm_scope = xstrdup(str_or(root, "topologyManagerScope", "container"));
	k->mm_policy = xstrdup(str_or(root, "memoryManagerPolicy", "None"));
	/* the kubelet's flags win over its config file */
	if (flags) {
		const char *const *from[] = { &flags->cpu_policy, &flags->tm_policy, &flags->tm_scope,
					      &flags->mm_policy };
		char **to[] = { &k->cpu_policy, &k->tm_policy, &k->tm_scope, &k->mm_policy };
		size_t i;

		for (i = 0; i < sizeof(to) / sizeof(to[0]); i++)
			if (*from[i]) {
				free(*to[i]);
				*to[i] = xstrdup(*from[i]);
			}
	}

	/* ValidateKubeletConfiguration */
	if (strcmp(k->tm_policy, "none") && strcmp(k->tm_policy, "best-effort") &&
	    strcmp(k->tm_policy, "restricted") && strcmp(k->tm_policy, "single-numa-node")) {
		qv = q(k->tm_policy);
		nv_strv_addf(&k->problems,
			     "invalid configuration: topologyManagerPolicy (--topology-manager-policy) %s must be one of: [\"none\" \"best-effort\" \"restricted\" \"single-numa-node\"]",
			     qv);
		free(qv);
	}
	if (strcmp(k->tm_scope, "container") && strcmp(k->tm_scope, "pod")) {
		qv = q(k->tm_scope);
		nv_strv_addf(&k->problems,
			     "invalid configuration: topologyManagerScope (--topology-manager-scope) %s must be one of: \"container\", or \"pod\"",
			     qv);
		free(qv);
	}
	rsc = tk_get(root, "reservedSystemCPUs");
	s = rsc ? tk_scalar_text(rsc) : NULL;
	if (flags && flags->reserved_cpus)
		s = flags->reserved_cpus;
	if (s && *s) {
		if (tk_get(root, "systemReservedCgroup") || tk_get(root, "kubeReservedCgroup"))
			nv_strv_addf(&k->problems,
				     "invalid configuration: can't use reservedSystemCPUs (--reserved-cpus) with systemReservedCgroup (--system-reserved-cgroup) or kubeReservedCgroup (--kube-reserved-cgroup)");
		if (cpuset_parse_list(&k->reserved_cpus, s, CPUSET_MAX_ID, NULL))
			nv_strv_addf(&k->problems,
				     "invalid configuration: unable to parse reservedSystemCPUs (--reserved-cpus) %s", s);
		else
			k->have_reserved_cpus = !cpuset_is_empty(&k->reserved_cpus);
	}

	/* the managers, in the order the container manager creates them */
	if (strcmp(k->tm_policy, "none")) {
		long long max = max_numa_nodes(k, tk_get(root, "topologyManagerPolicyOptions"));

		if (t && (long long)t->n > max)
			nv_strv_addf(&k->problems, "unsupported on machines with more than %lld NUMA Nodes", max);
	}
	if (!strcmp(k->cpu_policy, "static")) {
		const struct tk_node *maps[2] = { tk_get(root, "kubeReserved"), tk_get(root, "systemReserved") };
		bool binary = true, any = false;
		long long cpu = qsum(maps, 2, "cpu", &binary, &any, &k->problems, k->file);

		if (!k->have_reserved_cpus && cpu <= 0)
			nv_strv_addf(&k->problems,
				     "[cpumanager] unable to determine reserved CPU resources for static policy "
				     "(the static policy requires systemreserved.cpu + kubereserved.cpu to be greater than zero, "
				     "or reservedSystemCPUs)");
		if (k->have_reserved_cpus && t && !cpuset_is_subset(&k->reserved_cpus, &t->cpus)) {
			char *a = cpuset_format_list(&k->reserved_cpus), *b = cpuset_format_list(&t->cpus);

			nv_strv_addf(&k->warnings, "reservedSystemCPUs %s are not all online CPUs of this node (%s)", a, b);
			free(a);
			free(b);
		}
		check_cpu_options(k, root, true);
	} else if (strcmp(k->cpu_policy, "none")) {
		nv_strv_addf(&k->problems, "unknown policy: \"%s\"", k->cpu_policy);
	} else {
		check_cpu_options(k, root, false);
	}
	if (strcmp(k->mm_policy, "None") && strcmp(k->mm_policy, "Static"))
		nv_strv_addf(&k->problems, "unknown policy: \"%s\"", k->mm_policy);
	check_memory(k, root, t);

	/* accepted by the kubelet, but nothing gets aligned */
	if ((!strcmp(k->tm_policy, "restricted") || !strcmp(k->tm_policy, "single-numa-node")) &&
	    strcmp(k->cpu_policy, "static"))
		nv_strv_addf(&k->warnings,
			     "topologyManagerPolicy %s with cpuManagerPolicy %s: the kubelet starts, but the CPU manager "
			     "gives no NUMA hints, so CPUs are not aligned (set cpuManagerPolicy: static)",
			     k->tm_policy, k->cpu_policy);
	if (!strcmp(k->tm_policy, "none") && !strcmp(k->cpu_policy, "static"))
		nv_strv_addf(&k->warnings,
			     "cpuManagerPolicy static with topologyManagerPolicy none: exclusive CPUs are not aligned "
			     "with devices or memory");
	ret = 0;
out:
	tk_doc_free(doc);
	return ret;
}
