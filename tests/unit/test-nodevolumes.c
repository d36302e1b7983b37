/* test-nodevolumes.c - VolumeRestrictions and NodeVolumeLimits in
 * spread-check's filter chain (cmd/spread-check/nodevolumes.c, chain.c) on
 * the cases of kubernetes' pkg/scheduler/framework/plugins/
 * volumerestrictions/volume_restrictions_test.go (TestGCEDiskConflicts,
 * TestAWSDiskConflicts, TestRBDDiskConflicts, TestISCSIDiskConflicts,
 * TestAccessModeConflicts) and nodevolumelimits/csi_test.go
 * (TestCSILimits). Each case is a small dump (Nodes, CSINodes, PVs, PVCs,
 * StorageClasses, the Pods bound to the nodes) and the incoming pod; the
 * result is, per node, "Plugin: reason" or "" when every filter passes,
 * joined by "|", or "PREFILTER message".
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../../cmd/spread-check/cluster.c"
#include "../../cmd/spread-check/filters.c"
#include "../../cmd/spread-check/chain.c"
#include "../../cmd/spread-check/podtopo.c"
#include "../../cmd/spread-check/volumes.c"
#include "../../cmd/spread-check/interpod.c"
#include "../../cmd/spread-check/nodevolumes.c"
#include "chain-case.h"

#define NODE1 "- {kind: Node, metadata: {name: node-1}}\n"
/* a pod on node-1 with these volumes */
#define ON(name, vols) "- {kind: Pod, metadata: {name: " name ", namespace: default}, spec: {nodeName: node-1, " \
	"containers: [{name: c}], volumes: [" vols "]}}\n"
#define POD(vols) "{kind: Pod, metadata: {name: p, namespace: default}, spec: {containers: [{name: c}], " \
	"volumes: [" vols "]}}"
#define NOVOL "{kind: Pod, metadata: {name: p, namespace: default}, spec: {containers: [{name: c}]}}"
#define GCE(pd) "{name: v, gcePersistentDisk: {pdName: " pd "}}"
#define GCE_RO(pd) "{name: v, gcePersistentDisk: {pdName: " pd ", readOnly: true}}"
#define EBS(id) "{name: v, awsElasticBlockStore: {volumeID: " id "}}"
#define RBD(mons) "{name: v, rbd: {monitors: [" mons "], pool: foo, image: bar, fsType: ext4}}"
#define ISCSI(iqn) "{name: v, iscsi: {targetPortal: '127.0.0.1:3260', iqn: '" iqn "', fsType: ext4, lun: 0}}"
#define IQN1 "iqn.2016-12.server:storage.target01"
#define IQN2 "iqn.2017-12.server:storage.target01"
#define DISK "VolumeRestrictions: node(s) had no available disk"

/* TestAccessModeConflicts' claims */
#define CLAIM(c) "{name: " c ", persistentVolumeClaim: {claimName: " c "}}"
#define PVC_MODE(c, mode) "- {kind: PersistentVolumeClaim, metadata: {name: " c ", namespace: default}, " \
	"spec: {accessModes: [" mode "]}}\n"
#define RWOP_PVCS PVC_MODE("claim-with-rwop-1", "ReadWriteOncePod") PVC_MODE("claim-with-rwop-2", "ReadWriteOncePod") \
	PVC_MODE("claim-with-rwx", "ReadWriteMany")
#define RWOP "VolumeRestrictions: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"

/* csi_test.go's fixtures: per driver, PVs and bound claims csi-<driver>-0..3
 * (CSI, or in-tree EBS / hostPath for those plugins), claims csi-4
 * (unbound, class csi-sc), csi-5 (no class), csi-6 (class csi-sc, its PV
 * missing); csi-sc provisions with the first driver; the node's CSINode
 * lists every driver (with the limit, or none) and aws-ebs as migrated. */
#define CSIPV(d, j) "- {kind: PersistentVolume, metadata: {name: csi-" d "-" j "}, spec: {csi: {driver: " d \
	", volumeHandle: csi-" d "-" j "}}}\n" CSIPVC(d, j)
#define EBSPV(d, j) "- {kind: PersistentVolume, metadata: {name: csi-" d "-" j "}, spec: {awsElasticBlockStore: " \
	"{volumeID: csi-" d "-" j "}}}\n" CSIPVC(d, j)
#define HOSTPV(d, j) "- {kind: PersistentVolume, metadata: {name: csi-" d "-" j "}, spec: {hostPath: {path: /tmp}}}\n" \
	CSIPVC(d, j)
#define CSIPVC(d, j) "- {kind: PersistentVolumeClaim, metadata: {name: csi-" d "-" j "}, spec: {volumeName: csi-" d "-" j "}}\n"
#define FOUR(mk, d) mk(d, "0") mk(d, "1") mk(d, "2") mk(d, "3")
#define EBSCSI "ebs.csi.aws.com"
#define GCECSI "pd.csi.storage.gke.io"
#define INTREE "kubernetes.io/aws-ebs"
#define HOSTPATH "kubernetes.io/hostpath"
#define CLAIMS_SC(first) "- {kind: PersistentVolumeClaim, metadata: {name: csi-4}, spec: {storageClassName: csi-sc}}\n" \
	"- {kind: PersistentVolumeClaim, metadata: {name: csi-5}, spec: {}}\n" \
	"- {kind: PersistentVolumeClaim, metadata: {name: csi-6}, spec: {storageClassName: csi-sc, volumeName: missing-in-action}}\n" \
	"- {kind: StorageClass, metadata: {name: csi-sc}, provisioner: " first "}\n"
#define LIMNODE "- {kind: Node, metadata: {name: node-for-max-pd-test-1}}\n"
#define CSINODE(drivers) "- {kind: CSINode, metadata: {name: node-for-max-pd-test-1, annotations: " \
	"{storage.alpha.kubernetes.io/migrated-plugins: kubernetes.io/aws-ebs}}, spec: {drivers: [" drivers "]}}\n"
/* a CSINode as the kubelet writes it today: no migrated-plugins annotation */
#define CSINODE_PLAIN(drivers) "- {kind: CSINode, metadata: {name: node-for-max-pd-test-1}, spec: {drivers: [" drivers "]}}\n"
#define DRV(d, lim) "{name: " d ", nodeID: node-for-max-pd-test-1, allocatable: {count: " lim "}}"
#define DRV_NOLIM(d) "{name: " d ", nodeID: node-for-max-pd-test-1}"
/* the driver sets of the cases, with a limit, without one */
#define EBS_ONLY(lim) LIMNODE CSINODE(DRV(EBSCSI, lim)) FOUR(CSIPV, EBSCSI) CLAIMS_SC(EBSCSI)
#define EBS_NOLIM LIMNODE CSINODE(DRV_NOLIM(EBSCSI)) FOUR(CSIPV, EBSCSI) CLAIMS_SC(EBSCSI)
#define EBS_GCE(lim) LIMNODE CSINODE(DRV(EBSCSI, lim) ", " DRV(GCECSI, lim)) FOUR(CSIPV, EBSCSI) FOUR(CSIPV, GCECSI) \
	CLAIMS_SC(EBSCSI)
#define MIGRATED(lim) LIMNODE CSINODE(DRV(INTREE, lim) ", " DRV(EBSCSI, lim)) FOUR(EBSPV, INTREE) FOUR(CSIPV, EBSCSI) \
	CLAIMS_SC(INTREE)
#define MIGRATED_NOLIM LIMNODE CSINODE(DRV_NOLIM(INTREE) ", " DRV_NOLIM(EBSCSI)) FOUR(EBSPV, INTREE) \
	FOUR(CSIPV, EBSCSI) CLAIMS_SC(INTREE)
#define MIGRATED_NO_CSINODE LIMNODE FOUR(EBSPV, INTREE) FOUR(CSIPV, EBSCSI) CLAIMS_SC(INTREE)
#define HOSTPATH_EBS(lim) LIMNODE CSINODE(DRV(HOSTPATH, lim) ", " DRV(EBSCSI, lim)) FOUR(HOSTPV, HOSTPATH) \
	FOUR(CSIPV, EBSCSI) CLAIMS_SC(HOSTPATH)
/* pods: on the node (name unique per case) or the incoming one */
#define LON(name, vols) "- {kind: Pod, metadata: {name: " name "}, spec: {nodeName: node-for-max-pd-test-1, " \
	"containers: [{name: c}], volumes: [" vols "]}}\n"
#define LPOD(vols) "{kind: Pod, metadata: {name: p}, spec: {containers: [{name: c}], volumes: [" vols "]}}"
#define V(c) "{name: v-" c ", persistentVolumeClaim: {claimName: " c "}}"
#define RUNNING(n) LON(n, V("csi-ebs.csi.aws.com-3"))
#define PENDING(n) LON(n, V("csi-4"))
#define EBS_TWO(n) LON(n, V("csi-ebs.csi.aws.com-1") ", " V("csi-ebs.csi.aws.com-2"))
#define GCE_TWO(n) LON(n, V("csi-pd.csi.storage.gke.io-1") ", " V("csi-pd.csi.storage.gke.io-2"))
#define INTREE_ONE(n) LON(n, V("csi-kubernetes.io/aws-ebs-0"))
#define INTREE_TWO(n) LON(n, V("csi-kubernetes.io/aws-ebs-1") ", " V("csi-kubernetes.io/aws-ebs-2"))
#define INLINE_EBS(id) "{name: i, awsElasticBlockStore: {volumeID: " id "}}"
#define CM_SECRET "{name: cm, configMap: {name: x}}, {name: s, secret: {secretName: y}}"
/* the ephemeral pods: abc in namespace test, its claims abc-<volume> */
#define EPH_CLAIM(n) "- {kind: PersistentVolumeClaim, metadata: {name: abc-" n ", namespace: test}, " \
	"spec: {storageClassName: csi-sc}}\n"
#define EPH(v) "{name: " v ", ephemeral: {volumeClaimTemplate: {spec: {}}}}"
#define EPH_ON(vols) "- {kind: Pod, metadata: {name: abc, namespace: test}, spec: {nodeName: node-for-max-pd-test-1, " \
	"containers: [{name: c}], volumes: [" vols "]}}\n"
#define EPH_POD(vols) "{kind: Pod, metadata: {name: abc, namespace: test}, spec: {containers: [{name: c}], " \
	"volumes: [" vols "]}}"
#define LIMIT "NodeVolumeLimits: node(s) exceed max volume count"
/* getFakeVolumeAttachmentLister: va-<driver>-<j> of PV csi-<driver>-<j> */
#define VA(d, j) "- {kind: VolumeAttachment, metadata: {name: va-" d "-" j "}, spec: {nodeName: node-for-max-pd-test-1, " \
	"attacher: " d ", source: {persistentVolumeName: csi-" d "-" j "}}}\n"

struct ncase {
	const char *name;
	const char *dump;   /* items of a List */
	const char *pod;
	const char *want;
	bool alone;         /* the plugin's own PreFilter and Filter, as its table test runs it */
};

static const struct ncase cases[] = {
	/* TestGCEDiskConflicts, TestAWSDiskConflicts, TestRBDDiskConflicts,
	 * TestISCSIDiskConflicts: nothing, one state, same state, different state */
	{ "gce nothing", NODE1, NOVOL, "", false },
	{ "gce one state", NODE1 ON("e", GCE("foo")), NOVOL, "", false },
	{ "gce same state", NODE1 ON("e", GCE("foo")), POD(GCE("foo")), DISK, false },
	{ "gce different state", NODE1 ON("e", GCE("foo")), POD(GCE("bar")), "", false },
	{ "gce both read-only", NODE1 ON("e", GCE_RO("foo")), POD(GCE_RO("foo")), "", false },
	{ "gce one read-only", NODE1 ON("e", GCE("foo")), POD(GCE_RO("foo")), DISK, false },
	{ "aws nothing", NODE1, NOVOL, "", false },
	{ "aws one state", NODE1 ON("e", EBS("foo")), NOVOL, "", false },
	{ "aws same state", NODE1 ON("e", EBS("foo")), POD(EBS("foo")), DISK, false },
	{ "aws different state", NODE1 ON("e", EBS("foo")), POD(EBS("bar")), "", false },
	{ "rbd nothing", NODE1, NOVOL, "", false },
	{ "rbd one state", NODE1 ON("e", RBD("a, b")), NOVOL, "", false },
	{ "rbd same state", NODE1 ON("e", RBD("a, b")), POD(RBD("a, b")), DISK, false },
	{ "rbd different state", NODE1 ON("e", RBD("a, b")), POD(RBD("c, d")), "", false },
	{ "rbd one monitor shared", NODE1 ON("e", RBD("a, b")), POD(RBD("d, b")), DISK, false },
	{ "iscsi nothing", NODE1, NOVOL, "", false },
	{ "iscsi one state", NODE1 ON("e", ISCSI(IQN1)), NOVOL, "", false },
	{ "iscsi same state", NODE1 ON("e", ISCSI(IQN1)), POD(ISCSI(IQN1)), DISK, false },
	{ "iscsi different state", NODE1 ON("e", ISCSI(IQN1)), POD(ISCSI(IQN2)), "", false },
	/* a pod on another node does not conflict */
	{ "gce on another node", NODE1 "- {kind: Node, metadata: {name: node-2}}\n" ON("e", GCE("foo")),
	  POD(GCE("foo")), DISK "|", false },
	/* TestAccessModeConflicts */
	{ "rwop nothing", NODE1, NOVOL, "", false },
	{ "rwop failed to get PVC", NODE1, POD(CLAIM("claim-with-rwop-1")),
	  "PREFILTER persistentvolumeclaim \"claim-with-rwop-1\" not found", false },
	{ "rwop no access mode conflict", NODE1 RWOP_PVCS ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1")), "", false },
	{ "rwop access mode conflict, unschedulable",
	  NODE1 RWOP_PVCS ON("pod-with-one-pvc", CLAIM("claim-with-rwop-1")) ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1")), RWOP, false },
	{ "rwop two conflicts, unschedulable",
	  NODE1 RWOP_PVCS ON("pod-with-two-pvcs", CLAIM("claim-with-rwop-1") ", " CLAIM("claim-with-rwop-2"))
	  ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1") ", " CLAIM("claim-with-rwop-2")), RWOP, false },
	/* the claim is in use anywhere: every node fails */
	{ "rwop in use on another node",
	  NODE1 "- {kind: Node, metadata: {name: node-2}}\n" RWOP_PVCS ON("pod-with-one-pvc", CLAIM("claim-with-rwop-1")),
	  POD(CLAIM("claim-with-rwop-1")), RWOP "|" RWOP, false },
	/* a finished pod no longer uses it */
	{ "rwop used by a finished pod",
	  NODE1 RWOP_PVCS "- {kind: Pod, metadata: {name: done, namespace: default}, spec: {nodeName: node-1, "
	  "containers: [{name: c}], volumes: [" CLAIM("claim-with-rwop-1") "]}, status: {phase: Succeeded}}\n",
	  POD(CLAIM("claim-with-rwop-1")), "", false },
	/* the chain: VolumeRestrictions after NodeResourcesFit */
	{ "resources before volume restrictions",
	  "- {kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: 1m, pods: '9'}}}\n" ON("e", GCE("foo")),
	  "{kind: Pod, metadata: {name: p, namespace: default}, spec: {containers: [{name: c, resources: "
	  "{requests: {cpu: 2m}}}], volumes: [" GCE("foo") "]}}", "NodeResourcesFit: Insufficient cpu", false },
	/* TestCSILimits (an ephemeral claim that is missing or not the pod's
	 * own is not modelled: VolumeBinding's PreFilter stops such a pod) */
	{ "csi should count VolumeAttachments towards volume limit when no pods exist",
	  EBS_ONLY("2") VA(EBSCSI, "0") VA(EBSCSI, "1"), LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi should schedule pod when VolumeAttachments count does not exceed limit",
	  EBS_ONLY("2") VA(EBSCSI, "0"), LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	/* an attachment of a volume a pod on the node mounts counts once */
	{ "csi VolumeAttachment of a pod's volume counts once",
	  EBS_ONLY("3") EBS_TWO("t") VA(EBSCSI, "1") VA(EBSCSI, "2"), LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi VolumeAttachment of another node does not count",
	  EBS_ONLY("1") "- {kind: VolumeAttachment, metadata: {name: va-x}, spec: {nodeName: other, attacher: " EBSCSI
	  ", source: {persistentVolumeName: csi-ebs.csi.aws.com-1}}}\n", LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi fits when node volume limit >= new pods CSI volume", EBS_ONLY("4") RUNNING("r") EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi doesn't when node volume limit <= pods CSI volume", EBS_ONLY("2") RUNNING("r") EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi should when driver does not support volume limits", EBS_NOLIM RUNNING("r") EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi count pending PVCs towards volume limit <= pods CSI volume", EBS_ONLY("2") PENDING("q") EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi count multiple pending pvcs towards volume limit >= pods CSI volume",
	  EBS_ONLY("4") PENDING("q") PENDING("q2") EBS_TWO("t"), LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi should count PVCs with invalid PV name but valid SC", EBS_ONLY("2") LON("m", V("csi-6")) EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi don't count pvcs with missing SC towards volume limit", EBS_ONLY("2") RUNNING("r") LON("n", V("csi-5")),
	  LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi count pvcs with the same type towards volume limit", EBS_GCE("2") GCE_TWO("g") EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi don't count pvcs with different type towards volume limit", EBS_GCE("2") EBS_TWO("t") RUNNING("r"),
	  LPOD(V("csi-pd.csi.storage.gke.io-1") ", " V("csi-pd.csi.storage.gke.io-2")), "", true },
	{ "csi should count in-tree volumes if migration is enabled", MIGRATED("2") INTREE_TWO("i"),
	  LPOD(V("csi-kubernetes.io/aws-ebs-0")), LIMIT, true },
	{ "csi nil csi node", MIGRATED_NO_CSINODE INTREE_TWO("i"), LPOD(INLINE_EBS("aws-inline1")), "", true },
	{ "csi should count unbound in-tree volumes if migration is enabled", MIGRATED("2") INTREE_TWO("i"),
	  LPOD(V("csi-4")), LIMIT, true },
	{ "csi should not limit pod if volume used does not report limits", MIGRATED_NOLIM INTREE_TWO("i"),
	  LPOD(V("csi-kubernetes.io/aws-ebs-0")), "", true },
	{ "csi should not count non-migratable in-tree volumes", HOSTPATH_EBS("2") EBS_TWO("t"),
	  LPOD(V("csi-kubernetes.io/hostpath-0")), "", true },
	{ "csi should count in-tree inline volumes if migration is enabled", MIGRATED("2") INTREE_TWO("i"),
	  LPOD(INLINE_EBS("aws-inline1")), LIMIT, true },
	{ "csi should count in-tree and csi volumes (scheduling in-tree volumes)", MIGRATED("2") EBS_TWO("t"),
	  LPOD(V("csi-kubernetes.io/aws-ebs-0")), LIMIT, true },
	{ "csi should count in-tree, inline and csi volumes (scheduling in-tree volumes)",
	  MIGRATED("3") EBS_TWO("t") INTREE_ONE("o"), LPOD(INLINE_EBS("aws-inline1")), LIMIT, true },
	{ "csi should not count in-tree, inline and csi volumes (same CSI volume ID)",
	  MIGRATED("3") EBS_TWO("t") INTREE_ONE("o"), LPOD(INLINE_EBS("csi-ebs.csi.aws.com-1")), "", true },
	{ "csi should count in-tree and csi volumes (scheduling csi volumes)", MIGRATED("2") INTREE_TWO("i"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi ephemeral volume unbound", EBS_NOLIM EPH_CLAIM("xyz"), EPH_POD(EPH("xyz")), "", true },
	{ "csi ephemeral doesn't when node volume limit <= pods CSI volume",
	  EBS_ONLY("2") EPH_CLAIM("xyz") RUNNING("r") EBS_TWO("t"), EPH_POD(EPH("xyz")), LIMIT, true },
	{ "csi ephemeral doesn't when node volume limit <= pods ephemeral CSI volume",
	  EBS_ONLY("2") EPH_CLAIM("x") EPH_CLAIM("y") RUNNING("r") EPH_ON(EPH("x") ", " EPH("y")),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi persistent doesn't when node volume limit <= pods ephemeral CSI volume + persistent volume",
	  EBS_ONLY("3") EPH_CLAIM("xyz") RUNNING("r") EPH_ON(EPH("xyz")) EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), LIMIT, true },
	{ "csi persistent okay when node volume limit > pods ephemeral CSI volume + persistent volume",
	  EBS_ONLY("5") EPH_CLAIM("xyz") RUNNING("r") EPH_ON(EPH("xyz")) EBS_TWO("t"),
	  LPOD(V("csi-ebs.csi.aws.com-0")), "", true },
	{ "csi skip Filter when the pod only uses secrets and configmaps", EBS_ONLY("2"), LPOD(CM_SECRET), "", true },
	{ "csi don't skip Filter when the pod has pvcs", EBS_ONLY("2"), LPOD(CM_SECRET ", " V("csi-ebs.csi.aws.com-0")),
	  "", true },
	{ "csi don't skip Filter when the pod has inline migratable volumes", MIGRATED("2") INTREE_TWO("i"),
	  LPOD(CM_SECRET ", " INLINE_EBS("aws-inline1")), LIMIT, true },
	/* a pod that does not use the limited driver is not limited */
	{ "csi other driver full", EBS_GCE("2") GCE_TWO("g") EBS_TWO("t"), LPOD(V("csi-pd.csi.storage.gke.io-0")),
	  LIMIT, true },
	{ "csi volume already attached is not new", EBS_ONLY("2") EBS_TWO("t"), LPOD(V("csi-ebs.csi.aws.com-1")), "", true },
	/* isCSIMigrationOn no longer reads the CSINode's annotation */
	{ "csi in-tree volumes count on a CSINode without the migrated-plugins annotation",
	  LIMNODE CSINODE_PLAIN(DRV(INTREE, "2") ", " DRV(EBSCSI, "2")) FOUR(EBSPV, INTREE) FOUR(CSIPV, EBSCSI)
	  CLAIMS_SC(INTREE) INTREE_TWO("i"), LPOD(V("csi-kubernetes.io/aws-ebs-0")), LIMIT, true },
	{ "csi an in-tree provisioner counts as its CSI driver on a CSINode without the annotation",
	  LIMNODE CSINODE_PLAIN(DRV(EBSCSI, "1")) FOUR(CSIPV, EBSCSI) CLAIMS_SC(INTREE) RUNNING("r"),
	  LPOD(V("csi-4")), LIMIT, true },
};

static int other_item(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;

	return sc_volume_item(a[0], file, item, a[2]);
}

static void run_case(const struct ncase *k, const char *tmp_dump, const char *tmp_pod)
{
	struct sc_cluster c;
	struct sc_podspec pod;
	struct pts_defaults defs;
	struct pts_objects objs;
	struct pts_state st;
	struct sc_chain ch;
	struct sc_volmask vol;
	struct tk_diag d;
	char got[4096] = "";
	const char *rejected, **claims, **classes;
	uint32_t n, nnew, nc;
	bool volumes;

	if (chain_case_load(k->name, k->dump, k->pod, tmp_dump, tmp_pod, other_item, &c, &pod, &d) < 0)
		return;
	memset(&defs, 0, sizeof(defs));
	memset(&objs, 0, sizeof(objs));
	/* as place --all-filters builds it */
	nc = sc_pod_claims(&c, &pod, strcmp(pod.kind, "StatefulSet") == 0, 0, &claims, &classes, &nnew);
	volumes = sc_volmask_build(&c, pod.ns, claims, nc, nnew, classes, &vol);
	free(claims);
	free(classes);
	if (k->alone) {
		struct sc_nodevols nv;
		const char *plugin;

		sc_nodevols_init(&nv, &c, &pod);
		if ((rejected = sc_nodevols_prefilter(&nv)))
			snprintf(got, sizeof(got), "PREFILTER %s", rejected);
		for (n = 0; !rejected && n < c.nnodes; n++) {
			const char *why = sc_nodevols_filter(&nv, n, &plugin);

			if (n)
				strcat(got, "|");
			if (why)
				snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s: %s", plugin, why);
		}
		TAP_OK(strcmp(got, k->want) == 0, "%s: '%s'", k->name, got);
		sc_nodevols_release(&nv);
		goto out;
	}
	memset(&st, 0, sizeof(st));
	pts_state_init(&st, &c, &pod, &defs, &objs);
	sc_chain_init(&ch, &st, volumes ? &vol : NULL);
	rejected = sc_chain_prefilter(&ch);
	if (rejected)
		snprintf(got, sizeof(got), "PREFILTER %s", rejected);
	for (n = 0; !rejected && n < c.nnodes; n++) {
		struct sc_filter_verdict v;

		if (n)
			strcat(got, "|");
		if (sc_chain_filter(&ch, n, &v))
			chain_case_verdict(got, sizeof(got), &v);
	}
	TAP_OK(strcmp(got, k->want) == 0, "%s: '%s'", k->name, got);
	sc_chain_release(&ch);
	pts_state_release(&st);
out:
	sc_volmask_release(&vol);
	sc_podspec_release(&pod);
	sc_cluster_release(&c);
}

int main(void)
{
	char tmp_dump[] = "/tmp/test-nodevolumes.XXXXXX", tmp_pod[] = "/tmp/test-nodevolumes-pod.XXXXXX";
	int fd = mkstemp(tmp_dump), fd2 = mkstemp(tmp_pod);
	size_t i;

	if (fd < 0 || fd2 < 0) {
		printf("Bail out! mkstemp\n");
		return 1;
	}
	close(fd);
	close(fd2);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], tmp_dump, tmp_pod);
	unlink(tmp_dump);
	unlink(tmp_pod);
	return TAP_DONE();
}
