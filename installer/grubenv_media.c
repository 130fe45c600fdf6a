/* grubenv_media.c: GRUB's save_env writes grubenv's sectors in place; it
 * cannot through LVM or RAID, nor on btrfs or ZFS (their checksums). */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "grubenv_media.h"
#include "i18n.h"

#define BTRFS_MAGIC 0x9123683eul
#define ZFS_MAGIC 0x2fc12fc1ul

const char *grubenv_media_problem(unsigned long fs_type,
				  const char *sysfs_device)
{
	if (fs_type == BTRFS_MAGIC)
		return _("/boot/grub is on btrfs");
	if (fs_type == ZFS_MAGIC)
		return _("/boot/grub is on ZFS");
	if (sysfs_device && strstr(sysfs_device, "/virtual/block/dm-"))
		return _("/boot/grub is on device-mapper (LVM, LUKS)");
	if (sysfs_device && strstr(sysfs_device, "/virtual/block/md"))
		return _("/boot/grub is on software RAID");
	return NULL;
}

const char *grubenv_media_check(const struct target *t)
{
	char link[64], *dev = NULL;
	const char *why;
	struct statfs sfs;
	struct stat st;
	int fd = openat(t->fd, "boot/grub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return NULL;  /* the GRUB files' own checks say more */
	if (fstatfs(fd, &sfs) != 0 || fstat(fd, &st) != 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	snprintf(link, sizeof link, "/sys/dev/block/%u:%u", major(st.st_dev),
		 minor(st.st_dev));
	dev = realpath(link, NULL);
	why = grubenv_media_problem((unsigned long)sfs.f_type, dev);
	free(dev);
	return why;
}
