/* heap.h: keel-hv's page allocator: zeroed 4 KiB pages from a pool inside
 * the hypervisor's own reserved range, never freed. */
#ifndef KEEL_HV_HEAP_H
#define KEEL_HV_HEAP_H

#include <stddef.h>
#include <stdint.h>

/* n contiguous zeroed pages; panics when the pool is exhausted. The
 * address is physical and virtual at once (1:1 mapping). */
void *heap_pages(size_t n);

#endif
