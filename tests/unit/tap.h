/* tap.h - minimal TAP output for C unit tests (tests/run counts the lines),
 * and a seeded random source (xorshift) so that every run draws the same. */
#ifndef TK_TAP_H
#define TK_TAP_H

#include <stdio.h>

static int tap_n, tap_failed;

/* cond is evaluated once: it may call the code under test */
#define TAP_OK(cond, ...) do { \
	int tap_ok_ = !!(cond); \
	tap_n++; \
	if (tap_ok_) { printf("ok %d - ", tap_n); } \
	else { tap_failed++; printf("not ok %d - ", tap_n); } \
	printf(__VA_ARGS__); printf("\n"); \
	if (!tap_ok_) printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)

#define TAP_DONE() (printf("1..%d\n", tap_n), tap_failed ? 1 : 0)

static unsigned long long tap_rng = 88172645463325252ull;

/* a number below n */
static inline unsigned tap_rnd(unsigned n)
{
	tap_rng ^= tap_rng << 13;
	tap_rng ^= tap_rng >> 7;
	tap_rng ^= tap_rng << 17;
	return (unsigned)(tap_rng % n);
}

#endif
