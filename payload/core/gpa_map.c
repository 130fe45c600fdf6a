/* gpa_map.c: builds the root session's guest-physical identity map in the
 * backend's format and walks it; no hardware access, so host tests run it. */
#include <stddef.h>
#include <stdint.h>

#include "gpa_map.h"

#define ENTRIES 512
#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)
#define SZ_512G (1ull << 39)
#define ADDR_LIMIT (1ull << 48)   /* what 4 levels translate */

struct builder {
	const struct gpa_layout *l;
	gpa_alloc_fn alloc;
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

/* The memory type of a page, or -1 when it must be split; 0 for formats
 * without type bits. */
static int page_type(const struct builder *b, uint64_t a, uint64_t size)
{
	const struct gpa_format *f = b->l->fmt;

	return f->page_type ? f->page_type(f->type_ctx, a, size) : 0;
}

static uint64_t leaf(const struct builder *b, uint64_t pa, int type)
{
	const struct gpa_format *f = b->l->fmt;
	uint64_t e = pa | f->leaf_flags;

	if (f->page_type)
		e |= (uint64_t)type << f->type_shift;
	return e;
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
		pt[i] = leaf(b, b->l->scratch_pa, b->l->fmt->scratch_type);
	return b->hv_pt;
}

/* 2 MiB from base in 4 KiB pages, where the memory type changes inside
 * (the MTRRs of the first MiB); MTRRs never split a 4 KiB page. */
static uint64_t typed_table(struct builder *b, uint64_t base)
{
	uint64_t pt = new_table(b);
	uint64_t *e;
	int i, t;

	if (!pt)
		return 0;
	e = table_at(pt);
	for (i = 0; i < ENTRIES; i++) {
		uint64_t a = base + (uint64_t)i * SZ_4K;

		t = page_type(b, a, SZ_4K);
		e[i] = leaf(b, a, t < 0 ? 0 : t);
	}
	return pt;
}

/* One GiB from base in 2 MiB pages; hv is 2 MiB aligned, so a 2 MiB
 * region is either wholly hv or not at all. A region of mixed memory
 * types gets a table of 4 KiB pages. */
static int fill_pd(struct builder *b, uint64_t *pd, uint64_t base)
{
	int i;

	for (i = 0; i < ENTRIES; i++) {
		uint64_t a = base + (uint64_t)i * SZ_2M;
		uint64_t pt;
		int t;

		if (a >= b->l->map_end)
			break;
		if (in_hv(b, a, SZ_2M)) {
			pt = hv_table(b);
		} else if ((t = page_type(b, a, SZ_2M)) >= 0) {
			pd[i] = leaf(b, a, t) | GPA_PS;
			continue;
		} else {
			pt = typed_table(b, a);
		}
		if (!pt)
			return -1;
		pd[i] = pt | b->l->fmt->table_flags;
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
		int t = -1;

		if (a >= b->l->map_end)
			break;
		if (b->l->gib_pages && a + SZ_1G <= b->l->map_end &&
		    !in_hv(b, a, SZ_1G))
			t = page_type(b, a, SZ_1G);
		if (t >= 0) {
			pdpt[i] = leaf(b, a, t) | GPA_PS;
			continue;
		}
		pd = new_table(b);
		if (!pd || fill_pd(b, table_at(pd), a) != 0)
			return -1;
		pdpt[i] = pd | b->l->fmt->table_flags;
	}
	return 0;
}

static const char *check_layout(const struct gpa_layout *l)
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

int gpa_map_build(const struct gpa_layout *l, gpa_alloc_fn alloc, void *ctx,
		  uint64_t *root_pa, size_t *pages, const char **why)
{
	struct builder b = { l, alloc, ctx, 0, 0 };
	uint64_t root, *pml4;
	int i;

	*why = check_layout(l);
	if (*why)
		return -1;
	*why = "out of memory for the guest-physical page tables";
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
		pml4[i] = pdpt | l->fmt->table_flags;
	}
	*root_pa = root;
	*pages = b.pages;
	*why = "";
	return 0;
}

int gpa_map_translate(const struct gpa_format *fmt, uint64_t root_pa,
		      uint64_t gpa, uint64_t *hpa, uint64_t *page_size,
		      uint64_t *leaf_entry)
{
	const uint64_t need = fmt->need;
	uint64_t table = root_pa;
	int shift;

	if (gpa >= ADDR_LIMIT)
		return -1;
	for (shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = table_at(table)[(gpa >> shift) % ENTRIES];
		uint64_t size = 1ull << shift;

		if ((e & need) != need)
			return -1;
		if (shift == 12 || (shift < 39 && (e & GPA_PS))) {
			*hpa = (e & GPA_ADDR & ~(size - 1)) | (gpa & (size - 1));
			*page_size = size;
			*leaf_entry = e;
			return 0;
		}
		table = e & GPA_ADDR;
	}
	return -1;
}
