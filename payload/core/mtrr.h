/* mtrr.h: the memory type the firmware's MTRRs give a guest-physical page,
 * so that EPT (which replaces the MTRRs for the session) keeps it. */
#ifndef KEEL_HV_MTRR_H
#define KEEL_HV_MTRR_H

#include <stdbool.h>
#include <stdint.h>

#define MTRR_UC 0
#define MTRR_WC 1
#define MTRR_WT 4
#define MTRR_WP 5
#define MTRR_WB 6

#define MTRR_VAR_MAX 32          /* IA32_MTRRCAP.VCNT is 8 bits; real CPUs have <= 32 */
#define MTRR_FIXED_COUNT 88      /* 11 fixed-range MSRs of 8 ranges each */

/* The MTRR MSRs as read from the CPU (read_mtrrs in vmx/ept.c). */
struct mtrr_state {
	uint64_t cap;            /* IA32_MTRRCAP (0xfe) */
	uint64_t def_type;       /* IA32_MTRR_DEF_TYPE (0x2ff) */
	/* 0x250 (64 KiB ranges from 0), 0x258, 0x259 (16 KiB from 0x80000),
	 * 0x268-0x26f (4 KiB from 0xc0000): one type byte per range, in
	 * address order. */
	uint8_t fixed[MTRR_FIXED_COUNT];
	uint32_t n_var;          /* min(VCNT, MTRR_VAR_MAX) */
	uint64_t var_base[MTRR_VAR_MAX];  /* IA32_MTRR_PHYSBASEn */
	uint64_t var_mask[MTRR_VAR_MAX];  /* IA32_MTRR_PHYSMASKn */
};

/* The type of every byte of [addr, addr + size), where size is a power of
 * two of at least 4 KiB and addr is a multiple of size; -1 when the bytes
 * do not all have one type (the caller maps the page in smaller pages).
 * Overlapping variable ranges combine as the SDM says (UC wins, WT over
 * WB); combinations it leaves undefined give UC. */
int mtrr_page_type(const struct mtrr_state *s, uint64_t addr, uint64_t size);

#endif
