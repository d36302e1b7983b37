/* picture.h - the one drawing layer: boxes, lines and fitted labels through
 * cairo, written as SVG, PNG or PDF (topo-discover and spread-check -o
 * svg|png|pdf).
 *
 * Terminology:
 *   point     the unit of every coordinate: 1/72 inch in SVG (document unit
 *             pt) and PDF, one pixel in PNG.
 *   label     text drawn inside a box: shrunk down to TK_PIC_MIN_TEXT, then
 *             cut with an ellipsis, measured with cairo's text extents, so
 *             that it never crosses the box's edges. Bytes that are not
 *             UTF-8, and control characters, are drawn as U+FFFD.
 *   series    the colours of things a reader tells apart (pods, workloads):
 *             Paul Tol's "muted" scheme, readable by colour-blind readers;
 *             past its nine colours they repeat, so a label always goes with
 *             the colour.
 *
 * Output is deterministic: the same calls give byte-identical SVG (cairo
 * numbers its glyphs and surfaces per document). In SVG, cairo draws text as
 * glyph outlines, so every label is also listed, in drawing order, in the
 * root's <desc> (one per line) after the picture's <title>: the picture can
 * be searched and read aloud, and a test can count what it shows.
 *
 * Nothing here prints or exits (xalloc on OOM aside).
 */
#ifndef TK_PICTURE_H
#define TK_PICTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tk_diag;
struct tk_pic;

enum tk_pic_format { TK_PIC_SVG, TK_PIC_PNG, TK_PIC_PDF };

/* Largest side accepted; callers aggregate before reaching it. PNG's
 * limit comes from cairo's image surfaces (32767) and memory (4 bytes a
 * pixel), so it is lower. */
#define TK_PIC_MAX_SIDE 30000.0
#define TK_PIC_MAX_PNG_AREA (32.0 * 1024 * 1024)
/* Smallest text size a label shrinks to before it is cut. */
#define TK_PIC_MIN_TEXT 5.0

struct tk_rgb {
	double r, g, b;
};

/* Structure colours (greys as lstopo's boxes) and the marks. */
extern const struct tk_rgb tk_pic_ink;        /* text and edges */
extern const struct tk_rgb tk_pic_paper;      /* background, free PUs */
extern const struct tk_rgb tk_pic_shade[4];   /* nested boxes, outermost first */
extern const struct tk_rgb tk_pic_warn;       /* violations, findings (Okabe-Ito vermillion) */
extern const struct tk_rgb tk_pic_ok;         /* within bounds (Okabe-Ito bluish green) */
extern const struct tk_rgb tk_pic_muted;      /* reserved, unavailable */

/* The i-th series colour (cycles). */
struct tk_rgb tk_pic_series(size_t i);
/* Black or white, whichever reads better on fill. */
struct tk_rgb tk_pic_ink_on(const struct tk_rgb *fill);

/* A picture of width x height points, named title (may be NULL). A side
 * below 1 or above TK_PIC_MAX_SIDE, or a PNG above TK_PIC_MAX_PNG_AREA, is
 * refused: NULL with d filled. */
struct tk_pic *tk_pic_new(enum tk_pic_format fmt, double width, double height, const char *title,
			  struct tk_diag *d);

/* A rectangle; fill or edge NULL leaves it out. */
void tk_pic_box(struct tk_pic *p, double x, double y, double w, double h,
		const struct tk_rgb *fill, const struct tk_rgb *edge);
/* A line of the given width, dashed or not. */
void tk_pic_line(struct tk_pic *p, double x0, double y0, double x1, double y1,
		 const struct tk_rgb *c, double width, bool dashed);

enum {
	TK_PIC_LEFT = 0,
	TK_PIC_CENTER = 1 << 0,
	TK_PIC_BOLD = 1 << 1,
	TK_PIC_TOP = 1 << 2,      /* the first line of the box, not its middle */
};

/* Text inside the box (x, y, w, h), at most size points, fitted as a label
 * is. Returns true when something was drawn (false: not even an ellipsis
 * fits). Drawn labels go into the SVG's <desc> whole, even when cut. */
bool tk_pic_label(struct tk_pic *p, double x, double y, double w, double h, const char *text,
		  double size, unsigned flags, const struct tk_rgb *ink);

/* Finish the picture and write it to out. Returns 0, or -1 with d filled
 * (a cairo error or a write error). The picture is freed either way. */
int tk_pic_write(struct tk_pic *p, FILE *out, struct tk_diag *d);

#endif
