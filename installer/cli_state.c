/* cli_state.c: option parsing and the confirmation prompt shared by the
 * commands that change a target, so they all read the same way. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_state.h"
#include "i18n.h"
#include "recover.h"

static int set_flag(struct cli_state_args *a, int c)
{
	switch (c) {
	case OPT_JSON: a->json = 1; break;
	case OPT_YES: a->yes = 1; break;
	case OPT_DRY_RUN: a->dry_run = 1; break;
	case OPT_NO_WAIT: a->no_wait = 1; break;
	case OPT_ALLOW_DOWNGRADE: a->allow_downgrade = 1; break;
	case OPT_SKIP_CPU_CHECK: a->skip_cpu_check = 1; break;
	case OPT_NO_TRIAL: a->no_trial = 1; break;
	default: return -1;
	}
	return 0;
}

static int operands(int argc, char **argv, unsigned allowed,
		    struct cli_state_args *a, struct keel_error *err)
{
	int want = (allowed & OPT_PACK) ? 1 : 0;

	if (argc - optind != want)
		return keel_error_set(err, KEEL_EUSAGE, want ?
			_("%s: expected exactly one pack file; see \"keel %s "
			  "--help\"") :
			_("%s: takes no arguments besides options; see \"keel "
			  "%s --help\""), argv[0], argv[0]);
	if (want)
		a->pack = argv[optind];
	return cli_check_root(a->root, err);
}

int cli_parse_state_args(int argc, char **argv, unsigned allowed,
			 const char *usage, struct cli_state_args *a,
			 struct keel_error *err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "keyring", required_argument, NULL, OPT_KEYRING },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "allow-downgrade", no_argument, NULL, OPT_ALLOW_DOWNGRADE },
		{ "skip-cpu-check", no_argument, NULL, OPT_SKIP_CPU_CHECK },
		{ "no-trial", no_argument, NULL, OPT_NO_TRIAL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = (struct cli_state_args){ .root = "/" };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r') {
			a->root = optarg;
		} else if (c == 'h') {
			fputs(usage, stdout);
			a->help = 1;
			return KEEL_OK;
		} else if (c == OPT_KEYRING && (allowed & OPT_KEYRING)) {
			a->keyring = optarg;
		} else if (c == '?' || c == OPT_KEYRING ||
			   !((unsigned)c & allowed) || set_flag(a, c)) {
			return cli_bad_option(argv, err);
		}
	}
	return operands(argc, argv, allowed, a, err);
}

int cli_confirm(const struct cli_state_args *a, const char *command,
		const char *question, struct keel_error *err)
{
	char answer[16];

	if (a->yes)
		return KEEL_OK;
	if (!isatty(STDIN_FILENO))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s: no terminal to ask for confirmation; add --yes "
			  "to go ahead (or --dry-run to see what would change)"),
			command);
	fprintf(stderr, _("%s [y/N] "), question);
	if (!fgets(answer, sizeof answer, stdin) ||
	    /* TRANSLATORS: the letter that answers "yes" at the [y/N] prompt */
	    (answer[0] != 'y' && answer[0] != 'Y' && answer[0] != *_("y")))
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s: not confirmed; nothing was changed"), command);
	return KEEL_OK;
}

int cli_open_state_to_change(const struct cli_state_args *a,
			     struct keel_state *s, struct keel_error *err)
{
	int rc = a->dry_run ? KEEL_OK : cli_check_writable(a->root, err);

	if (!rc)
		rc = cli_open_state(a, a->dry_run ? STATE_READ : STATE_WRITE, s,
				    err);
	return rc;
}

int cli_open_state(const struct cli_state_args *a, enum state_access access,
		   struct keel_state *s, struct keel_error *err)
{
	int rc = state_open(a->root, access, !a->no_wait, s, err);

	return rc ? rc : recover(s, err);
}

int cli_root_is_live(const char *root)
{
	struct stat a, b;

	return stat(root, &a) == 0 && stat("/", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int cli_check_writable(const char *root, struct keel_error *err)
{
	if (faccessat(AT_FDCWD, root, W_OK, AT_EACCESS) == 0)
		return KEEL_OK;
	if (errno == EROFS)
		return keel_error_set(err, KEEL_EFAIL,
			_("%s is mounted read-only: remount it read-write "
			  "(mount -o remount,rw %s) and try again; nothing was "
			  "changed"), root, root);
	return keel_error_errno(err, KEEL_EFAIL, errno,
		_("%s cannot be written (run keel as root); nothing was "
		  "changed"), root);
}
