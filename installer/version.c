/* version.c: parsing and ordering semantic versions (SemVer 2.0.0) of the
 * form MAJOR.MINOR.PATCH[-PRERELEASE]; build metadata is refused. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "version.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '-';
}

/* A numeric core part: no leading zero (SemVer 2), fits uint32_t.
 * Advances *s past the digits. */
static int parse_number(const char **s, uint32_t *out)
{
	const char *p = *s;
	uint64_t n = 0;

	if (!is_digit(*p))
		return -1;
	if (*p == '0' && is_digit(p[1]))
		return -1;
	for (; is_digit(*p); p++) {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)n;
	*s = p;
	return 0;
}

/* One prerelease identifier of len bytes: non-empty, [0-9A-Za-z-], and a
 * numeric one has no leading zero. */
static int check_identifier(const char *id, size_t len)
{
	size_t i;
	int numeric = 1;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (!is_ident_char(id[i]))
			return -1;
		if (!is_digit(id[i]))
			numeric = 0;
	}
	if (numeric && len > 1 && id[0] == '0')
		return -1;
	return 0;
}

static int parse_prerelease(const char *s, char pre[64])
{
	size_t len = strlen(s);
	const char *id = s;
	const char *dot;

	if (len == 0 || len >= 64)
		return -1;
	for (;;) {
		dot = strchr(id, '.');
		if (check_identifier(id, dot ? (size_t)(dot - id) : strlen(id)))
			return -1;
		if (!dot)
			break;
		id = dot + 1;
	}
	memcpy(pre, s, len + 1);
	return 0;
}

int version_parse(const char *s, struct keel_version *v)
{
	struct keel_version tmp = { 0 };

	if (!s)
		return -1;
	if (parse_number(&s, &tmp.major) || *s++ != '.' ||
	    parse_number(&s, &tmp.minor) || *s++ != '.' ||
	    parse_number(&s, &tmp.patch))
		return -1;
	if (*s == '-') {
		if (parse_prerelease(s + 1, tmp.pre))
			return -1;
	} else if (*s != '\0') {
		return -1;  /* build metadata "+..." and anything else */
	}
	*v = tmp;
	return 0;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int all_digits(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

/* Numeric identifiers compare as numbers: with no leading zeros the longer
 * one is larger, so arbitrarily long ones need no conversion. */
static int cmp_identifier(const char *a, size_t alen, const char *b,
			  size_t blen)
{
	int anum = all_digits(a, alen), bnum = all_digits(b, blen);
	size_t n = alen < blen ? alen : blen;
	int c;

	if (anum && bnum) {
		if (alen != blen)
			return alen < blen ? -1 : 1;
		c = memcmp(a, b, alen);
		return c < 0 ? -1 : c > 0;
	}
	if (anum != bnum)
		return anum ? -1 : 1;  /* numeric ranks below alphanumeric */
	c = memcmp(a, b, n);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return alen < blen ? -1 : alen > blen;
}

static int cmp_prerelease(const char *a, const char *b)
{
	size_t alen, blen;
	int c;

	/* A release ranks above every prerelease of the same core. */
	if (!*a || !*b)
		return !*a - !*b;
	for (;;) {
		alen = strcspn(a, ".");
		blen = strcspn(b, ".");
		c = cmp_identifier(a, alen, b, blen);
		if (c != 0)
			return c;
		a += alen;
		b += blen;
		if (!*a || !*b)
			return !*b - !*a;  /* more identifiers rank higher */
		a++;
		b++;
	}
}

int version_compare(const struct keel_version *a, const struct keel_version *b)
{
	int c = cmp_u32(a->major, b->major);

	if (c == 0)
		c = cmp_u32(a->minor, b->minor);
	if (c == 0)
		c = cmp_u32(a->patch, b->patch);
	if (c == 0)
		c = cmp_prerelease(a->pre, b->pre);
	return c;
}
