/* txn_log.h: every transaction's outcome, and every refused apply, also
 * goes to syslog (journald reads it there) under the identifier "keel". */
#ifndef KEEL_TXN_LOG_H
#define KEEL_TXN_LOG_H

#include <json-c/json.h>

#include "plan.h"
#include "state.h"

/* One line for transaction p on s's target: op, tx, root, then meta's
 * name, version, level, to, entry, pack and signer where present, then
 * outcome ("committed", "incomplete", "undone" or "undo pending"), why
 * and why an undo failed (each may be NULL). Lines are not translated:
 * log readers match them; the reasons are keel's error messages. */
void txn_log_outcome(const struct keel_state *s, const struct plan *p,
		     struct json_object *meta, const char *outcome,
		     const char *why, const char *undo_why);

/* One line for an apply that never began a transaction: what was asked
 * (root, pack; name, version and signer once the pack was read, else
 * NULL) and why it was refused. */
void txn_log_refused(const char *root, const char *pack, const char *name,
		     const char *version, const char *signer, const char *why);

#endif
