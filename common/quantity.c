/* quantity.c - resource.Quantity as exact thousandths (see quantity.h).
 *
 * The number is read digit by digit into a decimal mantissa and an exponent
 * of ten (suffixes and e-notation adjust the exponent, binary suffixes
 * multiply by 2^10n), then scaled to thousandths with ceiling rounding, which
 * is what MilliValue() does on the exact inf.Dec value.
 */
#include <stdint.h>
#include <string.h>

#include "quantity.h"

typedef unsigned __int128 u128;

static const struct {
	const char *suffix;
	int base2;   /* power of 1024 */
	int exp10;   /* power of 10 */
} suffixes[] = {
	{ "Ki", 1, 0 }, { "Mi", 2, 0 }, { "Gi", 3, 0 }, { "Ti", 4, 0 }, { "Pi", 5, 0 }, { "Ei", 6, 0 },
	{ "n", 0, -9 }, { "u", 0, -6 }, { "m", 0, -3 }, { "", 0, 0 },
	{ "k", 0, 3 }, { "M", 0, 6 }, { "G", 0, 9 }, { "T", 0, 12 }, { "P", 0, 15 }, { "E", 0, 18 },
};

#define LIMIT ((u128)INT64_MAX)

int tk_qty_parse(const char *s, struct tk_qty *q)
{
	const char *p = s;
	bool neg = false, any = false, lost = false;
	u128 mant = 0;
	int exp10 = 0, base2 = 0;
	size_t i;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, any = true) {
		if (mant > LIMIT * 100000)
			return -2;
		mant = mant * 10 + (u128)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, any = true) {
			if (mant > LIMIT * 100000) {   /* past any useful precision */
				if (*p != '0')
					lost = true;
				continue;
			}
			mant = mant * 10 + (u128)(*p - '0');
			exp10--;
		}
	}
	if (!any)
		return -1;
	if ((*p == 'e' || *p == 'E') && p[1] && (p[1] == '-' || p[1] == '+' ||
						 (p[1] >= '0' && p[1] <= '9'))) {
		/* "1E" is the exa suffix; "1e3"/"1E-2" an exponent */
		long e = 0;
		bool eneg = false;

		p++;
		if (*p == '+' || *p == '-')
			eneg = *p++ == '-';
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			e = e * 10 + (*p - '0');
			if (e > 100000)
				return -2;
		}
		exp10 += eneg ? -(int)e : (int)e;
	} else {
		for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
			if (!strcmp(p, suffixes[i].suffix))
				break;
		if (i == sizeof(suffixes) / sizeof(suffixes[0]))
			return -1;
		exp10 += suffixes[i].exp10;
		base2 = suffixes[i].base2;
		p += strlen(p);
	}
	if (*p)
		return -1;
	/* to thousandths */
	exp10 += 3;
	if (mant == 0) {
		q->milli = 0;
		q->inexact = false;
		return 0;
	}
	for (; base2 > 0; base2--) {
		if (mant > LIMIT * 100000)
			return -2;
		mant *= 1024;
	}
	for (; exp10 > 0; exp10--) {
		if (mant > LIMIT * 100000)
			return -2;
		mant *= 10;
	}
	for (; exp10 < 0; exp10++) {
		if (mant % 10)
			lost = true;
		mant /= 10;
		if (mant == 0)
			break;
	}
	if (mant > LIMIT)
		return -2;
	/* ceiling: for positives round up, for negatives truncation is the ceiling */
	if (lost && !neg)
		mant += 1;
	if (mant > LIMIT)
		return -2;
	q->milli = neg ? -(int64_t)mant : (int64_t)mant;
	q->inexact = lost;
	return 0;
}

int64_t tk_qty_milli(const struct tk_qty *q)
{
	return q->milli;
}

int64_t tk_qty_value(const struct tk_qty *q)
{
	int64_t v = q->milli / 1000;

	if (q->milli > 0 && q->milli % 1000)
		v++;
	return v;
}

bool tk_qty_is_integer(const struct tk_qty *q)
{
	return !q->inexact && q->milli % 1000 == 0;
}

int tk_qty_cmp(const struct tk_qty *a, const struct tk_qty *b)
{
	if (a->milli != b->milli)
		return a->milli < b->milli ? -1 : 1;
	if (a->inexact != b->inexact)
		return a->inexact ? -1 : 1;
	return 0;
}
