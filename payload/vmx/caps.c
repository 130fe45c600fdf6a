/* caps.c: whether this processor's VT-x can run keel-hv (the rule of
 * keel/cpu_requirements.h, shared with keel check-cpu) and the controls
 * keel-hv runs the root session with. */
#include <stdbool.h>
#include <stdint.h>

#include "keel/cpu_requirements.h"
#include "virt_probe.h"
#include "vmx/vmx.h"

#define MSR_VMX_CR0_FIXED0 0x486u
#define MSR_VMX_CR0_FIXED1 0x487u
#define MSR_VMX_CR4_FIXED0 0x488u
#define MSR_VMX_CR4_FIXED1 0x489u

#define BASIC_REVISION 0x7fffffffu

struct vmx_caps vmx_caps;

/* A control MSR holds the bits that must be 1 in its low half and those
 * that may be 1 in its high half; want is what keel-hv would like. */
static uint32_t adjust(uint64_t msr, uint32_t want)
{
	return (want | (uint32_t)msr) & KEEL_VMX_ALLOWED1(msr);
}

/* The required controls (the shared rule made sure the processor allows
 * them), and those keel-hv takes when the processor has them: RDTSCP,
 * INVPCID, XSAVES and TPAUSE would otherwise raise #UD in the session;
 * exit.c hides what is left off from CPUID. */
static void choose_controls(const struct keel_vmx_state *s, struct vmx_caps *c)
{
	c->pin = adjust(s->pin, KEEL_VMX_PIN_REQUIRED);
	c->proc = adjust(s->proc, KEEL_VMX_PROC_REQUIRED_BITMAPS |
			 KEEL_VMX_PROC_SECONDARY);
	c->proc2 = adjust(s->proc2, KEEL_VMX_PROC2_EPT |
			  KEEL_VMX_PROC2_UNRESTRICTED | PROC2_RDTSCP |
			  PROC2_INVPCID | PROC2_XSAVES | PROC2_WAITPKG);
	if (keel_vmx_vpid_usable(s))
		c->proc2 |= KEEL_VMX_PROC2_VPID;
	c->vpid = keel_vmx_vpid_usable(s);
	c->exit = adjust(s->exit, KEEL_VMX_EXIT_REQUIRED | EXITCTL_SAVE_DEBUG);
	c->entry = adjust(s->entry, KEEL_VMX_ENTRY_REQUIRED | ENTRY_LOAD_DEBUG);
	c->ept_gib_pages = (s->ept & KEEL_EPT_1G) != 0;
	c->invept_all = (s->ept & KEEL_EPT_INVEPT) &&
			(s->ept & KEEL_EPT_INVEPT_ALL);
	c->revision = (uint32_t)s->basic & BASIC_REVISION;
}

/* The fixed CR0 and CR4 bits exist whenever VMX does; keel-hv's reader
 * never fails, a test's may, and then the probe says unusable. */
static bool read_fixed(const struct keel_cpu_io *io, struct vmx_caps *c)
{
	return io->rdmsr(io->ctx, MSR_VMX_CR0_FIXED0, &c->cr0_fixed0) == 0 &&
	       io->rdmsr(io->ctx, MSR_VMX_CR0_FIXED1, &c->cr0_fixed1) == 0 &&
	       io->rdmsr(io->ctx, MSR_VMX_CR4_FIXED0, &c->cr4_fixed0) == 0 &&
	       io->rdmsr(io->ctx, MSR_VMX_CR4_FIXED1, &c->cr4_fixed1) == 0;
}

enum virt_probe vmx_caps_probe(const struct keel_cpu_io *io,
			       struct vmx_caps *c, const char **why)
{
	struct keel_vmx_state s;
	enum virt_probe p;

	keel_vmx_read(io, &s);
	p = virt_probe_of(keel_vmx_decide(&s), KEEL_NEED_VMX, why);
	if (p != VIRT_USABLE)
		return p;
	choose_controls(&s, c);
	if (!read_fixed(io, c)) {
		*why = keel_cpu_need_text(0);
		return VIRT_UNUSABLE;
	}
	return VIRT_USABLE;
}
