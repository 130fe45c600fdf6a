/* digest.h: SHA-256 helpers shared by the pack reader and builder:
 * hex conversion and hashing a whole file. */
#ifndef KEEL_DIGEST_H
#define KEEL_DIGEST_H

#include <stdint.h>

#include "error.h"

#define KEEL_SHA256_LEN 32
#define KEEL_SHA256_HEX (2 * KEEL_SHA256_LEN + 1)

/* Writes 64 lowercase hex digits and a NUL. */
void digest_to_hex(const unsigned char sha[KEEL_SHA256_LEN],
		   char hex[KEEL_SHA256_HEX]);

/* Parses exactly 64 hex digits (lowercase only, as the manifest requires).
 * Returns 0, or -1 if hex is not that. */
int digest_from_hex(const char *hex, unsigned char sha[KEEL_SHA256_LEN]);

/* Hashes what is left to read from fd in constant memory, its size too;
 * path names it in messages. */
int digest_fd(int fd, const char *path, unsigned char sha[KEEL_SHA256_LEN],
	      uint64_t *size, struct keel_error *err);

/* Hashes a regular file in constant memory; reports its size too. */
int digest_file(const char *path, unsigned char sha[KEEL_SHA256_LEN],
		uint64_t *size, struct keel_error *err);

#endif
