/* heap.c: hands out zeroed 4 KiB pages from [__heap_start, __heap_end),
 * a pool inside keel-hv's reserved range; pages are never given back. */
#include <stddef.h>
#include <stdint.h>

#include "heap.h"
#include "kstring.h"
#include "layout.h"
#include "panic.h"

#define PAGE_SIZE 4096u

/* Bytes of the pool already handed out. */
static size_t heap_used;

void *heap_pages(size_t n)
{
	uintptr_t start = ((uintptr_t)__heap_start + PAGE_SIZE - 1) &
			  ~(uintptr_t)(PAGE_SIZE - 1);
	size_t avail = (uintptr_t)__heap_end - start - heap_used;
	void *p;

	if (n == 0 || n > avail / PAGE_SIZE)
		panic("out of hypervisor memory: %zu pages asked, %zu of %zu "
		      "KiB left", n, avail / 1024,
		      (size_t)((uintptr_t)__heap_end - start) / 1024);
	p = (void *)(start + heap_used);
	heap_used += n * PAGE_SIZE;
	/* GRUB zeroes the pool, but nothing else keeps it so. */
	memset(p, 0, n * PAGE_SIZE);
	return p;
}
