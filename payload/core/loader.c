/* loader.c: boots the root session's Linux the way a boot loader would:
 * places kernel, initrd, command line, GDT and boot_params in its RAM. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "bzimage.h"
#include "e820.h"
#include "kstring.h"
#include "loader.h"
#include "mb2.h"
#include "phys.h"

#define PAGE 4096ull
#define MIB (1ull << 20)
#define GIB4 (1ull << 32)
/* Relocatable kernels go at 16 MiB or above: below lie the ISA DMA zone
 * and whatever firmware and GRUB keep low. */
#define KERNEL_FLOOR (16 * MIB)
#define OLD_KERNEL_ADDR 0x100000ull     /* boot.rst: bzImage load address */
#define OLD_INITRD_MAX 0x37ffffffull    /* boot.rst: before initrd_addr_max */
/* The IVT and BIOS data area: never ours to write. */
#define LOW_RESERVED 0x1000ull
/* The boot area must be below 640 KiB, above the traditional loader area. */
#define BOOT_AREA_MIN 0x10000ull
#define BOOT_AREA_MAX 0xa0000ull
#define BOOT_AREA_SIZE (2 * PAGE)
/* The second page of the boot area. */
#define GDT_OFF 0
#define GDT_ENTRIES 4
#define RSDP_OFF 32
#define CMDLINE_OFF 80
#define CMDLINE_ROOM (PAGE - CMDLINE_OFF)

/* The boot protocol's flat segments (boot.rst, "32-bit Boot Protocol"):
 * selector 0x10 code, 0x18 data, both base 0, limit 4 GiB. */
static const uint64_t boot_gdt[GDT_ENTRIES] = {
	0, 0, 0x00cf9a000000ffffull, 0x00cf92000000ffffull,
};

#define MAX_BUSY (MB2_MAX_MODULES + 8)

/* Everything linux_load decides before writing the boot area. */
struct plan {
	struct bzimage bz;
	struct range busy[MAX_BUSY];   /* what nothing may be placed over */
	int n_busy;
	size_t cmdline_len;
	struct range kernel, initrd, boot;
};

static void add_busy(struct plan *p, struct range r)
{
	if (r.end > r.start && p->n_busy < MAX_BUSY)
		p->busy[p->n_busy++] = r;
}

static bool is_busy(const struct plan *p, struct range r)
{
	int i;

	for (i = 0; i < p->n_busy; i++)
		if (range_overlaps(p->busy[i], r))
			return true;
	return false;
}

static void collect_busy(const struct boot_info *bi, struct range hv,
			 struct plan *p)
{
	size_t i;

	add_busy(p, hv);
	add_busy(p, (struct range){ bi->mbi_start, bi->mbi_end });
	for (i = 0; i < bi->n_mods; i++)
		add_busy(p, (struct range){ bi->mods[i].start,
					    bi->mods[i].end });
	add_busy(p, (struct range){ 0, LOW_RESERVED });
}

/* The kernel's line: the module string, then extra, one space between. */
static size_t cmdline_join(char *dst, const char *mod, const char *extra)
{
	size_t a = strlen(mod), b = extra ? strlen(extra) : 0;
	size_t sep = a && b ? 1 : 0;

	if (dst) {
		memcpy(dst, mod, a);
		if (sep)
			dst[a] = ' ';
		if (b)
			memcpy(dst + a + sep, extra, b);
		dst[a + sep + b] = '\0';
	}
	return a + sep + b;
}

static int place_kernel(const struct e820_map *map, struct plan *p,
			const char **why)
{
	const struct bzimage *bz = &p->bz;
	uint64_t need = bz->init_size > bz->pm_len ? bz->init_size : bz->pm_len;
	uint64_t addr, floor;

	need = (need + PAGE - 1) & ~(PAGE - 1);
	if (bz->relocatable) {
		floor = bz->pref_address > KERNEL_FLOOR ? bz->pref_address
							: KERNEL_FLOOR;
		/* Below 4 GiB: we enter it at its 32-bit entry. */
		if (e820_find_free(map, p->busy, p->n_busy, need,
				   bz->kernel_alignment, floor, GIB4,
				   &addr) != 0)
			return fail(why, "not enough free RAM for the kernel "
				    "(init_size from 16 MiB up, below 4 GiB)");
	} else {
		addr = bz->pref_address ? bz->pref_address : OLD_KERNEL_ADDR;
		if (addr + need > GIB4 ||
		    !e820_is_ram(map, (struct range){ addr, addr + need }) ||
		    is_busy(p, (struct range){ addr, addr + need }))
			return fail(why, "the kernel is not relocatable and "
				    "its load address is not free RAM");
	}
	p->kernel = (struct range){ addr, addr + need };
	add_busy(p, p->kernel);
	return 0;
}

/* The highest page-aligned [addr, addr + size) of RAM ending at or below
 * max and overlapping nothing busy; -1 when there is none. */
static int find_top(const struct e820_map *map, const struct plan *p,
		    uint64_t size, uint64_t max, uint64_t *addr)
{
	uint32_t i;

	for (i = map->n; i-- > 0;) {
		const struct e820_entry *e = &map->e[i];
		uint64_t hi = e->addr + e->size < max ? e->addr + e->size : max;
		struct range r;
		int b;

		if (e->type != E820_RAM)
			continue;
		while (hi >= size && ((hi - size) & ~(PAGE - 1)) >= e->addr) {
			r.start = (hi - size) & ~(PAGE - 1);
			r.end = r.start + size;
			for (b = 0; b < p->n_busy; b++)
				if (range_overlaps(p->busy[b], r))
					break;
			if (b == p->n_busy) {
				*addr = r.start;
				return 0;
			}
			hi = p->busy[b].start;   /* below that busy range */
		}
	}
	return -1;
}

/* GRUB's copy stays where it is when the kernel may use it there;
 * otherwise it moves as high as allowed, as boot loaders customarily do. */
static int place_initrd(const struct e820_map *map,
			const struct boot_info *bi, struct plan *p,
			const char **why)
{
	struct range src;
	uint64_t max_end, dst;

	if (bi->n_mods < 2 || bi->mods[1].end == bi->mods[1].start)
		return 0;
	src = (struct range){ bi->mods[1].start, bi->mods[1].end };
	max_end = (uint64_t)(p->bz.initrd_addr_max ? p->bz.initrd_addr_max
						   : OLD_INITRD_MAX) + 1;
	if (src.end <= max_end && e820_is_ram(map, src) &&
	    !range_overlaps(src, p->kernel)) {
		p->initrd = src;
		return 0;
	}
	if (find_top(map, p, src.end - src.start, max_end, &dst) != 0)
		return fail(why, "no free RAM below the kernel's "
			    "initrd_addr_max for the initrd");
	memcpy(phys_ptr(dst, src.end - src.start),
	       phys_ptr(src.start, src.end - src.start), src.end - src.start);
	p->initrd = (struct range){ dst, dst + (src.end - src.start) };
	add_busy(p, p->initrd);
	return 0;
}

/* Page 1: boot_params (filled last). Page 2: GDT, RSDP copy, command line. */
static void write_boot_page(const struct boot_info *bi, const char *extra,
			    uint64_t pa)
{
	uint8_t *page = phys_ptr(pa, PAGE);
	int i, k;

	memset(page, 0, PAGE);
	for (i = 0; i < GDT_ENTRIES; i++)
		for (k = 0; k < 8; k++)
			page[GDT_OFF + i * 8 + k] =
				(uint8_t)(boot_gdt[i] >> (8 * k));
	if (bi->rsdp_len)
		memcpy(page + RSDP_OFF, bi->rsdp, bi->rsdp_len);
	cmdline_join((char *)page + CMDLINE_OFF, bi->mods[0].string, extra);
}

static int plan_load(const struct boot_info *bi, const struct e820_map *map,
		     struct range hv, const char *extra, struct plan *p,
		     const char **why)
{
	const struct mb2_module *k = &bi->mods[0];

	if (bi->n_mods < 1)
		return fail(why, "no kernel module: the multiboot2 line needs "
			    "module2 KERNEL ARGS");
	if (bzimage_parse(phys_ptr(k->start, k->end - k->start),
			  k->end - k->start, &p->bz, why) != 0)
		return -1;
	p->cmdline_len = cmdline_join(NULL, k->string, extra);
	if (p->cmdline_len > p->bz.cmdline_size)
		return fail(why, "the kernel command line is longer than the "
			    "kernel's cmdline_size");
	if (p->cmdline_len + 1 > CMDLINE_ROOM)
		return fail(why, "the kernel command line does not fit in the "
			    "boot area");
	collect_busy(bi, hv, p);
	if (place_kernel(map, p, why) != 0 ||
	    place_initrd(map, bi, p, why) != 0)
		return -1;
	if (e820_find_free(map, p->busy, p->n_busy, BOOT_AREA_SIZE, PAGE,
			   BOOT_AREA_MIN, BOOT_AREA_MAX, &p->boot.start) != 0)
		return fail(why, "no free 8 KiB of RAM below 640 KiB for "
			    "boot_params");
	p->boot.end = p->boot.start + BOOT_AREA_SIZE;
	return 0;
}

int linux_load(const struct boot_info *bi, struct e820_map *map,
	       struct range hv, const char *extra, struct linux_entry *out,
	       const char **why)
{
	static struct plan p;      /* .bss: the boot stack is small */
	struct boot_params_args args;
	uint64_t page2;

	memset(&p, 0, sizeof(p));
	/* The hypervisor is hidden from the root session: reserved here, the
	 * only place that carves it, and busy for every placement below. */
	if (e820_carve(map, hv, E820_RESERVED) != 0)
		return fail(why, "the memory map is full (reserving the "
			    "hypervisor's memory)");
	if (plan_load(bi, map, hv, extra, &p, why) != 0)
		return -1;
	memcpy(phys_ptr(p.kernel.start, p.bz.pm_len), p.bz.pm, p.bz.pm_len);
	page2 = p.boot.start + PAGE;
	write_boot_page(bi, extra, page2);
	/* Reserved, so that Linux never allocates over the GDT it runs on
	 * at first or the RSDP copy ACPI reads later. */
	if (e820_carve(map, p.boot, E820_RESERVED) != 0)
		return fail(why, "the memory map is full");
	args = (struct boot_params_args){
		.cmdline_pa = page2 + CMDLINE_OFF,
		.initrd_pa = p.initrd.start,
		.initrd_len = p.initrd.end - p.initrd.start,
		.rsdp_pa = bi->rsdp_len ? page2 + RSDP_OFF : 0,
		.kernel_pa = p.kernel.start,
		.e820 = map,
	};
	bzimage_fill_boot_params(&p.bz, phys_ptr(p.boot.start, PAGE), &args);
	*out = (struct linux_entry){
		.entry = (uint32_t)p.kernel.start,
		.boot_params = (uint32_t)p.boot.start,
		.gdt_base = (uint32_t)(page2 + GDT_OFF),
		.gdt_limit = GDT_ENTRIES * 8 - 1,
		.kernel = p.kernel,
		.initrd = p.initrd,
		.boot_area = p.boot,
	};
	return 0;
}
