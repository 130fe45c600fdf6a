/* range.h: a half-open range of physical addresses [start, end), the unit
 * in which memory is reserved, carved and mapped throughout keel-hv. */
#ifndef KEEL_HV_RANGE_H
#define KEEL_HV_RANGE_H

#include <stdbool.h>
#include <stdint.h>

struct range {
	uint64_t start, end;
};

static inline bool range_overlaps(struct range a, struct range b)
{
	return a.start < b.end && b.start < a.end;
}

#endif
