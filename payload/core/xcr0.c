/* xcr0.c: the rules XSETBV checks for XCR0 (Intel SDM vol. 1, 13.3), so
 * that a value from the root session never makes keel-hv fault. */
#include <stdbool.h>
#include <stdint.h>

#include "xcr0.h"

#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5)       /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XCR0_TILECFG (1ull << 17)
#define XCR0_TILEDATA (1ull << 18)

/* Bits that only come together: all of mask or none of it. */
static bool all_or_none(uint64_t val, uint64_t mask)
{
	return (val & mask) == 0 || (val & mask) == mask;
}

bool xcr0_valid(uint64_t val, uint64_t supported)
{
	if (val & ~supported)
		return false;
	if (!(val & XCR0_X87))
		return false;
	if ((val & XCR0_AVX) && !(val & XCR0_SSE))
		return false;
	if (!all_or_none(val, XCR0_BNDREGS | XCR0_BNDCSR))
		return false;
	if (!all_or_none(val, XCR0_AVX512))
		return false;
	if ((val & XCR0_AVX512) && !(val & XCR0_AVX))
		return false;
	return all_or_none(val, XCR0_TILECFG | XCR0_TILEDATA);
}
