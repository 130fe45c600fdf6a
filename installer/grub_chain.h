/* grub_chain.h: what keel apply writes into a target's boot chain: the
 * keel-VERSION entry in custom.cfg and the one-shot next_entry in grubenv. */
#ifndef KEEL_GRUB_CHAIN_H
#define KEEL_GRUB_CHAIN_H

#include <stddef.h>

#include "error.h"
#include "target.h"

#define GRUB_CFG "boot/grub/grub.cfg"
#define GRUB_CUSTOM_CFG "boot/grub/custom.cfg"
#define GRUB_ENV "boot/grub/grubenv"

struct grub_chain {
	char *custom_cfg;   /* the new boot/grub/custom.cfg */
	char *grubenv;      /* the new boot/grub/grubenv */
	size_t grubenv_len;
	char *chained;      /* the title of the entry keel chains */
	char *hv_path;      /* keel-hv as the entry names it */
};

/* Reads the target's grub.cfg, custom.cfg and grubenv and works out the
 * new custom.cfg (keel's block with the keel-VERSION entry booting the
 * pack's keel-hv, hv_rel in the target (the manifest's boot.hypervisor),
 * with hv_options, and chaining the
 * kernel, command line and initrd the target boots by default; entries of
 * earlier levels stay, so a failed trial falls back to them) and grubenv
 * (next_entry=keel-VERSION when trial). What keel cannot follow is
 * refused with the reason and the remedy; nothing is written. */
int grub_chain_plan(const struct target *t, const char *version,
		    const char *hv_rel, const char *hv_options, int trial,
		    struct grub_chain *c, struct keel_error *err);

void grub_chain_free(struct grub_chain *c);

#endif
