/* pack_writer.h: writes a .ksp reproducibly: pax tar in gzip, entries in
 * call order, owner 0:0, fixed mtime, no atime/ctime, no gzip timestamp. */
#ifndef KEEL_PACK_WRITER_H
#define KEEL_PACK_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct pack_writer;

/* Creates out_path.tmp next to out_path; pack_writer_close renames it into
 * place after fsync, pack_writer_abort removes it. mtime is the time stamp
 * every entry gets (SOURCE_DATE_EPOCH). */
int pack_writer_open(const char *out_path, long long mtime,
		     struct pack_writer **out, struct keel_error *err);

int pack_writer_add_buffer(struct pack_writer *pw, const char *name,
			   const void *buf, size_t len, unsigned mode,
			   struct keel_error *err);

/* Streams src_path into the entry; refuses if its size is no longer
 * expected_size (the file changed since it was hashed). */
int pack_writer_add_file(struct pack_writer *pw, const char *name,
			 const char *src_path, uint64_t expected_size,
			 unsigned mode, struct keel_error *err);

int pack_writer_close(struct pack_writer *pw, struct keel_error *err);

void pack_writer_abort(struct pack_writer *pw);

#endif
