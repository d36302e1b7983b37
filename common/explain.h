/* explain.h - recognise the scheduler's and the kubelet's topology,
 * scheduling and admission messages in the evidence a user already has:
 * Event objects (core/v1 and events.k8s.io/v1, one object or a List),
 * `kubectl describe pod` text (its Events: table) and kubelet journal lines
 * (plain journalctl/klog text and `journalctl -o json` lines).
 *
 * Both spread-check explain (domain TK_EXPLAIN_SCHED) and numa-verify
 * --explain (TK_EXPLAIN_KUBELET) run the same reader and message tables;
 * entries of the other domain are counted and pointed to the other tool.
 */
#ifndef TK_EXPLAIN_H
#define TK_EXPLAIN_H

#include <stdio.h>

#include <jansson.h>

#include "emit.h"

enum tk_explain_domain {
	TK_EXPLAIN_SCHED = 0,
	TK_EXPLAIN_KUBELET = 1,
};

/* A tool's re-derivation of the decisions its domain's failures name: for
 * each recognised failure entry of the tool's own domain, rederive(arg,
 * object "ns/name", template name) returns a JSON value stored as the
 * entry's "rederived" (NULL: none), and text(value, out) renders it for -o
 * text. */
struct tk_explain_hook {
	json_t *(*rederive)(void *arg, const char *object, const char *template_name);
	void (*text)(const json_t *rederived, FILE *out);
	void *arg;
};

/* Read path ("-" = stdin), write the report to stdout as out (TK_OUT_JSON
 * or TK_OUT_TEXT); hook may be NULL. Returns the exit status: 0 everything
 * explained (or nothing to explain), 1 a recognised failure was found.
 * Unreadable input exits 2 via tk_fatal. */
int tk_explain_run(const char *path, enum tk_explain_domain domain, enum tk_out out,
		   const struct tk_explain_hook *hook);


#endif
