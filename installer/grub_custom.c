/* grub_custom.c: puts keel's block into custom.cfg, replaces it or takes
 * it out, leaving every line outside the markers byte for byte. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "grub_custom.h"
#include "i18n.h"

/* The line starting at p that is exactly marker, searching from p. */
static const char *find_line(const char *p, const char *marker)
{
	size_t len = strlen(marker);

	while (p && *p) {
		if (strncmp(p, marker, len) == 0 &&
		    (p[len] == '\n' || p[len] == '\0'))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static const char *after_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl + 1 : p + strlen(p);
}

int grub_custom_update(const char *old, const char *block, const char *origin,
		       char **out, struct keel_error *err)
{
	const char *begin, *end = NULL, *tail = "";
	size_t head_len, len;
	int newline;
	char *s;

	if (!old)
		old = "";
	begin = find_line(old, GRUB_CUSTOM_BEGIN);
	if (begin) {
		end = find_line(begin, GRUB_CUSTOM_END);
		if (!end)
			return keel_error_set(err, KEEL_ENOTAPPLICABLE,
				_("%s has the start of keel's block but not its "
				  "end (\"%s\"); restore the file or remove the "
				  "block, then try again"), origin,
				GRUB_CUSTOM_END);
		tail = after_line(end);
	}
	head_len = begin ? (size_t)(begin - old) : strlen(old);
	/* A file without a final newline gets one before keel's block. */
	newline = block && head_len && old[head_len - 1] != '\n';
	len = head_len + (size_t)newline + strlen(tail) + 1;
	if (block)
		len += strlen(GRUB_CUSTOM_BEGIN) + strlen(block) +
		       strlen(GRUB_CUSTOM_END) + 2;
	s = malloc(len);
	if (!s)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	memcpy(s, old, head_len);
	s[head_len] = '\0';
	if (newline)
		strcat(s, "\n");
	if (block) {
		strcat(s, GRUB_CUSTOM_BEGIN "\n");
		strcat(s, block);
		strcat(s, GRUB_CUSTOM_END "\n");
	}
	strcat(s, tail);
	*out = s;
	return KEEL_OK;
}

char *grub_custom_block(const char *text)
{
	const char *begin = text ? find_line(text, GRUB_CUSTOM_BEGIN) : NULL;
	const char *end = begin ? find_line(begin, GRUB_CUSTOM_END) : NULL;

	if (!begin || !end)
		return strdup("");
	begin = after_line(begin);
	return strndup(begin, (size_t)(end - begin));
}
