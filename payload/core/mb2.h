/* mb2.h: what keel-hv takes from the Multiboot2 information GRUB hands
 * over: command line, modules, memory map and a copy of the ACPI RSDP. */
#ifndef KEEL_HV_MB2_H
#define KEEL_HV_MB2_H

#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u
#define MB2_MAX_MODULES 8
#define MB2_MAX_MMAP 128
#define MB2_RSDP_MAX 36          /* ACPI 2.0 RSDP; 20 bytes for ACPI 1.0 */

struct mb2_module {
	uint64_t start, end;     /* physical, end exclusive */
	const char *string;      /* points into the MBI; "" when none */
};

struct mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type;           /* Multiboot2 types: 1 RAM, 3 ACPI, 4 NVS, 5 bad, else reserved */
};

struct boot_info {
	const char *cmdline;     /* the hypervisor's own; "" when none */
	struct mb2_module mods[MB2_MAX_MODULES];
	size_t n_mods;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	size_t n_mmap;
	uint8_t rsdp[MB2_RSDP_MAX];
	size_t rsdp_len;         /* 0 when GRUB passed none */
	uint64_t mbi_start, mbi_end;  /* the MBI itself, to keep it intact */
};

/* Parses the MBI at mbi (its physical address is mbi_pa). Returns 0, or -1
 * with *why saying what is wrong (truncated, bad tag, too many modules,
 * no memory map ...). */
int mb2_parse(const void *mbi, uint64_t mbi_pa, struct boot_info *bi,
	      const char **why);

#endif
