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

struct keel_state {
	struct target target;
	int dir;               /* STATE_DIR, -1 when keel never ran here */
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

/* Writes name (relative to the state directory) atomically: a scratch
 * file, fsync, rename, fsync of the directory. */
int state_write_file(struct keel_state *s, const char *name,
		     const void *data, size_t len, struct keel_error *err);

/* Reads a JSON file below the state directory. */
int state_read_json(const struct keel_state *s, const char *name,
		    struct json_object **out, struct keel_error *err);

/* The backup store of transaction tx (backup/TX), created if asked. */
int state_backup_dir(struct keel_state *s, unsigned long tx, int create);

#endif
