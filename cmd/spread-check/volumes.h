/* volumes.h - the scheduler's volume filters for pods whose
 * PersistentVolumeClaims are in the dump (c->vols).
 *
 * Modelled (pkg/scheduler/framework/plugins/volumebinding, volumezone):
 *   PreFilter   a claim that does not exist, is being deleted or is Lost,
 *               or a claim with spec.volumeName that the PV controller has
 *               not finished binding ("immediate" unbound), rejects the pod
 *               on every node
 *   Filter      a bound claim's PersistentVolume must exist and its
 *               spec.nodeAffinity.required must match the node's labels
 *               (VolumeBinding), and its zone/region labels must hold the
 *               node's (VolumeZone)
 * Not modelled: unbound claims (WaitForFirstConsumer) pass every node, as
 * if dynamic provisioning could serve any; storage capacity, CSI volume
 * limits, VolumeRestrictions.
 */
#ifndef SC_VOLUMES_H
#define SC_VOLUMES_H

#include <stdbool.h>
#include <stdint.h>

#include "cluster.h"

enum sc_vol_why {
	SC_VOL_OK,
	SC_VOL_NODE_CONFLICT,     /* ErrReasonNodeConflict */
	SC_VOL_PV_MISSING,        /* ErrReasonPVNotExist */
	SC_VOL_ZONE_CONFLICT,     /* volumezone ErrReasonConflict */
};

/* Which nodes one pod's volumes allow. */
struct sc_volmask {
	char *prefilter;    /* PreFilter rejected the pod: the message; else NULL */
	uint8_t *why;       /* per node, enum sc_vol_why; NULL: every node passes */
};

/* The FitError reason of a node the mask rejects. */
const char *sc_vol_reason(uint8_t why);
/* Build the mask of a pod in ns with claims[0..n); a claim whose name is
 * in may_be_new[0..nnew) and is missing from the dump is one the
 * StatefulSet controller creates with the pod (unbound: no constraint).
 * Returns true when the pod has any claim constraint (m filled). */
bool sc_volmask_build(const struct sc_cluster *c, const char *ns, const char *const *claims, uint32_t n,
		      uint32_t nnew, struct sc_volmask *m);
void sc_volmask_release(struct sc_volmask *m);
/* Claims of a StatefulSet's pod: the template's, then
 * <template>-<statefulset>-<ordinal> for each volumeClaimTemplate (these
 * last nvct are the ones the controller creates when missing). *out is
 * malloc'd; returns the count. */
uint32_t sc_statefulset_claims(struct sc_cluster *c, const struct sc_podspec *p, long ordinal,
			       const char ***out);

#endif
