/* state_check.h: whether keel's state as found on disk is one keel could
 * have left: a journal whose records follow each other, and files that
 * agree with it. What does not is reported, never papered over. */
#ifndef KEEL_STATE_CHECK_H
#define KEEL_STATE_CHECK_H

#include "error.h"

struct keel_state;

/* At open: transactions numbered 1, 2, ... each from "begin" through
 * allowed states, one at a time; nothing in tx/, backup/ or installed/
 * numbered past the journal (a journal cut short) except the plan of a
 * transaction a crash stopped before its "begin" (removed when the state
 * is writable); no transaction marked ended (tx/N.end) that the journal
 * does not end. KEEL_EFAIL naming what disagrees. */
int state_check_records(struct keel_state *s, struct keel_error *err);

/* With no transaction pending: every installed level has its manifest,
 * plan and backup store, and no manifest or backup store is there for a
 * transaction that is not an installed level. */
int state_check_agreement(const struct keel_state *s, struct keel_error *err);

/* Marks transaction tx ended (tx/TX.end), after its last record: the
 * witness that finds a journal cut at a record boundary. Best effort: a
 * missing mark only makes that check weaker. */
void state_mark_ended(struct keel_state *s, unsigned long tx);

#endif
