/* grub_chain.h: what keel apply writes into a target's boot chain: the
 * keel-VERSION entry in custom.cfg and the one-shot next_entry in grubenv. */
#ifndef KEEL_GRUB_CHAIN_H
#define KEEL_GRUB_CHAIN_H

#include <stddef.h>

#include "error.h"
#include "grub_files.h"
#include "levels.h"
#include "manifest.h"
#include "target.h"

struct grub_chain {
	char *custom_cfg;   /* the new boot/grub/custom.cfg */
	char *grubenv;      /* the new boot/grub/grubenv */
	size_t grubenv_len;
	char *chained;      /* the title of the entry keel chains; commit:
			       of the new fallback, NULL if it set none */
	char *kernel;       /* apply: its kernel and command line, as written */
	char *cmdline;
	char *hv_path;      /* keel-hv as the entry names it */
	int unchanged;      /* commit: the level already is the default */
};

/* Reads the target's grub.cfg, custom.cfg and grubenv and works out the
 * new custom.cfg and grubenv for the pack m: keel's block with the
 * keel-VERSION entry booting m's boot.hypervisor (a path in the target)
 * with m's boot.options, chaining the kernel, command line and initrd the
 * target boots by default. Entries of earlier levels stay, so a failed
 * trial falls back to them; those of levels m supersedes go (their
 * keel-hv goes with their files), and a default among them with them.
 * GRUB's fallback is the entry that boots by default now. grubenv gets
 * next_entry=keel-VERSION when trial; without a trial the entry is made
 * the default at once. What keel cannot follow is refused with the
 * reason and the remedy; nothing is written. */
int grub_chain_plan(const struct target *t, const struct keel_manifest *m,
		    int trial, struct grub_chain *c, struct keel_error *err);

/* keel commit: keel-VERSION, which keel's block must hold, becomes the
 * default and the entry that was the default the fallback; a next_entry
 * naming it is cleared. c->unchanged when it already is the default. */
int grub_chain_commit(const struct target *t, const char *version,
		      struct grub_chain *c, struct keel_error *err);

/* keel refresh (the kernel hooks): every keel entry chains again what
 * the default entry without keel's block boots now (a kernel update-grub
 * added or took away); hypervisor, options, default and fallback stay.
 * Only c->custom_cfg and c->chained are set; c->unchanged when nothing
 * differs (c->chained NULL: keel has no entries). */
int grub_chain_refresh(const struct target *t, struct grub_chain *c,
		       struct keel_error *err);

/* The same for custom.cfg as text (the file rollback is about to put
 * back), not as the target has it. */
int grub_chain_refresh_text(const struct target *t, const char *custom,
			    struct grub_chain *c, struct keel_error *err);

/* Where keel-VERSION stands in the target's boot chain, for keel status. */
enum grub_chain_state {
	CHAIN_NONE,       /* keel's block has no such entry */
	CHAIN_TRIAL,      /* next_entry names it: the next boot tries it */
	CHAIN_COMMITTED,  /* it is the default */
	CHAIN_UNCOMMITTED, /* there, but neither: the trial boot is over and
			      keel commit never ran */
};

int grub_chain_state(const struct target *t, const char *version,
		     enum grub_chain_state *state, struct keel_error *err);

/* The highest installed level with an entry in keel's block (levels
 * without a hypervisor have none), and where it stands; NULL (and
 * CHAIN_NONE) when there is none or the boot files cannot be read. */
const struct level *grub_chain_registered(const struct target *t,
					  const struct levels *l,
					  enum grub_chain_state *state);

void grub_chain_free(struct grub_chain *c);

/* For the functions above: reads the target's GRUB files (custom.cfg's
 * text given, or NULL to read it), runs step on them, frees them; c is
 * cleared first and freed again on failure. */
typedef int (*grub_chain_step)(const struct target *t, struct grub_files *f,
			       const void *arg, struct grub_chain *c,
			       struct keel_error *err);
int grub_chain_run(const struct target *t, const char *custom,
		   grub_chain_step step, const void *arg, struct grub_chain *c,
		   struct keel_error *err);

#endif
