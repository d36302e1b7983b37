/* test-explain-journal.c - common/explain.c reads a journal in blocks and
 * counts the lines that hold none of its anchors without parsing them (the
 * skip). Here generated journals are read with the skip on and off, and
 * both reports must be byte-identical: the entries in order with every
 * field, the summary's counts, the exit status and an error's line. The
 * report read with the skip off must also list exactly the lines the
 * generator planted and count the lines, the unrelated ones and the cut
 * ones as the generator's own model of the reader does, so that a fault of
 * the block reader, which both paths share, fails too.
 *
 * The journals cross many read blocks: small blocks (the internal switch
 * of explain-internal.h) and the real 1 MiB one. Around block boundaries
 * the generator plants hit lines, decoy anchors, anchor prefixes, line
 * ends, blank lines and NUL bytes at every offset from -48 to +48 (split
 * anchors included, so every offset modulo the 32-byte vector step); lines
 * of 64 KiB and longer (cut), blank, indented and CRLF lines, describe
 * headers, a hit as the very first and last line, no final newline. A NUL
 * byte stops the reader (exit 2) at the same line either way.
 *
 * A failing round prints its seed; TK_JOURNAL_SEED=N runs that round
 * alone (and keeps its journal), TK_JOURNAL_VERBOSE=1 says what each
 * round held, TK_JOURNAL_ROUNDS=N runs N rounds. Under TK_VALGRIND fewer and smaller journals, under
 * TK_SANITIZE fewer. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "explain-internal.h"
#include "tap.h"

#define LINE_MAX_BYTES (64 * 1024)   /* explain.c's line bound: longer lines are cut */
#define REAL_BLOCK (1u << 20)        /* explain.c's block (tk_explain_run) */
#define SWEEP 48                     /* offsets -SWEEP..+SWEEP around a boundary */

/* explain.c's anchors today: filler text holds none of them */
static const char *const anchors[] = {
	"opology", "OPOLOGY", "NUMA", "uma", "nodes are", "scale-up", "cpu", "CPU", "Alignment",
	"device", "drain", "policy", "Allocatable", "unsupported", "unexpected",
};

/* Ordinary kubelet words. */
static const char *const words[] = {
	"Dec 05 12:00:01", "node-a", "kubelet[812]:", "I1205", "W1205", "E1205", "12:00:01.000042",
	"812", "kubelet.go:2441]", "\"SyncLoop UPDATE\"", "source=\"api\"", "pods=[\"kube-system/x\"]",
	"reconciler_common.go:245]", "\"MountVolume.SetUp succeeded\"", "volume", "status_manager.go:227]",
	"\"Patch status for pod\"", "probe", "readiness", "container", "image", "pulled", "Started",
	"generic.go:334]", "err=\"<nil>\"", "duration=\"1.2ms\"", "ready", "true", "false", "sandbox",
	"restartCount=0", "log", "rotate", "hash", "event", "\tx", "\x1b[0m",
};

/* Prefixes of anchors: the vector filter's candidates that the exact
 * compare turns down. */
static const char *const prefixes[] = {
	"opolog", "OPOLOG", "NUM", "um", "nodes ar", "scale-u", "cp", "CP", "Alignmen", "devic", "drai",
	"polic", "Allocatabl", "unsupporte", "unexpecte", "Nu", "TOP", "op", "de", "po",
};
#define NPREFIXES (sizeof(prefixes) / sizeof(prefixes[0]))

/* Lines that hold an anchor but that explain counts as unrelated. */
static const char *const decoys[] = {
	"cpu=\"250m\"", "CPU usage high", "device plugin socket ready", "drain timeout", "policy=\"none\"",
	"Allocatable memory", "Alignment ok", "unsupported option", "unexpected EOF", "nodes are ready",
	"scale-up done", "human", "cpuset", "uma",
};

/* Texts that make a line an entry (recognised, unknown, or the other
 * tool's); a line holds an entry exactly when it holds one of these. */
static const char *const hits[] = {
	"Resources cannot be allocated with Topology locality",
	"SMT Alignment Error: requested 3 cpus not multiple cpus per core = 2",
	"not enough free physical CPUs",
	"no NUMA nodes with enough memory is available",
	"requested number of devices unavailable for example.com/gpu",
	"please drain node and remove policy state file",
	"Allocate failed due to [cpumanager] failed, which is unexpected",
	"\"Topology Admit Handler\" podNamespace=\"prod\" podName=\"numa-app\"",
	"0/5 nodes are available: 2 node(s) didn't match pod topology spread constraints, 3 Insufficient cpu.",
	"pod didn't trigger scale-up: 1 max node group size reached",
	"numa node 1 went offline",
	"NUMA balancing enabled",
	"TOPOLOGY HINTS",
	"topology manager policy none",
};
#define NHITS (sizeof(hits) / sizeof(hits[0]))

struct buf {
	char *s;
	size_t n, cap;
};

static void put_bytes(struct buf *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->n, p, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void put_str(struct buf *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

static unsigned rnd(unsigned n)
{
	return n ? tap_rnd(n) : 0;
}

/* ---- the generator ---- */

struct gen {
	struct buf j;              /* the journal */
	size_t block, p0;          /* read block; where the first block starts */
	size_t size;               /* about how long */
	size_t nul_after;          /* where the NUL byte goes (past the first block) */
	size_t long_left;          /* bytes long lines may still take (a third of the journal) */
	unsigned place_odds;       /* a boundary near: something placed at it, 1 in place_odds */
	bool nul_round, nul_done;  /* plant one NUL byte that stops the reader */
	unsigned sweep;            /* the next offset of the boundary sweep */
	unsigned char *covered;    /* offsets of the sweep a hit started at */
};

/* Does the next byte continue a word? Then a space goes first, so that
 * no anchor forms across the join of two pieces. */
static bool mid_word(const struct buf *b)
{
	return b->n && b->s[b->n - 1] != '\n' && b->s[b->n - 1] != ' ';
}

/* Exactly len bytes of filler (no anchor, no newline). */
static void filler(struct buf *b, size_t len)
{
	size_t start = b->n;

	if (len && mid_word(b))
		put_str(b, " ");
	while (b->n - start < len) {
		const char *w = rnd(5) ? words[rnd(sizeof(words) / sizeof(words[0]))] : prefixes[rnd(NPREFIXES)];
		size_t k = strlen(w), room = len - (b->n - start);

		if (rnd(4) == 0) {   /* an id: hex digits hold no anchor */
			char id[17];
			unsigned i;

			for (i = 0; i < 16; i++)
				id[i] = "0123456789abcdef"[rnd(16)];
			id[16] = '\0';
			w = id;
			k = 1 + rnd(16);
			put_bytes(b, w, k < room ? k : room);
		} else {
			put_bytes(b, w, k < room ? k : room);
		}
		if (b->n - start < len)
			put_str(b, " ");
	}
}

static void eol(struct gen *g)
{
	if (rnd(6) == 0)
		put_str(&g->j, rnd(3) ? "\r\n" : " \t\r\n");
	else
		put_str(&g->j, "\n");
}

/* The next block boundary at or after off (blocks start at p0). */
static size_t boundary_after(const struct gen *g, size_t off)
{
	size_t k = (off - g->p0 + g->block - 1) / g->block;

	return g->p0 + k * g->block;
}

/* A piece after other text: a space between. */
static void piece(struct buf *b, const char *s)
{
	if (mid_word(b))
		put_str(b, " ");
	put_str(b, s);
}

static void hit_text(struct buf *b)
{
	piece(b, hits[rnd(NHITS)]);
	if (rnd(2))
		put_str(b, rnd(2) ? " pod=\"prod/web-1\"" : " pod=\"default/x\"");
}

/* A line of 64 KiB or longer: the reader cuts it at LINE_MAX_BYTES - 1
 * bytes. A hit goes at, or well before, or well after the cut, never
 * across it; a NUL byte after the cut is not seen. */
static void long_line(struct gen *g, size_t at)
{
	static const size_t lens[] = { LINE_MAX_BYTES - 3, LINE_MAX_BYTES - 2, LINE_MAX_BYTES - 1,
				       LINE_MAX_BYTES, LINE_MAX_BYTES + 1, LINE_MAX_BYTES + 40 };
	size_t len = rnd(3) ? lens[rnd(6)] : LINE_MAX_BYTES + 5000 + rnd(60000);
	struct buf l = { 0 };
	unsigned where = rnd(4);

	if (len > g->long_left) {   /* an ordinary line instead */
		filler(&g->j, 1 + rnd(200));
		eol(g);
		return;
	}
	g->long_left -= len;
	if (at == (size_t)-1)
		at = where == 0 ? rnd(60000) : where == 1 ? 70000 + rnd(60000) : (size_t)-1;
	if (at < 60000 || (at != (size_t)-1 && at >= 70000 && at + 200 < len)) {
		filler(&l, at);
		hit_text(&l);
	}
	if (l.n < len)
		filler(&l, len - l.n);
	if (len > LINE_MAX_BYTES + 20 && rnd(4) == 0)
		l.s[LINE_MAX_BYTES + rnd((unsigned)(len - LINE_MAX_BYTES))] = '\0';
	put_bytes(&g->j, l.s, l.n);
	free(l.s);
	if (rnd(3))   /* the newline makes the line one byte longer: both sides of the cut */
		put_str(&g->j, "\n");
	else
		put_str(&g->j, "\r\n");
}

static void random_line(struct buf *l)
{
	unsigned k = rnd(1000);

	if (k < 700) {
		filler(l, 1 + rnd(250));
	} else if (k < 740) {
		filler(l, rnd(100));
		piece(l, decoys[rnd(sizeof(decoys) / sizeof(decoys[0]))]);
		filler(l, rnd(60));
	} else if (k < 780) {
		filler(l, rnd(120));
		hit_text(l);
		if (rnd(2))
			filler(l, rnd(60));
	} else if (k < 830) {
		static const char *const blank[] = { "", "\r", "  ", "\t", " \r", "\t\t  " };

		put_str(l, blank[rnd(6)]);
	} else if (k < 860) {
		put_str(l, rnd(2) ? "  " : "\t");
		if (rnd(2))
			hit_text(l);
		filler(l, rnd(80));
	} else if (k < 875) {
		/* describe headers: the first Name: with a value and every
		 * Namespace: are taken, not counted */
		static const char *const hdr[] = { "Name:", "Name:         web-1", "Namespace:    prod",
						   "Name: x cpu", "Namespace: NUMA topology" };

		put_str(l, hdr[rnd(5)]);
	} else if (k == 875 && rnd(4) == 0) {
		l->n = (size_t)-1;   /* a long line instead */
		return;
	} else {
		filler(l, 1 + rnd(40));
		piece(l, prefixes[rnd(NPREFIXES)]);
		filler(l, rnd(40));
	}
	if (rnd(10) == 0)
		put_str(l, "  ");   /* trailing white space, which the reader strips */
}

/* Where the first anchor of s starts (0 when none does). */
static size_t first_anchor(const char *s)
{
	size_t a, best = strlen(s);

	for (a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++) {
		const char *p = strstr(s, anchors[a]);

		if (p && (size_t)(p - s) < best)
			best = (size_t)(p - s);
	}
	return best == strlen(s) ? 0 : best;
}

/* Something at boundary + d: the first anchor of a hit at the sweep's next
 * offset (every offset in turn, split anchors included), anything else at
 * a random one. b is at least SWEEP + 60 bytes ahead. */
static void place(struct gen *g, size_t b)
{
	/* a long line in 1 of 60 (every byte of a journal costs time) */
	static const unsigned char kinds[60] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4,
		8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 5,
	};
	unsigned kind = g->nul_round && !g->nul_done && g->j.n + 400 > g->nul_after ? 9 : kinds[rnd(60)];
	bool hit = kind == 0;
	int d = hit ? (int)(g->sweep++ % (2 * SWEEP + 1)) - SWEEP : (int)rnd(2 * SWEEP + 1) - SWEEP;
	size_t target = (size_t)((long)b + d), n = g->j.n;
	struct buf p = { 0 };

	switch (kind) {
	case 0:
	case 2:   /* a hit's first anchor starts there, or a decoy's, or an anchor's prefix */
		if (hit)
			hit_text(&p);
		else
			put_str(&p, rnd(2) ? decoys[rnd(sizeof(decoys) / sizeof(decoys[0]))] : prefixes[rnd(NPREFIXES)]);
		filler(&g->j, target - first_anchor(p.s) - n - 1);
		put_str(&g->j, " ");
		put_str(&g->j, p.s);
		if (hit)
			g->covered[d + SWEEP] = 1;
		filler(&g->j, rnd(30));
		eol(g);
		break;
	case 3:   /* a line ends there (its '\r' there for CRLF) */
		filler(&g->j, target - n);
		eol(g);
		break;
	case 4: { /* a blank or white-space line starts there */
		static const char *const blank[] = { "\n", "\r\n", "  \n", "\t\r\n" };

		filler(&g->j, target - n - 1);
		put_str(&g->j, "\n");
		put_str(&g->j, blank[rnd(4)]);
		break;
	}
	case 5:   /* a long line across the boundary, maybe with a hit there */
		long_line(g, rnd(2) && target - n < 60000 ? target - n : (size_t)-1);
		break;
	case 8:   /* a line starts there */
		filler(&g->j, target - n - 1);
		put_str(&g->j, "\n");
		filler(&g->j, 1 + rnd(100));
		eol(g);
		break;
	case 9:   /* the one NUL byte of a NUL round */
		filler(&g->j, target - n);
		put_bytes(&g->j, "\0", 1);
		filler(&g->j, rnd(30));
		eol(g);
		g->nul_done = true;
		break;
	}
	free(p.s);
}

/* A journal of about size bytes read in blocks of block bytes. */
static void generate(struct gen *g, size_t size)
{
	struct buf l = { 0 };

	g->j.n = 0;
	g->size = size;
	g->nul_after = g->block > size / 2 ? g->block : size / 2;
	g->long_left = size / 3;
	if (rnd(8) == 0) {   /* a BOM and white space before the first line: the reader skips them */
		put_str(&g->j, "\xef\xbb\xbf");
		put_str(&g->j, rnd(2) ? "\n\n  \r\n" : " ");
	} else if (rnd(8) == 0) {
		put_str(&g->j, "\n\t\n");
	}
	g->p0 = g->j.n;
	if (rnd(2)) {   /* a hit as the very first line */
		hit_text(&g->j);
	} else {
		put_str(&g->j, "Dec 05 12:00:00 node-a kubelet[812]: ");
		filler(&g->j, rnd(100));
	}
	eol(g);
	while (g->j.n < size) {
		size_t b = boundary_after(g, g->j.n + SWEEP + 60);

		if (b - g->j.n <= 350 && (g->block > 4096 || rnd(g->place_odds) == 0)) {
			place(g, b);
			continue;
		}
		l.n = 0;
		random_line(&l);
		if (l.n == (size_t)-1) {
			long_line(g, (size_t)-1);
			continue;
		}
		if (g->block > 4096 && g->j.n + l.n + 2 > b - SWEEP - 60) {
			/* do not jump over a big block's boundary: a line up to it */
			filler(&g->j, b - 200 - g->j.n);
			put_str(&g->j, "\n");
			continue;
		}
		put_bytes(&g->j, l.s, l.n);
		eol(g);
	}
	if (g->nul_round && !g->nul_done) {   /* no boundary came after the middle */
		filler(&g->j, 1 + rnd(50));
		put_bytes(&g->j, "\0", 1);
		eol(g);
	}
	switch (rnd(3)) {   /* the end: a hit as the last line, with or without a newline */
	case 0:
		hit_text(&g->j);
		if (rnd(2))
			eol(g);
		break;
	case 1:
		filler(&g->j, 1 + rnd(50));
		break;
	default:
		break;
	}
	free(l.s);
}

/* ---- the model: what the reader must report ---- */

struct model {
	size_t read, cut, fatal_line;   /* fatal_line: the NUL's line, 0 for none */
	json_t *messages;               /* the entries' messages, in order */
};

static bool is_hit(const char *s)
{
	size_t i;

	for (i = 0; i < NHITS; i++)
		if (strstr(s, hits[i]))
			return true;
	return false;
}

static void model(const struct buf *j, struct model *m)
{
	size_t pos = 0, lineno = 0;
	bool name_set = false;
	char *line = malloc(LINE_MAX_BYTES);

	memset(m, 0, sizeof(*m));
	m->messages = json_array();
	if (j->n >= 3 && memcmp(j->s, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < j->n && strchr(" \t\r\n", j->s[pos]) && j->s[pos])
		lineno += j->s[pos++] == '\n';   /* skipped, but lines all the same */
	while (pos < j->n) {
		const char *nl = memchr(j->s + pos, '\n', j->n - pos);
		size_t k = nl ? (size_t)(nl - (j->s + pos)) + 1 : j->n - pos, kept = k;

		lineno++;
		if (k >= LINE_MAX_BYTES) {
			kept = LINE_MAX_BYTES - 1;
			m->cut++;
		}
		if (memchr(j->s + pos, '\0', kept)) {
			m->fatal_line = lineno;
			break;
		}
		memcpy(line, j->s + pos, kept);
		line[kept] = '\0';
		pos += k;
		while (kept && strchr("\n\r \t", line[kept - 1]))
			line[--kept] = '\0';
		if (!kept)
			continue;
		if (strncmp(line, "Name:", 5) == 0 && !name_set) {
			name_set = line[5 + strspn(line + 5, " \t")] != '\0';
			continue;
		}
		if (strncmp(line, "Namespace:", 10) == 0)
			continue;
		m->read++;
		if (is_hit(line))
			json_array_append_new(m->messages, json_string(line));
	}
	free(line);
}

/* ---- running the reader ---- */

struct run {
	int status;       /* exit status, or 128 + signal */
	struct buf out, err;
	size_t skipped;
};

static void slurp(int fd, struct buf *b)
{
	char chunk[65536];
	ssize_t k;
	off_t off = 0;

	b->n = 0;
	while ((k = pread(fd, chunk, sizeof(chunk), off)) > 0) {
		put_bytes(b, chunk, (size_t)k);
		off += k;
	}
	put_bytes(b, "", 0);
}

static void show(const char *label, const struct buf *b, size_t off);

/* A run here that exits (tk_fatal) ends the test: say which, and what it said. */
static struct {
	const char *what;
	int saved_out, saved_err, errfd;
	const char *journal;   /* removed (its round's seed makes it again) */
} in_run;

static void exited_in_run(void)
{
	struct buf err = { 0 };

	if (!in_run.what)
		return;
	fflush(stdout);
	fflush(stderr);
	dup2(in_run.saved_out, 1);
	dup2(in_run.saved_err, 2);
	slurp(in_run.errfd, &err);
	printf("not ok - %s: the reader exited, as it should not\n", in_run.what);
	show("stderr", &err, 0);
	unlink(in_run.journal);
	fflush(stdout);
	free(err.s);
}

/* tk_explain_run_reader, its stdout and stderr caught in files: in a child
 * when the journal should make it exit (a NUL byte), else here (a fork
 * costs a sanitizer's or valgrind's leak check at its exit). */
static void run_reader(const char *path, enum tk_explain_domain domain, size_t block, bool skip, bool exits,
		       int outfd, int errfd, struct tk_explain_reader *shared, struct run *r, const char *what)
{
	pid_t pid;
	int st;

	if (ftruncate(outfd, 0) != 0 || ftruncate(errfd, 0) != 0 || lseek(outfd, 0, SEEK_SET) != 0 ||
	    lseek(errfd, 0, SEEK_SET) != 0)
		abort();
	shared->skip = skip;
	shared->block = block;
	shared->skipped = 0;
	fflush(stdout);
	fflush(stderr);
	if (!exits) {
		int saved_out = dup(1), saved_err = dup(2);

		if (saved_out < 0 || saved_err < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
			abort();
		in_run.what = what;
		in_run.saved_out = saved_out;
		in_run.saved_err = saved_err;
		in_run.errfd = errfd;
		r->status = tk_explain_run_reader(path, domain, TK_OUT_JSON, NULL, shared);
		in_run.what = NULL;
		fflush(stdout);
		fflush(stderr);
		if (dup2(saved_out, 1) < 0 || dup2(saved_err, 2) < 0)
			abort();
		close(saved_out);
		close(saved_err);
		r->skipped = shared->skipped;
		slurp(outfd, &r->out);
		slurp(errfd, &r->err);
		return;
	}
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		if (dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0)
			_exit(120);
		exit(tk_explain_run_reader(path, domain, TK_OUT_JSON, NULL, shared));
	}
	if (waitpid(pid, &st, 0) != pid)
		abort();
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->skipped = shared->skipped;
	slurp(outfd, &r->out);
	slurp(errfd, &r->err);
}

/* A snippet of s around off, escaped, for a failure message. */
static void show(const char *label, const struct buf *b, size_t off)
{
	size_t from = off > 60 ? off - 60 : 0, i;

	printf("#   %s (%zu bytes) at %zu: ", label, b->n, off);
	for (i = from; i < b->n && i < off + 60; i++) {
		unsigned char c = (unsigned char)b->s[i];

		if (i == off)
			printf("<HERE>");
		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\n");
}

static bool same_run(const struct run *a, const struct run *b, const char *what)
{
	size_t i;

	if (a->status == b->status && a->out.n == b->out.n && a->err.n == b->err.n &&
	    memcmp(a->out.s, b->out.s, a->out.n) == 0 && memcmp(a->err.s, b->err.s, a->err.n) == 0)
		return true;
	printf("#   %s: skip off exited %d, on %d\n", what, a->status, b->status);
	for (i = 0; i < a->out.n && i < b->out.n && a->out.s[i] == b->out.s[i]; i++)
		;
	if (i < a->out.n || i < b->out.n) {
		show("stdout, skip off", &a->out, i);
		show("stdout, skip on ", &b->out, i);
	}
	if (a->err.n || b->err.n) {
		show("stderr, skip off", &a->err, 0);
		show("stderr, skip on ", &b->err, 0);
	}
	return false;
}

static void show_text(const char *label, const char *s)
{
	struct buf b = { (char *)s, strlen(s), 0 };

	show(label, &b, 0);
}

/* The report read with the skip off against the model. */
static bool as_modelled(const struct run *r, const struct model *m, const char *path)
{
	json_error_t err;
	json_t *doc, *events, *sum;
	size_t i, n;
	bool ok = true;

	if (m->fatal_line) {
		char *want = NULL;

		if (asprintf(&want, "topokit: %s:%zu: binary input (NUL byte)\n", path, m->fatal_line) < 0)
			abort();
		ok = r->status == 2 && strcmp(r->err.s, want) == 0;
		if (!ok) {
			printf("#   exited %d, want 2 and: %s", r->status, want);
			show("stderr", &r->err, 0);
		}
		free(want);
		return ok;
	}
	doc = json_loadb(r->out.s, r->out.n, 0, &err);
	events = json_object_get(doc, "events");
	sum = json_object_get(doc, "summary");
	if (!doc || !json_is_array(events) || !json_is_object(sum) || r->status > 1 || r->err.n) {
		printf("#   exited %d, stdout not a report (%s)\n", r->status, err.text);
		show("stderr", &r->err, 0);
		json_decref(doc);
		return false;
	}
	n = json_array_size(events);
	if (n != json_array_size(m->messages)) {
		printf("#   %zu entries, want %zu\n", n, json_array_size(m->messages));
		ok = false;
	}
	for (i = 0; i < n && i < json_array_size(m->messages); i++) {
		const char *got = json_string_value(json_object_get(json_array_get(events, i), "message"));
		const char *want = json_string_value(json_array_get(m->messages, i));

		if (!got || strcmp(got, want) != 0) {
			printf("#   entry %zu:\n", i);
			show_text("got ", got ? got : "(none)");
			show_text("want", want);
			ok = false;
			break;
		}
	}
	if ((size_t)json_integer_value(json_object_get(sum, "read")) != m->read ||
	    (size_t)json_integer_value(json_object_get(sum, "unrelated")) != m->read - json_array_size(m->messages) ||
	    (size_t)json_integer_value(json_object_get(sum, "cutLines")) != m->cut) {
		printf("#   read %lld, unrelated %lld, cutLines %lld; want %zu, %zu, %zu\n",
		       (long long)json_integer_value(json_object_get(sum, "read")),
		       (long long)json_integer_value(json_object_get(sum, "unrelated")),
		       (long long)json_integer_value(json_object_get(sum, "cutLines")),
		       m->read, m->read - json_array_size(m->messages), m->cut);
		ok = false;
	}
	json_decref(doc);
	return ok;
}

/* ---- the rounds ---- */

/* Where the runs read and write. */
struct harness {
	char path[4096];                   /* the journal */
	int outfd, errfd;                  /* the runs' stdout and stderr */
	struct tk_explain_reader *shared;  /* the child's switch and count, seen by the parent */
	bool verbose;
};

struct result {
	bool same, modelled;
	struct model m;
	size_t skipped;
	int status;
};

/* Read journal j with the skip off and on, in blocks of block bytes. */
static void check_journal(struct harness *h, const struct buf *j, size_t block, enum tk_explain_domain domain,
			  const char *what, struct result *res)
{
	struct run off = { 0 }, on = { 0 };
	FILE *f = fopen(h->path, "wb");

	if (!f || fwrite(j->s, 1, j->n, f) != j->n || fclose(f) != 0)
		abort();
	model(j, &res->m);
	run_reader(h->path, domain, block, false, res->m.fatal_line != 0, h->outfd, h->errfd, h->shared, &off, what);
	run_reader(h->path, domain, block, true, res->m.fatal_line != 0, h->outfd, h->errfd, h->shared, &on, what);
	res->same = same_run(&off, &on, what);
	res->modelled = as_modelled(&off, &res->m, h->path);
	if (!res->modelled)
		printf("#   %s: the report is not the journal's\n", what);
	res->skipped = on.skipped;
	res->status = off.status;
	if (h->verbose)
		printf("# %s: %zu lines, %zu entries, %zu skipped, NUL line %zu (exit %d)\n", what, res->m.read,
		       json_array_size(res->m.messages), on.skipped, res->m.fatal_line, off.status);
	free(off.out.s);
	free(off.err.s);
	free(on.out.s);
	free(on.err.s);
}

struct tally {
	unsigned rounds, differ, unmodelled, nul_rounds, nul_stopped, big_rounds;
	size_t bytes, lines, skipped, entries, cut;
	size_t min_block, max_block;
};

/* Round r: its seed, block size and journal size follow from r alone. */
static bool round_run(struct harness *h, unsigned r, bool small, unsigned char *covered, struct tally *t)
{
	struct gen g = { 0 };
	struct result res;
	unsigned long long seed = 0x9e3779b97f4a7c15ull * (r + 1);
	enum tk_explain_domain domain;
	size_t size;
	char what[160];

	tap_rng = seed;
	g.covered = covered;
	g.sweep = rnd(2 * SWEEP + 1);
	domain = rnd(2) ? TK_EXPLAIN_KUBELET : TK_EXPLAIN_SCHED;
	g.nul_round = r % 7 == 3;
	g.place_odds = 2;
	if (r % 9 == 7) {   /* the sweep: at least 2 * SWEEP + 1 hits placed */
		g.block = 128 + rnd(512);
		g.place_odds = 1;
		size = 400 * g.block;
	} else if (r % 9 == 4) {   /* the real block: a journal of one to two and a half blocks */
		g.block = REAL_BLOCK;
		size = REAL_BLOCK + (small ? 4096 + rnd(60000) : rnd(REAL_BLOCK + REAL_BLOCK / 2));
		t->big_rounds++;
	} else {
		static const size_t fixed[] = { 1, 2, 31, 32, 33, 63, 64, 65, 4095, 4096, 65535, 65536, 65537 };

		switch (rnd(4)) {
		case 0:  g.block = fixed[rnd(sizeof(fixed) / sizeof(fixed[0]))]; break;
		case 1:  g.block = 32 * (1 + rnd(64)) + rnd(3) - 1; break;
		default: g.block = 100 + rnd(small ? 2000 : 20000); break;
		}
		size = g.block < 64 ? 16384 + rnd(40000) : small ? 20000 + rnd(60000) : 50000 + rnd(400000);
	}
	generate(&g, size);
	snprintf(what, sizeof(what), "round %u (seed %#llx, TK_JOURNAL_SEED=%u): %zu bytes, block %zu, %s",
		 r, seed, r, g.j.n, g.block, domain == TK_EXPLAIN_KUBELET ? "numa-verify" : "spread-check");
	check_journal(h, &g.j, g.block, domain, what, &res);
	t->differ += !res.same;
	t->unmodelled += !res.modelled;
	t->rounds++;
	t->bytes += g.j.n;
	t->lines += res.m.read;
	t->skipped += res.skipped;
	t->entries += json_array_size(res.m.messages);
	t->cut += res.m.cut;
	if (g.nul_round) {
		t->nul_rounds++;
		t->nul_stopped += res.m.fatal_line != 0 && res.status == 2;
	}
	if (g.block < t->min_block || !t->min_block)
		t->min_block = g.block;
	if (g.block > t->max_block)
		t->max_block = g.block;
	json_decref(res.m.messages);
	free(g.j.s);
	return res.same && res.modelled;
}

/* Journals written out, each read in blocks of 1 to 40 bytes and of 1 MiB. */
static const struct {
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen */
	size_t fatal_line;      /* the line a NUL byte stops at, or 0 */
} cases[] = {
	/* the white space before the first line is skipped, and its line
	 * ends counted: the NUL is on line 4 (said line 1 before) */
	{ "blank lines, then a NUL byte", "\n\n \r\nfoo\0bar\n", 13, 4 },
	{ "a BOM and blank lines, then a NUL byte", "\xef\xbb\xbf\n\nx topology\n\0\n", 17, 4 },
	{ "a hit as the only line, no newline", "Resources cannot be allocated with Topology locality", 0, 0 },
	{ "a CRLF hit after CRLF blank lines", "x\r\n\r\n\r\nno NUMA nodes with enough memory is available\r\n", 0, 0 },
	{ "an indented hit after plain lines", "a\nb\n  TOPOLOGY HINTS\nc\n", 0, 0 },
};

static bool fixed_cases(struct harness *h, bool small)
{
	/* under valgrind each run costs a leak check: a few blocks */
	static const size_t few[] = { 1, 3, 8, REAL_BLOCK };
	size_t i, k, block;
	bool ok = true;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf j = { 0 };

		put_bytes(&j, cases[i].text, cases[i].len ? cases[i].len : strlen(cases[i].text));
		for (k = 0, block = 1; block <= REAL_BLOCK;
		     block = small ? (++k < 4 ? few[k] : REAL_BLOCK + 1) : block < 40 ? block + 1 : block == 40 ? REAL_BLOCK : REAL_BLOCK + 1) {
			struct result res;
			char what[160];

			snprintf(what, sizeof(what), "%s, block %zu", cases[i].name, block);
			check_journal(h, &j, block, TK_EXPLAIN_KUBELET, what, &res);
			if (!res.same || !res.modelled || res.m.fatal_line != cases[i].fatal_line) {
				if (res.m.fatal_line != cases[i].fatal_line)
					printf("#   %s: the model stops at line %zu\n", what, res.m.fatal_line);
				ok = false;
			}
			json_decref(res.m.messages);
			if (!ok)   /* one failure a case is enough to read */
				break;
		}
		free(j.s);
	}
	return ok;
}

/* `journalctl -o json` input is read value by value (no skip): an error
 * names the file's line and column, not the value's (it said 1:13 for
 * each of these before). */
static const struct {
	const char *text, *error;
} json_cases[] = {
	{ "{\"MESSAGE\":\"a\"}\n{\"MESSAGE\":\"b\"}\n{\"MESSAGE\": }\n", "3:13: unexpected token near '}'" },
	{ "\n\n{\"MESSAGE\": }\n", "3:13: unexpected token near '}'" },
	{ "{\"MESSAGE\":\"a\"} {\"MESSAGE\":\"\xc3\xa9\", \"x\": }\n", "1:38: unexpected token near '}'" },
	{ "{\"MESSAGE\":\"a\",\n\"MESSAGE\":\"b\"}", "2:9: duplicate object key near '\"MESSAGE\"'" },
	{ "\n  {\"MESSAGE\":\"a\"}\n\n x\n", "4:2: value 2: expected a JSON object or array" },
};

static bool json_error_cases(struct harness *h)
{
	size_t i;
	bool ok = true;

	for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
		struct run r = { 0 };
		char *want = NULL;
		FILE *f = fopen(h->path, "wb");

		if (!f || fputs(json_cases[i].text, f) == EOF || fclose(f) != 0)
			abort();
		run_reader(h->path, TK_EXPLAIN_KUBELET, REAL_BLOCK, true, true, h->outfd, h->errfd, h->shared, &r,
			   "json");
		if (asprintf(&want, "topokit: %s:%s\n", h->path, json_cases[i].error) < 0)
			abort();
		if (r.status != 2 || strcmp(r.err.s, want) != 0) {
			printf("#   json case %zu: exited %d, want 2 and: %s", i, r.status, want);
			show("stderr", &r.err, 0);
			ok = false;
		}
		free(want);
		free(r.out.s);
		free(r.err.s);
	}
	return ok;
}

static int temp_fd(char *tmpl)
{
	int fd = mkstemp(tmpl);

	if (fd < 0)
		abort();
	return fd;
}

int main(void)
{
	bool small = getenv("TK_VALGRIND") != NULL;
	/* 8 rounds hold a 1 MiB block, a NUL byte and a sweep; ASan makes a
	 * round 6 times as slow, valgrind 40 times */
	unsigned rounds = small ? 8 : getenv("TK_SANITIZE") ? 40 : 60, r, i, ncovered = 0;
	const char *more = getenv("TK_JOURNAL_ROUNDS");   /* a longer search, by hand */
	const char *only = getenv("TK_JOURNAL_SEED");
	const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char outp[4096], errp[4096];
	struct harness h = { .verbose = only != NULL || getenv("TK_JOURNAL_VERBOSE") };
	unsigned char covered[2 * SWEEP + 1] = { 0 };
	struct tally t = { 0 };
	bool anchors_ok = true;

	for (i = 0; i < sizeof(words) / sizeof(words[0]) + NPREFIXES; i++) {
		const char *w = i < sizeof(words) / sizeof(words[0]) ? words[i] : prefixes[i - sizeof(words) / sizeof(words[0])];
		size_t a;

		for (a = 0; a < sizeof(anchors) / sizeof(anchors[0]); a++)
			if (strstr(w, anchors[a]))
				anchors_ok = false;
	}
	TAP_OK(anchors_ok, "the filler words and anchor prefixes hold no anchor");
	atexit(exited_in_run);

	snprintf(h.path, sizeof(h.path), "%s/tk-journal-XXXXXX", tmpdir);
	snprintf(outp, sizeof(outp), "%s/tk-journal-out-XXXXXX", tmpdir);
	snprintf(errp, sizeof(errp), "%s/tk-journal-err-XXXXXX", tmpdir);
	close(temp_fd(h.path));
	in_run.journal = h.path;
	h.outfd = temp_fd(outp);
	h.errfd = temp_fd(errp);
	unlink(outp);
	unlink(errp);
	h.shared = mmap(NULL, sizeof(*h.shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (h.shared == MAP_FAILED)
		abort();

	if (more)
		rounds = (unsigned)strtoul(more, NULL, 10);
	if (only) {
		r = (unsigned)strtoul(only, NULL, 10);
		TAP_OK(round_run(&h, r, small, covered, &t), "round %u alone", r);
		printf("# the journal: %s\n", h.path);   /* kept, to look at */
	} else {
		TAP_OK(fixed_cases(&h, small), "%zu written journals, blocks of 1 to 40 bytes (1, 3, 8 under valgrind) and 1 MiB: skip on and off, and the model, agree",
		       sizeof(cases) / sizeof(cases[0]));
		TAP_OK(json_error_cases(&h), "%zu journalctl -o json inputs: an error names the file's line and column",
		       sizeof(json_cases) / sizeof(json_cases[0]));
		for (r = 0; r < rounds; r++)
			round_run(&h, r, small, covered, &t);
		for (i = 0; i < 2 * SWEEP + 1; i++)
			ncovered += covered[i];
		TAP_OK(t.differ == 0,
		       "%u journals (%.1f MiB, blocks of %zu to %zu bytes, %u read in 1 MiB blocks): skip on and off report the same (%u differ)",
		       t.rounds, t.bytes / 1048576.0, t.min_block, t.max_block, t.big_rounds, t.differ);
		TAP_OK(t.unmodelled == 0,
		       "each report lists the %zu planted entries in order, counts the %zu lines and %zu cut lines (%u differ)",
		       t.entries, t.lines, t.cut, t.unmodelled);
		TAP_OK(t.nul_rounds > 0 && t.nul_stopped == t.nul_rounds,
		       "a NUL byte stops both at its line (%u of %u journals)", t.nul_stopped, t.nul_rounds);
		TAP_OK(ncovered == 2 * SWEEP + 1 && t.skipped > t.lines / 2,
		       "hits' first anchors started at %u of the %d offsets around a boundary; the skip counted %zu of %zu lines",
		       ncovered, 2 * SWEEP + 1, t.skipped, t.lines);
		unlink(h.path);
	}
	close(h.outfd);
	close(h.errfd);
	munmap(h.shared, sizeof(*h.shared));
	return TAP_DONE();
}
