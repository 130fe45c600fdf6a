/* grub_chain.c: plans the boot-chain change of keel apply from the
 * target's own GRUB files, refusing what it cannot understand. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grub_chain.h"
#include "grub_entry.h"
#include "grubenv_media.h"
#include "i18n.h"
#include "payload/include/keel/hypercall.h"

void grub_chain_free(struct grub_chain *c)
{
	free(c->custom_cfg);
	free(c->grubenv);
	free(c->chained);
	free(c->kernel);
	free(c->cmdline);
	free(c->hv_path);
	memset(c, 0, sizeof *c);
}

static int check_hooks(const struct grub_files *f, int trial,
		       struct keel_error *err)
{
	if (!f->cfg.sources_custom)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not source custom.cfg, where keel puts its "
			  "entry: make /etc/grub.d/41_custom executable (it is "
			  "part of grub-common) and run update-grub, then apply "
			  "again"), f->where[0]);
	if (trial && !f->cfg.reads_next_entry)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not boot a one-shot next_entry, which keel's "
			  "trial boot needs: run update-grub with the stock "
			  "/etc/grub.d/00_header, or apply with --no-trial"),
			f->where[0]);
	return KEEL_OK;
}

/* The kernel GRUB will load must be in the target's /boot: an image whose
 * /boot is not mounted would otherwise get an entry that cannot boot. */
static int check_kernel(const struct target *t, const struct grub_boot *b,
			struct keel_error *err)
{
	char rel[4096], shown[4096];
	struct stat st;
	const char *k = b->kernel;

	if (strncmp(k, "/boot/", 6) == 0)
		snprintf(rel, sizeof rel, "%s", k + 1);
	else
		snprintf(rel, sizeof rel, "boot%s", k);
	if (target_lstat(t, rel, &st) == 0 && S_ISREG(st.st_mode))
		return KEEL_OK;
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("the default entry loads the kernel %s, which is not at %s: "
		  "mount the target's /boot and try again"), k,
		target_path(t, rel, shown, sizeof shown));
}

/* What build needs from the pack. */
struct keel_hv {
	const struct keel_manifest *m;  /* version, boot.hypervisor, options */
	int trial;
};

/* The keel entry for hv, chaining what entry e boots. */
static int make_entry(const struct target *t, const struct grub_files *f,
		      const struct grub_item *e, const struct keel_hv *hv,
		      struct grub_chain *c, char **entry,
		      struct keel_error *err)
{
	struct grub_boot b;
	char *options = NULL;
	int rc = grub_entry_boot(e, f->where[0], &b, err);

	if (rc)
		return rc;
	/* The signed words, so quoted that GRUB's lexer gives them back. */
	if (hv->m->boot_options && !(options =
				     grub_quote_args(hv->m->boot_options)))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = check_kernel(t, &b, err);
	c->hv_path = grub_keel_hv_path(&b, hv->m->boot_hypervisor);
	if (!rc && !c->hv_path && errno == EINVAL)
		rc = keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the pack puts keel-hv at %s, outside /boot, where "
			  "GRUB finds the kernel; this pack cannot be registered "
			  "with GRUB"), hv->m->boot_hypervisor);
	c->chained = strdup(e->title);
	c->kernel = strdup(b.kernel);
	c->cmdline = strdup(b.cmdline);
	if (!rc && c->hv_path && c->chained && c->kernel && c->cmdline)
		*entry = grub_keel_entry(e, &b, hv->m->version, c->hv_path,
					 options);
	if (!rc && !*entry)
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	free(options);
	grub_boot_free(&b);
	return rc;
}

/* The entries of superseded levels go: their keel-hv goes with their
 * files. 1 when the committed default was one of them. */
static int drop_superseded(struct grub_files *f, const struct keel_manifest *m)
{
	const char *next = grubenv_get(&f->env, "next_entry");
	int dropped_default = 0;
	char old[128];
	size_t i;

	for (i = 0; i < m->n_supersedes; i++) {
		snprintf(old, sizeof old, "keel-%s", m->supersedes[i]);
		if (!grub_block_remove(&f->block, old))
			continue;
		if (f->block.committed && strcmp(f->block.committed, old) == 0) {
			grub_block_set(&f->block.committed, NULL);
			dropped_default = 1;
		}
		if (next && strcmp(next, old) == 0) {
			grubenv_unset(&f->env, "next_entry");
			next = NULL;
		}
	}
	return dropped_default;
}

static int build(const struct target *t, struct grub_files *f,
		 const struct keel_hv *hv, struct grub_chain *c,
		 struct keel_error *err)
{
	const struct grub_item *e, *chained;
	char id[128], *entry = NULL;
	int rc = grub_files_default(f, &e, err);

	if (!rc)
		rc = grub_files_chained(f, &chained, err);
	/* A default that goes leaves the chained entry as the default, and
	 * so as the fallback. */
	if (!rc && drop_superseded(f, hv->m))
		e = chained;
	snprintf(id, sizeof id, "keel-%s", hv->m->version);
	if (!rc && strlen(id) > KEEL_HC_ENTRY_MAX)
		rc = keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the version %s is too long for a GRUB entry id that "
			  "keel-hv can report (at most %d characters)"),
			hv->m->version, KEEL_HC_ENTRY_MAX - 5);
	if (!rc)
		rc = make_entry(t, f, chained, hv, c, &entry, err);
	/* Without a trial the new level is the default at once. */
	if (!rc && (grub_block_put(&f->block, id, entry) ||
		    (!hv->trial && grub_block_set(&f->block.committed, id))))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = grub_files_custom(f, &f->block, e, &c->custom_cfg, err);
	if (!rc && hv->trial && grubenv_set(&f->env, "next_entry", id))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = grubenv_format(&f->env, f->where[2], &c->grubenv, err);
	if (!rc)
		c->grubenv_len = f->env.size;
	free(entry);
	return rc;
}

int grub_chain_run(const struct target *t, const char *custom,
		   grub_chain_step step, const void *arg, struct grub_chain *c,
		   struct keel_error *err)
{
	struct grub_files f;
	int rc;

	memset(c, 0, sizeof *c);
	rc = grub_files_read_as(t, custom, &f, err);
	if (rc)
		return rc;
	rc = step(t, &f, arg, c, err);
	grub_files_free(&f);
	if (rc)
		grub_chain_free(c);
	return rc;
}

static int plan_step(const struct target *t, struct grub_files *f,
		     const void *arg, struct grub_chain *c,
		     struct keel_error *err)
{
	const struct keel_hv *hv = arg;
	const char *why = hv->trial ? grubenv_media_check(t) : NULL;
	int rc = check_hooks(f, hv->trial, err);

	/* A trial is one-shot only because GRUB clears next_entry. */
	if (!rc && why)
		rc = keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s, where GRUB cannot clear the one-shot next_entry: "
			  "a trial boot whose keel-hv fails would come back at "
			  "every boot. Put /boot on a plain partition, or apply "
			  "with --no-trial if a failing keel-hv may reboot into "
			  "itself until someone picks another entry in GRUB's "
			  "menu"), why);
	return rc ? rc : build(t, f, hv, c, err);
}

int grub_chain_plan(const struct target *t, const struct keel_manifest *m,
		    int trial, struct grub_chain *c, struct keel_error *err)
{
	struct keel_hv hv = { m, trial };

	return grub_chain_run(t, NULL, plan_step, &hv, c, err);
}
