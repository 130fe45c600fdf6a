/* tap.h: a minimal Test Anything Protocol emitter for the C unit tests.
 * Header-only; each test program prints "ok N - ..." lines and a plan. */
#ifndef KEEL_TAP_H
#define KEEL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 2, 3)))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

#define is_int(got, want, ...) \
	(ok((long long)(got) == (long long)(want), __VA_ARGS__) ? 1 : \
	 (printf("#   got %lld, want %lld\n", (long long)(got), \
		 (long long)(want)), 0))

#define is_str(got, want, ...) \
	(ok((got) && (want) && strcmp((got), (want)) == 0, __VA_ARGS__) ? 1 : \
	 (printf("#   got \"%s\", want \"%s\"\n", (got) ? (got) : "(null)", \
		 (want) ? (want) : "(null)"), 0))

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Prints the plan at the end and returns main's exit status. */
static int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
