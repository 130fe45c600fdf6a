/* fileops.c: full writes, directory fsync, metadata-preserving clones by
 * hard link or copy, and idempotent removal, for the transaction engine. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileops.h"

#define COPY_CHUNK (128u << 10)

int fileops_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fileops_sync_dir(int dirfd, const char *rel)
{
	int fd, rc, e;

	fd = openat(dirfd, rel && *rel ? rel : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int fileops_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	struct stat st;
	ssize_t got = 0;
	size_t have = 0;

	if (fstat(fd, &st))
		return -1;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return -1;
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		return -1;
	while (have < (size_t)st.st_size &&
	       (got = read(fd, *buf + have, (size_t)st.st_size - have)) > 0)
		have += (size_t)got;
	if (got < 0) {
		int e = errno;

		free(*buf);
		*buf = NULL;
		errno = e;
		return -1;
	}
	(*buf)[have] = '\0';
	*len = have;
	return 0;
}

void fileops_close_keep_errno(int fd)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
}

int fileops_same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int fileops_remove(int dirfd, const char *name)
{
	struct stat st;
	int e;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	/* A read-only mount says EROFS even for a name that is not there;
	 * an undo must not fail on what it never made. */
	e = errno;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) && errno == ENOENT)
		return 0;
	errno = e;
	return -1;
}

/* Owner and times of a copy as the original's. Only root may give a file
 * away; an unprivileged run (tests, a user's own image) keeps its own. */
static int copy_owner_times(int ddir, const char *name, const struct stat *st)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };

	if (fchownat(ddir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) &&
	    !(errno == EPERM && geteuid() != 0))
		return -1;
	return utimensat(ddir, name, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_link(int sdir, const char *sname, const struct stat *st,
		     int ddir, const char *tname)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(sdir, sname, target, sizeof target - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	if (fileops_remove(ddir, tname) || symlinkat(target, ddir, tname))
		return -1;
	return copy_owner_times(ddir, tname, st);
}

static int copy_data(int in, int out)
{
	char *buf = malloc(COPY_CHUNK);
	ssize_t n;
	int rc = 0;

	if (!buf)
		return -1;
	while ((n = read(in, buf, COPY_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fileops_write_all(out, buf, (size_t)n)) {
			rc = -1;
			break;
		}
	}
	free(buf);
	return rc;
}

static int copy_regular(int sdir, const char *sname, const struct stat *st,
			int ddir, const char *tname)
{
	struct stat now;
	int in, out, rc = -1, e;

	in = openat(sdir, sname, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (in < 0)
		return -1;
	/* What was opened must be the file st describes, not one swapped in
	 * since (a FIFO would block the copy, another file be copied). */
	if (fstat(in, &now) || !S_ISREG(now.st_mode) ||
	    !fileops_same_file(st, &now)) {
		close(in);
		errno = EAGAIN;
		return -1;
	}
	/* tname is keel's scratch name: a leftover of a crash goes, and
	 * nothing that appears there is written through. */
	out = fileops_remove(ddir, tname) ? -1 :
	      openat(ddir, tname, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		     O_CLOEXEC, 0600);
	if (out >= 0) {
		if (copy_data(in, out) == 0 &&
		    fchmod(out, st->st_mode & 07777) == 0 &&
		    copy_owner_times(ddir, tname, st) == 0 &&
		    /* fchown may clear set-id bits: put the mode back. */
		    fchmod(out, st->st_mode & 07777) == 0 && fsync(out) == 0)
			rc = 0;
		e = errno;
		close(out);
		errno = e;
	}
	e = errno;
	close(in);
	errno = e;
	return rc;
}

/* A hard link shares the inode, so it is an exact clone for free; with
 * other links to the inode a later edit through them would change the
 * clone too, so those files are copied. */
static int try_link(int sdir, const char *sname, const struct stat *st,
		    int ddir, const char *dname)
{
	if (S_ISREG(st->st_mode) && st->st_nlink > 1)
		return -1;
	if (fileops_remove(ddir, dname))
		return -2;
	if (linkat(sdir, sname, ddir, dname, 0) == 0)
		return 0;
	if (errno == EXDEV || errno == EPERM || errno == EMLINK ||
	    errno == EOPNOTSUPP)
		return -1;
	return -2;
}

int fileops_clone(int sdir, const char *sname, int ddir, const char *dname,
		  const char *tname, int link)
{
	struct stat st;
	int rc;

	if (fstatat(sdir, sname, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	rc = link ? try_link(sdir, sname, &st, ddir, dname) : -1;
	if (rc != -1)
		return rc == 0 ? 0 : -1;
	rc = S_ISLNK(st.st_mode) ? copy_link(sdir, sname, &st, ddir, tname)
				 : copy_regular(sdir, sname, &st, ddir, tname);
	if (rc)
		return -1;
	return renameat(ddir, tname, ddir, dname);
}

int fileops_remove_tree(int dirfd, const char *rel)
{
	struct dirent *d;
	DIR *dir;
	int fd, rc = 0, e;

	fd = openat(dirfd, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno == ENOTDIR || errno == ELOOP)
			return fileops_remove(dirfd, rel);
		return -1;
	}
	dir = fdopendir(fd);
	if (!dir) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	while (rc == 0 && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		rc = fileops_remove_tree(fd, d->d_name);
	}
	e = errno;
	closedir(dir);
	errno = e;
	if (rc)
		return -1;
	if (unlinkat(dirfd, rel, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return 0;
	return -1;
}
