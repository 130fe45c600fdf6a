/* plan_print.h: a plan as the dry run and the confirmation show it, the
 * same for apply, rollback and uninstall. */
#ifndef KEEL_PLAN_PRINT_H
#define KEEL_PLAN_PRINT_H

#include <stddef.h>

#include "plan.h"

/* One line a step: directories made, files installed, replaced, restored,
 * removed or kept as PATH.keel-old, directories dropped when empty. */
void plan_print(const struct plan *p);
/* How many of p's entries take action a. */
size_t plan_count(const struct plan *p, enum plan_action a);

#endif
