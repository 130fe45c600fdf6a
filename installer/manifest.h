/* manifest.h: MANIFEST.json in memory: parsing with full validation,
 * serialization to the canonical bytes keel-pack signs, and JSON export. */
#ifndef KEEL_MANIFEST_H
#define KEEL_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "digest.h"
#include "error.h"
#include "version.h"

enum keel_role {
	KEEL_ROLE_HYPERVISOR,
	KEEL_ROLE_TOOL,
	KEEL_ROLE_DOC,
	KEEL_ROLE_CONFIG,
	KEEL_ROLE_UNIT,
	KEEL_ROLE_HOOK,
	KEEL_ROLE_DATA,
};

struct keel_file {
	char *path;                          /* relative, pack_path_check()ed */
	uint64_t size;
	unsigned mode;                       /* permission bits, 0 .. 0777 */
	unsigned char sha256[KEEL_SHA256_LEN];
	enum keel_role role;
	char *source;  /* template only: content path below --from, NULL = path */
};

struct keel_manifest {
	int format;                /* KEEL_MANIFEST_FORMAT */
	char *name;                /* product, e.g. "keel" */
	char *version;             /* semantic version string */
	struct keel_version ver;   /* the same, parsed */
	unsigned level;            /* service-pack level, >= 1 */
	char *build_time;          /* "YYYY-MM-DDTHH:MM:SSZ" */
	char *description;         /* may be NULL */
	char **supersedes;         /* versions this pack replaces */
	size_t n_supersedes;
	char *arch;                /* requires.arch: "x86_64" */
	char **cpu;                /* requires.cpu: any of "amd-v", "vt-x" */
	size_t n_cpu;
	char *min_keel;            /* requires.min_keel, may be NULL */
	char *boot_hypervisor;     /* boot.hypervisor (a file path), may be NULL */
	char *boot_options;        /* boot.options, may be NULL */
	struct keel_file *files;
	size_t n_files;
	uint64_t total_size;       /* sum of files[].size */
};

enum manifest_mode {
	MANIFEST_SIGNED,    /* every field present: what a pack carries */
	MANIFEST_TEMPLATE,  /* what keel-pack reads: no size, sha256, build_time */
};

/* Parses and validates len bytes of JSON. origin names the source in
 * messages (a file name). On error returns KEEL_EPACK (or KEEL_EFAIL for
 * memory) and *out is NULL. */
int manifest_parse(const char *buf, size_t len, enum manifest_mode mode,
		   const char *origin, struct keel_manifest **out,
		   struct keel_error *err);

void manifest_free(struct keel_manifest *m);

/* Index of the file with this path, or -1. */
long manifest_find(const struct keel_manifest *m, const char *path);

const char *manifest_role_name(enum keel_role role);

/* The canonical signed form: fixed key order, two-space indent, trailing
 * newline. Same manifest -> same bytes. Caller frees *out. */
int manifest_serialize(const struct keel_manifest *m, char **out,
		       size_t *len, struct keel_error *err);

/* A json-c object of the manifest (for `keel info --json`). */
struct json_object *manifest_to_json(const struct keel_manifest *m);

#endif
