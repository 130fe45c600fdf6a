/* apply_stage.c: streams the pack's files into staging next to their
 * targets, checking each against the plan made from the first read. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "apply_stage.h"
#include "fileops.h"
#include "i18n.h"
#include "txn.h"

struct sink_ctx {
	struct keel_state *s;
	const struct plan *p;
	const char *pack;
	size_t next;          /* the plan entry the next file must match */
	int fd;               /* the staged file being written, or -1 */
	struct sync_batch batch;  /* staged files waiting for their fsync */
	int progress;
	uint64_t done, total; /* bytes, for the progress line */
	uint64_t shown;       /* MiB last shown */
};

static void show_progress(struct sink_ctx *c, int last)
{
	uint64_t mib = c->done >> 20;

	if (!c->progress || (!last && mib == c->shown))
		return;
	c->shown = mib;
	fputc('\r', stderr);  /* over the previous progress line */
	fprintf(stderr, _("keel: staging %zu files: %" PRIu64 " of %" PRIu64
			  " MiB"), c->p->n, mib, c->total >> 20);
	if (last)
		fputc('\n', stderr);
}

/* The pack was read once to plan; the second read must deliver exactly
 * the files planned (a pack replaced in between is refused). */
static int sink_begin(void *ctx, const struct keel_file *f,
		      struct keel_error *err)
{
	struct sink_ctx *c = ctx;
	const struct plan_entry *e = c->next < c->p->n ? &c->p->e[c->next] : NULL;

	if (!e || e->action != PLAN_INSTALL || strcmp(e->path, f->path) != 0 ||
	    e->size != f->size || memcmp(e->sha256, f->sha256, sizeof e->sha256))
		return keel_error_set(err, KEEL_EPACK,
			_("%s changed while it was being installed; make sure "
			  "nothing writes to it and try again"), c->pack);
	return txn_stage_open(c->s, e, &c->fd, err);
}

static int sink_write(void *ctx, const struct keel_file *f, const void *buf,
		      size_t len, struct keel_error *err)
{
	struct sink_ctx *c = ctx;
	char path[PATH_MAX];

	if (fileops_write_all(c->fd, buf, len))
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot stage %s"),
			target_path(&c->s->target, f->path, path, sizeof path));
	c->done += len;
	show_progress(c, 0);
	return KEEL_OK;
}

static int sink_end(void *ctx, const struct keel_file *f,
		    struct keel_error *err)
{
	struct sink_ctx *c = ctx;
	int fd = c->fd;

	(void)f;
	c->fd = -1;
	return txn_stage_finish(c->s, &c->p->e[c->next++], fd, &c->batch, err);
}

static int save_manifest(struct keel_state *s, const struct plan *p,
			 const struct pack_contents *pc, struct keel_error *err)
{
	char name[64];
	int rc;

	snprintf(name, sizeof name, "%lu.json", p->tx);
	rc = state_write_file(s, STATE_INSTALLED, name, pc->manifest_bytes,
			      pc->manifest_len, err);
	snprintf(name, sizeof name, "%lu.json.p7s", p->tx);
	if (!rc)
		rc = state_write_file(s, STATE_INSTALLED, name, pc->signature,
				      pc->signature_len, err);
	return rc;
}

int apply_stage(struct keel_state *s, const struct plan *p, void *ctx,
		struct keel_error *err)
{
	const struct apply_stage *a = ctx;
	struct sink_ctx c = { .s = s, .p = p, .pack = a->pack, .fd = -1,
			      .progress = a->progress,
			      .total = a->checked->manifest->total_size };
	struct pack_sink sink = { sink_begin, sink_write, sink_end, &c };
	int rc;

	if (sync_batch_init(&c.batch))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = pack_reread_file(a->pack, a->checked, &sink, err);
	if (c.fd >= 0)
		close(c.fd);
	if (!rc && a->boot)
		rc = boot_files_stage(s, p, a->boot, &c.batch, err);
	if (!rc)
		rc = txn_stage_sync(s, &c.batch, err);
	sync_batch_free(&c.batch);
	if (c.progress && c.done)
		show_progress(&c, 1);
	if (!rc)
		rc = save_manifest(s, p, a->checked, err);
	return rc;
}
