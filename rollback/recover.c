/* recover.c: completes or undoes an interrupted transaction from its plan
 * (tx/N.json) and journal records, and tells the administrator which. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "levels.h"
#include "plan.h"
#include "recover.h"
#include "state_check.h"
#include "txn.h"
#include "txn_log.h"

static int is_final(const char *state)
{
	return strcmp(state, "closed") == 0 || strcmp(state, "aborted") == 0;
}

/* The oldest unfinished transaction, or 0. */
static unsigned long find_pending(const struct keel_state *s)
{
	size_t i;
	unsigned long tx;

	for (i = 0; i < s->journal.n; i++) {
		tx = journal_tx(s->journal.rec[i]);
		if (strcmp(journal_str(s->journal.rec[i], "state"), "begin") == 0 &&
		    !is_final(levels_last_state(s, tx)))
			return tx;
	}
	return 0;
}

int recover_pending(const struct keel_state *s)
{
	return find_pending(s) != 0;
}

static void describe(const struct keel_state *s, unsigned long tx, char *buf,
		     size_t size)
{
	struct json_object *b = levels_begin_record(s, tx);
	const char *op = journal_str(b, "op"), *v = journal_str(b, "version");

	snprintf(buf, size, "%lu (%s%s%s)", tx, op, v ? " " : "", v ? v : "");
}

static int finish(struct keel_state *s, unsigned long tx,
		  struct keel_error *err)
{
	const char *state = levels_last_state(s, tx);
	char what[128];
	struct plan p;
	int rc;

	describe(s, tx, what, sizeof what);
	rc = txn_load_plan(s, tx, &p, err);
	if (rc)
		return rc;
	if (strcmp(state, "committed") == 0) {
		rc = txn_cleanup(s, &p, err);
		if (!rc)
			rc = txn_mark(s, &p, "closed", err);
		if (!rc) {
			fprintf(stderr, _("keel: transaction %s was interrupted "
					  "after its commit; it has been "
					  "completed.\n"), what);
			txn_log_outcome(s, &p, levels_begin_record(s, tx),
					"committed", "interrupted after its "
					"commit, completed by recovery", NULL);
		}
	} else {
		rc = txn_abort(s, &p, _("interrupted; undone by recovery"), err);
		if (!rc) {
			fprintf(stderr, _("keel: transaction %s was interrupted; "
					  "it has been undone: %s is as it was "
					  "before it.\n"), what, s->target.root);
			txn_log_outcome(s, &p, levels_begin_record(s, tx),
					"undone", "interrupted, undone by "
					"recovery", NULL);
		}
	}
	plan_free(&p);
	if (rc)
		keel_error_prefix(err, _("cannot recover interrupted "
					 "transaction %s"), what);
	return rc;
}

int recover(struct keel_state *s, struct keel_error *err)
{
	unsigned long tx, last = 0;
	char what[128];
	int rc;

	while ((tx = find_pending(s)) != 0) {
		/* Finishing a transaction ends it in the journal; one that is
		 * still pending after that has records that lie. */
		if (tx == last)
			return keel_error_set(err, KEEL_EFAIL,
				_("transaction %lu on %s is still unfinished "
				  "after keel finished it: keel's state is "
				  "damaged; keel changes nothing more until it "
				  "is restored from a backup"), tx,
				s->target.root);
		last = tx;
		if (!s->writable) {
			describe(s, tx, what, sizeof what);
			return keel_error_set(err, KEEL_EFAIL,
				_("transaction %s on %s was interrupted and "
				  "keel cannot finish it because the target "
				  "cannot be written; run keel again with "
				  "write access (as root, on a read-write "
				  "mount)"), what, s->target.root);
		}
		rc = finish(s, tx, err);
		if (rc)
			return rc;
	}
	return s->dir >= 0 ? state_check_agreement(s, err) : KEEL_OK;
}
