/* state_fs.h: keel's state directory walked without following anything:
 * every component below var/lib a real directory or file keel made. */
#ifndef KEEL_STATE_FS_H
#define KEEL_STATE_FS_H

#include <sys/stat.h>
#include <sys/types.h>

/* These return an fd (or 0), or -1 with errno; beyond the system's own:
 * ELOOP   a symbolic link stands where keel's own file or directory is;
 * EXDEV   a directory on another mount than the state directory;
 * ENOTDIR not a directory where keel keeps one;
 * EINVAL  a device, FIFO, socket or directory where keel keeps a file;
 * EMLINK  a file of keel's with other hard links (written through them,
 *         it would change a file that is not keel's). */

/* Opens (creating it first, 0700, when create is set) the directory name
 * in parent, a single component, refusing a symlink and, when dev is not
 * 0, a directory on another device. */
int state_fs_open_dir(int parent, const char *name, int create, dev_t dev);

/* Opens keel's own file name in dir (a single component) with flags
 * (O_CREAT allowed, with mode); never follows a symlink, never opens a
 * device or blocks on a FIFO: what stands there is checked before it is
 * opened and again after. */
int state_fs_open_file(int dir, const char *name, int flags, mode_t mode);

/* Writes a new file name in dir from data, fsync'd, through a scratch
 * name: it appears whole or not at all and never replaces an existing
 * one (EEXIST). The directory is fsync'd too. */
int state_fs_create(int dir, const char *name, const void *data, size_t len);

/* Removes tmp, the scratch name of name (NULL: none) in dir that a crash
 * left: only keel's own regular file goes (also as the second link of a
 * finished name); a symlink, special file or a file with other hard links
 * is refused as by state_fs_open_file, and nothing is removed. 0 when
 * gone or absent. */
int state_fs_remove_scratch(int dir, const char *tmp, const char *name);

/* Why errnum refused a state path, as a translated phrase ("is a symbolic
 * link"), or NULL for an ordinary system error. */
const char *state_fs_why(int errnum);

#endif
