/* xcr0.h: whether a value the root session writes to XCR0 with XSETBV is
 * one the processor would take, so keel-hv can set it without faulting. */
#ifndef KEEL_HV_XCR0_H
#define KEEL_HV_XCR0_H

#include <stdbool.h>
#include <stdint.h>

/* True when val may go into XCR0 on a CPU whose XCR0 can hold the bits in
 * supported (CPUID 0xD.0 EDX:EAX); false where XSETBV raises #GP. */
bool xcr0_valid(uint64_t val, uint64_t supported);

#endif
