/* test-cpuset.c - cpusets and the cpulist format. */
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "tap.h"

static int roundtrip(const char *in, const char *want)
{
	struct cpuset s = CPUSET_INIT;
	char *out;
	int ok;

	if (cpuset_parse_list(&s, in, CPUSET_MAX_ID, NULL)) {
		cpuset_release(&s);
		return 0;
	}
	out = cpuset_format_list(&s);
	ok = !strcmp(out, want);
	if (!ok)
		printf("# '%s' -> '%s', want '%s'\n", in, out, want);
	free(out);
	cpuset_release(&s);
	return ok;
}

static int parse_rc(const char *in)
{
	struct cpuset s = CPUSET_INIT;
	int rc = cpuset_parse_list(&s, in, CPUSET_MAX_ID, NULL);

	cpuset_release(&s);
	return rc;
}

int main(void)
{
	struct cpuset a = CPUSET_INIT, b = CPUSET_INIT;
	size_t n;
	int *arr;

	TAP_OK(roundtrip("0-3,5", "0-3,5"), "canonical list round-trips");
	TAP_OK(roundtrip("5,3,4,0", "0,3-5"), "unordered ids come out ascending with ranges");
	TAP_OK(roundtrip("0,2,4,6", "0,2,4,6"), "no strides: even ids stay single");
	TAP_OK(roundtrip("1-1", "1"), "a one-element range is a single id");
	TAP_OK(roundtrip("", ""), "empty list is the empty set");
	TAP_OK(roundtrip(" 0 - 2 , 7\n", "0-2,7"), "spaces and a newline (sysfs) are accepted");
	TAP_OK(roundtrip("63-65,127-128", "63-65,127-128"), "ranges crossing 64-bit words");
	TAP_OK(parse_rc("3-1") == -3, "backwards range is its own error");
	TAP_OK(parse_rc("a") == -1, "letters are a syntax error");
	TAP_OK(parse_rc("1,,2") == -1, "empty item is a syntax error");
	TAP_OK(parse_rc("1-") == -1, "open range is a syntax error");
	TAP_OK(parse_rc("0x1") == -1, "hex is not a cpulist");
	TAP_OK(parse_rc("99999999999999999999") == -2, "huge id is out of range, not overflow");
	TAP_OK(parse_rc("0-4000000000") == -2, "huge range is refused before allocating");

	cpuset_parse_list(&a, "0-7", CPUSET_MAX_ID, NULL);
	cpuset_parse_list(&b, "4-11", CPUSET_MAX_ID, NULL);
	TAP_OK(cpuset_count_and(&a, &b) == 4, "count of intersection");
	TAP_OK(cpuset_intersects(&a, &b), "sets intersect");
	cpuset_andnot(&a, &b);
	TAP_OK(cpuset_count(&a) == 4 && cpuset_last(&a) == 3, "andnot removes the overlap");
	TAP_OK(cpuset_is_subset(&a, &a) && !cpuset_is_subset(&b, &a), "subset");
	cpuset_or(&a, &b);
	TAP_OK(cpuset_count(&a) == 12 && cpuset_first(&a) == 0 && cpuset_last(&a) == 11, "or");
	cpuset_and(&a, &b);
	TAP_OK(cpuset_equal(&a, &b), "and gives back b");
	arr = cpuset_to_array(&b, &n);
	TAP_OK(n == 8 && arr[0] == 4 && arr[7] == 11, "to_array ascending");
	free(arr);
	cpuset_clear_all(&a);
	TAP_OK(cpuset_is_empty(&a) && cpuset_first(&a) == -1 && cpuset_last(&a) == -1, "cleared set is empty");
	cpuset_set(&a, 1000);
	TAP_OK(cpuset_next(&a, 0) == 1000 && cpuset_next(&a, 1000) == -1, "next skips empty words");
	cpuset_release(&a);
	cpuset_release(&b);
	return TAP_DONE();
}
