/* pack_build.h: what keel-pack does: read a manifest template, hash the
 * files it names, sign the completed manifest and write the pack. */
#ifndef KEEL_PACK_BUILD_H
#define KEEL_PACK_BUILD_H

#include "error.h"

struct pack_build_options {
	const char *manifest;   /* template path */
	const char *from;       /* directory the file paths are relative to;
				   NULL: the template's directory */
	const char *key;        /* PEM private key */
	const char *cert;       /* PEM signing certificate */
	const char *chain;      /* PEM intermediates, may be NULL */
	const char *out;        /* the .ksp to write */
	long long epoch;        /* build time and entry mtime (SOURCE_DATE_EPOCH
				   or now) */
};

int pack_build(const struct pack_build_options *o, struct keel_error *err);

#endif
