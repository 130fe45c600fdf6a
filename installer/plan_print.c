/* plan_print.c: a plan as the dry run and the confirmation show it, the
 * same for apply, rollback and uninstall. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan_print.h"

static const char *verb(const struct plan_entry *e)
{
	switch (e->action) {
	case PLAN_REMOVE: return _("remove");
	case PLAN_RESTORE: return _("restore");
	case PLAN_PRESERVE: return _("keep");
	case PLAN_INSTALL: break;
	}
	return e->existed ? _("replace") : _("install");
}

void plan_print(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->n_new_dirs; i++)
		printf("  %-8s %s/\n", _("mkdir"), p->new_dirs[i]);
	for (i = 0; i < p->n; i++) {
		if (p->e[i].action == PLAN_PRESERVE)
			printf("  %-8s %s %s\n", verb(&p->e[i]), p->e[i].path,
			       _("(a copy of the file as it is now: it was "
				 "changed since keel installed it)"));
		else
			printf("  %-8s %s\n", verb(&p->e[i]), p->e[i].path);
	}
	for (i = 0; i < p->n_drop_dirs; i++)
		printf("  %-8s %s/ %s\n", _("rmdir"), p->drop_dirs[i],
		       _("(if empty)"));
}

size_t plan_count(const struct plan *p, enum plan_action a)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += p->e[i].action == a;
	return n;
}
