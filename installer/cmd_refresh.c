/* cmd_refresh.c: `keel refresh`: keel's GRUB entries follow the kernel
 * GRUB boots now; run by the kernel hooks after update-grub. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot_files.h"
#include "cli.h"
#include "cli_state.h"
#include "commands.h"
#include "grub_chain.h"
#include "i18n.h"
#include "levels.h"
#include "report.h"
#include "txn_run.h"

static const char *usage(void)
{
	return _("Usage: keel refresh [--root DIR] [--dry-run] [--json] "
		 "[--no-wait]\nPoint keel's GRUB entries at the kernel, command "
		 "line and initrd of the entry\nGRUB boots by default without "
		 "keel, after a kernel was installed or removed.\nThe kernel "
		 "hooks in /etc/kernel/postinst.d and postrm.d run it\nafter "
		 "update-grub.\n\n"
		 "  --root DIR   the system mounted at DIR (default /)\n"
		 "  --dry-run    say whether the entries would change; change "
		 "nothing\n"
		 "  --json       answer in JSON\n"
		 "  --no-wait    fail at once if another keel is busy\n"
		 "  --help       show this help\n");
}

static struct json_object *begin_meta(const struct levels *l)
{
	const struct level *top = &l->v[l->n - 1];
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(level_name(top)));
	json_object_object_add(o, "version",
			       json_object_new_string(level_version(top)));
	level_add_origin(top, o);
	return o;
}

static int write_chain(struct keel_state *s, const struct levels *l,
		       const struct grub_chain *c, struct plan *p,
		       struct keel_error *err)
{
	struct boot_files b = { .n = 1 };
	int rc;

	b.f[0] = (struct boot_file){ GRUB_CUSTOM_CFG, c->custom_cfg,
				     strlen(c->custom_cfg), 0 };
	p->tx = state_next_tx(s);
	p->op = strdup("refresh");
	if (!p->op)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = boot_files_plan(s, p, &b, err);
	if (!rc)
		rc = txn_run(s, p, begin_meta(l), boot_files_stage_all, &b, err);
	return rc;
}

static void print_result(const struct cli_state_args *a,
			 const struct grub_chain *c, const struct plan *p,
			 int installed)
{
	int changed = installed && !c->unchanged && !a->dry_run;

	installed = installed && c->chained;  /* and it has GRUB entries */

	if (a->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "root", json_object_new_string(a->root));
		json_object_object_add(o, "changed",
				       json_object_new_boolean(changed));
		if (installed)
			json_object_object_add(o, "chains",
				json_object_new_string(c->chained));
		if (changed)
			json_object_object_add(o, "tx",
				json_object_new_int64((int64_t)p->tx));
		report_print_json(o);
	} else if (!installed) {
		printf(_("keel has no GRUB entries on %s; nothing to "
			 "refresh.\n"), a->root);
	} else if (c->unchanged) {
		printf(_("keel's GRUB entries on %s already chain \"%s\"; "
			 "nothing was changed.\n"), a->root, c->chained);
	} else if (a->dry_run) {
		printf(_("keel's GRUB entries on %s would chain \"%s\". Dry run: "
			 "nothing was changed.\n"), a->root, c->chained);
	} else {
		printf(_("keel's GRUB entries on %s now chain \"%s\" "
			 "(transaction %lu).\n"), a->root, c->chained, p->tx);
	}
}

static int run(const struct cli_state_args *a, struct keel_state *s,
	       struct keel_error *err)
{
	struct levels l = { 0 };
	struct grub_chain c = { 0 };
	struct plan p = { 0 };
	struct stat st;
	int rc = levels_load(s, &l, err);

	/* Levels without a hypervisor wrote no custom.cfg: nothing to do. */
	if (!rc && l.n && target_lstat(&s->target, GRUB_CUSTOM_CFG, &st) == 0)
		rc = grub_chain_refresh(&s->target, &c, err);
	else
		c.unchanged = 1;
	if (!rc && l.n && !c.unchanged && !a->dry_run)
		rc = write_chain(s, &l, &c, &p, err);
	if (!rc)
		print_result(a, &c, &p, l.n > 0);
	if (!rc && l.n && !c.unchanged && !a->dry_run)
		rc = KEEL_REBOOT;
	plan_free(&p);
	grub_chain_free(&c);
	levels_free(&l);
	return rc;
}

int cmd_refresh(int argc, char **argv)
{
	struct cli_state_args a;
	struct keel_error err = { 0 };
	struct keel_state s;
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_JSON | OPT_DRY_RUN |
				  OPT_NO_WAIT, usage(), &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	umask(022);
	state_init(&s);
	rc = cli_open_state_to_change(&a, &s, &err);
	if (!rc)
		rc = run(&a, &s, &err);
	state_close(&s);
	return cli_finish_json("keel", a.json, rc, &err);
}
