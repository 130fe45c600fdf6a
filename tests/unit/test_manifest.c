/* test_manifest.c: unit tests of the manifest parser on valid input (signed
 * and template forms), the limits at their edges, and canonical output. */
#include "config.h"

#include "pack_limits.h"
#include "tests/unit/manifest_fixture.h"

static const char minimal_canonical[] =
	"{\n"
	"  \"format\": 1,\n"
	"  \"name\": \"keel\",\n"
	"  \"version\": \"1.0.0\",\n"
	"  \"level\": 1,\n"
	"  \"build_time\": \"2023-11-14T22:13:20Z\",\n"
	"  \"supersedes\": [],\n"
	"  \"requires\": {\n"
	"    \"arch\": \"x86_64\"\n"
	"  },\n"
	"  \"files\": [\n"
	"    {\n"
	"      \"path\": \"usr/share/doc/keel/README.md\",\n"
	"      \"size\": 3,\n"
	"      \"mode\": \"0644\",\n"
	"      \"sha256\": \"" SHA_ABC "\",\n"
	"      \"role\": \"doc\"\n"
	"    }\n"
	"  ]\n"
	"}\n";

/* --- what a valid manifest gives ----------------------------------------- */

static void test_signed_fields(void)
{
	struct keel_manifest *m = parse_ok(signed_base, MANIFEST_SIGNED,
					   "the full signed manifest");
	char hex[KEEL_SHA256_HEX];
	const char *h = hex;   /* tap.h's is_str wants pointers */

	if (!m)
		return;
	is_int(m->format, 1, "format");
	is_str(m->name, "keel", "name");
	is_str(m->version, "1.2.0-rc.1", "version");
	ok(m->ver.major == 1 && m->ver.minor == 2 && m->ver.patch == 0 &&
	   strcmp(m->ver.pre, "rc.1") == 0, "version parsed");
	is_int(m->level, 3, "level");
	is_str(m->build_time, "2024-02-29T23:59:59Z", "build_time");
	is_str(m->description, "Pack 3:\n\tfaster \xc3\xa9/\"q\"\\",
	       "description, unescaped");
	ok(m->n_supersedes == 2 && strcmp(m->supersedes[0], "1.0.0") == 0 &&
	   strcmp(m->supersedes[1], "1.1.0") == 0, "supersedes");
	is_str(m->arch, "x86_64", "requires.arch");
	ok(m->n_cpu == 2 && strcmp(m->cpu[0], "vt-x") == 0 &&
	   strcmp(m->cpu[1], "amd-v") == 0, "requires.cpu, in order");
	is_str(m->min_keel, "0.1.0", "requires.min_keel");
	is_str(m->boot_hypervisor, "boot/keel/keel-hv-1.2.0", "boot.hypervisor");
	is_str(m->boot_options, "serial=0x3f8,115200 log=debug", "boot.options");
	is_int(m->n_files, 7, "seven files");
	is_str(m->files[0].path, "boot/keel/keel-hv-1.2.0", "files[0].path");
	is_int(m->files[0].size, 123456, "files[0].size");
	is_int(m->files[0].mode, 0644, "files[0].mode");
	digest_to_hex(m->files[0].sha256, hex);
	is_str(h, SHA_ABC, "files[0].sha256");
	is_int(m->files[0].role, KEEL_ROLE_HYPERVISOR, "files[0].role");
	ok(m->files[0].source == NULL, "no source in a signed manifest");
	is_int(m->files[1].mode, 0755, "files[1].mode");
	is_int(m->files[6].mode, 0, "mode 0000");
	is_int(m->files[6].size, KEEL_FILE_SIZE_MAX, "a file of the size limit");
	is_int(m->total_size, 123456 + 3 + 10 + 11 + 12 + KEEL_FILE_SIZE_MAX,
	       "total_size");
	is_int(m->files[1].role, KEEL_ROLE_TOOL, "role tool");
	is_int(m->files[2].role, KEEL_ROLE_DOC, "role doc");
	is_int(m->files[3].role, KEEL_ROLE_CONFIG, "role config");
	is_int(m->files[4].role, KEEL_ROLE_UNIT, "role unit");
	is_int(m->files[5].role, KEEL_ROLE_HOOK, "role hook");
	is_int(m->files[6].role, KEEL_ROLE_DATA, "role data");
	is_int(manifest_find(m, "etc/keel/keel.conf"), 3, "manifest_find");
	is_int(manifest_find(m, "etc/keel"), -1, "manifest_find: no such file");
	manifest_free(m);
}

static void test_role_names(void)
{
	static const char *const names[] = {
		"hypervisor", "tool", "doc", "config", "unit", "hook", "data"
	};
	int r;

	for (r = KEEL_ROLE_HYPERVISOR; r <= KEEL_ROLE_DATA; r++)
		is_str(manifest_role_name((enum keel_role)r), names[r],
		       "role name %d", r);
}

static void test_optional_absent(void)
{
	char *json = mutate(signed_base, "description", NULL, "boot", NULL);
	struct keel_manifest *m;
	char *j2;

	m = parse_ok(json, MANIFEST_SIGNED, "without description and boot");
	ok(m && !m->description && !m->boot_hypervisor && !m->boot_options,
	   "absent optional keys are NULL");
	manifest_free(m);
	j2 = mutate(json, "supersedes", NULL, "requires",
		    "{\"arch\": \"riscv64\"}");
	m = parse_ok(j2, MANIFEST_SIGNED, "without supersedes, cpu, min_keel");
	ok(m && m->n_supersedes == 0 && m->n_cpu == 0 && !m->min_keel &&
	   strcmp(m->arch, "riscv64") == 0,
	   "absent lists are empty; any arch name is parsed");
	manifest_free(m);
	free(j2);
	free(json);
	json = mutate(signed_base, "boot.options", NULL, "files[0].size", "0");
	m = parse_ok(json, MANIFEST_SIGNED, "boot without options");
	ok(m && !m->boot_options, "boot.options NULL");
	manifest_free(m);
	free(json);
}

static void test_template(void)
{
	struct keel_manifest *m = parse_ok(template_base, MANIFEST_TEMPLATE,
					   "a template");
	struct keel_error err = { 0 };
	char *out = NULL;
	size_t len = 0;

	if (!m)
		return;
	ok(m->build_time == NULL, "template: no build_time");
	is_str(m->files[0].source, "README.md", "template: source kept");
	ok(m->files[1].source == NULL, "template: source absent is NULL");
	ok(m->files[0].size == 0 && m->total_size == 0, "template: sizes 0");
	is_int(manifest_serialize(m, &out, &len, &err), KEEL_EFAIL,
	       "serializing without build_time fails");
	ok(strstr(err.msg, "build_time") != NULL, "and says why: %s", err.msg);
	manifest_free(m);
}

/* The template keel-pack reads from the source tree. */
static void test_shipped_template(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096], buf[65536];
	struct keel_manifest *m;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/manifests/keel-1.0.json",
		 top ? top : ".");
	f = fopen(path, "rb");
	if (f) {
		len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
	}
	buf[len] = '\0';
	m = parse_ok(buf, MANIFEST_TEMPLATE, path);
	manifest_free(m);
}

/* --- canonical serialization ---------------------------------------------- */

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int lists_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!str_eq(a[i], b[i]))
			return 0;
	return 1;
}

static int files_eq(const struct keel_file *a, const struct keel_file *b)
{
	return str_eq(a->path, b->path) && a->size == b->size &&
	       a->mode == b->mode && a->role == b->role &&
	       memcmp(a->sha256, b->sha256, sizeof a->sha256) == 0;
}

static int manifests_eq(const struct keel_manifest *a,
			const struct keel_manifest *b)
{
	size_t i;

	if (a->format != b->format || !str_eq(a->name, b->name) ||
	    !str_eq(a->version, b->version) ||
	    version_compare(&a->ver, &b->ver) != 0 || a->level != b->level ||
	    !str_eq(a->build_time, b->build_time) ||
	    !str_eq(a->description, b->description) ||
	    !lists_eq(a->supersedes, a->n_supersedes, b->supersedes,
		      b->n_supersedes) || !str_eq(a->arch, b->arch) ||
	    !lists_eq(a->cpu, a->n_cpu, b->cpu, b->n_cpu) ||
	    !str_eq(a->min_keel, b->min_keel) ||
	    !str_eq(a->boot_hypervisor, b->boot_hypervisor) ||
	    !str_eq(a->boot_options, b->boot_options) ||
	    a->n_files != b->n_files || a->total_size != b->total_size)
		return 0;
	for (i = 0; i < a->n_files; i++)
		if (!files_eq(&a->files[i], &b->files[i]))
			return 0;
	return 1;
}

static char *serialize(const struct keel_manifest *m, size_t *len)
{
	struct keel_error err = { 0 };
	char *out = NULL;

	*len = 0;
	if (manifest_serialize(m, &out, len, &err) != KEEL_OK)
		diag("serialize: %s", err.msg);
	return out;
}

static void test_canonical_minimal(void)
{
	static const char compact[] =
		"{\"files\":[{\"role\":\"doc\",\"sha256\":\"" SHA_ABC "\","
		"\"mode\":\"0644\",\"size\":3,"
		"\"path\":\"usr/share/doc/keel/README.md\"}],"
		"\"requires\":{\"arch\":\"x86_64\"},\"level\":1,"
		"\"build_time\":\"2023-11-14T22:13:20Z\",\"version\":\"1.0.0\","
		"\"name\":\"keel\",\"format\":1}";
	const char *want = minimal_canonical;
	struct keel_manifest *m;
	char *out;
	size_t len;

	m = parse_ok(compact, MANIFEST_SIGNED, "compact, keys shuffled");
	if (!m)
		return;
	out = serialize(m, &len);
	is_str(out, want, "canonical bytes: fixed key order, "
	       "two-space indent, [] for no supersedes, trailing newline");
	is_int(len, strlen(minimal_canonical), "length reported");
	free(out);
	manifest_free(m);
}

static void test_round_trip(void)
{
	struct keel_manifest *m, *m2;
	struct json_object *from_text, *built;
	char *out, *out2, *out3;
	size_t len, len2, len3;
	int rc;
	struct keel_error err = { 0 };

	m = parse_ok(signed_base, MANIFEST_SIGNED, "full manifest again");
	if (!m)
		return;
	out = serialize(m, &len);
	out2 = serialize(m, &len2);
	ok(out && out2 && len == len2 && memcmp(out, out2, len) == 0,
	   "serializing twice gives the same bytes");
	ok(out && strstr(out, "\"description\": \"Pack 3:\\n\\tfaster "
			 "\xc3\xa9/\\\"q\\\"\\\\\",\n") != NULL,
	   "strings escaped minimally, UTF-8 and '/' as is");
	ok(out && strstr(out, "\"cpu\": [\n      \"vt-x\",\n      \"amd-v\"\n"
			 "    ],\n") != NULL, "nested arrays indented");
	m2 = out ? parse(out, len, MANIFEST_SIGNED, &rc, &err) : NULL;
	ok(m2 != NULL, "the canonical form parses: %s", m2 ? "" : err.msg);
	ok(m2 && manifests_eq(m, m2), "parse(serialize(m)) == m");
	out3 = m2 ? serialize(m2, &len3) : NULL;
	ok(out3 && len3 == len && memcmp(out, out3, len) == 0,
	   "serialize(parse(serialize(m))) is byte-identical");
	from_text = out ? json_tokener_parse(out) : NULL;
	built = manifest_to_json(m);
	ok(json_object_equal(from_text, built),
	   "manifest_to_json equals the canonical form's JSON");
	is_str(json_object_to_json_string(built),
	       json_object_to_json_string(from_text),
	       "and has its key order");
	json_object_put(from_text);
	json_object_put(built);
	free(out);
	free(out2);
	free(out3);
	manifest_free(m);
	manifest_free(m2);
}

/* What keel-pack does: template, then sizes and time, then signed form. */
static void test_template_to_signed(void)
{
	struct keel_manifest *m, *m2 = NULL;
	struct keel_error err = { 0 };
	char *out;
	size_t len;
	int rc;

	m = parse_ok(template_base, MANIFEST_TEMPLATE, "template again");
	if (!m)
		return;
	m->build_time = strdup("2023-11-14T22:13:20Z");
	m->files[0].size = 3;
	m->total_size = 3;
	out = serialize(m, &len);
	ok(out && strstr(out, "source") == NULL, "source is never written");
	if (out)
		m2 = parse(out, len, MANIFEST_SIGNED, &rc, &err);
	ok(m2 != NULL, "the completed template parses as signed: %s",
	   m2 ? "" : err.msg);
	ok(m2 && m2->files[0].source == NULL && m2->files[0].size == 3,
	   "with the measured size");
	free(out);
	manifest_free(m);
	manifest_free(m2);
}

static void test_escapes(void)
{
	struct keel_file f = { 0 };
	struct keel_manifest m = { 0 };
	char name[] = "keel", ver[] = "1.0.0", t[] = "2000-01-01T00:00:00Z";
	char arch[] = "x86_64", path[] = "a";
	char desc[] = "\x01\x08\x09\x0a\x0b\x0c\x0d\x1f\x7f\"\\/";
	char *out;
	size_t len;

	f.path = path;
	f.mode = 0644;
	m.format = 1;
	m.name = name;
	m.version = ver;
	m.build_time = t;
	m.arch = arch;
	m.level = 1;
	m.description = desc;
	m.files = &f;
	m.n_files = 1;
	out = serialize(&m, &len);
	ok(out && strstr(out, "\"description\": \"\\u0001\\b\\t\\n\\u000b\\f"
			 "\\r\\u001f\x7f\\\"\\\\/\",\n") != NULL,
	   "control characters escaped");
	free(out);
}

static char *many_files(size_t n, const char *size)
{
	struct json_object *root = json_tokener_parse(signed_base);
	struct json_object *files = json_object_new_array();
	char entry[512], *text;
	size_t i;

	json_object_object_del(root, "boot");
	for (i = 0; i < n; i++) {
		snprintf(entry, sizeof entry, "{\"path\": \"d%zu/f\", "
			 "\"size\": %s, \"mode\": \"0644\", \"sha256\": \""
			 SHA_ABC "\", \"role\": \"data\"}", i, size);
		json_object_array_add(files, json_tokener_parse(entry));
	}
	json_object_object_add(root, "files", files);
	text = strdup(json_object_to_json_string_ext(root,
						      JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return text;
}

static void test_limits(void)
{
	struct keel_manifest *m;
	char *json;

	json = many_files(KEEL_FILES_MAX, "1");
	m = parse_ok(json, MANIFEST_SIGNED, "KEEL_FILES_MAX files");
	ok(m && m->n_files == KEEL_FILES_MAX, "all of them");
	manifest_free(m);
	free(json);
	json = many_files(KEEL_FILES_MAX + 1, "1");
	refuse(MANIFEST_SIGNED, json, "files has 4097 entries; at most 4096",
	       "too many files");
	free(json);
	json = many_files(4, "2147483648");
	m = parse_ok(json, MANIFEST_SIGNED, "total size exactly at the limit");
	ok(m && m->total_size == KEEL_TOTAL_SIZE_MAX, "8 GiB in total");
	manifest_free(m);
	free(json);
	json = many_files(5, "2147483648");
	refuse(MANIFEST_SIGNED, json, "the files total 10737418240 bytes; "
	       "a pack may hold at most 8589934592", "total size over limit");
	free(json);
}

/* A string of n times c, as JSON text. */
static char *json_string(size_t n, char c)
{
	char *s = malloc(n + 3);

	s[0] = '"';
	memset(s + 1, c, n);
	s[n + 1] = '"';
	s[n + 2] = '\0';
	return s;
}

static void check_size(const char *key, size_t max, char c,
		       const char *fragment)
{
	char *at = json_string(max, c), *over = json_string(max + 1, c);
	char *json_at = mutate(signed_base, key, at, NULL, NULL);
	char *json_over = mutate(signed_base, key, over, NULL, NULL);
	struct keel_manifest *m;
	char what[100];

	snprintf(what, sizeof what, "%s of %zu bytes", key, max);
	m = parse_ok(json_at, MANIFEST_SIGNED, what);
	manifest_free(m);
	snprintf(what, sizeof what, "%s of %zu bytes", key, max + 1);
	refuse(MANIFEST_SIGNED, json_over, fragment, what);
	free(at);
	free(over);
	free(json_at);
	free(json_over);
}

static void test_string_sizes(void)
{
	check_size("name", 64, 'k', "name is 65 bytes long; at most 64");
	check_size("description", KEEL_STRING_MAX, 'd',
		   "description is 257 bytes long; at most 256");
	check_size("boot.options", KEEL_OPTIONS_MAX, 'o',
		   "boot.options is 1025 bytes long; at most 1024");
	check_size("requires.arch", KEEL_STRING_MAX, 'a',
		   "requires.arch is 257 bytes long");
	check_size("files[1].path", KEEL_PATH_MAX, 'p',
		   "files[1].path is 256 bytes long; at most 255");
}

/* MANIFEST.json may be KEEL_MANIFEST_MAX bytes; whitespace counts. */
static void test_manifest_size(void)
{
	size_t base = strlen(signed_base);
	char *buf = malloc(KEEL_MANIFEST_MAX + 2);
	struct keel_manifest *m;
	struct keel_error err = { 0 };
	int rc;

	memcpy(buf, signed_base, base);
	memset(buf + base, ' ', KEEL_MANIFEST_MAX + 1 - base);
	buf[KEEL_MANIFEST_MAX + 1] = '\0';
	m = parse(buf, KEEL_MANIFEST_MAX, MANIFEST_SIGNED, &rc, &err);
	is_int(rc, KEEL_OK, "a manifest of exactly %u bytes", KEEL_MANIFEST_MAX);
	manifest_free(m);
	refuse(MANIFEST_SIGNED, buf, "the manifest is 1048577 bytes; at most "
	       "1048576", "a manifest one byte over the limit");
	free(buf);
}

int main(void)
{
	diag("manifest parsing, limits and canonical serialization");
	test_signed_fields();
	test_role_names();
	test_optional_absent();
	test_template();
	test_shipped_template();
	test_canonical_minimal();
	test_round_trip();
	test_template_to_signed();
	test_escapes();
	test_limits();
	test_string_sizes();
	test_manifest_size();
	return done_testing();
}
