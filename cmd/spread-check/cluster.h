/* cluster.h - a compact, streamed model of a cluster for place, simulate
 * and audit.
 *
 * Terminology:
 *   intern      one shared copy of each distinct string; interned strings
 *               are compared by pointer (sc_intern).
 *   label set   a node's or pod's labels, sorted by key pointer and itself
 *               interned, so the pods of one ReplicaSet share one set and a
 *               selector is evaluated once per set, not once per pod.
 *   podspec     everything the scheduler reads from the pod being placed:
 *               namespace, labels, topologySpreadConstraints, nodeSelector,
 *               required node affinity, tolerations, requests, controller.
 *   existing    a pod already in the dump (kubectl get pods -A -o json):
 *               only namespace, labels, node, requests, owner and the flags
 *               the scheduler's cache looks at are kept.
 *
 * NODES and PODS are read with tk_doc_stream, one item at a time, so an
 * 80 MB `kubectl get pods -A` dump costs one item of tree at a time.
 *
 * Ownership: struct sc_cluster owns every string, label set, node and pod;
 * sc_cluster_release() frees all of it. Podspecs are owned by their caller
 * (sc_podspec_release) but point into the cluster's string table.
 */
#ifndef SC_CLUSTER_H
#define SC_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "doc.h"

struct tk_node;
struct tk_diag;

#define SC_LABEL_HOSTNAME "kubernetes.io/hostname"
#define SC_LABEL_ZONE "topology.kubernetes.io/zone"

/* ---- interned strings ---- */
struct sc_strtab {
	const char **slots;
	size_t cap, n;
	char *chunk;           /* arena block being filled */
	size_t chunk_left;
	char **blocks;
	size_t nblocks;
};
const char *sc_intern_str(struct sc_strtab *t, const char *s);
/* Interned pointer of s if s was ever interned, else NULL (no insert). */
const char *sc_lookup(const struct sc_strtab *t, const char *s);

/* ---- label sets ---- */
struct sc_label {
	const char *key, *val;     /* interned */
};
struct sc_lset {
	uint32_t n;
	const struct sc_label *l;  /* sorted by key pointer */
};

/* ---- selectors (label selectors and node selector terms) ---- */
enum sc_op {
	SC_IN,
	SC_NOT_IN,
	SC_EXISTS,
	SC_DOES_NOT_EXIST,
	SC_GT,
	SC_LT,
	SC_NAME_IN,       /* matchFields metadata.name In */
	SC_NAME_NOT_IN,   /* matchFields metadata.name NotIn */
	SC_NEVER,         /* an invalid requirement: the term matches nothing */
};
struct sc_req {
	const char *key;
	enum sc_op op;
	uint32_t nvals;
	const char **vals;   /* interned */
	long long num;       /* SC_GT / SC_LT bound */
};
/* nothing: a nil LabelSelector (matches no object). An empty one (n == 0,
 * !nothing) matches every object: labels.Everything(). */
struct sc_sel {
	bool nothing;
	uint32_t n;
	struct sc_req *reqs;
};
void sc_sel_release(struct sc_sel *s);
void sc_sel_copy(struct sc_sel *dst, const struct sc_sel *src);
void sc_sel_add(struct sc_sel *s, const struct sc_req *r);   /* copies r->vals */
static inline bool sc_sel_empty(const struct sc_sel *s) { return !s->nothing && s->n == 0; }
bool sc_sel_matches(const struct sc_sel *s, const struct sc_lset *ls, const char *name);
const char *sc_lset_get(const struct sc_lset *ls, const char *key);   /* key interned */

/* ---- taints and tolerations ---- */
enum sc_effect { SC_NO_SCHEDULE, SC_PREFER_NO_SCHEDULE, SC_NO_EXECUTE, SC_EFFECT_ALL, SC_EFFECT_OTHER };
struct sc_taint {
	const char *key, *val;
	enum sc_effect effect;
};
struct sc_toleration {
	const char *key, *val;
	bool exists;            /* operator Exists (else Equal) */
	bool bad_op;            /* an operator we do not know: tolerates nothing */
	enum sc_effect effect;  /* SC_EFFECT_ALL when empty */
};

/* ---- resources besides cpu, memory and pods ---- */
/* What the scheduler's Resource keeps besides MilliCPU, Memory and
 * AllowedPodNumber: ephemeral-storage and the scalar resources (extended
 * such as nvidia.com/gpu, hugepages-*, kubernetes.io/-prefixed,
 * attachable-volumes-*); other names are dropped (Resource.Add). */
struct sc_res {
	const char *name;              /* interned */
	int64_t v;                     /* Quantity.Value() */
};
struct sc_noderes {
	const char *name;              /* interned */
	int64_t alloc;                 /* status.allocatable; -1: the node lists none */
	int64_t req;                   /* requests of the pods bound to it */
};

/* ---- host ports (NodePorts) ---- */
/* A container port with a hostPort, as schedutil.GetHostPorts lists them
 * (app containers and restartable init containers). */
struct sc_hostport {
	const char *ip;                /* interned; "0.0.0.0" when hostIP is empty */
	const char *proto;             /* interned; "TCP" when protocol is empty */
	int32_t port;
};
/* A node's HostPortInfo: the host ports its pods use, with a use count. */
struct sc_usedport {
	struct sc_hostport hp;
	int32_t count;
};

/* ---- inter-pod affinity (InterPodAffinity) ---- */
/* A required PodAffinityTerm as framework.AffinityTerm holds it. */
struct sc_podterm {
	struct sc_sel sel;             /* labelSelector, with matchLabelKeys (In) and
					* mismatchLabelKeys (NotIn) merged in as the API
					* server merges them; nothing when absent */
	uint32_t nns;
	const char **ns;               /* namespaces (interned); the pod's own when it
					* names none and has no namespaceSelector */
	struct sc_sel nssel;           /* namespaceSelector; nothing when absent */
	const char *key;               /* topologyKey (interned) */
};
struct sc_podterms {
	uint32_t n;
	struct sc_podterm *t;
};
/* A running pod's required anti-affinity terms (c->antiaff). */
struct sc_antiaff {
	uint32_t pod;                  /* index into c->pods */
	struct sc_podterms terms;
};
/* A Namespace of the dump: its labels (namespaceSelector reads them). */
struct sc_namespace {
	const char *name;              /* interned */
	uint32_t lset;
};

/* ---- nodes and pods ---- */
struct sc_nodeinfo {
	const char *name;
	uint32_t lset;                 /* index into cluster lsets */
	uint32_t ntaints;
	struct sc_taint *taints;
	bool unschedulable;
	bool not_ready;                /* a Ready condition that is not True */
	bool removed;                  /* simulate --fail */
	int64_t alloc_cpu, alloc_mem, alloc_pods;   /* -1: not given (unlimited) */
	int64_t req_cpu, req_mem;      /* requests of the pods bound to it */
	int64_t npods;
	bool has_alloc;                /* status.allocatable given: what it lacks is 0 */
	uint32_t nres;
	struct sc_noderes *res;        /* ephemeral-storage and scalar resources */
	uint32_t nused;
	struct sc_usedport *used;      /* host ports of the pods bound to it */
};

/* A volume of a pod that VolumeRestrictions or NodeVolumeLimits look at. */
enum sc_podvol_kind {
	SC_PODVOL_CLAIM,                  /* persistentVolumeClaim: id is the claim */
	SC_PODVOL_EPHEMERAL,              /* generic ephemeral: id is its claim, <pod>-<volume> */
	SC_PODVOL_GCE_PD,                 /* gcePersistentDisk: id is pdName */
	SC_PODVOL_AWS_EBS,                /* awsElasticBlockStore: id is volumeID */
	SC_PODVOL_RBD,                    /* rbd: id is the image, pool, monitors */
	SC_PODVOL_ISCSI,                  /* iscsi: id is the iqn */
};
struct sc_podvol {
	uint8_t kind;                  /* enum sc_podvol_kind */
	bool read_only;
	const char *id;                /* interned */
	const char *pool;              /* rbd pool (interned) */
	const char *mons;              /* rbd monitors, each followed by '\n' (interned) */
	const char *handle;            /* aws-ebs: its CSI volumeHandle (interned) */
	const char *eph_class;         /* ephemeral: the template's class, NULL none */
};

enum sc_pod_flags {
	SC_POD_TERMINATING = 1 << 0,   /* metadata.deletionTimestamp set */
	SC_POD_TERMINAL = 1 << 1,      /* phase Succeeded or Failed */
};
struct sc_pod {
	const char *ns, *name;
	uint32_t lset;
	int32_t node;                  /* index into nodes, -1: unbound or unknown */
	uint32_t flags;
	int64_t cpu, mem;              /* requests: milli-CPU, bytes */
	uint32_t res, nres;            /* other requests: c->respool[res..res+nres) */
	uint32_t ports, nports;        /* host ports: c->portpool[ports..ports+nports) */
	uint32_t vols, nvols;          /* volumes: c->volpool[vols..vols+nvols) */
	int32_t group;                 /* audit: owner group, -1 none */
};

struct sc_ownerref {
	const char *api_version, *kind, *name;   /* the controller ownerReference */
};

/* v1.TopologySpreadConstraint as written in a pod spec. */
struct sc_tsc {
	int max_skew;
	const char *key;
	bool hard;                      /* whenUnsatisfiable: DoNotSchedule */
	struct sc_sel sel;              /* labelSelector (nothing when absent) */
	int min_domains;                /* 1 when absent */
	bool min_domains_set;
	bool honor_affinity;            /* nodeAffinityPolicy (default Honor) */
	bool honor_taints;              /* nodeTaintsPolicy (default Ignore) */
	uint32_t nmlk;
	const char **match_label_keys;  /* interned */
};

struct sc_podspec {
	const char *kind;               /* Pod, Deployment, ... (workloads) */
	const char *ns, *name;
	uint32_t lset;
	uint32_t ntsc;
	struct sc_tsc *tsc;
	struct sc_sel node_selector;    /* spec.nodeSelector as In requirements (has_node_selector) */
	struct sc_sel *terms;           /* ORed node selector terms (nterms; has_required) */
	struct sc_toleration *tol;      /* ntol */
	int64_t cpu, mem;               /* requests (resource.PodRequests) */
	struct sc_res *res;             /* the other requests (sc_resource_counted), nres */
	const char **res_why;           /* per res: "Insufficient <name>" (interned) */
	const char *node_name;          /* the incoming pod's spec.nodeName (interned), else NULL */
	struct sc_hostport *ports;      /* host ports it asks for (nports) */
	struct sc_podterms aff, anti;   /* required pod affinity / anti-affinity */
	struct sc_ownerref owner;       /* has_owner */
	struct sc_sel workload_selector;  /* workloads: spec.selector (has_workload_selector) */
	const char **claims;            /* spec.volumes[].persistentVolumeClaim.claimName (nclaims) */
	const char **vct;               /* StatefulSet spec.volumeClaimTemplates[].metadata.name (nvct) */
	const char **vct_class;         /* their spec.storageClassName, NULL when absent */
	const char **eph_class;         /* generic ephemeral volumes' storageClassName, NULL absent (neph) */
	struct sc_podvol *vols;         /* its volumes as VolumeRestrictions and NodeVolumeLimits see them (nvols) */
	/* the counts and flags together, without padding between them:
	 * audit --advise keeps one of these for each of 150,000 pods */
	uint32_t nterms, ntol, nres, nports, nclaims, nvct, neph, nvols;
	int32_t replicas;               /* workloads: spec.replicas (-1 absent) */
	bool has_node_selector;
	bool has_required;              /* requiredDuringScheduling... present */
	bool has_owner;
	bool has_workload_selector;
};
void sc_podspec_release(struct sc_podspec *p);

/* ---- persistent volumes (the scheduler's VolumeBinding and VolumeZone) ---- */
struct sc_pvc {
	const char *ns, *name;
	const char *volume;             /* spec.volumeName, NULL when empty */
	bool bind_completed;            /* annotation pv.kubernetes.io/bind-completed */
	bool deleting;                  /* metadata.deletionTimestamp set */
	bool lost;                      /* status.phase Lost */
	const char *class;              /* storageClassName (or the beta annotation), "" none */
	bool rwop;                      /* spec.accessModes holds ReadWriteOncePod */
};
struct sc_pv {
	const char *name;
	uint32_t lset;                  /* labels (VolumeZone reads the zone/region ones) */
	bool has_required;              /* spec.nodeAffinity.required present */
	uint32_t nterms;
	struct sc_sel *terms;           /* its nodeSelectorTerms (ORed) */
	const char *class;              /* spec.storageClassName, "" none */
	const char *claim_ns, *claim;   /* spec.claimRef, NULL none */
	const char *csi_driver, *csi_handle;   /* spec.csi, NULL none */
	const char *ebs_handle;         /* spec.awsElasticBlockStore's CSI volumeHandle, NULL none */
};
/* storage.k8s.io/v1 CSINode: the drivers' attach limits (NodeVolumeLimits) */
struct sc_csidriver {
	const char *name;               /* interned */
	int64_t count;                  /* allocatable.count; -1 none */
};
struct sc_csinode {
	const char *name;               /* the node's name (interned) */
	uint32_t ndrivers;
	struct sc_csidriver *drivers;
};
struct sc_storageclass {
	const char *name;
	bool wait;                      /* volumeBindingMode WaitForFirstConsumer */
	const char *provisioner;
	uint32_t nterms;
	struct sc_sel *terms;           /* allowedTopologies (ORed; none: anywhere) */
	bool is_default;                /* storageclass.kubernetes.io/is-default-class "true" */
};
/* storage.k8s.io/v1 VolumeAttachment of a PersistentVolume (NodeVolumeLimits) */
struct sc_volattach {
	const char *node, *attacher, *pv;   /* interned */
};
struct sc_volindex;
struct sc_volumes {
	struct sc_volindex *index;      /* sc_find_*'s, rebuilt after an item is added */
	size_t npvc, npv, nclass, ncsinode, nattach;
	struct sc_volattach *attach;
	struct sc_pvc *pvc;
	struct sc_pv *pv;
	struct sc_storageclass *classes;
	struct sc_csinode *csinodes;
};

struct sc_cluster {
	struct sc_strtab strs;
	/* label sets */
	size_t nlsets, lsets_cap;
	struct sc_lset *lsets;
	size_t lset_slots_cap;
	uint32_t *lset_slots;          /* hash of lsets, index+1, 0 empty */
	/* nodes: lookup by name through node_slots */
	size_t nnodes, nodes_cap;
	struct sc_nodeinfo *nodes;
	size_t node_slots_cap;
	int32_t *node_slots;
	/* pods */
	size_t npods, pods_cap;
	struct sc_pod *pods;
	/* audit: per-group specs, filled only when want_groups */
	bool want_groups;
	/* set while the incoming pod is read: its spread constraints' selectors
	 * must convert as the plugin converts them (else exit 2), and its
	 * spec.nodeName is a request (NodeName); a running pod's is where it
	 * runs, and a replacement for it (audit --advise) asks for no node */
	bool check_selectors;
	/* kube-scheduler before 1.38 (kubernetes PR 141340): an empty
	 * labelSelector ({}) counted no pod; since then it counts every pod of
	 * the namespace, and only an absent selector counts none */
	bool empty_selector_counts_nothing;
	size_t ngroups, groups_cap;
	struct sc_podspec *groups;
	size_t group_slots_cap;
	int32_t *group_slots;
	/* called for every pod read, before it joins pods (its index is npods):
	 * a subcommand that needs more of each pod reads it here */
	int (*pod_hook)(void *arg, const struct tk_node *pod, const char *file, struct tk_diag *d);
	void *pod_hook_arg;
	const char *name_cpu, *name_memory;   /* interned once (pod_requests) */
	/* the pods' requests besides cpu and memory (sc_pod.res indexes it) */
	size_t nrespool, respool_cap;
	struct sc_res *respool;
	/* the pods' host ports (sc_pod.ports indexes it) */
	size_t nportpool, portpool_cap;
	struct sc_hostport *portpool;
	/* the pods' volumes (sc_pod.vols indexes it) */
	size_t nvolpool, volpool_cap;
	struct sc_podvol *volpool;
	/* running pods with required anti-affinity, and the dump's Namespaces */
	size_t nantiaff;
	struct sc_antiaff *antiaff;
	size_t nnamespaces;
	struct sc_namespace *namespaces;
	/* PersistentVolumes and PersistentVolumeClaims of the dump */
	struct sc_volumes vols;
	/* arena of labels */
	struct sc_label **label_blocks;
	size_t nlabel_blocks;
	struct sc_label *label_chunk;
	size_t label_left;
};

void sc_cluster_init(struct sc_cluster *c);
void sc_cluster_release(struct sc_cluster *c);

/* Intern a label map node (NULL -> empty set); returns the set index. */
int sc_lset_from_node(struct sc_cluster *c, const char *file, const struct tk_node *map,
		      uint32_t *out, struct tk_diag *d);
/* Intern a label set given as parallel arrays (copied). */
uint32_t sc_lset_intern(struct sc_cluster *c, struct sc_label *labels, uint32_t n);

/* Stream NODES (path or "-") into c. Returns 0 or -1 with d filled. */
int sc_load_nodes(struct sc_cluster *c, const char *path, struct tk_diag *d);
/* Stream PODS into c (call after sc_load_nodes so pods find their node). */
int sc_load_pods(struct sc_cluster *c, const char *path, struct tk_diag *d);
/* Append a pod to c->pods as it is (node resources are left alone: a
 * simulation has already charged the node when it bound the pod). */
void sc_cluster_push_pod(struct sc_cluster *c, const struct sc_pod *p);
/* Bind (delta 1) or unbind (-1) a pod's requests, host ports and count on
 * node n: a running pod of the dump, or one placed from a spec. */
void sc_node_charge_pod(const struct sc_cluster *c, struct sc_nodeinfo *n, const struct sc_pod *p, int delta);
void sc_node_charge_spec(struct sc_nodeinfo *n, const struct sc_podspec *p, int delta);
/* A placed pod of spec s joins c->pods (requests and host ports copied). */
void sc_pod_from_spec(struct sc_cluster *c, struct sc_pod *p, const struct sc_podspec *s);
/* Stream a combined dump (Nodes before Pods, as `kubectl get nodes,pods -A
 * -o json`) into c once; items of other kinds go to other (NULL: skipped). */
int sc_load_cluster(struct sc_cluster *c, const char *path, tk_item_fn other, void *other_arg,
		    struct tk_diag *d);
int32_t sc_node_index(const struct sc_cluster *c, const char *name);

/* Parse a pod (kind Pod) or a workload with spec.template into p.
 * Returns 0 or -1 with d filled. */
int sc_podspec_from_node(struct sc_cluster *c, struct sc_podspec *p, const char *file,
			 const struct tk_node *obj, struct tk_diag *d);
/* Parse one v1.TopologySpreadConstraint list (a sequence node) into *out. */
int sc_tsc_list_from_node(struct sc_cluster *c, const char *file, const struct tk_node *seq,
			  struct sc_tsc **out, uint32_t *n, struct tk_diag *d);
void sc_tsc_release(struct sc_tsc *t);
/* A plain label map (nodeSelector, Service / RC selector) as In
 * requirements; NULL or null -> empty selector. */
int sc_sel_from_map(struct sc_cluster *c, const char *file, const struct tk_node *map,
		    struct sc_sel *out, struct tk_diag *d);
/* metav1.LabelSelector -> sc_sel (NULL node -> nothing). */
int sc_sel_from_node(struct sc_cluster *c, const char *file, const struct tk_node *sel,
		     struct sc_sel *out, struct tk_diag *d);

/* A PersistentVolume, PersistentVolumeClaim, StorageClass, CSINode or
 * VolumeAttachment item into
 * c->vols (other kinds are ignored). Returns 0 or -1 with d filled. */
int sc_volume_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d);

/* The dump's claim ns/name, PersistentVolume and StorageClass of that name
 * (the first listed), or NULL; names interned. Each is a binary search. */
const struct sc_pvc *sc_find_pvc(const struct sc_cluster *c, const char *ns, const char *name);
const struct sc_pv *sc_find_pv(const struct sc_cluster *c, const char *name);
const struct sc_storageclass *sc_find_class(const struct sc_cluster *c, const char *name);

/* A Namespace item into c->namespaces (other kinds are ignored). */
int sc_namespace_item(struct sc_cluster *c, const char *file, const struct tk_node *item, struct tk_diag *d);
/* The labels of namespace ns (interned): the dump's Namespace object, or,
 * when the dump has none of that name, the one label the API server gives
 * every namespace, kubernetes.io/metadata.name=<ns>. */
uint32_t sc_ns_lset(struct sc_cluster *c, const char *ns);
/* AffinityTerm.Matches: a pod of namespace ns (labels nslset) and labels
 * lset. */
bool sc_podterm_matches(const struct sc_cluster *c, const struct sc_podterm *t, const char *ns, uint32_t nslset,
			uint32_t lset);
/* The running pod at index pod of c->pods: its anti-affinity terms or NULL. */
const struct sc_podterms *sc_pod_anti_terms(const struct sc_cluster *c, uint32_t pod);

/* nodeaffinity.GetRequiredNodeAffinity(pod).Match(node) */
bool sc_required_affinity_matches(const struct sc_cluster *c, const struct sc_podspec *p,
				  const struct sc_nodeinfo *n);
/* v1helper.TolerationsTolerateTaint (ToleratesTaint for any toleration). */
bool sc_tolerated(const struct sc_podspec *p, const struct sc_taint *t);
/* FindMatchingUntoleratedTaint with the NoSchedule/NoExecute filter: the
 * first such taint, or NULL. */
const struct sc_taint *sc_untolerated_taint(const struct sc_podspec *p, const struct sc_nodeinfo *n);

#endif
