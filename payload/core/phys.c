/* phys.c: phys_ptr for keel-hv, whose boot page tables (boot/entry.S)
 * map physical memory 1:1 up to boot_map_end. */
#include <stddef.h>
#include <stdint.h>

#include "panic.h"
#include "phys.h"

/* Set by boot/entry.S: 512 GiB with 1 GiB pages, else 4 GiB. */
extern uint64_t boot_map_end;

void *phys_ptr(uint64_t pa, size_t len)
{
	if (pa + len < pa || pa + len > boot_map_end)
		panic("physical range 0x%llx+0x%zx is outside keel-hv's 1:1 "
		      "mapping (up to 0x%llx)", (unsigned long long)pa, len,
		      (unsigned long long)boot_map_end);
	return (void *)(uintptr_t)pa;
}
