/* undo_boot.c: the custom.cfg step of rollback and uninstall: keel's block
 * returns to what it was, the administrator's newer lines stay. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "grub_chain.h"
#include "grub_custom.h"
#include "grub_files.h"
#include "i18n.h"
#include "txn.h"
#include "undo_boot.h"

#define CUSTOM_MAX (4u << 20)

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

static int read_then(struct keel_state *s, const struct plan_entry *e,
		     char **then, struct keel_error *err)
{
	size_t len;

	*then = NULL;
	if (e->action != PLAN_RESTORE)
		return KEEL_OK;  /* there was no custom.cfg before */
	if (txn_read_saved_copy(s, e->from_tx, e->from_index, CUSTOM_MAX, then,
				&len) == 0)
		return KEEL_OK;
	return keel_error_errno(err, KEEL_EFAIL, errno,
		_("cannot read the saved copy of %s from transaction %lu"),
		e->path, e->from_tx);
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

/* The step becomes an install of text from memory. */
static void install_text(struct plan_entry *e, const struct stat *now,
			 char *text, struct boot_files *b)
{
	e->action = PLAN_INSTALL;
	e->existed = now != NULL;
	e->from_tx = 0;
	e->from_index = 0;
	e->mode = now ? (unsigned)(now->st_mode & 07777) : 0644;
	e->size = strlen(text);
	SHA256((const unsigned char *)text, e->size, e->sha256);
	b->f[0] = (struct boot_file){ GRUB_CUSTOM_CFG, text, e->size, 0 };
	b->n = 1;
}

int undo_boot_keep_custom(struct keel_state *s, struct plan *p,
			  struct boot_files *b, char **text,
			  struct keel_error *err)
{
	long k = plan_find(p, GRUB_CUSTOM_CFG);
	char *now = NULL, *then = NULL, *merged = NULL, *fresh = NULL;
	char *out_now = NULL, *out_then = NULL, *put;
	char where[4096];
	struct stat st;
	size_t len;
	int has_now, rc;

	b->n = 0;
	*text = NULL;
	if (k < 0)
		return KEEL_OK;
	has_now = target_lstat(&s->target, GRUB_CUSTOM_CFG, &st) == 0 &&
		  target_read_file(&s->target, GRUB_CUSTOM_CFG, CUSTOM_MAX,
				   &now, &len) == 0;
	rc = read_then(s, &p->e[k], &then, err);
	/* Lines outside keel's block that changed since stay. */
	if (!rc && has_now && (out_now = outside(now)) &&
	    (out_then = outside(then)) && strcmp(out_now, out_then) != 0) {
		target_path(&s->target, GRUB_CUSTOM_CFG, where, sizeof where);
		rc = merge(now, then, where, &merged, err);
	}
	put = rc ? NULL : refreshed(s, merged ? merged : then, &fresh);
	if (put && put != then) {
		*text = put;
		install_text(&p->e[k], has_now ? &st : NULL, put, b);
	}
	if (put != merged)
		free(merged);
	if (put != fresh)
		free(fresh);
	free(now);
	free(then);
	free(out_now);
	free(out_then);
	return rc;
}
