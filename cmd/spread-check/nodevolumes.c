/* nodevolumes.c - VolumeRestrictions and NodeVolumeLimits (volumes.h).
 * Follows volume_restrictions.go (PreFilter, readWriteOncePodPVCsForPod,
 * calPreFilterState, isVolumeConflict, haveOverlap, Filter) and
 * nodevolumelimits/csi.go (Filter, filterAttachableVolumes,
 * checkAttachableInlineVolume, getCSIDriverInfo, getCSIDriverInfoFromSC,
 * getVolumeLimits) with utils.go isCSIMigrationOn.
 */
#include <stdlib.h>
#include <string.h>

#include "volumes.h"
#include "xalloc.h"

#define R_DISK "node(s) had no available disk"
#define R_RWOP "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
#define R_LIMIT "node(s) exceed max volume count"

/* One attachable volume: its driver and what makes it unique. A bound
 * claim's is the PV's handle (b NULL); an unbound claim's is its own
 * namespace and name; a claim not created yet is unique (a and b NULL). */
struct vkey {
	const char *driver, *a, *b;
};

struct vlist {
	struct vkey *k;
	size_t n, cap;
};

/* A node's attached volumes: the pods' (sorted, each once), then the
 * VolumeAttachments' the pods do not account for. */
struct sc_attached {
	bool valid;
	struct vlist pods, vas;
};

static bool pod_reads_volumes(const struct sc_podspec *p)
{
	return p->nvols > 0 || p->nvct > 0;
}

void sc_nodevols_init(struct sc_nodevols *nv, const struct sc_cluster *c, const struct sc_podspec *pod)
{
	size_t i;

	memset(nv, 0, sizeof(*nv));
	nv->c = c;
	nv->pod = pod;
	nv->active = pod_reads_volumes(pod);
	if (!nv->active)
		return;
	/* the pods with volumes, per node: each Filter call walks its node's */
	nv->nindexed = c->npods;
	nv->first = xcalloc(c->nnodes + 1, sizeof(*nv->first));
	nv->next = xcalloc(c->npods + 1, sizeof(*nv->next));
	nv->gone = xcalloc(c->npods + 1, 1);
	nv->bfirst = xcalloc(c->nnodes + 1, sizeof(*nv->bfirst));
	nv->csinode = xcalloc(c->nnodes + 1, sizeof(*nv->csinode));
	for (i = 0; i < c->vols.ncsinode; i++) {
		int32_t n = sc_node_index(c, c->vols.csinodes[i].name);

		if (n >= 0 && !nv->csinode[n])
			nv->csinode[n] = &c->vols.csinodes[i];
	}
	nv->attached = xcalloc(c->nnodes + 1, sizeof(*nv->attached));
	nv->vafirst = xcalloc(c->nnodes + 1, sizeof(*nv->vafirst));
	nv->vanext = xcalloc(c->vols.nattach + 1, sizeof(*nv->vanext));
	for (i = c->vols.nattach; i-- > 0;) {
		int32_t n = sc_node_index(c, c->vols.attach[i].node);

		if (n >= 0) {
			nv->vanext[i] = nv->vafirst[n];
			nv->vafirst[n] = (uint32_t)i + 1;
		}
	}
	for (i = c->npods; i-- > 0;) {
		const struct sc_pod *p = &c->pods[i];

		if (p->node < 0 || !p->nvols || (p->flags & SC_POD_TERMINAL))
			continue;
		nv->next[i] = nv->first[p->node];
		nv->first[p->node] = (uint32_t)i + 1;
	}
}

void sc_nodevols_release(struct sc_nodevols *nv)
{
	size_t i;

	free(nv->first);
	free(nv->next);
	free(nv->gone);
	free(nv->bfirst);
	free(nv->csinode);
	for (i = 0; nv->attached && i < nv->c->nnodes; i++) {
		free(nv->attached[i].pods.k);
		free(nv->attached[i].vas.k);
	}
	free(nv->attached);
	free(nv->vafirst);
	free(nv->vanext);
	free(nv->bound);
	free(nv->prefilter);
	memset(nv, 0, sizeof(*nv));
}

void sc_nodevols_bind(struct sc_nodevols *nv, uint32_t n, const struct sc_podspec *s, int delta)
{
	if (!nv->active || !pod_reads_volumes(s))
		return;
	uint32_t *link;

	if (nv->active)
		nv->attached[n].valid = false;
	if (delta > 0) {
		nv->bound = xreallocarray(nv->bound, nv->nbound + 1, sizeof(*nv->bound));
		nv->bound[nv->nbound] = (struct sc_boundvols){ n, nv->bfirst[n], s };
		nv->bfirst[n] = (uint32_t)++nv->nbound;
		return;
	}
	for (link = &nv->bfirst[n]; *link; link = &nv->bound[*link - 1].next) {
		struct sc_boundvols *b = &nv->bound[*link - 1];

		if (b->spec == s) {
			b->spec = NULL;
			*link = b->next;
			return;
		}
	}
}

void sc_nodevols_delete_pod(struct sc_nodevols *nv, uint32_t idx)
{
	if (nv->active && idx < nv->nindexed) {
		nv->gone[idx] = 1;
		if (nv->c->pods[idx].node >= 0)
			nv->attached[nv->c->pods[idx].node].valid = false;
	}
}

void sc_nodevols_forget_bound(struct sc_nodevols *nv)
{
	size_t i;

	if (!nv->active)
		return;
	nv->nbound = 0;
	memset(nv->bfirst, 0, (nv->c->nnodes + 1) * sizeof(*nv->bfirst));
	for (i = 0; i < nv->c->nnodes; i++)
		nv->attached[i].valid = false;
}

/* Calls fn for the volumes of every pod on node n (n < 0: every node)
 * until it returns true; spec: a pod a simulation bound, else NULL. */
typedef bool (*vol_fn)(void *arg, const char *ns, const struct sc_podvol *v, uint32_t nv,
		       const struct sc_podspec *spec);

static bool each_pod_on(const struct sc_nodevols *nv, int64_t n, vol_fn fn, void *arg)
{
	const struct sc_cluster *c = nv->c;
	size_t i, lo = n < 0 ? 0 : (size_t)n, hi = n < 0 ? c->nnodes : (size_t)n + 1;
	uint32_t k;

	for (i = lo; i < hi; i++)
		for (k = nv->first[i]; k; k = nv->next[k - 1]) {
			const struct sc_pod *p = &c->pods[k - 1];

			if (!nv->gone[k - 1] && fn(arg, p->ns, &c->volpool[p->vols], p->nvols, NULL))
				return true;
		}
	for (i = lo; i < hi; i++)
		for (k = nv->bfirst[i]; k; k = nv->bound[k - 1].next) {
			const struct sc_podspec *s = nv->bound[k - 1].spec;

			if (fn(arg, s->ns, s->vols, s->nvols, s))
				return true;
		}
	return false;
}

/* ---- VolumeRestrictions ---- */

struct rwop_arg {
	const char *ns, *claim;
};

static bool uses_claim(void *arg, const char *ns, const struct sc_podvol *v, uint32_t n,
		       const struct sc_podspec *spec)
{
	const struct rwop_arg *a = arg;
	uint32_t i;

	(void)spec;
	if (ns != a->ns)
		return false;
	for (i = 0; i < n; i++)
		if (v[i].kind == SC_PODVOL_CLAIM && v[i].id == a->claim)
			return true;
	return false;
}

const char *sc_nodevols_prefilter(struct sc_nodevols *nv)
{
	const struct sc_podspec *p = nv->pod;
	uint32_t i, j;

	free(nv->prefilter);
	nv->prefilter = NULL;
	nv->rwop_in_use = 0;
	if (!nv->active)
		return NULL;
	for (i = 0; i < p->nvols; i++) {
		const struct sc_pvc *pvc;
		struct rwop_arg a = { p->ns, p->vols[i].id };

		if (p->vols[i].kind != SC_PODVOL_CLAIM)
			continue;
		/* a claim named twice is one claim (a set) */
		for (j = 0; j < i; j++)
			if (p->vols[j].kind == SC_PODVOL_CLAIM && p->vols[j].id == p->vols[i].id)
				break;
		if (j < i)
			continue;
		if (!(pvc = sc_find_pvc(nv->c, p->ns, p->vols[i].id))) {
			nv->prefilter = xasprintf("persistentvolumeclaim \"%s\" not found", p->vols[i].id);
			return nv->prefilter;
		}
		if (pvc->rwop && each_pod_on(nv, -1, uses_claim, &a))
			nv->rwop_in_use++;
	}
	return NULL;
}

/* haveOverlap over two monitor lists, each entry ended by '\n' */
static bool monitors_overlap(const char *a, const char *b)
{
	const char *p, *q, *ea, *eb;

	for (p = a; (ea = strchr(p, '\n')); p = ea + 1)
		for (q = b; (eb = strchr(q, '\n')); q = eb + 1)
			if (ea - p == eb - q && memcmp(p, q, (size_t)(ea - p)) == 0)
				return true;
	return false;
}

static bool disks_conflict(const struct sc_podvol *w, const struct sc_podvol *e)
{
	if (w->kind != e->kind)
		return false;
	switch (w->kind) {
	case SC_PODVOL_GCE_PD:
	case SC_PODVOL_ISCSI:
		return w->id == e->id && !(w->read_only && e->read_only);
	case SC_PODVOL_AWS_EBS:
		return w->id == e->id;
	case SC_PODVOL_RBD:
		return w->pool == e->pool && w->id == e->id && !(w->read_only && e->read_only) &&
		       monitors_overlap(w->mons, e->mons);
	default:
		return false;
	}
}

static bool disk_taken(void *arg, const char *ns, const struct sc_podvol *v, uint32_t n,
		       const struct sc_podspec *spec)
{
	const struct sc_podspec *p = arg;
	uint32_t i, j;

	(void)ns;
	(void)spec;
	for (i = 0; i < p->nvols; i++)
		for (j = 0; j < n; j++)
			if (disks_conflict(&p->vols[i], &v[j]))
				return true;
	return false;
}

static bool has_inline_disk(const struct sc_podspec *p)
{
	uint32_t i;

	for (i = 0; i < p->nvols; i++)
		if (p->vols[i].kind >= SC_PODVOL_GCE_PD)
			return true;
	return false;
}

/* ---- NodeVolumeLimits ---- */

static void vlist_add(struct vlist *l, const char *driver, const char *a, const char *b)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->k = xreallocarray(l->k, l->cap, sizeof(*l->k));
	}
	l->k[l->n++] = (struct vkey){ driver, a, b };
}

/* isCSIMigrationOn (upstream master): on a node with a CSINode, for the
 * in-tree plugins whose migration is GA; the CSINode's migrated-plugins
 * annotation is no longer read */
static bool migrated(const struct sc_csinode *cn, const char *plugin)
{
	return cn && (strcmp(plugin, "kubernetes.io/aws-ebs") == 0 || strcmp(plugin, "kubernetes.io/gce-pd") == 0 ||
		      strcmp(plugin, "kubernetes.io/azure-disk") == 0 || strcmp(plugin, "kubernetes.io/cinder") == 0 ||
		      strcmp(plugin, "kubernetes.io/portworx-volume") == 0);
}

/* csi-translation-lib's GetCSINameFromInTreeName for the migratable
 * provisioners; NULL for any other */
static const char *csi_name_of(const struct sc_cluster *c, const char *provisioner)
{
	static const char *const map[][2] = {
		{ "kubernetes.io/aws-ebs", "ebs.csi.aws.com" },
		{ "kubernetes.io/gce-pd", "pd.csi.storage.gke.io" },
		{ "kubernetes.io/azure-disk", "disk.csi.azure.com" },
		{ "kubernetes.io/cinder", "cinder.csi.openstack.org" },
		{ "kubernetes.io/azure-file", "file.csi.azure.com" },
		{ "kubernetes.io/vsphere-volume", "csi.vsphere.vmware.com" },
		{ "kubernetes.io/portworx-volume", "pxd.portworx.com" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(provisioner, map[i][0]) == 0)
			return sc_lookup(&c->strs, map[i][1]) ? sc_lookup(&c->strs, map[i][1]) : map[i][1];
	return NULL;
}

/* getCSIDriverInfoFromSC: the class's provisioner (a migrated in-tree one
 * as its CSI driver) */
static void add_from_class(const struct sc_cluster *c, const struct sc_csinode *cn, const char *cls,
			   const char *a, const char *b, struct vlist *out)
{
	const struct sc_storageclass *sc = cls && *cls ? sc_find_class(c, cls) : NULL;
	const char *prov, *drv;

	if (!sc || !*(prov = sc->provisioner))
		return;
	if ((drv = csi_name_of(c, prov))) {
		if (!migrated(cn, prov))
			return;
		prov = drv;
	}
	vlist_add(out, prov, a, b);
}

/* getCSIDriverInfo for a claim that exists */
static void add_claim(const struct sc_cluster *c, const struct sc_csinode *cn, const struct sc_pvc *pvc,
		      struct vlist *out)
{
	const struct sc_pv *pv = pvc->volume ? sc_find_pv(c, pvc->volume) : NULL;

	if (!pv) {
		add_from_class(c, cn, pvc->class, pvc->ns, pvc->name, out);
		return;
	}
	if (pv->csi_driver) {
		if (*pv->csi_driver && pv->csi_handle && *pv->csi_handle)
			vlist_add(out, pv->csi_driver, pv->csi_handle, NULL);
		return;
	}
	if (pv->ebs_handle && *pv->ebs_handle && migrated(cn, "kubernetes.io/aws-ebs"))
		vlist_add(out, csi_name_of(c, "kubernetes.io/aws-ebs"), pv->ebs_handle, NULL);
}

struct count_arg {
	const struct sc_cluster *c;
	const struct sc_csinode *cn;
	struct vlist *out;
};

/* filterAttachableVolumes over one pod's volumes; a pod of a spec (placed
 * or being placed) also has the claims created with it */
static bool add_pod_volumes(void *arg, const char *ns, const struct sc_podvol *v, uint32_t n,
			    const struct sc_podspec *spec)
{
	const struct count_arg *a = arg;
	const struct sc_cluster *c = a->c;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct sc_pvc *pvc;

		switch (v[i].kind) {
		case SC_PODVOL_CLAIM:
		case SC_PODVOL_EPHEMERAL:
			if ((pvc = sc_find_pvc(c, ns, v[i].id)))
				add_claim(c, a->cn, pvc, a->out);
			else if (v[i].kind == SC_PODVOL_EPHEMERAL && spec)
				add_from_class(c, a->cn, sc_claim_class(c, v[i].eph_class), NULL, NULL,
					       a->out);
			break;
		case SC_PODVOL_AWS_EBS:
			/* checkAttachableInlineVolume */
			if (migrated(a->cn, "kubernetes.io/aws-ebs") && *v[i].handle)
				vlist_add(a->out, csi_name_of(c, "kubernetes.io/aws-ebs"), v[i].handle, NULL);
			break;
		default:
			break;
		}
	}
	for (i = 0; spec && i < spec->nvct; i++)
		add_from_class(c, a->cn, sc_claim_class(c, spec->vct_class[i]), NULL, NULL, a->out);
	return false;
}

static int vkey_cmp(const void *x, const void *y)
{
	const struct vkey *a = x, *b = y;
	const void *pa[3] = { a->driver, a->a, a->b }, *pb[3] = { b->driver, b->a, b->b };
	size_t i;

	for (i = 0; i < 3; i++)
		if (pa[i] != pb[i])
			return (uintptr_t)pa[i] < (uintptr_t)pb[i] ? -1 : 1;
	return 0;
}

static bool vkey_unique(const struct vkey *k)
{
	return !k->a && !k->b;
}

/* sorted, each key once (keys of claims not created yet all stay) */
static void vlist_unique(struct vlist *l)
{
	size_t i, m = 0;

	if (l->n > 1)
		qsort(l->k, l->n, sizeof(*l->k), vkey_cmp);
	for (i = 0; i < l->n; i++)
		if (!m || vkey_unique(&l->k[i]) || vkey_cmp(&l->k[m - 1], &l->k[i]) != 0)
			l->k[m++] = l->k[i];
	l->n = m;
}

/* getNodeVolumeAttachmentInfo: an attached PersistentVolume's CSI handle */
static const char *pv_handle(const struct sc_cluster *c, const char *pv)
{
	const struct sc_pv *p = sc_find_pv(c, pv);

	return p && p->csi_handle && *p->csi_handle ? p->csi_handle : NULL;
}

/* The volumes attached to node n as NodeVolumeLimits counts them (its
 * Filter's attachedVolumes, then getNodeVolumeAttachmentInfo's). */
static const struct sc_attached *attached_on(const struct sc_nodevols *nv, uint32_t n)
{
	const struct sc_cluster *c = nv->c;
	struct sc_attached *at = &nv->attached[n];
	struct count_arg a = { c, nv->csinode[n], &at->pods };
	uint32_t i;

	if (at->valid)
		return at;
	at->pods.n = at->vas.n = 0;
	each_pod_on(nv, n, add_pod_volumes, &a);
	vlist_unique(&at->pods);
	for (i = nv->vafirst[n]; i; i = nv->vanext[i - 1]) {
		const struct sc_volattach *va = &c->vols.attach[i - 1];
		struct vkey key;

		if (!(key.a = pv_handle(c, va->pv)))
			continue;
		key.driver = va->attacher;
		key.b = NULL;
		/* bsearch may not be given a NULL array, even of 0 entries */
		if (!at->pods.n || !bsearch(&key, at->pods.k, at->pods.n, sizeof(*at->pods.k), vkey_cmp))
			vlist_add(&at->vas, key.driver, key.a, NULL);
	}
	vlist_unique(&at->vas);
	at->valid = true;
	return at;
}

static bool over_limit(const struct sc_nodevols *nv, uint32_t n, struct sc_nodevols_why *why)
{
	const struct sc_podspec *p = nv->pod;
	const struct sc_csinode *cn = nv->csinode[n];
	const struct sc_attached *at;
	struct vlist mine = { 0 };
	struct count_arg a = { nv->c, cn, &mine };
	bool over = false, any_limit = false;
	size_t i;
	uint32_t v;

	if (!cn)
		return false;
	for (v = 0; v < cn->ndrivers; v++)
		any_limit |= cn->drivers[v].count >= 0;
	if (!any_limit)
		return false;
	add_pod_volumes(&a, p->ns, p->vols, p->nvols, p);
	vlist_unique(&mine);
	at = mine.n ? attached_on(nv, n) : NULL;
	/* per driver with a limit: attached + the pod's not attached already
	 * (matched against the pods' volumes only, as upstream) */
	for (v = 0; at && v < cn->ndrivers && !over; v++) {
		const char *drv = cn->drivers[v].name;
		int64_t count = 0, fresh = 0;

		if (cn->drivers[v].count < 0)
			continue;
		for (i = 0; i < at->pods.n; i++)
			count += at->pods.k[i].driver == drv;
		for (i = 0; i < at->vas.n; i++)
			count += at->vas.k[i].driver == drv;
		for (i = 0; i < mine.n; i++)
			fresh += mine.k[i].driver == drv &&
				 (vkey_unique(&mine.k[i]) || !at->pods.n ||
				  !bsearch(&mine.k[i], at->pods.k, at->pods.n, sizeof(*at->pods.k), vkey_cmp));
		over = fresh && count + fresh > cn->drivers[v].count;
		if (over && why) {
			why->driver = drv;
			why->limit = cn->drivers[v].count;
			why->attached = count;
			why->fresh = fresh;
		}
	}
	free(mine.k);
	return over;
}

const char *sc_nodevols_filter(const struct sc_nodevols *nv, uint32_t n, const char **plugin)
{
	if (!nv->active)
		return NULL;
	*plugin = "VolumeRestrictions";
	if (has_inline_disk(nv->pod) && each_pod_on(nv, n, disk_taken, (void *)nv->pod))
		return R_DISK;
	if (nv->rwop_in_use)
		return R_RWOP;
	*plugin = "NodeVolumeLimits";
	if (over_limit(nv, n, NULL))
		return R_LIMIT;
	return NULL;
}

bool sc_nodevols_why(const struct sc_nodevols *nv, uint32_t n, struct sc_nodevols_why *why)
{
	const struct sc_podspec *p = nv->pod;
	uint32_t i;

	memset(why, 0, sizeof(*why));
	if (!nv->active)
		return false;
	/* the first inline volume a pod on the node holds too */
	for (i = 0; has_inline_disk(p) && i < p->nvols; i++) {
		struct sc_podspec one = { 0 };

		one.vols = &p->vols[i];
		one.nvols = 1;
		if (p->vols[i].kind >= SC_PODVOL_GCE_PD && each_pod_on(nv, n, disk_taken, &one)) {
			why->disk = &p->vols[i];
			return true;
		}
	}
	/* the first ReadWriteOncePod claim a pod on any node uses */
	for (i = 0; nv->rwop_in_use && i < p->nvols; i++) {
		const struct sc_pvc *pvc = p->vols[i].kind == SC_PODVOL_CLAIM ? sc_find_pvc(nv->c, p->ns, p->vols[i].id) : NULL;
		struct rwop_arg a = { p->ns, p->vols[i].id };

		if (pvc && pvc->rwop && each_pod_on(nv, -1, uses_claim, &a)) {
			why->claim = p->vols[i].id;
			return true;
		}
	}
	return over_limit(nv, n, why);
}
