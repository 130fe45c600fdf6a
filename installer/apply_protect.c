/* apply_protect.c: refuses a pack path that reaches keel's state, trust
 * store, CRLs, GRUB or keel's own boot files through an alias in the
 * target tree (a symlink or bind mount), whether or not they exist yet. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply_protect.h"
#include "i18n.h"
#include "mount_source.h"
#include "pack_path.h"

/* Where a path meets the tree as it is: the deepest of its directories
 * that exists (by identity), and the components below it that do not. */
struct anchor {
	dev_t dev;
	ino_t ino;
	const char *rest;      /* into the path; "" when it all exists */
	int whole_dir;         /* the whole path is an existing directory */
};

/* Opens the deepest existing directory of path's first len bytes (and
 * path itself when dir_too), and says where the rest begins. */
static int open_anchor(const struct target *t, const char *path,
		       int dir_too, struct anchor *a)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);
	int fd;

	snprintf(dir, sizeof dir, "%s", path);
	a->whole_dir = 0;
	if (dir_too) {
		fd = target_open_dir(t, dir);
		if (fd >= 0) {
			a->whole_dir = 1;
			a->rest = path + len;
			goto found;
		}
	}
	for (;;) {
		char *slash = strrchr(dir, '/');

		if (!slash) {
			dir[0] = '\0';
			a->rest = path;
			fd = target_open_dir(t, "");
			break;
		}
		*slash = '\0';
		fd = target_open_dir(t, dir);
		a->rest = path + (slash - dir) + 1;
		if (fd >= 0 || (errno != ENOENT && errno != ENOTDIR))
			break;
	}
	if (fd < 0)
		return -1;
found:
	if (fstat(fd, &st)) {
		close(fd);
		return -1;
	}
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	return fd;
}

/* rest is prefix or below it, whole components, ignoring case as a FAT
 * /boot or a case-folding directory would. */
static int within(const char *rest, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncasecmp(rest, prefix, n) == 0 &&
	       (rest[n] == '\0' || rest[n] == '/');
}

/* The root of a bind mount of a subdirectory: continue from where its
 * file system shows that directory, or ".." leaves the protected area
 * unseen (mount_source.h). */
static int step_over_bind(int fd, int up)
{
	int src = mount_source_open(fd, up);

	if (src < 0)
		return fd;
	close(fd);
	return src;
}

/* Whether the directory fd is the area's existing directory or below it:
 * walks up through ".." to the target's root (or the file system's). */
static int below(int fd, const struct anchor *area, const struct anchor *root)
{
	struct stat st, up_st;
	int up, hit = 0;

	fd = dup(fd);
	while (fd >= 0 && !hit && fstat(fd, &st) == 0 &&
	       !(st.st_dev == root->dev && st.st_ino == root->ino)) {
		hit = st.st_dev == area->dev && st.st_ino == area->ino;
		up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (up >= 0 && !hit) {
			fd = step_over_bind(fd, up);
			close(up);
			up = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		if (up < 0 || fstat(up, &up_st) != 0 ||
		    (up_st.st_dev == st.st_dev && up_st.st_ino == st.st_ino)) {
			if (up >= 0)
				close(up);
			break;
		}
		close(fd);
		fd = up;
	}
	if (fd >= 0)
		close(fd);
	return hit;
}

/* Whether path (anchored at fd, a) reaches the protected area. */
static int reaches(const struct target *t, int fd, const struct anchor *a,
		   const char *area, const struct anchor *root)
{
	struct anchor p;
	int pfd = open_anchor(t, area, 1, &p), hit;

	if (pfd < 0)
		return 0;
	close(pfd);
	if (p.whole_dir)
		return below(fd, &p, root);
	/* Not there yet (or a file): the path must name it through the
	 * same existing directory. */
	hit = a->dev == p.dev && a->ino == p.ino && within(a->rest, p.rest);
	return hit;
}

int apply_check_protected(const struct target *t, const char *path,
			  struct keel_error *err)
{
	char shown[PATH_MAX], where[PATH_MAX];
	struct anchor a, root;
	const char *area = NULL, *what;
	size_t i;
	int fd = open_anchor(t, "", 1, &root);

	if (fd >= 0)
		close(fd);
	fd = fd < 0 ? -1 : open_anchor(t, path, 0, &a);
	if (fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open the directory that would hold %s"),
			target_path(t, path, shown, sizeof shown));
	for (i = 0; !area && pack_path_protected_area(i); i++)
		if (reaches(t, fd, &a, pack_path_protected_area(i), &root))
			area = pack_path_protected_area(i);
	close(fd);
	if (!area)
		return KEEL_OK;
	what = pack_path_protected(area);
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("the pack would write %s, which the target's links or "
		  "mounts make a path into %s (%s): refused; nothing was "
		  "changed"),
		target_path(t, path, shown, sizeof shown),
		what ? what : area, target_path(t, area, where, sizeof where));
}
