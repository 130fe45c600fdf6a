/* bzimage.h: the Linux x86 boot protocol: reading a bzImage's setup header
 * and filling the boot_params ("zero page") the kernel starts with. */
#ifndef KEEL_HV_BZIMAGE_H
#define KEEL_HV_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e820.h"

#define BZ_MIN_VERSION 0x020c    /* 2.12: xloadflags, 64-bit fields */
#define BOOT_PARAMS_SIZE 4096
#define BOOT_LOADER_UNDEFINED 0xff

struct bzimage {
	const uint8_t *image;    /* the whole file */
	size_t len;
	uint16_t version;        /* boot protocol, e.g. 0x020f */
	size_t setup_len;        /* (setup_sects + 1) * 512 */
	size_t header_end;       /* 0x202 + image[0x201]: setup header end */
	const uint8_t *pm;       /* protected-mode kernel: image + setup_len */
	size_t pm_len;
	uint64_t pref_address;
	uint32_t init_size;      /* bytes the kernel needs from its load address */
	uint32_t kernel_alignment;
	bool relocatable;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;   /* longest command line, without the NUL */
};

/* Checks the header ("HdrS", version >= 2.12, a protected-mode kernel that
 * fits the file, loads high, a power-of-two alignment if relocatable);
 * -1 with *why on a malformed image. */
int bzimage_parse(const void *image, size_t len, struct bzimage *bz,
		  const char **why);

struct boot_params_args {
	uint64_t cmdline_pa;
	uint64_t initrd_pa, initrd_len;   /* 0, 0 when there is none */
	uint64_t rsdp_pa;                 /* 0 when unknown */
	uint64_t kernel_pa;               /* where pm was placed: code32_start */
	const struct e820_map *e820;
};

/* Fills the zero page zp (BOOT_PARAMS_SIZE bytes): zeroes it, copies the
 * setup header, sets type_of_loader, command line, initrd, e820 table and
 * RSDP address as the protocol version of bz allows. */
void bzimage_fill_boot_params(const struct bzimage *bz, void *zp,
			      const struct boot_params_args *a);

#endif
