/* deploymath.h - the deployment controller's rolling-update arithmetic,
 * pure and without I/O, so that tests/unit/test-deploymath.c can port the
 * upstream table tests case by case.
 *
 * Terminology (pkg/controller/deployment):
 *   fenceposts   maxSurge and maxUnavailable resolved against spec.replicas:
 *                a percentage rounds up for maxSurge and down for
 *                maxUnavailable; both 0 makes maxUnavailable 1
 *   replica set  here only what the arithmetic reads: spec.replicas and
 *                status.availableReplicas
 */
#ifndef SC_DEPLOYMATH_H
#define SC_DEPLOYMATH_H

#include <stdbool.h>
#include <stdint.h>

/* intstr.IntOrString as a strategy field holds it. */
struct dm_intstr {
	bool set;          /* false: the field is absent (nil) */
	bool is_string;
	int64_t ival;
	const char *sval;  /* "25%" */
};

enum dm_strategy { DM_ROLLING_UPDATE, DM_RECREATE };

struct dm_deployment {
	int32_t replicas;
	enum dm_strategy strategy;
	struct dm_intstr max_surge, max_unavailable;
};

struct dm_rs {
	int32_t replicas;    /* spec.replicas */
	int32_t available;   /* status.availableReplicas */
};

/* intstr.GetScaledValueFromIntOrPercent: 0, or -1 for a string that is not
 * "N%" (*err says why). */
int dm_scaled_value(const struct dm_intstr *v, int64_t total, bool round_up, int64_t *out,
		    const char **err);
/* deploymentutil.ResolveFenceposts (an absent field counts as 0). */
int dm_resolve_fenceposts(const struct dm_intstr *surge, const struct dm_intstr *unavail,
			  int32_t desired, int32_t *surge_out, int32_t *unavail_out, const char **err);
/* deploymentutil.MaxUnavailable / MaxSurge (0 for Recreate). */
int32_t dm_max_unavailable(const struct dm_deployment *d);
int32_t dm_max_surge(const struct dm_deployment *d);
/* deploymentutil.NewRSNewReplicas over the replica sets all (new included). */
int32_t dm_new_rs_new_replicas(const struct dm_deployment *d, const struct dm_rs *all, int nall,
			       const struct dm_rs *new_rs);
/* rolling.go reconcileNewReplicaSet: the new replica set's target. */
int32_t dm_reconcile_new(const struct dm_deployment *d, const struct dm_rs *all, int nall,
			 const struct dm_rs *new_rs);
/* cleanupUnhealthyReplicas: old[] sorted oldest first; cleaned[i] (may be
 * NULL) grows by old[i]'s share. Returns the count cleaned up. */
int32_t dm_cleanup_unhealthy(struct dm_rs *old, int nold, int32_t max_cleanup, int32_t *cleaned);
/* scaleDownOldReplicaSetsForRollingUpdate, available being
 * GetAvailableReplicaCountForReplicaSets(allRSs). Returns the count. */
int32_t dm_scale_down_old(const struct dm_deployment *d, int32_t available, struct dm_rs *old, int nold);
/* reconcileOldReplicaSets: old[] (oldest first, as ReplicaSetsByCreationTimestamp
 * sorts them) get their new spec.replicas. Returns the total scaled down. */
int32_t dm_reconcile_old(const struct dm_deployment *d, struct dm_rs *old, int nold,
			 const struct dm_rs *new_rs, int32_t *cleaned);

#endif
