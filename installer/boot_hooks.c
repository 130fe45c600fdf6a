/* boot_hooks.c: the kernel hooks apply installs with a boot entry, which
 * run keel refresh after update-grub when a kernel comes or goes. */
#include "config.h"

#include <sys/stat.h>

#include "boot_hooks.h"

#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif

/* Debian's run-parts order puts it after zz-update-grub. It never fails
 * the kernel's package: keel's entries then still boot the previous
 * kernel, and keel refresh has said why on stderr. */
static const char hook_text[] =
	"#!/bin/sh\n"
	"# Written by keel apply; keel rollback and uninstall take it back.\n"
	"# After update-grub, keel's GRUB entries follow the kernel GRUB now\n"
	"# boots by default (arguments: the kernel's version and image).\n"
	"keel=" SBINDIR "/keel\n"
	"[ -x \"$keel\" ] || exit 0\n"
	"\"$keel\" refresh\n"
	"exit 0\n";

int boot_hooks_add(struct boot_files *b, const struct target *t)
{
	struct stat st;

	if (target_lstat(t, "etc/kernel", &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	b->f[b->n++] = (struct boot_file){ BOOT_HOOK_POSTINST, hook_text,
					   sizeof hook_text - 1, 0755 };
	b->f[b->n++] = (struct boot_file){ BOOT_HOOK_POSTRM, hook_text,
					   sizeof hook_text - 1, 0755 };
	return 1;
}
