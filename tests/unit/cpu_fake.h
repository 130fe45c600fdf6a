/* cpu_fake.h: a synthetic processor for keel check-cpu's unit tests: a
 * small table of CPUID leaves and MSRs served as a cpu_source. */
#ifndef KEEL_TEST_CPU_FAKE_H
#define KEEL_TEST_CPU_FAKE_H

#include <stdint.h>
#include <string.h>

#include "cpu_check.h"
#include "cpuid_dump.h"

/* The dump entry types serve as table rows (subleaves are not needed);
 * 16 of each is more than any case uses. */
struct fake_cpu {
	struct cpuid_dump_entry leaves[16];
	size_t n_leaves;
	struct msr_dump_entry msrs[16];
	size_t n_msrs;
	unsigned int msr_reads;      /* proves MSRs are left alone */
};

static const char fake_why[] = "test: this MSR cannot be read";

static inline int fake_cpuid(void *ctx, uint32_t leaf, uint32_t subleaf,
			     struct cpuid_regs4 *r)
{
	const struct fake_cpu *f = ctx;
	size_t i;

	(void)subleaf;
	for (i = 0; i < f->n_leaves; i++)
		if (f->leaves[i].leaf == leaf) {
			*r = f->leaves[i].r;
			return 0;
		}
	return -1;
}

static inline int fake_rdmsr(void *ctx, uint32_t msr, uint64_t *val,
			     const char **why)
{
	struct fake_cpu *f = ctx;
	size_t i;

	f->msr_reads++;
	for (i = 0; i < f->n_msrs; i++)
		if (f->msrs[i].msr == msr) {
			*val = f->msrs[i].val;
			return 0;
		}
	*why = fake_why;
	return -1;
}

/* set_leaf and set_msr add a row or replace the one already there. */
static inline void set_leaf(struct fake_cpu *f, uint32_t leaf, uint32_t a,
			    uint32_t b, uint32_t c, uint32_t d)
{
	size_t i;

	for (i = 0; i < f->n_leaves && f->leaves[i].leaf != leaf; i++)
		;
	if (i == f->n_leaves)
		f->n_leaves++;
	f->leaves[i].leaf = leaf;
	f->leaves[i].r = (struct cpuid_regs4){ a, b, c, d };
}

static inline void set_msr(struct fake_cpu *f, uint32_t msr, uint64_t val)
{
	size_t i;

	for (i = 0; i < f->n_msrs && f->msrs[i].msr != msr; i++)
		;
	if (i == f->n_msrs)
		f->n_msrs++;
	f->msrs[i].msr = msr;
	f->msrs[i].val = val;
}

static inline void drop_msr(struct fake_cpu *f, uint32_t msr)
{
	size_t i;

	for (i = 0; i < f->n_msrs; i++)
		if (f->msrs[i].msr == msr)
			f->msrs[i] = f->msrs[--f->n_msrs];
}

/* A brand "  Test CPU" padded with spaces and NULs, in 80000002-4. */
static inline void set_brand(struct fake_cpu *f)
{
	set_leaf(f, 0x80000002, 0x65542020, 0x43207473, 0x00205550, 0);
	set_leaf(f, 0x80000003, 0, 0, 0, 0);
	set_leaf(f, 0x80000004, 0, 0, 0, 0);
}

/* A VT-x processor (Coffee Lake signature 906EAh) that has all keel-hv
 * needs, VT-x enabled and locked by the firmware. Leaves are given as EAX,
 * EBX, ECX, EDX; the vendor id reads EBX-EDX-ECX ("Genu" "ineI" "ntel"). */
static inline void intel_good(struct fake_cpu *f)
{
	memset(f, 0, sizeof *f);
	set_leaf(f, 0, 0x16, 0x756E6547u, 0x6C65746Eu, 0x49656E69u);
	set_leaf(f, 1, 0x000906EA, 0, 1u << 5, 0);
	set_leaf(f, 0x80000000, 0x80000008, 0, 0, 0);
	set_leaf(f, 0x80000001, 0, 0, 0, 1u << 29);
	set_brand(f);
	set_msr(f, 0x3A, 0x5);                         /* lock, VMX on */
	set_msr(f, 0x480, 1ull << 55);                 /* true controls */
	/* Allowed-1 halves (SDM vol. 3 app. A): NMI exiting, virtual NMIs;
	 * NMI window, I/O and MSR bitmaps, secondary controls; host 64-bit,
	 * save/load PAT and EFER on exit; load PAT and EFER on entry. */
	set_msr(f, 0x48D, (uint64_t)((1u << 3) | (1u << 5)) << 32);
	set_msr(f, 0x48E, (uint64_t)((1u << 22) | (1u << 25) | (1u << 28) |
				     (1u << 31)) << 32);
	set_msr(f, 0x48F, (uint64_t)((1u << 9) | (0xfu << 18)) << 32);
	set_msr(f, 0x490, (uint64_t)((1u << 14) | (1u << 15)) << 32);
	set_msr(f, 0x48B, (uint64_t)((1u << 1) | (1u << 5) | (1u << 7)) << 32);
	/* EPT: 4-level walk, WB, 2 MiB pages; INVVPID, all-context. */
	set_msr(f, 0x48C, (1ull << 6) | (1ull << 14) | (1ull << 16) |
		(1ull << 32) | (1ull << 42));
}

/* An AMD-V processor (Vermeer signature A20F12h) with nested paging,
 * NRIP save and decode assists, SVM left on by the firmware. */
static inline void amd_good(struct fake_cpu *f)
{
	memset(f, 0, sizeof *f);
	set_leaf(f, 0, 0x10, 0x68747541u, 0x444D4163u, 0x69746E65u);
	set_leaf(f, 1, 0x00A20F12, 0, 0, 0);
	set_leaf(f, 0x80000000, 0x80000020, 0, 0, 0);
	set_leaf(f, 0x80000001, 0x00A20F12, 0, 1u << 2, 1u << 29);
	set_leaf(f, 0x8000000A, 1, 0x8000, 0, 0x89);   /* NP, NRIPS, decode */
	set_brand(f);
	set_msr(f, 0xC0010114, 0);
}

static inline void run(struct fake_cpu *f, struct cpu_report *r)
{
	struct cpu_source src = { fake_cpuid, fake_rdmsr, f, 3 };

	cpu_check(&src, r);
}

#endif
