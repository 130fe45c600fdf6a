/* boot_files.h: files keel writes from memory in a transaction (GRUB's
 * custom.cfg and grubenv), planned and staged like the files of a pack. */
#ifndef KEEL_BOOT_FILES_H
#define KEEL_BOOT_FILES_H

#include <stddef.h>

#include "error.h"
#include "grub_chain.h"
#include "plan.h"
#include "state.h"
#include "sync_batch.h"

struct boot_file {
	const char *path;  /* below the target root */
	const char *data;
	size_t len;
	unsigned mode;     /* for a new file; 0: 0644 */
};

struct boot_files {
	struct boot_file f[6];  /* GRUB's 2 files, the commit unit's 2, hooks */
	size_t n;
};

/* GRUB's custom.cfg and grubenv as a boot-chain change has them. */
void boot_files_from_chain(struct boot_files *b, const struct grub_chain *c);

/* Adds an install entry for each file: digest and size from memory, the
 * mode of the file it replaces (its own, or 0644, for a new one). A path already in
 * the plan (a pack that ships it) is KEEL_ENOTAPPLICABLE: keel writes it. */
int boot_files_plan(struct keel_state *s, struct plan *p,
		    const struct boot_files *b, struct keel_error *err);

/* Stages each file into the batch (fsync'd with the others). */
int boot_files_stage(struct keel_state *s, const struct plan *p,
		     const struct boot_files *b, struct sync_batch *batch,
		     struct keel_error *err);

/* A txn_stage_fn for a transaction that writes only these (ctx: struct
 * boot_files). */
int boot_files_stage_all(struct keel_state *s, const struct plan *p,
			 void *ctx, struct keel_error *err);

#endif
