/* exit.c: what keel-hv does on each #VMEXIT of the root session: CPUID,
 * the gate's ports, MSRs, SVM instructions, shutdown; all else panics. */
#include <stdbool.h>
#include <stdint.h>

#include "cpuid_policy.h"
#include "gate_io.h"
#include "log.h"
#include "panic.h"
#include "stats.h"
#include "svm/svm.h"
#include "svm/vmcb.h"
#include "x86.h"

#define VEC_UD 6
#define VEC_GP 13
#define INSN_LEN_2 2              /* CPUID, RDMSR, WRMSR, INVD: 0f xx */
#define INT_SHADOW (1ull << 0)

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

static void exit_cpuid(struct vmcb *v, struct svm_gprs *g)
{
	uint32_t leaf = (uint32_t)v->save.rax, subleaf = (uint32_t)g->rcx;
	struct cpuid_regs r;

	stats_count(KEEL_EXIT_CPUID);
	cpuid_count(leaf, subleaf, &r.eax, &r.ebx, &r.ecx, &r.edx);
	cpuid_mirror_cr4(v->save.cr4, leaf, subleaf, &r);
	cpuid_policy(leaf, subleaf, &r);
	v->save.rax = r.eax;
	g->rbx = r.ebx;
	g->rcx = r.ecx;
	g->rdx = r.edx;
	skip_to(v, v->save.rip + INSN_LEN_2);
}

/* Only the gate's ports are intercepted (gate_io.c says what an access
 * there does). EXITINFO2 holds the next RIP. */
static void exit_ioio(struct vmcb *v, struct svm_gprs *g)
{
	uint64_t info = v->ctl.exitinfo1;
	struct gate_io_access a = {
		.port = SVM_IOIO_PORT(info),
		.size = (info & SVM_IOIO_SZ8) ? 1 : (info & SVM_IOIO_SZ16) ? 2 : 4,
		.in = (info & SVM_IOIO_IN) != 0,
		.string = (info & SVM_IOIO_STR) != 0,
	};
	struct gate_regs r = { v->save.rax, g->rbx, g->rcx, g->rdx, g->rsi,
			       g->rdi };

	if (!gate_io(&a, &r)) {
		inject(v, VEC_GP, true, 0);
		return;
	}
	v->save.rax = r.rax;
	g->rbx = r.rbx;
	g->rcx = r.rcx;
	g->rdx = r.rdx;
	g->rsi = r.rsi;
	g->rdi = r.rdi;
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

/* INVD would throw away keel-hv's own dirty cache lines as well; writing
 * them back first keeps the session's view and ours (as under VT-x). */
static void exit_invd(struct vmcb *v)
{
	stats_count(KEEL_EXIT_OTHER);
	__asm__ volatile("wbinvd" : : : "memory");
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
	case SVM_EXIT_INVD:
		exit_invd(v);
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
