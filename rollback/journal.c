/* journal.c: reading and appending the journal. A record is
 * "CRC32-HEX JSON\n"; the CRC tells a torn write from a complete one. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "fileops.h"
#include "i18n.h"
#include "journal.h"
#include "state_fs.h"

/* A journal holds a few records per transaction; a larger file is not
 * one of ours. */
#define JOURNAL_MAX (64u << 20)

static int add_record(struct journal *j, struct json_object *rec)
{
	struct json_object **grown;

	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 32;
		grown = realloc(j->rec, j->cap * sizeof *grown);
		if (!grown)
			return -1;
		j->rec = grown;
	}
	j->rec[j->n++] = rec;
	return 0;
}

/* The record in line[0..len) (without its newline), or NULL if the CRC or
 * the JSON is wrong. */
static struct json_object *parse_line(const char *line, size_t len)
{
	char crc_hex[9];
	unsigned long want;
	struct json_object *o;
	char *end;

	if (len < 10 || line[8] != ' ')
		return NULL;
	memcpy(crc_hex, line, 8);
	crc_hex[8] = '\0';
	want = strtoul(crc_hex, &end, 16);
	if (*end || crc32(0, (const Bytef *)line + 9, (uInt)(len - 9)) != want)
		return NULL;
	o = json_tokener_parse(line + 9);  /* the CRC proved the NUL below */
	if (o && (!json_object_is_type(o, json_type_object) ||
		  !journal_tx(o) || !journal_str(o, "state"))) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* Whether the bytes after the last complete record are what an append
 * cut short leaves: a line without its newline (written last, it is the
 * record's end mark), or one whose pages never reached the disk (NULs). */
static int torn_tail(const char *tail, size_t len)
{
	size_t i;

	if (memchr(tail, '\n', len - 1) ||
	    (tail[len - 1] == '\n' && !memchr(tail, '\0', len)))
		return 0;
	/* An append writes the record's checksum first: a torn one begins
	 * with hex digits (or is all zeros, as some file systems leave an
	 * extent a crash did not fill). */
	for (i = 0; i < len && i < 8; i++)
		if (!isxdigit((unsigned char)tail[i]) && tail[i] != '\0')
			return 0;
	return 1;
}

static int parse_all(struct journal *j, char *buf, size_t size,
		     struct keel_error *err)
{
	size_t pos = 0, len;
	struct json_object *o;
	char *nl;

	while (pos < size) {
		nl = memchr(buf + pos, '\n', size - pos);
		len = nl ? (size_t)(nl - (buf + pos)) : size - pos;
		if (!nl || memchr(buf + pos, '\0', len)) {
			if (torn_tail(buf + pos, size - pos))
				break;  /* an interrupted append: dropped */
			o = NULL;
		} else {
			buf[pos + len] = '\0';
			o = parse_line(buf + pos, len);
		}
		if (!o)
			return keel_error_set(err, KEEL_EFAIL,
				_("the journal %s is damaged at byte %zu (a "
				  "complete record that is unreadable); keel "
				  "leaves it as it is and changes nothing on "
				  "the target until it is repaired or restored "
				  "from a backup"), j->path, pos);
		if (add_record(j, o)) {
			json_object_put(o);
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		}
		pos += len + 1;
	}
	j->length = (off_t)pos;
	return KEEL_OK;
}

static int load(struct journal *j, int writable, struct keel_error *err)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t got = 0;
	int rc;

	if (fstat(j->fd, &st))
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot read the journal %s"), j->path);
	if (st.st_size > JOURNAL_MAX)
		return keel_error_set(err, KEEL_EFAIL,
			_("the journal %s is larger than %u MiB: it is not a "
			  "keel journal"), j->path, JOURNAL_MAX >> 20);
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	while (got < (size_t)st.st_size &&
	       ((n = pread(j->fd, buf + got, (size_t)st.st_size - got,
			   (off_t)got)) > 0 || (n < 0 && errno == EINTR)))
		got += n > 0 ? (size_t)n : 0;
	/* A short read is no torn record: never cut what was not read. */
	if (got != (size_t)st.st_size) {
		free(buf);
		return keel_error_errno(err, KEEL_EFAIL, n < 0 ? errno : EIO,
			_("cannot read the journal %s"), j->path);
	}
	rc = parse_all(j, buf, got, err);
	free(buf);
	if (rc == KEEL_OK && writable && j->length < st.st_size &&
	    ftruncate(j->fd, j->length))
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot cut the torn last record off the journal %s"),
			j->path);
	return rc;
}

int journal_open(int dirfd, const char *path, int writable, int create,
		 struct journal *j, struct keel_error *err)
{
	int flags = writable ? O_RDWR | O_APPEND : O_RDONLY;

	memset(j, 0, sizeof *j);
	j->path = path;
	j->fd = state_fs_open_file(dirfd, "journal",
				   flags | (create ? O_CREAT : 0), 0600);
	if (j->fd < 0) {
		if (errno == ENOENT && !create)
			return KEEL_OK;
		if (state_fs_why(errno))
			return keel_error_set(err, KEEL_EFAIL,
				_("the journal %s %s: keel keeps its journal "
				  "only in a file of its own; keel changes "
				  "nothing until it is restored from a backup"),
				path, state_fs_why(errno));
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot open the journal %s"), path);
	}
	return load(j, writable, err);
}

static void stamp(struct json_object *rec)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_object_add(rec, "time", json_object_new_string(when));
}

static int write_record(struct journal *j, const char *json,
			struct keel_error *err)
{
	size_t len = strlen(json);
	char *line = malloc(len + 11);
	int rc = KEEL_OK;

	if (!line)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	snprintf(line, len + 11, "%08lx %s\n",
		 crc32(0, (const Bytef *)json, (uInt)len), json);
	if (fileops_write_all(j->fd, line, len + 10) || fsync(j->fd)) {
		rc = keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot write to the journal %s"), j->path);
		/* Best effort: a torn record is cut at the next open anyway. */
		if (ftruncate(j->fd, j->length) == 0)
			(void)fsync(j->fd);
	} else {
		j->length += (off_t)(len + 10);
	}
	free(line);
	return rc;
}

int journal_append(struct journal *j, struct json_object *rec,
		   struct keel_error *err)
{
	int rc;

	stamp(rec);
	rc = write_record(j, json_object_to_json_string_ext(rec,
				JSON_C_TO_STRING_PLAIN |
				JSON_C_TO_STRING_NOSLASHESCAPE), err);
	if (rc == KEEL_OK && add_record(j, rec))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (rc)
		json_object_put(rec);
	return rc;
}

void journal_close(struct journal *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		json_object_put(j->rec[i]);
	free(j->rec);
	if (j->fd >= 0)
		close(j->fd);
	memset(j, 0, sizeof *j);
	j->fd = -1;
}

unsigned long journal_tx(const struct json_object *rec)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, "tx", &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return (unsigned long)json_object_get_int64(v);
}

const char *journal_str(const struct json_object *rec, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(rec, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
