/* txn_undo.c: takes a transaction that never reached "committed" back to
 * the tree before it, from its saved copies; safe to repeat after a crash. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops.h"
#include "i18n.h"
#include "saved.h"
#include "state_check.h"
#include "txn.h"

struct undo_names {
	char staged[PATH_MAX], undo[PATH_MAX], tmp[PATH_MAX], idx[32];
};

static void make_names(struct undo_names *n, const char *name, size_t i)
{
	snprintf(n->staged, sizeof n->staged, "%s%s", name, PLAN_NEW_SUFFIX);
	snprintf(n->undo, sizeof n->undo, "%s%s", name, PLAN_UNDO_SUFFIX);
	snprintf(n->tmp, sizeof n->tmp, "%s%s", name, PLAN_TMP_SUFFIX);
	snprintf(n->idx, sizeof n->idx, "%zu", i);
}

/* Puts the saved copy back unless the target still is that very file
 * (the transaction stopped between backing it up and replacing it). */
static int restore_saved(int pfd, const char *name, int bdir,
			 const struct undo_names *n, const struct stat *saved)
{
	struct stat now;

	if (fstatat(pfd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fileops_same_file(&now, saved))
		return 0;
	if (fileops_clone(bdir, n->idx, pfd, n->undo, n->tmp, 1))
		return -1;
	return renameat(pfd, n->undo, pfd, name);
}

/* One path: the saved copy if the transaction made one, else nothing
 * was changed there (backups precede changes), except a path that did
 * not exist before, which goes. Staging leftovers go in every case. */
static int undo_entry(struct keel_state *s, int bdir, size_t i,
		      const struct plan_entry *e)
{
	struct undo_names n;
	struct stat saved;
	const char *name;
	int pfd = target_open_parent(&s->target, e->path, &name), rc = 0;

	/* Its directory was never made, or is not one keel could have
	 * written in (a symlink or file in the way): nothing to undo. */
	if (pfd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ?
		       0 : -1;
	make_names(&n, name, i);
	if (bdir >= 0 && fstatat(bdir, n.idx, &saved, AT_SYMLINK_NOFOLLOW) == 0)
		rc = restore_saved(pfd, name, bdir, &n, &saved);
	else if (!e->existed)
		rc = fileops_remove(pfd, name);
	if (!rc)
		rc = fileops_remove(pfd, n.staged) || fileops_remove(pfd, n.undo) ||
		     fileops_remove(pfd, n.tmp) || fsync(pfd);
	if (rc) {
		int errnum = errno;

		close(pfd);
		errno = errnum;
		return -1;
	}
	close(pfd);
	return 0;
}

static int remove_new_dirs(struct keel_state *s, const struct plan *p)
{
	const char *name;
	size_t i = p->n_new_dirs;
	int pfd, rc;

	while (i-- > 0) {
		pfd = target_open_parent(&s->target, p->new_dirs[i], &name);
		if (pfd < 0) {
			if (errno == ENOENT)
				continue;
			return -1;
		}
		rc = unlinkat(pfd, name, AT_REMOVEDIR);
		/* Gone, not empty, or not a directory keel made: it stays. */
		if (rc && (errno == ENOENT || errno == ENOTEMPTY ||
			   errno == EEXIST || errno == ENOTDIR))
			rc = 0;
		else if (rc == 0)
			rc = fsync(pfd);
		close(pfd);
		if (rc)
			return -1;
	}
	return 0;
}

/* What only this transaction put in the state directory. */
static int remove_own_state(struct keel_state *s, const struct plan *p)
{
	static const char *const suffixes[] = { ".json", ".json.tmp",
		".json.p7s", ".json.p7s.tmp", NULL };
	char name[64];
	size_t i;

	for (i = 0; suffixes[i]; i++) {
		snprintf(name, sizeof name, "%lu%s", p->tx, suffixes[i]);
		if (fileops_remove(s->area[STATE_INSTALLED], name))
			return -1;
	}
	snprintf(name, sizeof name, "%lu", p->tx);
	return fileops_remove_tree(s->area[STATE_BACKUP], name) ||
	       fsync(s->area[STATE_INSTALLED]) ||
	       fsync(s->area[STATE_BACKUP]);
}

/* Whether the saved copy of entry i would go back: it exists and the
 * path is not that very file already. */
static int will_restore(struct keel_state *s, int bdir, size_t i,
			const struct plan_entry *e)
{
	struct stat saved, now;
	char idx[32];

	snprintf(idx, sizeof idx, "%zu", i);
	if (bdir < 0 || fstatat(bdir, idx, &saved, AT_SYMLINK_NOFOLLOW))
		return 0;
	return !(target_lstat(&s->target, e->path, &now) == 0 &&
		 fileops_same_file(&saved, &now));
}

/* What entry e puts at its path once switched: 0 with *put, or -1 when
 * it removes the path. */
static int what_it_puts(const struct plan_entry *e, struct plan_saved *put)
{
	if (e->action == PLAN_REMOVE)
		return -1;
	memset(put, 0, sizeof *put);  /* no owner: the pack names none */
	if (e->action == PLAN_INSTALL) {
		put->kind = SAVED_FILE;
		put->mode = e->mode;
		put->size = e->size;
		memcpy(put->sha256, e->sha256, sizeof put->sha256);
	} else {
		*put = e->from_saved;
	}
	return 0;
}

/* Entry i existed, its saved copy is gone, and its path holds what this
 * transaction put there (or nothing, for a removal) and not what stood
 * there before: the copy was lost after the switch, and the undo would
 * leave the new file claiming all is as before. */
static int copy_lost(struct keel_state *s, int bdir, size_t i,
		     const struct plan_entry *e)
{
	struct plan_saved put;
	struct stat st;
	const char *name;
	char idx[32];
	int pfd, lost;

	snprintf(idx, sizeof idx, "%zu", i);
	if (!e->existed || e->saved.kind == SAVED_NONE ||
	    (bdir >= 0 && fstatat(bdir, idx, &st, AT_SYMLINK_NOFOLLOW) == 0))
		return 0;
	pfd = target_open_parent(&s->target, e->path, &name);
	if (pfd < 0)
		return 0;
	if (what_it_puts(e, &put))
		lost = fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 &&
		       errno == ENOENT;
	else
		lost = saved_matches(pfd, name, &put) == 1 &&
		       saved_matches(pfd, name, &e->saved) == 0;
	close(pfd);
	return lost;
}

/* Every saved copy that goes back is checked first: a damaged or lost
 * one stops the undo before it changes anything. */
static int check_saved(struct keel_state *s, int bdir, const struct plan *p,
		       struct keel_error *err)
{
	size_t i;
	int rc;

	char shown[PATH_MAX], copy[PATH_MAX + 64], idx[64];

	for (i = 0; i < p->n; i++) {
		if (will_restore(s, bdir, i, &p->e[i]) &&
		    (rc = saved_check_copy(s, p->tx, i, &p->e[i].saved,
					   p->e[i].path, err)))
			return rc;
		if (!copy_lost(s, bdir, i, &p->e[i]))
			continue;
		snprintf(idx, sizeof idx, "%lu/%zu", p->tx, i);
		return keel_error_set(err, KEEL_EFAIL,
			_("the saved copy of %s (%s) is missing, and the file "
			  "is the one transaction %lu put there: keel cannot "
			  "undo it and changes nothing; restore keel's state "
			  "from a backup"),
			target_path(&s->target, p->e[i].path, shown,
				    sizeof shown),
			state_area_path(s, STATE_BACKUP, idx, copy,
					sizeof copy), p->tx);
	}
	return KEEL_OK;
}

int txn_undo(struct keel_state *s, const struct plan *p,
	     struct keel_error *err)
{
	char path[PATH_MAX];
	int bdir = state_backup_dir(s, p->tx, 0);
	size_t i = p->n;
	int rc = check_saved(s, bdir, p, err);

	if (rc) {
		if (bdir >= 0)
			close(bdir);
		return rc;
	}

	while (i-- > 0)
		if (undo_entry(s, bdir, i, &p->e[i])) {
			int errnum = errno;

			if (bdir >= 0)
				close(bdir);
			return keel_error_errno(err, KEEL_EFAIL, errnum,
				_("cannot put back %s"),
				target_path(&s->target, p->e[i].path, path,
					    sizeof path));
		}
	if (bdir >= 0)
		close(bdir);
	if (remove_new_dirs(s, p) || remove_own_state(s, p))
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot finish undoing transaction %lu in %s"),
			p->tx, s->path);
	return KEEL_OK;
}

int txn_abort(struct keel_state *s, const struct plan *p, const char *why,
	      struct keel_error *err)
{
	struct json_object *o;
	int rc = txn_undo(s, p, err);

	if (rc)
		return rc;
	o = json_object_new_object();
	json_object_object_add(o, "tx", json_object_new_int64((int64_t)p->tx));
	json_object_object_add(o, "state", json_object_new_string("aborted"));
	if (why)
		json_object_object_add(o, "reason", json_object_new_string(why));
	rc = journal_append(&s->journal, o, err);
	if (!rc)
		state_mark_ended(s, p->tx);
	return rc;
}
