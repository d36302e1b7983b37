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
 * PV label selectors of claims; CSI volume limits, VolumeRestrictions.
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

#endif
