/* resmap.c - PCI device -> extended resource name (see discover.h).
 *
 * The defaults are the names the common device plugins advertise:
 *   NVIDIA k8s-device-plugin       nvidia.com/gpu
 *   AMD ROCm k8s-device-plugin     amd.com/gpu
 *   Intel GPU plugin (i915 driver) gpu.intel.com/i915
 *   Intel QAT plugin               qat.intel.com/generic
 *   Habana (Intel Gaudi) plugin    habana.ai/gaudi
 *   AWS Neuron plugin              aws.amazon.com/neuron
 *   SR-IOV network device plugin   intel.com/intel_sriov_netdevice and
 *                                  intel.com/mlnx_sriov_netdevice (the
 *                                  plugin's example names, default prefix)
 * A site's own names come from --resource-map, whose rules are tried first.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "discover.h"
#include "doc.h"
#include "labels.h"
#include "xalloc.h"

struct default_rule {
	int vendor, device;
	unsigned class_id, class_len;
	const char *resource;
};

static const struct default_rule defaults[] = {
	/* SR-IOV virtual functions come first: their class is "network" too */
	{ 0x8086, 0x10ed, 0, 0, "intel.com/intel_sriov_netdevice" }, /* 82599 VF */
	{ 0x8086, 0x1515, 0, 0, "intel.com/intel_sriov_netdevice" }, /* X540 VF */
	{ 0x8086, 0x1520, 0, 0, "intel.com/intel_sriov_netdevice" }, /* I350 VF */
	{ 0x8086, 0x154c, 0, 0, "intel.com/intel_sriov_netdevice" }, /* XL710/X710 VF */
	{ 0x8086, 0x37cd, 0, 0, "intel.com/intel_sriov_netdevice" }, /* X722 VF */
	{ 0x8086, 0x1889, 0, 0, "intel.com/intel_sriov_netdevice" }, /* E810 VF */
	{ 0x15b3, 0x1014, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX-4 VF */
	{ 0x15b3, 0x1016, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX-4 Lx VF */
	{ 0x15b3, 0x1018, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX-5 VF */
	{ 0x15b3, 0x101a, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX-5 Ex VF */
	{ 0x15b3, 0x101c, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX-6 VF */
	{ 0x15b3, 0x101e, 0, 0, "intel.com/mlnx_sriov_netdevice" },  /* ConnectX VF */
	/* GPUs: display controllers (0x03xx) of the GPU vendors */
	{ 0x10de, -1, 0x0300, 2, "nvidia.com/gpu" },
	{ 0x1002, -1, 0x0300, 2, "amd.com/gpu" },
	{ 0x1002, -1, 0x1200, 2, "amd.com/gpu" },        /* Instinct as accelerator */
	{ 0x8086, -1, 0x0300, 2, "gpu.intel.com/i915" },
	/* accelerators */
	{ 0x8086, 0x37c8, 0, 0, "qat.intel.com/generic" },  /* C62x QAT */
	{ 0x8086, 0x4940, 0, 0, "qat.intel.com/generic" },  /* 4xxx QAT */
	{ 0x8086, 0x4942, 0, 0, "qat.intel.com/generic" },
	{ 0x8086, 0x4944, 0, 0, "qat.intel.com/generic" },
	{ 0x1da3, -1, 0x1200, 2, "habana.ai/gaudi" },
	{ 0x1d0f, 0x7064, 0, 0, "aws.amazon.com/neuron" },  /* Inferentia */
	{ 0x1d0f, 0x7164, 0, 0, "aws.amazon.com/neuron" },  /* Trainium */
	{ 0x1d0f, 0x7264, 0, 0, "aws.amazon.com/neuron" },  /* Inferentia2 */
	{ 0x1d0f, 0x7364, 0, 0, "aws.amazon.com/neuron" },  /* Trainium2 */
};

void discover_resmap_init_defaults(struct resmap *m)
{
	size_t i, n = sizeof(defaults) / sizeof(defaults[0]);

	m->rules = xcalloc(n, sizeof(*m->rules));
	m->n = n;
	for (i = 0; i < n; i++) {
		m->rules[i].vendor = defaults[i].vendor;
		m->rules[i].device = defaults[i].device;
		m->rules[i].class_id = defaults[i].class_id;
		m->rules[i].class_len = defaults[i].class_len;
		m->rules[i].resource = xstrdup(defaults[i].resource);
	}
}

void discover_resmap_release(struct resmap *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->rules[i].resource);
	free(m->rules);
	m->rules = NULL;
	m->n = 0;
}

const struct resmap_rule *discover_resmap_match(const struct resmap *m, unsigned vendor,
						unsigned device, unsigned class_id)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		const struct resmap_rule *r = &m->rules[i];

		if (r->vendor >= 0 && (unsigned)r->vendor != vendor)
			continue;
		if (r->device >= 0 && (unsigned)r->device != device)
			continue;
		if (r->class_len == 2 && (r->class_id >> 8) != (class_id >> 8))
			continue;
		if (r->class_len == 4 && r->class_id != class_id)
			continue;
		return r;
	}
	return NULL;
}

/* A hex id as written ("10de", 0x10de is refused: lspci writes no 0x).
 * YAML may have typed it (1002 is an int, 0300 an octal int): the text
 * as written is what counts. */
static int get_hex(const char *file, const struct tk_node *rule, const char *key,
		   unsigned want_len, int *out, unsigned *len, struct tk_diag *d)
{
	const struct tk_node *v = tk_get(rule, key);
	const char *s;
	size_t i, n;

	if (!v || v->kind == TK_NULL)
		return 1;
	s = tk_scalar_text(v);
	n = s ? strlen(s) : 0;
	if (!s || (want_len ? n != want_len : (n != 2 && n != 4)))
		goto bad;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			goto bad;
	*out = (int)strtol(s, NULL, 16);
	if (len)
		*len = (unsigned)n;
	return 0;
bad:
	return tk_node_error(file, v, d, "%s must be %s hex digits, e.g. '%s'", key,
			     want_len ? "4" : "2 or 4", want_len ? "10de" : "0302");
}

static int load_rule(const char *file, const struct tk_node *rule, struct resmap_rule *r,
		     struct tk_diag *d)
{
	static const char *const keys[] = { "vendor", "device", "class", "resource" };
	const struct tk_node *res;
	struct tk_strv errs = { 0, NULL };
	int cls = 0;
	size_t i, k;

	if (tk_expect(file, rule, TK_MAP, "resource map rule", d) < 0)
		return -1;
	for (i = 0; i < rule->n; i++) {
		const char *key = tk_scalar_text(rule->keys[i]);

		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (key && strcmp(key, keys[k]) == 0)
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return tk_node_error(file, rule->keys[i], d,
					     "unknown field '%s' (want vendor, device, class, resource)",
					     key ? key : "");
	}
	r->vendor = r->device = -1;
	r->class_len = 0;
	if (get_hex(file, rule, "vendor", 4, &r->vendor, NULL, d) < 0 ||
	    get_hex(file, rule, "device", 4, &r->device, NULL, d) < 0 ||
	    get_hex(file, rule, "class", 0, &cls, &r->class_len, d) < 0)
		return -1;
	r->class_id = r->class_len == 2 ? (unsigned)cls << 8 : (unsigned)cls;
	if (r->vendor < 0 && r->device < 0 && r->class_len == 0)
		return tk_node_error(file, rule, d, "rule matches every device "
				     "(give vendor, device or class)");
	res = tk_get(rule, "resource");
	if (!res)
		return tk_node_error(file, rule, d, "rule has no resource "
				     "(use resource: null to name none)");
	if (res->kind == TK_NULL)
		return 0;
	if (res->kind != TK_STR)
		return tk_node_error(file, res, d, "resource must be a string");
	if (!strchr(res->text, '/') || tk_validate_qualified_name(res->text, &errs) > 0) {
		tk_node_error(file, res, d, "invalid extended resource name '%s'%s%s", res->text,
			      errs.n ? ": " : " (want domain/name, e.g. 'example.com/dev')",
			      errs.n ? errs.v[0] : "");
		tk_strv_free(&errs);
		return -1;
	}
	r->resource = xstrdup(res->text);
	return 0;
}

int discover_resmap_load(struct resmap *m, const char *path, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load(path, NULL, d);
	const struct tk_node *root, *rules;
	struct resmap_rule *nr = NULL;
	bool keep_defaults = true;
	size_t i, n = 0;
	int ret = -1;

	if (!doc)
		return -1;
	if (doc->ndocs != 1) {
		tk_diag_set(d, doc->file, 0, 0, "want one YAML document, got %zu", doc->ndocs);
		goto out;
	}
	root = rules = doc->docs[0];
	if (root->kind == TK_MAP) {
		for (i = 0; i < root->n; i++) {
			const char *key = tk_scalar_text(root->keys[i]);

			if (!key || (strcmp(key, "rules") && strcmp(key, "defaults"))) {
				tk_node_error(doc->file, root->keys[i], d,
					      "unknown field '%s' (want rules, defaults)", key ? key : "");
				goto out;
			}
		}
		if (tk_get_bool(doc->file, root, "defaults", false, &keep_defaults, d) < 0)
			goto out;
		rules = tk_get(root, "rules");
		if (!rules) {
			tk_node_error(doc->file, root, d, "missing field 'rules'");
			goto out;
		}
	}
	if (tk_expect(doc->file, rules, TK_SEQ, "rules", d) < 0)
		goto out;
	nr = xcalloc(rules->n + (keep_defaults ? m->n : 0) + 1, sizeof(*nr));
	for (n = 0; n < rules->n; n++)
		if (load_rule(doc->file, rules->items[n], &nr[n], d) < 0)
			goto out;
	if (keep_defaults) {
		memcpy(nr + n, m->rules, m->n * sizeof(*nr));
		free(m->rules);
		m->n += n;
	} else {
		discover_resmap_release(m);
		m->n = n;
	}
	m->rules = nr;
	nr = NULL;
	n = 0;
	ret = 0;
out:
	for (i = 0; nr && i < n; i++)
		free(nr[i].resource);
	free(nr);
	tk_doc_free(doc);
	return ret;
}
