/* cmd_history.c: `keel history`: every transaction on the target from its
 * journal: when, what, which version, signer, and how it ended. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_state.h"
#include "commands.h"
#include "i18n.h"
#include "levels.h"
#include "report.h"

static const char *usage(void)
{
	return _("Usage: keel history [--root DIR] [--json] [--no-wait]\n"
		 "List every transaction keel made on the target, oldest first, "
		 "with its outcome.\n\n"
		 "  --root DIR   the system mounted at DIR (default /)\n"
		 "  --json       answer in JSON\n"
		 "  --no-wait    fail at once if another keel is busy\n"
		 "  --help       show this help\n");
}

/* "completed", "failed" or "interrupted" (not translated: JSON). */
static const char *outcome(const char *last)
{
	if (strcmp(last, "closed") == 0)
		return "completed";
	if (strcmp(last, "aborted") == 0)
		return "failed";
	return "interrupted";
}

static const char *outcome_text(const char *word)
{
	if (strcmp(word, "completed") == 0)
		return _("completed");
	if (strcmp(word, "failed") == 0)
		return _("failed, undone");
	return _("interrupted");
}

/* The reason journaled with "aborted", if any. */
static const char *reason(const struct keel_state *s, unsigned long tx)
{
	const char *why = NULL;
	size_t i;

	for (i = 0; i < s->journal.n; i++)
		if (journal_tx(s->journal.rec[i]) == tx &&
		    journal_str(s->journal.rec[i], "reason"))
			why = journal_str(s->journal.rec[i], "reason");
	return why;
}

static struct json_object *entry_json(const struct keel_state *s,
				      struct json_object *begin)
{
	struct json_object *o = json_object_new_object();
	static const char *const keys[] = { "op", "time", "name", "version",
					    "pack", "signer", NULL };
	unsigned long tx = journal_tx(begin);
	const char *why = reason(s, tx);
	size_t i;

	json_object_object_add(o, "tx", json_object_new_int64((int64_t)tx));
	for (i = 0; keys[i]; i++)
		if (journal_str(begin, keys[i]))
			json_object_object_add(o, keys[i], json_object_new_string(
				journal_str(begin, keys[i])));
	json_object_object_add(o, "outcome", json_object_new_string(
		outcome(levels_last_state(s, tx))));
	if (why)
		json_object_object_add(o, "reason", json_object_new_string(why));
	return o;
}

static void print_line(const struct keel_state *s, struct json_object *begin)
{
	unsigned long tx = journal_tx(begin);
	const char *v = journal_str(begin, "version"), *why = reason(s, tx);

	printf("%-5lu %-21s %-10s %-12s %s\n", tx, journal_str(begin, "time"),
	       journal_str(begin, "op"), v ? v : "-",
	       outcome_text(outcome(levels_last_state(s, tx))));
	if (why)
		printf("      %s\n", why);
}

static void print_history(const struct cli_state_args *a,
			  const struct keel_state *s)
{
	struct json_object *arr = json_object_new_array(), *rec;
	size_t i;

	if (!a->json)
		printf("%-5s %-21s %-10s %-12s %s\n", _("TX"), _("TIME"),
		       _("OPERATION"), _("VERSION"), _("OUTCOME"));
	for (i = 0; i < s->journal.n; i++) {
		rec = s->journal.rec[i];
		if (strcmp(journal_str(rec, "state"), "begin") != 0)
			continue;
		if (a->json)
			json_object_array_add(arr, entry_json(s, rec));
		else
			print_line(s, rec);
	}
	if (a->json)
		report_print_json(arr);
	else
		json_object_put(arr);
}

int cmd_history(int argc, char **argv)
{
	struct cli_state_args a;
	struct keel_error err = { 0 };
	struct keel_state s;
	int rc;

	rc = cli_parse_state_args(argc, argv, OPT_JSON | OPT_NO_WAIT, usage(),
				  &a, &err);
	if (rc || a.help)
		return cli_finish("keel", rc, &err);
	rc = cli_open_state(&a, STATE_READ, &s, &err);
	if (!rc)
		print_history(&a, &s);
	state_close(&s);
	return cli_finish_json("keel", a.json, rc, &err);
}
