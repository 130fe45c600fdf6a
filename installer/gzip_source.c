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
#include "pack_limits.h"

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
	uint64_t limit;            /* refuse to hand out more than this */
	uint64_t nonzero_end;      /* offset just past the last non-zero byte */
	struct keel_error err;
	unsigned char in[CHUNK];
	unsigned char out[CHUNK];
};

/* Reads more of the file behind what zlib has not consumed yet; at least
 * want bytes unless the file ends first (a pipe may deliver fewer). */
static int fill_input(struct gzip_source *s, size_t want)
{
	size_t have = s->zs.avail_in;
	ssize_t n;

	if (have > 0 && s->zs.next_in != s->in)
		memmove(s->in, s->zs.next_in, have);
	s->zs.next_in = s->in;
	while (!s->input_eof && have < want) {
		n = read(s->fd, s->in + have, sizeof s->in - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return keel_error_errno(&s->err, KEEL_EFAIL, errno,
						_("cannot read %s"), s->name);
		if (n == 0)
			s->input_eof = 1;
		have += (size_t)n;
	}
	s->zs.avail_in = (uInt)have;
	return KEEL_OK;
}

/* 1f 8b is the gzip magic: anything else is not a pack, and is refused
 * before zlib can call it "damaged". */
static int check_magic(struct gzip_source *s, struct keel_error *err)
{
	if (fill_input(s, 2) != KEEL_OK) {
		*err = s->err;
		return err->code;
	}
	if (s->zs.avail_in == 0)
		return keel_error_set(err, KEEL_EPACK,
			_("%s is empty: this is not a keel service pack"), s->name);
	if (s->zs.avail_in < 2 || s->in[0] != 0x1f || s->in[1] != 0x8b)
		return keel_error_set(err, KEEL_EPACK,
			_("%s is not a keel service pack: it is not "
			  "gzip-compressed"), s->name);
	return KEEL_OK;
}

int gzip_source_open(int fd, const char *name, struct gzip_source **out,
		     struct keel_error *err)
{
	struct gzip_source *s = calloc(1, sizeof *s);
	int rc;

	*out = NULL;
	if (!s)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	s->fd = fd;
	s->name = name;
	s->limit = GZIP_SOURCE_INFLATE_MAX;
	rc = check_magic(s, err);
	/* 16 + MAX_WBITS: the gzip wrapper only (no zlib, no raw deflate), so
	 * zlib checks the header, the CRC-32 and the length. */
	if (!rc && inflateInit2(&s->zs, 16 + MAX_WBITS) != Z_OK)
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return KEEL_OK;
}

void gzip_source_set_limit(struct gzip_source *s, uint64_t max)
{
	if (max < s->limit)
		s->limit = max;
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

static int inflate_failed(struct gzip_source *s, int r)
{
	if (r == Z_MEM_ERROR)
		return keel_error_set(&s->err, KEEL_EFAIL, _("out of memory"));
	/* Z_BUF_ERROR with all input consumed: the file ended inside the
	 * member. Z_DATA_ERROR: bad header, bad deflate data, bad CRC-32 or
	 * length; zlib's msg says which. */
	if (r == Z_BUF_ERROR)
		return keel_error_set(&s->err, KEEL_EPACK,
			_("%s is truncated: the compressed data ends early. Copy "
			  "or download the pack again."), s->name);
	return keel_error_set(&s->err, KEEL_EPACK,
		_("%s is damaged: the compressed data is corrupt (%s). Obtain "
		  "the pack again from your vendor."), s->name,
		s->zs.msg ? s->zs.msg : "zlib");
}

static int inflate_step(struct gzip_source *s)
{
	int r;

	if (s->zs.avail_in == 0 && !s->input_eof &&
	    fill_input(s, 1) != KEEL_OK)
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
	inflate_failed(s, r);
	return -1;
}

/* A bomb is refused at the cap: zlib is never asked for more than one
 * byte past it. */
static size_t room(const struct gzip_source *s)
{
	uint64_t left = s->limit - s->offset;

	return left < CHUNK ? (size_t)left + 1 : CHUNK;
}

ssize_t gzip_source_read(struct gzip_source *s, const void **buf)
{
	size_t want, len;

	if (s->err.code)
		return -1;
	want = room(s);
	s->zs.next_out = s->out;
	s->zs.avail_out = (uInt)want;
	while (!s->member_end && s->zs.avail_out == want)
		if (inflate_step(s) < 0)
			return -1;
	len = want - s->zs.avail_out;
	if (len > s->limit - s->offset) {
		keel_error_set(&s->err, KEEL_EPACK,
			_("%s inflates to more than %llu bytes, more than a keel "
			  "pack can hold: it is damaged or was made to exhaust "
			  "resources. Do not install it."), s->name,
			(unsigned long long)s->limit);
		return -1;
	}
	note_nonzero(s, len);
	s->offset += len;
	*buf = s->out;
	return (ssize_t)len;
}

uint64_t gzip_source_offset(const struct gzip_source *s)
{
	return s->offset;
}

/* Anything in the file after the member: a second member, or garbage
 * (zeros included: gzip tolerates them, a pack does not). */
static int check_no_trailing_bytes(struct gzip_source *s)
{
	if (s->zs.avail_in == 0 && fill_input(s, 1) != KEEL_OK)
		return s->err.code;
	if (s->zs.avail_in == 0)
		return KEEL_OK;
	return keel_error_set(&s->err, KEEL_EPACK,
		_("%s has trailing data after the end of the pack: it was "
		  "altered or concatenated with another file. Obtain it again "
		  "from your vendor."), s->name);
}

/* The inflated tail, read to the end of the member: the marker complete,
 * nothing but zeros from archive_end on, and not too many of them. */
static int check_tail(struct gzip_source *s, uint64_t archive_end)
{
	uint64_t limit = archive_end + TAR_END_MARKER + KEEL_TAIL_PADDING_MAX;
	const void *buf;
	ssize_t n;

	do
		n = gzip_source_read(s, &buf);
	while (n > 0 && s->offset <= limit);
	if (n < 0)
		return s->err.code;
	if (s->offset > limit)
		return keel_error_set(&s->err, KEEL_EPACK,
			_("%s has more than %u bytes of padding after the end of "
			  "its archive: this is not a pack keel-pack wrote"),
			s->name, KEEL_TAIL_PADDING_MAX);
	if (s->nonzero_end > archive_end)
		return keel_error_set(&s->err, KEEL_EPACK,
			_("%s has hidden data after the end of its archive: it "
			  "was altered after it was built. Do not install it."),
			s->name);
	if (s->offset < archive_end + TAR_END_MARKER)
		return keel_error_set(&s->err, KEEL_EPACK,
			_("%s is truncated: its archive lacks the end-of-archive "
			  "marker. Copy or download the pack again."), s->name);
	return KEEL_OK;
}

int gzip_source_finish(struct gzip_source *s, uint64_t archive_end,
		       struct keel_error *err)
{
	if (!s->err.code && !check_tail(s, archive_end))
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
