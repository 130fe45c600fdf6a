/* kstring.h: the C library's memory and string functions for code shared
 * by keel-hv (kstring.c defines them) and the host unit tests (libc). */
#ifndef KEEL_HV_KSTRING_H
#define KEEL_HV_KSTRING_H

#include <stddef.h>

#if __STDC_HOSTED__
#include <string.h>
#else
/* The standard names: the compiler itself emits calls to these for
 * structure copies and initialisations. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
#endif

#endif
