/* manifest.c: parsing MANIFEST.json (format 1) with full validation: the
 * top level, requires and boot; the files list is in manifest_files.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "pack_limits.h"
#include "manifest.h"
#include "manifest_field.h"
#include "manifest_files.h"
#include "manifest_json.h"
#include "pack_path.h"

#define NAME_MAX_LEN 64

static const char *const top_keys[] = {
	"format", "name", "version", "level", "build_time", "description",
	"supersedes", "requires", "boot", "files", NULL
};
static const char *const requires_keys[] = {
	"arch", "cpu", "min_keel", NULL
};
static const char *const boot_keys[] = { "hypervisor", "options", NULL };
static const char *const cpu_features[] = { "amd-v", "vt-x", NULL };

static int is_lower_or_digit(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* An unsupported format is checked first: a newer format may well have
 * keys this keel does not know, and "update keel" is the useful answer. */
static int parse_format(struct mf_ctx *c, struct json_object *top,
			struct keel_manifest *m)
{
	int64_t n;
	int rc;

	rc = mf_int(c, top, NULL, "format", INT64_MIN, INT64_MAX, &n);
	if (rc)
		return rc;
	if (n != KEEL_MANIFEST_FORMAT)
		return mf_fail_plain(c, _("unsupported manifest format %lld; "
					  "this keel understands format %d: "
					  "update keel."), (long long)n,
				     KEEL_MANIFEST_FORMAT);
	m->format = KEEL_MANIFEST_FORMAT;
	return KEEL_OK;
}

static int parse_name(struct mf_ctx *c, struct json_object *top,
		      struct keel_manifest *m)
{
	const char *p;
	char q[80];
	int rc;

	rc = mf_strdup(c, top, NULL, "name", 1, NAME_MAX_LEN, &m->name);
	if (rc)
		return rc;
	for (p = m->name; *p; p++)
		if (!is_lower_or_digit(*p) && !(*p == '-' && p != m->name))
			break;
	if (m->name[0] == '\0' || *p != '\0')
		return mf_fail(c, _("name \"%s\" is not a valid product name: "
				    "use lowercase letters, digits and \"-\", "
				    "starting with a letter or digit."),
			       mf_quote(m->name, q));
	return KEEL_OK;
}

/* A SemVer string at key (absent allowed unless required). */
static int parse_semver(struct mf_ctx *c, struct json_object *obj,
			const char *prefix, const char *key, int required,
			char **out, struct keel_version *ver)
{
	struct keel_version tmp;
	char where[MF_WHERE_MAX];
	char q[80];
	int rc;

	rc = mf_strdup(c, obj, prefix, key, required, KEEL_STRING_MAX, out);
	if (rc || !*out)
		return rc;
	if (version_parse(*out, ver ? ver : &tmp) == 0)
		return KEEL_OK;
	mf_where(where, prefix, key);
	return mf_fail(c, _("%s \"%s\" is not a semantic version such as "
			    "1.2.3 or 1.2.3-rc.1 (build metadata \"+...\" is "
			    "not allowed)."), where, mf_quote(*out, q));
}

static int parse_level(struct mf_ctx *c, struct json_object *top,
		       struct keel_manifest *m)
{
	int64_t n;
	int rc;

	rc = mf_int(c, top, NULL, "level", 1, 999, &n);
	if (rc == KEEL_OK)
		m->level = (unsigned)n;
	return rc;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Reads n digits at s into *out; -1 if any is not a digit. */
static int digits(const char *s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ", a real date and time of day in UTC. */
static int valid_time(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
				     30, 31 };
	int y, mo, d, h, mi, se;

	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) ||
	    digits(s + 8, 2, &d) || digits(s + 11, 2, &h) ||
	    digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return 0;
	if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
		return 0;
	return d <= mdays[mo - 1] + (mo == 2 && leap(y));
}

static int parse_build_time(struct mf_ctx *c, struct json_object *top,
			    struct keel_manifest *m)
{
	char q[80];
	int rc;

	if (c->mode == MANIFEST_TEMPLATE)
		return mf_computed(c, top, NULL, "build_time");
	rc = mf_strdup(c, top, NULL, "build_time", 1, KEEL_STRING_MAX,
		       &m->build_time);
	if (rc == KEEL_OK && !valid_time(m->build_time))
		rc = mf_fail(c, _("build_time \"%s\" is not a UTC time of the "
				  "form YYYY-MM-DDTHH:MM:SSZ."),
			     mf_quote(m->build_time, q));
	return rc;
}

static int parse_description(struct mf_ctx *c, struct json_object *top,
			     struct keel_manifest *m)
{
	int rc;

	rc = mf_strdup(c, top, NULL, "description", 0, KEEL_STRING_MAX,
		       &m->description);
	if (rc || !m->description)
		return rc;
	/* Shown on terminals by keel info: lines and tabs, no escapes. */
	return mf_no_control(c, "description", m->description, "\n\t");
}

static int parse_supersedes(struct mf_ctx *c, struct json_object *top,
			    struct keel_manifest *m)
{
	struct json_object *arr;
	char where[MF_WHERE_MAX];
	size_t i, n;
	const char *s;
	char q[80];
	int rc;

	rc = mf_array(c, top, NULL, "supersedes", 0, KEEL_LIST_MAX, &arr);
	if (rc || !arr)
		return rc;
	n = json_object_array_length(arr);
	m->supersedes = calloc(n ? n : 1, sizeof *m->supersedes);
	if (!m->supersedes)
		return mf_nomem(c);
	for (i = 0; i < n; i++) {
		struct keel_version v;

		snprintf(where, sizeof where, "supersedes[%zu]", i);
		rc = mf_string_value(c, json_object_array_get_idx(arr, i),
				     where, KEEL_STRING_MAX, &s);
		if (rc)
			return rc;
		if (version_parse(s, &v))
			return mf_fail(c, _("%s \"%s\" is not a semantic "
					    "version such as 1.2.3."), where,
				       mf_quote(s, q));
		m->supersedes[i] = strdup(s);
		if (!m->supersedes[i])
			return mf_nomem(c);
		m->n_supersedes++;
	}
	return KEEL_OK;
}

static int parse_arch(struct mf_ctx *c, struct json_object *req,
		      struct keel_manifest *m)
{
	const char *p;
	char q[80];
	int rc;

	rc = mf_strdup(c, req, "requires", "arch", 1, KEEL_STRING_MAX,
		       &m->arch);
	if (rc)
		return rc;
	for (p = m->arch; *p; p++)
		if (!is_lower_or_digit(*p) && *p != '_')
			break;
	if (m->arch[0] == '\0' || *p != '\0')
		return mf_fail(c, _("requires.arch \"%s\" is not an "
				    "architecture name such as x86_64."),
			       mf_quote(m->arch, q));
	return KEEL_OK;
}

static int is_cpu_feature(const char *s)
{
	const char *const *f;

	for (f = cpu_features; *f; f++)
		if (strcmp(s, *f) == 0)
			return 1;
	return 0;
}

static int add_cpu(struct mf_ctx *c, struct keel_manifest *m,
		   const char *where, const char *s)
{
	char q[80];
	size_t i;

	if (!is_cpu_feature(s))
		return mf_fail(c, _("%s \"%s\" is not a CPU feature keel knows; "
				    "use \"amd-v\" or \"vt-x\"."), where,
			       mf_quote(s, q));
	for (i = 0; i < m->n_cpu; i++)
		if (strcmp(m->cpu[i], s) == 0)
			return mf_fail(c, _("%s names \"%s\" a second time."),
				       where, s);
	m->cpu[m->n_cpu] = strdup(s);
	if (!m->cpu[m->n_cpu])
		return mf_nomem(c);
	m->n_cpu++;
	return KEEL_OK;
}

static int parse_cpu(struct mf_ctx *c, struct json_object *req,
		     struct keel_manifest *m)
{
	struct json_object *arr;
	char where[MF_WHERE_MAX];
	const char *s;
	size_t i, n;
	int rc;

	rc = mf_array(c, req, "requires", "cpu", 0, KEEL_LIST_MAX, &arr);
	if (rc || !arr)
		return rc;
	n = json_object_array_length(arr);
	m->cpu = calloc(n ? n : 1, sizeof *m->cpu);
	if (!m->cpu)
		return mf_nomem(c);
	for (i = 0; i < n && rc == KEEL_OK; i++) {
		snprintf(where, sizeof where, "requires.cpu[%zu]", i);
		rc = mf_string_value(c, json_object_array_get_idx(arr, i),
				     where, KEEL_STRING_MAX, &s);
		if (rc == KEEL_OK)
			rc = add_cpu(c, m, where, s);
	}
	return rc;
}

static int parse_requires(struct mf_ctx *c, struct json_object *top,
			  struct keel_manifest *m)
{
	struct json_object *req;
	int rc;

	rc = mf_get(c, top, NULL, "requires", json_type_object, 1, &req);
	if (!rc)
		rc = mf_known_keys(c, req, requires_keys, "requires");
	if (!rc)
		rc = parse_arch(c, req, m);
	if (!rc)
		rc = parse_cpu(c, req, m);
	if (!rc)
		rc = parse_semver(c, req, "requires", "min_keel", 0,
				  &m->min_keel, NULL);
	return rc;
}

/* Whether a word of the options is entry=... (keel-hv takes the last). */
static int sets_entry(const char *options)
{
	const char *p = options;

	while ((p = strstr(p, "entry="))) {
		if (p == options || p[-1] == ' ' || p[-1] == '\t')
			return 1;
		p++;
	}
	return 0;
}

/* GRUB hands the options to keel-hv through its loader command line,
 * which puts a backslash before each of these (Linux undoes that;
 * keel-hv's options have no use for them), so keel-hv would not get the
 * bytes the vendor signed. Everything else is quoted by grub_quote_args. */
static int check_option_chars(struct mf_ctx *c, const char *options)
{
	const char *bad = strpbrk(options, "\"'\\");
	const char *p;
	size_t n;

	if (bad)
		return mf_fail(c, _("boot.options contains %s, which GRUB would "
				    "pass to keel-hv with a backslash added; "
				    "keel-hv's options never need one."),
			       *bad == '"' ? _("a double quote (\")")
			       : *bad == '\'' ? _("a single quote (')")
			       : _("a backslash (\\)"));
	/* A word that is just a brace would read back as a block. */
	for (p = options; *p; p += n) {
		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n == 1 && (*p == '{' || *p == '}'))
			return mf_fail(c, _("boot.options has the word \"%c\" "
					    "on its own, which keel could not "
					    "read back from GRUB's menu."), *p);
	}
	return KEEL_OK;
}

static int parse_boot(struct mf_ctx *c, struct json_object *top,
		      struct keel_manifest *m)
{
	struct json_object *boot;
	enum pack_path_verdict v;
	char q[80];
	int rc;

	rc = mf_get(c, top, NULL, "boot", json_type_object, 0, &boot);
	if (rc || !boot)
		return rc;
	rc = mf_known_keys(c, boot, boot_keys, "boot");
	if (!rc)
		rc = mf_strdup(c, boot, "boot", "hypervisor", 1, KEEL_PATH_MAX,
			       &m->boot_hypervisor);
	if (rc)
		return rc;
	v = pack_path_check(m->boot_hypervisor);
	if (v != PACK_PATH_OK)
		return mf_fail(c, _("boot.hypervisor \"%s\" is not a valid pack "
				    "path: %s."), mf_quote(m->boot_hypervisor, q),
			       pack_path_reason(v));
	rc = mf_strdup(c, boot, "boot", "options", 0, KEEL_OPTIONS_MAX,
		       &m->boot_options);
	/* The options go into a GRUB menu entry: one line, no escapes. */
	if (!rc && m->boot_options)
		rc = mf_no_control(c, "boot.options", m->boot_options, "");
	if (!rc && m->boot_options)
		rc = check_option_chars(c, m->boot_options);
	if (!rc && m->boot_options && sets_entry(m->boot_options))
		rc = mf_fail(c, _("boot.options sets entry=, which keel writes "
				  "itself so that keel commit can tell which "
				  "entry booted."));
	return rc;
}

/* The boot entry must start a file this pack installs as a hypervisor. */
static int check_boot_file(struct mf_ctx *c, const struct keel_manifest *m)
{
	char q[80];
	long i;

	if (!m->boot_hypervisor)
		return KEEL_OK;
	i = manifest_find(m, m->boot_hypervisor);
	if (i < 0)
		return mf_fail(c, _("boot.hypervisor \"%s\" is not one of the "
				    "files of the pack."),
			       mf_quote(m->boot_hypervisor, q));
	if (m->files[i].role != KEEL_ROLE_HYPERVISOR)
		return mf_fail(c, _("boot.hypervisor \"%s\" names a file of "
				    "role \"%s\"; it must name a file of role "
				    "\"hypervisor\"."),
			       mf_quote(m->boot_hypervisor, q),
			       manifest_role_name(m->files[i].role));
	return KEEL_OK;
}

static int parse_top(struct mf_ctx *c, struct json_object *top,
		     const char *buf, struct files_span *span,
		     struct keel_manifest *m)
{
	int rc;

	rc = parse_format(c, top, m);
	if (!rc)
		rc = mf_known_keys(c, top, top_keys, NULL);
	if (!rc)
		rc = parse_name(c, top, m);
	if (!rc)
		rc = parse_semver(c, top, NULL, "version", 1, &m->version,
				  &m->ver);
	if (!rc)
		rc = parse_level(c, top, m);
	if (!rc)
		rc = parse_build_time(c, top, m);
	if (!rc)
		rc = parse_description(c, top, m);
	if (!rc)
		rc = parse_supersedes(c, top, m);
	if (!rc)
		rc = parse_requires(c, top, m);
	if (!rc)
		rc = parse_boot(c, top, m);
	if (!rc)
		rc = manifest_parse_files(c, top, buf, span, m);
	if (!rc)
		rc = check_boot_file(c, m);
	return rc;
}

int manifest_parse(const char *buf, size_t len, enum manifest_mode mode,
		   const char *origin, struct keel_manifest **out,
		   struct keel_error *err)
{
	struct mf_ctx c = { origin, mode, err };
	struct json_object *top;
	struct files_span span;
	struct keel_manifest *m;
	int rc, have_span;

	*out = NULL;
	rc = mj_load(&c, buf, len, &top, &span, &have_span);
	if (rc)
		return rc;
	m = calloc(1, sizeof *m);
	if (!m)
		rc = mf_nomem(&c);
	else
		rc = parse_top(&c, top, buf, have_span ? &span : NULL, m);
	json_object_put(top);
	if (rc) {
		manifest_free(m);
		return rc;
	}
	*out = m;
	return KEEL_OK;
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void manifest_free(struct keel_manifest *m)
{
	size_t i;

	if (!m)
		return;
	free(m->name);
	free(m->version);
	free(m->build_time);
	free(m->description);
	free_list(m->supersedes, m->n_supersedes);
	free(m->arch);
	free_list(m->cpu, m->n_cpu);
	free(m->min_keel);
	free(m->boot_hypervisor);
	free(m->boot_options);
	for (i = 0; i < m->n_files; i++) {
		free(m->files[i].path);
		free(m->files[i].source);
	}
	free(m->files);
	free(m);
}

long manifest_find(const struct keel_manifest *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->n_files; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return (long)i;
	return -1;
}
