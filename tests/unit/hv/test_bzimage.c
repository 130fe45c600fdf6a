/* test_bzimage.c: unit tests of the Linux boot-protocol reader on a
 * synthetic bzImage, and on a real one when KEEL_TEST_VMLINUZ names it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bzimage.h"
#include "tests/tap.h"

#define SETUP_SECTS 4
#define SETUP_LEN ((SETUP_SECTS + 1) * 512)
#define PM_LEN 8192
#define IMG_LEN (SETUP_LEN + PM_LEN + 64)   /* + a "signature" tail */

static uint8_t img[IMG_LEN];

static void put(size_t off, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++, v >>= 8)
		img[off + i] = (uint8_t)v;
}

static uint64_t get(const uint8_t *p, size_t off, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[off + bytes];
	return v;
}

/* A kernel header as boot.rst describes it, protocol 2.15. */
static void make_image(void)
{
	size_t i;

	memset(img, 0, sizeof(img));
	img[0x1f1] = SETUP_SECTS;
	put(0x1f4, PM_LEN / 16, 4);
	put(0x1fa, 0xffff, 2);          /* vid_mode */
	put(0x1fe, 0xaa55, 2);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a;              /* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put(0x206, 0x020f, 2);
	img[0x211] = 0x01;              /* LOADED_HIGH */
	put(0x214, 0x100000, 4);
	put(0x22c, 0x7fffffff, 4);
	put(0x230, 0x200000, 4);
	img[0x234] = 1;
	put(0x236, 0x7f, 2);
	put(0x238, 2047, 4);
	put(0x258, 0x1000000, 8);
	put(0x260, 0x3000000, 4);
	for (i = 0; i < PM_LEN; i++)
		img[SETUP_LEN + i] = (uint8_t)(i * 7 + 1);
	img[0x26c] = 0x5a;              /* past the header: never copied */
}

static void test_parse(void)
{
	struct bzimage bz;
	const char *why = NULL;

	make_image();
	is_int(bzimage_parse(img, sizeof(img), &bz, &why), 0,
	       "a synthetic bzImage parses");
	is_int(bz.version, 0x020f, "version");
	is_int(bz.setup_len, SETUP_LEN, "setup_len from setup_sects");
	is_int(bz.header_end, 0x26c, "header_end from the jump");
	ok(bz.pm == img + SETUP_LEN, "pm follows the setup code");
	is_int(bz.pm_len, PM_LEN, "pm_len from syssize, tail ignored");
	is_int(bz.pref_address, 0x1000000, "pref_address");
	is_int(bz.init_size, 0x3000000, "init_size");
	is_int(bz.kernel_alignment, 0x200000, "kernel_alignment");
	ok(bz.relocatable, "relocatable");
	is_int(bz.xloadflags, 0x7f, "xloadflags");
	is_int(bz.initrd_addr_max, 0x7fffffff, "initrd_addr_max");
	is_int(bz.cmdline_size, 2047, "cmdline_size");

	img[0x1f1] = 0;
	put(0x1f4, 0, 4);
	is_int(bzimage_parse(img, sizeof(img), &bz, &why), 0,
	       "setup_sects 0 parses");
	is_int(bz.setup_len, 5 * 512, "setup_sects 0 means 4");
	is_int(bz.pm_len, sizeof(img) - 5 * 512,
	       "syssize 0: the rest of the file");
}

static void refuse(size_t len, const char *what)
{
	struct bzimage bz;
	const char *why = NULL;

	ok(bzimage_parse(img, len, &bz, &why) == -1 && why && *why,
	   "refused: %s", what);
	if (why)
		diag("why: %s", why);
}

static void test_refusals(void)
{
	make_image();
	refuse(0x250, "file shorter than the header");
	make_image();
	put(0x1fe, 0x55aa, 2);
	refuse(sizeof(img), "no 0xAA55 boot_flag");
	make_image();
	memcpy(img + 0x202, "HdrT", 4);
	refuse(sizeof(img), "no HdrS");
	make_image();
	put(0x206, 0x020b, 2);
	refuse(sizeof(img), "protocol 2.11");
	make_image();
	img[0x211] = 0;
	refuse(sizeof(img), "zImage (LOADED_HIGH clear)");
	make_image();
	img[0x201] = 0x20;
	refuse(sizeof(img), "header too short for init_size");
	make_image();
	refuse(SETUP_LEN, "no protected-mode part");
	make_image();
	refuse(SETUP_LEN + PM_LEN - 16, "truncated below syssize");
	make_image();
	put(0x230, 0x300000, 4);
	refuse(sizeof(img), "kernel_alignment not a power of two");
	make_image();
	img[0x234] = 0;
	put(0x230, 0x300000, 4);
	{
		struct bzimage bz;
		const char *why = NULL;

		is_int(bzimage_parse(img, sizeof(img), &bz, &why), 0,
		       "a non-relocatable kernel ignores kernel_alignment");
	}
}

static void test_fill(void)
{
	static uint8_t zp[BOOT_PARAMS_SIZE];
	static struct e820_map map;
	struct boot_params_args a;
	struct bzimage bz;
	const char *why = NULL;

	make_image();
	bzimage_parse(img, sizeof(img), &bz, &why);
	memset(zp, 0xcc, sizeof(zp));
	memset(&map, 0, sizeof(map));
	e820_add(&map, 0, 0x9f000, E820_RAM);
	e820_add(&map, 0x100000, 0x7ff00000, E820_RAM);
	e820_add(&map, 0x100000000ull, 0x40000000, E820_RAM);
	a = (struct boot_params_args){
		.cmdline_pa = 0x11080, .initrd_pa = 0x7f000000,
		.initrd_len = 0x123456, .rsdp_pa = 0x11020,
		.kernel_pa = 0x1000000, .e820 = &map,
	};
	bzimage_fill_boot_params(&bz, zp, &a);
	ok(memcmp(zp + 0x1f1, img + 0x1f1, 0x210 - 0x1f1) == 0,
	   "setup header copied");
	is_int(zp[0x26c], 0, "nothing copied past header_end");
	is_int(zp[0x000], 0, "screen_info zeroed");
	is_int(zp[0x1ef], 0, "sentinel zero");
	is_int(zp[0x210], 0xff, "type_of_loader 0xff");
	is_int(zp[0x211], 0x01, "loadflags kept");
	is_int(get(zp, 0x214, 4), 0x1000000, "code32_start is the load address");
	is_int(get(zp, 0x228, 4), 0x11080, "cmd_line_ptr");
	is_int(get(zp, 0x0c8, 4), 0, "ext_cmd_line_ptr 0");
	is_int(get(zp, 0x218, 4), 0x7f000000, "ramdisk_image");
	is_int(get(zp, 0x21c, 4), 0x123456, "ramdisk_size");
	is_int(get(zp, 0x0c0, 4), 0, "ext_ramdisk_image 0 below 4 GiB");
	is_int(zp[0x1e8], 3, "e820_entries");
	is_int(get(zp, 0x2d0 + 2 * 20, 8), 0x100000000ull, "e820 addr");
	is_int(get(zp, 0x2d0 + 2 * 20 + 8, 8), 0x40000000, "e820 size");
	is_int(get(zp, 0x2d0 + 2 * 20 + 16, 4), E820_RAM, "e820 type");
	is_int(get(zp, 0x070, 8), 0x11020, "acpi_rsdp_addr for 2.15");
	is_int(get(zp, 0x238, 4), 2047, "cmdline_size kept");

	a.initrd_pa = 0x140000000ull;
	bzimage_fill_boot_params(&bz, zp, &a);
	is_int(get(zp, 0x218, 4), 0x40000000, "ramdisk_image low half");
	is_int(get(zp, 0x0c0, 4), 1, "ext_ramdisk_image high half");

	put(0x206, 0x020d, 2);
	put(0x236, 0x01, 2);            /* no XLF_CAN_BE_LOADED_ABOVE_4G */
	bzimage_parse(img, sizeof(img), &bz, &why);
	a.initrd_pa = 0x7f000000;
	bzimage_fill_boot_params(&bz, zp, &a);
	is_int(get(zp, 0x070, 8), 0, "no acpi_rsdp_addr for 2.13");
	is_int(get(zp, 0x0c0, 4), 0, "no ext_ fields without XLF bit 1");
	a.initrd_len = 0;
	bzimage_fill_boot_params(&bz, zp, &a);
	is_int(get(zp, 0x218, 4), 0, "no initrd: ramdisk_image 0");
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		*len = (size_t)n;
	else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void test_real_kernel(void)
{
	const char *path = getenv("KEEL_TEST_VMLINUZ");
	struct bzimage bz;
	const char *why = NULL;
	uint8_t *k;
	size_t len = 0;

	if (!path || !*path) {
		ok(1, "# SKIP KEEL_TEST_VMLINUZ not set");
		return;
	}
	k = slurp(path, &len);
	if (!ok(k != NULL, "read %s", path))
		return;
	if (!is_int(bzimage_parse(k, len, &bz, &why), 0, "real kernel parses"))
		diag("why: %s", why);
	diag("version %x setup_len %zu pm_len %zu init_size %x align %x "
	     "pref %llx xlf %x initrd_max %x cmdline_size %u",
	     bz.version, bz.setup_len, bz.pm_len, bz.init_size,
	     bz.kernel_alignment, (unsigned long long)bz.pref_address,
	     bz.xloadflags, bz.initrd_addr_max, bz.cmdline_size);
	ok(bz.version >= 0x020c && bz.version < 0x0300, "plausible version");
	ok(bz.pm_len > 1000000 && bz.pm_len <= len - bz.setup_len,
	   "plausible pm_len");
	ok(bz.init_size >= bz.pm_len, "init_size covers the image");
	ok(bz.relocatable && bz.kernel_alignment >= 4096,
	   "relocatable, page-aligned or more");
	ok(bz.cmdline_size >= 255, "cmdline_size at least 255");
	ok(bz.xloadflags & 1, "64-bit kernel (XLF_KERNEL_64)");
	free(k);
}

int main(void)
{
	test_parse();
	test_refusals();
	test_fill();
	test_real_kernel();
	return done_testing();
}
