/* undo_boot.h: rollback and uninstall put keel's block in custom.cfg back
 * as it was, keeping lines the administrator added since. */
#ifndef KEEL_UNDO_BOOT_H
#define KEEL_UNDO_BOOT_H

#include "boot_files.h"
#include "error.h"
#include "plan.h"
#include "state.h"

/* When the plan puts custom.cfg back: if the lines outside keel's block
 * changed since the level was applied, the file as it is now with keel's
 * block as it was then; and if that block's entries chain a kernel that
 * is no longer GRUB's default, refreshed as keel refresh would. Either
 * way the step becomes an install from memory (b->f[0], the text in
 * *text, for the caller to free). Otherwise b->n stays 0 and the saved
 * copy goes back byte for byte. */
int undo_boot_keep_custom(struct keel_state *s, struct plan *p,
			  struct boot_files *b, char **text,
			  struct keel_error *err);

#endif
