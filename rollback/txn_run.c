/* txn_run.c: drives a transaction through its steps and undoes it when a
 * step fails; and the directories a plan must create on the way. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "levels.h"
#include "saved.h"
#include "txn.h"
#include "txn_preflight.h"
#include "txn_log.h"
#include "txn_run.h"

static int steps(struct keel_state *s, const struct plan *p, txn_stage_fn stage,
		 void *ctx, struct keel_error *err)
{
	int rc = txn_make_dirs(s, p, err);

	if (!rc)
		rc = txn_stage_restores(s, p, err);
	if (!rc && stage)
		rc = stage(s, p, ctx, err);
	if (!rc)
		rc = txn_mark(s, p, "prepared", err);
	if (!rc)
		rc = txn_switch(s, p, err);
	return rc;
}

/* After a failed txn_commit: was "committed" journaled? Then the next
 * keel completes the transaction; else it undoes it. */
static const char *after_failed_commit(const struct keel_state *s,
				       const struct plan *p)
{
	const char *state = levels_last_state(s, p->tx);

	return state && strcmp(state, "committed") == 0 ? "incomplete" :
							   "undo pending";
}

/* Every outcome is logged (txn_log.h); meta's reference, taken by
 * txn_begin, is held until then. */
int txn_run(struct keel_state *s, const struct plan *p,
	    struct json_object *meta, txn_stage_fn stage, void *ctx,
	    struct keel_error *err)
{
	struct keel_error undo_err = { 0 };
	int rc = txn_preflight(s, p, err);

	if (!rc)
		rc = saved_note_plan(s, (struct plan *)p, err);
	if (!rc)
		rc = txn_begin(s, p, json_object_get(meta), err);

	if (rc) {
		/* Not begun: nothing on the target changed. */
		txn_log_outcome(s, p, meta, "undone", err->msg, NULL);
		json_object_put(meta);
		return rc;
	}
	rc = steps(s, p, stage, ctx, err);
	if (rc == KEEL_OK) {
		rc = txn_commit(s, p, err);
		txn_log_outcome(s, p, meta, rc ? after_failed_commit(s, p) :
				"committed", rc ? err->msg : NULL, NULL);
	} else if (txn_abort(s, p, err->msg, &undo_err) == KEEL_OK) {
		txn_log_outcome(s, p, meta, "undone", err->msg, NULL);
		keel_error_prefix(err, _("nothing was changed"));
	} else {
		txn_log_outcome(s, p, meta, "undo pending", err->msg,
				undo_err.msg);
		/* The next keel command finishes the undo from the journal. */
		keel_error_prefix(err, _("transaction %lu failed and undoing "
					 "it failed too (%s); run \"keel "
					 "status\" to finish the undo"),
				  p->tx, undo_err.msg);
	}
	json_object_put(meta);
	return rc;
}

static int has_dir(const struct plan *p, const char *dir)
{
	size_t i;

	for (i = 0; i < p->n_new_dirs; i++)
		if (strcmp(p->new_dirs[i], dir) == 0)
			return 1;
	return 0;
}

int txn_plan_parents(const struct target *t, struct plan *p,
		     const char *path, int *parent_missing,
		     struct keel_error *err)
{
	char dir[PATH_MAX], shown[PATH_MAX];
	const char *slash = path;
	struct stat st;
	int fd, missing = 0;

	if (parent_missing)
		*parent_missing = 0;

	while ((slash = strchr(slash, '/')) != NULL) {
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
		slash++;
		if (!missing && !has_dir(p, dir)) {
			fd = target_open_dir(t, dir);
			if (fd >= 0) {
				close(fd);
				continue;
			}
			if (errno == ENOTDIR || errno == ELOOP)
				return keel_error_set(err, KEEL_ENOTAPPLICABLE,
					_("%s is in the way: keel needs a "
					  "directory there to install %s; move "
					  "it aside and try again"),
					target_path(t, dir, shown, sizeof shown),
					path);
			if (errno != ENOENT)
				return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot open the directory %s"),
					target_path(t, dir, shown, sizeof shown));
			/* Missing, or a symlink leading nowhere inside the
			 * target: keel would make a directory through it. */
			if (target_lstat(t, dir, &st) == 0)
				return keel_error_set(err, KEEL_ENOTAPPLICABLE,
					_("%s is a symbolic link that leads "
					  "nowhere inside the target, and keel "
					  "needs a directory there to install "
					  "%s; remove the link or make it point "
					  "at a directory, then try again; "
					  "nothing was changed"),
					target_path(t, dir, shown, sizeof shown),
					path);
			missing = 1;
		}
		if (missing && !has_dir(p, dir) && plan_add_new_dir(p, dir))
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	/* dir is the parent now, if path has one. */
	if (parent_missing && strchr(path, '/'))
		*parent_missing = has_dir(p, dir);
	return KEEL_OK;
}
