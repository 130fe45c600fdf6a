/* test_e820.c: unit tests of the root session's memory map: sanitizing
 * overlaps, carving, RAM checks and the free-range search. */
#include <stdint.h>
#include <string.h>

#include "e820.h"
#include "tests/tap.h"

#define MIB (1ull << 20)

struct want {
	uint64_t addr, end;
	uint32_t type;
};

static struct e820_map map;

static void reset(void)
{
	memset(&map, 0, sizeof(map));
}

static void add(uint64_t addr, uint64_t end, uint32_t type)
{
	if (e820_add(&map, addr, end - addr, type) != 0)
		ok(0, "e820_add %llx failed", (unsigned long long)addr);
}

/* True when map is exactly w[0..n), printing it otherwise. */
static int map_is(const struct want *w, uint32_t n, const char *what)
{
	uint32_t i;
	int same = map.n == n;

	for (i = 0; same && i < n; i++)
		same = map.e[i].addr == w[i].addr &&
		       map.e[i].addr + map.e[i].size == w[i].end &&
		       map.e[i].type == w[i].type;
	ok(same, "%s", what);
	if (!same)
		for (i = 0; i < map.n; i++)
			diag("  %llx-%llx type %u",
			     (unsigned long long)map.e[i].addr,
			     (unsigned long long)(map.e[i].addr +
						  map.e[i].size),
			     map.e[i].type);
	return same;
}

static void test_sanitize(void)
{
	static const struct want split[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x100000, E820_RESERVED },
		{ 0x100000, 4 * MIB, E820_RAM },
		{ 4 * MIB, 5 * MIB, E820_ACPI },
		{ 5 * MIB, 64 * MIB, E820_RAM },
	};
	static const struct want merged[] = {
		{ 0, 8 * MIB, E820_RAM },
		{ 8 * MIB, 10 * MIB, E820_NVS },
	};
	static const struct want nested[] = {
		{ 0, 1 * MIB, E820_RAM },
		{ 1 * MIB, 2 * MIB, E820_RESERVED },
		{ 2 * MIB, 3 * MIB, E820_UNUSABLE },
		{ 3 * MIB, 4 * MIB, E820_RESERVED },
		{ 4 * MIB, 5 * MIB, E820_RAM },
	};

	reset();
	add(5 * MIB, 64 * MIB, E820_RAM);
	add(0x100000, 64 * MIB, E820_RAM);     /* overlaps the one above */
	add(0x9f000, 0x100000, E820_RESERVED);
	add(4 * MIB, 5 * MIB, E820_ACPI);      /* inside RAM: splits it */
	add(0, 0xa0000, E820_RAM);             /* overlaps the reserved */
	add(30 * MIB, 30 * MIB, E820_RESERVED); /* empty: dropped */
	e820_sanitize(&map);
	map_is(split, 5, "sanitize: sorted, reserved wins over RAM, splits");

	reset();
	add(4 * MIB, 8 * MIB, E820_RAM);
	add(0, 4 * MIB, E820_RAM);
	add(2 * MIB, 6 * MIB, E820_RAM);
	add(8 * MIB, 9 * MIB, E820_NVS);
	add(9 * MIB, 10 * MIB, E820_NVS);
	e820_sanitize(&map);
	map_is(merged, 2, "sanitize: neighbours and overlaps of one type "
	       "merge");

	reset();
	add(0, 5 * MIB, E820_RAM);
	add(1 * MIB, 4 * MIB, E820_RESERVED);
	add(2 * MIB, 3 * MIB, E820_UNUSABLE);  /* higher type wins */
	add(2 * MIB, 3 * MIB, E820_ACPI);
	e820_sanitize(&map);
	map_is(nested, 5, "sanitize: nested ranges, higher type wins");
}

static void test_sanitize_overflow(void)
{
	uint32_t i, reserved = 0;

	/* 64 RAM entries each cut in three by a reserved piece: 192 pieces
	 * cannot all be kept; the reserved ones must all survive. */
	reset();
	for (i = 0; i < 64; i++) {
		add(i * 4 * MIB, i * 4 * MIB + 3 * MIB, E820_RAM);
		add(i * 4 * MIB + MIB, i * 4 * MIB + MIB + 4096,
		    E820_RESERVED);
	}
	e820_sanitize(&map);
	for (i = 0; i < map.n; i++)
		reserved += map.e[i].type == E820_RESERVED;
	ok(map.n <= E820_MAX, "sanitize keeps at most E820_MAX entries");
	is_int(reserved, 64, "sanitize drops RAM, never reserved, to fit");
}

static void base_map(void)
{
	reset();
	add(0, 0x9f000, E820_RAM);
	add(0x9f000, 0x100000, E820_RESERVED);
	add(0x100000, 16 * MIB, E820_RAM);
	add(16 * MIB, 17 * MIB, E820_ACPI);
	add(17 * MIB, 64 * MIB, E820_RAM);
	e820_sanitize(&map);
}

static void test_carve(void)
{
	static const struct want middle[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x100000, E820_RESERVED },
		{ 0x100000, 2 * MIB, E820_RAM },
		{ 2 * MIB, 4 * MIB, E820_RESERVED },
		{ 4 * MIB, 16 * MIB, E820_RAM },
		{ 16 * MIB, 17 * MIB, E820_ACPI },
		{ 17 * MIB, 64 * MIB, E820_RAM },
	};
	static const struct want edge[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x100000, E820_RESERVED },
		{ 0x100000, 15 * MIB, E820_RAM },
		{ 15 * MIB, 16 * MIB, E820_RESERVED },
		{ 16 * MIB, 17 * MIB, E820_ACPI },
		{ 17 * MIB, 64 * MIB, E820_RAM },
	};
	static const struct want span[] = {
		{ 0, 0x9f000, E820_RAM },
		{ 0x9f000, 0x100000, E820_RESERVED },
		{ 0x100000, 8 * MIB, E820_RAM },
		{ 8 * MIB, 32 * MIB, E820_RESERVED },
		{ 32 * MIB, 64 * MIB, E820_RAM },
		{ 80 * MIB, 81 * MIB, E820_RESERVED },
	};
	static const struct want low[] = {
		{ 0, 0x10000, E820_RAM },
		{ 0x10000, 0x100000, E820_RESERVED },
		{ 0x100000, 16 * MIB, E820_RAM },
		{ 16 * MIB, 17 * MIB, E820_ACPI },
		{ 17 * MIB, 64 * MIB, E820_RAM },
	};

	base_map();
	is_int(e820_carve(&map, (struct range){ 2 * MIB, 4 * MIB },
			  E820_RESERVED), 0, "carve in the middle of RAM");
	map_is(middle, 7, "middle carve splits one entry in three");
	is_int(e820_carve(&map, (struct range){ 2 * MIB, 4 * MIB },
			  E820_RESERVED), 0, "carving again");
	map_is(middle, 7, "carving again changes nothing");

	base_map();
	e820_carve(&map, (struct range){ 15 * MIB, 16 * MIB }, E820_RESERVED);
	map_is(edge, 6, "carve at the end of an entry");

	base_map();
	e820_carve(&map, (struct range){ 8 * MIB, 32 * MIB }, E820_RESERVED);
	e820_carve(&map, (struct range){ 80 * MIB, 81 * MIB }, E820_RESERVED);
	map_is(span, 6, "carve spanning several entries, and in a hole");

	base_map();
	e820_carve(&map, (struct range){ 0x10000, 0x9f000 }, E820_RESERVED);
	map_is(low, 5, "carve merges with a neighbour of its type");
}

static void test_carve_full(void)
{
	uint32_t i;
	int rc;

	reset();
	for (i = 0; i < E820_MAX; i++)
		add(i * 2 * MIB, i * 2 * MIB + MIB,
		    i % 2 ? E820_RAM : E820_RESERVED);
	e820_sanitize(&map);
	is_int(map.n, E820_MAX, "a full map");
	rc = e820_carve(&map, (struct range){ 4 * MIB + 4096, 4 * MIB + 8192 },
			E820_NVS);
	is_int(rc, -1, "carve refuses when the map would overflow");
	is_int(map.n, E820_MAX, "... and leaves the map as it was");
	is_int(map.e[2].size, MIB, "... entry unchanged");
	rc = e820_carve(&map, (struct range){ 0, MIB }, E820_NVS);
	is_int(rc, 0, "carve replacing a whole entry fits");
	is_int(map.e[0].type, E820_NVS, "... with the new type");
	is_int(e820_add(&map, 0, 1, E820_RAM), -1, "add to a full map fails");
}

static void test_is_ram_end(void)
{
	base_map();
	ok(e820_is_ram(&map, (struct range){ 0x100000, 16 * MIB }),
	   "is_ram: a whole RAM entry");
	ok(!e820_is_ram(&map, (struct range){ 15 * MIB, 17 * MIB + 1 }),
	   "is_ram: not across ACPI");
	ok(!e820_is_ram(&map, (struct range){ 60 * MIB, 65 * MIB }),
	   "is_ram: not past the end");
	ok(!e820_is_ram(&map, (struct range){ 0x9f000, 0xa0000 }),
	   "is_ram: not reserved");
	reset();
	add(0, MIB, E820_RAM);
	add(MIB, 2 * MIB, E820_RAM);   /* unsanitized neighbours */
	ok(e820_is_ram(&map, (struct range){ 0x1000, MIB + 0x1000 }),
	   "is_ram: across two touching RAM entries");
	base_map();
	is_int(e820_end(&map), 64 * MIB, "e820_end");
}

static void test_find_free(void)
{
	struct range busy[3] = {
		{ 17 * MIB, 21 * MIB },        /* straddles an alignment unit */
		{ 0, 0x1000 },
		{ 30 * MIB, 31 * MIB },
	};
	uint64_t a = 0;

	base_map();
	is_int(e820_find_free(&map, busy, 0, 4 * MIB, 2 * MIB, 16 * MIB,
			      1ull << 32, &a), 0, "find_free: found");
	is_int(a, 18 * MIB, "find_free skips ACPI, aligns up");
	is_int(e820_find_free(&map, busy, 3, 4 * MIB, 2 * MIB, 16 * MIB,
			      1ull << 32, &a), 0, "find_free with busy");
	is_int(a, 22 * MIB, "find_free skips a busy range, aligns up");
	is_int(e820_find_free(&map, busy, 3, 10 * MIB, 2 * MIB, 16 * MIB,
			      1ull << 32, &a), 0, "find_free: large");
	is_int(a, 32 * MIB, "find_free skips a busy range that would cut it");
	is_int(e820_find_free(&map, busy, 3, 0x2000, 0x1000, 0x10000,
			      0xa0000, &a), 0, "find_free: low memory");
	is_int(a, 0x10000, "find_free: lowest at min");
	is_int(e820_find_free(&map, busy, 3, 0x2000, 0x1000, 0x9e000,
			      0xa0000, &a), -1,
	       "find_free: runs into reserved below max");
	is_int(e820_find_free(&map, busy, 3, 16 * MIB, 0x1000, 0x100000,
			      1ull << 32, &a), 0, "find_free: 16 MiB");
	is_int(a, 31 * MIB, "find_free: only after the last busy range");
	is_int(e820_find_free(&map, busy, 3, 40 * MIB, 0x1000, 0,
			      1ull << 32, &a), -1, "find_free: too big");
	is_int(e820_find_free(&map, busy, 3, 4 * MIB, 0x1000, 62 * MIB,
			      1ull << 32, &a), -1, "find_free: nothing above");
	is_int(e820_find_free(&map, busy, 3, 4 * MIB, 0x1000, 40 * MIB,
			      42 * MIB, &a), -1, "find_free: max respected");
	is_int(e820_find_free(&map, busy, 0, 4 * MIB, 0x1000, 0x9f800,
			      1ull << 32, &a), 0, "find_free: min in a hole");
	is_int(a, 0x100000, "find_free: next RAM, aligned");
}

int main(void)
{
	test_sanitize();
	test_sanitize_overflow();
	test_carve();
	test_carve_full();
	test_is_ram_end();
	test_find_free();
	return done_testing();
}
