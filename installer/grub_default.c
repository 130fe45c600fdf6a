/* grub_default.c: resolves grub.cfg's default the way GRUB's menu code
 * does, one '>'-separated component per submenu level. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "grub_default.h"
#include "i18n.h"

/* One component: a number is a position, anything else an id or title
 * (GRUB compares the id first, then the title, entry by entry). */
static const struct grub_item *pick(const struct grub_menu *m,
				    const char *name)
{
	char *end;
	unsigned long n = strtoul(name, &end, 10);
	size_t i;

	if (*name >= '0' && *name <= '9' && *end == '\0')
		return n < m->n ? &m->items[n] : NULL;
	for (i = 0; i < m->n; i++)
		if ((m->items[i].id && strcmp(m->items[i].id, name) == 0) ||
		    strcmp(m->items[i].title, name) == 0)
			return &m->items[i];
	return NULL;
}

/* The expression with ${saved_entry} put in, as GRUB expands it. */
static char *expand(const char *expr, const char *saved_entry)
{
	const char *var = strstr(expr, "${saved_entry}");
	size_t before, len;
	char *out;

	if (!var)
		return strdup(expr);
	if (!saved_entry)
		saved_entry = "";
	before = (size_t)(var - expr);
	len = strlen(expr) - 14 + strlen(saved_entry);
	out = malloc(len + 1);
	if (out) {
		memcpy(out, expr, before);
		strcpy(out + before, saved_entry);
		strcat(out, var + 14);
	}
	return out;
}

static int walk(const struct grub_cfg *cfg, char *path, const char *origin,
		const struct grub_item **entry, struct keel_error *err)
{
	const struct grub_menu *m = &cfg->top;
	const struct grub_item *it = NULL;
	char *part = path, *next;

	for (;;) {
		next = strchr(part, '>');
		if (next)
			*next++ = '\0';
		it = pick(m, part);
		if (!it)
			return keel_error_set(err, KEEL_ENOTAPPLICABLE,
				_("%s: the default entry \"%s\" is not in the "
				  "menu; make it name an entry (GRUB_DEFAULT in "
				  "/etc/default/grub, or saved_entry in grubenv) "
				  "and run update-grub"), origin, part);
		if (!next)
			break;
		if (!it->submenu)
			return keel_error_set(err, KEEL_ENOTAPPLICABLE,
				_("%s: the default entry goes into \"%s\", which "
				  "is not a submenu"), origin, it->title);
		m = it->submenu;
		part = next;
	}
	if (it->submenu)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s: the default entry \"%s\" is a submenu, not an "
			  "entry"), origin, it->title);
	*entry = it;
	return KEEL_OK;
}

int grub_default_entry(const struct grub_cfg *cfg, const char *saved_entry,
		       const char *origin, const struct grub_item **entry,
		       struct keel_error *err)
{
	char *path;
	int rc;

	*entry = NULL;
	if (!cfg->default_expr)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not set a default entry; keel cannot tell "
			  "what this system boots (run update-grub)"), origin);
	path = expand(cfg->default_expr, saved_entry);
	if (!path)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	/* GRUB boots the first entry when the default is empty. */
	if (!*path) {
		free(path);
		path = strdup("0");
		if (!path)
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	rc = walk(cfg, path, origin, entry, err);
	free(path);
	return rc;
}
