/* undo_boot.c: GRUB's files in rollback and uninstall: keel's block in
 * custom.cfg and its next_entry in grubenv are undone on the files as they
 * are now, so what the administrator changed since stays. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "grub_chain.h"
#include "grub_custom.h"
#include "grub_files.h"
#include "i18n.h"
#include "saved.h"
#include "txn.h"
#include "undo_boot.h"
#include "undo_gone.h"
#include "undo_grubenv.h"
#include "undo_keep.h"

#define GRUB_FILE_MAX (4u << 20)

/* One of GRUB's files: as it is now, as the level found it, and what the
 * undo writes instead of the plan's step (NULL: the step stands). */
struct undo_file {
	const char *rel;
	char where[4096];
	struct stat st;
	int exists;         /* something is at rel now */
	int removed;        /* nothing is: the administrator removed it */
	int readable;       /* ... and now holds it */
	int as_saved;       /* the level found no file there (a symlink):
			       the plan's step puts that back as it was */
	int unreadable_block;  /* keel cannot tell its own lines from the
				  administrator's in the file as it is now */
	char *now, *then, *put;
	size_t now_len, then_len, put_len;
};

static void undo_file_free(struct undo_file *f)
{
	free(f->now);
	free(f->then);
	free(f->put);
}

/* The saved copy keel read is the one its transaction recorded: the plan
 * checked the backup, but a merged text goes in from memory, past the
 * check the restore step would have made again. */
static int check_then(const struct keel_state *s, const struct plan_entry *e,
		      const struct undo_file *f, struct keel_error *err)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	int rc;

	SHA256((const unsigned char *)f->then, f->then_len, md);
	if (f->then_len == e->from_saved.size &&
	    memcmp(md, e->from_saved.sha256, sizeof md) == 0)
		return KEEL_OK;
	rc = saved_check_copy(s, e->from_tx, e->from_index, &e->from_saved,
			      e->path, err);
	return rc ? rc : keel_error_set(err, KEEL_EFAIL,
		_("the saved copy of %s changed while keel read it; keel "
		  "changes nothing. Run the command again"), f->where);
}

/* Reads the file as it is now and, when the plan puts back a saved copy,
 * that copy. A file keel cannot read now leaves the plan's step alone. */
static int read_both(struct keel_state *s, const struct plan *p,
		     struct undo_file *f, struct keel_error *err)
{
	long k = plan_find(p, f->rel);
	const struct plan_entry *e = k >= 0 ? &p->e[k] : NULL;

	target_path(&s->target, f->rel, f->where, sizeof f->where);
	f->exists = target_lstat(&s->target, f->rel, &f->st) == 0;
	f->removed = !f->exists && errno == ENOENT;
	f->readable = f->exists &&
		target_read_file(&s->target, f->rel, GRUB_FILE_MAX, &f->now,
				 &f->now_len) == 0;
	if (!e || e->action != PLAN_RESTORE)
		return KEEL_OK;  /* there was no such file before */
	f->as_saved = e->from_saved.kind != SAVED_FILE;
	if (f->as_saved)
		return KEEL_OK;
	if (txn_read_saved_copy(s, e->from_tx, e->from_index, GRUB_FILE_MAX,
				&f->then, &f->then_len) == 0)
		return check_then(s, e, f, err);
	return keel_error_errno(err, KEEL_EFAIL, errno,
		_("cannot read the saved copy of %s from transaction %lu"),
		e->path, e->from_tx);
}

/* The step goes: the file stays as it is now (or stays removed). */
static void drop_step(struct plan *p, const char *rel)
{
	long k = plan_find(p, rel);

	if (k < 0)
		return;
	free(p->e[k].path);
	memmove(&p->e[k], &p->e[k + 1],
		(p->n - (size_t)k - 1) * sizeof *p->e);
	p->n--;
}

/* text without keel's block ("" for none); NULL when out of memory or
 * when the block is not closed (then the saved copy goes back as it is). */
static char *outside(const char *text)
{
	struct keel_error ignored = { 0 };
	char *out = NULL;

	if (grub_custom_update(text, NULL, "custom.cfg", &out, &ignored))
		return NULL;
	return out;
}

/* Now's text with then's block (none if then had none). */
static int merge(const char *now, const char *then, const char *where,
		 char **out, struct keel_error *err)
{
	char *block = NULL;
	int rc;

	if (then && strstr(then, GRUB_CUSTOM_BEGIN) &&
	    !(block = grub_custom_block(then)))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = grub_custom_update(now, block, where, out, err);
	free(block);
	return rc;
}

/* The entries of the block going back may chain a kernel removed since
 * (a refresh after the apply is undone with it): point them at what GRUB
 * boots now, as keel refresh would. A block keel cannot refresh goes back
 * as it was: undoing must not fail on it. Returns text or its refresh. */
static char *refreshed(struct keel_state *s, char *text, char **fresh)
{
	struct keel_error ignored = { 0 };
	struct grub_chain c;

	*fresh = NULL;
	if (!text || !strstr(text, GRUB_CUSTOM_BEGIN) ||
	    grub_chain_refresh_text(&s->target, text, &c, &ignored))
		return text;
	if (!c.unchanged) {
		*fresh = c.custom_cfg;
		c.custom_cfg = NULL;
	}
	grub_chain_free(&c);
	return *fresh ? *fresh : text;
}

/* keel cannot undo its edit on the file as it is now: the plan's step
 * stands, and the file as it is now is kept beside it as PATH.keel-old,
 * as keel keeps any other file the administrator changed. */
static int keep_whole(struct keel_state *s, struct plan *p,
		      const struct undo_file *f, const char *why,
		      struct keel_error *err)
{
	fprintf(stderr, _("keel: warning: %s; keel undoes its change to %s as "
			  "it recorded it, and keeps the file as it is now as "
			  "%s%s\n"), why, f->where, f->where, PLAN_KEEP_SUFFIX);
	return undo_keep_add(s, p, f->rel, err);
}

/* The administrator's lines: those of now when they differ from then's
 * (a removed file has none), with then's block. *merged stays NULL when
 * the saved copy can go back as it is. */
static int keep_admin_lines(struct undo_file *f, char **merged,
			    struct keel_error *err)
{
	char *out_now = NULL, *out_then = NULL;
	int rc = KEEL_OK;

	*merged = NULL;
	if (f->removed)
		rc = merge(NULL, f->then, f->where, merged, err);
	else if (f->readable && !(out_now = outside(f->now)))
		f->unreadable_block = 1;
	else if (f->readable && (out_then = outside(f->then)) &&
		 strcmp(out_now, out_then))
		rc = merge(f->now, f->then, f->where, merged, err);
	free(out_now);
	free(out_then);
	return rc;
}

static int custom_plan(struct keel_state *s, struct plan *p,
		       struct undo_file *f, struct keel_error *err)
{
	char *merged = NULL, *fresh = NULL, *put;
	int rc;

	if (plan_find(p, f->rel) < 0 || f->as_saved)
		return KEEL_OK;
	/* Removed since, and the level below had no block: keel has nothing
	 * to put back there. */
	if (f->removed && !(f->then && strstr(f->then, GRUB_CUSTOM_BEGIN))) {
		drop_step(p, f->rel);
		fprintf(stderr, _("keel: %s was removed since keel wrote it, "
				  "and it stays removed\n"), f->where);
		return KEEL_OK;
	}
	rc = keep_admin_lines(f, &merged, err);
	if (!rc && f->unreadable_block)
		rc = keep_whole(s, p, f, _("keel cannot find where its own "
					   "block in custom.cfg ends"), err);
	if (!rc && merged)
		fprintf(stderr, _("keel: %s changed since keel wrote it: keel "
				  "puts back only its own block and keeps the "
				  "other lines as they are now\n"), f->where);
	put = rc ? NULL : refreshed(s, merged ? merged : f->then, &fresh);
	if (put && put != f->then) {
		f->put = put;
		f->put_len = strlen(put);
	}
	if (put != merged)
		free(merged);
	if (put != fresh)
		free(fresh);
	return rc;
}

/* The text custom.cfg has after the undo (NULL: no file). */
static const char *custom_after(const struct undo_file *f,
				const struct plan *p)
{
	long k = plan_find(p, f->rel);

	if (f->put)
		return f->put;
	if (k < 0)
		return f->readable ? f->now : NULL;
	return p->e[k].action == PLAN_RESTORE ? f->then : NULL;
}

static int env_plan(struct keel_state *s, struct plan *p,
		    const struct undo_gone *gone, struct undo_file *f,
		    struct keel_error *err)
{
	struct undo_env_in in = { f->now, f->now_len, f->then, f->then_len,
				  f->where };
	enum undo_env_outcome o;
	char why[KEEL_ERROR_MAX];
	int rc;

	if (plan_find(p, f->rel) < 0 || f->as_saved ||
	    (!f->readable && !f->removed))
		return KEEL_OK;  /* nothing to undo, or the step's checks say */
	rc = undo_grubenv_merge(&in, gone, &f->put, &f->put_len, &o, err);
	if (rc == KEEL_ENOTAPPLICABLE) {
		/* Not a block GRUB reads: keel cannot tell whose it is. */
		snprintf(why, sizeof why, "%s", err->msg);
		keel_error_clear(err);
		return keep_whole(s, p, f, why, err);
	}
	if (rc || o == UNDO_ENV_SAVED)
		return rc;
	if (o == UNDO_ENV_NOW)
		drop_step(p, f->rel);
	if (f->exists)
		fprintf(stderr, _("keel: %s changed since keel wrote it: keel "
				  "undoes only its own next_entry and keeps the "
				  "rest as it is now\n"), f->where);
	else
		fprintf(stderr, _("keel: %s was removed since keel wrote it, "
				  "and it stays removed\n"), f->where);
	return KEEL_OK;
}

/* The text grubenv has after the undo, and its length (NULL: none). */
static const char *env_after(const struct undo_file *f, const struct plan *p,
			     size_t *len)
{
	long k = plan_find(p, f->rel);

	if (f->put) {
		*len = f->put_len;
		return f->put;
	}
	if (k < 0 || p->e[k].action == PLAN_RESTORE) {
		*len = k < 0 ? f->now_len : f->then_len;
		return k < 0 ? f->now : f->then;
	}
	return NULL;
}

/* The administrator's variable stays as they set it; they learn that it
 * names an entry no longer in the menu (GRUB then boots the first). */
static void warn_stale(const char *where, const char *value, const char *op,
		       int in_env)
{
	if (in_env)
		fprintf(stderr, _("keel: warning: %s sets saved_entry to "
				  "\"%s\", an entry that \"keel %s\" takes "
				  "away. keel leaves the variable as it is; "
				  "where GRUB's default is the saved entry, GRUB "
				  "boots its first menu entry instead until you "
				  "choose another (grub-set-default)\n"),
			where, value, op);
	else
		fprintf(stderr, _("keel: warning: %s sets default to \"%s\", "
				  "an entry that \"keel %s\" takes away. keel "
				  "leaves the line as it is; GRUB boots its "
				  "first menu entry instead until you change "
				  "it\n"), where, value, op);
}

/* The administrator's own default may name a keel entry that goes: it is
 * theirs, so it stays, but they learn that it now names nothing. */
static void check_defaults(const struct plan *p, const struct undo_gone *g,
			   const struct undo_file *custom,
			   const struct undo_file *env)
{
	const char *text = custom_after(custom, p);
	char *v, *rest = text ? outside(text) : NULL;
	size_t len = 0;
	const char *etext = env_after(env, p, &len);

	v = undo_grubenv_stale(etext, len, g);
	if (v)
		warn_stale(env->where, v, p->op, 1);
	free(v);
	v = rest ? undo_gone_default(rest, g) : NULL;
	if (v)
		warn_stale(custom->where, v, p->op, 0);
	free(v);
	free(rest);
}

/* The step becomes an install of data from memory. */
static void install_from(struct plan_entry *e, const struct undo_file *f,
			 const char *data)
{
	e->action = PLAN_INSTALL;
	e->existed = f->exists;
	e->from_tx = 0;
	e->from_index = 0;
	e->mode = f->exists ? (unsigned)(f->st.st_mode & 07777) : 0644;
	e->size = f->put_len;
	SHA256((const unsigned char *)data, f->put_len, e->sha256);
}

/* Both texts go into one allocation, which the caller frees. */
static int attach(struct plan *p, struct undo_file *files, size_t n,
		  struct boot_files *b, char **text, struct keel_error *err)
{
	size_t i, total = 1, at = 0;
	char *buf;

	for (i = 0; i < n; i++)
		total += files[i].put ? files[i].put_len : 0;
	if (total == 1)
		return KEEL_OK;
	buf = malloc(total);
	if (!buf)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	for (i = 0; i < n; i++) {
		struct undo_file *f = &files[i];

		if (!f->put)
			continue;
		memcpy(buf + at, f->put, f->put_len);
		install_from(&p->e[plan_find(p, f->rel)], f, buf + at);
		b->f[b->n++] = (struct boot_file){ f->rel, buf + at,
						   f->put_len, 0 };
		at += f->put_len;
	}
	*text = buf;
	return KEEL_OK;
}

int undo_boot_keep_custom(struct keel_state *s, struct plan *p,
			  struct boot_files *b, char **text,
			  struct keel_error *err)
{
	struct undo_file f[2] = { { .rel = GRUB_CUSTOM_CFG },
				  { .rel = GRUB_ENV } };
	struct undo_gone gone = { 0 };
	int rc;

	b->n = 0;
	*text = NULL;
	rc = read_both(s, p, &f[0], err);
	if (!rc)
		rc = custom_plan(s, p, &f[0], err);
	if (!rc)
		rc = undo_gone_find(s, p, f[0].readable ? f[0].now : NULL,
				    custom_after(&f[0], p), &gone, err);
	if (!rc)
		rc = read_both(s, p, &f[1], err);
	if (!rc)
		rc = env_plan(s, p, &gone, &f[1], err);
	if (!rc)
		check_defaults(p, &gone, &f[0], &f[1]);
	if (!rc)
		rc = attach(p, f, 2, b, text, err);
	undo_gone_free(&gone);
	undo_file_free(&f[0]);
	undo_file_free(&f[1]);
	return rc;
}
