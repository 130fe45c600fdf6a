/* grub_block.h: what keel keeps between its markers in custom.cfg: the
 * committed level (GRUB's default), the fallback and the keel entries. */
#ifndef KEEL_GRUB_BLOCK_H
#define KEEL_GRUB_BLOCK_H

#include <stddef.h>

struct grub_block_entry {
	char *id;    /* keel-VERSION */
	char *text;  /* the whole menuentry, from its first line to "}\n" */
};

struct grub_block {
	char *committed;  /* the id keel commit made the default, or NULL */
	char *fallback;   /* GRUB's fallback (an entry number), or NULL */
	char *fallback_of;  /* the id (or title) of that entry, so that the
			       number can follow when update-grub moves it */
	struct grub_block_entry *e;  /* oldest level first */
	size_t n;
};

/* Reads the text between keel's markers, as grub_block_format wrote it;
 * lines keel did not write there are dropped (the block is keel's). 0, or
 * -1 when out of memory. */
int grub_block_parse(const char *text, struct grub_block *b);

/* The entry with that id, or NULL. */
const struct grub_block_entry *grub_block_find(const struct grub_block *b,
					       const char *id);

/* Puts text (a whole menuentry) in place of the entry with that id, or
 * after the others. 0, or -1 when out of memory. */
int grub_block_put(struct grub_block *b, const char *id, const char *text);

/* Takes the entry with that id out; 1 if it was there. */
int grub_block_remove(struct grub_block *b, const char *id);

/* Replaces *field (committed or fallback) with a copy of value, which may
 * be NULL. 0, or -1 when out of memory. */
int grub_block_set(char **field, const char *value);

/* The block's text: the default (unless a one-shot next_entry chose the
 * entry, as for a trial boot), the fallback, the entries. NULL when out
 * of memory. */
char *grub_block_format(const struct grub_block *b);

void grub_block_free(struct grub_block *b);

#endif
