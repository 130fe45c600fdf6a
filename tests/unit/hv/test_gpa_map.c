/* test_gpa_map.c: unit tests of the guest-physical map builder: identity
 * maps of several sizes and both formats, hv backed by scratch, types. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gpa_map.h"
#include "tests/tap.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define SCRATCH 0x345000ull
#define MAX_PAGES 64

/* AMD's nested format: P, RW, US, A; no type bits. */
static const struct gpa_format npt = { 0x27, 0x27, 0x7, NULL, NULL, 0, 0 };

/* EPT's: R, W, X, the type at bit 3. Types by address, as firmware sets
 * the MTRRs: UC from 640 KiB to 1 MiB (4 KiB pages), UC from 3 GiB up
 * to 4 GiB, WT for 2 MiB at 6 MiB (a 2 MiB page), WB elsewhere. */
static int fake_type(void *ctx, uint64_t a, uint64_t size)
{
	struct { uint64_t start, end; int type; } r[] = {
		{ 0xa0000, 0x100000, 0 }, { 3 * GIB, 4 * GIB, 0 },
		{ 6 * MIB, 8 * MIB, 4 },
	};
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		if (a >= r[i].start && a + size <= r[i].end)
			return r[i].type;
		if (a < r[i].end && a + size > r[i].start)
			return -1;
	}
	return 6;
}

static const struct gpa_format ept = { 0x7, 0x7, 0x7, fake_type, NULL, 3,
				       6 };

/* Hands out aligned zeroed pages, at most limit of them. */
struct pool {
	void *page[MAX_PAGES];
	size_t n, limit;
};

static void *pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	void *pg;

	if (p->n >= p->limit || p->n >= MAX_PAGES)
		return NULL;
	pg = aligned_alloc(4096, 4096);
	if (!pg)
		return NULL;
	memset(pg, 0, 4096);
	p->page[p->n++] = pg;
	return pg;
}

static void pool_free(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->page[i]);
	p->n = 0;
}

static struct gpa_layout layout(uint64_t hv_start, uint64_t hv_end,
				uint64_t map_end, bool gib)
{
	struct gpa_layout l = { { hv_start, hv_end }, map_end, SCRATCH, gib,
				&npt };

	return l;
}

/* What gpa must translate to under l. */
static uint64_t expected(const struct gpa_layout *l, uint64_t gpa)
{
	if (gpa >= l->hv.start && gpa < l->hv.end)
		return SCRATCH | (gpa & 0xfff);
	return gpa;
}

/* Checks a sample of addresses: the edges of hv and the map, every GiB
 * boundary and pseudo-random addresses. Returns the number wrong. */
static int check_map(const struct gpa_layout *l, uint64_t root)
{
	uint64_t probes[64];
	size_t n = 0, i;
	uint64_t x = 0x9e3779b97f4a7c15ull, hpa, size, e;
	int bad = 0;

	probes[n++] = 0;
	probes[n++] = 0xfff;
	probes[n++] = l->hv.start - 1;
	probes[n++] = l->hv.start;
	probes[n++] = l->hv.start + 0x1234;
	probes[n++] = l->hv.end - 1;
	probes[n++] = l->hv.end;
	probes[n++] = l->map_end - 1;
	probes[n++] = l->map_end - 2 * MIB;
	for (i = 1; i < 8 && i * GIB < l->map_end; i++)
		probes[n++] = i * GIB + 0x10;
	while (n < 64) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		probes[n++] = (x >> 11) % l->map_end;
	}
	for (i = 0; i < n; i++) {
		if (gpa_map_translate(l->fmt, root, probes[i], &hpa, &size, &e) != 0 ||
		    hpa != expected(l, probes[i])) {
			diag("gpa %llx -> %llx", (unsigned long long)probes[i],
			     (unsigned long long)hpa);
			bad++;
		}
	}
	return bad;
}

static void run_case(const char *name, struct gpa_layout l, size_t want_pages)
{
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root = 0, hpa = 0, size = 0, e = 0;
	size_t pages = 0;
	const char *why = NULL;

	if (!is_int(gpa_map_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "%s: builds", name)) {
		diag("%s", why);
		return;
	}
	is_int(pages, want_pages, "%s: %zu table pages", name, want_pages);
	is_int(p.n, pages, "%s: page count matches the allocations", name);
	is_int(check_map(&l, root), 0, "%s: identity outside hv, scratch in hv",
	       name);
	ok(gpa_map_translate(l.fmt, root, l.map_end, &hpa, &size, &e) != 0,
	   "%s: nothing mapped at map_end", name);
	ok(gpa_map_translate(l.fmt, root, l.hv.start + 0x5000, &hpa, &size,
			     &e) == 0 && size == 4096 && hpa == SCRATCH,
	   "%s: hv is 4 KiB pages of scratch", name);
	pool_free(&p);
}

/* Page sizes where they are expected. */
static void test_page_sizes(void)
{
	struct gpa_layout l = layout(2 * MIB, 8 * MIB, 8 * GIB, true);
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root, hpa, size, e;
	size_t pages;
	const char *why = NULL;

	if (!is_int(gpa_map_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "page sizes: build with 1 GiB pages")) {
		diag("%s", why ? why : "(no reason)");
		pool_free(&p);
		return;
	}
	ok(gpa_map_translate(l.fmt, root, 3 * GIB + 5, &hpa, &size, &e) == 0 && size == GIB,
	   "1 GiB page away from hv");
	ok(gpa_map_translate(l.fmt, root, 16 * MIB, &hpa, &size, &e) == 0 &&
	   size == 2 * MIB && hpa == 16 * MIB, "2 MiB page in hv's GiB");
	ok(gpa_map_translate(l.fmt, root, 0x1000, &hpa, &size, &e) == 0 && size == 2 * MIB &&
	   hpa == 0x1000, "low memory below hv in 2 MiB pages");
	pool_free(&p);

	l.gib_pages = false;
	if (!is_int(gpa_map_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "page sizes: build without 1 GiB pages")) {
		diag("%s", why ? why : "(no reason)");
		pool_free(&p);
		return;
	}
	ok(gpa_map_translate(l.fmt, root, 3 * GIB + 5, &hpa, &size, &e) == 0 &&
	   size == 2 * MIB && hpa == 3 * GIB + 5, "2 MiB pages without "
	   "1 GiB support");
	pool_free(&p);
}

static void test_bad_layouts(void)
{
	struct gpa_layout bad[] = {
		layout(2 * MIB, 4 * MIB, 0, true),
		layout(2 * MIB, 4 * MIB, 4 * GIB + 4096, true),
		layout(3 * MIB, 5 * MIB, 4 * GIB, true),
		layout(2 * MIB, 5 * MIB, 4 * GIB, true),
		layout(2 * MIB, 4 * MIB, 1ull << 49, true),
	};
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root;
	size_t pages, i;
	const char *why;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		ok(gpa_map_build(&bad[i], pool_alloc, &p, &root, &pages, &why) != 0
		   && why && *why, "bad layout %zu refused (%s)", i,
		   why ? why : "");
	}
	bad[0] = layout(2 * MIB, 4 * MIB, 4 * GIB, true);
	bad[0].scratch_pa = SCRATCH + 8;
	ok(gpa_map_build(&bad[0], pool_alloc, &p, &root, &pages, &why) != 0,
	   "unaligned scratch page refused");
	ok(p.n == 0, "nothing allocated for bad layouts");
	pool_free(&p);
}

static void test_out_of_memory(void)
{
	struct gpa_layout l = layout(2 * MIB, 8 * MIB, 4 * GIB, false);
	uint64_t root;
	size_t pages, limit;
	const char *why;
	int failed = 0;

	for (limit = 0; limit < 7; limit++) {
		struct pool p = { .limit = limit };

		if (gpa_map_build(&l, pool_alloc, &p, &root, &pages, &why) == 0)
			failed++;
		pool_free(&p);
	}
	is_int(failed, 0, "every allocation failure is reported");
}

/* The type bits of the leaf that maps gpa, or -1 when unmapped; the
 * page size in *size. */
static int type_at(uint64_t root, uint64_t gpa, uint64_t *size)
{
	uint64_t hpa, e;

	if (gpa_map_translate(&ept, root, gpa, &hpa, size, &e) != 0)
		return -1;
	return (int)((e >> 3) & 7);
}

/* EPT: the MTRRs' types in every leaf, pages split where they change. */
static void test_ept_types(void)
{
	struct gpa_layout l = layout(2 * MIB, 4 * MIB, 8 * GIB, true);
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root, size;
	size_t pages;
	const char *why = NULL;

	l.fmt = &ept;
	if (!is_int(gpa_map_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "EPT: builds")) {
		diag("%s", why ? why : "(no reason)");
		pool_free(&p);
		return;
	}
	/* PML4, PDPT, PD of GiB 0, PT of the first 2 MiB, hv's PT; GiB 3
	 * is uniformly UC and needs no PD. */
	is_int(pages, 5, "EPT: 5 table pages");
	is_int(check_map(&l, root), 0, "EPT: identity outside hv, scratch in hv");
	ok(type_at(root, 0x9f000, &size) == 6 && size == 4096,
	   "EPT: 4 KiB WB page below 640 KiB");
	ok(type_at(root, 0xa0000, &size) == 0 && size == 4096,
	   "EPT: 4 KiB UC page at 640 KiB");
	ok(type_at(root, 0x100000, &size) == 6 && size == 4096,
	   "EPT: WB again at 1 MiB, inside the split 2 MiB");
	ok(type_at(root, 2 * MIB + 0x3000, &size) == 6 && size == 4096,
	   "EPT: the scratch page is WB");
	ok(type_at(root, 6 * MIB, &size) == 4 && size == 2 * MIB,
	   "EPT: a 2 MiB WT page");
	ok(type_at(root, 8 * MIB, &size) == 6 && size == 2 * MIB,
	   "EPT: WB 2 MiB page in a GiB with mixed types");
	ok(type_at(root, 3 * GIB + 5, &size) == 0 && size == GIB,
	   "EPT: the MMIO GiB is one UC page");
	ok(type_at(root, 5 * GIB, &size) == 6 && size == GIB,
	   "EPT: WB 1 GiB page above 4 GiB");
	pool_free(&p);
}

int main(void)
{
	/* PML4 + PDPT + PD for GiB 0 + the shared hv PT. */
	run_case("4 GiB, 1 GiB pages", layout(2 * MIB, 8 * MIB, 4 * GIB, true),
		 4);
	/* PML4 + PDPT + 4 PDs + PT. */
	run_case("4 GiB, 2 MiB pages", layout(2 * MIB, 8 * MIB, 4 * GIB, false),
		 7);
	run_case("16 GiB, 2 MiB pages, hv high",
		 layout(3 * GIB + 100 * MIB, 3 * GIB + 104 * MIB, 16 * GIB,
			false), 19);
	/* 1 TiB: two PDPTs. */
	run_case("1 TiB, 1 GiB pages", layout(2 * MIB, 8 * MIB, 1ull << 40,
					      true), 5);
	/* hv across a GiB boundary: two PDs, still one PT. */
	run_case("hv across 1 GiB", layout(GIB - 2 * MIB, GIB + 2 * MIB,
					   4 * GIB, true), 5);
	/* map_end not a GiB multiple: its last GiB needs a PD. */
	run_case("6 GiB + 2 MiB, 1 GiB pages",
		 layout(2 * MIB, 4 * MIB, 6 * GIB + 2 * MIB, true), 5);
	test_page_sizes();
	test_bad_layouts();
	test_out_of_memory();
	test_ept_types();
	return done_testing();
}
