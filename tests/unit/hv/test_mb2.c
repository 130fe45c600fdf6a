/* test_mb2.c: unit tests of the Multiboot2 information parser with
 * hand-built MBIs: a good one, and every malformation it must refuse. */
#include <stdint.h>
#include <string.h>

#include "mb2.h"
#include "tests/tap.h"

#define MBI_PA 0x10000

/* An MBI under construction, 8-byte aligned as GRUB leaves it. */
struct mbi {
	uint64_t words[1024];
	size_t len;
};

static uint8_t *bytes(struct mbi *m)
{
	return (uint8_t *)m->words;
}

static void put32(struct mbi *m, size_t off, uint32_t v)
{
	memcpy(bytes(m) + off, &v, 4);
}

static void begin(struct mbi *m)
{
	memset(m, 0, sizeof(*m));
	m->len = 8;
}

/* Appends a tag; size is header + len, the next tag starts aligned. */
static size_t tag(struct mbi *m, uint32_t type, const void *body, size_t len)
{
	size_t at = m->len;

	put32(m, at, type);
	put32(m, at + 4, (uint32_t)(8 + len));
	if (len)
		memcpy(bytes(m) + at + 8, body, len);
	m->len = (at + 8 + len + 7) & ~(size_t)7;
	return at;
}

static void end_tag(struct mbi *m)
{
	tag(m, 0, NULL, 0);
}

static void finish(struct mbi *m)
{
	put32(m, 0, (uint32_t)m->len);
}

static void cmdline_tag(struct mbi *m, const char *s)
{
	tag(m, 1, s, strlen(s) + 1);
}

static void module_tag(struct mbi *m, uint32_t start, uint32_t end,
		       const char *s)
{
	uint8_t body[128];

	memcpy(body, &start, 4);
	memcpy(body + 4, &end, 4);
	memcpy(body + 8, s, strlen(s) + 1);
	tag(m, 3, body, 8 + strlen(s) + 1);
}

/* n entries of entry_size bytes (>= 24); entry i is RAM at i MiB. */
static void mmap_tag(struct mbi *m, int n, uint32_t entry_size,
		     uint32_t version)
{
	static uint8_t body[8 + 200 * 64];
	int i;

	memset(body, 0xee, sizeof(body));   /* padding must be skipped */
	memcpy(body, &entry_size, 4);
	memcpy(body + 4, &version, 4);
	for (i = 0; i < n; i++) {
		uint64_t addr = (uint64_t)i << 20, len = 1 << 20;
		uint32_t type = i == 1 ? 2 : 1, zero = 0;
		uint8_t *e = body + 8 + (size_t)i * entry_size;

		memcpy(e, &addr, 8);
		memcpy(e + 8, &len, 8);
		memcpy(e + 16, &type, 4);
		memcpy(e + 20, &zero, 4);
	}
	tag(m, 6, body, 8 + (size_t)n * entry_size);
}

static void rsdp_tag(struct mbi *m, uint32_t type, size_t len, uint8_t fill)
{
	uint8_t body[64];

	memset(body, fill, sizeof(body));
	tag(m, type, body, len);
}

static int parse(struct mbi *m, struct boot_info *bi, const char **why)
{
	*why = NULL;
	return mb2_parse(m->words, MBI_PA, bi, why);
}

static void good_mbi(struct mbi *m)
{
	begin(m);
	cmdline_tag(m, "serial=0x2f8 native");
	tag(m, 2, "GRUB 2.12", 10);       /* boot loader name: ignored */
	module_tag(m, 0x1000000, 0x1800000, "root=/dev/sda1 ro quiet");
	module_tag(m, 0x2000000, 0x2400000, "");
	mmap_tag(m, 3, 24, 0);
	rsdp_tag(m, 14, 20, 0x11);
	rsdp_tag(m, 15, 36, 0x22);
	rsdp_tag(m, 14, 20, 0x33);        /* an old one after: new wins */
	end_tag(m);
	finish(m);
}

static void test_good(void)
{
	static struct mbi m;
	static struct boot_info bi;
	const char *why;

	good_mbi(&m);
	is_int(parse(&m, &bi, &why), 0, "a good MBI parses");
	is_str(bi.cmdline, "serial=0x2f8 native", "own command line");
	is_int(bi.n_mods, 2, "two modules");
	is_int(bi.mods[0].start, 0x1000000, "kernel start");
	is_int(bi.mods[0].end, 0x1800000, "kernel end");
	is_str(bi.mods[0].string, "root=/dev/sda1 ro quiet", "kernel args");
	is_str(bi.mods[1].string, "", "initrd has an empty string");
	is_int(bi.n_mmap, 3, "three memory map entries");
	is_int(bi.mmap[2].addr, 2 << 20, "mmap entry address");
	is_int(bi.mmap[2].len, 1 << 20, "mmap entry length");
	is_int(bi.mmap[1].type, 2, "mmap entry type");
	is_int(bi.rsdp_len, 36, "the ACPI 2.0 RSDP is preferred");
	ok(bi.rsdp[0] == 0x22 && bi.rsdp[35] == 0x22, "RSDP bytes copied");
	is_int(bi.mbi_start, MBI_PA, "mbi_start");
	is_int(bi.mbi_end, MBI_PA + m.len, "mbi_end covers total_size");
}

static void test_variants(void)
{
	static struct mbi m;
	static struct boot_info bi;
	const char *why;

	begin(&m);
	mmap_tag(&m, 4, 32, 1);           /* longer entries, later version */
	rsdp_tag(&m, 14, 20, 0x44);
	end_tag(&m);
	finish(&m);
	is_int(parse(&m, &bi, &why), 0, "32-byte mmap entries parse");
	is_int(bi.n_mmap, 4, "entry_size is honoured");
	is_int(bi.mmap[3].addr, 3 << 20, "fourth entry found by entry_size");
	is_int(bi.rsdp_len, 20, "an ACPI 1.0 RSDP alone is taken");
	is_str(bi.cmdline, "", "no command line tag: empty");
	is_int(bi.n_mods, 0, "no modules");
}

/* Builds an MBI, applies a change, expects refusal. */
static void refused(struct mbi *m, const char *what)
{
	static struct boot_info bi;
	const char *why;
	int rc = parse(m, &bi, &why);

	ok(rc == -1 && why && *why, "refused: %s", what);
	if (why)
		diag("why: %s", why);
}

static void test_refusals(void)
{
	static struct mbi m;
	static struct boot_info bi;
	const char *why;
	int i;

	good_mbi(&m);
	put32(&m, 0, 4);
	refused(&m, "total_size smaller than a header");
	good_mbi(&m);
	put32(&m, 0, (uint32_t)m.len - 4);
	refused(&m, "total_size not a multiple of 8");
	good_mbi(&m);
	put32(&m, 0, (uint32_t)m.len - 8);
	refused(&m, "end tag cut off");

	begin(&m);
	mmap_tag(&m, 2, 24, 0);
	finish(&m);
	refused(&m, "missing end tag");

	begin(&m);
	cmdline_tag(&m, "x");
	put32(&m, 12, 4000);              /* cmdline tag size past the end */
	end_tag(&m);
	finish(&m);
	refused(&m, "tag larger than the MBI");

	begin(&m);
	cmdline_tag(&m, "x");
	put32(&m, 12, 4);
	end_tag(&m);
	finish(&m);
	refused(&m, "tag smaller than its header");

	begin(&m);
	cmdline_tag(&m, "abc");
	end_tag(&m);
	finish(&m);
	refused(&m, "no memory map tag");

	begin(&m);
	for (i = 0; i < MB2_MAX_MODULES + 1; i++)
		module_tag(&m, 0x100000 * (i + 1), 0x100000 * (i + 1) + 10, "");
	mmap_tag(&m, 1, 24, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "too many modules");

	begin(&m);
	module_tag(&m, 0x200000, 0x100000, "");
	mmap_tag(&m, 1, 24, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "module ending before it starts");

	begin(&m);
	mmap_tag(&m, MB2_MAX_MMAP + 1, 24, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "too many memory map entries");

	begin(&m);
	mmap_tag(&m, 1, 16, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "memory map entry_size too small");

	begin(&m);
	tag(&m, 1, "abc", 3);             /* no NUL inside the tag */
	bytes(&m)[8 + 8 + 3] = 'd';
	mmap_tag(&m, 1, 24, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "unterminated command line");

	begin(&m);
	mmap_tag(&m, 1, 24, 0);
	rsdp_tag(&m, 15, 20, 0);
	end_tag(&m);
	finish(&m);
	refused(&m, "ACPI 2.0 tag shorter than 36 bytes");

	good_mbi(&m);
	why = NULL;
	is_int(mb2_parse(m.words, MBI_PA + 4, &bi, &why), -1,
	       "refused: MBI not 8-byte aligned");
}

int main(void)
{
	test_good();
	test_variants();
	test_refusals();
	return done_testing();
}
