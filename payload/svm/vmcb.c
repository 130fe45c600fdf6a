/* vmcb.c: the root session's first VMCB: the state the Linux 32-bit boot
 * protocol asks for, the intercepts keel needs and the permission maps. */
#include <stdint.h>

#include "svm/svm.h"
#include "svm/vmcb.h"
#include "x86.h"

/* Segment attributes (descriptor byte 5 | flags nibble << 8). */
#define ATTR_CODE32 0xc9b     /* G, D, P, S, execute/read, accessed */
#define ATTR_DATA32 0xc93     /* G, B, P, S, read/write, accessed */
#define ATTR_TSS32_BUSY 0x08b /* P, busy 32-bit TSS */
#define BOOT_CS 0x10
#define BOOT_DS 0x18

#define CR0_PE (1ull << 0)
#define CR0_ET (1ull << 4)
#define RFLAGS_RESERVED1 (1ull << 1)
#define DR6_RESET 0xffff0ff0ull
#define DR7_RESET 0x400ull
#define PAT_RESET 0x0007040600070406ull

static void set_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		    uint32_t limit, uint64_t base)
{
	s->selector = sel;
	s->attrib = attrib;
	s->limit = limit;
	s->base = base;
}

/* Flat 4 GiB segments with the boot protocol's selectors; GDTR points at
 * the loader's GDT that holds them. The CPU takes segment state from the
 * VMCB as it is, so it must be a state a real CPU could be in: TR must be
 * a present busy TSS, LDTR may be unusable. */
static void setup_segments(struct vmcb_save *s, const struct linux_entry *e)
{
	set_seg(&s->cs, BOOT_CS, ATTR_CODE32, 0xffffffffu, 0);
	set_seg(&s->ds, BOOT_DS, ATTR_DATA32, 0xffffffffu, 0);
	set_seg(&s->es, BOOT_DS, ATTR_DATA32, 0xffffffffu, 0);
	set_seg(&s->ss, BOOT_DS, ATTR_DATA32, 0xffffffffu, 0);
	set_seg(&s->fs, BOOT_DS, ATTR_DATA32, 0xffffffffu, 0);
	set_seg(&s->gs, BOOT_DS, ATTR_DATA32, 0xffffffffu, 0);
	set_seg(&s->gdtr, 0, 0, e->gdt_limit, e->gdt_base);
	set_seg(&s->idtr, 0, 0, 0, 0);
	set_seg(&s->ldtr, 0, 0, 0, 0);
	set_seg(&s->tr, 0, ATTR_TSS32_BUSY, 0xffff, 0);
	s->cpl = 0;
}

/* 32-bit protected mode, paging off, interrupts off (boot.rst). */
static void setup_registers(struct vmcb_save *s, const struct linux_entry *e)
{
	s->efer = EFER_SVME;      /* VMRUN refuses a guest EFER without it */
	s->cr0 = CR0_PE | CR0_ET;
	s->cr3 = 0;
	s->cr4 = 0;
	s->cr2 = 0;
	s->dr6 = DR6_RESET;
	s->dr7 = DR7_RESET;
	s->rflags = RFLAGS_RESERVED1;
	s->rip = e->entry;
	s->rsp = 0;
	s->rax = 0;
	s->g_pat = PAT_RESET;
}

/* A 32-bit access checks the bits of all 4 ports it touches, so the gate
 * port and the 3 above it are ours; the map has room past 0xffff. */
static void iopm_intercept_gate(uint8_t *iopm, uint16_t port)
{
	uint32_t p;

	for (p = port; p < (uint32_t)port + 4; p++)
		iopm[p / 8] |= (uint8_t)(1u << (p % 8));
}

static void setup_control(struct vmcb_control *c, uint64_t ncr3,
			  const uint8_t *iopm, const uint8_t *msrpm)
{
	c->intercept_misc1 = VMCB_I1_CPUID | VMCB_I1_IOIO | VMCB_I1_MSR |
			     VMCB_I1_INVD | VMCB_I1_INVLPGA | VMCB_I1_SHUTDOWN;
	c->intercept_misc2 = VMCB_I2_VMRUN | VMCB_I2_VMMCALL |
			     VMCB_I2_VMLOAD | VMCB_I2_VMSAVE | VMCB_I2_STGI |
			     VMCB_I2_CLGI | VMCB_I2_SKINIT;
	c->iopm_base_pa = (uintptr_t)iopm;
	c->msrpm_base_pa = (uintptr_t)msrpm;
	c->guest_asid = 1;
	c->tlb_control = VMCB_TLB_FLUSH_ALL;   /* the first run only */
	c->np_control = VMCB_NP_ENABLE;
	c->n_cr3 = ncr3;
	c->clean_bits = 0;
}

void vmcb_setup_root(struct vmcb *vmcb, const struct linux_entry *e,
		     uint64_t ncr3, uint8_t *iopm, uint8_t *msrpm,
		     uint16_t gate_port)
{
	iopm_intercept_gate(iopm, gate_port);
	svm_msr_intercepts(msrpm);
	setup_control(&vmcb->ctl, ncr3, iopm, msrpm);
	setup_segments(&vmcb->save, e);
	setup_registers(&vmcb->save, e);
}
