/* fuzz_manifest.c: libFuzzer target for the manifest parser in both modes;
 * whatever parses must serialize to bytes that parse back to the same bytes. */
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

static void run(const uint8_t *data, size_t size, enum manifest_mode mode)
{
	struct keel_manifest *m = NULL;
	struct keel_error err = { 0 };
	int rc;

	rc = manifest_parse((const char *)data, size, mode, "fuzz", &m, &err);
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
