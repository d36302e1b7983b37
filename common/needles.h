/* needles.h - find the first place where any of a few strings starts.
 *
 * A journal of millions of lines is searched for a dozen anchors; one pass
 * over the text for all of them (a vector filter on the first bytes of every
 * needle, as the Teddy algorithm does, then an exact compare) instead of one
 * pass per needle. */
#ifndef TK_NEEDLES_H
#define TK_NEEDLES_H

#include <stdbool.h>
#include <stddef.h>

struct tk_needles;

/* A set of n needles (none empty, at most 64). */
struct tk_needles *tk_needles_new(const char *const *needles, size_t n);
void tk_needles_free(struct tk_needles *set);

/* The offset of the first place in s[0..len) where a needle starts whole,
 * or len when there is none. NUL bytes are ordinary bytes. */
size_t tk_needles_find(const struct tk_needles *set, const char *s, size_t len);

/* The same without vector instructions (what other machines run; tests
 * compare both). */
size_t tk_needles_find_plain(const struct tk_needles *set, const char *s, size_t len);

#endif
