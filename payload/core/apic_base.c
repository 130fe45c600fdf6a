/* apic_base.c: the root session's writes to IA32_APIC_BASE: it may switch
 * its APIC's mode; moving the APIC onto keel-hv's memory it may not. */
#include <stdbool.h>
#include <stdint.h>

#include "apic_base.h"
#include "log.h"
#include "x86.h"

#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define APIC_BASE_MODE (APIC_BASE_EXTD | APIC_BASE_EN)
#define APIC_BASE_BSP (1ull << 8)
#define LEAF1_ECX_X2APIC (1u << 21)

static bool has_x2apic(void)
{
	uint32_t a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	return (c & LEAF1_ECX_X2APIC) != 0;
}

/* The session may switch its APIC between off, xAPIC and x2APIC along the
 * transitions the architecture allows (else #GP); the base address stays
 * where the firmware put it. */
int apic_base_write(uint64_t val)
{
	uint64_t cur = rdmsr(MSR_APIC_BASE);
	uint64_t mode = val & APIC_BASE_MODE;

	if (mode == APIC_BASE_EXTD)
		return -1;
	if (mode & APIC_BASE_EXTD && !has_x2apic())
		return -1;
	if ((cur & APIC_BASE_MODE) == APIC_BASE_MODE && mode == APIC_BASE_EN)
		return -1;
	if ((val ^ cur) & ~(APIC_BASE_MODE | APIC_BASE_BSP))
		log_printf("root session moved its APIC base to %llx; keeping "
			   "%llx\n", (unsigned long long)val,
			   (unsigned long long)cur);
	wrmsr(MSR_APIC_BASE, (cur & ~APIC_BASE_MODE) | mode);
	return 0;
}
