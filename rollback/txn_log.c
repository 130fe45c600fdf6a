/* txn_log.c: the syslog lines of transactions: "key=value" pairs after a
 * fixed word, so that grep, journalctl and log shippers can all read them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "txn_log.h"

/* Room for two paths, the signer and two error messages, escaped. */
#define LOG_LINE_MAX 16384

struct log_line {
	char buf[LOG_LINE_MAX];
	size_t len;
};

static void put(struct log_line *l, const char *s, size_t n)
{
	if (l->len + n >= sizeof l->buf)
		n = sizeof l->buf - 1 - l->len;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static int needs_quotes(const char *value)
{
	const char *c;

	if (value[0] == '\0')
		return 1;
	for (c = value; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || strchr("\"=\\", *c))
			return 1;
	return 0;
}

/* key=value; a value with blanks, control characters, quotes, '=' or
 * nothing in it is quoted, with '"' and '\' escaped, as logfmt readers
 * expect. Control characters (a newline in a reason) become spaces: one
 * event, one line. */
static void field(struct log_line *l, const char *key, const char *value)
{
	const char *c;
	int quote;

	if (!value)
		return;
	quote = needs_quotes(value);
	put(l, " ", 1);
	put(l, key, strlen(key));
	put(l, quote ? "=\"" : "=", quote ? 2 : 1);
	for (c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			put(l, "\\", 1);
		put(l, (unsigned char)*c < 0x20 || *c == 0x7f ? " " : c, 1);
	}
	if (quote)
		put(l, "\"", 1);
}

static void number(struct log_line *l, const char *key, unsigned long n)
{
	char s[32];

	snprintf(s, sizeof s, "%lu", n);
	field(l, key, s);
}

/* LOG_USER like other administration commands; the pid tells two
 * keel runs apart. syslog(3) drops the line when no logger listens.
 * KEEL_SYSLOG=0 keeps keel out of the log (the test suite sets it, so
 * that thousands of test transactions do not land in the host's log). */
static void emit(int priority, const struct log_line *l)
{
	const char *on = getenv("KEEL_SYSLOG");

	if (on && strcmp(on, "0") == 0)
		return;
	openlog("keel", LOG_PID, LOG_USER);
	syslog(priority, "%s", l->buf);
	closelog();
}

void txn_log_outcome(const struct keel_state *s, const struct plan *p,
		     struct json_object *meta, const char *outcome,
		     const char *why, const char *undo_why)
{
	static const char *const keys[] = { "name", "version", "level", "to",
					    "entry", "pack", "signer" };
	struct json_object *v;
	struct log_line l = { .len = 0 };
	size_t i;

	put(&l, "transaction", strlen("transaction"));
	field(&l, "op", p->op);
	number(&l, "tx", p->tx);
	field(&l, "root", s->target.root);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_object_get_ex(meta, keys[i], &v))
			field(&l, keys[i], json_object_get_string(v));
	field(&l, "outcome", outcome);
	field(&l, "reason", why);
	field(&l, "undo_error", undo_why);
	emit(strcmp(outcome, "committed") == 0 ? LOG_NOTICE : LOG_ERR, &l);
}

void txn_log_refused(const char *root, const char *pack, const char *name,
		     const char *version, const char *signer, const char *why)
{
	struct log_line l = { .len = 0 };

	put(&l, "refused", strlen("refused"));
	field(&l, "op", "apply");
	field(&l, "root", root);
	field(&l, "name", name);
	field(&l, "version", version);
	field(&l, "pack", pack);
	field(&l, "signer", signer);
	field(&l, "outcome", "refused");
	field(&l, "reason", why);
	emit(LOG_WARNING, &l);
}
