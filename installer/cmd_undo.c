/* cmd_undo.c: `keel rollback` (back to the level below) and `keel
 * uninstall` (back to before keel), each one crash-safe transaction. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_state.h"
#include "grub_files.h"
#include "commands.h"
#include "i18n.h"
#include "levels.h"
#include "plan_print.h"
#include "report.h"
#include "txn_preflight.h"
#include "txn_run.h"
#include "undo_boot.h"
#include "undo_plan.h"

struct undo_cmd {
	const char *name;     /* "rollback" or "uninstall" */
	int (*build)(struct keel_state *, const struct levels *, unsigned long,
		     struct plan *, struct keel_error *);
};

static const char *usage(const char *name)
{
	if (strcmp(name, "rollback") == 0)
		return _("Usage: keel rollback [OPTION]...\n"
			 "Return the target to the service-pack level below "
			 "the installed one, byte for\nbyte: files the level "
			 "added are removed, files it replaced are restored.\n\n"
			 "  --root DIR   the system mounted at DIR (default /)\n"
			 "  --dry-run    show what would change; change nothing\n"
			 "  --yes        do not ask for confirmation\n"
			 "  --no-wait    fail at once if another keel is busy\n"
			 "  --json       answer in JSON\n"
			 "  --help       show this help\n");
	return _("Usage: keel uninstall [OPTION]...\n"
		 "Remove every keel level from the target and restore what "
		 "keel replaced: the\ntarget as it was before keel was first "
		 "applied. The journal keeps the record.\n\n"
		 "  --root DIR   the system mounted at DIR (default /)\n"
		 "  --dry-run    show what would change; change nothing\n"
		 "  --yes        do not ask for confirmation\n"
		 "  --no-wait    fail at once if another keel is busy\n"
		 "  --json       answer in JSON\n"
		 "  --help       show this help\n");
}

static struct json_object *meta(const struct undo_cmd *c,
				const struct levels *l)
{
	struct json_object *o = json_object_new_object();
	struct json_object *undoes = json_object_new_array();
	const struct level *top = &l->v[l->n - 1];
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(level_name(top)));
	json_object_object_add(o, "version",
			       json_object_new_string(level_version(top)));
	if (strcmp(c->name, "rollback") == 0) {
		json_object_array_add(undoes, json_object_new_int64((int64_t)top->tx));
		if (l->n > 1)
			json_object_object_add(o, "to", json_object_new_string(
				level_version(&l->v[l->n - 2])));
	} else {
		for (i = 0; i < l->n; i++)
			json_object_array_add(undoes,
				json_object_new_int64((int64_t)l->v[i].tx));
	}
	json_object_object_add(o, "undoes", undoes);
	level_add_origin(top, o);
	return o;
}

/* The copies of files the administrator changed after keel: PATH.keel-old
 * each, so nothing they made is lost without a word. */
static struct json_object *kept_json(const struct plan *p)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].action == PLAN_PRESERVE)
			json_object_array_add(a,
				json_object_new_string(p->e[i].path));
	return a;
}

static void print_kept(const struct plan *p)
{
	size_t i, n = plan_count(p, PLAN_PRESERVE);

	if (n == 0)
		return;
	printf(_("%zu files were changed since keel installed them; keel took "
		 "back its own version and kept a copy of yours:\n"), n);
	for (i = 0; i < p->n; i++)
		if (p->e[i].action == PLAN_PRESERVE)
			printf("  %s\n", p->e[i].path);
}

static void print_result(const struct undo_cmd *c,
			 const struct cli_state_args *a,
			 const struct levels *l, const struct plan *p)
{
	const struct level *top = &l->v[l->n - 1];
	size_t kept = plan_count(p, PLAN_PRESERVE);
	struct json_object *o;

	if (a->json) {
		o = json_object_new_object();
		json_object_object_add(o, "root", json_object_new_string(a->root));
		json_object_object_add(o, "op", json_object_new_string(c->name));
		json_object_object_add(o, "dry_run",
				       json_object_new_boolean(a->dry_run));
		json_object_object_add(o, "changed",
				       json_object_new_boolean(!a->dry_run));
		json_object_object_add(o, "removed_version",
				       json_object_new_string(level_version(top)));
		if (!a->dry_run)
			json_object_object_add(o, "tx",
				json_object_new_int64((int64_t)p->tx));
		json_object_object_add(o, "files",
				       json_object_new_int64((int64_t)p->n));
		json_object_object_add(o, "kept", kept_json(p));
		report_print_json(o);
		return;
	}
	if (a->dry_run) {
		printf(_("keel %s on %s would change:\n"), c->name, a->root);
		plan_print(p);
		printf(_("Dry run: nothing was changed.\n"));
	} else if (strcmp(c->name, "rollback") == 0 && l->n > 1) {
		printf(_("Rolled back %s %s on %s in transaction %lu: %s %s is "
			 "the installed level again.\n"), level_name(top),
		       level_version(top), a->root, p->tx, level_name(top),
		       level_version(&l->v[l->n - 2]));
	} else if (kept == 0) {
		printf(_("Removed keel from %s in transaction %lu: %zu files "
			 "restored or removed; the target is as before keel was "
			 "applied.\n"), a->root, p->tx, p->n);
	} else {
		printf(_("Removed keel from %s in transaction %lu: %zu files "
			 "restored or removed.\n"), a->root, p->tx, p->n - kept);
	}
	if (!a->dry_run)
		print_kept(p);
}

static int nothing_installed(const struct undo_cmd *c,
			     const struct cli_state_args *a,
			     struct keel_error *err)
{
	if (strcmp(c->name, "rollback") == 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("rollback: keel is not installed on %s: there is "
			  "nothing to roll back"), a->root);
	if (a->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "root", json_object_new_string(a->root));
		json_object_object_add(o, "op", json_object_new_string(c->name));
		json_object_object_add(o, "changed", json_object_new_boolean(0));
		report_print_json(o);
	} else
		printf(_("keel is not installed on %s; nothing to do.\n"),
		       a->root);
	return KEEL_OK;
}

static int run(const struct undo_cmd *c, const struct cli_state_args *a,
	       struct keel_state *s, struct keel_error *err)
{
	struct levels l = { 0 };
	struct plan p = { 0 };
	struct boot_files custom = { .n = 0 };
	char question[256], *merged = NULL;
	int rc = levels_load(s, &l, err);

	if (!rc && l.n == 0)
		rc = nothing_installed(c, a, err);
	else if (!rc) {
		rc = c->build(s, &l, state_next_tx(s), &p, err);
		if (!rc)
			rc = undo_boot_keep_custom(s, &p, &custom, &merged, err);
		snprintf(question, sizeof question, strcmp(c->name, "rollback") ?
			 _("Remove keel from %s?") : _("Roll %s back?"), a->root);
		if (!rc)  /* in the dry run too, and before the question */
			rc = txn_preflight(s, &p, err);
		if (!rc && !a->dry_run)
			rc = cli_confirm(a, c->name, question, err);
		if (!rc && !a->dry_run)
			rc = txn_run(s, &p, meta(c, &l), custom.n ?
				     boot_files_stage_all : NULL, &custom, err);
		if (!rc)
			print_result(c, a, &l, &p);
		/* GRUB's files went back: the boot chain changes at reboot. */
		if (!rc && !a->dry_run && (plan_find(&p, GRUB_CUSTOM_CFG) >= 0 ||
					   plan_find(&p, GRUB_ENV) >= 0))
			rc = KEEL_REBOOT;
		plan_free(&p);
		free(merged);
	}
	levels_free(&l);
	return rc;
}

static int undo_command(const struct undo_cmd *c, int argc, char **argv)
{
	struct cli_state_args a;
	struct keel_error err = { 0 };
	struct keel_state s;
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_JSON | OPT_YES | OPT_DRY_RUN |
				  OPT_NO_WAIT, usage(c->name), &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	umask(022);
	state_init(&s);
	rc = cli_open_state_to_change(&a, &s, &err);
	if (!rc)
		rc = run(c, &a, &s, &err);
	state_close(&s);
	return cli_finish_json("keel", a.json, rc, &err);
}

int cmd_rollback(int argc, char **argv)
{
	static const struct undo_cmd c = { "rollback", undo_plan_rollback };

	return undo_command(&c, argc, argv);
}

int cmd_uninstall(int argc, char **argv)
{
	static const struct undo_cmd c = { "uninstall", undo_plan_uninstall };

	return undo_command(&c, argc, argv);
}
