/* undo_keep.h: when keel takes back a file the administrator changed
 * after keel wrote it, the changed file is kept beside it as PATH.keel-old
 * (as dpkg keeps .dpkg-old), in the same transaction. */
#ifndef KEEL_UNDO_KEEP_H
#define KEEL_UNDO_KEEP_H

#include "error.h"
#include "plan.h"
#include "state.h"

/* Whether what stands at last->path now differs from what the level that
 * last wrote it left there (last: that level's plan entry). GRUB's files
 * never count: rollback merges them (undo_boot.h). */
int undo_keep_changed(const struct keel_state *s, const struct plan_entry *last);

/* Adds PATH.keel-old, a copy of path as it is now, to the plan. */
int undo_keep_add(struct keel_state *s, struct plan *out, const char *path,
		  struct keel_error *err);

#endif
