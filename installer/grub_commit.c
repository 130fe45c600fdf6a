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
	if (grub_block_set(&f->block.committed, id))
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
		/* The old default is the fallback when it has a number. */
		if (!rc && f->block.fallback && !(c->chained = strdup(e->title)))
			rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
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
	return grub_chain_run(t, NULL, commit, id, c, err);
}

static enum grub_chain_state classify(const struct grub_files *f,
				      const char *version)
{
	const char *next = grubenv_get(&f->env, "next_entry");
	char id[128];

	snprintf(id, sizeof id, "keel-%s", version);
	if (!grub_block_find(&f->block, id))
		return CHAIN_NONE;
	if (next && strcmp(next, id) == 0)
		return CHAIN_TRIAL;
	if (f->block.committed && strcmp(f->block.committed, id) == 0)
		return CHAIN_COMMITTED;
	return CHAIN_UNCOMMITTED;
}

int grub_chain_state(const struct target *t, const char *version,
		     enum grub_chain_state *state, struct keel_error *err)
{
	struct grub_files f;
	int rc = grub_files_read(t, &f, err);

	if (rc)
		return rc;
	*state = classify(&f, version);
	grub_files_free(&f);
	return KEEL_OK;
}

const struct level *grub_chain_registered(const struct target *t,
					  const struct levels *l,
					  enum grub_chain_state *state)
{
	struct keel_error ignored = { 0 };
	const struct level *found = NULL;
	struct grub_files f;
	size_t k = l->n;

	*state = CHAIN_NONE;
	if (l->n == 0 || grub_files_read(t, &f, &ignored))
		return NULL;
	while (!found && k-- > 0) {
		*state = classify(&f, level_version(&l->v[k]));
		if (*state != CHAIN_NONE)
			found = &l->v[k];
	}
	grub_files_free(&f);
	return found;
}
