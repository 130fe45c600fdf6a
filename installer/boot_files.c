/* boot_files.c: puts keel's boot files into a transaction's plan and
 * stages them from memory, checked against the plan like pack files. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "boot_files.h"
#include "fileops.h"
#include "i18n.h"
#include "txn.h"
#include "txn_run.h"

void boot_files_from_chain(struct boot_files *b, const struct grub_chain *c)
{
	b->f[0] = (struct boot_file){ GRUB_CUSTOM_CFG, c->custom_cfg,
				      strlen(c->custom_cfg), 0 };
	b->f[1] = (struct boot_file){ GRUB_ENV, c->grubenv, c->grubenv_len,
				      0 };
	b->n = 2;
}

static int plan_one(struct keel_state *s, struct plan *p,
		    const struct boot_file *f, struct keel_error *err)
{
	char shown[PATH_MAX];
	struct plan_entry *e;
	struct stat st;
	int existed, rc;

	if (plan_find(p, f->path) >= 0)
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("the pack ships %s, which keel writes itself to "
			  "register keel-hv with GRUB: the pack is wrong; ask "
			  "its vendor for a corrected one"), f->path);
	rc = txn_plan_parents(&s->target, p, f->path, NULL, err);
	if (rc)
		return rc;
	existed = target_lstat(&s->target, f->path, &st) == 0;
	if (!existed && errno != ENOENT)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot examine %s"),
			target_path(&s->target, f->path, shown, sizeof shown));
	if (existed && !S_ISREG(st.st_mode))
		return keel_error_set(err, KEEL_ENOTAPPLICABLE,
			_("%s is not a regular file; keel writes GRUB's files "
			  "there: move it aside and try again"),
			target_path(&s->target, f->path, shown, sizeof shown));
	e = plan_add(p, f->path, PLAN_INSTALL, existed);
	if (!e)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	e->mode = existed ? (unsigned)(st.st_mode & 07777) :
		  f->mode ? f->mode : 0644;
	e->size = f->len;
	SHA256((const unsigned char *)f->data, f->len, e->sha256);
	return KEEL_OK;
}

int boot_files_plan(struct keel_state *s, struct plan *p,
		    const struct boot_files *b, struct keel_error *err)
{
	size_t i;
	int rc = KEEL_OK;

	for (i = 0; !rc && i < b->n; i++)
		rc = plan_one(s, p, &b->f[i], err);
	return rc;
}

int boot_files_stage(struct keel_state *s, const struct plan *p,
		     const struct boot_files *b, struct sync_batch *batch,
		     struct keel_error *err)
{
	size_t i;
	int rc = KEEL_OK;

	for (i = 0; !rc && i < b->n; i++) {
		long k = plan_find(p, b->f[i].path);
		int fd;

		if (k < 0 || p->e[k].action != PLAN_INSTALL)
			return keel_error_set(err, KEEL_EFAIL,
				_("%s is not in the transaction's plan"),
				b->f[i].path);
		rc = txn_stage_open(s, &p->e[k], &fd, err);
		if (rc)
			break;
		if (fileops_write_all(fd, b->f[i].data, b->f[i].len)) {
			int errnum = errno;

			close(fd);
			errno = errnum;
			return txn_fail_path(s, err, _("cannot stage"),
					     b->f[i].path);
		}
		rc = txn_stage_finish(s, &p->e[k], fd, batch, err);
	}
	return rc;
}

int boot_files_stage_all(struct keel_state *s, const struct plan *p,
			 void *ctx, struct keel_error *err)
{
	struct sync_batch batch;
	int rc;

	if (sync_batch_init(&batch))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = boot_files_stage(s, p, ctx, &batch, err);
	if (!rc)
		rc = txn_stage_sync(s, &batch, err);
	sync_batch_free(&batch);
	return rc;
}
