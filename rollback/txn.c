/* txn.c: begin, staging, switch, commit, clean-up and undo of a
 * transaction. Every step can be repeated after a crash part-way. */
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
#include "state_check.h"
#include "state_fs.h"
#include "txn.h"

/* NAME plus one of the PLAN_*_SUFFIX names. */
static const char *sibling(const char *name, const char *suffix, char *buf,
			   size_t size)
{
	snprintf(buf, size, "%s%s", name, suffix);
	return buf;
}

static const char *index_name(size_t i, char *buf, size_t size)
{
	snprintf(buf, size, "%zu", i);
	return buf;
}

int txn_fail_path(struct keel_state *s, struct keel_error *err,
		  const char *what, const char *rel)
{
	char path[PATH_MAX];

	return keel_error_errno(err, KEEL_EFAIL, errno, "%s %s", what,
				target_path(&s->target, rel, path, sizeof path));
}

int txn_begin(struct keel_state *s, const struct plan *p,
	      struct json_object *meta, struct keel_error *err)
{
	size_t len;
	char name[64], *text = plan_to_text(p, &len);
	int rc;

	snprintf(name, sizeof name, "%lu.json", p->tx);
	rc = text ? state_write_file(s, STATE_TX, name, text, len, err) :
		    keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	free(text);
	if (rc) {
		json_object_put(meta);
		return rc;
	}
	json_object_object_add(meta, "tx", json_object_new_int64((int64_t)p->tx));
	json_object_object_add(meta, "state", json_object_new_string("begin"));
	json_object_object_add(meta, "op", json_object_new_string(p->op));
	return journal_append(&s->journal, meta, err);
}

int txn_load_plan(struct keel_state *s, unsigned long tx, struct plan *p,
		  struct keel_error *err)
{
	struct json_object *o;
	char name[64], origin[PATH_MAX + 64];
	int rc;

	memset(p, 0, sizeof *p);  /* plan_free is safe whatever happens */
	snprintf(name, sizeof name, "%lu.json", tx);
	state_area_path(s, STATE_TX, name, origin, sizeof origin);
	rc = state_read_json(s, STATE_TX, name, &o, err);
	if (rc)
		return rc;
	rc = plan_from_json(o, origin, p, err);
	json_object_put(o);
	if (!rc && p->tx != tx)
		rc = keel_error_set(err, KEEL_EFAIL,
			_("the transaction record %s is damaged: it says it is "
			  "transaction %lu; keel changes nothing until keel's "
			  "state is restored from a backup"), origin, p->tx);
	return rc;
}

int txn_saved_copy_exists(const struct keel_state *s, unsigned long tx,
			  size_t i)
{
	char name[32];
	struct stat st;
	int bdir = state_backup_dir(s, tx, 0), rc;

	if (bdir < 0)
		return 0;
	rc = fstatat(bdir, index_name(i, name, sizeof name), &st,
		     AT_SYMLINK_NOFOLLOW) == 0;
	close(bdir);
	return rc;
}

int txn_read_saved_copy(const struct keel_state *s, unsigned long tx,
			size_t i, size_t max, char **buf, size_t *len)
{
	char name[32];
	int bdir = state_backup_dir(s, tx, 0), fd, rc, e;

	*buf = NULL;
	*len = 0;
	if (bdir < 0)
		return -1;
	fd = state_fs_open_file(bdir, index_name(i, name, sizeof name),
				O_RDONLY, 0);
	e = errno;
	close(bdir);
	errno = e;
	if (fd < 0)
		return -1;
	rc = fileops_read_fd(fd, max, buf, len);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int txn_mark(struct keel_state *s, const struct plan *p, const char *state,
	     struct keel_error *err)
{
	struct json_object *o = json_object_new_object();

	int rc;

	json_object_object_add(o, "tx", json_object_new_int64((int64_t)p->tx));
	json_object_object_add(o, "state", json_object_new_string(state));
	rc = journal_append(&s->journal, o, err);
	if (!rc && strcmp(state, "closed") == 0)
		state_mark_ended(s, p->tx);
	return rc;
}

int txn_make_dirs(struct keel_state *s, const struct plan *p,
		  struct keel_error *err)
{
	const char *name;
	size_t i;
	int fd, bad;

	for (i = 0; i < p->n_new_dirs; i++) {
		fd = target_open_parent(&s->target, p->new_dirs[i], &name);
		bad = fd < 0 || (mkdirat(fd, name, 0755) && errno != EEXIST) ||
		      fsync(fd);
		if (fd >= 0) {
			int e = errno;

			close(fd);
			errno = e;
		}
		if (bad)
			return txn_fail_path(s, err, _("cannot create the directory"),
					 p->new_dirs[i]);
	}
	return KEEL_OK;
}

int txn_stage_open(struct keel_state *s, const struct plan_entry *e,
		   int *fd, struct keel_error *err)
{
	char staged[PATH_MAX];
	const char *name;
	int dirfd = target_open_parent(&s->target, e->path, &name);

	*fd = -1;
	if (dirfd >= 0) {
		*fd = openat(dirfd, sibling(name, PLAN_NEW_SUFFIX, staged,
					    sizeof staged),
			     /* Exclusive: a name in the way is refused before
			      * the transaction (txn_preflight), and one that
			      * appeared since is never written through. */
			     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			     O_CLOEXEC, 0600);
		close(dirfd);
	}
	if (*fd < 0)
		return txn_fail_path(s, err, _("cannot stage"), e->path);
	return KEEL_OK;
}

/* Files keel installs belong to root, as a package manager's do; an
 * unprivileged run (a user's own image, the tests) keeps its own. The
 * file goes into the batch, which fsyncs it before "prepared". */
int txn_stage_finish(struct keel_state *s, const struct plan_entry *e,
		     int fd, struct sync_batch *batch, struct keel_error *err)
{
	if ((geteuid() == 0 && fchown(fd, 0, 0)) || fchmod(fd, e->mode)) {
		int errnum = errno;

		close(fd);
		errno = errnum;
		return txn_fail_path(s, err, _("cannot stage"), e->path);
	}
	if (sync_batch_add(batch, fd, e->path))
		return txn_fail_path(s, err, _("cannot stage"), batch->failed);
	return KEEL_OK;
}

int txn_stage_sync(struct keel_state *s, struct sync_batch *batch,
		   struct keel_error *err)
{
	if (sync_batch_flush(batch))
		return txn_fail_path(s, err, _("cannot stage"), batch->failed);
	return KEEL_OK;
}

static int stage_restore(struct keel_state *s, const struct plan_entry *e,
			 struct keel_error *err)
{
	char src[64], staged[PATH_MAX], tmp[PATH_MAX];
	const char *name;
	int bdir, pfd, rc = -1;

	bdir = state_backup_dir(s, e->from_tx, 0);
	pfd = target_open_parent(&s->target, e->path, &name);
	if (bdir >= 0 && pfd >= 0)
		rc = fileops_clone(bdir, index_name(e->from_index, src, sizeof src),
			pfd, sibling(name, PLAN_NEW_SUFFIX, staged, sizeof staged),
			sibling(name, PLAN_TMP_SUFFIX, tmp, sizeof tmp),
			/* A copy: the saved file stays in the store, and an
			 * edit in place of the live one must not reach it. */
			0);
	if (rc) {
		int errnum = errno;

		if (bdir >= 0)
			close(bdir);
		if (pfd >= 0)
			close(pfd);
		errno = errnum;
		return txn_fail_path(s, err, _("cannot stage the saved copy of"),
				 e->path);
	}
	/* What goes back is what was recorded, checked on the very copy. */
	if (saved_matches(pfd, staged, &e->from_saved) == 1)
		rc = KEEL_OK;
	else if ((rc = saved_check_copy(s, e->from_tx, e->from_index,
					&e->from_saved, e->path, err)) == 0)
		rc = keel_error_set(err, KEEL_EFAIL,
			_("the copy of %s staged from keel's backup store does "
			  "not match its record; nothing was changed"), e->path);
	close(bdir);
	close(pfd);
	return rc;
}

/* PATH.keel-old staged as a copy of PATH, which must still be what the
 * plan found there. */
static int stage_preserve(struct keel_state *s, const struct plan_entry *e,
			  struct keel_error *err)
{
	char src[PATH_MAX], staged[PATH_MAX], tmp[PATH_MAX];
	size_t len = strlen(e->path) - strlen(PLAN_KEEP_SUFFIX);
	const char *name;
	int pfd = target_open_parent(&s->target, e->path, &name), rc = -1;

	snprintf(src, sizeof src, "%.*s", (int)(len - (size_t)(name - e->path)),
		 name);
	if (pfd >= 0)
		rc = fileops_clone(pfd, src, pfd,
			sibling(name, PLAN_NEW_SUFFIX, staged, sizeof staged),
			sibling(name, PLAN_TMP_SUFFIX, tmp, sizeof tmp), 0);
	if (rc) {
		int errnum = errno;

		if (pfd >= 0)
			close(pfd);
		errno = errnum;
		return txn_fail_path(s, err, _("cannot keep a copy of"), e->path);
	}
	rc = saved_matches(pfd, staged, &e->from_saved) == 1 ? KEEL_OK :
	     keel_error_set(err, KEEL_EFAIL, _("%.*s changed while keel was "
			    "keeping a copy of it; nothing was changed"),
			    (int)len, e->path);
	close(pfd);
	return rc;
}

int txn_stage_restores(struct keel_state *s, const struct plan *p,
		       struct keel_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < p->n; i++)
		if ((p->e[i].action == PLAN_RESTORE &&
		     (rc = stage_restore(s, &p->e[i], err))) ||
		    (p->e[i].action == PLAN_PRESERVE &&
		     (rc = stage_preserve(s, &p->e[i], err))))
			return rc;
	return KEEL_OK;
}
