/* error.c: filling and printing struct keel_error.
 * Messages are truncated, never overflowed, if they exceed KEEL_ERROR_MAX. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "error.h"

__attribute__((format(printf, 3, 0)))
static void set_v(struct keel_error *err, int code, const char *fmt, va_list ap)
{
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
}

static void append(struct keel_error *err, const char *text)
{
	size_t used = strlen(err->msg);

	if (used < sizeof err->msg - 1)
		snprintf(err->msg + used, sizeof err->msg - used, "%s", text);
}

int keel_error_set(struct keel_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_v(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int keel_error_openssl(struct keel_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	unsigned long e;
	char reason[256];

	va_start(ap, fmt);
	set_v(err, code, fmt, ap);
	va_end(ap);
	/* The last queued error is the most specific one. */
	e = ERR_peek_last_error();
	if (e != 0) {
		ERR_error_string_n(e, reason, sizeof reason);
		append(err, " (");
		append(err, reason);
		append(err, ")");
	}
	ERR_clear_error();
	return code;
}

int keel_error_errno(struct keel_error *err, int code, int errnum,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_v(err, code, fmt, ap);
	va_end(ap);
	append(err, ": ");
	append(err, strerror(errnum));
	return code;
}

void keel_error_prefix(struct keel_error *err, const char *fmt, ...)
{
	char old[KEEL_ERROR_MAX];
	va_list ap;
	int n;

	memcpy(old, err->msg, sizeof old);
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof err->msg) {
		err->msg[n] = '\0';
		append(err, ": ");
		append(err, old);
	}
}

void keel_error_clear(struct keel_error *err)
{
	err->code = 0;
	err->msg[0] = '\0';
}

void keel_error_print(const struct keel_error *err, const char *prog)
{
	fprintf(stderr, "%s: %s\n", prog, err->msg);
}
