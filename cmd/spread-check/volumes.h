/* volumes.h - the scheduler's volume filters for pods whose
 * PersistentVolumeClaims are in the dump (c->vols).
 *
 * Modelled (pkg/scheduler/framework/plugins/volumebinding, volumezone):
 *   PreFilter   a claim that does not exist, is being deleted or is Lost,
 *               or an unbound claim that binds immediately (spec.volumeName
 *               set but not bind-completed; or, when the dump has
 *               StorageClasses, no WaitForFirstConsumer class) rejects the
 *               pod on every node
 *   Filter      a bound claim's PersistentVolume must exist and its
 *               spec.nodeAffinity.required must match the node's labels;
 *               with StorageClasses in the dump, a WaitForFirstConsumer
 *               claim needs an unclaimed PersistentVolume of its class that
 *               matches the node, or a class that provisions
 *               (allowedTopologies matching the node) (VolumeBinding); a
 *               bound PV's zone/region labels must hold the node's
 *               (VolumeZone)
 * Not modelled: without StorageClasses, unbound claims pass every node;
 * capacity (PV size, CSIStorageCapacity), access modes, volume modes and
 * PV label selectors of claims.
 *
 * nodevolumes.c, before VolumeBinding in the chain (default profile order):
 *   VolumeRestrictions (volumerestrictions/volume_restrictions.go)
 *     PreFilter   a persistentVolumeClaim the dump lacks rejects the pod
 *                 ("persistentvolumeclaim \"x\" not found"); counts the
 *                 pod's ReadWriteOncePod claims that a pod bound to a node
 *                 already uses
 *     Filter      an inline GCE PD (unless both read-only), AWS EBS, RBD
 *                 (a shared monitor, same pool and image, unless both
 *                 read-only) or iSCSI (same IQN, unless both read-only)
 *                 volume of a pod on the node: "node(s) had no available
 *                 disk"; then any ReadWriteOncePod claim in use: every
 *                 node fails with "node has pod using PersistentVolumeClaim
 *                 with the same name and ReadWriteOncePod access mode"
 *   NodeVolumeLimits (nodevolumelimits/csi.go)
 *     Filter      per CSI driver with allocatable.count in the node's
 *                 CSINode: the volumes of the pods on the node (each
 *                 unique driver/handle once) plus the pod's new ones must
 *                 not exceed it: "node(s) exceed max volume count". A
 *                 claim's driver and handle come from its bound PV's csi
 *                 source, else its StorageClass's provisioner (a handle of
 *                 its own per claim); in-tree aws-ebs volumes count as
 *                 ebs.csi.aws.com on a node with a CSINode, as in-tree
 *                 provisioners count as their CSI drivers (other in-tree
 *                 PVs are not counted);
 *                 then the node's VolumeAttachments of PVs the pods do not
 *                 account for (the pod's own volumes are not matched
 *                 against those, as upstream)
 *   Not modelled: CSIDriver preventPodSchedulingIfMissing
 *   (VolumeLimitScaling); an ephemeral claim not owned by its pod. A
 *   StatefulSet's or ephemeral claim the dump does not hold yet counts as
 *   a new volume of its class (never the same as an attached one).
 */
#ifndef SC_VOLUMES_H
#define SC_VOLUMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"

/* Per node, a set of the plugins' reasons. */
enum sc_vol_why {
	SC_VOL_NODE_CONFLICT = 1 << 0,   /* ErrReasonNodeConflict */
	SC_VOL_BIND_CONFLICT = 1 << 1,   /* ErrReasonBindConflict */
	SC_VOL_PV_MISSING = 1 << 2,      /* ErrReasonPVNotExist */
	SC_VOL_ZONE_CONFLICT = 1 << 3,   /* volumezone ErrReasonConflict */
};

/* Which nodes one pod's volumes allow. */
struct sc_volmask {
	char *prefilter;    /* PreFilter rejected the pod: the message; else NULL */
	uint8_t *why;       /* per node, enum sc_vol_why bits; NULL: every node passes */
};

/* The class a new claim gets: cls, else the default StorageClass, else "". */
const char *sc_claim_class(const struct sc_cluster *c, const char *cls);

/* The FitError reasons of a node the mask rejects, in the plugin's order;
 * returns how many (at most 4) went to out. */
size_t sc_vol_reasons(uint8_t why, const char **out);
/* Build the mask of a pod in ns with claims[0..n); the last nnew claims
 * are ones the StatefulSet controller creates with the pod when they are
 * missing: unbound, of class new_class[i] (NULL: the default StorageClass,
 * as the DefaultStorageClass admission sets it). Returns true when the pod
 * has any claim constraint (m filled). */
bool sc_volmask_build(const struct sc_cluster *c, const char *ns, const char *const *claims, uint32_t n,
		      uint32_t nnew, const char *const *new_class, struct sc_volmask *m);
void sc_volmask_release(struct sc_volmask *m);
/* A pod's claims: the template's, then a StatefulSet pod's
 * <template>-<statefulset>-<ordinal> (sts), then one per generic ephemeral
 * volume. The last *nnew are created with the pod; (*new_class)[i] is the
 * class of the i-th of those (NULL: the default). Both arrays are
 * malloc'd; returns the count of claims. */
uint32_t sc_pod_claims(struct sc_cluster *c, const struct sc_podspec *p, bool sts, long ordinal,
		       const char ***claims, const char ***new_class, uint32_t *nnew);

/* VolumeRestrictions and NodeVolumeLimits for one pod (nodevolumes.c): what
 * they read from the pods on each node, kept current as a simulation binds
 * and deletes pods. */
struct sc_attached;
struct sc_boundvols {
	uint32_t node, next;
	const struct sc_podspec *spec;  /* borrowed: the bound pod's */
};
struct sc_nodevols {
	const struct sc_cluster *c;
	const struct sc_podspec *pod;
	bool active;                    /* the pod has a volume either plugin reads */
	size_t nindexed;                /* c->pods indexed by first/next */
	uint32_t *first, *next;         /* per node: its pods with volumes (index + 1 chains) */
	uint8_t *gone;                  /* per indexed pod: deleted meanwhile */
	const struct sc_csinode **csinode;   /* per node, NULL none */
	uint32_t *vafirst, *vanext;     /* per node: its VolumeAttachments (index + 1 chains) */
	struct sc_attached *attached;   /* per node: what NodeVolumeLimits counts there, kept
					 * until a pod is bound to or leaves the node */
	struct sc_boundvols *bound;     /* pods a simulation bound (spec NULL: unbound again) */
	size_t nbound;
	uint32_t *bfirst;               /* per node: its bound (index + 1 chains through next) */
	int rwop_in_use;                /* PreFilter: ReadWriteOncePod claims already used */
	char *prefilter;                /* PreFilter's rejection, else NULL */
};
void sc_nodevols_init(struct sc_nodevols *nv, const struct sc_cluster *c, const struct sc_podspec *pod);
void sc_nodevols_release(struct sc_nodevols *nv);
/* PreFilter of both: NULL, or the message that rejects the pod everywhere. */
const char *sc_nodevols_prefilter(struct sc_nodevols *nv);
/* Filter on node n: NULL, or the reason (*plugin says whose). */
const char *sc_nodevols_filter(const struct sc_nodevols *nv, uint32_t n, const char **plugin);
/* What made the Filter reject node n, for explain: the pod's inline
 * volume a pod on the node holds too, or its ReadWriteOncePod claim in use
 * (VolumeRestrictions), or the driver over its limit with the node's
 * attached volumes and the pod's new ones (NodeVolumeLimits). */
struct sc_nodevols_why {
	const struct sc_podvol *disk;   /* borrowed from the pod, or NULL */
	const char *claim;              /* or NULL */
	const char *driver;             /* or NULL */
	int64_t limit, attached, fresh;
};
bool sc_nodevols_why(const struct sc_nodevols *nv, uint32_t n, struct sc_nodevols_why *why);
/* A pod of spec s bound to (delta 1) or unbound from (-1) node n. */
void sc_nodevols_bind(struct sc_nodevols *nv, uint32_t n, const struct sc_podspec *s, int delta);
/* Pod idx of c->pods deleted; sc_nodevols_forget_bound drops every bind. */
void sc_nodevols_delete_pod(struct sc_nodevols *nv, uint32_t idx);
void sc_nodevols_forget_bound(struct sc_nodevols *nv);

#endif
