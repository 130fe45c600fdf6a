/* report.c: human and JSON presentation of a pack's manifest and signer,
 * shared by `keel info` and `keel verify`. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "i18n.h"
#include "report.h"

/* Values start in this column, after the longest label and a space. */
enum { PACK_LABEL_COLUMN = 16 };

struct json_object *report_signer_json(const struct keel_signer *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "subject", json_object_new_string(s->subject));
	json_object_object_add(o, "issuer", json_object_new_string(s->issuer));
	json_object_object_add(o, "serial", json_object_new_string(s->serial));
	json_object_object_add(o, "not_after",
			       json_object_new_string(s->not_after));
	return o;
}

void report_print_json(struct json_object *obj)
{
	puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/* Labels are translated and may hold multi-byte UTF-8 letters, so pad by
 * characters, not bytes, to keep the values of every line in one column. */
void report_print_label(const char *label, size_t column)
{
	size_t width = 0;
	const char *p;

	for (p = label; *p; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			width++;
	fputs(label, stdout);
	do
		putchar(' ');
	while (++width < column);
}

static void field(const char *label, const char *value)
{
	if (!value)
		return;
	report_print_label(label, PACK_LABEL_COLUMN);
	printf("%s\n", value);
}

static void print_list(const char *label, char **items, size_t n,
		       const char *separator)
{
	size_t i;

	if (n == 0)
		return;
	report_print_label(label, PACK_LABEL_COLUMN);
	for (i = 0; i < n; i++)
		printf("%s%s", i ? separator : "", items[i]);
	printf("\n");
}

static void print_files(const struct keel_manifest *m)
{
	char hex[KEEL_SHA256_HEX];
	size_t i;

	printf(_("Files (%zu, %" PRIu64 " bytes):\n"), m->n_files,
	       m->total_size);
	for (i = 0; i < m->n_files; i++) {
		const struct keel_file *f = &m->files[i];

		digest_to_hex(f->sha256, hex);
		printf("  %04o  %-10s %12" PRIu64 "  %s\n", f->mode,
		       manifest_role_name(f->role), f->size, f->path);
		printf("        sha256 %s\n", hex);
	}
}

void report_print_pack(const char *pack, const struct pack_contents *c)
{
	const struct keel_manifest *m = c->manifest;
	char level[32];

	snprintf(level, sizeof level, "%u", m->level);
	field(_("Pack:"), pack);
	field(_("Name:"), m->name);
	field(_("Version:"), m->version);
	field(_("Level:"), level);
	field(_("Built:"), m->build_time);
	field(_("Description:"), m->description);
	print_list(_("Supersedes:"), m->supersedes, m->n_supersedes, ", ");
	field(_("Architecture:"), m->arch);
	print_list(_("CPU (any of):"), m->cpu, m->n_cpu, ", ");
	field(_("Needs keel:"), m->min_keel);
	field(_("Hypervisor:"), m->boot_hypervisor);
	field(_("Options:"), m->boot_options);
	field(_("Signed by:"), c->signer.subject);
	field(_("Issued by:"), c->signer.issuer);
	field(_("Valid until:"), c->signer.not_after);
	print_files(m);
}
