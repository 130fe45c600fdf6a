/* grub_custom.h: keel's marked block in /boot/grub/custom.cfg, which
 * GRUB sources through 41_custom; the administrator's lines stay as they are. */
#ifndef KEEL_GRUB_CUSTOM_H
#define KEEL_GRUB_CUSTOM_H

#include "error.h"

#define GRUB_CUSTOM_BEGIN \
	"### BEGIN keel: written by keel; keel apply, rollback and uninstall " \
	"rewrite this block ###"
#define GRUB_CUSTOM_END "### END keel ###"

/* The text of custom.cfg (old, NULL when there is none) with keel's block
 * holding block (menu entries, each line ending in a newline), or without
 * a block when block is NULL. The block replaces keel's old one in place,
 * or goes at the end. *out is malloc'd; an opening marker without its end
 * is KEEL_ENOTAPPLICABLE (origin names the file). */
int grub_custom_update(const char *old, const char *block, const char *origin,
		       char **out, struct keel_error *err);

/* The text between keel's markers in custom.cfg (malloc'd; "" when the
 * file has no block), or NULL when out of memory. */
char *grub_custom_block(const char *text);

#endif
