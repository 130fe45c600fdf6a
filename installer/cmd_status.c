/* cmd_status.c: `keel status`: which service-pack levels a target has,
 * bottom to top, and whether a transaction is waiting for recovery. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_state.h"
#include "commands.h"
#include "grub_chain.h"
#include "i18n.h"
#include "levels.h"
#include "recover.h"
#include "report.h"

enum { STATUS_LABEL_COLUMN = 14 };

static const char *usage(void)
{
	return _("Usage: keel status [--root DIR] [--json] [--no-wait]\n"
		 "Show the service-pack levels installed on the target, the "
		 "running one first.\nAn interrupted transaction is completed "
		 "or undone first.\n\n"
		 "  --root DIR   the system mounted at DIR (default /)\n"
		 "  --json       answer in JSON\n"
		 "  --no-wait    fail at once if another keel is busy\n"
		 "  --help       show this help\n");
}

static const char *str_or(const struct json_object *rec, const char *key)
{
	const char *v = journal_str(rec, key);

	return v ? v : "?";
}

static int level_int(const struct json_object *rec, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(rec, key, &v) ? json_object_get_int(v)
						       : 0;
}

static struct json_object *level_json(const struct level *l)
{
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = { "name", "version", "time", "pack",
					    "signer", "build_time", NULL };
	size_t i;

	json_object_object_add(o, "tx", json_object_new_int64((int64_t)l->tx));
	for (i = 0; keys[i]; i++)
		json_object_object_add(o, keys[i],
			json_object_new_string(str_or(l->begin, keys[i])));
	json_object_object_add(o, "level",
			       json_object_new_int(level_int(l->begin, "level")));
	return o;
}

/* Where the highest level with a GRUB entry stands (a level without a
 * hypervisor has none); -1 when no level has one. *version: its version. */
static int boot_state(const struct keel_state *s, const struct levels *l,
		      const char **version)
{
	enum grub_chain_state st;
	const struct level *lv = grub_chain_registered(&s->target, l, &st);

	*version = lv ? level_version(lv) : NULL;
	return lv ? (int)st : -1;
}

static void print_json(const struct cli_state_args *a,
		       const struct keel_state *s, const struct levels *l)
{
	static const char *const words[] = { NULL, "trial", "committed",
					     "uncommitted" };
	const char *v;
	int st = boot_state(s, l, &v);
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i = l->n;

	json_object_object_add(o, "root", json_object_new_string(a->root));
	json_object_object_add(o, "installed", json_object_new_boolean(l->n > 0));
	while (i-- > 0)
		json_object_array_add(arr, level_json(&l->v[i]));
	json_object_object_add(o, "levels", arr);
	json_object_object_add(o, "boot", st < 0 ? NULL :
			       json_object_new_string(words[st]));
	if (st >= 0) {
		char id[128];

		snprintf(id, sizeof id, "keel-%s", v);
		json_object_object_add(o, "boot_entry", json_object_new_string(id));
	}
	json_object_object_add(o, "interrupted",
			       json_object_new_boolean(recover_pending(s)));
	report_print_json(o);
}

static void print_level(const char *label, const struct level *l)
{
	report_print_label(label, STATUS_LABEL_COLUMN);
	printf(_("%s %s (service-pack level %d), transaction %lu, %s\n"),
	       level_name(l), level_version(l), level_int(l->begin, "level"),
	       l->tx, str_or(l->begin, "time"));
}

static void print_boot(const struct keel_state *s, const struct levels *l)
{
	const char *v;
	int st = boot_state(s, l, &v);

	if (st < 0)
		return;
	report_print_label(_("Boot:"), STATUS_LABEL_COLUMN);
	if (st == CHAIN_TRIAL)
		printf(_("trial pending: the next boot tries keel-%s once; "
			 "\"keel commit\" in that boot makes it the default\n"),
		       v);
	else if (st == CHAIN_COMMITTED)
		printf(_("committed: keel-%s is GRUB's default\n"), v);
	else
		printf(_("trial boot did not complete: GRUB tried keel-%s once "
			 "(next_entry is spent), but keel commit never ran in "
			 "it, so the old default boots; try again with "
			 "\"grub-reboot keel-%s\" and a reboot, or undo it "
			 "with \"keel rollback\"\n"), v, v);
}

static void print_human(const struct cli_state_args *a,
			const struct keel_state *s, const struct levels *l)
{
	size_t i;

	if (l->n == 0) {
		printf(_("keel is not installed on %s.\n"), a->root);
		return;
	}
	report_print_label(_("Target:"), STATUS_LABEL_COLUMN);
	printf("%s\n", a->root);
	print_level(_("Installed:"), &l->v[l->n - 1]);
	report_print_label(_("Signed by:"), STATUS_LABEL_COLUMN);
	printf("%s\n", str_or(l->v[l->n - 1].begin, "signer"));
	print_boot(s, l);
	for (i = l->n - 1; i-- > 0;)
		print_level(_("Below it:"), &l->v[i]);
	printf(_("\"keel rollback\" returns to the level below; \"keel "
		 "uninstall\" removes keel.\n"));
}

int cmd_status(int argc, char **argv)
{
	struct cli_state_args a;
	struct keel_error err = { 0 };
	struct keel_state s;
	struct levels l = { 0 };
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_JSON | OPT_NO_WAIT, usage(),
				  &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	rc = cli_open_state(&a, STATE_READ, &s, &err);
	if (!rc)
		rc = levels_load(&s, &l, &err);
	if (!rc && a.json)
		print_json(&a, &s, &l);
	else if (!rc)
		print_human(&a, &s, &l);
	levels_free(&l);
	state_close(&s);
	return cli_finish_json("keel", a.json, rc, &err);
}
