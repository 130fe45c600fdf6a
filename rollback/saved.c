/* saved.c: the record of each saved file and the checks against it, so a
 * damaged backup store is refused before it changes anything. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "digest.h"
#include "fileops.h"
#include "i18n.h"
#include "saved.h"
#include "target.h"

static int describe_link(int dirfd, const char *name, struct plan_saved *out)
{
	char target[PATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof target);

	if (n < 0)
		return -1;
	if ((size_t)n == sizeof target) {
		errno = ENAMETOOLONG;
		return -1;
	}
	out->kind = SAVED_LINK;
	out->mode = 0;
	out->size = (uint64_t)n;
	SHA256((const unsigned char *)target, (size_t)n, out->sha256);
	return 0;
}

static int describe_file(int dirfd, const char *name, const struct stat *st,
			 struct plan_saved *out)
{
	struct keel_error ignored = { 0 };
	struct stat now;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			O_CLOEXEC), rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &now) == 0 && fileops_same_file(st, &now)) {
		out->kind = SAVED_FILE;
		out->mode = (unsigned)(now.st_mode & 07777);
		rc = digest_fd(fd, name, out->sha256, &out->size, &ignored) ?
		     -1 : 0;
		if (rc)
			errno = EIO;
	} else if (!errno) {
		errno = EAGAIN;
	}
	close(fd);
	return rc;
}

int saved_describe(int dirfd, const char *name, struct plan_saved *out)
{
	struct stat st;

	memset(out, 0, sizeof *out);
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return -1;
	out->has_owner = 1;
	out->uid = (uint32_t)st.st_uid;
	out->gid = (uint32_t)st.st_gid;
	if (S_ISLNK(st.st_mode))
		return describe_link(dirfd, name, out);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	return describe_file(dirfd, name, &st, out);
}

/* Only root can give a copy the owner of the original (fileops_clone
 * lets that go for others), so only root holds the copies to it. */
static int owner_matches(const struct plan_saved *have,
			 const struct plan_saved *want)
{
	return !want->has_owner || geteuid() != 0 ||
	       (have->uid == want->uid && have->gid == want->gid);
}

int saved_matches(int dirfd, const char *name, const struct plan_saved *want)
{
	struct plan_saved have;

	if (saved_describe(dirfd, name, &have))
		return errno == EINVAL ? 0 : -1;
	return have.kind == want->kind && have.size == want->size &&
	       (have.kind == SAVED_LINK || have.mode == want->mode) &&
	       owner_matches(&have, want) &&
	       memcmp(have.sha256, want->sha256, sizeof have.sha256) == 0;
}

int saved_note_plan(struct keel_state *s, struct plan *p,
		    struct keel_error *err)
{
	const char *name;
	char shown[PATH_MAX];
	size_t i;
	int pfd, rc;

	for (i = 0; i < p->n; i++) {
		if (!p->e[i].existed)
			continue;
		pfd = target_open_parent(&s->target, p->e[i].path, &name);
		rc = pfd < 0 ? -1 : saved_describe(pfd, name, &p->e[i].saved);
		if (pfd >= 0) {
			int e = errno;

			close(pfd);
			errno = e;
		}
		if (rc)
			return keel_error_errno(err, KEEL_ENOTAPPLICABLE, errno,
				_("%s changed while keel was planning to save "
				  "it; make sure nothing else changes the "
				  "target and try again; nothing was changed"),
				target_path(&s->target, p->e[i].path, shown,
					    sizeof shown));
	}
	return KEEL_OK;
}

int saved_check_copy(const struct keel_state *s, unsigned long tx, size_t i,
		     const struct plan_saved *want, const char *path,
		     struct keel_error *err)
{
	char idx[32], shown[PATH_MAX];
	int bdir = state_backup_dir(s, tx, 0), ok = -1;

	snprintf(idx, sizeof idx, "%zu", i);
	if (bdir >= 0) {
		ok = saved_matches(bdir, idx, want);
		close(bdir);
	}
	if (ok == 1)
		return KEEL_OK;
	return keel_error_set(err, KEEL_EFAIL,
		_("the saved copy of %s (%s/backup/%lu/%s) is missing or does "
		  "not match what transaction %lu recorded when it saved it "
		  "(kind, owner, mode, size or SHA-256 differ): keel's backup "
		  "store is damaged, and keel changes nothing. Restore %s "
		  "from a backup, or put the file back by hand"),
		target_path(&s->target, path, shown, sizeof shown), s->path,
		tx, idx, tx, s->path);
}

int saved_restore_step(const struct keel_state *s, struct plan_entry *e,
		       const struct plan *from, size_t i,
		       struct keel_error *err)
{
	int rc = saved_check_copy(s, from->tx, i, &from->e[i].saved,
				  from->e[i].path, err);

	if (rc)
		return rc;
	e->action = PLAN_RESTORE;
	e->from_tx = from->tx;
	e->from_index = i;
	e->from_saved = from->e[i].saved;
	return KEEL_OK;
}
