/* target.c: resolves paths inside the target root with openat2's
 * RESOLVE_IN_ROOT, as if the target were chroot'ed, without privileges. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileops.h"
#include "i18n.h"
#include "target.h"

int target_open(const char *root, struct target *t, struct keel_error *err)
{
	t->root = root;
	t->fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->fd < 0)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the target root %s"), root);
	return KEEL_OK;
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* Debian 12's glibc has no openat2 wrapper yet. */
static int openat2_in_root(int rootfd, const char *rel, int flags)
{
	struct open_how how;

	memset(&how, 0, sizeof how);
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how,
			    sizeof how);
}

int target_open_dir(const struct target *t, const char *rel)
{
	return openat2_in_root(t->fd, rel, O_RDONLY | O_DIRECTORY);
}

int target_open_parent(const struct target *t, const char *rel,
		       const char **name)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t len;

	if (!slash) {
		*name = rel;
		return target_open_dir(t, "");
	}
	len = (size_t)(slash - rel);
	if (len >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, rel, len);
	dir[len] = '\0';
	*name = slash + 1;
	return target_open_dir(t, dir);
}

const char *target_path(const struct target *t, const char *rel, char *buf,
			size_t size)
{
	snprintf(buf, size, "%s/%s", strcmp(t->root, "/") ? t->root : "", rel);
	return buf;
}

int target_lstat(const struct target *t, const char *rel, struct stat *st)
{
	const char *name;
	int dirfd = target_open_parent(t, rel, &name), rc, e;

	if (dirfd < 0)
		return -1;
	rc = fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	close(dirfd);
	errno = e;
	return rc;
}

int target_read_file(const struct target *t, const char *rel, size_t max,
		     char **buf, size_t *len)
{
	const char *name;
	struct stat st;
	int dirfd = target_open_parent(t, rel, &name), fd = -1, rc = -1, e;

	*buf = NULL;
	*len = 0;
	/* Looked at before it is opened: opening a device or a FIFO that
	 * stands where a file belongs could block or act on hardware. */
	if (dirfd >= 0 && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !S_ISREG(st.st_mode)) {
		errno = EINVAL;
	} else if (dirfd >= 0) {
		fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			    O_CLOEXEC);
	}
	if (fd >= 0)
		rc = fileops_read_fd(fd, max, buf, len);
	e = errno;
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	errno = e;
	return rc;
}

/* Opened twice, both times inside the root: as O_PATH to see what it is
 * (opening a device or FIFO for reading could block or act on hardware),
 * then for reading, and the two must be the same file. */
int target_read_followed(const struct target *t, const char *rel,
			 size_t max, char **buf, size_t *len)
{
	struct stat seen, opened;
	int pfd = openat2_in_root(t->fd, rel, O_PATH), fd = -1, rc = -1;

	*buf = NULL;
	*len = 0;
	if (pfd >= 0 && fstat(pfd, &seen) == 0) {
		if (!S_ISREG(seen.st_mode))
			errno = EINVAL;
		else
			fd = openat2_in_root(t->fd, rel, O_RDONLY | O_NONBLOCK |
					     O_NOCTTY);
	}
	if (fd >= 0 && fstat(fd, &opened) == 0) {
		if (fileops_same_file(&seen, &opened))
			rc = fileops_read_fd(fd, max, buf, len);
		else
			errno = EAGAIN;
	}
	fileops_close_keep_errno(fd);
	fileops_close_keep_errno(pfd);
	return rc;
}
