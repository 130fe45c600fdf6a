/* manifest_write.c: a manifest as the canonical bytes keel-pack signs, and
 * as a json-c object for `keel info --json`. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "i18n.h"
#include "manifest.h"

/*
 * The canonical form is written here rather than by json-c's printer: the
 * signed bytes must not change when another json-c release changes its
 * layout (0.16 writes an empty array as "[\n  ]", for one). The form:
 *   - keys in the order of keel-ksp(5); optional keys left out when unset,
 *     except "supersedes", always written (as [] when empty), and
 *     "requires.cpu", left out when empty;
 *   - one member or element per line, indented by two spaces per level,
 *     `"key": value`, empty arrays as [], and a newline after the final };
 *   - integers in decimal; mode as "0" and three octal digits; sha256 as
 *     64 lowercase hex digits;
 *   - strings escape only '"', '\' and characters below 0x20 (\b \f \n \r
 *     \t, else \u00xx); everything else, UTF-8 included, is written as is.
 */

#define EMIT_DEPTH 8

struct emit {
	FILE *f;
	int depth;
	int empty[EMIT_DEPTH];   /* nothing written yet at this level */
};

static void put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	static const char short_esc[] = "btn\0fr";   /* for 0x08 .. 0x0d */

	fputc('"', f);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p >= 0x08 && *p <= 0x0d && short_esc[*p - 0x08])
			fprintf(f, "\\%c", short_esc[*p - 0x08]);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static void indent(struct emit *e)
{
	fprintf(e->f, "%*s", 2 * e->depth, "");
}

/* Starts the next member (key != NULL) or array element. */
static void next(struct emit *e, const char *key)
{
	fputs(e->empty[e->depth] ? "\n" : ",\n", e->f);
	e->empty[e->depth] = 0;
	indent(e);
	if (key)
		fprintf(e->f, "\"%s\": ", key);
}

static void open_level(struct emit *e, char bracket)
{
	fputc(bracket, e->f);
	e->depth++;
	e->empty[e->depth] = 1;
}

static void close_level(struct emit *e, char bracket)
{
	int was_empty = e->empty[e->depth];

	e->depth--;
	if (!was_empty) {
		fputc('\n', e->f);
		indent(e);
	}
	fputc(bracket, e->f);
}

static void member_string(struct emit *e, const char *key, const char *v)
{
	if (!v)
		return;
	next(e, key);
	put_string(e->f, v);
}

static void member_uint(struct emit *e, const char *key, uint64_t v)
{
	next(e, key);
	fprintf(e->f, "%" PRIu64, v);
}

static void member_list(struct emit *e, const char *key, char **items,
			size_t n)
{
	size_t i;

	next(e, key);
	open_level(e, '[');
	for (i = 0; i < n; i++) {
		next(e, NULL);
		put_string(e->f, items[i]);
	}
	close_level(e, ']');
}

static void emit_file(struct emit *e, const struct keel_file *f)
{
	char hex[KEEL_SHA256_HEX];
	char mode[8];

	digest_to_hex(f->sha256, hex);
	snprintf(mode, sizeof mode, "0%03o", f->mode & 0777);
	next(e, NULL);
	open_level(e, '{');
	member_string(e, "path", f->path);
	member_uint(e, "size", f->size);
	member_string(e, "mode", mode);
	member_string(e, "sha256", hex);
	member_string(e, "role", manifest_role_name(f->role));
	close_level(e, '}');
}

static void emit_manifest(struct emit *e, const struct keel_manifest *m)
{
	size_t i;

	open_level(e, '{');
	member_uint(e, "format", (uint64_t)m->format);
	member_string(e, "name", m->name);
	member_string(e, "version", m->version);
	member_uint(e, "level", m->level);
	member_string(e, "build_time", m->build_time);
	member_string(e, "description", m->description);
	member_list(e, "supersedes", m->supersedes, m->n_supersedes);
	next(e, "requires");
	open_level(e, '{');
	member_string(e, "arch", m->arch);
	if (m->n_cpu)
		member_list(e, "cpu", m->cpu, m->n_cpu);
	member_string(e, "min_keel", m->min_keel);
	close_level(e, '}');
	if (m->boot_hypervisor) {
		next(e, "boot");
		open_level(e, '{');
		member_string(e, "hypervisor", m->boot_hypervisor);
		member_string(e, "options", m->boot_options);
		close_level(e, '}');
	}
	next(e, "files");
	open_level(e, '[');
	for (i = 0; i < m->n_files; i++)
		emit_file(e, &m->files[i]);
	close_level(e, ']');
	close_level(e, '}');
	fputc('\n', e->f);
}

/* The keys a signed manifest cannot do without. */
static const char *missing_key(const struct keel_manifest *m)
{
	if (!m->name)
		return "name";
	if (!m->version)
		return "version";
	if (!m->build_time)
		return "build_time";
	if (!m->arch)
		return "requires.arch";
	return NULL;
}

int manifest_serialize(const struct keel_manifest *m, char **out,
		       size_t *len, struct keel_error *err)
{
	struct emit e = { 0 };
	const char *missing = missing_key(m);
	int failed;

	*out = NULL;
	*len = 0;
	if (missing)
		return keel_error_set(err, KEEL_EFAIL,
			_("cannot write the manifest: %s is not set; this is a "
			  "bug in keel"), missing);
	e.f = open_memstream(out, len);
	if (!e.f)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	emit_manifest(&e, m);
	failed = ferror(e.f);
	if (fclose(e.f) != 0 || failed) {
		free(*out);
		*out = NULL;
		*len = 0;
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	return KEEL_OK;
}

static void add_string(struct json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static struct json_object *list_json(char **items, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
}

static struct json_object *file_json(const struct keel_file *f)
{
	struct json_object *o = json_object_new_object();
	char hex[KEEL_SHA256_HEX];
	char mode[8];

	digest_to_hex(f->sha256, hex);
	snprintf(mode, sizeof mode, "0%03o", f->mode & 0777);
	add_string(o, "path", f->path);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)f->size));
	add_string(o, "mode", mode);
	add_string(o, "sha256", hex);
	add_string(o, "role", manifest_role_name(f->role));
	return o;
}

static struct json_object *requires_json(const struct keel_manifest *m)
{
	struct json_object *o = json_object_new_object();

	add_string(o, "arch", m->arch);
	if (m->n_cpu)
		json_object_object_add(o, "cpu", list_json(m->cpu, m->n_cpu));
	add_string(o, "min_keel", m->min_keel);
	return o;
}

/* The same keys and order as the canonical form. */
struct json_object *manifest_to_json(const struct keel_manifest *m)
{
	struct json_object *o = json_object_new_object();
	struct json_object *files = json_object_new_array();
	struct json_object *boot;
	size_t i;

	json_object_object_add(o, "format", json_object_new_int(m->format));
	add_string(o, "name", m->name);
	add_string(o, "version", m->version);
	json_object_object_add(o, "level", json_object_new_int64(m->level));
	add_string(o, "build_time", m->build_time);
	add_string(o, "description", m->description);
	json_object_object_add(o, "supersedes",
			       list_json(m->supersedes, m->n_supersedes));
	json_object_object_add(o, "requires", requires_json(m));
	if (m->boot_hypervisor) {
		boot = json_object_new_object();
		add_string(boot, "hypervisor", m->boot_hypervisor);
		add_string(boot, "options", m->boot_options);
		json_object_object_add(o, "boot", boot);
	}
	for (i = 0; i < m->n_files; i++)
		json_object_array_add(files, file_json(&m->files[i]));
	json_object_object_add(o, "files", files);
	return o;
}
