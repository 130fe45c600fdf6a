/* grub_files.c: reads a target's grub.cfg, custom.cfg and grubenv as GRUB
 * would run them, and works out the default entry and its menu number. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_custom.h"
#include "grub_default.h"
#include "grub_files.h"
#include "i18n.h"

#define CFG_MAX (4u << 20)  /* grub.cfg of hundreds of kernels is 1 MiB */

void grub_files_free(struct grub_files *f)
{
	free(f->cfg_text);
	free(f->custom_text);
	free(f->env_text);
	grubcfg_free(&f->cfg);
	grubcfg_free(&f->custom);
	grubcfg_free(&f->outside);
	grubenv_free(&f->env);
	grub_block_free(&f->block);
	memset(f, 0, sizeof *f);
}

/* Reads rel; a missing file leaves *text NULL unless required. */
static int read_one(const struct target *t, const char *rel, int required,
		    const char *where, char **text, size_t *len,
		    struct keel_error *err)
{
	size_t n;

	if (target_read_file(t, rel, CFG_MAX, text, len ? len : &n) == 0)
		return KEEL_OK;
	if (errno == ENOENT && !required)
		return KEEL_OK;
	if (errno == ENOENT)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not exist: keel registers keel-hv with GRUB 2; "
			  "is GRUB installed on this system, and its /boot "
			  "mounted?"), where);
	return keel_error_errno(err, KEEL_EFAIL, errno, _("cannot read %s"),
				where);
}

/* Keel's block, and the rest of custom.cfg parsed on its own. */
static int parse_block(struct grub_files *f, struct keel_error *err)
{
	char *text = grub_custom_block(f->custom_text), *outside = NULL;
	int rc = text ? grub_block_parse(text, &f->block) : -1;

	free(text);
	if (rc)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = grub_custom_update(f->custom_text, NULL, f->where[1], &outside,
				err);
	if (!rc)
		rc = grubcfg_parse(outside, f->where[1], &f->outside, err);
	free(outside);
	return rc;
}

int grub_files_read(const struct target *t, struct grub_files *f,
		    struct keel_error *err)
{
	return grub_files_read_as(t, NULL, f, err);
}

int grub_files_read_as(const struct target *t, const char *custom,
		       struct grub_files *f, struct keel_error *err)
{
	int rc;

	memset(f, 0, sizeof *f);
	target_path(t, GRUB_CFG, f->where[0], sizeof f->where[0]);
	target_path(t, GRUB_CUSTOM_CFG, f->where[1], sizeof f->where[1]);
	target_path(t, GRUB_ENV, f->where[2], sizeof f->where[2]);
	grubenv_init(&f->env);
	rc = read_one(t, GRUB_CFG, 1, f->where[0], &f->cfg_text, NULL, err);
	if (!rc && custom && !(f->custom_text = strdup(custom)))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc && !custom)
		rc = read_one(t, GRUB_CUSTOM_CFG, 0, f->where[1], &f->custom_text,
			      NULL, err);
	if (!rc)
		rc = read_one(t, GRUB_ENV, 0, f->where[2], &f->env_text,
			      &f->env_len, err);
	if (!rc)
		rc = grubcfg_parse(f->cfg_text, f->where[0], &f->cfg, err);
	if (!rc)
		rc = grubcfg_parse(f->custom_text ? f->custom_text : "",
				   f->where[1], &f->custom, err);
	if (!rc && f->env_text)
		rc = grubenv_parse(f->env_text, f->env_len, f->where[2], &f->env,
				   err);
	if (!rc)
		rc = parse_block(f, err);
	if (rc)
		grub_files_free(f);
	return rc;
}

/* The default of grub.cfg followed by custom (a parse of custom.cfg). */
static int resolve(struct grub_files *f, const struct grub_cfg *custom,
		   const struct grub_item **e, struct keel_error *err)
{
	struct grub_cfg both = f->cfg;
	size_t n = f->cfg.top.n + custom->top.n;
	int rc;

	both.top.items = malloc((n ? n : 1) * sizeof *both.top.items);
	if (!both.top.items)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (f->cfg.top.n)
		memcpy(both.top.items, f->cfg.top.items,
		       f->cfg.top.n * sizeof *both.top.items);
	if (custom->top.n)
		memcpy(both.top.items + f->cfg.top.n, custom->top.items,
		       custom->top.n * sizeof *both.top.items);
	both.top.n = n;
	if (custom->default_expr)
		both.default_expr = custom->default_expr;
	rc = grub_default_entry(&both, grubenv_get(&f->env, "saved_entry"),
				f->where[0], e, err);
	/* A top-level entry is in the joined copy: point into the original. */
	if (!rc && *e >= both.top.items && *e < both.top.items + n) {
		size_t i = (size_t)(*e - both.top.items);

		*e = i < f->cfg.top.n ? &f->cfg.top.items[i]
				      : &custom->top.items[i - f->cfg.top.n];
	}
	free(both.top.items);
	return rc;
}

int grub_files_default(struct grub_files *f, const struct grub_item **e,
		       struct keel_error *err)
{
	return resolve(f, &f->custom, e, err);
}

int grub_files_chained(struct grub_files *f, const struct grub_item **e,
		       struct keel_error *err)
{
	int rc = resolve(f, &f->outside, e, err);

	if (rc != KEEL_ENOTAPPLICABLE)
		return rc;
	keel_error_clear(err);
	return resolve(f, &f->custom, e, err);
}

static int same_item(const struct grub_item *a, const struct grub_item *b)
{
	if (a->id || b->id)
		return a->id && b->id && strcmp(a->id, b->id) == 0;
	return strcmp(a->title, b->title) == 0;
}

/* e's number in the menu of grub.cfg followed by custom (as GRUB counts
 * for "fallback": top-level entries and submenus), or -1. */
static long menu_number(const struct grub_files *f, const struct grub_cfg *custom,
			const struct grub_item *e)
{
	size_t i;

	if (e >= f->cfg.top.items && e < f->cfg.top.items + f->cfg.top.n)
		return (long)(e - f->cfg.top.items);
	if (!(e >= f->custom.top.items &&
	      e < f->custom.top.items + f->custom.top.n))
		return -1;
	for (i = 0; i < custom->top.n; i++)
		if (same_item(&custom->top.items[i], e))
			return (long)(f->cfg.top.n + i);
	return -1;
}

static int update(const struct grub_files *f, const struct grub_block *b,
		  char **out, struct keel_error *err)
{
	char *text = grub_block_format(b);
	int rc;

	*out = NULL;
	if (!text)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = grub_custom_update(f->custom_text, text, f->where[1], out, err);
	free(text);
	return rc;
}

const struct grub_item *grub_files_top_item(const struct grub_files *f,
					    const char *id_or_title)
{
	const struct grub_menu *menus[] = { &f->cfg.top, &f->custom.top };
	size_t m, i;

	for (m = 0; m < 2; m++)
		for (i = 0; i < menus[m]->n; i++) {
			const struct grub_item *it = &menus[m]->items[i];

			if ((it->id && strcmp(it->id, id_or_title) == 0) ||
			    (!it->id && strcmp(it->title, id_or_title) == 0))
				return it;
		}
	return NULL;
}

int grub_files_custom(const struct grub_files *f, struct grub_block *b,
		      const struct grub_item *e, char **out,
		      struct keel_error *err)
{
	struct grub_cfg custom;
	char num[32];
	long n;
	int rc = update(f, b, out, err);

	/* The fallback line moves no entry: number them in this text. */
	if (!rc)
		rc = grubcfg_parse(*out, f->where[1], &custom, err);
	if (rc)
		goto out;
	n = menu_number(f, &custom, e);
	grubcfg_free(&custom);
	snprintf(num, sizeof num, "%ld", n);
	if (grub_block_set(&b->fallback, n >= 0 ? num : NULL) ||
	    grub_block_set(&b->fallback_of, n < 0 ? NULL :
			   e->id ? e->id : e->title)) {
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		goto out;
	}
	free(*out);
	rc = update(f, b, out, err);
out:
	if (rc) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
