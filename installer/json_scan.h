/* json_scan.h: checks on the raw bytes of a JSON document that json-c does
 * not make: NUL bytes, strict UTF-8, raw control characters, duplicate keys. */
#ifndef KEEL_JSON_SCAN_H
#define KEEL_JSON_SCAN_H

#include <stddef.h>

#include <json-c/json.h>

enum json_scan_verdict {
	JSON_SCAN_OK = 0,
	JSON_SCAN_NUL_BYTE,      /* a raw 0 byte: json-c stops reading there */
	JSON_SCAN_BAD_UTF8,      /* not RFC 3629 UTF-8 (overlong, surrogate, ...) */
	JSON_SCAN_CONTROL,       /* an unescaped character below 0x20 in a string */
	JSON_SCAN_NUL_ESCAPE,    /* "\u0000": json-c cuts keys there */
	JSON_SCAN_SYNTAX,        /* outside strings, a character no JSON token
				    has: json-c takes 'key' and NaN */
};

struct json_scan {
	size_t members;   /* ':' outside strings: object members in the text */
	size_t offset;    /* byte offset of the problem, if any */
};

/* Scans len bytes of JSON text. */
enum json_scan_verdict json_scan(const char *buf, size_t len,
				 struct json_scan *out);

/* Object members in a parsed tree. json-c keeps only the last of several
 * equal keys, so fewer members than json_scan() counted means a key was
 * given twice. */
size_t json_count_members(struct json_object *o);

#endif
