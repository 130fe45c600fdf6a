/* state_check.c: the journal's records checked against each other and
 * against the files of tx/, backup/ and installed/ they speak of. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "levels.h"
#include "state.h"
#include "state_check.h"
#include "state_fs.h"

static const char *const FINAL[] = { "closed", "aborted", NULL };

static int in(const char *word, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(word, *list) == 0)
			return 1;
	return 0;
}

/* The states a transaction may go to from prev (NULL: not begun). */
static int may_follow(const char *prev, const char *next)
{
	static const char *const after_begin[] = { "prepared", "aborted", NULL };
	static const char *const after_prepared[] = { "committed", "aborted",
						      NULL };
	static const char *const after_committed[] = { "closed", NULL };

	if (!prev)
		return strcmp(next, "begin") == 0;
	if (strcmp(prev, "begin") == 0)
		return in(next, after_begin);
	if (strcmp(prev, "prepared") == 0)
		return in(next, after_prepared);
	if (strcmp(prev, "committed") == 0)
		return in(next, after_committed);
	return 0;
}

static int damaged(const struct keel_state *s, size_t i, unsigned long tx,
		   const char *state, struct keel_error *err)
{
	return keel_error_set(err, KEEL_EFAIL,
		_("the journal %s is damaged: its record %zu (transaction %lu, "
		  "\"%s\") cannot follow the records before it (records are "
		  "missing or out of order); keel changes nothing until keel's "
		  "state is restored from a backup"), s->journal_path, i + 1,
		tx, state);
}

/* Transactions 1, 2, ... in turn; each one's records in an allowed order,
 * and each ended before the next begins. */
static int check_sequence(const struct keel_state *s, struct keel_error *err)
{
	unsigned long cur = 0, tx;
	const char *last = NULL, *state;
	size_t i;

	for (i = 0; i < s->journal.n; i++) {
		tx = journal_tx(s->journal.rec[i]);
		state = journal_str(s->journal.rec[i], "state");
		if (strcmp(state, "begin") == 0) {
			if (tx != cur + 1 || (last && !in(last, FINAL)))
				return damaged(s, i, tx, state, err);
			cur = tx;
			last = state;
			continue;
		}
		if (tx != cur || !may_follow(last, state))
			return damaged(s, i, tx, state, err);
		last = state;
	}
	return KEEL_OK;
}

/* The number a state file name starts with, and what follows it. */
static unsigned long name_tx(const char *name, const char **rest)
{
	char *end;
	unsigned long tx;

	if (name[0] < '1' || name[0] > '9')
		return 0;
	errno = 0;
	tx = strtoul(name, &end, 10);
	*rest = end;
	return errno ? 0 : tx;
}

/* What the walk over the areas found: the plan of a transaction that a
 * crash stopped before its "begin" (0: none). */
struct witness {
	unsigned long unbegun;
};

typedef int (*entry_fn)(const struct keel_state *s, enum state_area area,
			const char *name, unsigned long tx, const char *rest,
			void *ctx, struct keel_error *err);

/* Calls fn for every numbered entry of an area. */
static int each_entry(const struct keel_state *s, enum state_area area,
		      entry_fn fn,
		      void *ctx, struct keel_error *err)
{
	struct dirent *d;
	const char *rest;
	unsigned long tx;
	DIR *dir;
	int fd, rc = KEEL_OK;

	if (s->area[area] < 0)
		return KEEL_OK;
	fd = openat(s->area[area], ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return state_refuse(s, state_area_name(area), errno, err);
	}
	while (!rc && (d = readdir(dir)) != NULL)
		if ((tx = name_tx(d->d_name, &rest)) != 0)
			rc = fn(s, area, d->d_name, tx, rest, ctx, err);
	closedir(dir);
	return rc;
}

static int cut_short(const struct keel_state *s, enum state_area area,
		     const char *name, struct keel_error *err)
{
	char path[PATH_MAX + 64];

	return keel_error_set(err, KEEL_EFAIL,
		_("%s belongs to a transaction the journal %s does not record "
		  "(or records unfinished although it ended): the journal was "
		  "cut short or replaced by an older copy; keel changes "
		  "nothing until keel's state is restored from a backup"),
		state_area_path(s, area, name, path, sizeof path),
		s->journal_path);
}

/* A scratch name state_fs_create left when a crash came between its link
 * and its unlink (or before the link): keel's own file, it goes. */
static int drop_scratch(const struct keel_state *s, enum state_area area,
			const char *name, struct keel_error *err)
{
	char base[NAME_MAX + 1], rel[NAME_MAX + 16];

	snprintf(base, sizeof base, "%.*s", (int)(strlen(name) - 4), name);
	snprintf(rel, sizeof rel, "%s/%s", state_area_name(area), name);
	if (state_fs_remove_scratch(s->area[area], name, base))
		return state_refuse(s, rel, errno, err);
	return KEEL_OK;
}

/* An entry numbered past the journal, or ended where the journal is not. */
static int check_entry(const struct keel_state *s, enum state_area area,
		       const char *name, unsigned long tx, const char *rest,
		       void *ctx, struct keel_error *err)
{
	struct witness *w = ctx;
	unsigned long next = state_next_tx(s);
	const char *state = levels_last_state(s, tx);

	if (tx < next && s->writable && strlen(rest) > 4 &&
	    strcmp(rest + strlen(rest) - 4, ".tmp") == 0)
		return drop_scratch(s, area, name, err);
	if (area == STATE_TX && strcmp(rest, ".end") == 0)
		return state && in(state, FINAL) ? KEEL_OK :
		       cut_short(s, area, name, err);
	if (tx < next)
		return KEEL_OK;
	/* The plan txn_begin writes before it journals "begin". */
	if (tx == next && area == STATE_TX &&
	    (strcmp(rest, ".json") == 0 || strcmp(rest, ".json.tmp") == 0)) {
		w->unbegun = tx;
		return KEEL_OK;
	}
	return cut_short(s, area, name, err);
}

/* The plan of a transaction that never began goes, so its number can. */
static int drop_unbegun(struct keel_state *s, unsigned long tx,
			struct keel_error *err)
{
	/* The scratch name first: it may be the plan's second link. */
	static const char *const names[][2] = { { ".json.tmp", ".json" },
						{ ".json", NULL } };
	char name[48], base[48], rel[64];
	size_t i;

	if (!s->writable)
		return KEEL_OK;
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "%lu%s", tx, names[i][0]);
		snprintf(base, sizeof base, "%lu%s", tx,
			 names[i][1] ? names[i][1] : "");
		snprintf(rel, sizeof rel, "tx/%s", name);
		if (state_fs_remove_scratch(s->area[STATE_TX], name,
					    names[i][1] ? base : NULL))
			return state_refuse(s, rel, errno, err);
	}
	if (fsync(s->area[STATE_TX]))
		return state_refuse(s, "tx", errno, err);
	return KEEL_OK;
}

int state_check_records(struct keel_state *s, struct keel_error *err)
{
	struct witness w = { 0 };
	int rc = check_sequence(s, err);
	enum state_area a;

	for (a = 0; !rc && a < STATE_AREAS; a++)
		rc = each_entry(s, a, check_entry, &w, err);
	if (!rc && w.unbegun)
		rc = drop_unbegun(s, w.unbegun, err);
	return rc;
}

/* Whether tx is an installed level. */
static int is_level(const struct levels *l, unsigned long tx)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].tx == tx)
			return 1;
	return 0;
}

static int stray_entry(const struct keel_state *s, enum state_area area,
		       const char *name, unsigned long tx, const char *rest,
		       void *ctx, struct keel_error *err)
{
	char path[PATH_MAX + 64];

	(void)rest;
	if (is_level(ctx, tx))
		return KEEL_OK;
	return keel_error_set(err, KEEL_EFAIL,
		_("%s belongs to transaction %lu, which according to the "
		  "journal %s is not an installed level: keel's state does not "
		  "agree with its journal; keel changes nothing until it is "
		  "restored from a backup"),
		state_area_path(s, area, name, path, sizeof path), tx,
		s->journal_path);
}

/* Every level's own files are there. */
static int level_files(const struct keel_state *s, unsigned long tx,
		       struct keel_error *err)
{
	static const struct { enum state_area area; const char *suffix; } need[] = {
		{ STATE_TX, ".json" }, { STATE_INSTALLED, ".json" },
		{ STATE_INSTALLED, ".json.p7s" }, { STATE_BACKUP, "" },
	};
	char name[48], path[PATH_MAX + 64];
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof need / sizeof need[0]; i++) {
		snprintf(name, sizeof name, "%lu%s", tx, need[i].suffix);
		if (s->area[need[i].area] >= 0 &&
		    fstatat(s->area[need[i].area], name, &st,
			    AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		return keel_error_set(err, KEEL_EFAIL,
			_("%s is missing, but the journal %s records "
			  "transaction %lu as an installed level: keel's state "
			  "is damaged; keel changes nothing until it is "
			  "restored from a backup"),
			state_area_path(s, need[i].area, name, path, sizeof path),
			s->journal_path, tx);
	}
	return KEEL_OK;
}

int state_check_agreement(const struct keel_state *s, struct keel_error *err)
{
	struct levels l;
	size_t i;
	int rc = levels_load(s, &l, err);

	for (i = 0; !rc && i < l.n; i++)
		if (strcmp(journal_str(l.v[i].begin, "op"), "apply") == 0)
			rc = level_files(s, l.v[i].tx, err);
	if (!rc)
		rc = each_entry(s, STATE_BACKUP, stray_entry, &l, err);
	if (!rc)
		rc = each_entry(s, STATE_INSTALLED, stray_entry, &l, err);
	levels_free(&l);
	return rc;
}

void state_mark_ended(struct keel_state *s, unsigned long tx)
{
	char name[48];

	snprintf(name, sizeof name, "%lu.end", tx);
	if (s->area[STATE_TX] >= 0)
		(void)state_fs_create(s->area[STATE_TX], name, "", 0);
}
