/* main.c: keel-hv from GRUB's hand-over to the root session: read the
 * Multiboot2 information, load Linux around our memory, pick a backend. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "e820.h"
#include "gate.h"
#include "heap.h"
#include "idt.h"
#include "layout.h"
#include "loader.h"
#include "log.h"
#include "mb2.h"
#include "native.h"
#include "options.h"
#include "panic.h"
#include "phys.h"
#include "serial.h"
#include "virt.h"
#include "virt_probe.h"
#include "x86.h"

#define GIB (1ull << 30)
/* With 1 GiB pages the nested tables cover the whole physical address
 * space for at most 513 pages (2 MiB): firmware may put 64-bit PCI windows
 * anywhere up to it. Four-level nested paging ends at 256 TiB. */
#define NPT_SPAN_GIB_PAGES (1ull << 48)

/* The root kernel always gets this; SMP comes in a later issue, and the
 * other CPUs must stay where the firmware parked them. */
#define ROOT_EXTRA_ARGS "nr_cpus=1"

void keel_main(uint32_t magic, uint32_t mbi_pa);

static uint32_t e820_type_of(uint32_t mb2_type)
{
	switch (mb2_type) {
	case 1: return E820_RAM;
	case 3: return E820_ACPI;
	case 4: return E820_NVS;
	case 5: return E820_UNUSABLE;
	default: return E820_RESERVED;
	}
}

/* The firmware's map as the root session will see it, before carving. */
static void build_map(const struct boot_info *bi, struct e820_map *map)
{
	size_t i;

	map->n = 0;
	for (i = 0; i < bi->n_mmap; i++)
		if (e820_add(map, bi->mmap[i].addr, bi->mmap[i].len,
			     e820_type_of(bi->mmap[i].type)) != 0)
			panic("the firmware memory map has more than %d entries",
			      E820_MAX);
	e820_sanitize(map);
}

static void log_map(const struct e820_map *map)
{
	uint32_t i;

	log_printf("memory map of the root session:\n");
	for (i = 0; i < map->n; i++)
		log_printf("  %016llx-%016llx type %u\n",
			   (unsigned long long)map->e[i].addr,
			   (unsigned long long)(map->e[i].addr + map->e[i].size),
			   map->e[i].type);
}

/* Without 1 GiB pages every GiB costs a table page: map only up to the
 * end of what the session can use as memory (RAM, ACPI, NVS), not up to
 * firmware reservations far above it (QEMU reserves 1012-1024 GiB). */
static uint64_t e820_end_usable(const struct e820_map *map)
{
	uint64_t end = 0;
	uint32_t i;

	for (i = 0; i < map->n; i++)
		if (map->e[i].type != E820_RESERVED &&
		    map->e[i].addr + map->e[i].size > end)
			end = map->e[i].addr + map->e[i].size;
	return end;
}

/* How much of the physical address space the session sees 1:1: all of
 * it that cheap page tables allow, and never less than RAM plus 4 GiB of
 * the 32-bit MMIO hole. */
static uint64_t session_map_end(const struct e820_map *map, bool gib_pages)
{
	uint64_t end = e820_end(map);
	uint32_t a, b, c, d;
	uint64_t phys_span;

	if (!gib_pages)
		end = e820_end_usable(map);
	if (end < 4 * GIB)
		end = 4 * GIB;
	end = (end + GIB - 1) & ~(GIB - 1);
	if (!gib_pages)
		return end;
	cpuid_count(0x80000008, 0, &a, &b, &c, &d);
	phys_span = 1ull << (a & 0xff);
	if (phys_span > NPT_SPAN_GIB_PAGES)
		phys_span = NPT_SPAN_GIB_PAGES;
	return phys_span > end ? phys_span : end;
}

static void read_boot_info(uint32_t magic, uint32_t mbi_pa,
			   struct boot_info *bi)
{
	const char *why = "";

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("keel-hv was not started by a Multiboot2 loader (magic "
		      "0x%x); load it with GRUB's multiboot2 command", magic);
	if (mb2_parse(phys_ptr(mbi_pa, 8), mbi_pa, bi, &why) != 0)
		panic("the Multiboot2 information from the boot loader is "
		      "unusable: %s", why);
}

static void apply_options(const struct boot_info *bi, struct hv_options *opt)
{
	const char *why = "";
	int rc = hv_options_parse(bi->cmdline, opt, &why);

	if (opt->serial_port != SERIAL_COM1 || opt->serial_baud != SERIAL_BAUD)
		serial_init(opt->serial_port, opt->serial_baud);
	if (rc != 0)
		log_printf("command line \"%s\": %s; going on without it\n",
			   bi->cmdline, why);
	gate_port = opt->gate_port;
	for (size_t i = 0; i < sizeof(gate_entry); i++)
		gate_entry[i] = opt->entry[i];
}

/* The backend of the processor's own extension (virt_probe.c decides, by
 * the rule keel check-cpu applies too). */
static const struct virt_backend *pick_backend(const char **why)
{
	static const struct virt_backend *const all[] = { &svm_backend,
							  &vmx_backend };

	return virt_pick(all, sizeof(all) / sizeof(all[0]), why);
}

_Noreturn static void boot_native(const struct linux_entry *e,
				  const char *why)
{
	log_printf("booting the root session natively, without "
		   "virtualization: %s\n", why);
	native_enter(e);
}

void keel_main(uint32_t magic, uint32_t mbi_pa)
{
	static struct boot_info bi;
	static struct e820_map map;
	struct hv_options opt;
	struct linux_entry entry;
	struct hv_memory mem;
	const struct virt_backend *b;
	const char *why = "";

	serial_init(SERIAL_COM1, SERIAL_BAUD);
	idt_init();
	read_boot_info(magic, mbi_pa, &bi);
	apply_options(&bi, &opt);
	log_printf("keel-hv %s starting\n", KEEL_VERSION);
	/* A keel-hv that fails at start, on purpose: what the trial boot's
	 * one-shot entry and GRUB's fallback are there for. */
	if (opt.test_panic)
		panic("\"test-panic\" is on keel-hv's command line");
	clock_init();

	mem.hv.start = (uintptr_t)__hv_start;
	mem.hv.end = (uintptr_t)__hv_end;
	log_printf("hypervisor memory %08llx-%08llx, hidden from the root "
		   "session\n", (unsigned long long)mem.hv.start,
		   (unsigned long long)mem.hv.end);
	build_map(&bi, &map);
	/* linux_load reserves mem.hv in the map and places nothing there. */
	if (linux_load(&bi, &map, mem.hv, ROOT_EXTRA_ARGS, &entry, &why) != 0)
		panic("cannot boot the root session: %s", why);
	log_printf("root kernel at %08llx-%08llx, initrd %08llx-%08llx, "
		   "boot_params at %08x\n",
		   (unsigned long long)entry.kernel.start,
		   (unsigned long long)entry.kernel.end,
		   (unsigned long long)entry.initrd.start,
		   (unsigned long long)entry.initrd.end, entry.boot_params);
	log_map(&map);

	if (opt.native)
		boot_native(&entry, "\"native\" is on keel-hv's command line");
	b = pick_backend(&why);
	if (!b)
		boot_native(&entry, why);
	mem.map_end = session_map_end(&map, b->gib_pages());
	mem.scratch_pa = (uintptr_t)heap_pages(1);
	gate_backend = b->id;
	log_printf("starting the root session under %s\n", b->name);
	b->run_root(&entry, &mem);
}
