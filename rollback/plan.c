/* plan.c: building a transaction plan in memory and its JSON form, which
 * recovery reads back after a crash. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/printbuf.h>

#include "i18n.h"
#include "pack_path.h"
#include "plan.h"
#include "state.h"

static const char *const action_names[] = { "install", "restore", "remove",
					    "preserve" };
#define N_ACTIONS (sizeof action_names / sizeof action_names[0])

static int grow(void **array, size_t *cap, size_t n, size_t size)
{
	void *grown;
	size_t want;

	if (n < *cap)
		return 0;
	want = *cap ? 2 * *cap : 16;
	grown = realloc(*array, want * size);
	if (!grown)
		return -1;
	*array = grown;
	*cap = want;
	return 0;
}

struct plan_entry *plan_add(struct plan *p, const char *path,
			    enum plan_action action, int existed)
{
	struct plan_entry *e;

	if (grow((void **)&p->e, &p->cap, p->n, sizeof *p->e))
		return NULL;
	e = &p->e[p->n];
	memset(e, 0, sizeof *e);
	e->path = strdup(path);
	if (!e->path)
		return NULL;
	e->action = action;
	e->existed = existed;
	p->n++;
	return e;
}

static int add_string(char ***list, size_t *n, size_t *cap, const char *s)
{
	if (grow((void **)list, cap, *n, sizeof **list))
		return -1;
	(*list)[*n] = strdup(s);
	if (!(*list)[*n])
		return -1;
	(*n)++;
	return 0;
}

int plan_add_new_dir(struct plan *p, const char *dir)
{
	return add_string(&p->new_dirs, &p->n_new_dirs, &p->cap_new_dirs, dir);
}

int plan_add_drop_dir(struct plan *p, const char *dir)
{
	size_t i;

	for (i = 0; i < p->n_drop_dirs; i++)
		if (strcmp(p->drop_dirs[i], dir) == 0)
			return 0;
	return add_string(&p->drop_dirs, &p->n_drop_dirs, &p->cap_drop_dirs,
			  dir);
}

int plan_add_release(struct plan *p, unsigned long tx)
{
	if (grow((void **)&p->release, &p->cap_release, p->n_release,
		 sizeof *p->release))
		return -1;
	p->release[p->n_release++] = tx;
	return 0;
}

long plan_find(const struct plan *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->e[i].path, path) == 0)
			return (long)i;
	return -1;
}

static void free_strings(char **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->e[i].path);
	free(p->e);
	free(p->op);
	free_strings(p->new_dirs, p->n_new_dirs);
	free_strings(p->drop_dirs, p->n_drop_dirs);
	free(p->release);
	memset(p, 0, sizeof *p);
}

static struct json_object *saved_to_json(const struct plan_saved *v)
{
	struct json_object *o = json_object_new_object();
	char buf[KEEL_SHA256_HEX];

	json_object_object_add(o, "kind", json_object_new_string(
		v->kind == SAVED_LINK ? "link" : "file"));
	snprintf(buf, sizeof buf, "%04o", v->mode);
	json_object_object_add(o, "mode", json_object_new_string(buf));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)v->size));
	digest_to_hex(v->sha256, buf);
	json_object_object_add(o, "sha256", json_object_new_string(buf));
	if (v->has_owner) {
		json_object_object_add(o, "uid", json_object_new_int64(v->uid));
		json_object_object_add(o, "gid", json_object_new_int64(v->gid));
	}
	return o;
}

static struct json_object *entry_to_json(const struct plan_entry *e)
{
	struct json_object *o = json_object_new_object();
	char buf[KEEL_SHA256_HEX];

	json_object_object_add(o, "path", json_object_new_string(e->path));
	json_object_object_add(o, "action",
			       json_object_new_string(action_names[e->action]));
	json_object_object_add(o, "existed", json_object_new_boolean(e->existed));
	if (e->action == PLAN_INSTALL) {
		snprintf(buf, sizeof buf, "%04o", e->mode);
		json_object_object_add(o, "mode", json_object_new_string(buf));
		json_object_object_add(o, "size",
				       json_object_new_int64((int64_t)e->size));
		digest_to_hex(e->sha256, buf);
		json_object_object_add(o, "sha256", json_object_new_string(buf));
	} else if (e->action == PLAN_RESTORE) {
		json_object_object_add(o, "from_tx",
			json_object_new_int64((int64_t)e->from_tx));
		json_object_object_add(o, "from_index",
			json_object_new_int64((int64_t)e->from_index));
	}
	if (e->action == PLAN_RESTORE || e->action == PLAN_PRESERVE)
		json_object_object_add(o, "from_saved",
				       saved_to_json(&e->from_saved));
	if (e->existed && e->saved.kind != SAVED_NONE)
		json_object_object_add(o, "saved", saved_to_json(&e->saved));
	return o;
}

/* Appends o as compact JSON and drops the reference; 0 or -1. */
static int append_json(struct printbuf *pb, struct json_object *o)
{
	const char *text = json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = text ? printbuf_memappend(pb, text, (int)strlen(text)) : -1;

	json_object_put(o);
	return rc < 0 ? -1 : 0;
}

static struct json_object *strings_to_json(char **list, size_t n)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(list[i]));
	return a;
}

static struct json_object *release_to_json(const struct plan *p)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < p->n_release; i++)
		json_object_array_add(a, json_object_new_int64((int64_t)p->release[i]));
	return a;
}

static int append_plan(struct printbuf *pb, const struct plan *p)
{
	size_t i;
	int bad = sprintbuf(pb, "{\n  \"tx\": %lu,\n  \"op\": ", p->tx) < 0 ||
		  append_json(pb, json_object_new_string(p->op)) ||
		  sprintbuf(pb, ",\n  \"entries\": [") < 0;

	for (i = 0; !bad && i < p->n; i++)
		bad = sprintbuf(pb, i ? ",\n    " : "\n    ") < 0 ||
		      append_json(pb, entry_to_json(&p->e[i]));
	return bad || sprintbuf(pb, "\n  ],\n  \"new_dirs\": ") < 0 ||
	       append_json(pb, strings_to_json(p->new_dirs, p->n_new_dirs)) ||
	       sprintbuf(pb, ",\n  \"drop_dirs\": ") < 0 ||
	       append_json(pb, strings_to_json(p->drop_dirs, p->n_drop_dirs)) ||
	       sprintbuf(pb, ",\n  \"release\": ") < 0 ||
	       append_json(pb, release_to_json(p)) ||
	       sprintbuf(pb, ",\n  \"keep_backup\": %s\n}\n",
			 p->keep_backup ? "true" : "false") < 0 ? -1 : 0;
}

/* A plan of 4096 files is several MiB as a json-c tree: each entry is
 * built, printed and freed in turn, so only the text is held. */
char *plan_to_text(const struct plan *p, size_t *len)
{
	struct printbuf *pb = printbuf_new();
	char *text = NULL;

	if (pb && append_plan(pb, p) == 0) {
		text = pb->buf;    /* taken over from the printbuf */
		*len = (size_t)pb->bpos;
		pb->buf = NULL;
	}
	if (pb) {
		free(pb->buf);
		free(pb);
	}
	return text;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t get_int(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/* A path read back from a record gets the checks of a signed manifest's:
 * relative, normalized, no "..", within limits; and no transaction ever
 * changes keel's own state through a target path. */
static int plan_path_ok(const char *path)
{
	size_t n = strlen(STATE_DIR);

	if (strncasecmp(path, STATE_DIR, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/'))
		return -1;
	return pack_path_check(path) == PACK_PATH_OK ? 0 : -1;
}

/* uid and gid, both or neither (records before keel kept them). */
static int owner_from_json(struct json_object *r, struct plan_saved *v)
{
	int has_uid = json_object_object_get_ex(r, "uid", NULL);
	int has_gid = json_object_object_get_ex(r, "gid", NULL);
	int64_t uid = get_int(r, "uid"), gid = get_int(r, "gid");

	if (has_uid != has_gid)
		return -1;
	v->has_owner = has_uid;
	if (!has_uid)
		return 0;
	if (uid < 0 || gid < 0 || uid > UINT32_MAX || gid > UINT32_MAX)
		return -1;
	v->uid = (uint32_t)uid;
	v->gid = (uint32_t)gid;
	return 0;
}

/* A saved record: required where key is present; 0 or -1. */
static int saved_from_json(struct json_object *o, const char *key,
			   struct plan_saved *v)
{
	struct json_object *r;
	const char *kind, *mode, *sha;
	char *end;

	if (!json_object_object_get_ex(o, key, &r) ||
	    !json_object_is_type(r, json_type_object))
		return -1;
	kind = get_str(r, "kind");
	mode = get_str(r, "mode");
	sha = get_str(r, "sha256");
	if (!kind || !mode || !sha || digest_from_hex(sha, v->sha256) ||
	    get_int(r, "size") < 0)
		return -1;
	if (strcmp(kind, "file") == 0)
		v->kind = SAVED_FILE;
	else if (strcmp(kind, "link") == 0)
		v->kind = SAVED_LINK;
	else
		return -1;
	v->mode = (unsigned)strtoul(mode, &end, 8);
	if (*end || v->mode > 07777)
		return -1;
	v->size = (uint64_t)get_int(r, "size");
	return owner_from_json(r, v);
}

static int entry_from_json(struct json_object *o, struct plan *p)
{
	const char *path = get_str(o, "path"), *action = get_str(o, "action");
	const char *sha = get_str(o, "sha256"), *mode = get_str(o, "mode");
	struct json_object *v;
	struct plan_entry *e;
	char *end;
	int a;

	if (!path || !action || !json_object_object_get_ex(o, "existed", &v) ||
	    !json_object_is_type(v, json_type_boolean) ||
	    plan_path_ok(path) != 0)
		return -1;
	for (a = 0; a < (int)N_ACTIONS && strcmp(action, action_names[a]) != 0;
	     a++)
		;
	if (a == (int)N_ACTIONS || !(e = plan_add(p, path, (enum plan_action)a,
				     json_object_get_boolean(v))))
		return -1;
	if (e->action == PLAN_INSTALL) {
		if (!sha || !mode || digest_from_hex(sha, e->sha256) ||
		    get_int(o, "size") < 0)
			return -1;
		e->size = (uint64_t)get_int(o, "size");
		e->mode = (unsigned)strtoul(mode, &end, 8);
		if (*end || !*mode || e->mode > 07777)
			return -1;
	} else if (e->action == PLAN_RESTORE) {
		if (get_int(o, "from_tx") <= 0 || get_int(o, "from_index") < 0)
			return -1;
		e->from_tx = (unsigned long)get_int(o, "from_tx");
		e->from_index = (size_t)get_int(o, "from_index");
	}
	if ((e->action == PLAN_RESTORE || e->action == PLAN_PRESERVE) &&
	    saved_from_json(o, "from_saved", &e->from_saved))
		return -1;
	/* Every path that existed is saved with its record. */
	if (e->existed && saved_from_json(o, "saved", &e->saved))
		return -1;
	return 0;
}

static int strings_from_json(struct json_object *o, const char *key,
			     int (*add)(struct plan *, const char *),
			     struct plan *p)
{
	struct json_object *a, *v;
	size_t i;

	if (!json_object_object_get_ex(o, key, &a) ||
	    !json_object_is_type(a, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(a); i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_string) ||
		    plan_path_ok(json_object_get_string(v)) ||
		    add(p, json_object_get_string(v)))
			return -1;
	}
	return 0;
}

static int release_from_json(struct json_object *o, struct plan *p)
{
	struct json_object *a, *v;
	size_t i;

	if (!json_object_object_get_ex(o, "release", &a) ||
	    !json_object_is_type(a, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(a); i++) {
		v = json_object_array_get_idx(a, i);
		if (!json_object_is_type(v, json_type_int) ||
		    json_object_get_int64(v) <= 0 ||
		    plan_add_release(p, (unsigned long)json_object_get_int64(v)))
			return -1;
	}
	if (json_object_object_get_ex(o, "keep_backup", &v))
		p->keep_backup = json_object_get_boolean(v);
	return 0;
}

int plan_from_json(struct json_object *o, const char *origin, struct plan *p,
		   struct keel_error *err)
{
	struct json_object *entries;
	const char *op = get_str(o, "op");
	size_t i;
	int bad;

	memset(p, 0, sizeof *p);
	bad = !op || get_int(o, "tx") <= 0 ||
	      !json_object_object_get_ex(o, "entries", &entries) ||
	      !json_object_is_type(entries, json_type_array);
	if (!bad) {
		p->tx = (unsigned long)get_int(o, "tx");
		p->op = strdup(op);
		bad = !p->op;
	}
	for (i = 0; !bad && i < json_object_array_length(entries); i++)
		bad = entry_from_json(json_object_array_get_idx(entries, i), p);
	if (!bad)
		bad = strings_from_json(o, "new_dirs", plan_add_new_dir, p) ||
		      strings_from_json(o, "drop_dirs", plan_add_drop_dir, p) ||
		      release_from_json(o, p);
	if (!bad)
		return KEEL_OK;
	plan_free(p);
	return keel_error_set(err, KEEL_EFAIL,
		_("the transaction record %s is damaged; keel cannot tell what "
		  "that transaction changed"), origin);
}
