/* txn.h: the steps of one transaction on the target, in the order of
 * DESIGN.md: begin, stage, prepared, back up + switch, committed, clean up;
 * and undo, which takes any transaction not yet committed back. */
#ifndef KEEL_TXN_H
#define KEEL_TXN_H

#include <json-c/json.h>

#include "error.h"
#include "plan.h"
#include "state.h"
#include "sync_batch.h"

/* Saves the plan as tx/N.json and journals "begin" with the fields of
 * meta (op, version, signer, ...; the reference is taken). */
int txn_begin(struct keel_state *s, const struct plan *p,
	      struct json_object *meta, struct keel_error *err);

/* KEEL_EFAIL "WHAT ROOT/REL: strerror(errno)", for the steps' failures. */
int txn_fail_path(struct keel_state *s, struct keel_error *err,
		  const char *what, const char *rel);

/* Reads back the plan txn_begin saved for transaction tx. */
int txn_load_plan(struct keel_state *s, unsigned long tx, struct plan *p,
		  struct keel_error *err);

/* Whether transaction tx saved entry i of its plan (backup/TX/I). */
int txn_saved_copy_exists(const struct keel_state *s, unsigned long tx,
			  size_t i);

/* Reads entry i saved by transaction tx (a regular file of at most max
 * bytes), as target_read_file does: 0, or -1 with errno. */
int txn_read_saved_copy(const struct keel_state *s, unsigned long tx,
			size_t i, size_t max, char **buf, size_t *len);

/* Creates the plan's new directories, parents first. */
int txn_make_dirs(struct keel_state *s, const struct plan *p,
		  struct keel_error *err);

/* Staging of one PLAN_INSTALL entry: opens PATH.keel-new for writing;
 * finish sets its mode and owner and hands it to the batch (which takes
 * the fd whatever happens); txn_stage_sync fsyncs what the batch holds,
 * and must succeed before the transaction is journaled "prepared". */
int txn_stage_open(struct keel_state *s, const struct plan_entry *e,
		   int *fd, struct keel_error *err);
int txn_stage_finish(struct keel_state *s, const struct plan_entry *e,
		     int fd, struct sync_batch *batch, struct keel_error *err);
int txn_stage_sync(struct keel_state *s, struct sync_batch *batch,
		   struct keel_error *err);

/* Stages every PLAN_RESTORE entry from the backup store. */
int txn_stage_restores(struct keel_state *s, const struct plan *p,
		       struct keel_error *err);

/* Journals a state ("prepared") for the plan's transaction. */
int txn_mark(struct keel_state *s, const struct plan *p, const char *state,
	     struct keel_error *err);

/* Backs up what the plan replaces or removes (made durable first), then
 * renames staged files into place and removes, then syncs the parents. */
int txn_switch(struct keel_state *s, const struct plan *p,
	       struct keel_error *err);

/* Journals "committed", cleans up, journals "closed". */
int txn_commit(struct keel_state *s, const struct plan *p,
	       struct keel_error *err);

/* The clean-up after "committed"; repeatable. */
int txn_cleanup(struct keel_state *s, const struct plan *p,
		struct keel_error *err);

/* Puts every path of an uncommitted plan back as it was before begin;
 * repeatable after a crash at any point, including during undo. */
int txn_undo(struct keel_state *s, const struct plan *p,
	     struct keel_error *err);

/* Undo, then journal "aborted" with why (a message, may be NULL). */
int txn_abort(struct keel_state *s, const struct plan *p, const char *why,
	      struct keel_error *err);

#endif
