/* gzip_source.h: the pack's outer layer. Inflates exactly one gzip member
 * from a file descriptor with zlib and proves nothing follows it. */
#ifndef KEEL_GZIP_SOURCE_H
#define KEEL_GZIP_SOURCE_H

#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "pack_limits.h"

/* The most bytes any pack can inflate to: every payload byte, the manifest,
 * its signature, and 16 MiB for tar headers. A stream that inflates to more
 * is refused when it crosses the line, however well it compresses. */
#define GZIP_SOURCE_INFLATE_MAX (KEEL_TOTAL_SIZE_MAX + KEEL_MANIFEST_MAX + \
				 KEEL_SIGNATURE_MAX + (16ull << 20))

struct gzip_source;

/* Checks the gzip magic (an empty or non-gzip file is KEEL_EPACK with a
 * message saying so) and prepares to inflate. name is for messages. */
int gzip_source_open(int fd, const char *name, struct gzip_source **out,
		     struct keel_error *err);

/* Next block of inflated bytes: returns its length with *buf pointing into
 * the source's own buffer (valid until the next call), 0 at the end of the
 * gzip member, -1 on error (see gzip_source_error). CRC and length are
 * checked by zlib at the end of the member. */
ssize_t gzip_source_read(struct gzip_source *src, const void **buf);

/* Lowers the cap on inflated bytes (GZIP_SOURCE_INFLATE_MAX by default),
 * for a caller that knows a tighter bound, and for tests. */
void gzip_source_set_limit(struct gzip_source *src, uint64_t max);

/* Total inflated bytes handed out so far. */
uint64_t gzip_source_offset(const struct gzip_source *src);

/* Called once the tar reader has seen the end-of-archive marker, which
 * starts at inflated offset archive_end: reads the rest of the member and
 * refuses an incomplete marker (fewer than 1024 bytes after archive_end),
 * any non-zero byte after archive_end, more than KEEL_TAIL_PADDING_MAX
 * bytes of padding after the marker, a damaged end of member, and any
 * byte in the file after the member (trailing garbage, a second member). */
int gzip_source_finish(struct gzip_source *src, uint64_t archive_end,
		       struct keel_error *err);

const struct keel_error *gzip_source_error(const struct gzip_source *src);

void gzip_source_close(struct gzip_source *src);

#endif
