/* picture.c - audit and simulate reports as pictures (-o svg|png).
 *
 * One panel per workload and constraint: its domains as columns (grouped
 * under their zones when the domains are nodes or racks of a zoned
 * cluster), the matching pods per domain as bars (simulate: the running
 * ones, then the new replicas stacked on them), a dashed line at the most a
 * domain may hold (the smallest count plus maxSkew, as the skew is
 * measured), domains over it in the warning colour, and for simulate a
 * Pending column and the domains --fail took away crossed out.
 *
 * Terminology:
 *   allowed   the report's largest count minus its skew (the smallest count
 *             the skew was measured against, 0 below minDomains) plus
 *             maxSkew: a domain above it breaks the constraint.
 *   column    one domain, or, past MAX_COLS domains, an aggregate: the
 *             domains of one zone, else a run of consecutive domain names;
 *             it is drawn as the range of its domains' counts (lowest to
 *             highest), so that 5,000 nodes stay one readable row.
 *
 * The picture is drawn from the JSON report the tool prints (the same
 * numbers as -o json) and the cluster's node labels (for the zones).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cluster.h"
#include "diag.h"
#include "sc-picture.h"
#include "xalloc.h"

#define MAX_COLS 48
#define MAX_PANELS 40
#define COL_W 58.0
#define BAR_H 120.0
#define HEAD_H 32.0
#define LABEL_H 14.0
#define MARGIN 8.0
#define AXIS_W 30.0
#define TEXT 9.0

struct col {
	char *name;            /* domain, zone or "first … last" */
	const char *zone;      /* interned, NULL: none known */
	long long count, mine; /* matching pods, of them new replicas (sums when aggregated) */
	long long lo, hi;      /* range of the domains' counts */
	size_t n;              /* domains in the column */
	bool failed;
};

struct panel {
	const json_t *workload;   /* {"kind","namespace","name"} or the audit entry */
	const json_t *constraint;
	const json_t *report;     /* simulate: the workload's report */
	json_t *own;              /* a constraint made up here (no constraint: the nodes) */
	size_t ncols;
	struct col *cols;
	long long allowed, top, pending;
	bool aggregated, zoned, violation;
};

struct zone_of {
	const char *value, *zone;
};

static int zone_of_cmp(const void *a, const void *b)
{
	return strcmp(((const struct zone_of *)a)->value, ((const struct zone_of *)b)->value);
}

/* value of key -> zone of the first node (by name) holding it */
static struct zone_of *zones_for(const struct sc_cluster *c, const char *key, size_t *n)
{
	const char *k = sc_lookup(&c->strs, key), *z = sc_lookup(&c->strs, "topology.kubernetes.io/zone");
	struct zone_of *v = xcalloc(c->nnodes + 1, sizeof(*v));
	size_t i;

	*n = 0;
	if (!k || !z || k == z)
		return v;
	for (i = 0; i < c->nnodes; i++) {
		const char *val = sc_lset_get(&c->lsets[c->nodes[i].lset], k);
		const char *zone = sc_lset_get(&c->lsets[c->nodes[i].lset], z);

		if (val && zone) {
			v[*n].value = val;
			v[(*n)++].zone = zone;
		}
	}
	qsort(v, *n, sizeof(*v), zone_of_cmp);
	return v;
}

static const char *zone_lookup(const struct zone_of *v, size_t n, const char *value)
{
	struct zone_of key = { value, NULL };
	const struct zone_of *f = bsearch(&key, v, n, sizeof(*v), zone_of_cmp);

	/* bsearch may land on any duplicate: walk back to the first */
	while (f && f > v && !strcmp(f[-1].value, value))
		f--;
	return f ? f->zone : NULL;
}

static int col_cmp(const void *a, const void *b)
{
	const struct col *x = a, *y = b;
	int r;

	if (x->zone != y->zone) {
		if (!x->zone || !y->zone)
			return x->zone ? -1 : 1;
		r = strcmp(x->zone, y->zone);
		if (r)
			return r;
	}
	return strcmp(x->name, y->name);
}

/* a string field of the report, "" when absent (a report is ours, but a
 * field a later change leaves out must not print "(null)") */
static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long long jint(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static bool failed_domain(const json_t *failed, const char *key, const char *value)
{
	const json_t *v;
	size_t i, kl = strlen(key);

	json_array_foreach(json_object_get(failed, "domains"), i, v) {
		const char *s = json_string_value(v);

		if (s && !strncmp(s, key, kl) && s[kl] == '=' && !strcmp(s + kl + 1, value))
			return true;
	}
	/* a node lost with its domain: a per-node constraint's column */
	json_array_foreach(json_object_get(failed, "nodes"), i, v)
		if (!strcmp(key, "kubernetes.io/hostname") && json_string_value(v) &&
		    !strcmp(json_string_value(v), value))
			return true;
	return false;
}

static void aggregate(struct panel *p)
{
	size_t nz = 0, i, k, per, ngroups;
	struct col *out;

	for (i = 0; i < p->ncols; i++)
		if (p->cols[i].zone && (i == 0 || p->cols[i].zone != p->cols[i - 1].zone))
			nz++;
	/* one column per zone when every domain has one and they are few */
	if (nz && nz <= MAX_COLS && p->cols[p->ncols - 1].zone) {
		ngroups = nz;
		per = 0;
	} else {
		per = (p->ncols + MAX_COLS - 1) / MAX_COLS;
		ngroups = (p->ncols + per - 1) / per;
	}
	out = xcalloc(ngroups + 1, sizeof(*out));
	for (i = 0, k = 0; i < p->ncols; i++) {
		struct col *c = &p->cols[i], *g;
		bool start = per ? i % per == 0 : (i == 0 || c->zone != p->cols[i - 1].zone);

		if (start && i > 0)
			k++;
		g = &out[k];
		if (start) {
			g->zone = per ? NULL : c->zone;
			g->lo = g->hi = c->count;
		}
		g->count += c->count;
		g->mine += c->mine;
		g->lo = c->count < g->lo ? c->count : g->lo;
		g->hi = c->count > g->hi ? c->count : g->hi;
		g->failed = (start || g->failed) && c->failed;
		g->n++;
		if (!per && start)
			g->name = xasprintf("%s", c->zone);
		else if (per && (i % per == per - 1 || i + 1 == p->ncols))
			g->name = xasprintf("%s \xe2\x80\xa6 %s", p->cols[i + 1 - g->n].name, c->name);
	}
	for (i = 0; i < p->ncols; i++)
		free(p->cols[i].name);
	free(p->cols);
	p->cols = out;
	p->ncols = ngroups;
	p->aggregated = true;
	p->zoned = !per;
}

static void panel_build(struct panel *p, const struct sc_cluster *c, const json_t *failed)
{
	const json_t *counts = json_object_get(p->constraint, "counts");
	const json_t *mine = json_object_get(p->constraint, "replicas");
	const char *key = json_string_value(json_object_get(p->constraint, "topologyKey"));
	const char *dom;
	const json_t *v;
	struct zone_of *zones;
	size_t nzones, i;
	long long max = 0, skew = jint(p->constraint, "skew");

	zones = zones_for(c, key ? key : "", &nzones);
	p->cols = xcalloc(json_object_size(counts) + 1, sizeof(*p->cols));
	json_object_foreach((json_t *)counts, dom, v) {
		struct col *col = &p->cols[p->ncols++];

		col->name = xstrdup(dom);
		col->zone = zone_lookup(zones, nzones, dom);
		col->count = col->lo = col->hi = (long long)json_integer_value(v);
		col->mine = (long long)json_integer_value(json_object_get(mine, dom));
		col->n = 1;
		col->failed = failed && key && failed_domain(failed, key, dom);
		if (col->count > max)
			max = col->count;
	}
	/* the domains --fail took away are gone from the counts: drawn crossed out */
	json_array_foreach(json_object_get(failed, "domains"), i, v) {
		const char *s = json_string_value(v);
		size_t kl = key ? strlen(key) : 0, j;
		bool have = false;

		if (!s || !key || strncmp(s, key, kl) || s[kl] != '=')
			continue;
		for (j = 0; j < p->ncols && !have; j++)
			have = !strcmp(p->cols[j].name, s + kl + 1);
		if (have)
			continue;
		p->cols = xreallocarray(p->cols, p->ncols + 1, sizeof(*p->cols));
		memset(&p->cols[p->ncols], 0, sizeof(*p->cols));
		p->cols[p->ncols].name = xstrdup(s + kl + 1);
		p->cols[p->ncols].zone = zone_lookup(zones, nzones, s + kl + 1);
		p->cols[p->ncols].n = 1;
		p->cols[p->ncols++].failed = true;
	}
	free(zones);
	qsort(p->cols, p->ncols, sizeof(*p->cols), col_cmp);
	for (i = 0; i < p->ncols; i++)
		if (p->cols[i].zone)
			p->zoned = true;
	if (p->ncols > MAX_COLS)
		aggregate(p);
	p->allowed = max - skew + jint(p->constraint, "maxSkew");
	p->violation = skew > jint(p->constraint, "maxSkew");
	p->top = max > p->allowed ? max : p->allowed;
	if (p->pending > p->top)
		p->top = p->pending;
	if (p->top < 1)
		p->top = 1;
}

static void panel_release(struct panel *p)
{
	size_t i;

	json_decref(p->own);
	for (i = 0; i < p->ncols; i++)
		free(p->cols[i].name);
	free(p->cols);
}

static double panel_width(const struct panel *p)
{
	return AXIS_W + (double)(p->ncols + (p->report ? 1 : 0)) * COL_W;
}

static double panel_height(const struct panel *p)
{
	return HEAD_H + BAR_H + LABEL_H * (p->zoned && !p->aggregated ? 2 : 1) + LABEL_H + MARGIN;
}

static void label_num(struct tk_pic *pic, double x, double y, long long n, const char *suffix,
		      const struct tk_rgb *ink)
{
	char s[64];

	snprintf(s, sizeof(s), "%lld%s", n, suffix);
	tk_pic_label(pic, x, y, COL_W, LABEL_H, s, TEXT, TK_PIC_CENTER | TK_PIC_BOLD, ink);
}

static void draw_panel(struct tk_pic *pic, const struct panel *p, double x0, double y0, double w)
{
	const json_t *k = p->constraint;
	const struct tk_rgb running = tk_pic_series(1), fresh = tk_pic_series(0);
	double base = y0 + HEAD_H + BAR_H, scale = (BAR_H - LABEL_H) / (double)p->top, x, y;
	char head[1024];
	size_t i;

	snprintf(head, sizeof(head), "%s %s/%s", jstr(p->workload, "kind"), jstr(p->workload, "namespace"),
		 jstr(p->workload, "name"));
	tk_pic_label(pic, x0, y0, w, LABEL_H + 2, head, TEXT + 2, TK_PIC_BOLD, NULL);
	if (p->own)
		snprintf(head, sizeof(head), "%s%s", jstr(k, "whenUnsatisfiable"),
			 p->aggregated ? " (lowest to highest per node)" : "");
	else
		snprintf(head, sizeof(head), "%s, %s, maxSkew %lld: skew %lld%s%s",
			 jstr(k, "topologyKey"), jstr(k, "whenUnsatisfiable"), jint(k, "maxSkew"),
			 jint(k, "skew"), p->violation ? " - VIOLATION" : "",
			 p->aggregated ? p->zoned ? " (nodes by zone: lowest to highest per domain)"
					: " (domains in runs: lowest to highest per domain)" : "");
	if (p->report && json_object_get(p->report, "failed")) {
		const json_t *f = json_object_get(p->report, "failed");
		size_t len = strlen(head);

		snprintf(head + len, sizeof(head) - len, "; --fail lost %lld pod%s, %lld placed again",
			 jint(f, "lostPods"), jint(f, "lostPods") == 1 ? "" : "s", jint(f, "rescheduled"));
	}
	tk_pic_label(pic, x0, y0 + LABEL_H + 2, w, LABEL_H, head, TEXT + 1,
		     p->violation ? TK_PIC_BOLD : 0, p->violation ? &tk_pic_warn : NULL);
	tk_pic_line(pic, x0 + AXIS_W - 2, base, x0 + panel_width(p), base, &tk_pic_ink, 0.75, false);
	/* the axis' 0, unless the dashed line's number would sit on it */
	if (p->own || (double)p->allowed * scale >= LABEL_H)
		tk_pic_label(pic, x0, base - LABEL_H / 2, AXIS_W - 4, LABEL_H, "0", TEXT, TK_PIC_BOLD, NULL);
	for (i = 0; i < p->ncols; i++) {
		const struct col *c = &p->cols[i];
		bool over = !p->own && c->hi > p->allowed;
		double bx = x0 + AXIS_W + (double)i * COL_W + 6, bw = COL_W - 12;

		x = x0 + AXIS_W + (double)i * COL_W;
		if (p->aggregated) {
			/* the range of the column's domains */
			double top = base - (double)c->hi * scale, bottom = base - (double)c->lo * scale;

			/* all new replicas: their colour; else the running pods' */
			tk_pic_box(pic, bx, top, bw, fmax(bottom - top, 1.5),
				   over ? &tk_pic_warn : c->mine == c->count && c->count ? &fresh : &running,
				   &tk_pic_ink);
			snprintf(head, sizeof(head), "%lld-%lld", c->lo, c->hi);
			tk_pic_label(pic, x, top - LABEL_H, COL_W, LABEL_H, head, TEXT, TK_PIC_CENTER | TK_PIC_BOLD,
				     over ? &tk_pic_warn : NULL);
		} else {
			double hr = (double)(c->count - c->mine) * scale, hm = (double)c->mine * scale;

			if (c->count - c->mine > 0)
				tk_pic_box(pic, bx, base - hr, bw, hr, over ? &tk_pic_warn : &running, &tk_pic_ink);
			if (c->mine > 0)
				tk_pic_box(pic, bx, base - hr - hm, bw, hm, &fresh, &tk_pic_ink);
			label_num(pic, x, base - hr - hm - LABEL_H, c->count, over ? " !" : "",
				  over ? &tk_pic_warn : NULL);
		}
		if (c->failed) {
			tk_pic_line(pic, x + 2, base - BAR_H + LABEL_H, x + COL_W - 2, base, &tk_pic_warn, 2.5, false);
			tk_pic_line(pic, x + 2, base, x + COL_W - 2, base - BAR_H + LABEL_H, &tk_pic_warn, 2.5, false);
		}
		snprintf(head, sizeof(head), "%s%s", c->name, c->failed ? " (failed)" : "");
		tk_pic_label(pic, x, base + 1, COL_W, LABEL_H, head, TEXT, TK_PIC_CENTER,
			     c->failed ? &tk_pic_warn : NULL);
		/* the zone under the first column of each run of it */
		if (p->zoned && !p->aggregated && c->zone && (i == 0 || c->zone != p->cols[i - 1].zone)) {
			size_t j = i;

			while (j < p->ncols && p->cols[j].zone == c->zone)
				j++;
			y = base + LABEL_H + 1;
			tk_pic_line(pic, x + 2, y, x + (double)(j - i) * COL_W - 2, y, &tk_pic_ink, 0.75, false);
			snprintf(head, sizeof(head), "zone %s", c->zone);
			tk_pic_label(pic, x, y, (double)(j - i) * COL_W, LABEL_H, head, TEXT, TK_PIC_CENTER, NULL);
		}
	}
	if (p->report) {
		/* simulate: the replicas no node took */
		x = x0 + AXIS_W + (double)p->ncols * COL_W;
		if (p->pending > 0)
			tk_pic_box(pic, x + 6, base - (double)p->pending * scale, COL_W - 12,
				   (double)p->pending * scale, &tk_pic_warn, &tk_pic_ink);
		label_num(pic, x, base - (double)p->pending * scale - LABEL_H, p->pending, "",
			  p->pending ? &tk_pic_warn : NULL);
		tk_pic_label(pic, x, base + 1, COL_W, LABEL_H, "Pending", TEXT, TK_PIC_CENTER | TK_PIC_BOLD,
			     p->pending ? &tk_pic_warn : NULL);
	}
	if (p->own)
		return;
	/* the most a domain may hold */
	y = base - (double)p->allowed * scale;
	tk_pic_line(pic, x0 + AXIS_W - 2, y, x0 + AXIS_W + (double)p->ncols * COL_W, y, &tk_pic_warn, 1, true);
	snprintf(head, sizeof(head), "%lld", p->allowed);
	tk_pic_label(pic, x0, y - LABEL_H / 2, AXIS_W - 4, LABEL_H, head, TEXT, TK_PIC_BOLD, &tk_pic_warn);
}

static double draw_legend(struct tk_pic *pic, double x, double y, double w, bool simulate, bool dry)
{
	static const char *const text[] = {
		"matching pods running in the domain",
		"new replicas placed by the simulation",
		"a domain above the dashed line (smallest count + maxSkew) breaks the constraint",
		"crossed out: a domain lost with --fail",
	};
	const struct tk_rgb sw[] = { tk_pic_series(1), tk_pic_series(0), tk_pic_warn, tk_pic_paper };
	size_t i, n = 0;

	for (i = 0; i < 4; i++) {
		if (!simulate && (i == 1 || i == 3))
			continue;
		if (!dry) {
			tk_pic_box(pic, x, y + 2, 22, LABEL_H - 4, &sw[i], &tk_pic_ink);
			if (i == 3)
				tk_pic_line(pic, x, y + 2, x + 22, y + LABEL_H - 2, &tk_pic_warn, 1.5, false);
			tk_pic_label(pic, x + 26, y, w - 26, LABEL_H, text[i], TEXT, 0, NULL);
		}
		y += LABEL_H;
		n++;
	}
	return (double)n * LABEL_H;
}

/* simulate, for a workload without constraints: where its replicas landed,
 * node by node, as a constraint of no skew would count them */
static json_t *landed(const json_t *report)
{
	json_t *k = json_object(), *counts = json_object(), *p;
	size_t i;

	json_array_foreach(json_object_get(report, "placements"), i, p) {
		const char *node = json_string_value(json_object_get(p, "node"));

		if (node)
			json_object_set_new(counts, node,
					    json_integer(json_integer_value(json_object_get(counts, node)) + 1));
	}
	json_object_set_new(k, "topologyKey", json_string("kubernetes.io/hostname"));
	json_object_set_new(k, "whenUnsatisfiable", json_string("no topologySpreadConstraints: where the replicas landed"));
	json_object_set_new(k, "counts", counts);
	json_object_set(k, "replicas", counts);
	return k;
}

static void add_panels(struct panel **ps, size_t *n, const json_t *workload, const json_t *report,
		       const json_t *constraints, const struct sc_cluster *c, size_t *dropped)
{
	const json_t *k;
	json_t *own = NULL;
	size_t i;

	if (report && !json_array_size(constraints)) {
		own = json_array();
		json_array_append_new(own, landed(report));
		constraints = own;
	}
	json_array_foreach((json_t *)constraints, i, k) {
		struct panel *p;

		if (*n >= MAX_PANELS) {
			(*dropped)++;
			continue;
		}
		*ps = xreallocarray(*ps, *n + 1, sizeof(**ps));
		p = &(*ps)[(*n)++];
		memset(p, 0, sizeof(*p));
		p->workload = workload;
		p->constraint = k;
		p->report = report;
		if (own)
			p->own = json_incref((json_t *)k);
		if (report)
			p->pending = jint(report, "pending");
		panel_build(p, c, report ? json_object_get(report, "failed") : NULL);
		if (p->own)
			p->violation = false;
	}
	json_decref(own);
}

static int sc_picture(const json_t *root, const struct sc_cluster *c, bool simulate, enum tk_pic_format fmt,
	       FILE *out, struct tk_diag *d)
{
	struct panel *ps = NULL;
	size_t n = 0, i, dropped = 0;
	const json_t *w, *list = json_object_get(root, "workloads");
	double width = 640, height = MARGIN, y;
	struct tk_pic *pic;
	char note[128];
	int rc = -1;

	if (simulate && !list) {
		add_panels(&ps, &n, json_object_get(root, "workload"), root, json_object_get(root, "domains"),
			   c, &dropped);
	} else {
		json_array_foreach((json_t *)list, i, w) {
			if (simulate)
				add_panels(&ps, &n, json_object_get(w, "workload"), w,
					   json_object_get(w, "domains"), c, &dropped);
			else
				add_panels(&ps, &n, w, NULL, json_object_get(w, "constraints"), c, &dropped);
		}
	}
	for (i = 0; i < n; i++) {
		width = fmax(width, panel_width(&ps[i]) + 2 * MARGIN);
		height += panel_height(&ps[i]);
	}
	height += LABEL_H * 2 + draw_legend(NULL, 0, 0, 0, simulate, true) + MARGIN;
	pic = tk_pic_new(fmt, width, height, simulate ? "spread-check simulate" : "spread-check audit", d);
	if (pic) {
		y = MARGIN;
		for (i = 0; i < n; i++) {
			draw_panel(pic, &ps[i], MARGIN, y, width - 2 * MARGIN);
			y += panel_height(&ps[i]);
		}
		if (!n)
			snprintf(note, sizeof(note), "no workload with topologySpreadConstraints");
		else if (dropped)
			snprintf(note, sizeof(note), "%zu more constraint%s not drawn (see -o json)", dropped,
				 dropped == 1 ? "" : "s");
		else
			*note = 0;
		if (*note)
			tk_pic_label(pic, MARGIN, y, width - 2 * MARGIN, LABEL_H, note, TEXT + 1, TK_PIC_BOLD, NULL);
		y += LABEL_H;
		draw_legend(pic, MARGIN, y, width - 2 * MARGIN, simulate, false);
		rc = tk_pic_write(pic, out, d);
	}
	for (i = 0; i < n; i++)
		panel_release(&ps[i]);
	free(ps);
	return rc;
}

int sc_picture_write(const json_t *root, const struct sc_cluster *c, bool simulate, enum tk_out out)
{
	struct tk_diag d = { "", 0, 0, "" };

	if (sc_picture(root, c, simulate, out == TK_OUT_PNG ? TK_PIC_PNG : TK_PIC_SVG, stdout, &d) < 0)
		tk_fatal_diag(&d);
	return 0;
}
