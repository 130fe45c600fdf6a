/* fileops.h: the file-level steps transactions are built from, all relative
 * to directory fds: full writes, fsync, and copies that keep metadata. */
#ifndef KEEL_FILEOPS_H
#define KEEL_FILEOPS_H

#include <stddef.h>
#include <sys/stat.h>

/* These return 0, or -1 with errno set, like the system calls they wrap:
 * the transaction code turns errno into a message naming the path. */

/* write(2) until all len bytes are written. */
int fileops_write_all(int fd, const void *buf, size_t len);

/* fsync of the directory dirfd/rel ("" or "." for dirfd itself). */
int fileops_sync_dir(int dirfd, const char *rel);

/* Makes dname in ddir an exact copy of sname in sdir (a regular file or a
 * symbolic link): content, mode, owner, times. With link set, a hard link
 * when both are on one file system and the source has no other links (the
 * caller guarantees neither name is written in place afterwards), else a
 * copy to tname (a scratch name in ddir) renamed over dname. Data is fsync'd; the
 * directory entry is not (the caller syncs ddir once for many entries).
 * Whatever stood at dname before is replaced. */
int fileops_clone(int sdir, const char *sname, int ddir, const char *dname,
		  const char *tname, int link);

/* unlinkat that treats "already gone" as done, so undo steps can repeat. */
int fileops_remove(int dirfd, const char *name);

/* Removes dirfd/rel and everything below it; missing is fine. */
int fileops_remove_tree(int dirfd, const char *rel);

/* Reads the regular file open at fd, of at most max bytes, into *buf
 * (malloc'd, NUL-terminated): 0, or -1 with errno (EFBIG: larger than
 * max; EINVAL: not a regular file). */
int fileops_read_fd(int fd, size_t max, char **buf, size_t *len);

/* Closes fd (if >= 0) and leaves errno as it was: for the error paths
 * that report the failure before the close. */
void fileops_close_keep_errno(int fd);

/* Whether two stats are the same file (same device and inode). */
int fileops_same_file(const struct stat *a, const struct stat *b);

#endif
