/* manifest_field.h: typed, size-checked access to the keys of a parsed
 * manifest, and the error messages of the manifest parser (private). */
#ifndef KEEL_MANIFEST_FIELD_H
#define KEEL_MANIFEST_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"
#include "manifest.h"

/* "files[4095].sha256" and the like: the longest name of a value. */
#define MF_WHERE_MAX 64

struct mf_ctx {
	const char *origin;        /* file name for messages */
	enum manifest_mode mode;
	struct keel_error *err;
};

/* A refusal: "ORIGIN: PROBLEM ADVICE", where the advice depends on the
 * mode (fix the template, or get a correct pack). Returns KEEL_EPACK. */
int mf_fail(struct mf_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "ORIGIN: PROBLEM" for problems whose text says what to do. */
int mf_fail_plain(struct mf_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* KEEL_EFAIL, "out of memory". */
int mf_nomem(struct mf_ctx *c);

/* Writes "PREFIX.KEY" (or KEY when prefix is NULL) into where. */
void mf_where(char where[MF_WHERE_MAX], const char *prefix, const char *key);

/* A printable, shortened copy of an untrusted string for a message. */
const char *mf_quote(const char *s, char buf[80]);

/* Refuses any key of obj not in the NULL-terminated list allowed;
 * prefix names obj in the message (NULL = the top level). */
int mf_known_keys(struct mf_ctx *c, struct json_object *obj,
		  const char *const *allowed, const char *prefix);

/* Refuses key if present: keel-pack computes it (template mode). */
int mf_computed(struct mf_ctx *c, struct json_object *obj,
		const char *prefix, const char *key);

/* The value of key, of the given type. *out = NULL if absent and not
 * required. */
int mf_get(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	   const char *key, enum json_type type, int required,
	   struct json_object **out);

/* Checks that v (named where) is a string of at most max bytes without
 * NUL; *out borrows json-c's copy. */
int mf_string_value(struct mf_ctx *c, struct json_object *v,
		    const char *where, size_t max, const char **out);

/* A string key: mf_get + mf_string_value; *out = NULL if absent. */
int mf_string(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	      const char *key, int required, size_t max, const char **out);

/* The same, as a malloc'd copy the caller owns. */
int mf_strdup(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	      const char *key, int required, size_t max, char **out);

/* An integer key within lo..hi. */
int mf_int(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	   const char *key, int64_t lo, int64_t hi, int64_t *out);

/* An array key of at most max entries; *out = NULL if absent. */
int mf_array(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	     const char *key, int required, size_t max,
	     struct json_object **out);

/* Refuses C0 control characters and DEL in s, except those in allow. */
int mf_no_control(struct mf_ctx *c, const char *where, const char *s,
		  const char *allow);

#endif
