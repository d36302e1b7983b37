/* doc-internal.h - what common/doc.c's builder shares with its fast
 * readers (doc-yaml.c): a reader hands the builder the very events libyaml
 * would, and gives up (so that libyaml reads the input again) on anything
 * it is not sure of. Not part of the library's interface. */
#ifndef TK_DOC_INTERNAL_H
#define TK_DOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <yaml.h>

#include "doc.h"

struct strmap_slot {
	const char *key;
	void *val;
};

struct strmap {
	size_t cap, n;
	struct strmap_slot *slots;
};

/* The input as libyaml's read handler (doc_read) serves it. */
struct reader {
	FILE *fp;
	const char *mem;
	size_t memlen, memoff;
	size_t total;        /* bytes handed to libyaml */
	size_t since_event;  /* bytes handed over since the last event */
	size_t max_input, max_burst;
	int over;            /* 1: input too large, 2: one value too large, 3: read error */
	int saved_errno;
	size_t end_at;       /* when set: the input ends after this many bytes */
};

struct frame {
	struct tk_node *node;     /* TK_SEQ or TK_MAP under construction */
	struct tk_node *key;      /* MAP: the key waiting for its value */
	char *anchor;             /* registered when the container closes */
	size_t cap;
	struct strmap keyset;     /* MAP with many keys: duplicate check */
	struct tk_node **merges;  /* MAP: values of "<<" keys, applied at close */
	size_t nmerges;
	bool streaming;           /* SEQ: top-level items handed to the callback */
};

struct builder {
	const char *file;
	const struct tk_limits *lim;  /* &lim_capped */
	struct tk_limits lim_capped;
	struct reader rd;
	yaml_parser_t parser;
	bool parser_ready;        /* run() set it up */
	struct frame *stack;
	size_t depth, stack_cap;
	struct strmap anchors;    /* name -> node (one ref held) */
	char **anchor_names;      /* owned keys of anchors */
	size_t nanchor_names;
	size_t doc_weight;
	struct tk_diag *d;
	/* streaming */
	tk_item_fn fn;
	void *arg;
	int fn_rc;
	bool streamed_items;      /* this document's items went to fn */
	tk_kind_skip_fn skip;     /* tk_doc_stream_skip's filter, or NULL */
	size_t delivered;         /* items passed to fn (or skipped below) */
	size_t redeliver_skip;    /* items fn has seen before a fallback */
	/* JSON fast path: items wait until libyaml would have passed them on */
	bool hold;
	size_t produced;          /* items held or dropped as seen before */
	struct held_item {
		struct tk_node *item;
		size_t end;           /* input offset where it ended */
	} *held;
	size_t nheld, held_cap, held_first;
	size_t offset;            /* the fast path's input offset */
	bool skipping;            /* inside a skipped document's root map */
	size_t skip_nest;         /* open collections below that root */
	/* tree */
	struct tk_doc *doc;
	struct tk_node *root;
};

/* The read handler: counts bytes against the limits (rd.over says why it
 * failed). */
int doc_read(void *data, unsigned char *buf, size_t size, size_t *size_read);
/* One event into the builder. Returns 0 to go on, 2 at the end of the
 * stream, -1 on error, 1 when the callback asked to stop (b->fn_rc). */
int doc_dispatch(struct builder *b, yaml_event_t *ev);
/* Pass held items on (see doc.c). Returns 1 when the callback asked to stop. */
int doc_release_held(struct builder *b, size_t done, size_t frontier, bool all);
/* For the YAML fast path (doc.c): drop the document being built (its
 * items from produced_at_doc on); read
 * the one document in bytes [off, off + len) (line line_base) with libyaml,
 * held items ending at item_end: 0, 1 the callback stopped, -1 error. */
void doc_abandon_document(struct builder *b, size_t produced_at_doc);
int doc_run_slice(struct builder *b, size_t off, size_t len, size_t line_base, size_t item_end);
/* The YAML fast path: 0 done, 1 the callback stopped, -1 give up (read the
 * input again with libyaml from its start). */
int doc_yaml_run(struct builder *b);
/* Inputs the YAML fast path read to their end on this thread, and the
 * documents in them it left to libyaml (tests check that it is taken). */
extern _Thread_local unsigned long doc_yaml_taken, doc_yaml_sliced;

#endif
