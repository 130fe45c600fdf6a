/* test_loader.c: unit tests of the Linux loader over a 64 MiB buffer that
 * stands for physical memory: placement, boot_params, GDT and refusals. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"
#include "phys.h"
#include "tests/tap.h"

#define MIB (1ull << 20)
#define PHYS_SIZE (64 * MIB)
#define SETUP_LEN (5 * 512)
#define PM_LEN (64 * 1024)
#define KERNEL_LEN (SETUP_LEN + PM_LEN)
#define INITRD_LEN (1 * MIB)
#define MBI_PA 0x10000ull
#define KERNEL_PA (40 * MIB)
#define INITRD_PA (52 * MIB)
#define HV ((struct range){ 2 * MIB, 8 * MIB })

static uint8_t *phys;

/* The loader's only window on memory: out-of-range is a test failure. */
void *phys_ptr(uint64_t pa, size_t len)
{
	if (pa > PHYS_SIZE || len > PHYS_SIZE - pa) {
		printf("Bail out! phys_ptr(%llx, %zx) outside the test memory\n",
		       (unsigned long long)pa, len);
		exit(1);
	}
	return phys + pa;
}

static void put(uint64_t pa, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++, v >>= 8)
		phys[pa + i] = (uint8_t)v;
}

static uint64_t get(uint64_t pa, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | phys[pa + bytes];
	return v;
}

static uint8_t pm_byte(size_t i)
{
	return (uint8_t)(i * 13 + 5);
}

/* A minimal 2.15 bzImage at pa: setup_sects 4, a patterned pm part. */
static void make_kernel(uint64_t pa)
{
	size_t i;

	memset(phys + pa, 0, KERNEL_LEN);
	phys[pa + 0x1f1] = 4;
	put(pa + 0x1f4, PM_LEN / 16, 4);
	put(pa + 0x1fe, 0xaa55, 2);
	phys[pa + 0x200] = 0xeb;
	phys[pa + 0x201] = 0x6a;
	memcpy(phys + pa + 0x202, "HdrS", 4);
	put(pa + 0x206, 0x020f, 2);
	phys[pa + 0x211] = 0x01;
	put(pa + 0x22c, 0x7fffffff, 4);
	put(pa + 0x230, 2 * MIB, 4);
	phys[pa + 0x234] = 1;
	put(pa + 0x236, 0x7f, 2);
	put(pa + 0x238, 2047, 4);
	put(pa + 0x258, 16 * MIB, 8);
	put(pa + 0x260, 8 * MIB, 4);
	for (i = 0; i < PM_LEN; i++)
		phys[pa + SETUP_LEN + i] = pm_byte(i);
}

static uint8_t initrd_byte(size_t i)
{
	return (uint8_t)(i * 3 + (i >> 12));
}

static struct boot_info bi;
static struct e820_map map;

/* A PC: low RAM, the legacy hole, RAM up to 64 MiB; kernel and initrd
 * modules where GRUB might put them; the MBI in low memory. */
static void setup(void)
{
	size_t i;

	memset(phys, 0, PHYS_SIZE);
	memset(&bi, 0, sizeof(bi));
	make_kernel(KERNEL_PA);
	for (i = 0; i < INITRD_LEN; i++)
		phys[INITRD_PA + i] = initrd_byte(i);
	bi.cmdline = "";
	bi.mods[0] = (struct mb2_module){ KERNEL_PA, KERNEL_PA + KERNEL_LEN,
					  "root=/dev/sda1 ro" };
	bi.mods[1] = (struct mb2_module){ INITRD_PA, INITRD_PA + INITRD_LEN,
					  "" };
	bi.n_mods = 2;
	for (i = 0; i < 36; i++)
		bi.rsdp[i] = (uint8_t)(0x40 + i);
	bi.rsdp_len = 36;
	bi.mbi_start = MBI_PA;
	bi.mbi_end = MBI_PA + 0x1000;
	memset(&map, 0, sizeof(map));
	e820_add(&map, 0, 0x9f000, E820_RAM);
	e820_add(&map, 0x9f000, 0x61000, E820_RESERVED);
	e820_add(&map, 0x100000, PHYS_SIZE - 0x100000, E820_RAM);
	e820_sanitize(&map);
}

/* The type boot_params' e820 table gives [start, end), or 0 when no
 * single entry covers it. */
static uint32_t zp_type(uint64_t zp, uint64_t start, uint64_t end)
{
	unsigned i, n = phys[zp + 0x1e8];

	for (i = 0; i < n; i++) {
		uint64_t e = zp + 0x2d0 + i * 20;
		uint64_t a = get(e, 8), s = get(e + 8, 8);

		if (a <= start && end <= a + s)
			return (uint32_t)get(e + 16, 4);
	}
	return 0;
}

static int load(struct linux_entry *e, const char **why)
{
	*why = NULL;
	memset(e, 0, sizeof(*e));
	return linux_load(&bi, &map, HV, "nr_cpus=1", e, why);
}

static void test_good(void)
{
	struct linux_entry e;
	const char *why;
	uint64_t zp, page2, gdt[4] = { 0, 0, 0x00cf9a000000ffffull,
				       0x00cf92000000ffffull };
	int i, gdt_ok = 1, pm_ok;

	setup();
	if (!is_int(load(&e, &why), 0, "linux_load succeeds"))
		diag("why: %s", why);
	is_int(e.entry, 16 * MIB, "kernel at 16 MiB, its pref_address");
	is_int(e.kernel.start, e.entry, "kernel range starts at the entry");
	is_int(e.kernel.end, 24 * MIB, "kernel range covers init_size");
	pm_ok = memcmp(phys + e.entry, phys + KERNEL_PA + SETUP_LEN,
		       PM_LEN) == 0;
	ok(pm_ok, "protected-mode part copied to the load address");
	ok(!range_overlaps(e.kernel, HV) &&
	   !range_overlaps(e.kernel, (struct range){ KERNEL_PA,
				     KERNEL_PA + KERNEL_LEN }) &&
	   !range_overlaps(e.kernel, (struct range){ INITRD_PA,
				     INITRD_PA + INITRD_LEN }),
	   "kernel clear of hv and modules");
	zp = e.boot_params;
	page2 = zp + 4096;
	is_int(zp, 0x11000, "boot_params in the first free low page");
	is_int(e.boot_area.start, zp, "boot area starts at boot_params");
	is_int(e.boot_area.end, zp + 8192, "boot area is two pages");
	is_int(e.gdt_base, page2, "GDT at the start of the second page");
	ok(e.gdt_base % 16 == 0, "GDT 16-byte aligned");
	is_int(e.gdt_limit, 31, "GDT limit: four entries");
	for (i = 0; i < 4; i++)
		gdt_ok &= get(e.gdt_base + 8 * i, 8) == gdt[i];
	ok(gdt_ok, "GDT: null, null, flat code 0x10, flat data 0x18");
	is_int(phys[zp + 0x210], 0xff, "type_of_loader");
	is_int(get(zp + 0x214, 4), e.entry, "code32_start = load address");
	is_str((char *)phys + get(zp + 0x228, 4), "root=/dev/sda1 ro nr_cpus=1",
	       "command line: module string + extra");
	ok(get(zp + 0x228, 4) >= page2 && get(zp + 0x228, 4) < page2 + 4096,
	   "command line in the second page");
	is_int(get(zp + 0x218, 4), INITRD_PA, "initrd left in place");
	is_int(get(zp + 0x21c, 4), INITRD_LEN, "ramdisk_size");
	is_int(e.initrd.start, INITRD_PA, "entry reports the initrd");
	is_int(get(zp + 0x070, 8), page2 + 32, "acpi_rsdp_addr: the copy");
	ok(memcmp(phys + page2 + 32, bi.rsdp, 36) == 0, "RSDP copied");
	is_int(zp_type(zp, HV.start, HV.end), E820_RESERVED,
	       "e820: hypervisor reserved");
	is_int(zp_type(zp, zp, zp + 8192), E820_RESERVED,
	       "e820: boot area reserved");
	is_int(zp_type(zp, 0x1000, zp), E820_RAM, "e820: low RAM below it");
	is_int(zp_type(zp, 8 * MIB, PHYS_SIZE), E820_RAM,
	       "e820: RAM above the hypervisor");
	is_int(phys[zp + 0x1e8], map.n, "e820: boot_params has the final map");
	is_int(zp_type(zp, 0xa0000, 0x100000), E820_RESERVED,
	       "e820: legacy hole still reserved");
}

static void test_avoid_module(void)
{
	struct linux_entry e;
	const char *why;

	setup();
	make_kernel(16 * MIB);               /* GRUB put the kernel at 16M */
	bi.mods[0].start = 16 * MIB;
	bi.mods[0].end = 16 * MIB + KERNEL_LEN;
	if (!is_int(load(&e, &why), 0, "load with the module at 16 MiB"))
		diag("why: %s", why);
	is_int(e.entry, 18 * MIB, "kernel moved to the next 2 MiB boundary");
	ok(memcmp(phys + e.entry, phys + 16 * MIB + SETUP_LEN, PM_LEN) == 0,
	   "kernel bytes copied from the module");
}

static void test_initrd_moved(void)
{
	struct linux_entry e;
	const char *why;
	uint64_t to;
	size_t i;
	int same = 1;

	setup();
	put(KERNEL_PA + 0x22c, 32 * MIB - 1, 4);   /* initrd_addr_max */
	if (!is_int(load(&e, &why), 0, "load with a low initrd_addr_max"))
		diag("why: %s", why);
	to = get(e.boot_params + 0x218, 4);
	is_int(to, 31 * MIB, "initrd moved to the top below 32 MiB");
	ok(to % 4096 == 0, "moved initrd page aligned");
	for (i = 0; i < INITRD_LEN; i++)
		same &= phys[to + i] == initrd_byte(i);
	ok(same, "initrd bytes copied");
	is_int(e.initrd.start, to, "entry reports the new place");
}

static void test_not_relocatable(void)
{
	struct linux_entry e;
	const char *why;

	setup();
	phys[KERNEL_PA + 0x234] = 0;
	put(KERNEL_PA + 0x258, 24 * MIB, 8);
	is_int(load(&e, &why), 0, "non-relocatable kernel at free pref_address");
	is_int(e.entry, 24 * MIB, "... loaded exactly there");
	setup();
	phys[KERNEL_PA + 0x234] = 0;
	put(KERNEL_PA + 0x258, 4 * MIB, 8);
	is_int(load(&e, &why), -1, "non-relocatable kernel over the hv: refused");
	if (why)
		diag("why: %s", why);
}

static void test_cmdline_edges(void)
{
	struct linux_entry e;
	const char *why;

	setup();
	bi.mods[0].string = "";
	is_int(load(&e, &why), 0, "load with an empty module string");
	is_str((char *)phys + get(e.boot_params + 0x228, 4), "nr_cpus=1",
	       "command line: extra alone, no leading blank");
	setup();
	is_int(linux_load(&bi, &map, HV, NULL, &e, &why), 0,
	       "load without extra");
	is_str((char *)phys + get(e.boot_params + 0x228, 4),
	       "root=/dev/sda1 ro", "command line: module string alone");
	setup();
	bi.n_mods = 1;
	is_int(load(&e, &why), 0, "load without an initrd");
	is_int(get(e.boot_params + 0x218, 4), 0, "no initrd: ramdisk_image 0");
	is_int(e.initrd.end - e.initrd.start, 0, "no initrd: empty range");
}

static void refused(const char *what, const char *want)
{
	struct linux_entry e;
	const char *why;
	int rc = load(&e, &why);

	ok(rc == -1 && why && strstr(why, want), "refused: %s", what);
	diag("why: %s", why ? why : "(none)");
}

static void test_refusals(void)
{
	setup();
	bi.n_mods = 0;
	refused("no kernel module", "no kernel module");
	setup();
	memcpy(phys + KERNEL_PA + 0x202, "Hdr!", 4);
	refused("malformed kernel", "bzImage");
	setup();
	put(KERNEL_PA + 0x238, 20, 4);           /* cmdline_size */
	refused("command line too long", "cmdline_size");
	setup();
	memset(&map, 0, sizeof(map));
	e820_add(&map, 0, 0x9f000, E820_RAM);
	e820_add(&map, 0x100000, 19 * MIB, E820_RAM);
	refused("not enough RAM for init_size", "RAM for the kernel");
	setup();
	memset(&map, 0, sizeof(map));
	e820_add(&map, 0x100000, PHYS_SIZE - 0x100000, E820_RAM);
	refused("no low memory for boot_params", "640 KiB");
	setup();
	put(KERNEL_PA + 0x22c, 0x17ffff, 4);     /* below 1.5 MiB: no room */
	refused("no room for the initrd", "initrd");
}

int main(void)
{
	phys = malloc(PHYS_SIZE);
	if (!phys) {
		printf("Bail out! no memory\n");
		return 1;
	}
	test_good();
	test_avoid_module();
	test_initrd_moved();
	test_not_relocatable();
	test_cmdline_edges();
	test_refusals();
	free(phys);
	return done_testing();
}
