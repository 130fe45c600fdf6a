/* undo_keep.c: tells a file the administrator changed after keel wrote it
 * from keel's own, and plans the copy that keeps their version. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grub_files.h"
#include "i18n.h"
#include "saved.h"
#include "txn_run.h"
#include "pack_path.h"
#include "undo_keep.h"

/* What the entry left at its path; 0 when it left nothing there. */
static int left_there(const struct plan_entry *e, struct plan_saved *want)
{
	memset(want, 0, sizeof *want);
	switch (e->action) {
	case PLAN_INSTALL:
		want->kind = SAVED_FILE;
		want->mode = e->mode;
		want->size = e->size;
		memcpy(want->sha256, e->sha256, sizeof want->sha256);
		return 1;
	case PLAN_RESTORE:
	case PLAN_PRESERVE:
		*want = e->from_saved;
		return 1;
	default:
		return 0;
	}
}

int undo_keep_changed(const struct keel_state *s, const struct plan_entry *last)
{
	struct plan_saved want;
	const char *name;
	int pfd, rc, left = left_there(last, &want);

	if (strcmp(last->path, GRUB_CUSTOM_CFG) == 0 ||
	    strcmp(last->path, GRUB_ENV) == 0)
		return 0;
	pfd = target_open_parent(&s->target, last->path, &name);
	if (pfd < 0)
		return 0;  /* gone with its directory: nothing to keep */
	rc = left ? saved_matches(pfd, name, &want) : -1;
	if (!left && faccessat(pfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		rc = 0;  /* keel removed it; someone put a file there since */
	close(pfd);
	return rc == 0;
}

int undo_keep_add(struct keel_state *s, struct plan *out, const char *path,
		  struct keel_error *err)
{
	char keep[PATH_MAX], shown[PATH_MAX];
	struct plan_entry *e;
	struct stat st;
	const char *name;
	int pfd, rc, existed;

	if ((size_t)snprintf(keep, sizeof keep, "%s%s", path,
			     PLAN_KEEP_SUFFIX) >= sizeof keep)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s was changed since keel installed it, and its name "
			  "is too long to keep the changed file beside it; move "
			  "it aside and try again"),
			target_path(&s->target, path, shown, sizeof shown));
	/* An earlier copy is the administrator's too: never written over. */
	existed = target_lstat(&s->target, keep, &st) == 0;
	if (existed)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s is in the way: keel keeps the changed %s there; "
			  "move it aside and try again"),
			target_path(&s->target, keep, shown, sizeof shown), path);
	if (pack_path_check(keep) != PACK_PATH_OK)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s was changed since keel installed it, and its name "
			  "is too long to keep the changed file beside it; move "
			  "it aside and try again"),
			target_path(&s->target, path, shown, sizeof shown));
	e = plan_add(out, keep, PLAN_PRESERVE, existed);
	if (!e)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	pfd = target_open_parent(&s->target, path, &name);
	rc = pfd < 0 ? -1 : saved_describe(pfd, name, &e->from_saved);
	if (pfd >= 0)
		close(pfd);
	if (rc)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot read %s"),
			target_path(&s->target, path, shown, sizeof shown));
	return KEEL_OK;
}
