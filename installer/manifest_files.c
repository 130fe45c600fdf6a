/* manifest_files.c: parsing the manifest's "files" list: each entry's
 * path, size, mode, digest and role, then unique paths and the size total. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "json_scan.h"
#include "pack_limits.h"
#include "manifest_files.h"
#include "pack_path.h"

static const char *const file_keys[] = {
	"path", "size", "mode", "sha256", "role", "source", NULL
};

/* Indexed by enum keel_role. */
static const char *const role_names[] = {
	"hypervisor", "tool", "doc", "config", "unit", "hook", "data"
};

const char *manifest_role_name(enum keel_role role)
{
	if ((size_t)role < sizeof role_names / sizeof role_names[0])
		return role_names[role];
	return "?";
}

/* A path-like key (path, source) of a file entry. */
static int parse_path(struct mf_ctx *c, struct json_object *e,
		      const char *prefix, const char *key, int required,
		      char **out)
{
	enum pack_path_verdict v;
	char where[MF_WHERE_MAX];
	const char *area;
	char q[80];
	int rc;

	rc = mf_strdup(c, e, prefix, key, required, KEEL_PATH_MAX, out);
	if (rc || !*out)
		return rc;
	v = pack_path_check(*out);
	mf_where(where, prefix, key);
	if (v != PACK_PATH_OK)
		return mf_fail(c, _("%s \"%s\" is not a valid pack path: %s."),
			       where, mf_quote(*out, q), pack_path_reason(v));
	/* A source names a file below --from, not on the target. */
	if (strcmp(key, "path") == 0 && (area = pack_path_protected(*out)))
		return mf_fail(c, _("%s \"%s\" is in %s, which a pack may "
				    "never install into or replace."), where,
			       mf_quote(*out, q), area);
	return KEEL_OK;
}

/* "0" and three octal digits: permission bits only, since a pack must
 * not be able to install setuid, setgid or sticky files; and not writable
 * by others, or any user could change what root later runs or reads. */
static int parse_mode(struct mf_ctx *c, struct json_object *e,
		      const char *prefix, struct keel_file *f)
{
	const char *s;
	char q[80];
	int rc, i;

	rc = mf_string(c, e, prefix, "mode", 1, KEEL_STRING_MAX, &s);
	if (rc)
		return rc;
	if (strlen(s) == 4 && s[0] == '0') {
		f->mode = 0;
		for (i = 1; i < 4 && s[i] >= '0' && s[i] <= '7'; i++)
			f->mode = f->mode * 8 + (unsigned)(s[i] - '0');
		if (i == 4 && (f->mode & 0002))
			return mf_fail(c, _("%s.mode \"%s\" lets every user "
					    "write the file; a pack may not "
					    "install world-writable files."),
				       prefix, mf_quote(s, q));
		if (i == 4)
			return KEEL_OK;
	}
	return mf_fail(c, _("%s.mode \"%s\" is not a permission mode such as "
			    "\"0644\": write \"0\" and three octal digits, "
			    "without setuid, setgid or sticky bits."), prefix,
		       mf_quote(s, q));
}

static int parse_sha256(struct mf_ctx *c, struct json_object *e,
			const char *prefix, struct keel_file *f)
{
	const char *s;
	int rc;

	rc = mf_string(c, e, prefix, "sha256", 1, KEEL_STRING_MAX, &s);
	if (rc)
		return rc;
	if (digest_from_hex(s, f->sha256) != 0)
		return mf_fail(c, _("%s.sha256 is not a SHA-256 digest of 64 "
				    "lowercase hexadecimal digits."), prefix);
	return KEEL_OK;
}

static int parse_role(struct mf_ctx *c, struct json_object *e,
		      const char *prefix, struct keel_file *f)
{
	const char *s;
	char q[80];
	size_t i;
	int rc;

	rc = mf_string(c, e, prefix, "role", 1, KEEL_STRING_MAX, &s);
	if (rc)
		return rc;
	for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			f->role = (enum keel_role)i;
			return KEEL_OK;
		}
	}
	return mf_fail(c, _("%s.role \"%s\" is not a file role; use one of "
			    "hypervisor, tool, doc, config, unit, hook, data."),
		       prefix, mf_quote(s, q));
}

/* What differs between a template entry and a signed one. */
static int parse_mode_specific(struct mf_ctx *c, struct json_object *e,
			       const char *prefix, struct keel_file *f)
{
	int64_t size;
	int rc;

	if (c->mode == MANIFEST_TEMPLATE) {
		rc = mf_computed(c, e, prefix, "size");
		if (!rc)
			rc = mf_computed(c, e, prefix, "sha256");
		if (!rc)
			rc = parse_path(c, e, prefix, "source", 0, &f->source);
		return rc;
	}
	if (json_object_object_get_ex(e, "source", NULL))
		return mf_fail(c, _("%s.source is allowed only in a manifest "
				    "template."), prefix);
	rc = mf_int(c, e, prefix, "size", 0, (int64_t)KEEL_FILE_SIZE_MAX,
		    &size);
	if (!rc)
		f->size = (uint64_t)size;
	if (!rc)
		rc = parse_sha256(c, e, prefix, f);
	return rc;
}

static int parse_entry(struct mf_ctx *c, struct json_object *e, size_t i,
		       struct keel_file *f)
{
	char prefix[MF_WHERE_MAX];
	int rc;

	snprintf(prefix, sizeof prefix, "files[%zu]", i);
	if (!e || !json_object_is_type(e, json_type_object))
		return mf_fail(c, _("%s must be an object."), prefix);
	rc = mf_known_keys(c, e, file_keys, prefix);
	if (!rc)
		rc = parse_path(c, e, prefix, "path", 1, &f->path);
	if (!rc)
		rc = parse_mode_specific(c, e, prefix, f);
	if (!rc)
		rc = parse_mode(c, e, prefix, f);
	if (!rc)
		rc = parse_role(c, e, prefix, f);
	return rc;
}

/* strcmp, except that '/' sorts before every other character: then a
 * directory "a/b" is immediately followed by the paths below it. */
static int cmp_path(const void *pa, const void *pb)
{
	const unsigned char *a =
		(const unsigned char *)(*(struct keel_file *const *)pa)->path;
	const unsigned char *b =
		(const unsigned char *)(*(struct keel_file *const *)pb)->path;
	int ca, cb;

	for (; *a && *a == *b; a++, b++)
		;
	ca = *a == '/' ? 1 : *a;
	cb = *b == '/' ? 1 : *b;
	return ca - cb;
}

static int is_below(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	return strncmp(dir, path, n) == 0 && path[n] == '/';
}

/* No path twice, and no file that another path needs as a directory. */
static int check_paths(struct mf_ctx *c, const struct keel_manifest *m)
{
	struct keel_file **sorted;
	const struct keel_file *a, *b;
	char q[80];
	size_t i;
	int rc = KEEL_OK;

	sorted = malloc(m->n_files * sizeof *sorted);
	if (!sorted)
		return mf_nomem(c);
	for (i = 0; i < m->n_files; i++)
		sorted[i] = &m->files[i];
	qsort(sorted, m->n_files, sizeof *sorted, cmp_path);
	for (i = 1; i < m->n_files && rc == KEEL_OK; i++) {
		a = sorted[i - 1];
		b = sorted[i];
		if (strcmp(a->path, b->path) == 0)
			rc = mf_fail(c, _("files[%zu] and files[%zu] list the "
					  "same path \"%s\" twice."),
				     (size_t)(a - m->files),
				     (size_t)(b - m->files), a->path);
		else if (is_below(a->path, b->path))
			rc = mf_fail(c, _("files[%zu] \"%s\" is below files[%zu] "
					  "\"%s\", which is a file, not a "
					  "directory."), (size_t)(b - m->files),
				     mf_quote(b->path, q),
				     (size_t)(a - m->files), a->path);
	}
	free(sorted);
	return rc;
}

static int check_total(struct mf_ctx *c, struct keel_manifest *m)
{
	size_t i;

	m->total_size = 0;
	for (i = 0; i < m->n_files; i++)
		m->total_size += m->files[i].size;
	if (m->total_size > KEEL_TOTAL_SIZE_MAX)
		return mf_fail(c, _("the files total %llu bytes; a pack may "
				    "hold at most %llu bytes in total."),
			       (unsigned long long)m->total_size,
			       (unsigned long long)KEEL_TOTAL_SIZE_MAX);
	return KEEL_OK;
}

static int alloc_files(struct mf_ctx *c, size_t n, struct keel_manifest *m)
{
	if (n == 0)
		return mf_fail(c, _("files is empty; a pack holds at least one "
				    "file."));
	if (n > KEEL_FILES_MAX)
		return mf_fail(c, _("%s has %zu entries; at most %zu are "
				    "allowed."), "files", n,
			       (size_t)KEEL_FILES_MAX);
	m->files = calloc(n, sizeof *m->files);
	if (!m->files)
		return mf_nomem(c);
	m->n_files = n;
	return KEEL_OK;
}

static int parse_tree(struct mf_ctx *c, struct json_object *top,
		      struct keel_manifest *m)
{
	struct json_object *arr;
	size_t i;
	int rc;

	rc = mf_array(c, top, NULL, "files", 1, KEEL_FILES_MAX, &arr);
	if (!rc)
		rc = alloc_files(c, json_object_array_length(arr), m);
	for (i = 0; i < m->n_files && rc == KEEL_OK; i++)
		rc = parse_entry(c, json_object_array_get_idx(arr, i), i,
				 &m->files[i]);
	return rc;
}

/* Each entry parsed, converted and freed before the next. */
static int parse_span(struct mf_ctx *c, const char *buf,
		      struct files_span *span, struct keel_manifest *m)
{
	struct json_object *e;
	size_t i, members = 0;
	int rc = alloc_files(c, span->entries, m);

	for (i = 0; i < m->n_files && rc == KEEL_OK; i++) {
		rc = mj_next_entry(c, buf, span, &e);
		if (rc)
			break;
		members += json_count_members(e);
		rc = parse_entry(c, e, i, &m->files[i]);
		json_object_put(e);
	}
	if (!rc && members != span->members)
		rc = mf_fail(c, _("the manifest has the same key twice in one "
				  "object."));
	return rc;
}

int manifest_parse_files(struct mf_ctx *c, struct json_object *top,
			 const char *buf, struct files_span *span,
			 struct keel_manifest *m)
{
	int rc = span ? parse_span(c, buf, span, m) : parse_tree(c, top, m);

	if (!rc)
		rc = check_paths(c, m);
	if (!rc)
		rc = check_total(c, m);
	return rc;
}
