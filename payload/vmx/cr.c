/* cr.c: the root session's CR0 and CR4 under VT-x: the bits VT-x forces
 * (NE, VMXE) stay set underneath, the session sees and writes its own. */
#include <stdint.h>

#include "phys.h"
#include "range.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "x86.h"

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)
#define CR0_WP (1ull << 16)
#define CR4_PAE (1ull << 5)
#define CR4_VMXE (1ull << 13)
#define CS_AR_L (1u << 13)
#define LOW32 0xffffffffull
#define PDPTE_P (1ull << 0)
#define PDPTE_RESERVED_LOW 0x1e6ull   /* bits 2:1 and 8:5 */

/* Bits the processor requires in VMX operation; with unrestricted guest
 * PE and PG are the session's own. */
static uint64_t cr0_forced(void)
{
	return vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG);
}

/* The bits keel-hv owns: a write that changes one of them exits, a read
 * of them shows the read shadow, which is what the session wrote. */
static uint64_t cr0_owned(void)
{
	return cr0_forced() | (~vmx_caps.cr0_fixed1 & LOW32);
}

static uint64_t cr4_owned(void)
{
	return vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & LOW32);
}

void vmx_cr_setup(uint64_t cr0, uint64_t cr4)
{
	vmcs_write(CR0_MASK, cr0_owned());
	vmcs_write(CR0_READ_SHADOW, cr0);
	vmcs_write(GUEST_CR0, (cr0 | cr0_forced()) & (vmx_caps.cr0_fixed1 |
						      CR0_PE | CR0_PG));
	vmcs_write(CR4_MASK, cr4_owned());
	vmcs_write(CR4_READ_SHADOW, cr4);
	vmcs_write(GUEST_CR4, (cr4 | vmx_caps.cr4_fixed0) &
			      vmx_caps.cr4_fixed1);
}

/* PAE paging outside long mode: VT-x takes the four PDPTEs from the VMCS
 * on entry, so a CR0 write keel-hv carries out must load them, with the
 * processor's checks (#GP on a reserved bit). CR3 is a guest-physical
 * address, the same host-physical one everywhere but keel-hv's range,
 * where the session has only the scratch page: refused there. */
static int load_pdptes(uint64_t cr3)
{
	uint64_t pa = cr3 & 0xffffffe0ull, reserved, e[4];
	struct range r = { pa, pa + sizeof(e) };
	uint32_t a, b, c, d;
	const uint64_t *pdpte;
	int i;

	if (range_overlaps(vmx_hv_range, r))
		return -1;
	cpuid_count(0x80000008u, 0, &a, &b, &c, &d);
	reserved = PDPTE_RESERVED_LOW | ~((1ull << (a & 0xff)) - 1);
	pdpte = phys_ptr(pa, sizeof(e));
	for (i = 0; i < 4; i++) {
		e[i] = pdpte[i];
		if ((e[i] & PDPTE_P) && (e[i] & reserved))
			return -1;
	}
	for (i = 0; i < 4; i++)
		vmcs_write(GUEST_PDPTE0 + 2 * i, e[i]);
	return 0;
}

/* A MOV from a register takes 64 bits only in 64-bit mode. */
static uint64_t operand(uint64_t val)
{
	if ((vmcs_read(GUEST_EFER) & EFER_LMA) &&
	    (vmcs_read(GUEST_CS_AR) & CS_AR_L))
		return val;
	return (uint32_t)val;
}

/* Entering or leaving long mode is the processor's job when it runs the
 * MOV itself; when keel-hv runs it, keel-hv sets EFER.LMA and the entry
 * control that mirrors it. */
static int switch_long_mode(uint64_t old, uint64_t val)
{
	uint64_t efer = vmcs_read(GUEST_EFER);
	uint64_t entry = vmcs_read(ENTRY_CONTROLS);

	if ((val & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
		if (!(vmcs_read(GUEST_CR4) & CR4_PAE))
			return -1;
		efer |= EFER_LMA;
		entry |= ENTRY_IA32E;
	} else if (!(val & CR0_PG) && (old & CR0_PG) && (efer & EFER_LMA)) {
		if (vmcs_read(GUEST_CS_AR) & CS_AR_L)
			return -1;
		efer &= ~EFER_LMA;
		entry &= ~ENTRY_IA32E;
	}
	vmcs_write(GUEST_EFER, efer);
	vmcs_write(ENTRY_CONTROLS, entry);
	return 0;
}

/* MOV to CR0 as the processor checks it (SDM vol. 2, MOV-Control
 * Registers); reserved bits 31:0 it ignores, so keel-hv clears them. */
static int cr0_write(uint64_t val)
{
	uint64_t old = vmcs_read(GUEST_CR0);

	val = operand(val);
	if (val >> 32)
		return -1;
	if ((val & CR0_PG) && !(val & CR0_PE))
		return -1;
	if ((val & CR0_NW) && !(val & CR0_CD))
		return -1;
	val &= vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG;
	/* The PDPTEs load when PG, CD or NW change (SDM vol. 3A, 4.4.1). */
	if ((val & CR0_PG) && ((old ^ val) & (CR0_PG | CR0_CD | CR0_NW)) &&
	    (vmcs_read(GUEST_CR4) & CR4_PAE) &&
	    !(vmcs_read(GUEST_EFER) & EFER_LME) &&
	    load_pdptes(vmcs_read(GUEST_CR3)) != 0)
		return -1;
	if (switch_long_mode(old, val) != 0)
		return -1;
	vmcs_write(CR0_READ_SHADOW, val);
	vmcs_write(GUEST_CR0, val | cr0_forced());
	if ((old ^ val) & (CR0_PG | CR0_WP))
		vmx_flush_guest_tlb();
	return 0;
}

/* Only a write that sets VMXE or a bit the processor lacks exits, and
 * both raise #GP: VT-x is not there for the session. */
static int cr4_write(uint64_t val)
{
	val = operand(val);
	if (val & cr4_owned() & ~vmx_caps.cr4_fixed0)
		return -1;
	if (val & CR4_VMXE)
		return -1;
	vmcs_write(CR4_READ_SHADOW, val);
	vmcs_write(GUEST_CR4, val | vmx_caps.cr4_fixed0);
	vmx_flush_guest_tlb();
	return 0;
}

int vmx_cr_write(unsigned int cr, uint64_t val)
{
	return cr == 0 ? cr0_write(val) : cr == 4 ? cr4_write(val) : -1;
}
