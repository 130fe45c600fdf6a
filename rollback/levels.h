/* levels.h: the installed service-pack levels of a target, bottom to top,
 * replayed from the journal: committed applies push, rollbacks pop. */
#ifndef KEEL_LEVELS_H
#define KEEL_LEVELS_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"
#include "state.h"

struct level {
	unsigned long tx;          /* the apply transaction that installed it */
	struct json_object *begin; /* its "begin" record: version, signer... */
};

struct levels {
	struct level *v;           /* v[0] lowest, v[n - 1] the running one */
	size_t n, cap;
};

/* The records point into s->journal, which must outlive the result. */
int levels_load(const struct keel_state *s, struct levels *out,
		struct keel_error *err);
void levels_free(struct levels *l);

/* The "begin" record of transaction tx, or NULL. */
struct json_object *levels_begin_record(const struct keel_state *s,
					unsigned long tx);
/* The last state journaled for tx ("begin" ... "closed"), or NULL. */
const char *levels_last_state(const struct keel_state *s, unsigned long tx);

/* Shortcuts into a begin record. */
const char *level_version(const struct level *l);
const char *level_name(const struct level *l);

/* Copies the pack and signer that installed l into meta, so that the
 * record of a later transaction on l names them too. */
void level_add_origin(const struct level *l, struct json_object *meta);

#endif
