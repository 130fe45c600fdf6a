/* txn_preflight.c: read-only mounts and staging names in the way, found
 * before "begin", so neither the change nor its undo can trip on them. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "i18n.h"
#include "txn_preflight.h"

static const char *const STAGING[] = { PLAN_NEW_SUFFIX, PLAN_UNDO_SUFFIX,
				       PLAN_TMP_SUFFIX };

static int read_only(struct keel_state *s, int dirfd, const char *rel,
		     struct keel_error *err)
{
	char shown[PATH_MAX];
	struct statvfs v;

	if (fstatvfs(dirfd, &v) || !(v.f_flag & ST_RDONLY))
		return KEEL_OK;
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("%s is on a read-only mount, and keel must write there; "
		  "remount it read-write and try again; nothing was changed"),
		target_path(&s->target, rel, shown, sizeof shown));
}

/* name's staging siblings in dirfd must not exist: keel would never
 * write through them, and what it did not make it does not remove. */
static int staging_free(struct keel_state *s, int dirfd, const char *name,
			const char *rel, struct keel_error *err)
{
	char sib[PATH_MAX], shown[PATH_MAX];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof STAGING / sizeof STAGING[0]; i++) {
		snprintf(sib, sizeof sib, "%s%s", name, STAGING[i]);
		if (fstatat(dirfd, sib, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		snprintf(sib, sizeof sib, "%s%s", rel, STAGING[i]);
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s is in the way: keel stages its own files under "
			  "that name, and no keel transaction left it there; "
			  "move it aside and try again; nothing was changed"),
			target_path(&s->target, sib, shown, sizeof shown));
	}
	return KEEL_OK;
}

/* What keel replaces, saves or removes is a file or a symlink: a device
 * or FIFO there would be opened (and block), a directory half-emptied. */
int txn_refuse_not_file(const struct keel_state *s, const char *rel,
			struct keel_error *err)
{
	char shown[PATH_MAX];

	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("%s is a directory, device, FIFO or socket where keel changes "
		  "a file; move it aside and try again; nothing was changed"),
		target_path(&s->target, rel, shown, sizeof shown));
}

static int file_or_link(struct keel_state *s, int dirfd, const char *name,
			const char *rel, struct keel_error *err)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))
		return KEEL_OK;
	return txn_refuse_not_file(s, rel, err);
}

static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* The directory an entry goes in: writable, its staging names free. A
 * directory the plan creates has nothing in it yet. */
static int check_entry(struct keel_state *s, const struct plan_entry *e,
		       int check_mount, struct keel_error *err)
{
	char dir[PATH_MAX];
	const char *name;
	int pfd = target_open_parent(&s->target, e->path, &name), rc;

	if (pfd < 0)
		return KEEL_OK;  /* made by the plan, or refused when planned */
	snprintf(dir, sizeof dir, "%.*s", (int)dir_len(e->path), e->path);
	rc = check_mount ? read_only(s, pfd, dir, err) : KEEL_OK;
	if (!rc)
		rc = staging_free(s, pfd, name, e->path, err);
	if (!rc)
		rc = file_or_link(s, pfd, name, e->path, err);
	close(pfd);
	return rc;
}

static int check_new_dir(struct keel_state *s, const char *dir,
			 struct keel_error *err)
{
	char parent[PATH_MAX];
	const char *name;
	int pfd = target_open_parent(&s->target, dir, &name), rc;

	if (pfd < 0)
		return KEEL_OK;  /* its parent is new too */
	snprintf(parent, sizeof parent, "%.*s", (int)dir_len(dir), dir);
	rc = read_only(s, pfd, parent, err);
	close(pfd);
	return rc;
}

int txn_preflight(struct keel_state *s, const struct plan *p,
		  struct keel_error *err)
{
	const char *prev = NULL;
	size_t i;
	int rc = KEEL_OK, same;

	if (s->dir >= 0)
		rc = read_only(s, s->dir, STATE_DIR, err);
	for (i = 0; !rc && i < p->n_new_dirs; i++)
		rc = check_new_dir(s, p->new_dirs[i], err);
	for (i = 0; !rc && i < p->n; i++) {
		/* Plans list a directory's files together: one mount check
		 * per run of them. */
		same = prev && dir_len(prev) == dir_len(p->e[i].path) &&
		       strncmp(prev, p->e[i].path, dir_len(prev)) == 0;
		rc = check_entry(s, &p->e[i], !same, err);
		prev = p->e[i].path;
	}
	return rc;
}
