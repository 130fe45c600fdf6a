/* grub_default.h: which entry of a grub.cfg boots when nobody chooses,
 * following GRUB's rules for "default": a number, an id or a title per
 * menu level, levels joined by '>', ${saved_entry} from grubenv. */
#ifndef KEEL_GRUB_DEFAULT_H
#define KEEL_GRUB_DEFAULT_H

#include "error.h"
#include "grubcfg.h"

/* The default entry of cfg; saved_entry is grubenv's (NULL if unset).
 * What does not name an entry of the menu is KEEL_ENOTAPPLICABLE: keel
 * does not guess, where GRUB would quietly take the first entry. */
int grub_default_entry(const struct grub_cfg *cfg, const char *saved_entry,
		       const char *origin, const struct grub_item **entry,
		       struct keel_error *err);

#endif
