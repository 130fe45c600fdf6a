/* undo_grubenv.c: takes keel's next_entry out of grubenv as it is now,
 * instead of putting the old block back over the administrator's changes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "grubenv.h"
#include "i18n.h"
#include "undo_grubenv.h"

/* next_entry as the saved copy had it, unless that entry goes as well
 * (then none: a one-shot boot of a missing entry is no boot at all). */
static int put_back_next(struct grubenv *env, const struct undo_env_in *in,
			 const struct undo_gone *gone)
{
	struct keel_error ignored = { 0 };
	struct grubenv old;
	const char *v = NULL;
	int rc = 0;

	grubenv_init(&old);
	if (in->then && grubenv_parse(in->then, in->then_len, in->where, &old,
				      &ignored) == 0)
		v = grubenv_get(&old, "next_entry");
	if (v && !undo_gone_has(gone, v))
		rc = grubenv_set(env, "next_entry", v);
	else
		grubenv_unset(env, "next_entry");
	grubenv_free(&old);
	return rc;
}

static int has_variables(const struct grubenv *env)
{
	size_t i;

	for (i = 0; i < env->n; i++)
		if (env->vars[i].name)
			return 1;
	return 0;
}

static int same(const char *a, size_t a_len, const char *b, size_t b_len)
{
	return b && a_len == b_len && memcmp(a, b, a_len) == 0;
}

/* Which step the merged block means; frees it unless it is written. */
static enum undo_env_outcome classify(const struct undo_env_in *in,
				      char **out, size_t len)
{
	enum undo_env_outcome o = UNDO_ENV_WRITE;

	/* The saved copy is the same bytes, and verified: let it go back. */
	if (same(*out, len, in->then, in->then_len))
		o = UNDO_ENV_SAVED;
	else if (same(*out, len, in->now, in->now_len))
		o = UNDO_ENV_NOW;
	if (o != UNDO_ENV_WRITE) {
		free(*out);
		*out = NULL;
	}
	return o;
}

int undo_grubenv_merge(const struct undo_env_in *in,
		       const struct undo_gone *gone, char **out,
		       size_t *out_len, enum undo_env_outcome *outcome,
		       struct keel_error *err)
{
	struct grubenv env;
	const char *next;
	int rc;

	*out = NULL;
	*out_len = 0;
	*outcome = UNDO_ENV_NOW;
	if (!in->now)
		return KEEL_OK;  /* removed since: it stays removed */
	*outcome = UNDO_ENV_SAVED;
	rc = grubenv_parse(in->now, in->now_len, in->where, &env, err);
	if (rc)
		return rc;
	next = grubenv_get(&env, "next_entry");
	if (next && undo_gone_has(gone, next) && put_back_next(&env, in, gone))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	/* A grubenv keel created and nobody else uses goes with keel. */
	if (!rc && !in->then && !has_variables(&env)) {
		grubenv_free(&env);
		return KEEL_OK;
	}
	if (!rc)
		rc = grubenv_format(&env, in->where, out, err);
	if (!rc) {
		*out_len = env.size;
		*outcome = classify(in, out, env.size);
		if (*outcome != UNDO_ENV_WRITE)
			*out_len = 0;
	}
	grubenv_free(&env);
	return rc;
}

char *undo_grubenv_stale(const char *text, size_t len,
			 const struct undo_gone *gone)
{
	struct keel_error ignored = { 0 };
	struct grubenv env;
	const char *v;
	char *copy = NULL;

	if (!text || grubenv_parse(text, len, "grubenv", &env, &ignored))
		return NULL;
	v = grubenv_get(&env, "saved_entry");
	if (v && undo_gone_has(gone, v))
		copy = strdup(v);
	grubenv_free(&env);
	return copy;
}
