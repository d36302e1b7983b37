/* tap.h - minimal TAP output for C unit tests (tests/run counts the lines). */
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

#endif
