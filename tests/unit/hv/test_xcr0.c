/* test_xcr0.c: unit tests of the XCR0 rules keel-hv checks before it runs
 * XSETBV for the root session: each rule with a value on either side. */
#include <stdint.h>

#include "xcr0.h"
#include "tests/tap.h"

#define X87 0x1ull
#define SSE 0x2ull
#define AVX 0x4ull
#define MPX 0x18ull
#define AVX512 0xe0ull
#define PKRU 0x200ull
#define AMX 0x60000ull
/* x87, SSE, AVX, MPX, AVX-512, PKRU, AMX: a Sapphire Rapids. */
#define ALL (X87 | SSE | AVX | MPX | AVX512 | PKRU | AMX)

int main(void)
{
	ok(xcr0_valid(X87, ALL), "x87 alone");
	ok(xcr0_valid(X87 | SSE | AVX, ALL), "x87, SSE, AVX");
	ok(xcr0_valid(ALL, ALL), "everything the CPU has");
	ok(!xcr0_valid(0, ALL), "x87 clear is refused");
	ok(!xcr0_valid(SSE | AVX, ALL), "SSE and AVX without x87 are refused");
	ok(!xcr0_valid(X87 | AVX, ALL), "AVX without SSE is refused");
	ok(!xcr0_valid(X87 | SSE | AVX, X87 | SSE),
	   "a bit the CPU lacks is refused");
	ok(!xcr0_valid(X87 | (1ull << 63), ALL), "a reserved high bit is refused");
	ok(!xcr0_valid(X87 | 0x8, ALL), "BNDREGS without BNDCSR is refused");
	ok(xcr0_valid(X87 | MPX, ALL), "both MPX bits");
	ok(!xcr0_valid(X87 | SSE | AVX | 0x20, ALL),
	   "opmask without the ZMM states is refused");
	ok(!xcr0_valid(X87 | SSE | AVX512, ALL), "AVX-512 without AVX is refused");
	ok(xcr0_valid(X87 | SSE | AVX | AVX512, ALL), "AVX-512 with AVX");
	ok(!xcr0_valid(X87 | 0x20000, ALL), "TILECFG without TILEDATA is refused");
	ok(xcr0_valid(X87 | AMX, ALL), "both AMX bits");
	ok(xcr0_valid(X87 | SSE | PKRU, ALL), "PKRU with SSE");
	diag("supported mask used: %llx", (unsigned long long)ALL);
	return done_testing();
}
