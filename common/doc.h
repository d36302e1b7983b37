/* doc.h - YAML 1.1 / JSON documents with a position on every value.
 *
 * Terminology:
 *   node      one YAML value: null, bool, int, float, string, sequence, map.
 *             Every node keeps the 1-based line:col where it starts.
 *   document  one YAML document of a stream; a file may hold many.
 *   item      a top-level object after flattening: each document, except
 *             that a `kind: List` (or any kind ending in "List") with an
 *             `items:` sequence contributes its items instead.
 *
 * Plain scalars are typed as Kubernetes' YAML reader (go-yaml v2 behind
 * sigs.k8s.io/yaml) types them: null/~/empty -> null; true/false/yes/no/on/off
 * (and y/n) in their three spellings -> bool; decimal, 0x, 0o, 0b, leading-0
 * octal and '_' separated integers -> int; floats and .inf/.nan -> float;
 * everything else a string. Quoted scalars ("0", 'yes') always stay strings.
 * The scalar's original text is kept in node->text for every scalar kind.
 *
 * Limits (hostile input): nesting depth, alias expansion (total expanded
 * nodes per document), scalar size, and input size are bounded; exceeding
 * one is an error with a position, never a crash or unbounded memory.
 * Duplicate keys in a map are an error (as sigs.k8s.io/yaml strict mode).
 *
 * Ownership: tk_doc_load() returns a struct tk_doc that owns all nodes;
 * tk_doc_free() releases everything. Node pointers are borrowed from it.
 */
#ifndef TK_DOC_H
#define TK_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tk_diag;

enum tk_kind {
	TK_NULL,
	TK_BOOL,
	TK_INT,
	TK_FLOAT,
	TK_STR,
	TK_SEQ,
	TK_MAP,
};

struct tk_node {
	enum tk_kind kind : 8;
	bool quoted;          /* scalar was single- or double-quoted */
	unsigned refs;        /* internal: aliases share nodes */
	unsigned line, col;   /* 1-based start of the value */
	uint32_t len;         /* scalars: strlen(text) (text may hold NUL: then len is longer) */
	uint32_t n;           /* SEQ/MAP: number of items / pairs */
	char *text;           /* scalars: the text as written (NUL-terminated) */
	union {
		bool b;
		long long i;
		double f;
	} v;
	struct tk_node **items;  /* SEQ: the items; MAP: the values */
	struct tk_node **keys;   /* MAP: the keys (scalar nodes), parallel to items */
	/* Internal, by kind. The node is 72 bytes: a 1,024-CPU topology is
	 * 9,000 of them, and the pages they touch were most of its load time.
	 * Sizes fit 32 bits because the builder caps every limit below 2^32. */
	union {
		struct {
			uint32_t weight;  /* SEQ/MAP: nodes in the subtree, aliases expanded (saturates) */
			uint32_t height;  /* SEQ/MAP: nesting levels below and including this node */
		};
		char small[16];   /* scalars: the text when short (most keys and values) */
	};
};

struct tk_limits {
	unsigned max_depth;        /* nesting of sequences and maps */
	size_t max_scalar;         /* bytes in one scalar */
	size_t max_input;          /* bytes of input (tree loader) */
	size_t max_nodes;          /* nodes per document after alias expansion */
};

/* Defaults: depth 256, scalar 4 MiB, input 64 MiB, nodes 500,000 per
 * document (per item when streaming). */
extern const struct tk_limits tk_default_limits;

struct tk_doc {
	char *file;              /* the name used in diagnostics ("-" -> "<stdin>") */
	size_t ndocs;
	struct tk_node **docs;   /* each YAML document's root (NULL root -> TK_NULL node) */
	size_t nitems;
	struct tk_node **items;  /* flattened top-level objects (borrowed from docs) */
};

/* Load path ("-" = stdin). limits may be NULL for defaults. On failure
 * returns NULL and fills d with file:line:col. */
struct tk_doc *tk_doc_load(const char *path, const struct tk_limits *limits, struct tk_diag *d);
/* Same, from memory; name is used in diagnostics. */
struct tk_doc *tk_doc_load_mem(const char *name, const char *buf, size_t len,
			       const struct tk_limits *limits, struct tk_diag *d);
void tk_doc_free(struct tk_doc *doc);

/* Streaming: call fn once per flattened item without building the whole
 * stream. Each item is built, passed to fn, then freed; fn must copy what it
 * keeps. A huge `kubectl get pods -A -o json` List is walked item by item, so
 * memory stays at one item. fn returns 0 to go on, non-zero to stop (that
 * value is returned). Returns 0 at the end, -1 on a parse error (d filled). */
typedef int (*tk_item_fn)(const struct tk_node *item, const char *file, void *arg);
int tk_doc_stream(const char *path, const struct tk_limits *limits,
		  tk_item_fn fn, void *arg, struct tk_diag *d);

/* Like tk_doc_stream, for callers that want only some kinds: a document
 * whose top-level "kind" makes skip(kind, arg) return true is still parsed
 * to its end (syntax errors and size limits still fail) but its values are
 * not built and it is not passed to fn. Installs full of CRDs and ConfigMaps
 * then stream at about the parser's speed. Items of a List are always built
 * (their anchors may be shared). */
typedef bool (*tk_kind_skip_fn)(const char *kind, void *arg);
int tk_doc_stream_skip(const char *path, const struct tk_limits *limits, tk_kind_skip_fn skip,
		       tk_item_fn fn, void *arg, struct tk_diag *d);

/* Free what this thread keeps for reuse between documents; a thread that
 * parsed calls it before it ends (else the cache is lost). Nodes live in
 * blocks of the thread that built them: every tree that thread built must
 * be freed first, and a tree is freed on the thread that built it. */
void tk_doc_thread_release(void);

/* ---- access ---- */

/* Map lookup; NULL when map is not a map or has no such key. */
const struct tk_node *tk_get(const struct tk_node *map, const char *key);
/* Follow a dotted path of map keys: tk_path(pod, "spec.template.spec"). */
const struct tk_node *tk_path(const struct tk_node *node, const char *dotted);
/* String value of a TK_STR node, else NULL. */
const char *tk_str(const struct tk_node *node);
/* Scalar text of any scalar (numbers, bools, strings), else NULL. Useful where
 * Kubernetes reads a string field and YAML typed it (e.g. a label value 1). */
const char *tk_scalar_text(const struct tk_node *node);
bool tk_is_scalar(const struct tk_node *node);
const char *tk_kind_name(enum tk_kind kind);

/* Typed getters that explain: each fills d with file and the node's
 * position and returns -1 when the value is missing (required) or of the
 * wrong type. A missing optional value returns 1 and leaves *out alone.
 * file is the tk_doc's file. */
int tk_get_str(const char *file, const struct tk_node *map, const char *key,
	       bool required, const char **out, struct tk_diag *d);
int tk_get_int(const char *file, const struct tk_node *map, const char *key,
	       bool required, long long min, long long max, long long *out, struct tk_diag *d);
int tk_get_bool(const char *file, const struct tk_node *map, const char *key,
		bool required, bool *out, struct tk_diag *d);
/* Require kind (TK_SEQ, TK_MAP, ...) of node; name is used in the message. */
int tk_expect(const char *file, const struct tk_node *node, enum tk_kind kind,
	      const char *name, struct tk_diag *d);
/* Convenience: set d at node's position (node may be NULL). Returns -1. */
int tk_node_error(const char *file, const struct tk_node *node, struct tk_diag *d,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
