/* apic_base.h: what a write of the root session to IA32_APIC_BASE may
 * change, for both backends: the APIC's mode, never its address. */
#ifndef KEEL_HV_APIC_BASE_H
#define KEEL_HV_APIC_BASE_H

#include <stdint.h>

#define MSR_APIC_BASE 0x1bu

/* Carries out the session's write of val: 0, or -1 for #GP. */
int apic_base_write(uint64_t val);

#endif
