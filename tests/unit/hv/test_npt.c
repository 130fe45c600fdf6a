/* test_npt.c: unit tests of the nested page table builder: identity maps of
 * several sizes, with and without 1 GiB pages, hv backed by scratch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svm/npt.h"
#include "tests/tap.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)
#define SCRATCH 0x345000ull
#define MAX_PAGES 64

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

static struct npt_layout layout(uint64_t hv_start, uint64_t hv_end,
				uint64_t map_end, bool gib)
{
	struct npt_layout l = { { hv_start, hv_end }, map_end, SCRATCH, gib };

	return l;
}

/* What gpa must translate to under l. */
static uint64_t expected(const struct npt_layout *l, uint64_t gpa)
{
	if (gpa >= l->hv.start && gpa < l->hv.end)
		return SCRATCH | (gpa & 0xfff);
	return gpa;
}

/* Checks a sample of addresses: the edges of hv and the map, every GiB
 * boundary and pseudo-random addresses. Returns the number wrong. */
static int check_map(const struct npt_layout *l, uint64_t root)
{
	uint64_t probes[64];
	size_t n = 0, i;
	uint64_t x = 0x9e3779b97f4a7c15ull, hpa, size;
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
		if (npt_translate(root, probes[i], &hpa, &size) != 0 ||
		    hpa != expected(l, probes[i])) {
			diag("gpa %llx -> %llx", (unsigned long long)probes[i],
			     (unsigned long long)hpa);
			bad++;
		}
	}
	return bad;
}

static void run_case(const char *name, struct npt_layout l, size_t want_pages)
{
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root = 0, hpa = 0, size = 0;
	size_t pages = 0;
	const char *why = NULL;

	if (!is_int(npt_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "%s: builds", name)) {
		diag("%s", why);
		return;
	}
	is_int(pages, want_pages, "%s: %zu table pages", name, want_pages);
	is_int(p.n, pages, "%s: page count matches the allocations", name);
	is_int(check_map(&l, root), 0, "%s: identity outside hv, scratch in hv",
	       name);
	ok(npt_translate(root, l.map_end, &hpa, &size) != 0,
	   "%s: nothing mapped at map_end", name);
	ok(npt_translate(root, l.hv.start + 0x5000, &hpa, &size) == 0 &&
	   size == 4096 && hpa == SCRATCH, "%s: hv is 4 KiB pages of scratch",
	   name);
	pool_free(&p);
}

/* Page sizes where they are expected. */
static void test_page_sizes(void)
{
	struct npt_layout l = layout(2 * MIB, 8 * MIB, 8 * GIB, true);
	struct pool p = { .limit = MAX_PAGES };
	uint64_t root, hpa, size;
	size_t pages;
	const char *why = NULL;

	if (!is_int(npt_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "page sizes: build with 1 GiB pages")) {
		diag("%s", why ? why : "(no reason)");
		pool_free(&p);
		return;
	}
	ok(npt_translate(root, 3 * GIB + 5, &hpa, &size) == 0 && size == GIB,
	   "1 GiB page away from hv");
	ok(npt_translate(root, 16 * MIB, &hpa, &size) == 0 &&
	   size == 2 * MIB && hpa == 16 * MIB, "2 MiB page in hv's GiB");
	ok(npt_translate(root, 0x1000, &hpa, &size) == 0 && size == 2 * MIB &&
	   hpa == 0x1000, "low memory below hv in 2 MiB pages");
	pool_free(&p);

	l.gib_pages = false;
	if (!is_int(npt_build(&l, pool_alloc, &p, &root, &pages, &why), 0,
		    "page sizes: build without 1 GiB pages")) {
		diag("%s", why ? why : "(no reason)");
		pool_free(&p);
		return;
	}
	ok(npt_translate(root, 3 * GIB + 5, &hpa, &size) == 0 &&
	   size == 2 * MIB && hpa == 3 * GIB + 5, "2 MiB pages without "
	   "1 GiB support");
	pool_free(&p);
}

static void test_bad_layouts(void)
{
	struct npt_layout bad[] = {
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
		ok(npt_build(&bad[i], pool_alloc, &p, &root, &pages, &why) != 0
		   && why && *why, "bad layout %zu refused (%s)", i,
		   why ? why : "");
	}
	bad[0] = layout(2 * MIB, 4 * MIB, 4 * GIB, true);
	bad[0].scratch_pa = SCRATCH + 8;
	ok(npt_build(&bad[0], pool_alloc, &p, &root, &pages, &why) != 0,
	   "unaligned scratch page refused");
	ok(p.n == 0, "nothing allocated for bad layouts");
	pool_free(&p);
}

static void test_out_of_memory(void)
{
	struct npt_layout l = layout(2 * MIB, 8 * MIB, 4 * GIB, false);
	uint64_t root;
	size_t pages, limit;
	const char *why;
	int failed = 0;

	for (limit = 0; limit < 7; limit++) {
		struct pool p = { .limit = limit };

		if (npt_build(&l, pool_alloc, &p, &root, &pages, &why) == 0)
			failed++;
		pool_free(&p);
	}
	is_int(failed, 0, "every allocation failure is reported");
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
	return done_testing();
}
