/* journal.h: the append-only transaction journal in the state directory:
 * one JSON record per line behind a CRC, each record fsync'd on append. */
#ifndef KEEL_JOURNAL_H
#define KEEL_JOURNAL_H

#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "error.h"

struct journal {
	int fd;
	struct json_object **rec;  /* every intact record, oldest first */
	size_t n, cap;
	off_t length;              /* end of the last intact record */
	const char *path;          /* for messages */
};

/* Opens dirfd/journal (created when create is set) and loads its records.
 * A record cut short by a crash while it was written is the last line and
 * was never acknowledged: it is dropped (and cut off the file when
 * writable). A damaged record before intact ones is refused. A missing
 * journal without create is an empty one (fd -1). */
int journal_open(int dirfd, const char *path, int writable, int create,
		 struct journal *j, struct keel_error *err);

/* Appends rec (which must hold "tx" and "state"; "time" is added), fsyncs
 * and keeps it; takes the reference to rec in every case. After a failed
 * append the file is as before it. */
int journal_append(struct journal *j, struct json_object *rec,
		   struct keel_error *err);

void journal_close(struct journal *j);

/* Accessors that tolerate missing keys (the journal is our own format,
 * but a record from a later keel may lack or add fields). */
unsigned long journal_tx(const struct json_object *rec);
const char *journal_str(const struct json_object *rec, const char *key);

#endif
