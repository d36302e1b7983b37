/* picture.c - the node as a picture (-o svg|png|pdf): lstopo's boxes
 * (package > NUMA node > L3 > core > PU, PCI devices on their NUMA node)
 * with what the kubelet has handed out drawn on them.
 *
 * Terminology:
 *   holder  one pod's container in a checkpoint (cpu_manager_state entries,
 *           memory_manager_state entries, the device checkpoint's
 *           PodDeviceEntries). Holders of one pod share the pod's colour and
 *           legend number; each PU and device says which container.
 *   shared  the CPU Manager's default set (defaultCpuSet) less the
 *           reserved CPUs: where every non-exclusive container runs.
 *   device holder  the checkpoint names device plugin ids, which need not be
 *           PCI addresses: a device whose address is one of the ids goes to
 *           that holder; the others of a resource on a NUMA node go, in
 *           address order, to that resource's remaining ids on the node.
 *
 * Layout is a fixed grid (sizes do not depend on text, so the same input
 * gives the same picture in every format); each level picks the number of
 * columns that brings its box nearest a target shape, which keeps 384 CPUs
 * on 24 NUMA nodes on one readable page.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "diag.h"
#include "discover.h"
#include "picture.h"
#include "quantity.h"
#include "topo.h"
#include "xalloc.h"

#define GAP 4.0
#define PAD 4.0
#define HEAD 15.0
#define PU_W 46.0
#define PU_H 28.0
#define DEV_W 132.0
#define DEV_H 28.0
#define BAR_H 17.0
#define STRIP_H 6.0
#define BAR_MIN_W 200.0
#define LEGEND_ROW 15.0
#define TEXT 9.0
/* past these the legend says how many more (the checkpoints and numa-verify
 * list them all) and the distances are left to -o text */
#define LEGEND_MAX 100
#define FINDINGS_MAX 40
#define DISTANCES_MAX 64

enum kind { K_MACHINE, K_PACKAGE, K_NUMA, K_L3, K_CORE, K_PU };

struct lbox {
	enum kind kind;
	int id;                 /* OS index; for K_PU the CPU id */
	double x, y, w, h;
	size_t cols;            /* grid columns of kids */
	double cw, ch;          /* grid cell */
	size_t n;
	struct lbox *kids;
	/* K_NUMA: memory bars and devices below the grid; K_MACHINE: devices
	 * with no NUMA node */
	size_t nbars, ndev, devcols;
	size_t *dev;            /* indexes into topo.devices */
};

struct holder {
	const char *pod, *container;
	size_t pod_no;          /* 1-based legend number */
	struct cpuset cpus;
	size_t ndev;
	uint64_t mem;
};

/* a Memory Manager block pinned to one NUMA node, for that node's bar */
struct memseg {
	int numa;
	const char *type;
	uint64_t size;
	int holder;
	size_t seq;             /* the checkpoint's order, within a node */
};

struct npic {
	const struct topo *t;
	const struct node_alloc *na;     /* may be NULL */
	const struct node_pic_opts *o;
	struct tk_pic *p;
	size_t nholders;
	struct holder *holders;          /* by pod, then container */
	int *dev_holder;                 /* per device, -1 */
	int *cpu_owner;                  /* per CPU id up to max_cpu, -1 */
	int max_cpu;
	struct cpuset shared;
	struct cpuset flagged;           /* CPUs of numa-verify's findings */
	bool have_cpu_state;
	size_t nsegs;
	struct memseg *segs;             /* by NUMA node */
};

/* ---- who holds what ----
 * Everything here is sorted and searched, never scanned pairwise: a
 * checkpoint may hold a hundred thousand entries. */

static int holder_cmp(const void *a, const void *b)
{
	const struct holder *x = a, *y = b;
	int r = strcmp(x->pod, y->pod);

	return r ? r : strcmp(x->container, y->container);
}

static void holder_add(struct npic *np, size_t *cap, const char *pod, const char *container)
{
	if (np->nholders == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		np->holders = xreallocarray(np->holders, *cap, sizeof(*np->holders));
	}
	memset(&np->holders[np->nholders], 0, sizeof(*np->holders));
	np->holders[np->nholders].pod = pod;
	np->holders[np->nholders++].container = container ? container : "";
}

/* the holder of a pod's container, or -1 */
static int holder_index(const struct npic *np, const char *pod, const char *container)
{
	struct holder key = { pod, container ? container : "", 0, { NULL, 0 }, 0, 0 };
	const struct holder *h;

	if (!np->nholders)
		return -1;
	h = bsearch(&key, np->holders, np->nholders, sizeof(key), holder_cmp);

	return h ? (int)(h - np->holders) : -1;
}

static const struct topo *dev_sort_topo;

/* devices by resource (none last), NUMA node, then address */
static int dev_cmp(const void *a, const void *b)
{
	const struct topo_device *x = &dev_sort_topo->devices[*(const size_t *)a];
	const struct topo_device *y = &dev_sort_topo->devices[*(const size_t *)b];
	int r;

	if (!x->resource != !y->resource)
		return x->resource ? -1 : 1;
	if (x->resource && (r = strcmp(x->resource, y->resource)))
		return r;
	if (x->numa != y->numa)
		return x->numa < y->numa ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int dev_addr_cmp(const void *a, const void *b)
{
	return strcmp(dev_sort_topo->devices[*(const size_t *)a].id,
		      dev_sort_topo->devices[*(const size_t *)b].id);
}

/* position of the first device of (resource, numa) in order, or n */
static size_t dev_group(const struct topo *t, const size_t *order, size_t n, const char *res, int numa)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct topo_device *dv = &t->devices[order[mid]];
		int r = !dv->resource ? 1 : strcmp(dv->resource, res);

		if (r < 0 || (r == 0 && dv->numa < numa))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && t->devices[order[lo]].resource && !strcmp(t->devices[order[lo]].resource, res) &&
	    t->devices[order[lo]].numa == numa)
		return lo;
	return n;
}

static void assign_devices(struct npic *np)
{
	const struct tk_dev_checkpoint *dc = &np->na->dev;
	const struct topo *t = np->t;
	size_t n = t->ndevices, e, k, i;
	size_t *byaddr = xcalloc(n + 1, sizeof(*byaddr)), *order = xcalloc(n + 1, sizeof(*order));
	size_t *cursor = xcalloc(n + 1, sizeof(*cursor));
	bool *exact;
	size_t nids = 0;

	for (i = 0; i < n; i++)
		byaddr[i] = order[i] = cursor[i] = i;
	dev_sort_topo = t;
	qsort(byaddr, n, sizeof(*byaddr), dev_addr_cmp);
	qsort(order, n, sizeof(*order), dev_cmp);
	for (e = 0; e < dc->nentries; e++)
		nids += dc->entries[e].nids;
	exact = xcalloc(nids + 1, sizeof(*exact));
	/* first the ids that are PCI addresses */
	for (e = 0, nids = 0; e < dc->nentries; e++)
		for (k = 0; k < dc->entries[e].nids; k++, nids++) {
			size_t lo = 0, hi = n;

			while (lo < hi) {
				size_t mid = (lo + hi) / 2;

				if (strcmp(t->devices[byaddr[mid]].id, dc->entries[e].ids[k]) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < n && !strcmp(t->devices[byaddr[lo]].id, dc->entries[e].ids[k])) {
				exact[nids] = true;
				if (np->dev_holder[byaddr[lo]] < 0)
					np->dev_holder[byaddr[lo]] = holder_index(np, dc->entries[e].pod,
										  dc->entries[e].container);
			}
		}
	/* then the others: the next free device of the resource on the node
	 * (cursor[] at a group's first position walks the group once) */
	for (e = 0, nids = 0; e < dc->nentries; e++) {
		const struct tk_dev_entry *de = &dc->entries[e];

		for (k = 0; k < de->nids; k++, nids++) {
			size_t g, *c;

			if (exact[nids] || (g = dev_group(t, order, n, de->resource, de->numa[k])) == n)
				continue;
			for (c = &cursor[g]; *c < n && t->devices[order[*c]].resource &&
			     !strcmp(t->devices[order[*c]].resource, de->resource) &&
			     t->devices[order[*c]].numa == de->numa[k] && np->dev_holder[order[*c]] >= 0;)
				(*c)++;
			if (*c < n && t->devices[order[*c]].resource &&
			    !strcmp(t->devices[order[*c]].resource, de->resource) &&
			    t->devices[order[*c]].numa == de->numa[k])
				np->dev_holder[order[*c]] = holder_index(np, de->pod, de->container);
		}
	}
	free(exact);
	free(cursor);
	free(order);
	free(byaddr);
}

static int memseg_cmp(const void *a, const void *b)
{
	const struct memseg *x = a, *y = b;

	if (x->numa != y->numa)
		return x->numa < y->numa ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void find_holders(struct npic *np)
{
	const struct node_alloc *na = np->na;
	const struct topo *t = np->t;
	size_t i, k, cap = 0, out, pod_no = 0, segcap = 0;
	int h, c;

	np->dev_holder = xcalloc(t->ndevices + 1, sizeof(int));
	for (i = 0; i < t->ndevices; i++)
		np->dev_holder[i] = -1;
	np->max_cpu = t->ncpus ? t->cpus[t->ncpus - 1].id : -1;
	np->cpu_owner = xcalloc((size_t)(np->max_cpu + 2), sizeof(int));
	for (c = 0; c <= np->max_cpu; c++)
		np->cpu_owner[c] = -1;
	cpuset_init(&np->shared);
	cpuset_init(&np->flagged);
	for (i = 0; np->o->findings && i < np->o->findings->n; i++)
		cpuset_or(&np->flagged, &np->o->findings->f[i].cpus);
	if (!na)
		return;
	for (i = 0; i < na->cpu.nentries; i++)
		holder_add(np, &cap, na->cpu.entries[i].pod, na->cpu.entries[i].container);
	for (i = 0; i < na->mem.nassign; i++)
		holder_add(np, &cap, na->mem.assign[i].pod, na->mem.assign[i].container);
	for (i = 0; i < na->dev.nentries; i++)
		holder_add(np, &cap, na->dev.entries[i].pod, na->dev.entries[i].container);
	if (np->nholders)
		qsort(np->holders, np->nholders, sizeof(*np->holders), holder_cmp);
	for (i = 0, out = 0; i < np->nholders; i++)
		if (out == 0 || holder_cmp(&np->holders[i], &np->holders[out - 1]))
			np->holders[out++] = np->holders[i];
	np->nholders = out;
	for (i = 0; i < np->nholders; i++) {
		if (i == 0 || strcmp(np->holders[i].pod, np->holders[i - 1].pod))
			pod_no++;
		np->holders[i].pod_no = pod_no;
		cpuset_init(&np->holders[i].cpus);
	}
	for (i = 0; i < na->cpu.nentries; i++) {
		struct cpuset s;
		size_t bad;

		cpuset_init(&s);
		h = holder_index(np, na->cpu.entries[i].pod, na->cpu.entries[i].container);
		if (h >= 0 && cpuset_parse_list(&s, na->cpu.entries[i].cpus, DISCOVER_MAX_PUS, &bad) == 0) {
			cpuset_or(&np->holders[h].cpus, &s);
			/* the first holder a CPU is listed under colours it */
			for (c = cpuset_first(&s); c >= 0 && c <= np->max_cpu; c = cpuset_next(&s, c))
				if (np->cpu_owner[c] < 0)
					np->cpu_owner[c] = h;
		}
		cpuset_release(&s);
	}
	if (na->cpu.policy_name) {
		size_t bad;

		np->have_cpu_state = true;
		if (na->cpu.default_cpuset)
			cpuset_parse_list(&np->shared, na->cpu.default_cpuset, DISCOVER_MAX_PUS, &bad);
	}
	for (i = 0; i < na->mem.nassign; i++) {
		const struct tk_mem_assignment *a = &na->mem.assign[i];

		h = holder_index(np, a->pod, a->container);
		for (k = 0; h >= 0 && k < a->nblocks; k++) {
			const struct tk_mem_block *bl = &a->blocks[k];

			if (!strcmp(bl->type, "memory"))
				np->holders[h].mem += bl->size;
			if (bl->nnuma != 1)
				continue;
			if (np->nsegs == segcap) {
				segcap = segcap ? segcap * 2 : 16;
				np->segs = xreallocarray(np->segs, segcap, sizeof(*np->segs));
			}
			np->segs[np->nsegs].numa = bl->numa[0];
			np->segs[np->nsegs].type = bl->type;
			np->segs[np->nsegs].size = bl->size;
			np->segs[np->nsegs].seq = np->nsegs;
			np->segs[np->nsegs++].holder = h;
		}
	}
	if (np->nsegs)
		qsort(np->segs, np->nsegs, sizeof(*np->segs), memseg_cmp);
	assign_devices(np);
	for (i = 0; i < t->ndevices; i++)
		if (np->dev_holder[i] >= 0)
			np->holders[np->dev_holder[i]].ndev++;
}

static bool cpu_flagged(const struct npic *np, int cpu)
{
	return cpuset_test(&np->flagged, (unsigned)cpu);
}

/* a thick edge in the warning colour, inside the box */
static void outline(struct tk_pic *p, double x, double y, double w, double h)
{
	tk_pic_line(p, x + 1, y + 1, x + w - 1, y + 1, &tk_pic_warn, 2.5, false);
	tk_pic_line(p, x + w - 1, y + 1, x + w - 1, y + h - 1, &tk_pic_warn, 2.5, false);
	tk_pic_line(p, x + w - 1, y + h - 1, x + 1, y + h - 1, &tk_pic_warn, 2.5, false);
	tk_pic_line(p, x + 1, y + h - 1, x + 1, y + 1, &tk_pic_warn, 2.5, false);
}

static int cpu_holder(const struct npic *np, int cpu)
{
	return cpu >= 0 && cpu <= np->max_cpu ? np->cpu_owner[cpu] : -1;
}

/* ---- layout ---- */

static int cpu_key(const struct topo_cpu *c, enum kind k)
{
	switch (k) {
	case K_PACKAGE: return c->socket;
	case K_NUMA: return c->numa;
	case K_L3: return c->l3;
	case K_CORE: return c->core;
	default: return c->id;
	}
}

static const struct topo *sort_topo;

static int cpu_order(const void *a, const void *b)
{
	const struct topo_cpu *x = &sort_topo->cpus[*(const size_t *)a];
	const struct topo_cpu *y = &sort_topo->cpus[*(const size_t *)b];
	enum kind k;

	for (k = K_PACKAGE; k <= K_PU; k++)
		if (cpu_key(x, k) != cpu_key(y, k))
			return cpu_key(x, k) < cpu_key(y, k) ? -1 : 1;
	return 0;
}

static struct lbox *add_kid(struct lbox *b, enum kind k, int id)
{
	b->kids = xreallocarray(b->kids, b->n + 1, sizeof(*b->kids));
	memset(&b->kids[b->n], 0, sizeof(*b->kids));
	b->kids[b->n].kind = k;
	b->kids[b->n].id = id;
	return &b->kids[b->n++];
}

/* the levels drawn below a package: NUMA node, L3 (only when the document
 * names caches apart from sockets), core, PU */
static void build(struct lbox *root, const struct topo *t, bool l3)
{
	size_t *idx = xcalloc(t->ncpus + 1, sizeof(*idx)), i;

	for (i = 0; i < t->ncpus; i++)
		idx[i] = i;
	sort_topo = t;
	qsort(idx, t->ncpus, sizeof(*idx), cpu_order);
	for (i = 0; i < t->ncpus; i++) {
		const struct topo_cpu *c = &t->cpus[idx[i]];
		struct lbox *b = root;
		enum kind k;

		for (k = K_PACKAGE; k <= K_PU; k++) {
			if (k == K_L3 && !l3)
				continue;
			if (!b->n || b->kids[b->n - 1].id != cpu_key(c, k) || k == K_PU)
				add_kid(b, k, cpu_key(c, k));
			b = &b->kids[b->n - 1];
		}
	}
	free(idx);
	/* NUMA nodes without CPUs hang off the machine */
	for (i = 0; i < t->nnuma; i++)
		if (cpuset_is_empty(&t->numa[i].cpus))
			add_kid(root, K_NUMA, t->numa[i].id);
}

static size_t nbars(const struct npic *np, int numa)
{
	const struct topo_numa *n = topo_numa(np->t, numa);
	size_t k = 0, i;

	if (!n)
		return 0;
	if (n->memory)
		k++;
	for (i = 0; i < n->nhugepages; i++)
		if (n->hugepages[i].pages)
			k++;
	return k;
}

/* columns for n cells of cw x ch nearest the shape ratio (width/height) */
static size_t pick_cols(size_t n, double cw, double ch, double ratio, size_t maxcols)
{
	size_t c, best = 1;
	double bestcost = INFINITY;

	for (c = 1; c <= n && c <= maxcols; c++) {
		size_t rows = (n + c - 1) / c;
		double w = (double)c * cw, h = (double)rows * ch;
		double cost = fabs(log(w / h / ratio)) + (rows * c - n) * 0.01;

		if (cost < bestcost) {
			bestcost = cost;
			best = c;
		}
	}
	return best;
}

static void measure(struct npic *np, struct lbox *b)
{
	size_t i, rows;
	double gw = 0, gh = 0, inner;

	if (b->kind == K_PU) {
		b->w = PU_W;
		b->h = PU_H;
		return;
	}
	b->cw = b->ch = 0;
	for (i = 0; i < b->n; i++) {
		measure(np, &b->kids[i]);
		b->cw = fmax(b->cw, b->kids[i].w);
		b->ch = fmax(b->ch, b->kids[i].h);
	}
	if (b->n) {
		static const double ratio[] = { 1.4, 1.6, 2.5, 3.5, 100, 1 };

		b->cols = b->kind == K_CORE ? b->n
			: pick_cols(b->n, b->cw + GAP, b->ch + GAP, ratio[b->kind], 64);
		rows = (b->n + b->cols - 1) / b->cols;
		gw = (double)b->cols * (b->cw + GAP) - GAP;
		gh = (double)rows * (b->ch + GAP) - GAP;
	}
	inner = gw;
	if (b->kind == K_NUMA || b->kind == K_MACHINE) {
		for (i = 0; i < np->t->ndevices; i++)
			if (np->t->devices[i].numa == (b->kind == K_NUMA ? b->id : -1) ||
			    (b->kind == K_MACHINE && np->t->devices[i].numa >= 0 &&
			     !topo_numa(np->t, np->t->devices[i].numa))) {
				b->dev = xreallocarray(b->dev, b->ndev + 1, sizeof(*b->dev));
				b->dev[b->ndev++] = i;
			}
		if (b->kind == K_NUMA) {
			b->nbars = nbars(np, b->id);
			if (b->nbars)
				inner = fmax(inner, BAR_MIN_W);
		}
		if (b->ndev) {
			inner = fmax(inner, DEV_W);
			b->devcols = (size_t)floor((inner + GAP) / (DEV_W + GAP));
			if (b->devcols > b->ndev)
				b->devcols = b->ndev;
			gh += (gh > 0 ? GAP : 0) + (double)((b->ndev + b->devcols - 1) / b->devcols) *
				(DEV_H + GAP) - GAP;
		}
		if (b->nbars)
			gh += (gh > 0 ? GAP : 0) + (double)b->nbars * (BAR_H + GAP) - GAP;
	}
	b->w = inner + 2 * PAD;
	b->h = HEAD + gh + PAD;
	if (b->kind == K_CORE && b->n == 1) {
		/* a core of one thread is its PU: no header of its own */
		b->h = PU_H + 2 * PAD;
	}
}

/* ---- drawing ---- */

static struct tk_rgb holder_color(const struct npic *np, int h)
{
	return tk_pic_series(np->holders[h].pod_no - 1);
}

static void draw_pu(struct npic *np, const struct lbox *b)
{
	int h = cpu_holder(np, b->id);
	bool reserved = np->na && cpuset_test(&np->na->reserved_cpus, (unsigned)b->id);
	struct tk_rgb fill = tk_pic_paper, ink;
	char top[32], second[160];
	const char *mark = NULL;

	*second = 0;
	if (h >= 0) {
		fill = holder_color(np, h);
		snprintf(second, sizeof(second), "%zu %s", np->holders[h].pod_no,
			 np->holders[h].container);
	} else if (reserved) {
		fill = tk_pic_muted;
		mark = "reserved";
	} else if (np->have_cpu_state && cpuset_test(&np->shared, (unsigned)b->id)) {
		mark = "shared";
	}
	tk_pic_box(np->p, b->x, b->y, b->w, b->h, &fill, &tk_pic_ink);
	ink = tk_pic_ink_on(&fill);
	snprintf(top, sizeof(top), "PU P#%d", b->id);
	if (cpu_flagged(np, b->id)) {
		/* numa-verify's finding: the edge and a mark, not the colour alone */
		outline(np->p, b->x, b->y, b->w, b->h);
		snprintf(top, sizeof(top), "PU P#%d !", b->id);
	}
	tk_pic_label(np->p, b->x, b->y + 1, b->w, b->h / 2 - 1, top, TEXT, TK_PIC_CENTER, &ink);
	if (*second || mark)
		tk_pic_label(np->p, b->x, b->y + b->h / 2, b->w, b->h / 2 - 1, *second ? second : mark,
			     TEXT, TK_PIC_CENTER | (*second ? TK_PIC_BOLD : 0), &ink);
}

static void draw_device(struct npic *np, size_t i, double x, double y)
{
	const struct topo_device *dv = &np->t->devices[i];
	int h = np->dev_holder[i];
	struct tk_rgb fill = h >= 0 ? holder_color(np, h) : tk_pic_paper, ink = tk_pic_ink_on(&fill);
	char line[256];

	/* lstopo draws PCI devices as rounded green boxes; a plain box with a
	 * thick edge keeps the pod colour readable */
	tk_pic_box(np->p, x, y, DEV_W, DEV_H, &fill, &tk_pic_ink);
	tk_pic_line(np->p, x, y, x, y + DEV_H, &tk_pic_ok, 3, false);
	snprintf(line, sizeof(line), "%s %s", dv->class ? dv->class : "pci", dv->id);
	tk_pic_label(np->p, x + 2, y + 1, DEV_W - 2, DEV_H / 2 - 1, line, TEXT, 0, &ink);
	if (h >= 0)
		snprintf(line, sizeof(line), "%zu %s", np->holders[h].pod_no, np->holders[h].container);
	else
		snprintf(line, sizeof(line), "%s", dv->resource ? dv->resource : dv->name ? dv->name : "");
	tk_pic_label(np->p, x + 2, y + DEV_H / 2, DEV_W - 2, DEV_H / 2 - 1, line, TEXT,
		     h >= 0 ? TK_PIC_BOLD : 0, &ink);
}

/* assigned bytes of resource on a NUMA node, from memory_manager_state's
 * machine state (reserved = what its assignments hold there) */
static const struct tk_mem_table *mem_table(const struct npic *np, int numa, const char *resource)
{
	size_t i, k;

	if (!np->na)
		return NULL;
	for (i = 0; i < np->na->mem.nnodes; i++)
		if (np->na->mem.nodes[i].id == numa)
			for (k = 0; k < np->na->mem.nodes[i].ntables; k++)
				if (!strcmp(np->na->mem.nodes[i].tables[k].resource, resource))
					return &np->na->mem.nodes[i].tables[k];
	return NULL;
}

/* the first of NUMA node numa's memory segments (np->segs is sorted) */
static size_t first_seg(const struct npic *np, int numa)
{
	size_t lo = 0, hi = np->nsegs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (np->segs[mid].numa < numa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void draw_bars(struct npic *np, const struct lbox *b, double y)
{
	const struct topo_numa *n = topo_numa(np->t, b->id);
	double x = b->x + PAD, w = b->w - 2 * PAD;
	size_t i;

	if (!n)
		return;
	for (i = 0; i <= n->nhugepages; i++) {
		const struct tk_mem_table *mt;
		char name[64], tot[32], used[32], text[160];
		uint64_t total;
		double fw;

		if (i == 0) {
			if (!n->memory)
				continue;
			snprintf(name, sizeof(name), "memory");
			total = n->memory;
		} else {
			struct tk_qty q;

			if (!n->hugepages[i - 1].pages)
				continue;
			snprintf(name, sizeof(name), "hugepages-%s", n->hugepages[i - 1].size);
			if (tk_qty_parse(n->hugepages[i - 1].size, &q) || tk_qty_value(&q) <= 0)
				continue;
			total = (uint64_t)tk_qty_value(&q) * n->hugepages[i - 1].pages;
		}
		mt = mem_table(np, b->id, name);
		tk_pic_box(np->p, x, y, w, BAR_H, &tk_pic_paper, &tk_pic_ink);
		discover_format_bytes(tot, sizeof(tot), total);
		if (mt && mt->total) {
			/* the kubelet's own total (less what it cannot hand out) */
			double scale = w / (double)mt->total;

			/* a strip under the text: reserved for the system, then each
			 * container's blocks pinned to this node alone in its colour,
			 * then what blocks over several nodes took here */
			double sy = y + BAR_H - STRIP_H, left = (double)mt->reserved;
			size_t k = first_seg(np, b->id);

			fw = fmin(w, (double)mt->system_reserved * scale);
			if (fw > 0)
				tk_pic_box(np->p, x, sy, fw, STRIP_H, &tk_pic_muted, NULL);
			for (; k < np->nsegs && np->segs[k].numa == b->id; k++) {
				const struct memseg *sg = &np->segs[k];
				struct tk_rgb c = holder_color(np, sg->holder);
				double bw;

				if (strcmp(sg->type, name) || (double)sg->size > left)
					continue;
				bw = fmin(w - fw, (double)sg->size * scale);
				/* a sliver too thin to see is left to the grey rest */
				if (bw >= 0.5) {
					tk_pic_box(np->p, x + fw, sy, bw, STRIP_H, &c, NULL);
					fw += bw;
					left -= (double)sg->size;
				}
			}
			if (left > 0)
				tk_pic_box(np->p, x + fw, sy, fmin(w - fw, left * scale), STRIP_H, &tk_pic_shade[3], NULL);
			tk_pic_box(np->p, x, y, w, BAR_H, NULL, &tk_pic_ink);
			discover_format_bytes(tot, sizeof(tot), mt->total);
			discover_format_bytes(used, sizeof(used), mt->reserved);
			snprintf(text, sizeof(text), "%s: %s of %s assigned", name, used, tot);
			if (mt->system_reserved) {
				discover_format_bytes(used, sizeof(used), mt->system_reserved);
				snprintf(text + strlen(text), sizeof(text) - strlen(text), ", %s reserved", used);
			}
		} else {
			snprintf(text, sizeof(text), "%s: %s", name, tot);
		}
		tk_pic_label(np->p, x, y, w, BAR_H - STRIP_H, text, TEXT, 0, NULL);
		y += BAR_H + GAP;
	}
}

static void draw_box(struct npic *np, struct lbox *b, double x, double y)
{
	static const char *const name[] = { "Machine", "Package", "NUMANode", "L3", "Core", "PU" };
	char head[192];
	size_t i;
	double gy, gh = 0;

	b->x = x;
	b->y = y;
	if (b->kind == K_PU) {
		draw_pu(np, b);
		return;
	}
	if (b->kind != K_CORE || b->n > 1) {
		const struct tk_rgb *shade = &tk_pic_shade[b->kind == K_MACHINE ? 0 : b->kind - 1];

		tk_pic_box(np->p, x, y, b->w, b->h, b->kind == K_MACHINE ? &tk_pic_paper : shade,
			   &tk_pic_ink);
		if (b->kind == K_MACHINE)
			snprintf(head, sizeof(head), "Machine%s%s (%zu CPU%s, %zu NUMA node%s)",
				 np->t->hostname ? " " : "", np->t->hostname ? np->t->hostname : "",
				 np->t->ncpus, np->t->ncpus == 1 ? "" : "s", np->t->nnuma,
				 np->t->nnuma == 1 ? "" : "s");
		else if (b->kind == K_NUMA) {
			const struct topo_numa *n = topo_numa(np->t, b->id);
			char mem[32] = "";

			if (n && n->memory)
				discover_format_bytes(mem, sizeof(mem), n->memory);
			snprintf(head, sizeof(head), "NUMANode P#%d%s%s%s", b->id, *mem ? " (" : "", mem,
				 *mem ? ")" : "");
		} else
			snprintf(head, sizeof(head), "%s %s%d", name[b->kind],
				 b->kind == K_PACKAGE ? "P#" : "#", b->id);
		tk_pic_label(np->p, x, y, b->w, HEAD, head, TEXT + 1,
			     TK_PIC_TOP | (b->kind <= K_NUMA ? TK_PIC_BOLD : 0), NULL);
		gy = y + HEAD;
	} else {
		gy = y + PAD;
	}
	for (i = 0; i < b->n; i++) {
		size_t r = i / b->cols, c = i % b->cols;

		draw_box(np, &b->kids[i], x + PAD + (double)c * (b->cw + GAP),
			 gy + (double)r * (b->ch + GAP));
	}
	if (b->n)
		gh = (double)((b->n + b->cols - 1) / b->cols) * (b->ch + GAP);
	gy += gh;
	for (i = 0; i < b->ndev; i++) {
		size_t r = i / b->devcols, c = i % b->devcols;

		draw_device(np, b->dev[i], x + PAD + (double)c * (DEV_W + GAP), gy + (double)r * (DEV_H + GAP));
	}
	if (b->ndev)
		gy += (double)((b->ndev + b->devcols - 1) / b->devcols) * (DEV_H + GAP);
	if (b->nbars)
		draw_bars(np, b, gy);
}

static void free_box(struct lbox *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free_box(&b->kids[i]);
	free(b->kids);
	free(b->dev);
}

/* ---- legend and distances ---- */

static size_t nfindings(const struct npic *np)
{
	return np->o->findings ? np->o->findings->n : 0;
}

static size_t legend_rows(const struct npic *np)
{
	size_t nf = nfindings(np);

	return 1 + (np->nholders > LEGEND_MAX ? LEGEND_MAX + 1 : np->nholders) + (np->na ? 3 : 0) +
	       (nf > FINDINGS_MAX ? FINDINGS_MAX + 1 : nf);
}

static void draw_findings(struct npic *np, double x, double y, double w)
{
	size_t i, n = nfindings(np);
	char text[768];

	for (i = 0; i < n && i < FINDINGS_MAX; i++) {
		const struct node_finding *f = &np->o->findings->f[i];
		char *cpus = cpuset_format_list(&f->cpus);

		tk_pic_box(np->p, x, y + 2, 22, LEGEND_ROW - 4, &tk_pic_paper, &tk_pic_ink);
		outline(np->p, x, y + 2, 22, LEGEND_ROW - 4);
		snprintf(text, sizeof(text), "numa-verify: %s %s%s%s%s%s", f->who, f->verdict,
			 *cpus ? " on CPUs " : "", cpus, f->reason ? ": " : "", f->reason ? f->reason : "");
		free(cpus);
		tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW, text, TEXT, 0, &tk_pic_warn);
		y += LEGEND_ROW;
	}
	if (n > FINDINGS_MAX) {
		snprintf(text, sizeof(text), "%zu more numa-verify findings (see its report)", n - FINDINGS_MAX);
		tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW, text, TEXT, 0, &tk_pic_warn);
	}
}

static void draw_legend(struct npic *np, double x, double y, double w)
{
	size_t i;
	char text[512], cpus[256];
	struct tk_rgb fill;

	tk_pic_label(np->p, x, y, w, LEGEND_ROW, np->nholders ? "Legend: pod, container" : "Legend",
		     TEXT + 1, TK_PIC_BOLD, NULL);
	y += LEGEND_ROW;
	for (i = 0; i < np->nholders && i < LEGEND_MAX; i++) {
		const struct holder *h = &np->holders[i];

		fill = holder_color(np, (int)i);
		tk_pic_box(np->p, x, y + 2, 22, LEGEND_ROW - 4, &fill, &tk_pic_ink);
		snprintf(cpus, sizeof(cpus), "%zu", h->pod_no);
		{
			struct tk_rgb ink = tk_pic_ink_on(&fill);

			tk_pic_label(np->p, x, y + 2, 22, LEGEND_ROW - 4, cpus, TEXT, TK_PIC_CENTER, &ink);
		}
		*cpus = 0;
		if (!cpuset_is_empty(&h->cpus)) {
			char *l = cpuset_format_list(&h->cpus);

			snprintf(cpus, sizeof(cpus), "; CPUs %s", l);
			free(l);
		}
		snprintf(text, sizeof(text), "pod %s, container %s%s", h->pod, h->container, cpus);
		if (h->ndev)
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "; %zu device%s", h->ndev,
				 h->ndev == 1 ? "" : "s");
		if (h->mem) {
			char m[32];

			discover_format_bytes(m, sizeof(m), h->mem);
			snprintf(text + strlen(text), sizeof(text) - strlen(text), "; memory %s", m);
		}
		tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW, text, TEXT, 0, NULL);
		y += LEGEND_ROW;
	}
	if (np->nholders > LEGEND_MAX) {
		snprintf(text, sizeof(text), "%zu more containers (see the checkpoints, or -o nrt)",
			 np->nholders - LEGEND_MAX);
		tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW, text, TEXT, 0, NULL);
		y += LEGEND_ROW;
	}
	draw_findings(np, x, y, w);
	y += LEGEND_ROW * (double)(nfindings(np) > FINDINGS_MAX ? FINDINGS_MAX + 1 : nfindings(np));
	if (!np->na)
		return;
	tk_pic_box(np->p, x, y + 2, 22, LEGEND_ROW - 4, &tk_pic_muted, &tk_pic_ink);
	tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW, "reserved CPUs (reservedSystemCPUs)", TEXT, 0, NULL);
	y += LEGEND_ROW;
	tk_pic_box(np->p, x, y + 2, 22, LEGEND_ROW - 4, &tk_pic_paper, &tk_pic_ink);
	tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW,
		     np->have_cpu_state ? "shared: the CPU Manager's shared pool (defaultCpuSet)"
					: "no cpu_manager_state: no exclusive CPUs", TEXT, 0, NULL);
	y += LEGEND_ROW;
	tk_pic_box(np->p, x, y + 2, 22, LEGEND_ROW - 4, &tk_pic_shade[3], &tk_pic_ink);
	tk_pic_label(np->p, x + 26, y, w - 26, LEGEND_ROW,
		     "memory bars: the Memory Manager's assignments in the pod's colour (light grey: blocks "
		     "over several NUMA nodes; dark grey: reserved for the system)",
		     TEXT, 0, NULL);
}

static bool have_distances(const struct topo *t)
{
	size_t i;

	for (i = 0; i < t->nnuma; i++)
		if (t->numa[i].ndistances != t->nnuma)
			return false;
	return t->nnuma > 0 && t->nnuma <= DISTANCES_MAX;
}

#define DIST_CELL 26.0

static void draw_distances(struct npic *np, double x, double y)
{
	const struct topo *t = np->t;
	size_t i, j;
	char s[32];

	tk_pic_label(np->p, x, y, DIST_CELL * (double)(t->nnuma + 1) + 200, LEGEND_ROW,
		     "NUMA distances (from row to column)", TEXT + 1, TK_PIC_BOLD, NULL);
	y += LEGEND_ROW;
	for (i = 0; i < t->nnuma; i++) {
		snprintf(s, sizeof(s), "%d", t->numa[i].id);
		tk_pic_label(np->p, x + DIST_CELL * (double)(i + 1), y, DIST_CELL, LEGEND_ROW, s, TEXT,
			     TK_PIC_CENTER | TK_PIC_BOLD, NULL);
		tk_pic_label(np->p, x, y + LEGEND_ROW * (double)(i + 1), DIST_CELL, LEGEND_ROW, s, TEXT,
			     TK_PIC_CENTER | TK_PIC_BOLD, NULL);
	}
	for (i = 0; i < t->nnuma; i++)
		for (j = 0; j < t->nnuma; j++) {
			double cx = x + DIST_CELL * (double)(j + 1), cy = y + LEGEND_ROW * (double)(i + 1);
			int dist = t->numa[i].distances[j];

			/* the local node light, farther ones darker */
			tk_pic_box(np->p, cx, cy, DIST_CELL, LEGEND_ROW,
				   i == j ? &tk_pic_paper : &tk_pic_shade[dist > 20 ? 3 : 2], &tk_pic_ink);
			snprintf(s, sizeof(s), "%d", dist);
			tk_pic_label(np->p, cx, cy, DIST_CELL, LEGEND_ROW, s, TEXT, TK_PIC_CENTER, NULL);
		}
}

int render_picture(const struct topo *t, const struct node_alloc *na, const struct node_pic_opts *o,
		   FILE *out, struct tk_diag *d)
{
	struct npic np;
	struct lbox root;
	double w, h, legend_y, dist_y = 0;
	bool l3 = false, dist = o->distances && have_distances(t);
	size_t i;
	char title[256];
	int rc = -1;

	memset(&np, 0, sizeof(np));
	np.t = t;
	np.na = na;
	np.o = o;
	find_holders(&np);
	for (i = 0; i < t->ncpus; i++)
		if (t->cpus[i].l3 != t->cpus[i].socket)
			l3 = true;
	memset(&root, 0, sizeof(root));
	root.kind = K_MACHINE;
	build(&root, t, l3);
	measure(&np, &root);
	w = fmax(root.w, 480) + 2 * PAD;
	h = root.h + 2 * PAD + GAP;
	legend_y = h;
	h += (double)legend_rows(&np) * LEGEND_ROW + PAD;
	if (dist) {
		dist_y = h + GAP;
		h += GAP + LEGEND_ROW * (double)(t->nnuma + 2) + PAD;
		w = fmax(w, DIST_CELL * (double)(t->nnuma + 1) + 2 * PAD);
	}
	snprintf(title, sizeof(title), "topo-discover: %s", t->hostname ? t->hostname : "node");
	np.p = tk_pic_new(o->format, w, h, title, d);
	if (np.p) {
		draw_box(&np, &root, PAD, PAD);
		draw_legend(&np, PAD, legend_y, w - 2 * PAD);
		if (dist)
			draw_distances(&np, PAD, dist_y);
		rc = tk_pic_write(np.p, out, d);
	}
	free_box(&root);
	for (i = 0; i < np.nholders; i++)
		cpuset_release(&np.holders[i].cpus);
	free(np.holders);
	free(np.dev_holder);
	free(np.cpu_owner);
	free(np.segs);
	cpuset_release(&np.shared);
	cpuset_release(&np.flagged);
	return rc;
}
