/* keel/cpu_requirements.h: what keel-hv needs from a processor, and the one
 * decision over raw CPUID and MSR values that keel check-cpu and keel-hv's
 * own probe both make. Freestanding: integers and static inline only. */
#ifndef KEEL_CPU_REQUIREMENTS_H
#define KEEL_CPU_REQUIREMENTS_H

/* Without suffixes, so that assembly (boot/entry.S) can use them too. */
#define KEEL_CPUID_EXT_MAX       0x80000000
#define KEEL_CPUID_EXT_FEATURES  0x80000001
#define KEEL_CPUID_EXT1_EDX_LM   (1 << 29)   /* 64-bit long mode */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* CPUID (Intel SDM vol. 2A "CPUID"; AMD APM vol. 3 app. E). */
#define KEEL_CPUID_FEATURES      0x00000001u
#define KEEL_CPUID1_ECX_VMX      (1u << 5)
#define KEEL_CPUID_EXT1_ECX_SVM  (1u << 2)
#define KEEL_CPUID_SVM           0x8000000Au
#define KEEL_CPUID_SVM_EDX_NP    (1u << 0)    /* nested paging */

/* VT-x MSRs and bits (Intel SDM vol. 3 ch. 24, 25 and app. A). */
#define KEEL_MSR_FEATURE_CONTROL       0x0000003Au
#define KEEL_FC_LOCK                   (1ull << 0)
#define KEEL_FC_VMX_INSIDE_SMX         (1ull << 1)
#define KEEL_FC_VMX_OUTSIDE_SMX        (1ull << 2)
#define KEEL_MSR_VMX_BASIC             0x00000480u
#define KEEL_MSR_VMX_PROCBASED2        0x0000048Bu
#define KEEL_MSR_VMX_EPT_VPID_CAP      0x0000048Cu
#define KEEL_MSR_VMX_TRUE_PINBASED     0x0000048Du
#define KEEL_MSR_VMX_TRUE_PROCBASED    0x0000048Eu
#define KEEL_MSR_VMX_TRUE_EXIT         0x0000048Fu
#define KEEL_MSR_VMX_TRUE_ENTRY        0x00000490u
#define KEEL_VMX_BASIC_TRUE_CTLS       (1ull << 55)

/* Control bits; a control MSR's high half says which may be 1. */
#define KEEL_VMX_ALLOWED1(msr)         ((uint32_t)((msr) >> 32))
#define KEEL_VMX_PIN_NMI_EXITING       (1u << 3)
#define KEEL_VMX_PIN_VIRTUAL_NMIS      (1u << 5)
#define KEEL_VMX_PROC_NMI_WINDOW       (1u << 22)
#define KEEL_VMX_PROC_USE_IO_BITMAPS   (1u << 25)
#define KEEL_VMX_PROC_USE_MSR_BITMAPS  (1u << 28)
#define KEEL_VMX_PROC_SECONDARY        (1u << 31)
#define KEEL_VMX_PROC2_EPT             (1u << 1)
#define KEEL_VMX_PROC2_VPID            (1u << 5)
#define KEEL_VMX_PROC2_UNRESTRICTED    (1u << 7)
#define KEEL_VMX_EXIT_HOST_64          (1u << 9)
#define KEEL_VMX_EXIT_SAVE_PAT         (1u << 18)
#define KEEL_VMX_EXIT_LOAD_PAT         (1u << 19)
#define KEEL_VMX_EXIT_SAVE_EFER        (1u << 20)
#define KEEL_VMX_EXIT_LOAD_EFER        (1u << 21)
#define KEEL_VMX_ENTRY_LOAD_PAT        (1u << 14)
#define KEEL_VMX_ENTRY_LOAD_EFER       (1u << 15)
#define KEEL_EPT_WALK_4                (1ull << 6)
#define KEEL_EPT_WB                    (1ull << 14)
#define KEEL_EPT_2M                    (1ull << 16)
#define KEEL_EPT_1G                    (1ull << 17)
#define KEEL_EPT_INVEPT                (1ull << 20)
#define KEEL_EPT_INVEPT_ALL            (1ull << 26)
#define KEEL_VPID_INVVPID              (1ull << 32)
#define KEEL_VPID_INVVPID_ALL          (1ull << 42)

/* The controls keel-hv cannot run the root session without: NMIs exit and
 * virtual NMIs give the window exit; the gate and the MSR rules need the
 * bitmaps; EFER and PAT switch on entry and exit. */
#define KEEL_VMX_PIN_REQUIRED \
	(KEEL_VMX_PIN_NMI_EXITING | KEEL_VMX_PIN_VIRTUAL_NMIS)
#define KEEL_VMX_PROC_REQUIRED_BITMAPS \
	(KEEL_VMX_PROC_USE_IO_BITMAPS | KEEL_VMX_PROC_USE_MSR_BITMAPS)
#define KEEL_VMX_EXIT_REQUIRED \
	(KEEL_VMX_EXIT_HOST_64 | KEEL_VMX_EXIT_SAVE_PAT | \
	 KEEL_VMX_EXIT_LOAD_PAT | KEEL_VMX_EXIT_SAVE_EFER | \
	 KEEL_VMX_EXIT_LOAD_EFER)
#define KEEL_VMX_ENTRY_REQUIRED \
	(KEEL_VMX_ENTRY_LOAD_PAT | KEEL_VMX_ENTRY_LOAD_EFER)

/* AMD-V MSR (AMD APM vol. 2 ch. 15.30). */
#define KEEL_MSR_VM_CR                 0xC0010114u
#define KEEL_VM_CR_LOCK                (1ull << 3)
#define KEEL_VM_CR_SVMDIS              (1ull << 4)

/* Each requirement is a bit; lower bits are reported first. Those of
 * KEEL_NEED_FIRMWARE the firmware setup can grant, the rest the processor
 * has or lacks. */
enum keel_cpu_need {
	KEEL_NEED_VMX = 1u << 0,            /* CPUID.1:ECX.VMX */
	KEEL_NEED_VMX_TRUE_CTLS = 1u << 1,  /* IA32_VMX_BASIC[55] */
	KEEL_NEED_VMX_NMI = 1u << 2,        /* NMI exiting, virtual NMIs, window */
	KEEL_NEED_VMX_BITMAPS = 1u << 3,    /* I/O and MSR bitmaps */
	KEEL_NEED_VMX_SECONDARY = 1u << 4,  /* secondary controls */
	KEEL_NEED_EPT = 1u << 5,
	KEEL_NEED_UNRESTRICTED = 1u << 6,   /* unrestricted guest */
	KEEL_NEED_VMX_EFER_PAT = 1u << 7,   /* load/save EFER, PAT */
	KEEL_NEED_EPT_WALK_4 = 1u << 8,
	KEEL_NEED_EPT_WB = 1u << 9,         /* write-back paging structures */
	KEEL_NEED_EPT_2M = 1u << 10,        /* 2 MiB EPT pages */
	KEEL_NEED_SVM = 1u << 11,           /* CPUID 80000001h:ECX.SVM */
	KEEL_NEED_NPT = 1u << 12,           /* CPUID 8000000Ah:EDX.NP */
	KEEL_NEED_VMX_FIRMWARE = 1u << 13,  /* IA32_FEATURE_CONTROL */
	KEEL_NEED_SVM_FIRMWARE = 1u << 14,  /* VM_CR.SVMDIS clear */
};
#define KEEL_NEED_FIRMWARE (KEEL_NEED_VMX_FIRMWARE | KEEL_NEED_SVM_FIRMWARE)

/* missing: what the processor (or its firmware) was seen to lack;
 * unknown: what could not be read, so neither seen nor ruled out. */
struct keel_cpu_verdict {
	uint32_t missing;
	uint32_t unknown;
};

/* Ordered best to worst, like keel check-cpu's verdicts. */
enum keel_cpu_fit {
	KEEL_CPU_FITS = 0,
	KEEL_CPU_FIT_UNKNOWN,
	KEEL_CPU_FIT_DISABLED,      /* only the firmware stands in the way */
	KEEL_CPU_FIT_LACKING,       /* the processor lacks something */
};

static inline enum keel_cpu_fit keel_cpu_fit(struct keel_cpu_verdict v)
{
	if (v.missing & ~(uint32_t)KEEL_NEED_FIRMWARE)
		return KEEL_CPU_FIT_LACKING;
	if (v.missing)
		return KEEL_CPU_FIT_DISABLED;
	return v.unknown ? KEEL_CPU_FIT_UNKNOWN : KEEL_CPU_FITS;
}

/* The lowest requirement in mask, or 0. */
static inline uint32_t keel_cpu_need_first(uint32_t mask)
{
	return mask & (~mask + 1u);
}

/* --- reading: only what exists, as the SDM and APM say ---------------- */

struct keel_cpuid {
	uint32_t eax, ebx, ecx, edx;
};

/* How a check reads the processor: keel-hv's instructions, which never
 * fail, or keel check-cpu's /dev/cpu/N and dump files, which may (-1). */
struct keel_cpu_io {
	int (*cpuid)(void *ctx, uint32_t leaf, struct keel_cpuid *out);
	int (*rdmsr)(void *ctx, uint32_t msr, uint64_t *val);
	void *ctx;
};

/* Which values of a state below were read. */
enum keel_cpu_read {
	KEEL_READ_LEAF1 = 1u << 0,
	KEEL_READ_FC = 1u << 1,
	KEEL_READ_BASIC = 1u << 2,
	KEEL_READ_PIN = 1u << 3,
	KEEL_READ_PROC = 1u << 4,
	KEEL_READ_PROC2 = 1u << 5,
	KEEL_READ_EXIT = 1u << 6,
	KEEL_READ_ENTRY = 1u << 7,
	KEEL_READ_EPT = 1u << 8,
	KEEL_READ_EXT = 1u << 9,       /* 80000000h and 80000001h */
	KEEL_READ_SVM_LEAF = 1u << 10,
	KEEL_READ_VM_CR = 1u << 11,
};

struct keel_vmx_state {
	uint32_t read;                 /* KEEL_READ_* */
	uint32_t leaf1_ecx;
	uint64_t feature_control, basic, pin, proc, proc2, exit, entry, ept;
};

struct keel_svm_state {
	uint32_t read;                 /* KEEL_READ_* */
	uint32_t ext_max, ext1_ecx;
	struct keel_cpuid svm_leaf;    /* 8000000Ah; zeros above ext_max */
	uint64_t vm_cr;
};

static inline void keel_read_msr(const struct keel_cpu_io *io, uint32_t msr,
				 uint64_t *val, uint32_t *read, uint32_t bit)
{
	if (io->rdmsr(io->ctx, msr, val) == 0)
		*read |= bit;
	else
		*val = 0;      /* what is not read counts as no capability */
}

/* RDMSR of a capability MSR the processor lacks faults: the true controls
 * exist only with BASIC[55], PROCBASED2 only with the secondary control,
 * EPT_VPID_CAP only with EPT or VPID allowed. */
static inline void keel_vmx_read(const struct keel_cpu_io *io,
				 struct keel_vmx_state *s)
{
	struct keel_cpuid q = { 0, 0, 0, 0 };

	*s = (struct keel_vmx_state){ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	if (io->cpuid(io->ctx, KEEL_CPUID_FEATURES, &q) != 0)
		return;
	s->read |= KEEL_READ_LEAF1;
	s->leaf1_ecx = q.ecx;
	if (!(s->leaf1_ecx & KEEL_CPUID1_ECX_VMX))
		return;
	keel_read_msr(io, KEEL_MSR_FEATURE_CONTROL, &s->feature_control,
		      &s->read, KEEL_READ_FC);
	keel_read_msr(io, KEEL_MSR_VMX_BASIC, &s->basic, &s->read,
		      KEEL_READ_BASIC);
	if (!(s->basic & KEEL_VMX_BASIC_TRUE_CTLS))
		return;
	keel_read_msr(io, KEEL_MSR_VMX_TRUE_PINBASED, &s->pin, &s->read,
		      KEEL_READ_PIN);
	keel_read_msr(io, KEEL_MSR_VMX_TRUE_PROCBASED, &s->proc, &s->read,
		      KEEL_READ_PROC);
	keel_read_msr(io, KEEL_MSR_VMX_TRUE_EXIT, &s->exit, &s->read,
		      KEEL_READ_EXIT);
	keel_read_msr(io, KEEL_MSR_VMX_TRUE_ENTRY, &s->entry, &s->read,
		      KEEL_READ_ENTRY);
	if (!(KEEL_VMX_ALLOWED1(s->proc) & KEEL_VMX_PROC_SECONDARY))
		return;
	keel_read_msr(io, KEEL_MSR_VMX_PROCBASED2, &s->proc2, &s->read,
		      KEEL_READ_PROC2);
	if (KEEL_VMX_ALLOWED1(s->proc2) &
	    (KEEL_VMX_PROC2_EPT | KEEL_VMX_PROC2_VPID))
		keel_read_msr(io, KEEL_MSR_VMX_EPT_VPID_CAP, &s->ept, &s->read,
			      KEEL_READ_EPT);
}

/* Leaves above the extended maximum are not asked: the processor would
 * answer them with another leaf's values. */
static inline void keel_svm_read(const struct keel_cpu_io *io,
				 struct keel_svm_state *s)
{
	struct keel_cpuid q = { 0, 0, 0, 0 };

	*s = (struct keel_svm_state){ 0, 0, 0, { 0, 0, 0, 0 }, 0 };
	if (io->cpuid(io->ctx, KEEL_CPUID_EXT_MAX, &q) != 0)
		return;
	if ((q.eax & 0xffff0000u) == KEEL_CPUID_EXT_MAX)
		s->ext_max = q.eax;
	if (s->ext_max >= KEEL_CPUID_EXT_FEATURES &&
	    io->cpuid(io->ctx, KEEL_CPUID_EXT_FEATURES, &q) != 0)
		return;
	s->read |= KEEL_READ_EXT;
	if (s->ext_max >= KEEL_CPUID_EXT_FEATURES)
		s->ext1_ecx = q.ecx;
	if (!(s->ext1_ecx & KEEL_CPUID_EXT1_ECX_SVM))
		return;
	if (s->ext_max < KEEL_CPUID_SVM)
		s->read |= KEEL_READ_SVM_LEAF;      /* reads as zeros */
	else if (io->cpuid(io->ctx, KEEL_CPUID_SVM, &s->svm_leaf) == 0)
		s->read |= KEEL_READ_SVM_LEAF;
	else
		s->svm_leaf = (struct keel_cpuid){ 0, 0, 0, 0 };
	keel_read_msr(io, KEEL_MSR_VM_CR, &s->vm_cr, &s->read, KEEL_READ_VM_CR);
}

/* --- deciding ------------------------------------------------------------ */

/* One requirement: unknown unless all its inputs were read, else met or
 * not. */
static inline void keel_need(struct keel_cpu_verdict *v, uint32_t read,
			     uint32_t inputs, bool met, uint32_t need)
{
	if ((read & inputs) != inputs)
		v->unknown |= need;
	else if (!met)
		v->missing |= need;
}

/* Locked with VMX outside SMX clear: only the firmware setup can switch
 * VT-x on. Unlocked, keel-hv sets the bit and locks it itself. */
static inline bool keel_vmx_firmware_allows(uint64_t feature_control)
{
	return !(feature_control & KEEL_FC_LOCK) ||
	       (feature_control & KEEL_FC_VMX_OUTSIDE_SMX);
}

static inline void keel_vmx_decide_ept(const struct keel_vmx_state *s,
				       struct keel_cpu_verdict *v)
{
	keel_need(v, s->read, KEEL_READ_EPT, (s->ept & KEEL_EPT_WALK_4) != 0,
		  KEEL_NEED_EPT_WALK_4);
	keel_need(v, s->read, KEEL_READ_EPT, (s->ept & KEEL_EPT_WB) != 0,
		  KEEL_NEED_EPT_WB);
	keel_need(v, s->read, KEEL_READ_EPT, (s->ept & KEEL_EPT_2M) != 0,
		  KEEL_NEED_EPT_2M);
}

/* What a requirement that was not met hides is not asked: without the
 * true controls there are no control MSRs to judge. */
static inline struct keel_cpu_verdict
keel_vmx_decide(const struct keel_vmx_state *s)
{
	struct keel_cpu_verdict v = { 0, 0 };
	uint32_t proc = KEEL_VMX_ALLOWED1(s->proc);
	uint32_t proc2 = KEEL_VMX_ALLOWED1(s->proc2);

	keel_need(&v, s->read, KEEL_READ_LEAF1,
		  (s->leaf1_ecx & KEEL_CPUID1_ECX_VMX) != 0, KEEL_NEED_VMX);
	if (v.missing || v.unknown)
		return v;
	keel_need(&v, s->read, KEEL_READ_FC,
		  keel_vmx_firmware_allows(s->feature_control),
		  KEEL_NEED_VMX_FIRMWARE);
	keel_need(&v, s->read, KEEL_READ_BASIC,
		  (s->basic & KEEL_VMX_BASIC_TRUE_CTLS) != 0,
		  KEEL_NEED_VMX_TRUE_CTLS);
	if (!(s->read & KEEL_READ_BASIC) || (v.missing & KEEL_NEED_VMX_TRUE_CTLS))
		return v;
	keel_need(&v, s->read, KEEL_READ_PIN | KEEL_READ_PROC,
		  (KEEL_VMX_ALLOWED1(s->pin) & KEEL_VMX_PIN_REQUIRED) ==
		  KEEL_VMX_PIN_REQUIRED && (proc & KEEL_VMX_PROC_NMI_WINDOW),
		  KEEL_NEED_VMX_NMI);
	keel_need(&v, s->read, KEEL_READ_PROC,
		  (proc & KEEL_VMX_PROC_REQUIRED_BITMAPS) ==
		  KEEL_VMX_PROC_REQUIRED_BITMAPS, KEEL_NEED_VMX_BITMAPS);
	keel_need(&v, s->read, KEEL_READ_PROC,
		  (proc & KEEL_VMX_PROC_SECONDARY) != 0,
		  KEEL_NEED_VMX_SECONDARY);
	keel_need(&v, s->read, KEEL_READ_EXIT | KEEL_READ_ENTRY,
		  (KEEL_VMX_ALLOWED1(s->exit) & KEEL_VMX_EXIT_REQUIRED) ==
		  KEEL_VMX_EXIT_REQUIRED &&
		  (KEEL_VMX_ALLOWED1(s->entry) & KEEL_VMX_ENTRY_REQUIRED) ==
		  KEEL_VMX_ENTRY_REQUIRED, KEEL_NEED_VMX_EFER_PAT);
	if (!(s->read & KEEL_READ_PROC) || !(proc & KEEL_VMX_PROC_SECONDARY))
		return v;
	keel_need(&v, s->read, KEEL_READ_PROC2,
		  (proc2 & KEEL_VMX_PROC2_EPT) != 0, KEEL_NEED_EPT);
	keel_need(&v, s->read, KEEL_READ_PROC2,
		  (proc2 & KEEL_VMX_PROC2_UNRESTRICTED) != 0,
		  KEEL_NEED_UNRESTRICTED);
	if ((s->read & KEEL_READ_PROC2) && (proc2 & KEEL_VMX_PROC2_EPT))
		keel_vmx_decide_ept(s, &v);
	return v;
}

static inline struct keel_cpu_verdict
keel_svm_decide(const struct keel_svm_state *s)
{
	struct keel_cpu_verdict v = { 0, 0 };

	keel_need(&v, s->read, KEEL_READ_EXT,
		  (s->ext1_ecx & KEEL_CPUID_EXT1_ECX_SVM) != 0, KEEL_NEED_SVM);
	if (v.missing || v.unknown)
		return v;
	keel_need(&v, s->read, KEEL_READ_SVM_LEAF,
		  (s->svm_leaf.edx & KEEL_CPUID_SVM_EDX_NP) != 0,
		  KEEL_NEED_NPT);
	keel_need(&v, s->read, KEEL_READ_VM_CR,
		  !(s->vm_cr & KEEL_VM_CR_SVMDIS), KEEL_NEED_SVM_FIRMWARE);
	return v;
}

/* VPID is optional; keel-hv uses it only with INVVPID all-context, which
 * drops the session's tagged translations after a CR write it emulates. */
static inline bool keel_vmx_vpid_usable(const struct keel_vmx_state *s)
{
	return (s->read & KEEL_READ_EPT) &&
	       (KEEL_VMX_ALLOWED1(s->proc2) & KEEL_VMX_PROC2_VPID) &&
	       (s->ept & KEEL_VPID_INVVPID) && (s->ept & KEEL_VPID_INVVPID_ALL);
}

/* keel-hv's serial-line text for one requirement (check-cpu has its own,
 * translated and with advice). */
static inline const char *keel_cpu_need_text(uint32_t need)
{
	switch (need) {
	case KEEL_NEED_VMX: return "the processor has no VT-x (VMX)";
	case KEEL_NEED_VMX_TRUE_CTLS:
		return "VT-x without the true controls is not supported";
	case KEEL_NEED_VMX_NMI:
		return "VT-x without virtual NMIs is not supported";
	case KEEL_NEED_VMX_BITMAPS:
		return "VT-x without I/O and MSR bitmaps is not supported";
	case KEEL_NEED_VMX_SECONDARY:
		return "VT-x without secondary controls (so without EPT) is "
		       "not supported";
	case KEEL_NEED_EPT:
		return "VT-x without EPT (extended page tables) is not "
		       "supported";
	case KEEL_NEED_UNRESTRICTED:
		return "VT-x without unrestricted guest is not supported";
	case KEEL_NEED_VMX_EFER_PAT:
		return "VT-x cannot switch EFER and PAT on entry and exit";
	case KEEL_NEED_EPT_WALK_4:
		return "EPT without 4-level tables is not supported";
	case KEEL_NEED_EPT_WB:
		return "EPT without write-back tables is not supported";
	case KEEL_NEED_EPT_2M:
		return "EPT without 2 MiB pages is not supported";
	case KEEL_NEED_SVM: return "the processor has no AMD-V (SVM)";
	case KEEL_NEED_NPT:
		return "AMD-V without nested paging (NPT) is not supported";
	case KEEL_NEED_VMX_FIRMWARE:
		return "VT-x is disabled in the firmware setup "
		       "(IA32_FEATURE_CONTROL)";
	case KEEL_NEED_SVM_FIRMWARE:
		return "AMD-V is disabled in the firmware setup (VM_CR.SVMDIS)";
	}
	return "a processor feature keel-hv needs could not be read";
}

#endif
#endif
