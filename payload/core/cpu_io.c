/* cpu_io.c: keel/cpu_requirements.h's way of reading the processor, done
 * with the instructions themselves; keel-hv runs in ring 0, so none fails. */
#include <stdint.h>

#include "virt_probe.h"
#include "x86.h"

static int hv_cpuid(void *ctx, uint32_t leaf, struct keel_cpuid *out)
{
	(void)ctx;
	cpuid_count(leaf, 0, &out->eax, &out->ebx, &out->ecx, &out->edx);
	return 0;
}

/* The rule reads only the MSRs the SDM and APM say exist on a processor
 * with what it has seen so far, so RDMSR does not fault here. */
static int hv_rdmsr(void *ctx, uint32_t msr, uint64_t *val)
{
	(void)ctx;
	*val = rdmsr(msr);
	return 0;
}

const struct keel_cpu_io hv_cpu_io = { hv_cpuid, hv_rdmsr, 0 };
