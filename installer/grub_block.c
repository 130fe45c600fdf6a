/* grub_block.c: reads and writes the inside of keel's block in custom.cfg:
 * a conditional default, a fallback and one menu entry per level. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_block.h"

#define DEFAULT_LINE "\tset default=\""
#define FALLBACK_LINE "set fallback=\""
#define FALLBACK_OF_LINE "# keel: the fallback is the entry \""
#define ID_MARK "$menuentry_id_option '"

/* The value of a line `PREFIXvalue"`, malloc'd; NULL if the line is not
 * one (errno untouched) or out of memory. */
static char *quoted_value(const char *line, size_t len, const char *prefix,
			  int *nomem)
{
	size_t plen = strlen(prefix);
	char *v;

	if (len < plen + 1 || strncmp(line, prefix, plen) != 0 ||
	    line[len - 1] != '"')
		return NULL;
	v = strndup(line + plen, len - plen - 1);
	if (!v)
		*nomem = 1;
	return v;
}

/* The id in a menuentry line, or "" when it has none. */
static char *entry_id(const char *line, size_t len)
{
	const char *m = NULL, *p, *end = line + len;

	for (p = line; p + strlen(ID_MARK) <= end; p++)
		if (strncmp(p, ID_MARK, strlen(ID_MARK)) == 0) {
			m = p + strlen(ID_MARK);
			break;
		}
	if (!m)
		return strdup("");
	for (p = m; p < end && *p != '\''; p++)
		;
	return strndup(m, (size_t)(p - m));
}

static int add_entry(struct grub_block *b, const char *start, size_t len)
{
	const char *nl = memchr(start, '\n', len);
	struct grub_block_entry *e = realloc(b->e, (b->n + 1) * sizeof *e);
	char *id, *text;

	if (!e)
		return -1;
	b->e = e;
	id = entry_id(start, nl ? (size_t)(nl - start) : len);
	text = strndup(start, len);
	if (!id || !text) {
		free(id);
		free(text);
		return -1;
	}
	b->e[b->n].id = id;
	b->e[b->n++].text = text;
	return 0;
}

/* The end of the entry starting at p: just after its "}" line. */
static const char *entry_end(const char *p)
{
	while (*p) {
		const char *nl = strchr(p, '\n');

		if (p[0] == '}' && (p[1] == '\n' || p[1] == '\0'))
			return nl ? nl + 1 : p + 1;
		p = nl ? nl + 1 : p + strlen(p);
	}
	return p;
}

int grub_block_parse(const char *text, struct grub_block *b)
{
	const char *p = text;
	int nomem = 0;

	memset(b, 0, sizeof *b);
	while (*p && !nomem) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *v;

		if (strncmp(p, "menuentry ", 10) == 0) {
			const char *end = entry_end(p);

			nomem = add_entry(b, p, (size_t)(end - p)) != 0;
			p = end;
			continue;
		}
		if ((v = quoted_value(p, len, DEFAULT_LINE, &nomem))) {
			free(b->committed);
			b->committed = v;
		} else if ((v = quoted_value(p, len, FALLBACK_LINE, &nomem))) {
			free(b->fallback);
			b->fallback = v;
		} else if ((v = quoted_value(p, len, FALLBACK_OF_LINE, &nomem))) {
			free(b->fallback_of);
			b->fallback_of = v;
		}
		p = nl ? nl + 1 : p + len;
	}
	if (nomem) {
		grub_block_free(b);
		return -1;
	}
	return 0;
}

const struct grub_block_entry *grub_block_find(const struct grub_block *b,
					       const char *id)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->e[i].id, id) == 0)
			return &b->e[i];
	return NULL;
}

int grub_block_put(struct grub_block *b, const char *id, const char *text)
{
	const struct grub_block_entry *old = grub_block_find(b, id);
	char *copy;

	if (!old)
		return add_entry(b, text, strlen(text));
	copy = strdup(text);
	if (!copy)
		return -1;
	free(b->e[old - b->e].text);
	b->e[old - b->e].text = copy;
	return 0;
}

int grub_block_remove(struct grub_block *b, const char *id)
{
	const struct grub_block_entry *e = grub_block_find(b, id);
	size_t i;

	if (!e)
		return 0;
	i = (size_t)(e - b->e);
	free(b->e[i].id);
	free(b->e[i].text);
	memmove(&b->e[i], &b->e[i + 1], (b->n - i - 1) * sizeof b->e[0]);
	b->n--;
	return 1;
}

int grub_block_set(char **field, const char *value)
{
	char *copy = value ? strdup(value) : NULL;

	if (value && !copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

char *grub_block_format(const struct grub_block *b)
{
	size_t i, len = 1;
	char *s;

	if (b->committed)
		len += 200 + strlen(b->committed);
	if (b->fallback)
		len += 100 + strlen(b->fallback);
	if (b->fallback && b->fallback_of)
		len += 100 + strlen(b->fallback_of);
	for (i = 0; i < b->n; i++)
		len += strlen(b->e[i].text);
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	/* 00_header sets boot_once when a one-shot next_entry chose the
	 * entry (keel's trial boot, grub-reboot): that choice must stand. */
	if (b->committed)
		snprintf(s, len, "if [ -z \"${boot_once}\" ]; then\n"
			 DEFAULT_LINE "%s\"\nfi\n", b->committed);
	/* A comment: GRUB's fallback takes only numbers in 2.06. */
	if (b->fallback && b->fallback_of)
		snprintf(s + strlen(s), len - strlen(s), FALLBACK_OF_LINE "%s\"\n",
			 b->fallback_of);
	if (b->fallback)
		snprintf(s + strlen(s), len - strlen(s), FALLBACK_LINE "%s\"\n",
			 b->fallback);
	for (i = 0; i < b->n; i++)
		strcat(s, b->e[i].text);
	return s;
}

void grub_block_free(struct grub_block *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->e[i].id);
		free(b->e[i].text);
	}
	free(b->e);
	free(b->committed);
	free(b->fallback);
	free(b->fallback_of);
	memset(b, 0, sizeof *b);
}
