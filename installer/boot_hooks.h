/* boot_hooks.h: the kernel hooks apply installs with a boot entry, so
 * that keel's entries follow a kernel the OS installs or removes. */
#ifndef KEEL_BOOT_HOOKS_H
#define KEEL_BOOT_HOOKS_H

#include "boot_files.h"
#include "target.h"

#define BOOT_HOOK_POSTINST "etc/kernel/postinst.d/zzz-keel"
#define BOOT_HOOK_POSTRM "etc/kernel/postrm.d/zzz-keel"

/* Adds both hooks to b when the target has /etc/kernel (Debian's kernel
 * packages run its postinst.d and postrm.d); 1 if it did, 0 if not. */
int boot_hooks_add(struct boot_files *b, const struct target *t);

#endif
