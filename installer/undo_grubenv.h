/* undo_grubenv.h: rollback's and uninstall's grubenv: keel's one variable,
 * next_entry, is undone on the file as it is now; the rest stays. */
#ifndef KEEL_UNDO_GRUBENV_H
#define KEEL_UNDO_GRUBENV_H

#include <stddef.h>

#include "error.h"
#include "undo_gone.h"

enum undo_env_outcome {
	UNDO_ENV_SAVED,  /* the plan's step stands: the saved copy goes back,
			    or the grubenv keel created goes */
	UNDO_ENV_WRITE,  /* the merged block goes in */
	UNDO_ENV_NOW,    /* the file stays as it is now (or absent) */
};

struct undo_env_in {
	const char *now;    /* grubenv as it is; NULL: there is none */
	size_t now_len;
	const char *then;   /* the saved copy; NULL: none before the level */
	size_t then_len;
	const char *where;  /* the file, for messages */
};

/* The file as it is now with next_entry undone when it names a gone
 * entry: the saved copy's next_entry again (unless that one goes too), or
 * none. A grubenv keel created that holds no variable after that goes.
 * *out (malloc'd, *out_len bytes) is set for UNDO_ENV_WRITE only. A file
 * that is no GRUB environment block now is KEEL_ENOTAPPLICABLE with
 * *outcome UNDO_ENV_SAVED: keel cannot tell what in it is whose. */
int undo_grubenv_merge(const struct undo_env_in *in,
		       const struct undo_gone *gone, char **out,
		       size_t *out_len, enum undo_env_outcome *outcome,
		       struct keel_error *err);

/* A copy of the block's saved_entry when it names a gone entry, else
 * NULL (also for a block keel cannot read, or when out of memory). */
char *undo_grubenv_stale(const char *text, size_t len,
			 const struct undo_gone *gone);

#endif
