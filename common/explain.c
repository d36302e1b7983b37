/* explain.c - see explain.h. The message tables below hold the constant
 * part of each upstream template, each entry citing the kubernetes/kubernetes
 * file it comes from: kube-scheduler's FitError.Error() (framework/types.go)
 * split into its "K <reason>" parts, PreFilter and PostFilter messages and
 * DefaultPreemption's "preemption: " part, each part matched to the filter
 * plugin's reason; the kubelet's admission errors (topologymanager,
 * cpumanager, memorymanager, devicemanager, lifecycle) and start-up
 * refusals. Older wordings stay next to the newest.
 *
 * Input is read line by line with a bounded line (longer lines are cut and
 * counted), so a journal of any size streams in constant memory. A JSON
 * document (an Event or a List of them) is read whole, bounded.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "emit.h"
#include "explain.h"
#include "explain-internal.h"
#include "needles.h"
#include "xalloc.h"

#define LINE_MAX_BYTES (64 * 1024)
#define JSON_MAX_BYTES (64u * 1024 * 1024)

/* ---- message tables ----
 * Each needle is the constant part of an upstream template; the file it
 * comes from (kubernetes/kubernetes) is named above its entries. Older
 * wordings stay so that events from older clusters are still recognised. */

struct sched_reason {
	const char *needle;     /* substring of one "K <reason>" part */
	const char *name;
	bool spread;            /* re-derivable with spread-check place */
	const char *explanation;
};

/* Order matters: a needle that contains another comes first. */
static const struct sched_reason sched_reasons[] = {
	/* pkg/scheduler/framework/plugins/podtopologyspread/filtering.go:
	 * ErrReasonNodeLabelNotMatch = ErrReasonConstraintsNotMatch + " (missing required label)" */
	{ "didn't match pod topology spread constraints (missing required label)", "PodTopologySpread.NodeLabelNotMatch", true,
	  "these nodes lack a topologyKey label of the pod's topologySpreadConstraints; PodTopologySpread filters out nodes without every key. Label the nodes (e.g. topology.kubernetes.io/zone) or fix the topologyKey spelling" },
	/* ErrReasonConstraintsNotMatch */
	{ "didn't match pod topology spread constraints", "PodTopologySpread.ConstraintsNotMatch", true,
	  "placing the pod on these nodes would make the skew of a whenUnsatisfiable: DoNotSchedule constraint exceed maxSkew; add capacity in the domains with the fewest matching pods, raise maxSkew, or use ScheduleAnyway" },
	/* plugins/nodeaffinity/node_affinity.go: ErrReasonPod, errReasonEnforced, errReasonConflict */
	{ "didn't match Pod's node affinity", "NodeAffinity", false,
	  "the pod's nodeSelector or required node affinity excludes these nodes; check the node labels against spec.nodeSelector and spec.affinity.nodeAffinity" },
	{ "didn't match scheduler-enforced node affinity", "NodeAffinity", false,
	  "the scheduler profile's addedAffinity (NodeAffinityArgs) excludes these nodes" },
	{ "pod affinity terms conflict", "NodeAffinity", false,
	  "the pod's nodeSelector and required node affinity can match no node together" },
	/* plugins/tainttoleration/taint_toleration.go: "node(s) had untolerated
	 * taint(s)" (1.33+), "node(s) had untolerated taint {%s: %s}" (1.25+),
	 * "node(s) had taint {%s: %s}, that the pod didn't tolerate" (before) */
	{ "had untolerated taint", "TaintToleration", false,
	  "these nodes carry a NoSchedule/NoExecute taint the pod does not tolerate; add a toleration or remove the taint" },
	{ "had taint", "TaintToleration", false,
	  "these nodes carry a taint the pod does not tolerate (older scheduler wording); add a toleration or remove the taint" },
	/* plugins/noderesources/fit.go: "Insufficient %v", "Too many pods" */
	{ "Insufficient ", "NodeResourcesFit", false,
	  "these nodes lack free allocatable resources for the pod's requests; lower the requests, free capacity, or add nodes" },
	{ "Too many pods", "NodeResourcesFit", false,
	  "these nodes already run their maximum number of pods" },
	/* plugins/nodeunschedulable/node_unschedulable.go */
	{ "were unschedulable", "NodeUnschedulable", false,
	  "these nodes are cordoned (spec.unschedulable); uncordon them or tolerate node.kubernetes.io/unschedulable" },
	{ "had unknown conditions", "NodeUnschedulable", false,
	  "these nodes have no spec the plugin can read (unknown condition)" },
	/* plugins/volumebinding/binder.go: ErrReasonNodeConflict ("didn't match
	 * PersistentVolume's node affinity" since 1.33, "had volume node affinity
	 * conflict" before), ErrReasonBindConflict, ErrReasonNotEnoughSpace,
	 * ErrReasonPVNotExist; volume_binding.go: unbound immediate claims */
	{ "didn't match PersistentVolume's node affinity", "VolumeBinding", false,
	  "the pod's bound PersistentVolumes are restricted (nodeAffinity, usually a zone) to other nodes; schedule in the volume's zone or use WaitForFirstConsumer" },
	{ "had volume node affinity conflict", "VolumeBinding", false,
	  "the pod's bound PersistentVolumes are restricted (nodeAffinity, usually a zone) to other nodes; schedule in the volume's zone or use WaitForFirstConsumer" },
	{ "didn't find available persistent volumes to bind", "VolumeBinding", false,
	  "no unbound PersistentVolume reachable from these nodes matches the claim" },
	{ "did not have enough free storage", "VolumeBinding", false,
	  "the CSI driver reports too little storage capacity (CSIStorageCapacity) for the claim on these nodes" },
	{ "bound to non-existent pv", "VolumeBinding", false,
	  "a claim of the pod is bound to a PersistentVolume that no longer exists" },
	{ "unbound immediate PersistentVolumeClaims", "VolumeBinding", false,
	  "a PersistentVolumeClaim with volumeBindingMode Immediate is not bound yet; check the claim's StorageClass and provisioner" },
	/* volume_binding.go PreFilter, podHasPVCs: a claim the pod names that is
	 * missing (the lister's NotFound, worded for generic ephemeral volumes
	 * since 1.23), lost, being deleted, or another pod's ephemeral claim
	 * (ephemeral.VolumeIsForPod); the lister's message last, it is in all */
	{ "waiting for ephemeral volume controller to create the persistentvolumeclaim", "VolumeBinding", false,
	  "the claim of a generic ephemeral volume does not exist yet: kube-controller-manager's ephemeral volume controller creates it (expected for a moment after the pod is created)" },
	{ "bound to non-existent persistentvolume", "VolumeBinding", false,
	  "a claim of the pod is Lost: bound to a PersistentVolume that no longer exists" },
	{ "is being deleted", "VolumeBinding", false,
	  "a claim of the pod is being deleted; the pod cannot schedule until it has a claim that stays" },
	{ "was not created for pod", "VolumeBinding", false,
	  "a claim with the name of the pod's generic ephemeral volume exists but belongs to another pod; delete the stale claim" },
	/* a claim named in the pod's spec that does not exist: VolumeRestrictions'
	 * PreFilter looks every such claim up before VolumeBinding's does, so the
	 * lister's NotFound is its (volume_restrictions.go) */
	{ "persistentvolumeclaim \"", "VolumeRestrictions", false,
	  "a PersistentVolumeClaim the pod names does not exist in its namespace" },
	/* plugins/volumezone/volume_zone.go: ErrReasonConflict */
	{ "had no available volume zone", "VolumeZone", false,
	  "the volume's zone label does not match these nodes' zone" },
	/* plugins/volumerestrictions/volume_restrictions.go */
	{ "had no available disk", "VolumeRestrictions", false,
	  "a volume the pod uses is already mounted by another pod on these nodes in a way that excludes sharing" },
	{ "ReadWriteOncePod access mode", "VolumeRestrictions", false,
	  "a ReadWriteOncePod claim of the pod is already used by another pod" },
	/* plugins/nodevolumelimits/csi.go: ErrReasonMaxVolumeCountExceeded */
	{ "exceed max volume count", "NodeVolumeLimits", false,
	  "attaching the pod's volumes would exceed the CSI driver's volume limit on these nodes" },
	/* plugins/nodename/node_name.go: ErrReason */
	{ "didn't match the requested node name", "NodeName", false,
	  "spec.nodeName names another node" },
	/* plugins/interpodaffinity/filtering.go */
	{ "didn't match pod affinity rules", "InterPodAffinity", false,
	  "the pod's required podAffinity finds no matching pod in these nodes' topology domains" },
	{ "didn't match pod anti-affinity rules", "InterPodAffinity", false,
	  "the pod's required podAntiAffinity matches pods already in these nodes' topology domains" },
	{ "didn't satisfy existing pods anti-affinity rules", "InterPodAffinity", false,
	  "pods already running on these nodes have required anti-affinity against this pod" },
	/* plugins/nodeports/node_ports.go: ErrReason */
	{ "didn't have free ports for the requested pod ports", "NodePorts", false,
	  "a requested hostPort is already used on these nodes" },
	/* plugins/dynamicresources/dynamicresources.go */
	{ "cannot allocate all claims", "DynamicResources", false,
	  "the pod's ResourceClaims cannot all be allocated from the devices of these nodes" },
	{ "no new claims to deallocate", "DynamicResources", false,
	  "the DynamicResources PostFilter found no allocated claim whose release could help (informational)" },
	/* framework/preemption/preemption.go (the "preemption: " PostFilter part) */
	{ "No preemption victims found for incoming pod", "Preemption", false,
	  "evicting lower-priority pods would not make the pod fit on these nodes" },
	{ "Preemption is not helpful for scheduling", "Preemption", false,
	  "the failure on these nodes cannot be fixed by evicting pods (e.g. a label, taint or affinity mismatch)" },
	{ "not eligible due to preemptionPolicy=Never", "Preemption", false,
	  "the pod's preemptionPolicy is Never: it does not evict other pods" },
	{ "not eligible due to a terminating pod on the nominated node", "Preemption", false,
	  "an earlier preemption for this pod is still terminating its victims" },
};

struct kubelet_msg {
	const char *reason;     /* Event reason, or NULL */
	const char *needle;     /* substring of the message, or NULL */
	const char *name;
	bool failure;
	const char *explanation;
};

/* Needles are tried first (the most specific cause), then Event reasons. */
static const struct kubelet_msg kubelet_msgs[] = {
	/* pkg/kubelet/cm/topologymanager/topology_manager.go: TopologyAffinityError.Error() */
	{ NULL, "Resources cannot be allocated with Topology locality", "TopologyAffinityError", true,
	  "the kubelet's Topology Manager rejected the pod: under the restricted or single-numa-node policy no NUMA affinity satisfies every resource (CPU, memory, devices) of the pod; re-derive with topo-admit and free resources on one NUMA node or reduce the requests" },
	/* pkg/kubelet/cm/cpumanager/policy_static.go: SMTAlignmentError.Error() */
	{ NULL, "cpus not multiple cpus per core", "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores: the pod's CPU request is not a multiple of the threads per core; request a multiple" },
	{ NULL, "not enough free physical CPUs", "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores: fewer free whole cores remain than the pod requests" },
	{ NULL, "SMT Alignment Error", "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores" },
	/* pkg/kubelet/cm/memorymanager/policy_static.go (Allocate errors) */
	{ NULL, "no NUMA nodes with enough memory is available", "MemoryManagerNoNUMANode", true,
	  "the Memory Manager (Static policy) found no NUMA node, or group of nodes, with enough free memory/hugepages for the container" },
	{ NULL, "failed to find NUMA nodes to extend the current topology hint", "MemoryManagerNoNUMANode", true,
	  "the Memory Manager could not extend the Topology Manager's NUMA affinity with enough free memory for the container" },
	/* pkg/kubelet/cm/devicemanager/manager.go: devicesToAllocate */
	{ NULL, "requested number of devices unavailable", "DeviceAllocationFailed", true,
	  "the Device Manager has fewer healthy free devices of this resource than the pod requests" },
	{ NULL, "cannot allocate unhealthy devices", "DeviceAllocationFailed", true,
	  "the devices of this resource (or those already allocated to the container) are unhealthy" },
	{ NULL, "cannot allocate unregistered device", "DeviceAllocationFailed", true,
	  "no device plugin is registered for this resource on the node" },
	/* pkg/kubelet/cm/cpumanager/state/state_checkpoint.go,
	 * memorymanager/state/state_checkpoint.go, cpu_manager.go Start,
	 * memory_manager.go Start, policy_static.go Start / validateState */
	{ NULL, "please drain node and remove policy state file", "PolicyStateMismatch", true,
	  "the kubelet's CPU or Memory Manager refused to start: the state file does not match the configured policy or reservations; drain the node, remove cpu_manager_state / memory_manager_state and restart the kubelet" },
	{ NULL, "please drain this node and delete the", "PolicyStateMismatch", true,
	  "the kubelet's CPU or Memory Manager refused to start: the checkpoint was written under another policy; drain the node, delete the checkpoint file and restart the kubelet" },
	{ NULL, "differs from state checkpoint policy", "PolicyStateMismatch", true,
	  "the CPU or Memory Manager checkpoint was written under another policy; drain the node, delete the checkpoint file and restart the kubelet" },
	{ NULL, "doesn't match with CPUs in state", "PolicyStateMismatch", true,
	  "the CPU Manager state file holds other CPUs than the node has now (CPUs or reservedSystemCPUs changed); drain the node, delete cpu_manager_state and restart the kubelet" },
	/* memorymanager/memory_manager.go: validateReservedMemory */
	{ NULL, "determined by Node Allocatable feature", "InvalidReservation", true,
	  "the Memory Manager refused to start: reservedMemory does not add up to kubeReserved + systemReserved + the hard eviction threshold for memory" },
	/* cpumanager/cpu_manager.go getNumReservedCPUs, policy_static.go NewStaticPolicy */
	{ NULL, "requires systemreserved.cpu + kubereserved.cpu to be greater than zero", "InvalidReservation", true,
	  "the CPU Manager's static policy refused to start: it needs kubeReserved or systemReserved CPU greater than zero" },
	{ NULL, "unable to reserve the required amount of CPUs", "InvalidReservation", true,
	  "the CPU Manager's static policy refused to start: reservedSystemCPUs does not hold as many CPUs as kubeReserved + systemReserved round up to" },
	/* topologymanager/topology_manager.go NewManager */
	{ NULL, "unsupported on machines with more than", "TopologyManagerUnsupported", true,
	  "the Topology Manager refused to start: the node has more NUMA nodes than it supports (8, or the max-allowable-numa-nodes policy option)" },
	/* pkg/kubelet/lifecycle/predicate.go, cm/admission/errors.go:
	 * "Allocate failed due to %v, which is unexpected" */
	{ NULL, "which is unexpected", "UnexpectedAdmissionError", true,
	  "a resource manager failed to allocate for the pod during admission" },
	/* kubelet klog lines of topologymanager (scope.go, policy.go) */
	{ NULL, "Topology Admit Handler", "TopologyAdmitHandler", false,
	  "the Topology Manager's admission of one pod (informational)" },
	{ NULL, "Best TopologyHint", "TopologyHintMerge", false,
	  "the Topology Manager's merged NUMA hint for a container (informational)" },
	{ NULL, "TopologyHints", "TopologyHints", false,
	  "the hints one hint provider gave the Topology Manager (informational)" },
	/* Event reasons: admission.Error Type() values */
	{ "TopologyAffinityError", NULL, "TopologyAffinityError", true,
	  "the kubelet's Topology Manager rejected the pod: no NUMA affinity satisfies every resource of the pod under the configured policy; re-derive with topo-admit" },
	{ "SMTAlignmentError", NULL, "SMTAlignmentError", true,
	  "the CPU Manager's full-pcpus-only option requires whole physical cores" },
	{ "UnexpectedAdmissionError", NULL, "UnexpectedAdmissionError", true,
	  "a resource manager (Memory Manager, CPU Manager or Device Manager) failed to allocate for the pod during admission" },
};

/* ---- report ---- */

struct ex_state {
	enum tk_explain_domain domain;
	enum tk_out out;
	const struct tk_explain_hook *hook;
	size_t nout;           /* entries written */
	size_t seen, other, own, foreign, unknown, failures, cut;
	size_t foreign_failures;
	/* describe text */
	bool in_events;
	bool describe;          /* the input is `kubectl describe` text */
	bool started;
	char pod_name[256], pod_ns[256];
	/* the Events row being read: its message may go on over continuation
	 * lines (a message with a newline, or a terminal's wrapping) */
	bool pend;
	bool pend_cut;
	char pend_type[64], pend_reason[256], pend_from[256], pend_obj[600];
	char *pend_msg;        /* LINE_MAX_BYTES */
	char *scratch;         /* LINE_MAX_BYTES: a row split into fields */
	size_t pend_len;
};

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

static bool icontains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static const char *tool_for(enum tk_explain_domain d)
{
	return d == TK_EXPLAIN_SCHED ? "spread-check explain" : "numa-verify --explain";
}

/* Every needle of kubelet_msgs holds one of these words, so a journal line
 * with none of them (most lines) skips the table: 11 searches, not 25. */
static const char *const kubelet_words[] = {
	"opology", "CPU", "cpu", "device", "NUMA", "policy", "unexpected", "Allocatable",
	"Alignment", "drain", "unsupported",
};

static bool kubelet_candidate(const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(kubelet_words) / sizeof(kubelet_words[0]); i++)
		if (contains(msg, kubelet_words[i]))
			return true;
	return false;
}

/* cand: kubelet_candidate(msg) */
static const struct kubelet_msg *kubelet_match_cand(const char *reason, const char *msg, bool cand)
{
	size_t i;

	for (i = 0; cand && i < sizeof(kubelet_msgs) / sizeof(kubelet_msgs[0]); i++)
		if (kubelet_msgs[i].needle && contains(msg, kubelet_msgs[i].needle))
			return &kubelet_msgs[i];
	for (i = 0; reason && i < sizeof(kubelet_msgs) / sizeof(kubelet_msgs[0]); i++)
		if (kubelet_msgs[i].reason && strcmp(reason, kubelet_msgs[i].reason) == 0)
			return &kubelet_msgs[i];
	return NULL;
}

static const struct kubelet_msg *kubelet_match(const char *reason, const char *msg)
{
	return kubelet_match_cand(reason, msg, kubelet_candidate(msg));
}

static const char *tk_explain_classify(const char *reason, const char *msg,
				enum tk_explain_domain *domain, int *failure)
{
	const struct kubelet_msg *k;
	bool cand;

	if (contains(msg, "nodes are available") ||
	    (reason && strcmp(reason, "FailedScheduling") == 0)) {
		*domain = TK_EXPLAIN_SCHED;
		*failure = 1;
		return "FailedScheduling";
	}
	/* kubernetes/autoscaler cluster-autoscaler/processors/status/
	 * eventing_scale_up_processor.go: "pod didn't trigger scale-up: %s" */
	if (contains(msg, "pod didn't trigger scale-up")) {
		*domain = TK_EXPLAIN_SCHED;
		*failure = 0;
		return "NotTriggerScaleUp";
	}
	cand = kubelet_candidate(msg);
	if ((k = kubelet_match_cand(reason, msg, cand))) {
		*domain = TK_EXPLAIN_KUBELET;
		*failure = k->failure;
		return k->name;
	}
	/* strstr is much faster than strcasestr on every journal line; a line
	 * that is no candidate has neither "opology" nor "NUMA" */
	if ((cand && (contains(msg, "opology") || contains(msg, "NUMA"))) || contains(msg, "OPOLOGY") ||
	    (contains(msg, "uma") && (contains(msg, "numa node") || contains(msg, "numa zone") || contains(msg, "Numa"))) ||
	    (reason && (icontains(reason, "topology") || icontains(reason, "admission")))) {
		/* concerns our subject but matches no template: unknown */
		*domain = contains(msg, "kubelet") || contains(msg, "cpumanager") ||
			  contains(msg, "memorymanager") ? TK_EXPLAIN_KUBELET : TK_EXPLAIN_SCHED;
		*failure = 0;
		return "";
	}
	return NULL;
}

static json_t *jstr(const char *s);

/* needle in hay, white space in hay skipped: a describe message wrapped
 * onto continuation lines (joined with a space, even inside a word) still
 * matches. Parts are bounded (1 KiB), so the quadratic walk is too. */
static bool loose_contains(const char *hay, const char *needle)
{
	const char *h, *p, *q;

	if (strstr(hay, needle))
		return true;
	for (h = hay; *h; h++) {
		for (p = h, q = needle; *q; q++) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p != *q && !(*q == ' '))
				break;
			if (*q == ' ')
				continue;   /* the needle's own spaces may be gone too */
			p++;
		}
		if (!*q)
			return true;
	}
	return false;
}

static const struct sched_reason *sched_match(const char *part)
{
	size_t i;

	for (i = 0; i < sizeof(sched_reasons) / sizeof(sched_reasons[0]); i++)
		if (loose_contains(part, sched_reasons[i].needle))
			return &sched_reasons[i];
	return NULL;
}

/* One "K <reason>" part (or a count-less PreFilter/PostFilter message). */
static void sched_part(json_t *arr, const char *p, size_t n, bool preempt,
		       bool *all_known, bool *spread)
{
	char part[1024];
	char *rs;
	long long count = -1;
	const struct sched_reason *hit;
	json_t *o;

	if (n >= sizeof(part))
		n = sizeof(part) - 1;
	memcpy(part, p, n);
	part[n] = '\0';
	/* 1.2x printed the PostFilter part with its own "." after the ".": ".." */
	while (n && (part[n - 1] == '.' || part[n - 1] == ' '))
		part[--n] = '\0';
	rs = part;
	while (*rs == ' ')
		rs++;
	if (isdigit((unsigned char)*rs)) {
		count = strtoll(rs, &rs, 10);
		while (*rs == ' ')
			rs++;
	}
	if (!*rs)
		return;
	hit = sched_match(rs);
	o = json_object();
	json_object_set_new(o, "count", count >= 0 ? json_integer(count) : json_null());
	json_object_set_new(o, "reason", jstr(rs));
	json_object_set_new(o, "preemption", json_boolean(preempt));
	json_object_set_new(o, "plugin", hit ? json_string(hit->name) : json_null());
	json_object_set_new(o, "explanation", hit ? json_string(hit->explanation) : json_null());
	json_array_append_new(arr, o);
	if (!hit)
		*all_known = false;
	else if (hit->spread)
		*spread = true;
}

/* Parse framework FitError.Error() (pkg/scheduler/framework/types.go):
 * "0/N nodes are available:" + " <PreFilterMsg>." or " <K reason, ...>."
 * (the per-node reasons counted and sorted) + " <PostFilterMsg>", where the
 * PostFilter messages are joined by ", " and DefaultPreemption's is
 * "preemption: " + another FitError. Into an array of {count, reason,
 * preemption, plugin, explanation}; *all_known cleared when a part matches
 * no template. */
static json_t *sched_parts(const char *msg, bool *all_known, bool *spread)
{
	json_t *arr = json_array();
	const char *p = strstr(msg, "nodes are available:");
	bool preempt = false;

	while (p) {
		const char *pre;

		p += strlen("nodes are available:");
		for (;;) {
			const char *end = p;

			/* a part ends at "," or at the closing "." (followed by
			 * " " or end); taints hold "{k: v}" without commas, but
			 * the pre-1.25 taint reason goes on with ", that the pod
			 * didn't tolerate" */
			while (*end && !(*end == ',' && strncmp(end, ", that ", 7) != 0) &&
			       !(*end == '.' && (end[1] == ' ' || end[1] == '.' || end[1] == '\0')))
				end++;
			if (end > p && strncmp(p, " preemption:", 12) != 0)
				sched_part(arr, p, (size_t)(end - p), preempt, all_known, spread);
			if (*end != ',') {
				p = end;
				break;
			}
			p = end + 1;
		}
		while (*p == '.')
			p++;
		pre = strstr(p, "preemption:");
		/* other PostFilter messages before DefaultPreemption's, ", "-joined */
		if (pre && pre > p) {
			const char *q = p;

			while (q < pre) {
				const char *c = memchr(q, ',', (size_t)(pre - q));
				const char *e = c ? c : pre;

				sched_part(arr, q, (size_t)(e - q), preempt, all_known, spread);
				q = e + 1;
			}
		} else if (!pre && *p) {
			sched_part(arr, p, strlen(p), preempt, all_known, spread);
		}
		if (!pre)
			break;
		preempt = true;
		p = strstr(pre, "nodes are available:");
		if (!p)
			sched_part(arr, pre, strlen(pre), preempt, all_known, spread);
	}
	return arr;
}

/* jansson refuses invalid UTF-8: replace bytes so a hostile line still shows. */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *c;
	size_t i;

	if (!s)
		return json_null();
	if ((j = json_string(s)))
		return j;
	c = xstrdup(s);
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return j ? j : json_string("");
}

/* Object names go into shell commands the user may paste: keep only what a
 * Kubernetes name can hold, else the placeholder. */
static const char *safe_obj(const char *obj)
{
	const char *p;

	if (!obj || !*obj || strlen(obj) > 300)
		return "NAMESPACE/POD";
	for (p = obj; *p; p++)
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '.' || *p == '/'))
			return "NAMESPACE/POD";
	return obj;
}

/* One entry of "events", as add_event decided it. */
struct ex_event {
	const char *source, *object, *reason, *message, *domain;
	json_t *parts;             /* scheduler messages: the per-reason counts */
	bool recognized;
	const char *template_name;
	bool failure;
	const char *explanation, *command;
	json_t *rederived;         /* the re-run, when a hook made one */
};

static void render_text_event(const struct ex_state *st, const struct ex_event *e);

/* Is s valid UTF-8 as jansson takes it (no overlong forms, surrogates or
 * code points past U+10FFFF)? */
static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		unsigned c = *s, v, n, k;

		if (c < 0x80) {
			s++;
			continue;
		}
		n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!n)
			return false;
		v = c & (0x7f >> n);
		for (k = 1; k < n; k++) {
			if ((s[k] & 0xc0) != 0x80)
				return false;
			v = v << 6 | (s[k] & 0x3f);
		}
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
			return false;
		s += n;
	}
	return true;
}

/* s as a JSON string exactly as jansson writes what jstr makes of it
 * (JSON_COMPACT), or null. Runs that need no escape are written whole. */
static void put_json_str(FILE *out, const char *s)
{
	const unsigned char *p, *run;
	bool valid;

	if (!s) {
		fputs("null", out);
		return;
	}
	valid = utf8_valid((const unsigned char *)s);
	putc('"', out);
	for (p = run = (const unsigned char *)s;; p++) {
		unsigned c = *p;

		if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || valid))
			continue;
		fwrite(run, 1, (size_t)(p - run), out);
		run = p + 1;
		if (!c)
			break;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04X", c);
			else
				putc('?', out);  /* not UTF-8: jstr's replacement */
		}
	}
	putc('"', out);
}

/* The entry as a JSON object, written without building one: a day of
 * journal makes tens of thousands, and jansson took half the time. */
static void write_event_json(const struct ex_event *ev, FILE *out)
{
	fputs("{\"source\":", out);
	put_json_str(out, ev->source);
	fputs(",\"object\":", out);
	put_json_str(out, ev->object);
	fputs(",\"reason\":", out);
	put_json_str(out, ev->reason);
	fputs(",\"message\":", out);
	put_json_str(out, ev->message);
	fputs(",\"domain\":", out);
	put_json_str(out, ev->domain);
	if (ev->parts) {
		fputs(",\"parts\":", out);
		if (tk_emit_json_fragment(ev->parts, out) != 0)
			tk_fatal("write error");
	}
	fprintf(out, ",\"recognized\":%s,\"template\":", ev->recognized ? "true" : "false");
	put_json_str(out, ev->template_name);
	fprintf(out, ",\"failure\":%s,\"explanation\":", ev->failure ? "true" : "false");
	put_json_str(out, ev->explanation);
	fputs(",\"command\":", out);
	put_json_str(out, ev->command);
	if (ev->rederived) {
		fputs(",\"rederived\":", out);
		if (tk_emit_json_fragment(ev->rederived, out) != 0)
			tk_fatal("write error");
	}
	if (putc('}', out) == EOF)
		tk_fatal("write error");
}

static void add_event(struct ex_state *st, const char *source, const char *object,
		      const char *reason, const char *msg)
{
	enum tk_explain_domain dom = TK_EXPLAIN_SCHED;
	int failure = 0;
	const char *cls;
	json_t *parts = NULL, *rederived = NULL;
	bool known = true, spread = false;
	char *cmd = NULL, handled[64];
	const char *expl = NULL;

	st->seen++;
	cls = tk_explain_classify(reason, msg, &dom, &failure);
	if (!cls) {
		st->other++;
		return;
	}
	if (!*cls) {
		known = false;
		failure = 0;
	} else if (dom == TK_EXPLAIN_SCHED) {
		if (strcmp(cls, "NotTriggerScaleUp") == 0) {
			expl = "the cluster autoscaler found no node group whose new node would let the pod schedule (informational); the reasons after the colon are per node group";
		} else if (!contains(msg, "nodes are available")) {
			known = false;
			failure = 0;
		} else {
			parts = sched_parts(msg, &known, &spread);
			expl = "kube-scheduler found no node for the pod; each part below counts the nodes a filter plugin rejected";
		}
	} else {
		const struct kubelet_msg *k = kubelet_match(reason, msg);

		expl = k ? k->explanation : NULL;
	}
	if (dom != st->domain) {
		st->foreign++;
		if (known && failure)
			st->foreign_failures++;
		if (asprintf(&cmd, "%s", tool_for(dom)) < 0)
			cmd = NULL;
	} else if (known && failure && dom == TK_EXPLAIN_SCHED) {
		const char *obj = safe_obj(object);
		const char *slash = strchr(obj, '/');
		char ns[256] = "default", name[256];

		if (slash && (size_t)(slash - obj) < sizeof(ns)) {
			memcpy(ns, obj, (size_t)(slash - obj));
			ns[slash - obj] = '\0';
			snprintf(name, sizeof(name), "%s", slash + 1);
		} else {
			snprintf(name, sizeof(name), "%s", obj);
		}
		if (spread) {
			if (asprintf(&cmd, "kubectl get nodes,pods -A -o json > cluster.json; "
				     "kubectl get pod -n '%s' '%s' -o json > pod.json; "
				     "spread-check place --cluster cluster.json pod.json", ns, name) < 0)
				cmd = NULL;
		} else if (asprintf(&cmd, "kubectl describe pod -n '%s' '%s'", ns, name) < 0) {
			cmd = NULL;
		}
	} else if (known && failure && dom == TK_EXPLAIN_KUBELET) {
		const char *obj = safe_obj(object);
		const char *slash = strchr(obj, '/');
		int nsl = slash ? (int)(slash - obj) : 7;
		const char *name = slash ? slash + 1 : obj;

		if (strcmp(cls, "PolicyStateMismatch") == 0)
			cmd = xstrdup("numa-verify --kubelet-config running --cpu-manager-state /var/lib/kubelet/cpu_manager_state");
		else
			cmd = xasprintf("kubectl get pod -n '%.*s' '%s' -o json > pod.json; topo-discover > node.json; "
					"topo-admit -t node.json --kubelet-config /var/lib/kubelet/config.yaml pod.json",
					nsl > 255 ? 255 : nsl, slash ? obj : "default", name);
	}
	if (dom == st->domain) {
		st->own++;
		if (!known)
			st->unknown++;
		else if (failure)
			st->failures++;
	}
	if (dom != st->domain) {
		snprintf(handled, sizeof(handled), "handled by %s", tool_for(dom));
		expl = handled;
	}
	if (dom == st->domain && known && failure && st->hook && st->hook->rederive)
		rederived = st->hook->rederive(st->hook->arg, object ? object : "", cls);
	{
		const struct ex_event ev = {
			source, object, reason ? reason : (*cls ? cls : NULL), msg,
			dom == TK_EXPLAIN_SCHED ? "scheduler" : "kubelet", parts, known,
			known && *cls ? cls : NULL, known && failure, expl, cmd, rederived,
		};

		/* written at once: memory stays bounded whatever the number of entries */
		if (st->out == TK_OUT_TEXT) {
			render_text_event(st, &ev);
		} else {
			fputs(st->nout ? "," : "{\"events\":[", stdout);
			write_event_json(&ev, stdout);
		}
	}
	st->nout++;
	json_decref(parts);
	json_decref(rederived);
	free(cmd);
}

/* ---- Event objects ---- */

static const char *jget(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void add_event_object(struct ex_state *st, const json_t *ev)
{
	const char *msg, *reason, *src = NULL;
	const json_t *obj;
	char object[600];

	if (!json_is_object(ev))
		return;
	msg = jget(ev, "message");
	if (!msg)
		msg = jget(ev, "note");
	reason = jget(ev, "reason");
	obj = json_object_get(ev, "involvedObject");
	if (!obj)
		obj = json_object_get(ev, "regarding");
	if (json_is_object(json_object_get(ev, "source")))
		src = jget(json_object_get(ev, "source"), "component");
	if (!src)
		src = jget(ev, "reportingController");
	if (!src)
		src = jget(ev, "reportingComponent");
	object[0] = '\0';
	if (json_is_object(obj)) {
		const char *ns = jget(obj, "namespace"), *name = jget(obj, "name");

		snprintf(object, sizeof(object), "%s%s%s", ns ? ns : "", ns ? "/" : "", name ? name : "");
	}
	add_event(st, src, object, reason, msg ? msg : "");
}

static void add_json_doc(struct ex_state *st, const json_t *doc)
{
	const json_t *items = json_object_get(doc, "items");
	size_t i;
	json_t *v;

	if (json_is_array(doc))
		items = doc;
	if (json_is_array(items)) {
		json_array_foreach(items, i, v)
			add_event_object(st, v);
		return;
	}
	add_event_object(st, doc);
}

/* ---- text lines ---- */

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/* split a describe Events row at runs of 2+ spaces */
static int describe_row(char *s, char *f[5])
{
	int n = 0;

	while (*s == ' ')
		s++;
	while (n < 4 && *s) {
		char *sp = strstr(s, "  ");

		if (!sp)
			break;
		*sp = '\0';
		f[n++] = s;
		s = sp + 2;
		while (*s == ' ')
			s++;
	}
	f[n++] = s;
	return n;
}

/* pod="ns/name" or pod="name" in klog structured lines */
static void klog_object(const char *line, char *out, size_t sz)
{
	const char *p = strstr(line, "pod=\"");
	const char *e;

	out[0] = '\0';
	if (!p) {
		const char *ns = strstr(line, "podNamespace=\""), *nm = strstr(line, "podName=\"");
		const char *ne, *me;

		if (!ns || !nm || !(ne = strchr(ns + 14, '"')) || !(me = strchr(nm + 9, '"')))
			return;
		snprintf(out, sz, "%.*s/%.*s", (int)(ne - ns - 14 > 255 ? 255 : ne - ns - 14), ns + 14,
			 (int)(me - nm - 9 > 255 ? 255 : me - nm - 9), nm + 9);
		return;
	}
	p += 5;
	e = strchr(p, '"');
	if (!e || (size_t)(e - p) >= sz)
		return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

static void add_line(struct ex_state *st, char *line);

static void flush_row(struct ex_state *st)
{
	if (!st->pend)
		return;
	st->pend = false;
	if (st->pend_cut)
		st->cut++;
	add_event(st, st->pend_from, st->pend_obj, st->pend_reason, st->pend_msg);
}

/* kubectl's DescribeEvents (k8s.io/kubectl pkg/describe/describe.go) writes
 * "Type\tReason\tAge\tFrom\tMessage" rows through a tabwriter, the message
 * strings.TrimSpace'd but otherwise raw: a newline in it continues at
 * column 0, and a terminal or a copy wraps long rows. A line that is not
 * a new row (Normal/Warning first) continues the message, joined with a
 * space. */
static void events_line(struct ex_state *st, char *line)
{
	char *f[5];

	if (!line[0]) {
		flush_row(st);
		return;
	}
	if (strncmp(line, "Name:", 5) == 0) {
		/* the next object of a multi-pod describe */
		flush_row(st);
		st->in_events = false;
		st->pod_name[0] = st->pod_ns[0] = '\0';
		add_line(st, line);
		return;
	}
	if (line[0] == ' ') {
		int nf;

		memcpy(st->scratch, line, strlen(line) + 1);
		nf = describe_row(st->scratch, f);

		if (nf == 5 && (strcmp(f[0], "Normal") == 0 || strcmp(f[0], "Warning") == 0)) {
			flush_row(st);
			st->pend = true;
			st->pend_cut = false;
			snprintf(st->pend_type, sizeof(st->pend_type), "%s", f[0]);
			snprintf(st->pend_reason, sizeof(st->pend_reason), "%s", f[1]);
			snprintf(st->pend_from, sizeof(st->pend_from), "%s", f[3]);
			snprintf(st->pend_obj, sizeof(st->pend_obj), "%s%s%s", st->pod_ns,
				 st->pod_ns[0] ? "/" : "", st->pod_name);
			st->pend_len = strlen(f[4]);
			memcpy(st->pend_msg, f[4], st->pend_len + 1);
			return;
		}
	}
	if (st->pend) {
		const char *t = line;
		/* a terminal's wrap keeps every character: column 0 goes on
		 * where the line broke; an indented line is another line of
		 * the message */
		bool indented = *t == ' ' || *t == '\t';
		size_t n;

		while (*t == ' ' || *t == '\t')
			t++;
		n = strlen(t);
		if (st->pend_len + 1 + n >= LINE_MAX_BYTES) {
			st->pend_cut = true;
			return;
		}
		if (indented)
			st->pend_msg[st->pend_len++] = ' ';
		memcpy(st->pend_msg + st->pend_len, t, n + 1);
		st->pend_len += n;
	}
}

static void add_line(struct ex_state *st, char *line)
{
	char object[600];

	rstrip(line);
	if (!st->started && line[0]) {
		st->started = true;
		st->describe = strncmp(line, "Name:", 5) == 0;
	}
	if (st->in_events) {
		events_line(st, line);
		return;
	}
	if (strncmp(line, "Name:", 5) == 0 && !st->pod_name[0]) {
		const char *v = line + 5;

		while (*v == ' ' || *v == '\t')
			v++;
		snprintf(st->pod_name, sizeof(st->pod_name), "%s", v);
		return;
	}
	if (strncmp(line, "Namespace:", 10) == 0) {
		const char *v = line + 10;

		while (*v == ' ' || *v == '\t')
			v++;
		snprintf(st->pod_ns, sizeof(st->pod_ns), "%s", v);
		return;
	}
	if (strncmp(line, "Events:", 7) == 0) {
		st->in_events = true;
		return;
	}
	if (!line[0] || st->describe)
		return;
	klog_object(line, object, sizeof(object));
	add_event(st, "journal", object, NULL, line);
}

static void add_journal_json(struct ex_state *st, const json_t *o)
{
	const char *msg = jget(o, "MESSAGE");
	char object[600];

	if (!msg)
		return;
	klog_object(msg, object, sizeof(object));
	add_event(st, jget(o, "_SYSTEMD_UNIT") ? jget(o, "_SYSTEMD_UNIT") : "journal", object, NULL, msg);
}

/* Bounded line reader over fread blocks (memchr finds the newline): returns
 * the bytes taken (0 at EOF); *cut set when the line was longer than the
 * buffer (the rest is skipped); buf is NUL-terminated, *len its length
 * (NUL bytes inside count). */
struct lreader {
	FILE *in;
	char *blk;             /* block bytes, and one to spare */
	size_t block, pos, end;
	unsigned long fills;   /* blocks read so far: the NUL scan below is per block */
};

#define READ_BLOCK (1u << 20)

static size_t read_line(struct lreader *r, char *buf, size_t sz, bool *cut, size_t *len)
{
	size_t n = 0, took = 0;

	*cut = false;
	for (;;) {
		char *nl;
		size_t avail, k;

		if (r->pos == r->end) {
			r->pos = 0;
			r->end = fread(r->blk, 1, r->block, r->in);
			r->fills++;
			if (!r->end)
				break;
		}
		avail = r->end - r->pos;
		nl = memchr(r->blk + r->pos, '\n', avail);
		k = nl ? (size_t)(nl - (r->blk + r->pos)) + 1 : avail;
		took += k;
		if (n + k < sz) {
			memcpy(buf + n, r->blk + r->pos, k);
			n += k;
		} else {
			if (n + 1 < sz) {
				memcpy(buf + n, r->blk + r->pos, sz - 1 - n);
				n = sz - 1;
			}
			*cut = true;
		}
		r->pos += k;
		if (nl)
			break;
	}
	buf[n] = '\0';
	*len = n;
	return took;
}

/* ---- skipping what concerns nobody ----
 *
 * A day of kubelet journal is millions of lines, and all but a few concern
 * neither tool. tk_explain_classify can only take a journal line (no Event
 * reason) that holds one of a few strings: a kubelet template's needle,
 * "nodes are available", the scale-up message, or the words that make an
 * unknown line relevant. Each of those holds one of the anchors below, so
 * the block is searched for all of them at once (tk_needles: one vector
 * pass, where a search per anchor made 15), and the lines before the
 * nearest are only counted, as add_line would count them. The line of a
 * hit, and every line add_line treats specially, take the full path. journal_anchors checks at start that the
 * anchors cover every string classify looks for. */

static const char *const journal_anchor[] = {
	"opology", "OPOLOGY", "NUMA", "uma", "nodes are", "scale-up", "cpu", "CPU", "Alignment",
	"device", "drain", "policy", "Allocatable", "unsupported", "unexpected",
};
#define NANCHORS (sizeof(journal_anchor) / sizeof(journal_anchor[0]))

static void check_covered(const char *s)
{
	size_t i;

	for (i = 0; i < NANCHORS; i++)
		if (strstr(s, journal_anchor[i]))
			return;
	tk_fatal("internal: no explain anchor covers \"%s\"", s);
}

static void journal_anchors_check(void)
{
	static bool checked;
	static const char *const classify_words[] = {
		"nodes are available", "pod didn't trigger scale-up", "opology", "OPOLOGY", "NUMA",
		"numa node", "numa zone", "Numa",
	};
	size_t i;

	if (checked)
		return;
	checked = true;
	for (i = 0; i < sizeof(kubelet_msgs) / sizeof(kubelet_msgs[0]); i++)
		if (kubelet_msgs[i].needle)
			check_covered(kubelet_msgs[i].needle);
	for (i = 0; i < sizeof(classify_words) / sizeof(classify_words[0]); i++)
		check_covered(classify_words[i]);
}

/* The current block's usable end (the first NUL byte, or its end), for the
 * fill it was found in, and the anchors as one set. */
struct anchor_cache {
	unsigned long fill;
	size_t limit;
	struct tk_needles *set;
};

/* A line add_line does more with than count: the describe headers, and
 * lines that start with white space (rstrip may leave nothing). */
static bool special_line(const char *p, size_t len)
{
	if (!len || p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')
		return true;
	return (len >= 5 && memcmp(p, "Name:", 5) == 0) || (len >= 10 && memcmp(p, "Namespace:", 10) == 0) ||
	       (len >= 7 && memcmp(p, "Events:", 7) == 0);
}

/* Count the ordinary lines at the reader's position (whole lines of the
 * current block, before any NUL byte), stopping at the first line that needs
 * add_line. Returns how many were counted; *lineno goes on with them. */
static size_t skip_unrelated(struct lreader *r, struct ex_state *st, size_t *lineno,
			     struct anchor_cache *ac)
{
	char *blk = r->blk;
	const char *p = blk + r->pos, *end;
	size_t counted = 0, nearest;

	if (!st->started || st->describe || st->in_events || r->pos >= r->end)
		return 0;
	if (ac->fill != r->fills) {
		const char *z = memchr(blk, '\0', r->end);

		ac->fill = r->fills;
		ac->limit = z ? (size_t)(z - blk) : r->end;
		blk[r->end] = '\0';    /* the block has a byte to spare */
	}
	if (r->pos >= ac->limit)
		return 0;
	nearest = r->pos + tk_needles_find(ac->set, blk + r->pos, ac->limit - r->pos);
	end = blk + nearest;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len;

		if (!nl)
			break;
		len = (size_t)(nl - p);
		if (len + 1 >= LINE_MAX_BYTES || special_line(p, len))
			break;
		(*lineno)++;
		st->seen++;
		st->other++;
		counted++;
		p = nl + 1;
	}
	r->pos = (size_t)(p - blk);
	return counted;
}

/* ---- output ---- */

/* one line per untrusted string: the shared escaping (C0, DEL, UTF-8 C1) */
static void put_escaped(FILE *out, const char *s)
{
	tk_fputs_text(s ? s : "", out);
}

/* A string of an entry in text: escaped, and when it is not UTF-8 its bytes
 * outside ASCII as '?', as the JSON output has it (jstr). */
static void put_text(FILE *out, const char *s)
{
	char *c;
	size_t i;

	if (!s || utf8_valid((const unsigned char *)s)) {
		put_escaped(out, s);
		return;
	}
	c = xstrdup(s);
	for (i = 0; c[i]; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	put_escaped(out, c);
	free(c);
}

static void render_text_event(const struct ex_state *st, const struct ex_event *e)
{
	size_t j;
	json_t *p;

	printf("%s ", e->recognized ? "*" : "?");
	put_text(stdout, e->reason ? e->reason : "-");
	if (e->object && *e->object) {
		fputs(" ", stdout);
		put_text(stdout, e->object);
	}
	if (e->source) {
		fputs(" (from ", stdout);
		put_text(stdout, e->source);
		fputs(")", stdout);
	}
	fputs("\n  message: ", stdout);
	put_text(stdout, e->message);
	fputs("\n", stdout);
	if (!e->recognized)
		fputs("  unknown message: not explained\n", stdout);
	if (e->explanation) {
		fputs("  meaning: ", stdout);
		put_text(stdout, e->explanation);
		fputs("\n", stdout);
	}
	json_array_foreach(e->parts, j, p) {
		json_t *c = json_object_get(p, "count");

		fputs("  - ", stdout);
		if (json_is_integer(c))
			printf("%lld ", (long long)json_integer_value(c));
		if (json_is_true(json_object_get(p, "preemption")))
			fputs("(preemption) ", stdout);
		put_escaped(stdout, jget(p, "reason"));
		fputs(": ", stdout);
		put_escaped(stdout, jget(p, "explanation") ? jget(p, "explanation") : "unknown reason: not explained");
		fputs("\n", stdout);
	}
	if (e->command) {
		fputs("  run: ", stdout);
		put_text(stdout, e->command);
		fputs("\n", stdout);
	}
	if (e->rederived && st->hook && st->hook->text)
		st->hook->text(e->rederived, stdout);
}

static int render_text_summary(const json_t *sum, enum tk_explain_domain domain)
{
	printf("%lld lines/events read, %lld %s (%lld failures, %lld unknown), %lld for %s, %lld unrelated",
	       (long long)json_integer_value(json_object_get(sum, "read")),
	       (long long)json_integer_value(json_object_get(sum, "explained")) +
	       (long long)json_integer_value(json_object_get(sum, "unknown")),
	       domain == TK_EXPLAIN_SCHED ? "scheduler" : "kubelet",
	       (long long)json_integer_value(json_object_get(sum, "failures")),
	       (long long)json_integer_value(json_object_get(sum, "unknown")),
	       (long long)json_integer_value(json_object_get(sum, "otherTool")),
	       domain == TK_EXPLAIN_SCHED ? "numa-verify --explain" : "spread-check explain",
	       (long long)json_integer_value(json_object_get(sum, "unrelated")));
	if (json_integer_value(json_object_get(sum, "cutLines")))
		printf(", %lld overlong lines cut", (long long)json_integer_value(json_object_get(sum, "cutLines")));
	fputs("\n", stdout);
	return fflush(stdout) == 0 ? 0 : -1;
}

/* Where the next byte is in the file, as jansson counts (a column is a
 * character: UTF-8 continuation bytes do not count). jansson counts from
 * where each value starts; a message names the file's line and column. */
struct textpos {
	size_t line, col;
};

static void textpos_step(struct textpos *p, int c)
{
	if (c == '\n') {
		p->line++;
		p->col = 0;
	} else if ((c & 0xc0) != 0x80) {
		p->col++;
	}
}

struct jreader {
	FILE *in;
	size_t n;
	bool over;
	struct textpos *at;
};

static size_t jread(void *buf, size_t len, void *arg)
{
	struct jreader *r = arg;
	int c;

	if (!len)
		return 0;
	if (r->n >= JSON_MAX_BYTES) {
		r->over = true;
		return (size_t)-1;
	}
	if ((c = getc_unlocked(r->in)) == EOF)
		return 0;
	r->n++;
	textpos_step(r->at, c);
	*(char *)buf = (char)c;
	return 1;
}

/* JSON input (an Event, a List, or `journalctl -o json` lines): one value
 * after another, each read byte by byte so that jansson stops at the value's
 * closing bracket and nothing after it is lost; each value is bounded.
 * at: where the file's first value starts. */
static void read_json_values(struct ex_state *st, FILE *in, const char *name, struct textpos at)
{
	size_t nval = 0;

	for (;;) {
		struct jreader r = { in, 0, false, &at };
		struct textpos start;
		json_error_t err;
		json_t *j;
		int c;

		while ((c = getc_unlocked(in)) != EOF && isspace(c))
			textpos_step(&at, c);
		if (c == EOF)
			break;
		ungetc(c, in);
		if (c != '{' && c != '[')
			tk_fatal("%s:%zu:%zu: value %zu: expected a JSON object or array", name, at.line, at.col + 1,
				 nval + 1);
		start = at;
		j = json_load_callback(jread, &r, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &err);
		if (r.over)
			tk_fatal("%s: value %zu: JSON value larger than %u MiB", name, nval + 1, JSON_MAX_BYTES >> 20);
		if (!j && err.line < 1)
			tk_fatal("%s: value %zu: %s", name, nval + 1, err.text);
		if (!j)
			tk_fatal("%s:%zu:%zu: %s", name, start.line + (size_t)err.line - 1,
				 err.line == 1 ? start.col + (size_t)err.column : (size_t)err.column, err.text);
		nval++;
		if (json_is_object(j) && (json_object_get(j, "MESSAGE") || json_object_get(j, "__CURSOR")))
			add_journal_json(st, j);
		else
			add_json_doc(st, j);
		json_decref(j);
	}
}

int tk_explain_run(const char *path, enum tk_explain_domain domain, enum tk_out out,
		   const struct tk_explain_hook *hook)
{
	struct tk_explain_reader rd = { true, READ_BLOCK, 0 };

	return tk_explain_run_reader(path, domain, out, hook, &rd);
}

int tk_explain_run_reader(const char *path, enum tk_explain_domain domain, enum tk_out out,
			  const struct tk_explain_hook *hook, struct tk_explain_reader *rd)
{
	struct ex_state st;
	FILE *in;
	char *buf = xmalloc(LINE_MAX_BYTES);
	bool cut, json_mode = false;
	struct lreader *lr;
	size_t n, lineno;
	struct textpos at = { 1, 0 };
	struct anchor_cache *anchors = xcalloc(1, sizeof(*anchors));
	json_t *sum;
	int rc;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;

	memset(&st, 0, sizeof(st));
	st.domain = domain;
	st.out = out;
	st.hook = hook;
	st.pend_msg = xmalloc(LINE_MAX_BYTES);
	st.scratch = xmalloc(LINE_MAX_BYTES);
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in)
		tk_fatal("%s: %m", path);
	/* peek: a BOM and leading white space are skipped (the lines they end
	 * still count for a message's line number); '{' or '[' is JSON */
	{
		int c = getc_unlocked(in);

		if (c == 0xef) {
			if (getc_unlocked(in) != 0xbb || getc_unlocked(in) != 0xbf)
				tk_fatal("%s:1:1: not UTF-8 text", name);
			c = getc_unlocked(in);
		}
		while (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			textpos_step(&at, c);
			c = getc_unlocked(in);
		}
		if (c != EOF)
			ungetc(c, in);
		if (c == '{' || c == '[')
			json_mode = true;
	}
	if (json_mode)
		read_json_values(&st, in, name, at);
	lineno = at.line - 1;
	lr = xcalloc(1, sizeof(*lr));
	lr->in = in;
	lr->block = rd->block ? rd->block : 1;
	lr->blk = xmalloc(lr->block + 1);
	anchors->fill = (unsigned long)-1;
	anchors->set = tk_needles_new(journal_anchor, NANCHORS);
	journal_anchors_check();
	for (;;) {
		if (json_mode)
			break;
		if (rd->skip)
			rd->skipped += skip_unrelated(lr, &st, &lineno, anchors);
		if (!read_line(lr, buf, LINE_MAX_BYTES, &cut, &n))
			break;
		lineno++;
		if (cut)
			st.cut++;
		if (strlen(buf) < n)
			tk_fatal("%s:%zu: binary input (NUL byte)", name, lineno);
		add_line(&st, buf);
	}
	flush_row(&st);
	free(lr->blk);
	free(lr);
	tk_needles_free(anchors->set);
	free(anchors);
	if (ferror(in))
		tk_fatal("%s: read error", name);
	if (in != stdin)
		fclose(in);
	free(buf);
	free(st.pend_msg);
	free(st.scratch);

	sum = json_object();
	json_object_set_new(sum, "read", json_integer((json_int_t)st.seen));
	json_object_set_new(sum, "explained", json_integer((json_int_t)(st.own - st.unknown)));
	json_object_set_new(sum, "failures", json_integer((json_int_t)st.failures));
	json_object_set_new(sum, "unknown", json_integer((json_int_t)st.unknown));
	json_object_set_new(sum, "otherTool", json_integer((json_int_t)st.foreign));
	json_object_set_new(sum, "otherToolFailures", json_integer((json_int_t)st.foreign_failures));
	json_object_set_new(sum, "otherToolCommand", json_string(tool_for(domain == TK_EXPLAIN_SCHED ? TK_EXPLAIN_KUBELET : TK_EXPLAIN_SCHED)));
	json_object_set_new(sum, "unrelated", json_integer((json_int_t)st.other));
	json_object_set_new(sum, "cutLines", json_integer((json_int_t)st.cut));
	if (out == TK_OUT_TEXT) {
		rc = render_text_summary(sum, domain);
	} else {
		if (!st.nout)
			fputs("{\"events\":[", stdout);
		fputs("],\"summary\":", stdout);
		rc = tk_emit_json_fragment(sum, stdout);
		if (fputs("}\n", stdout) == EOF || fflush(stdout) != 0)
			rc = -1;
	}
	json_decref(sum);
	if (rc < 0)
		tk_fatal("write error");
	return (st.failures || st.foreign_failures) ? 1 : 0;
}
