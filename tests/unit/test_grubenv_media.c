/* test_grubenv_media.c: where GRUB cannot rewrite grubenv (btrfs, ZFS,
 * LVM, RAID), keel refuses a trial; elsewhere it goes ahead. */
#include "config.h"

#include <string.h>

#include "grubenv_media.h"
#include "tests/tap.h"

#define EXT4 0xef53ul
#define XFS 0x58465342ul
#define VFAT 0x4d44ul

static int refused(unsigned long type, const char *dev, const char *word)
{
	const char *why = grubenv_media_problem(type, dev);

	if (why && word && !strstr(why, word))
		diag("reason: %s", why);
	return why && (!word || strstr(why, word));
}

int main(void)
{
	ok(!refused(EXT4, "/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1", NULL),
	   "ext4 on a disk partition: GRUB writes grubenv");
	ok(!refused(XFS, "/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda2", NULL),
	   "xfs on a SATA partition");
	ok(!refused(VFAT, NULL, NULL), "vfat, device unknown (an image file)");
	ok(!refused(EXT4, "/sys/devices/virtual/block/loop0", NULL),
	   "a loop-mounted server image");
	ok(refused(0x9123683eul, "/sys/devices/pci0000:00/block/sda/sda2", "btrfs"),
	   "btrfs is refused");
	ok(refused(0x2fc12fc1ul, NULL, "ZFS"), "ZFS is refused");
	ok(refused(EXT4, "/sys/devices/virtual/block/dm-0", "device-mapper"),
	   "LVM (device-mapper) is refused");
	ok(refused(EXT4, "/sys/devices/virtual/block/md0", "RAID"),
	   "software RAID is refused");
	ok(refused(EXT4, "/sys/devices/virtual/block/md127/md127p1", "RAID"),
	   "a partition of a software RAID is refused");
	return done_testing();
}
