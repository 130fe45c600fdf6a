/* cmd_commit.c: `keel commit`: in a boot that keel-hv started from the
 * installed level's entry, make that entry GRUB's default, as a transaction. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "boot_files.h"
#include "cli.h"
#include "cli_state.h"
#include "commands.h"
#include "grub_chain.h"
#include "hv_gate.h"
#include "i18n.h"
#include "levels.h"
#include "report.h"
#include "txn_run.h"

struct commit_run {
	struct cli_state_args a;
	struct keel_state s;
	struct levels levels;
	const struct level *level;           /* the one with a GRUB entry */
	char booted[KEEL_HC_ENTRY_MAX + 1];  /* the entry keel-hv says */
	char id[128];                        /* keel-VERSION of the top level */
	struct grub_chain chain;
	struct boot_files boot;
	struct plan plan;
};

static const char *usage(void)
{
	return _("Usage: keel commit [--root DIR] [--json] [--no-wait]\n"
		 "In the trial boot of the installed level, check that keel-hv "
		 "runs and was\nstarted by that level's GRUB entry, then make "
		 "the entry GRUB's default; the\nold default becomes GRUB's "
		 "fallback. keel-commit.service runs it at boot.\n\n"
		 "  --root DIR   the system mounted at DIR (default /); keel-hv "
		 "must be running\n               here, below this system\n"
		 "  --json       answer in JSON\n"
		 "  --no-wait    fail at once if another keel is busy\n"
		 "  --help       show this help\n");
}

/* The entry keel-hv was started from: this boot is the proof. */
static int ask_hypervisor(struct commit_run *r, struct keel_error *err)
{
	struct hv_gate g;
	struct hv_version v;
	int rc = hv_gate_detect(&g, err);

	if (!rc)
		rc = hv_gate_open(&g, err);
	if (!rc)
		rc = hv_gate_version(&g, &v, err);
	if (!rc && !(v.features & KEEL_HC_F_ENTRY))
		rc = keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the running keel-hv cannot say which boot entry "
			  "started it (hypercall ABI %u.%u); it is older than "
			  "this keel, and keel commits only a level that "
			  "booted"), v.abi >> 16, v.abi & 0xffffu);
	if (!rc)
		rc = hv_gate_entry(&g, r->booted, err);
	if (rc == KEEL_ENOHV)
		keel_error_prefix(err, _("nothing to commit"));
	return rc;
}

/* The highest level with a GRUB entry: levels above it without a
 * hypervisor (tools, documentation) have none. */
static int check_level(struct commit_run *r, struct keel_error *err)
{
	enum grub_chain_state st;

	if (r->levels.n == 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("keel is not installed on %s; nothing to commit"),
			r->a.root);
	r->level = grub_chain_registered(&r->s.target, &r->levels, &st);
	if (!r->level)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("no installed level has a GRUB entry in %s/%s; "
			  "nothing to commit"), r->a.root, GRUB_CUSTOM_CFG);
	snprintf(r->id, sizeof r->id, "keel-%s", level_version(r->level));
	if (strcmp(r->booted, r->id) == 0)
		return KEEL_OK;
	if (!r->booted[0])
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("keel-hv runs, but was not started by an entry keel "
			  "wrote (no entry= on its command line); keel commits "
			  "only the boot of %s"), r->id);
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("this boot was started by the entry %s, not by %s, the "
		  "installed level: its trial boot did not come up (see "
		  "\"keel status\"); reboot to try it again, or undo it with "
		  "\"keel rollback\""), r->booted, r->id);
}

static struct json_object *begin_meta(const struct commit_run *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name",
			       json_object_new_string(level_name(r->level)));
	json_object_object_add(o, "version",
			       json_object_new_string(level_version(r->level)));
	json_object_object_add(o, "entry", json_object_new_string(r->id));
	level_add_origin(r->level, o);
	return o;
}

static int write_chain(struct commit_run *r, struct keel_error *err)
{
	int rc;

	boot_files_from_chain(&r->boot, &r->chain);
	memset(&r->plan, 0, sizeof r->plan);
	r->plan.tx = state_next_tx(&r->s);
	r->plan.op = strdup("commit");
	if (!r->plan.op)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = boot_files_plan(&r->s, &r->plan, &r->boot, err);
	if (!rc)
		rc = txn_run(&r->s, &r->plan, begin_meta(r), boot_files_stage_all,
			     &r->boot, err);
	return rc;
}

static void print_result(const struct commit_run *r)
{
	if (r->a.json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "root", json_object_new_string(r->a.root));
		json_object_object_add(o, "entry", json_object_new_string(r->id));
		json_object_object_add(o, "changed",
				       json_object_new_boolean(!r->chain.unchanged));
		if (!r->chain.unchanged)
			json_object_object_add(o, "tx",
				json_object_new_int64((int64_t)r->plan.tx));
		report_print_json(o);
	} else if (r->chain.unchanged) {
		printf(_("%s is already GRUB's default on %s; nothing was "
			 "changed.\n"), r->id, r->a.root);
	} else if (r->chain.chained) {
		printf(_("%s is now GRUB's default on %s (transaction %lu); the "
			 "fallback is \"%s\".\n"), r->id, r->a.root, r->plan.tx,
		       r->chain.chained);
	} else {
		printf(_("%s is now GRUB's default on %s (transaction %lu).\n"),
		       r->id, r->a.root, r->plan.tx);
	}
}

static int run(struct commit_run *r, struct keel_error *err)
{
	int rc = ask_hypervisor(r, err);

	if (!rc)
		rc = cli_open_state_to_change(&r->a, &r->s, err);
	if (!rc)
		rc = levels_load(&r->s, &r->levels, err);
	if (!rc)
		rc = check_level(r, err);
	if (!rc)
		rc = grub_chain_commit(&r->s.target, level_version(r->level),
				       &r->chain, err);
	if (!rc && !r->chain.unchanged)
		rc = write_chain(r, err);
	if (!rc)
		print_result(r);
	return rc;
}

int cmd_commit(int argc, char **argv)
{
	struct commit_run r = { 0 };
	struct keel_error err = { 0 };
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_JSON | OPT_NO_WAIT, usage(),
				  &r.a, &err);
	if (rc || r.a.help)
		return cli_finish("keel", rc, &err);
	umask(022);
	state_init(&r.s);
	rc = run(&r, &err);
	plan_free(&r.plan);
	grub_chain_free(&r.chain);
	levels_free(&r.levels);
	state_close(&r.s);
	return cli_finish_json("keel", r.a.json, rc, &err);
}
