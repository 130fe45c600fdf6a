/* vmx.c: the VT-x backend: can this CPU run it, and running the root
 * session: VMXON, the host's task register, EPT, the VMCS, the exit loop. */
#include <stdbool.h>
#include <stdint.h>

#include "gate.h"
#include "heap.h"
#include "log.h"
#include "panic.h"
#include "virt_probe.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "x86.h"

#define LEAF1_ECX_XSAVE (1u << 26)
#define CR4_VMXE (1ull << 13)
#define CR4_OSXSAVE (1ull << 18)

#define TSS_SIZE 104
#define TSS_TYPE_AVAILABLE 0x89ull   /* present, 64-bit TSS */

extern uint64_t gdt64_tss[2];

struct range vmx_hv_range;

/* The decision is keel/cpu_requirements.h's, the one keel check-cpu makes. */
static enum virt_probe vmx_probe(const char **why)
{
	return vmx_caps_probe(&hv_cpu_io, &vmx_caps, why);
}

/* EPT has its own page sizes, apart from those of CPUID. */
static bool vmx_gib_pages(void)
{
	return vmx_caps.ept_gib_pages;
}

uint64_t vmx_host_tss(void)
{
	static uint8_t tss[TSS_SIZE] __attribute__((aligned(16)));
	static bool loaded;
	uint64_t base = (uintptr_t)tss;

	if (loaded)
		return base;   /* LTR of a busy TSS would fault */
	loaded = true;
	/* No I/O permission map: its offset points past the TSS's end. */
	tss[102] = TSS_SIZE;
	gdt64_tss[0] = (TSS_SIZE - 1) | (base & 0xffffff) << 16 |
		       TSS_TYPE_AVAILABLE << 40 | (base >> 24 & 0xff) << 56;
	gdt64_tss[1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(VMX_HOST_TR) : "memory");
	return base;
}

/* Firmware that left IA32_FEATURE_CONTROL unlocked lets the first one to
 * write it decide; keel-hv allows VMX outside SMX and locks it, as Linux
 * would. VMXON also needs the CR0 and CR4 bits VMX fixes. */
static void enable_vmx(void)
{
	uint64_t fc = rdmsr(KEEL_MSR_FEATURE_CONTROL);
	uint64_t cr0 = read_cr0(), cr4 = read_cr4();
	uint32_t a, b, c, d;

	if (!(fc & KEEL_FC_LOCK))
		wrmsr(KEEL_MSR_FEATURE_CONTROL,
		      fc | KEEL_FC_VMX_OUTSIDE_SMX | KEEL_FC_LOCK);
	cr0 = (cr0 | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1;
	cr4 = (cr4 | vmx_caps.cr4_fixed0 | CR4_VMXE) & vmx_caps.cr4_fixed1;
	/* XSETBV on the session's behalf needs OSXSAVE in the host. */
	cpuid_count(1, 0, &a, &b, &c, &d);
	if (c & LEAF1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	__asm__ volatile("mov %0, %%cr0" : : "r"(cr0) : "memory");
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4) : "memory");
}

/* A VMXON region or VMCS: a page that starts with the revision id. */
static uint64_t vmx_region(void)
{
	uint32_t *page = heap_pages(1);

	page[0] = vmx_caps.revision;
	return (uintptr_t)page;
}

/* VMXON, VMCLEAR and VMPTRLD take the region's physical address in
 * memory; CF or ZF set means the instruction failed. */
#define VMX_REGION_INSN(insn)						\
	static void insn(uint64_t pa)					\
	{								\
		uint8_t failed;						\
									\
		__asm__ volatile(#insn " %1; setna %0" : "=qm"(failed)	\
				 : "m"(pa) : "cc", "memory");		\
		if (failed)						\
			panic(#insn " failed");				\
	}
VMX_REGION_INSN(vmxon)
VMX_REGION_INSN(vmclear)
VMX_REGION_INSN(vmptrld)

__attribute__((noreturn)) static void vmx_run_root(const struct linux_entry *e,
				   const struct hv_memory *mem)
{
	static struct vmx_gprs g;
	uint64_t vmcs, eptp;
	int launched = 0;

	vmx_hv_range = mem->hv;
	enable_vmx();
	vmxon(vmx_region());
	/* Translations an earlier VMX user left tagged with VPID 1. */
	vmx_flush_guest_tlb();
	vmcs = vmx_region();
	vmclear(vmcs);
	vmptrld(vmcs);
	eptp = vmx_ept_build(mem);
	vmcs_setup_root(e, eptp, heap_pages(2), heap_pages(1), gate_port);
	g.r[VMX_RSI] = e->boot_params;
	vmx_nmi_init();
	log_printf("VMLAUNCH: root session at %08x, boot_params %08x%s\n",
		   e->entry, e->boot_params, vmx_caps.vpid ? ", VPID 1" : "");
	for (;;) {
		vmx_nmi_deliver();
		if (vmx_enter(&g, launched) != 0)
			panic("%s failed (VM-instruction error %llu)",
			      launched ? "VMRESUME" : "VMLAUNCH",
			      (unsigned long long)vmcs_read(VM_INSN_ERROR));
		launched = 1;
		vmx_handle_exit(&g);
	}
}

const struct virt_backend vmx_backend = {
	.name = "VT-x",
	.id = KEEL_BACKEND_VMX,
	.probe = vmx_probe,
	.gib_pages = vmx_gib_pages,
	.run_root = vmx_run_root,
};
