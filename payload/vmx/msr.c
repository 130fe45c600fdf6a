/* msr.c: the MSRs the root session may not simply own under VT-x: which
 * ones exit to keel-hv, and what reads and writes of them do. */
#include <stddef.h>
#include <stdint.h>

#include "apic_base.h"
#include "vmx/vmx.h"
#include "x86.h"

#define MSR_SMM_MONITOR_CTL 0x9bu
#define MSR_PEBS_ENABLE 0x3f1u
#define MSR_DS_AREA 0x600u

/* Intel PT's MSRs: output base and mask, control, status, CR3 match, the
 * address ranges. */
static const uint32_t pt_msrs[][2] = {
	{ 0x560u, 0x561u }, { 0x570u, 0x572u }, { 0x580u, 0x587u },
};

/* The bitmap's four 1 KiB quarters: reads of MSRs 0-0x1fff, reads of
 * 0xc0000000-0xc0001fff, then writes of each. Others always exit. */
enum { BITMAP_READ = 0, BITMAP_WRITE = 2048 };

static void bitmap_set(uint8_t *bitmap, uint32_t msr, unsigned int offset)
{
	uint32_t bit = msr & 0x1fff;

	if (msr >= 0xc0000000u)
		offset += 1024;
	bitmap[offset + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

/* Reads and writes of [first, last] raise #GP, as on a processor that
 * lacks the feature. */
static void refuse(uint8_t *bitmap, uint32_t first, uint32_t last)
{
	uint32_t m;

	for (m = first; m <= last; m++) {
		bitmap_set(bitmap, m, BITMAP_READ);
		bitmap_set(bitmap, m, BITMAP_WRITE);
	}
}

void vmx_msr_intercepts(uint8_t *bitmap)
{
	size_t i;

	/* VT-x is not there for the session: its capability MSRs and the
	 * feature control MSR answer as on a processor without it. */
	refuse(bitmap, MSR_VMX_FIRST, MSR_VMX_LAST);
	bitmap_set(bitmap, KEEL_MSR_FEATURE_CONTROL, BITMAP_READ);
	bitmap_set(bitmap, KEEL_MSR_FEATURE_CONTROL, BITMAP_WRITE);
	/* The dual-monitor treatment of SMM would run an SMM monitor of the
	 * session's choosing underneath keel-hv. */
	bitmap_set(bitmap, MSR_SMM_MONITOR_CTL, BITMAP_WRITE);
	/* Moving the local APIC onto our range would reach hypervisor memory
	 * from below EPT; reads stay the hardware's. */
	bitmap_set(bitmap, MSR_APIC_BASE, BITMAP_WRITE);
	/* Intel PT and the debug store (PEBS, BTS) write to addresses that
	 * EPT does not translate when they run on in keel-hv: hypervisor
	 * memory. exit.c hides both from CPUID. */
	for (i = 0; i < sizeof(pt_msrs) / sizeof(pt_msrs[0]); i++)
		refuse(bitmap, pt_msrs[i][0], pt_msrs[i][1]);
	refuse(bitmap, MSR_PEBS_ENABLE, MSR_PEBS_ENABLE);
	refuse(bitmap, MSR_DS_AREA, MSR_DS_AREA);
}

int vmx_msr_read(uint32_t msr, uint64_t *val)
{
	if (msr != KEEL_MSR_FEATURE_CONTROL)
		return -1;   /* VT-x, PT, DS, unmapped: as without them */
	*val = rdmsr(msr) &
	       ~(KEEL_FC_VMX_OUTSIDE_SMX | KEEL_FC_VMX_INSIDE_SMX);
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
