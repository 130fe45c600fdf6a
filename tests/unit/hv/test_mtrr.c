/* test_mtrr.c: unit tests of the MTRR memory type of a page: enable bits,
 * fixed ranges, variable ranges, their combinations and bad arguments. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtrr.h"
#include "tests/tap.h"

#define KIB (1ull << 10)
#define MIB (1ull << 20)
#define GIB (1ull << 30)

#define CAP_FIX (1ull << 8)
#define DEF_E (1ull << 11)
#define DEF_FE (1ull << 10)
#define MASK_V (1ull << 11)
#define PHYS_BITS 46                    /* a typical MAXPHYADDR */

static struct mtrr_state st;

/* MTRRs on with default type def, 8 variable ranges, all unused, and
 * fixed ranges present but disabled: fixed[] is all 0 (UC), so a test
 * that forgot this would see UC below 1 MiB. */
static void reset(uint64_t def)
{
	memset(&st, 0, sizeof(st));
	st.cap = CAP_FIX | 8;
	st.def_type = DEF_E | def;
	st.n_var = 8;
}

/* Variable range i: [base, base + size), size a power of two. */
static void set_var(uint32_t i, uint64_t base, uint64_t size, uint64_t type)
{
	st.var_base[i] = base | type;
	st.var_mask[i] = (((1ull << PHYS_BITS) - 1) & ~(size - 1)) | MASK_V;
}

/* Fixed ranges [first, last] of fixed[] set to type. */
static void set_fixed(uint32_t first, uint32_t last, uint8_t type)
{
	memset(&st.fixed[first], type, last - first + 1);
}

/* A typical PC: RAM WB to 640 KiB, the VGA window UC, the video BIOS
 * (0xc0000-0xc7fff) and system BIOS (0xf0000-0xfffff) WP, the option ROM
 * space between UC. */
static void pc_fixed(void)
{
	set_fixed(0, 15, MTRR_WB);      /* 0-0x9ffff: 8 x 64K + 8 x 16K */
	set_fixed(16, 23, MTRR_UC);     /* 0xa0000-0xbffff */
	set_fixed(24, 31, MTRR_WP);     /* 0xc0000-0xc7fff */
	set_fixed(32, 71, MTRR_UC);     /* 0xc8000-0xeffff */
	set_fixed(72, 87, MTRR_WP);     /* 0xf0000-0xfffff */
	st.def_type |= DEF_FE;
}

static int type(uint64_t addr, uint64_t size)
{
	return mtrr_page_type(&st, addr, size);
}

static void test_disabled(void)
{
	diag("MTRRs disabled (DEF_TYPE.E clear)");
	reset(MTRR_WB);
	pc_fixed();
	set_var(0, 0, 2 * GIB, MTRR_WB);
	st.def_type &= ~DEF_E;
	is_int(type(0, 4 * KIB), MTRR_UC, "E clear: fixed WB ignored, UC");
	is_int(type(1 * GIB, 2 * MIB), MTRR_UC, "E clear: variable WB ignored");
	is_int(type(4 * GIB, 1 * GIB), MTRR_UC, "E clear: default WB ignored");
}

static void test_default(void)
{
	diag("no variable ranges, only the default type");
	reset(MTRR_WB);
	is_int(type(2 * MIB, 4 * KIB), MTRR_WB, "default only: 4K WB");
	is_int(type(0, 1 * GIB), MTRR_WB, "default only: 1G at 0 WB");
	is_int(type(4 * GIB, 1 * GIB), MTRR_WB, "default only: 1G at 4G WB");
	reset(MTRR_WT);
	is_int(type(8 * GIB, 2 * MIB), MTRR_WT, "default WT is kept");
	reset(2);
	is_int(type(8 * GIB, 2 * MIB), MTRR_UC, "reserved default 2 is UC");
	reset(0x17);
	is_int(type(8 * GIB, 2 * MIB), MTRR_UC, "reserved default 0x17 is UC");
}

static void test_fixed(void)
{
	diag("a PC's fixed ranges, variable WB 0-2G, default UC");
	reset(MTRR_UC);
	pc_fixed();
	set_var(0, 0, 2 * GIB, MTRR_WB);
	is_int(type(0, 4 * KIB), MTRR_WB, "fixed: 4K at 0 WB");
	is_int(type(0x9f000, 4 * KIB), MTRR_WB, "fixed: 4K at 0x9f000 WB");
	is_int(type(0xa0000, 4 * KIB), MTRR_UC,
	       "fixed: 4K at 0xa0000 UC despite variable WB");
	is_int(type(0xbf000, 4 * KIB), MTRR_UC, "fixed: 4K at 0xbf000 UC");
	is_int(type(0xc0000, 4 * KIB), MTRR_WP, "fixed: 4K at 0xc0000 WP");
	is_int(type(0xc7000, 4 * KIB), MTRR_WP, "fixed: 4K at 0xc7000 WP");
	is_int(type(0xc8000, 4 * KIB), MTRR_UC, "fixed: 4K at 0xc8000 UC");
	is_int(type(0xef000, 4 * KIB), MTRR_UC, "fixed: 4K at 0xef000 UC");
	is_int(type(0xf0000, 4 * KIB), MTRR_WP, "fixed: 4K at 0xf0000 WP");
	is_int(type(0xff000, 4 * KIB), MTRR_WP, "fixed: 4K at 0xff000 WP");
	is_int(type(0x90000, 64 * KIB), MTRR_WB,
	       "fixed: 64K over four 16K WB ranges");
	is_int(type(0x80000, 512 * KIB), -1,
	       "fixed: 512K at 0x80000 spans WB, UC, WP");
	is_int(type(0xa0000, 128 * KIB), MTRR_UC,
	       "fixed: 128K VGA window UC");
	is_int(type(0xc0000, 32 * KIB), MTRR_WP, "fixed: 32K video BIOS WP");
	is_int(type(0xc0000, 64 * KIB), -1, "fixed: 64K over WP and UC");
	is_int(type(0, 2 * MIB), -1, "fixed: 2M at 0 is not uniform");
	is_int(type(0x100000, 4 * KIB), MTRR_WB,
	       "fixed: none at 1 MiB, variable WB");
	st.fixed[5] = 3;
	is_int(type(0x50000, 4 * KIB), MTRR_UC, "fixed: reserved type 3 UC");
}

/* A 2 MiB (or larger) page at 0 takes the fixed type below 1 MiB and the
 * variable one above; variable ranges below 1 MiB are hidden. */
static void test_fixed_large(void)
{
	diag("pages at 0 covering the fixed ranges and more");
	reset(MTRR_WB);
	set_fixed(0, 87, MTRR_WB);
	st.def_type |= DEF_FE;
	set_var(0, 0, 1 * MIB, MTRR_UC);
	is_int(type(0, 2 * MIB), MTRR_WB,
	       "2M at 0: variable UC under the fixed WB is hidden");
	is_int(type(0, 1 * GIB), MTRR_WB, "1G at 0: WB");
	set_var(1, 512 * MIB, 512 * MIB, MTRR_UC);
	is_int(type(0, 512 * MIB), MTRR_WB, "512M at 0: WB");
	is_int(type(0, 1 * GIB), -1, "1G at 0: UC in the upper half");
	st.def_type &= ~DEF_FE;
	is_int(type(0, 2 * MIB), -1, "2M at 0, FE off: UC MiB, WB above");
	reset(MTRR_WB);
	set_fixed(0, 87, MTRR_WT);
	st.def_type |= DEF_FE;
	is_int(type(0, 2 * MIB), -1, "2M at 0: fixed WT, above WB");
	is_int(type(0, 1 * MIB), MTRR_WT, "1M at 0: all fixed WT");
}

static void test_fixed_off(void)
{
	diag("fixed ranges disabled or absent");
	reset(MTRR_UC);
	pc_fixed();
	set_var(0, 0, 2 * GIB, MTRR_WB);
	st.def_type &= ~DEF_FE;
	is_int(type(0xa0000, 4 * KIB), MTRR_WB, "FE off: fixed UC ignored");
	is_int(type(0, 2 * MIB), MTRR_WB, "FE off: 2M at 0 WB");
	st.def_type |= DEF_FE;
	st.cap &= ~CAP_FIX;
	is_int(type(0xa0000, 4 * KIB), MTRR_WB, "FIX absent: fixed ignored");
	is_int(type(0, 2 * MIB), MTRR_WB, "FIX absent: 2M at 0 WB");
}

static void test_variable(void)
{
	diag("one variable range, default UC");
	reset(MTRR_UC);
	set_var(0, 0, 2 * GIB, MTRR_WB);
	is_int(type(2 * MIB, 2 * MIB), MTRR_WB, "var: 2M inside WB");
	is_int(type(2 * GIB - 2 * MIB, 2 * MIB), MTRR_WB,
	       "var: last 2M of WB");
	is_int(type(2 * GIB, 4 * KIB), MTRR_UC, "var: 4K above WB is UC");
	is_int(type(2 * GIB, 2 * MIB), MTRR_UC, "var: 2M above WB is UC");
	is_int(type(1 * GIB, 1 * GIB), MTRR_WB, "var: 1G at 1G WB");
	is_int(type(2 * GIB, 1 * GIB), MTRR_UC, "var: 1G at 2G UC");
	is_int(type(0, 4 * GIB), -1, "var: 4G at 0 half WB, half UC");
	is_int(type(1ull << (PHYS_BITS - 1), 4 * KIB), MTRR_UC,
	       "var: high address UC");

	reset(MTRR_UC);
	set_var(0, 256 * MIB, 256 * MIB, MTRR_WB);
	is_int(type(256 * MIB, 2 * MIB), MTRR_WB, "var 256M: 2M inside WB");
	is_int(type(256 * MIB, 256 * MIB), MTRR_WB, "var 256M: exactly WB");
	is_int(type(512 * MIB, 256 * MIB), MTRR_UC, "var 256M: next 256M UC");
	is_int(type(0, 512 * MIB), -1, "var 256M: 512M containing it");
	is_int(type(0, 1 * GIB), -1, "var 256M: 1G containing it");
	is_int(type(1 * GIB, 1 * GIB), MTRR_UC, "var 256M: 1G beside it UC");
}

static void test_overlap(void)
{
	diag("overlapping variable ranges");
	reset(MTRR_UC);
	set_var(0, 0, 2 * GIB, MTRR_WB);
	set_var(1, 256 * MIB, 2 * MIB, MTRR_UC);
	is_int(type(256 * MIB, 2 * MIB), MTRR_UC, "UC in WB: 2M inside UC");
	is_int(type(256 * MIB + 4 * KIB, 4 * KIB), MTRR_UC,
	       "UC in WB: 4K inside UC");
	is_int(type(258 * MIB, 2 * MIB), MTRR_WB, "UC in WB: 2M beside WB");
	is_int(type(0, 1 * GIB), -1, "UC in WB: 1G containing it");

	reset(MTRR_UC);
	set_var(0, 0, 1 * GIB, MTRR_WB);
	set_var(1, 0, 1 * GIB, MTRR_WT);
	is_int(type(0, 1 * GIB), MTRR_WT, "WB and WT: WT");
	set_var(2, 0, 2 * MIB, MTRR_WB);
	is_int(type(0, 2 * MIB), MTRR_WT, "WB, WT, WB: WT");
	set_var(2, 0, 2 * MIB, MTRR_UC);
	is_int(type(0, 2 * MIB), MTRR_UC, "WB, WT, UC: UC");

	reset(MTRR_UC);
	set_var(0, 0, 1 * GIB, MTRR_WB);
	set_var(1, 0, 1 * GIB, MTRR_WC);
	is_int(type(0, 2 * MIB), MTRR_UC, "WB and WC: undefined, UC");
	set_var(0, 0, 1 * GIB, MTRR_WP);
	is_int(type(0, 2 * MIB), MTRR_UC, "WP and WC: undefined, UC");
	set_var(0, 0, 1 * GIB, MTRR_WC);
	is_int(type(0, 2 * MIB), MTRR_WC, "WC and WC: WC");
	set_var(0, 0, 1 * GIB, MTRR_WT);
	set_var(1, 0, 1 * GIB, MTRR_WP);
	is_int(type(0, 2 * MIB), MTRR_UC, "WT and WP: undefined, UC");

	reset(MTRR_WB);
	set_var(0, 0, 1 * GIB, 7);
	is_int(type(0, 2 * MIB), MTRR_UC, "reserved variable type 7: UC");
}

static void test_valid_and_count(void)
{
	uint32_t i;

	reset(MTRR_WB);
	set_var(0, 0, 1 * GIB, MTRR_UC);
	st.var_mask[0] &= ~MASK_V;
	is_int(type(0, 1 * GIB), MTRR_WB, "V clear: range ignored");

	reset(MTRR_WB);
	set_var(7, 4 * GIB, 4 * GIB, MTRR_UC);
	is_int(type(4 * GIB, 1 * GIB), MTRR_UC, "range 7 of 8 counts");
	st.n_var = 7;
	is_int(type(4 * GIB, 1 * GIB), MTRR_WB, "range 7 beyond n_var: ignored");

	reset(MTRR_UC);
	st.n_var = MTRR_VAR_MAX;
	for (i = 0; i < MTRR_VAR_MAX; i++)
		set_var(i, i * GIB, 1 * GIB, i == 31 ? MTRR_WT : MTRR_WB);
	is_int(type(31 * GIB, 1 * GIB), MTRR_WT, "32 ranges: the last counts");
	is_int(type(30 * GIB, 1 * GIB), MTRR_WB, "32 ranges: 30 WB");
	is_int(type(32 * GIB, 1 * GIB), MTRR_UC, "32 ranges: above them UC");
	is_int(type(0, 32 * GIB), -1, "32 ranges: 32G at 0 WB and WT");
}

/* n_var above MTRR_VAR_MAX must not read past the arrays: the state sits
 * alone on the heap so ASan catches a read past var_mask. */
static void test_n_var_clamped(void)
{
	struct mtrr_state *h = malloc(sizeof(*h));

	if (!h) {
		ok(0, "malloc");
		return;
	}
	memset(h, 0, sizeof(*h));
	h->def_type = DEF_E | MTRR_WB;
	h->n_var = 255;
	is_int(mtrr_page_type(h, 4 * GIB, 2 * MIB), MTRR_WB,
	       "n_var 255 clamped to MTRR_VAR_MAX");
	free(h);
}

/* A mask with a hole (bit 20 clear) matches two 4 KiB pages 1 MiB apart;
 * a range computed as base .. base + size would get these wrong. */
static void test_sparse_mask(void)
{
	reset(MTRR_WB);
	st.var_base[0] = 0 | MTRR_UC;
	st.var_mask[0] = (((1ull << PHYS_BITS) - 1) & ~0xfffull &
			  ~(1ull << 20)) | MASK_V;
	is_int(type(0x100000, 4 * KIB), MTRR_UC, "sparse mask: 1M matches");
	is_int(type(0x101000, 4 * KIB), MTRR_WB, "sparse mask: 1M+4K not");
	is_int(type(0, 2 * MIB), -1, "sparse mask: 2M at 0 partly UC");
}

static void test_bad_args(void)
{
	reset(MTRR_WB);
	is_int(type(0, 0), -1, "size 0");
	is_int(type(0, 2 * KIB), -1, "size below 4K");
	is_int(type(0, 12 * KIB), -1, "size not a power of two");
	is_int(type(0x1000, 8 * KIB), -1, "addr not a multiple of 8K");
	is_int(type(1 * MIB, 2 * MIB), -1, "2M page at 1M");
	is_int(type(0x800, 4 * KIB), -1, "addr not page aligned");
	is_int(type(1ull << 63, 1ull << 63), MTRR_WB, "2^63 page at 2^63");
}

int main(void)
{
	test_disabled();
	test_default();
	test_fixed();
	test_fixed_large();
	test_fixed_off();
	test_variable();
	test_overlap();
	test_valid_and_count();
	test_n_var_clamped();
	test_sparse_mask();
	test_bad_args();
	return done_testing();
}
