/* discover.c - read a machine with libhwloc and fill struct topo.
 *
 * Terminology (hwloc's two index spaces, see hwloc(7)):
 *   os_index       the number the OS uses (PU os_index = Linux CPU number,
 *                  NUMANode os_index = Linux node number). Our ids.
 *   logical_index  hwloc's own 0..n-1 numbering in topology order; used only
 *                  where the OS gives no number (L3 caches in most XML files).
 *
 * The document's ids follow the kubelet's CPU Manager
 * (pkg/kubelet/cm/cpumanager/topology/topology.go, Discover()):
 *   core    getUniqueCoreID(): the lowest CPU id among the core's threads,
 *           because cadvisor's core_id repeats in every package;
 *   socket  the package's physical id (0 when hwloc knows no package);
 *   numa    the node whose cpulist holds the CPU (0 when there is none);
 *   l3      getUncoreCacheID(): the L3 cache id, or the socket id when the
 *           CPU has no L3.
 * NUMA nodes without CPUs (HBM, GPU memory, CXL, offline CPUs' nodes) are
 * kept with an empty cpus list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hwloc.h>

#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "topo.h"
#include "xalloc.h"

/* hwloc plugins never wanted: the GPU ones initialise vendor runtimes only to
 * add OS devices we do not report. (The x86 CPUID component is switched off
 * per topology in setup_source().) The libxml2 XML importer stays: it checks
 * the file as it parses, where hwloc's built-in one leaks on a truncated
 * file. */
#define PLUGINS_NEVER "hwloc_opencl,hwloc_gl,hwloc_cuda,hwloc_nvml,hwloc_rsmi,hwloc_levelzero"

static const char *source_name(const struct discover_opts *o)
{
	switch (o->source) {
	case SRC_XML:
		return strcmp(o->arg, "-") == 0 ? "<stdin>" : o->arg;
	case SRC_FSROOT:
		return o->arg;
	case SRC_SYNTHETIC:
		return "--synthetic";
	case SRC_LIVE:
		break;
	}
	return NULL;
}

/* hwloc 2.x cannot import XML format 3 ("cannot import XML version 3.0 >
 * 2"), and says so only on stderr when HWLOC_XML_VERBOSE is set. Look at the
 * head of the document first so the user learns why. head is NUL-terminated. */
static int check_xml_head(const char *name, const char *head, size_t n, struct tk_diag *d)
{
	const char *p, *v;
	int major;

	if (n == 0)
		return tk_diag_set(d, name, 0, 0, "empty file, not an hwloc XML topology");
	p = strstr(head, "<topology");
	if (!p)
		return tk_diag_set(d, name, 0, 0,
				   "not an hwloc XML topology (no <topology> element; "
				   "write one with 'lstopo --of xml')");
	if (strstr(head, "hwloc3.dtd"))
		major = 3;
	else if ((v = strstr(p, "version=\"")) && v < p + 200)
		major = atoi(v + 9);
	else
		major = 1;   /* hwloc 1.x wrote no version; libhwloc 2 reads it */
	if (major >= 3)
		return tk_diag_set(d, name, 0, 0,
				   "hwloc XML format version %d.x cannot be read by libhwloc 2 "
				   "(export the topology with hwloc 2.x: 'lstopo --of xml')", major);
	return 0;
}

static int check_xml_file(const char *path, struct tk_diag *d)
{
	char buf[8192];
	FILE *f;
	size_t n;

	f = fopen(path, "rb");
	if (!f)
		return tk_diag_set(d, path, 0, 0, "cannot open: %s", strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return check_xml_head(path, buf, n, d);
}

/* --input -: the whole export from stdin (lstopo --of xml | topo-discover -i -),
 * bounded like every other input. Returns a malloc'd NUL-terminated buffer. */
#define XML_MAX_INPUT ((size_t)256 << 20)

static char *read_xml_stdin(size_t *len, struct tk_diag *d)
{
	size_t cap = 1 << 16, n = 0, r;
	char *buf = xmalloc(cap + 1), head[8192];

	while ((r = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += r;
		if (n == cap) {
			if (cap >= XML_MAX_INPUT) {
				free(buf);
				tk_diag_set(d, "<stdin>", 0, 0, "input larger than %zu MiB",
					    XML_MAX_INPUT >> 20);
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
	}
	if (ferror(stdin)) {
		free(buf);
		tk_diag_set(d, "<stdin>", 0, 0, "read error: %s", strerror(errno));
		return NULL;
	}
	buf[n] = '\0';
	r = n < sizeof(head) - 1 ? n : sizeof(head) - 1;
	memcpy(head, buf, r);
	head[r] = '\0';
	if (check_xml_head("<stdin>", head, n, d) < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int check_fsroot(const char *dir, struct tk_diag *d)
{
	struct stat st;
	char *p;
	int rc;

	if (stat(dir, &st) != 0)
		return tk_diag_set(d, dir, 0, 0, "cannot open: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tk_diag_set(d, dir, 0, 0, "not a directory (--fsroot wants an "
				   "unpacked /sys + /proc tree)");
	p = xasprintf("%s/sys/devices/system/cpu", dir);
	rc = stat(p, &st);
	free(p);
	if (rc != 0 || !S_ISDIR(st.st_mode))
		return tk_diag_set(d, dir, 0, 0, "not a /sys + /proc tree "
				   "(no sys/devices/system/cpu)");
	return 0;
}

/* hwloc builds every PU a synthetic description asks for; refuse sizes no
 * machine has before it tries ("pu:99999999"). The product of the arities
 * bounds the PU count. */
static int check_synthetic(const char *desc, struct tk_diag *d)
{
	unsigned long long pus = 1;
	const char *p;
	char *end;

	if (!*desc)
		return tk_diag_set(d, "--synthetic", 0, 0, "empty description");
	for (p = desc; (p = strchr(p, ':')); p++) {
		unsigned long long n;

		if (p[1] < '0' || p[1] > '9')
			continue;
		n = strtoull(p + 1, &end, 10);
		if (n == 0)
			return tk_diag_set(d, "--synthetic", 0, 0,
					   "invalid description '%s' (arity 0)", desc);
		if (n > DISCOVER_MAX_PUS || (pus *= n) > DISCOVER_MAX_PUS)
			return tk_diag_set(d, "--synthetic", 0, 0,
					   "description '%s' makes more than %d CPUs",
					   desc, DISCOVER_MAX_PUS);
	}
	return 0;
}

static char *read_first_line(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	char *nl;

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf[0] ? xstrdup(buf) : NULL;
}

static char *source_hostname(hwloc_topology_t topo, const struct discover_opts *o)
{
	char buf[256];
	const char *h;
	char *p, *r;

	switch (o->source) {
	case SRC_LIVE:
		if (gethostname(buf, sizeof(buf)) == 0) {
			buf[sizeof(buf) - 1] = '\0';
			return xstrdup(buf);
		}
		return NULL;
	case SRC_XML:
		h = hwloc_obj_get_info_by_name(hwloc_get_root_obj(topo), "HostName");
		return h && *h ? xstrdup(h) : NULL;
	case SRC_FSROOT:
		/* hwloc would report the build machine's uname here */
		p = xasprintf("%s/proc/sys/kernel/hostname", o->arg);
		r = read_first_line(p);
		free(p);
		return r;
	case SRC_SYNTHETIC:
		break;
	}
	return NULL;
}

static int setup_source(hwloc_topology_t topo, const struct discover_opts *o,
			const char *xml, size_t xml_len, struct tk_diag *d)
{
	switch (o->source) {
	case SRC_XML:
		/* libxml2 (hwloc's XML plugin) parses the whole document here */
		if ((xml ? hwloc_topology_set_xmlbuffer(topo, xml, (int)xml_len + 1)
			 : hwloc_topology_set_xml(topo, o->arg)) < 0)
			return tk_diag_set(d, source_name(o), 0, 0, "not a valid hwloc XML topology");
		break;
	case SRC_SYNTHETIC:
		if (hwloc_topology_set_synthetic(topo, o->arg) < 0)
			return tk_diag_set(d, "--synthetic", 0, 0,
					   "invalid description '%s' (want e.g. "
					   "\"package:2 numa:2 core:8 pu:2\")", o->arg);
		break;
	case SRC_FSROOT:
	case SRC_LIVE:
		/* sysfs is what cadvisor reads; CPUID would mix in this machine */
		hwloc_topology_set_components(topo, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
		if (o->source == SRC_FSROOT)
			hwloc_topology_set_components(topo, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "pci");
		break;
	}
	return 0;
}

static void setup_filters(hwloc_topology_t topo, const struct discover_opts *o)
{
	hwloc_topology_set_cache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_icache_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_type_filter(topo, HWLOC_OBJ_L3CACHE, HWLOC_TYPE_FILTER_KEEP_ALL);
	hwloc_topology_set_type_filter(topo, HWLOC_OBJ_MISC, HWLOC_TYPE_FILTER_KEEP_NONE);
	hwloc_topology_set_type_filter(topo, HWLOC_OBJ_MEMCACHE, HWLOC_TYPE_FILTER_KEEP_NONE);
	if (!o->devices) {
		hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_NONE);
		return;
	}
	hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
	hwloc_topology_set_type_filter(topo, HWLOC_OBJ_OS_DEVICE, HWLOC_TYPE_FILTER_KEEP_NONE);
	if (o->all_pci)
		hwloc_topology_set_type_filter(topo, HWLOC_OBJ_PCI_DEVICE, HWLOC_TYPE_FILTER_KEEP_ALL);
}

/* ---- NUMA nodes ---- */

/* Memory that is not plain DRAM (KNL MCDRAM, GPU memory, NVDIMM, HBM):
 * such a node covers the same CPUs as a DRAM node in hwloc, but sysfs
 * lists those CPUs under the DRAM node only. */
static int numa_rank(hwloc_obj_t n)
{
	return n->subtype && strcmp(n->subtype, "DRAM") != 0;
}

static int cmp_numa_obj(const void *a, const void *b)
{
	hwloc_obj_t x = *(hwloc_obj_t const *)a, y = *(hwloc_obj_t const *)b;

	if (numa_rank(x) != numa_rank(y))
		return numa_rank(x) - numa_rank(y);
	return x->os_index < y->os_index ? -1 : x->os_index > y->os_index;
}

static int cmp_numa_id(const void *a, const void *b)
{
	const struct topo_numa *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Kubernetes' name for a page size: 2097152 -> "2Mi", the largest binary
 * suffix that divides it exactly (resource.Quantity in BinarySI, as the
 * kubelet names hugepages-<size>). Malloc'd. */
static char *page_size_name(unsigned long long bytes)
{
	static const char *const suffix[] = { "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
	unsigned i = 0;

	while (i + 1 < sizeof(suffix) / sizeof(suffix[0]) && bytes && bytes % 1024 == 0) {
		bytes /= 1024;
		i++;
	}
	return xasprintf("%llu%s", bytes, suffix[i]);
}

static void fill_numa_memory(struct topo_numa *tn, hwloc_obj_t n)
{
	const struct hwloc_numanode_attr_s *a = &n->attr->numanode;
	unsigned i, first = 0;

	tn->memory = a->local_memory;
	/* hwloc lists the base page size first (4Ki, 64Ki on ppc64); the rest
	 * are the hugepage sizes the kubelet reports as hugepages-<size> */
	if (a->page_types_len && a->page_types[0].size <= 65536)
		first = 1;
	if (a->page_types_len <= first)
		return;
	tn->hugepages = xcalloc(a->page_types_len - first, sizeof(*tn->hugepages));
	for (i = first; i < a->page_types_len; i++) {
		if (!a->page_types[i].size)
			continue;
		tn->hugepages[tn->nhugepages].size = page_size_name(a->page_types[i].size);
		tn->hugepages[tn->nhugepages].pages = a->page_types[i].count;
		tn->nhugepages++;
	}
}

/* Relative latencies as in sysfs node<N>/distance files (what the
 * Topology Manager reads). A matrix that does not cover every node we list
 * is dropped rather than guessed. */
static void fill_distances(hwloc_topology_t topo, struct topo *t)
{
	struct hwloc_distances_s *dist[4];
	struct hwloc_distances_s *m = NULL;
	unsigned nr = 4, i, j, k;
	int *idx = NULL;

	if (hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, dist,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) < 0 || nr == 0)
		return;
	if (nr > 4)
		nr = 4;
	for (i = 0; i < nr && !m; i++) {
		const char *name = hwloc_distances_get_name(topo, dist[i]);

		if (name && strcmp(name, "NUMALatency") == 0)
			m = dist[i];
	}
	if (!m)
		m = dist[0];
	if (m->nbobjs < t->nnuma)
		goto out;
	idx = xcalloc(t->nnuma, sizeof(*idx));
	for (k = 0; k < t->nnuma; k++) {
		idx[k] = -1;
		for (i = 0; i < m->nbobjs; i++)
			if (m->objs[i] && (int)m->objs[i]->os_index == t->numa[k].id)
				idx[k] = (int)i;
		if (idx[k] < 0)
			goto out;
	}
	for (k = 0; k < t->nnuma; k++) {
		struct topo_numa *tn = &t->numa[k];

		tn->distances = xcalloc(t->nnuma, sizeof(int));
		tn->ndistances = t->nnuma;
		for (j = 0; j < t->nnuma; j++) {
			hwloc_uint64_t v = m->values[(size_t)idx[k] * m->nbobjs + (size_t)idx[j]];

			tn->distances[j] = v > 1000000 ? 1000000 : (int)v;
		}
	}
out:
	free(idx);
	for (i = 0; i < nr; i++)
		hwloc_distances_release(topo, dist[i]);
}

static int fill_numa(hwloc_topology_t topo, struct topo *t, const char *src, struct tk_diag *d)
{
	int nn = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
	hwloc_obj_t *nodes;
	struct cpuset claimed = CPUSET_INIT;
	size_t i;
	int ret = -1;

	if (nn <= 0)
		return 0;   /* no NUMA node: every CPU stays in node 0 */
	nodes = xcalloc((size_t)nn, sizeof(*nodes));
	for (i = 0; i < (size_t)nn; i++) {
		nodes[i] = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)i);
		if (nodes[i]->os_index == HWLOC_UNKNOWN_INDEX || nodes[i]->os_index > CPUSET_MAX_ID) {
			tk_diag_set(d, src, 0, 0, "NUMA node L#%u has no OS index up to %d",
				    nodes[i]->logical_index, CPUSET_MAX_ID);
			goto out;
		}
	}
	qsort(nodes, (size_t)nn, sizeof(*nodes), cmp_numa_obj);
	t->numa = xcalloc((size_t)nn, sizeof(*t->numa));
	t->nnuma = (size_t)nn;
	for (i = 0; i < (size_t)nn; i++) {
		struct topo_numa *tn = &t->numa[i];
		size_t c;

		cpuset_init(&tn->cpus);
		tn->id = (int)nodes[i]->os_index;
		fill_numa_memory(tn, nodes[i]);
		if (!nodes[i]->cpuset)
			continue;
		/* each CPU goes to the first node (DRAM, lowest id) covering it */
		for (c = 0; c < t->ncpus; c++) {
			unsigned id = (unsigned)t->cpus[c].id;

			if (hwloc_bitmap_isset(nodes[i]->cpuset, id) && !cpuset_test(&claimed, id)) {
				cpuset_set(&claimed, id);
				cpuset_set(&tn->cpus, id);
				t->cpus[c].numa = tn->id;
			}
		}
	}
	for (i = 1; i < t->nnuma; i++)
		if (t->numa[i].id == t->numa[i - 1].id) {
			tk_diag_set(d, src, 0, 0, "two NUMA nodes with OS index %d", t->numa[i].id);
			goto out;
		}
	qsort(t->numa, t->nnuma, sizeof(*t->numa), cmp_numa_id);
	fill_distances(topo, t);
	ret = 0;
out:
	cpuset_release(&claimed);
	free(nodes);
	return ret;
}

/* ---- CPUs ---- */

static int obj_id(hwloc_obj_t o)
{
	return o->os_index == HWLOC_UNKNOWN_INDEX ? (int)o->logical_index : (int)o->os_index;
}

static int fill_cpus(hwloc_topology_t topo, struct topo *t, const char *src, struct tk_diag *d)
{
	int npu = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
	bool l3_os = true;
	hwloc_obj_t o = NULL;
	size_t i = 0;

	if (npu <= 0)
		return tk_diag_set(d, src, 0, 0, "no CPU found");
	/* most XML exports carry no L3 os_index: then number them all logically */
	while ((o = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_L3CACHE, o)))
		if (o->os_index == HWLOC_UNKNOWN_INDEX)
			l3_os = false;
	t->cpus = xcalloc((size_t)npu, sizeof(*t->cpus));
	for (o = NULL; (o = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, o)); i++) {
		struct topo_cpu *c = &t->cpus[i];
		hwloc_obj_t core, pkg, l3;

		if (o->os_index == HWLOC_UNKNOWN_INDEX)
			return tk_diag_set(d, src, 0, 0, "CPU L#%u has no OS index", o->logical_index);
		if (o->os_index > CPUSET_MAX_ID)
			return tk_diag_set(d, src, 0, 0, "CPU L#%u has OS index %u, above %d",
					   o->logical_index, o->os_index, CPUSET_MAX_ID);
		c->id = (int)o->os_index;
		core = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_CORE, o);
		c->core = core && core->cpuset ? hwloc_bitmap_first(core->cpuset) : c->id;
		pkg = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_PACKAGE, o);
		c->socket = pkg ? obj_id(pkg) : 0;
		l3 = hwloc_get_ancestor_obj_by_type(topo, HWLOC_OBJ_L3CACHE, o);
		if (l3)
			c->l3 = l3_os ? (int)l3->os_index : (int)l3->logical_index;
		else
			c->l3 = c->socket;
		c->numa = 0;
		t->ncpus++;
	}
	return 0;
}

/* ---- devices ---- */

static const unsigned bmc_vendors[] = {
	0x1a03, /* ASPEED: BMC video */
	0x102b, /* Matrox: server G200 BMC video */
};

/* PCI class id -> "gpu", "net", "nvme", "storage", "accelerator", or NULL
 * when the class is not one a pod can be given (bridges, USB, ...). */
static const char *pci_class(unsigned class_id, unsigned vendor)
{
	unsigned base = class_id >> 8;
	size_t i;

	switch (base) {
	case 0x01:
		return class_id == 0x0108 ? "nvme" : "storage";
	case 0x02:
		return "net";
	case 0x03:
		for (i = 0; i < sizeof(bmc_vendors) / sizeof(bmc_vendors[0]); i++)
			if (vendor == bmc_vendors[i])
				return "other";
		return "gpu";
	case 0x0b:
		return class_id == 0x0b40 ? "accelerator" : NULL;
	case 0x0c:
		return class_id == 0x0c06 ? "net" : NULL;   /* InfiniBand */
	case 0x12:
		return "accelerator";
	}
	return NULL;
}

/* The device's nearest NUMA node: the single CPU-bearing node (else the
 * single node) below its first non-I/O ancestor; -1 when that is ambiguous,
 * as a device plugin reports a device whose numa_node is -1. */
static int device_numa(hwloc_topology_t topo, const struct topo *t, hwloc_obj_t dev)
{
	hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, dev);
	int id, found = -1, nfound = 0;
	size_t k;

	if (!anc || !anc->nodeset || hwloc_bitmap_iszero(anc->nodeset))
		return -1;
	if (hwloc_bitmap_weight(anc->nodeset) == 1)
		return hwloc_bitmap_first(anc->nodeset);
	hwloc_bitmap_foreach_begin(id, anc->nodeset) {
		for (k = 0; k < t->nnuma; k++)
			if (t->numa[k].id == id && !cpuset_is_empty(&t->numa[k].cpus)) {
				found = id;
				nfound++;
			}
	} hwloc_bitmap_foreach_end();
	return nfound == 1 ? found : -1;
}

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct topo_device *)a)->id, ((const struct topo_device *)b)->id);
}

static void fill_devices(hwloc_topology_t topo, struct topo *t, const struct discover_opts *o)
{
	hwloc_obj_t dev = NULL;
	size_t cap = 0;

	while ((dev = hwloc_get_next_pcidev(topo, dev))) {
		const struct hwloc_pcidev_attr_s *a = &dev->attr->pcidev;
		const struct resmap_rule *r = NULL;
		const char *cls = pci_class(a->class_id, a->vendor_id);
		const char *name;
		struct topo_device *td;

		if (o->map)
			r = discover_resmap_match(o->map, a->vendor_id, a->device_id, a->class_id);
		if (!cls && !(r && r->resource))
			continue;
		if (t->ndevices == cap) {
			cap = cap ? cap * 2 : 16;
			t->devices = xreallocarray(t->devices, cap, sizeof(*t->devices));
		}
		td = &t->devices[t->ndevices++];
		memset(td, 0, sizeof(*td));
		td->id = xasprintf("%04x:%02x:%02x.%x", (unsigned)a->domain, a->bus, a->dev, a->func);
		td->class = xstrdup(cls ? cls : "other");
		td->vendor = xasprintf("%04x", a->vendor_id);
		td->device = xasprintf("%04x", a->device_id);
		name = hwloc_obj_get_info_by_name(dev, "PCIDevice");
		td->name = xstrdup(name ? name : "");
		td->numa = device_numa(topo, t, dev);
		td->resource = r && r->resource ? xstrdup(r->resource) : NULL;
	}
	if (t->ndevices > 1)
		qsort(t->devices, t->ndevices, sizeof(*t->devices), cmp_device);
}

/* ---- entry point ---- */

int discover(struct topo *t, const struct discover_opts *o, struct tk_diag *d)
{
	hwloc_topology_t topo = NULL;
	const char *src = source_name(o);
	char *xml = NULL;
	size_t xml_len = 0;
	int ret = -1;

	switch (o->source) {
	case SRC_XML:
		if (strcmp(o->arg, "-") == 0) {
			if (!(xml = read_xml_stdin(&xml_len, d)))
				return -1;
		} else if (check_xml_file(o->arg, d) < 0) {
			return -1;
		}
		break;
	case SRC_FSROOT:
		if (check_fsroot(o->arg, d) < 0)
			return -1;
		/* read by the linux component when the topology loads */
		setenv("HWLOC_FSROOT", o->arg, 1);
		setenv("HWLOC_THISSYSTEM", "0", 1);
		break;
	case SRC_SYNTHETIC:
		if (check_synthetic(o->arg, d) < 0)
			return -1;
		break;
	case SRC_LIVE:
		break;
	}
	/* GPU memory that sysfs shows as NUMA nodes (POWER9 + V100, Grace
	 * Hopper) is a NUMA node to cadvisor and so to the Topology Manager;
	 * hwloc hides it unless asked */
	setenv("HWLOC_KEEP_NVIDIA_GPU_NUMA_NODES", "1", 0);
	/* plugins are loaded by the first topology_init: keep out the ones we
	 * never use (and libpciaccess too when devices are not wanted) */
	setenv("HWLOC_PLUGINS_BLACKLIST",
	       o->source == SRC_XML ? PLUGINS_NEVER ",hwloc_pci" :
	       o->devices && o->source == SRC_LIVE ? PLUGINS_NEVER ",hwloc_xml_libxml" :
	       PLUGINS_NEVER ",hwloc_pci,hwloc_xml_libxml", 1);
	if (hwloc_topology_init(&topo) < 0) {
		free(xml);
		return tk_diag_set(d, src, 0, 0, "cannot initialise libhwloc: %s", strerror(errno));
	}
	hwloc_topology_set_flags(topo, HWLOC_TOPOLOGY_FLAG_INCLUDE_DISALLOWED);
	setup_filters(topo, o);
	if (setup_source(topo, o, xml, xml_len, d) < 0)
		goto out;
	if (hwloc_topology_load(topo) < 0) {
		if (o->source == SRC_XML)
			tk_diag_set(d, src, 0, 0, "not a valid hwloc XML topology");
		else
			tk_diag_set(d, src, 0, 0, "libhwloc cannot read the topology: %s",
				    strerror(errno));
		goto out;
	}
	if (fill_cpus(topo, t, src, d) < 0 || fill_numa(topo, t, src, d) < 0)
		goto out;
	if (o->devices)
		fill_devices(topo, t, o);
	t->hostname = source_hostname(topo, o);
	if (topo_finish(t, d) < 0) {
		if (d && !d->file[0] && src)   /* name the source, not just the fault */
			snprintf(d->file, sizeof(d->file), "%s", src);
		goto out;
	}
	ret = 0;
out:
	hwloc_topology_destroy(topo);
	free(xml);
	return ret;
}
