/* grub_chain.c: plans the boot-chain change of keel apply from the
 * target's own GRUB files, refusing what it cannot understand. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "grub_chain.h"
#include "grub_custom.h"
#include "grub_default.h"
#include "grub_entry.h"
#include "grubcfg.h"
#include "grubenv.h"
#include "i18n.h"

#define CFG_MAX (4u << 20)  /* grub.cfg of hundreds of kernels is 1 MiB */

/* The target's GRUB files, read and parsed. */
struct grub_files {
	char *cfg_text, *custom_text, *env_text;
	size_t env_len;
	struct grub_cfg cfg, custom;
	struct grubenv env;
	char where[3][4096];  /* the three paths, for messages */
};

void grub_chain_free(struct grub_chain *c)
{
	free(c->custom_cfg);
	free(c->grubenv);
	free(c->chained);
	free(c->hv_path);
	memset(c, 0, sizeof *c);
}

static void files_free(struct grub_files *f)
{
	free(f->cfg_text);
	free(f->custom_text);
	free(f->env_text);
	grubcfg_free(&f->cfg);
	grubcfg_free(&f->custom);
	grubenv_free(&f->env);
}

/* Reads rel; a missing file leaves *text NULL unless required. */
static int read_one(const struct target *t, const char *rel, int required,
		    const char *where, char **text, size_t *len,
		    struct keel_error *err)
{
	size_t n;

	if (target_read_file(t, rel, CFG_MAX, text, len ? len : &n) == 0)
		return KEEL_OK;
	if (errno == ENOENT && !required)
		return KEEL_OK;
	if (errno == ENOENT)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not exist: keel registers keel-hv with GRUB 2; "
			  "is GRUB installed on this system, and its /boot "
			  "mounted?"), where);
	return keel_error_errno(err, KEEL_EFAIL, errno, _("cannot read %s"),
				where);
}

static int read_files(const struct target *t, struct grub_files *f,
		      struct keel_error *err)
{
	int rc;

	target_path(t, GRUB_CFG, f->where[0], sizeof f->where[0]);
	target_path(t, GRUB_CUSTOM_CFG, f->where[1], sizeof f->where[1]);
	target_path(t, GRUB_ENV, f->where[2], sizeof f->where[2]);
	grubenv_init(&f->env);
	rc = read_one(t, GRUB_CFG, 1, f->where[0], &f->cfg_text, NULL, err);
	if (!rc)
		rc = read_one(t, GRUB_CUSTOM_CFG, 0, f->where[1], &f->custom_text,
			      NULL, err);
	if (!rc)
		rc = read_one(t, GRUB_ENV, 0, f->where[2], &f->env_text,
			      &f->env_len, err);
	if (!rc)
		rc = grubcfg_parse(f->cfg_text, f->where[0], &f->cfg, err);
	if (!rc)
		rc = grubcfg_parse(f->custom_text ? f->custom_text : "",
				   f->where[1], &f->custom, err);
	if (!rc && f->env_text)
		rc = grubenv_parse(f->env_text, f->env_len, f->where[2], &f->env,
				   err);
	return rc;
}

static int check_hooks(const struct grub_files *f, int trial,
		       struct keel_error *err)
{
	if (!f->cfg.sources_custom)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not source custom.cfg, where keel puts its "
			  "entry: make /etc/grub.d/41_custom executable (it is "
			  "part of grub-common) and run update-grub, then apply "
			  "again"), f->where[0]);
	if (trial && !f->cfg.reads_next_entry)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s does not boot a one-shot next_entry, which keel's "
			  "trial boot needs: run update-grub with the stock "
			  "/etc/grub.d/00_header, or apply with --no-trial"),
			f->where[0]);
	return KEEL_OK;
}

/* The entry GRUB boots by default: custom.cfg runs after grub.cfg, so its
 * entries come last in the menu and its "set default" wins. */
static int default_entry(struct grub_files *f, const struct grub_item **e,
			 struct keel_error *err)
{
	struct grub_cfg both = f->cfg;
	size_t n = f->cfg.top.n + f->custom.top.n;
	int rc;

	both.top.items = malloc((n ? n : 1) * sizeof *both.top.items);
	if (!both.top.items)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (f->cfg.top.n)
		memcpy(both.top.items, f->cfg.top.items,
		       f->cfg.top.n * sizeof *both.top.items);
	if (f->custom.top.n)
		memcpy(both.top.items + f->cfg.top.n, f->custom.top.items,
		       f->custom.top.n * sizeof *both.top.items);
	both.top.n = n;
	if (f->custom.default_expr)
		both.default_expr = f->custom.default_expr;
	rc = grub_default_entry(&both, grubenv_get(&f->env, "saved_entry"),
				f->where[0], e, err);
	/* A top-level entry is in the joined copy: point into the original. */
	if (!rc && *e >= both.top.items && *e < both.top.items + n) {
		size_t i = (size_t)(*e - both.top.items);

		*e = i < f->cfg.top.n ? &f->cfg.top.items[i]
				      : &f->custom.top.items[i - f->cfg.top.n];
	}
	free(both.top.items);
	return rc;
}

/* The kernel GRUB will load must be in the target's /boot: an image whose
 * /boot is not mounted would otherwise get an entry that cannot boot. */
static int check_kernel(const struct target *t, const struct grub_boot *b,
			struct keel_error *err)
{
	char rel[4096], shown[4096];
	struct stat st;
	const char *k = b->kernel;

	if (strncmp(k, "/boot/", 6) == 0)
		snprintf(rel, sizeof rel, "%s", k + 1);
	else
		snprintf(rel, sizeof rel, "boot%s", k);
	if (target_lstat(t, rel, &st) == 0 && S_ISREG(st.st_mode))
		return KEEL_OK;
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("the default entry loads the kernel %s, which is not at %s: "
		  "mount the target's /boot and try again"), k,
		target_path(t, rel, shown, sizeof shown));
}

/* Keel's block with the new entry in place of one of the same id. */
static char *new_block(const char *old_block, const char *entry,
		       const char *id)
{
	char marker[160], *out;
	const char *start = NULL, *end, *p = old_block;
	size_t len;

	snprintf(marker, sizeof marker, "$menuentry_id_option '%s' {\n", id);
	for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *nl = strchr(p, '\n');

		if (strncmp(p, "menuentry ", 10) == 0 && nl &&
		    (size_t)(nl + 1 - p) >= strlen(marker) &&
		    strncmp(nl + 1 - strlen(marker), marker, strlen(marker)) == 0) {
			start = p;
			break;
		}
	}
	end = start ? strstr(start, "\n}\n") : NULL;
	len = strlen(old_block) + strlen(entry) + 1;
	out = malloc(len);
	if (!out)
		return NULL;
	if (start && end) {
		snprintf(out, len, "%.*s%s%s", (int)(start - old_block),
			 old_block, entry, end + 3);
	} else {
		snprintf(out, len, "%s%s", old_block, entry);
	}
	return out;
}

/* What build needs from the pack. */
struct keel_hv {
	const char *version, *rel, *options;
};

static int build(const struct target *t, struct grub_files *f,
		 const struct keel_hv *hv, int trial, struct grub_chain *c,
		 struct keel_error *err)
{
	const struct grub_item *e;
	struct grub_boot b;
	char id[128], *entry = NULL, *old_block = NULL, *block = NULL;
	int rc = default_entry(f, &e, err);

	if (!rc)
		rc = grub_entry_boot(e, f->where[0], &b, err);
	if (rc)
		return rc;
	rc = check_kernel(t, &b, err);
	snprintf(id, sizeof id, "keel-%s", hv->version);
	c->hv_path = grub_keel_hv_path(&b, hv->rel);
	if (!rc && !c->hv_path && errno == EINVAL)
		rc = keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the pack puts keel-hv at %s, outside /boot, where "
			  "GRUB finds the kernel; this pack cannot be registered "
			  "with GRUB"), hv->rel);
	c->chained = strdup(e->title);
	if (!rc && c->hv_path && c->chained)
		entry = grub_keel_entry(e, &b, hv->version, c->hv_path,
					hv->options);
	if (entry)
		old_block = grub_custom_block(f->custom_text);
	if (old_block)
		block = new_block(old_block, entry, id);
	if (!rc && !block)
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = grub_custom_update(f->custom_text, block, f->where[1],
					&c->custom_cfg, err);
	if (!rc && trial && grubenv_set(&f->env, "next_entry", id))
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (!rc)
		rc = grubenv_format(&f->env, f->where[2], &c->grubenv, err);
	if (!rc)
		c->grubenv_len = f->env.size;
	grub_boot_free(&b);
	free(entry);
	free(old_block);
	free(block);
	return rc;
}

int grub_chain_plan(const struct target *t, const char *version,
		    const char *hv_rel, const char *hv_options, int trial,
		    struct grub_chain *c, struct keel_error *err)
{
	struct keel_hv hv = { version, hv_rel, hv_options };
	struct grub_files f;
	int rc;

	memset(&f, 0, sizeof f);
	memset(c, 0, sizeof *c);
	rc = read_files(t, &f, err);
	if (!rc)
		rc = check_hooks(&f, trial, err);
	if (!rc)
		rc = build(t, &f, &hv, trial, c, err);
	files_free(&f);
	if (rc)
		grub_chain_free(c);
	return rc;
}
