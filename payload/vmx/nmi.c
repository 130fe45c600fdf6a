/* nmi.c: NMIs under VT-x belong to the root session: those that arrive
 * while keel-hv runs, or that make the session exit, are injected into it. */
#include <stdbool.h>
#include <stdint.h>

#include "idt.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"

#define VEC_NMI 2
#define BLOCKING_NMI (1u << 3)

static volatile bool pending;

/* With NMI-window exiting the session exits as soon as it can take the
 * NMI; written whole, never read back, so the NMI handler may call it
 * at any point of the exit loop. */
static void nmi_window(bool on)
{
	vmcs_write(PROC_CONTROLS, vmx_caps.proc | (on ? KEEL_VMX_PROC_NMI_WINDOW : 0));
}

/* Takes the pending NMI, if any, in one step the NMI handler cannot
 * split. */
static bool take_pending(void)
{
	return __atomic_exchange_n(&pending, false, __ATOMIC_SEQ_CST);
}

static void host_nmi(void)
{
	pending = true;
	nmi_window(true);
}

void vmx_nmi_init(void)
{
	idt_nmi_handler = host_nmi;
}

void vmx_nmi_exit(void)
{
	pending = true;
}

/* Injects a pending NMI unless the session blocks NMIs now or another
 * event goes in with this entry; then the window exit comes back here.
 * The window goes off first: an NMI after that sets it again. */
void vmx_nmi_deliver(void)
{
	uint64_t ints;

	nmi_window(false);
	if (!take_pending())
		return;
	ints = vmcs_read(GUEST_INTERRUPTIBILITY);
	if ((vmcs_read(ENTRY_INTR_INFO) & INTR_INFO_VALID) ||
	    (ints & (BLOCKING_STI | BLOCKING_MOV_SS | BLOCKING_NMI))) {
		pending = true;
		nmi_window(true);
		return;
	}
	vmcs_write(ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | VEC_NMI);
}
