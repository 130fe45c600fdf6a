/* trust_files.h: finds and reads the files of trust.d and crl.d inside the
 * target root (or the keyring named on the command line) for trust.c. */
#ifndef KEEL_TRUST_FILES_H
#define KEEL_TRUST_FILES_H

#include <stddef.h>

#include <openssl/bio.h>

#include "error.h"
#include "target.h"

/* A certificate or CRL file larger than this is not one we should parse;
 * real CRLs of big CAs stay well below it. */
#define TRUST_FILE_MAX (16u << 20)

/* What a trust file holds, and how it is added to the store. */
enum trust_kind { TRUST_CERTS, TRUST_CRLS };

/* The whole file rel of the root t, or with t NULL the file rel on this
 * machine (a keyring named by the administrator), into a memory BIO;
 * shown names it in messages. Only a regular file is read. */
int trust_read_bio(const struct target *t, const char *rel,
		   const char *shown, BIO **out, struct keel_error *err);

/* The names of the directory rel of t that keel reads, sorted bytewise;
 * entries it does not read are warned about (or, for what looks like a
 * revocation list, refused). A directory that does not exist gives no
 * names; a symlink where it should be that leads nowhere inside the root
 * is refused, since it would silently drop every revocation. */
int trust_list_dir(const struct target *t, const char *rel,
		   const char *shown, enum trust_kind kind, char ***names,
		   size_t *count, struct keel_error *err);

void trust_free_names(char **names, size_t n);

#endif
