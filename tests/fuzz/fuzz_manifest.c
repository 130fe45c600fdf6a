/* fuzz_manifest.c: libFuzzer target for the manifest parser in both modes;
 * whatever parses must serialize to bytes that parse back to the same bytes,
 * and the entry-by-entry "files" parser must agree with the whole tree. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* serialize -> parse (signed) -> serialize must be byte-stable; any
 * failure on that path is a bug, so abort() for libFuzzer to report. */
static void check_stable(const struct keel_manifest *m)
{
	struct keel_manifest *again = NULL;
	struct keel_error err = { 0 };
	char *first = NULL, *second = NULL;
	size_t len1 = 0, len2 = 0;

	if (manifest_serialize(m, &first, &len1, &err) != KEEL_OK)
		abort();
	if (manifest_parse(first, len1, MANIFEST_SIGNED, "canonical", &again,
			   &err) != KEEL_OK)
		abort();
	if (manifest_serialize(again, &second, &len2, &err) != KEEL_OK)
		abort();
	if (len1 != len2 || memcmp(first, second, len1) != 0)
		abort();
	json_object_put(manifest_to_json(again));
	free(first);
	free(second);
	manifest_free(again);
}

/* The text with each "files" spelt "fil\u0065s": the same document, but
 * the parser finds no "files" key to split and takes the whole tree. */
static char *respell_files(const char *text, size_t len, size_t *out_len)
{
	static const char key[] = "\"files\"", spelt[] = "\"fil\\u0065s\"";
	char *out = malloc(len * 2 + 1), *o = out;
	size_t i = 0, hits = 0;

	if (!out)
		abort();
	while (i < len) {
		if (len - i >= 7 && memcmp(text + i, key, 7) == 0) {
			memcpy(o, spelt, 12);
			o += 12;
			i += 7;
			hits++;
		} else {
			*o++ = text[i++];
		}
	}
	*out_len = (size_t)(o - out);
	if (hits == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The same manifest, every field: their JSON forms are the same text. */
static int same_manifest(const struct keel_manifest *a,
			 const struct keel_manifest *b)
{
	struct json_object *ja = manifest_to_json(a), *jb = manifest_to_json(b);
	int same = strcmp(json_object_to_json_string(ja),
			  json_object_to_json_string(jb)) == 0;

	json_object_put(ja);
	json_object_put(jb);
	return same;
}

/* Both parsers accept or both refuse, with the same code and result. */
static void check_split(const uint8_t *data, size_t size,
			enum manifest_mode mode, int rc,
			const struct keel_manifest *m)
{
	struct keel_manifest *whole = NULL;
	struct keel_error err = { 0 };
	size_t len;
	char *text = respell_files((const char *)data, size, &len);
	int rc2;

	/* Longer than the limit, the respelt text is refused for its size. */
	if (!text || len > (1u << 20)) {
		free(text);
		return;
	}
	rc2 = manifest_parse(text, len, mode, "fuzz", &whole, &err);
	if (rc2 != rc || (rc == KEEL_OK && !same_manifest(m, whole)))
		abort();
	manifest_free(whole);
	free(text);
}

static void run(const uint8_t *data, size_t size, enum manifest_mode mode)
{
	struct keel_manifest *m = NULL;
	struct keel_error err = { 0 };
	int rc;

	rc = manifest_parse((const char *)data, size, mode, "fuzz", &m, &err);
	check_split(data, size, mode, rc, m);
	if (rc != KEEL_OK) {
		/* Every refusal says something and leaves nothing behind. */
		if (m || err.msg[0] == '\0' || err.code != rc)
			abort();
		return;
	}
	/* keel-pack fills in the build time before it serializes. */
	if (mode == MANIFEST_TEMPLATE && !m->build_time) {
		m->build_time = strdup("2000-01-01T00:00:00Z");
		if (!m->build_time)
			abort();
	}
	check_stable(m);
	manifest_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run(data, size, MANIFEST_SIGNED);
	run(data, size, MANIFEST_TEMPLATE);
	return 0;
}
