/* test_gzip_source.c: the pack's gzip layer against real zlib streams:
 * good data, and every way the outside of a pack can be damaged. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <zlib.h>

#include "gzip_source.h"
#include "pack_limits.h"
#include "tests/tap.h"

#define MARKER 1024  /* the tar end-of-archive marker */

/* gzip-compresses len bytes of data (windowBits 31: the gzip wrapper);
 * with name set, the header carries it as gzip without -n does. */
static unsigned char *gzip_named(const unsigned char *data, size_t len,
				 const char *name, size_t *out)
{
	z_stream zs = { 0 };
	gz_header head = { 0 };
	size_t cap = compressBound((uLong)len) + 64 + (name ? strlen(name) : 0);
	unsigned char *buf = malloc(cap);

	if (!buf || deflateInit2(&zs, 6, Z_DEFLATED, 31, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	if (name) {
		head.name = (Bytef *)name;
		head.time = 1700000000;
		if (deflateSetHeader(&zs, &head) != Z_OK)
			abort();
	}
	zs.next_in = (unsigned char *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*out = cap - zs.avail_out;
	deflateEnd(&zs);
	return buf;
}

static unsigned char *gzip(const unsigned char *data, size_t len, size_t *out)
{
	return gzip_named(data, len, NULL, out);
}

static int memfd_with(const void *data, size_t len)
{
	int fd = memfd_create("pack", 0);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	lseek(fd, 0, SEEK_SET);
	return fd;
}

struct outcome {
	int code;           /* the first failure's code, KEEL_OK if none */
	uint64_t inflated;  /* bytes read before finish */
	char msg[KEEL_ERROR_MAX];
};

/* Opens, reads like the tar reader up to archive_end (copying the bytes
 * to copy if not NULL), then finishes. limit, if not 0, caps inflation. */
static struct outcome run_limit(const void *packed, size_t len,
				uint64_t archive_end, uint64_t limit,
				unsigned char *copy)
{
	struct outcome o = { 0 };
	struct keel_error err = { 0 };
	struct gzip_source *src;
	const void *buf;
	ssize_t n;
	int fd = memfd_with(packed, len);

	o.code = gzip_source_open(fd, "test.ksp", &src, &err);
	if (o.code) {
		snprintf(o.msg, sizeof o.msg, "%s", err.msg);
		close(fd);
		return o;
	}
	if (limit)
		gzip_source_set_limit(src, limit);
	while (o.inflated < archive_end && (n = gzip_source_read(src, &buf)) > 0) {
		if (copy)
			memcpy(copy + o.inflated, buf, (size_t)n);
		o.inflated += (uint64_t)n;
	}
	if (gzip_source_error(src)->code) {
		o.code = gzip_source_error(src)->code;
		snprintf(o.msg, sizeof o.msg, "%s", gzip_source_error(src)->msg);
	} else {
		o.code = gzip_source_finish(src, archive_end, &err);
		if (o.code)
			snprintf(o.msg, sizeof o.msg, "%s", err.msg);
	}
	gzip_source_close(src);
	close(fd);
	return o;
}

static struct outcome run(const void *packed, size_t len, uint64_t archive_end)
{
	return run_limit(packed, len, archive_end, 0, NULL);
}

static int accepted(struct outcome o)
{
	if (o.code)
		diag("refused (%d): %s", o.code, o.msg);
	return o.code == KEEL_OK;
}

/* The outcome is exit code code with a message containing fragment and
 * naming the file. */
static int refused(struct outcome o, int code, const char *fragment)
{
	int good = o.code == code && strstr(o.msg, fragment) &&
		   strstr(o.msg, "test.ksp");

	if (!good)
		diag("code %d (want %d), message: %s", o.code, code, o.msg);
	return good;
}

/* A fake archive: data non-zero bytes, the marker, pad zero bytes. The
 * data hardly compresses (a linear congruential sequence), so the gzip
 * stream spans several 64 KiB reads. */
static unsigned char *archive(size_t data, size_t marker, size_t pad,
			      size_t *len)
{
	unsigned char *a = calloc(1, data + marker + pad + 1);
	uint32_t x = 12345;
	size_t i;

	if (!a)
		abort();
	for (i = 0; i < data; i++) {
		x = x * 1103515245u + 12345u;
		a[i] = (unsigned char)(x >> 24) | 1;
	}
	*len = data + marker + pad;
	return a;
}

/* Concatenation of two buffers, for appended bytes and members. */
static unsigned char *concat(const void *a, size_t alen, const void *b,
			     size_t blen)
{
	unsigned char *c = malloc(alen + blen);

	if (!c)
		abort();
	memcpy(c, a, alen);
	memcpy(c + alen, b, blen);
	return c;
}

#define DATA 300000

static void test_good(const unsigned char *a, size_t alen,
		      const unsigned char *g, size_t glen)
{
	unsigned char *copy = malloc(alen + (128u << 10));
	unsigned char *named;
	size_t nlen;
	struct outcome o;

	o = run_limit(g, glen, DATA, 0, copy);
	ok(accepted(o), "a good stream reads and finishes");
	ok(o.inflated >= DATA && memcmp(copy, a, DATA) == 0,
	   "and yields exactly the data");
	ok(accepted(run_limit(g, glen, DATA, alen, NULL)),
	   "a cap of exactly the inflated size is not exceeded");
	named = gzip_named(a, alen, "pack.tar", &nlen);
	ok(accepted(run(named, nlen, DATA)),
	   "a header with a file name and a time (gzip without -n) reads");
	free(named);
	free(copy);
}

static void test_not_gzip(void)
{
	ok(refused(run("", 0, 0), KEEL_EPACK,
		   "is empty: this is not a keel service pack"),
	   "an empty file");
	ok(refused(run("PK\3\4 zip", 8, 0), KEEL_EPACK, "not gzip-compressed"),
	   "a file that is not gzip");
	ok(refused(run("\x1f", 1, 0), KEEL_EPACK, "not gzip-compressed"),
	   "a single byte");
	ok(refused(run("\x1f\x8b", 2, 0), KEEL_EPACK, "truncated"),
	   "the gzip magic alone");
}

static void test_truncated(const unsigned char *g, size_t glen)
{
	size_t cut[] = { 3, 10, 11, glen / 4, glen / 2, glen - 9, glen - 8,
			 glen - 4, glen - 1 };
	size_t i;

	for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
		ok(refused(run(g, cut[i], DATA), KEEL_EPACK, "is truncated"),
		   "truncated to %zu of %zu bytes", cut[i], glen);
}

static void test_damaged(const unsigned char *g, size_t glen)
{
	unsigned char *bad = malloc(glen);

	memcpy(bad, g, glen);
	bad[glen / 2] ^= 0x10;
	ok(refused(run(bad, glen, DATA), KEEL_EPACK, "is damaged"),
	   "a flipped bit in the middle of the deflate data");
	memcpy(bad, g, glen);
	bad[glen - 6] ^= 0x01;
	ok(refused(run(bad, glen, DATA), KEEL_EPACK, "incorrect data check"),
	   "a wrong CRC-32 is named by zlib's reason");
	memcpy(bad, g, glen);
	bad[glen - 1] ^= 0x01;
	ok(refused(run(bad, glen, DATA), KEEL_EPACK, "incorrect length check"),
	   "a wrong length in the trailer");
	memcpy(bad, g, glen);
	bad[2] = 7;
	ok(refused(run(bad, glen, DATA), KEEL_EPACK, "is damaged"),
	   "an unknown compression method");
	free(bad);
}

static void test_after_member(const unsigned char *g, size_t glen)
{
	unsigned char *bad, *second;
	size_t slen;

	bad = concat(g, glen, "garbage", 7);
	ok(refused(run(bad, glen + 7, DATA), KEEL_EPACK,
		   "trailing data after the end of the pack"),
	   "garbage after the member");
	free(bad);
	bad = concat(g, glen, "\0", 1);
	ok(refused(run(bad, glen + 1, DATA), KEEL_EPACK, "trailing data"),
	   "one zero byte after the member");
	free(bad);
	second = gzip((const unsigned char *)"x", 1, &slen);
	bad = concat(g, glen, second, slen);
	ok(refused(run(bad, glen + slen, DATA), KEEL_EPACK, "trailing data"),
	   "a second gzip member");
	free(second);
	free(bad);
}

/* pad zero bytes after a 1000-byte archive and its marker; poke, if not
 * 0, is where a non-zero byte is put (an offset from the marker). */
static struct outcome tail(size_t marker, size_t pad, size_t poke)
{
	size_t alen, glen;
	unsigned char *a = archive(1000, marker, pad, &alen);
	unsigned char *g;
	struct outcome o;

	if (poke)
		a[1000 + poke] = 'X';
	g = gzip(a, alen, &glen);
	o = run(g, glen, 1000);
	free(g);
	free(a);
	return o;
}

static void test_tail(void)
{
	ok(accepted(tail(MARKER, 0, 0)), "the marker and no padding");
	ok(accepted(tail(MARKER, 9216, 0)),
	   "padding to a 10240-byte tar record");
	ok(accepted(tail(MARKER, KEEL_TAIL_PADDING_MAX, 0)),
	   "zero padding of exactly the limit");
	ok(refused(tail(MARKER, KEEL_TAIL_PADDING_MAX + 1, 0), KEEL_EPACK,
		   "bytes of padding"), "one byte of padding more is refused");
	ok(refused(tail(MARKER, 50u << 20, 0), KEEL_EPACK, "bytes of padding"),
	   "50 MiB of zeros after the marker are refused");
	ok(refused(tail(MARKER, 4096, MARKER + 4000), KEEL_EPACK, "hidden data"),
	   "a non-zero byte in the padding");
	ok(refused(tail(MARKER, 0, MARKER - 1), KEEL_EPACK, "hidden data"),
	   "a non-zero byte in the last byte of the marker");
	ok(refused(tail(MARKER, 4096, 100), KEEL_EPACK, "hidden data"),
	   "a non-zero byte inside the marker");
	ok(refused(tail(0, 0, 0), KEEL_EPACK, "end-of-archive marker"),
	   "no end marker");
	ok(refused(tail(512, 0, 0), KEEL_EPACK, "end-of-archive marker"),
	   "half an end marker");
}

/* A bomb: a few KiB that inflate to 32 MiB, under a cap of 1 MiB. */
static void test_cap(void)
{
	size_t alen = 32u << 20, glen;
	unsigned char *a = calloc(1, alen);
	unsigned char *g = gzip(a, alen, &glen);
	struct outcome o = run_limit(g, glen, alen, 1u << 20, NULL);

	ok(refused(o, KEEL_EPACK, "inflates to more than 1048576 bytes"),
	   "inflating past the cap is refused");
	ok(o.inflated == 1u << 20, "after exactly the cap (%llu bytes)",
	   (unsigned long long)o.inflated);
	o = run_limit(g, glen, 0, 32u << 10, NULL);
	ok(refused(o, KEEL_EPACK, "inflates to more than 32768 bytes"),
	   "the cap holds while gzip_source_finish reads the padding too");
	ok(GZIP_SOURCE_INFLATE_MAX > KEEL_TOTAL_SIZE_MAX + KEEL_MANIFEST_MAX +
	   KEEL_SIGNATURE_MAX, "the default cap leaves room for a full pack");
	free(g);
	free(a);
}

int main(void)
{
	size_t alen, glen;
	unsigned char *a = archive(DATA, MARKER, 8192, &alen);
	unsigned char *g = gzip(a, alen, &glen);

	test_good(a, alen, g, glen);
	test_not_gzip();
	test_truncated(g, glen);
	test_damaged(g, glen);
	test_after_member(g, glen);
	test_tail();
	test_cap();
	free(g);
	free(a);
	return done_testing();
}
