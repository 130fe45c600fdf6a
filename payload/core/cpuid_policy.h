/* cpuid_policy.h: what the root session sees of CPUID: the real values,
 * with keel's leaves added and the virtualization extensions hidden. */
#ifndef KEEL_HV_CPUID_POLICY_H
#define KEEL_HV_CPUID_POLICY_H

#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* r holds what the CPU answered for (leaf, subleaf); changes it in place:
 * 1: ECX.hypervisor set, ECX.VMX cleared; 0x80000001: ECX.SVM cleared;
 * 0x8000000A: zeroed; 0x40000000: keel's signature; 0x40000001: ABI,
 * gate port, backend; other 0x400000xx: zeros. */
void cpuid_policy(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

/* CPUID runs in the host, so the bits that mirror CR4 (OSXSAVE, OSPKE)
 * show the host's CR4; this sets them from the session's cr4 instead. */
void cpuid_mirror_cr4(uint64_t cr4, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs *r);

#endif
