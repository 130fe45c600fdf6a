/* bytes.h: little-endian fields of byte buffers that need not be aligned
 * (Multiboot2 information, bzImage header), and the one failure idiom. */
#ifndef KEEL_HV_BYTES_H
#define KEEL_HV_BYTES_H

#include <stdint.h>

/* Byte-wise, so the compiler assumes no alignment: the MBI is 8-byte
 * aligned only at tag starts, a setup header not at all. */
static inline uint64_t le_get(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

static inline void le_put(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The parsers' and loader's error return: -1 with *why saying what. */
static inline int fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

#endif
