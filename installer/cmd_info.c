/* cmd_info.c: `keel info`: shows what a pack holds, after checking that
 * its manifest is signed by a trusted vendor (payload is not read). */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "report.h"

static const char *usage(void)
{
	return _("Usage: keel info [--root DIR] [--keyring FILE] [--json] PACK\n"
		 "Show the signed manifest of PACK: version, level, "
		 "requirements, files, signer.\nOnly the signature is checked; "
		 "\"keel verify\" also checks every file.\n\n"
		 "  --root DIR      take the trust store from DIR/etc/keel "
		 "(default /)\n"
		 "  --keyring FILE  trust only the certificates in FILE\n"
		 "  --json          answer in JSON\n"
		 "  --help          show this help\n");
}

static void print_json(const struct cli_pack_args *a,
		       const struct pack_contents *c)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "pack", json_object_new_string(a->pack));
	json_object_object_add(o, "manifest", manifest_to_json(c->manifest));
	json_object_object_add(o, "signer", report_signer_json(&c->signer));
	report_print_json(o);
}

int cmd_info(int argc, char **argv)
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
		rc = pack_read_file(a.pack, trust, PACK_READ_MANIFEST, NULL, &c,
				    &err);
	if (rc == KEEL_OK) {
		if (a.json)
			print_json(&a, &c);
		else
			report_print_pack(a.pack, &c);
	}
	pack_contents_free(&c);
	trust_free(trust);
	return cli_finish_json("keel", a.json, rc, &err);
}
