/* vmcs.c: VMREAD/VMWRITE and the root session's first VMCS: the state the
 * Linux 32-bit boot protocol asks for, keel's controls, the host state. */
#include <stdint.h>

#include "panic.h"
#include "vmx/vmcs.h"
#include "vmx/vmx.h"
#include "x86.h"

/* Access rights (descriptor byte 5 | flags nibble << 8; bit 16 unusable). */
#define AR_CODE32 0xc09b       /* G, D, P, S, execute/read, accessed */
#define AR_DATA32 0xc093       /* G, B, P, S, read/write, accessed */
#define AR_TSS32_BUSY 0x008b   /* P, busy 32-bit TSS */
#define AR_UNUSABLE 0x10000
#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define RFLAGS_RESERVED1 (1ull << 1)
#define DR7_RESET 0x400ull
#define PAT_RESET 0x0007040600070406ull
#define MSR_PAT 0x277u

#define HOST_CS 0x08           /* boot/entry.S's GDT */
#define HOST_DS 0x10

static uint64_t insn_error(void)
{
	uint64_t e = 0;

	__asm__ volatile("vmread %1, %0" : "=rm"(e) : "r"((uint64_t)VM_INSN_ERROR)
			 : "cc");
	return e;
}

void vmcs_write(enum vmcs_field f, uint64_t val)
{
	uint8_t failed;

	__asm__ volatile("vmwrite %1, %2; setna %0" : "=qm"(failed)
			 : "rm"(val), "r"((uint64_t)f) : "cc", "memory");
	if (failed)
		panic("VMWRITE of VMCS field %x refused (VM-instruction error "
		      "%llu)", f, (unsigned long long)insn_error());
}

uint64_t vmcs_read(enum vmcs_field f)
{
	uint64_t val = 0;
	uint8_t failed;

	__asm__ volatile("vmread %2, %0; setna %1" : "=rm"(val), "=qm"(failed)
			 : "r"((uint64_t)f) : "cc", "memory");
	if (failed)
		panic("VMREAD of VMCS field %x refused (VM-instruction error "
		      "%llu)", f, (unsigned long long)insn_error());
	return val;
}

static void guest_seg(enum vmcs_field sel, uint16_t selector, uint32_t ar)
{
	/* Each segment's selector, limit, AR and base fields are spaced
	 * alike from the ES ones. */
	uint32_t i = (sel - GUEST_ES_SEL) / 2;

	vmcs_write(sel, selector);
	vmcs_write(GUEST_ES_LIMIT + 2 * i, ar & AR_UNUSABLE ? 0 : 0xffffffffu);
	vmcs_write(GUEST_ES_AR + 2 * i, ar);
	vmcs_write(GUEST_ES_BASE + 2 * i, 0);
}

/* 32-bit protected mode, paging off, interrupts off, flat 4 GiB segments
 * with the boot protocol's selectors (boot.rst); GDTR is the loader's. VT-x
 * takes this state as it is, so it must be one a real CPU could be in:
 * TR a present busy TSS, LDTR unusable. */
static void setup_guest(const struct linux_entry *e)
{
	guest_seg(GUEST_CS_SEL, BOOT_CS, AR_CODE32);
	guest_seg(GUEST_DS_SEL, BOOT_DS, AR_DATA32);
	guest_seg(GUEST_ES_SEL, BOOT_DS, AR_DATA32);
	guest_seg(GUEST_SS_SEL, BOOT_DS, AR_DATA32);
	guest_seg(GUEST_FS_SEL, BOOT_DS, AR_DATA32);
	guest_seg(GUEST_GS_SEL, BOOT_DS, AR_DATA32);
	guest_seg(GUEST_LDTR_SEL, 0, AR_UNUSABLE);
	vmcs_write(GUEST_TR_SEL, 0);
	vmcs_write(GUEST_TR_LIMIT, 0xffff);
	vmcs_write(GUEST_TR_AR, AR_TSS32_BUSY);
	vmcs_write(GUEST_TR_BASE, 0);
	vmcs_write(GUEST_GDTR_BASE, e->gdt_base);
	vmcs_write(GUEST_GDTR_LIMIT, e->gdt_limit);
	vmcs_write(GUEST_IDTR_BASE, 0);
	vmcs_write(GUEST_IDTR_LIMIT, 0);

	vmx_cr_setup(CR0_PE | CR0_ET, 0);
	vmcs_write(GUEST_CR3, 0);
	vmcs_write(GUEST_DR7, DR7_RESET);
	vmcs_write(GUEST_RFLAGS, RFLAGS_RESERVED1);
	vmcs_write(GUEST_RIP, e->entry);
	vmcs_write(GUEST_RSP, 0);
	vmcs_write(GUEST_EFER, 0);
	vmcs_write(GUEST_PAT, PAT_RESET);
	vmcs_write(GUEST_DEBUGCTL, 0);
	vmcs_write(GUEST_SYSENTER_CS, 0);
	vmcs_write(GUEST_SYSENTER_ESP, 0);
	vmcs_write(GUEST_SYSENTER_EIP, 0);
	vmcs_write(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(GUEST_ACTIVITY, 0);
	vmcs_write(GUEST_PENDING_DBG, 0);
	vmcs_write(VMCS_LINK_POINTER, ~0ull);
}

struct table_reg {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Where an exit returns: keel-hv's own segments, tables, paging and
 * EFER/PAT as they are now; RSP is written by vmx_enter. */
static void setup_host(void)
{
	struct table_reg gdtr, idtr;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	vmcs_write(HOST_CS_SEL, HOST_CS);
	vmcs_write(HOST_SS_SEL, HOST_DS);
	vmcs_write(HOST_DS_SEL, HOST_DS);
	vmcs_write(HOST_ES_SEL, HOST_DS);
	vmcs_write(HOST_FS_SEL, 0);
	vmcs_write(HOST_GS_SEL, 0);
	vmcs_write(HOST_TR_SEL, VMX_HOST_TR);
	vmcs_write(HOST_FS_BASE, 0);
	vmcs_write(HOST_GS_BASE, 0);
	vmcs_write(HOST_TR_BASE, vmx_host_tss());
	vmcs_write(HOST_GDTR_BASE, gdtr.base);
	vmcs_write(HOST_IDTR_BASE, idtr.base);
	vmcs_write(HOST_CR0, read_cr0());
	vmcs_write(HOST_CR3, read_cr3());
	vmcs_write(HOST_CR4, read_cr4());
	vmcs_write(HOST_EFER, rdmsr(MSR_EFER));
	vmcs_write(HOST_PAT, rdmsr(MSR_PAT));
	vmcs_write(HOST_SYSENTER_CS, 0);
	vmcs_write(HOST_SYSENTER_ESP, 0);
	vmcs_write(HOST_SYSENTER_EIP, 0);
	vmcs_write(HOST_RIP, (uintptr_t)vmx_exit_entry);
}

/* A 32-bit access checks the bits of all 4 ports it touches, so the gate
 * port and the 3 above it are ours; bitmap A covers 0-0x7fff, B the rest,
 * and an access that wraps past 0xffff always exits. */
static void io_intercept_gate(uint8_t *bitmaps, uint16_t port)
{
	uint32_t p;

	for (p = port; p < (uint32_t)port + 4 && p <= 0xffff; p++)
		bitmaps[p / 8] |= (uint8_t)(1u << (p % 8));
}

static void setup_controls(uint64_t eptp, uint8_t *io_bitmaps,
			   uint8_t *msr_bitmap)
{
	const struct vmx_caps *c = &vmx_caps;

	vmcs_write(PIN_CONTROLS, c->pin);
	vmcs_write(PROC_CONTROLS, c->proc);
	vmcs_write(PROC_CONTROLS2, c->proc2);
	vmcs_write(EXIT_CONTROLS, c->exit);
	vmcs_write(ENTRY_CONTROLS, c->entry);
	/* A zeroed region is not a zeroed VMCS (SDM 25.11.4): every field a
	 * chosen control reads is written. */
	vmcs_write(EXCEPTION_BITMAP, 0);
	vmcs_write(PF_ERROR_MASK, 0);
	vmcs_write(PF_ERROR_MATCH, 0);
	if (c->proc2 & PROC2_XSAVES)
		vmcs_write(XSS_EXITING_BITMAP, 0);
	vmcs_write(CR3_TARGET_COUNT, 0);
	vmcs_write(EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(ENTRY_INTR_INFO, 0);
	vmcs_write(IO_BITMAP_A, (uintptr_t)io_bitmaps);
	vmcs_write(IO_BITMAP_B, (uintptr_t)io_bitmaps + 4096);
	vmcs_write(MSR_BITMAP, (uintptr_t)msr_bitmap);
	vmcs_write(EPT_POINTER, eptp);
	if (c->vpid)
		vmcs_write(VPID, 1);
}

void vmcs_setup_root(const struct linux_entry *e, uint64_t eptp,
		     uint8_t *io_bitmaps, uint8_t *msr_bitmap,
		     uint16_t gate_port)
{
	io_intercept_gate(io_bitmaps, gate_port);
	vmx_msr_intercepts(msr_bitmap);
	setup_controls(eptp, io_bitmaps, msr_bitmap);
	setup_host();
	setup_guest(e);
}
