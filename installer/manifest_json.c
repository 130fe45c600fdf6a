/* manifest_json.c: the manifest's text to json-c trees: the byte checks,
 * strict parsing, and the "files" array parsed one entry at a time. */
#include "config.h"

#include <string.h>

#include "i18n.h"
#include "json_scan.h"
#include "pack_limits.h"
#include "manifest_json.h"

/* A run of the text, and its offset in the whole for messages. */
struct piece {
	const char *p;
	size_t len, base;
};

static int scan_text(struct mf_ctx *c, const char *buf, size_t len,
		     struct json_scan *scan)
{
	switch (json_scan(buf, len, scan)) {
	case JSON_SCAN_OK:
		return KEEL_OK;
	case JSON_SCAN_NUL_BYTE:
		return mf_fail(c, _("the manifest has a NUL byte at offset "
				    "%zu."), scan->offset);
	case JSON_SCAN_BAD_UTF8:
		return mf_fail(c, _("the manifest is not valid UTF-8 at offset "
				    "%zu."), scan->offset);
	case JSON_SCAN_CONTROL:
		return mf_fail(c, _("the manifest has an unescaped control "
				    "character inside a string at offset %zu."),
			       scan->offset);
	case JSON_SCAN_NUL_ESCAPE:
		return mf_fail(c, _("the manifest has a NUL character "
				    "(\\u0000) inside a string at offset %zu."),
			       scan->offset);
	case JSON_SCAN_SYNTAX:
		return mf_fail(c, _("the manifest is not valid JSON: unexpected "
				    "character at offset %zu."), scan->offset);
	}
	return mf_fail(c, _("the manifest is not valid JSON."));
}

static int json_fail(struct mf_ctx *c, struct json_tokener *tok,
		     size_t base)
{
	enum json_tokener_error e = json_tokener_get_error(tok);
	size_t at = base + json_tokener_get_parse_end(tok);

	if (e == json_tokener_continue)
		return mf_fail(c, _("the manifest is not valid JSON: it ends "
				    "early, at offset %zu."), at);
	return mf_fail(c, _("the manifest is not valid JSON: %s at offset "
			    "%zu."), json_tokener_error_desc(e), at);
}

/* JSON's whitespace (not NUL, which strchr would also find). */
static int is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static int blank(const char *p, size_t len)
{
	while (len && is_space(*p)) {
		p++;
		len--;
	}
	return len == 0;
}

/* One JSON value from pieces read in turn, strictly: no comments, single
 * quotes or trailing characters (but blank pieces after the value, which
 * end a bare number or literal). "null" gives NULL without an error. */
static int parse_pieces(struct mf_ctx *c, const struct piece *pc, size_t n,
			struct json_object **out)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj = NULL;
	enum json_tokener_error e = json_tokener_continue;
	size_t i = 0, end = 0;
	int rc = KEEL_OK;

	if (!tok)
		return mf_nomem(c);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	for (; i < n && e == json_tokener_continue; i++) {
		obj = json_tokener_parse_ex(tok, pc[i].p, (int)pc[i].len);
		e = json_tokener_get_error(tok);
		end = json_tokener_get_parse_end(tok);
	}
	if (e != json_tokener_success)
		rc = json_fail(c, tok, pc[i - 1].base);
	else if (!blank(pc[i - 1].p + end, pc[i - 1].len - end) ||
		 (i < n && !blank(pc[i].p, pc[i].len)))
		rc = mf_fail(c, _("the manifest is not valid JSON: there is "
				  "more after its end, at offset %zu."),
			     pc[i - 1].base + end);
	json_tokener_free(tok);
	if (rc) {
		json_object_put(obj);
		obj = NULL;
	}
	*out = obj;
	return rc;
}

/* The structure of the text, strings skipped (json_scan has checked
 * them): depth of brackets and braces, and the last string's extent. */
struct walk {
	const char *buf;
	size_t len, i;
	int depth;
	size_t str_start, str_end;  /* the last string, quotes included */
};

/* Moves w->i past one character or string; returns that character. */
static char walk_step(struct walk *w)
{
	char ch = w->buf[w->i];
	size_t j;

	if (ch != '"') {
		if (ch == '{' || ch == '[')
			w->depth++;
		else if (ch == '}' || ch == ']')
			w->depth--;
		w->i++;
		return ch;
	}
	for (j = w->i + 1; j < w->len && w->buf[j] != '"'; j++)
		if (w->buf[j] == '\\')
			j++;
	w->str_start = w->i;
	w->str_end = j < w->len ? j + 1 : w->len;
	w->i = w->str_end;
	return ch;
}

static void skip_space(struct walk *w)
{
	while (w->i < w->len && is_space(w->buf[w->i]))
		w->i++;
}

/* From just after the array's '[': entries and members up to its ']'. */
static int walk_array(struct walk *w, struct files_span *sp)
{
	int level = w->depth, content = 0;
	size_t commas = 0;
	char ch;

	sp->members = 0;
	while (w->i < w->len) {
		ch = walk_step(w);
		if (w->depth < level) {
			sp->close = w->i - 1;
			sp->entries = content ? commas + 1 : 0;
			return 1;
		}
		if (ch == ',' && w->depth == level)
			commas++;
		else if (ch == ':')
			sp->members++;
		if (!is_space(ch))
			content = 1;
	}
	return 0;
}

/* Finds a top-level key spelt "files" whose value is an array. */
static int find_files(const char *buf, size_t len, struct files_span *sp)
{
	struct walk w = { buf, len, 0, 0, 0, 0 };
	char ch;

	while (w.i < len) {
		ch = walk_step(&w);
		if (ch != ':' || w.depth != 1 || w.str_end - w.str_start != 7 ||
		    memcmp(buf + w.str_start, "\"files\"", 7) != 0)
			continue;
		skip_space(&w);
		if (w.i >= len || buf[w.i] != '[')
			return 0;
		sp->open = w.i;
		walk_step(&w);
		sp->next = w.i;
		return walk_array(&w, sp);
	}
	return 0;
}

int mj_load(struct mf_ctx *c, const char *buf, size_t len,
	    struct json_object **top, struct files_span *span, int *have_span)
{
	struct json_scan scan;
	struct piece pc[2] = { { buf, len, 0 }, { NULL, 0, 0 } };
	size_t n = 1, members;
	int rc;

	*top = NULL;
	*have_span = 0;
	if (len > KEEL_MANIFEST_MAX)
		return mf_fail(c, _("the manifest is %zu bytes; at most %u are "
				    "allowed."), len, KEEL_MANIFEST_MAX);
	rc = scan_text(c, buf, len, &scan);
	if (rc)
		return rc;
	members = scan.members;
	if (find_files(buf, len, span)) {
		/* The text around the entries: "... "files": [" and "] ...". */
		pc[0].len = span->open + 1;
		pc[1] = (struct piece){ buf + span->close, len - span->close,
					span->close };
		n = 2;
		members -= span->members;
		*have_span = 1;
	}
	rc = parse_pieces(c, pc, n, top);
	if (!rc && !json_object_is_type(*top, json_type_object))
		rc = mf_fail(c, _("the manifest must be a JSON object."));
	else if (!rc && json_count_members(*top) != members)
		rc = mf_fail(c, _("the manifest has the same key twice in one "
				  "object."));
	if (rc) {
		json_object_put(*top);
		*top = NULL;
	}
	return rc;
}

int mj_next_entry(struct mf_ctx *c, const char *buf, struct files_span *span,
		  struct json_object **out)
{
	struct walk w = { buf, span->close, span->next, 0, 0, 0 };
	struct piece pc[2];  /* the entry, and a blank that ends a literal */
	char ch = 0;

	skip_space(&w);
	pc[0].p = buf + w.i;
	pc[0].base = w.i;
	/* The entry ends at the next ',' at its own level, or at ']'. */
	while (w.i < span->close) {
		size_t at = w.i;

		ch = walk_step(&w);
		if (ch == ',' && w.depth == 0) {
			w.i = at;
			break;
		}
	}
	pc[0].len = w.i - pc[0].base;
	pc[1] = (struct piece){ " ", 1, w.i };
	span->next = w.i < span->close ? w.i + 1 : w.i;
	if (blank(pc[0].p, pc[0].len))
		return mf_fail(c, _("the manifest is not valid JSON: a value is "
				    "missing at offset %zu."), pc[0].base);
	return parse_pieces(c, pc, 2, out);
}
