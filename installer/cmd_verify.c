/* cmd_verify.c: `keel verify`: proves a pack is exactly what a trusted
 * vendor signed, reading all of it and writing nothing. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "report.h"

static void print_result(const struct cli_pack_args *a,
			 const struct pack_contents *c)
{
	const struct keel_manifest *m = c->manifest;
	struct json_object *o;

	if (!a->json) {
		printf(_("%s: verified: %s %s (service-pack level %u), "
			 "%zu files, %" PRIu64 " bytes\n"), a->pack, m->name,
		       m->version, m->level, m->n_files, m->total_size);
		printf(_("signed by %s\n"), c->signer.subject);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "pack", json_object_new_string(a->pack));
	json_object_object_add(o, "verified", json_object_new_boolean(1));
	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "version", json_object_new_string(m->version));
	json_object_object_add(o, "level", json_object_new_int((int)m->level));
	json_object_object_add(o, "files",
			       json_object_new_int64((int64_t)m->n_files));
	json_object_object_add(o, "bytes",
			       json_object_new_int64((int64_t)m->total_size));
	json_object_object_add(o, "signer", report_signer_json(&c->signer));
	report_print_json(o);
}

/* With --json a refusal is a JSON answer too, so scripts need not parse
 * stderr; the message still goes to stderr for people. */
static void print_refusal(const struct cli_pack_args *a,
			  const struct keel_error *err)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pack", json_object_new_string(a->pack));
	json_object_object_add(o, "verified", json_object_new_boolean(0));
	json_object_object_add(o, "exit_code", json_object_new_int(err->code));
	json_object_object_add(o, "error", json_object_new_string(err->msg));
	report_print_json(o);
}

static const char *usage(void)
{
	return _("Usage: keel verify [--root DIR] [--keyring FILE] [--json] PACK\n"
		 "Check that PACK is signed by a trusted vendor and that every "
		 "file in it is\nintact. Reads the whole pack; changes nothing.\n\n"
		 "  --root DIR      take the trust store from DIR/etc/keel "
		 "(default /)\n"
		 "  --keyring FILE  trust only the certificates in FILE\n"
		 "  --json          answer in JSON\n"
		 "  --help          show this help\n");
}

int cmd_verify(int argc, char **argv)
{
	struct cli_pack_args a;
	struct keel_error err = { 0 };
	struct keel_trust *trust = NULL;
	struct pack_contents c = { 0 };
	int rc;

	rc = cli_parse_pack_args(argc, argv, usage(), &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	rc = trust_load(a.root, a.keyring, &trust, &err);
	if (rc == KEEL_OK)
		rc = pack_read_file(a.pack, trust, PACK_READ_ALL, NULL, &c, &err);
	if (rc == KEEL_OK)
		print_result(&a, &c);
	else if (a.json)
		print_refusal(&a, &err);
	pack_contents_free(&c);
	trust_free(trust);
	return cli_finish("keel", rc, &err);
}
