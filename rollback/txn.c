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

	snprintf(name, sizeof name, "tx/%lu.json", p->tx);
	rc = text ? state_write_file(s, name, text, len, err) :
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
	snprintf(name, sizeof name, "tx/%lu.json", tx);
	snprintf(origin, sizeof origin, "%s/%s", s->path, name);
	rc = state_read_json(s, name, &o, err);
	if (rc)
		return rc;
	rc = plan_from_json(o, origin, p, err);
	json_object_put(o);
	return rc;
}

int txn_saved_copy_exists(const struct keel_state *s, unsigned long tx,
			  size_t i)
{
	char name[96];
	struct stat st;

	snprintf(name, sizeof name, "backup/%lu/%zu", tx, i);
	return fstatat(s->dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int txn_read_saved_copy(const struct keel_state *s, unsigned long tx,
			size_t i, size_t max, char **buf, size_t *len)
{
	struct target store = { "backup", -1 };
	char name[96];
	int rc, errnum;

	snprintf(name, sizeof name, "backup/%lu", tx);
	store.fd = openat(s->dir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (store.fd < 0)
		return -1;
	snprintf(name, sizeof name, "%zu", i);
	rc = target_read_file(&store, name, max, buf, len);
	errnum = errno;
	close(store.fd);
	errno = errnum;
	return rc;
}

int txn_mark(struct keel_state *s, const struct plan *p, const char *state,
	     struct keel_error *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "tx", json_object_new_int64((int64_t)p->tx));
	json_object_object_add(o, "state", json_object_new_string(state));
	return journal_append(&s->journal, o, err);
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
			     O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
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
	close(bdir);
	close(pfd);
	return KEEL_OK;
}

int txn_stage_restores(struct keel_state *s, const struct plan *p,
		       struct keel_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < p->n; i++)
		if (p->e[i].action == PLAN_RESTORE &&
		    (rc = stage_restore(s, &p->e[i], err)))
			return rc;
	return KEEL_OK;
}
