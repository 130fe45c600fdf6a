/* saved.h: what a transaction records of each file it saves (kind, mode,
 * size, SHA-256), and the checks of the saved copies against it. */
#ifndef KEEL_SAVED_H
#define KEEL_SAVED_H

#include <stddef.h>

#include "error.h"
#include "plan.h"
#include "state.h"

/* Describes what stands at name in dirfd (a file or a symlink): 0, or -1
 * with errno (EINVAL: neither). */
int saved_describe(int dirfd, const char *name, struct plan_saved *out);

/* 1 when what stands at name is what want records, 0 when it differs,
 * -1 with errno when it cannot be read (ENOENT: nothing there). */
int saved_matches(int dirfd, const char *name, const struct plan_saved *want);

/* Records what stands at each path of the plan that existed, before the
 * transaction begins; a path that is gone or has become something else
 * since the plan was made is KEEL_ENOTAPPLICABLE. */
int saved_note_plan(struct keel_state *s, struct plan *p,
		    struct keel_error *err);

/* Checks backup/TX/I against what its transaction recorded; path (in
 * the target) names it in the message. KEEL_EFAIL on any difference. */
int saved_check_copy(const struct keel_state *s, unsigned long tx, size_t i,
		     const struct plan_saved *want, const char *path,
		     struct keel_error *err);

/* Makes e a restore of what transaction from->tx saved as its entry i,
 * after checking that saved copy. */
int saved_restore_step(const struct keel_state *s, struct plan_entry *e,
		       const struct plan *from, size_t i,
		       struct keel_error *err);

#endif
