/* vmx.h: the VT-x backend's internals shared by its files: capability
 * MSRs, the controls keel-hv runs with, guest registers, world switch. */
#ifndef KEEL_HV_VMX_VMX_H
#define KEEL_HV_VMX_VMX_H

/* Guest registers in struct vmx_gprs, indexed as VT-x's exit information
 * numbers them (RSP's slot is unused: the VMCS holds it). */
#define VMX_RAX 0
#define VMX_RCX 1
#define VMX_RDX 2
#define VMX_RBX 3
#define VMX_RSP 4
#define VMX_RBP 5
#define VMX_RSI 6
#define VMX_RDI 7
#define VMX_GPRS 16

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

#include "keel/cpu_requirements.h"
#include "loader.h"
#include "virt.h"

#define VMX_HOST_TR 0x20         /* boot/entry.S's TSS slot */
#define MSR_VMX_FIRST 0x480u     /* the capability MSRs, 0x480-0x493 */
#define MSR_VMX_LAST 0x493u

/* The controls keel-hv takes when the processor has them; those it
 * requires, and the MSRs that say so, are in keel/cpu_requirements.h. */
/* Secondary processor-based controls. */
#define PROC2_RDTSCP (1u << 3)
#define PROC2_INVPCID (1u << 12)
#define PROC2_XSAVES (1u << 20)
#define PROC2_WAITPKG (1u << 26)
/* VM-exit controls. */
#define EXITCTL_SAVE_DEBUG (1u << 2)
/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E (1u << 9)

/* What this processor's VT-x offers, and the controls keel-hv chose. */
struct vmx_caps {
	uint32_t revision;
	uint32_t pin, proc, proc2, exit, entry;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	bool ept_gib_pages;
	bool invept_all;          /* INVEPT all-context */
	bool vpid;                /* VPID on, with INVVPID all-context */
};

/* Whether VT-x, read through io, has all keel-hv needs (the rule of
 * keel/cpu_requirements.h); if so fills c from the capability MSRs, else
 * *why says what is missing (caps.c). */
enum virt_probe vmx_caps_probe(const struct keel_cpu_io *io,
			       struct vmx_caps *c, const char **why);
extern struct vmx_caps vmx_caps;

struct vmx_gprs {
	uint64_t r[VMX_GPRS];
};

/* Enters the guest of the current VMCS (VMLAUNCH the first time, then
 * VMRESUME) with g's registers; returns 0 after its next exit, with g
 * updated, or 1 when the instruction failed (vmentry.S). */
int vmx_enter(struct vmx_gprs *g, int launched);
void vmx_exit_entry(void);       /* HOST_RIP: where exits land */

/* Fills the TSS descriptor of boot/entry.S's GDT and loads TR: VT-x
 * returns to a host with a task register. Returns the TSS's base (vmx.c). */
uint64_t vmx_host_tss(void);

/* The root session's first VMCS (vmcs.c). */
void vmcs_setup_root(const struct linux_entry *e, uint64_t eptp,
		     uint8_t *io_bitmaps, uint8_t *msr_bitmap,
		     uint16_t gate_port);

/* Builds the EPT identity map with the MTRRs' memory types; returns the
 * EPT pointer (ept.c). */
uint64_t vmx_ept_build(const struct hv_memory *mem);
/* Drops cached guest translations after keel-hv changed paging state on
 * the guest's behalf (ept.c). */
void vmx_flush_guest_tlb(void);

/* MSR bitmap and the intercepted MSRs: 0, or -1 for #GP (msr.c). */
void vmx_msr_intercepts(uint8_t *bitmap);
int vmx_msr_read(uint32_t msr, uint64_t *val);
int vmx_msr_write(uint32_t msr, uint64_t val);

/* keel-hv's own range, which the session reaches only as scratch. */
extern struct range vmx_hv_range;

/* The guest's CR0 and CR4 as VT-x must hold them, and MOV to CR0/CR4
 * that touch bits keel-hv owns: 0, or -1 for #GP (cr.c). */
void vmx_cr_setup(uint64_t cr0, uint64_t cr4);
int vmx_cr_write(unsigned int cr, uint64_t val);

/* NMIs for the session: the host's NMI handler, an exit for an NMI, and
 * the injection before each entry (nmi.c). */
void vmx_nmi_init(void);
void vmx_nmi_exit(void);
void vmx_nmi_deliver(void);

/* Handles the exit the VMCS reports and returns when the guest may run
 * again (exit.c). */
void vmx_handle_exit(struct vmx_gprs *g);
#endif

#endif
