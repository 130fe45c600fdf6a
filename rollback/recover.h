/* recover.h: what every keel command that touches a target does first:
 * find a transaction a crash interrupted and complete or undo it. */
#ifndef KEEL_RECOVER_H
#define KEEL_RECOVER_H

#include "error.h"
#include "state.h"

/* A transaction journaled "committed" is completed (its clean-up), any
 * earlier one is undone; each is reported on stderr. A target that cannot
 * be written with an interrupted transaction on it is an error. */
int recover(struct keel_state *s, struct keel_error *err);

/* 1 if the journal holds a transaction that is neither closed nor
 * aborted (what recover() would act on). */
int recover_pending(const struct keel_state *s);

#endif
