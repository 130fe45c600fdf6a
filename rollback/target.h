/* target.h: the target root (/ or a mounted image) as a directory fd, and
 * paths resolved inside it, so an absolute symlink in an image stays in it. */
#ifndef KEEL_TARGET_H
#define KEEL_TARGET_H

#include <stddef.h>
#include <sys/stat.h>

#include "error.h"

struct target {
	const char *root;  /* as given, for messages */
	int fd;            /* the root directory */
};

int target_open(const char *root, struct target *t, struct keel_error *err);
void target_close(struct target *t);

/* Opens the directory rel ("" is the root) for *at() calls and fsync,
 * resolving symlinks inside the root. Returns the fd, or -1 with errno. */
int target_open_dir(const struct target *t, const char *rel);

/* Opens the parent directory of the file rel; *name points at rel's last
 * component. -1 with errno (ENOENT when a directory is missing). */
int target_open_parent(const struct target *t, const char *rel,
		       const char **name);

/* ROOT/rel for messages ("/rel" when the root is /). */
const char *target_path(const struct target *t, const char *rel, char *buf,
			size_t size);

/* Reads the regular file rel inside the root, of at most max bytes, into
 * *buf (malloc'd, NUL-terminated): 0, or -1 with errno (ENOENT: none;
 * EFBIG: larger than max; EINVAL: not a regular file). */
int target_read_file(const struct target *t, const char *rel, size_t max,
		     char **buf, size_t *len);

/* As target_read_file, but a symlink at rel is followed (inside the
 * root, like every other component): for files an administrator may
 * link into place, such as trusted certificates. The type is checked on
 * an O_PATH handle before anything opens it for reading. */
int target_read_followed(const struct target *t, const char *rel,
			 size_t max, char **buf, size_t *len);

/* lstat of rel inside the root: 0, or -1 with errno. */
int target_lstat(const struct target *t, const char *rel, struct stat *st);

#endif
