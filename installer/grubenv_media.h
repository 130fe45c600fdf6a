/* grubenv_media.h: whether GRUB can rewrite grubenv where it lies: not on
 * LVM, RAID or a file system with checksums (btrfs, ZFS). */
#ifndef KEEL_GRUBENV_MEDIA_H
#define KEEL_GRUBENV_MEDIA_H

#include <stddef.h>

#include "target.h"

/* From the facts: the file system type of /boot/grub (statfs f_type) and
 * the sysfs path of its block device (the target of /sys/dev/block/M:m,
 * NULL when unknown). NULL when GRUB can write there, else why not. */
const char *grubenv_media_problem(unsigned long fs_type,
				  const char *sysfs_device);

/* The same for the target's boot/grub, looked up on this machine (for
 * --root too: the mounted image's own file system and device). */
const char *grubenv_media_check(const struct target *t);

#endif
