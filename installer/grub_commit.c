/* grub_commit.c: keel commit's change to the boot chain (the level becomes
 * GRUB's default) and where a level stands in it, for keel status. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_chain.h"
#include "grub_custom.h"
#include "i18n.h"

static int commit(const struct target *t, struct grub_files *f,
		  const void *arg, struct grub_chain *c, struct keel_error *err)
{
	const char *id = arg;
	const struct grub_item *e;
	const char *next = grubenv_get(&f->env, "next_entry");
	int pending = next && strcmp(next, id) == 0;
	int rc;

	(void)t;
	if (!grub_block_find(&f->block, id))
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s has no entry %s in keel's block: the boot chain "
			  "was changed by hand; apply the pack again"),
			f->where[1], id);
	if (f->block.committed && strcmp(f->block.committed, id) == 0 &&
	    !pending) {
		c->unchanged = 1;
		return KEEL_OK;
	}
	rc = grub_files_default(f, &e, err);
	if (rc)
		return rc;
	c->chained = strdup(e->title);
	if (!c->chained || grub_block_set(&f->block.committed, id))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	/* Committed again while a trial of it was pending: keep the
	 * fallback the first commit chose. */
	if (e->id && strcmp(e->id, id) == 0) {
		char *text = grub_block_format(&f->block);

		if (!text)
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		rc = grub_custom_update(f->custom_text, text, f->where[1],
					&c->custom_cfg, err);
		free(text);
	} else {
		rc = grub_files_custom(f, &f->block, e, &c->custom_cfg, err);
	}
	/* GRUB clears next_entry at boot; where it cannot write grubenv
	 * (LVM, RAID), keel does, so later boots are not trials. */
	if (!rc && pending)
		grubenv_unset(&f->env, "next_entry");
	if (!rc)
		rc = grubenv_format(&f->env, f->where[2], &c->grubenv, err);
	if (!rc)
		c->grubenv_len = f->env.size;
	return rc;
}

int grub_chain_commit(const struct target *t, const char *version,
		      struct grub_chain *c, struct keel_error *err)
{
	char id[128];

	snprintf(id, sizeof id, "keel-%s", version);
	return grub_chain_run(t, commit, id, c, err);
}

int grub_chain_state(const struct target *t, const char *version,
		     enum grub_chain_state *state, struct keel_error *err)
{
	struct grub_files f;
	const char *next;
	char id[128];
	int rc;

	snprintf(id, sizeof id, "keel-%s", version);
	rc = grub_files_read(t, &f, err);
	if (rc)
		return rc;
	next = grubenv_get(&f.env, "next_entry");
	if (!grub_block_find(&f.block, id))
		*state = CHAIN_NONE;
	else if (next && strcmp(next, id) == 0)
		*state = CHAIN_TRIAL;
	else if (f.block.committed && strcmp(f.block.committed, id) == 0)
		*state = CHAIN_COMMITTED;
	else
		*state = CHAIN_UNCOMMITTED;
	grub_files_free(&f);
	return KEEL_OK;
}
