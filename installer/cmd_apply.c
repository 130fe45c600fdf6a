/* cmd_apply.c: `keel apply`: verify the pack, check it fits the target and
 * the CPU, then install it as one crash-safe transaction. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "apply_cpu.h"
#include "apply_plan.h"
#include "apply_stage.h"
#include "cli.h"
#include "cli_state.h"
#include "commands.h"
#include "boot_hooks.h"
#include "boot_running.h"
#include "boot_unit.h"
#include "grub_chain.h"
#include "i18n.h"
#include "plan_print.h"
#include "pack_reader.h"
#include "recover.h"
#include "report.h"
#include "txn_log.h"
#include "txn_preflight.h"
#include "txn_run.h"

struct apply_run {
	struct cli_state_args a;
	struct keel_state s;
	struct keel_trust *trust;
	struct pack_contents pc;
	struct levels levels;
	struct plan plan;
	struct grub_chain chain;   /* when the pack names a hypervisor */
	struct boot_files boot;
	int unit;                  /* keel-commit.service goes in too */
	enum apply_fit fit;
	size_t installs, replaces, removes;
};

static const char *usage(void)
{
	return _("Usage: keel apply [OPTION]... PACK\n"
		 "Verify the service pack PACK and install it on the target as "
		 "one transaction:\nafter a crash at any moment the target "
		 "holds the old or the new files, never a\nmixture.\n\n"
		 "  --root DIR          install into the system mounted at DIR "
		 "(default /)\n"
		 "  --keyring FILE      trust only the certificates in FILE\n"
		 "  --dry-run           show what would change; change nothing\n"
		 "  --yes               do not ask for confirmation\n"
		 "  --allow-downgrade   install a version older than the "
		 "installed one\n"
		 "  --skip-cpu-check    install even if this CPU cannot run "
		 "keel-hv\n"
		 "  --no-trial          make keel-hv the default boot entry "
		 "at once, without\n"
		 "                      a trial boot and keel commit\n"
		 "  --no-wait           fail at once if another keel is busy\n"
		 "  --json              answer in JSON\n"
		 "  --help              show this help\n");
}

static void count_changes(struct apply_run *r)
{
	size_t i;

	for (i = 0; i < r->plan.n; i++) {
		if (r->plan.e[i].action == PLAN_REMOVE)
			r->removes++;
		else if (r->plan.e[i].existed)
			r->replaces++;
		else
			r->installs++;
	}
}

static const char *fit_word(enum apply_fit fit)
{
	static const char *const words[] = { "new", "upgrade", "downgrade",
					     "same" };
	return words[fit];
}

static void print_boot(const struct apply_run *r)
{
	const struct keel_manifest *m = r->pc.manifest;

	if (!r->boot.n)
		return;
	printf(_("GRUB entry keel-%s: keel-hv %s, then the system's own entry "
		 "\"%s\" as its root session.\n"), m->version,
	       r->chain.hv_path, r->chain.chained);
	if (r->a.no_trial)
		printf(_("It is the default from the next boot on. Reboot to "
			 "start keel-hv.\n"));
	else if (r->unit)
		printf(_("The next boot tries it once; keel-commit.service runs "
			 "\"keel commit\" in that boot, which makes it the "
			 "default. If keel-hv fails, the boot after is the old "
			 "default again. Reboot to start the trial.\n"));
	else
		printf(_("The next boot tries it once; run \"keel commit\" in "
			 "that boot to make it the default (this system has no "
			 "systemd to do it). If keel-hv fails, the boot after is "
			 "the old default again. Reboot to start the trial.\n"));
}

static struct json_object *boot_json(const struct apply_run *r)
{
	struct json_object *o = json_object_new_object();
	char id[128];

	snprintf(id, sizeof id, "keel-%s", r->pc.manifest->version);
	json_object_object_add(o, "entry", json_object_new_string(id));
	json_object_object_add(o, "hypervisor",
			       json_object_new_string(r->chain.hv_path));
	json_object_object_add(o, "chains",
			       json_object_new_string(r->chain.chained));
	json_object_object_add(o, "trial", json_object_new_boolean(!r->a.no_trial));
	return o;
}

static void print_json(const struct apply_run *r, int changed)
{
	const struct keel_manifest *m = r->pc.manifest;
	struct json_object *o = json_object_new_object();
	struct json_object *n = json_object_new_object();

	json_object_object_add(o, "root", json_object_new_string(r->a.root));
	json_object_object_add(o, "pack", json_object_new_string(r->a.pack));
	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "version", json_object_new_string(m->version));
	json_object_object_add(o, "level", json_object_new_int((int)m->level));
	json_object_object_add(o, "kind",
			       json_object_new_string(fit_word(r->fit)));
	json_object_object_add(o, "dry_run", json_object_new_boolean(r->a.dry_run));
	json_object_object_add(o, "changed", json_object_new_boolean(changed));
	if (changed)
		json_object_object_add(o, "tx",
			json_object_new_int64((int64_t)r->plan.tx));
	json_object_object_add(n, "install", json_object_new_int64((int64_t)r->installs));
	json_object_object_add(n, "replace", json_object_new_int64((int64_t)r->replaces));
	json_object_object_add(n, "remove", json_object_new_int64((int64_t)r->removes));
	json_object_object_add(o, "files", n);
	if (r->boot.n)
		json_object_object_add(o, "boot", boot_json(r));
	json_object_object_add(o, "signer", report_signer_json(&r->pc.signer));
	report_print_json(o);
}

static void print_result(const struct apply_run *r)
{
	const struct keel_manifest *m = r->pc.manifest;

	if (r->a.json) {
		print_json(r, !r->a.dry_run && r->fit != APPLY_SAME);
		return;
	}
	if (r->fit == APPLY_SAME) {
		printf(_("%s %s is already installed on %s; nothing was "
			 "changed.\n"), m->name, m->version, r->a.root);
		return;
	}
	if (r->a.dry_run) {
		printf(_("%s %s (service-pack level %u) would be applied to %s:\n"),
		       m->name, m->version, m->level, r->a.root);
		plan_print(&r->plan);
		printf(_("Dry run: nothing was changed.\n"));
		return;
	}
	printf(_("%s %s (service-pack level %u) applied to %s in transaction "
		 "%lu: %zu files installed, %zu replaced, %zu removed.\n"),
	       m->name, m->version, m->level, r->a.root, r->plan.tx,
	       r->installs, r->replaces, r->removes);
	print_boot(r);
}

static struct json_object *begin_meta(const struct apply_run *r)
{
	const struct keel_manifest *m = r->pc.manifest;
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(m->name));
	json_object_object_add(o, "version", json_object_new_string(m->version));
	json_object_object_add(o, "level", json_object_new_int((int)m->level));
	json_object_object_add(o, "kind", json_object_new_string(fit_word(r->fit)));
	json_object_object_add(o, "pack", json_object_new_string(r->a.pack));
	json_object_object_add(o, "signer",
			       json_object_new_string(r->pc.signer.subject));
	json_object_object_add(o, "build_time",
			       json_object_new_string(m->build_time));
	json_object_object_add(o, "files", json_object_new_int64((int64_t)r->plan.n));
	json_object_object_add(o, "bytes",
			       json_object_new_int64((int64_t)m->total_size));
	return o;
}

/* A pack that names its hypervisor gets a keel entry in GRUB; one that
 * does not (tools, documentation) leaves the boot chain alone. */
static int plan_boot_chain(struct apply_run *r, struct keel_error *err)
{
	const struct keel_manifest *m = r->pc.manifest;
	int rc;

	if (!m->boot_hypervisor)
		return KEEL_OK;
	rc = grub_chain_plan(&r->s.target, m, !r->a.no_trial, &r->chain, err);
	if (!rc) {
		boot_files_from_chain(&r->boot, &r->chain);
		r->unit = boot_unit_add(&r->boot, &r->s.target);
		boot_hooks_add(&r->boot, &r->s.target);
	}
	/* A unit whose program is missing would fail at every boot, and the
	 * trial it exists to commit would never become the default. */
	if (!rc && r->unit)
		rc = boot_unit_check_program(&r->s.target, m, err);
	return rc;
}

/* Online, the entry keel chains should be what runs now; when it is not
 * (a kernel installed since the last boot, an entry picked by hand), keel
 * still chains GRUB's default, the next boot's kernel, and says so. */
static void note_running(const struct apply_run *r)
{
	struct boot_running br;
	struct utsname u;
	char proc[4096];
	FILE *f;

	if (!r->boot.n || r->a.json || !cli_root_is_live(r->a.root) ||
	    uname(&u) != 0 || !(f = fopen("/proc/cmdline", "re")))
		return;
	if (!fgets(proc, sizeof proc, f))
		proc[0] = '\0';
	fclose(f);
	proc[strcspn(proc, "\n")] = '\0';
	boot_running_compare(r->chain.kernel, r->chain.cmdline, u.release, proc,
			     &br);
	if (br.kernel_differs == 1)
		fprintf(stderr, _("keel: note: this system runs the kernel %s, "
				  "but GRUB's default entry boots %s; keel's "
				  "entry chains that one, which the next boot "
				  "starts anyway\n"), u.release, r->chain.kernel);
	if (br.cmdline_differs == 1)
		fprintf(stderr, _("keel: note: the running kernel's command "
				  "line (%s) is not the default entry's (%s); "
				  "keel's entry passes on the entry's\n"), proc,
			r->chain.cmdline);
}

/* The first read stops after the signed manifest (the staging read
 * checks the payload as it installs it). Where no staging read follows,
 * for an installed version or a dry run, this read checks every payload
 * entry's size and digest, missing and extra entries and trailing data,
 * as keel verify does: "nothing to do" is never said of a damaged pack. */
static int verify_payload(const struct apply_run *r, struct keel_error *err)
{
	return pack_reread_file(r->a.pack, &r->pc, NULL, err);
}

/* Everything up to the decision; writes nothing but recovery. */
static int prepare(struct apply_run *r, struct keel_error *err)
{
	int rc = r->a.dry_run ? KEEL_OK : cli_check_writable(r->a.root, err);

	if (!rc)
		rc = state_open(r->a.root, r->a.dry_run ? STATE_READ : STATE_WRITE,
				!r->a.no_wait, &r->s, err);
	if (!rc)
		rc = recover(&r->s, err);
	if (!rc)
		rc = trust_load(r->a.root, r->a.keyring, &r->trust, err);
	if (!rc)
		rc = pack_read_file(r->a.pack, r->trust, PACK_READ_MANIFEST, NULL,
				    &r->pc, err);
	if (!rc)
		rc = levels_load(&r->s, &r->levels, err);
	if (!rc)
		rc = apply_check_fit(&r->levels, r->pc.manifest,
				     r->a.allow_downgrade, &r->fit, err);
	if (!rc && r->fit == APPLY_SAME)
		rc = verify_payload(r, err);
	if (rc || r->fit == APPLY_SAME)
		return rc;
	rc = apply_check_cpu(&r->a, err);
	if (!rc)
		rc = plan_boot_chain(r, err);
	if (!rc)
		note_running(r);
	if (!rc)
		rc = apply_plan_build(&r->s, &r->levels, r->pc.manifest,
				      state_next_tx(&r->s),
				      r->boot.n ? &r->boot : NULL, &r->plan, err);
	if (!rc)
		count_changes(r);
	if (!rc && !r->a.dry_run)
		rc = apply_check_space(&r->s, &r->plan, err);
	/* Before the question, and in the dry run: what would wedge the
	 * transaction is refused up front (txn_run checks it again). */
	if (!rc)
		rc = txn_preflight(&r->s, &r->plan, err);
	if (!rc && r->a.dry_run)
		rc = verify_payload(r, err);
	return rc;
}

static int install(struct apply_run *r, struct keel_error *err)
{
	struct apply_stage st = {
		.pack = r->a.pack, .checked = &r->pc,
		.boot = r->boot.n ? &r->boot : NULL,
		.progress = !r->a.json && isatty(STDERR_FILENO),
	};
	char question[512];
	int rc;

	snprintf(question, sizeof question, _("Apply %s %s to %s?"),
		 r->pc.manifest->name, r->pc.manifest->version, r->a.root);
	rc = cli_confirm(&r->a, "apply", question, err);
	if (!rc)
		rc = state_create(&r->s, !r->a.no_wait, err);
	if (!rc)
		rc = txn_run(&r->s, &r->plan, begin_meta(r), apply_stage, &st, err);
	return rc;
}

/* A refused apply changed nothing, but the administrator's log should
 * still say who offered which pack and why keel turned it down. */
static void log_refusal(const struct apply_run *r, const struct keel_error *err)
{
	const struct keel_manifest *m = r->pc.manifest;
	const char *signer = r->pc.signer.subject;

	txn_log_refused(r->a.root, r->a.pack, m ? m->name : NULL,
			m ? m->version : NULL, m && signer[0] ? signer : NULL,
			err->msg);
}

int cmd_apply(int argc, char **argv)
{
	struct apply_run r = { 0 };
	struct keel_error err = { 0 };
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_KEYRING | OPT_JSON | OPT_YES |
				  OPT_DRY_RUN | OPT_NO_WAIT | OPT_ALLOW_DOWNGRADE |
				  OPT_SKIP_CPU_CHECK | OPT_NO_TRIAL | OPT_PACK, usage(),
				  &r.a, &err);
	if (rc || r.a.help)
		return cli_finish("keel", rc, &err);
	umask(022);
	state_init(&r.s);
	rc = prepare(&r, &err);
	if (rc && !r.a.dry_run)
		log_refusal(&r, &err);
	if (!rc && r.fit != APPLY_SAME && !r.a.dry_run)
		rc = install(&r, &err);
	if (!rc)
		print_result(&r);
	/* Like Windows servicing's 3010: done, and a reboot makes it so. */
	if (!rc && r.boot.n && !r.a.dry_run && r.fit != APPLY_SAME)
		rc = KEEL_REBOOT;
	plan_free(&r.plan);
	grub_chain_free(&r.chain);
	levels_free(&r.levels);
	pack_contents_free(&r.pc);
	trust_free(r.trust);
	state_close(&r.s);
	return cli_finish_json("keel", r.a.json, rc, &err);
}
