/* sim.h - the scheduling loop shared by `simulate` (simulate.c) and
 * `simulate --rollout` (rollout.c).
 *
 * A struct sim places replicas 0..nrep-1 of one pod spec: replica i belongs
 * to group group_of[i] (pods with the same labels share one
 * PodTopologySpread state) and, optionally, has its own volume mask
 * vol_of[i]. sim_schedule_one() runs one scheduling cycle (filters in the
 * default profile's order, PodTopologySpread's score, selectHost) and binds
 * the replica, or leaves it Pending with the FitError message.
 *
 * Ownership: the sim owns its arrays and groups (sim_release); the cluster,
 * the pod spec, the defaults, the objects and the volume masks are borrowed.
 */
#ifndef SC_SIM_H
#define SC_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clusterio.h"
#include "filters.h"
#include "podtopo.h"
#include "volumes.h"

struct sim_opts {
	struct sc_inputs in;
	const char *workload;
	long long replicas;          /* -1: from the workload */
	bool seeded;
	unsigned long long seed;
	size_t nfail;
	char **fail;                 /* KEY=VALUE */
	bool rollout;                /* --rollout */
};

struct sim_group {
	struct sc_podspec spec;   /* shallow copy of the workload's; own labels and requests */
	struct pts_state st;
	struct sc_chain ch;       /* over st; vol set per replica */
};

struct sim {
	struct sc_cluster *c;
	struct sc_podspec *pod;
	const struct pts_defaults *defs;
	const struct pts_objects *objs;
	size_t ngroups;
	struct sim_group **groups;
	bool seeded;
	unsigned long long rng;
	uint32_t *cand;
	int64_t *scores;
	/* per replica */
	size_t nrep;
	int32_t *node_of;        /* -1 pending */
	int32_t *group_of;
	char **pending_reason;
	bool *rescheduled;
	const struct sc_volmask **vol_of;   /* NULL, or per replica (entries may be NULL) */
};

/* nrep replicas, all in group 0 (pod's labels and requests). */
void sim_init(struct sim *s, struct sc_cluster *c, struct sc_podspec *pod, const struct pts_defaults *defs,
	      const struct pts_objects *objs, const struct sim_opts *o, size_t nrep);
void sim_release(struct sim *s);
/* One scheduling cycle for replica i: true when it was bound. */
bool sim_schedule_one(struct sim *s, size_t i);
/* A Deployment's pods carry pod-template-hash: give the simulated ones a
 * value no running pod has (idx: the workload's position in the run). */
void sim_add_template_hash(struct sc_cluster *c, struct sc_podspec *p, size_t idx);

/* simulate --rollout (rollout.c): the whole run, its exit code. */
int sim_rollout(struct sim_opts *o);

#endif
