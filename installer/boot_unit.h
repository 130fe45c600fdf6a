/* boot_unit.h: the systemd unit apply installs with a boot entry, which
 * runs keel commit once the root session has booted. */
#ifndef KEEL_BOOT_UNIT_H
#define KEEL_BOOT_UNIT_H

#include "boot_files.h"
#include "error.h"
#include "manifest.h"
#include "target.h"

#define BOOT_UNIT_PATH "etc/systemd/system/keel-commit.service"
/* A drop-in, not a .wants symlink: the transaction installs files. */
#define BOOT_UNIT_WANTS "etc/systemd/system/multi-user.target.d/keel-commit.conf"

/* Adds the unit and the drop-in that pulls it into multi-user.target to
 * b, when the target has /etc/systemd; 1 if it did, 0 if not. */
int boot_unit_add(struct boot_files *b, const struct target *t);

/* The unit's ExecStart runs keel on the target: that program must be a
 * regular file with execute permission there (followed through symlinks
 * inside the root, as the booted system will), or the pack m must
 * install it so. KEEL_ENOTAPPLICABLE with the remedy if not; KEEL_EFAIL
 * if it cannot be looked at. */
int boot_unit_check_program(const struct target *t,
			    const struct keel_manifest *m,
			    struct keel_error *err);

#endif
