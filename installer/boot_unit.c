/* boot_unit.c: the text of keel-commit.service and of the drop-in that
 * makes multi-user.target want it, for targets that boot with systemd. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_unit.h"
#include "i18n.h"

#ifndef SBINDIR
#define SBINDIR "/usr/sbin"
#endif

/* What ExecStart runs, absolute on the booted target. */
#define UNIT_PROGRAM SBINDIR "/keel"
/* Linux's own limit of symlinks followed in one lookup (MAXSYMLINKS). */
#define SYMLINK_HOPS 40

static const char unit_text[] =
	"# Written by keel apply; keel rollback and uninstall take it back.\n"
	"[Unit]\n"
	"Description=Commit the trial boot of keel's installed service pack\n"
	"Documentation=man:keel(8)\n"
	"RequiresMountsFor=/boot /var/lib/keel\n"
	"After=local-fs.target\n"
	"\n"
	"[Service]\n"
	"Type=oneshot\n"
	"ExecStart=" UNIT_PROGRAM " commit\n"
	"# 5: no keel-hv below this system (a native boot): nothing to commit.\n"
	"SuccessExitStatus=5\n";

static const char wants_text[] =
	"# Written by keel apply; keel rollback and uninstall take it back.\n"
	"[Unit]\n"
	"Wants=keel-commit.service\n";

int boot_unit_add(struct boot_files *b, const struct target *t)
{
	struct stat st;

	if (target_lstat(t, "etc/systemd", &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	b->f[b->n++] = (struct boot_file){ BOOT_UNIT_PATH, unit_text,
					   sizeof unit_text - 1, 0644 };
	b->f[b->n++] = (struct boot_file){ BOOT_UNIT_WANTS, wants_text,
					   sizeof wants_text - 1, 0644 };
	return 1;
}

/* path (below the root) becomes where its symlink, link, points: an
 * absolute link from the root, a relative one from path's directory
 * (whose own symlinks target.h resolves inside the root). */
static int follow(char *path, size_t size, const char *link)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	int n;

	if (link[0] == '/') {
		link += strspn(link, "/");
		n = snprintf(dir, sizeof dir, "%s", link);
	} else if (slash) {
		n = snprintf(dir, sizeof dir, "%.*s/%s", (int)(slash - path),
			     path, link);
	} else {
		n = snprintf(dir, sizeof dir, "%s", link);
	}
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof dir)
		return -1;
	memcpy(path, dir, (size_t)n + 1);
	return 0;
}

/* lstat of what rel names once its symlinks are followed inside the root;
 * -1 with errno (ENOENT also for a symlink that leads nowhere). *hops
 * counts the symlinks followed. */
static int stat_in_root(const struct target *t, const char *rel,
			struct stat *st, int *hops)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *name;
	ssize_t n;
	int dirfd;

	snprintf(path, sizeof path, "%s", rel);
	for (*hops = 0; *hops <= SYMLINK_HOPS; ++*hops) {
		if (target_lstat(t, path, st) != 0)
			return -1;
		if (!S_ISLNK(st->st_mode))
			return 0;
		dirfd = target_open_parent(t, path, &name);
		if (dirfd < 0)
			return -1;
		n = readlinkat(dirfd, name, link, sizeof link - 1);
		close(dirfd);
		if (n < 0)
			return -1;
		link[n] = '\0';
		if (follow(path, sizeof path, link) != 0) {
			errno = ENAMETOOLONG;
			return -1;
		}
	}
	errno = ELOOP;
	return -1;
}

static int program_missing(const char *where, const char *why,
			   struct keel_error *err)
{
	return keel_error_set(err, KEEL_ENOTAPPLICABLE,
		_("%s %s, but keel-commit.service, which apply installs on a "
		  "target that boots with systemd, runs \"%s commit\" there to "
		  "make the trial boot the default. Install keel on the target "
		  "first (at %s), then apply again. Nothing was changed."),
		where, why, UNIT_PROGRAM, UNIT_PROGRAM);
}

int boot_unit_check_program(const struct target *t,
			    const struct keel_manifest *m,
			    struct keel_error *err)
{
	const char *rel = &UNIT_PROGRAM[1];  /* below the root */
	long shipped = manifest_find(m, rel);
	char where[PATH_MAX + 64];
	struct stat st;
	int hops;

	target_path(t, rel, where, sizeof where);
	if (shipped >= 0)
		return (m->files[shipped].mode & 0111) ? KEEL_OK :
			program_missing(where, _("would be installed by the pack "
						 "without execute permission"), err);
	if (stat_in_root(t, rel, &st, &hops) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return program_missing(where, hops ?
				_("is a symbolic link to nothing on the target") :
				_("does not exist"), err);
		if (errno == ELOOP)
			return program_missing(where, _("is a loop of symbolic "
				"links on the target"), err);
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot look at %s, the program keel-commit.service "
			  "runs"), where);
	}
	if (!S_ISREG(st.st_mode))
		return program_missing(where, _("is not a regular file"), err);
	if (!(st.st_mode & 0111))
		return program_missing(where, _("is not executable"), err);
	return KEEL_OK;
}
