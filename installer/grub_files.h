/* grub_files.h: a target's GRUB files (grub.cfg, custom.cfg, grubenv) read
 * and parsed, and the questions apply and commit ask of them. */
#ifndef KEEL_GRUB_FILES_H
#define KEEL_GRUB_FILES_H

#include <stddef.h>

#include "error.h"
#include "grub_block.h"
#include "grubcfg.h"
#include "grubenv.h"
#include "target.h"

#define GRUB_CFG "boot/grub/grub.cfg"
#define GRUB_CUSTOM_CFG "boot/grub/custom.cfg"
#define GRUB_ENV "boot/grub/grubenv"

struct grub_files {
	char *cfg_text, *custom_text, *env_text;
	size_t env_len;
	struct grub_cfg cfg, custom;
	struct grub_cfg outside;  /* custom.cfg without keel's block */
	struct grubenv env;
	struct grub_block block;  /* keel's block in custom.cfg */
	char where[3][4096];      /* the three paths, for messages */
};

/* Reads and parses the three files; grub.cfg must be there, the others
 * may be missing. What keel cannot follow is refused with the reason. */
int grub_files_read(const struct target *t, struct grub_files *f,
		    struct keel_error *err);

/* The same with custom.cfg's text given (NULL: read it): the file as a
 * transaction is about to write it. */
int grub_files_read_as(const struct target *t, const char *custom,
		       struct grub_files *f, struct keel_error *err);

void grub_files_free(struct grub_files *f);

/* The entry GRUB boots when no one-shot next_entry chooses: custom.cfg
 * runs after grub.cfg, so its entries come last and its default wins. */
int grub_files_default(struct grub_files *f, const struct grub_item **e,
		       struct keel_error *err);

/* The entry keel entries chain: the default as it would be without
 * keel's block (so a new kernel that update-grub made the default is
 * followed); if that default names a keel entry (saved_entry, or a
 * default the administrator set), that entry, whose kernel it chains. */
int grub_files_chained(struct grub_files *f, const struct grub_item **e,
		       struct keel_error *err);

/* The top-level entry of grub.cfg or custom.cfg with that id (or, for
 * one without an id, that title), or NULL. */
const struct grub_item *grub_files_top_item(const struct grub_files *f,
					    const char *id_or_title);

/* The new custom.cfg: keel's block as b says, the rest as it is, with
 * b->fallback first set to the number GRUB gives entry e (the default
 * before the change) in the menu the new files make, and b->fallback_of
 * to its id or title; an entry inside a submenu has no such number and
 * leaves no fallback. *out is malloc'd. */
int grub_files_custom(const struct grub_files *f, struct grub_block *b,
		      const struct grub_item *e, char **out,
		      struct keel_error *err);

#endif
