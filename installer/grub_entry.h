/* grub_entry.h: the Linux boot commands of a grub.cfg entry, and the keel
 * entry that boots keel-hv with that kernel, command line and initrd. */
#ifndef KEEL_GRUB_ENTRY_H
#define KEEL_GRUB_ENTRY_H

#include <stddef.h>

#include "error.h"
#include "grubcfg.h"

struct grub_boot {
	char *kernel;    /* the linux command's file, as GRUB names it */
	char *cmdline;   /* the rest of that line, exactly as written */
	char *initrd;    /* the initrd command's file, NULL if none */
	size_t linux_at, initrd_at;  /* their lines in the entry's body */
	int keel;        /* e is a keel entry: module2 lines hold these */
	size_t hv_at;    /* and its multiboot2 line is here */
};

/* Finds the linux and initrd commands of e, or in a keel entry (id
 * keel-*, from an earlier level) the kernel and initrd it chains. An entry
 * that boots anything else (multiboot, chainloader, linux16, several
 * initrds, the kernel behind a condition) is KEEL_ENOTAPPLICABLE with the
 * reason. */
int grub_entry_boot(const struct grub_item *e, const char *origin,
		    struct grub_boot *b, struct keel_error *err);

void grub_boot_free(struct grub_boot *b);

/* A keel entry's keel-hv as it loads it (b from grub_entry_boot): the
 * path and the options after keel's own entry=. 0, or -1 when out of
 * memory or the line is not a multiboot2 with a file. Both malloc'd. */
int grub_keel_hv_line(const struct grub_item *e, const struct grub_boot *b,
		      char **hv_path, char **options);

/* The path GRUB names the target's file hv_rel by ("boot/keel/keel-hv-1"
 * is "/boot/keel/keel-hv-1" when the kernel is "/boot/vmlinuz-X", and
 * "/keel/keel-hv-1" when /boot is a file system of its own and the kernel
 * "/vmlinuz-X"). malloc'd; NULL with errno EINVAL when hv_rel is not in
 * boot/, where the kernel is. */
char *grub_keel_hv_path(const struct grub_boot *b, const char *hv_rel);

/* options (words separated by spaces, as boot.options has them) as GRUB
 * script arguments that GRUB's lexer turns back into exactly those words:
 * a word of plain characters as it is, any other in single quotes ('\''
 * for a quote in it). Words joined by one space. malloc'd; NULL when out
 * of memory. */
char *grub_quote_args(const char *options);

/* The menuentry "keel-VERSION": e's body with its linux line turned into
 * "multiboot2 HV_PATH entry=keel-VERSION [HV_OPTIONS]" (keel-hv answers
 * keel commit with that id) + "module2 KERNEL CMDLINE" and its
 * initrd line into "module2 INITRD"; everything else (insmod, search, set
 * root) as e has it. hv_options is GRUB script text: grub_quote_args()'s
 * result, or the options of an existing keel entry as written. malloc'd
 * text, NULL when out of memory. */
char *grub_keel_entry(const struct grub_item *e, const struct grub_boot *b,
		      const char *version, const char *hv_path,
		      const char *hv_options);

#endif
