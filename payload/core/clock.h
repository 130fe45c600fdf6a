/* clock.h: time since keel-hv started, from the TSC, calibrated once
 * against the PIT. */
#ifndef KEEL_HV_CLOCK_H
#define KEEL_HV_CLOCK_H

#include <stdint.h>

void clock_init(void);
uint64_t clock_ns(void);
uint32_t clock_tsc_khz(void);

#endif
