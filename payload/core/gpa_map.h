/* gpa_map.h: the root session's guest-physical identity map (nested page
 * tables on AMD-V, EPT on VT-x) as pure logic; keel-hv's range is backed by one scratch page. */
#ifndef KEEL_HV_GPA_MAP_H
#define KEEL_HV_GPA_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "range.h"

/* A zeroed, 4 KiB-aligned page whose address is also its physical address
 * (keel-hv maps 1:1; the host test hands out aligned heap memory); NULL
 * when there is no memory. */
typedef void *(*gpa_alloc_fn)(void *ctx);

/* The memory type of every byte of the aligned page [addr, addr + size),
 * or -1 when they differ (the page is then split into smaller ones). */
typedef int (*gpa_type_fn)(void *ctx, uint64_t addr, uint64_t size);

/* How the backend's tables encode an entry; both are 4-level, 512 entries
 * of 8 bytes, with the large-page bit at 7 and the address in 51:12. */
struct gpa_format {
	uint64_t table_flags;    /* a PML4E, PDPTE or PDE that points down */
	uint64_t leaf_flags;     /* a page */
	uint64_t need;           /* bits every level of a walk must have */
	/* NULL: no type bits in leaves (the guest's PAT and the MTRRs decide);
	 * else a leaf carries type << type_shift. */
	gpa_type_fn page_type;
	void *type_ctx;
	unsigned int type_shift;
	int scratch_type;        /* the scratch page's type, with page_type */
};

struct gpa_layout {
	struct range hv;         /* 2 MiB aligned: backed by scratch_pa */
	uint64_t map_end;        /* identity-map [0, map_end): 2 MiB aligned */
	uint64_t scratch_pa;     /* 4 KiB aligned */
	bool gib_pages;          /* the CPU has 1 GiB pages */
	const struct gpa_format *fmt;
};

#define GPA_PS   (1ull << 7)
#define GPA_ADDR 0x000ffffffffff000ull

/* Builds the tables; *root_pa is the table root (nCR3 or the EPT
 * pointer's address), *pages the number of pages taken. -1 with *why on
 * a bad layout or when alloc fails. */
int gpa_map_build(const struct gpa_layout *l, gpa_alloc_fn alloc, void *ctx,
		  uint64_t *root_pa, size_t *pages, const char **why);

/* Walks the tables at root_pa for gpa: 0 with *hpa, *page_size and the
 * *leaf entry when every level has fmt->need; -1 otherwise. */
int gpa_map_translate(const struct gpa_format *fmt, uint64_t root_pa,
		      uint64_t gpa, uint64_t *hpa, uint64_t *page_size,
		      uint64_t *leaf);

#endif
