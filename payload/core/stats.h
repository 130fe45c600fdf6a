/* stats.h: exits of the root session counted by reason, for the
 * KEEL_HC_STATS hypercall and bench/hv. */
#ifndef KEEL_HV_STATS_H
#define KEEL_HV_STATS_H

#include <stdint.h>

#include "keel/hypercall.h"

void stats_count(enum keel_exit_reason reason);
uint64_t stats_get(enum keel_exit_reason reason);

#endif
