/* msr.c: the MSRs the root session may not simply own: which ones exit to
 * keel-hv, and what reads and writes of them do (EFER, SVM, memory decode). */
#include <stdbool.h>
#include <stdint.h>

#include "apic_base.h"
#include "log.h"
#include "svm/svm.h"
#include "x86.h"

#define MSR_SYSCFG 0xc0010010u
#define MSR_TOP_MEM 0xc001001au
#define MSR_TOP_MEM2 0xc001001du


/* MtrrFixDramEn and MtrrFixDramModEn: Linux clears the latter at boot.
 * The other SYSCFG bits decide how DRAM (ours too) is decoded. */
#define SYSCFG_SESSION_BITS ((1ull << 18) | (1ull << 19))

#define EFER_SCE (1ull << 0)
#define EFER_FFXSR (1ull << 14)
#define EFER_TCE (1ull << 15)
#define EFER_AIBRSE (1ull << 21)
#define CR0_PG (1ull << 31)

enum { MSRPM_READ = 1, MSRPM_WRITE = 2 };

/* Bits 2n (read) and 2n+1 (write) of MSR n in its 2 KiB block. */
static void msrpm_set(uint8_t *msrpm, uint32_t msr, unsigned int how)
{
	uint32_t bit;

	if (msr <= 0x1fffu)
		bit = msr * 2;
	else if (msr >= 0xc0000000u && msr <= 0xc0001fffu)
		bit = (0x2000u + (msr - 0xc0000000u)) * 2;
	else
		bit = (0x4000u + (msr - 0xc0010000u)) * 2;
	msrpm[bit / 8] |= (uint8_t)(how << (bit % 8));
}

void svm_msr_intercepts(uint8_t *msrpm)
{
	/* EFER: the session must not see or clear SVME. VM_CR and
	 * VM_HSAVE_PA: writing them could disable SVM or make the next
	 * VMRUN save our state into the session's memory. */
	msrpm_set(msrpm, MSR_EFER, MSRPM_READ | MSRPM_WRITE);
	msrpm_set(msrpm, KEEL_MSR_VM_CR, MSRPM_READ | MSRPM_WRITE);
	msrpm_set(msrpm, MSR_VM_HSAVE_PA, MSRPM_READ | MSRPM_WRITE);
	/* Moving the local APIC onto our range, or changing how DRAM is
	 * decoded, would reach hypervisor memory from below the nested page
	 * tables; reads stay the hardware's. */
	msrpm_set(msrpm, MSR_APIC_BASE, MSRPM_WRITE);
	msrpm_set(msrpm, MSR_SYSCFG, MSRPM_WRITE);
	msrpm_set(msrpm, MSR_TOP_MEM, MSRPM_WRITE);
	msrpm_set(msrpm, MSR_TOP_MEM2, MSRPM_WRITE);
}

/* The EFER bits this CPU implements that a session may set. */
static uint64_t efer_writable(void)
{
	static uint64_t mask;
	uint32_t a, b, c, d;

	if (mask)
		return mask;
	mask = EFER_SCE | EFER_SVME;
	cpuid_count(0x80000001u, 0, &a, &b, &c, &d);
	if (d & (1u << 29))
		mask |= EFER_LME | EFER_LMA;
	if (d & (1u << 20))
		mask |= EFER_NXE;
	if (d & (1u << 25))
		mask |= EFER_FFXSR;
	if (c & (1u << 17))
		mask |= EFER_TCE;
	cpuid_count(0x80000000u, 0, &a, &b, &c, &d);
	if (a >= 0x80000021u) {
		cpuid_count(0x80000021u, 0, &a, &b, &c, &d);
		if (a & (1u << 8))
			mask |= EFER_AIBRSE;
	}
	return mask;
}

/* SVME stays set whatever the session writes (VMRUN requires it); LMA
 * is the CPU's to change; LME may not change under paging, as on the
 * hardware, or the next VMRUN would refuse the state. */
static int efer_write(struct vmcb *v, uint64_t val)
{
	if (val & ~efer_writable())
		return -1;
	if ((v->save.cr0 & CR0_PG) && ((val ^ v->save.efer) & EFER_LME))
		return -1;
	v->save.efer = (val & ~(EFER_LMA | EFER_SVME)) |
		       (v->save.efer & EFER_LMA) | EFER_SVME;
	return 0;
}

/* Memory decode stays as the firmware set it; the session's other
 * changes are dropped (and logged): refusing them with #GP would crash a
 * kernel that expects the write to work. */
static int decode_write(uint32_t msr, uint64_t val, uint64_t session_bits)
{
	uint64_t cur = rdmsr(msr);
	uint64_t next = (cur & ~session_bits) | (val & session_bits);

	if (next != val)
		log_printf("root session wrote %llx to MSR %x; keeping %llx\n",
			   (unsigned long long)val, msr,
			   (unsigned long long)next);
	if (next != cur)
		wrmsr(msr, next);
	return 0;
}

int svm_msr_read(const struct vmcb *v, uint32_t msr, uint64_t *val)
{
	if (msr != MSR_EFER)
		return -1;   /* VM_CR, VM_HSAVE_PA, unmapped: as without SVM */
	*val = v->save.efer & ~EFER_SVME;
	return 0;
}

int svm_msr_write(struct vmcb *v, uint32_t msr, uint64_t val)
{
	switch (msr) {
	case MSR_EFER:
		return efer_write(v, val);
	case MSR_APIC_BASE:
		return apic_base_write(val);
	case MSR_SYSCFG:
		return decode_write(msr, val, SYSCFG_SESSION_BITS);
	case MSR_TOP_MEM:
	case MSR_TOP_MEM2:
		return decode_write(msr, val, 0);
	default:
		return -1;   /* VM_CR, VM_HSAVE_PA, unmapped: as without SVM */
	}
}
