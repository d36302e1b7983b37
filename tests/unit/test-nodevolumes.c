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

struct ncase {
	const char *name;
	const char *dump;   /* items of a List */
	const char *pod;
	const char *want;
};

static const struct ncase cases[] = {
	/* TestGCEDiskConflicts, TestAWSDiskConflicts, TestRBDDiskConflicts,
	 * TestISCSIDiskConflicts: nothing, one state, same state, different state */
	{ "gce nothing", NODE1, NOVOL, "" },
	{ "gce one state", NODE1 ON("e", GCE("foo")), NOVOL, "" },
	{ "gce same state", NODE1 ON("e", GCE("foo")), POD(GCE("foo")), DISK },
	{ "gce different state", NODE1 ON("e", GCE("foo")), POD(GCE("bar")), "" },
	{ "gce both read-only", NODE1 ON("e", GCE_RO("foo")), POD(GCE_RO("foo")), "" },
	{ "gce one read-only", NODE1 ON("e", GCE("foo")), POD(GCE_RO("foo")), DISK },
	{ "aws nothing", NODE1, NOVOL, "" },
	{ "aws one state", NODE1 ON("e", EBS("foo")), NOVOL, "" },
	{ "aws same state", NODE1 ON("e", EBS("foo")), POD(EBS("foo")), DISK },
	{ "aws different state", NODE1 ON("e", EBS("foo")), POD(EBS("bar")), "" },
	{ "rbd nothing", NODE1, NOVOL, "" },
	{ "rbd one state", NODE1 ON("e", RBD("a, b")), NOVOL, "" },
	{ "rbd same state", NODE1 ON("e", RBD("a, b")), POD(RBD("a, b")), DISK },
	{ "rbd different state", NODE1 ON("e", RBD("a, b")), POD(RBD("c, d")), "" },
	{ "rbd one monitor shared", NODE1 ON("e", RBD("a, b")), POD(RBD("d, b")), DISK },
	{ "iscsi nothing", NODE1, NOVOL, "" },
	{ "iscsi one state", NODE1 ON("e", ISCSI(IQN1)), NOVOL, "" },
	{ "iscsi same state", NODE1 ON("e", ISCSI(IQN1)), POD(ISCSI(IQN1)), DISK },
	{ "iscsi different state", NODE1 ON("e", ISCSI(IQN1)), POD(ISCSI(IQN2)), "" },
	/* a pod on another node does not conflict */
	{ "gce on another node", NODE1 "- {kind: Node, metadata: {name: node-2}}\n" ON("e", GCE("foo")),
	  POD(GCE("foo")), DISK "|" },
	/* TestAccessModeConflicts */
	{ "rwop nothing", NODE1, NOVOL, "" },
	{ "rwop failed to get PVC", NODE1, POD(CLAIM("claim-with-rwop-1")),
	  "PREFILTER persistentvolumeclaim \"claim-with-rwop-1\" not found" },
	{ "rwop no access mode conflict", NODE1 RWOP_PVCS ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1")), "" },
	{ "rwop access mode conflict, unschedulable",
	  NODE1 RWOP_PVCS ON("pod-with-one-pvc", CLAIM("claim-with-rwop-1")) ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1")), RWOP },
	{ "rwop two conflicts, unschedulable",
	  NODE1 RWOP_PVCS ON("pod-with-two-pvcs", CLAIM("claim-with-rwop-1") ", " CLAIM("claim-with-rwop-2"))
	  ON("pod-with-rwx", CLAIM("claim-with-rwx")),
	  POD(CLAIM("claim-with-rwop-1") ", " CLAIM("claim-with-rwop-2")), RWOP },
	/* the claim is in use anywhere: every node fails */
	{ "rwop in use on another node",
	  NODE1 "- {kind: Node, metadata: {name: node-2}}\n" RWOP_PVCS ON("pod-with-one-pvc", CLAIM("claim-with-rwop-1")),
	  POD(CLAIM("claim-with-rwop-1")), RWOP "|" RWOP },
	/* a finished pod no longer uses it */
	{ "rwop used by a finished pod",
	  NODE1 RWOP_PVCS "- {kind: Pod, metadata: {name: done, namespace: default}, spec: {nodeName: node-1, "
	  "containers: [{name: c}], volumes: [" CLAIM("claim-with-rwop-1") "]}, status: {phase: Succeeded}}\n",
	  POD(CLAIM("claim-with-rwop-1")), "" },
	/* the chain: VolumeRestrictions after NodeResourcesFit */
	{ "resources before volume restrictions",
	  "- {kind: Node, metadata: {name: node-1}, status: {allocatable: {cpu: 1m, pods: '9'}}}\n" ON("e", GCE("foo")),
	  "{kind: Pod, metadata: {name: p, namespace: default}, spec: {containers: [{name: c, resources: "
	  "{requests: {cpu: 2m}}}], volumes: [" GCE("foo") "]}}", "NodeResourcesFit: Insufficient cpu" },
};

static int pod_item_cb(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;
	struct sc_cluster *c = a[0];
	int r;

	c->check_selectors = true;   /* the incoming pod */
	r = sc_podspec_from_node(c, a[1], file, item, a[2]);
	c->check_selectors = false;
	return r;
}

static int other_item(const struct tk_node *item, const char *file, void *arg)
{
	void **a = arg;

	return sc_volume_item(a[0], file, item, a[2]);
}

static int write_file(const char *path, const char *fmt, const char *text)
{
	FILE *f = fopen(path, "w");

	return !f || fprintf(f, fmt, text) < 0 || fclose(f) != 0 ? -1 : 0;
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
	void *arg[3] = { &c, &pod, &d };
	char got[4096] = "";
	const char *rejected, **claims, **classes;
	uint32_t n, nnew, nc;
	size_t j;
	bool volumes;

	if (write_file(tmp_dump, "kind: List\nitems:\n%s", k->dump) < 0 || write_file(tmp_pod, "%s\n", k->pod) < 0) {
		TAP_OK(0, "%s: write", k->name);
		return;
	}
	sc_cluster_init(&c);
	memset(&d, 0, sizeof(d));
	memset(&pod, 0, sizeof(pod));
	memset(&defs, 0, sizeof(defs));
	memset(&objs, 0, sizeof(objs));
	if (sc_load_cluster(&c, tmp_dump, other_item, arg, &d) < 0 || tk_doc_stream(tmp_pod, NULL, pod_item_cb, arg, &d) != 0) {
		TAP_OK(0, "%s: load: %s", k->name, d.msg);
		sc_podspec_release(&pod);
		sc_cluster_release(&c);
		return;
	}
	/* as place --all-filters builds it */
	nc = sc_pod_claims(&c, &pod, strcmp(pod.kind, "StatefulSet") == 0, 0, &claims, &classes, &nnew);
	volumes = sc_volmask_build(&c, pod.ns, claims, nc, nnew, classes, &vol);
	free(claims);
	free(classes);
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
		if (!sc_chain_filter(&ch, n, &v))
			continue;
		strcat(got, v.plugin);
		for (j = 0; j < v.nreasons; j++) {
			strcat(got, j ? ", " : ": ");
			strcat(got, v.reasons[j]);
		}
	}
	TAP_OK(strcmp(got, k->want) == 0, "%s: '%s'", k->name, got);
	sc_chain_release(&ch);
	pts_state_release(&st);
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
