/* cpuid_policy.c: what the root session sees of CPUID: the processor's own
 * answers, keel's leaves instead of anyone else's, no virtualization. */
#include <stdint.h>

#include "cpuid_policy.h"
#include "gate.h"
#include "keel/hypercall.h"
#include "x86.h"

#define LEAF1_ECX_VMX (1u << 5)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define LEAF_SVM_FEATURES 0x8000000au
#define LEAF_RAS 0x80000007u
#define RAS_EBX_SCALABLE_MCA (1u << 3)
#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST 0x400000ffu
#define LEAF1_ECX_XSAVE (1u << 26)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define LEAF7_ECX_PKU (1u << 3)
#define LEAF7_ECX_OSPKE (1u << 4)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE (1ull << 22)

/* "Keel" as CPUID returns signature bytes: little-endian in a register. */
#define SIG_KEEL ((uint32_t)'K' | (uint32_t)'e' << 8 | (uint32_t)'e' << 16 | \
		  (uint32_t)'l' << 24)

static void zero(struct cpuid_regs *r)
{
	r->eax = r->ebx = r->ecx = r->edx = 0;
}

/* The whole hypervisor range is ours: whatever the layer below (QEMU,
 * another hypervisor) answered there is not what the session runs on. */
static void hypervisor_leaf(uint32_t leaf, struct cpuid_regs *r)
{
	zero(r);
	if (leaf == KEEL_HC_LEAF_BASE) {
		r->eax = KEEL_HC_LEAF_ABI;
		r->ebx = r->ecx = r->edx = SIG_KEEL;
	} else if (leaf == KEEL_HC_LEAF_ABI) {
		r->eax = KEEL_HC_ABI;
		r->ebx = gate_port;
		r->ecx = (uint32_t)gate_backend;
	}
}

void cpuid_policy(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	(void)subleaf;   /* no leaf we change has subleaves */
	if (leaf >= HV_LEAF_FIRST && leaf <= HV_LEAF_LAST) {
		hypervisor_leaf(leaf, r);
		return;
	}
	switch (leaf) {
	case 1:
		r->ecx |= LEAF1_ECX_HYPERVISOR;
		r->ecx &= ~LEAF1_ECX_VMX;
		break;
	case 0x80000001u:
		r->ecx &= ~CPUID_EXT1_ECX_SVM;
		break;
	case LEAF_SVM_FEATURES:
		zero(r);
		break;
	case LEAF_RAS:
		/* Scalable MCA banks (MSRs 0xc0002000...) lie outside the MSR
		 * permission map, so every access would exit and fault; the
		 * legacy banks at 0x400 pass straight through. */
		r->ebx &= ~RAS_EBX_SCALABLE_MCA;
		break;
	default:
		break;
	}
}

void cpuid_mirror_cr4(uint64_t cr4, uint32_t leaf, uint32_t subleaf,
		      struct cpuid_regs *r)
{
	if (leaf == 1 && (r->ecx & LEAF1_ECX_XSAVE)) {
		r->ecx &= ~LEAF1_ECX_OSXSAVE;
		if (cr4 & CR4_OSXSAVE)
			r->ecx |= LEAF1_ECX_OSXSAVE;
	}
	if (leaf == 7 && subleaf == 0 && (r->ecx & LEAF7_ECX_PKU)) {
		r->ecx &= ~LEAF7_ECX_OSPKE;
		if (cr4 & CR4_PKE)
			r->ecx |= LEAF7_ECX_OSPKE;
	}
}
