/* cpu_source.h: where keel check-cpu reads one logical CPU's CPUID leaves
 * and MSRs from: the processor itself, or dump files (the test seam). */
#ifndef KEEL_CPU_SOURCE_H
#define KEEL_CPU_SOURCE_H

#include <stdint.h>

struct cpuid_regs4 {
	uint32_t eax, ebx, ecx, edx;
};

/* One logical CPU as the checks see it. Both functions return 0 on
 * success; cpuid returns -1 when the leaf/subleaf is not known (dump
 * without it), rdmsr returns -1 when the MSR cannot be read, with a short
 * reason (translated, static or owned by ctx) in *why. */
struct cpu_source {
	int (*cpuid)(void *ctx, uint32_t leaf, uint32_t subleaf,
		     struct cpuid_regs4 *r);
	int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *val, const char **why);
	void *ctx;
	unsigned int cpu;        /* logical CPU number, for messages */
};

#endif
