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

static int refresh(const struct target *t, struct grub_files *f,
		   const void *arg, struct grub_chain *c,
		   struct keel_error *err)
{
	const struct grub_item *native;
	struct grub_cfg keel;
	struct grub_boot nb;
	char *before = grub_block_format(&f->block), *after = NULL;
	size_t i;
	int parsed, rc;

	(void)t, (void)arg;
	if (f->block.n == 0) {  /* no level registered keel-hv */
		c->unchanged = 1;
		free(before);
		return KEEL_OK;
	}
	rc = before ? grub_files_chained(f, &native, err)
		    : keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = grub_entry_boot(native, f->where[0], &nb, err);
	if (rc) {
		free(before);
		return rc;
	}
	c->chained = strdup(native->title);
	rc = c->chained ? grubcfg_parse(before, f->where[1], &keel, err)
			: keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	parsed = !rc;
	for (i = 0; !rc && i < keel.top.n; i++)
		if (keel.top.items[i].id &&
		    strncmp(keel.top.items[i].id, "keel-", 5) == 0)
			rc = rebuild(f, &keel.top.items[i], native, &nb, err);
	if (!rc && !(after = grub_block_format(&f->block)))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	c->unchanged = !rc && strcmp(before, after) == 0;
	if (!rc && !c->unchanged)
		rc = grub_custom_update(f->custom_text, after, f->where[1],
					&c->custom_cfg, err);
	if (parsed)
		grubcfg_free(&keel);
	grub_boot_free(&nb);
	free(before);
	free(after);
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
