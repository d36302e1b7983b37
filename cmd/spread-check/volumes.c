/* volumes.c - VolumeBinding and VolumeZone for bound claims (volumes.h).
 * Follows volume_binding.go (PreFilter, podHasPVCs, Filter),
 * binder.go (GetPodVolumeClaims, isPVCFullyBound, checkBoundClaims),
 * volume/util.CheckNodeAffinity and volume_zone.go (Filter).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "volumes.h"
#include "xalloc.h"

size_t sc_vol_reasons(uint8_t why, const char **out)
{
	size_t n = 0;

	if (why & SC_VOL_NODE_CONFLICT)
		out[n++] = "node(s) had volume node affinity conflict";
	if (why & SC_VOL_BIND_CONFLICT)
		out[n++] = "node(s) didn't find available persistent volumes to bind";
	if (why & SC_VOL_PV_MISSING)
		out[n++] = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
	if (why & SC_VOL_ZONE_CONFLICT)
		out[n++] = "node(s) had no available volume zone";
	return n;
}

/* volume.IsDelayBindingMode: no class, or a class not found, binds
 * immediately. Without any StorageClass in the dump every unbound claim is
 * taken as delayed (and not modelled). */
static bool delayed(const struct sc_cluster *c, const struct sc_pvc *pvc)
{
	const struct sc_storageclass *sc;

	if (!c->vols.nclass)
		return true;
	sc = *pvc->class ? sc_find_class(c, pvc->class) : NULL;
	return sc && sc->wait;
}

/* volume.CheckNodeAffinity: the terms see the node's labels only (no name) */
static bool pv_affinity_ok(const struct sc_cluster *c, const struct sc_pv *pv, const struct sc_nodeinfo *n)
{
	uint32_t i;

	if (!pv->has_required)
		return true;
	for (i = 0; i < pv->nterms; i++)
		if (sc_sel_matches(&pv->terms[i], &c->lsets[n->lset], ""))
			return true;
	return false;
}

/* volumezone: the PV's zone/region labels (a "__"-separated set) must hold
 * the node's value, when the node has any of those labels */
static bool pv_zone_ok(const struct sc_cluster *c, const struct sc_pv *pv, const struct sc_nodeinfo *n)
{
	static const char *const keys[] = {
		"failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
		"topology.kubernetes.io/zone", "topology.kubernetes.io/region",
	};
	const struct sc_lset *nl = &c->lsets[n->lset], *pl = &c->lsets[pv->lset];
	bool node_has = false;
	size_t k;

	for (k = 0; k < 4; k++) {
		const char *key = sc_lookup(&c->strs, keys[k]);

		if (key && sc_lset_get(nl, key))
			node_has = true;
	}
	if (!node_has)
		return true;
	for (k = 0; k < 4; k++) {
		const char *key = sc_lookup(&c->strs, keys[k]), *pv_val, *node_val, *p;
		size_t len;

		if (!key || !(pv_val = sc_lset_get(pl, key)))
			continue;
		node_val = sc_lset_get(nl, key);
		if (!node_val)
			return false;
		len = strlen(node_val);
		for (p = pv_val;; p += 2) {
			const char *sep = strstr(p, "__");
			size_t plen = sep ? (size_t)(sep - p) : strlen(p);

			if (plen == len && strncmp(p, node_val, len) == 0)
				break;
			if (!sep)
				return false;
			p = sep;
		}
	}
	return true;
}

/* The PersistentVolumes a delayed claim could bind to: of its class, and
 * free or reserved for it. Node-independent, so listed once per pod, not
 * once per node (20,000 PVs times 2,000 nodes per replica before). */
static uint32_t *bind_candidates(const struct sc_cluster *c, const struct sc_pvc *pvc, uint32_t *n)
{
	uint32_t *v = NULL, i;

	*n = 0;
	for (i = 0; i < c->vols.npv; i++) {
		const struct sc_pv *pv = &c->vols.pv[i];

		if (pv->class != pvc->class || (pv->claim && (pv->claim_ns != pvc->ns || pv->claim != pvc->name)))
			continue;
		if (!(*n & (*n + 1)))  /* grows at 1, 3, 7, ...: doubling */
			v = xreallocarray(v, 2 * (size_t)*n + 1, sizeof(*v));
		v[(*n)++] = i;
	}
	return v;
}

/* findMatchingVolumes (an unclaimed PV of the class, or one claimed by
 * this claim, whose affinity matches; size, access and volume modes are not
 * checked), then checkVolumeProvisions (a provisioner, allowedTopologies) */
static bool delayed_claim_fits(const struct sc_cluster *c, const struct sc_pvc *pvc, const uint32_t *cand,
			       uint32_t ncand, const struct sc_nodeinfo *n)
{
	const struct sc_storageclass *sc = sc_find_class(c, pvc->class);
	const struct sc_lset *ls = &c->lsets[n->lset];
	uint32_t i, t;

	for (i = 0; i < ncand; i++)
		if (pv_affinity_ok(c, &c->vols.pv[cand[i]], n))
			return true;
	if (!sc || !*sc->provisioner || strcmp(sc->provisioner, "kubernetes.io/no-provisioner") == 0)
		return false;
	if (!sc->nterms)
		return true;
	for (t = 0; t < sc->nterms; t++)
		if (sc_sel_matches(&sc->terms[t], ls, NULL))
			return true;
	return false;
}

/* The class a new claim gets: its template's, or the default one (the
 * newest when several claim to be: here the last listed) */
const char *sc_claim_class(const struct sc_cluster *c, const char *cls)
{
	const char *def = NULL;
	size_t i;

	if (cls)
		return cls;
	for (i = 0; i < c->vols.nclass; i++)
		if (c->vols.classes[i].is_default)
			def = c->vols.classes[i].name;
	return def ? def : "";
}

bool sc_volmask_build(const struct sc_cluster *c, const char *ns, const char *const *claims, uint32_t n,
		      uint32_t nnew, const char *const *new_class, struct sc_volmask *m)
{
	const struct sc_pv **pvs = xcalloc(n + 1, sizeof(*pvs));
	const struct sc_pvc **delay = xcalloc(n + 1, sizeof(*delay));
	struct sc_pvc *fresh = xcalloc(n + 1, sizeof(*fresh));
	uint32_t i, npv = 0, ndelay = 0, **cand, *ncand;
	size_t node;
	bool missing_pv = false, bound_done = false;

	memset(m, 0, sizeof(*m));
	/* PreFilter (podHasPVCs, then unbound immediate claims) */
	for (i = 0; i < n; i++) {
		const struct sc_pvc *pvc = sc_find_pvc(c, ns, claims[i]);

		if (!pvc) {
			if (i >= n - nnew)
				continue;
			m->prefilter = xasprintf("persistentvolumeclaim \"%s\" not found", claims[i]);
			break;
		}
		if (pvc->lost) {
			m->prefilter = xasprintf("persistentvolumeclaim \"%s\" bound to non-existent persistentvolume \"%s\"",
						 claims[i], pvc->volume ? pvc->volume : "");
			break;
		}
		if (pvc->deleting) {
			m->prefilter = xasprintf("persistentvolumeclaim \"%s\" is being deleted", claims[i]);
			break;
		}
	}
	/* GetPodVolumeClaims: bound, unbound delayed, unbound immediate */
	for (i = 0; !m->prefilter && i < n; i++) {
		const struct sc_pvc *pvc = sc_find_pvc(c, ns, claims[i]);

		if (!pvc) {
			const char *cls;

			/* a StatefulSet claim the controller creates with the pod */
			if (!c->vols.nclass)
				continue;
			cls = sc_claim_class(c, new_class ? new_class[i - (n - nnew)] : NULL);
			fresh[i].ns = ns;
			fresh[i].name = claims[i];
			fresh[i].class = sc_lookup(&c->strs, cls);
			if (!fresh[i].class)
				fresh[i].class = "";   /* a class no object names: not found */
			pvc = &fresh[i];
		}
		if (pvc->volume && pvc->bind_completed) {
			if (bound_done)
				continue;
			pvs[npv] = sc_find_pv(c, pvc->volume);
			if (!pvs[npv]) {
				missing_pv = true;
				bound_done = true;   /* checkBoundClaims stops at the first missing PV */
				continue;
			}
			npv++;
		} else if (!pvc->volume && delayed(c, pvc)) {
			if (c->vols.nclass)
				delay[ndelay++] = pvc;
		} else {
			m->prefilter = xstrdup("pod has unbound immediate PersistentVolumeClaims");
		}
	}
	if (m->prefilter || (!npv && !missing_pv && !ndelay)) {
		free(pvs);
		free(delay);
		free(fresh);
		return m->prefilter != NULL;
	}
	cand = xcalloc(ndelay + 1, sizeof(*cand));
	ncand = xcalloc(ndelay + 1, sizeof(*ncand));
	for (i = 0; i < ndelay; i++)
		cand[i] = bind_candidates(c, delay[i], &ncand[i]);
	m->why = xcalloc(c->nnodes + 1, 1);
	for (node = 0; node < c->nnodes; node++) {
		const struct sc_nodeinfo *nd = &c->nodes[node];

		/* checkBoundClaims: the first claim that fails decides */
		for (i = 0; i < npv; i++)
			if (!pv_affinity_ok(c, pvs[i], nd)) {
				m->why[node] |= SC_VOL_NODE_CONFLICT;
				break;
			}
		if (i == npv && missing_pv)
			m->why[node] |= SC_VOL_PV_MISSING;
		for (i = 0; i < ndelay; i++)
			if (!delayed_claim_fits(c, delay[i], cand[i], ncand[i], nd)) {
				m->why[node] |= SC_VOL_BIND_CONFLICT;
				break;
			}
		/* VolumeZone runs only where VolumeBinding passed */
		for (i = 0; i < npv && !m->why[node]; i++)
			if (!pv_zone_ok(c, pvs[i], nd))
				m->why[node] = SC_VOL_ZONE_CONFLICT;
	}
	for (i = 0; i < ndelay; i++)
		free(cand[i]);
	free(cand);
	free(ncand);
	free(pvs);
	free(delay);
	free(fresh);
	return true;
}

void sc_volmask_release(struct sc_volmask *m)
{
	free(m->prefilter);
	free(m->why);
	memset(m, 0, sizeof(*m));
}

uint32_t sc_pod_claims(struct sc_cluster *c, const struct sc_podspec *p, bool sts, long ordinal,
		       const char ***claims, const char ***new_class, uint32_t *nnew)
{
	uint32_t i, n = 0, nvct = sts ? p->nvct : 0;

	*claims = xcalloc(p->nclaims + nvct + p->neph + 1, sizeof(**claims));
	*new_class = xcalloc(nvct + p->neph + 1, sizeof(**new_class));
	*nnew = nvct + p->neph;
	for (i = 0; i < p->nclaims; i++)
		(*claims)[n++] = p->claims[i];
	for (i = 0; i < nvct + p->neph; i++) {
		/* an ephemeral claim is <pod>-<volume>: any name the dump does not hold */
		char *name = i < nvct ? xasprintf("%s-%s-%ld", p->vct[i], p->name, ordinal)
				      : xasprintf("%s-%ld-ephemeral-%u", p->name, ordinal, i - nvct);

		(*claims)[n++] = sc_intern_str(&c->strs, name);
		(*new_class)[i] = i < nvct ? p->vct_class[i] : p->eph_class[i - nvct];
		free(name);
	}
	return n;
}
