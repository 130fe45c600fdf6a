/* apply_plan.c: the checks that decide whether a pack fits the target's
 * levels, and the plan of an apply: install, replace, remove, directories. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply_plan.h"
#include "apply_protect.h"
#include "i18n.h"
#include "txn.h"
#include "txn_run.h"
#include "undo_plan.h"

static int check_product(const struct levels *l, const struct keel_manifest *m,
			 struct keel_error *err)
{
	const char *have = l->n ? level_name(&l->v[l->n - 1]) : NULL;
	struct keel_version mine;

	if (have && strcmp(have, m->name) != 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("this target runs %s, and the pack is %s: a pack "
			  "applies only over its own product"), have, m->name);
	if (strcmp(m->arch, "x86_64") != 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the pack is built for %s; keel installs x86_64 "
			  "packs only"), m->arch);
	if (m->min_keel && version_parse(PACKAGE_VERSION, &mine) == 0) {
		struct keel_version need;

		if (version_parse(m->min_keel, &need) == 0 &&
		    version_compare(&mine, &need) < 0)
			return keel_error_set(err, KEEL_ENOTAPPLICABLE,
				_("the pack needs keel %s or later to install "
				  "it; this is keel %s: update keel first"),
				m->min_keel, PACKAGE_VERSION);
	}
	return KEEL_OK;
}

int apply_check_fit(const struct levels *l, const struct keel_manifest *m,
		    int allow_downgrade, enum apply_fit *fit,
		    struct keel_error *err)
{
	struct keel_version top;
	const char *have;
	int rc = check_product(l, m, err), cmp;

	if (rc)
		return rc;
	if (l->n == 0) {
		*fit = APPLY_NEW;
		return KEEL_OK;
	}
	have = level_version(&l->v[l->n - 1]);
	if (version_parse(have, &top))
		return keel_error_set(err, KEEL_EFAIL,
			_("the journal records the installed version \"%s\", "
			  "which is not a version: the state is damaged"), have);
	cmp = version_compare(&m->ver, &top);
	if (cmp == 0)
		*fit = APPLY_SAME;
	else if (cmp > 0)
		*fit = APPLY_UPGRADE;
	else if (allow_downgrade)
		*fit = APPLY_DOWNGRADE;
	else
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s %s is older than the installed %s: refused; to go "
			  "back use \"keel rollback\", or apply it with "
			  "--allow-downgrade"), m->name, m->version, have);
	return KEEL_OK;
}

static int add_file(struct keel_state *s, struct plan *p,
		    const struct keel_file *f, struct keel_error *err)
{
	char shown[PATH_MAX];
	struct plan_entry *e;
	struct stat st;
	int existed, rc, parent_missing;

	if (strncmp(f->path, STATE_DIR "/", sizeof STATE_DIR) == 0 ||
	    strcmp(f->path, STATE_DIR) == 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the pack would write %s, inside keel's own state "
			  "directory: refused"), f->path);
	rc = txn_plan_parents(&s->target, p, f->path, &parent_missing, err);
	if (!rc)
		rc = apply_check_protected(&s->target, f->path, err);
	if (rc)
		return rc;
	/* In a directory the plan creates, nothing can be in the way. */
	existed = !parent_missing && target_lstat(&s->target, f->path, &st) == 0;
	if (!existed && !parent_missing && errno != ENOENT)
		return keel_error_errno(err, KEEL_EFAIL, errno, _("cannot examine %s"),
			target_path(&s->target, f->path, shown, sizeof shown));
	if (existed && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s is a directory or a special file, and the pack "
			  "installs a file there; move it aside and try again"),
			target_path(&s->target, f->path, shown, sizeof shown));
	e = plan_add(p, f->path, PLAN_INSTALL, existed);
	if (!e)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	e->mode = f->mode;
	e->size = f->size;
	memcpy(e->sha256, f->sha256, sizeof e->sha256);
	return KEEL_OK;
}

static int supersedes(const struct keel_manifest *m, const char *version)
{
	size_t i;

	for (i = 0; i < m->n_supersedes; i++)
		if (strcmp(m->supersedes[i], version) == 0)
			return 1;
	return 0;
}

/* The paths the levels still in force (not superseded) installed. */
static int collect_kept(struct keel_state *s, const struct levels *l,
			const struct keel_manifest *m, struct plan *keep,
			struct keel_error *err)
{
	struct plan lp;
	size_t k, i;
	int rc = KEEL_OK;

	for (k = 0; !rc && k < l->n; k++) {
		if (supersedes(m, level_version(&l->v[k])))
			continue;
		rc = txn_load_plan(s, l->v[k].tx, &lp, err);
		for (i = 0; !rc && i < lp.n; i++)
			if (lp.e[i].action != PLAN_REMOVE &&
			    !plan_add(keep, lp.e[i].path, PLAN_INSTALL, 1))
				rc = keel_error_set(err, KEEL_EFAIL,
						    _("out of memory"));
		plan_free(&lp);
	}
	return rc;
}

/* A file that a superseded level installed and the new pack no longer
 * ships returns to what that level found (gone, or the file it replaced),
 * unless a level still in force installed it too. */
static int undo_superseded(struct keel_state *s, struct plan *p,
			   const struct plan *keep, const struct plan *lp,
			   struct keel_error *err)
{
	const struct plan_entry *le;
	struct stat st;
	size_t i;
	int rc;

	for (i = 0; i < lp->n; i++) {
		le = &lp->e[i];
		if (le->action == PLAN_REMOVE || plan_find(p, le->path) >= 0 ||
		    plan_find(keep, le->path) >= 0 ||
		    target_lstat(&s->target, le->path, &st) != 0)
			continue;
		rc = undo_plan_step(s, p, lp, i, le, err);
		if (rc)
			return rc;
	}
	for (i = lp->n_new_dirs; i-- > 0;)
		if (plan_add_drop_dir(p, lp->new_dirs[i]))
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	return KEEL_OK;
}

static int add_superseded(struct keel_state *s, struct plan *p,
			  const struct levels *l, const struct keel_manifest *m,
			  struct keel_error *err)
{
	struct plan keep = { 0 }, lp;
	size_t k;
	int rc = collect_kept(s, l, m, &keep, err);

	for (k = l->n; !rc && k-- > 0;) {
		if (!supersedes(m, level_version(&l->v[k])))
			continue;
		rc = txn_load_plan(s, l->v[k].tx, &lp, err);
		if (rc)
			break;
		rc = undo_superseded(s, p, &keep, &lp, err);
		plan_free(&lp);
	}
	plan_free(&keep);
	return rc;
}

int apply_plan_build(struct keel_state *s, const struct levels *l,
		     const struct keel_manifest *m, unsigned long tx,
		     const struct boot_files *boot, struct plan *out,
		     struct keel_error *err)
{
	size_t i;
	int rc = KEEL_OK;

	memset(out, 0, sizeof *out);
	out->tx = tx;
	out->keep_backup = 1;
	out->op = strdup("apply");
	if (!out->op)
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	for (i = 0; !rc && i < m->n_files; i++)
		rc = add_file(s, out, &m->files[i], err);
	/* Before the superseded levels: what keel writes anew now is not
	 * put back to what an older level found. */
	if (!rc && boot)
		rc = boot_files_plan(s, out, boot, err);
	if (!rc)
		rc = add_superseded(s, out, l, m, err);
	if (rc)
		plan_free(out);
	return rc;
}
