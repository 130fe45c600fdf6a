/* undo_gone.h: the keel entries in GRUB's menu that a rollback or an
 * uninstall takes away, which grubenv's variables may still name. */
#ifndef KEEL_UNDO_GONE_H
#define KEEL_UNDO_GONE_H

#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "state.h"

/* The entries by id and by title: GRUB's next_entry, saved_entry and
 * default may name an entry either way. */
struct undo_gone {
	char **names;
	size_t n;
};

/* Adds a copy of name: 0, or -1 when out of memory. */
int undo_gone_add(struct undo_gone *g, const char *name);
int undo_gone_has(const struct undo_gone *g, const char *name);
void undo_gone_free(struct undo_gone *g);

/* The entries of keel's block in custom.cfg as it is now (now, NULL for
 * none) and keel-VERSION of each level the plan releases, less those in
 * the block custom.cfg has after the undo (after, NULL for no file). */
int undo_gone_find(const struct keel_state *s, const struct plan *p,
		   const char *now, const char *after, struct undo_gone *g,
		   struct keel_error *err);

/* A copy of the default that the custom.cfg text (without keel's block)
 * sets when it names a gone entry, else NULL. */
char *undo_gone_default(const char *text, const struct undo_gone *g);

#endif
