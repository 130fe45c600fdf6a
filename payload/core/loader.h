/* loader.h: boots a Linux bzImage the way a boot loader would: places the
 * kernel, initrd, command line and boot_params in the root session's RAM. */
#ifndef KEEL_HV_LOADER_H
#define KEEL_HV_LOADER_H

#include <stdint.h>

#include "e820.h"
#include "mb2.h"
#include "range.h"

/* Where and how to enter the kernel: 32-bit protected mode, paging off,
 * CS = 0x10 and DS = ES = SS = 0x18 from the GDT at gdt_base. */
struct linux_entry {
	uint32_t entry;          /* startup_32 of the placed kernel */
	uint32_t boot_params;    /* ESI */
	uint32_t gdt_base;
	uint16_t gdt_limit;
	struct range kernel;     /* for the log */
	struct range initrd;
	struct range boot_area;  /* boot_params, command line, GDT, RSDP copy */
};

/* From bi->mods[0] (kernel; its string is the kernel command line, extra
 * appended) and bi->mods[1] (initrd, optional): marks hv reserved in map,
 * places everything in RAM of map outside hv and the MBI, marks the boot
 * area reserved in map, fills boot_params with the final map. -1 with *why when something is missing,
 * malformed or does not fit. */
int linux_load(const struct boot_info *bi, struct e820_map *map,
	       struct range hv, const char *extra, struct linux_entry *out,
	       const char **why);

#endif
