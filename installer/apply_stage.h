/* apply_stage.h: the staging step of `keel apply`: the pack is read a
 * second time and each payload file streams, verified, into NAME.keel-new. */
#ifndef KEEL_APPLY_STAGE_H
#define KEEL_APPLY_STAGE_H

#include "boot_files.h"
#include "pack_reader.h"
#include "plan.h"
#include "state.h"

struct apply_stage {
	const char *pack;
	const struct pack_contents *checked;  /* the first, verifying read */
	const struct boot_files *boot;        /* written after the pack's files */
	int progress;                         /* show progress on stderr */
};

/* A txn_stage_fn: ctx is a struct apply_stage. Also saves the signed
 * manifest as installed/TX.json (+ .p7s). */
int apply_stage(struct keel_state *s, const struct plan *p, void *ctx,
		struct keel_error *err);

#endif
