/* sync_batch.c: holds staged files open until a batch of them is fsync'd,
 * with their write-back already under way, as dpkg defers its fsyncs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sync_batch.h"

#define BATCH_MAX 4096    /* a pack's file limit: one batch for any pack */
#define FDS_RESERVED 64   /* left for the pack, the state dir, the journal */

/* How many files may be held open at once. */
static size_t batch_capacity(void)
{
	struct rlimit rl;
	rlim_t want = BATCH_MAX + FDS_RESERVED;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 16;
	if (rl.rlim_cur < want && rl.rlim_max > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur <= 2 * FDS_RESERVED)
		return 16;
	return rl.rlim_cur - FDS_RESERVED > BATCH_MAX ?
	       BATCH_MAX : (size_t)(rl.rlim_cur - FDS_RESERVED);
}

int sync_batch_init(struct sync_batch *b)
{
	b->n = 0;
	b->failed = NULL;
	b->cap = batch_capacity();
	b->held = calloc(b->cap, sizeof *b->held);
	return b->held ? 0 : -1;
}

int sync_batch_flush(struct sync_batch *b)
{
	int rc = 0, errnum = 0;
	size_t i;

	for (i = 0; i < b->n; i++) {
		int bad = fsync(b->held[i].fd) != 0;

		if (close(b->held[i].fd))
			bad = 1;
		if (bad && !rc) {
			rc = -1;
			errnum = errno;
			b->failed = b->held[i].rel;
		}
	}
	b->n = 0;
	errno = errnum;
	return rc;
}

int sync_batch_add(struct sync_batch *b, int fd, const char *rel)
{
	if (b->n == b->cap && sync_batch_flush(b)) {
		int errnum = errno;

		close(fd);
		errno = errnum;
		return -1;
	}
	/* Only a start: errors of the write-back itself reach the fsync. */
	(void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	b->held[b->n].fd = fd;
	b->held[b->n].rel = rel;
	b->n++;
	return 0;
}

void sync_batch_free(struct sync_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		close(b->held[i].fd);
	free(b->held);
	b->held = NULL;
	b->n = b->cap = 0;
}
