/* state.c: opening and locking the state directory, atomic writes of the
 * small files kept there, and the per-transaction backup directories. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops.h"
#include "i18n.h"
#include "state.h"

static const char *const SUBDIRS[] = { "tx", "backup", "installed" };

/* A crash while the first apply made the state directory can leave it
 * without some of these: every writer makes sure they are there. */
static int make_subdirs(struct keel_state *s, struct keel_error *err)
{
	size_t i;

	for (i = 0; i < sizeof SUBDIRS / sizeof SUBDIRS[0]; i++)
		if (mkdirat(s->dir, SUBDIRS[i], 0700) && errno != EEXIST)
			return keel_error_errno(err, KEEL_EFAIL, errno,
				_("cannot create keel's state directory %s"),
				s->path);
	return KEEL_OK;
}

/* mkdir -p of STATE_DIR and its subdirectories inside the root. */
static int make_state_dir(struct keel_state *s, struct keel_error *err)
{
	static const char *const parts[] = { "var", "var/lib", STATE_DIR };
	size_t i;
	int fd;

	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		fd = target_open_dir(&s->target, i ? parts[i - 1] : "");
		if (fd < 0 || (mkdirat(fd, strrchr(parts[i], '/') ?
				       strrchr(parts[i], '/') + 1 : parts[i],
				       0755) && errno != EEXIST)) {
			if (fd >= 0)
				close(fd);
			return keel_error_errno(err, KEEL_EFAIL, errno,
				_("cannot create keel's state directory %s"),
				s->path);
		}
		close(fd);
	}
	s->dir = target_open_dir(&s->target, STATE_DIR);
	if (s->dir < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot create keel's state directory %s"), s->path);
	return make_subdirs(s, err);
}

static int open_lock_file(struct keel_state *s, int writable)
{
	s->lock = openat(s->dir, "lock", (writable ? O_RDWR | O_CREAT : O_RDONLY) |
			 O_CLOEXEC | O_NOFOLLOW, 0600);
	return s->lock;
}

static int take_lock(struct keel_state *s, int wait, struct keel_error *err)
{
	int how = s->writable ? LOCK_EX : LOCK_SH;

	if (flock(s->lock, how | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK)
			return keel_error_errno(err, KEEL_EFAIL, errno,
				_("cannot lock %s/lock"), s->path);
		if (!wait)
			return keel_error_set(err, KEEL_EBUSY,
				_("another keel is changing %s; try again when "
				  "it has finished (or leave out --no-wait to "
				  "wait for it)"), s->target.root);
		fprintf(stderr, _("keel: another keel is changing %s; waiting "
				  "for it to finish...\n"), s->target.root);
		if (flock(s->lock, how) != 0)
			return keel_error_errno(err, KEEL_EFAIL, errno,
				_("cannot lock %s/lock"), s->path);
	}
	return KEEL_OK;
}

/* STATE_READ: an existing state directory, writable when the target is,
 * so an interrupted transaction can still be finished; else read-only. */
static int open_existing(struct keel_state *s, struct keel_error *err)
{
	s->dir = target_open_dir(&s->target, STATE_DIR);
	if (s->dir < 0) {
		if (errno == ENOENT)
			return KEEL_OK;
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open keel's state directory %s"), s->path);
	}
	s->writable = faccessat(s->dir, ".", W_OK, AT_EACCESS) == 0 &&
		      open_lock_file(s, 1) >= 0;
	if (!s->writable && open_lock_file(s, 0) < 0 && errno != ENOENT)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open %s/lock"), s->path);
	return KEEL_OK;
}

void state_init(struct keel_state *s)
{
	memset(s, 0, sizeof *s);
	s->dir = s->lock = s->journal.fd = s->target.fd = -1;
}

int state_open(const char *root, enum state_access access, int wait,
	       struct keel_state *s, struct keel_error *err)
{
	int rc;

	state_init(s);
	snprintf(s->path, sizeof s->path, "%s/%s",
		 strcmp(root, "/") ? root : "", STATE_DIR);
	snprintf(s->journal_path, sizeof s->journal_path, "%s/journal", s->path);
	rc = target_open(root, &s->target, err);
	if (!rc)
		rc = open_existing(s, err);
	if (!rc && access == STATE_WRITE && s->dir >= 0 && !s->writable)
		rc = keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot write keel's state directory %s"), s->path);
	if (!rc && s->lock >= 0)
		rc = take_lock(s, wait, err);
	if (!rc && s->dir >= 0 && s->writable)
		rc = make_subdirs(s, err);
	if (!rc && s->dir >= 0)
		rc = journal_open(s->dir, s->journal_path, s->writable,
				  s->writable, &s->journal, err);
	return rc;
}

int state_create(struct keel_state *s, int wait, struct keel_error *err)
{
	int rc;

	if (s->dir >= 0)
		return KEEL_OK;
	s->writable = 1;
	rc = make_state_dir(s, err);
	if (!rc && open_lock_file(s, 1) < 0)
		rc = keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open %s/lock"), s->path);
	if (!rc)
		rc = take_lock(s, wait, err);
	if (!rc)
		rc = journal_open(s->dir, s->journal_path, 1, 1, &s->journal, err);
	/* Another keel may have made it first and installed meanwhile. */
	if (!rc && s->journal.n > 0)
		rc = keel_error_set(err, KEEL_EBUSY,
			_("another keel changed %s meanwhile; run the command "
			  "again"), s->target.root);
	return rc;
}

void state_close(struct keel_state *s)
{
	journal_close(&s->journal);
	if (s->lock >= 0)
		close(s->lock);  /* releases the flock */
	if (s->dir >= 0)
		close(s->dir);
	target_close(&s->target);
	s->lock = s->dir = -1;
}

unsigned long state_next_tx(const struct keel_state *s)
{
	unsigned long max = 0, tx;
	size_t i;

	for (i = 0; i < s->journal.n; i++)
		if ((tx = journal_tx(s->journal.rec[i])) > max)
			max = tx;
	return max + 1;
}

int state_write_file(struct keel_state *s, const char *name,
		     const void *data, size_t len, struct keel_error *err)
{
	char tmp[PATH_MAX];
	const char *slash = strrchr(name, '/');
	int fd, e;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", name) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	fd = openat(s->dir, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	if (fileops_write_all(fd, data, len) || fsync(fd)) {
		e = errno;
		close(fd);
		errno = e;
		goto fail;
	}
	close(fd);
	if (renameat(s->dir, tmp, s->dir, name) == 0) {
		char dir[PATH_MAX];

		snprintf(dir, sizeof dir, "%.*s",
			 slash ? (int)(slash - name) : 0, name);
		if (fileops_sync_dir(s->dir, dir) == 0)
			return KEEL_OK;
	}
fail:
	return keel_error_errno(err, KEEL_EFAIL, errno,
				_("cannot write %s/%s"), s->path, name);
}

int state_read_json(const struct keel_state *s, const char *name,
		    struct json_object **out, struct keel_error *err)
{
	char path[PATH_MAX];
	int fd = openat(s->dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (snprintf(path, sizeof path, "%s/%s", s->path, name) >= (int)sizeof path)
		path[sizeof path - 1] = '\0';  /* a message only */
	*out = NULL;
	if (fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot read %s"), path);
	*out = json_object_from_fd(fd);
	close(fd);
	if (!*out || !json_object_is_type(*out, json_type_object)) {
		json_object_put(*out);
		*out = NULL;
		return keel_error_set(err, KEEL_EFAIL,
			_("%s is damaged: it is not a JSON object"), path);
	}
	return KEEL_OK;
}

int state_backup_dir(struct keel_state *s, unsigned long tx, int create)
{
	char name[64];

	snprintf(name, sizeof name, "backup/%lu", tx);
	if (create && mkdirat(s->dir, name, 0700) && errno != EEXIST)
		return -1;
	return openat(s->dir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}
