/* svm.c: the AMD-V backend: can this CPU run it, and running the root
 * session: SVME on, host save area, nested tables, VMCB, the exit loop. */
#include <stdbool.h>
#include <stdint.h>

#include "gate.h"
#include "gpa_map.h"
#include "heap.h"
#include "log.h"
#include "panic.h"
#include "svm/svm.h"
#include "svm/vmcb.h"
#include "virt_probe.h"
#include "x86.h"

/* The decision is keel/cpu_requirements.h's, the one keel check-cpu makes. */
static enum virt_probe svm_probe(const char **why)
{
	return svm_caps_probe(&hv_cpu_io, why);
}

/* Nested walks count as user accesses: every level needs U as well as W.
 * Memory type bits stay 0, so the guest's PAT and the MTRRs decide. */
#define NPT_P (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_A (1ull << 5)

static const struct gpa_format npt_format = {
	.table_flags = NPT_P | NPT_RW | NPT_US | NPT_A,
	.leaf_flags = NPT_P | NPT_RW | NPT_US | NPT_A,
	.need = NPT_P | NPT_RW | NPT_US,
};

static void *npt_page(void *ctx)
{
	(void)ctx;
	return heap_pages(1);
}

static uint64_t build_npt(const struct hv_memory *mem)
{
	struct gpa_layout l = { mem->hv, mem->map_end, mem->scratch_pa,
				cpu_has_gib_pages(), &npt_format };
	uint64_t root = 0;
	size_t pages = 0;
	const char *why = "";

	if (gpa_map_build(&l, npt_page, NULL, &root, &pages, &why) != 0)
		panic("cannot build the nested page tables: %s", why);
	log_printf("nested paging: 0-%llx identity in %s pages, %zu table "
		   "pages\n", (unsigned long long)mem->map_end,
		   l.gib_pages ? "1 GiB" : "2 MiB", pages);
	return root;
}

/* VMRUN switches only part of the state; VMLOAD once puts the VMCB's FS,
 * GS, TR, LDTR and syscall MSRs into the CPU, where they then stay the
 * session's: the host never touches them and never runs VMSAVE/VMLOAD. */
static void load_guest_extra_state(const struct vmcb *vmcb)
{
	__asm__ volatile("vmload %%rax" : : "a"((uintptr_t)vmcb) : "memory");
}

__attribute__((noreturn)) static void svm_run_root(const struct linux_entry *e,
				   const struct hv_memory *mem)
{
	static struct svm_gprs g;
	struct vmcb *vmcb;
	uint8_t *iopm, *msrpm;
	uint64_t ncr3;

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, (uintptr_t)heap_pages(1));
	ncr3 = build_npt(mem);
	vmcb = heap_pages(1);
	iopm = heap_pages(SVM_IOPM_PAGES);
	msrpm = heap_pages(SVM_MSRPM_PAGES);
	vmcb_setup_root(vmcb, e, ncr3, iopm, msrpm, gate_port);
	g.rsi = e->boot_params;
	load_guest_extra_state(vmcb);
	log_printf("VMRUN: root session at %08x, boot_params %08x\n",
		   e->entry, e->boot_params);
	for (;;) {
		svm_vmrun(&g, (uintptr_t)vmcb);
		vmcb->ctl.tlb_control = 0;
		svm_handle_exit(vmcb, &g);
	}
}

const struct virt_backend svm_backend = {
	.name = "AMD-V",
	.id = KEEL_BACKEND_SVM,
	.probe = svm_probe,
	.gib_pages = cpu_has_gib_pages,
	.run_root = svm_run_root,
};
