/* msr.c: the MSRs the root session may not simply own under VT-x: which
 * ones exit to keel-hv, and what reads and writes of them do. */
#include <stdint.h>

#include "apic_base.h"
#include "vmx/vmx.h"
#include "x86.h"

#define MSR_SMM_MONITOR_CTL 0x9bu

/* The bitmap's four 1 KiB quarters: reads of MSRs 0-0x1fff, reads of
 * 0xc0000000-0xc0001fff, then writes of each. Others always exit. */
enum { BITMAP_READ = 0, BITMAP_WRITE = 2048 };

static void bitmap_set(uint8_t *bitmap, uint32_t msr, unsigned int quarter)
{
	uint32_t bit = msr & 0x1fff;

	if (msr >= 0xc0000000u)
		quarter += 1024;
	bitmap[quarter + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

void vmx_msr_intercepts(uint8_t *bitmap)
{
	uint32_t m;

	/* VT-x is not there for the session: its capability MSRs and the
	 * feature control MSR answer as on a processor without it. */
	for (m = MSR_VMX_FIRST; m <= MSR_VMX_LAST; m++) {
		bitmap_set(bitmap, m, BITMAP_READ);
		bitmap_set(bitmap, m, BITMAP_WRITE);
	}
	bitmap_set(bitmap, MSR_FEATURE_CONTROL, BITMAP_READ);
	bitmap_set(bitmap, MSR_FEATURE_CONTROL, BITMAP_WRITE);
	/* The dual-monitor treatment of SMM would run an SMM monitor of the
	 * session's choosing underneath keel-hv. */
	bitmap_set(bitmap, MSR_SMM_MONITOR_CTL, BITMAP_WRITE);
	/* Moving the local APIC onto our range would reach hypervisor memory
	 * from below EPT; reads stay the hardware's. */
	bitmap_set(bitmap, MSR_APIC_BASE, BITMAP_WRITE);
}

int vmx_msr_read(uint32_t msr, uint64_t *val)
{
	if (msr != MSR_FEATURE_CONTROL)
		return -1;   /* VT-x capabilities, unmapped: as without VT-x */
	*val = rdmsr(msr) & ~(FEATURE_CONTROL_VMX | FEATURE_CONTROL_VMX_SMX);
	return 0;
}

/* Feature control is locked (keel-hv locked it if the firmware did not),
 * so a write raises #GP on the hardware too. */
int vmx_msr_write(uint32_t msr, uint64_t val)
{
	if (msr == MSR_APIC_BASE)
		return apic_base_write(val);
	return -1;
}
