/* quantity.h - Kubernetes resource quantities as exact integers.
 *
 * Grammar (k8s.io/apimachinery resource.Quantity): [+-]digits[.digits]
 * followed by nothing, a binary suffix (Ki Mi Gi Ti Pi Ei), a decimal suffix
 * (n u m k M G T P E) or an exponent (e3, E-2). "100m", "8Gi", "1e3", "0.5",
 * "1.5Gi" are all valid; "1.5.3", "Gi", "1 Gi", "1g" are not.
 *
 * A quantity is held as its value in thousandths (milli), rounded up as
 * Quantity.MilliValue() rounds, plus whether that rounding lost anything, so
 * tk_qty_value() is Quantity.Value() (rounded up to a whole unit).
 */
#ifndef TK_QUANTITY_H
#define TK_QUANTITY_H

#include <stdbool.h>
#include <stdint.h>

struct tk_qty {
	int64_t milli;   /* value * 1000, rounded up (towards +inf) */
	bool inexact;    /* the true value had digits below a thousandth */
};

/* 0 ok, -1 syntax, -2 out of range (|milli| above INT64_MAX). */
int tk_qty_parse(const char *s, struct tk_qty *q);
/* Quantity.Value(): whole units rounded up. */
int64_t tk_qty_value(const struct tk_qty *q);
/* Quantity.MilliValue(). */
int64_t tk_qty_milli(const struct tk_qty *q);
/* True when the quantity is a whole number of units (the CPU Manager's
 * integer-CPU test: Value()*1000 == MilliValue()). */
bool tk_qty_is_integer(const struct tk_qty *q);
/* Quantity.Cmp: -1, 0 or 1 (a value rounded up to the milli sorts just
 * below that milli). */
int tk_qty_cmp(const struct tk_qty *a, const struct tk_qty *b);

#endif
