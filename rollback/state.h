/* state.h: keel's state directory on a target (var/lib/keel): the lock
 * that keeps installers apart, the journal, and the files kept per tx. */
#ifndef KEEL_STATE_H
#define KEEL_STATE_H

#include <limits.h>
#include <stddef.h>

#include "error.h"
#include "journal.h"
#include "target.h"

#define STATE_DIR "var/lib/keel"

/* The directories below the state directory, each opened once without
 * following a symlink, so no name inside them can lead elsewhere. */
enum state_area {
	STATE_TX,          /* tx/N.json: each transaction's plan */
	STATE_BACKUP,      /* backup/N/: the files transaction N replaced */
	STATE_INSTALLED,   /* installed/N.json(.p7s): each level's manifest */
	STATE_AREAS
};

struct keel_state {
	struct target target;
	int dir;               /* STATE_DIR, -1 when keel never ran here */
	int area[STATE_AREAS]; /* -1 when missing (a read-only target) */
	int lock;              /* the flock'ed lock file, -1 if none */
	int writable;          /* the lock is exclusive and files may change */
	struct journal journal;
	char path[PATH_MAX];   /* ROOT/var/lib/keel, for messages */
	char journal_path[PATH_MAX + 16];
};

enum state_access {
	STATE_READ,    /* status, history: recover if the target is writable */
	STATE_WRITE,   /* apply, rollback, uninstall: must be writable */
};

/* A closed state, safe to pass to state_close. */
void state_init(struct keel_state *s);

/* Opens the target and its state directory, if there is one (never
 * creates it: a refused command leaves no trace), and takes the lock:
 * exclusive when writable, shared otherwise. With wait set a held lock is
 * waited for (saying so on stderr), else it is KEEL_EBUSY. */
int state_open(const char *root, enum state_access access, int wait,
	       struct keel_state *s, struct keel_error *err);
void state_close(struct keel_state *s);

/* Creates the state directory of a target keel never changed, and locks
 * it; the first apply calls it just before its transaction begins. */
int state_create(struct keel_state *s, int wait, struct keel_error *err);

/* The next transaction number: one past the highest in the journal. */
unsigned long state_next_tx(const struct keel_state *s);

/* Writes the new file name in an area whole or not at all (state_fs.h);
 * an existing one is never replaced: keel's records are written once. */
int state_write_file(struct keel_state *s, enum state_area area,
		     const char *name, const void *data, size_t len,
		     struct keel_error *err);

/* Reads a JSON object from keel's own file name in an area. */
int state_read_json(const struct keel_state *s, enum state_area area,
		    const char *name, struct json_object **out,
		    struct keel_error *err);

/* The backup store of transaction tx (backup/TX): with create, made anew
 * (an existing one is EEXIST: it belongs to another transaction). -1
 * with errno as state_fs.h says. */
int state_backup_dir(const struct keel_state *s, unsigned long tx, int create);

/* KEEL_EFAIL naming ROOT/var/lib/keel/REL and why errnum refused it
 * (state_fs_why), with what to do; for what a command finds in keel's
 * state that keel did not make. */
int state_refuse(const struct keel_state *s, const char *rel, int errnum,
		 struct keel_error *err);

/* The directory name of area below var/lib/keel ("tx", "backup",
 * "installed"). */
const char *state_area_name(enum state_area area);

/* ROOT/var/lib/keel/AREA-NAME/name, for messages. */
const char *state_area_path(const struct keel_state *s, enum state_area area,
			    const char *name, char *buf, size_t size);

#endif
