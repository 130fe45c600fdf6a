/* undo_gone.c: which keel entries leave GRUB's menu in a rollback or an
 * uninstall: keel's block now and the released levels, less what stays. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_block.h"
#include "grub_custom.h"
#include "grubcfg.h"
#include "i18n.h"
#include "levels.h"
#include "undo_gone.h"

int undo_gone_add(struct undo_gone *g, const char *name)
{
	char **names, *copy;

	if (undo_gone_has(g, name))
		return 0;
	names = realloc(g->names, (g->n + 1) * sizeof *names);
	if (!names)
		return -1;
	g->names = names;
	copy = strdup(name);
	if (!copy)
		return -1;
	names[g->n++] = copy;
	return 0;
}

int undo_gone_has(const struct undo_gone *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->names[i], name) == 0)
			return 1;
	return 0;
}

void undo_gone_free(struct undo_gone *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		free(g->names[i]);
	free(g->names);
	g->names = NULL;
	g->n = 0;
}

/* keel's block of a custom.cfg text (NULL: none): 0, or -1 out of memory. */
static int block_of(const char *text, struct grub_block *b)
{
	char *inner = grub_custom_block(text);
	int rc = inner ? grub_block_parse(inner, b) : -1;

	if (!inner)
		memset(b, 0, sizeof *b);
	free(inner);
	return rc;
}

static int released(const struct plan *p, unsigned long tx)
{
	size_t i;

	for (i = 0; i < p->n_release; i++)
		if (p->release[i] == tx)
			return 1;
	return 0;
}

/* The ids that leave: in now's block or of a released level, not after. */
static int add_ids(const struct keel_state *s, const struct plan *p,
		   const struct grub_block *now, const struct grub_block *after,
		   struct undo_gone *g, struct keel_error *err)
{
	struct levels l = { 0 };
	char id[128];
	size_t i;
	int rc = KEEL_OK, nomem = 0;

	for (i = 0; i < now->n && !nomem; i++)
		if (!grub_block_find(after, now->e[i].id))
			nomem = undo_gone_add(g, now->e[i].id);
	if (!nomem)
		rc = levels_load(s, &l, err);
	for (i = 0; !rc && !nomem && i < l.n; i++) {
		snprintf(id, sizeof id, "keel-%s", level_version(&l.v[i]));
		if (released(p, l.v[i].tx) && !grub_block_find(after, id))
			nomem = undo_gone_add(g, id);
	}
	levels_free(&l);
	if (nomem)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	return rc;
}

/* GRUB takes a title where it takes an id: the titles of the gone ids. */
static int add_titles(const char *now, struct undo_gone *g)
{
	struct keel_error ignored = { 0 };
	struct grub_cfg cfg;
	size_t i;
	int nomem = 0;

	if (!now || grubcfg_parse(now, "custom.cfg", &cfg, &ignored))
		return 0;  /* the ids still tell */
	for (i = 0; i < cfg.top.n && !nomem; i++) {
		const struct grub_item *it = &cfg.top.items[i];

		if (it->id && undo_gone_has(g, it->id))
			nomem = undo_gone_add(g, it->title);
	}
	grubcfg_free(&cfg);
	return nomem;
}

int undo_gone_find(const struct keel_state *s, const struct plan *p,
		   const char *now, const char *after, struct undo_gone *g,
		   struct keel_error *err)
{
	struct grub_block b_now, b_after;
	int rc = KEEL_OK;

	if (block_of(now, &b_now) | block_of(after, &b_after))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = add_ids(s, p, &b_now, &b_after, g, err);
	if (!rc && add_titles(now, g))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	grub_block_free(&b_now);
	grub_block_free(&b_after);
	return rc;
}

char *undo_gone_default(const char *text, const struct undo_gone *g)
{
	struct keel_error ignored = { 0 };
	struct grub_cfg cfg;
	char *v = NULL;

	if (grubcfg_parse(text, "custom.cfg", &cfg, &ignored))
		return NULL;
	if (cfg.default_expr && undo_gone_has(g, cfg.default_expr))
		v = strdup(cfg.default_expr);
	grubcfg_free(&cfg);
	return v;
}
