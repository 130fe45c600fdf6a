/* exit.c: what keel-hv does on each #VMEXIT of the root session: CPUID,
 * the hypercall gate, EFER, SVM instructions, shutdown; all else panics. */
#include <stdbool.h>
#include <stdint.h>

#include "cpuid_policy.h"
#include "gate.h"
#include "log.h"
#include "panic.h"
#include "stats.h"
#include "svm/svm.h"
#include "svm/vmcb.h"
#include "x86.h"

#define VEC_UD 6
#define VEC_GP 13
#define INSN_LEN_2 2              /* CPUID, RDMSR, WRMSR: 0f xx */
#define INT_SHADOW (1ull << 0)

#define LEAF1_ECX_XSAVE (1u << 26)
#define LEAF1_ECX_OSXSAVE (1u << 27)
#define LEAF7_ECX_PKU (1u << 3)
#define LEAF7_ECX_OSPKE (1u << 4)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE (1ull << 22)

static void inject(struct vmcb *v, uint8_t vector, bool has_err, uint32_t err)
{
	v->ctl.eventinj = SVM_EVT_VALID | SVM_EVT_EXCEPTION | vector;
	if (has_err)
		v->ctl.eventinj |= SVM_EVT_ERR_VALID | SVM_EVT_ERR(err);
}

/* Without NRIP save we step over an instruction ourselves; an interrupt
 * shadow it may have been in ends with it. */
static void skip_to(struct vmcb *v, uint64_t next_rip)
{
	v->save.rip = next_rip;
	v->ctl.int_state &= ~INT_SHADOW;
}

static void dump_guest(const struct vmcb *v, const struct svm_gprs *g)
{
	const struct vmcb_save *s = &v->save;

	log_printf("  exitcode %llx exitinfo1 %llx exitinfo2 %llx "
		   "exitintinfo %llx\n", (unsigned long long)v->ctl.exitcode,
		   (unsigned long long)v->ctl.exitinfo1,
		   (unsigned long long)v->ctl.exitinfo2,
		   (unsigned long long)v->ctl.exitintinfo);
	log_printf("  rip %llx rsp %llx rflags %llx cs %04x cpl %u\n",
		   (unsigned long long)s->rip, (unsigned long long)s->rsp,
		   (unsigned long long)s->rflags, s->cs.selector, s->cpl);
	log_printf("  cr0 %llx cr2 %llx cr3 %llx cr4 %llx efer %llx\n",
		   (unsigned long long)s->cr0, (unsigned long long)s->cr2,
		   (unsigned long long)s->cr3, (unsigned long long)s->cr4,
		   (unsigned long long)s->efer);
	log_printf("  rax %llx rbx %llx rcx %llx rdx %llx\n",
		   (unsigned long long)s->rax, (unsigned long long)g->rbx,
		   (unsigned long long)g->rcx, (unsigned long long)g->rdx);
	log_printf("  rsi %llx rdi %llx rbp %llx r8 %llx\n",
		   (unsigned long long)g->rsi, (unsigned long long)g->rdi,
		   (unsigned long long)g->rbp, (unsigned long long)g->r8);
}

/* CPUID runs in the host, so the bits that mirror CR4 show the host's
 * CR4; the session must see its own. */
static void mirror_guest_cr4(const struct vmcb *v, uint32_t leaf,
			     uint32_t subleaf, struct cpuid_regs *r)
{
	if (leaf == 1 && (r->ecx & LEAF1_ECX_XSAVE)) {
		r->ecx &= ~LEAF1_ECX_OSXSAVE;
		if (v->save.cr4 & CR4_OSXSAVE)
			r->ecx |= LEAF1_ECX_OSXSAVE;
	}
	if (leaf == 7 && subleaf == 0 && (r->ecx & LEAF7_ECX_PKU)) {
		r->ecx &= ~LEAF7_ECX_OSPKE;
		if (v->save.cr4 & CR4_PKE)
			r->ecx |= LEAF7_ECX_OSPKE;
	}
}

static void exit_cpuid(struct vmcb *v, struct svm_gprs *g)
{
	uint32_t leaf = (uint32_t)v->save.rax, subleaf = (uint32_t)g->rcx;
	struct cpuid_regs r;

	stats_count(KEEL_EXIT_CPUID);
	cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	mirror_guest_cr4(v, leaf, subleaf, &r);
	cpuid_policy(leaf, subleaf, &r);
	v->save.rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	skip_to(v, v->save.rip + INSN_LEN_2);
}

static void gate(struct vmcb *v, struct svm_gprs *g)
{
	struct gate_regs r = { v->save.rax, g->rbx, g->rcx, g->rdx, g->rsi,
			       g->rdi };

	gate_call(&r);
	v->save.rax = r.rax;
	g->rbx = r.rbx;
	g->rcx = r.rcx;
	g->rdx = r.rdx;
	g->rsi = r.rsi;
	g->rdi = r.rdi;
}

/* Any other access to the gate's ports is the hardware's: a device may
 * decode them. keel-hv does it for the session, as the session asked. */
static void forward_io(struct vmcb *v, uint64_t info)
{
	uint16_t port = (uint16_t)SVM_IOIO_PORT(info);
	uint64_t rax = v->save.rax;

	if (info & SVM_IOIO_IN) {
		if (info & SVM_IOIO_SZ8)
			v->save.rax = (rax & ~0xffull) | inb(port);
		else if (info & SVM_IOIO_SZ16)
			v->save.rax = (rax & ~0xffffull) | inw(port);
		else
			v->save.rax = inl(port);
	} else if (info & SVM_IOIO_SZ8) {
		outb(port, (uint8_t)rax);
	} else if (info & SVM_IOIO_SZ16) {
		outw(port, (uint16_t)rax);
	} else {
		outl(port, (uint32_t)rax);
	}
}

/* Only the gate's ports are intercepted; the one hypercall is a 32-bit
 * OUT to gate_port itself. String I/O there would need the session's
 * memory through its page tables: it gets #GP instead (no driver uses
 * it on a port keel-hv claimed). EXITINFO2 holds the next RIP. */
static void exit_ioio(struct vmcb *v, struct svm_gprs *g)
{
	uint64_t info = v->ctl.exitinfo1;
	uint64_t kind = info & (SVM_IOIO_IN | SVM_IOIO_STR | SVM_IOIO_REP |
				SVM_IOIO_SZ8 | SVM_IOIO_SZ16 | SVM_IOIO_SZ32);

	if (SVM_IOIO_PORT(info) == gate_port && kind == SVM_IOIO_SZ32) {
		stats_count(KEEL_EXIT_GATE);
		gate(v, g);
	} else {
		stats_count(KEEL_EXIT_GATE_BAD);
		if (info & SVM_IOIO_STR) {
			inject(v, VEC_GP, true, 0);
			return;
		}
		forward_io(v, info);
	}
	skip_to(v, v->ctl.exitinfo2);
}

/* Intercepted: the MSRs the MSRPM marks and every MSR outside its
 * ranges, which the CPU always intercepts: those do not exist for the
 * session (#GP). */
static void exit_msr(struct vmcb *v, struct svm_gprs *g)
{
	uint32_t msr = (uint32_t)g->rcx;
	uint64_t val;

	if (v->ctl.exitinfo1 & 1) {
		stats_count(KEEL_EXIT_MSR_WRITE);
		val = (uint32_t)v->save.rax | (uint64_t)(uint32_t)g->rdx << 32;
		if (svm_msr_write(v, msr, val) != 0) {
			inject(v, VEC_GP, true, 0);
			return;
		}
	} else {
		stats_count(KEEL_EXIT_MSR_READ);
		if (svm_msr_read(v, msr, &val) != 0) {
			inject(v, VEC_GP, true, 0);
			return;
		}
		v->save.rax = (uint32_t)val;
		g->rdx = val >> 32;
	}
	skip_to(v, v->save.rip + INSN_LEN_2);
}

_Noreturn static void exit_shutdown(const struct vmcb *v,
				    const struct svm_gprs *g)
{
	stats_count(KEEL_EXIT_SHUTDOWN);
	log_printf("root session triple fault (shutdown); resetting the "
		   "machine\n");
	dump_guest(v, g);
	machine_reset();
}

_Noreturn static void exit_npf(const struct vmcb *v, const struct svm_gprs *g)
{
	stats_count(KEEL_EXIT_NPF);
	dump_guest(v, g);
	panic("nested page fault at guest physical address %llx (error code "
	      "%llx): the nested page tables map everything",
	      (unsigned long long)v->ctl.exitinfo2,
	      (unsigned long long)v->ctl.exitinfo1);
}

_Noreturn static void exit_unexpected(const struct vmcb *v,
				      const struct svm_gprs *g)
{
	stats_count(KEEL_EXIT_OTHER);
	dump_guest(v, g);
	if (v->ctl.exitcode == SVM_EXIT_INVALID)
		panic("VMRUN refused the root session's state "
		      "(VMEXIT_INVALID)");
	panic("unexpected #VMEXIT %llx from the root session",
	      (unsigned long long)v->ctl.exitcode);
}

/* An exit during event delivery leaves the event in EXITINTINFO: it must
 * be delivered on the next VMRUN or the session loses it. */
static void prepare_event(struct vmcb *v)
{
	v->ctl.eventinj = 0;
	if (v->ctl.exitintinfo & SVM_EVT_VALID)
		v->ctl.eventinj = v->ctl.exitintinfo;
}

void svm_handle_exit(struct vmcb *v, struct svm_gprs *g)
{
	prepare_event(v);
	switch (v->ctl.exitcode) {
	case SVM_EXIT_CPUID:
		exit_cpuid(v, g);
		break;
	case SVM_EXIT_IOIO:
		exit_ioio(v, g);
		break;
	case SVM_EXIT_MSR:
		exit_msr(v, g);
		break;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMMCALL:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
		stats_count(KEEL_EXIT_VIRT_INSN);
		inject(v, VEC_UD, false, 0);
		break;
	case SVM_EXIT_SHUTDOWN:
		exit_shutdown(v, g);
	case SVM_EXIT_NPF:
		exit_npf(v, g);
	default:
		exit_unexpected(v, g);
	}
}
