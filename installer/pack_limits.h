/* pack_limits.h: the hard limits of the service-pack format, enforced by
 * the reader and the builder and documented in keel-ksp(5). */
#ifndef KEEL_PACK_LIMITS_H
#define KEEL_PACK_LIMITS_H

#define KEEL_MANIFEST_FORMAT      1          /* the only format version */
#define KEEL_MANIFEST_MAX         (1u << 20) /* MANIFEST.json, bytes */
#define KEEL_SIGNATURE_MAX        (64u << 10) /* MANIFEST.json.p7s, bytes */
#define KEEL_FILES_MAX            4096       /* payload entries */
#define KEEL_PATH_MAX             255        /* bytes in a payload path */
#define KEEL_PATH_DEPTH_MAX       16         /* components in a payload path */
#define KEEL_STRING_MAX           256        /* name, version, role, ... */
#define KEEL_OPTIONS_MAX          1024       /* hypervisor options */
#define KEEL_LIST_MAX             64         /* supersedes, requires lists */
#define KEEL_FILE_SIZE_MAX        (2ull << 30)  /* one payload file */
#define KEEL_TOTAL_SIZE_MAX       (8ull << 30)  /* all payload files */
/* Bytes of zero padding tolerated after the tar end-of-archive marker:
 * tar pads to its record size (10240 by default); more is not a pack. */
#define KEEL_TAIL_PADDING_MAX     (64u << 10)

#endif
