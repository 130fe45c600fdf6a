/* ept.c: the root session's EPT identity map, with the memory type the
 * MTRRs give each page, and the flushes of cached guest translations. */
#include <stdint.h>

#include "gpa_map.h"
#include "heap.h"
#include "log.h"
#include "mtrr.h"
#include "panic.h"
#include "vmx/vmx.h"
#include "x86.h"

#define EPT_RWX 0x7ull
#define EPT_TYPE_SHIFT 3
#define EPTP_WB 6ull
#define EPTP_WALK_4 (3ull << 3)

#define MSR_MTRRCAP 0xfeu
#define MSR_MTRR_DEF_TYPE 0x2ffu
#define MSR_MTRR_PHYSBASE0 0x200u
#define MSR_MTRR_FIX64K 0x250u
#define MSR_MTRR_FIX16K 0x258u
#define MSR_MTRR_FIX4K 0x268u
#define LEAF1_EDX_MTRR (1u << 12)
#define MTRRCAP_FIX (1ull << 8)

#define INVEPT_ALL 2ull
#define INVVPID_ALL 2ull

static struct mtrr_state mtrrs;

/* The eight type bytes of one fixed-range MSR, in address order. */
static void read_fixed(uint32_t msr, uint8_t *types)
{
	uint64_t v = rdmsr(msr);
	int i;

	for (i = 0; i < 8; i++)
		types[i] = (uint8_t)(v >> (8 * i));
}

/* EPT replaces the MTRRs for the session's accesses: keel-hv copies the
 * firmware's types into the map, or device memory would be cached. A CPU
 * without MTRRs caches all memory write-back. */
static void read_mtrrs(struct mtrr_state *s)
{
	uint32_t a, b, c, d, i;

	cpuid_count(1, 0, &a, &b, &c, &d);
	if (!(d & LEAF1_EDX_MTRR)) {
		s->def_type = (1ull << 11) | MTRR_WB;   /* enabled, WB */
		return;
	}
	s->cap = rdmsr(MSR_MTRRCAP);
	s->def_type = rdmsr(MSR_MTRR_DEF_TYPE);
	if (s->cap & MTRRCAP_FIX) {
		read_fixed(MSR_MTRR_FIX64K, s->fixed);
		read_fixed(MSR_MTRR_FIX16K, s->fixed + 8);
		read_fixed(MSR_MTRR_FIX16K + 1, s->fixed + 16);
		for (i = 0; i < 8; i++)
			read_fixed(MSR_MTRR_FIX4K + i, s->fixed + 24 + 8 * i);
	}
	s->n_var = (uint32_t)(s->cap & 0xff);
	if (s->n_var > MTRR_VAR_MAX)
		s->n_var = MTRR_VAR_MAX;
	for (i = 0; i < s->n_var; i++) {
		s->var_base[i] = rdmsr(MSR_MTRR_PHYSBASE0 + 2 * i);
		s->var_mask[i] = rdmsr(MSR_MTRR_PHYSBASE0 + 2 * i + 1);
	}
}

static int page_type(void *ctx, uint64_t addr, uint64_t size)
{
	return mtrr_page_type(ctx, addr, size);
}

static void *ept_page(void *ctx)
{
	(void)ctx;
	return heap_pages(1);
}

static void invept_all(void)
{
	struct { uint64_t eptp, zero; } desc = { 0, 0 };

	__asm__ volatile("invept %0, %1" : : "m"(desc), "r"(INVEPT_ALL)
			 : "cc", "memory");
}

void vmx_flush_guest_tlb(void)
{
	struct { uint64_t vpid, addr; } desc = { 0, 0 };

	/* Without VPID every VM entry drops the guest's translations. */
	if (vmx_caps.vpid)
		__asm__ volatile("invvpid %0, %1" : : "m"(desc),
				 "r"(INVVPID_ALL) : "cc", "memory");
}

uint64_t vmx_ept_build(const struct hv_memory *mem)
{
	static const struct gpa_format fmt_template = {
		.table_flags = EPT_RWX, .leaf_flags = EPT_RWX, .need = EPT_RWX,
		.page_type = page_type, .type_shift = EPT_TYPE_SHIFT,
		.scratch_type = MTRR_WB,
	};
	struct gpa_format fmt = fmt_template;
	struct gpa_layout l = { mem->hv, mem->map_end, mem->scratch_pa,
				vmx_caps.ept_gib_pages, &fmt };
	uint64_t root = 0;
	size_t pages = 0;
	const char *why = "";

	read_mtrrs(&mtrrs);
	fmt.type_ctx = &mtrrs;
	if (gpa_map_build(&l, ept_page, NULL, &root, &pages, &why) != 0)
		panic("cannot build the EPT tables: %s", why);
	log_printf("EPT: 0-%llx identity in %s pages, memory types from the "
		   "MTRRs, %zu table pages\n", (unsigned long long)mem->map_end,
		   l.gib_pages ? "1 GiB" : "2 MiB", pages);
	if (vmx_caps.invept_all)
		invept_all();
	return root | EPTP_WALK_4 | EPTP_WB;
}
