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
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hwloc.h>

#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "safeopen.h"
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
	char buf[128];
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
	char buf[128];
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
	/* live and --fsroot devices are read from sysfs by fill_sysfs_devices */
	if (!o->devices || o->source != SRC_XML) {
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

/* The nearest NUMA node of a device attached below an object of this
 * nodeset: its single node, else the single CPU-bearing node in it; -1 when
 * that is ambiguous, as a device plugin reports a device whose numa_node
 * is -1. */
static int nodeset_numa(const struct topo *t, hwloc_const_nodeset_t nodeset)
{
	int id, found = -1, nfound = 0;
	size_t k;

	if (!nodeset || hwloc_bitmap_iszero(nodeset))
		return -1;
	if (hwloc_bitmap_weight(nodeset) == 1)
		return hwloc_bitmap_first(nodeset);
	hwloc_bitmap_foreach_begin(id, nodeset) {
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

static void add_device(struct topo *t, size_t *cap, const struct discover_opts *o,
		       const unsigned busid[4], unsigned class_id, unsigned vendor, unsigned device,
		       const char *name, int numa)
{
	const struct resmap_rule *r = NULL;
	const char *cls = pci_class(class_id, vendor);
	struct topo_device *td;

	if (o->map)
		r = discover_resmap_match(o->map, (int)vendor, (int)device, class_id);
	if (!cls && !(r && r->resource))
		return;
	if (t->ndevices == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		t->devices = xreallocarray(t->devices, *cap, sizeof(*t->devices));
	}
	td = &t->devices[t->ndevices++];
	memset(td, 0, sizeof(*td));
	td->id = xasprintf("%04x:%02x:%02x.%x", busid[0], busid[1], busid[2], busid[3]);
	td->class = xstrdup(cls ? cls : "other");
	td->vendor = xasprintf("%04x", vendor);
	td->device = xasprintf("%04x", device);
	td->name = xstrdup(name ? name : "");
	td->numa = numa;
	td->resource = r && r->resource ? xstrdup(r->resource) : NULL;
}

/* An XML export: the PCI devices hwloc placed when it was written. */
static void fill_devices(hwloc_topology_t topo, struct topo *t, const struct discover_opts *o)
{
	hwloc_obj_t dev = NULL;
	size_t cap = 0;

	while ((dev = hwloc_get_next_pcidev(topo, dev))) {
		const struct hwloc_pcidev_attr_s *a = &dev->attr->pcidev;
		const unsigned busid[4] = { a->domain, a->bus, a->dev, a->func };
		hwloc_obj_t anc = hwloc_get_non_io_ancestor_obj(topo, dev);

		add_device(t, &cap, o, busid, a->class_id, a->vendor_id, a->device_id,
			   hwloc_obj_get_info_by_name(dev, "PCIDevice"),
			   nodeset_numa(t, anc ? anc->nodeset : NULL));
	}
}

/* ---- PCI devices from sysfs (live and --fsroot) ----
 *
 * hwloc's Linux I/O discovery reads every PCI function's 256-byte config
 * space, about a millisecond each on a VM (the hypervisor traps the reads),
 * to learn what only bridges need. Here the devices come from the same
 * sysfs files hwloc reads (class, vendor, device, local_cpus), and the
 * config space of PCI-to-PCI bridges only; each device gets the NUMA node
 * hwloc would place it under (hwloc 2.x pci-common.c and topology.c):
 *  - the functions hwloc's I/O filter keeps (an important class, or every
 *    one with a resource map) and the PCI-to-PCI bridges with valid buses
 *    form a tree by bus ranges; the top-level ones on one domain:bus share a
 *    host bridge, whose locality is the local_cpus of its first function
 *    (the whole machine when that is empty or unreadable);
 *  - that cpuset, within the machine's, is attached to the highest object
 *    with exactly that complete cpuset, else to a Group hwloc inserts below
 *    the smallest covering object, holding those of its children that fit;
 *  - the device's node is then nodeset_numa() of that object.
 * Not followed: HWLOC_PCI_LOCALITY and its deprecated per-bus variables,
 * and hwloc's locality quirk for one HPE Cray board.
 */

#define PCI_CLASS_NONE 0xffffu      /* no readable class file */
#define PCI_CLASS_BRIDGE_PCI 0x0604u
#define PCI_CFG_HEADER_TYPE 0x0e
#define PCI_CFG_SECONDARY_BUS 0x19
#define PCI_CFG_SUBORDINATE_BUS 0x1a
#define PCI_CFG_SIZE 256

struct pci_fn {
	unsigned busid[4];          /* domain, bus, dev, func */
	unsigned class_id, vendor, device;
	bool bridge;
	unsigned secondary, subordinate;
	size_t top;                 /* index of its top-level ancestor (itself) */
	char *dir;                  /* its sysfs directory below the root */
};

/* hwloc_filter_check_pcidev_subtype_important() */
static bool pci_class_important(unsigned class_id)
{
	unsigned base = class_id >> 8;

	return base == 0x00 || base == 0x01 || base == 0x02 || base == 0x03 || base == 0x06 ||
	       base == 0x0b || base == 0x12 || class_id == 0x0c04 || class_id == 0x0c06 ||
	       class_id == 0x0502;
}

/* Where sys/bus/pci/devices/<name> leads, below the root, with "." and
 * ".." taken as written (never above the root): the entries are symbolic
 * links into sys/devices, which a walk below the root without openat2
 * (old kernels, valgrind) would refuse. Returns false when too long. */
static bool pci_fn_dir(int devfd, const char *name, char *out, size_t size)
{
	char target[PATH_MAX], joined[2 * PATH_MAX], *comp, *save = NULL;
	ssize_t n = readlinkat(devfd, name, target, sizeof(target) - 1);
	size_t len = 0;

	if (n < 0) {
		snprintf(out, size, "sys/bus/pci/devices/%s", name);
		return true;
	}
	target[n] = '\0';
	snprintf(joined, sizeof(joined), "%s%s", target[0] == '/' ? "" : "sys/bus/pci/devices/", target);
	out[0] = '\0';
	for (comp = strtok_r(joined, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		size_t c = strlen(comp);

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		if (len + c + 2 > size)
			return false;
		if (len)
			out[len++] = '/';
		memcpy(out + len, comp, c + 1);
		len += c;
	}
	return len > 0;
}

/* Up to size - 1 bytes of <dir>/<attr> below rootfd, NUL-terminated; the
 * count read, or -1 (missing, not a regular file). */
static ssize_t pci_read_attr(int rootfd, const char *dir, const char *attr, char *buf, size_t size)
{
	char path[PATH_MAX + 32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	fd = tk_open_regular(rootfd, path, TK_OPEN_BENEATH | TK_OPEN_KEEP_NONBLOCK, NULL);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static unsigned pci_read_hex(int rootfd, const char *dir, const char *attr, unsigned dflt)
{
	char buf[16];

	if (pci_read_attr(rootfd, dir, attr, buf, sizeof(buf)) <= 0)
		return dflt;
	return (unsigned)strtoul(buf, NULL, 16);
}

/* A class 0x0604 function is a PCI-to-PCI bridge when its config header says
 * so; its buses must then be sane, or hwloc drops it (returns -1). */
static int pci_check_bridge(int rootfd, const char *dir, struct pci_fn *f)
{
	unsigned char cfg[PCI_CFG_SIZE + 1];

	f->bridge = false;
	if (f->class_id != PCI_CLASS_BRIDGE_PCI)
		return 0;
	memset(cfg, 0xff, sizeof(cfg));
	pci_read_attr(rootfd, dir, "config", (char *)cfg, sizeof(cfg));
	if ((cfg[PCI_CFG_HEADER_TYPE] & 0x7f) != 1)
		return 0;
	f->secondary = cfg[PCI_CFG_SECONDARY_BUS];
	f->subordinate = cfg[PCI_CFG_SUBORDINATE_BUS];
	if (f->secondary <= f->busid[1] || f->subordinate <= f->busid[1] ||
	    f->secondary > f->subordinate)
		return -1;
	f->bridge = true;
	return 0;
}

static int cmp_pci_fn(const void *a, const void *b)
{
	const struct pci_fn *x = a, *y = b;
	int i;

	for (i = 0; i < 4; i++)
		if (x->busid[i] != y->busid[i])
			return x->busid[i] < y->busid[i] ? -1 : 1;
	return 0;
}

/* hwloc__read_path_as_cpumask(): comma-separated 32-bit words, most
 * significant first, taken in pairs into longs. Empty when unreadable. */
static void pci_read_cpumask(int rootfd, const char *dir, hwloc_bitmap_t set)
{
	char *buf = NULL, path[PATH_MAX + 32], *p, *end;
	unsigned long *maps = NULL;
	size_t len, n = 0, cap = 0, i;

	hwloc_bitmap_zero(set);
	snprintf(path, sizeof(path), "%s/local_cpus", dir);
	if (tk_read_regular(rootfd, path, path, TK_OPEN_BENEATH | TK_OPEN_KEEP_NONBLOCK,
			    (size_t)1 << 20, &buf, &len, NULL, NULL) != 0 || !buf) {
		free(buf);
		return;
	}
	for (p = buf;;) {
		unsigned long map;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		errno = 0;
		map = strtoul(p, &end, 16);
		if (end == p)
			break;
		p = strchr(end, ',');
		if (p && !map && !n) {  /* leading empty words */
			p++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			maps = xreallocarray(maps, cap, sizeof(*maps));
		}
		maps[n++] = map;
		if (!p)
			break;
		p++;
	}
	for (i = 0; i < (n + 1) / 2; i++) {
		unsigned long mask = maps[n - 2 * i - 1];

		if (2 * i + 1 < n)
			mask |= maps[n - 2 * i - 2] << 32;
		hwloc_bitmap_set_ith_ulong(set, (unsigned)i, mask);
	}
	free(maps);
	free(buf);
}

/* The nodeset of the object hwloc attaches a PCI hierarchy of this
 * locality to (hwloc_find_insert_io_parent_by_complete_cpuset). */
static int pci_locality_numa(hwloc_topology_t topo, const struct topo *t, hwloc_bitmap_t set)
{
	hwloc_obj_t cur = hwloc_get_root_obj(topo), child, a;
	hwloc_bitmap_t group;
	unsigned i;
	int numa;

	if (hwloc_bitmap_iszero(set))
		hwloc_bitmap_copy(set, hwloc_topology_get_topology_cpuset(topo));
	hwloc_bitmap_and(set, set, hwloc_topology_get_complete_cpuset(topo));
	if (hwloc_bitmap_iszero(set) || hwloc_bitmap_isequal(set, cur->complete_cpuset))
		return nodeset_numa(t, cur->nodeset);
	for (;;) {
		hwloc_obj_t next = NULL;

		for (i = 0; i < cur->arity; i++) {
			child = cur->children[i];
			if (hwloc_bitmap_isequal(set, child->complete_cpuset))
				return nodeset_numa(t, child->nodeset);
			if (!hwloc_bitmap_iszero(child->complete_cpuset) &&
			    hwloc_bitmap_isincluded(set, child->complete_cpuset)) {
				next = child;
				break;
			}
		}
		if (!next)
			break;
		cur = next;
	}
	/* a Group below cur: the nodes of cur and its ancestors, and those of
	 * the children it takes */
	group = hwloc_bitmap_alloc();
	for (a = cur; a; a = a->parent)
		for (child = a->memory_first_child; child; child = child->next_sibling)
			hwloc_bitmap_or(group, group, child->nodeset);
	for (i = 0; i < cur->arity; i++)
		if (hwloc_bitmap_isincluded(cur->children[i]->complete_cpuset, set))
			hwloc_bitmap_or(group, group, cur->children[i]->nodeset);
	numa = nodeset_numa(t, group);
	hwloc_bitmap_free(group);
	return numa;
}

/* The names lstopo shows on this machine: hwloc asks libpciaccess, which
 * reads the PCI ID database in 128-byte lines (a longer line's rest is a
 * line of its own); a device's name is that of the first line below its
 * vendor's whose id is the device's. Only the uncompressed database is
 * read. Devices from first on get a name. */
#define PCI_IDS_PATH "/usr/share/misc/pci.ids"

static bool is_hex4(const char *s)
{
	return isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1]) &&
	       isxdigit((unsigned char)s[2]) && isxdigit((unsigned char)s[3]);
}

static void pci_ids_names(struct topo *t, size_t first)
{
	unsigned vendor = ~0u;
	size_t i, unnamed = t->ndevices - first;
	char buf[128];
	FILE *f;

	if (!unnamed || !(f = fopen(PCI_IDS_PATH, "re")))
		return;
	while (unnamed && fgets(buf, sizeof(buf), f)) {
		unsigned tabs = 0, id;
		char *nl;

		while (tabs < 3 && buf[tabs] == '\t')
			tabs++;
		if (!is_hex4(buf + tabs))
			continue;
		if ((nl = strchr(buf, '\n')))
			*nl = '\0';
		id = (unsigned)strtoul(buf + tabs, NULL, 16);
		if (tabs == 0) {
			vendor = id;
			continue;
		}
		if (tabs > 2 || strlen(buf) < tabs + 6)
			continue;
		for (i = first; i < t->ndevices; i++) {
			struct topo_device *td = &t->devices[i];

			if (td->name[0] || strtoul(td->vendor, NULL, 16) != vendor ||
			    strtoul(td->device, NULL, 16) != id)
				continue;
			free(td->name);
			td->name = xstrdup(buf + tabs + 6);
			unnamed--;
		}
	}
	fclose(f);
}

static void fill_sysfs_devices(hwloc_topology_t topo, struct topo *t, const struct discover_opts *o,
			       const char *root)
{
	struct pci_fn *fns = NULL;
	size_t nfns = 0, cap = 0, dcap = 0, first, i, k;
	hwloc_bitmap_t set;
	struct dirent *e;
	int rootfd, dirfd, *numa;
	DIR *dir;

	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	dirfd = tk_open_beneath(rootfd, "sys/bus/pci/devices", O_RDONLY | O_DIRECTORY);
	dir = dirfd >= 0 ? fdopendir(dirfd) : NULL;
	if (!dir) {
		if (dirfd >= 0)
			close(dirfd);
		close(rootfd);
		return;
	}
	while ((e = readdir(dir))) {
		struct pci_fn f;
		char canon[32], fdir[PATH_MAX];

		memset(&f, 0, sizeof(f));
		if (sscanf(e->d_name, "%x:%02x:%02x.%01x", &f.busid[0], &f.busid[1], &f.busid[2],
			   &f.busid[3]) != 4 || f.busid[0] > 0xffff)
			continue;
		/* the kernel's own spelling only (a recorded tree could hold others) */
		snprintf(canon, sizeof(canon), "%04x:%02x:%02x.%x", f.busid[0], f.busid[1], f.busid[2],
			 f.busid[3]);
		if (strcmp(canon, e->d_name) != 0 || !pci_fn_dir(dirfd, e->d_name, fdir, sizeof(fdir)))
			continue;
		f.class_id = (pci_read_hex(rootfd, fdir, "class", PCI_CLASS_NONE << 8) >> 8) & 0xffff;
		if (pci_check_bridge(rootfd, fdir, &f) < 0)
			continue;
		if (!f.bridge && !o->all_pci && !pci_class_important(f.class_id))
			continue;
		if (!f.bridge) {
			f.vendor = pci_read_hex(rootfd, fdir, "vendor", 0) & 0xffff;
			f.device = pci_read_hex(rootfd, fdir, "device", 0) & 0xffff;
		}
		f.dir = xstrdup(fdir);
		if (nfns == cap) {
			cap = cap ? cap * 2 : 32;
			fns = xreallocarray(fns, cap, sizeof(*fns));
		}
		fns[nfns++] = f;
	}
	closedir(dir);
	if (nfns > 1)
		qsort(fns, nfns, sizeof(*fns), cmp_pci_fn);
	/* the top-level ancestor: the outermost bridge whose buses hold it
	 * (each step lowers the bus: a bridge's buses are above its own) */
	for (i = 0; i < nfns; i++) {
		fns[i].top = i;
		for (;;) {
			const struct pci_fn *c = &fns[fns[i].top];

			for (k = 0; k < nfns; k++)
				if (fns[k].bridge && k != fns[i].top && fns[k].busid[0] == c->busid[0] &&
				    c->busid[1] >= fns[k].secondary && c->busid[1] <= fns[k].subordinate)
					break;
			if (k == nfns)
				break;
			fns[i].top = k;
		}
	}
	/* each host bridge's locality, from its first top-level function */
	numa = xcalloc(nfns ? nfns : 1, sizeof(*numa));
	set = hwloc_bitmap_alloc();
	for (i = 0; i < nfns; i++) {
		if (fns[i].top != i)
			continue;
		for (k = 0; k < i; k++)
			if (fns[k].top == k && fns[k].busid[0] == fns[i].busid[0] &&
			    fns[k].busid[1] == fns[i].busid[1])
				break;
		if (k < i) {
			numa[i] = numa[k];
			continue;
		}
		pci_read_cpumask(rootfd, fns[i].dir, set);
		numa[i] = pci_locality_numa(topo, t, set);
	}
	first = t->ndevices;
	for (i = 0; i < nfns; i++)
		if (!fns[i].bridge)
			add_device(t, &dcap, o, fns[i].busid, fns[i].class_id, fns[i].vendor,
				   fns[i].device, "", numa[fns[i].top]);
	/* hwloc names PCI devices only from this machine's database */
	if (o->source == SRC_LIVE)
		pci_ids_names(t, first);
	hwloc_bitmap_free(set);
	free(numa);
	for (i = 0; i < nfns; i++)
		free(fns[i].dir);
	free(fns);
	close(rootfd);
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
	if (o->devices && o->source == SRC_XML)
		fill_devices(topo, t, o);
	else if (o->devices && o->source != SRC_SYNTHETIC)
		fill_sysfs_devices(topo, t, o, o->source == SRC_FSROOT ? o->arg : "/");
	if (t->ndevices > 1)
		qsort(t->devices, t->ndevices, sizeof(*t->devices), cmp_device);
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
