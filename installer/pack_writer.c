/* pack_writer.c: writes a .ksp with libarchive so that the bytes depend
 * only on the entries: pax tar, fixed owner and time, no gzip time stamp. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "i18n.h"
#include "pack_writer.h"

#define CHUNK (64u << 10)

struct pack_writer {
	struct archive *a;
	int fd;
	char *out;
	char *tmp;
	long long mtime;
};

static int archive_failure(struct pack_writer *pw, struct keel_error *err)
{
	return keel_error_set(err, KEEL_EFAIL, _("cannot write %s (%s)"),
			      pw->tmp, archive_error_string(pw->a) ?
			      archive_error_string(pw->a) : "?");
}

/* pax_restricted writes plain ustar headers unless an entry needs more (a
 * long path), never atime or ctime, and names its extended headers
 * DIR/PaxHeader/NAME without a process id. With gzip's time stamp off
 * ("gzip:!timestamp") the output is a function of the entries alone.
 * One byte per last block: libarchive would otherwise pad the compressed
 * stream with zeros when fd is 1 or a FIFO, and a pack has nothing after
 * its gzip member. */
static int start_archive(struct pack_writer *pw, struct keel_error *err)
{
	pw->a = archive_write_new();
	if (!pw->a)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (archive_write_set_format_pax_restricted(pw->a) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(pw->a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(pw->a, "gzip", "timestamp", NULL) !=
		    ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(pw->a, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(pw->a, pw->fd) != ARCHIVE_OK)
		return archive_failure(pw, err);
	return KEEL_OK;
}

/* O_EXCL: a leftover OUT.tmp may be another keel-pack's work in progress,
 * so it is never removed or reused, only reported. */
static int create_tmp(struct pack_writer *pw, struct keel_error *err)
{
	pw->fd = open(pw->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (pw->fd >= 0)
		return KEEL_OK;
	if (errno == EEXIST)
		return keel_error_set(err, KEEL_EFAIL,
			_("%s already exists: another keel-pack is writing it, or "
			  "one was interrupted. Remove it and build the pack "
			  "again."), pw->tmp);
	return keel_error_errno(err, KEEL_EFAIL, errno, _("cannot create %s"),
				pw->tmp);
}

int pack_writer_open(const char *out_path, long long mtime,
		     struct pack_writer **out, struct keel_error *err)
{
	struct pack_writer *pw = calloc(1, sizeof *pw);
	size_t n = strlen(out_path) + sizeof ".tmp";
	int rc;

	*out = NULL;
	if (!pw)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	pw->fd = -1;
	pw->mtime = mtime;
	pw->out = strdup(out_path);
	pw->tmp = malloc(n);
	if (!pw->out || !pw->tmp) {
		pack_writer_abort(pw);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	snprintf(pw->tmp, n, "%s.tmp", out_path);
	rc = create_tmp(pw, err);
	if (rc) {
		free(pw->tmp);
		pw->tmp = NULL;  /* not ours: abort must not remove it */
		pack_writer_abort(pw);
		return rc;
	}
	rc = start_archive(pw, err);
	if (rc) {
		pack_writer_abort(pw);
		return rc;
	}
	*out = pw;
	return KEEL_OK;
}

/* Only what a pack needs: no atime, ctime or birth time, so that
 * pax_restricted has nothing to put in an extended header but a path. */
static int write_header(struct pack_writer *pw, const char *name,
			uint64_t size, unsigned mode, struct keel_error *err)
{
	struct archive_entry *e = archive_entry_new();
	int r;

	if (!e)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, mode & 0777);
	archive_entry_set_size(e, (la_int64_t)size);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_uname(e, "root");
	archive_entry_set_gname(e, "root");
	archive_entry_set_mtime(e, (time_t)pw->mtime, 0);
	r = archive_write_header(pw->a, e);
	archive_entry_free(e);
	return r == ARCHIVE_OK ? KEEL_OK : archive_failure(pw, err);
}

static int write_data(struct pack_writer *pw, const void *buf, size_t len,
		      struct keel_error *err)
{
	const char *p = buf;
	la_ssize_t n;

	while (len > 0) {
		n = archive_write_data(pw->a, p, len);
		if (n <= 0)
			return archive_failure(pw, err);
		p += n;
		len -= (size_t)n;
	}
	return KEEL_OK;
}

int pack_writer_add_buffer(struct pack_writer *pw, const char *name,
			   const void *buf, size_t len, unsigned mode,
			   struct keel_error *err)
{
	int rc = write_header(pw, name, len, mode, err);

	return rc ? rc : write_data(pw, buf, len, err);
}

static int changed(const char *src_path, struct keel_error *err)
{
	return keel_error_set(err, KEEL_EFAIL,
		_("%s changed while the pack was being built; build it again "
		  "when nothing writes to it"), src_path);
}

/* Copies exactly expected bytes; a file that grew or shrank since it was
 * hashed would give a pack whose digest does not match its manifest. */
static int copy_file(struct pack_writer *pw, int fd, const char *src_path,
		     uint64_t expected, struct keel_error *err)
{
	char *buf = malloc(CHUNK);
	uint64_t total = 0;
	ssize_t n;
	int rc = KEEL_OK;

	if (!buf)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	while (!rc && (n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = keel_error_errno(err, KEEL_EFAIL, errno,
					      _("cannot read %s"), src_path);
		else if ((total += (uint64_t)n) > expected)
			break;
		else
			rc = write_data(pw, buf, (size_t)n, err);
	}
	free(buf);
	if (!rc && total != expected)
		rc = changed(src_path, err);
	return rc;
}

int pack_writer_add_file(struct pack_writer *pw, const char *name,
			 const char *src_path, uint64_t expected_size,
			 unsigned mode, struct keel_error *err)
{
	struct stat st;
	int fd = open(src_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int rc;

	if (fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot open %s"), src_path);
	if (fstat(fd, &st) != 0)
		rc = keel_error_errno(err, KEEL_EFAIL, errno,
				      _("cannot read %s"), src_path);
	else if (!S_ISREG(st.st_mode))
		rc = keel_error_set(err, KEEL_EFAIL,
			_("%s is not a regular file; a pack holds only regular "
			  "files"), src_path);
	else if ((uint64_t)st.st_size != expected_size)
		rc = changed(src_path, err);
	else
		rc = write_header(pw, name, expected_size, mode, err);
	if (!rc)
		rc = copy_file(pw, fd, src_path, expected_size, err);
	close(fd);
	return rc;
}

/* fsync of the directory makes the rename itself durable. */
static int sync_parent(const char *path, struct keel_error *err)
{
	char *copy = strdup(path);
	int fd, rc = KEEL_OK;

	if (!copy)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0)
		rc = keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot flush the directory of %s to disk"), path);
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

/* The end marker and the gzip trailer, then the bytes on disk before the
 * name: a crash leaves either no OUT or a complete one. */
static int finish_tmp(struct pack_writer *pw, struct keel_error *err)
{
	int fd = pw->fd;

	if (archive_write_close(pw->a) != ARCHIVE_OK)
		return archive_failure(pw, err);
	if (fsync(fd) != 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot write %s"), pw->tmp);
	pw->fd = -1;
	if (close(fd) != 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot write %s"), pw->tmp);
	if (rename(pw->tmp, pw->out) != 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot rename %s to %s"), pw->tmp,
					pw->out);
	free(pw->tmp);
	pw->tmp = NULL;  /* renamed: nothing left to remove */
	return KEEL_OK;
}

int pack_writer_close(struct pack_writer *pw, struct keel_error *err)
{
	int rc = finish_tmp(pw, err);

	if (!rc)
		rc = sync_parent(pw->out, err);
	pack_writer_abort(pw);
	return rc;
}

void pack_writer_abort(struct pack_writer *pw)
{
	if (!pw)
		return;
	if (pw->a)
		archive_write_free(pw->a);
	if (pw->fd >= 0)
		close(pw->fd);
	if (pw->tmp)
		unlink(pw->tmp);
	free(pw->tmp);
	free(pw->out);
	free(pw);
}
