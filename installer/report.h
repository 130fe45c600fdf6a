/* report.h: how commands show a verified pack to people and to programs:
 * the human summary lines and the --json objects. */
#ifndef KEEL_REPORT_H
#define KEEL_REPORT_H

#include <json-c/json.h>

#include "pack_reader.h"

/* {"subject", "issuer", "serial", "not_after"} */
struct json_object *report_signer_json(const struct keel_signer *s);

/* Prints obj to stdout, pretty, with a newline, and releases it. */
void report_print_json(struct json_object *obj);

/* Prints label and pads it with at least one space to column (counted in
 * characters: translated labels may hold multi-byte letters). */
void report_print_label(const char *label, size_t column);

/* The human description of a pack: every manifest field, the signer and
 * the file list. */
void report_print_pack(const char *pack, const struct pack_contents *c);

#endif
