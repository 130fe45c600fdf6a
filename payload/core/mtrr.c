/* mtrr.c: the memory type the firmware's MTRRs give a page, worked out from
 * the MSR values alone (Intel SDM vol. 3A, 12.11), so EPT can repeat it. */
#include <stdbool.h>
#include <stdint.h>

#include "mtrr.h"

#define MTRRCAP_FIX (1ull << 8)         /* fixed-range MSRs exist */
#define DEF_TYPE_E (1ull << 11)         /* MTRRs enabled */
#define DEF_TYPE_FE (1ull << 10)        /* fixed ranges enabled */
#define PHYSMASK_V (1ull << 11)         /* variable range valid */
#define PAGE_MASK_4K 0xfffull
#define FIXED_END 0x100000ull           /* fixed ranges cover the first MiB */
#define FIXED_16K 0x80000ull            /* where the 16 KiB ranges start */
#define FIXED_4K 0xc0000ull             /* where the 4 KiB ranges start */
#define NO_MATCH (-2)                   /* no range has matched yet */

/* A register's type field as a type we may hand to EPT: reserved values
 * become UC, the one type that can never be wrong for device memory. */
static int sane_type(uint64_t reg)
{
	switch (reg & 0xff) {
	case MTRR_UC:
	case MTRR_WC:
	case MTRR_WT:
	case MTRR_WP:
	case MTRR_WB:
		return (int)(reg & 0xff);
	}
	return MTRR_UC;
}

/* Overlapping variable ranges: UC wins, WT beats WB, and any other mix
 * of different types is undefined in the SDM, so UC. */
static int combine(int acc, int type)
{
	if (acc == NO_MATCH || acc == type)
		return type;
	if ((acc == MTRR_WT && type == MTRR_WB) ||
	    (acc == MTRR_WB && type == MTRR_WT))
		return MTRR_WT;
	return MTRR_UC;
}

/* Whether variable range i covers all of the page (1), none of it (0) or
 * only part of it (-1). Masks need not be contiguous, so only the bit
 * test is exact: the mask bits above the page decide whether any byte
 * matches, and a mask bit inside the page means some bytes do not. */
static int var_match(const struct mtrr_state *s, uint32_t i, uint64_t addr,
		     uint64_t size)
{
	uint64_t mask = s->var_mask[i] & ~PAGE_MASK_4K;
	uint64_t above = mask & ~(size - 1);

	if (!(s->var_mask[i] & PHYSMASK_V))
		return 0;
	if ((addr & above) != (s->var_base[i] & above))
		return 0;
	return (mask & (size - 1)) ? -1 : 1;
}

/* The type the variable ranges and the default give the whole page, or
 * -1 when a range covers only part of it. A 4 KiB page is never split
 * (masks have no bits below 12), so the caller can always fall back. */
static int var_type(const struct mtrr_state *s, uint64_t addr, uint64_t size)
{
	/* n_var is clamped again so a bad caller cannot read past the arrays. */
	uint32_t n = s->n_var < MTRR_VAR_MAX ? s->n_var : MTRR_VAR_MAX;
	uint32_t i;
	int acc = NO_MATCH, m;

	for (i = 0; i < n; i++) {
		m = var_match(s, i, addr, size);
		if (m < 0)
			return -1;
		if (m)
			acc = combine(acc, sane_type(s->var_base[i]));
	}
	return acc == NO_MATCH ? sane_type(s->def_type) : acc;
}

/* The variable/default type of [1 MiB, size) for a page at 0, or -1. That
 * span is the aligned blocks [b, 2b) for b = 1 MiB, 2 MiB, ... size / 2,
 * each of which var_type answers exactly. */
static int var_type_above_fixed(const struct mtrr_state *s, uint64_t size)
{
	int type = var_type(s, FIXED_END, FIXED_END);
	uint64_t b;

	for (b = 2 * FIXED_END; type >= 0 && b < size; b <<= 1)
		if (var_type(s, b, b) != type)
			return -1;
	return type;
}

/* Fixed ranges count only when enabled and when the CPU has them: FE is
 * meaningless (and may be garbage) without MTRRCAP.FIX. */
static bool fixed_active(const struct mtrr_state *s)
{
	return (s->cap & MTRRCAP_FIX) && (s->def_type & DEF_TYPE_FE);
}

/* The index in fixed[] of the range holding a (< 1 MiB); *span is the
 * size of that range. */
static uint32_t fixed_index(uint64_t a, uint64_t *span)
{
	if (a < FIXED_16K) {
		*span = 0x10000;
		return (uint32_t)(a >> 16);
	}
	if (a < FIXED_4K) {
		*span = 0x4000;
		return 8 + (uint32_t)((a - FIXED_16K) >> 14);
	}
	*span = 0x1000;
	return 24 + (uint32_t)((a - FIXED_4K) >> 12);
}

/* The one type of the fixed ranges over [addr, end), end <= 1 MiB, or -1
 * when they differ. */
static int fixed_type(const struct mtrr_state *s, uint64_t addr, uint64_t end)
{
	uint64_t a, span;
	int acc = NO_MATCH, type;

	/* Step to the next range start, since a page may begin mid-range. */
	for (a = addr; a < end; a = (a & ~(span - 1)) + span) {
		type = sane_type(s->fixed[fixed_index(a, &span)]);
		if (acc != NO_MATCH && type != acc)
			return -1;
		acc = type;
	}
	return acc;
}

int mtrr_page_type(const struct mtrr_state *s, uint64_t addr, uint64_t size)
{
	int low;

	if (size < 0x1000 || (size & (size - 1)) || (addr & (size - 1)))
		return -1;
	if (!(s->def_type & DEF_TYPE_E))
		return MTRR_UC;
	if (addr >= FIXED_END || !fixed_active(s))
		return var_type(s, addr, size);
	/* Aligned, so a page starting below 1 MiB either ends by 1 MiB or
	 * starts at 0 and covers the whole first MiB. */
	if (size <= FIXED_END)
		return fixed_type(s, addr, addr + size);
	low = fixed_type(s, 0, FIXED_END);
	return low >= 0 && low == var_type_above_fixed(s, size) ? low : -1;
}
