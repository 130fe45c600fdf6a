/* vmcb.h: the AMD-V virtual machine control block (AMD APM vol. 2, app. B):
 * control area at 0x000, state save area at 0x400, and the bits we use. */
#ifndef KEEL_HV_SVM_VMCB_H
#define KEEL_HV_SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

/* A segment register as the save area holds it. attrib packs descriptor
 * byte 5 (type, S, DPL, P) in bits 7:0 and the flags nibble of byte 6
 * (AVL, L, D/B, G) in bits 11:8. */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
} __attribute__((packed));

struct vmcb_control {
	uint32_t intercept_cr;         /* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;         /* 0x004 */
	uint32_t intercept_exc;        /* 0x008 */
	uint32_t intercept_misc1;      /* 0x00c: VMCB_I1_* */
	uint32_t intercept_misc2;      /* 0x010: VMCB_I2_* */
	uint32_t intercept_misc3;      /* 0x014 */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_thresh;  /* 0x03c */
	uint16_t pause_filter_count;   /* 0x03e */
	uint64_t iopm_base_pa;         /* 0x040 */
	uint64_t msrpm_base_pa;        /* 0x048 */
	uint64_t tsc_offset;           /* 0x050 */
	uint32_t guest_asid;           /* 0x058 */
	uint8_t tlb_control;           /* 0x05c */
	uint8_t reserved_05d[3];
	uint64_t int_ctl;              /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING */
	uint64_t int_state;            /* 0x068: interrupt shadow */
	uint64_t exitcode;             /* 0x070 */
	uint64_t exitinfo1;            /* 0x078 */
	uint64_t exitinfo2;            /* 0x080 */
	uint64_t exitintinfo;          /* 0x088 */
	uint64_t np_control;           /* 0x090: bit 0 NP_ENABLE */
	uint64_t avic_apic_bar;        /* 0x098 */
	uint64_t ghcb_pa;              /* 0x0a0 */
	uint64_t eventinj;             /* 0x0a8 */
	uint64_t n_cr3;                /* 0x0b0 */
	uint64_t virt_ext;             /* 0x0b8: LBR virt, VMLOAD/VMSAVE virt */
	uint32_t clean_bits;           /* 0x0c0 */
	uint32_t reserved_0c4;
	uint64_t next_rip;             /* 0x0c8: only with NRIP save */
	uint8_t insn_len;              /* 0x0d0: only with decode assists */
	uint8_t insn_bytes[15];        /* 0x0d1 */
	uint8_t reserved_0e0[0x400 - 0x0e0];
} __attribute__((packed));

struct vmcb_save {
	struct vmcb_seg es;            /* 0x400 */
	struct vmcb_seg cs;            /* 0x410 */
	struct vmcb_seg ss;            /* 0x420 */
	struct vmcb_seg ds;            /* 0x430 */
	struct vmcb_seg fs;            /* 0x440 */
	struct vmcb_seg gs;            /* 0x450 */
	struct vmcb_seg gdtr;          /* 0x460 */
	struct vmcb_seg ldtr;          /* 0x470 */
	struct vmcb_seg idtr;          /* 0x480 */
	struct vmcb_seg tr;            /* 0x490 */
	uint8_t reserved_4a0[0x4cb - 0x4a0];
	uint8_t cpl;                   /* 0x4cb */
	uint32_t reserved_4cc;
	uint64_t efer;                 /* 0x4d0 */
	uint8_t reserved_4d8[0x548 - 0x4d8];
	uint64_t cr4;                  /* 0x548 */
	uint64_t cr3;                  /* 0x550 */
	uint64_t cr0;                  /* 0x558 */
	uint64_t dr7;                  /* 0x560 */
	uint64_t dr6;                  /* 0x568 */
	uint64_t rflags;               /* 0x570 */
	uint64_t rip;                  /* 0x578 */
	uint8_t reserved_580[0x5d8 - 0x580];
	uint64_t rsp;                  /* 0x5d8 */
	uint64_t s_cet;                /* 0x5e0 */
	uint64_t ssp;                  /* 0x5e8 */
	uint64_t isst_addr;            /* 0x5f0 */
	uint64_t rax;                  /* 0x5f8 */
	uint64_t star;                 /* 0x600 */
	uint64_t lstar;                /* 0x608 */
	uint64_t cstar;                /* 0x610 */
	uint64_t sfmask;               /* 0x618 */
	uint64_t kernel_gs_base;       /* 0x620 */
	uint64_t sysenter_cs;          /* 0x628 */
	uint64_t sysenter_esp;         /* 0x630 */
	uint64_t sysenter_eip;         /* 0x638 */
	uint64_t cr2;                  /* 0x640 */
	uint8_t reserved_648[0x668 - 0x648];
	uint64_t g_pat;                /* 0x668 */
	uint64_t dbgctl;               /* 0x670 */
	uint64_t br_from;              /* 0x678 */
	uint64_t br_to;                /* 0x680 */
	uint64_t last_excp_from;       /* 0x688 */
	uint64_t last_excp_to;         /* 0x690 */
} __attribute__((packed));

struct vmcb {
	struct vmcb_control ctl;
	struct vmcb_save save;
	uint8_t reserved_698[4096 - 0x698];
} __attribute__((packed));

#define VMCB_OFF(f) offsetof(struct vmcb, f)
_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg");
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb is one page");
_Static_assert(VMCB_OFF(ctl.intercept_misc1) == 0x00c, "misc1");
_Static_assert(VMCB_OFF(ctl.intercept_misc2) == 0x010, "misc2");
_Static_assert(VMCB_OFF(ctl.pause_filter_thresh) == 0x03c, "pause");
_Static_assert(VMCB_OFF(ctl.iopm_base_pa) == 0x040, "iopm");
_Static_assert(VMCB_OFF(ctl.msrpm_base_pa) == 0x048, "msrpm");
_Static_assert(VMCB_OFF(ctl.tsc_offset) == 0x050, "tsc_offset");
_Static_assert(VMCB_OFF(ctl.guest_asid) == 0x058, "asid");
_Static_assert(VMCB_OFF(ctl.tlb_control) == 0x05c, "tlb_control");
_Static_assert(VMCB_OFF(ctl.int_ctl) == 0x060, "int_ctl");
_Static_assert(VMCB_OFF(ctl.int_state) == 0x068, "int_state");
_Static_assert(VMCB_OFF(ctl.exitcode) == 0x070, "exitcode");
_Static_assert(VMCB_OFF(ctl.exitinfo1) == 0x078, "exitinfo1");
_Static_assert(VMCB_OFF(ctl.exitinfo2) == 0x080, "exitinfo2");
_Static_assert(VMCB_OFF(ctl.exitintinfo) == 0x088, "exitintinfo");
_Static_assert(VMCB_OFF(ctl.np_control) == 0x090, "np_control");
_Static_assert(VMCB_OFF(ctl.eventinj) == 0x0a8, "eventinj");
_Static_assert(VMCB_OFF(ctl.n_cr3) == 0x0b0, "n_cr3");
_Static_assert(VMCB_OFF(ctl.clean_bits) == 0x0c0, "clean_bits");
_Static_assert(VMCB_OFF(ctl.next_rip) == 0x0c8, "next_rip");
_Static_assert(VMCB_OFF(ctl.insn_len) == 0x0d0, "insn_len");
_Static_assert(VMCB_OFF(save) == 0x400, "save area");
_Static_assert(VMCB_OFF(save.cs) == 0x410, "cs");
_Static_assert(VMCB_OFF(save.gdtr) == 0x460, "gdtr");
_Static_assert(VMCB_OFF(save.idtr) == 0x480, "idtr");
_Static_assert(VMCB_OFF(save.tr) == 0x490, "tr");
_Static_assert(VMCB_OFF(save.cpl) == 0x4cb, "cpl");
_Static_assert(VMCB_OFF(save.efer) == 0x4d0, "efer");
_Static_assert(VMCB_OFF(save.cr4) == 0x548, "cr4");
_Static_assert(VMCB_OFF(save.cr0) == 0x558, "cr0");
_Static_assert(VMCB_OFF(save.rflags) == 0x570, "rflags");
_Static_assert(VMCB_OFF(save.rip) == 0x578, "rip");
_Static_assert(VMCB_OFF(save.rsp) == 0x5d8, "rsp");
_Static_assert(VMCB_OFF(save.rax) == 0x5f8, "rax");
_Static_assert(VMCB_OFF(save.star) == 0x600, "star");
_Static_assert(VMCB_OFF(save.sysenter_eip) == 0x638, "sysenter_eip");
_Static_assert(VMCB_OFF(save.cr2) == 0x640, "cr2");
_Static_assert(VMCB_OFF(save.g_pat) == 0x668, "g_pat");
_Static_assert(VMCB_OFF(save.last_excp_to) == 0x690, "last_excp_to");

/* intercept_misc1 (offset 0x00c). */
#define VMCB_I1_INTR     (1u << 0)
#define VMCB_I1_NMI      (1u << 1)
#define VMCB_I1_CPUID    (1u << 18)
#define VMCB_I1_INVD     (1u << 22)
#define VMCB_I1_HLT      (1u << 24)
#define VMCB_I1_INVLPG   (1u << 25)
#define VMCB_I1_INVLPGA  (1u << 26)
#define VMCB_I1_IOIO     (1u << 27)
#define VMCB_I1_MSR      (1u << 28)
#define VMCB_I1_SHUTDOWN (1u << 31)
/* intercept_misc2 (offset 0x010). */
#define VMCB_I2_VMRUN    (1u << 0)
#define VMCB_I2_VMMCALL  (1u << 1)
#define VMCB_I2_VMLOAD   (1u << 2)
#define VMCB_I2_VMSAVE   (1u << 3)
#define VMCB_I2_STGI     (1u << 4)
#define VMCB_I2_CLGI     (1u << 5)
#define VMCB_I2_SKINIT   (1u << 6)

#define VMCB_NP_ENABLE   (1ull << 0)
#define VMCB_TLB_FLUSH_ALL 1u

/* EXITCODEs. */
#define SVM_EXIT_CPUID    0x072
#define SVM_EXIT_INVD     0x076
#define SVM_EXIT_INVLPGA  0x07a
#define SVM_EXIT_IOIO     0x07b
#define SVM_EXIT_MSR      0x07c
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN    0x080
#define SVM_EXIT_VMMCALL  0x081
#define SVM_EXIT_VMLOAD   0x082
#define SVM_EXIT_VMSAVE   0x083
#define SVM_EXIT_STGI     0x084
#define SVM_EXIT_CLGI     0x085
#define SVM_EXIT_SKINIT   0x086
#define SVM_EXIT_NPF      0x400
#define SVM_EXIT_INVALID  (~0ull)

/* IOIO EXITINFO1. */
#define SVM_IOIO_IN       (1u << 0)
#define SVM_IOIO_STR      (1u << 2)
#define SVM_IOIO_REP      (1u << 3)
#define SVM_IOIO_SZ8      (1u << 4)
#define SVM_IOIO_SZ16     (1u << 5)
#define SVM_IOIO_SZ32     (1u << 6)
#define SVM_IOIO_PORT(i)  ((uint16_t)((i) >> 16))

/* EVENTINJ and EXITINTINFO. */
#define SVM_EVT_VALID     (1ull << 31)
#define SVM_EVT_ERR_VALID (1ull << 11)
#define SVM_EVT_EXCEPTION (3ull << 8)
#define SVM_EVT_ERR(code) ((uint64_t)(code) << 32)

#define SVM_IOPM_PAGES 3
#define SVM_MSRPM_PAGES 2

/* Fills vmcb (zeroed, one page) for the root session entering Linux at e
 * with nested tables at ncr3, and the permission maps: iopm
 * (SVM_IOPM_PAGES, zeroed) intercepts the gate's 4 ports, msrpm
 * (SVM_MSRPM_PAGES, zeroed) the MSRs the session must not own. */
void vmcb_setup_root(struct vmcb *vmcb, const struct linux_entry *e,
		     uint64_t ncr3, uint8_t *iopm, uint8_t *msrpm,
		     uint16_t gate_port);

#endif
