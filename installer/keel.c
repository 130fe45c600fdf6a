/* keel.c: the `keel` command: global options and dispatch to the
 * subcommands in cmd_*.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "verify", cmd_verify, N_("check a pack's signature, signer and contents") },
	{ "info", cmd_info, N_("show what a signed pack holds") },
	{ "hv", cmd_hv, N_("ask the running keel hypervisor: info, log, stats") },
	{ "check-cpu", cmd_check_cpu,
	  N_("can this machine's processor run keel-hv, and if not, why") },
	{ "apply", cmd_apply, N_("install a service pack, crash-safe") },
	{ "commit", cmd_commit,
	  N_("make the level this boot runs GRUB's default boot entry") },
	{ "refresh", cmd_refresh,
	  N_("keel's GRUB entries follow the kernel GRUB now boots") },
	{ "status", cmd_status, N_("show the installed service-pack levels") },
	{ "history", cmd_history, N_("list every transaction and its outcome") },
	{ "rollback", cmd_rollback, N_("return to the level below the installed one") },
	{ "uninstall", cmd_uninstall, N_("remove keel, restore the system before it") },
};

static void usage(FILE *to)
{
	size_t i;

	fprintf(to, _("Usage: keel COMMAND [OPTION]... [ARGUMENT]...\n"
		      "Install and manage keel hypervisor service packs.\n\n"
		      "Commands:\n"));
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(to, "  %-10s %s\n", commands[i].name,
			_(commands[i].summary));
	fprintf(to, _("\nOptions:\n"
		      "  --help      show this help\n"
		      "  --version   show the version\n\n"
		      "\"keel COMMAND --help\" describes each command; keel(8) "
		      "lists the exit codes.\n"));
}

int main(int argc, char **argv)
{
	size_t i;

	cli_init_i18n();
	if (argc < 2) {
		usage(stderr);
		return KEEL_EUSAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return KEEL_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("keel %s\n", PACKAGE_VERSION);
		return KEEL_OK;
	}
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, _("keel: unknown command \"%s\". Run \"keel --help\" "
			  "for the list of commands.\n"), argv[1]);
	return KEEL_EUSAGE;
}
