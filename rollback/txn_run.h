/* txn_run.h: one transaction from begin to commit, undone on any failure:
 * the driver apply, rollback and uninstall share. */
#ifndef KEEL_TXN_RUN_H
#define KEEL_TXN_RUN_H

#include <json-c/json.h>

#include "error.h"
#include "plan.h"
#include "state.h"

/* Stages the plan's PLAN_INSTALL entries (apply: from the pack). */
typedef int (*txn_stage_fn)(struct keel_state *s, const struct plan *p,
			    void *ctx, struct keel_error *err);

/* begin (meta: its reference is taken) -> directories -> staging (stage
 * may be NULL) -> prepared -> switch -> committed -> clean-up -> closed.
 * On failure before "committed" the transaction is undone and journaled
 * "aborted" with the reason; err keeps the first failure. */
int txn_run(struct keel_state *s, const struct plan *p,
	    struct json_object *meta, txn_stage_fn stage, void *ctx,
	    struct keel_error *err);

/* Adds every missing ancestor directory of path to the plan's new_dirs
 * (parents first, once each). An ancestor that exists but is not a
 * directory is KEEL_ENOTAPPLICABLE. *parent_missing (if not NULL) says
 * whether path's own directory is one the plan creates. */
int txn_plan_parents(const struct target *t, struct plan *p,
		     const char *path, int *parent_missing,
		     struct keel_error *err);

#endif
