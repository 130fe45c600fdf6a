/* undo_boot.h: rollback and uninstall undo keel's own edits to GRUB's
 * files (its block in custom.cfg, next_entry in grubenv), not the rest. */
#ifndef KEEL_UNDO_BOOT_H
#define KEEL_UNDO_BOOT_H

#include "boot_files.h"
#include "error.h"
#include "plan.h"
#include "state.h"

/* Adjusts the plan's steps for custom.cfg and grubenv to the files as
 * they are now. custom.cfg: the lines outside keel's block as they are
 * now with keel's block as the level below had it (its entries refreshed
 * when they chain a kernel that is no longer GRUB's default); removed by
 * the administrator, it stays removed unless a block must come back.
 * grubenv: next_entry, when it names an entry the undo takes away, as
 * the saved copy had it (or unset); every other variable as it is now; a
 * grubenv keel created goes when no variable is left. A saved_entry or
 * default that names a keel entry that goes stays, with a warning on
 * stderr. A step whose file stays as it is now leaves the plan; one that
 * writes a merged text becomes an install from memory, in b (up to 2
 * files) pointing into the one allocation *text, which the caller frees.
 * Otherwise b->n stays 0 and the saved copies go back byte for byte. */
int undo_boot_keep_custom(struct keel_state *s, struct plan *p,
			  struct boot_files *b, char **text,
			  struct keel_error *err);

#endif
