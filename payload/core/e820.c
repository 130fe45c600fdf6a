/* e820.c: the root session's memory map: built from the firmware's map,
 * cleaned of overlaps, with keel-hv's own ranges carved out of it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e820.h"

/* Scratch maps for sanitize and carve. They live in .bss, not on the
 * stack, because the boot stack is small and a map is 2.5 KiB; keel-hv
 * builds its map once, on one CPU, so sharing them is safe. */
static struct e820_entry scratch[2 * E820_MAX];

static uint64_t entry_end(const struct e820_entry *e)
{
	/* A firmware entry reaching past 2^64 is clamped, not wrapped. */
	return e->size > UINT64_MAX - e->addr ? UINT64_MAX : e->addr + e->size;
}

/* Which type wins where entries overlap: anything that is not RAM beats
 * RAM (using reserved memory as RAM is the one dangerous mistake), and
 * among the others the higher type number. */
static uint32_t rank(uint32_t type)
{
	return type == E820_RAM ? 0 : type + 1;
}

int e820_add(struct e820_map *m, uint64_t addr, uint64_t size, uint32_t type)
{
	if (m->n >= E820_MAX)
		return -1;
	m->e[m->n].addr = addr;
	m->e[m->n].size = size;
	m->e[m->n].type = type;
	m->n++;
	return 0;
}

/* Appends [addr, end) to out, merged into the last entry when it
 * continues it with the same type. -1 when out (cap entries) is full. */
static int push(struct e820_entry *out, uint32_t *n, uint32_t cap,
		uint64_t addr, uint64_t end, uint32_t type)
{
	struct e820_entry *last = *n ? &out[*n - 1] : NULL;

	if (end <= addr)
		return 0;
	if (last && last->type == type && entry_end(last) == addr) {
		last->size += end - addr;
		return 0;
	}
	if (*n >= cap)
		return -1;
	out[*n].addr = addr;
	out[*n].size = end - addr;
	out[*n].type = type;
	(*n)++;
	return 0;
}

/* The smallest entry boundary above pos, or pos when there is none. */
static uint64_t next_boundary(const struct e820_map *m, uint64_t pos)
{
	uint64_t best = pos;
	uint32_t i;

	for (i = 0; i < m->n; i++) {
		uint64_t b[2] = { m->e[i].addr, entry_end(&m->e[i]) };
		int k;

		if (m->e[i].size == 0)
			continue;
		for (k = 0; k < 2; k++)
			if (b[k] > pos && (best == pos || b[k] < best))
				best = b[k];
	}
	return best;
}

/* The winning type of the entries covering pos; 0 for a hole. */
static uint32_t type_at(const struct e820_map *m, uint64_t pos)
{
	uint32_t i, type = 0;

	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];

		if (e->size && e->addr <= pos && pos < entry_end(e) &&
		    (type == 0 || rank(e->type) > rank(type)))
			type = e->type;
	}
	return type;
}

/* Walks the address space boundary by boundary (at most 2 * E820_MAX of
 * them), so any overlap pattern comes out right; O(n^2), n <= 128. */
static uint32_t flatten(const struct e820_map *m, struct e820_entry *out,
			uint32_t cap)
{
	uint64_t pos = UINT64_MAX, next;
	uint32_t i, n = 0, type;

	for (i = 0; i < m->n; i++)
		if (m->e[i].size && m->e[i].addr < pos)
			pos = m->e[i].addr;
	for (; (next = next_boundary(m, pos)) != pos; pos = next) {
		type = type_at(m, pos);
		if (type)
			push(out, &n, cap, pos, next, type);
	}
	return n;
}

/* Index of the smallest RAM entry, or -1. */
static int smallest_ram(const struct e820_entry *e, uint32_t n)
{
	int best = -1;
	uint32_t i;

	for (i = 0; i < n; i++)
		if (e[i].type == E820_RAM &&
		    (best < 0 || e[i].size < e[best].size))
			best = (int)i;
	return best;
}

static void drop(struct e820_entry *e, uint32_t *n, uint32_t i)
{
	for (; i + 1 < *n; i++)
		e[i] = e[i + 1];
	(*n)--;
}

void e820_sanitize(struct e820_map *m)
{
	uint32_t i, n = flatten(m, scratch, 2 * E820_MAX);

	/* Too many pieces: leaving RAM out only costs the kernel memory,
	 * leaving out anything else could let it use a device's range as
	 * RAM. So the smallest RAM pieces go first. */
	while (n > E820_MAX) {
		int victim = smallest_ram(scratch, n);

		drop(scratch, &n, victim >= 0 ? (uint32_t)victim : n - 1);
	}
	for (i = 0; i < n; i++)
		m->e[i] = scratch[i];
	m->n = n;
}

int e820_carve(struct e820_map *m, struct range r, uint32_t type)
{
	uint32_t i, n = 0;
	bool placed = false;

	if (r.end <= r.start)
		return 0;
	e820_sanitize(m);
	for (i = 0; i < m->n; i++) {
		const struct e820_entry *e = &m->e[i];
		uint64_t end = entry_end(e);
		int rc = 0;

		if (!placed && end > r.start) {
			rc |= push(scratch, &n, E820_MAX, e->addr,
				   e->addr < r.start ? r.start : e->addr,
				   e->type);
			rc |= push(scratch, &n, E820_MAX, r.start, r.end, type);
			placed = true;
		}
		if (placed)
			rc |= push(scratch, &n, E820_MAX,
				   e->addr > r.end ? e->addr : r.end, end,
				   e->type);
		else
			rc |= push(scratch, &n, E820_MAX, e->addr, end,
				   e->type);
		if (rc)
			return -1;
	}
	if (!placed && push(scratch, &n, E820_MAX, r.start, r.end, type))
		return -1;
	for (i = 0; i < n; i++)
		m->e[i] = scratch[i];
	m->n = n;
	return 0;
}

/* The end of the RAM that runs without a gap from pa, or pa itself when
 * pa is not RAM. */
static uint64_t ram_run_end(const struct e820_map *m, uint64_t pa)
{
	uint64_t end = pa;
	bool grew = true;
	uint32_t i;

	while (grew) {
		grew = false;
		for (i = 0; i < m->n; i++) {
			const struct e820_entry *e = &m->e[i];

			if (e->type == E820_RAM && e->addr <= end &&
			    end < entry_end(e)) {
				end = entry_end(e);
				grew = true;
			}
		}
	}
	return end;
}

bool e820_is_ram(const struct e820_map *m, struct range r)
{
	return r.end <= r.start || ram_run_end(m, r.start) >= r.end;
}

uint64_t e820_end(const struct e820_map *m)
{
	uint64_t end = 0;
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (entry_end(&m->e[i]) > end)
			end = entry_end(&m->e[i]);
	return end;
}

/* x rounded up to align (a power of two); false when that overflows. */
static bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	if (x > UINT64_MAX - (align - 1))
		return false;
	*out = (x + align - 1) & ~(align - 1);
	return true;
}

/* The lowest RAM entry start above pa, or 0 when there is none. */
static uint64_t next_ram(const struct e820_map *m, uint64_t pa)
{
	uint64_t best = 0;
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].type == E820_RAM && m->e[i].addr > pa &&
		    (best == 0 || m->e[i].addr < best))
			best = m->e[i].addr;
	return best;
}

/* Every step moves the candidate a strictly higher, so this ends. */
int e820_find_free(const struct e820_map *m, const struct range *busy,
		   int n_busy, uint64_t size, uint64_t align, uint64_t min,
		   uint64_t max, uint64_t *addr)
{
	uint64_t a, run_end, skip_to;
	int i;

	if (size == 0)
		return -1;
	if (align == 0)
		align = 1;
	if (!align_up(min, align, &a))
		return -1;
	for (;;) {
		if (a >= max || max - a < size)
			return -1;
		run_end = ram_run_end(m, a);
		if (run_end == a) {
			skip_to = next_ram(m, a);
			if (skip_to == 0)
				return -1;               /* no RAM above */
		} else if (run_end - a < size)
			skip_to = run_end;
		else
			skip_to = a;
		for (i = 0; skip_to == a && i < n_busy; i++)
			if (range_overlaps(busy[i],
					   (struct range){ a, a + size }))
				skip_to = busy[i].end;
		if (skip_to == a) {
			*addr = a;
			return 0;
		}
		if (!align_up(skip_to, align, &a))
			return -1;
	}
}
