/* caps.c: what the processor's VT-x can do (the capability MSRs) and the
 * controls keel-hv runs the root session with, or why it cannot. */
#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmx.h"
#include "x86.h"

#define MSR_VMX_TRUE_PIN 0x48du
#define MSR_VMX_TRUE_PROC 0x48eu
#define MSR_VMX_TRUE_EXIT 0x48fu
#define MSR_VMX_TRUE_ENTRY 0x490u
#define MSR_VMX_PROC2 0x48bu
#define MSR_VMX_EPT_VPID 0x48cu
#define MSR_VMX_CR0_FIXED0 0x486u
#define MSR_VMX_CR0_FIXED1 0x487u
#define MSR_VMX_CR4_FIXED0 0x488u
#define MSR_VMX_CR4_FIXED1 0x489u

#define BASIC_TRUE_CTLS (1ull << 55)
#define BASIC_REVISION 0x7fffffffu

#define EPT_WALK_4 (1ull << 6)
#define EPT_WB (1ull << 14)
#define EPT_2M (1ull << 16)
#define EPT_1G (1ull << 17)
#define EPT_INVEPT (1ull << 20)
#define EPT_INVEPT_ALL (1ull << 26)
#define VPID_INVVPID (1ull << 32)
#define VPID_INVVPID_ALL (1ull << 42)

struct vmx_caps vmx_caps;

/* A control MSR holds the bits that must be 1 in its low half and those
 * that may be 1 in its high half; want is what keel-hv would like. */
static uint32_t adjust(uint32_t msr, uint32_t want)
{
	uint64_t v = rdmsr(msr);

	return (want | (uint32_t)v) & (uint32_t)(v >> 32);
}

/* The controls keel-hv cannot run without, and those it takes when the
 * processor has them (RDTSCP, INVPCID, XSAVES and TPAUSE would otherwise
 * raise #UD in the session; exit.c hides what is left off from CPUID). */
static const char *choose_controls(struct vmx_caps *c)
{
	const uint32_t proc = PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
			      PROC_SECONDARY;
	const uint32_t exit = EXITCTL_HOST_64 | EXITCTL_SAVE_PAT |
			      EXITCTL_LOAD_PAT | EXITCTL_SAVE_EFER |
			      EXITCTL_LOAD_EFER;
	const uint32_t entry = ENTRY_LOAD_PAT | ENTRY_LOAD_EFER;

	const uint32_t pin = PIN_NMI_EXITING | PIN_VIRTUAL_NMIS;

	/* NMIs of the session exit, so that keel-hv can pass on those that
	 * arrive while it runs; virtual NMIs give the window exit that says
	 * when the session can take one. Every CPU with unrestricted guest
	 * has both. */
	c->pin = adjust(MSR_VMX_TRUE_PIN, pin);
	c->proc = adjust(MSR_VMX_TRUE_PROC, proc);
	if ((c->pin & pin) != pin ||
	    !(rdmsr(MSR_VMX_TRUE_PROC) >> 32 & PROC_NMI_WINDOW))
		return "VT-x without virtual NMIs is not supported";
	if ((c->proc & proc) != proc)
		return "VT-x without I/O and MSR bitmaps is not supported";
	c->proc2 = adjust(MSR_VMX_PROC2, PROC2_EPT | PROC2_UNRESTRICTED |
			  PROC2_VPID | PROC2_RDTSCP | PROC2_INVPCID |
			  PROC2_XSAVES | PROC2_WAITPKG);
	if (!(c->proc2 & PROC2_EPT))
		return "VT-x without EPT (extended page tables) is not "
		       "supported";
	if (!(c->proc2 & PROC2_UNRESTRICTED))
		return "VT-x without unrestricted guest is not supported";
	c->exit = adjust(MSR_VMX_TRUE_EXIT, exit | EXITCTL_SAVE_DEBUG);
	c->entry = adjust(MSR_VMX_TRUE_ENTRY, entry | ENTRY_LOAD_DEBUG);
	if ((c->exit & exit) != exit || (c->entry & entry) != entry)
		return "VT-x cannot switch EFER and PAT on entry and exit";
	return 0;
}

static const char *check_ept(struct vmx_caps *c)
{
	uint64_t ev = rdmsr(MSR_VMX_EPT_VPID);

	if (!(ev & EPT_WALK_4) || !(ev & EPT_WB) || !(ev & EPT_2M))
		return "VT-x whose EPT lacks 4-level tables, write-back "
		       "tables or 2 MiB pages is not supported";
	c->ept_gib_pages = (ev & EPT_1G) != 0;
	c->invept_all = (ev & EPT_INVEPT) && (ev & EPT_INVEPT_ALL);
	/* VPID tags the session's TLB entries; without a way to drop them
	 * all, a CR write keel-hv carries out could leave stale ones. */
	if (!(ev & VPID_INVVPID) || !(ev & VPID_INVVPID_ALL))
		c->proc2 &= ~PROC2_VPID;
	c->vpid = (c->proc2 & PROC2_VPID) != 0;
	return 0;
}

bool vmx_caps_read(struct vmx_caps *c, const char **why)
{
	uint64_t basic = rdmsr(MSR_VMX_BASIC);

	/* Every processor with unrestricted guest has the true controls;
	 * without them CR3 accesses would have to exit. */
	if (!(basic & BASIC_TRUE_CTLS)) {
		*why = "VT-x without the true controls (and so without "
		       "unrestricted guest) is not supported";
		return false;
	}
	c->revision = (uint32_t)basic & BASIC_REVISION;
	*why = choose_controls(c);
	if (!*why)
		*why = check_ept(c);
	if (*why)
		return false;
	c->cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	return true;
}
