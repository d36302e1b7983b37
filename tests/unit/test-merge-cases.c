/* test-merge-cases.c - the kubelet's hint-merge table tests
 * (topologymanager/policy*_test.go, ported in
 * tests/fixtures/topo-admit/cases/merge.tsv) under each policy and NUMA
 * layout the kubelet runs them under, in one process: each case's hints go
 * through topo-admit's own loaders (hints.c) and merge (merge.c), as
 * `topo-admit --hints` reads them; and the TestAdmit verdicts (admit.tsv).
 * tests/topo-admit-merge.bats runs a suite of each table through the tool.
 *
 * Run from the project root (tests/run does).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "diag.h"
#include "../../cmd/topo-admit/merge.c"
#include "../../cmd/topo-admit/hints.c"

#define CASES "tests/fixtures/topo-admit/cases/merge.tsv"
#define DIST "tests/fixtures/topo-admit/"
#define ADMIT "tests/fixtures/topo-admit/cases/admit.tsv"

/* One run of a suite, as the kubelet's test runs it. */
struct run {
	const char *suite;
	const char *policy;
	int numa;          /* NUMA nodes 0..numa-1 */
	const char *dist;  /* distances file under DIST, or NULL */
	bool closest;      /* prefer-closest-numa-nodes=true */
};

static const struct run runs[] = {
	{ "common", "best-effort", 4, NULL, false },
	{ "common", "best-effort", 8, "dist-8.json", true },
	{ "common", "restricted", 4, NULL, false },
	{ "common", "restricted", 8, "dist-8.json", true },
	{ "common", "single-numa-node", 4, NULL, false },
	{ "be", "best-effort", 4, NULL, false },
	{ "be", "best-effort", 8, "dist-8.json", true },
	{ "be", "restricted", 4, NULL, false },
	{ "be", "restricted", 8, "dist-8.json", true },
	{ "be-nopol", "best-effort", 4, NULL, false },
	{ "be-nopol", "restricted", 4, NULL, false },
	{ "closest", "best-effort", 8, "dist-8.json", true },
	{ "closest", "restricted", 8, "dist-8.json", true },
	/* numa_info_test.go TestClosest compares masks */
	{ "closest4", "best-effort", 4, "dist-4.json", true },
	{ "closest4", "restricted", 4, "dist-4.json", true },
	{ "closestflat", "best-effort", 4, "dist-4-flat.json", true },
	{ "closestflat", "restricted", 4, "dist-4-flat.json", true },
	{ "snn", "single-numa-node", 4, NULL, false },
	{ "none", "none", 4, NULL, false },
};

/* The table's hint shorthands: P[0,1] / N[0,1] a (not) preferred mask,
 * Pnil / Nnil a nil affinity. Returns the JSON (malloc'd). */
static char *expand_hints(const char *s)
{
	size_t cap = strlen(s) * 12 + 64, o = 0;
	char *out = malloc(cap);

	while (*s && o + 64 < cap) {
		if ((s[0] == 'P' || s[0] == 'N') && s[1] == '[') {
			const char *end = strchr(s, ']');
			int len = end ? (int)(end - s - 2) : 0;

			o += (size_t)snprintf(out + o, cap - o, "{\"numaAffinity\":[%.*s],\"preferred\":%s}",
					      len, s + 2, s[0] == 'P' ? "true" : "false");
			s = end ? end + 1 : s + strlen(s);
		} else if ((s[0] == 'P' || s[0] == 'N') && !strncmp(s + 1, "nil", 3)) {
			o += (size_t)snprintf(out + o, cap - o, "{\"numaAffinity\":null,\"preferred\":%s}",
					      s[0] == 'P' ? "true" : "false");
			s += 4;
		} else {
			out[o++] = *s++;
		}
	}
	out[o] = '\0';
	return out;
}

/* The affinity as topo-admit prints it: null or [0,1] */
static void format_affinity(const struct ta_hint *h, char *buf, size_t len)
{
	size_t o;
	int i;

	if (!h->has_mask) {
		snprintf(buf, len, "null");
		return;
	}
	o = (size_t)snprintf(buf, len, "[");
	for (i = 0; i < TA_MAX_NUMA && o < len; i++)
		if (h->mask >> i & 1)
			o += (size_t)snprintf(buf + o, len - o, "%s%d", o > 1 ? "," : "", i);
	if (o < len)
		snprintf(buf + o, len - o, "]");
}

/* Merge hints_json (written to tmp, read by hints.c) under r, as --hints
 * does: 0 with *best and *admit, or -1 with the error in got. */
static int merge_one(const struct run *r, const char *hints_json, const char *tmp, struct ta_hint *best,
		     bool *admit, enum ta_policy *p, char *got, size_t gotlen)
{
	struct ta_numa_info ni;
	struct ta_hints_doc hd = { 0 };
	struct ta_options to;
	struct tk_diag d;
	char err[1024];
	FILE *fp;
	int i;

	memset(&ni, 0, sizeof(ni));
	for (i = 0; i < r->numa; i++)
		ni.nodes[ni.n++] = i;
	if (r->dist && ta_distances_load(&ni, r->dist, &d)) {
		snprintf(got, gotlen, "distances: %s", d.msg);
		return -1;
	}
	fp = fopen(tmp, "w");
	if (!fp || fputs(hints_json, fp) == EOF || fclose(fp)) {
		snprintf(got, gotlen, "cannot write %s", tmp);
		return -1;
	}
	if (ta_hints_load(&hd, tmp, &ni, &d)) {
		snprintf(got, gotlen, "hints: %s", d.msg);
		ta_hints_release(&hd);
		return -1;
	}
	/* manager_new's order: none short-circuits the options and checks */
	ta_options_init(&to);
	if (ta_policy_parse(r->policy, p)) {
		snprintf(got, gotlen, "unknown policy %s", r->policy);
		ta_hints_release(&hd);
		return -1;
	}
	if (*p != TA_POLICY_NONE &&
	    ((r->closest && ta_options_set(&to, "prefer-closest-numa-nodes", "true", err, sizeof(err))) ||
	     ta_manager_check(TA_POLICY_BEST_EFFORT, &to, &ni, err, sizeof(err)))) {
		snprintf(got, gotlen, "manager: %s", err);
		ta_hints_release(&hd);
		return -1;
	}
	if (ta_merge_check(*p, &ni, hd.providers, hd.n, err, sizeof(err)) ||
	    ta_merge_stall_warning(*p, hd.providers, hd.n, err, sizeof(err), NULL)) {
		snprintf(got, gotlen, "check: %s", err);
		ta_hints_release(&hd);
		return -1;
	}
	ta_merge(*p, &to, &ni, hd.providers, hd.n, best, admit);
	ta_hints_release(&hd);
	return 0;
}

/* One case of merge.tsv: 0 when the merged hint and verdict are what the
 * table says; got says what they were. */
static int run_case(const struct run *r, const char *hints_json, const char *want_aff,
		    const char *want_pref, const char *tmp, char *got, size_t gotlen)
{
	struct ta_hint best;
	enum ta_policy p;
	char aff[256], all[64];
	bool admit, want_admit;

	if (merge_one(r, hints_json, tmp, &best, &admit, &p, got, gotlen))
		return -1;
	format_affinity(&best, aff, sizeof(aff));
	snprintf(got, gotlen, "admit %s affinity %s preferred %s", admit ? "true" : "false", aff,
		 best.preferred ? "true" : "false");
	/* ALL: every NUMA node of the run; nil: null */
	if (!strcmp(want_aff, "nil")) {
		want_aff = "null";
	} else if (!strcmp(want_aff, "ALL")) {
		struct ta_hint h = { .has_mask = true, .mask = (ta_mask)((1ULL << r->numa) - 1) };

		format_affinity(&h, all, sizeof(all));
		want_aff = all;
	}
	/* best-effort and none admit whatever merges; the others want a preferred hint */
	want_admit = p == TA_POLICY_BEST_EFFORT || p == TA_POLICY_NONE || !strcmp(want_pref, "true");
	return admit == want_admit && !strcmp(aff, want_aff) &&
	       !strcmp(best.preferred ? "true" : "false", want_pref) ? 0 : -1;
}

/* topology_manager_test.go TestAdmit (admit.tsv): the verdict on 2 NUMA
 * nodes, under each case's policy. */
static void admit_cases(const char *tmp)
{
	FILE *fp = fopen(ADMIT, "r");
	char line[4096], got[1536] = "";
	int n = 0, bad = 0;

	while (fp && fgets(line, sizeof(line), fp)) {
		char *f[4], *save = NULL, *hints;
		struct run r = { "admit", NULL, 2, NULL, false };
		struct ta_hint best;
		enum ta_policy p;
		bool admit;
		int k;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		for (k = 0; k < 4; k++)
			f[k] = strtok_r(k ? NULL : line, "\t", &save);
		if (!f[3])
			continue;
		n++;
		r.policy = f[0];
		hints = expand_hints(f[1]);
		if (merge_one(&r, hints, tmp, &best, &admit, &p, got, sizeof(got)) ||
		    strcmp(admit ? "true" : "false", f[2])) {
			printf("# FAIL %s: want admit %s, got %s\n", f[3], f[2],
			       got[0] ? got : (admit ? "true" : "false"));
			bad++;
		}
		got[0] = '\0';
		free(hints);
	}
	if (fp)
		fclose(fp);
	TAP_OK(n == 14 && bad == 0, "admit: the kubelet's TestAdmit verdicts (%d cases)", n);
}

int main(void)
{
	char tmp[] = "/tmp/test-merge-cases.XXXXXX";
	char line[4096], got[1536];
	size_t r;
	int fd = mkstemp(tmp);

	if (fd < 0) {
		TAP_OK(0, "mkstemp");
		return TAP_DONE();
	}
	close(fd);
	for (r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		char dist[256];
		struct run run = runs[r];
		FILE *fp = fopen(CASES, "r");
		int n = 0, bad = 0;

		if (run.dist) {
			snprintf(dist, sizeof(dist), DIST "%s", run.dist);
			run.dist = dist;
		}
		while (fp && fgets(line, sizeof(line), fp)) {
			char *f[5], *save = NULL, *hints;
			int k;

			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '#' || !line[0])
				continue;
			for (k = 0; k < 5; k++)
				f[k] = strtok_r(k ? NULL : line, "\t", &save);
			if (!f[4] || strcmp(f[0], run.suite))
				continue;
			n++;
			hints = expand_hints(f[1]);
			if (run_case(&run, hints, f[2], f[3], tmp, got, sizeof(got))) {
				printf("# FAIL %s/%s: %s\n#   want affinity %s preferred %s\n#   got  %s\n",
				       run.suite, run.policy, f[4], f[2], f[3], got);
				bad++;
			}
			free(hints);
		}
		if (fp)
			fclose(fp);
		TAP_OK(n > 0 && bad == 0, "merge: %s cases under %s, %d NUMA nodes%s (%d cases)", run.suite,
		       run.policy, run.numa, run.closest ? " with prefer-closest-numa-nodes" : "", n);
	}
	admit_cases(tmp);
	unlink(tmp);
	return TAP_DONE();
}
