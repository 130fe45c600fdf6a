/* stats.c: exits of the root session counted by reason; one CPU runs the
 * session, so plain counters suffice. */
#include <stdint.h>

#include "stats.h"

static uint64_t counts[KEEL_EXIT_COUNT];

void stats_count(enum keel_exit_reason reason)
{
	if ((unsigned)reason >= KEEL_EXIT_COUNT)
		reason = KEEL_EXIT_OTHER;
	counts[reason]++;
}

uint64_t stats_get(enum keel_exit_reason reason)
{
	if ((unsigned)reason >= KEEL_EXIT_COUNT)
		return 0;
	return counts[reason];
}
