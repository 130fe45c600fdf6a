/* cli_state.h: the command line of the commands that read or change a
 * target's installed state: apply, status, history, rollback, uninstall. */
#ifndef KEEL_CLI_STATE_H
#define KEEL_CLI_STATE_H

#include "error.h"
#include "state.h"

enum cli_state_opt {
	OPT_KEYRING = 1 << 0,
	OPT_JSON = 1 << 1,
	OPT_YES = 1 << 2,
	OPT_DRY_RUN = 1 << 3,
	OPT_NO_WAIT = 1 << 4,
	OPT_ALLOW_DOWNGRADE = 1 << 5,
	OPT_SKIP_CPU_CHECK = 1 << 6,
	OPT_PACK = 1 << 7,       /* one operand: the pack */
	OPT_NO_TRIAL = 1 << 8,
};

struct cli_state_args {
	const char *root;        /* --root, default "/" */
	const char *keyring;
	const char *pack;
	int json, yes, dry_run, no_wait, allow_downgrade, skip_cpu_check;
	int no_trial;
	int help;                /* usage was printed: exit 0 */
};

/* Parses --root and the options in allowed (a mask of cli_state_opt);
 * --root is always accepted, --help prints usage. */
int cli_parse_state_args(int argc, char **argv, unsigned allowed,
			 const char *usage, struct cli_state_args *a,
			 struct keel_error *err);

/* Asks "question [y/N]" on the terminal when stdin is one and --yes was
 * not given; without a terminal --yes is required (KEEL_EUSAGE). */
int cli_confirm(const struct cli_state_args *a, const char *command,
		const char *question, struct keel_error *err);

/* Refuses a target that cannot be written (read-only mount, no
 * permission) before any work, with the remedy. */
int cli_check_writable(const char *root, struct keel_error *err);

/* Opens the target's state (waiting for the lock unless --no-wait) and
 * completes or undoes a transaction a crash interrupted, saying which. */
int cli_open_state(const struct cli_state_args *a, enum state_access access,
		   struct keel_state *s, struct keel_error *err);

/* For a command that changes the target: refuses a target that cannot be
 * written, then opens its state for writing; with --dry-run only opens it
 * for reading. */
int cli_open_state_to_change(const struct cli_state_args *a,
			     struct keel_state *s, struct keel_error *err);

/* Whether --root names the running system (then the CPU can be seen). */
int cli_root_is_live(const char *root);

#endif
