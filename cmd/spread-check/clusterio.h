/* clusterio.h - loading place/simulate/audit inputs; every failure prints
 * "spread-check: file:line:col: message" and exits 2 (tk_fatal_diag).
 */
#ifndef SC_CLUSTERIO_H
#define SC_CLUSTERIO_H

#include "cluster.h"
#include "podtopo.h"

void sc_must_load_nodes(struct sc_cluster *c, const char *path);
void sc_must_load_pods(struct sc_cluster *c, const char *path);
/* The first item of path: a Pod, or a workload with a pod template. */
void sc_must_load_podspec(struct sc_cluster *c, const char *path, struct sc_podspec *p);
/* "system" -> the scheduler's built-in defaults; else a YAML/JSON file with a
 * list of constraints (or a map with defaultConstraints:); [] turns
 * defaulting off. */
void sc_must_load_defaults(struct sc_cluster *c, const char *arg, struct pts_defaults *defs);
void sc_defaults_release(struct pts_defaults *defs);
/* Services, ReplicationControllers, ReplicaSets, StatefulSets. */
void sc_must_load_objects(struct sc_cluster *c, const char *path, struct pts_objects *objs);

/* A workload (Deployment, ReplicaSet, StatefulSet, ReplicationController)
 * given where a pod is expected: its pods' controller, so that default
 * constraints find their selector (helper.DefaultSelector reads the pod's
 * controlling ReplicaSet/StatefulSet/RC): sets p->owner and adds the
 * controller, with the workload's selector (plus pod-template-hash for a
 * Deployment when p's labels carry one), to objs. Pods are left alone. */
void sc_workload_owner(struct sc_cluster *c, struct sc_podspec *p, struct pts_objects *objs);

#endif
