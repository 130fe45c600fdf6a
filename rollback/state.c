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
#include "state_check.h"
#include "state_fs.h"

static const char *const AREA_NAMES[STATE_AREAS] = { "tx", "backup",
						     "installed" };

/* A state file keel reads is small; a larger one is not keel's. */
#define STATE_JSON_MAX (64u << 20)

int state_refuse(const struct keel_state *s, const char *rel, int errnum,
		 struct keel_error *err)
{
	const char *why = state_fs_why(errnum);
	char where[PATH_MAX + 64];

	snprintf(where, sizeof where, "%s%s%s", s->path,
		 strcmp(rel, ".") ? "/" : "", strcmp(rel, ".") ? rel : "");
	if (!why)
		return keel_error_errno(err, KEEL_EFAIL, errnum,
					_("cannot open %s"), where);
	return keel_error_set(err, KEEL_EFAIL,
		_("%s %s, and keel keeps only its own real files and "
		  "directories there: keel changes nothing on %s. If nobody "
		  "meant it, the image may have been tampered with; inspect "
		  "it, then put back keel's state from a backup or move %s "
		  "aside (keel then knows nothing of its earlier levels)"),
		where, why, s->target.root, s->path);
}

const char *state_area_name(enum state_area area)
{
	return AREA_NAMES[area];
}

const char *state_area_path(const struct keel_state *s, enum state_area area,
			    const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s/%s", s->path, AREA_NAMES[area], name);
	return buf;
}

/* Opens (with create: makes) every area; a crash while the first apply
 * made the state directory can leave some missing. */
static int open_areas(struct keel_state *s, int create, struct keel_error *err)
{
	struct stat st;
	size_t i;

	if (fstat(s->dir, &st))
		return state_refuse(s, ".", errno, err);
	for (i = 0; i < STATE_AREAS; i++) {
		if (s->area[i] >= 0)
			continue;
		s->area[i] = state_fs_open_dir(s->dir, AREA_NAMES[i], create,
					       st.st_dev);
		if (s->area[i] < 0 && !(errno == ENOENT && !create))
			return state_refuse(s, AREA_NAMES[i], errno, err);
	}
	return KEEL_OK;
}

/* var/lib inside the root (symlinks there resolve inside the root, as
 * the system itself would see them), made when create is set. */
static int open_var_lib(struct keel_state *s, int create)
{
	int fd;

	if (!create)
		return target_open_dir(&s->target, "var/lib");
	fd = target_open_dir(&s->target, "");
	if (fd < 0 || ((mkdirat(fd, "var", 0755) && errno != EEXIST)))
		goto fail;
	close(fd);
	fd = target_open_dir(&s->target, "var");
	if (fd < 0 || ((mkdirat(fd, "lib", 0755) && errno != EEXIST)))
		goto fail;
	close(fd);
	return target_open_dir(&s->target, "var/lib");
fail:
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/* The state directory itself: a real directory, never a symlink. */
static int open_state_dir(struct keel_state *s, int create,
			  struct keel_error *err)
{
	int lib = open_var_lib(s, create), e;

	if (lib < 0) {
		if (errno == ENOENT && !create)
			return KEEL_OK;
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open keel's state directory %s"), s->path);
	}
	if (create && mkdirat(lib, "keel", 0755) && errno != EEXIST) {
		e = errno;
		close(lib);
		return keel_error_errno(err, KEEL_EFAIL, e,
			_("cannot create keel's state directory %s"), s->path);
	}
	s->dir = state_fs_open_dir(lib, "keel", 0, 0);
	e = errno;
	close(lib);
	if (s->dir < 0 && !(e == ENOENT && !create))
		return state_refuse(s, ".", e, err);
	return KEEL_OK;
}

static int open_lock_file(struct keel_state *s, int writable)
{
	s->lock = state_fs_open_file(s->dir, "lock",
				     writable ? O_RDWR | O_CREAT : O_RDONLY,
				     0600);
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
	int rc = open_state_dir(s, 0, err);

	if (rc || s->dir < 0)
		return rc;
	s->writable = faccessat(s->dir, ".", W_OK, AT_EACCESS) == 0 &&
		      open_lock_file(s, 1) >= 0;
	if (!s->writable && open_lock_file(s, 0) < 0 && errno != ENOENT)
		return state_refuse(s, "lock", errno, err);
	return KEEL_OK;
}

void state_init(struct keel_state *s)
{
	size_t i;

	memset(s, 0, sizeof *s);
	s->dir = s->lock = s->journal.fd = s->target.fd = -1;
	for (i = 0; i < STATE_AREAS; i++)
		s->area[i] = -1;
}

/* The journal, then whether the rest of the state agrees with it. */
static int load_journal(struct keel_state *s, struct keel_error *err)
{
	int rc = journal_open(s->dir, s->journal_path, s->writable,
			      s->writable, &s->journal, err);

	if (!rc)
		rc = state_check_records(s, err);
	return rc;
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
	if (!rc && s->dir >= 0)
		rc = open_areas(s, s->writable, err);
	if (!rc && s->dir >= 0)
		rc = load_journal(s, err);
	return rc;
}

int state_create(struct keel_state *s, int wait, struct keel_error *err)
{
	int rc;

	if (s->dir >= 0)
		return KEEL_OK;
	s->writable = 1;
	rc = open_state_dir(s, 1, err);
	if (!rc && open_lock_file(s, 1) < 0)
		rc = state_refuse(s, "lock", errno, err);
	if (!rc)
		rc = take_lock(s, wait, err);
	if (!rc)
		rc = open_areas(s, 1, err);
	if (!rc)
		rc = load_journal(s, err);
	/* Another keel may have made it first and installed meanwhile. */
	if (!rc && s->journal.n > 0)
		rc = keel_error_set(err, KEEL_EBUSY,
			_("another keel changed %s meanwhile; run the command "
			  "again"), s->target.root);
	return rc;
}

void state_close(struct keel_state *s)
{
	size_t i;

	journal_close(&s->journal);
	for (i = 0; i < STATE_AREAS; i++) {
		if (s->area[i] >= 0)
			close(s->area[i]);
		s->area[i] = -1;
	}
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

	/* state_check_records made sure nothing on disk is numbered
	 * higher than the journal knows. */
	for (i = 0; i < s->journal.n; i++)
		if ((tx = journal_tx(s->journal.rec[i])) > max)
			max = tx;
	return max + 1;
}

int state_write_file(struct keel_state *s, enum state_area area,
		     const char *name, const void *data, size_t len,
		     struct keel_error *err)
{
	char path[PATH_MAX + 64];

	if (s->area[area] >= 0 &&
	    state_fs_create(s->area[area], name, data, len) == 0)
		return KEEL_OK;
	state_area_path(s, area, name, path, sizeof path);
	if (errno == EEXIST)
		return keel_error_set(err, KEEL_EFAIL,
			_("%s exists already, but keel writes each of its "
			  "records once: keel's state does not agree with its "
			  "journal %s; keel changes nothing (see \"keel "
			  "status\")"), path, s->journal_path);
	return keel_error_errno(err, KEEL_EFAIL, errno, _("cannot write %s"),
				path);
}

int state_read_json(const struct keel_state *s, enum state_area area,
		    const char *name, struct json_object **out,
		    struct keel_error *err)
{
	char path[PATH_MAX + 64];
	struct stat st;
	int fd = s->area[area] >= 0 ?
		 state_fs_open_file(s->area[area], name, O_RDONLY, 0) : -1;

	state_area_path(s, area, name, path, sizeof path);
	*out = NULL;
	if (fd < 0 && state_fs_why(errno))
		return keel_error_set(err, KEEL_EFAIL,
			_("%s %s: keel reads only its own files there; keel "
			  "changes nothing"), path, state_fs_why(errno));
	if (fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot read %s"), path);
	if (fstat(fd, &st) == 0 && st.st_size <= STATE_JSON_MAX)
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

int state_backup_dir(const struct keel_state *s, unsigned long tx, int create)
{
	struct stat st;
	char name[32];

	if (s->area[STATE_BACKUP] < 0 || fstat(s->area[STATE_BACKUP], &st)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(name, sizeof name, "%lu", tx);
	/* Made anew: a store that exists is another transaction's. */
	if (create && mkdirat(s->area[STATE_BACKUP], name, 0700))
		return -1;
	return state_fs_open_dir(s->area[STATE_BACKUP], name, 0, st.st_dev);
}
