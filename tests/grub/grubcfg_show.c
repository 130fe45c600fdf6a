/* grubcfg_show.c: prints what keel reads from a target's grub.cfg (the
 * default entry and how it boots) and the keel entry it would write; with
 * --chain or --commit, makes apply's or commit's boot-chain change in the
 * target; --state prints where a level stands. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub_chain.h"
#include "grub_default.h"
#include "grub_entry.h"
#include "grubcfg.h"
#include "grubenv.h"

/* ROOT/rel through the target code keel reads it with; NULL if it
 * cannot be read. */
static char *read_in(const char *root, const char *rel, size_t *len)
{
	struct keel_error err = { 0 };
	struct target t;
	char *buf = NULL;

	if (target_open(root, &t, &err) == KEEL_OK) {
		if (target_read_file(&t, rel, 1u << 22, &buf, len))
			buf = NULL;
		target_close(&t);
	}
	return buf;
}

static int show(const char *root, const char *version, const char *opts,
		struct keel_error *err)
{
	char cfg_path[4096], env_path[4096], rel[256], *text, *envtext, *hv;
	char *entry;
	const struct grub_item *e;
	struct grub_cfg cfg;
	struct grub_boot b;
	struct grubenv env;
	size_t len, envlen;
	int rc;

	snprintf(cfg_path, sizeof cfg_path, "%s/boot/grub/grub.cfg", root);
	snprintf(env_path, sizeof env_path, "%s/boot/grub/grubenv", root);
	text = read_in(root, GRUB_CFG, &len);
	if (!text)
		return keel_error_set(err, KEEL_EFAIL, "cannot read %s", cfg_path);
	grubenv_init(&env);
	envtext = read_in(root, GRUB_ENV, &envlen);
	rc = envtext ? grubenv_parse(envtext, envlen, env_path, &env, err) : 0;
	if (!rc)
		rc = grubcfg_parse(text, cfg_path, &cfg, err);
	free(text);
	free(envtext);
	if (rc) {
		grubenv_free(&env);
		return rc;
	}
	printf("sources custom.cfg: %s\nreads next_entry: %s\n",
	       cfg.sources_custom ? "yes" : "no",
	       cfg.reads_next_entry ? "yes" : "no");
	rc = grub_default_entry(&cfg, grubenv_get(&env, "saved_entry"),
				cfg_path, &e, err);
	if (!rc)
		rc = grub_entry_boot(e, cfg_path, &b, err);
	if (!rc) {
		snprintf(rel, sizeof rel, "boot/keel/keel-hv-%s", version);
		hv = grub_keel_hv_path(&b, rel);
		entry = grub_keel_entry(e, &b, version, hv, opts);
		printf("default: %s\nid: %s\nkernel: %s\ncmdline: %s\n"
		       "initrd: %s\nkeel-hv: %s\n--- keel entry\n%s",
		       e->title, e->id ? e->id : "-", b.kernel, b.cmdline,
		       b.initrd ? b.initrd : "-", hv, entry);
		free(hv);
		free(entry);
		grub_boot_free(&b);
	}
	grubcfg_free(&cfg);
	grubenv_free(&env);
	return rc;
}

static int put(const char *root, const char *rel, const char *buf,
	       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		return -1;
	return 0;
}

/* What keel apply will write (without its transaction: a test tool). */
static int chain(const char *root, const char *version, const char *opts,
		 const char *hv_rel, int trial, struct keel_error *err)
{
	struct target t;
	struct grub_chain c;
	char rel[256];
	int rc = target_open(root, &t, err);

	snprintf(rel, sizeof rel, "boot/keel/keel-hv-%s", version);
	if (!rc)
		rc = grub_chain_plan(&t, &(struct keel_manifest){
					.version = (char *)version,
					.boot_hypervisor = (char *)(hv_rel ? hv_rel : rel),
					.boot_options = (char *)opts }, trial, &c, err);
	if (!rc) {
		printf("chains: %s\nkeel-hv: %s\n", c.chained, c.hv_path);
		if (put(root, GRUB_CUSTOM_CFG, c.custom_cfg,
			strlen(c.custom_cfg)) ||
		    put(root, GRUB_ENV, c.grubenv, c.grubenv_len))
			rc = keel_error_set(err, KEEL_EFAIL, "cannot write");
		grub_chain_free(&c);
	}
	target_close(&t);
	return rc;
}

/* What keel commit will write, without its hypervisor check and
 * transaction; and the state keel status reports. */
static int commit(const char *root, const char *version, int state_only,
		  struct keel_error *err)
{
	static const char *const names[] = { "none", "trial", "committed",
					     "uncommitted" };
	enum grub_chain_state st;
	struct target t;
	struct grub_chain c;
	int rc = target_open(root, &t, err);

	if (!rc && state_only) {
		rc = grub_chain_state(&t, version, &st, err);
		if (!rc)
			printf("%s\n", names[st]);
	} else if (!rc) {
		rc = grub_chain_commit(&t, version, &c, err);
		if (!rc && c.unchanged)
			printf("unchanged\n");
		else if (!rc && (put(root, GRUB_CUSTOM_CFG, c.custom_cfg,
				     strlen(c.custom_cfg)) ||
				 put(root, GRUB_ENV, c.grubenv, c.grubenv_len)))
			rc = keel_error_set(err, KEEL_EFAIL, "cannot write");
		if (!rc)
			grub_chain_free(&c);
	}
	target_close(&t);
	return rc;
}

int main(int argc, char **argv)
{
	struct keel_error err = { 0 };
	int rc, trial = 1;

	if (argc == 4 && (strcmp(argv[1], "--commit") == 0 ||
			  strcmp(argv[1], "--state") == 0)) {
		rc = commit(argv[2], argv[3], argv[1][2] == 's', &err);
		if (rc)
			fprintf(stderr, "grubcfg_show: %s\n", err.msg);
		return rc;
	}

	if (argc >= 2 && strcmp(argv[1], "--chain") == 0) {
		if (argc >= 3 && strcmp(argv[2], "--no-trial") == 0) {
			trial = 0;
			argv++;
			argc--;
		}
		if (argc < 4 || argc > 6) {
			fprintf(stderr, "usage: grubcfg_show --chain [--no-trial] "
				"ROOT VERSION [HV_OPTIONS [HV_PATH]]\n");
			return 2;
		}
		rc = chain(argv[2], argv[3], argc >= 5 ? argv[4] : NULL,
			   argc == 6 ? argv[5] : NULL, trial, &err);
		if (rc)
			fprintf(stderr, "grubcfg_show: %s\n", err.msg);
		return rc;
	}
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: grubcfg_show ROOT VERSION [HV_OPTIONS]\n");
		return 2;
	}
	rc = show(argv[1], argv[2], argc == 4 ? argv[3] : NULL, &err);
	if (rc)
		fprintf(stderr, "grubcfg_show: %s\n", err.msg);
	return rc;
}
