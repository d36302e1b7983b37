/* discover.h - topo-discover's pieces: hwloc -> struct topo, the PCI
 * resource map, and the text and NodeResourceTopology renderings.
 *
 * Terminology:
 *   source        where hwloc reads the machine: this machine (live), an
 *                 hwloc XML export, a recorded /sys + /proc tree (fsroot), or
 *                 a synthetic description ("package:2 numa:2 core:8 pu:2").
 *   resource map  rules from PCI vendor / device / class to the extended
 *                 resource name a device plugin advertises the device under
 *                 ("nvidia.com/gpu"). First matching rule wins; rules from
 *                 --resource-map come before the built-in defaults.
 *
 * Nothing here prints or exits: functions return 0, or -1 with a tk_diag.
 */
#ifndef TD_DISCOVER_H
#define TD_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "checkpoints.h"
#include "cpuset.h"
#include "picture.h"
#include "statefile.h"

struct topo;
struct tk_diag;
typedef struct json_t json_t;

/* ---- resource map ---- */

struct resmap_rule {
	int vendor;        /* PCI vendor id, -1 = any */
	int device;        /* PCI device id, -1 = any */
	unsigned class_id; /* PCI class (base << 8 | sub), compared on class_len hex digits */
	unsigned class_len;/* 0 (any), 2 (base class) or 4 (base and subclass) */
	char *resource;    /* NULL: the device has no resource */
};

struct resmap {
	size_t n;
	struct resmap_rule *rules;
};

/* The built-in rules (see resmap.c). */
void discover_resmap_init_defaults(struct resmap *m);
/* Put the rules of a YAML/JSON file before the ones in m. File format: a
 * sequence of maps {vendor, device, class, resource}; see topo-discover(1). */
int discover_resmap_load(struct resmap *m, const char *path, struct tk_diag *d);
/* The first matching rule, or NULL. */
const struct resmap_rule *discover_resmap_match(const struct resmap *m, unsigned vendor,
						unsigned device, unsigned class_id);
void discover_resmap_release(struct resmap *m);

/* ---- discovery ---- */

enum discover_source {
	SRC_LIVE,
	SRC_XML,
	SRC_FSROOT,
	SRC_SYNTHETIC,
};

struct discover_opts {
	enum discover_source source;
	const char *arg;            /* XML file, fsroot directory or description */
	bool devices;               /* discover PCI devices */
	const struct resmap *map;   /* may be NULL: no resource names */
	bool all_pci;               /* keep every PCI device (a user map may
				     * name classes hwloc finds unimportant) */
};

/* Largest synthetic machine accepted (PUs), as cpusets bound ids. */
#define DISCOVER_MAX_PUS 65536

/* Fill t (topo_init'ed by the caller) from the source and run topo_finish().
 * Returns 0, or -1 with d naming the source. */
int discover(struct topo *t, const struct discover_opts *o, struct tk_diag *d);


/* ---- rendering ---- */

/* "64 GiB", "1.5 GiB", "512 B": bytes as the text and the pictures show them. */
void discover_format_bytes(char *buf, size_t len, uint64_t b);

/* lstopo -p style tree, the NUMA distance matrix and the devices.
 * Returns 0 or -1 on a write error. */
int discover_render_text(const struct topo *t, FILE *out);

/* ---- the kubelet's allocations (kubelet.c) ---- */

/* What the kubelet keeps from the zones: reserved in its configuration
 * (reservedSystemCPUs, reservedMemory) and assigned exclusively in its
 * checkpoints under --kubelet-dir. */
struct node_reserved_mem {
	int numa;
	char *resource;                /* "memory", "hugepages-2Mi", ... */
	int64_t bytes;
};

struct node_alloc {
	struct cpuset reserved_cpus;   /* reservedSystemCPUs */
	size_t nresmem;
	struct node_reserved_mem *resmem;
	char *policy, *scope;          /* from the configuration (defaults none, container) */
	struct cpuset exclusive_cpus;  /* cpu_manager_state entries */
	struct tk_cpu_checkpoint cpu;  /* who holds them (the pictures) */
	struct tk_mem_checkpoint mem;
	struct tk_dev_checkpoint dev;
};

/* Read the KubeletConfiguration config (NULL: none) and the checkpoints
 * below kubelet_dir (a missing one assigns nothing), verified as the kubelet
 * verifies them at start-up against the configured policies. Returns 0, or
 * -1 with d filled. */
int discover_node_alloc_load(struct node_alloc *na, const char *kubelet_dir, const char *config,
			     struct tk_diag *d);
void discover_node_alloc_release(struct node_alloc *na);

struct nrt_opts {
	const char *name;              /* metadata.name; NULL: t->hostname */
	const char *policy;            /* topologyManagerPolicy or NULL */
	const char *scope;             /* topologyManagerScope or NULL */
	const struct node_alloc *alloc;/* NULL: available = allocatable = capacity */
};

/* The NodeResourceTopology (topology.node.k8s.io/v1alpha2) object, or NULL
 * with d filled (no usable name). New reference. */
json_t *discover_render_nrt(const struct topo *t, const struct nrt_opts *o, struct tk_diag *d);

/* ---- numa-verify's findings (findings.c) ---- */

struct node_finding {
	char *who;                     /* "container ns/pod/name", "process comm (pid N)" */
	char *verdict;                 /* numa-verify's: "misaligned" */
	char *reason;                  /* its first reason, or NULL */
	struct cpuset cpus;
};

struct node_findings {
	size_t n;
	struct node_finding *f;
};

/* The containers and processes a numa-verify -o json report finds
 * misaligned. Returns 0, or -1 with d filled. */
int discover_findings_load(struct node_findings *nf, const char *path, struct tk_diag *d);
void discover_findings_release(struct node_findings *nf);

/* ---- the picture (picture.c) ---- */

struct node_pic_opts {
	enum tk_pic_format format;
	bool distances;                /* draw the NUMA distance matrix */
	const struct node_findings *findings;   /* NULL: none given */
};

/* Draw t, with what na (NULL: nothing read) shows assigned, to out.
 * Returns 0, or -1 with d filled. */
int render_picture(const struct topo *t, const struct node_alloc *na,
		   const struct node_pic_opts *o, FILE *out, struct tk_diag *d);


#endif
