/* version.h: semantic versions (MAJOR.MINOR.PATCH[-PRERELEASE]) as used in
 * manifests: parsing and ordering, for supersedes and downgrade checks. */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#include <stdint.h>

struct keel_version {
	uint32_t major, minor, patch;
	char pre[64];   /* "" for a release; dot-separated identifiers */
};

/* Returns 0, or -1 if s is not a valid semantic version (SemVer 2.0.0
 * precedence rules, build metadata not allowed). */
int version_parse(const char *s, struct keel_version *v);

/* <0, 0, >0 like strcmp, with SemVer precedence. */
int version_compare(const struct keel_version *a, const struct keel_version *b);

#endif
