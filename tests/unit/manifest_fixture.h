/* manifest_fixture.h: what the manifest unit tests share: valid signed and
 * template manifests, changing one key of them, and checking a refusal. */
#ifndef KEEL_MANIFEST_FIXTURE_H
#define KEEL_MANIFEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"
#include "tests/tap.h"

#define SHA_ABC \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA_EMPTY \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define FILE_ENTRY(path, size, mode, sha, role) \
	"{\"path\": \"" path "\", \"size\": " size ", \"mode\": \"" mode \
	"\", \"sha256\": \"" sha "\", \"role\": \"" role "\"}"
#define ORIGIN "test.json"

/* Every key of format 1, each role, and strings that need escaping. */
static const char signed_base[] =
	"{\"format\": 1, \"name\": \"keel\", \"version\": \"1.2.0-rc.1\","
	" \"level\": 3, \"build_time\": \"2024-02-29T23:59:59Z\","
	" \"description\": \"Pack 3:\\n\\tfaster \\u00e9/\\\"q\\\"\\\\\","
	" \"supersedes\": [\"1.0.0\", \"1.1.0\"],"
	" \"requires\": {\"arch\": \"x86_64\", \"cpu\": [\"vt-x\", \"amd-v\"],"
	" \"min_keel\": \"0.1.0\"},"
	" \"boot\": {\"hypervisor\": \"boot/keel/keel-hv-1.2.0\","
	" \"options\": \"serial=0x3f8,115200 log=debug\"},"
	" \"files\": ["
	FILE_ENTRY("boot/keel/keel-hv-1.2.0", "123456", "0644", SHA_ABC,
		   "hypervisor") ", "
	FILE_ENTRY("usr/sbin/keel-agent", "0", "0755", SHA_EMPTY, "tool") ", "
	FILE_ENTRY("usr/share/doc/keel/README.md", "3", "0444", SHA_ABC,
		   "doc") ", "
	FILE_ENTRY("etc/keel/keel.conf", "10", "0600", SHA_ABC, "config") ", "
	FILE_ENTRY("lib/systemd/system/keel.service", "11", "0640", SHA_ABC,
		   "unit") ", "
	FILE_ENTRY("etc/kernel/postinst.d/zz-keel", "12", "0700", SHA_ABC,
		   "hook") ", "
	FILE_ENTRY("usr/share/keel/a.b", "2147483648", "0000", SHA_ABC,
		   "data") "]}";

static const char template_base[] =
	"{\"format\": 1, \"name\": \"keel\", \"version\": \"1.0.0\","
	" \"level\": 1, \"supersedes\": [], \"requires\": {\"arch\": \"x86_64\"},"
	" \"boot\": {\"hypervisor\": \"boot/keel/hv\"},"
	" \"files\": [{\"path\": \"usr/share/doc/keel/README.md\","
	" \"source\": \"README.md\", \"mode\": \"0644\", \"role\": \"doc\"},"
	" {\"path\": \"boot/keel/hv\", \"mode\": \"0644\","
	" \"role\": \"hypervisor\"}]}";

static struct keel_manifest *parse(const char *json, size_t len,
				   enum manifest_mode mode, int *rc,
				   struct keel_error *err)
{
	struct keel_manifest *m = NULL;

	*rc = manifest_parse(json, len, mode, ORIGIN, &m, err);
	return m;
}

static struct keel_manifest *parse_ok(const char *json,
				      enum manifest_mode mode, const char *what)
{
	struct keel_error err = { 0 };
	struct keel_manifest *m;
	int rc;

	m = parse(json, strlen(json), mode, &rc, &err);
	if (!is_int(rc, KEEL_OK, "%s parses", what))
		diag("%s", err.msg);
	return m;
}

static void refuse_len(enum manifest_mode mode, const char *json, size_t len,
		       const char *fragment, const char *what)
{
	struct keel_error err = { 0 };
	struct keel_manifest *m;
	int rc;

	m = parse(json, len, mode, &rc, &err);
	is_int(rc, KEEL_EPACK, "%s: refused with KEEL_EPACK", what);
	ok(m == NULL && strncmp(err.msg, ORIGIN ": ", 11) == 0 &&
	   strstr(err.msg, fragment) != NULL,
	   "%s: message has \"%s\": %s", what, fragment, err.msg);
	manifest_free(m);
}

static void refuse(enum manifest_mode mode, const char *json,
		   const char *fragment, const char *what)
{
	refuse_len(mode, json, strlen(json), fragment, what);
}

/* --- changing one key of a valid manifest -------------------------------- */

/* Sets (value = JSON text) or deletes (value = NULL) the element at key,
 * "name" or "name[index]", of cur. */
static void set_last(struct json_object *cur, const char *key, long idx,
		     const char *value)
{
	struct json_object *v = value ? json_tokener_parse(value) : NULL;
	struct json_object *arr;

	if (idx < 0 && value)
		json_object_object_add(cur, key, v);
	else if (idx < 0)
		json_object_object_del(cur, key);
	arr = idx >= 0 ? json_object_object_get(cur, key) : NULL;
	if (arr && value)
		json_object_array_put_idx(arr, (size_t)idx, v);
	else if (arr)
		json_object_array_del_idx(arr, (size_t)idx, 1);
}

/* Applies value at a path such as "files[2].mode" or "requires.cpu[0]". */
static void apply(struct json_object *root, const char *path,
		  const char *value)
{
	struct json_object *cur = root;
	char buf[128], *save = NULL, *tok, *next, *br;
	long idx;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok; tok = next) {
		next = strtok_r(NULL, ".", &save);
		br = strchr(tok, '[');
		idx = br ? strtol(br + 1, NULL, 10) : -1;
		if (br)
			*br = '\0';
		if (!next) {
			set_last(cur, tok, idx, value);
			return;
		}
		cur = json_object_object_get(cur, tok);
		if (idx >= 0)
			cur = json_object_array_get_idx(cur, (size_t)idx);
	}
}

/* base with up to two changes (path, value, path, value, NULL). */
static char *mutate(const char *base, const char *p1, const char *v1,
		    const char *p2, const char *v2)
{
	struct json_object *root = json_tokener_parse(base);
	char *text;

	if (p1)
		apply(root, p1, v1);
	if (p2)
		apply(root, p2, v2);
	text = strdup(json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return text;
}

#endif
