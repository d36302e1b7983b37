/* safeopen.c - regular files only, never blocking, capped, confined to a
 * root (see safeopen.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifdef SYS_openat2
#include <linux/openat2.h>
#endif
/* valgrind (3.19) does not know openat2 and warns on stderr at every call:
 * under it, the walk (as strict) is used instead */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TK_UNDER_VALGRIND() RUNNING_ON_VALGRIND
#endif
#endif
#ifndef TK_UNDER_VALGRIND
#define TK_UNDER_VALGRIND() 0
#endif

#include "diag.h"
#include "safeopen.h"
#include "xalloc.h"

bool tk_open_beneath_walk_only;

const char *tk_strerror(int err)
{
	if (err == TK_ENOTREG)
		return "not a regular file";
	if (err == EXDEV)
		return "path leaves the root directory";
	return strerror(err);
}

int tk_open_regular(int dirfd, const char *path, unsigned flags, struct stat *stp)
{
	struct stat st;
	int fd, fl;
	int oflags = O_RDONLY | O_NONBLOCK | O_NOCTTY | ((flags & TK_OPEN_NOFOLLOW) ? O_NOFOLLOW : 0);

	if (flags & TK_OPEN_BENEATH) {
		fd = tk_open_beneath(dirfd, path, oflags);
		if (fd < 0)
			return fd;
	} else {
		fd = openat(dirfd, path, oflags | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -TK_ENOTREG;
	}
	/* a regular file never blocks; the flag only mattered for the open */
	if (!(flags & TK_OPEN_KEEP_NONBLOCK)) {
		fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	}
	if (stp)
		*stp = st;
	return fd;
}

int tk_read_fd(int fd, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;

	return tk_read_fd_stat(fd, fstat(fd, &st) == 0 ? &st : NULL, max, bufp, lenp);
}

int tk_read_fd_stat(int fd, const struct stat *st, size_t max, char **bufp, size_t *lenp)
{
	size_t len = 0, cap;
	char *buf;
	bool sized = st && S_ISREG(st->st_mode) && st->st_size > 0;

	*bufp = NULL;
	*lenp = 0;
	if (sized && (uintmax_t)st->st_size > max)
		return -EFBIG;
	/* /proc and pipes report no useful size: start at a page and double,
	 * never asking for more than max + 1 bytes in all */
	cap = sized ? (size_t)st->st_size + 2 : 4096;
	if (cap > max + 2)
		cap = max + 2;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t n;
		size_t want;

		if (len + 1 >= cap) {
			if (cap >= max + 2) {
				free(buf);
				return -EFBIG;
			}
			cap = cap > (max + 2) / 2 ? max + 2 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		want = cap - len - 1;
		n = read(fd, buf + len, want);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int tk_read_regular(int dirfd, const char *path, const char *name, unsigned flags, size_t max,
		    char **buf, size_t *len, struct stat *st, struct tk_diag *d)
{
	int fd = tk_open_regular(dirfd, path, flags, st), rc;

	*buf = NULL;
	*len = 0;
	if (fd == -ENOENT)
		return 1;
	if (fd == -ELOOP && (flags & TK_OPEN_NOFOLLOW))
		return tk_diag_set(d, name, 0, 0, "is a symbolic link (refused)");
	if (fd == -TK_ENOTREG)
		return tk_diag_set(d, name, 0, 0, "not a regular file (refused)");
	if (fd < 0)
		return tk_diag_set(d, name, 0, 0, "cannot open: %s", tk_strerror(-fd));
	rc = tk_read_fd(fd, max, buf, len);
	close(fd);
	if (rc == -EFBIG)
		return tk_diag_set(d, name, 0, 0, "file too large (more than %zu bytes)", max);
	if (rc < 0)
		return tk_diag_set(d, name, 0, 0, "cannot read: %s", tk_strerror(-rc));
	return 0;
}

/* Component by component from rootfd, no symbolic link followed, no "..":
 * where openat2 is missing this is the only way to be sure of staying in. */
static int walk_beneath(int rootfd, const char *path, int oflags)
{
	char *copy = xstrdup(path), *p = copy, *slash;
	int cur = rootfd, fd = -1;

	for (;;) {
		const char *comp;
		bool last;

		while (*p == '/')
			p++;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		comp = *p ? p : ".";
		last = !slash || !slash[1 + strspn(slash + 1, "/")];
		if (!strcmp(comp, "..")) {
			fd = -EXDEV;
			break;
		}
		if (last) {
			fd = openat(cur, comp, oflags | O_NOFOLLOW | O_CLOEXEC);
			if (fd < 0)
				fd = -errno;
			break;
		}
		fd = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			break;
		}
		if (cur != rootfd)
			close(cur);
		cur = fd;
		fd = -1;
		p = slash + 1;
	}
	if (cur != rootfd)
		close(cur);
	free(copy);
	return fd;
}

int tk_open_beneath(int rootfd, const char *path, int oflags)
{
#ifdef SYS_openat2
	static bool no_openat2;

	if (!tk_open_beneath_walk_only && !no_openat2 && !TK_UNDER_VALGRIND()) {
		struct open_how how;
		const char *rel = path + strspn(path, "/");
		long fd;

		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(oflags | O_CLOEXEC);
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		fd = syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		/* ENOSYS: an older kernel; EPERM: a seccomp filter that knows it not */
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
	}
#endif
	return walk_beneath(rootfd, path, oflags);
}
