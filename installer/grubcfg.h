/* grubcfg.h: the menu of a grub.cfg as grub-mkconfig writes it: entries,
 * submenus, their ids, the commands of each entry, and the default. */
#ifndef KEEL_GRUBCFG_H
#define KEEL_GRUBCFG_H

#include <stddef.h>

#include "error.h"

struct grub_menu;

struct grub_item {
	char *title;
	char *id;                  /* NULL without --id / $menuentry_id_option */
	struct grub_menu *submenu; /* NULL for a menu entry */
	char **body;               /* an entry's lines, as written */
	size_t n_body;
	size_t line;               /* where it starts in grub.cfg, from 1 */
};

struct grub_menu {
	struct grub_item *items;
	size_t n;
};

struct grub_cfg {
	struct grub_menu top;
	char *default_expr;    /* set default="..." other than ${next_entry} */
	int sources_custom;    /* 41_custom's "source ...custom.cfg" is there */
	int reads_next_entry;  /* 00_header's one-shot next_entry is there */
};

/* Parses grub.cfg text; origin names it in messages. What keel cannot
 * follow (an unterminated quote or block, two different defaults) is
 * KEEL_ENOTAPPLICABLE with the line. */
int grubcfg_parse(const char *text, const char *origin, struct grub_cfg *cfg,
		  struct keel_error *err);

void grubcfg_free(struct grub_cfg *cfg);

/* Splits one line into words as GRUB's script lexer does for the commands
 * keel reads: '...' literally, "..." and bare words with \ escapes ($vars
 * stay as written), # at a word's start ends the line. Returns n, or -1
 * on an unterminated quote, -2 out of memory; *words is an array of n
 * strings, NULL-terminated. */
int grub_split_words(const char *line, char ***words);

void grub_free_words(char **words);

#endif
