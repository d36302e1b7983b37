/* clusterio.h - loading place/simulate/audit inputs; every failure prints
 * "spread-check: file:line:col: message" and exits 2 (tk_fatal_diag).
 */
#ifndef SC_CLUSTERIO_H
#define SC_CLUSTERIO_H

#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "cluster.h"
#include "podtopo.h"

/* ---- the options place, simulate and audit share ----
 * A subcommand puts SC_INPUT_LONGOPTS (and, where it builds constraints for
 * a pod, SC_DEFAULTS_LONGOPTS) into its getopt_long table with optstring
 * "ho:V", numbers its own long options from SC_OPT_OWN, and passes every
 * option it does not handle itself to sc_inputs_opt(). */
enum {
	SC_OPT_NODES = TK_OPT_LONG_BASE,
	SC_OPT_PODS,
	SC_OPT_DEFAULTS,
	SC_OPT_OBJECTS,
	SC_OPT_CLUSTER,
	SC_OPT_BEFORE_1_38,
	SC_OPT_OWN,
};
#define SC_INPUT_LONGOPTS \
	{ "nodes",               required_argument, NULL, SC_OPT_NODES }, \
	{ "pods",                required_argument, NULL, SC_OPT_PODS }, \
	{ "cluster",             required_argument, NULL, SC_OPT_CLUSTER }, \
	{ "scheduler-before-1.38", no_argument,    NULL, SC_OPT_BEFORE_1_38 }, \
	{ "output",              required_argument, NULL, 'o' }, \
	{ "help",                no_argument,       NULL, 'h' }, \
	{ "version",             no_argument,       NULL, 'V' }
#define SC_DEFAULTS_LONGOPTS \
	{ "default-constraints", required_argument, NULL, SC_OPT_DEFAULTS }, \
	{ "objects",             required_argument, NULL, SC_OPT_OBJECTS }

struct sc_inputs {
	const char *nodes, *pods, *defaults, *objects;   /* NULL: not given */
	const char *cluster;        /* --cluster: nodes and pods both name it */
	enum tk_out out;                                 /* TK_OUT_JSON unless -o */
	unsigned outputs;           /* the -o values accepted (json, text; pictures) */
	bool before_1_38;           /* --scheduler-before-1.38 */
};
void sc_inputs_init(struct sc_inputs *in);
/* Handle one shared option: -h calls usage(), -V prints the version, a bad
 * -o exits 2. Anything else (an unknown option getopt has reported) ends in
 * tk_getopt_error(). */
void sc_inputs_opt(struct sc_inputs *in, int ch, const char *arg, void (*usage)(void), char **argv);
/* Help lines: --cluster, --nodes and --pods (pods_help), in the usage layout. */
void sc_help_inputs(FILE *out, const char *pods_help);
/* Help lines of --default-constraints and --objects. */
void sc_help_defaults(FILE *out);
/* The end of every usage: -o, -h, -V, the exit statuses (what 0 and 1
 * mean here) and "See spread-check(1).". */
void sc_help_tail(FILE *out, const char *ok, const char *bad);
/* The same for a subcommand that accepts the -o values outputs. */
void sc_help_tail_outputs(FILE *out, unsigned outputs, const char *ok, const char *bad);

/* Load what place and simulate read: NODES, PODS (when given), the pod or
 * workload in podfile, the default constraints and the objects. */
void sc_must_load_inputs(struct sc_cluster *c, const struct sc_inputs *in, const char *podfile,
			 struct sc_podspec *pod, struct pts_defaults *defs, struct pts_objects *objs);

/* Load the nodes and (when given) the pods: one pass over a combined dump
 * when --cluster names it or --nodes and --pods name the same file (stdin
 * included), whose Services, ReplicaSets, StatefulSets and
 * ReplicationControllers then join objs (NULL: they are skipped). */
void sc_must_load_nodes_pods(struct sc_cluster *c, const struct sc_inputs *in,
			     struct pts_objects *objs);
/* Every pod or workload of path, in order (documents, and the items of a
 * List); at least one. *out is malloc'd; release each with
 * sc_podspec_release. */
size_t sc_must_load_podspecs(struct sc_cluster *c, const char *path, struct sc_podspec **out);
/* "system" -> the scheduler's built-in defaults; else a YAML/JSON file with a
 * list of constraints (or a map with defaultConstraints:); [] turns
 * defaulting off. */
void sc_must_load_defaults(struct sc_cluster *c, const char *arg, struct pts_defaults *defs);
void sc_defaults_release(struct pts_defaults *defs);
/* Add path's Services, ReplicationControllers, ReplicaSets, StatefulSets to objs. */
void sc_must_load_objects(struct sc_cluster *c, const char *path, struct pts_objects *objs);

/* A workload (Deployment, ReplicaSet, StatefulSet, ReplicationController)
 * given where a pod is expected: its pods' controller, so that default
 * constraints find their selector (helper.DefaultSelector reads the pod's
 * controlling ReplicaSet/StatefulSet/RC): sets p->owner and adds the
 * controller, with the workload's selector (plus pod-template-hash for a
 * Deployment when p's labels carry one), to objs. Pods are left alone. */
void sc_workload_owner(struct sc_cluster *c, struct sc_podspec *p, struct pts_objects *objs);

#endif
