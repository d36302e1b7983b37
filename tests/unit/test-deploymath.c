/* test-deploymath.c - spread-check's deployment controller arithmetic
 * (cmd/spread-check/deploymath.c) against the cases of kubernetes'
 * pkg/controller/deployment/util/deployment_util_test.go (TestResolveFenceposts,
 * TestMaxUnavailable, TestNewRSNewReplicas) and
 * pkg/controller/deployment/rolling_test.go (reconcileNewReplicaSet,
 * reconcileOldReplicaSets, cleanupUnhealthyReplicas,
 * scaleDownOldReplicaSetsForRollingUpdate).
 */
#include <string.h>

#include "tap.h"
#include "../../cmd/spread-check/deploymath.c"

static struct dm_intstr str(const char *s)
{
	struct dm_intstr v = { s != NULL, true, 0, s };

	return v;
}

static struct dm_intstr num(int64_t n)
{
	struct dm_intstr v = { true, false, n, NULL };

	return v;
}

static struct dm_deployment deploy(int32_t replicas, struct dm_intstr surge, struct dm_intstr unavail)
{
	struct dm_deployment d = { replicas, DM_ROLLING_UPDATE, surge, unavail };

	return d;
}

static void fenceposts(void)
{
	static const struct {
		const char *surge, *unavail;
		int32_t desired, want_surge, want_unavail;
		bool error;
	} cases[] = {
		{ "0%", "0%", 0, 0, 1, false },
		{ "39%", "39%", 10, 4, 3, false },
		{ "oops", "39%", 10, 0, 0, true },
		{ "55%", "urg", 10, 0, 0, true },
		{ "5", "1", 7, 0, 0, true },
		{ NULL, "39%", 10, 0, 3, false },
		{ "39%", NULL, 10, 4, 0, false },
		{ NULL, NULL, 10, 0, 1, false },
		{ "25%", "25%", 8, 2, 2, false },
		{ "25%", "25%", 1000, 250, 250, false },
		{ "25%", "25%", 3, 1, 0, false },
		{ "1%", "1%", 3, 1, 0, false },
		{ "0%", "1%", 3, 0, 1, false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_intstr s = str(cases[i].surge), u = str(cases[i].unavail);
		int32_t gs, gu;
		const char *err = NULL;
		int r = dm_resolve_fenceposts(&s, &u, cases[i].desired, &gs, &gu, &err);

		TAP_OK((r < 0) == cases[i].error && gs == cases[i].want_surge && gu == cases[i].want_unavail,
		       "ResolveFenceposts(%s, %s, %d) = %d, %d%s", cases[i].surge ? cases[i].surge : "nil",
		       cases[i].unavail ? cases[i].unavail : "nil", cases[i].desired, cases[i].want_surge,
		       cases[i].want_unavail, cases[i].error ? ", error" : "");
	}
	{
		struct dm_intstr a = num(1), b = num(1);
		int32_t gs, gu;
		const char *err;

		TAP_OK(dm_resolve_fenceposts(&a, &b, 2, &gs, &gu, &err) == 0 && gs == 1 && gu == 1,
		       "ResolveFenceposts(1, 1, 2) = 1, 1");
		a = num(0);
		b = num(0);
		TAP_OK(dm_resolve_fenceposts(&a, &b, 5, &gs, &gu, &err) == 0 && gs == 0 && gu == 1,
		       "ResolveFenceposts(0, 0, 5): both zero forces maxUnavailable 1");
	}
}

static void max_unavailable(void)
{
	static const struct {
		int32_t replicas;
		const char *pct;
		int64_t n;
		int32_t want;
	} cases[] = {
		{ 10, NULL, 5, 5 },
		{ 10, NULL, 10, 10 },
		{ 5, NULL, 10, 5 },
		{ 0, NULL, 10, 0 },
		{ 10, "50%", 0, 5 },
		{ 10, "100%", 0, 10 },
		{ 5, "100%", 0, 5 },
	};
	struct dm_deployment recreate = { 0, DM_RECREATE, { 0 }, { 0 } };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_deployment d = deploy(cases[i].replicas, num(1),
						cases[i].pct ? str(cases[i].pct) : num(cases[i].n));

		TAP_OK(dm_max_unavailable(&d) == cases[i].want, "MaxUnavailable(replicas %d, %s%lld) = %d",
		       cases[i].replicas, cases[i].pct ? cases[i].pct : "", cases[i].pct ? 0LL : (long long)cases[i].n,
		       cases[i].want);
	}
	TAP_OK(dm_max_unavailable(&recreate) == 0, "MaxUnavailable with Recreate = 0");
	TAP_OK(dm_max_surge(&recreate) == 0, "MaxSurge with Recreate = 0");
}

static void new_rs_new_replicas(void)
{
	static const struct {
		enum dm_strategy type;
		int32_t dep, new_rs, surge, want;
	} cases[] = {
		{ DM_ROLLING_UPDATE, 1, 5, 1, 5 },   /* can not scale up */
		{ DM_ROLLING_UPDATE, 6, 2, 10, 6 },  /* scale up to spec.replicas */
		{ DM_RECREATE, 3, 1, 1, 3 },
	};
	struct dm_rs rs5 = { 5, 0 };
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_deployment d = deploy(cases[i].dep, num(cases[i].surge), num(1));
		struct dm_rs nrs = { cases[i].new_rs, 0 };

		d.strategy = cases[i].type;
		TAP_OK(dm_new_rs_new_replicas(&d, &rs5, 1, &nrs) == cases[i].want,
		       "NewRSNewReplicas(dep %d, new %d, surge %d) = %d", cases[i].dep, cases[i].new_rs,
		       cases[i].surge, cases[i].want);
	}
}

static void reconcile_new(void)
{
	static const struct {
		int32_t dep, surge, old, new_rs, want;
	} cases[] = {
		{ 10, 0, 10, 0, 0 },    /* should not scale up */
		{ 10, 2, 10, 0, 2 },
		{ 10, 2, 5, 0, 7 },
		{ 10, 2, 10, 2, 2 },
		{ 10, 2, 2, 11, 10 },   /* should scale down */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_deployment d = deploy(cases[i].dep, num(cases[i].surge), num(0));
		struct dm_rs all[2] = { { cases[i].new_rs, 0 }, { cases[i].old, 0 } };

		TAP_OK(dm_reconcile_new(&d, all, 2, &all[0]) == cases[i].want,
		       "reconcileNewReplicaSet(dep %d, surge %d, old %d, new %d) -> new %d", cases[i].dep,
		       cases[i].surge, cases[i].old, cases[i].new_rs, cases[i].want);
	}
}

static void reconcile_old(void)
{
	static const struct {
		int32_t dep, unavail, old, new_rs, ready_old, ready_new;
		bool scaled;
		int32_t want_old;
	} cases[] = {
		{ 10, 0, 10, 0, 10, 0, true, 9 },
		{ 10, 2, 10, 0, 10, 0, true, 8 },
		{ 10, 2, 10, 0, 8, 0, true, 8 },    /* unhealthy old replicas cleaned up */
		{ 10, 2, 10, 0, 9, 0, true, 8 },    /* one unhealthy cleaned, one ready scaled */
		{ 10, 2, 8, 2, 8, 0, false, 8 },    /* the new RS's unavailable pods block */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_deployment d = deploy(cases[i].dep, num(0), num(cases[i].unavail));
		struct dm_rs old = { cases[i].old, cases[i].ready_old };
		struct dm_rs nrs = { cases[i].new_rs, cases[i].ready_new };
		int32_t n = dm_reconcile_old(&d, &old, 1, &nrs, NULL);

		TAP_OK((n > 0) == cases[i].scaled && old.replicas == cases[i].want_old,
		       "reconcileOldReplicaSets(dep %d, maxUnavailable %d, old %d/%d ready, new %d) -> old %d",
		       cases[i].dep, cases[i].unavail, cases[i].old, cases[i].ready_old, cases[i].new_rs,
		       cases[i].want_old);
	}
}

static void cleanup_unhealthy(void)
{
	static const struct {
		int32_t old, ready, max, want;
	} cases[] = {
		{ 10, 8, 1, 1 },
		{ 10, 8, 3, 2 },
		{ 10, 8, 0, 0 },
		{ 10, 10, 3, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_rs old = { cases[i].old, cases[i].ready };
		int32_t cleaned = 0;

		TAP_OK(dm_cleanup_unhealthy(&old, 1, cases[i].max, &cleaned) == cases[i].want &&
		       cleaned == cases[i].want && old.replicas == cases[i].old - cases[i].want,
		       "cleanupUnhealthyReplicas(old %d, ready %d, max %d) = %d", cases[i].old, cases[i].ready,
		       cases[i].max, cases[i].want);
	}
}

static void scale_down_old(void)
{
	static const struct {
		int32_t dep, unavail, ready, old;
		int32_t want_old;
	} cases[] = {
		{ 10, 0, 10, 10, 9 },
		{ 10, 2, 10, 10, 8 },
		{ 10, 2, 8, 10, 10 },   /* cannot scale down */
		{ 10, 2, 10, 0, 0 },    /* nothing to scale down */
		{ 10, 2, 1, 10, 10 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dm_deployment d = deploy(cases[i].dep, num(0), num(cases[i].unavail));
		struct dm_rs old = { cases[i].old, cases[i].ready };
		int32_t n = dm_scale_down_old(&d, cases[i].ready, &old, 1);

		TAP_OK(old.replicas == cases[i].want_old && n == cases[i].old - cases[i].want_old,
		       "scaleDownOldReplicaSetsForRollingUpdate(dep %d, maxUnavailable %d, ready %d, old %d) -> old %d",
		       cases[i].dep, cases[i].unavail, cases[i].ready, cases[i].old, cases[i].want_old);
	}
}

/* rolling.go's own worked example: 10 replicas, maxSurge 3, maxUnavailable 2;
 * a roll-over with two old replica sets at 13 pods scales them down by 5 */
static void rollover_example(void)
{
	struct dm_deployment d = deploy(10, num(3), num(2));
	struct dm_rs old[2] = { { 8, 8 }, { 5, 5 } }, nrs = { 0, 0 };
	struct dm_rs all[3] = { { 8, 8 }, { 5, 5 }, { 0, 0 } };

	TAP_OK(dm_reconcile_new(&d, all, 3, &nrs) == 0, "roll-over: the new RS starts at 0 (13 pods >= 13)");
	TAP_OK(dm_reconcile_old(&d, old, 2, &nrs, NULL) == 5 && old[0].replicas == 3 && old[1].replicas == 5,
	       "roll-over: the oldest RS is scaled down by 5 (13 - 8 - 0)");
}

int main(void)
{
	fenceposts();
	max_unavailable();
	new_rs_new_replicas();
	reconcile_new();
	reconcile_old();
	cleanup_unhealthy();
	scale_down_old();
	rollover_example();
	return TAP_DONE();
}
