/* test-cpupolicy.c - the CPU Manager policy options as NewStaticPolicyOptions
 * and ValidateStaticPolicyOptions take them (cases from policy_options_test.go
 * and the kubelet's messages). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cpumanager.h"
#include "tap.h"

static char err[512];

/* parse one NAME=VALUE list under the given gates, then validate under
 * tm_policy without a machine; returns the rc and leaves the message in err */
static int check(const char *const *kv, size_t n, bool alpha, bool beta, const char *tm_policy,
		 struct policy_opts *o)
{
	struct policy_gates g = { .alpha = alpha, .beta = beta };
	char *names[8], *values[8];
	size_t i;
	int rc;

	memset(o, 0, sizeof(*o));
	err[0] = '\0';
	for (i = 0; i < n; i++) {
		names[i] = (char *)kv[2 * i];
		values[i] = (char *)kv[2 * i + 1];
	}
	rc = policy_opts_parse(o, n, names, values, &g, err, sizeof(err));
	if (!rc)
		rc = policy_validate(o, NULL, tm_policy, err, sizeof(err));
	return rc;
}

int main(void)
{
	struct policy_opts o;
	const char *full[] = { "full-pcpus-only", "true" };
	const char *full_t[] = { "full-pcpus-only", "T" };
	const char *unknown[] = { "full-pcpu-only", "true" };
	const char *quoted[] = { "a\"b", "true" };
	const char *socket[] = { "align-by-socket", "true" };
	const char *numa[] = { "distribute-cpus-across-numa", "true" };
	const char *bad[] = { "full-pcpus-only", "yes please" };
	const char *twice[] = { "full-pcpus-only", "true", "full-pcpus-only", "false" };
	const char *pair[] = { "full-pcpus-only", "true", "distribute-cpus-across-cores", "true" };
	const char *uncore_numa[] = { "prefer-align-cpus-by-uncorecache", "true", "distribute-cpus-across-numa", "true" };
	const char *off_pair[] = { "full-pcpus-only", "true", "distribute-cpus-across-cores", "false" };

	TAP_OK(!check(full, 1, false, false, NULL, &o) && o.full_pcpus_only,
	       "full-pcpus-only is GA: no gate needed");
	TAP_OK(!check(full_t, 1, false, false, NULL, &o) && o.full_pcpus_only,
	       "values are Go booleans: T is true");
	TAP_OK(check(unknown, 1, true, true, NULL, &o) &&
	       !strcmp(err, "unknown CPU Manager Policy option: \"full-pcpu-only\""), "an unknown name, quoted");
	TAP_OK(check(quoted, 1, true, true, NULL, &o) &&
	       !strcmp(err, "unknown CPU Manager Policy option: \"a\\\"b\""), "a quote in the name is escaped as %%q does");
	TAP_OK(check(socket, 1, false, true, NULL, &o) &&
	       !strcmp(err, "CPU Manager Policy Alpha-level Options not enabled, but option \"align-by-socket\" provided"),
	       "align-by-socket is alpha: refused with the alpha gate off (the default)");
	TAP_OK(!check(socket, 1, true, true, NULL, &o) && o.align_by_socket, "and taken with it on");
	TAP_OK(check(numa, 1, false, false, NULL, &o) &&
	       !strcmp(err, "CPU Manager Policy Beta-level Options not enabled, but option \"distribute-cpus-across-numa\" provided"),
	       "distribute-cpus-across-numa is beta: refused with the beta gate off");
	TAP_OK(check(bad, 1, true, true, NULL, &o) &&
	       !strcmp(err, "bad value for option \"full-pcpus-only\": strconv.ParseBool: parsing \"yes please\": invalid syntax"),
	       "a value that is not a boolean");
	TAP_OK(!check(twice, 2, true, true, NULL, &o) && !o.full_pcpus_only, "a repeated name keeps its last value");
	TAP_OK(check(pair, 2, true, true, NULL, &o) &&
	       !strcmp(err, "static policy options full-pcpus-only and distribute-cpus-across-cores can not be used at the same time"),
	       "full-pcpus-only with distribute-cpus-across-cores");
	TAP_OK(check(uncore_numa, 2, true, true, NULL, &o) &&
	       !strcmp(err, "static policy options prefer-align-cpus-by-uncorecache and distribute-cpus-across-numa can not be used at the same time"),
	       "uncore cache alignment with distribute-cpus-across-numa");
	TAP_OK(!check(off_pair, 2, true, true, NULL, &o), "an option set to false excludes nothing");
	TAP_OK(check(socket, 1, true, true, "single-numa-node", &o) &&
	       !strcmp(err, "Topolgy manager single-numa-node policy is incompatible with CPUManager align-by-socket policy option"),
	       "align-by-socket under single-numa-node (the kubelet's spelling)");
	TAP_OK(!check(socket, 1, true, true, "restricted", &o), "align-by-socket under restricted, no machine given");
	{
		char *names[] = { (char *)"full-pcpus-only", (char *)"align-by-socket", (char *)"full-pcpus-only" };
		char *values[] = { (char *)"true", (char *)"1", (char *)"false" };
		char *msg = policy_none_options_error(3, names, values);

		TAP_OK(msg && !strcmp(msg, "None policy: received unsupported options=map[align-by-socket:1 full-pcpus-only:false]"),
		       "the none policy names every option as Go prints a map: keys sorted, the last value of a repeated key");
		free(msg);
		TAP_OK(!policy_none_options_error(0, names, values), "and has nothing to say without options");
	}
	return TAP_DONE();
}
