/* mount_source.h: for the root directory of a bind mount of a
 * subdirectory, the same directory where its file system shows it whole. */
#ifndef KEEL_MOUNT_SOURCE_H
#define KEEL_MOUNT_SOURCE_H

/* When the directory fd is the root of a mount of a subdirectory (a bind
 * mount: "root" in /proc/self/mountinfo is not "/") and up, its "..", is
 * on another mount, opens fd's directory (O_PATH) through another mount
 * of the same file system whose root holds it, so a walk up through ".."
 * sees what encloses it in its file system. -1 when fd is no such root,
 * or no mount shows more of its file system. */
int mount_source_open(int fd, int up);

#endif
