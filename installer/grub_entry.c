/* grub_entry.c: reads how an entry boots Linux and writes the keel entry
 * that chains the same kernel, command line and initrd behind keel-hv. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_entry.h"
#include "i18n.h"

void grub_boot_free(struct grub_boot *b)
{
	free(b->kernel);
	free(b->cmdline);
	free(b->initrd);
	memset(b, 0, sizeof *b);
}

static int refuse(const struct grub_item *e, const char *origin,
		  const char *why, struct keel_error *err)
{
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("%s: the default entry \"%s\" (line %zu) %s; keel chains only "
		  "a plain Linux entry: make one the default and try again"),
		origin, e->title, e->line, why);
}

/* The text after the command and its first argument, as written. */
static char *rest_after_file(const char *line)
{
	const char *p = line;
	int word;

	for (word = 0; word < 2; word++) {
		while (*p == ' ' || *p == '\t')
			p++;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	return strdup(p);
}

/* "if" opens and "fi" closes a condition, on one line or several. */
static void track_if(char **words, int *depth)
{
	size_t i;

	for (i = 0; words[i]; i++) {
		if (strcmp(words[i], "if") == 0)
			(*depth)++;
		else if (strcmp(words[i], "fi") == 0)
			(*depth)--;
	}
}

static int check_command(const struct grub_item *e, const char *origin,
			 char **words, int n, int in_if, struct grub_boot *b,
			 size_t at, struct keel_error *err);

/* A keel entry's own lines: multiboot2 keel-hv, module2 kernel, module2
 * initrd, as grub_keel_entry writes them. */
static int keel_command(const struct grub_item *e, const char *origin,
			char **words, int n, int in_if, struct grub_boot *b,
			size_t at, struct keel_error *err)
{
	char *linux_words[] = { "linux", n > 1 ? words[1] : NULL, NULL };
	char *initrd_words[] = { "initrd", n > 1 ? words[1] : NULL, NULL };

	if (strcmp(words[0], "multiboot2") == 0) {
		if (b->keel)
			return refuse(e, origin, _("loads two hypervisors"), err);
		b->keel = 1;
		b->hv_at = at;
		return KEEL_OK;
	}
	if (!b->keel)
		return refuse(e, origin, _("loads a module2 before its "
					   "hypervisor"), err);
	if (!b->kernel)
		return check_command(e, origin, linux_words, n > 1 ? 2 : 1,
				     in_if, b, at, err);
	if (n > 2)
		return refuse(e, origin, _("loads several initrd files, which "
					   "keel-hv does not support"), err);
	return check_command(e, origin, initrd_words, n > 1 ? 2 : 1, in_if, b,
			     at, err);
}

int grub_keel_hv_line(const struct grub_item *e, const struct grub_boot *b,
		      char **hv_path, char **options)
{
	const char *line = e->body[b->hv_at], *p;
	char **words;
	int n = grub_split_words(line, &words);

	*hv_path = *options = NULL;
	if (n < 2) {
		if (n >= 0)
			grub_free_words(words);
		return -1;
	}
	*hv_path = strdup(words[1]);
	grub_free_words(words);
	*options = rest_after_file(line);
	if (!*hv_path || !*options) {
		free(*hv_path);
		free(*options);
		return -1;
	}
	/* keel writes entry= first; the manifest's options follow. */
	p = *options;
	if (strncmp(p, "entry=", 6) == 0) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
		memmove(*options, p, strlen(p) + 1);
	}
	return 0;
}

static int is_keel_entry(const struct grub_item *e)
{
	return e->id && strncmp(e->id, "keel-", 5) == 0;
}

static int check_command(const struct grub_item *e, const char *origin,
			 char **words, int n, int in_if, struct grub_boot *b,
			 size_t at, struct keel_error *err)
{
	static const char *const foreign[] = {
		"multiboot", "multiboot2", "module", "module2", "chainloader",
		"linux16", "initrd16", "linuxefi", "initrdefi", "kfreebsd",
		"knetbsd", "kopenbsd", "appleloader", NULL };
	const char *cmd = words[0];
	size_t i;

	if (is_keel_entry(e) && (strcmp(cmd, "multiboot2") == 0 ||
				 strcmp(cmd, "module2") == 0))
		return keel_command(e, origin, words, n, in_if, b, at, err);
	for (i = 0; foreign[i]; i++)
		if (strcmp(cmd, foreign[i]) == 0)
			return refuse(e, origin, _("does not boot Linux with the "
						   "linux command"), err);
	if (strcmp(cmd, "linux") != 0 && strcmp(cmd, "initrd") != 0)
		return KEEL_OK;
	if (in_if)
		return refuse(e, origin, _("loads its kernel or initrd inside a "
					   "condition"), err);
	if (n < 2)
		return refuse(e, origin, _("has a linux or initrd command "
					   "without a file"), err);
	if (strcmp(cmd, "linux") == 0) {
		if (b->kernel)
			return refuse(e, origin, _("loads two kernels"), err);
		b->kernel = strdup(words[1]);
		b->linux_at = at;
		if (!b->kernel)
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	} else {
		if (b->initrd)
			return refuse(e, origin, _("has two initrd commands"), err);
		if (n > 2)
			return refuse(e, origin, _("loads several initrd files, "
						   "which keel-hv does not "
						   "support"), err);
		b->initrd = strdup(words[1]);
		b->initrd_at = at;
		if (!b->initrd)
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	return KEEL_OK;
}

int grub_entry_boot(const struct grub_item *e, const char *origin,
		    struct grub_boot *b, struct keel_error *err)
{
	char **words;
	size_t i;
	int n, in_if = 0, rc = KEEL_OK;

	memset(b, 0, sizeof *b);
	for (i = 0; !rc && i < e->n_body; i++) {
		n = grub_split_words(e->body[i], &words);
		if (n < 0)
			return n == -2 ? keel_error_set(err, KEEL_EFAIL,
						_("out of memory"))
				       : refuse(e, origin, _("has a quote that is "
							     "not closed"), err);
		if (n > 0)
			rc = check_command(e, origin, words, n, in_if, b, i, err);
		track_if(words, &in_if);
		grub_free_words(words);
	}
	if (!rc && !b->kernel)
		rc = refuse(e, origin, _("has no linux command"), err);
	if (!rc && !(b->cmdline = rest_after_file(e->body[b->linux_at])))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (rc)
		grub_boot_free(b);
	return rc;
}

char *grub_keel_hv_path(const struct grub_boot *b, const char *hv_rel)
{
	const char *slash = strrchr(b->kernel, '/');
	size_t dir = slash ? (size_t)(slash - b->kernel) : 0, len;
	char *path;

	if (strncmp(hv_rel, "boot/", 5) != 0) {
		errno = EINVAL;
		return NULL;
	}
	/* The kernel's directory is the target's boot/, as GRUB sees it. */
	len = dir + strlen(hv_rel + 4) + 1;
	path = malloc(len);
	if (path)
		snprintf(path, len, "%.*s%s", (int)dir, b->kernel, hv_rel + 4);
	return path;
}

/* Appends to a malloc'd string; frees it and returns NULL on failure,
 * and passes a NULL (an earlier failure) on. */
static char *append(char *s, const char *add)
{
	size_t have;
	char *grown;

	if (!s)
		return NULL;
	have = strlen(s);
	grown = realloc(s, have + strlen(add) + 1);
	if (!grown) {
		free(s);
		return NULL;
	}
	strcpy(grown + have, add);
	return grown;
}

/* 'text' quoted for GRUB as grub-mkconfig quotes titles. */
static char *append_quoted(char *s, const char *text)
{
	char one[2] = { 0, 0 };

	s = append(s, "'");
	for (; s && *text; text++) {
		one[0] = *text;
		s = append(s, *text == '\'' ? "'\\''" : one);
	}
	return append(s, "'");
}

/* Only these characters never mean anything to GRUB's script lexer
 * (grub-core/script/yylex.l): no quote, escape, variable, comment,
 * separator, redirection, brace or glob. */
static int plain_word(const char *w, size_t n)
{
	static const char *const reserved[] = {
		"case", "do", "done", "elif", "else", "esac", "fi", "for",
		"function", "if", "in", "select", "then", "time", "until",
		"while", NULL };
	size_t i;

	for (i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') ||
		      (w[i] >= 'A' && w[i] <= 'Z') ||
		      (w[i] >= '0' && w[i] <= '9') ||
		      strchr("._,:=/+-@%", w[i])))
			return 0;
	for (i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == n && memcmp(reserved[i], w, n) == 0)
			return 0;
	return n > 0;
}

char *grub_quote_args(const char *options)
{
	char *s = strdup(""), *word;
	size_t n;

	for (; s && *options; options += n) {
		options += strspn(options, " ");
		n = strcspn(options, " ");
		if (n == 0)
			break;
		word = strndup(options, n);
		if (!word) {
			free(s);
			return NULL;
		}
		if (*s)
			s = append(s, " ");
		s = plain_word(word, n) ? append(s, word)
					: append_quoted(s, word);
		free(word);
	}
	return s;
}

/* line without the entry's own indentation (that of its first line), so
 * conditions inside keep theirs. */
static const char *unindented(const char *line, const char *first)
{
	size_t base = strspn(first, " \t");

	if (strncmp(line, first, base) == 0)
		return line + base;
	return line + strspn(line, " \t");
}

char *grub_keel_entry(const struct grub_item *e, const struct grub_boot *b,
		      const char *version, const char *hv_path,
		      const char *hv_options)
{
	char title[512], id[128], *s;
	const char *base;
	size_t i;

	/* An earlier level's entry: its title without that level's prefix. */
	base = e->title;
	if (b->keel && strncmp(base, "keel ", 5) == 0 && strstr(base, ": "))
		base = strstr(base, ": ") + 2;
	snprintf(title, sizeof title, "keel %s: %s", version, base);
	snprintf(id, sizeof id, "keel-%s", version);
	s = append_quoted(strdup("menuentry "), title);
	s = append(s, " --class keel --class gnu-linux --class os "
		      "$menuentry_id_option ");
	s = append(append_quoted(s, id), " {\n");
	for (i = 0; s && i < e->n_body; i++) {
		if (b->keel && i == b->hv_at)
			continue;  /* the earlier level's keel-hv */
		s = append(s, "\t");
		if (i == b->linux_at) {
			s = append(append(s, "multiboot2 "), hv_path);
			/* keel commit asks keel-hv which entry started it. */
			s = append(append(s, " entry="), id);
			if (hv_options && *hv_options)
				s = append(append(s, " "), hv_options);
			s = append(append(append(s, "\n\tmodule2 "), b->kernel),
				   *b->cmdline ? " " : "");
			s = append(s, b->cmdline);
		} else if (b->initrd && i == b->initrd_at) {
			s = append(append(s, "module2 "), b->initrd);
		} else {
			s = append(s, unindented(e->body[i], e->body[0]));
		}
		s = append(s, "\n");
	}
	return append(s, "}\n");
}
