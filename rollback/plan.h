/* plan.h: what one transaction changes on the target, path by path; saved
 * as tx/N.json before the first change, so recovery can undo any step. */
#ifndef KEEL_PLAN_H
#define KEEL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "digest.h"
#include "error.h"

enum plan_action {
	PLAN_INSTALL,  /* new content, staged from the pack */
	PLAN_RESTORE,  /* content saved by an earlier transaction */
	PLAN_REMOVE,   /* the path goes away */
	PLAN_PRESERVE, /* PATH.keel-old: a copy of PATH as it is now, which
			  the administrator changed after keel wrote it */
};

/* What stood at a path, as a transaction saved it: checked when the copy
 * is made and before it goes back, so a damaged backup never does. */
enum plan_saved_kind { SAVED_NONE, SAVED_FILE, SAVED_LINK };

struct plan_saved {
	enum plan_saved_kind kind;
	unsigned mode;           /* SAVED_FILE: permission bits */
	uint64_t size;           /* the content's (a link's target's) length */
	unsigned char sha256[KEEL_SHA256_LEN];  /* of the content or target */
	int has_owner;           /* uid and gid recorded (older records: no) */
	uint32_t uid, gid;
};

struct plan_entry {
	char *path;              /* below the target root */
	enum plan_action action;
	int existed;             /* something stood at path before */
	/* PLAN_INSTALL: what the pack must deliver. */
	unsigned mode;
	uint64_t size;
	unsigned char sha256[KEEL_SHA256_LEN];
	/* PLAN_RESTORE: the saved copy, "TX/INDEX" in the backup store, and
	 * what transaction TX recorded of it. */
	unsigned long from_tx;
	size_t from_index;
	struct plan_saved from_saved;
	/* existed: what stands at path now, which this transaction saves. */
	struct plan_saved saved;
};

struct plan {
	unsigned long tx;
	char *op;                /* "apply", "rollback", "uninstall" */
	struct plan_entry *e;
	size_t n, cap;
	char **new_dirs;         /* made while staging, parents first */
	size_t n_new_dirs, cap_new_dirs;
	char **drop_dirs;        /* removed after commit when empty */
	size_t n_drop_dirs, cap_drop_dirs;
	/* Earlier transactions whose saved files and installed manifest go
	 * after commit (the levels a rollback or uninstall takes away). */
	unsigned long *release;
	size_t n_release, cap_release;
	int keep_backup;         /* apply: its backup is what rollback needs */
};

/* Appends an entry (path is copied); returns it, or NULL on no memory. */
struct plan_entry *plan_add(struct plan *p, const char *path,
			    enum plan_action action, int existed);
int plan_add_new_dir(struct plan *p, const char *dir);
int plan_add_drop_dir(struct plan *p, const char *dir);
int plan_add_release(struct plan *p, unsigned long tx);
long plan_find(const struct plan *p, const char *path);
void plan_free(struct plan *p);

/* The plan as JSON text, one entry per line; NULL when out of memory.
 * The caller frees it. */
char *plan_to_text(const struct plan *p, size_t *len);
/* Reads what plan_to_text wrote (parsed); origin names the file in messages. */
int plan_from_json(struct json_object *o, const char *origin, struct plan *p,
		   struct keel_error *err);

/* The name of a staged, an undo and a scratch copy next to a target. */
#define PLAN_NEW_SUFFIX ".keel-new"
#define PLAN_UNDO_SUFFIX ".keel-undo"
#define PLAN_TMP_SUFFIX ".keel-tmp"
#define PLAN_KEEP_SUFFIX ".keel-old"

#endif
