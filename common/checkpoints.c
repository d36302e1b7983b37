/* checkpoints.c - the Memory Manager and Device Manager checkpoints.
 *
 * One walk over the parsed JSON, driven by a description of the Go types,
 * both checks the JSON types as encoding/json would and prints the go-spew
 * dump the checksum is computed over; the data is then taken from the
 * already checked tree.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checkpoints.h"
#include "diag.h"
#include "doc.h"
#include "statefile.h"
#include "xalloc.h"

/* ---- Go types as go-spew prints them ---- */

enum gkind { G_STR, G_U64, G_INT, G_BYTES, G_STRUCT, G_MAP, G_SLICE, G_PTR };

struct gfield;

struct gtype {
	enum gkind kind;
	const char *name;            /* as reflect.Type.String() */
	const struct gtype *key;     /* G_MAP: G_STR or G_INT */
	const struct gtype *elem;    /* G_MAP value, G_SLICE item, G_PTR target */
	const struct gfield *fields; /* G_STRUCT, ended by a NULL go name */
};

struct gfield {
	const char *go, *json;
	const struct gtype *type;
	bool init_empty;             /* the kubelet's constructor sets an empty map */
};

static const struct gtype t_str = { G_STR, "string", NULL, NULL, NULL };
static const struct gtype t_resname = { G_STR, "v1.ResourceName", NULL, NULL, NULL };
static const struct gtype t_u64 = { G_U64, "uint64", NULL, NULL, NULL };
static const struct gtype t_int = { G_INT, "int", NULL, NULL, NULL };
static const struct gtype t_i64 = { G_INT, "int64", NULL, NULL, NULL };
static const struct gtype t_cksum = { G_U64, "checksum.Checksum", NULL, NULL, NULL };
static const struct gtype t_ints = { G_SLICE, "[]int", NULL, &t_int, NULL };
static const struct gtype t_strs = { G_SLICE, "[]string", NULL, &t_str, NULL };
static const struct gtype t_bytes = { G_BYTES, "[]uint8", NULL, NULL, NULL };

/* pkg/kubelet/cm/memorymanager/state/state.go */
static const struct gfield f_table[] = {
	{ "TotalMemSize", "total", &t_u64, false },
	{ "SystemReserved", "systemReserved", &t_u64, false },
	{ "Allocatable", "allocatable", &t_u64, false },
	{ "Reserved", "reserved", &t_u64, false },
	{ "Free", "free", &t_u64, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_table = { G_STRUCT, "state.MemoryTable", NULL, NULL, f_table };
static const struct gtype t_ptable = { G_PTR, "*state.MemoryTable", NULL, &t_table, NULL };
static const struct gtype t_memmap = { G_MAP, "map[v1.ResourceName]*state.MemoryTable", &t_str,
				       &t_ptable, NULL };
static const struct gfield f_numa[] = {
	{ "NumberOfAssignments", "numberOfAssignments", &t_int, false },
	{ "MemoryMap", "memoryMap", &t_memmap, false },
	{ "Cells", "cells", &t_ints, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_numa = { G_STRUCT, "state.NUMANodeState", NULL, NULL, f_numa };
static const struct gtype t_pnuma = { G_PTR, "*state.NUMANodeState", NULL, &t_numa, NULL };
static const struct gtype t_numamap = { G_MAP, "state.NUMANodeMap", &t_int, &t_pnuma, NULL };
static const struct gfield f_block[] = {
	{ "NUMAAffinity", "numaAffinity", &t_ints, false },
	{ "Type", "type", &t_resname, false },
	{ "Size", "size", &t_u64, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_block = { G_STRUCT, "state.Block", NULL, NULL, f_block };
static const struct gtype t_blocks = { G_SLICE, "[]state.Block", NULL, &t_block, NULL };
static const struct gtype t_cblocks = { G_MAP, "map[string][]state.Block", &t_str, &t_blocks, NULL };
static const struct gtype t_entries = { G_MAP, "state.ContainerMemoryAssignments", &t_str,
					&t_cblocks, NULL };
static const struct gfield f_podentry[] = {
	{ "MemoryBlocks", "memoryBlocks", &t_blocks, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_podentry = { G_STRUCT, "state.PodEntry", NULL, NULL, f_podentry };
static const struct gtype t_podentries = { G_MAP, "state.PodMemoryAssignments", &t_str,
					   &t_podentry, NULL };
/* checkpoint.go: v1 and v2 differ by PodEntries; both are hashed under the
 * name MemoryManagerCheckpoint (v1's VerifyChecksum renames it) */
static const struct gfield f_mem_v1[] = {
	{ "PolicyName", "policyName", &t_str, false },
	{ "MachineState", "machineState", &t_numamap, true },
	{ "Entries", "entries", &t_entries, true },
	{ "Checksum", "checksum", &t_cksum, false },
	{ NULL, NULL, NULL, false },
};
static const struct gfield f_mem_v2[] = {
	{ "PolicyName", "policyName", &t_str, false },
	{ "MachineState", "machineState", &t_numamap, true },
	{ "Entries", "entries", &t_entries, true },
	{ "PodEntries", "podEntries", &t_podentries, true },
	{ "Checksum", "checksum", &t_cksum, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_mem_v1 = { G_STRUCT, "state.MemoryManagerCheckpoint", NULL, NULL, f_mem_v1 };
static const struct gtype t_mem_v2 = { G_STRUCT, "state.MemoryManagerCheckpoint", NULL, NULL, f_mem_v2 };
static const struct gtype t_pmem_v1 = { G_PTR, "*state.MemoryManagerCheckpoint", NULL, &t_mem_v1, NULL };
static const struct gtype t_pmem_v2 = { G_PTR, "*state.MemoryManagerCheckpoint", NULL, &t_mem_v2, NULL };

/* pkg/kubelet/cm/devicemanager/checkpoint/checkpoint.go */
static const struct gtype t_pernuma = { G_MAP, "checkpoint.DevicesPerNUMA", &t_i64, &t_strs, NULL };
static const struct gfield f_deventry[] = {
	{ "PodUID", "PodUID", &t_str, false },
	{ "ContainerName", "ContainerName", &t_str, false },
	{ "ResourceName", "ResourceName", &t_str, false },
	{ "DeviceIDs", "DeviceIDs", &t_pernuma, false },
	{ "AllocResp", "AllocResp", &t_bytes, false },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_deventry = { G_STRUCT, "checkpoint.PodDevicesEntry", NULL, NULL, f_deventry };
static const struct gtype t_deventries = { G_SLICE, "[]checkpoint.PodDevicesEntry", NULL,
					   &t_deventry, NULL };
static const struct gtype t_regdevs = { G_MAP, "map[string][]string", &t_str, &t_strs, NULL };
/* manager.go's getCheckpoint starts from empty entries and an empty map */
static const struct gfield f_devdata[] = {
	{ "PodDeviceEntries", "PodDeviceEntries", &t_deventries, true },
	{ "RegisteredDevices", "RegisteredDevices", &t_regdevs, true },
	{ NULL, NULL, NULL, false },
};
static const struct gtype t_devdata = { G_STRUCT, "checkpoint.checkpointData", NULL, NULL, f_devdata };

/* ---- the walk ---- */

struct sb {
	char *s;
	size_t len, cap;
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_add(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_num(struct sb *b, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	sb_add(b, buf);
}

/* encoding/json matches an object key to a field case-insensitively; of
 * keys naming the same field the last one wins. */
static const struct tk_node *field_node(const struct tk_node *obj, const char *json)
{
	const struct tk_node *v = NULL;
	size_t i;

	for (i = 0; i < obj->n; i++)
		if (strcasecmp(obj->keys[i]->text, json) == 0)
			v = obj->items[i];
	return v;
}

static const char *json_kind(const struct tk_node *n)
{
	switch (n->kind) {
	case TK_STR: return "string";
	case TK_INT: case TK_FLOAT: return "number";
	case TK_BOOL: return "bool";
	case TK_SEQ: return "array";
	case TK_MAP: return "object";
	default: return "null";
	}
}

static int mismatch(const char *file, const struct tk_node *n, const struct gtype *t,
		    struct tk_diag *d)
{
	return tk_node_error(file, n, d, "json: cannot unmarshal %s into Go value of type %s",
			     json_kind(n), t->name);
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* []byte as encoding/json reads it (base64.StdEncoding, \r and \n skipped)
 * and go-spew prints it: "[1 2 3]". */
static int dump_bytes(struct sb *b, const char *file, const struct tk_node *n, struct tk_diag *d)
{
	unsigned acc = 0;
	int bits = 0, pad = 0, first = 1;
	size_t i, nch = 0;

	sb_add(b, "[");
	for (i = 0; i < n->len; i++) {
		int c = (unsigned char)n->text[i], v;

		if (c == '\r' || c == '\n')
			continue;
		nch++;
		if (c == '=') {
			pad++;
			continue;
		}
		v = b64val(c);
		if (v < 0 || pad)
			return tk_node_error(file, n, d, "illegal base64 data at input byte %zu", i);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (!first)
				sb_add(b, " ");
			first = 0;
			sb_num(b, (acc >> bits) & 0xff);
		}
	}
	if (nch % 4 || pad > 2 || (bits && (acc & ((1u << bits) - 1))))
		return tk_node_error(file, n, d, "illegal base64 data at input byte %zu", (size_t)n->len);
	sb_add(b, "]");
	return 0;
}

/* A map's keys in Go's printing order (sorted), each with its item's index:
 * sorting pairs keeps a hostile map of a million keys O(n log n). */
/* A map key, as go-spew sorts a map's keys: integer keys by value, string
 * keys bytewise; i is its item's index. */
struct mkey {
	const char *text;
	long long k;
	size_t i;
};

static int cmp_mkey_text(const void *a, const void *b)
{
	const struct mkey *x = a, *y = b;

	return strcmp(x->text, y->text);
}

static int cmp_mkey_int(const void *a, const void *b)
{
	const struct mkey *x = a, *y = b;

	return x->k < y->k ? -1 : x->k > y->k;
}

static int int_key(const char *file, const struct tk_node *k, long long *out, struct tk_diag *d);

/* map's keys in go-spew's order; int_keys: read as Go integer keys (file
 * and d for the error). NULL when a key is not one. */
static struct mkey *sorted_keys(const struct tk_node *map, bool int_keys, const char *file,
				struct tk_diag *d)
{
	struct mkey *keys = xcalloc(map->n ? map->n : 1, sizeof(*keys));
	size_t i;

	for (i = 0; i < map->n; i++) {
		keys[i].text = map->keys[i]->text;
		keys[i].i = i;
		if (int_keys && int_key(file, map->keys[i], &keys[i].k, d) < 0) {
			free(keys);
			return NULL;
		}
	}
	qsort(keys, map->n, sizeof(*keys), int_keys ? cmp_mkey_int : cmp_mkey_text);
	return keys;
}

/* A JSON object key read as a Go integer key (strconv.ParseInt base 10). */
static int int_key(const char *file, const struct tk_node *k, long long *out, struct tk_diag *d)
{
	char *end;
	const char *s = k->text;

	if (!*s || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
		goto bad;
	*out = strtoll(s, &end, 10);
	if (*end || *out < -2147483648LL || *out > 2147483647LL)
		goto bad;
	return 0;
bad:
	return tk_node_error(file, k, d, "json: cannot unmarshal number %s into Go value of type int",
			     s);
}

static int walk(struct sb *b, const struct gtype *t, const struct tk_node *n, bool show,
		const char *file, struct tk_diag *d);

static int walk_struct(struct sb *b, const struct gtype *t, const struct tk_node *n,
		       const char *file, struct tk_diag *d)
{
	const struct gfield *f;

	sb_add(b, "{");
	for (f = t->fields; f->go; f++) {
		const struct tk_node *v = n ? field_node(n, f->json) : NULL;

		if (f != t->fields)
			sb_add(b, " ");
		sb_add(b, f->go);
		sb_add(b, ":");
		if (f->type == &t_cksum) {
			/* hashed with the checksum zeroed */
			if (v && v->kind != TK_NULL && (v->kind != TK_INT || v->v.i < 0))
				return mismatch(file, v, f->type, d);
			sb_add(b, "(checksum.Checksum)0");
			continue;
		}
		if (!v && f->init_empty) {
			sb_add(b, "(");
			sb_add(b, f->type->name);
			sb_add(b, f->type->kind == G_MAP ? ")map[]" : ")[]");
			continue;
		}
		if (walk(b, f->type, v, true, file, d) < 0)
			return -1;
	}
	sb_add(b, "}");
	return 0;
}

static int walk_map(struct sb *b, const struct gtype *t, const struct tk_node *n,
		    const char *file, struct tk_diag *d)
{
	bool int_keys = t->key->kind == G_INT;
	struct mkey *keys = sorted_keys(n, int_keys, file, d);
	size_t i;

	if (!keys)
		return -1;
	sb_add(b, "map[");
	for (i = 0; i < n->n; i++) {
		/* "1" and "01" are one integer key: json.Unmarshal refuses the map */
		if (int_keys && i && keys[i].k == keys[i - 1].k) {
			const struct tk_node *dup = n->keys[keys[i].i];
			long long k = keys[i].k;

			free(keys);
			return tk_node_error(file, dup, d, "duplicate key '%lld'", k);
		}
		if (i)
			sb_add(b, " ");
		if (int_keys)
			sb_num(b, keys[i].k);
		else
			sb_add(b, keys[i].text);
		sb_add(b, ":");
		if (walk(b, t->elem, n->items[keys[i].i], false, file, d) < 0) {
			free(keys);
			return -1;
		}
	}
	free(keys);
	sb_add(b, "]");
	return 0;
}

/* Print value n (NULL: absent, the Go zero value) of type t; show: with its
 * type in parentheses, as go-spew shows struct fields but not map or slice
 * items. Fails as json.Unmarshal would on a JSON type mismatch. */
static int walk(struct sb *b, const struct gtype *t, const struct tk_node *n, bool show,
		const char *file, struct tk_diag *d)
{
	bool null = !n || n->kind == TK_NULL;
	size_t i;

	if (t->kind == G_PTR) {
		if (null && !show) {
			sb_add(b, "<nil>");
			return 0;
		}
		if (show) {
			sb_add(b, "(");
			sb_add(b, t->name);
			sb_add(b, ")");
		} else {
			sb_add(b, "<*>");
		}
		if (null) {
			sb_add(b, "<nil>");
			return 0;
		}
		return walk(b, t->elem, n, false, file, d);
	}
	if (show) {
		sb_add(b, "(");
		sb_add(b, t->name);
		sb_add(b, ")");
	}
	switch (t->kind) {
	case G_STR:
		if (!null && n->kind != TK_STR)
			return mismatch(file, n, t, d);
		if (!null)
			sb_put(b, n->text, strlen(n->text));
		return 0;
	case G_U64:
	case G_INT:
		if (null) {
			sb_add(b, "0");
			return 0;
		}
		if (n->kind != TK_INT || (t->kind == G_U64 && n->v.i < 0))
			return mismatch(file, n, t, d);
		sb_num(b, n->v.i);
		return 0;
	case G_BYTES:
		if (null) {
			sb_add(b, "<nil>");
			return 0;
		}
		if (n->kind != TK_STR)
			return mismatch(file, n, t, d);
		return dump_bytes(b, file, n, d);
	case G_STRUCT:
		if (!null && n->kind != TK_MAP)
			return mismatch(file, n, t, d);
		return walk_struct(b, t, null ? NULL : n, file, d);
	case G_MAP:
		if (null) {
			sb_add(b, "<nil>");
			return 0;
		}
		if (n->kind != TK_MAP)
			return mismatch(file, n, t, d);
		return walk_map(b, t, n, file, d);
	case G_SLICE:
		if (null) {
			sb_add(b, "<nil>");
			return 0;
		}
		if (n->kind != TK_SEQ)
			return mismatch(file, n, t, d);
		sb_add(b, "[");
		for (i = 0; i < n->n; i++) {
			if (i)
				sb_add(b, " ");
			if (walk(b, t->elem, n->items[i], false, file, d) < 0)
				return -1;
		}
		sb_add(b, "]");
		return 0;
	default:
		return 0;
	}
}

/* FNV-32a of the dump of n as type t; -1 on a type mismatch. */
static int hash_as(const struct gtype *t, const struct tk_node *n, const char *file,
		   uint32_t *out, struct tk_diag *d)
{
	struct sb b = { NULL, 0, 0 };
	int rc = walk(&b, t, n, true, file, d);

	if (rc == 0)
		*out = tk_fnv32a(b.s, b.len);
	free(b.s);
	return rc;
}

static struct tk_doc *load_object(const char *name, const char *buf, size_t len,
				  const struct tk_node **root, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load_mem(name, buf, len, NULL, d);

	if (!doc)
		return NULL;
	if (doc->ndocs != 1 || !doc->docs[0] || doc->docs[0]->kind != TK_MAP) {
		tk_node_error(name, doc->ndocs ? doc->docs[0] : NULL, d,
			      "checkpoint must be one JSON object");
		tk_doc_free(doc);
		return NULL;
	}
	*root = doc->docs[0];
	return doc;
}

static uint64_t checksum_of(const struct tk_node *root, const char *key)
{
	const struct tk_node *ck = field_node(root, key);

	return ck && ck->kind == TK_INT ? (uint64_t)ck->v.i : 0;
}

/* ---- memory checkpoint ---- */

static const char *str_or_empty(const struct tk_node *n)
{
	return n && n->kind == TK_STR ? n->text : "";
}

static void take_blocks(struct tk_mem_assignment *a, const struct tk_node *seq)
{
	size_t i, j;

	if (!seq || seq->kind != TK_SEQ)
		return;
	a->nblocks = seq->n;
	a->blocks = xcalloc(seq->n ? seq->n : 1, sizeof(*a->blocks));
	for (i = 0; i < seq->n; i++) {
		const struct tk_node *bl = seq->items[i], *aff, *sz;
		struct tk_mem_block *mb = &a->blocks[i];

		if (bl->kind != TK_MAP) {
			mb->type = xstrdup("");
			continue;
		}
		aff = field_node(bl, "numaAffinity");
		sz = field_node(bl, "size");
		mb->type = xstrdup(str_or_empty(field_node(bl, "type")));
		mb->size = sz && sz->kind == TK_INT ? (uint64_t)sz->v.i : 0;
		if (aff && aff->kind == TK_SEQ) {
			mb->nnuma = aff->n;
			mb->numa = xcalloc(aff->n ? aff->n : 1, sizeof(int));
			for (j = 0; j < aff->n; j++)
				mb->numa[j] = (int)aff->items[j]->v.i;
		}
	}
}

static int cmp_assign(const void *a, const void *b)
{
	const struct tk_mem_assignment *x = a, *y = b;
	int c = strcmp(x->pod, y->pod);

	if (c)
		return c;
	if (!x->container || !y->container)
		return !x->container - !y->container;
	return strcmp(x->container, y->container);
}

static int cmp_numa(const void *a, const void *b)
{
	const struct tk_mem_numa *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static void take_memory(struct tk_mem_checkpoint *cp, const struct tk_node *root)
{
	const struct tk_node *pol = field_node(root, "policyName");
	const struct tk_node *ms = field_node(root, "machineState");
	const struct tk_node *ents = field_node(root, "entries");
	const struct tk_node *pods = field_node(root, "podEntries");
	size_t i, j, n = 0;

	cp->policy_name = xstrdup(str_or_empty(pol));
	cp->checksum = checksum_of(root, "checksum");
	if (ms && ms->kind == TK_MAP) {
		cp->nnodes = ms->n;
		cp->nodes = xcalloc(ms->n ? ms->n : 1, sizeof(*cp->nodes));
		for (i = 0; i < ms->n; i++) {
			struct tk_mem_numa *nn = &cp->nodes[i];
			const struct tk_node *st = ms->items[i], *mm, *cells, *na;

			nn->id = (int)strtol(ms->keys[i]->text, NULL, 10);
			if (st->kind != TK_MAP)
				continue;
			na = field_node(st, "numberOfAssignments");
			nn->assignments = na && na->kind == TK_INT ? na->v.i : 0;
			mm = field_node(st, "memoryMap");
			if (mm && mm->kind == TK_MAP) {
				nn->ntables = mm->n;
				nn->tables = xcalloc(mm->n ? mm->n : 1, sizeof(*nn->tables));
				for (j = 0; j < mm->n; j++) {
					struct tk_mem_table *tb = &nn->tables[j];
					const struct tk_node *t = mm->items[j], *v;

					tb->resource = xstrdup(mm->keys[j]->text);
					if (t->kind != TK_MAP)
						continue;
#define U64(key, dst) do { v = field_node(t, key); dst = v && v->kind == TK_INT ? (uint64_t)v->v.i : 0; } while (0)
					U64("total", tb->total);
					U64("systemReserved", tb->system_reserved);
					U64("allocatable", tb->allocatable);
					U64("reserved", tb->reserved);
					U64("free", tb->free);
#undef U64
				}
			}
			cells = field_node(st, "cells");
			if (cells && cells->kind == TK_SEQ) {
				nn->ncells = cells->n;
				nn->cells = xcalloc(cells->n ? cells->n : 1, sizeof(int));
				for (j = 0; j < cells->n; j++)
					nn->cells[j] = (int)cells->items[j]->v.i;
			}
		}
		qsort(cp->nodes, cp->nnodes, sizeof(*cp->nodes), cmp_numa);
	}
	if (ents && ents->kind == TK_MAP)
		for (i = 0; i < ents->n; i++)
			if (ents->items[i]->kind == TK_MAP)
				n += ents->items[i]->n;
	if (pods && pods->kind == TK_MAP)
		n += pods->n;
	cp->assign = xcalloc(n ? n : 1, sizeof(*cp->assign));
	if (ents && ents->kind == TK_MAP)
		for (i = 0; i < ents->n; i++) {
			const struct tk_node *pod = ents->items[i];

			if (pod->kind != TK_MAP)
				continue;
			for (j = 0; j < pod->n; j++) {
				struct tk_mem_assignment *a = &cp->assign[cp->nassign++];

				a->pod = xstrdup(ents->keys[i]->text);
				a->container = xstrdup(pod->keys[j]->text);
				take_blocks(a, pod->items[j]);
			}
		}
	if (pods && pods->kind == TK_MAP)
		for (i = 0; i < pods->n; i++) {
			struct tk_mem_assignment *a = &cp->assign[cp->nassign++];

			a->pod = xstrdup(pods->keys[i]->text);
			if (pods->items[i]->kind == TK_MAP)
				take_blocks(a, field_node(pods->items[i], "memoryBlocks"));
		}
	qsort(cp->assign, cp->nassign, sizeof(*cp->assign), cmp_assign);
}

/* NewCheckpointState's frame around every restore error */
static int mem_refused(const char *name, struct tk_diag *d, const char *why)
{
	return tk_diag_set(d, name, 0, 0,
			   "could not restore state from checkpoint: %s, please drain this node and "
			   "delete the memory manager checkpoint file \"%s\" before restarting Kubelet",
			   why, name);
}

/* Layout v3: the v2 struct serialized into the string "data", with
 * "dataChecksum" the FNV-32a of its spew dump ("(string)" and the text);
 * the top-level fields are ignored. The data is unmarshaled before its
 * checksum is verified, as the kubelet's state_checkpoint_test.go shows. */
static int mem_v3(struct tk_doc **inner, const struct tk_node *root, const char *name,
		  struct tk_diag *d)
{
	const struct tk_node *data = field_node(root, "data"), *dck = field_node(root, "dataChecksum");
	const struct tk_node *iroot;
	struct tk_diag sub;
	struct sb b = { NULL, 0, 0 };
	uint32_t sum;
	char why[1200];

	if (data && data->kind != TK_NULL && data->kind != TK_STR)
		return mismatch(name, data, &t_str, d);
	if (dck && dck->kind != TK_NULL && (dck->kind != TK_INT || dck->v.i < 0))
		return mismatch(name, dck, &t_cksum, d);
	sb_add(&b, "(string)");
	if (data && data->kind == TK_STR)
		sb_put(&b, data->text, data->len);
	memset(&sub, 0, sizeof(sub));
	*inner = load_object(name, b.s + 8, b.len - 8, &iroot, &sub);
	if (!*inner || hash_as(&t_pmem_v2, iroot, name, &sum, &sub) < 0) {
		free(b.s);
		snprintf(why, sizeof(why), "could not load v3 checkpoint: failed to deserialize "
			 "memory manager checkpoint data: %s", b.len == 8 ? "unexpected end of JSON input"
			 : sub.msg);
		return mem_refused(name, d, why);
	}
	sum = tk_fnv32a(b.s, b.len);
	free(b.s);
	if (!dck || dck->kind != TK_INT || (uint64_t)dck->v.i != sum)
		return mem_refused(name, d, "could not load v3 checkpoint: checkpoint is corrupted");
	return 0;
}

int tk_mem_checkpoint_parse(struct tk_mem_checkpoint *cp, const char *name, const char *buf,
			    size_t len, const char *policy, struct tk_diag *d)
{
	const struct tk_node *root;
	struct tk_doc *doc;
	struct tk_doc *inner = NULL;
	uint32_t v1, v2;
	uint64_t ck;
	int ret = -1;

	memset(cp, 0, sizeof(*cp));
	doc = load_object(name, buf, len, &root, d);
	if (!doc)
		return -1;
	if (field_node(root, "data") || field_node(root, "dataChecksum")) {
		if (mem_v3(&inner, root, name, d) < 0)
			goto out;
		root = inner->docs[0];
	} else {
		if (hash_as(&t_pmem_v1, root, name, &v1, d) < 0 ||
		    hash_as(&t_pmem_v2, root, name, &v2, d) < 0)
			goto out;
		ck = checksum_of(root, "checksum");
		if (ck > UINT32_MAX || (ck != 0 && ck != v1 && ck != v2)) {
			mem_refused(name, d, "checkpoint is corrupted");
			goto out;
		}
	}
	take_memory(cp, root);
	/* the kubelet compares with its configured policy, always one of these:
	 * without one to compare with, any other name would be refused */
	if (!policy && strcmp(cp->policy_name, "None") && strcmp(cp->policy_name, "Static") &&
	    strcmp(cp->policy_name, "BestEffort")) {
		char why[600];

		snprintf(why, sizeof(why), "[memorymanager] state checkpoint policy \"%s\" is no "
			 "policy of the kubelet's", cp->policy_name);
		mem_refused(name, d, why);
		tk_mem_checkpoint_release(cp);
		goto out;
	}
	if (policy && strcmp(policy, cp->policy_name)) {
		char why[600];

		snprintf(why, sizeof(why),
			 "[memorymanager] configured policy \"%s\" differs from state checkpoint "
			 "policy \"%s\"", policy, cp->policy_name);
		mem_refused(name, d, why);
		tk_mem_checkpoint_release(cp);
		goto out;
	}
	ret = 0;
out:
	tk_doc_free(inner);
	tk_doc_free(doc);
	return ret;
}

int tk_mem_checkpoint_load(struct tk_mem_checkpoint *cp, const char *path, const char *policy,
			   struct tk_diag *d)
{
	char *buf;
	size_t len;
	int rc;

	memset(cp, 0, sizeof(*cp));
	rc = tk_read_checkpoint(path, &buf, &len, d);
	if (rc != 0)
		return rc;
	rc = tk_mem_checkpoint_parse(cp, path, buf, len, policy, d);
	free(buf);
	return rc;
}

void tk_mem_checkpoint_release(struct tk_mem_checkpoint *cp)
{
	size_t i, j;

	free(cp->policy_name);
	for (i = 0; i < cp->nnodes; i++) {
		for (j = 0; j < cp->nodes[i].ntables; j++)
			free(cp->nodes[i].tables[j].resource);
		free(cp->nodes[i].tables);
		free(cp->nodes[i].cells);
	}
	free(cp->nodes);
	for (i = 0; i < cp->nassign; i++) {
		for (j = 0; j < cp->assign[i].nblocks; j++) {
			free(cp->assign[i].blocks[j].numa);
			free(cp->assign[i].blocks[j].type);
		}
		free(cp->assign[i].blocks);
		free(cp->assign[i].pod);
		free(cp->assign[i].container);
	}
	free(cp->assign);
	memset(cp, 0, sizeof(*cp));
}

/* ---- device checkpoint ---- */

static void take_devices(struct tk_dev_checkpoint *cp, const struct tk_node *data)
{
	const struct tk_node *ents = data ? field_node(data, "PodDeviceEntries") : NULL;
	const struct tk_node *reg = data ? field_node(data, "RegisteredDevices") : NULL;
	size_t i, j, k;

	if (ents && ents->kind == TK_SEQ) {
		cp->entries = xcalloc(ents->n ? ents->n : 1, sizeof(*cp->entries));
		cp->nentries = ents->n;
		for (i = 0; i < ents->n; i++) {
			const struct tk_node *e = ents->items[i], *ids;
			struct tk_dev_entry *de = &cp->entries[i];

			if (e->kind != TK_MAP) {
				de->pod = xstrdup("");
				de->container = xstrdup("");
				de->resource = xstrdup("");
				continue;
			}
			de->pod = xstrdup(str_or_empty(field_node(e, "PodUID")));
			de->container = xstrdup(str_or_empty(field_node(e, "ContainerName")));
			de->resource = xstrdup(str_or_empty(field_node(e, "ResourceName")));
			ids = field_node(e, "DeviceIDs");
			if (!ids || ids->kind != TK_MAP)
				continue;
			for (j = 0; j < ids->n; j++)
				if (ids->items[j]->kind == TK_SEQ)
					de->nids += ids->items[j]->n;
			de->ids = xcalloc(de->nids ? de->nids : 1, sizeof(char *));
			de->numa = xcalloc(de->nids ? de->nids : 1, sizeof(int));
			de->nids = 0;
			for (j = 0; j < ids->n; j++) {
				const struct tk_node *l = ids->items[j];

				if (l->kind != TK_SEQ)
					continue;
				for (k = 0; k < l->n; k++) {
					de->ids[de->nids] = xstrdup(str_or_empty(l->items[k]));
					de->numa[de->nids++] = (int)strtol(ids->keys[j]->text, NULL, 10);
				}
			}
		}
	}
	if (reg && reg->kind == TK_MAP) {
		struct mkey *keys = sorted_keys(reg, false, NULL, NULL);

		cp->nregistered = reg->n;
		cp->reg_resource = xcalloc(reg->n ? reg->n : 1, sizeof(char *));
		cp->reg_count = xcalloc(reg->n ? reg->n : 1, sizeof(size_t));
		for (i = 0; i < reg->n; i++) {
			const struct tk_node *ids = reg->items[keys[i].i];

			cp->reg_resource[i] = xstrdup(keys[i].text);
			cp->reg_count[i] = ids->kind == TK_SEQ ? ids->n : 0;
		}
		free(keys);
	}
}

int tk_dev_checkpoint_parse(struct tk_dev_checkpoint *cp, const char *name, const char *buf,
			    size_t len, struct tk_diag *d)
{
	const struct tk_node *root, *data, *ck;
	struct tk_doc *doc;
	uint32_t sum;
	int ret = -1;

	memset(cp, 0, sizeof(*cp));
	doc = load_object(name, buf, len, &root, d);
	if (!doc)
		return -1;
	data = field_node(root, "Data");
	ck = field_node(root, "Checksum");
	if (data && data->kind == TK_NULL)
		data = NULL;
	if (data && data->kind != TK_MAP) {
		mismatch(name, data, &t_devdata, d);
		goto out;
	}
	if (ck && ck->kind != TK_NULL && (ck->kind != TK_INT || ck->v.i < 0)) {
		mismatch(name, ck, &t_cksum, d);
		goto out;
	}
	if (hash_as(&t_devdata, data, name, &sum, d) < 0)
		goto out;
	if (checksum_of(root, "Checksum") != sum) {
		tk_diag_set(d, name, 0, 0, "checkpoint is corrupted");
		goto out;
	}
	take_devices(cp, data);
	cp->checksum = sum;
	ret = 0;
out:
	tk_doc_free(doc);
	return ret;
}

int tk_dev_checkpoint_load(struct tk_dev_checkpoint *cp, const char *path, struct tk_diag *d)
{
	char *buf;
	size_t len;
	int rc;

	memset(cp, 0, sizeof(*cp));
	rc = tk_read_checkpoint(path, &buf, &len, d);
	if (rc != 0)
		return rc;
	rc = tk_dev_checkpoint_parse(cp, path, buf, len, d);
	free(buf);
	return rc;
}

void tk_dev_checkpoint_release(struct tk_dev_checkpoint *cp)
{
	size_t i, j;

	for (i = 0; i < cp->nentries; i++) {
		for (j = 0; j < cp->entries[i].nids; j++)
			free(cp->entries[i].ids[j]);
		free(cp->entries[i].ids);
		free(cp->entries[i].numa);
		free(cp->entries[i].pod);
		free(cp->entries[i].container);
		free(cp->entries[i].resource);
	}
	free(cp->entries);
	for (i = 0; i < cp->nregistered; i++)
		free(cp->reg_resource[i]);
	free(cp->reg_resource);
	free(cp->reg_count);
	memset(cp, 0, sizeof(*cp));
}
