/* npt.c: builds the root session's nested page tables (4-level, long-mode
 * format) and walks them; no hardware access, so the host tests run it. */
#include <stddef.h>
#include <stdint.h>

#include "svm/npt.h"

#define ENTRIES 512
#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)
#define SZ_512G (1ull << 39)
#define ADDR_LIMIT (1ull << 48)   /* what 4 levels translate */

/* Nested walks count as user accesses: every level needs U as well as W.
 * Memory type bits stay 0, so the guest's own PAT decides. */
#define TABLE_FLAGS (NPT_P | NPT_RW | NPT_US | NPT_A)
#define LEAF_FLAGS (NPT_P | NPT_RW | NPT_US | NPT_A)

struct builder {
	const struct npt_layout *l;
	npt_alloc_fn alloc;
	void *ctx;
	size_t pages;
	uint64_t hv_pt;          /* the one PT that maps 2 MiB to scratch */
};

static uint64_t *table_at(uint64_t pa)
{
	return (uint64_t *)(uintptr_t)pa;
}

static uint64_t new_table(struct builder *b)
{
	void *p = b->alloc(b->ctx);

	if (!p)
		return 0;
	b->pages++;
	return (uint64_t)(uintptr_t)p;
}

static int in_hv(const struct builder *b, uint64_t start, uint64_t size)
{
	struct range r = { start, start + size };

	return range_overlaps(b->l->hv, r);
}

/* Every hv 2 MiB region shares one PT whose 512 PTEs all point to the
 * scratch page: the session can touch hv addresses without a nested
 * fault, and only ever reaches that page. */
static uint64_t hv_table(struct builder *b)
{
	uint64_t *pt;
	int i;

	if (b->hv_pt)
		return b->hv_pt;
	b->hv_pt = new_table(b);
	if (!b->hv_pt)
		return 0;
	pt = table_at(b->hv_pt);
	for (i = 0; i < ENTRIES; i++)
		pt[i] = b->l->scratch_pa | LEAF_FLAGS;
	return b->hv_pt;
}

/* One GiB from base in 2 MiB pages; hv is 2 MiB aligned, so a 2 MiB
 * region is either wholly hv or not at all. */
static int fill_pd(struct builder *b, uint64_t *pd, uint64_t base)
{
	int i;

	for (i = 0; i < ENTRIES; i++) {
		uint64_t a = base + (uint64_t)i * SZ_2M;

		if (a >= b->l->map_end)
			break;
		if (in_hv(b, a, SZ_2M)) {
			uint64_t pt = hv_table(b);

			if (!pt)
				return -1;
			pd[i] = pt | TABLE_FLAGS;
		} else {
			pd[i] = a | LEAF_FLAGS | NPT_PS;
		}
	}
	return 0;
}

/* 512 GiB from base: 1 GiB pages where allowed, else a PD. */
static int fill_pdpt(struct builder *b, uint64_t *pdpt, uint64_t base)
{
	int i;

	for (i = 0; i < ENTRIES; i++) {
		uint64_t a = base + (uint64_t)i * SZ_1G;
		uint64_t pd;

		if (a >= b->l->map_end)
			break;
		if (b->l->gib_pages && a + SZ_1G <= b->l->map_end &&
		    !in_hv(b, a, SZ_1G)) {
			pdpt[i] = a | LEAF_FLAGS | NPT_PS;
			continue;
		}
		pd = new_table(b);
		if (!pd || fill_pd(b, table_at(pd), a) != 0)
			return -1;
		pdpt[i] = pd | TABLE_FLAGS;
	}
	return 0;
}

static const char *check_layout(const struct npt_layout *l)
{
	if (l->map_end == 0 || l->map_end % SZ_2M || l->map_end > ADDR_LIMIT)
		return "the end of the identity map is not a 2 MiB multiple "
		       "below 256 TiB";
	if (l->hv.start % SZ_2M || l->hv.end % SZ_2M || l->hv.end < l->hv.start)
		return "the hypervisor range is not 2 MiB aligned";
	if (l->scratch_pa % SZ_4K || l->scratch_pa >= ADDR_LIMIT)
		return "the scratch page is not 4 KiB aligned";
	return NULL;
}

int npt_build(const struct npt_layout *l, npt_alloc_fn alloc, void *ctx,
	      uint64_t *root_pa, size_t *pages, const char **why)
{
	struct builder b = { l, alloc, ctx, 0, 0 };
	uint64_t root, *pml4;
	int i;

	*why = check_layout(l);
	if (*why)
		return -1;
	*why = "out of memory for the nested page tables";
	root = new_table(&b);
	if (!root)
		return -1;
	pml4 = table_at(root);
	for (i = 0; i < ENTRIES; i++) {
		uint64_t a = (uint64_t)i * SZ_512G;
		uint64_t pdpt;

		if (a >= l->map_end)
			break;
		pdpt = new_table(&b);
		if (!pdpt || fill_pdpt(&b, table_at(pdpt), a) != 0)
			return -1;
		pml4[i] = pdpt | TABLE_FLAGS;
	}
	*root_pa = root;
	*pages = b.pages;
	*why = "";
	return 0;
}

int npt_translate(uint64_t root_pa, uint64_t gpa, uint64_t *hpa,
		  uint64_t *page_size)
{
	const uint64_t need = NPT_P | NPT_RW | NPT_US;
	uint64_t table = root_pa;
	int shift;

	if (gpa >= ADDR_LIMIT)
		return -1;
	for (shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = table_at(table)[(gpa >> shift) % ENTRIES];
		uint64_t size = 1ull << shift;

		if ((e & need) != need)
			return -1;
		if (shift == 12 || (shift < 39 && (e & NPT_PS))) {
			*hpa = (e & NPT_ADDR & ~(size - 1)) | (gpa & (size - 1));
			*page_size = size;
			return 0;
		}
		table = e & NPT_ADDR;
	}
	return -1;
}
