/* test_manifest_json.c: the "files" array parsed entry by entry gives what
 * the whole json-c tree gives, for odd layouts, and refuses what it refuses. */
#include "config.h"

#include "tests/unit/manifest_fixture.h"

#define ENTRY_A FILE_ENTRY("usr/share/keel/a", "1", "0644", SHA_ABC, "data")
#define ENTRY_B FILE_ENTRY("usr/share/keel/b", "2", "0600", SHA_EMPTY, "doc")

/* A signed manifest: KEY is "files" spelt one way or another, ARRAY the
 * text of its value, TAIL what follows it in the object. */
static char *manifest(const char *key, const char *array, const char *tail)
{
	static const char head[] =
		"{\"format\": 1, \"name\": \"keel\", \"version\": \"1.0.0\","
		" \"level\": 1, \"build_time\": \"2024-01-01T00:00:00Z\","
		" \"description\": \"not a key: \\\"files\\\": [ ] , { [\","
		" \"requires\": {\"arch\": \"x86_64\"}, ";
	size_t n = strlen(head) + strlen(key) + strlen(array) + strlen(tail) + 8;
	char *s = malloc(n);

	if (!s) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	snprintf(s, n, "%s%s: %s%s}", head, key, array, tail);
	return s;
}

static int same_files(const struct keel_manifest *a,
		      const struct keel_manifest *b)
{
	size_t i;

	if (!a || !b || a->n_files != b->n_files)
		return 0;
	for (i = 0; i < a->n_files; i++)
		if (strcmp(a->files[i].path, b->files[i].path) != 0 ||
		    a->files[i].size != b->files[i].size ||
		    a->files[i].mode != b->files[i].mode ||
		    a->files[i].role != b->files[i].role ||
		    memcmp(a->files[i].sha256, b->files[i].sha256, 32) != 0)
			return 0;
	return 1;
}

/* Parsed with "files" (entry by entry) and "fil\u0065s" (one tree). */
static void accept_both(const char *array, const char *tail, size_t n,
			const char *what)
{
	char *split = manifest("\"files\"", array, tail);
	char *whole = manifest("\"fil\\u0065s\"", array, tail);
	struct keel_manifest *a = parse_ok(split, MANIFEST_SIGNED, what);
	struct keel_manifest *b = parse_ok(whole, MANIFEST_SIGNED, what);

	ok(a && a->n_files == n && same_files(a, b),
	   "%s: %zu files, as in the whole tree", what, n);
	manifest_free(a);
	manifest_free(b);
	free(split);
	free(whole);
}

static void refuse_both(const char *array, const char *tail,
			const char *fragment, const char *what)
{
	char *split = manifest("\"files\"", array, tail);
	char *whole = manifest("\"fil\\u0065s\"", array, tail);
	char label[160];

	refuse(MANIFEST_SIGNED, split, fragment, what);
	snprintf(label, sizeof label, "%s (whole tree)", what);
	refuse(MANIFEST_SIGNED, whole, fragment, label);
	free(split);
	free(whole);
}

static void test_layouts(void)
{
	accept_both("[" ENTRY_A "]", "", 1, "one entry");
	accept_both("[" ENTRY_A "," ENTRY_B "]", "", 2, "two, no blanks");
	accept_both("[\n\t " ENTRY_A " \n,\r\n\t" ENTRY_B "\n ]", "", 2,
		    "blanks of every kind around entries and commas");
	accept_both("[" ENTRY_B ", " ENTRY_A "]", ", \"supersedes\": []", 2,
		    "more keys after files");
}

/* json-c's own printing of a manifest: other blanks, other order. */
static void test_json_c_layout(void)
{
	char *json = mutate(signed_base, "files[1].size", "5", NULL, NULL);
	struct keel_manifest *m = parse_ok(json, MANIFEST_SIGNED,
					   "a manifest printed by json-c");

	ok(m && m->n_files == 7 && m->files[1].size == 5 &&
	   strcmp(m->files[6].path, "usr/share/keel/a.b") == 0,
	   "all seven files, the changed size among them");
	manifest_free(m);
	free(json);
}

static void test_refusals(void)
{
	/* Refused for the path, not for the JSON: the string was read whole. */
	refuse_both("[{\"role\": \"data\", \"sha256\": \"" SHA_ABC "\", "
		    "\"mode\": \"0644\", \"size\": 1, \"path\": "
		    "\"usr/share/keel/x]y,z{\"}]", "", "is not a valid pack path",
		    "brackets, braces and a comma inside a path");
	refuse_both("[{\"path\": \"usr/share/keel/q\\\"],\\\\\", \"size\": 1, "
		    "\"mode\": \"0644\", \"sha256\": \"" SHA_ABC "\", "
		    "\"role\": \"data\"}]", "", "is not a valid pack path",
		    "an escaped quote, a bracket and a backslash inside a path");
	refuse_both("[" ENTRY_A ",]", "", "not valid JSON",
		    "a trailing comma in files");
	refuse_both("[," ENTRY_A "]", "", "not valid JSON",
		    "a leading comma in files");
	refuse_both("[" ENTRY_A " " ENTRY_B "]", "", "not valid JSON",
		    "two entries without a comma");
	refuse_both("[" ENTRY_A ",," ENTRY_B "]", "", "not valid JSON",
		    "two commas");
	refuse_both("[ ]", "", "files is empty", "an empty files");
	refuse_both("[5]", "", "files[0] must be an object", "a number entry");
	refuse_both("[" ENTRY_A ", true]", "", "files[1] must be an object",
		    "a literal entry");
	refuse_both("[" ENTRY_A ", null ]", "", "files[1] must be an object",
		    "a null entry");
	refuse_both("[[" ENTRY_A "]]", "", "files[0] must be an object",
		    "an entry in an array");
	refuse_both("[{\"path\": \"usr/a\", \"path\": \"usr/b\", \"size\": 1, "
		    "\"mode\": \"0644\", \"sha256\": \"" SHA_ABC "\", "
		    "\"role\": \"data\"}]", "", "the same key twice",
		    "a key twice inside an entry");
	refuse_both("[" ENTRY_A "]", ", \"files\": [" ENTRY_B "]",
		    "the same key twice", "files twice");
	refuse_both("[{\"path\": \"usr/a\", \"size\": 1,]", "", "not valid JSON",
		    "an entry cut short");
	refuse_both("[" ENTRY_A ", {\"size\": tru}]", "", "not valid JSON",
		    "a bad literal inside an entry");
}

/* The offset in a message is the offset in the whole text. */
static void test_offsets(void)
{
	char *split = manifest("\"files\"", "[" ENTRY_A ", {\"size\": 1x}]", "");
	char want[96];
	size_t at = (size_t)(strstr(split, "1x}") - split) + 1;

	snprintf(want, sizeof want, "at offset %zu.", at);
	refuse(MANIFEST_SIGNED, split, want, "an error inside an entry");
	free(split);
}

int main(void)
{
	diag("the manifest's files array, entry by entry");
	test_layouts();
	test_json_c_layout();
	test_refusals();
	test_offsets();
	return done_testing();
}
