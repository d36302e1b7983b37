/* xalloc.h - allocation that cannot fail silently.
 *
 * On out-of-memory these print "topokit: out of memory" and exit with
 * TK_EXIT_USAGE (2): the one exit allowed inside common/, because no caller
 * could do anything better and exit 1 would read as a verdict.
 */
#ifndef TK_XALLOC_H
#define TK_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc for arrays: checks nmemb * size for overflow */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Out of memory in an allocator that is not ours (jansson's json_dumps):
 * the same message and exit 2. */
void xalloc_die(void) __attribute__((noreturn));
/* malloc'd printf */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
