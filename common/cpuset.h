/* cpuset.h - sets of CPU (or NUMA node) numbers.
 *
 * Terminology:
 *   cpuset   a growable bitmask of non-negative integers (CPU ids, NUMA ids)
 *   cpulist  the Linux text form "0-3,8,10-11" (sysfs, Cpus_allowed_list,
 *            kubelet state files). We always write ascending a-b ranges and
 *            single numbers, never strides, so "0-3,5" round-trips.
 *
 * Ownership: a struct cpuset owns its words; cpuset_release() frees them.
 * A zeroed struct (or CPUSET_INIT) is a valid empty set. Functions that take
 * a destination grow it as needed.
 */
#ifndef TK_CPUSET_H
#define TK_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest id any cpulist may name: bounds memory on hostile input. */
#define CPUSET_MAX_ID 65535

struct cpuset {
	uint64_t *words;
	size_t nwords;
};

#define CPUSET_INIT { NULL, 0 }

void cpuset_init(struct cpuset *s);
void cpuset_release(struct cpuset *s);

void cpuset_clear_all(struct cpuset *s);
void cpuset_set(struct cpuset *s, unsigned id);
bool cpuset_test(const struct cpuset *s, unsigned id);
size_t cpuset_count(const struct cpuset *s);
bool cpuset_is_empty(const struct cpuset *s);
/* Lowest member, or -1 when empty. */
int cpuset_first(const struct cpuset *s);
/* Next member above prev, or -1. Loop: for (i = first; i >= 0; i = next(s, i)). */
int cpuset_next(const struct cpuset *s, int prev);
/* Highest member, or -1 when empty. */
int cpuset_last(const struct cpuset *s);

void cpuset_copy(struct cpuset *dst, const struct cpuset *src);
void cpuset_or(struct cpuset *dst, const struct cpuset *src);     /* dst |= src */
void cpuset_and(struct cpuset *dst, const struct cpuset *src);    /* dst &= src */
void cpuset_andnot(struct cpuset *dst, const struct cpuset *src); /* dst &= ~src */
bool cpuset_equal(const struct cpuset *a, const struct cpuset *b);
bool cpuset_is_subset(const struct cpuset *sub, const struct cpuset *super);
bool cpuset_intersects(const struct cpuset *a, const struct cpuset *b);
size_t cpuset_count_and(const struct cpuset *a, const struct cpuset *b);

/* Parse a cpulist ("", "0-3,8", " 1 , 2-4\n" with spaces around items
 * accepted). Replaces s. Returns 0 on success, -1 on syntax error, -2 when an
 * id is above max_id (use CPUSET_MAX_ID), -3 for a range written backwards.
 * *bad_off (may be NULL) receives the byte offset of the offending item. */
int cpuset_parse_list(struct cpuset *s, const char *str, unsigned max_id, size_t *bad_off);

/* Canonical cpulist; "" for the empty set. Returns a malloc'd string. */
char *cpuset_format_list(const struct cpuset *s);

/* Members in ascending order into a malloc'd array; *n receives the count. */
int *cpuset_to_array(const struct cpuset *s, size_t *n);

#endif
