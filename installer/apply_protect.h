/* apply_protect.h: a pack path must not reach what protects the target
 * (keel's state, trust store, CRLs, GRUB) through the target's aliases. */
#ifndef KEEL_APPLY_PROTECT_H
#define KEEL_APPLY_PROTECT_H

#include "error.h"
#include "target.h"

/* KEEL_OK, or KEEL_ENOTAPPLICABLE when the directory that would hold path
 * (or the deepest of its parents that exists) is, or is below, one of
 * those directories found by identity (dev and inode), so that a symlink
 * or bind mount elsewhere in the target cannot alias them. */
int apply_check_protected(const struct target *t, const char *path,
			  struct keel_error *err);

#endif
