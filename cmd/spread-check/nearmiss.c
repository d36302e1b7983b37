/* nearmiss.c - labels close to a topologyKey (see nearmiss.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "nearmiss.h"
#include "xalloc.h"

/* Deprecated and current spellings of the same well-known label
 * (k8s.io/api/core/v1 well_known_labels.go). */
static const char *const renamed[][2] = {
	{ "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone" },
	{ "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region" },
	{ "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type" },
	{ "beta.kubernetes.io/os", "kubernetes.io/os" },
	{ "beta.kubernetes.io/arch", "kubernetes.io/arch" },
};

static bool is_renamed(const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++)
		if ((!strcmp(a, renamed[i][0]) && !strcmp(b, renamed[i][1])) ||
		    (!strcmp(a, renamed[i][1]) && !strcmp(b, renamed[i][0])))
			return true;
	return false;
}

static const char *name_part(const char *k)
{
	const char *s = strrchr(k, '/');

	return s ? s + 1 : k;
}

#define TYPO_MAX 2
#define TYPO_MIN_LEN 6

/* Optimal string alignment distance <= TYPO_MAX, computed only in the band
 * |i - j| <= TYPO_MAX so that a hostile long key costs a few cells a
 * character. */
static bool within_typo(const char *a, const char *b)
{
	enum { W = 2 * TYPO_MAX + 1, BIG = TYPO_MAX + 1 };
	size_t la = strlen(a), lb = strlen(b), i;
	/* rows i-2, i-1, i; cell (i, j) is stored at offset j - i + TYPO_MAX */
	int r[3][W];

	if (la + TYPO_MAX < lb || lb + TYPO_MAX < la)
		return false;
	for (i = 0; i <= la; i++) {
		int *cur = r[i % 3], *p1 = r[(i + 2) % 3], *p2 = r[(i + 1) % 3];
		int best = BIG, o;

		for (o = 0; o < W; o++) {
			long jj = (long)i + o - TYPO_MAX;
			size_t j;
			int v;

			if (jj < 0 || (size_t)jj > lb) {
				cur[o] = BIG;
				continue;
			}
			j = (size_t)jj;
			if (i == 0 || j == 0) {
				v = (int)(i + j);
			} else {
				/* (i-1, j-1) at p1[o], (i-1, j) at p1[o+1], (i, j-1) at cur[o-1] */
				v = p1[o] + (a[i - 1] != b[j - 1]);
				if (o + 1 < W && p1[o + 1] + 1 < v)
					v = p1[o + 1] + 1;
				if (o > 0 && cur[o - 1] + 1 < v)
					v = cur[o - 1] + 1;
				/* (i-2, j-2) is at the same offset two rows up */
				if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
				    p2[o] + 1 < v)
					v = p2[o] + 1;
			}
			cur[o] = v > BIG ? BIG : v;
			if (cur[o] < best)
				best = cur[o];
		}
		if (best > TYPO_MAX)
			return false;
	}
	return r[la % 3][(long)lb - (long)la + TYPO_MAX] <= TYPO_MAX;
}

enum sc_nearmiss_kind sc_nearmiss_key(const char *label, const char *key)
{
	if (!strcmp(label, key))
		return SC_NEAR_NONE;
	if (is_renamed(label, key))
		return SC_NEAR_DEPRECATED;
	if (!strcasecmp(label, key))
		return SC_NEAR_CASE;
	if (*name_part(key) && !strcasecmp(name_part(label), name_part(key)))
		return SC_NEAR_PREFIX;
	if (strlen(key) >= TYPO_MIN_LEN && within_typo(label, key))
		return SC_NEAR_TYPO;
	return SC_NEAR_NONE;
}

const char *sc_nearmiss_name(enum sc_nearmiss_kind k)
{
	switch (k) {
	case SC_NEAR_DEPRECATED:
		return "deprecated";
	case SC_NEAR_CASE:
		return "case";
	case SC_NEAR_PREFIX:
		return "prefix";
	case SC_NEAR_TYPO:
		return "typo";
	default:
		return "";
	}
}

static bool lset_has(const struct sc_lset *ls, const char *key)
{
	uint32_t i;

	for (i = 0; i < ls->n; i++)
		if (ls->l[i].key == key || !strcmp(ls->l[i].key, key))
			return true;
	return false;
}

static int near_label_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct sc_label *const *)a)->key,
		      (*(const struct sc_label *const *)b)->key);
}

json_t *sc_nearmiss_nodes(const struct sc_cluster *c, const char *key)
{
	json_t *arr = json_array();
	/* per label set: 1 when it has no near miss (the nodes of a pool may
	 * share a set; it is searched once) */
	char *clean = xcalloc(c->nlsets + 1, 1);
	const struct sc_label **hit = NULL;
	size_t hit_cap = 0, nhit, n, h;
	uint32_t i;

	for (n = 0; n < c->nnodes; n++) {
		const struct sc_nodeinfo *nd = &c->nodes[n];
		const struct sc_lset *ls = &c->lsets[nd->lset];

		if (clean[nd->lset] || lset_has(ls, key))
			continue;
		if (hit_cap < ls->n) {
			hit_cap = ls->n;
			hit = xreallocarray(hit, hit_cap, sizeof(*hit));
		}
		for (nhit = 0, i = 0; i < ls->n; i++)
			if (sc_nearmiss_key(ls->l[i].key, key) != SC_NEAR_NONE)
				hit[nhit++] = &ls->l[i];
		if (!nhit) {
			clean[nd->lset] = 1;
			continue;
		}
		qsort(hit, nhit, sizeof(*hit), near_label_cmp);
		for (h = 0; h < nhit; h++) {
			json_t *o = json_object();

			json_object_set_new(o, "node", json_string(nd->name));
			json_object_set_new(o, "label", json_string(hit[h]->key));
			json_object_set_new(o, "value", json_string(hit[h]->val));
			json_object_set_new(o, "kind",
					    json_string(sc_nearmiss_name(sc_nearmiss_key(hit[h]->key, key))));
			json_array_append_new(arr, o);
		}
	}
	free(hit);
	free(clean);
	return arr;
}
