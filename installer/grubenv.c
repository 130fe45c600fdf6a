/* grubenv.c: reads and writes GRUB's environment block byte for byte as
 * GRUB's own envblk code does, so grub-editenv and GRUB agree with keel. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "grubenv.h"
#include "i18n.h"

#define SIG_LEN (sizeof GRUBENV_SIGNATURE - 1)

void grubenv_init(struct grubenv *env)
{
	env->vars = NULL;
	env->n = 0;
	env->size = GRUBENV_SIZE;
}

void grubenv_free(struct grubenv *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->vars[i].name);
		free(env->vars[i].value);
	}
	free(env->vars);
	grubenv_init(env);
}

static int named(const struct grubenv_var *v, const char *name)
{
	return v->name && strcmp(v->name, name) == 0;
}

static long find(const struct grubenv *env, const char *name)
{
	size_t i;

	for (i = 0; i < env->n; i++)
		if (named(&env->vars[i], name))
			return (long)i;
	return -1;
}

/* GRUB's load_env sets the variables in file order: the last of several
 * equal names wins. */
const char *grubenv_get(const struct grubenv *env, const char *name)
{
	size_t i;

	for (i = env->n; i-- > 0;)
		if (named(&env->vars[i], name))
			return env->vars[i].value;
	return NULL;
}

/* Takes over name and value (freed on failure); name NULL: a comment. */
static int append(struct grubenv *env, char *name, char *value, int comment)
{
	struct grubenv_var *v = NULL;

	if ((name || comment) && value)
		v = realloc(env->vars, (env->n + 1) * sizeof *v);
	if (!v) {
		free(name);
		free(value);
		errno = ENOMEM;
		return -1;
	}
	env->vars = v;
	v[env->n].name = name;
	v[env->n].value = value;
	env->n++;
	return 0;
}

/* The value from start up to the unescaped newline at end. */
static char *unescape(const char *start, const char *end)
{
	char *out = malloc((size_t)(end - start) + 1), *q = out;

	if (!out)
		return NULL;
	for (; start < end; start++) {
		if (*start == '\\')
			start++;
		*q++ = *start;
	}
	*q = '\0';
	return out;
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/* GRUB stops reading at the first line it cannot take (no '=', or a
 * value without its newline) and so does keel: the rest is not seen. */
int grubenv_parse(const char *buf, size_t len, const char *origin,
		  struct grubenv *env, struct keel_error *err)
{
	const char *p = buf + SIG_LEN, *end = buf + len, *eq, *v;
	int nomem = 0;

	grubenv_init(env);
	if (len < SIG_LEN || memcmp(buf, GRUBENV_SIGNATURE, SIG_LEN) != 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s is not a GRUB environment block (it does not start "
			  "with \"# GRUB Environment Block\"); check it, or "
			  "recreate it with \"grub-editenv %s create\""),
			origin, origin);
	env->size = len > GRUBENV_SIZE ? len : GRUBENV_SIZE;
	while (p < end && !nomem) {
		if (*p == '#') {
			v = next_line(p, end);
			if (v[-1] != '\n')
				break;  /* the padding */
			nomem = append(env, NULL, strndup(p, (size_t)(v - p)),
				       1) != 0;
			p = v;
			continue;
		}
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			break;
		for (v = eq + 1; v < end && *v != '\n'; v++)
			if (*v == '\\')
				v++;
		if (v >= end)
			break;
		nomem = append(env, strndup(p, (size_t)(eq - p)),
			       unescape(eq + 1, v), 0) != 0;
		p = v + 1;
	}
	if (nomem) {
		grubenv_free(env);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	return KEEL_OK;
}

/* A name grub-editenv could set and GRUB read back as the same name. */
static int valid_name(const char *name)
{
	return *name && *name != '#' && !strpbrk(name, "=\n\\");
}

static void drop(struct grubenv *env, size_t i)
{
	free(env->vars[i].name);
	free(env->vars[i].value);
	memmove(&env->vars[i], &env->vars[i + 1],
		(env->n - i - 1) * sizeof *env->vars);
	env->n--;
}

/* Removes the occurrences of name after index first. */
static void drop_later(struct grubenv *env, const char *name, size_t first)
{
	size_t i = env->n;

	while (i-- > first + 1)
		if (named(&env->vars[i], name))
			drop(env, i);
}

int grubenv_set(struct grubenv *env, const char *name, const char *value)
{
	long i;
	char *copy;

	if (!valid_name(name)) {
		errno = EINVAL;
		return -1;
	}
	i = find(env, name);
	if (i < 0)
		return append(env, strdup(name), strdup(value), 0);
	copy = strdup(value);
	if (!copy) {
		errno = ENOMEM;
		return -1;
	}
	free(env->vars[i].value);
	env->vars[i].value = copy;
	drop_later(env, name, (size_t)i);  /* or GRUB would see a stale one */
	return 0;
}

int grubenv_unset(struct grubenv *env, const char *name)
{
	long i = find(env, name);

	if (i < 0)
		return 0;
	drop_later(env, name, (size_t)i);
	drop(env, (size_t)i);
	return 1;
}

/* Appends s, escaping '\' and newlines as GRUB's envblk does; returns the
 * new position, or NULL when the block is full. */
static char *put(char *q, const char *end, const char *s, int escape)
{
	for (; *s; s++) {
		if (escape && (*s == '\\' || *s == '\n')) {
			if (q == end)
				return NULL;
			*q++ = '\\';
		}
		if (q == end)
			return NULL;
		*q++ = *s;
	}
	return q;
}

int grubenv_format(const struct grubenv *env, const char *origin, char **out,
		   struct keel_error *err)
{
	char *buf = malloc(env->size), *q, *end;
	size_t i;

	*out = NULL;
	if (!buf)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	end = buf + env->size;
	q = put(buf, end, GRUBENV_SIGNATURE, 0);
	for (i = 0; q && i < env->n; i++) {
		if (!env->vars[i].name) {
			q = put(q, end, env->vars[i].value, 0);
			continue;
		}
		q = put(q, end, env->vars[i].name, 0);
		q = q ? put(q, end, "=", 0) : NULL;
		q = q ? put(q, end, env->vars[i].value, 1) : NULL;
		q = q ? put(q, end, "\n", 0) : NULL;
	}
	if (!q) {
		free(buf);
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the variables do not fit into the %zu bytes of %s; "
			  "remove some with \"grub-editenv %s unset NAME\""),
			env->size, origin, origin);
	}
	memset(q, '#', (size_t)(end - q));
	*out = buf;
	return KEEL_OK;
}
