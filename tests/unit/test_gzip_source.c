/* test_gzip_source.c: the pack's gzip layer against real zlib streams:
 * good data, and every way the outside of a pack can be damaged. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "gzip_source.h"
#include "limits.h"
#include "tests/tap.h"

/* gzip-compresses len bytes of data (windowBits 31: gzip wrapper). */
static unsigned char *gzip(const unsigned char *data, size_t len, size_t *out)
{
	z_stream zs = { 0 };
	size_t cap = compressBound((uLong)len) + 64;
	unsigned char *buf = malloc(cap);

	deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	deflate(&zs, Z_FINISH);
	*out = cap - zs.avail_out;
	deflateEnd(&zs);
	return buf;
}

static int memfd_with(const void *data, size_t len)
{
	int fd = memfd_create("pack", 0);

	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

struct outcome {
	int open_rc;        /* gzip_source_open */
	int read_failed;    /* some gzip_source_read returned -1 */
	int finish_rc;      /* gzip_source_finish, if reading got to the end */
	uint64_t inflated;
	char msg[KEEL_ERROR_MAX];
};

/* Opens, reads everything (stopping the "tar" at archive_end), finishes. */
static struct outcome run(const void *packed, size_t len, uint64_t archive_end,
			  unsigned char *copy)
{
	struct outcome o = { 0 };
	struct keel_error err = { 0 };
	struct gzip_source *src;
	const void *buf;
	ssize_t n;
	int fd = memfd_with(packed, len);

	o.open_rc = gzip_source_open(fd, "test.ksp", &src, &err);
	if (o.open_rc) {
		snprintf(o.msg, sizeof o.msg, "%s", err.msg);
		close(fd);
		return o;
	}
	/* Like the tar reader: consume up to archive_end, then finish. */
	while (o.inflated < archive_end && (n = gzip_source_read(src, &buf)) > 0) {
		if (copy)
			memcpy(copy + o.inflated, buf, (size_t)n);
		o.inflated += (uint64_t)n;
	}
	if (gzip_source_error(src)->code) {
		o.read_failed = 1;
		snprintf(o.msg, sizeof o.msg, "%s", gzip_source_error(src)->msg);
	} else {
		o.finish_rc = gzip_source_finish(src, archive_end, &err);
		if (o.finish_rc)
			snprintf(o.msg, sizeof o.msg, "%s", err.msg);
	}
	gzip_source_close(src);
	close(fd);
	return o;
}

static int refused(struct outcome o, const char *fragment)
{
	int failed = o.open_rc || o.read_failed || o.finish_rc;

	if (!failed || !strstr(o.msg, fragment))
		diag("message: %s", o.msg);
	return failed && strstr(o.msg, fragment) != NULL;
}

/* A fake archive: data bytes, then a 1024-byte zero end marker and pad. */
static unsigned char *archive(size_t data, size_t pad, size_t *len)
{
	unsigned char *a = calloc(1, data + 1024 + pad);
	size_t i;

	for (i = 0; i < data; i++)
		a[i] = (unsigned char)(i * 131 + 7) | 1;
	*len = data + 1024 + pad;
	return a;
}

int main(void)
{
	size_t alen, glen;
	unsigned char *a = archive(300000, 8192, &alen);
	unsigned char *g = gzip(a, alen, &glen);
	unsigned char *copy = malloc(alen + (1 << 17));
	unsigned char *bad;
	struct outcome o;

	o = run(g, glen, 300000, copy);
	ok(!o.open_rc && !o.read_failed && !o.finish_rc, "a good stream reads");
	ok(memcmp(copy, a, 300000) == 0, "and yields exactly the data");

	ok(refused(run("", 0, 0, NULL), "is empty"), "an empty file");
	ok(refused(run("PK\3\4 zip", 8, 0, NULL), "not gzip-compressed"),
	   "a file that is not gzip");
	ok(refused(run("\x1f", 1, 0, NULL), "not gzip-compressed"),
	   "a single byte");

	ok(refused(run(g, 10, 300000, NULL), "truncated"), "truncated to 10 bytes");
	ok(refused(run(g, glen / 2, 300000, NULL), "truncated"), "truncated to half");
	o = run(g, glen - 4, 300000, NULL);
	ok(refused(o, "truncated"), "the length trailer missing");

	bad = malloc(glen + 64);
	memcpy(bad, g, glen);
	bad[glen / 2] ^= 0x10;
	ok(refused(run(bad, glen, 300000, NULL), "damaged"),
	   "a flipped bit in the deflate data");
	memcpy(bad, g, glen);
	bad[glen - 6] ^= 0x01;  /* inside the CRC-32 */
	ok(refused(run(bad, glen, 300000, NULL), "damaged"), "a wrong CRC-32");

	memcpy(bad, g, glen);
	memcpy(bad + glen, "garbage", 7);
	ok(refused(run(bad, glen + 7, 300000, NULL), "trailing data"),
	   "garbage after the member");
	free(bad);
	{
		size_t small_len;
		unsigned char *second = gzip((const unsigned char *)"x", 1, &small_len);

		bad = malloc(glen + small_len);
		memcpy(bad, g, glen);
		memcpy(bad + glen, second, small_len);
		ok(refused(run(bad, glen + small_len, 300000, NULL), "trailing data"),
		   "a second gzip member");
		free(second);
		free(bad);
	}
	free(g);
	free(a);

	/* Padding after the end marker: zeros up to the limit are tar's. */
	a = archive(1000, KEEL_TAIL_PADDING_MAX, &alen);
	g = gzip(a, alen, &glen);
	o = run(g, glen, 1000, NULL);
	ok(!o.open_rc && !o.read_failed && !o.finish_rc,
	   "zero padding of exactly the limit is accepted");
	free(g);
	free(a);
	a = archive(1000, KEEL_TAIL_PADDING_MAX + 1, &alen);
	g = gzip(a, alen, &glen);
	ok(refused(run(g, glen, 1000, NULL), "padding"), "one byte more is refused");
	free(g);
	free(a);
	a = archive(1000, 4096, &alen);
	a[1000 + 1024 + 4000] = 'X';
	g = gzip(a, alen, &glen);
	ok(refused(run(g, glen, 1000, NULL), "hidden data"),
	   "a non-zero byte in the padding");
	free(g);
	a[1000 + 1024 + 4000] = 0;
	a[1000 + 100] = 'X';  /* inside the end marker */
	g = gzip(a, alen, &glen);
	ok(refused(run(g, glen, 1000, NULL), "hidden data"),
	   "a non-zero byte in the end marker");
	free(g);
	free(a);
	free(copy);
	return done_testing();
}
