/* cli.h: what every keel program does at start and end: locale set-up,
 * error printing, and the options all commands share. */
#ifndef KEEL_CLI_H
#define KEEL_CLI_H

#include "error.h"

/* setlocale, bindtextdomain, textdomain. */
void cli_init_i18n(void);

/* Prints the error (if any) with the program name and returns its exit
 * code, so main can end with `return cli_finish("keel", rc, &err);`.
 * KEEL_REBOOT is success ("done, reboot required"): nothing is printed. */
int cli_finish(const char *prog, int rc, const struct keel_error *err);

/* cli_finish for a command run with --json (json set): a failure is also
 * a JSON answer on stdout, {"exit_code": N, "error": "..."}, so that
 * scripts and fleet tools need not parse stderr. */
int cli_finish_json(const char *prog, int json, int rc,
		    const struct keel_error *err);

/* Refuses a --root that is not an existing directory (KEEL_EUSAGE). */
int cli_check_root(const char *root, struct keel_error *err);

/* The usage error for the option getopt_long just refused in argv of the
 * command argv[0] (KEEL_EUSAGE). */
int cli_bad_option(char **argv, struct keel_error *err);

/* The arguments of the commands that read one pack (verify, info). */
struct cli_pack_args {
	const char *root;     /* --root, default "/" */
	const char *keyring;  /* --keyring, NULL: ROOT/etc/keel/trust.d */
	int json;             /* --json */
	const char *pack;     /* the one operand */
	int help;             /* --help was given: usage printed, exit 0 */
};

/* Parses "[--root DIR] [--keyring FILE] [--json] [--help] PACK"; usage is
 * the translated help text printed for --help. */
int cli_parse_pack_args(int argc, char **argv, const char *usage,
			struct cli_pack_args *a, struct keel_error *err);

#endif
