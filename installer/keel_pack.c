/* keel_pack.c: the `keel-pack` command: the vendor's tool that builds and
 * signs a service pack from a manifest template (see keel-pack(1)). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "i18n.h"
#include "pack_build.h"

static void usage(void)
{
	fputs(_("Usage: keel-pack --manifest TEMPLATE --key KEY.pem --cert CERT.pem\n"
		"                 [--chain CHAIN.pem] [--from DIR] --out FILE.ksp\n"
		"Build a signed keel service pack.\n\n"
		"  --manifest TEMPLATE  the manifest template (JSON)\n"
		"  --key KEY.pem        the signing key\n"
		"  --cert CERT.pem      the signing certificate (codeSigning usage)\n"
		"  --chain CHAIN.pem    intermediate certificates to include\n"
		"  --from DIR           where file contents are (default: the "
		"template's directory)\n"
		"  --out FILE.ksp       the pack to write\n"
		"  --help               show this help\n"
		"  --version            show the version\n\n"
		"SOURCE_DATE_EPOCH, if set, is the build time: the same inputs "
		"give the same pack.\n"), stdout);
}

/* SOURCE_DATE_EPOCH as the reproducible-builds convention defines it: a
 * decimal count of seconds; anything else is refused, not guessed. */
static int build_epoch(long long *epoch, struct keel_error *err)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;

	if (!s || !*s) {
		*epoch = (long long)time(NULL);
		return KEEL_OK;
	}
	errno = 0;
	*epoch = strtoll(s, &end, 10);
	if (errno || *end || *epoch < 0 || *epoch > 253402300799LL)
		return keel_error_set(err, KEEL_EUSAGE,
			_("SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds "
			  "since 1970 before the year 10000"), s);
	return KEEL_OK;
}

static int parse_args(int argc, char **argv, struct pack_build_options *o,
		      int *done, struct keel_error *err)
{
	static const struct option opts[] = {
		{ "manifest", required_argument, NULL, 'm' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "from", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': o->manifest = optarg; break;
		case 'k': o->key = optarg; break;
		case 'c': o->cert = optarg; break;
		case 'C': o->chain = optarg; break;
		case 'f': o->from = optarg; break;
		case 'o': o->out = optarg; break;
		case 'h': usage(); *done = 1; return KEEL_OK;
		case 'V': printf("keel-pack %s\n", PACKAGE_VERSION);
			*done = 1; return KEEL_OK;
		default:
			return keel_error_set(err, KEEL_EUSAGE,
				_("unknown option or missing argument \"%s\"; see "
				  "\"keel-pack --help\""), argv[optind - 1]);
		}
	}
	if (optind != argc)
		return keel_error_set(err, KEEL_EUSAGE,
			_("unexpected argument \"%s\"; see \"keel-pack --help\""),
			argv[optind]);
	if (!o->manifest || !o->key || !o->cert || !o->out)
		return keel_error_set(err, KEEL_EUSAGE,
			_("--manifest, --key, --cert and --out are required; see "
			  "\"keel-pack --help\""));
	return build_epoch(&o->epoch, err);
}

int main(int argc, char **argv)
{
	struct pack_build_options o = { 0 };
	struct keel_error err = { 0 };
	int done = 0;
	int rc;

	cli_init_i18n();
	rc = parse_args(argc, argv, &o, &done, &err);
	if (rc == KEEL_OK && !done)
		rc = pack_build(&o, &err);
	return cli_finish("keel-pack", rc, &err);
}
