/* apply_space.c: refuses an apply that would fill a file system: the
 * staged copies need their size (and an inode) until the old files go. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "apply_plan.h"
#include "i18n.h"

/* Kept free beyond what the plan needs: logs and the system keep
 * running while we install. */
#define MARGIN_BYTES (16ull << 20)
#define MARGIN_INODES 64

struct fs_need {
	dev_t dev;
	uint64_t bytes, inodes;
	struct statvfs vfs;
	const char *example;   /* a path on it, for the message */
};

#define FS_MAX 16

/* The file system path will be on: that of its nearest existing
 * ancestor. */
static int nearest_dir(const struct target *t, const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof dir, "%s", path);
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			return target_open_dir(t, "");
		*slash = '\0';
		fd = target_open_dir(t, dir);
		if (fd >= 0 || errno != ENOENT)
			return fd;
	}
}

static struct fs_need *find_fs(struct fs_need *fs, size_t *n, int dirfd,
			       const char *path)
{
	struct stat st;
	size_t i;

	if (fstat(dirfd, &st))
		return NULL;
	for (i = 0; i < *n; i++)
		if (fs[i].dev == st.st_dev)
			return &fs[i];
	if (*n == FS_MAX || fstatvfs(dirfd, &fs[*n].vfs))
		return NULL;
	fs[*n].dev = st.st_dev;
	fs[*n].bytes = MARGIN_BYTES;
	fs[*n].inodes = MARGIN_INODES;
	fs[*n].example = path;
	return &fs[(*n)++];
}

static int short_of(struct keel_state *s, const struct fs_need *f,
		    struct keel_error *err)
{
	uint64_t have = (uint64_t)f->vfs.f_bavail * f->vfs.f_frsize;
	char shown[PATH_MAX];

	target_path(&s->target, f->example, shown, sizeof shown);
	if (have < f->bytes)
		return keel_error_set(err, KEEL_EFAIL,
			_("not enough free space for %s: the file system needs "
			  "%" PRIu64 " MiB free (the pack's files and a margin) "
			  "and has %" PRIu64 " MiB; free some space and try "
			  "again. Nothing was changed."), shown,
			(f->bytes + (1u << 20) - 1) >> 20, have >> 20);
	if (f->vfs.f_files && f->vfs.f_favail < f->inodes)
		return keel_error_set(err, KEEL_EFAIL,
			_("not enough free inodes for %s: %" PRIu64 " needed, "
			  "%" PRIu64 " free; remove some files and try again. "
			  "Nothing was changed."), shown, f->inodes,
			(uint64_t)f->vfs.f_favail);
	return KEEL_OK;
}

static int same_dir(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t la = sa ? (size_t)(sa - a) : 0, lb = sb ? (size_t)(sb - b) : 0;

	return la == lb && memcmp(a, b, la) == 0;
}

int apply_check_space(struct keel_state *s, const struct plan *p,
		      struct keel_error *err)
{
	struct fs_need fs[FS_MAX];
	struct fs_need *f = NULL;
	const char *last = NULL;
	size_t n = 0, i;
	int fd, rc;

	for (i = 0; i < p->n; i++) {
		if (p->e[i].action != PLAN_INSTALL)
			continue;
		/* Files come grouped by directory: one lookup per directory. */
		if (!last || !same_dir(last, p->e[i].path)) {
			fd = nearest_dir(&s->target, p->e[i].path);
			f = fd >= 0 ? find_fs(fs, &n, fd, p->e[i].path) : NULL;
			if (fd >= 0)
				close(fd);
			last = p->e[i].path;
		}
		if (!f)
			continue;  /* unknowable: staging will report ENOSPC */
		f->bytes += p->e[i].size;
		f->inodes += 1;
	}
	for (i = 0; i < n; i++)
		if ((rc = short_of(s, &fs[i], err)))
			return rc;
	return KEEL_OK;
}
