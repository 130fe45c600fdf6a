/* levels.c: replays the journal into the stack of installed levels. The
 * journal is the one record of truth: nothing else lists the levels. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "levels.h"

struct json_object *levels_begin_record(const struct keel_state *s,
					unsigned long tx)
{
	size_t i;
	const char *state;

	for (i = 0; i < s->journal.n; i++) {
		state = journal_str(s->journal.rec[i], "state");
		if (journal_tx(s->journal.rec[i]) == tx &&
		    strcmp(state, "begin") == 0)
			return s->journal.rec[i];
	}
	return NULL;
}

const char *levels_last_state(const struct keel_state *s, unsigned long tx)
{
	const char *last = NULL;
	size_t i;

	for (i = 0; i < s->journal.n; i++)
		if (journal_tx(s->journal.rec[i]) == tx)
			last = journal_str(s->journal.rec[i], "state");
	return last;
}

static int push(struct levels *l, unsigned long tx, struct json_object *begin)
{
	struct level *grown;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		grown = realloc(l->v, l->cap * sizeof *grown);
		if (!grown)
			return -1;
		l->v = grown;
	}
	l->v[l->n].tx = tx;
	l->v[l->n].begin = begin;
	l->n++;
	return 0;
}

/* A committed transaction changes the stack by its kind. */
static int replay(struct levels *l, unsigned long tx, struct json_object *begin)
{
	const char *op = journal_str(begin, "op");

	if (strcmp(op, "apply") == 0)
		return push(l, tx, begin);
	if (strcmp(op, "rollback") == 0 && l->n > 0)
		l->n--;
	else if (strcmp(op, "uninstall") == 0)
		l->n = 0;
	return 0;
}

int levels_load(const struct keel_state *s, struct levels *out,
		struct keel_error *err)
{
	struct json_object *rec, *begin;
	size_t i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < s->journal.n; i++) {
		rec = s->journal.rec[i];
		if (strcmp(journal_str(rec, "state"), "committed") != 0)
			continue;
		begin = levels_begin_record(s, journal_tx(rec));
		if (!begin || !journal_str(begin, "op"))
			return keel_error_set(err, KEEL_EFAIL,
				_("the journal %s records the commit of "
				  "transaction %lu but not its start: it is "
				  "damaged"), s->journal_path, journal_tx(rec));
		if (replay(out, journal_tx(rec), begin))
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	return KEEL_OK;
}

void levels_free(struct levels *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

const char *level_version(const struct level *l)
{
	const char *v = journal_str(l->begin, "version");

	return v ? v : "?";
}

const char *level_name(const struct level *l)
{
	const char *v = journal_str(l->begin, "name");

	return v ? v : "?";
}

void level_add_origin(const struct level *l, struct json_object *meta)
{
	static const char *const keys[] = { "pack", "signer" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if ((v = journal_str(l->begin, keys[i])) != NULL)
			json_object_object_add(meta, keys[i],
					       json_object_new_string(v));
}
