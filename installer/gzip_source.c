/* gzip_source.c: inflates the one gzip member of a pack with zlib, and
 * proves at the end that only tar padding and nothing else follows. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "gzip_source.h"
#include "i18n.h"
#include "limits.h"

#define CHUNK (64u << 10)
/* The tar end-of-archive marker: two zero blocks of 512 bytes. */
#define TAR_END_MARKER 1024u

struct gzip_source {
	int fd;
	const char *name;
	z_stream zs;
	int input_eof;             /* read() returned 0 */
	int member_end;            /* zlib reported the end of the member */
	uint64_t offset;           /* inflated bytes handed out */
	uint64_t nonzero_end;      /* offset just past the last non-zero byte */
	struct keel_error err;
	unsigned char in[CHUNK];
	unsigned char out[CHUNK];
};

static int fill_input(struct gzip_source *s)
{
	ssize_t n;

	do
		n = read(s->fd, s->in, sizeof s->in);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return keel_error_errno(&s->err, KEEL_EFAIL, errno,
					_("cannot read %s"), s->name);
	if (n == 0)
		s->input_eof = 1;
	s->zs.next_in = s->in;
	s->zs.avail_in = (uInt)n;
	return KEEL_OK;
}

int gzip_source_open(int fd, const char *name, struct gzip_source **out,
		     struct keel_error *err)
{
	struct gzip_source *s = calloc(1, sizeof *s);

	*out = NULL;
	if (!s)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	s->fd = fd;
	s->name = name;
	if (fill_input(s) != KEEL_OK) {
		*err = s->err;
		free(s);
		return err->code;
	}
	if (s->zs.avail_in == 0) {
		free(s);
		return keel_error_set(err, KEEL_EPACK,
			_("%s is empty: this is not a keel service pack"), name);
	}
	/* 1f 8b is the gzip magic; a single byte cannot be a pack either. */
	if (s->zs.avail_in < 2 || s->in[0] != 0x1f || s->in[1] != 0x8b) {
		free(s);
		return keel_error_set(err, KEEL_EPACK,
			_("%s is not a keel service pack (it is not "
			  "gzip-compressed)"), name);
	}
	/* 16 + MAX_WBITS: gzip wrapper only, so CRC-32 and length are checked. */
	if (inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK) {
		free(s);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	*out = s;
	return KEEL_OK;
}

/* Remembers where the last non-zero byte of this block is, so that
 * gzip_source_finish can tell tar padding from hidden data. */
static void note_nonzero(struct gzip_source *s, size_t len)
{
	size_t i = len;

	while (i > 0 && s->out[i - 1] == 0)
		i--;
	if (i > 0)
		s->nonzero_end = s->offset + i;
}

static int inflate_step(struct gzip_source *s)
{
	int r;

	if (s->zs.avail_in == 0 && !s->input_eof && fill_input(s) != KEEL_OK)
		return -1;
	r = inflate(&s->zs, Z_NO_FLUSH);
	if (r == Z_STREAM_END) {
		s->member_end = 1;
		return 0;
	}
	if (r == Z_OK)
		return 0;
	if (r == Z_BUF_ERROR && s->zs.avail_in == 0 && !s->input_eof)
		return 0;  /* needs more input, which the next step reads */
	if (r == Z_BUF_ERROR) {
		keel_error_set(&s->err, KEEL_EPACK,
			_("%s is truncated: the compressed data ends early. "
			  "Copy or download the pack again."), s->name);
		return -1;
	}
	if (r == Z_MEM_ERROR)
		keel_error_set(&s->err, KEEL_EFAIL, _("out of memory"));
	else
		keel_error_set(&s->err, KEEL_EPACK,
			_("%s is damaged: its compressed data is corrupt (%s). "
			  "Obtain the pack again from your vendor."), s->name,
			s->zs.msg ? s->zs.msg : "zlib");
	return -1;
}

ssize_t gzip_source_read(struct gzip_source *s, const void **buf)
{
	size_t len;

	if (s->err.code)
		return -1;
	s->zs.next_out = s->out;
	s->zs.avail_out = sizeof s->out;
	while (!s->member_end && s->zs.avail_out == sizeof s->out)
		if (inflate_step(s) < 0)
			return -1;
	len = sizeof s->out - s->zs.avail_out;
	note_nonzero(s, len);
	s->offset += len;
	*buf = s->out;
	return (ssize_t)len;
}

uint64_t gzip_source_offset(const struct gzip_source *s)
{
	return s->offset;
}

/* Anything in the file after the member: a second member, or garbage. */
static int check_no_trailing_bytes(struct gzip_source *s)
{
	if (s->zs.avail_in == 0 && !s->input_eof && fill_input(s) != KEEL_OK)
		return s->err.code;
	if (s->zs.avail_in == 0)
		return KEEL_OK;
	return keel_error_set(&s->err, KEEL_EPACK,
		_("%s has trailing data after the end of the pack: it was "
		  "altered or concatenated with another file"), s->name);
}

int gzip_source_finish(struct gzip_source *s, uint64_t archive_end,
		       struct keel_error *err)
{
	/* The marker itself does not count as padding. */
	uint64_t limit = archive_end + TAR_END_MARKER + KEEL_TAIL_PADDING_MAX;
	const void *buf;
	ssize_t n;

	do
		n = gzip_source_read(s, &buf);
	while (n > 0 && s->offset <= limit);
	if (n >= 0 && s->offset > limit)
		keel_error_set(&s->err, KEEL_EPACK,
			_("%s has more than %u bytes of padding after its last "
			  "entry: this is not a pack keel-pack wrote"), s->name,
			KEEL_TAIL_PADDING_MAX);
	else if (n >= 0 && s->nonzero_end > archive_end)
		keel_error_set(&s->err, KEEL_EPACK,
			_("%s has hidden data after the end of its archive: it "
			  "was altered after it was built"), s->name);
	else if (n >= 0)
		check_no_trailing_bytes(s);
	if (s->err.code) {
		*err = s->err;
		return err->code;
	}
	return KEEL_OK;
}

const struct keel_error *gzip_source_error(const struct gzip_source *s)
{
	return &s->err;
}

void gzip_source_close(struct gzip_source *s)
{
	if (!s)
		return;
	inflateEnd(&s->zs);
	free(s);
}
