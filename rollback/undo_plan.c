/* undo_plan.c: turns the plans of installed levels into the plan that
 * undoes them, checking first that every saved copy it needs is there. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"
#include "txn.h"
#include "txn_preflight.h"
#include "txn_run.h"
#include "saved.h"
#include "undo_keep.h"
#include "undo_plan.h"

/* Adds the step that returns path to what transaction from->tx found
 * there (entry i of its plan); last is the entry of the level that wrote
 * the path last: if the file differs from what that level left, the
 * administrator's version is kept beside it first (undo_keep.h). */
int undo_plan_step(struct keel_state *s, struct plan *out,
		   const struct plan *from, size_t i,
		   const struct plan_entry *last, struct keel_error *err)
{
	const struct plan_entry *fe = &from->e[i];
	struct plan_entry *e;
	struct stat st;
	int exists = target_lstat(&s->target, fe->path, &st) == 0, rc;

	if (!fe->existed && !exists)
		return KEEL_OK;  /* already as before */
	/* keel left a file or link there; what stands there now is not
	 * keel's to remove or to copy aside. */
	if (exists && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return txn_refuse_not_file(s, fe->path, err);
	if (exists && undo_keep_changed(s, last) &&
	    (rc = undo_keep_add(s, out, fe->path, err)))
		return rc;
	/* A superseding level may have removed the directory since. */
	if (fe->existed) {
		rc = txn_plan_parents(&s->target, out, fe->path, NULL, err);
		if (rc)
			return rc;
	}
	e = plan_add(out, fe->path, PLAN_REMOVE, exists);
	if (!e)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (fe->existed)
		return saved_restore_step(s, e, from, i, err);
	e->from_tx = from->tx;
	e->from_index = i;
	return KEEL_OK;
}

static int add_drop_dirs(struct plan *out, const struct plan *from)
{
	size_t i = from->n_new_dirs;

	while (i-- > 0)  /* deepest first, so parents empty out */
		if (plan_add_drop_dir(out, from->new_dirs[i]))
			return -1;
	return 0;
}

static int start(struct plan *out, unsigned long tx, const char *op)
{
	memset(out, 0, sizeof *out);
	out->tx = tx;
	out->op = strdup(op);
	return out->op ? 0 : -1;
}

int undo_plan_rollback(struct keel_state *s, const struct levels *l,
		       unsigned long tx, struct plan *out,
		       struct keel_error *err)
{
	struct plan top;
	size_t i;
	int rc;

	rc = txn_load_plan(s, l->v[l->n - 1].tx, &top, err);
	if (rc)
		return rc;
	if (start(out, tx, "rollback") || plan_add_release(out, top.tx) ||
	    add_drop_dirs(out, &top))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	for (i = 0; !rc && i < top.n; i++)
		rc = undo_plan_step(s, out, &top, i, &top.e[i], err);
	plan_free(&top);
	if (rc)
		plan_free(out);
	return rc;
}

/* Levels from the bottom up: the first level that touched a path holds
 * what was there before keel. */
static int add_level(struct keel_state *s, struct plan *out,
		     struct plan *seen, const struct plan *latest,
		     unsigned long tx, struct keel_error *err)
{
	struct plan lp;
	size_t i;
	int rc = txn_load_plan(s, tx, &lp, err);

	if (rc)
		return rc;
	if (plan_add_release(out, tx))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	for (i = 0; !rc && i < lp.n; i++) {
		/* Seen paths include those already as before keel, which add
		 * no step: an upper level's change to them must not count. */
		if (plan_find(seen, lp.e[i].path) >= 0)
			continue;
		if (!plan_add(seen, lp.e[i].path, PLAN_REMOVE, 0))
			rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		else
			rc = undo_plan_step(s, out, &lp, i, &latest->e[
				plan_find(latest, lp.e[i].path)], err);
	}
	plan_free(&lp);
	return rc;
}

/* Directories made by upper levels go before those of lower ones. */
static int add_all_drop_dirs(struct keel_state *s, const struct levels *l,
			     struct plan *out, struct keel_error *err)
{
	struct plan lp;
	size_t k = l->n;
	int rc = KEEL_OK;

	while (!rc && k-- > 0) {
		rc = txn_load_plan(s, l->v[k].tx, &lp, err);
		if (rc)
			break;
		if (add_drop_dirs(out, &lp))
			rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		plan_free(&lp);
	}
	return rc;
}

/* For each path any level touched, the entry of the highest level that
 * touched it: what keel left there last. */
static int collect_latest(struct keel_state *s, const struct levels *l,
			  struct plan *latest, struct keel_error *err)
{
	struct plan lp;
	struct plan_entry *e;
	size_t k = l->n, i;
	int rc = KEEL_OK;

	while (!rc && k-- > 0) {
		rc = txn_load_plan(s, l->v[k].tx, &lp, err);
		for (i = 0; !rc && i < lp.n; i++) {
			if (plan_find(latest, lp.e[i].path) >= 0)
				continue;
			e = plan_add(latest, lp.e[i].path, lp.e[i].action,
				     lp.e[i].existed);
			if (!e) {
				rc = keel_error_set(err, KEEL_EFAIL,
						    _("out of memory"));
				break;
			}
			*e = (struct plan_entry){ .path = e->path,
				.action = lp.e[i].action, .existed = lp.e[i].existed,
				.mode = lp.e[i].mode, .size = lp.e[i].size,
				.from_saved = lp.e[i].from_saved };
			memcpy(e->sha256, lp.e[i].sha256, sizeof e->sha256);
		}
		plan_free(&lp);
	}
	return rc;
}

int undo_plan_uninstall(struct keel_state *s, const struct levels *l,
			unsigned long tx, struct plan *out,
			struct keel_error *err)
{
	struct plan seen = { 0 }, latest = { 0 };
	size_t k;
	int rc = KEEL_OK;

	if (start(out, tx, "uninstall"))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = collect_latest(s, l, &latest, err);
	for (k = 0; !rc && k < l->n; k++)
		rc = add_level(s, out, &seen, &latest, l->v[k].tx, err);
	plan_free(&seen);
	plan_free(&latest);
	if (!rc)
		rc = add_all_drop_dirs(s, l, out, err);
	if (rc)
		plan_free(out);
	return rc;
}
