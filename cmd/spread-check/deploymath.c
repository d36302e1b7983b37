/* deploymath.c - see deploymath.h. Follows
 * pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts,
 * MaxUnavailable, MaxSurge, NewRSNewReplicas), apimachinery's
 * intstr.GetScaledValueFromIntOrPercent and
 * pkg/controller/deployment/rolling.go (reconcileNewReplicaSet,
 * reconcileOldReplicaSets, cleanupUnhealthyReplicas,
 * scaleDownOldReplicaSetsForRollingUpdate).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "deploymath.h"

static int32_t min32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

/* strconv.Atoi of the text before '%' */
static bool parse_int(const char *s, size_t len, int64_t *out)
{
	char buf[32], *end;
	long long v;

	if (len == 0 || len >= sizeof(buf) || s[0] == ' ' || s[0] == '\t' || s[0] == '\n')
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int dm_scaled_value(const struct dm_intstr *v, int64_t total, bool round_up, int64_t *out,
		    const char **err)
{
	int64_t pct;
	size_t len;
	bool percent;

	*out = 0;
	if (!v->is_string) {
		*out = v->ival;
		return 0;
	}
	len = strlen(v->sval);
	percent = len && v->sval[len - 1] == '%';
	if (!parse_int(v->sval, percent ? len - 1 : len, &pct)) {
		*err = "invalid value";
		return -1;
	}
	if (!percent) {
		*err = "invalid type: string is not a percentage";
		return -1;
	}
	if (pct < 0 || pct > 1000000 || total < 0) {
		*err = "percentage out of range";
		return -1;
	}
	/* math.Ceil / math.Floor of value * total / 100 (exact in integers) */
	*out = round_up ? (pct * total + 99) / 100 : pct * total / 100;
	return 0;
}

int dm_resolve_fenceposts(const struct dm_intstr *surge, const struct dm_intstr *unavail,
			  int32_t desired, int32_t *surge_out, int32_t *unavail_out, const char **err)
{
	static const struct dm_intstr zero = { true, false, 0, NULL };
	int64_t s, u;

	*surge_out = *unavail_out = 0;
	if (dm_scaled_value(surge->set ? surge : &zero, desired, true, &s, err) < 0 ||
	    dm_scaled_value(unavail->set ? unavail : &zero, desired, false, &u, err) < 0)
		return -1;
	/* validation forbids both 0; rounding down can still get there */
	if (s == 0 && u == 0)
		u = 1;
	*surge_out = (int32_t)s;
	*unavail_out = (int32_t)u;
	return 0;
}

int32_t dm_max_unavailable(const struct dm_deployment *d)
{
	int32_t s, u;
	const char *err;

	if (d->strategy != DM_ROLLING_UPDATE || d->replicas == 0)
		return 0;
	if (dm_resolve_fenceposts(&d->max_surge, &d->max_unavailable, d->replicas, &s, &u, &err) < 0)
		return 0;
	return u > d->replicas ? d->replicas : u;
}

int32_t dm_max_surge(const struct dm_deployment *d)
{
	int32_t s, u;
	const char *err;

	if (d->strategy != DM_ROLLING_UPDATE)
		return 0;
	if (dm_resolve_fenceposts(&d->max_surge, &d->max_unavailable, d->replicas, &s, &u, &err) < 0)
		return 0;
	return s;
}

static int32_t sum_replicas(const struct dm_rs *rs, int n)
{
	int32_t t = 0;
	int i;

	for (i = 0; i < n; i++)
		t += rs[i].replicas;
	return t;
}

int32_t dm_new_rs_new_replicas(const struct dm_deployment *d, const struct dm_rs *all, int nall,
			       const struct dm_rs *new_rs)
{
	static const struct dm_intstr zero = { true, false, 0, NULL };
	int64_t surge;
	int32_t current, max_total;
	const char *err;

	if (d->strategy == DM_RECREATE)
		return d->replicas;
	/* NewRSNewReplicas scales maxSurge itself, without the fencepost rule */
	if (dm_scaled_value(d->max_surge.set ? &d->max_surge : &zero, d->replicas, true, &surge, &err) < 0)
		surge = 0;
	current = sum_replicas(all, nall);
	max_total = d->replicas + (int32_t)surge;
	if (current >= max_total)
		return new_rs->replicas;
	return new_rs->replicas + min32(max_total - current, d->replicas - new_rs->replicas);
}

int32_t dm_reconcile_new(const struct dm_deployment *d, const struct dm_rs *all, int nall,
			 const struct dm_rs *new_rs)
{
	if (new_rs->replicas >= d->replicas)
		return d->replicas;
	return dm_new_rs_new_replicas(d, all, nall, new_rs);
}

int32_t dm_cleanup_unhealthy(struct dm_rs *old, int nold, int32_t max_cleanup, int32_t *cleaned)
{
	int32_t total = 0, n;
	int i;

	for (i = 0; i < nold && total < max_cleanup; i++) {
		if (old[i].replicas == 0 || old[i].replicas == old[i].available)
			continue;
		n = min32(max_cleanup - total, old[i].replicas - old[i].available);
		old[i].replicas -= n;
		if (cleaned)
			cleaned[i] += n;
		total += n;
	}
	return total;
}

int32_t dm_scale_down_old(const struct dm_deployment *d, int32_t available, struct dm_rs *old, int nold)
{
	int32_t min_available = d->replicas - dm_max_unavailable(d);
	int32_t want, total = 0, n;
	int i;

	if (available <= min_available)
		return 0;
	want = available - min_available;
	for (i = 0; i < nold && total < want; i++) {
		if (old[i].replicas == 0)
			continue;
		n = min32(old[i].replicas, want - total);
		old[i].replicas -= n;
		total += n;
	}
	return total;
}

int32_t dm_reconcile_old(const struct dm_deployment *d, struct dm_rs *old, int nold,
			 const struct dm_rs *new_rs, int32_t *cleaned)
{
	int32_t old_count = sum_replicas(old, nold), min_available, max_scaled_down, cleanup;
	int32_t available = new_rs->available;
	int i;

	if (old_count == 0)
		return 0;
	min_available = d->replicas - dm_max_unavailable(d);
	max_scaled_down = old_count + new_rs->replicas - min_available - (new_rs->replicas - new_rs->available);
	if (max_scaled_down <= 0)
		return 0;
	cleanup = dm_cleanup_unhealthy(old, nold, max_scaled_down, cleaned);
	for (i = 0; i < nold; i++)
		available += old[i].available;
	return cleanup + dm_scale_down_old(d, available, old, nold);
}
