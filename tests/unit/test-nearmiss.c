/* test-nearmiss.c - spread-check's near-miss label keys (nearmiss.c). */
#include <string.h>

#include "tap.h"
#include "../../cmd/spread-check/nearmiss.c"

static const struct {
	const char *label, *key;
	enum sc_nearmiss_kind want;
} cases[] = {
	{ "topology.kubernetes.io/zone", "topology.kubernetes.io/zone", SC_NEAR_NONE },
	{ "failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone", SC_NEAR_DEPRECATED },
	{ "topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", SC_NEAR_DEPRECATED },
	{ "failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region", SC_NEAR_DEPRECATED },
	{ "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", SC_NEAR_DEPRECATED },
	{ "beta.kubernetes.io/arch", "kubernetes.io/arch", SC_NEAR_DEPRECATED },
	{ "Topology.Kubernetes.io/Zone", "topology.kubernetes.io/zone", SC_NEAR_CASE },
	{ "zone", "topology.kubernetes.io/zone", SC_NEAR_PREFIX },
	{ "Zone", "topology.kubernetes.io/zone", SC_NEAR_PREFIX },
	{ "example.com/zone", "topology.kubernetes.io/zone", SC_NEAR_PREFIX },
	{ "topology.kubernetes.io/zone", "zone", SC_NEAR_PREFIX },
	{ "hostname", "kubernetes.io/hostname", SC_NEAR_PREFIX },
	{ "topology.kubernetes.io/zones", "topology.kubernetes.io/zone", SC_NEAR_TYPO },
	{ "topology.kubernetes.io/zoen", "topology.kubernetes.io/zone", SC_NEAR_TYPO },
	{ "topolgy.kubernetes.io/zne", "topology.kubernetes.io/zone", SC_NEAR_TYPO },
	{ "topology.kubernetes.io/region", "topology.kubernetes.io/zone", SC_NEAR_NONE },
	{ "kubernetes.io/os", "kubernetes.io/arch", SC_NEAR_NONE },
	{ "topolgy.kubernetes.i/zne", "topology.kubernetes.io/zone", SC_NEAR_NONE },
	{ "rack", "rock", SC_NEAR_NONE },   /* short keys: no typo match */
	{ "", "topology.kubernetes.io/zone", SC_NEAR_NONE },
	{ "a/", "b/", SC_NEAR_NONE },       /* empty names are not a prefix match */
};

int main(void)
{
	char a[400], b[400];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum sc_nearmiss_kind k = sc_nearmiss_key(cases[i].label, cases[i].key);

		TAP_OK(k == cases[i].want, "%s for %s: %s (got %s)", cases[i].label, cases[i].key,
		       sc_nearmiss_name(cases[i].want), sc_nearmiss_name(k));
	}
	/* long keys: the band keeps it linear, and distance still counts */
	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = 0;
	memcpy(b, a, sizeof(b));
	b[100] = 'y';
	b[300] = 'y';
	TAP_OK(sc_nearmiss_key(a, b) == SC_NEAR_TYPO, "two replacements in 399 characters");
	b[200] = 'y';
	TAP_OK(sc_nearmiss_key(a, b) == SC_NEAR_NONE, "three replacements are not a typo");
	TAP_OK(!strcmp(sc_nearmiss_name(SC_NEAR_NONE), ""), "no name for none");
	return TAP_DONE();
}
