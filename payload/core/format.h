/* format.h: a small vsnprintf for keel-hv, which has no libc; the host
 * unit tests compare it with the C library's. */
#ifndef KEEL_HV_FORMAT_H
#define KEEL_HV_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf for the conversions log.h lists: writes at most size
 * bytes including the NUL, returns the length the full output has. */
size_t format_v(char *buf, size_t size, const char *fmt, va_list ap);
size_t format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
