/* test-kubeletconfig.c - common/kubeletconfig.h: decoding as the kubelet
 * decodes its --config file, the cases of TestSetDefaultsKubeletConfiguration
 * (v1beta1/defaults_test.go) for the fields kept, and the start-up checks
 * of TestValidateKubeletConfiguration, TestValidateReservedMemoryConfiguration
 * and the managers' constructors (the kubelet's messages, word for word). */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "kubeletconfig.h"
#include "tap.h"

#define HEAD "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

static int decode(struct tk_kubelet_config *kc, const char *yaml, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load_mem("kc.yaml", yaml, strlen(yaml), NULL, d);
	int rc;

	if (!doc)
		return -2;
	rc = tk_kc_decode(kc, doc, d);
	tk_doc_free(doc);
	return rc;
}

/* decoding fails with a message containing want */
static int refused(const char *yaml, const char *want)
{
	struct tk_kubelet_config kc;
	struct tk_diag d;

	if (decode(&kc, yaml, &d) == 0) {
		tk_kc_release(&kc);
		printf("# decoded: %s\n", yaml);
		return 0;
	}
	if (!strstr(d.msg, want))
		printf("# message: %s\n", d.msg);
	return strstr(d.msg, want) != NULL;
}

static bool str_is(const char *got, const char *want)
{
	if (strcmp(got, want))
		printf("# got '%s', want '%s'\n", got, want);
	return !strcmp(got, want);
}

/* The problems the kubelet reports for yaml on machine m (NULL: unknown):
 * exactly the expected ones (NULL-terminated), in any order. */
static int problems_are(const char *yaml, const struct tk_kc_machine *m, const char *const *want)
{
	struct tk_kubelet_config kc;
	struct tk_kc_verdict v;
	struct tk_diag d;
	size_t i, j, n = 0;
	int ok = 1;

	if (decode(&kc, yaml, &d)) {
		printf("# not decoded: %s\n", d.msg);
		return 0;
	}
	tk_kc_validate(&kc, m, &v);
	for (i = 0; want[i]; i++, n++) {
		for (j = 0; j < v.problems.n && strcmp(v.problems.v[j], want[i]); j++)
			;
		if (j == v.problems.n) {
			printf("# missing problem: %s\n", want[i]);
			ok = 0;
		}
	}
	if (v.problems.n != n) {
		for (j = 0; j < v.problems.n; j++)
			printf("# problem: %s\n", v.problems.v[j]);
		ok = 0;
	}
	tk_kc_verdict_release(&v);
	tk_kc_release(&kc);
	return ok;
}

static const char *const none[] = { NULL };

static void test_decode(void)
{
	struct tk_kubelet_config kc;
	struct tk_diag d;

	TAP_OK(refused("topologyManagerPolicy: none\n", "kind must be 'KubeletConfiguration'"),
	       "a file without kind is refused (Object 'Kind' is missing)");
	TAP_OK(refused("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: Pod\n", "kind must be 'KubeletConfiguration'"),
	       "another kind is refused");
	TAP_OK(refused("kind: KubeletConfiguration\n", "apiVersion must be 'kubelet.config.k8s.io/v1beta1'"),
	       "a file without apiVersion is refused");
	TAP_OK(refused("apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n",
		       "apiVersion must be 'kubelet.config.k8s.io/v1beta1'"),
	       "kubelet.config.k8s.io/v1 has only CredentialProviderConfig, no KubeletConfiguration");
	TAP_OK(refused(HEAD "topologyManagerPolicy: 5\n", "'topologyManagerPolicy' must be a string"),
	       "a number where the kubelet wants a string");
	TAP_OK(refused(HEAD "cpuManagerPolicyOptions:\n  full-pcpus-only: true\n", "must be a string"),
	       "an unquoted bool in map[string]string cpuManagerPolicyOptions");
	TAP_OK(refused(HEAD "featureGates:\n  CPUManagerPolicyAlphaOptions: \"true\"\n", "must be true or false"),
	       "a feature gate is a bool");
	TAP_OK(refused(HEAD "reservedMemory:\n- numaNode: 0\n  limits: {memory: 1Gb}\n", "invalid quantity '1Gb' for memory"),
	       "reservedMemory limits are quantities");
	TAP_OK(refused(HEAD "---\n" HEAD, "expected one KubeletConfiguration document"), "two documents");
	TAP_OK(refused("- " "kind: KubeletConfiguration\n", "expected one KubeletConfiguration document"),
	       "a list is no configuration");

	/* TestSetDefaultsKubeletConfiguration "empty config" */
	if (decode(&kc, HEAD, &d) == 0) {
		TAP_OK(str_is(kc.cpu_manager_policy, "none") && str_is(kc.cpu_manager_reconcile_period, "10s") &&
		       str_is(kc.memory_manager_policy, "None") && str_is(kc.topology_manager_policy, "none") &&
		       str_is(kc.topology_manager_scope, "container") && str_is(kc.reserved_system_cpus, "") &&
		       kc.cpu_manager_policy_options.n == 0 && kc.nreserved_memory == 0 && !kc.have_eviction_hard,
		       "empty config: the v1beta1 defaults");
		tk_kc_release(&kc);
	} else {
		TAP_OK(0, "empty config decodes: %s", d.msg);
	}
	/* "all negative": empty values are defaulted, empty maps stay empty */
	if (decode(&kc, HEAD "cpuManagerPolicy: \"\"\ncpuManagerPolicyOptions: {}\ncpuManagerReconcilePeriod: \"\"\n"
		   "memoryManagerPolicy: \"\"\ntopologyManagerPolicy: \"\"\ntopologyManagerScope: \"\"\n"
		   "reservedSystemCPUs: \"\"\nsystemReserved: {}\nkubeReserved: {}\nevictionHard: {}\n"
		   "featureGates: {}\nreservedMemory: []\n", &d) == 0) {
		TAP_OK(str_is(kc.cpu_manager_policy, "none") && str_is(kc.cpu_manager_reconcile_period, "10s") &&
		       str_is(kc.memory_manager_policy, "None") && str_is(kc.topology_manager_policy, "none") &&
		       str_is(kc.topology_manager_scope, "container") && str_is(kc.reserved_system_cpus, "") &&
		       kc.cpu_manager_policy_options.n == 0 && kc.nreserved_memory == 0 && kc.have_eviction_hard &&
		       kc.eviction_hard.n == 0,
		       "all negative: empty strings take the defaults (topologyManagerPolicy \"\" is none)");
		tk_kc_release(&kc);
	} else {
		TAP_OK(0, "all negative decodes: %s", d.msg);
	}
	/* "all positive": given values are kept */
	if (decode(&kc, HEAD "cpuManagerPolicy: cpu-manager-policy\ncpuManagerPolicyOptions: {key: value}\n"
		   "cpuManagerReconcilePeriod: 60s\nmemoryManagerPolicy: Static\ntopologyManagerPolicy: restricted\n"
		   "topologyManagerScope: pod\nreservedSystemCPUs: \"0,1\"\nsystemReserved: {memory: 1Gi}\n"
		   "kubeReserved: {memory: 1Gi}\nsystemReservedCgroup: system-reserved-cgroup\n"
		   "kubeReservedCgroup: kube-reserved-cgroup\n"
		   "reservedMemory:\n- numaNode: 1\n  limits: {memory: 1Gi}\n", &d) == 0) {
		TAP_OK(str_is(kc.cpu_manager_policy, "cpu-manager-policy") &&
		       str_is(kc.cpu_manager_reconcile_period, "60s") && str_is(kc.memory_manager_policy, "Static") &&
		       str_is(kc.topology_manager_policy, "restricted") && str_is(kc.topology_manager_scope, "pod") &&
		       str_is(kc.reserved_system_cpus, "0,1") &&
		       str_is(tk_kc_map_get(&kc.cpu_manager_policy_options, "key"), "value") &&
		       str_is(tk_kc_map_get(&kc.system_reserved, "memory"), "1Gi") &&
		       str_is(kc.system_reserved_cgroup, "system-reserved-cgroup") && kc.nreserved_memory == 1 &&
		       kc.reserved_memory[0].numa_node == 1 && str_is(kc.reserved_memory[0].resources[0], "memory") &&
		       tk_qty_value(&kc.reserved_memory[0].q[0]) == 1073741824,
		       "all positive: given values are kept");
		tk_kc_release(&kc);
	} else {
		TAP_OK(0, "all positive decodes: %s", d.msg);
	}
	tk_kc_init_defaults(&kc, "(no --config)");
	TAP_OK(str_is(kc.topology_manager_policy, "none") && str_is(kc.cpu_manager_policy, "none") &&
	       str_is(kc.file, "(no --config)"), "no file: the defaults");
	tk_kc_override(&kc.topology_manager_policy, "single-numa-node");
	TAP_OK(str_is(kc.topology_manager_policy, "single-numa-node"), "a flag overrides the file");
	tk_kc_release(&kc);
}

static void test_validate(void)
{
	static const int two[] = { 0, 1 }, nine[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct tk_kc_machine m2 = { 2, two, NULL, NULL }, m9 = { 9, nine, NULL, NULL };
	struct tk_kubelet_config kc;
	struct tk_kc_verdict v;
	struct tk_diag d;

	/* TestValidateKubeletConfiguration */
	TAP_OK(problems_are(HEAD, NULL, none), "the defaults start");
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: invalid-policy\n", NULL, (const char *const[]){
		"invalid configuration: topologyManagerPolicy (--topology-manager-policy) \"invalid-policy\" must be one of: "
		"[\"none\" \"best-effort\" \"restricted\" \"single-numa-node\"]", NULL }), "invalid TopologyManagerPolicy");
	TAP_OK(problems_are(HEAD "topologyManagerScope: invalid-scope\n", NULL, (const char *const[]){
		"invalid configuration: topologyManagerScope (--topology-manager-scope) \"invalid-scope\" must be one of: "
		"\"container\", or \"pod\"", NULL }), "invalid TopologyManagerScope");
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: \"\"\ntopologyManagerScope: \"\"\n", NULL, none),
	       "empty policy and scope are none and container");
	TAP_OK(problems_are(HEAD "reservedSystemCPUs: \"0-3\"\nsystemReservedCgroup: /system.slice\n", NULL, (const char *const[]){
		"invalid configuration: can't use reservedSystemCPUs (--reserved-cpus) with systemReservedCgroup "
		"(--system-reserved-cgroup) or kubeReservedCgroup (--kube-reserved-cgroup)", NULL }),
	       "reservedSystemCPUs with systemReservedCgroup");
	TAP_OK(problems_are(HEAD "reservedSystemCPUs: \"0-3\"\nkubeReservedCgroup: /kube.slice\n", NULL, (const char *const[]){
		"invalid configuration: can't use reservedSystemCPUs (--reserved-cpus) with systemReservedCgroup "
		"(--system-reserved-cgroup) or kubeReservedCgroup (--kube-reserved-cgroup)", NULL }),
	       "reservedSystemCPUs with kubeReservedCgroup");
	TAP_OK(problems_are(HEAD "reservedSystemCPUs: \"1-x\"\n", NULL, (const char *const[]){
		"invalid configuration: unable to parse reservedSystemCPUs (--reserved-cpus) 1-x", NULL }),
	       "reservedSystemCPUs that is no CPU list");

	/* TestValidateReservedMemoryConfiguration */
	TAP_OK(problems_are(HEAD "reservedMemory:\n- numaNode: 0\n  limits: {memory: \"128\"}\n", NULL, none),
	       "valid reserved memory");
	TAP_OK(problems_are(HEAD "reservedMemory:\n- numaNode: 0\n  limits: {memory: \"128\"}\n"
			    "- numaNode: 0\n  limits: {memory: \"64\"}\n", NULL, (const char *const[]){
		"invalid configuration: the reserved memory has a duplicate value for NUMA node 0 and resource \"memory\"",
		NULL }), "duplicate NUMA node and limit type");
	TAP_OK(problems_are(HEAD "reservedMemory:\n- numaNode: 0\n  limits: {blabla: \"128\"}\n", NULL, (const char *const[]){
		"invalid configuration: the limit type \"blabla\" for NUMA node 0 is not supported, only "
		"[memory hugepages-<HugePageSize>] is accepted", NULL }), "unsupported limit type");
	TAP_OK(problems_are(HEAD "reservedMemory:\n- numaNode: 0\n  limits: {memory: \"0\"}\n", NULL, (const char *const[]){
		"invalid configuration: reserved memory may not be zero for NUMA node 0 and resource \"memory\"", NULL }),
	       "zero reserved memory");

	/* memorymanager validateReservedMemory (TestValidateReservedMemory) */
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\n", &m2, (const char *const[]){
		"the total amount \"0\" of type \"memory\" is not equal to the value \"100Mi\" determined by Node "
		"Allocatable feature", NULL }), "Static without reservedMemory: 0 against the 100Mi eviction threshold");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nsystemReserved: {memory: 1948Mi}\n"
			    "reservedMemory:\n- numaNode: 0\n  limits: {memory: 1Gi}\n- numaNode: 1\n  limits: {memory: 1Gi}\n",
			    &m2, none), "reservedMemory = systemReserved + evictionHard");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nevictionHard: {memory.available: 100Mi}\n"
			    "kubeReserved: {memory: 1Gi}\nreservedMemory:\n- numaNode: 0\n  limits: {memory: 1Gi}\n",
			    &m2, (const char *const[]){
		"the total amount \"1Gi\" of type \"memory\" is not equal to the value \"1124Mi\" determined by Node "
		"Allocatable feature", NULL }), "reservedMemory that misses the eviction threshold");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nsystemReserved: {memory: 412Mi}\n"
			    "reservedMemory:\n- numaNode: 0\n  limits: {memory: 512Mi, hugepages-1Gi: 1Gi}\n",
			    &m2, (const char *const[]){
		"the total amount \"1Gi\" of type \"hugepages-1Gi\" is not equal to the value \"0\" determined by Node "
		"Allocatable feature", NULL }), "each memory type adds up: huge pages too");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nsystemReserved: {memory: 412Mi, hugepages-1Gi: 1Gi}\n"
			    "reservedMemory:\n- numaNode: 0\n  limits: {memory: 512Mi, hugepages-1Gi: 1Gi}\n",
			    &m2, none), "huge pages reserved on both sides");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nsystemReserved: {memory: 924Mi}\n"
			    "reservedMemory:\n- numaNode: 7\n  limits: {memory: 1Gi}\n", &m2, (const char *const[]){
		"the reserved memory configuration references a NUMA node 7 that does not exist on this machine", NULL }),
	       "a NUMA node the machine lacks");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: Static\nevictionHard: {memory.available: \"5%\"}\n", &m2, none),
	       "a percentage threshold is not compared");
	TAP_OK(problems_are(HEAD "memoryManagerPolicy: static\n", NULL, (const char *const[]){
		"unknown policy: \"static\"", NULL }), "memory manager policy names are case-sensitive");

	/* cpumanager NewManager, NewStaticPolicyOptions */
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: static\n", NULL, (const char *const[]){
		"[cpumanager] unable to determine reserved CPU resources for static policy (the static policy requires "
		"systemreserved.cpu + kubereserved.cpu to be greater than zero, or reservedSystemCPUs)", NULL }),
	       "static without a CPU reservation");
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: static\nkubeReserved: {cpu: 500m}\n", NULL, none),
	       "static with kubeReserved cpu");
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: static\nreservedSystemCPUs: \"0\"\n"
			    "cpuManagerPolicyOptions: {align-by-socket: \"true\"}\n", NULL, (const char *const[]){
		"new static policy error: CPU Manager Policy Alpha-level Options not enabled, but option \"align-by-socket\" "
		"provided", NULL }), "an alpha option without its gate");
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: static\nreservedSystemCPUs: \"0\"\n"
			    "featureGates: {CPUManagerPolicyAlphaOptions: true}\n"
			    "cpuManagerPolicyOptions: {align-by-socket: \"true\"}\n", NULL, none),
	       "an alpha option with its gate");
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: static\nreservedSystemCPUs: \"0\"\n"
			    "featureGates: {CPUManagerPolicyBetaOptions: false}\n"
			    "cpuManagerPolicyOptions: {distribute-cpus-across-numa: \"true\"}\n", NULL, (const char *const[]){
		"new static policy error: CPU Manager Policy Beta-level Options not enabled, but option \"distribute-cpus-across-numa\" "
		"provided", NULL }), "a beta option with its gate turned off");
	TAP_OK(problems_are(HEAD "cpuManagerPolicyOptions: {full-pcpus-only: \"true\"}\n", NULL, (const char *const[]){
		"new none policy error: None policy: received unsupported options=map[full-pcpus-only:true]", NULL }),
	       "options need the static policy");
	TAP_OK(problems_are(HEAD "cpuManagerPolicy: Static\n", NULL, (const char *const[]){
		"unknown policy: \"Static\"", NULL }), "CPU manager policy names are case-sensitive");

	/* topologymanager NewManager, NewPolicyOptions */
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: best-effort\n", &m9, (const char *const[]){
		"unsupported on machines with more than 8 NUMA Nodes", NULL }), "9 NUMA nodes with a policy");
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: best-effort\n"
			    "topologyManagerPolicyOptions: {max-allowable-numa-nodes: \"16\"}\n", &m9, none),
	       "max-allowable-numa-nodes raises the limit");
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: none\n", &m9, none), "policy none has no limit");
	TAP_OK(problems_are(HEAD "topologyManagerPolicy: restricted\n"
			    "topologyManagerPolicyOptions: {max-allowable-numa-nodes: \"4\", prefer-closest-numa-nodes: maybe, x: \"1\"}\n",
			    &m2, (const char *const[]){
		"the minimum value of \"max-allowable-numa-nodes\" should not be less than 8",
		"bad value for option \"prefer-closest-numa-nodes\": strconv.ParseBool: parsing \"maybe\": invalid syntax",
		"unknown Topology Manager Policy option: \"x\"", NULL }), "topology manager options");

	/* NewManager's numReservedCPUs for the static policy */
	if (decode(&kc, HEAD "kubeReserved: {cpu: 500m}\nsystemReserved: {cpu: \"1\"}\n", &d) == 0) {
		TAP_OK(tk_kc_static_reserved_cpus(&kc) == 2, "kubeReserved.cpu + systemReserved.cpu, rounded up: 2");
		tk_kc_override(&kc.reserved_system_cpus, "0-3");
		TAP_OK(tk_kc_static_reserved_cpus(&kc) == 4, "reservedSystemCPUs takes their place: 4");
		tk_kc_release(&kc);
	}
	if (decode(&kc, HEAD, &d) == 0) {
		TAP_OK(tk_kc_static_reserved_cpus(&kc) == 0, "nothing reserved: 0");
		tk_kc_release(&kc);
	}

	/* warnings: accepted, but not aligned */
	if (decode(&kc, HEAD "topologyManagerPolicy: single-numa-node\n", &d) == 0) {
		tk_kc_validate(&kc, NULL, &v);
		TAP_OK(v.problems.n == 0 && v.warnings.n == 1 && strstr(v.warnings.v[0], "CPUs are not aligned"),
		       "single-numa-node without the static CPU Manager starts, with a warning");
		tk_kc_verdict_release(&v);
		tk_kc_release(&kc);
	}
}

int main(void)
{
	test_decode();
	test_validate();
	return TAP_DONE();
}
