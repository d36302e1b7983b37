/* kubeletconfig.c - decode, default and check a KubeletConfiguration.
 *
 * Followed (kubernetes/kubernetes):
 *   pkg/kubelet/kubeletconfig/util/codec  DecodeKubeletConfiguration: kind
 *       and apiVersion required, only v1beta1 has the kind
 *   pkg/kubelet/apis/config/v1beta1/defaults.go  SetDefaults_KubeletConfiguration
 *   pkg/kubelet/apis/config/validation/validation.go  ValidateKubeletConfiguration
 *   pkg/kubelet/apis/config/validation/validation_reserved_memory.go
 *   pkg/kubelet/cm/topologymanager/policy_options.go, topology_manager.go NewManager
 *   pkg/kubelet/cm/cpumanager/cpu_manager.go NewManager, policy_options.go
 *   pkg/kubelet/cm/memorymanager/memory_manager.go NewManager, validateReservedMemory
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumanager.h"
#include "diag.h"
#include "doc.h"
#include "kubeletconfig.h"
#include "numparse.h"
#include "xalloc.h"

const char *tk_kc_map_get(const struct tk_kc_map *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->keys[i], key))
			return m->values[i];
	return NULL;
}

void tk_kc_map_put(struct tk_kc_map *m, const char *key, size_t keylen, const char *value)
{
	m->keys = xreallocarray(m->keys, m->n + 1, sizeof(char *));
	m->values = xreallocarray(m->values, m->n + 1, sizeof(char *));
	m->keys[m->n] = xstrndup(key, keylen);
	m->values[m->n] = xstrdup(value);
	m->n++;
}

static void map_put(struct tk_kc_map *m, const char *key, const char *value)
{
	tk_kc_map_put(m, key, strlen(key), value);
}

void tk_kc_map_release(struct tk_kc_map *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	memset(m, 0, sizeof(*m));
}

void tk_kc_map_copy(struct tk_kc_map *dst, const struct tk_kc_map *src)
{
	size_t i;

	tk_kc_map_release(dst);
	for (i = 0; i < src->n; i++)
		map_put(dst, src->keys[i], src->values[i]);
}

void tk_kc_override(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static void set_default(char **field, const char *dflt)
{
	if (!*field || !**field)
		tk_kc_override(field, dflt);
}

void tk_kc_set_defaults(struct tk_kubelet_config *kc)
{
	set_default(&kc->cpu_manager_policy, "none");
	set_default(&kc->cpu_manager_reconcile_period, "10s");
	set_default(&kc->memory_manager_policy, "None");
	set_default(&kc->topology_manager_policy, "none");
	set_default(&kc->topology_manager_scope, "container");
	/* not defaulted upstream; "" means not given */
	if (!kc->reserved_system_cpus)
		kc->reserved_system_cpus = xstrdup("");
	if (!kc->system_reserved_cgroup)
		kc->system_reserved_cgroup = xstrdup("");
	if (!kc->kube_reserved_cgroup)
		kc->kube_reserved_cgroup = xstrdup("");
}

void tk_kc_init_defaults(struct tk_kubelet_config *kc, const char *label)
{
	memset(kc, 0, sizeof(*kc));
	kc->file = xstrdup(label);
	tk_kc_set_defaults(kc);
}

/* ---- decoding ---- */

static int get_string(const char *file, const struct tk_node *root, const char *key, char **out,
		      struct tk_diag *d)
{
	const char *s = NULL;

	if (tk_get_str(file, root, key, false, &s, d) < 0)
		return -1;
	if (s)
		*out = xstrdup(s);
	return 0;
}

/* map[string]string: a YAML number or bool is no string to the kubelet's
 * decoder (sigs.k8s.io/yaml turns it into a JSON number or bool) */
static int get_string_map(const char *file, const struct tk_node *root, const char *key,
			  struct tk_kc_map *m, struct tk_diag *d)
{
	const struct tk_node *map = tk_get(root, key);
	size_t i;

	if (!map || map->kind == TK_NULL)
		return 0;
	if (tk_expect(file, map, TK_MAP, key, d))
		return -1;
	for (i = 0; i < map->n; i++) {
		const struct tk_node *v = map->items[i];

		if (v->kind == TK_NULL)
			continue;
		if (v->kind != TK_STR)
			return tk_node_error(file, v, d, "%s '%s' must be a string, not a %s (quote it: \"%s\")",
					     key, map->keys[i]->text ? map->keys[i]->text : "",
					     tk_kind_name(v->kind), v->text ? v->text : "...");
		map_put(m, map->keys[i]->text ? map->keys[i]->text : "", v->text);
	}
	return 0;
}

static int get_gates(const char *file, const struct tk_node *root, struct tk_kc_map *m, struct tk_diag *d)
{
	const struct tk_node *map = tk_get(root, "featureGates");
	size_t i;

	if (!map || map->kind == TK_NULL)
		return 0;
	if (tk_expect(file, map, TK_MAP, "featureGates", d))
		return -1;
	for (i = 0; i < map->n; i++) {
		const struct tk_node *v = map->items[i];

		if (v->kind != TK_BOOL)
			return tk_node_error(file, v, d, "feature gate '%s' must be true or false, not a %s",
					     map->keys[i]->text ? map->keys[i]->text : "", tk_kind_name(v->kind));
		map_put(m, map->keys[i]->text ? map->keys[i]->text : "", v->v.b ? "true" : "false");
	}
	return 0;
}

/* []MemoryReservation: numaNode int32, limits a ResourceList of quantities */
static int get_reserved_memory(struct tk_kubelet_config *kc, const char *file, const struct tk_node *root,
			       struct tk_diag *d)
{
	const struct tk_node *list = tk_get(root, "reservedMemory");
	size_t i, j;

	if (!list || list->kind == TK_NULL)
		return 0;
	if (tk_expect(file, list, TK_SEQ, "reservedMemory", d))
		return -1;
	kc->reserved_memory = xcalloc(list->n + 1, sizeof(*kc->reserved_memory));
	for (i = 0; i < list->n; i++) {
		const struct tk_node *e = list->items[i], *lim;
		struct tk_kc_reservation *r = &kc->reserved_memory[kc->nreserved_memory++];

		if (tk_expect(file, e, TK_MAP, "reservedMemory entry", d) ||
		    tk_get_int(file, e, "numaNode", false, 0, 2147483647, &r->numa_node, d))
			return -1;
		lim = tk_get(e, "limits");
		if (!lim || lim->kind == TK_NULL)
			continue;
		if (tk_expect(file, lim, TK_MAP, "reservedMemory limits", d))
			return -1;
		r->resources = xcalloc(lim->n + 1, sizeof(char *));
		r->texts = xcalloc(lim->n + 1, sizeof(char *));
		r->q = xcalloc(lim->n + 1, sizeof(*r->q));
		for (j = 0; j < lim->n; j++) {
			const char *name = lim->keys[j]->text ? lim->keys[j]->text : "";
			const char *txt = tk_scalar_text(lim->items[j]);

			if (!txt || lim->items[j]->kind == TK_BOOL || tk_qty_parse(txt, &r->q[j]))
				return tk_node_error(file, lim->items[j], d, "invalid quantity '%s' for %s",
						     txt ? txt : "...", name);
			r->resources[j] = xstrdup(name);
			r->texts[j] = xstrdup(txt);
			r->n++;
		}
	}
	return 0;
}

int tk_kc_decode(struct tk_kubelet_config *kc, const struct tk_doc *doc, struct tk_diag *d)
{
	const char *file = doc->file;
	const struct tk_node *root, *kind, *api;

	memset(kc, 0, sizeof(*kc));
	kc->file = xstrdup(file);
	if (doc->nitems != 1 || doc->items[0]->kind != TK_MAP) {
		tk_diag_set(d, file, 0, 0, "expected one KubeletConfiguration document");
		goto fail;
	}
	root = doc->items[0];
	kind = tk_get(root, "kind");
	if (!kind || kind->kind != TK_STR || strcmp(kind->text, "KubeletConfiguration")) {
		tk_node_error(file, kind ? kind : root, d, "kind must be 'KubeletConfiguration'");
		goto fail;
	}
	api = tk_get(root, "apiVersion");
	if (!api || api->kind != TK_STR || strcmp(api->text, TK_KC_API_VERSION)) {
		tk_node_error(file, api ? api : root, d, "apiVersion must be '" TK_KC_API_VERSION
			      "' (the only version with a KubeletConfiguration)");
		goto fail;
	}
	if (get_string(file, root, "cpuManagerPolicy", &kc->cpu_manager_policy, d) ||
	    get_string(file, root, "cpuManagerReconcilePeriod", &kc->cpu_manager_reconcile_period, d) ||
	    get_string(file, root, "memoryManagerPolicy", &kc->memory_manager_policy, d) ||
	    get_string(file, root, "topologyManagerPolicy", &kc->topology_manager_policy, d) ||
	    get_string(file, root, "topologyManagerScope", &kc->topology_manager_scope, d) ||
	    get_string(file, root, "reservedSystemCPUs", &kc->reserved_system_cpus, d) ||
	    get_string(file, root, "systemReservedCgroup", &kc->system_reserved_cgroup, d) ||
	    get_string(file, root, "kubeReservedCgroup", &kc->kube_reserved_cgroup, d) ||
	    get_string_map(file, root, "topologyManagerPolicyOptions", &kc->topology_manager_policy_options, d) ||
	    get_string_map(file, root, "cpuManagerPolicyOptions", &kc->cpu_manager_policy_options, d) ||
	    get_string_map(file, root, "kubeReserved", &kc->kube_reserved, d) ||
	    get_string_map(file, root, "systemReserved", &kc->system_reserved, d) ||
	    get_string_map(file, root, "evictionHard", &kc->eviction_hard, d) ||
	    get_gates(file, root, &kc->feature_gates, d) ||
	    get_reserved_memory(kc, file, root, d))
		goto fail;
	kc->have_eviction_hard = tk_get(root, "evictionHard") && tk_get(root, "evictionHard")->kind != TK_NULL;
	tk_kc_set_defaults(kc);
	return 0;
fail:
	tk_kc_release(kc);
	return -1;
}

int tk_kc_load(struct tk_kubelet_config *kc, const char *path, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load(path, NULL, d);
	int rc;

	memset(kc, 0, sizeof(*kc));
	if (!doc)
		return -1;
	rc = tk_kc_decode(kc, doc, d);
	tk_doc_free(doc);
	return rc;
}

static bool tk_kc_gate(const struct tk_kubelet_config *kc, const char *name, bool dflt)
{
	const char *v = tk_kc_map_get(&kc->feature_gates, name);

	return v ? !strcmp(v, "true") : dflt;
}

void tk_kc_release(struct tk_kubelet_config *kc)
{
	size_t i, j;

	free(kc->file);
	free(kc->cpu_manager_policy);
	free(kc->cpu_manager_reconcile_period);
	free(kc->memory_manager_policy);
	free(kc->topology_manager_policy);
	free(kc->topology_manager_scope);
	free(kc->reserved_system_cpus);
	free(kc->system_reserved_cgroup);
	free(kc->kube_reserved_cgroup);
	tk_kc_map_release(&kc->topology_manager_policy_options);
	tk_kc_map_release(&kc->cpu_manager_policy_options);
	tk_kc_map_release(&kc->kube_reserved);
	tk_kc_map_release(&kc->system_reserved);
	tk_kc_map_release(&kc->eviction_hard);
	tk_kc_map_release(&kc->feature_gates);
	for (i = 0; i < kc->nreserved_memory; i++) {
		for (j = 0; j < kc->reserved_memory[i].n; j++) {
			free(kc->reserved_memory[i].resources[j]);
			free(kc->reserved_memory[i].texts[j]);
		}
		free(kc->reserved_memory[i].resources);
		free(kc->reserved_memory[i].texts);
		free(kc->reserved_memory[i].q);
	}
	free(kc->reserved_memory);
	memset(kc, 0, sizeof(*kc));
}

/* ---- the kubelet's start-up checks ---- */

static void problem(struct tk_kc_verdict *v, char *msg)
{
	tk_strv_push(&v->problems, msg);
}

/* Go's %q of a string, for the messages (quotes and backslashes escaped) */
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

/* NewPolicyOptions (topologymanager): each option known and well-formed;
 * returns max-allowable-numa-nodes (8 unless raised). */
static long long tm_options(const struct tk_kubelet_config *kc, struct tk_kc_verdict *v)
{
	const struct tk_kc_map *m = &kc->topology_manager_policy_options;
	long long max = 8;
	size_t i;

	for (i = 0; i < m->n; i++) {
		const char *name = m->keys[i], *value = m->values[i];
		char *qn = q(name), *qv = q(value);
		long long n;
		bool b;

		if (!strcmp(name, "prefer-closest-numa-nodes")) {
			if (tk_parse_bool(value, &b))
				problem(v, xasprintf("bad value for option %s: strconv.ParseBool: parsing %s: invalid syntax",
						     qn, qv));
		} else if (!strcmp(name, "max-allowable-numa-nodes")) {
			if (tk_parse_ll(value, -(1LL << 62), 1LL << 62, &n))
				problem(v, xasprintf("unable to convert policy option to integer %s: strconv.Atoi: parsing %s: invalid syntax",
						     qn, qv));
			else if (n < 8)
				problem(v, xasprintf("the minimum value of %s should not be less than 8", qn));
			else
				max = n;
		} else {
			problem(v, xasprintf("unknown Topology Manager Policy option: %s", qn));
		}
		free(qn);
		free(qv);
	}
	return max;
}

/* Sum of key over maps in milli-units; *binary tells whether every addend
 * had a binary suffix (for the Go-like rendering of the total). */
static long long qsum(const struct tk_kc_map *const *maps, size_t n, const char *key, bool *binary,
		      bool *any, struct tk_kc_verdict *v, const char *file)
{
	long long total = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		const char *s = tk_kc_map_get(maps[i], key);
		struct tk_qty qt;

		if (!s)
			continue;
		if (tk_qty_parse(s, &qt)) {
			problem(v, xasprintf("%s: invalid quantity '%s' for %s", file, s, key));
			continue;
		}
		*any = true;
		if (!strchr(s, 'i'))
			*binary = false;
		total += qt.milli;
	}
	return total;
}

/* resource.Quantity's String() of a whole number of bytes, close to Go's
 * canonical form: the largest exact suffix of the addends' format. */
static char *qty_string(long long milli, bool binary)
{
	static const char *const bsuf[] = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	static const char *const dsuf[] = { "k", "M", "G", "T", "P", "E" };
	long long val = milli / 1000;
	int i;

	if (milli % 1000)
		return xasprintf("%lldm", milli);
	if (val == 0)
		return xstrdup("0");
	for (i = 5; i >= 0; i--) {
		long long unit = binary ? 1LL << (10 * (i + 1)) : 1;
		int k;

		if (!binary)
			for (k = 0; k <= i; k++)
				unit *= 1000;
		if (val % unit == 0)
			return xasprintf("%lld%s", val / unit, binary ? bsuf[i] : dsuf[i]);
	}
	return xasprintf("%lld", val);
}

int tk_kc_static_reserved_cpus(const struct tk_kubelet_config *kc)
{
	const struct tk_kc_map *maps[2] = { &kc->kube_reserved, &kc->system_reserved };
	long long milli = 0;
	size_t i;

	if (*kc->reserved_system_cpus) {
		struct cpuset s = CPUSET_INIT;
		int n = cpuset_parse_list(&s, kc->reserved_system_cpus, CPUSET_MAX_ID, NULL) ? -1 : (int)cpuset_count(&s);

		cpuset_release(&s);
		return n;
	}
	for (i = 0; i < 2; i++) {
		const char *v = tk_kc_map_get(maps[i], "cpu");
		struct tk_qty q;

		if (!v)
			continue;
		if (tk_qty_parse(v, &q) || q.milli < 0)
			return -1;
		milli += q.milli;
	}
	/* math.Ceil of the reservation: fractional CPUs cannot be exclusive */
	return milli > (long long)1 << 40 ? -1 : (int)((milli + 999) / 1000);
}

static bool machine_has_numa(const struct tk_kc_machine *m, long long id)
{
	size_t i;

	for (i = 0; i < m->nnuma; i++)
		if (m->numa_ids[i] == id)
			return true;
	return false;
}

static bool is_memory_type(const char *name)
{
	return !strcmp(name, "memory") || !strncmp(name, "hugepages-", 10);
}

/* The Node Allocatable reservation of one memory type: kubeReserved +
 * systemReserved + the hard eviction threshold of memory.available, the
 * default 100Mi when evictionHard is not given. -1 when that threshold is a
 * percentage (it depends on the node's memory). */
static int allocatable_reservation(const struct tk_kubelet_config *kc, const char *type, long long *milli,
				   bool *binary, bool *any, struct tk_kc_verdict *v)
{
	const struct tk_kc_map *maps[2] = { &kc->kube_reserved, &kc->system_reserved };
	const struct tk_kc_map *eh = &kc->eviction_hard;

	*milli = qsum(maps, 2, type, binary, any, v, kc->file);
	if (strcmp(type, "memory"))
		return 0;
	if (kc->have_eviction_hard) {
		const char *ma = tk_kc_map_get(eh, "memory.available");

		if (ma && strchr(ma, '%'))
			return -1;
		*milli += qsum(&eh, 1, "memory.available", binary, any, v, kc->file);
	} else {
		*milli += 100LL * 1024 * 1024 * 1000;  /* DefaultEvictionHard memory.available 100Mi */
		*any = true;
	}
	return 0;
}

/* validateReservedMemory (memorymanager, Static policy): for each memory
 * type reservedMemory or the Node Allocatable reservation names, the
 * reservedMemory total equals that reservation. */
static void check_memory_total(const struct tk_kubelet_config *kc, struct tk_kc_verdict *v)
{
	struct tk_kc_map types = { 0 };
	const struct tk_kc_map *res[2] = { &kc->kube_reserved, &kc->system_reserved };
	size_t i, j, t;

	map_put(&types, "memory", "");
	for (i = 0; i < kc->nreserved_memory; i++)
		for (j = 0; j < kc->reserved_memory[i].n; j++)
			if (!tk_kc_map_get(&types, kc->reserved_memory[i].resources[j]))
				map_put(&types, kc->reserved_memory[i].resources[j], "");
	for (i = 0; i < 2; i++)
		for (j = 0; j < res[i]->n; j++)
			if (is_memory_type(res[i]->keys[j]) && !tk_kc_map_get(&types, res[i]->keys[j]))
				map_put(&types, res[i]->keys[j], "");
	for (t = 0; t < types.n; t++) {
		const char *type = types.keys[t];
		bool binary = true, any = false, rbinary = true, rany = false;
		long long alloc, reserved = 0;

		if (allocatable_reservation(kc, type, &alloc, &binary, &any, v) < 0) {
			tk_strv_push(&v->warnings,
				     xasprintf("evictionHard memory.available %s depends on the node's memory; reservedMemory was not compared with it",
					       tk_kc_map_get(&kc->eviction_hard, "memory.available")));
			continue;
		}
		for (i = 0; i < kc->nreserved_memory; i++)
			for (j = 0; j < kc->reserved_memory[i].n; j++)
				if (!strcmp(kc->reserved_memory[i].resources[j], type)) {
					reserved += kc->reserved_memory[i].q[j].milli;
					rany = true;
					if (!strchr(kc->reserved_memory[i].texts[j], 'i'))
						rbinary = false;
				}
		if (alloc != reserved) {
			char *a = qty_string(reserved, rany ? rbinary : false), *b = qty_string(alloc, any ? binary : false);

			problem(v, xasprintf("the total amount \"%s\" of type \"%s\" is not equal to the value \"%s\" determined by Node Allocatable feature",
					     a, type, b));
			free(a);
			free(b);
		}
	}
	tk_kc_map_release(&types);
}

/* validateReservedMemoryConfiguration, and the Memory Manager's own checks
 * of the Static policy */
static void check_reserved_memory(const struct tk_kubelet_config *kc, const struct tk_kc_machine *m,
				  struct tk_kc_verdict *v)
{
	bool is_static = !strcmp(kc->memory_manager_policy, "Static"), dup;
	size_t i, j, k, l;

	for (i = 0; i < kc->nreserved_memory; i++) {
		const struct tk_kc_reservation *r = &kc->reserved_memory[i];

		if (m && m->numa_ids && !machine_has_numa(m, r->numa_node) && is_static)
			problem(v, xasprintf("the reserved memory configuration references a NUMA node %lld that does not exist on this machine",
					     r->numa_node));
		for (j = 0; j < r->n; j++) {
			const char *res = r->resources[j];

			if (strcmp(res, "memory") && strncmp(res, "hugepages-", 10))
				problem(v, xasprintf("invalid configuration: the limit type \"%s\" for NUMA node %lld is not supported, only [memory hugepages-<HugePageSize>] is accepted",
						     res, r->numa_node));
			if (r->q[j].milli == 0)
				problem(v, xasprintf("invalid configuration: reserved memory may not be zero for NUMA node %lld and resource \"%s\"",
						     r->numa_node, res));
			/* once per repeated (node, resource) */
			for (k = 0, dup = false; k < i && !dup; k++)
				for (l = 0; l < kc->reserved_memory[k].n && !dup; l++)
					dup = kc->reserved_memory[k].numa_node == r->numa_node &&
					      !strcmp(kc->reserved_memory[k].resources[l], res);
			if (dup)
				problem(v, xasprintf("invalid configuration: the reserved memory has a duplicate value for NUMA node %lld and resource \"%s\"",
						     r->numa_node, res));
		}
	}
	if (is_static)
		check_memory_total(kc, v);
}

/* NewManager's CPU policy: the static policy's options under this
 * configuration's gates, or the none policy's refusal of any option. */
static void check_cpu_options(const struct tk_kubelet_config *kc, const struct tk_kc_machine *m, bool is_static,
			      struct tk_kc_verdict *v)
{
	const struct tk_kc_map *opts = &kc->cpu_manager_policy_options;
	struct policy_gates gates = {
		.alpha = tk_kc_gate(kc, "CPUManagerPolicyAlphaOptions", false),
		.beta = tk_kc_gate(kc, "CPUManagerPolicyBetaOptions", true),
	};
	struct policy_opts po = { 0 };
	char err[512], *none;

	if (!opts->n)
		return;
	if (is_static) {
		if (policy_opts_parse(&po, opts->n, opts->keys, opts->values, &gates, err, sizeof(err)) ||
		    policy_validate(&po, m ? m->k : NULL, kc->topology_manager_policy, err, sizeof(err)))
			problem(v, xasprintf("new static policy error: %s", err));
		v->strict_cpu_reservation = po.strict_cpu_reservation;
	} else if ((none = policy_none_options_error(opts->n, opts->keys, opts->values))) {
		problem(v, xasprintf("new none policy error: %s", none));
		free(none);
	}
}

static void check_cpu_manager(const struct tk_kubelet_config *kc, const struct tk_kc_machine *m,
			      struct tk_kc_verdict *v)
{
	const struct tk_kc_map *maps[2] = { &kc->kube_reserved, &kc->system_reserved };
	bool binary = true, any = false;
	long long cpu;

	if (!strcmp(kc->cpu_manager_policy, "none")) {
		check_cpu_options(kc, m, false, v);
		return;
	}
	if (strcmp(kc->cpu_manager_policy, "static")) {
		problem(v, xasprintf("unknown policy: \"%s\"", kc->cpu_manager_policy));
		return;
	}
	cpu = qsum(maps, 2, "cpu", &binary, &any, v, kc->file);
	if (!v->have_reserved_cpus && cpu <= 0)
		problem(v, xstrdup("[cpumanager] unable to determine reserved CPU resources for static policy "
				   "(the static policy requires systemreserved.cpu + kubereserved.cpu to be greater than zero, "
				   "or reservedSystemCPUs)"));
	if (v->have_reserved_cpus && m && m->cpus && !cpuset_is_subset(&v->reserved_cpus, m->cpus)) {
		char *a = cpuset_format_list(&v->reserved_cpus), *b = cpuset_format_list(m->cpus);

		tk_strv_push(&v->warnings, xasprintf("reservedSystemCPUs %s are not all online CPUs of this node (%s)",
						     a, b));
		free(a);
		free(b);
	}
	check_cpu_options(kc, m, true, v);
}

void tk_kc_validate(const struct tk_kubelet_config *kc, const struct tk_kc_machine *m, struct tk_kc_verdict *v)
{
	const char *tm = kc->topology_manager_policy, *scope = kc->topology_manager_scope;
	const char *rsv = kc->reserved_system_cpus;
	char *qv;

	memset(v, 0, sizeof(*v));
	/* ValidateKubeletConfiguration */
	if (strcmp(tm, "none") && strcmp(tm, "best-effort") && strcmp(tm, "restricted") &&
	    strcmp(tm, "single-numa-node")) {
		qv = q(tm);
		problem(v, xasprintf("invalid configuration: topologyManagerPolicy (--topology-manager-policy) %s must be one of: [\"none\" \"best-effort\" \"restricted\" \"single-numa-node\"]",
				     qv));
		free(qv);
	}
	if (strcmp(scope, "container") && strcmp(scope, "pod")) {
		qv = q(scope);
		problem(v, xasprintf("invalid configuration: topologyManagerScope (--topology-manager-scope) %s must be one of: \"container\", or \"pod\"",
				     qv));
		free(qv);
	}
	if (*rsv) {
		if (*kc->system_reserved_cgroup || *kc->kube_reserved_cgroup)
			problem(v, xstrdup("invalid configuration: can't use reservedSystemCPUs (--reserved-cpus) with systemReservedCgroup (--system-reserved-cgroup) or kubeReservedCgroup (--kube-reserved-cgroup)"));
		if (cpuset_parse_list(&v->reserved_cpus, rsv, CPUSET_MAX_ID, NULL))
			problem(v, xasprintf("invalid configuration: unable to parse reservedSystemCPUs (--reserved-cpus) %s", rsv));
		else
			v->have_reserved_cpus = !cpuset_is_empty(&v->reserved_cpus);
	}

	/* the managers, in the order the container manager creates them */
	if (strcmp(tm, "none")) {
		long long max = tm_options(kc, v);

		if (m && m->nnuma && (long long)m->nnuma > max)
			problem(v, xasprintf("unsupported on machines with more than %lld NUMA Nodes", max));
	}
	check_cpu_manager(kc, m, v);
	if (strcmp(kc->memory_manager_policy, "None") && strcmp(kc->memory_manager_policy, "Static"))
		problem(v, xasprintf("unknown policy: \"%s\"", kc->memory_manager_policy));
	check_reserved_memory(kc, m, v);

	/* accepted by the kubelet, but nothing gets aligned */
	if ((!strcmp(tm, "restricted") || !strcmp(tm, "single-numa-node")) && strcmp(kc->cpu_manager_policy, "static"))
		tk_strv_push(&v->warnings,
			     xasprintf("topologyManagerPolicy %s with cpuManagerPolicy %s: the kubelet starts, but the CPU manager "
				       "gives no NUMA hints, so CPUs are not aligned (set cpuManagerPolicy: static)",
				       tm, kc->cpu_manager_policy));
	if (!strcmp(tm, "none") && !strcmp(kc->cpu_manager_policy, "static"))
		tk_strv_push(&v->warnings,
			     xstrdup("cpuManagerPolicy static with topologyManagerPolicy none: exclusive CPUs are not aligned "
				     "with devices or memory"));
}

void tk_kc_verdict_release(struct tk_kc_verdict *v)
{
	tk_strv_free(&v->problems);
	tk_strv_free(&v->warnings);
	cpuset_release(&v->reserved_cpus);
	memset(v, 0, sizeof(*v));
}
