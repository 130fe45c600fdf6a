/* grubcfg.c: reads the menu structure of a grub.cfg line by line, as far
 * as grub-mkconfig's output needs, and refuses what it cannot follow. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "grubcfg.h"
#include "i18n.h"

#define DEPTH_MAX 8  /* submenus in submenus: GRUB's own menus use 1 */

static int push_word(char ***words, size_t *n, char *w)
{
	char **grown = w ? realloc(*words, (*n + 2) * sizeof **words) : NULL;

	if (!grown) {
		free(w);
		return -1;
	}
	*words = grown;
	grown[(*n)++] = w;
	grown[*n] = NULL;
	return 0;
}

/* One word from *p; NULL with *bad set on an unterminated quote. */
static char *next_word(const char **p, int *bad)
{
	const char *s = *p;
	char *w = malloc(strlen(s) + 1), *q = w;
	char quote = 0;

	if (!w)
		return NULL;
	for (; *s && (quote || !strchr(" \t\r\n;", *s)); s++) {
		if (quote == '\'' && *s == '\'')
			quote = 0;
		else if (quote == '\'')
			*q++ = *s;
		else if (*s == '\\' && s[1])
			*q++ = *++s;
		else if (*s == '"' || (!quote && *s == '\''))
			quote = quote ? 0 : *s;
		else
			*q++ = *s;
	}
	*q = '\0';
	*bad = quote != 0;
	*p = s;
	return w;
}

int grub_split_words(const char *line, char ***words)
{
	size_t n = 0;
	int bad = 0;

	*words = calloc(1, sizeof **words);
	if (!*words)
		return -2;
	for (;;) {
		while (*line && strchr(" \t\r\n;", *line))
			line++;
		if (!*line || *line == '#')
			return (int)n;
		if (push_word(words, &n, next_word(&line, &bad)) || bad) {
			grub_free_words(*words);
			*words = NULL;
			return bad ? -1 : -2;
		}
	}
}

void grub_free_words(char **words)
{
	size_t i;

	for (i = 0; words && words[i]; i++)
		free(words[i]);
	free(words);
}

static void free_menu(struct grub_menu *m)
{
	size_t i, j;

	for (i = 0; i < m->n; i++) {
		struct grub_item *it = &m->items[i];

		free(it->title);
		free(it->id);
		for (j = 0; j < it->n_body; j++)
			free(it->body[j]);
		free(it->body);
		if (it->submenu) {
			free_menu(it->submenu);
			free(it->submenu);
		}
	}
	free(m->items);
	m->items = NULL;
	m->n = 0;
}

void grubcfg_free(struct grub_cfg *cfg)
{
	free_menu(&cfg->top);
	free(cfg->default_expr);
	memset(cfg, 0, sizeof *cfg);
}

/* What the parser is inside of. */
enum block { IN_MENU, IN_ENTRY, IN_FUNCTION };

struct parser {
	struct grub_cfg *cfg;
	const char *origin;
	struct keel_error *err;
	enum block kind[DEPTH_MAX + 1];
	struct grub_menu *menu[DEPTH_MAX + 1];  /* for IN_MENU levels */
	struct grub_item *entry;                /* the open entry */
	int depth;
	size_t line;
};

static int fail(struct parser *ps, const char *why)
{
	return keel_error_set(ps->err, KEEL_ENOTAPPLICABLE,
		_("%s, line %zu: %s; keel cannot tell what this system boots "
		  "(is this grub.cfg written by grub-mkconfig?)"),
		ps->origin, ps->line, why);
}

static int nomem(struct parser *ps)
{
	return keel_error_set(ps->err, KEEL_EFAIL, _("out of memory"));
}

/* The title and id of a menuentry or submenu line (words[0] is the
 * command, the last word "{"). */
/* Replaces *field with a copy of value: 0, or -1 out of memory. */
static int set_field(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* The title and id of a menuentry or submenu line (words[0] is the
 * command, the last word "{"). */
static int title_and_id(struct parser *ps, char **words, size_t n,
			struct grub_item *it)
{
	size_t i;
	int bad = 0;

	for (i = 1; !bad && i + 1 < n; i++) {
		const char *w = words[i];

		if (strcmp(w, "$menuentry_id_option") == 0 ||
		    strcmp(w, "--id") == 0) {
			if (i + 2 >= n)
				return fail(ps, _("an --id without a value"));
			bad = set_field(&it->id, words[++i]);
		} else if (strncmp(w, "--id=", 5) == 0) {
			bad = set_field(&it->id, w + 5);
		} else if (strcmp(w, "--class") == 0 || strcmp(w, "--users") == 0 ||
			   strcmp(w, "--hotkey") == 0) {
			i++;
		} else if (w[0] == '-' && w[1] == '-') {
			continue;
		} else if (!it->title) {
			bad = set_field(&it->title, w);
		}
	}
	if (bad)
		return nomem(ps);
	if (!it->title)
		return fail(ps, _("a menu entry without a title"));
	return KEEL_OK;
}

static int open_item(struct parser *ps, char **words, size_t n, int submenu)
{
	struct grub_menu *m = ps->menu[ps->depth];
	struct grub_item *items, *it;
	int rc;

	if (ps->kind[ps->depth] != IN_MENU)
		return fail(ps, _("a menu entry inside a menu entry or function"));
	if (ps->depth == DEPTH_MAX)
		return fail(ps, _("submenus nested too deeply"));
	items = realloc(m->items, (m->n + 1) * sizeof *items);
	if (!items)
		return nomem(ps);
	m->items = items;
	it = &items[m->n++];
	memset(it, 0, sizeof *it);
	it->line = ps->line;
	rc = title_and_id(ps, words, n, it);
	if (rc)
		return rc;
	ps->depth++;
	if (submenu) {
		it->submenu = calloc(1, sizeof *it->submenu);
		if (!it->submenu)
			return nomem(ps);
		ps->kind[ps->depth] = IN_MENU;
		ps->menu[ps->depth] = it->submenu;
	} else {
		ps->kind[ps->depth] = IN_ENTRY;
		ps->entry = it;
	}
	return KEEL_OK;
}

static int add_body_line(struct parser *ps, const char *line)
{
	struct grub_item *e = ps->entry;
	char **body = realloc(e->body, (e->n_body + 1) * sizeof *body);

	if (!body)
		return nomem(ps);
	e->body = body;
	body[e->n_body] = strdup(line);
	if (!body[e->n_body])
		return nomem(ps);
	e->n_body++;
	return KEEL_OK;
}

/* set default="X" at the top level: 00_header's choice (the branch that
 * takes next_entry aside). */
static int top_level_words(struct parser *ps, char **words, size_t n)
{
	struct grub_cfg *cfg = ps->cfg;

	if (n >= 2 && strcmp(words[0], "set") == 0 &&
	    strncmp(words[1], "default=", 8) == 0) {
		const char *v = words[1] + 8;

		if (strcmp(v, "${next_entry}") == 0) {
			cfg->reads_next_entry = 1;
			return KEEL_OK;
		}
		if (cfg->default_expr && strcmp(cfg->default_expr, v) != 0)
			return fail(ps, _("the default entry is set twice"));
		if (!cfg->default_expr && !(cfg->default_expr = strdup(v)))
			return nomem(ps);
	}
	if (n >= 2 && strcmp(words[0], "source") == 0 &&
	    strstr(words[1], "/custom.cfg"))
		cfg->sources_custom = 1;
	return KEEL_OK;
}

static int one_line(struct parser *ps, const char *line)
{
	char **words;
	int n = grub_split_words(line, &words), rc = KEEL_OK;
	int opens;

	if (n < 0)
		return n == -2 ? nomem(ps) : fail(ps, _("a quote is not closed"));
	opens = n > 0 && strcmp(words[n - 1], "{") == 0;
	if (n > 1 && !opens && (strcmp(words[0], "menuentry") == 0 ||
				strcmp(words[0], "submenu") == 0)) {
		grub_free_words(words);
		return fail(ps, _("a menu entry on one line (keel reads entries "
				  "whose lines end in '{' and start with '}')"));
	}
	if (n > 0 && strcmp(words[0], "}") == 0) {
		if (ps->depth == 0)
			rc = fail(ps, _("a '}' closes nothing"));
		else if (ps->kind[ps->depth--] == IN_ENTRY)
			ps->entry = NULL;
	} else if (ps->kind[ps->depth] == IN_ENTRY) {
		rc = opens ? fail(ps, _("a block inside a menu entry"))
			   : add_body_line(ps, line);
	} else if (opens && strcmp(words[0], "menuentry") == 0) {
		rc = open_item(ps, words, (size_t)n, 0);
	} else if (opens && strcmp(words[0], "submenu") == 0) {
		rc = open_item(ps, words, (size_t)n, 1);
	} else if (opens && strcmp(words[0], "function") == 0 &&
		   ps->depth < DEPTH_MAX) {
		ps->kind[++ps->depth] = IN_FUNCTION;
	} else if (opens) {
		rc = fail(ps, _("a block keel does not know"));
	} else if (ps->depth == 0) {
		rc = top_level_words(ps, words, (size_t)n);
	}
	grub_free_words(words);
	return rc;
}

int grubcfg_parse(const char *text, const char *origin, struct grub_cfg *cfg,
		  struct keel_error *err)
{
	struct parser ps = { .cfg = cfg, .origin = origin, .err = err };
	const char *p = text, *nl;
	char *line;
	int rc = KEEL_OK;

	memset(cfg, 0, sizeof *cfg);
	ps.kind[0] = IN_MENU;
	ps.menu[0] = &cfg->top;
	while (!rc && *p) {
		nl = strchr(p, '\n');
		line = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
		ps.line++;
		rc = line ? one_line(&ps, line) : nomem(&ps);
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	if (!rc && ps.depth != 0)
		rc = fail(&ps, _("a menu entry or submenu is not closed"));
	if (rc)
		grubcfg_free(cfg);
	return rc;
}
