/* exit.c: what keel-hv does on each VM exit of the root session: CPUID,
 * ports, MSRs, CR0/CR4, XSETBV, VMX instructions; all else panics. */
#include <stdbool.h>
#include <stdint.h>

#include "cpuid_policy.h"
#include "gate_io.h"
#include "log.h"
#include "panic.h"
#include "stats.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "x86.h"
#include "xcr0.h"

/* Basic exit reasons (SDM vol. 3D, appendix C). */
enum exit_reason {
	EXIT_NMI = 0, EXIT_TRIPLE_FAULT = 2, EXIT_INIT = 3,
	EXIT_NMI_WINDOW = 8, EXIT_TASK_SWITCH = 9, EXIT_CPUID = 10,
	EXIT_GETSEC = 11, EXIT_INVD = 13, EXIT_VMCALL = 18,
	EXIT_VMCLEAR = 19, EXIT_VMXON = 27, EXIT_CR = 28, EXIT_IO = 30,
	EXIT_RDMSR = 31, EXIT_WRMSR = 32, EXIT_EPT_VIOLATION = 48,
	EXIT_EPT_MISCONFIG = 49, EXIT_INVEPT = 50, EXIT_INVVPID = 53,
	EXIT_XSETBV = 55, EXIT_VMFUNC = 59,
};
#define EXIT_ENTRY_FAILED (1u << 31)
#define EXIT_BASIC 0xffffu        /* bits 27-29 flag enclave and SMM exits */

#define VEC_UD 6
#define VEC_GP 13

#define LEAF1_ECX_DTES64 (1u << 2)
#define LEAF1_ECX_DS_CPL (1u << 4)
#define LEAF1_ECX_SMX (1u << 6)
#define LEAF1_EDX_DS (1u << 21)
#define LEAF7_EBX_INVPCID (1u << 10)
#define LEAF7_EBX_PT (1u << 25)
#define LEAF7_ECX_RDPID (1u << 22)
#define LEAF7_EDX_PCONFIG (1u << 18)
#define LEAF_PT 0x14u
#define LEAF7_ECX_WAITPKG (1u << 5)
#define LEAFD1_EAX_XSAVES (1u << 3)
#define EXT1_EDX_RDTSCP (1u << 27)

_Noreturn static void exit_unexpected(const struct vmx_gprs *g,
				      uint32_t reason);

/* In real mode (unrestricted guest, CR0.PE clear) exceptions push no
 * error code, and VM entry refuses one. */
static void inject(uint8_t vector, bool has_err)
{
	if (!(vmcs_read(GUEST_CR0) & 1))
		has_err = false;
	vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION |
		   (has_err ? INTR_INFO_ERR_VALID : 0) | vector);
	if (has_err)
		vmcs_write(ENTRY_EXCEPTION_ERROR, 0);
}

/* Steps over the instruction that exited; an interrupt shadow it may
 * have been in ends with it. */
static void skip(void)
{
	uint64_t ints = vmcs_read(GUEST_INTERRUPTIBILITY);

	vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + vmcs_read(EXIT_INSN_LEN));
	if (ints & (BLOCKING_STI | BLOCKING_MOV_SS))
		vmcs_write(GUEST_INTERRUPTIBILITY,
			   ints & ~(uint64_t)(BLOCKING_STI | BLOCKING_MOV_SS));
}

static void dump_guest(const struct vmx_gprs *g)
{
	const uint64_t *r = g->r;

	log_printf("  exit reason %llx qualification %llx guest-physical %llx "
		   "idt-vectoring %llx\n",
		   (unsigned long long)vmcs_read(EXIT_REASON),
		   (unsigned long long)vmcs_read(EXIT_QUALIFICATION),
		   (unsigned long long)vmcs_read(GUEST_PHYS_ADDR),
		   (unsigned long long)vmcs_read(IDT_VECTORING_INFO));
	log_printf("  rip %llx rsp %llx rflags %llx cs %04llx interruptibility "
		   "%llx activity %llx\n",
		   (unsigned long long)vmcs_read(GUEST_RIP),
		   (unsigned long long)vmcs_read(GUEST_RSP),
		   (unsigned long long)vmcs_read(GUEST_RFLAGS),
		   (unsigned long long)vmcs_read(GUEST_CS_SEL),
		   (unsigned long long)vmcs_read(GUEST_INTERRUPTIBILITY),
		   (unsigned long long)vmcs_read(GUEST_ACTIVITY));
	log_printf("  cr0 %llx (reads %llx) cr3 %llx cr4 %llx (reads %llx) "
		   "efer %llx entry controls %llx\n",
		   (unsigned long long)vmcs_read(GUEST_CR0),
		   (unsigned long long)vmcs_read(CR0_READ_SHADOW),
		   (unsigned long long)vmcs_read(GUEST_CR3),
		   (unsigned long long)vmcs_read(GUEST_CR4),
		   (unsigned long long)vmcs_read(CR4_READ_SHADOW),
		   (unsigned long long)vmcs_read(GUEST_EFER),
		   (unsigned long long)vmcs_read(ENTRY_CONTROLS));
	log_printf("  rax %llx rbx %llx rcx %llx rdx %llx\n",
		   (unsigned long long)r[VMX_RAX], (unsigned long long)r[VMX_RBX],
		   (unsigned long long)r[VMX_RCX], (unsigned long long)r[VMX_RDX]);
	log_printf("  rsi %llx rdi %llx rbp %llx r8 %llx\n",
		   (unsigned long long)r[VMX_RSI], (unsigned long long)r[VMX_RDI],
		   (unsigned long long)r[VMX_RBP], (unsigned long long)r[8]);
}

/* What VT-x leaves off raises #UD in the session, so CPUID must not offer
 * it: RDTSCP (and RDPID), INVPCID, XSAVES and TPAUSE/UMWAIT each need a
 * control; GETSEC (SMX) and PCONFIG always raise #UD. Intel PT and the
 * debug store are hidden: their output addresses are not translated by
 * EPT while they run on in keel-hv (msr.c refuses their MSRs). */
static void hide_disabled(uint32_t leaf, uint32_t subleaf,
			  struct cpuid_regs *r)
{
	uint32_t p2 = vmx_caps.proc2;

	if (leaf == 1) {
		r->ecx &= ~(LEAF1_ECX_SMX | LEAF1_ECX_DTES64 | LEAF1_ECX_DS_CPL);
		r->edx &= ~LEAF1_EDX_DS;
	} else if (leaf == LEAF_PT) {
		r->eax = r->ebx = r->ecx = r->edx = 0;
	} else if (leaf == 7 && subleaf == 0) {
		r->ebx &= ~LEAF7_EBX_PT;
		r->edx &= ~LEAF7_EDX_PCONFIG;
		if (!(p2 & PROC2_INVPCID))
			r->ebx &= ~LEAF7_EBX_INVPCID;
		if (!(p2 & PROC2_WAITPKG))
			r->ecx &= ~LEAF7_ECX_WAITPKG;
		if (!(p2 & PROC2_RDTSCP))
			r->ecx &= ~LEAF7_ECX_RDPID;
	} else if (leaf == 0xd && subleaf == 1 && !(p2 & PROC2_XSAVES)) {
		r->eax &= ~LEAFD1_EAX_XSAVES;
	} else if (leaf == 0x80000001u && !(p2 & PROC2_RDTSCP)) {
		r->edx &= ~EXT1_EDX_RDTSCP;
	}
}

static void exit_cpuid(struct vmx_gprs *g)
{
	uint32_t leaf = (uint32_t)g->r[VMX_RAX];
	uint32_t subleaf = (uint32_t)g->r[VMX_RCX];
	struct cpuid_regs r;

	stats_count(KEEL_EXIT_CPUID);
	cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	cpuid_mirror_cr4(vmcs_read(GUEST_CR4), leaf, subleaf, &r);
	hide_disabled(leaf, subleaf, &r);
	cpuid_policy(leaf, subleaf, &r);
	g->r[VMX_RAX] = r.eax;
	g->r[VMX_RBX] = r.ebx;
	g->r[VMX_RCX] = r.ecx;
	g->r[VMX_RDX] = r.edx;
	skip();
}

/* Qualification: size - 1 in bits 2:0, IN in bit 3, string in bit 4, the
 * port in bits 31:16 (SDM table 28-5). */
static void exit_io(struct vmx_gprs *g)
{
	uint64_t q = vmcs_read(EXIT_QUALIFICATION);
	struct gate_io_access a = {
		.port = (uint16_t)(q >> 16),
		.size = (unsigned int)(q & 7) + 1,
		.in = (q & (1u << 3)) != 0,
		.string = (q & (1u << 4)) != 0,
	};
	struct gate_regs r = { g->r[VMX_RAX], g->r[VMX_RBX], g->r[VMX_RCX],
			       g->r[VMX_RDX], g->r[VMX_RSI], g->r[VMX_RDI] };

	if (!gate_io(&a, &r)) {
		inject(VEC_GP, true);
		return;
	}
	g->r[VMX_RAX] = r.rax;
	g->r[VMX_RBX] = r.rbx;
	g->r[VMX_RCX] = r.rcx;
	g->r[VMX_RDX] = r.rdx;
	g->r[VMX_RSI] = r.rsi;
	g->r[VMX_RDI] = r.rdi;
	skip();
}

/* Intercepted: the MSRs the bitmap marks and every MSR outside its
 * ranges, which do not exist for the session (#GP). */
static void exit_msr(struct vmx_gprs *g, bool write)
{
	uint32_t msr = (uint32_t)g->r[VMX_RCX];
	uint64_t val = (uint32_t)g->r[VMX_RAX] |
		       (uint64_t)(uint32_t)g->r[VMX_RDX] << 32;

	stats_count(write ? KEEL_EXIT_MSR_WRITE : KEEL_EXIT_MSR_READ);
	if (write ? vmx_msr_write(msr, val) : vmx_msr_read(msr, &val)) {
		inject(VEC_GP, true);
		return;
	}
	if (!write) {
		g->r[VMX_RAX] = (uint32_t)val;
		g->r[VMX_RDX] = val >> 32;
	}
	skip();
}

/* Only MOV to CR0/CR4 that touches a bit keel-hv owns exits
 * (qualification: CR in bits 3:0, access type in 5:4, register in 11:8). */
static void exit_cr(struct vmx_gprs *g)
{
	uint64_t q = vmcs_read(EXIT_QUALIFICATION);
	unsigned int cr = q & 0xf, type = (q >> 4) & 3, reg = (q >> 8) & 0xf;
	uint64_t val;

	stats_count(KEEL_EXIT_CR);
	if (type != 0) {
		dump_guest(g);
		panic("unexpected control register access (qualification "
		      "%llx)", (unsigned long long)q);
	}
	val = reg == VMX_RSP ? vmcs_read(GUEST_RSP) : g->r[reg];
	if (vmx_cr_write(cr, val) != 0) {
		inject(VEC_GP, true);
		return;
	}
	skip();
}

/* XCR0 is not switched: the host never uses extended state, so the
 * session's value may stay in the processor once it is a valid one. */
static void exit_xsetbv(struct vmx_gprs *g)
{
	uint32_t a, b, c, d;
	uint64_t val = (uint32_t)g->r[VMX_RAX] |
		       (uint64_t)(uint32_t)g->r[VMX_RDX] << 32;

	stats_count(KEEL_EXIT_XSETBV);
	cpuid_count(0xd, 0, &a, &b, &c, &d);
	if ((uint32_t)g->r[VMX_RCX] != 0 ||
	    !xcr0_valid(val, a | (uint64_t)d << 32)) {
		inject(VEC_GP, true);
		return;
	}
	__asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)val),
			 "d"((uint32_t)(val >> 32)));
	skip();
}

/* INVD would throw away keel-hv's own dirty cache lines as well; writing
 * them back first keeps the session's view and ours. */
static void exit_invd(void)
{
	stats_count(KEEL_EXIT_OTHER);
	__asm__ volatile("wbinvd" : : : "memory");
	skip();
}

/* The exception bitmap is empty: only an NMI of the session exits here,
 * and it goes straight back in (nmi.c). */
static void exit_nmi(const struct vmx_gprs *g)
{
	uint32_t info = (uint32_t)vmcs_read(EXIT_INTR_INFO);

	stats_count(KEEL_EXIT_OTHER);
	if ((info & INTR_TYPE_MASK) != INTR_TYPE_NMI)
		exit_unexpected(g, EXIT_NMI);
	vmx_nmi_exit();
}

_Noreturn static void exit_reset(const struct vmx_gprs *g, const char *what)
{
	log_printf("root session %s; resetting the machine\n", what);
	dump_guest(g);
	machine_reset();
}

_Noreturn static void exit_ept(const struct vmx_gprs *g, uint32_t reason)
{
	stats_count(KEEL_EXIT_NPF);
	dump_guest(g);
	panic("EPT %s at guest physical address %llx (qualification %llx): "
	      "the EPT tables map everything; stopping the root session",
	      reason == EXIT_EPT_VIOLATION ? "violation" : "misconfiguration",
	      (unsigned long long)vmcs_read(GUEST_PHYS_ADDR),
	      (unsigned long long)vmcs_read(EXIT_QUALIFICATION));
}

_Noreturn static void exit_unexpected(const struct vmx_gprs *g,
				      uint32_t reason)
{
	stats_count(KEEL_EXIT_OTHER);
	dump_guest(g);
	if (reason & EXIT_ENTRY_FAILED)
		panic("VM entry refused the root session's state (exit reason "
		      "%u, qualification %llx)", reason & 0xffff,
		      (unsigned long long)vmcs_read(EXIT_QUALIFICATION));
	panic("unexpected VM exit %u from the root session", reason);
}

/* An exit during event delivery leaves the event in the IDT-vectoring
 * information: it must be delivered on the next entry or it is lost. */
static void prepare_event(void)
{
	uint32_t info = (uint32_t)vmcs_read(IDT_VECTORING_INFO);
	uint32_t type = info & INTR_TYPE_MASK;

	if (!(info & INTR_INFO_VALID))
		return;
	vmcs_write(ENTRY_INTR_INFO, info & ~(1u << 12));
	if (info & INTR_INFO_ERR_VALID)
		vmcs_write(ENTRY_EXCEPTION_ERROR,
			   vmcs_read(IDT_VECTORING_ERROR));
	if (type == INTR_TYPE_SOFT_INT || type == INTR_TYPE_PRIV_SOFT ||
	    type == INTR_TYPE_SOFT_EXC)
		vmcs_write(ENTRY_INSN_LEN, vmcs_read(EXIT_INSN_LEN));
}

static bool is_vmx_insn(uint32_t reason)
{
	return reason == EXIT_GETSEC || reason == EXIT_VMCALL ||
	       (reason >= EXIT_VMCLEAR && reason <= EXIT_VMXON) ||
	       reason == EXIT_INVEPT || reason == EXIT_INVVPID ||
	       reason == EXIT_VMFUNC;
}

void vmx_handle_exit(struct vmx_gprs *g)
{
	uint32_t reason = (uint32_t)vmcs_read(EXIT_REASON);

	if (reason & EXIT_ENTRY_FAILED)
		exit_unexpected(g, reason);
	reason &= EXIT_BASIC;
	prepare_event();
	if (is_vmx_insn(reason)) {
		stats_count(KEEL_EXIT_VIRT_INSN);
		inject(VEC_UD, false);
		return;
	}
	switch (reason) {
	case EXIT_CPUID:
		exit_cpuid(g);
		break;
	case EXIT_IO:
		exit_io(g);
		break;
	case EXIT_RDMSR:
	case EXIT_WRMSR:
		exit_msr(g, reason == EXIT_WRMSR);
		break;
	case EXIT_CR:
		exit_cr(g);
		break;
	case EXIT_XSETBV:
		exit_xsetbv(g);
		break;
	case EXIT_INVD:
		exit_invd();
		break;
	case EXIT_NMI:
		exit_nmi(g);
		break;
	case EXIT_NMI_WINDOW:
		stats_count(KEEL_EXIT_OTHER);   /* nmi.c injects it next */
		break;
	case EXIT_TRIPLE_FAULT:
		stats_count(KEEL_EXIT_SHUTDOWN);
		exit_reset(g, "triple fault (shutdown)");
	case EXIT_INIT:
		stats_count(KEEL_EXIT_OTHER);
		exit_reset(g, "received INIT");
	case EXIT_TASK_SWITCH:
		/* Always an exit under VT-x; keel-hv does not emulate hardware
		 * task switches (only 32-bit kernels use them, on #DF). */
		stats_count(KEEL_EXIT_OTHER);
		exit_reset(g, "attempted a hardware task switch, which keel-hv "
			   "does not emulate");
	case EXIT_EPT_VIOLATION:
	case EXIT_EPT_MISCONFIG:
		exit_ept(g, reason);
	default:
		exit_unexpected(g, reason);
	}
}
