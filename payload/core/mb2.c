/* mb2.c: reads the Multiboot2 information structure (MBI) GRUB leaves in
 * memory, checking every length before trusting it, into struct boot_info. */
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "kstring.h"
#include "mb2.h"

/* Tag types of the Multiboot2 specification, section 3.6. */
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6
#define TAG_ACPI_OLD 14
#define TAG_ACPI_NEW 15

#define TAG_HEADER 8           /* u32 type, u32 size */
#define MODULE_FIXED 16        /* header + mod_start + mod_end */
#define MMAP_FIXED 16          /* header + entry_size + entry_version */
#define MMAP_ENTRY_MIN 24      /* base_addr u64, length u64, type u32 */
#define RSDP_V1_LEN 20

/* A string field must end with a NUL inside its tag, or we would read
 * past it; returns the string or NULL. */
static const char *tag_string(const uint8_t *s, size_t room)
{
	size_t i;

	for (i = 0; i < room; i++)
		if (s[i] == '\0')
			return (const char *)s;
	return NULL;
}

static int take_module(const uint8_t *tag, uint32_t size,
		       struct boot_info *bi, const char **why)
{
	struct mb2_module *m;
	const char *s;

	if (size < MODULE_FIXED + 1)
		return fail(why, "a module tag is too short");
	if (bi->n_mods >= MB2_MAX_MODULES)
		return fail(why, "too many modules (keel-hv takes at most 8)");
	s = tag_string(tag + MODULE_FIXED, size - MODULE_FIXED);
	if (!s)
		return fail(why, "a module's string is not terminated");
	m = &bi->mods[bi->n_mods];
	m->start = (uint32_t)le_get(tag + 8, 4);
	m->end = (uint32_t)le_get(tag + 12, 4);
	m->string = s;
	if (m->end < m->start)
		return fail(why, "a module ends before it starts");
	bi->n_mods++;
	return 0;
}

/* entry_size is honoured so that a later, longer entry format still
 * parses; the specification promises such versions stay compatible. */
static int take_mmap(const uint8_t *tag, uint32_t size, struct boot_info *bi,
		     const char **why)
{
	uint32_t entry_size, off;

	if (size < MMAP_FIXED)
		return fail(why, "the memory map tag is too short");
	entry_size = (uint32_t)le_get(tag + 8, 4);
	if (entry_size < MMAP_ENTRY_MIN)
		return fail(why, "memory map entries are too small");
	for (off = MMAP_FIXED; size - off >= entry_size; off += entry_size) {
		struct mb2_mmap_entry *e;

		if (bi->n_mmap >= MB2_MAX_MMAP)
			return fail(why, "the memory map has more than 128 "
				    "entries");
		e = &bi->mmap[bi->n_mmap++];
		e->addr = le_get(tag + off, 8);
		e->len = le_get(tag + off + 8, 8);
		e->type = (uint32_t)le_get(tag + off + 16, 4);
	}
	return 0;
}

/* GRUB may pass both RSDP tags; the ACPI 2.0 one (XSDT, 64-bit) wins. */
static int take_rsdp(const uint8_t *tag, uint32_t size, size_t want,
		     struct boot_info *bi, const char **why)
{
	if (size - TAG_HEADER < want)
		return fail(why, "an ACPI RSDP tag is too short");
	if (want < bi->rsdp_len)
		return 0;
	memcpy(bi->rsdp, tag + TAG_HEADER, want);
	bi->rsdp_len = want;
	return 0;
}

static int take_tag(const uint8_t *tag, uint32_t type, uint32_t size,
		    struct boot_info *bi, const char **why)
{
	switch (type) {
	case TAG_CMDLINE:
		bi->cmdline = tag_string(tag + TAG_HEADER, size - TAG_HEADER);
		if (!bi->cmdline)
			return fail(why, "the command line is not terminated");
		return 0;
	case TAG_MODULE:
		return take_module(tag, size, bi, why);
	case TAG_MMAP:
		return take_mmap(tag, size, bi, why);
	case TAG_ACPI_OLD:
		return take_rsdp(tag, size, RSDP_V1_LEN, bi, why);
	case TAG_ACPI_NEW:
		return take_rsdp(tag, size, MB2_RSDP_MAX, bi, why);
	default:
		return 0;        /* framebuffer, ELF sections ...: not ours */
	}
}

int mb2_parse(const void *mbi, uint64_t mbi_pa, struct boot_info *bi,
	      const char **why)
{
	const uint8_t *p = mbi;
	uint32_t total, off, type, size;
	int seen_mmap = 0, seen_end = 0;

	memset(bi, 0, sizeof(*bi));
	bi->cmdline = "";
	if (mbi_pa & 7)
		return fail(why, "the MBI is not 8-byte aligned");
	total = (uint32_t)le_get(p, 4);
	if (total < 8 + TAG_HEADER || (total & 7))
		return fail(why, "the MBI's total_size is impossible");
	bi->mbi_start = mbi_pa;
	bi->mbi_end = mbi_pa + total;
	/* Tags start 8-byte aligned: each size is rounded up to the next. */
	for (off = 8; !seen_end && total - off >= TAG_HEADER;
	     off += (size + 7) & ~(uint32_t)7) {
		type = (uint32_t)le_get(p + off, 4);
		size = (uint32_t)le_get(p + off + 4, 4);
		if (size < TAG_HEADER || size > total - off)
			return fail(why, "a tag does not fit in the MBI");
		if (take_tag(p + off, type, size, bi, why) != 0)
			return -1;
		seen_mmap |= type == TAG_MMAP;
		seen_end = type == TAG_END;
	}
	if (!seen_end)
		return fail(why, "the MBI has no end tag");
	if (!seen_mmap)
		return fail(why, "the boot loader passed no memory map");
	return 0;
}
