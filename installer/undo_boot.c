/* undo_boot.c: the custom.cfg step of rollback and uninstall: keel's block
 * returns to what it was, the administrator's newer lines stay. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

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

int undo_boot_keep_custom(struct keel_state *s, struct plan *p,
			  struct boot_files *b, char **text,
			  struct keel_error *err)
{
	long k = plan_find(p, GRUB_CUSTOM_CFG);
	char *now = NULL, *then = NULL, *out_now = NULL, *out_then = NULL;
	char where[4096];
	struct plan_entry *e;
	struct stat st;
	size_t len;
	int rc = KEEL_OK;

	b->n = 0;
	*text = NULL;
	if (k < 0 || target_lstat(&s->target, GRUB_CUSTOM_CFG, &st) != 0 ||
	    target_read_file(&s->target, GRUB_CUSTOM_CFG, CUSTOM_MAX, &now,
			     &len) != 0)
		return KEEL_OK;  /* gone since: what was saved goes back */
	e = &p->e[k];
	rc = read_then(s, e, &then, err);
	if (!rc && (out_now = outside(now)) && (out_then = outside(then)) &&
	    strcmp(out_now, out_then) != 0) {
		target_path(&s->target, GRUB_CUSTOM_CFG, where, sizeof where);
		rc = merge(now, then, where, text, err);
		if (!rc) {
			e->action = PLAN_INSTALL;
			e->existed = 1;
			e->from_tx = 0;
			e->from_index = 0;
			e->mode = (unsigned)(st.st_mode & 07777);
			e->size = strlen(*text);
			SHA256((const unsigned char *)*text, e->size, e->sha256);
			b->f[0] = (struct boot_file){ GRUB_CUSTOM_CFG, *text,
						      e->size, 0 };
			b->n = 1;
		}
	}
	free(now);
	free(then);
	free(out_now);
	free(out_then);
	return rc;
}
