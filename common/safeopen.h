/* safeopen.h - opening files that another user, or a recorded tree, may have
 * set up against us.
 *
 * Terminology:
 *   regular     the only kind of file these functions hand back for reading:
 *               a FIFO, a device (/dev/zero), a socket or a directory is
 *               refused at once. The open itself never blocks (O_NONBLOCK,
 *               dropped again once fstat has said "regular"), so a FIFO
 *               planted where a file was expected cannot hang the tool.
 *   capped      a read stops at max bytes: a file whose fstat size is larger
 *               is refused before reading, and one that grows (or lies about
 *               its size, as /proc files say 0) is refused at max + 1 bytes.
 *   beneath     a path opened below a root directory as if that directory
 *               were "/": openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 *               where the kernel has it (5.6+), else a walk one component at
 *               a time that refuses symbolic links and "..". Nothing outside
 *               the root is ever opened.
 *
 * Errors: functions returning a descriptor return it (>= 0) or -errno, with
 * TK_ENOTREG for "not a regular file"; tk_strerror() names both. Nothing
 * here prints or exits.
 */
#ifndef TK_SAFEOPEN_H
#define TK_SAFEOPEN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct tk_diag;

/* Beyond every errno value: the file exists but is not a regular file. */
#define TK_ENOTREG 4096

/* strerror(), plus TK_ENOTREG and EXDEV ("leaves the root directory"). */
const char *tk_strerror(int err);

/* Flags for tk_open_regular / tk_read_regular. */
#define TK_OPEN_NOFOLLOW 0x1u   /* a symbolic link as last component is refused */
#define TK_OPEN_BENEATH  0x2u   /* path is below dirfd as its root (tk_open_beneath) */
/* leave O_NONBLOCK set: Linux ignores it when reading a regular file (procfs,
 * sysfs and disk files alike), and clearing it is
 * two system calls a file, a tenth of numa-verify's time over /proc */
#define TK_OPEN_KEEP_NONBLOCK 0x4u

/* Open path (relative to dirfd, or AT_FDCWD) for reading: regular files only,
 * never blocking. st (may be NULL) receives its fstat. Returns the descriptor
 * (close-on-exec, blocking mode unless TK_OPEN_KEEP_NONBLOCK) or -errno /
 * -TK_ENOTREG. */
int tk_open_regular(int dirfd, const char *path, unsigned flags, struct stat *st);

/* Read all of fd (at most max bytes) into a malloc'd NUL-terminated buffer.
 * Returns 0, or -errno (-EFBIG when longer than max). */
int tk_read_fd(int fd, size_t max, char **buf, size_t *len);
/* The same with fd's fstat already at hand (tk_open_regular's). */
int tk_read_fd_stat(int fd, const struct stat *st, size_t max, char **buf, size_t *len);

/* tk_open_regular + tk_read_fd. Returns 0, 1 when the file does not exist
 * (*buf NULL), -1 with d filled (named name) otherwise. st may be NULL. */
int tk_read_regular(int dirfd, const char *path, const char *name, unsigned flags, size_t max,
		    char **buf, size_t *len, struct stat *st, struct tk_diag *d);

/* Open path below rootfd (a directory descriptor) as if rootfd were "/"
 * (a leading "/" of path is ignored). oflags as for openat(2); O_CLOEXEC is
 * added. Returns the descriptor or -errno. */
int tk_open_beneath(int rootfd, const char *path, int oflags);

/* Tests only: true makes tk_open_beneath use its no-follow walk even where
 * openat2 exists, so that both ways are exercised on one kernel. */
extern bool tk_open_beneath_walk_only;

#endif
