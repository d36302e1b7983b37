/* test-volumes.c - spread-check's VolumeBinding and VolumeZone model
 * (cmd/spread-check/volumes.c) on the cases of kubernetes'
 * pkg/scheduler/framework/plugins/volumebinding/volume_binding_test.go
 * (TestVolumeBinding: PreFilter statuses and Filter reasons) and
 * volumezone/volume_zone_test.go, each as a small dump of Nodes,
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "../../cmd/spread-check/cluster.c"
#include "../../cmd/spread-check/volumes.c"

#define NODE(n, labels) "- {kind: Node, metadata: {name: " n ", labels: {kubernetes.io/hostname: " n labels "}}}\n"
#define BOUND(c, pv) "- {kind: PersistentVolumeClaim, metadata: {name: " c ", namespace: ns, " \
	"annotations: {pv.kubernetes.io/bind-completed: 'yes'}}, spec: {volumeName: " pv ", storageClassName: wait-sc}}\n"
#define UNBOUND(c, sc) "- {kind: PersistentVolumeClaim, metadata: {name: " c ", namespace: ns}, spec: {storageClassName: " sc "}}\n"
#define PV(n, sc, aff) "- {kind: PersistentVolume, metadata: {name: " n "}, spec: {storageClassName: " sc aff "}}\n"
#define HOST_AFF(h) ", nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [" h "]}]}]}}"
#define CLASSES "- {kind: StorageClass, metadata: {name: wait-sc}, volumeBindingMode: WaitForFirstConsumer}\n" \
	"- {kind: StorageClass, metadata: {name: immediate-sc}, volumeBindingMode: Immediate}\n"

struct vcase {
	const char *name;
	const char *dump;
	const char *claims[3];
	const char *want;
	uint32_t nnew;                  /* the last nnew claims are created with the pod */
	const char *new_class[3];   /* "-" no constraint, "PREFILTER message", or per node
			     * "reasons|reasons|..." ("" passes) */
};

static const struct vcase cases[] = {
	{ "pod has no pvcs", NODE("node-a", ""), { NULL }, "-", 0, { NULL } },
	{ "all bound", NODE("node-a", "") BOUND("pvc-a", "pv-a") PV("pv-a", "wait-sc", ""),
	  { "pvc-a" }, "", 0, { NULL } },
	{ "all bound with local volumes",
	  NODE("node-a", "") NODE("node-b", "") BOUND("pvc-a", "pv-a") BOUND("pvc-b", "pv-b")
	  PV("pv-a", "wait-sc", HOST_AFF("node-a")) PV("pv-b", "wait-sc", HOST_AFF("node-a")),
	  { "pvc-a", "pvc-b" }, "|node(s) had volume node affinity conflict", 0, { NULL } },
	{ "PVC does not exist", NODE("node-a", "") CLASSES, { "pvc-a" },
	  "PREFILTER persistentvolumeclaim \"pvc-a\" not found", 0, { NULL } },
	{ "Part of PVCs do not exist", NODE("node-a", "") CLASSES BOUND("pvc-a", "pv-a"), { "pvc-a", "pvc-b" },
	  "PREFILTER persistentvolumeclaim \"pvc-b\" not found", 0, { NULL } },
	{ "immediate claims not bound", NODE("node-a", "") CLASSES UNBOUND("pvc-a", "immediate-sc"), { "pvc-a" },
	  "PREFILTER pod has unbound immediate PersistentVolumeClaims", 0, { NULL } },
	{ "unbound claims no matches", NODE("node-a", "") CLASSES UNBOUND("pvc-a", "wait-sc"), { "pvc-a" },
	  "node(s) didn't find available persistent volumes to bind", 0, { NULL } },
	{ "bound and unbound unsatisfied",
	  NODE("node-a", ", foo: barbar") CLASSES BOUND("pvc-a", "pv-a") UNBOUND("pvc-b", "wait-sc")
	  PV("pv-a", "wait-sc", ", nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: foo, operator: In, values: [bar]}]}]}}"),
	  { "pvc-a", "pvc-b" },
	  "node(s) had volume node affinity conflict, node(s) didn't find available persistent volumes to bind", 0, { NULL } },
	{ "pv not found", NODE("node-a", "") CLASSES BOUND("pvc-a", "pv-a"), { "pvc-a" },
	  "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)", 0, { NULL } },
	{ "pv not found claim lost",
	  NODE("node-a", "") CLASSES
	  "- {kind: PersistentVolumeClaim, metadata: {name: pvc-a, namespace: ns, annotations: {pv.kubernetes.io/bind-completed: 'yes'}},"
	  " spec: {volumeName: pv-a, storageClassName: wait-sc}, status: {phase: Lost}}\n",
	  { "pvc-a" }, "PREFILTER persistentvolumeclaim \"pvc-a\" bound to non-existent persistentvolume \"pv-a\"", 0, { NULL } },
	{ "local volumes with close capacity are preferred (filter)",
	  NODE("node-a", "") NODE("node-b", "") NODE("node-c", "") CLASSES UNBOUND("pvc-a", "wait-sc")
	  PV("pv-a-0", "wait-sc", HOST_AFF("node-a")) PV("pv-a-1", "wait-sc", HOST_AFF("node-a"))
	  PV("pv-b-0", "wait-sc", HOST_AFF("node-b")) PV("pv-b-1", "wait-sc", HOST_AFF("node-b")),
	  { "pvc-a" }, "||node(s) didn't find available persistent volumes to bind", 0, { NULL } },
	/* ours: a PV claimed by another claim is not a match */
	{ "a PV bound to another claim does not match",
	  NODE("node-a", "") CLASSES UNBOUND("pvc-a", "wait-sc")
	  "- {kind: PersistentVolume, metadata: {name: pv-x}, spec: {storageClassName: wait-sc, claimRef: {namespace: ns, name: other}}}\n",
	  { "pvc-a" }, "node(s) didn't find available persistent volumes to bind", 0, { NULL } },
	{ "provisioning: allowedTopologies pin a WaitForFirstConsumer claim",
	  NODE("a1", ", topology.kubernetes.io/zone: a") NODE("b1", ", topology.kubernetes.io/zone: b")
	  "- {kind: StorageClass, metadata: {name: gp3}, provisioner: ebs.csi.aws.com, volumeBindingMode: WaitForFirstConsumer,"
	  " allowedTopologies: [{matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [a]}]}]}\n"
	  UNBOUND("data", "gp3"),
	  { "data" }, "|node(s) didn't find available persistent volumes to bind", 0, { NULL } },
	{ "no StorageClass in the dump: an unbound claim is not checked",
	  NODE("node-a", "") UNBOUND("pvc-a", "wait-sc"), { "pvc-a" }, "-", 0, { NULL } },
	{ "a claim with volumeName but not bind-completed is immediate",
	  NODE("node-a", "") "- {kind: PersistentVolumeClaim, metadata: {name: pvc-a, namespace: ns}, spec: {volumeName: pv-a}}\n",
	  { "pvc-a" }, "PREFILTER pod has unbound immediate PersistentVolumeClaims", 0, { NULL } },
	{ "a claim being deleted",
	  NODE("node-a", "") "- {kind: PersistentVolumeClaim, metadata: {name: pvc-a, namespace: ns, deletionTimestamp: '2026-01-01T00:00:00Z'}}\n",
	  { "pvc-a" }, "PREFILTER persistentvolumeclaim \"pvc-a\" is being deleted", 0, { NULL } },
	/* a StatefulSet's claim created with its pod: the template's class, else
	 * the default one (DefaultStorageClass admission), else none */
	{ "a new claim of a WaitForFirstConsumer class with allowedTopologies",
	  NODE("a1", ", topology.kubernetes.io/zone: a") NODE("b1", ", topology.kubernetes.io/zone: b")
	  "- {kind: StorageClass, metadata: {name: gp3}, provisioner: ebs.csi.aws.com, volumeBindingMode: WaitForFirstConsumer,"
	  " allowedTopologies: [{matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [a]}]}]}\n",
	  { "data-db-5" }, "|node(s) didn't find available persistent volumes to bind", 1, { "gp3" } },
	{ "a new claim without a class takes the default class",
	  NODE("a1", ", topology.kubernetes.io/zone: a") NODE("b1", ", topology.kubernetes.io/zone: b")
	  "- {kind: StorageClass, metadata: {name: gp3, annotations: {storageclass.kubernetes.io/is-default-class: 'true'}},"
	  " provisioner: ebs.csi.aws.com, volumeBindingMode: WaitForFirstConsumer,"
	  " allowedTopologies: [{matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [b]}]}]}\n",
	  { "data-db-5" }, "node(s) didn't find available persistent volumes to bind|", 1, { NULL } },
	{ "a new claim without a class and no default binds immediately",
	  NODE("a1", "") CLASSES, { "data-db-5" }, "PREFILTER pod has unbound immediate PersistentVolumeClaims", 1, { NULL } },
	{ "no StorageClass in the dump: a new claim is not checked", NODE("a1", ""), { "data-db-5" }, "-", 1, { "gp3" } },
	/* volume_zone_test.go: a PV's zone set ("__"-separated) against the node's zone */
	{ "VolumeZone: multi-zone PV label",
	  NODE("a1", ", topology.kubernetes.io/zone: us-west1-a") NODE("b1", ", topology.kubernetes.io/zone: us-west1-b")
	  NODE("c1", ", topology.kubernetes.io/zone: us-west1-c") NODE("x1", "")
	  BOUND("pvc-a", "pv-a")
	  "- {kind: PersistentVolume, metadata: {name: pv-a, labels: {topology.kubernetes.io/zone: us-west1-a__us-west1-b}}}\n",
	  { "pvc-a" }, "||node(s) had no available volume zone|", 0, { NULL } },
	{ "VolumeZone: the beta zone label",
	  NODE("a1", ", failure-domain.beta.kubernetes.io/zone: us-west1-a") NODE("b1", ", failure-domain.beta.kubernetes.io/zone: us-west1-b")
	  BOUND("pvc-a", "pv-a")
	  "- {kind: PersistentVolume, metadata: {name: pv-a, labels: {failure-domain.beta.kubernetes.io/zone: us-west1-a}}}\n",
	  { "pvc-a" }, "|node(s) had no available volume zone", 0, { NULL } },
};

struct loader {
	struct sc_cluster *c;
	struct tk_diag *d;
};

static int other(const struct tk_node *item, const char *file, void *arg)
{
	struct loader *l = arg;

	return sc_volume_item(l->c, file, item, l->d);
}

static void run_case(const struct vcase *k, const char *tmp)
{
	struct sc_cluster c;
	struct tk_diag d;
	struct loader l = { &c, &d };
	struct sc_volmask m;
	const char *claims[3];
	char got[1024] = "";
	uint32_t n = 0;
	size_t node;
	FILE *f = fopen(tmp, "w");

	if (!f || fprintf(f, "kind: List\nitems:\n%s", k->dump) < 0 || fclose(f) != 0) {
		TAP_OK(0, "%s: write %s", k->name, tmp);
		return;
	}
	sc_cluster_init(&c);
	memset(&d, 0, sizeof(d));
	if (sc_load_cluster(&c, tmp, other, &l, &d) < 0) {
		TAP_OK(0, "%s: load: %s", k->name, d.msg);
		sc_cluster_release(&c);
		return;
	}
	while (n < 3 && k->claims[n]) {
		claims[n] = sc_intern_str(&c.strs, k->claims[n]);
		n++;
	}
	if (!sc_volmask_build(&c, sc_intern_str(&c.strs, "ns"), claims, n, k->nnew, k->new_class, &m)) {
		strcpy(got, "-");
	} else if (m.prefilter) {
		snprintf(got, sizeof(got), "PREFILTER %s", m.prefilter);
	} else {
		for (node = 0; node < c.nnodes; node++) {
			const char *why[4];
			size_t j, nw = m.why ? sc_vol_reasons(m.why[node], why) : 0;

			if (node)
				strcat(got, "|");
			for (j = 0; j < nw; j++) {
				if (j)
					strcat(got, ", ");
				strcat(got, why[j]);
			}
		}
	}
	TAP_OK(strcmp(got, k->want) == 0, "%s: %s", k->name, got);
	sc_volmask_release(&m);
	sc_cluster_release(&c);
}

int main(void)
{
	char tmp[] = "/tmp/test-volumes.XXXXXX";
	int fd = mkstemp(tmp);
	size_t i;

	if (fd < 0) {
		printf("Bail out! mkstemp\n");
		return 1;
	}
	close(fd);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], tmp);
	unlink(tmp);
	return TAP_DONE();
}
