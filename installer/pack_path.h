/* pack_path.h: which payload paths a pack may carry. A path names a file
 * below the target root: relative, normalized, printable, within limits. */
#ifndef KEEL_PACK_PATH_H
#define KEEL_PACK_PATH_H

#include <stddef.h>

/* Why a path was refused; pack_path_reason() gives the translated text. */
enum pack_path_verdict {
	PACK_PATH_OK = 0,
	PACK_PATH_EMPTY,
	PACK_PATH_TOO_LONG,      /* over KEEL_PATH_MAX bytes */
	PACK_PATH_TOO_DEEP,      /* over KEEL_PATH_DEPTH_MAX components */
	PACK_PATH_ABSOLUTE,      /* starts with '/' */
	PACK_PATH_DOTDOT,        /* a ".." component */
	PACK_PATH_DOT,           /* a "." component, or empty one ("a//b", trailing '/') */
	PACK_PATH_BAD_CHAR,      /* outside [A-Za-z0-9._+@=,-] and '/' */
	PACK_PATH_RESERVED,      /* MANIFEST.json, MANIFEST.json.p7s, or ends in .keel-new */
};

enum pack_path_verdict pack_path_check(const char *path);
const char *pack_path_reason(enum pack_path_verdict v);

/* NULL, or why a pack may not install at path (which passed
 * pack_path_check): it is, or is below, what protects the target (its
 * trust store, its revocation lists, GRUB's files, keel's own state, the
 * commit unit and kernel hooks keel writes). Kept apart from
 * pack_path_check, which also checks paths keel itself records (grubenv,
 * custom.cfg). The names are compared ignoring ASCII case, as a
 * case-folding file system (a FAT /boot, ext4 casefold) would. Translated
 * text naming the area. */
const char *pack_path_protected(const char *path);
/* The i-th of those areas as a path below the root, or NULL past the last
 * (installer/apply_protect.c finds them by identity in the target). */
const char *pack_path_protected_area(size_t i);

#endif
