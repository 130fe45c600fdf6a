/* manifest_files.h: the "files" list of a manifest: each entry, and the
 * rules across entries (private to the manifest parser). */
#ifndef KEEL_MANIFEST_FILES_H
#define KEEL_MANIFEST_FILES_H

#include <json-c/json.h>

#include "manifest.h"
#include "manifest_field.h"
#include "manifest_json.h"

/* Fills m->files, m->n_files and m->total_size from top's "files", or,
 * when span is not NULL, from the entries of buf it describes. */
int manifest_parse_files(struct mf_ctx *c, struct json_object *top,
			 const char *buf, struct files_span *span,
			 struct keel_manifest *m);

#endif
