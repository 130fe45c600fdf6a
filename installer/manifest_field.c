/* manifest_field.c: typed, size-checked access to the keys of a parsed
 * manifest, and the wording of the manifest parser's refusals. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "manifest_field.h"

__attribute__((format(printf, 3, 0)))
static int fail_v(struct mf_ctx *c, int advise, const char *fmt, va_list ap)
{
	char problem[KEEL_ERROR_MAX];
	const char *advice = "";

	vsnprintf(problem, sizeof problem, fmt, ap);
	if (advise && c->mode == MANIFEST_TEMPLATE)
		advice = _(" Correct the manifest template.");
	else if (advise)
		advice = _(" The manifest does not follow the format of this "
			   "keel; obtain a correct pack from your vendor.");
	return keel_error_set(c->err, KEEL_EPACK, "%s: %s%s", c->origin,
			      problem, advice);
}

int mf_fail(struct mf_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(c, 1, fmt, ap);
	va_end(ap);
	return rc;
}

int mf_fail_plain(struct mf_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = fail_v(c, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int mf_nomem(struct mf_ctx *c)
{
	return keel_error_set(c->err, KEEL_EFAIL,
			      _("%s: out of memory while reading the manifest"),
			      c->origin);
}

void mf_where(char where[MF_WHERE_MAX], const char *prefix, const char *key)
{
	if (prefix)
		snprintf(where, MF_WHERE_MAX, "%s.%s", prefix, key);
	else
		snprintf(where, MF_WHERE_MAX, "%s", key);
}

/* Messages end up on a terminal: a hostile manifest must not be able to
 * send escape sequences or flood the line. */
const char *mf_quote(const char *s, char buf[80])
{
	size_t i, n = 0;

	for (i = 0; s[i] && n < 60; i++)
		buf[n++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i])
		n += (size_t)snprintf(buf + n, 80 - n, "...");
	buf[n] = '\0';
	return buf;
}

static int is_allowed(const char *key, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (strcmp(key, *allowed) == 0)
			return 1;
	return 0;
}

int mf_known_keys(struct mf_ctx *c, struct json_object *obj,
		  const char *const *allowed, const char *prefix)
{
	char q[80];

	json_object_object_foreach(obj, key, val) {
		(void)val;
		if (is_allowed(key, allowed))
			continue;
		if (prefix)
			return mf_fail(c, _("%s has an unknown key \"%s\"."),
				       prefix, mf_quote(key, q));
		return mf_fail(c, _("the manifest has an unknown key \"%s\"."),
			       mf_quote(key, q));
	}
	return KEEL_OK;
}

int mf_computed(struct mf_ctx *c, struct json_object *obj,
		const char *prefix, const char *key)
{
	char where[MF_WHERE_MAX];

	if (!json_object_object_get_ex(obj, key, NULL))
		return KEEL_OK;
	mf_where(where, prefix, key);
	return mf_fail_plain(c, _("keel-pack computes %s; remove it from the "
				  "template."), where);
}

static int wrong_type(struct mf_ctx *c, const char *where,
		      enum json_type type)
{
	switch (type) {
	case json_type_string:
		return mf_fail(c, _("%s must be a string."), where);
	case json_type_int:
		return mf_fail(c, _("%s must be an integer."), where);
	case json_type_object:
		return mf_fail(c, _("%s must be an object."), where);
	case json_type_array:
		return mf_fail(c, _("%s must be an array."), where);
	default:
		return mf_fail(c, _("%s has the wrong type."), where);
	}
}

int mf_get(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	   const char *key, enum json_type type, int required,
	   struct json_object **out)
{
	char where[MF_WHERE_MAX];
	struct json_object *v = NULL;

	*out = NULL;
	mf_where(where, prefix, key);
	if (!json_object_object_get_ex(obj, key, &v)) {
		if (required)
			return mf_fail(c, _("the required key %s is missing."),
				       where);
		return KEEL_OK;
	}
	/* json-c gives null a NULL object, which has no type to test. */
	if (!v || !json_object_is_type(v, type))
		return wrong_type(c, where, type);
	*out = v;
	return KEEL_OK;
}

int mf_string_value(struct mf_ctx *c, struct json_object *v,
		    const char *where, size_t max, const char **out)
{
	const char *s;
	size_t len;

	if (!v || !json_object_is_type(v, json_type_string))
		return wrong_type(c, where, json_type_string);
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len)
		return mf_fail(c, _("%s contains a NUL character."), where);
	if (len > max)
		return mf_fail(c, _("%s is %zu bytes long; at most %zu are "
				    "allowed."), where, len, max);
	*out = s;
	return KEEL_OK;
}

int mf_string(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	      const char *key, int required, size_t max, const char **out)
{
	char where[MF_WHERE_MAX];
	struct json_object *v;
	int rc;

	*out = NULL;
	rc = mf_get(c, obj, prefix, key, json_type_string, required, &v);
	if (rc || !v)
		return rc;
	mf_where(where, prefix, key);
	return mf_string_value(c, v, where, max, out);
}

int mf_strdup(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	      const char *key, int required, size_t max, char **out)
{
	const char *s;
	int rc;

	*out = NULL;
	rc = mf_string(c, obj, prefix, key, required, max, &s);
	if (rc || !s)
		return rc;
	*out = strdup(s);
	return *out ? KEEL_OK : mf_nomem(c);
}

int mf_int(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	   const char *key, int64_t lo, int64_t hi, int64_t *out)
{
	char where[MF_WHERE_MAX];
	struct json_object *v;
	int64_t n;
	int rc;

	rc = mf_get(c, obj, prefix, key, json_type_int, 1, &v);
	if (rc)
		return rc;
	/* json-c keeps integers above INT64_MAX as uint64_t and reports
	 * them as INT64_MAX here: still out of any range of ours. */
	n = json_object_get_int64(v);
	mf_where(where, prefix, key);
	if (n < lo || n > hi)
		return mf_fail(c, _("%s is %s; it must be between %lld and "
				    "%lld."), where, json_object_to_json_string(v),
			       (long long)lo, (long long)hi);
	*out = n;
	return KEEL_OK;
}

int mf_array(struct mf_ctx *c, struct json_object *obj, const char *prefix,
	     const char *key, int required, size_t max,
	     struct json_object **out)
{
	char where[MF_WHERE_MAX];
	size_t n;
	int rc;

	rc = mf_get(c, obj, prefix, key, json_type_array, required, out);
	if (rc || !*out)
		return rc;
	n = json_object_array_length(*out);
	mf_where(where, prefix, key);
	if (n > max) {
		*out = NULL;
		return mf_fail(c, _("%s has %zu entries; at most %zu are "
				    "allowed."), where, n, max);
	}
	return KEEL_OK;
}

int mf_no_control(struct mf_ctx *c, const char *where, const char *s,
		  const char *allow)
{
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			continue;
		if (strchr(allow, *s))
			continue;
		return mf_fail(c, _("%s contains a control character "
				    "(0x%02x)."), where, (unsigned)*s);
	}
	return KEEL_OK;
}
