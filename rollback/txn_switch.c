/* txn_switch.c: the moment a transaction changes the target: back up,
 * rename into place, remove; then the commit and the clean-up after it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops.h"
#include "i18n.h"
#include "saved.h"
#include "state_fs.h"
#include "txn.h"

static int close_keep_errno(int fd, int rc)
{
	int e = errno;

	if (fd >= 0)
		close(fd);
	errno = e;
	return rc;
}

/* The saved copy must be what the plan recorded: a file changed since
 * (by someone else) is not saved at all, so the undo leaves it be. */
static int back_up(struct keel_state *s, int bdir, size_t i,
		   const struct plan_entry *e)
{
	char idx[32], tmp[40];
	const char *name;
	int pfd = target_open_parent(&s->target, e->path, &name), rc;

	if (pfd < 0)
		return -1;
	snprintf(idx, sizeof idx, "%zu", i);
	snprintf(tmp, sizeof tmp, "%zu.tmp", i);
	rc = fileops_clone(pfd, name, bdir, idx, tmp, 1);
	if (!rc && saved_matches(bdir, idx, &e->saved) != 1) {
		(void)unlinkat(bdir, idx, 0);
		errno = ESTALE;
		rc = -1;
	}
	return close_keep_errno(pfd, rc);
}

/* rename(2) between two links of one inode does nothing and leaves both
 * names: a restore staged by hard link from the very file in place. Then
 * the target is right already and only the staged name must go. */
static int rename_staged(int pfd, const char *staged, const char *name)
{
	struct stat a, b;

	if (fstatat(pfd, staged, &a, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(pfd, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fileops_same_file(&a, &b))
		return unlinkat(pfd, staged, 0);
	return renameat(pfd, staged, pfd, name);
}

static int put_in_place(struct keel_state *s, const struct plan_entry *e)
{
	char staged[PATH_MAX];
	const char *name;
	int pfd = target_open_parent(&s->target, e->path, &name), rc;

	if (pfd < 0)
		return -1;
	if (e->action == PLAN_REMOVE) {
		rc = unlinkat(pfd, name, 0);
	} else {
		snprintf(staged, sizeof staged, "%s%s", name, PLAN_NEW_SUFFIX);
		rc = rename_staged(pfd, staged, name);
	}
	return close_keep_errno(pfd, rc);
}

static size_t parent_len(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

/* The parents of the plan's paths, synced once per run of entries in one
 * directory (plans list a directory's files next to each other). */
static int sync_parents(struct keel_state *s, const struct plan *p,
			const char **failed)
{
	const char *prev = NULL, *name;
	size_t i, len;
	int pfd, rc;

	for (i = 0; i < p->n; i++) {
		len = parent_len(p->e[i].path);
		if (prev && parent_len(prev) == len &&
		    strncmp(prev, p->e[i].path, len) == 0)
			continue;
		pfd = target_open_parent(&s->target, p->e[i].path, &name);
		rc = pfd < 0 || fsync(pfd);
		close_keep_errno(pfd, 0);
		if (rc && errno != ENOENT) {
			*failed = p->e[i].path;
			return -1;
		}
		prev = p->e[i].path;
	}
	return 0;
}

static int changed_meanwhile(struct keel_state *s, const char *rel,
			     struct keel_error *err)
{
	char path[PATH_MAX];

	return keel_error_set(err, KEEL_EFAIL,
		_("%s changed while keel was saving it; make sure nothing "
		  "else changes the target and try again"),
		target_path(&s->target, rel, path, sizeof path));
}

static int backup_all(struct keel_state *s, const struct plan *p,
		      struct keel_error *err)
{
	size_t i;
	int bdir = state_backup_dir(s, p->tx, 1);

	if (bdir < 0 && state_fs_why(errno))
		return state_refuse(s, "backup", errno, err);
	if (bdir < 0 && errno == EEXIST)
		return keel_error_set(err, KEEL_EFAIL,
			_("the backup store of transaction %lu exists already "
			  "in %s/backup: keel never reuses one, and changes "
			  "nothing"), p->tx, s->path);
	if (bdir < 0 || fsync(s->area[STATE_BACKUP]))
		return close_keep_errno(bdir, keel_error_errno(err, KEEL_EFAIL,
			errno, _("cannot create the backup store in %s"),
			s->path));
	for (i = 0; i < p->n; i++)
		if (p->e[i].existed && back_up(s, bdir, i, &p->e[i]))
			return close_keep_errno(bdir, errno == ESTALE ?
				changed_meanwhile(s, p->e[i].path, err) :
				txn_fail_path(s, err, _("cannot back up"),
					      p->e[i].path));
	/* Nothing is replaced before every saved copy is on disk. */
	if (fsync(bdir))
		return close_keep_errno(bdir, keel_error_errno(err, KEEL_EFAIL,
			errno, _("cannot save the backup store in %s"), s->path));
	close(bdir);
	return KEEL_OK;
}

int txn_switch(struct keel_state *s, const struct plan *p,
	       struct keel_error *err)
{
	const char *failed = NULL;
	size_t i;
	int rc = backup_all(s, p, err);

	if (rc)
		return rc;
	for (i = 0; i < p->n; i++)
		if (put_in_place(s, &p->e[i]))
			return txn_fail_path(s, err, p->e[i].action == PLAN_REMOVE ?
					 _("cannot remove") :
					 _("cannot put in place"), p->e[i].path);
	if (sync_parents(s, p, &failed))
		return txn_fail_path(s, err, _("cannot sync the directory of"),
				 failed);
	return KEEL_OK;
}

/* rmdir that leaves a directory someone else has put files in. */
static int drop_dir(struct keel_state *s, const char *dir)
{
	const char *name;
	int pfd = target_open_parent(&s->target, dir, &name), rc;

	if (pfd < 0)
		return errno == ENOENT ? 0 : -1;
	rc = unlinkat(pfd, name, AT_REMOVEDIR);
	if (rc && (errno == ENOENT || errno == ENOTEMPTY || errno == EEXIST))
		rc = 0;
	else if (rc == 0)
		rc = fsync(pfd);
	return close_keep_errno(pfd, rc);
}

static int release_tx(struct keel_state *s, unsigned long tx)
{
	char name[64];

	snprintf(name, sizeof name, "%lu", tx);
	if (fileops_remove_tree(s->area[STATE_BACKUP], name))
		return -1;
	snprintf(name, sizeof name, "%lu.json", tx);
	if (fileops_remove(s->area[STATE_INSTALLED], name))
		return -1;
	snprintf(name, sizeof name, "%lu.json.p7s", tx);
	return fileops_remove(s->area[STATE_INSTALLED], name);
}

int txn_cleanup(struct keel_state *s, const struct plan *p,
		struct keel_error *err)
{
	char name[64];
	size_t i;

	for (i = 0; i < p->n_release; i++)
		if (release_tx(s, p->release[i]))
			goto fail;
	snprintf(name, sizeof name, "%lu", p->tx);
	if (!p->keep_backup &&
	    fileops_remove_tree(s->area[STATE_BACKUP], name))
		goto fail;
	if (fsync(s->area[STATE_BACKUP]) || fsync(s->area[STATE_INSTALLED]))
		goto fail;
	for (i = 0; i < p->n_drop_dirs; i++)
		if (drop_dir(s, p->drop_dirs[i]))
			return txn_fail_path(s, err, _("cannot remove the directory"),
					 p->drop_dirs[i]);
	return KEEL_OK;
fail:
	return keel_error_errno(err, KEEL_EFAIL, errno,
		_("cannot clean up the backup store in %s"), s->path);
}

int txn_commit(struct keel_state *s, const struct plan *p,
	       struct keel_error *err)
{
	int rc = txn_mark(s, p, "committed", err);

	if (!rc)
		rc = txn_cleanup(s, p, err);
	if (!rc)
		rc = txn_mark(s, p, "closed", err);
	return rc;
}
