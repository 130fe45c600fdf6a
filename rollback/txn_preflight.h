/* txn_preflight.h: what a transaction checks before it begins, so that a
 * tree it cannot change is refused up front instead of half-changed. */
#ifndef KEEL_TXN_PREFLIGHT_H
#define KEEL_TXN_PREFLIGHT_H

#include "error.h"
#include "plan.h"
#include "state.h"

/* Every directory the plan writes in is on a writable mount, and no
 * name keel stages under (PATH.keel-new, .keel-undo, .keel-tmp) is taken:
 * KEEL_ENOTAPPLICABLE naming the path and what to do. Changes nothing. */
int txn_preflight(struct keel_state *s, const struct plan *p,
		  struct keel_error *err);

/* KEEL_ENOTAPPLICABLE naming rel: what keel changes must be a file or a
 * symlink, not a directory, device, FIFO or socket. */
int txn_refuse_not_file(const struct keel_state *s, const char *rel,
			struct keel_error *err);

#endif
