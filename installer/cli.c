/* cli.c: start-up and shut-down shared by keel and keel-pack: locale,
 * error printing, and checks of options every command takes. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"
#include "i18n.h"
#include "report.h"

void cli_init_i18n(void)
{
	/* KEEL_LOCALEDIR lets an uninstalled build (and its tests) use the
	 * catalogues it just compiled, as TEXTDOMAINDIR does for shells. */
	const char *dir = getenv("KEEL_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir && *dir ? dir : LOCALEDIR);
	textdomain(PACKAGE);
}

int cli_finish(const char *prog, int rc, const struct keel_error *err)
{
	if (rc != KEEL_OK && rc != KEEL_REBOOT)
		keel_error_print(err, prog);
	return rc;
}

int cli_finish_json(const char *prog, int json, int rc,
		    const struct keel_error *err)
{
	struct json_object *o;

	if (json && rc != KEEL_OK && rc != KEEL_REBOOT) {
		o = json_object_new_object();
		json_object_object_add(o, "exit_code", json_object_new_int(rc));
		json_object_object_add(o, "error",
				       json_object_new_string(err->msg));
		report_print_json(o);
	}
	return cli_finish(prog, rc, err);
}

int cli_check_root(const char *root, struct keel_error *err)
{
	struct stat st;

	if (stat(root, &st) != 0 || !S_ISDIR(st.st_mode))
		return keel_error_set(err, KEEL_EUSAGE,
			_("--root %s is not a directory: give the mount point "
			  "of the target system"), root);
	return KEEL_OK;
}

int cli_bad_option(char **argv, struct keel_error *err)
{
	return keel_error_set(err, KEEL_EUSAGE,
		_("%s: unknown option or missing argument \"%s\"; see "
		  "\"keel %s --help\""), argv[0], argv[optind - 1], argv[0]);
}

int cli_parse_pack_args(int argc, char **argv, const char *usage,
			struct cli_pack_args *a, struct keel_error *err)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "keyring", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = (struct cli_pack_args){ .root = "/" };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': a->root = optarg; break;
		case 'k': a->keyring = optarg; break;
		case 'j': a->json = 1; break;
		case 'h':
			fputs(usage, stdout);
			a->help = 1;
			return KEEL_OK;
		default:
			return cli_bad_option(argv, err);
		}
	}
	if (argc - optind != 1)
		return keel_error_set(err, KEEL_EUSAGE,
			_("%s: expected exactly one pack file; see \"keel %s "
			  "--help\""), argv[0], argv[0]);
	a->pack = argv[optind];
	return cli_check_root(a->root, err);
}
