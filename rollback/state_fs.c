/* state_fs.c: opening keel's state directories and files one component at
 * a time, O_NOFOLLOW, type-checked before and after, created exclusively. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileops.h"
#include "i18n.h"
#include "state_fs.h"

static int close_errno(int fd, int errnum)
{
	close(fd);
	errno = errnum;
	return -1;
}

int state_fs_open_dir(int parent, const char *name, int create, dev_t dev)
{
	struct stat st;
	int fd;

	if (create && mkdirat(parent, name, 0700) && errno != EEXIST)
		return -1;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0) {
		/* O_NOFOLLOW|O_DIRECTORY on a symlink: ELOOP or ENOTDIR. */
		if (errno == ENOTDIR &&
		    fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode))
			errno = ELOOP;
		return -1;
	}
	if (fstat(fd, &st))
		return close_errno(fd, errno);
	if (dev && st.st_dev != dev)
		return close_errno(fd, EXDEV);
	return fd;
}

/* Whether st, name in dir with two links, is a file state_fs_create
 * finished but whose scratch name a crash left as the other link. */
static int own_pair(int dir, const char *name, const struct stat *st)
{
	char tmp[NAME_MAX + 1];
	struct stat t;

	return S_ISREG(st->st_mode) && st->st_nlink == 2 &&
	       (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", name) < sizeof tmp &&
	       fstatat(dir, tmp, &t, AT_SYMLINK_NOFOLLOW) == 0 &&
	       fileops_same_file(st, &t);
}

/* The lstat verdict on what stands at name: 0 fine (or absent, with
 * *absent set), else -1 with the errno of state_fs.h. */
static int check_kind(const struct stat *st)
{
	if (S_ISLNK(st->st_mode))
		errno = ELOOP;
	else if (!S_ISREG(st->st_mode))
		errno = EINVAL;
	else if (st->st_nlink > 1)
		errno = EMLINK;
	else
		return 0;
	return -1;
}

int state_fs_open_file(int dir, const char *name, int flags, mode_t mode)
{
	struct stat before, after;
	int fd, exists;

	exists = fstatat(dir, name, &before, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT)
		return -1;
	if (exists && !own_pair(dir, name, &before) && check_kind(&before))
		return -1;
	if (!exists && !(flags & O_CREAT)) {
		errno = ENOENT;
		return -1;
	}
	fd = openat(dir, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
		    (exists ? 0 : O_EXCL), mode);
	/* Another keel made it between the look and the open (two first
	 * applies waiting for one lock): open it as it now exists. */
	if (fd < 0 && !exists && errno == EEXIST)
		return state_fs_open_file(dir, name, flags & ~O_CREAT, mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &after))
		return close_errno(fd, errno);
	if (!own_pair(dir, name, &after) && check_kind(&after))
		return close_errno(fd, errno);
	if (exists && !fileops_same_file(&before, &after))
		return close_errno(fd, EAGAIN);  /* swapped under us */
	/* Blocking I/O from here on: it is a regular file. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		return close_errno(fd, errno);
	return fd;
}

int state_fs_remove_scratch(int dir, const char *tmp, const char *name)
{
	struct stat st, final;

	if (fstatat(dir, tmp, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	/* A crash between state_fs_create's link and unlink leaves the
	 * scratch name as the second link of the finished file. */
	if (S_ISREG(st.st_mode) && st.st_nlink == 2 && name &&
	    fstatat(dir, name, &final, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fileops_same_file(&st, &final))
		return unlinkat(dir, tmp, 0);
	if (check_kind(&st))
		return -1;
	return unlinkat(dir, tmp, 0);
}

/* The scratch name of a new state file. */
static int scratch_name(const char *name, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s.tmp", name) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int state_fs_create(int dir, const char *name, const void *data, size_t len)
{
	char tmp[NAME_MAX + 1];
	int fd, e;

	if (scratch_name(name, tmp, sizeof tmp) ||
	    state_fs_remove_scratch(dir, tmp, name))
		return -1;
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (fileops_write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		unlinkat(dir, tmp, 0);
		errno = e;
		return -1;
	}
	close(fd);
	/* link(2) is rename without replacing: an existing name is EEXIST. */
	if (linkat(dir, tmp, dir, name, 0)) {
		e = errno;
		unlinkat(dir, tmp, 0);
		errno = e;
		return -1;
	}
	if (unlinkat(dir, tmp, 0))
		return -1;
	return fsync(dir);
}

const char *state_fs_why(int errnum)
{
	switch (errnum) {
	case ELOOP:
		return _("is a symbolic link");
	case EXDEV:
		return _("is on another mount than keel's state directory");
	case ENOTDIR:
		return _("is not a directory");
	case EINVAL:
		return _("is a device, FIFO, socket or directory, not a file");
	case EMLINK:
		return _("has other hard links");
	case EAGAIN:
		return _("was replaced while keel opened it");
	default:
		return NULL;
	}
}
