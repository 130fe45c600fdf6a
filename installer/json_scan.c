/* json_scan.c: one pass over the raw JSON text before json-c parses it,
 * for what json-c accepts but a signed manifest must not contain. */
#include "config.h"

#include <string.h>

#include "json_scan.h"

/* Whitespace, structure, numbers and the letters of true, false, null. */
static const char outside_strings[] =
	" \t\n\r{}[]:,0123456789+-.eEtrufalsn";

static int in_range(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

/* Length of the RFC 3629 UTF-8 sequence starting at p (lead byte >= 0x80),
 * or 0 if it is not one: no overlong forms, surrogates or code points
 * beyond U+10FFFF. */
static size_t utf8_length(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (in_range(p[0], 0xc2, 0xdf))
		n = 2;
	else if (in_range(p[0], 0xe0, 0xef))
		n = 3;
	else if (in_range(p[0], 0xf0, 0xf4))
		n = 4;
	else
		return 0;
	if (left < n)
		return 0;
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (!in_range(p[1], lo, hi))
		return 0;
	for (i = 2; i < n; i++)
		if (!in_range(p[i], 0x80, 0xbf))
			return 0;
	return n;
}

static int is_nul_escape(const unsigned char *p, size_t left)
{
	return left >= 5 && p[0] == 'u' && p[1] == '0' && p[2] == '0' &&
	       p[3] == '0' && p[4] == '0';
}

/* Checks the byte at p (one ASCII character) and updates the string
 * state; returns a verdict. */
static enum json_scan_verdict scan_ascii(const unsigned char *p, size_t left,
					 int *in_string, int *escaped,
					 size_t *members)
{
	if (!*in_string) {
		if (*p == '"')
			*in_string = 1;
		else if (*p == ':')
			(*members)++;
		else if (!strchr(outside_strings, *p))
			return JSON_SCAN_SYNTAX;
		return JSON_SCAN_OK;
	}
	if (*p < 0x20)
		return JSON_SCAN_CONTROL;
	if (*escaped) {
		*escaped = 0;
		return is_nul_escape(p, left) ? JSON_SCAN_NUL_ESCAPE
					      : JSON_SCAN_OK;
	}
	if (*p == '\\')
		*escaped = 1;
	else if (*p == '"')
		*in_string = 0;
	return JSON_SCAN_OK;
}

enum json_scan_verdict json_scan(const char *buf, size_t len,
				 struct json_scan *out)
{
	const unsigned char *p = (const unsigned char *)buf;
	enum json_scan_verdict v = JSON_SCAN_OK;
	int in_string = 0, escaped = 0;
	size_t i = 0, n;

	out->members = 0;
	while (i < len) {
		if (p[i] == 0) {
			v = JSON_SCAN_NUL_BYTE;
			break;
		}
		if (p[i] >= 0x80 && !in_string) {
			v = JSON_SCAN_SYNTAX;
			break;
		}
		if (p[i] >= 0x80) {
			n = utf8_length(p + i, len - i);
			if (n == 0) {
				v = JSON_SCAN_BAD_UTF8;
				break;
			}
			escaped = 0;  /* json-c refuses such an escape anyway */
			i += n;
			continue;
		}
		v = scan_ascii(p + i, len - i, &in_string, &escaped,
			       &out->members);
		if (v != JSON_SCAN_OK)
			break;
		i++;
	}
	out->offset = i;
	return v;
}

size_t json_count_members(struct json_object *o)
{
	size_t n = 0, i, len;

	if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, key, val) {
			(void)key;
			n += 1 + json_count_members(val);
		}
	} else if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += json_count_members(json_object_array_get_idx(o, i));
	}
	return n;
}
