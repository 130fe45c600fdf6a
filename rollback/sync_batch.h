/* sync_batch.h: staged files written but not yet fsync'd, fsync'd together
 * so the file system commits its journal once per batch, not once per file. */
#ifndef KEEL_SYNC_BATCH_H
#define KEEL_SYNC_BATCH_H

#include <stddef.h>

struct sync_batch {
	struct sync_held {
		int fd;
		const char *rel;  /* the file's path in the target, for messages */
	} *held;
	size_t n, cap;
	const char *failed;       /* after a failed call: the file it was */
};

/* Sizes the batch from the open-file limit (raising the soft limit up to
 * the hard one, as a pack holds up to 4096 files). -1 with errno ENOMEM. */
int sync_batch_init(struct sync_batch *b);

/* Starts the write-back of fd's pages and keeps fd (taking it over, even
 * on failure) until the next flush; flushes first when the batch is full.
 * 0, or -1 with errno and b->failed set. */
int sync_batch_add(struct sync_batch *b, int fd, const char *rel);

/* fsyncs and closes every file held: 0, or -1 with errno and b->failed
 * set (all files are closed either way). */
int sync_batch_flush(struct sync_batch *b);

/* Closes what is still held without syncing, and frees the batch. */
void sync_batch_free(struct sync_batch *b);

#endif
