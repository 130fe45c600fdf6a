/* npt.h: nested page tables for the root session, as pure logic: identity
 * everywhere, keel-hv's own range backed by one scratch page. */
#ifndef KEEL_HV_SVM_NPT_H
#define KEEL_HV_SVM_NPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "range.h"

/* A zeroed, 4 KiB-aligned page whose address is also its physical address
 * (keel-hv maps 1:1; the host test hands out aligned heap memory); NULL
 * when there is no memory. */
typedef void *(*npt_alloc_fn)(void *ctx);

struct npt_layout {
	struct range hv;         /* 2 MiB aligned: backed by scratch_pa */
	uint64_t map_end;        /* identity-map [0, map_end): 2 MiB aligned */
	uint64_t scratch_pa;     /* 4 KiB aligned */
	bool gib_pages;          /* the CPU has 1 GiB pages */
};

#define NPT_P    (1ull << 0)
#define NPT_RW   (1ull << 1)
#define NPT_US   (1ull << 2)
#define NPT_A    (1ull << 5)
#define NPT_PS   (1ull << 7)
#define NPT_ADDR 0x000ffffffffff000ull

/* Builds the tables; *root_pa is the nCR3 value, *pages the number of
 * pages taken. -1 with *why on a bad layout or when alloc fails. */
int npt_build(const struct npt_layout *l, npt_alloc_fn alloc, void *ctx,
	      uint64_t *root_pa, size_t *pages, const char **why);

/* Walks the tables at root_pa for gpa: 0 with *hpa and *page_size when
 * every level is present, writable and user; -1 otherwise. */
int npt_translate(uint64_t root_pa, uint64_t gpa, uint64_t *hpa,
		  uint64_t *page_size);

#endif
