/* doc-yaml.c - common/doc.c's YAML fast path.
 *
 * libyaml reads about 80 MB/s: every character goes through its reader,
 * scanner and parser, and that was most of what `spread-check lint` spent.
 * Manifests as kubectl, Helm and people write them use a small part of
 * YAML: block mappings and sequences indented with spaces, plain and quoted
 * scalars on one line, flow collections on one line, comments, and `---`
 * between documents. doc_yaml_run() reads that part a line at a time and
 * hands the builder the very events libyaml would (same values, styles and
 * positions), so every rule of the builder holds unchanged.
 *
 * It gives up on everything else (tabs, CR, bytes outside printable ASCII,
 * anchors, aliases, tags, block scalars, scalars over several lines,
 * directives, `...`, and every error, the builder's included), and the
 * caller reads the whole input again with libyaml: results and messages
 * stay libyaml's exactly. Items of a stream are held back as the JSON path
 * holds them (doc_release_held), so that a callback never sees an item that
 * libyaml would not have passed on before an error.
 * tests/unit/test-doc-yaml.c compares both readers on hand-written cases and
 * random mutations of them.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "doc-internal.h"
#include "xalloc.h"

enum { Y_OK = 0, Y_STOP = 1, Y_BAIL = -1 };

/* Longer lines are left to libyaml, whose reader then meets the size limits
 * exactly as it would alone. */
#define YLINE_MAX 65536
#define YREAD 65536
/* libyaml forgets a possible key 1024 characters after its start */
#define YKEY_MAX 1000

struct yscan {
	struct builder *b;
	char *buf;
	size_t cap;
	size_t pos, end;      /* buf[pos..end): read, not handed out yet */
	size_t base;          /* input offset of buf[0] */
	size_t frontier;      /* input bytes read and checked */
	bool eof;             /* the reader has nothing more */
	size_t checked;       /* buf[0..checked) is valid input */
	bool utf8;            /* bytes outside ASCII were read */
	size_t next_no;       /* number of the next line (0-based) */
	/* the current line */
	const char *s;
	size_t len;
	size_t no;            /* its number */
	size_t off;           /* input offset of s[0] */
	size_t ind;           /* leading spaces */
	bool at_end;          /* no line is left */
	bool marker;          /* the line is `---`: a document starts */
	bool terminated;      /* a newline ends it (the last line may have none) */
	/* the document being read, for yslice */
	size_t doc_off, doc_line, produced_at_doc;
	bool fatal;           /* gave up on the input itself: read it all again */
	bool no_release;      /* held items stay held (yslice's look for the end) */
	unsigned long sliced; /* documents read by libyaml alone */
	char *tmp;            /* a quoted scalar's text with escapes undone */
	size_t tmpcap;
};

/* Is s[0..n) what libyaml's reader takes without a word, as ordinary
 * characters? UTF-8 of printable characters; not tab, CR, other controls,
 * or the characters its scanner treats apart (NEL, line and paragraph
 * separators, byte order mark). n ends at a line break or the input's end,
 * so no sequence is cut. */
static bool ytext_valid(const unsigned char *s, size_t n, bool *utf8)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], v, width, k;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\n') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		*utf8 = true;
		width = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (!width || i + width > n)
			return false;
		v = c & (0x7f >> width);
		for (k = 1; k < width; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			v = v << 6 | (s[i + k] & 0x3f);
		}
		if ((width == 2 && v < 0x80) || (width == 3 && v < 0x800) || (width == 4 && v < 0x10000))
			return false;
		if (!((v >= 0xa0 && v <= 0xd7ff && v != 0x2028 && v != 0x2029) ||
		      (v >= 0xe000 && v <= 0xfffd && v != 0xfeff) || (v >= 0x10000 && v <= 0x10ffff)))
			return false;
		i += width;
	}
	return true;
}

/* Read more input behind what is not handed out yet, and check it up to
 * its last line break (all of it at the end): anything ytext_valid refuses
 * is left to libyaml. */
static int yfill(struct yscan *y)
{
	size_t n = 0, i, upto;
	unsigned high = 0;

	if (y->pos) {
		memmove(y->buf, y->buf + y->pos, y->end - y->pos);
		y->base += y->pos;
		y->end -= y->pos;
		y->checked -= y->pos;
		y->pos = 0;
	}
	if (y->cap - y->end < YREAD) {
		y->cap = y->end + YREAD;
		y->buf = xrealloc(y->buf, y->cap);
	}
	if (!doc_read(&y->b->rd, (unsigned char *)y->buf + y->end, YREAD, &n)) {
		y->fatal = true;
		return Y_BAIL;  /* too large or unreadable: libyaml says which */
	}
	y->end += n;
	if (n == 0) {
		y->eof = true;
		upto = y->end;
	} else {
		for (upto = y->end; upto > y->checked && y->buf[upto - 1] != '\n'; upto--)
			;
	}
	for (i = y->checked; i < upto; i++) {
		unsigned char c = (unsigned char)y->buf[i];

		high |= (unsigned)((unsigned char)(c - 0x20) >= 0x5f) & (unsigned)(c != '\n');
	}
	if (high && !ytext_valid((unsigned char *)y->buf + y->checked, upto - y->checked, &y->utf8)) {
		y->fatal = true;
		return Y_BAIL;
	}
	y->frontier += upto - y->checked;
	y->checked = upto;
	return Y_OK;
}

/* The column libyaml gives s[p] of the current line: it counts characters. */
static size_t ycol(const struct yscan *y, size_t p)
{
	size_t col = p, i;

	if (y->utf8)
		for (i = 0; i < p; i++)
			col -= ((unsigned char)y->s[i] & 0xc0) == 0x80;
	return col;
}

/* Make the next line current. Items held back are passed on here, when
 * everything before this line has been read. */
static int ynext(struct yscan *y)
{
	const char *nl;
	size_t i;

	for (;;) {
		nl = y->end > y->pos ? memchr(y->buf + y->pos, '\n', y->end - y->pos) : NULL;
		if (nl || y->eof)
			break;
		if (y->end - y->pos > YLINE_MAX) {
			y->fatal = true;
			return Y_BAIL;
		}
		if (yfill(y))
			return Y_BAIL;
	}
	y->marker = false;
	if (!nl && y->pos == y->end) {
		y->at_end = true;
		y->terminated = false;
		y->s = "";
		y->len = y->ind = 0;
		y->no = y->next_no;
		y->off = y->base + y->pos;
		return Y_OK;
	}
	y->s = y->buf + y->pos;
	y->len = nl ? (size_t)(nl - y->s) : y->end - y->pos;
	y->no = y->next_no++;
	y->off = y->base + y->pos;
	y->pos += y->len + (nl != NULL);
	y->terminated = nl != NULL;
	if (y->len > YLINE_MAX) {
		y->fatal = true;
		return Y_BAIL;
	}
	for (i = 0; i < y->len && y->s[i] == ' '; i++)
		;
	y->ind = i;
	if (y->b->nheld && !y->no_release && doc_release_held(y->b, y->off, y->frontier, false))
		return Y_STOP;
	return Y_OK;
}

static bool yblank(const struct yscan *y)
{
	return y->ind == y->len;
}

static bool ycomment(const struct yscan *y)
{
	return y->ind < y->len && y->s[y->ind] == '#';
}

/* A line at column 0 that ends the document in libyaml's scanner: `---`
 * starts the next one; `...` and directives are left to libyaml. */
static int yclassify(struct yscan *y)
{
	const char *s = y->s;

	if (y->ind || y->at_end)
		return Y_OK;
	if (s[0] == '%') {
		y->fatal = true;
		return Y_BAIL;
	}
	if (y->len >= 3 && (y->len == 3 || s[3] == ' ')) {
		if (s[0] == '-' && s[1] == '-' && s[2] == '-') {
			y->marker = true;
		} else if (s[0] == '.' && s[1] == '.' && s[2] == '.') {
			y->fatal = true;
			return Y_BAIL;
		}
	}
	return Y_OK;
}

/* The next line that holds a token (blank lines and comments skipped). */
static int ycontent(struct yscan *y)
{
	int rc;

	do {
		if ((rc = ynext(y)))
			return rc;
	} while (!y->at_end && (yblank(y) || ycomment(y)));
	return yclassify(y);
}

/* ---- events ---- */

static int ysend(struct yscan *y, yaml_event_t *ev)
{
	int rc;

	y->b->rd.since_event = 0;
	/* an item ends no later than the end of this line (doc_release_held) */
	y->b->offset = y->off + y->len;
	rc = doc_dispatch(y->b, ev);
	if (rc < 0)
		return Y_BAIL;
	if (rc == 1)
		return y->b->fn_rc ? Y_STOP : Y_BAIL;
	return rc;
}

static void yevent_init(yaml_event_t *ev, yaml_event_type_t type, size_t line, size_t col)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->start_mark.line = line;
	ev->start_mark.column = col;
	ev->end_mark = ev->start_mark;
}

static int yevent(struct yscan *y, yaml_event_type_t type, size_t line, size_t col)
{
	yaml_event_t ev;

	yevent_init(&ev, type, line, col);
	return ysend(y, &ev);
}

static int yscalar(struct yscan *y, const char *text, size_t len, yaml_scalar_style_t style,
		   size_t line, size_t col)
{
	yaml_event_t ev;
	int rc;

	yevent_init(&ev, YAML_SCALAR_EVENT, line, col);
	ev.data.scalar.length = len;
	ev.data.scalar.style = style;
	ev.data.scalar.plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
	ev.data.scalar.quoted_implicit = style != YAML_PLAIN_SCALAR_STYLE;
	/* the builder keeps a long value's buffer (as it keeps libyaml's) and
	 * copies a short one */
	if (len >= sizeof(((struct tk_node *)0)->small)) {
		ev.data.scalar.value = xmalloc(len + 1);
		memcpy(ev.data.scalar.value, text, len);
		ev.data.scalar.value[len] = '\0';
	} else {
		ev.data.scalar.value = (yaml_char_t *)text;
	}
	rc = ysend(y, &ev);
	if (ev.data.scalar.value != (yaml_char_t *)text)
		free(ev.data.scalar.value);
	return rc;
}

/* ---- scalars ---- */

/* Can a plain scalar start at s[p]? (libyaml's indicators; the rarer
 * starts it allows, `?x` and `:x`, are left to it.) */
static bool yplain_start(const struct yscan *y, size_t p, bool flow)
{
	const char *s = y->s;

	switch (s[p]) {
	case '-':
		return p + 1 < y->len && s[p + 1] != ' ' &&
		       !(flow && strchr(",[]{}", s[p + 1]));
	case '?': case ':': case ',': case '[': case ']': case '{': case '}': case '#':
	case '&': case '*': case '!': case '|': case '>': case '\'': case '"': case '%':
	case '@': case '`':
		return false;
	default:
		return true;
	}
}

static void ytmp_put(struct yscan *y, size_t *n, char c)
{
	if (*n == y->tmpcap) {
		y->tmpcap = y->tmpcap ? y->tmpcap * 2 : 256;
		y->tmp = xrealloc(y->tmp, y->tmpcap);
	}
	y->tmp[(*n)++] = c;
}

/* yquoted's answer when a quoted scalar goes on past its line */
#define YQ_MORE 2

/* A quoted scalar's text from s[from] up to its closing quote q, escapes
 * undone, into y->tmp from *n on: Y_OK with *after past the quote, YQ_MORE
 * when the line ends first (without the spaces before its end, which
 * libyaml drops), Y_BAIL on an escape that makes bytes outside ASCII or
 * breaks the line (left to libyaml). */
static int yquoted_part(struct yscan *y, char q, size_t from, size_t *n, size_t *after)
{
	static const char escape[] = "0abtnvfre \"/\\", unescaped[] = "\0\a\b\t\n\v\f\r\x1b \"/\\";
	const char *s = y->s, *e;
	size_t i, keep = *n;

	for (i = from; i < y->len; i++) {
		char c = s[i];

		if (c == q && !(q == '\'' && i + 1 < y->len && s[i + 1] == '\'')) {
			*after = i + 1;
			return Y_OK;
		}
		if (c == q || (q == '"' && c == '\\')) {
			if (c == '\\' && (i + 1 == y->len || !(e = memchr(escape, s[i + 1], sizeof(escape) - 1))))
				return Y_BAIL;
			ytmp_put(y, n, c == q ? q : unescaped[e - escape]);
			keep = *n;
			i++;
			continue;
		}
		ytmp_put(y, n, c);
		if (c != ' ')
			keep = *n;
	}
	*n = keep;
	return YQ_MORE;
}

/* A quoted scalar at s[p]: its text (the line's own bytes when nothing is
 * escaped, else y->tmp's) and the index after its closing quote. YQ_MORE
 * when it goes on past the line (y->tmp holds the text so far). */
static int yquoted(struct yscan *y, size_t p, const char **text, size_t *tlen, size_t *after)
{
	const char *s = y->s;
	char q = s[p];
	size_t i, n = 0;
	int rc;

	for (i = p + 1; i < y->len && s[i] != q && s[i] != '\\'; i++)
		;
	if (i < y->len && s[i] == q && !(q == '\'' && i + 1 < y->len && s[i + 1] == '\'')) {
		*text = s + p + 1;
		*tlen = i - p - 1;
		*after = i + 1;
		return Y_OK;
	}
	rc = yquoted_part(y, q, p + 1, &n, after);
	*text = n ? y->tmp : "";
	*tlen = n;
	return rc;
}

/* ---- flow collections (on one line) ---- */

static int yflow_node(struct yscan *y, size_t *pp);

static size_t yskip_spaces(const struct yscan *y, size_t p)
{
	while (p < y->len && y->s[p] == ' ')
		p++;
	return p;
}

/* A plain scalar inside a flow collection, from s[p]: *end is after its
 * last character, *stop where it stopped (`,`, a bracket, or `:` before a
 * space). */
static int yflow_plain(struct yscan *y, size_t p, size_t *end, size_t *stop)
{
	const char *s = y->s;
	size_t i, last = p;

	if (!yplain_start(y, p, true))
		return Y_BAIL;
	for (i = p; i < y->len; i++) {
		char c = s[i];

		if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}')
			break;
		if (c == ':') {
			if (i + 1 == y->len || s[i + 1] == ' ')
				break;
			if (strchr(",?[]{}", s[i + 1]))
				return Y_BAIL;  /* libyaml's "found unexpected ':'" */
		}
		if (c == ' ') {
			if (i + 1 < y->len && s[i + 1] == '#')
				return Y_BAIL;  /* a comment: the collection goes on past the line */
			continue;
		}
		last = i + 1;
	}
	if (i == y->len)
		return Y_BAIL;
	*end = last;
	*stop = i;
	return Y_OK;
}

/* A scalar or a collection inside a flow collection, at s[*pp]. With
 * is_key, a plain scalar ended by `: ` is fine (it is a key). */
static int yflow_item(struct yscan *y, size_t *pp, bool is_key)
{
	size_t p = *pp, end, stop;
	const char *text;
	size_t tlen;
	int rc;

	if (p == y->len)
		return Y_BAIL;
	if (y->s[p] == '[' || y->s[p] == '{')
		return yflow_node(y, pp);
	if (y->s[p] == '"' || y->s[p] == '\'') {
		if (yquoted(y, p, &text, &tlen, &end))
			return Y_BAIL;
		rc = yscalar(y, text, tlen, y->s[p] == '"' ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
			     YAML_SINGLE_QUOTED_SCALAR_STYLE, y->no, ycol(y, p));
		*pp = end;
		return rc;
	}
	if (yflow_plain(y, p, &end, &stop))
		return Y_BAIL;
	if (y->s[stop] == ':' && !is_key)
		return Y_BAIL;  /* a single-pair mapping, or `a: b: c` */
	if ((rc = yscalar(y, y->s + p, end - p, YAML_PLAIN_SCALAR_STYLE, y->no, ycol(y, p))))
		return rc;
	*pp = stop;
	return Y_OK;
}

/* A flow sequence or mapping at s[*pp], closed on this line. */
static int yflow_node(struct yscan *y, size_t *pp)
{
	const char *s = y->s;
	size_t p = *pp;
	bool map = s[p] == '{';
	char close = map ? '}' : ']';
	int rc;

	if ((rc = yevent(y, map ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT, y->no, ycol(y, p))))
		return rc;
	p = yskip_spaces(y, p + 1);
	if (p < y->len && s[p] == close) {
		p++;
	} else {
		for (;;) {
			if (map) {
				size_t kstart = p;

				if ((rc = yflow_item(y, &p, true)))
					return rc;
				if (s[kstart] == '[' || s[kstart] == '{')
					return Y_BAIL;  /* a collection as a key */
				p = yskip_spaces(y, p);
				if (p == y->len || s[p] != ':' || p - kstart > YKEY_MAX)
					return Y_BAIL;
				p = yskip_spaces(y, p + 1);
				if (p == y->len || s[p] == ',' || s[p] == '}')
					return Y_BAIL;  /* an empty value */
			}
			if ((rc = yflow_item(y, &p, false)))
				return rc;
			p = yskip_spaces(y, p);
			if (p == y->len)
				return Y_BAIL;
			if (s[p] == close) {
				p++;
				break;
			}
			if (s[p] != ',')
				return Y_BAIL;
			p = yskip_spaces(y, p + 1);
			if (p == y->len || s[p] == close)
				return Y_BAIL;  /* a trailing comma */
		}
	}
	if ((rc = yevent(y, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, y->no, ycol(y, p - 1))))
		return rc;
	*pp = p;
	return Y_OK;
}

/* ---- block collections ---- */

static int ynode(struct yscan *y);
static int yseq(struct yscan *y, size_t col, bool indentless);

/* Is there a block mapping key at s[p]? Returns 1 with its text's end and
 * its ':' (followed by a space or the end of the line), 0 when there is
 * none, Y_BAIL when libyaml should decide. */
static int ykey_at(struct yscan *y, size_t p, size_t *kend, size_t *colon)
{
	const char *s = y->s;
	size_t i;

	if (s[p] == '"' || s[p] == '\'') {
		const char *text;
		size_t tlen, after;

		if (yquoted(y, p, &text, &tlen, &after))
			return Y_BAIL;
		i = yskip_spaces(y, after);
		if (i == y->len || s[i] != ':')
			return 0;
		if ((i + 1 < y->len && s[i + 1] != ' ') || i - p > YKEY_MAX)
			return Y_BAIL;
		*kend = after;
		*colon = i;
		return 1;
	}
	if (!yplain_start(y, p, false))
		return 0;
	for (i = p; i < y->len; i++) {
		if (s[i] == ':' && (i + 1 == y->len || s[i + 1] == ' '))
			break;
		if (s[i] == ' ' && i + 1 < y->len && s[i + 1] == '#')
			return 0;
	}
	if (i == y->len)
		return 0;
	if (i - p > YKEY_MAX)
		return Y_BAIL;
	*colon = i;
	while (i > p && s[i - 1] == ' ')
		i--;
	*kend = i;
	return 1;
}

/* The key at s[p] (ykey_at said so) as a scalar event. */
static int ykey(struct yscan *y, size_t p, size_t kend)
{
	const char *text;
	size_t tlen, after;

	if (y->s[p] != '"' && y->s[p] != '\'')
		return yscalar(y, y->s + p, kend - p, YAML_PLAIN_SCALAR_STYLE, y->no, ycol(y, p));
	if (yquoted(y, p, &text, &tlen, &after))
		return Y_BAIL;
	return yscalar(y, text, tlen, y->s[p] == '"' ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
		       YAML_SINGLE_QUOTED_SCALAR_STYLE, y->no, ycol(y, p));
}

static bool ydash_at(const struct yscan *y, size_t p)
{
	return p < y->len && y->s[p] == '-' && (p + 1 == y->len || y->s[p + 1] == ' ');
}

static bool ydone(const struct yscan *y)
{
	return y->at_end || y->marker;
}

/* One line of a plain scalar in a block, from s[p]: *end is after its last
 * character, *comment says " #" ended it. A `: ` in it is libyaml's to
 * judge (an error, or a key it would not take). */
static int yplain_line(const struct yscan *y, size_t p, size_t *end, bool *comment)
{
	const char *s = y->s;
	size_t i;

	*end = p;
	*comment = false;
	for (i = p; i < y->len; i++) {
		if (s[i] == ':' && (i + 1 == y->len || s[i + 1] == ' '))
			return Y_BAIL;
		if (s[i] == ' ') {
			if (i + 1 < y->len && s[i + 1] == '#') {
				*comment = true;
				break;
			}
			continue;
		}
		*end = i + 1;
	}
	return Y_OK;
}

/* Does the line after this one end a plain scalar in a block at column
 * col, as far as the bytes read tell (no line, or one indented at most col
 * that is not blank)? Then the scalar is passed on from the line itself:
 * most values are followed by such a line. */
static bool ynext_ends_plain(const struct yscan *y, size_t col)
{
	size_t i, lim = y->pos + col + 1;

	if (!y->terminated || (y->pos == y->end && y->eof))
		return true;
	for (i = y->pos; i < y->end && i < lim && y->buf[i] == ' '; i++)
		;
	return i < y->end && i < lim && y->buf[i] != '\n';
}

/* After a value: the next line with a token, which must not be indented
 * past col (libyaml would continue the value or fail). */
static int yafter_value(struct yscan *y, size_t col, bool past_current)
{
	int rc;

	if (past_current) {
		if (ycomment(y) && (rc = ycontent(y)))
			return rc;
		if ((rc = yclassify(y)))
			return rc;
	} else if ((rc = ycontent(y))) {
		return rc;
	}
	return !ydone(y) && y->ind > col ? Y_BAIL : Y_OK;
}

/* A plain scalar in a block at column col, from s[p]. It goes on over the
 * next lines indented past col, as libyaml folds them: a line break
 * becomes a space, each empty line a newline. */
static int yplain(struct yscan *y, size_t col, size_t p)
{
	size_t line = y->no, pcol = ycol(y, p), end, n = 0, empty = 0, k;
	bool comment, past_current = false;
	int rc;

	if (yplain_line(y, p, &end, &comment))
		return Y_BAIL;
	if (comment || ynext_ends_plain(y, col)) {
		if ((rc = yscalar(y, y->s + p, end - p, YAML_PLAIN_SCALAR_STYLE, line, pcol)))
			return rc;
		return yafter_value(y, col, false);
	}
	for (k = p; k < end; k++)
		ytmp_put(y, &n, y->s[k]);
	while (y->terminated) {
		if ((rc = ynext(y)))
			return rc;
		if (y->at_end) {
			past_current = true;
			break;
		}
		if (yblank(y)) {
			empty += y->terminated;
			continue;
		}
		if (y->ind <= col || ycomment(y)) {
			past_current = true;
			break;
		}
		if (empty == 0)
			ytmp_put(y, &n, ' ');
		for (; empty; empty--)
			ytmp_put(y, &n, '\n');
		if (yplain_line(y, y->ind, &end, &comment))
			return Y_BAIL;
		for (k = y->ind; k < end; k++)
			ytmp_put(y, &n, y->s[k]);
		if (comment)
			break;
	}
	if ((rc = yscalar(y, y->tmp, n, YAML_PLAIN_SCALAR_STYLE, line, pcol)))
		return rc;
	return yafter_value(y, col, past_current);
}

/* A block scalar (`|` literal or `>` folded, chomping `-` or `+`) whose
 * indicator is s[p], in a block collection at column col: its text as
 * libyaml's scanner builds it, from the lines indented at least as the
 * first that is not empty (and past col). An indentation indicator is left
 * to libyaml. */
static int yblock_scalar(struct yscan *y, size_t col, size_t p)
{
	const char *s = y->s;
	bool literal = s[p] == '|', leading_break = false, leading_blank = false;
	size_t line = y->no, pcol = ycol(y, p), q = p + 1, indent, max_indent = 0, empty = 0, n = 0, k;
	int chomp = 0, rc;

	if (q < y->len && (s[q] == '+' || s[q] == '-'))
		chomp = s[q++] == '+' ? 1 : -1;
	q = yskip_spaces(y, q);
	if (q < y->len && s[q] != '#')
		return Y_BAIL;  /* an indentation indicator, or an error */
	/* empty lines first; the first other line sets the indentation */
	for (;;) {
		if (!y->terminated) {
			if ((rc = ynext(y)))
				return rc;
			break;
		}
		if ((rc = ynext(y)))
			return rc;
		if (y->at_end || !yblank(y))
			break;
		if (y->len > max_indent)
			max_indent = y->len;
		empty += y->terminated;
	}
	if (!y->at_end && y->ind > max_indent)
		max_indent = y->ind;
	if (!y->at_end && y->ind < max_indent)
		return Y_BAIL;  /* an empty line indented past the text: libyaml's to judge */
	indent = max_indent > col + 1 ? max_indent : col + 1;
	while (!y->at_end && y->ind >= indent) {
		const char *text = y->s + indent;
		size_t tlen = y->len - indent;
		bool trailing_blank = text[0] == ' ';

		if (!literal && leading_break && !leading_blank && !trailing_blank) {
			if (!empty)
				ytmp_put(y, &n, ' ');
		} else if (leading_break) {
			ytmp_put(y, &n, '\n');
		}
		for (; empty; empty--)
			ytmp_put(y, &n, '\n');
		leading_blank = trailing_blank;
		for (k = 0; k < tlen; k++)
			ytmp_put(y, &n, text[k]);
		leading_break = y->terminated;
		/* lines of at most indent spaces are empty */
		do {
			if ((rc = ynext(y)))
				return rc;
			if (!y->at_end && yblank(y) && y->len <= indent)
				empty += y->terminated;
			else
				break;
		} while (1);
	}
	if (chomp != -1 && leading_break)
		ytmp_put(y, &n, '\n');
	if (chomp != 1)
		empty = 0;
	for (; empty; empty--)
		ytmp_put(y, &n, '\n');
	if ((rc = yscalar(y, n ? y->tmp : "", n, literal ? YAML_LITERAL_SCALAR_STYLE : YAML_FOLDED_SCALAR_STYLE,
			  line, pcol)))
		return rc;
	return yafter_value(y, col, true);
}

/* A quoted scalar at s[p] in a block at column col that goes on past its
 * line (y->tmp holds its first n bytes): libyaml folds its line breaks as
 * a plain scalar's (a break is a space, each empty line a newline) and
 * skips the spaces that start a line. A line not indented past col is left
 * to libyaml, which does not look at indentation there. */
static int yquoted_lines(struct yscan *y, size_t col, size_t p, size_t n)
{
	char q = y->s[p];
	size_t line = y->no, pcol = ycol(y, p), empty = 0, after = 0;
	int rc;

	for (;;) {
		if (!y->terminated)
			return Y_BAIL;  /* the end of the input inside it */
		if ((rc = ynext(y)))
			return rc;
		if (y->at_end)
			return Y_BAIL;
		if (yblank(y)) {
			empty++;
			continue;
		}
		if (y->ind <= col)
			return Y_BAIL;
		if (!empty)
			ytmp_put(y, &n, ' ');
		for (; empty; empty--)
			ytmp_put(y, &n, '\n');
		rc = yquoted_part(y, q, y->ind, &n, &after);
		if (rc == Y_OK)
			break;
		if (rc != YQ_MORE)
			return Y_BAIL;
	}
	if ((rc = yscalar(y, n ? y->tmp : "", n, q == '"' ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
			  YAML_SINGLE_QUOTED_SCALAR_STYLE, line, pcol)))
		return rc;
	after = yskip_spaces(y, after);
	if (after < y->len && y->s[after] != '#')
		return Y_BAIL;
	return yafter_value(y, col, false);
}

/* A value that starts on this line at s[p] (not a block collection), inside
 * a block collection at column col. Leaves the next line with a token
 * current; a line indented past col would continue the value or be an
 * error, both libyaml's. */
static int yinline(struct yscan *y, size_t col, size_t p)
{
	const char *s = y->s;
	size_t end;
	int rc;

	if (s[p] == '"' || s[p] == '\'' || s[p] == '[' || s[p] == '{') {
		if (s[p] == '[' || s[p] == '{') {
			end = p;
			if ((rc = yflow_node(y, &end)))
				return rc;
		} else {
			const char *text;
			size_t tlen;

			rc = yquoted(y, p, &text, &tlen, &end);
			if (rc == YQ_MORE)
				return yquoted_lines(y, col, p, tlen);
			if (rc || (rc = yscalar(y, text, tlen, s[p] == '"' ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
						YAML_SINGLE_QUOTED_SCALAR_STYLE, y->no, ycol(y, p))))
				return rc ? rc : Y_BAIL;
		}
		/* libyaml takes `#` right after a closing quote or bracket as a comment */
		end = yskip_spaces(y, end);
		if (end < y->len && s[end] != '#')
			return Y_BAIL;
		return yafter_value(y, col, false);
	}
	if (s[p] == '|' || s[p] == '>')
		return yblock_scalar(y, col, p);
	if (!yplain_start(y, p, false))
		return Y_BAIL;
	return yplain(y, col, p);
}

/* What follows `key:` or `- ` at s[p] (p after the indicator) in a block
 * collection at column col; mark is where libyaml puts an empty value (just
 * after the indicator). indentless: a sequence at col may be the value. */
static int yvalue(struct yscan *y, size_t col, size_t p, size_t mark, bool in_map)
{
	size_t line = y->no;
	int rc;

	mark = ycol(y, mark);
	p = yskip_spaces(y, p);
	if (p < y->len && y->s[p] != '#')
		return yinline(y, col, p);
	if ((rc = ycontent(y)))
		return rc;
	if (!ydone(y) && y->ind > col)
		return ynode(y);
	if (in_map && !ydone(y) && y->ind == col && ydash_at(y, col))
		return yseq(y, col, true);  /* a sequence at the key's column */
	return yscalar(y, "", 0, YAML_PLAIN_SCALAR_STYLE, line, mark);
}

/* A block mapping whose first key is at s[col] of this line (col may be
 * past the indentation: `- key: value`). */
static int ymap(struct yscan *y, size_t col)
{
	size_t kend, colon;
	int rc;

	if ((rc = yevent(y, YAML_MAPPING_START_EVENT, y->no, ycol(y, col))))
		return rc;
	for (;;) {
		if ((rc = ykey_at(y, col, &kend, &colon)) != 1)
			return Y_BAIL;
		if ((rc = ykey(y, col, kend)))
			return rc;
		if ((rc = yvalue(y, col, colon + 1, colon + 1, true)))
			return rc;
		if (ydone(y) || y->ind < col)
			break;
		if (y->ind > col || ydash_at(y, col))
			return Y_BAIL;
	}
	return yevent(y, YAML_MAPPING_END_EVENT, y->no, y->ind);
}

/* A block sequence whose first `-` is at s[col] of this line. A sequence
 * at its mapping key's column (indentless) ends at the next key. */
static int yseq(struct yscan *y, size_t col, bool indentless)
{
	size_t kend, colon, p;
	int rc;

	if ((rc = yevent(y, YAML_SEQUENCE_START_EVENT, y->no, col)))
		return rc;
	for (;;) {
		p = yskip_spaces(y, col + 1);
		if (p < y->len && y->s[p] != '#') {
			if (ydash_at(y, p))
				return Y_BAIL;  /* `- - x` */
			rc = ykey_at(y, p, &kend, &colon);
			if (rc < 0)
				return rc;
			rc = rc ? ymap(y, p) : yinline(y, col, p);
		} else {
			rc = yvalue(y, col, col + 1, col + 1, false);
		}
		if (rc)
			return rc;
		if (ydone(y) || y->ind < col)
			break;
		if (y->ind > col)
			return Y_BAIL;
		if (!ydash_at(y, col)) {
			if (indentless)
				break;
			return Y_BAIL;
		}
	}
	return yevent(y, YAML_SEQUENCE_END_EVENT, y->no, y->ind);
}

/* A block node that starts on this line at its indentation. */
static int ynode(struct yscan *y)
{
	size_t kend, colon;
	int rc;

	if (ydash_at(y, y->ind))
		return yseq(y, y->ind, false);
	rc = ykey_at(y, y->ind, &kend, &colon);
	return rc == 1 ? ymap(y, y->ind) : Y_BAIL;
}

/* ---- the stream ---- */

/* One document, from its `---` line or (the first) its first line with a
 * token; leaves the next document's `---` line or the end current. */
static int ydocument(struct yscan *y)
{
	int rc;

	if (y->marker) {
		size_t p = yskip_spaces(y, 3);

		if (p < y->len && y->s[p] != '#')
			return Y_BAIL;  /* `--- value`, `--- |` */
		if ((rc = yevent(y, YAML_DOCUMENT_START_EVENT, y->no, 0)) || (rc = ycontent(y)))
			return rc;
		if (ydone(y)) {
			/* an empty document: libyaml's null where the next token starts */
			rc = yscalar(y, "", 0, YAML_PLAIN_SCALAR_STYLE, y->no, 0);
			return rc ? rc : yevent(y, YAML_DOCUMENT_END_EVENT, y->no, 0);
		}
	} else if ((rc = yevent(y, YAML_DOCUMENT_START_EVENT, y->no, y->ind))) {
		return rc;
	}
	if ((rc = ynode(y)))
		return rc;
	if (!ydone(y))
		return Y_BAIL;
	return yevent(y, YAML_DOCUMENT_END_EVENT, y->no, 0);
}

/* The fast path gave up inside the document that started at doc_off: read
 * that document alone with libyaml (doc_run_slice) and go on after it, so
 * that one construct it does not read costs one document, not the input.
 * The document ends before the next `---` line, which libyaml also reads
 * (to end the document exactly as it would in the whole stream). What the
 * fast path built of it is dropped, and the items of it already passed on
 * are not passed again. Left to a whole new reading (Y_BAIL): input that
 * libyaml's reader could refuse or that is too large (y->fatal), a
 * document longer than the bound on bytes between two events minus a
 * look-ahead (where that bound would fire could differ), and any error in
 * the document (for libyaml's message as it gives it alone). */
static int yslice(struct yscan *y)
{
	struct builder *b = y->b;
	size_t end, item_end;
	int rc;

	if (y->fatal)
		return Y_BAIL;
	y->no_release = true;  /* lines past the point of failure are not checked */
	while (!y->at_end && !(y->marker && y->no > y->doc_line)) {
		if ((rc = ynext(y)) || (rc = yclassify(y)))
			return Y_BAIL;
	}
	y->no_release = false;
	end = y->at_end ? y->off : y->off + y->len + y->terminated;
	if (end - y->doc_off + YREAD >= b->rd.max_burst)
		return Y_BAIL;
	doc_abandon_document(b, y->produced_at_doc);
	item_end = end;
	rc = doc_run_slice(b, y->doc_off, end - y->doc_off, y->doc_line, item_end);
	if (rc)
		return rc == 1 ? Y_STOP : Y_BAIL;
	if (b->redeliver_skip || (b->rd.fp && fseek(b->rd.fp, (long)(y->base + y->end), SEEK_SET) != 0))
		return Y_BAIL;
	y->sliced++;
	return Y_OK;
}

static int ystream(struct yscan *y)
{
	bool first = true;
	int rc;

	if ((rc = ycontent(y)))
		return rc;
	while (!y->at_end) {
		y->doc_off = y->off;
		y->doc_line = y->no;
		y->produced_at_doc = y->b->produced;
		if (!y->marker && !first) {
			y->fatal = true;
			return Y_BAIL;  /* content after a document without `---`: an error */
		}
		rc = ydocument(y);
		if (rc == Y_BAIL)
			rc = yslice(y);
		if (rc)
			return rc;
		first = false;
	}
	if (y->b->hold && doc_release_held(y->b, 0, 0, true))
		return Y_STOP;
	rc = yevent(y, YAML_STREAM_END_EVENT, y->no, 0);
	return rc == 2 ? Y_OK : rc ? rc : Y_BAIL;
}

_Thread_local unsigned long doc_yaml_taken, doc_yaml_sliced;

int doc_yaml_run(struct builder *b)
{
	struct yscan y;
	int rc;

	memset(&y, 0, sizeof(y));
	y.b = b;
	b->hold = b->fn != NULL;
	rc = ystream(&y);
	free(y.buf);
	free(y.tmp);
	if (rc == Y_STOP || rc == Y_OK)
		doc_yaml_taken++;
	doc_yaml_sliced += y.sliced;
	return rc == Y_STOP ? 1 : rc == Y_OK ? 0 : -1;
}
