/* format.c: vsnprintf without libc for keel-hv's log and panic messages;
 * the same file is tested on the host against the C library's snprintf. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

#define F_MINUS 0x01
#define F_PLUS 0x02
#define F_SPACE 0x04
#define F_HASH 0x08
#define F_ZERO 0x10

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE,
	      LEN_MAX, LEN_PTRDIFF };

struct spec {
	unsigned flags;
	int width;               /* 0: none */
	int prec;                /* -1: none */
	enum length len;
	char conv;
};

/* The output so far; len counts what the full output would have. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_padded(struct out *o, const char *s, int n,
		       const struct spec *sp)
{
	int i;

	if (!(sp->flags & F_MINUS))
		put_n(o, ' ', sp->width - n);
	for (i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->flags & F_MINUS)
		put_n(o, ' ', sp->width - n);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->prec < 0 || n < sp->prec))
		n++;
	put_padded(o, s, n, sp);
}

/* Digits of v in base, least significant first; returns how many. */
static int to_digits(uint64_t v, unsigned base, bool upper, char *d)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		d[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

/* An integer conversion by C's rules: precision is a minimum digit
 * count, '0' pads after sign and prefix unless a precision is given. */
static void put_number(struct out *o, uint64_t v, bool neg, unsigned base,
		       const struct spec *sp)
{
	bool is_signed = sp->conv == 'd' || sp->conv == 'i';
	char digits[24], prefix[2];
	int nd = 0, np = 0, zeros, pad, i;

	if (v != 0 || sp->prec != 0)
		nd = to_digits(v, base, sp->conv == 'X', digits);
	/* '+' and ' ' mean nothing to unsigned conversions, '#' nothing to
	 * signed ones: at most two prefix characters. */
	if (neg)
		prefix[np++] = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		prefix[np++] = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		prefix[np++] = ' ';
	if (!is_signed && (sp->flags & F_HASH) && base == 16 && v != 0) {
		prefix[np++] = '0';
		prefix[np++] = sp->conv == 'X' ? 'X' : 'x';
	}
	zeros = sp->prec > nd ? sp->prec - nd : 0;
	if ((sp->flags & F_HASH) && base == 8 && zeros == 0 &&
	    (nd == 0 || digits[nd - 1] != '0'))
		zeros = 1;
	pad = sp->width - np - zeros - nd;
	if ((sp->flags & F_ZERO) && !(sp->flags & F_MINUS) && sp->prec < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!(sp->flags & F_MINUS))
		put_n(o, ' ', pad);
	for (i = 0; i < np; i++)
		put(o, prefix[i]);
	put_n(o, '0', zeros);
	while (nd > 0)
		put(o, digits[--nd]);
	if (sp->flags & F_MINUS)
		put_n(o, ' ', pad);
}

/* Flags, width, precision and length of the conversion at *fmt, which is
 * just past the '%'; advances *fmt to the conversion character. */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
	const char *f = *fmt;

	sp->flags = 0;
	for (;; f++) {
		if (*f == '-')
			sp->flags |= F_MINUS;
		else if (*f == '+')
			sp->flags |= F_PLUS;
		else if (*f == ' ')
			sp->flags |= F_SPACE;
		else if (*f == '#')
			sp->flags |= F_HASH;
		else if (*f == '0')
			sp->flags |= F_ZERO;
		else
			break;
	}
	sp->width = 0;
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_MINUS;
			sp->width = -sp->width;
		}
		f++;
	}
	for (; *f >= '0' && *f <= '9'; f++)
		sp->width = sp->width * 10 + (*f - '0');
	sp->prec = -1;
	if (*f == '.') {
		f++;
		sp->prec = 0;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp->prec = sp->prec * 10 + (*f - '0');
	}
	sp->len = LEN_INT;
	if (f[0] == 'h' && f[1] == 'h') {
		sp->len = LEN_CHAR;
		f += 2;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->len = LEN_LLONG;
		f += 2;
	} else if (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' ||
		   *f == 't') {
		sp->len = *f == 'h' ? LEN_SHORT : *f == 'l' ? LEN_LONG :
			  *f == 'z' ? LEN_SIZE : *f == 'j' ? LEN_MAX :
			  LEN_PTRDIFF;
		f++;
	}
	sp->conv = *f;
	*fmt = f;
}

static int64_t arg_signed(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	case LEN_MAX: return va_arg(*ap, intmax_t);
	case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(enum length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	case LEN_MAX: return va_arg(*ap, uintmax_t);
	case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, unsigned);
	}
}

static void put_pointer(struct out *o, const void *p, struct spec *sp)
{
	if (!p) {
		put_string(o, "(nil)", sp);
		return;
	}
	sp->flags |= F_HASH;
	sp->conv = 'x';
	put_number(o, (uintptr_t)p, false, 16, sp);
}

/* One conversion; sp->conv says which. */
static void convert(struct out *o, struct spec *sp, va_list *ap)
{
	int64_t s;
	char c;

	switch (sp->conv) {
	case 'd':
	case 'i':
		s = arg_signed(sp->len, ap);
		put_number(o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10,
			   sp);
		break;
	case 'u':
		put_number(o, arg_unsigned(sp->len, ap), false, 10, sp);
		break;
	case 'x':
	case 'X':
		put_number(o, arg_unsigned(sp->len, ap), false, 16, sp);
		break;
	case 'o':
		put_number(o, arg_unsigned(sp->len, ap), false, 8, sp);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, sp);
		break;
	case 's':
		put_string(o, va_arg(*ap, const char *), sp);
		break;
	case 'p':
		put_pointer(o, va_arg(*ap, const void *), sp);
		break;
	default:
		put(o, '%');
		put(o, sp->conv);
		break;
	}
}

size_t format_v(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list args;

	/* A copy, so that helpers can take a pointer to it: a va_list
	 * parameter is an array that has decayed to a pointer. */
	va_copy(args, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			put(&o, '%');
			continue;
		}
		parse_spec(&fmt, &sp, &args);
		if (!*fmt)
			break;
		convert(&o, &sp, &args);
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = format_v(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
