/* undo_plan.h: the plans of `keel rollback` (take the top level away) and
 * `keel uninstall` (take every level away), built from the levels' plans. */
#ifndef KEEL_UNDO_PLAN_H
#define KEEL_UNDO_PLAN_H

#include "error.h"
#include "levels.h"
#include "plan.h"
#include "state.h"

/* Adds the step that returns from's entry i to what transaction from->tx
 * found there, after checking its saved copy; when the file differs from
 * what last (the entry of the level that wrote the path last) left
 * there, a PLAN_PRESERVE step keeps the administrator's version first. */
int undo_plan_step(struct keel_state *s, struct plan *out,
		   const struct plan *from, size_t i,
		   const struct plan_entry *last, struct keel_error *err);

/* Every path the top level's apply touched returns to what it saved. */
int undo_plan_rollback(struct keel_state *s, const struct levels *l,
		       unsigned long tx, struct plan *out,
		       struct keel_error *err);

/* Every path any level touched returns to what the lowest level that
 * touched it saved: the target before keel. */
int undo_plan_uninstall(struct keel_state *s, const struct levels *l,
			unsigned long tx, struct plan *out,
			struct keel_error *err);

#endif
