/* test-quantity.c - resource quantities as exact integers. Cases follow
 * k8s.io/apimachinery resource.Quantity parsing and MilliValue/Value. */
#include <stdint.h>

#include "quantity.h"
#include "tap.h"

static int milli_is(const char *s, int64_t want)
{
	struct tk_qty q;

	if (tk_qty_parse(s, &q))
		return 0;
	if (q.milli != want)
		printf("# %s -> %lld milli, want %lld\n", s, (long long)q.milli, (long long)want);
	return q.milli == want;
}

static int rc_of(const char *s)
{
	struct tk_qty q;

	return tk_qty_parse(s, &q);
}

int main(void)
{
	struct tk_qty q;
	static const char *const bad[] = { "", "Gi", "1.5.3", "1 Gi", "1g", "1K", "--1", "1e", "1e+",
					   "1Mi3", "0x10", ".", "1ki", NULL };
	int i;

	TAP_OK(milli_is("100m", 100), "100m");
	TAP_OK(milli_is("8Gi", INT64_C(8589934592000)), "8Gi");
	TAP_OK(milli_is("1e3", 1000000), "1e3");
	TAP_OK(milli_is("1E3", 1000000), "1E3 is an exponent");
	TAP_OK(milli_is("0.5", 500), "0.5");
	TAP_OK(milli_is("1.5Gi", INT64_C(1610612736000)), "1.5Gi");
	TAP_OK(milli_is("2k", 2000000), "2k");
	TAP_OK(milli_is("1M", INT64_C(1000000000)), "1M");
	TAP_OK(milli_is("+4", 4000), "+4");
	TAP_OK(milli_is(".5", 500), ".5");
	TAP_OK(milli_is("5.", 5000), "5.");
	TAP_OK(milli_is("1500u", 2), "1500u rounds up to 2m");
	TAP_OK(milli_is("1n", 1), "1n rounds up to 1m");
	TAP_OK(milli_is("-1500u", -1), "negative rounds towards +inf");
	TAP_OK(milli_is("0", 0) && milli_is("0Gi", 0), "zero");
	TAP_OK(milli_is("1e-3", 1), "negative exponent");
	for (i = 0; bad[i]; i++)
		TAP_OK(rc_of(bad[i]) == -1, "'%s' is a syntax error", bad[i]);
	TAP_OK(rc_of("9999999999999999999999") == -2, "too large is a range error");
	TAP_OK(rc_of("1e400") == -2, "1e400 is a range error");
	TAP_OK(rc_of("8Ei") == -2, "8Ei does not fit thousandths in 64 bits");

	tk_qty_parse("4", &q);
	TAP_OK(tk_qty_is_integer(&q) && tk_qty_value(&q) == 4, "4 is an integer CPU count");
	tk_qty_parse("4.0", &q);
	TAP_OK(tk_qty_is_integer(&q), "4.0 is integral");
	tk_qty_parse("3500m", &q);
	TAP_OK(!tk_qty_is_integer(&q) && tk_qty_value(&q) == 4, "3500m: not integral, Value() rounds up");
	tk_qty_parse("1001m", &q);
	TAP_OK(!tk_qty_is_integer(&q), "1001m is not integral");
	tk_qty_parse("2000m", &q);
	TAP_OK(tk_qty_is_integer(&q), "2000m is integral");
	tk_qty_parse("0.0001", &q);
	TAP_OK(!tk_qty_is_integer(&q) && q.inexact && tk_qty_milli(&q) == 1, "0.0001: inexact");
	return TAP_DONE();
}
