/* test_format.c: unit tests of keel-hv's format() against the C library's
 * snprintf: the same output and length for every format keel-hv may use. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"
#include "tests/tap.h"

#define BUF 512
#define GUARD 0x5a

static char want[BUF], got[BUF + 16];

/* Both outputs were made with the same arguments; one TAP line each. */
static void same(const char *what, int want_n, size_t got_n)
{
	int good = want_n >= 0 && (size_t)want_n == got_n &&
		   memcmp(want, got, (size_t)want_n + 1) == 0;

	if (!ok(good, "%s", what))
		diag("want %d \"%s\", got %zu \"%s\"", want_n, want, got_n,
		     got);
}

#define CHECK(...) \
	(memset(got, GUARD, sizeof(got)), \
	 same(#__VA_ARGS__, snprintf(want, BUF, __VA_ARGS__), \
	      format(got, BUF, __VA_ARGS__)))

static void test_literals(void)
{
	int x = 42;

	CHECK("plain text");
	CHECK("%s", "");
	CHECK("%%");
	CHECK("a%%b%%%s", "c");
	CHECK("%d %i %u", 0, -1, 4000000000u);
	CHECK("%d %d", INT_MAX, INT_MIN);
	CHECK("%ld %lu", LONG_MIN, ULONG_MAX);
	CHECK("%lld %llu", LLONG_MIN, ULLONG_MAX);
	CHECK("%x %X %o", 0xdeadbeefu, 0xcafeu, 0777u);
	CHECK("%lx %llx", 0x123456789abcdeful, 0xfedcba9876543210ull);
	CHECK("%016llx-%016llx", 0x200000ull, 0xffffffffffffffffull);
	CHECK("%08x", 0x2000u);
	CHECK("%zu %zx %zd", (size_t)12345, SIZE_MAX, (ptrdiff_t)-7);
	CHECK("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	CHECK("%td", (ptrdiff_t)-99999);
	CHECK("%hhd %hhu %hd %hu", (signed char)-3, (unsigned char)200,
	      (short)-30000, (unsigned short)60000);
	CHECK("%hhx %hx", (unsigned char)0xff, (unsigned short)0xffff);
	CHECK("%c%c%c", 'k', 'e', 'l');
	CHECK("[%5c|%-5c]", 'a', 'b');
	CHECK("[%10s|%-10s|%.2s|%5.1s]", "abc", "def", "ghij", "xyz");
	CHECK("[%*s|%-*s|%.*s]", 6, "ab", 6, "cd", 3, "efghij");
	CHECK("[%*d]", -6, 12);
	CHECK("[%.*d]", -1, 12);
	CHECK("%p", (void *)&x);
	CHECK("%p", (void *)0x200000);
	CHECK("[%20p|%-20p]", (void *)&x, (void *)&x);
	CHECK("%+d % d %+d % d", 5, 5, -5, -5);
	CHECK("[%-8d|%08d|%+08d]", -42, -42, 42);
	CHECK("[%.0d|%.0x|%5.0u|%#.0o]", 0, 0u, 0u, 0u);
	CHECK("[%.5d|%8.5d|%-8.5d]", -42, 42, 42);
	CHECK("[%#x|%#X|%#o|%#x|%#o]", 255u, 255u, 8u, 0u, 0u);
	CHECK("[%#10x|%#-10x|%#010x|%#.6x]", 255u, 255u, 255u, 255u);
	CHECK("[%#.3o|%#5o]", 8u, 8u);
	CHECK("exception %llu (%s) in keel-hv: error code 0x%llx, RIP 0x%llx",
	      14ull, "page fault", 2ull, 0x203c11ull);
	CHECK("%s", "a fairly long string that goes on and on to check that "
	      "nothing is dropped in the middle of longer output lines");
}

/* A NUL inside the output (from %c) must be counted and written too. */
static void test_nul_char(void)
{
	int n = snprintf(want, BUF, "a%cb", 0);
	size_t m = format(got, BUF, "a%cb", 0);

	ok(n == 3 && m == 3 && memcmp(want, got, 4) == 0,
	   "%%c with a NUL character");
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Every size from 0 to past the end: at most size bytes written, the
 * last of them a NUL, and always the full length returned. */
static void test_truncation(void)
{
	static const char *const fmts[] = { "%s=%d", "%016llx", "%-9s|" };
	char ref[64];
	size_t f, size;
	int bad = 0, n;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++) {
		n = snprintf(ref, sizeof(ref), fmts[f], "key", 1234567);
		if (f == 1)
			n = snprintf(ref, sizeof(ref), fmts[f], 0xabcdefull);
		for (size = 0; size <= (size_t)n + 2; size++) {
			size_t m;

			memset(got, GUARD, sizeof(got));
			memset(want, GUARD, sizeof(want));
			if (f == 1) {
				snprintf(want, size, fmts[f], 0xabcdefull);
				m = format(got, size, fmts[f], 0xabcdefull);
			} else {
				snprintf(want, size, fmts[f], "key", 1234567);
				m = format(got, size, fmts[f], "key", 1234567);
			}
			if (m != (size_t)n || memcmp(want, got, size + 4) != 0) {
				diag("format \"%s\" size %zu differs",
				     fmts[f], size);
				bad++;
			}
		}
	}
	ok(bad == 0, "truncation at every buffer size");
	ok(format(NULL, 0, "%d", 12345) == 5, "size 0 writes nothing, "
	   "returns the length");
}

static int fmt_matches(const char *fmt, long long v)
{
	int n = snprintf(want, BUF, fmt, v);
	size_t m;

	memset(got, GUARD, sizeof(got));
	m = format(got, BUF, fmt, v);
	if (n >= 0 && (size_t)n == m && memcmp(want, got, m + 1) == 0)
		return 1;
	diag("\"%s\" with %lld: want \"%s\", got \"%s\"", fmt, v, want, got);
	return 0;
}

/* hh and h take an int and convert it to the narrower type first. */
static void test_narrow(void)
{
	static const char *const fmts[] = { "%hhd", "%hhu", "%hhx", "%hd",
					    "%hu", "%hx", "%5hhd", "%-7hu" };
	static const int values[] = { 0, 300, -300, 70000, -70000, 255, 128,
				      -129, INT_MAX, INT_MIN };
	size_t f, v;
	int good = 0, tried = 0;

	for (f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
			int n = snprintf(want, BUF, fmts[f], values[v]);
			size_t m = format(got, BUF, fmts[f], values[v]);

			tried++;
			if (n >= 0 && (size_t)n == m &&
			    memcmp(want, got, m + 1) == 0)
				good++;
			else
				diag("\"%s\" with %d: want \"%s\", got \"%s\"",
				     fmts[f], values[v], want, got);
		}
	ok(good == tried, "%d of %d hh/h conversions agree", good, tried);
}

/* The cross product of flags, widths, precisions and values, for every
 * integer conversion, with the flags C defines for it. */
static void test_combinations(void)
{
	static const char *const sflags[] = { "", "-", "0", "+", " ", "-+",
					      "0+", "0 ", "-0" };
	static const char *const uflags[] = { "", "-", "0", "#", "#0", "-#" };
	static const char *const widths[] = { "", "1", "6", "21" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".4",
					     ".22" };
	static const char convs[] = "diuxXo";
	static const long long values[] = { 0, 1, -1, 7, 8, 255, -255,
					    65535, 123456789, -987654321,
					    LLONG_MAX, LLONG_MIN };
	char fmt[32];
	size_t c, f, w, p, v, nf;
	int tried = 0, good = 0;

	for (c = 0; convs[c]; c++) {
		int is_signed = convs[c] == 'd' || convs[c] == 'i';
		const char *const *flags = is_signed ? sflags : uflags;

		nf = is_signed ? sizeof(sflags) / sizeof(sflags[0]) :
		     convs[c] == 'u' ? 3 : sizeof(uflags) / sizeof(uflags[0]);
		for (f = 0; f < nf; f++)
			for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
				for (p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)
					for (v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
						snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%c]",
							 flags[f], widths[w], precs[p], convs[c]);
						tried++;
						good += fmt_matches(fmt, values[v]);
					}
	}
	ok(good == tried, "%d of %d flag/width/precision combinations agree",
	   good, tried);
}

#pragma GCC diagnostic pop

int main(void)
{
	test_literals();
	test_nul_char();
	test_truncation();
	test_narrow();
	test_combinations();
	return done_testing();
}
