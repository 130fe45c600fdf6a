/* apply_plan.h: whether a verified pack applies to a target's installed
 * levels, and the plan of what applying it changes there. */
#ifndef KEEL_APPLY_PLAN_H
#define KEEL_APPLY_PLAN_H

#include "boot_files.h"
#include "error.h"
#include "levels.h"
#include "manifest.h"
#include "plan.h"
#include "state.h"

enum apply_fit {
	APPLY_NEW,          /* nothing installed yet */
	APPLY_UPGRADE,      /* newer than the running level */
	APPLY_DOWNGRADE,    /* older, and --allow-downgrade was given */
	APPLY_SAME,         /* this very version runs: nothing to do */
};

/* Product, architecture, minimum keel and version against the top level.
 * An older version without allow_downgrade is KEEL_ENOTAPPLICABLE. */
int apply_check_fit(const struct levels *l, const struct keel_manifest *m,
		    int allow_downgrade, enum apply_fit *fit,
		    struct keel_error *err);

/* The plan: every file of the pack (existing targets are replaced and
 * saved), then the boot files (NULL: none), then the files of levels the
 * pack supersedes that it no longer ships (removed), the directories to
 * make. */
int apply_plan_build(struct keel_state *s, const struct levels *l,
		     const struct keel_manifest *m, unsigned long tx,
		     const struct boot_files *boot, struct plan *out,
		     struct keel_error *err);

/* Free space and inodes on each file system the plan writes to, with a
 * margin; KEEL_EFAIL naming the file system and the shortfall. */
int apply_check_space(struct keel_state *s, const struct plan *p,
		      struct keel_error *err);

#endif
