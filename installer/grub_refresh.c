/* grub_refresh.c: keel refresh's change to the boot chain: every keel
 * entry chains again the kernel, command line and initrd GRUB now boots. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_chain.h"
#include "grub_custom.h"
#include "grub_entry.h"
#include "i18n.h"

/* Entry it of keel's block (parsed as a menu) rebuilt around native. */
static int rebuild(struct grub_files *f, const struct grub_item *it,
		   const struct grub_item *native, const struct grub_boot *nb,
		   struct keel_error *err)
{
	struct grub_boot kb;
	char *hv = NULL, *opts = NULL, *text = NULL;
	int rc = grub_entry_boot(it, f->where[1], &kb, err);

	if (rc)
		return rc;
	if (!kb.keel) {
		grub_boot_free(&kb);
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s: the entry %s in keel's block loads no keel-hv "
			  "(it was changed by hand): put keel's block back with "
			  "\"keel rollback\" or a backup, then refresh again"),
			f->where[1], it->id);
	}
	if (grub_keel_hv_line(it, &kb, &hv, &opts) == 0)
		text = grub_keel_entry(native, nb, it->id + 5, hv, opts);
	if (!text || grub_block_put(&f->block, it->id, text))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	free(text);
	free(hv);
	free(opts);
	grub_boot_free(&kb);
	return rc;
}

/* Every keel entry of the block, rebuilt around native. */
static int rebuild_all(struct grub_files *f, const struct grub_item *native,
		       const struct grub_boot *nb, struct keel_error *err)
{
	struct grub_cfg keel;
	char *text = grub_block_format(&f->block);
	size_t i;
	int rc = text ? grubcfg_parse(text, f->where[1], &keel, err)
		      : keel_error_set(err, KEEL_EFAIL, _("out of memory"));

	free(text);
	if (rc)
		return rc;
	for (i = 0; !rc && i < keel.top.n; i++)
		if (keel.top.items[i].id &&
		    strncmp(keel.top.items[i].id, "keel-", 5) == 0)
			rc = rebuild(f, &keel.top.items[i], native, nb, err);
	grubcfg_free(&keel);
	return rc;
}

/* The new custom.cfg. update-grub may have moved the fallback entry (a
 * kernel more at the top level): number it again; if it is gone, the
 * entry the keel entries now chain takes its place. */
static int write_custom(struct grub_files *f, const struct grub_item *native,
			struct grub_chain *c, struct keel_error *err)
{
	const struct grub_item *fb = NULL;
	char *text;
	int rc;

	if (f->block.fallback && f->block.fallback_of)
		fb = grub_files_top_item(f, f->block.fallback_of);
	if (f->block.fallback && !fb)
		fb = native;
	if (fb)
		return grub_files_custom(f, &f->block, fb, &c->custom_cfg, err);
	text = grub_block_format(&f->block);
	if (!text)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = grub_custom_update(f->custom_text, text, f->where[1],
				&c->custom_cfg, err);
	free(text);
	return rc;
}

static int refresh(const struct target *t, struct grub_files *f,
		   const void *arg, struct grub_chain *c,
		   struct keel_error *err)
{
	const struct grub_item *native;
	struct grub_boot nb;
	int rc;

	(void)t, (void)arg;
	if (f->block.n == 0) {  /* no level registered keel-hv */
		c->unchanged = 1;
		return KEEL_OK;
	}
	rc = grub_files_chained(f, &native, err);
	if (!rc)
		rc = grub_entry_boot(native, f->where[0], &nb, err);
	if (rc)
		return rc;
	c->chained = strdup(native->title);
	rc = c->chained ? rebuild_all(f, native, &nb, err)
			: keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = write_custom(f, native, c, err);
	if (!rc && strcmp(c->custom_cfg,
			  f->custom_text ? f->custom_text : "") == 0) {
		c->unchanged = 1;
		free(c->custom_cfg);
		c->custom_cfg = NULL;
	}
	grub_boot_free(&nb);
	return rc;
}

int grub_chain_refresh(const struct target *t, struct grub_chain *c,
		       struct keel_error *err)
{
	return grub_chain_run(t, NULL, refresh, NULL, c, err);
}

int grub_chain_refresh_text(const struct target *t, const char *custom,
			    struct grub_chain *c, struct keel_error *err)
{
	return grub_chain_run(t, custom, refresh, NULL, c, err);
}
