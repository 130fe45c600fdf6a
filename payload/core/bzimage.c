/* bzimage.c: the Linux x86 boot protocol (Documentation/arch/x86/boot.rst):
 * checks a bzImage's setup header and fills the zero page for the 32-bit entry. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "bzimage.h"
#include "kstring.h"

/* Setup header fields, as offsets into the image and into boot_params
 * (the header is copied to the same offsets). */
#define HDR_START 0x1f1
#define HDR_SETUP_SECTS 0x1f1
#define HDR_SYSSIZE 0x1f4
#define HDR_BOOT_FLAG 0x1fe
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_CODE32_START 0x214
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_CMDLINE_SIZE 0x238
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_INIT_SIZE_END 0x264  /* the last field we read */
#define HDR_HOLE_END 0x290       /* edd_mbr_sig_buffer follows the header */

/* boot_params fields outside the setup header (zero-page.rst). */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_E820_TABLE 0x2d0

#define BOOT_FLAG 0xaa55
#define HDRS_MAGIC 0x53726448u   /* "HdrS" */
#define JMP_SHORT 0xeb
#define LOADED_HIGH 0x01
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02
#define VERSION_ACPI_RSDP 0x020e /* acpi_rsdp_addr is read from 2.14 on */
#define SECTOR 512

/* The jump at 0x200 skips the setup header: its offset gives its end. */
static size_t setup_header_end(const uint8_t *img)
{
	return 0x202 + (size_t)img[HDR_JUMP + 1];
}

/* The signatures that say "this is a Linux kernel with a modern header". */
static int check_magic(const uint8_t *img, size_t len, const char **why)
{
	size_t header_end;

	if (len < HDR_INIT_SIZE_END)
		return fail(why, "the kernel file is too short for a bzImage");
	if ((uint32_t)le_get(img + HDR_BOOT_FLAG, 2) != BOOT_FLAG ||
	    (uint32_t)le_get(img + HDR_MAGIC, 4) != HDRS_MAGIC)
		return fail(why, "the kernel module is not a Linux bzImage "
			    "(no boot_flag/HdrS signature)");
	if ((uint32_t)le_get(img + HDR_VERSION, 2) < BZ_MIN_VERSION)
		return fail(why, "the kernel's boot protocol is older than "
			    "2.12");
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		return fail(why, "the kernel is a zImage, not a bzImage");
	header_end = setup_header_end(img);
	if (img[HDR_JUMP] != JMP_SHORT || header_end < HDR_INIT_SIZE_END ||
	    header_end > HDR_HOLE_END || header_end > len)
		return fail(why, "the kernel's setup header has an impossible "
			    "length");
	return 0;
}

/* Where the protected-mode kernel lies in the file. syssize (16-byte
 * units) may be less than the rest of the file: signed kernels carry
 * their signature after it. */
static int find_pm(const uint8_t *img, size_t len, struct bzimage *bz,
		   const char **why)
{
	unsigned sects = img[HDR_SETUP_SECTS];
	uint64_t sys_bytes = (uint64_t)(uint32_t)le_get(img + HDR_SYSSIZE, 4) * 16;

	if (sects == 0)
		sects = 4;       /* boot.rst: 0 means 4, for old kernels */
	bz->setup_len = (size_t)(sects + 1) * SECTOR;
	if (bz->setup_len >= len)
		return fail(why, "the kernel has no protected-mode part");
	bz->pm = img + bz->setup_len;
	bz->pm_len = len - bz->setup_len;
	if (sys_bytes > bz->pm_len)
		return fail(why, "the kernel file is truncated (shorter than "
			    "its syssize)");
	if (sys_bytes)
		bz->pm_len = (size_t)sys_bytes;
	return 0;
}

int bzimage_parse(const void *image, size_t len, struct bzimage *bz,
		  const char **why)
{
	const uint8_t *img = image;

	memset(bz, 0, sizeof(*bz));
	if (check_magic(img, len, why) != 0 || find_pm(img, len, bz, why) != 0)
		return -1;
	bz->image = img;
	bz->len = len;
	bz->version = (uint16_t)le_get(img + HDR_VERSION, 2);
	bz->header_end = setup_header_end(img);
	bz->pref_address = le_get(img + HDR_PREF_ADDRESS, 8);
	bz->init_size = (uint32_t)le_get(img + HDR_INIT_SIZE, 4);
	bz->kernel_alignment = (uint32_t)le_get(img + HDR_KERNEL_ALIGNMENT, 4);
	bz->relocatable = img[HDR_RELOCATABLE] != 0;
	bz->xloadflags = (uint16_t)le_get(img + HDR_XLOADFLAGS, 2);
	bz->initrd_addr_max = (uint32_t)le_get(img + HDR_INITRD_ADDR_MAX, 4);
	bz->cmdline_size = (uint32_t)le_get(img + HDR_CMDLINE_SIZE, 4);
	if (bz->relocatable && (bz->kernel_alignment == 0 ||
				(bz->kernel_alignment &
				 (bz->kernel_alignment - 1))))
		return fail(why, "the kernel's kernel_alignment is not a power "
			    "of two");
	return 0;
}

/* A 64-bit address split over a 32-bit header field and its ext_ field
 * in boot_params, the high half only where the kernel reads it. */
static void put_split(uint8_t *zp, size_t lo, size_t hi, uint64_t v,
		      bool high_ok)
{
	le_put(zp + lo, v & 0xffffffffu, 4);
	if (high_ok)
		le_put(zp + hi, v >> 32, 4);
}

static void put_e820(uint8_t *zp, const struct e820_map *map)
{
	uint32_t n = map->n < E820_MAX ? map->n : E820_MAX;
	uint32_t i;

	zp[BP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint8_t *e = zp + BP_E820_TABLE + i * sizeof(struct e820_entry);

		le_put(e, map->e[i].addr, 8);
		le_put(e + 8, map->e[i].size, 8);
		le_put(e + 16, map->e[i].type, 4);
	}
}

void bzimage_fill_boot_params(const struct bzimage *bz, void *zero_page,
			      const struct boot_params_args *a)
{
	uint8_t *zp = zero_page;
	bool high_ok = bz->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G;

	/* All zero first: sentinel (0x1ef) included, so the kernel does not
	 * think we copied garbage past the header. */
	memset(zp, 0, BOOT_PARAMS_SIZE);
	memcpy(zp + HDR_START, bz->image + HDR_START,
	       bz->header_end - HDR_START);
	zp[HDR_TYPE_OF_LOADER] = BOOT_LOADER_UNDEFINED;
	le_put(zp + HDR_CODE32_START, a->kernel_pa, 4);
	put_split(zp, HDR_CMD_LINE_PTR, BP_EXT_CMD_LINE_PTR, a->cmdline_pa,
		  high_ok);
	if (a->initrd_len) {
		put_split(zp, HDR_RAMDISK_IMAGE, BP_EXT_RAMDISK_IMAGE,
			  a->initrd_pa, high_ok);
		put_split(zp, HDR_RAMDISK_SIZE, BP_EXT_RAMDISK_SIZE,
			  a->initrd_len, high_ok);
	}
	put_e820(zp, a->e820);
	if (bz->version >= VERSION_ACPI_RSDP && a->rsdp_pa)
		le_put(zp + BP_ACPI_RSDP_ADDR, a->rsdp_pa, 8);
}
