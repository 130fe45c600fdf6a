/* manifest_json.h: the manifest's JSON text to json-c trees, strictly; the
 * "files" array is handed out entry by entry, never as one tree (private). */
#ifndef KEEL_MANIFEST_JSON_H
#define KEEL_MANIFEST_JSON_H

#include <stddef.h>

#include <json-c/json.h>

#include "manifest_field.h"

/* The top-level "files" array in the text. */
struct files_span {
	size_t open, close;  /* offsets of its '[' and ']' */
	size_t entries;      /* values directly inside it */
	size_t members;      /* object members inside it, as in the text */
	size_t next;         /* where mj_next_entry goes on */
};

/* Checks the bytes (json_scan) and parses buf strictly into *top, with no
 * key given twice. When the top-level "files" is an array, *top holds it
 * empty and *span says where its entries are (*have_span = 1): json-c
 * takes about 1 KiB per object, 4 MiB for a manifest of 4096 files. */
int mj_load(struct mf_ctx *c, const char *buf, size_t len,
	    struct json_object **top, struct files_span *span, int *have_span);

/* Parses the next entry of the span into *out (a new reference). */
int mj_next_entry(struct mf_ctx *c, const char *buf, struct files_span *span,
		  struct json_object **out);

#endif
