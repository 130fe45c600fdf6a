/* e820.h: the BIOS-style memory map keel-hv builds from Multiboot2 and
 * hands to the root session, with its own memory carved out. */
#ifndef KEEL_HV_E820_H
#define KEEL_HV_E820_H

#include <stdbool.h>
#include <stdint.h>

#include "range.h"

#define E820_RAM 1u
#define E820_RESERVED 2u
#define E820_ACPI 3u
#define E820_NVS 4u
#define E820_UNUSABLE 5u
#define E820_MAX 128             /* what boot_params.e820_table holds */

/* The layout of boot_params.e820_table entries. */
struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

struct e820_map {
	struct e820_entry e[E820_MAX];
	uint32_t n;
};

/* Appends one entry; -1 when the map is full. */
int e820_add(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type);
/* Sorts, resolves overlaps (anything that is not RAM wins over RAM, the
 * higher type over the lower otherwise), merges neighbours of one type
 * and drops empty entries. */
void e820_sanitize(struct e820_map *m);
/* Makes r of the given type, splitting entries; the map stays sanitized.
 * -1 when it would need more than E820_MAX entries. */
int e820_carve(struct e820_map *m, struct range r, uint32_t type);
/* True when r lies wholly in RAM entries. */
bool e820_is_ram(const struct e820_map *m, struct range r);
/* The end of the highest entry of any type. */
uint64_t e820_end(const struct e820_map *m);
/* The lowest addr >= min, a multiple of align (a power of two), with
 * [addr, addr + size) in RAM, below max, and overlapping none of busy[].
 * -1 when there is none. */
int e820_find_free(const struct e820_map *m, const struct range *busy,
		   int n_busy, uint64_t size, uint64_t align, uint64_t min,
		   uint64_t max, uint64_t *addr);

#endif
