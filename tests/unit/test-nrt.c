/* test-nrt.c - the NodeResourceTopology reader (common/nrt.h). Zone names
 * follow numanode.NameToID (noderesourcetopology-api helper/numanode and its
 * numanode_test.go); fields as the v1alpha2 types. */
#include <string.h>

#include "diag.h"
#include "doc.h"
#include "nrt.h"
#include "tap.h"

static const char nrt_yaml[] =
	"apiVersion: topology.node.k8s.io/v1alpha2\n"
	"kind: NodeResourceTopology\n"
	"metadata: {name: w1}\n"
	"topologyPolicies: [SingleNUMANodePodLevel, BestEffortContainerLevel]\n"
	"attributes:\n"
	"- {name: topologyManagerPolicy, value: restricted}\n"
	"- {name: topologyManagerMaxNUMANodes, value: 16}\n"
	"zones:\n"
	"- name: node-1\n"
	"  type: Node\n"
	"  costs: [{name: node-0, value: 21}, {name: node-1, value: 10}]\n"
	"  resources:\n"
	"  - {name: cpu, capacity: 16, allocatable: \"14\", available: 1500m}\n"
	"  - {name: hugepages-1Gi, available: 4Gi}\n"
	"- name: socket-0\n"
	"  type: Socket\n";

static int parse_str(const char *yaml, struct tk_nrt *n, struct tk_diag *d)
{
	struct tk_doc *doc = tk_doc_load_mem("t.yaml", yaml, strlen(yaml), NULL, d);
	int rc;

	if (!doc)
		return -2;
	rc = tk_nrt_parse(n, doc->items[0], doc->file, d);
	tk_doc_free(doc);
	return rc;
}

int main(void)
{
	static const struct { const char *name; int id; } ids[] = {
		{ "node-0", 0 }, { "node-7", 7 }, { "node-63", 63 }, { "node-007", 7 },
		{ "node-+3", 3 }, { "node--0", 0 }, { "node--1", -1 }, { "node-", -1 },
		{ "node-x", -1 }, { "node-1x", -1 }, { "numa-0", -1 }, { "Node-0", -1 },
		{ "node- 1", -1 }, { "node-99999999999999999999", -1 }, { "", -1 }, { NULL, 0 },
	};
	struct tk_nrt n;
	struct tk_diag d;
	const struct tk_nrt_res *r;
	size_t i;

	for (i = 0; ids[i].name; i++)
		TAP_OK(tk_nrt_numa_id(ids[i].name) == ids[i].id, "NameToID(\"%s\") = %d", ids[i].name,
		       ids[i].id);

	TAP_OK(parse_str(nrt_yaml, &n, &d) == 0, "a v1alpha2 object parses");
	TAP_OK(!strcmp(n.name, "w1") && n.npolicies == 2 && !strcmp(n.policies[0], "SingleNUMANodePodLevel"),
	       "name and topologyPolicies in order");
	TAP_OK(n.nattrs == 2 && !strcmp(tk_nrt_attr(&n, "topologyManagerMaxNUMANodes"), "16"),
	       "attributes, an integer value kept as its text");
	TAP_OK(n.nzones == 2 && n.zones[0].numa_id == 1 && n.zones[1].numa_id == -1 &&
	       !strcmp(n.zones[1].type, "Socket"), "zones with their NUMA ids and types");
	r = tk_nrt_zone_res(&n.zones[0], "cpu");
	TAP_OK(r && r->capacity.milli == 16000 && r->allocatable.milli == 14000 && r->available.milli == 1500,
	       "quantities as numbers or strings");
	r = tk_nrt_zone_res(&n.zones[0], "hugepages-1Gi");
	TAP_OK(r && r->available.milli == 4LL * 1024 * 1024 * 1024 * 1000 && r->capacity.milli == 0,
	       "capacity and allocatable are optional");
	TAP_OK(n.zones[0].ncosts == 2 && n.zones[0].costs[0].value == 21, "costs");
	TAP_OK(!tk_nrt_zone_res(&n.zones[0], "memory"), "an absent resource is NULL");
	tk_nrt_release(&n);

	TAP_OK(parse_str("kind: NodeResourceTopology\nmetadata: {name: a}\n"
			 "zones: [{name: node-0, type: Node, resources: [{name: cpu}]}]\n", &n, &d) == -1 &&
	       strstr(d.msg, "missing 'available'"), "available is required: %s", d.msg);
	TAP_OK(parse_str("kind: NodeResourceTopology\nmetadata: {name: a}\n"
			 "zones: [{name: node-0, type: Node, resources: [{name: cpu, available: 4x}]}]\n", &n, &d) == -1 &&
	       d.line == 3, "a bad quantity names its line: %s", d.msg);
	TAP_OK(parse_str("kind: NodeResourceTopology\nmetadata: {}\n", &n, &d) == -1, "a name is required");
	TAP_OK(parse_str("kind: NodeResourceTopology\nmetadata: {name: a}\nzones: {}\n", &n, &d) == -1,
	       "zones must be a list");
	TAP_OK(parse_str("kind: NodeResourceTopology\nmetadata: {name: a}\nattributes: [{name: x}]\n", &n, &d) == -1,
	       "an attribute needs a value");
	return TAP_DONE();
}
