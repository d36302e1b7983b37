/* picture.c - boxes, lines and fitted labels through cairo (see picture.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dlfcn.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "diag.h"
#include "picture.h"
#include "xalloc.h"

/* cairo is loaded when the first picture is made, not at start-up: linked
 * in, it and the 25 libraries it needs cost every run of topo-discover and
 * spread-check more than most of their work, and only -o svg|png|pdf draws.
 * Its soname, libcairo.so.2, is its stable ABI; the headers give each
 * function's type, so a mismatch is a compile error here. */
#define CAIRO_SONAME "libcairo.so.2"
#define CAIRO_FUNCTIONS(X) \
	X(cairo_create) X(cairo_debug_reset_static_data) X(cairo_destroy) X(cairo_fill) \
	X(cairo_fill_preserve) X(cairo_font_extents) X(cairo_font_options_create) \
	X(cairo_font_options_destroy) X(cairo_font_options_set_hint_metrics) \
	X(cairo_font_options_set_hint_style) X(cairo_image_surface_create) X(cairo_line_to) \
	X(cairo_move_to) X(cairo_paint) X(cairo_pdf_surface_create_for_stream) \
	X(cairo_pdf_surface_set_metadata) X(cairo_rectangle) X(cairo_select_font_face) \
	X(cairo_set_dash) X(cairo_set_font_options) X(cairo_set_font_size) \
	X(cairo_set_line_width) X(cairo_set_source_rgb) X(cairo_show_text) X(cairo_status) \
	X(cairo_status_to_string) X(cairo_stroke) X(cairo_surface_destroy) \
	X(cairo_surface_finish) X(cairo_surface_status) X(cairo_surface_write_to_png_stream) \
	X(cairo_svg_surface_create_for_stream) X(cairo_svg_surface_restrict_to_version) \
	X(cairo_svg_surface_set_document_unit) X(cairo_text_extents)

#define CAIRO_POINTER(name) __typeof__(name) *p_##name;
static struct {
	CAIRO_FUNCTIONS(CAIRO_POINTER)
} cz;
#undef CAIRO_POINTER

/* Every call below goes through the table. */
#define CAIRO_REDIRECT(name) (*cz.p_##name)
#define cairo_create CAIRO_REDIRECT(cairo_create)
#define cairo_debug_reset_static_data CAIRO_REDIRECT(cairo_debug_reset_static_data)
#define cairo_destroy CAIRO_REDIRECT(cairo_destroy)
#define cairo_fill CAIRO_REDIRECT(cairo_fill)
#define cairo_fill_preserve CAIRO_REDIRECT(cairo_fill_preserve)
#define cairo_font_extents CAIRO_REDIRECT(cairo_font_extents)
#define cairo_font_options_create CAIRO_REDIRECT(cairo_font_options_create)
#define cairo_font_options_destroy CAIRO_REDIRECT(cairo_font_options_destroy)
#define cairo_font_options_set_hint_metrics CAIRO_REDIRECT(cairo_font_options_set_hint_metrics)
#define cairo_font_options_set_hint_style CAIRO_REDIRECT(cairo_font_options_set_hint_style)
#define cairo_image_surface_create CAIRO_REDIRECT(cairo_image_surface_create)
#define cairo_line_to CAIRO_REDIRECT(cairo_line_to)
#define cairo_move_to CAIRO_REDIRECT(cairo_move_to)
#define cairo_paint CAIRO_REDIRECT(cairo_paint)
#define cairo_pdf_surface_create_for_stream CAIRO_REDIRECT(cairo_pdf_surface_create_for_stream)
#define cairo_pdf_surface_set_metadata CAIRO_REDIRECT(cairo_pdf_surface_set_metadata)
#define cairo_rectangle CAIRO_REDIRECT(cairo_rectangle)
#define cairo_select_font_face CAIRO_REDIRECT(cairo_select_font_face)
#define cairo_set_dash CAIRO_REDIRECT(cairo_set_dash)
#define cairo_set_font_options CAIRO_REDIRECT(cairo_set_font_options)
#define cairo_set_font_size CAIRO_REDIRECT(cairo_set_font_size)
#define cairo_set_line_width CAIRO_REDIRECT(cairo_set_line_width)
#define cairo_set_source_rgb CAIRO_REDIRECT(cairo_set_source_rgb)
#define cairo_show_text CAIRO_REDIRECT(cairo_show_text)
#define cairo_status CAIRO_REDIRECT(cairo_status)
#define cairo_status_to_string CAIRO_REDIRECT(cairo_status_to_string)
#define cairo_stroke CAIRO_REDIRECT(cairo_stroke)
#define cairo_surface_destroy CAIRO_REDIRECT(cairo_surface_destroy)
#define cairo_surface_finish CAIRO_REDIRECT(cairo_surface_finish)
#define cairo_surface_status CAIRO_REDIRECT(cairo_surface_status)
#define cairo_surface_write_to_png_stream CAIRO_REDIRECT(cairo_surface_write_to_png_stream)
#define cairo_svg_surface_create_for_stream CAIRO_REDIRECT(cairo_svg_surface_create_for_stream)
#define cairo_svg_surface_restrict_to_version CAIRO_REDIRECT(cairo_svg_surface_restrict_to_version)
#define cairo_svg_surface_set_document_unit CAIRO_REDIRECT(cairo_svg_surface_set_document_unit)
#define cairo_text_extents CAIRO_REDIRECT(cairo_text_extents)

/* Fill the table once; the library stays loaded to the end. Returns 0, or
 * -1 with d saying what is missing and which package gives it. */
static int load_cairo(struct tk_diag *d)
{
	static bool loaded;
	void *lib;
	const char *missing = NULL;

	if (loaded)
		return 0;
	if (!(lib = dlopen(CAIRO_SONAME, RTLD_NOW | RTLD_LOCAL))) {
		const char *why = dlerror();

		return tk_diag_set(d, "", 0, 0, "drawing needs cairo: %s (install libcairo2)",
				   why ? why : "cannot load " CAIRO_SONAME);
	}
	/* dlsym returns an object pointer; POSIX guarantees it converts to a
	 * function pointer, which memcpy states without a cast ISO C forbids */
#define CAIRO_RESOLVE(name) \
	if (!missing) { \
		void *sym = dlsym(lib, #name); \
		if (sym) \
			memcpy(&cz.p_##name, &sym, sizeof(sym)); \
		else \
			missing = #name; \
	}
	CAIRO_FUNCTIONS(CAIRO_RESOLVE)
#undef CAIRO_RESOLVE
	if (missing) {
		dlclose(lib);
		memset(&cz, 0, sizeof(cz));
		return tk_diag_set(d, "", 0, 0, "drawing needs cairo 1.16 or later: " CAIRO_SONAME
				   " has no %s", missing);
	}
	loaded = true;
	return 0;
}

#define RGB(x) { ((x) >> 16 & 0xff) / 255.0, ((x) >> 8 & 0xff) / 255.0, ((x) & 0xff) / 255.0 }

const struct tk_rgb tk_pic_ink = RGB(0x222222);
const struct tk_rgb tk_pic_paper = RGB(0xffffff);
/* lstopo's package, NUMA node, cache and core greys, lightened so that the
 * series colours stand out on them */
const struct tk_rgb tk_pic_shade[4] = { RGB(0xdedede), RGB(0xefe7d8), RGB(0xf6f6f6), RGB(0xcfcfcf) };
/* Okabe & Ito, "Color Universal Design" (2008) */
const struct tk_rgb tk_pic_warn = RGB(0xd55e00);
const struct tk_rgb tk_pic_ok = RGB(0x009e73);
const struct tk_rgb tk_pic_muted = RGB(0x8c8c8c);

/* Paul Tol's "muted" qualitative scheme (personal.sron.nl/~pault), in his
 * order: distinct for deuteranopes, protanopes and tritanopes */
static const struct tk_rgb series[] = {
	RGB(0x332288), RGB(0x88ccee), RGB(0x44aa99), RGB(0x117733), RGB(0x999933),
	RGB(0xddcc77), RGB(0xcc6677), RGB(0x882255), RGB(0xaa4499),
};

struct membuf {
	char *b;
	size_t n, cap;
};

struct tk_pic {
	enum tk_pic_format fmt;
	cairo_surface_t *surface;
	cairo_t *cr;
	struct membuf out;        /* SVG and PDF stream here, PNG at the end */
	struct membuf desc;       /* the SVG <title> and <desc> */
};

struct tk_rgb tk_pic_series(size_t i)
{
	return series[i % (sizeof(series) / sizeof(series[0]))];
}

struct tk_rgb tk_pic_ink_on(const struct tk_rgb *fill)
{
	/* relative luminance (WCAG), near enough without the gamma curve */
	double y = 0.2126 * fill->r * fill->r + 0.7152 * fill->g * fill->g + 0.0722 * fill->b * fill->b;

	return y < 0.18 ? tk_pic_paper : tk_pic_ink;
}

static void mem_put(struct membuf *m, const void *data, size_t len)
{
	if (m->cap - m->n < len) {
		while (m->cap - m->n < len)
			m->cap = m->cap ? m->cap * 2 : 4096;
		m->b = xrealloc(m->b, m->cap);
	}
	memcpy(m->b + m->n, data, len);
	m->n += len;
}

static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int len)
{
	mem_put(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* XML text: the five markup characters escaped (clean UTF-8 in) */
static void mem_put_xml(struct membuf *m, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': mem_put(m, "&amp;", 5); break;
		case '<': mem_put(m, "&lt;", 4); break;
		case '>': mem_put(m, "&gt;", 4); break;
		case '"': mem_put(m, "&quot;", 6); break;
		default: mem_put(m, s, 1);
		}
	}
}

/* Length of the valid UTF-8 sequence at s that is not a control character,
 * or 0 (cairo refuses a string with invalid UTF-8 and stays in error). */
static size_t utf8_char(const unsigned char *s)
{
	uint32_t c;
	size_t n, i;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : 2;
	c = s[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff) || (c >= 0x80 && c < 0xa0))
		return 0;
	return n;
}

/* A copy that cairo and XML accept: every bad byte becomes U+FFFD. */
static char *utf8_clean(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	struct membuf m = { NULL, 0, 0 };
	size_t k;

	while (*s) {
		k = utf8_char(s);
		if (k) {
			mem_put(&m, s, k);
			s += k;
		} else {
			mem_put(&m, "\xef\xbf\xbd", 3);
			s++;
		}
	}
	mem_put(&m, "", 1);
	return m.b;
}

static void pic_free(struct tk_pic *p);

struct tk_pic *tk_pic_new(enum tk_pic_format fmt, double width, double height, const char *title,
			  struct tk_diag *d)
{
	struct tk_pic *p;
	cairo_font_options_t *fo;

	if (!(width >= 1 && height >= 1 && width <= TK_PIC_MAX_SIDE && height <= TK_PIC_MAX_SIDE)) {
		tk_diag_set(d, "", 0, 0, "the picture would be %.0f x %.0f points, larger than can be drawn",
			    width, height);
		return NULL;
	}
	if (fmt == TK_PIC_PNG && width * height > TK_PIC_MAX_PNG_AREA) {
		tk_diag_set(d, "", 0, 0, "the picture would be %.0f x %.0f pixels, larger than PNG allows "
			    "(use -o svg or pdf)", width, height);
		return NULL;
	}
	if (load_cairo(d) < 0)
		return NULL;
	width = ceil(width);
	height = ceil(height);
	p = xcalloc(1, sizeof(*p));
	p->fmt = fmt;
	switch (fmt) {
	case TK_PIC_SVG:
		p->surface = cairo_svg_surface_create_for_stream(mem_write, &p->out, width, height);
		cairo_svg_surface_restrict_to_version(p->surface, CAIRO_SVG_VERSION_1_1);
		cairo_svg_surface_set_document_unit(p->surface, CAIRO_SVG_UNIT_PT);
		break;
	case TK_PIC_PDF:
		p->surface = cairo_pdf_surface_create_for_stream(mem_write, &p->out, width, height);
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "topokit");
		if (title) {
			char *t = utf8_clean(title);

			cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, t);
			free(t);
		}
		break;
	case TK_PIC_PNG:
		p->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
		break;
	}
	p->cr = cairo_create(p->surface);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS) {
		tk_diag_set(d, "", 0, 0, "cannot draw: %s", cairo_status_to_string(cairo_status(p->cr)));
		pic_free(p);
		return NULL;
	}
	/* the same metrics in every format: text fits the same boxes */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(p->cr, fo);
	cairo_font_options_destroy(fo);
	cairo_set_source_rgb(p->cr, tk_pic_paper.r, tk_pic_paper.g, tk_pic_paper.b);
	cairo_paint(p->cr);
	mem_put(&p->desc, "<title>", 7);
	if (title) {
		char *t = utf8_clean(title);

		mem_put_xml(&p->desc, t);
		free(t);
	}
	mem_put(&p->desc, "</title><desc>", 14);
	return p;
}

static void set_color(struct tk_pic *p, const struct tk_rgb *c)
{
	cairo_set_source_rgb(p->cr, c->r, c->g, c->b);
}

void tk_pic_box(struct tk_pic *p, double x, double y, double w, double h,
		const struct tk_rgb *fill, const struct tk_rgb *edge)
{
	cairo_rectangle(p->cr, x, y, w, h);
	if (fill) {
		set_color(p, fill);
		if (edge)
			cairo_fill_preserve(p->cr);
		else
			cairo_fill(p->cr);
	}
	if (edge) {
		set_color(p, edge);
		cairo_set_line_width(p->cr, 0.75);
		cairo_stroke(p->cr);
	}
}

void tk_pic_line(struct tk_pic *p, double x0, double y0, double x1, double y1,
		 const struct tk_rgb *c, double width, bool dashed)
{
	static const double dash[] = { 3.0, 2.0 };

	cairo_move_to(p->cr, x0, y0);
	cairo_line_to(p->cr, x1, y1);
	set_color(p, c);
	cairo_set_line_width(p->cr, width);
	cairo_set_dash(p->cr, dash, dashed ? 2 : 0, 0);
	cairo_stroke(p->cr);
	cairo_set_dash(p->cr, NULL, 0, 0);
}

static void set_font(struct tk_pic *p, double size, unsigned flags)
{
	cairo_select_font_face(p->cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       flags & TK_PIC_BOLD ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(p->cr, size);
}

static double advance(struct tk_pic *p, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(p->cr, s, &e);
	/* the ink may reach past the advance (a bold 'W'): the wider counts */
	return fmax(e.x_advance, e.x_bearing + e.width);
}

/* The longest prefix of s (clean UTF-8) that, with an ellipsis, fits avail
 * (malloc'd), or NULL when not even the ellipsis does. */
static char *cut_to_fit(struct tk_pic *p, const char *s, double avail)
{
	size_t len = strlen(s), n = 0, i, lo = 0, hi, mid;
	size_t *start = xcalloc(len + 1, sizeof(*start));
	char *buf = xmalloc(len + 4);

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			start[n++] = i;
	/* the longest proper prefix of whole characters that fits with the
	 * ellipsis (which takes no more room than the character it replaces
	 * in no font we know of, but the whole text did not fit) */
	hi = n ? n - 1 : 0;
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		memcpy(buf, s, start[mid]);
		memcpy(buf + start[mid], "\xe2\x80\xa6", 4);
		if (advance(p, buf) <= avail)
			lo = mid;
		else
			hi = mid - 1;
	}
	i = n ? start[lo] : 0;
	memcpy(buf, s, i);
	memcpy(buf + i, "\xe2\x80\xa6", 4);
	free(start);
	if (advance(p, buf) <= avail)
		return buf;
	free(buf);
	return NULL;
}

bool tk_pic_label(struct tk_pic *p, double x, double y, double w, double h, const char *text,
		  double size, unsigned flags, const struct tk_rgb *ink)
{
	const double pad = fmin(2.0, w / 8);
	double avail = w - 2 * pad, s = size, width, tx, ty;
	cairo_font_extents_t fe;
	char *clean;
	bool drawn = false;

	if (!*text || avail <= 0)
		return false;
	clean = utf8_clean(text);
	set_font(p, 1.0, flags);
	cairo_font_extents(p->cr, &fe);
	/* as large as the box's height allows, at most size */
	if (fe.ascent + fe.descent > 0)
		s = fmin(s, (h - pad) / (fe.ascent + fe.descent));
	if (s < TK_PIC_MIN_TEXT)
		goto out;
	set_font(p, s, flags);
	width = advance(p, clean);
	if (width > avail) {
		/* shrink (metrics scale with the size: hinting is off), then cut */
		s = fmax(TK_PIC_MIN_TEXT, s * avail / width * 0.999);
		set_font(p, s, flags);
		width = advance(p, clean);
		if (width > avail) {
			char *cut = cut_to_fit(p, clean, avail);

			if (!cut)
				goto out;
			free(clean);
			clean = cut;
			width = advance(p, clean);
		}
	}
	cairo_font_extents(p->cr, &fe);
	tx = flags & TK_PIC_CENTER ? x + (w - width) / 2 : x + pad;
	ty = flags & TK_PIC_TOP ? y + pad / 2 + fe.ascent : y + (h - fe.ascent - fe.descent) / 2 + fe.ascent;
	set_color(p, ink ? ink : &tk_pic_ink);
	cairo_move_to(p->cr, tx, ty);
	cairo_show_text(p->cr, clean);
	free(clean);
	clean = utf8_clean(text);
	mem_put_xml(&p->desc, clean);
	mem_put(&p->desc, "\n", 1);
	drawn = true;
out:
	free(clean);
	return drawn;
}

static int write_all(FILE *out, const char *b, size_t n)
{
	return n && fwrite(b, 1, n, out) != n ? -1 : 0;
}

int tk_pic_write(struct tk_pic *p, FILE *out, struct tk_diag *d)
{
	cairo_status_t st;
	int rc = 0;

	cairo_destroy(p->cr);
	p->cr = NULL;
	if (p->fmt == TK_PIC_PNG)
		st = cairo_surface_write_to_png_stream(p->surface, mem_write, &p->out);
	else {
		cairo_surface_finish(p->surface);
		st = cairo_surface_status(p->surface);
	}
	if (st != CAIRO_STATUS_SUCCESS) {
		tk_diag_set(d, "", 0, 0, "cannot draw: %s", cairo_status_to_string(st));
		pic_free(p);
		return -1;
	}
	if (p->fmt == TK_PIC_SVG) {
		/* the title and labels go first in the root element */
		const char *root = p->out.n ? memmem(p->out.b, p->out.n, "<svg", 4) : NULL;
		const char *gt = root ? memchr(root, '>', p->out.n - (size_t)(root - p->out.b)) : NULL;
		size_t head = gt ? (size_t)(gt + 1 - p->out.b) : 0;

		mem_put(&p->desc, "</desc>\n", 8);
		rc = write_all(out, p->out.b, head);
		if (rc == 0 && gt)
			rc = write_all(out, "\n", 1) | write_all(out, p->desc.b, p->desc.n);
		if (rc == 0)
			rc = write_all(out, p->out.b + head, p->out.n - head);
	} else {
		rc = write_all(out, p->out.b, p->out.n);
	}
	if (rc == 0 && fflush(out) != 0)
		rc = -1;
	pic_free(p);
	if (rc < 0)
		tk_diag_set(d, "", 0, 0, "write error");
	return rc;
}

static void pic_free(struct tk_pic *p)
{
	if (!p)
		return;
	if (p->cr)
		cairo_destroy(p->cr);
	cairo_surface_destroy(p->surface);
	free(p->out.b);
	free(p->desc.b);
	free(p);
	/* cairo's font and pattern caches, so a leak checker sees only leaks */
	cairo_debug_reset_static_data();
}
