/* floor_out.c: the floor's output: each file created under OUTDIR with
 * its parents, written, fsynced (now or at the end), then the directories. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "apply_floor.h"

/* Records DIR (a directory below or equal to OUTDIR) for the final fsync,
 * once; consecutive entries mostly share their parent, so the last one is
 * checked first and the list is searched only on a change. */
static void note_dir(struct floor *f, const char *dir)
{
	size_t i;

	for (i = f->ndirs; i > 0; i--)
		if (strcmp(f->dirs[i - 1], dir) == 0)
			return;
	if (f->ndirs == MAX_DIRS)
		floor_die("more than %d directories; raise MAX_DIRS.", MAX_DIRS);
	f->dirs[f->ndirs] = strdup(dir);
	if (f->dirs[f->ndirs] == NULL)
		floor_die("out of memory.");
	f->ndirs++;
}

/* Makes the directory DIR if it is missing; a directory made is a new
 * entry in its parent, which is then noted for fsync. */
static void make_dir(struct floor *f, char *dir)
{
	char *up;

	if (mkdir(dir, 0755) != 0) {
		if (errno == EEXIST)
			return;
		floor_die("cannot make the directory %s: %s", dir, strerror(errno));
	}
	up = strrchr(dir, '/');
	*up = '\0';
	note_dir(f, dir);
	*up = '/';
}

/* mkdir -p for the parents of FULL (OUTDIR/PATH) below OUTDIR, and notes
 * the file's parent for fsync. Entries come in path order, so this does
 * anything only when the parent changes. */
static void make_parents(struct floor *f, char *full)
{
	size_t base = strlen(f->outdir);
	char *slash = strrchr(full, '/');
	char *p, *q;

	*slash = '\0';
	if (strcmp(full, f->last_parent) != 0) {
		for (p = full + base + 1; slash > full + base; p = q + 1) {
			q = strchr(p, '/');
			if (q != NULL)
				*q = '\0';
			make_dir(f, full);
			if (q == NULL)
				break;
			*q = '/';
		}
		note_dir(f, full);
		snprintf(f->last_parent, sizeof f->last_parent, "%s", full);
	}
	*slash = '/';
}

static int is_payload(const char *path)
{
	return strcmp(path, "MANIFEST.json") != 0 &&
	       strcmp(path, "MANIFEST.json.p7s") != 0;
}

static void check_path(const char *path)
{
	const char *p = path;

	if (*path == '\0' || *path == '/')
		floor_die("the entry '%s' does not have a relative path.", path);
	for (;;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 2 && p[0] == '.' && p[1] == '.'))
			floor_die("the entry '%s' has an empty or '..' component.",
			    path);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
}

void floor_start_file(struct floor *f, const char *path, uint64_t size,
		      unsigned mode)
{
	char *full = f->full;

	snprintf(f->path, sizeof f->path, "%s", path);
	if (EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1)
		floor_die("cannot start a SHA-256 digest.");
	f->fd = -1;
	if (is_payload(path)) {
		check_path(path);
		if ((size_t)snprintf(full, sizeof f->full, "%s/%s", f->outdir,
				     path) >= sizeof f->full)
			floor_die("the path of the entry '%s' is too long.", path);
		make_parents(f, full);
		f->fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     mode & 0777);
		if (f->fd < 0)
			floor_die("cannot create %s: %s", full, strerror(errno));
	}
	f->left = size;
	f->pad = (BLOCK - size % BLOCK) % BLOCK;
	f->hashed_entries++;
}

/* --deferred-sync: starts writing the file's pages back without waiting
 * and keeps its name for the fsync at the end. */
static void defer_sync(struct floor *f)
{
#ifdef SYNC_FILE_RANGE_WRITE
	if (sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0 &&
	    errno != ENOSYS)
		floor_die("cannot start writing %s back: %s", f->full,
		    strerror(errno));
#endif
	if (f->npending == f->pending_cap) {
		size_t cap = f->pending_cap ? f->pending_cap * 2 : 1024;
		char **p = realloc(f->pending, cap * sizeof *p);

		if (p == NULL)
			floor_die("out of memory.");
		f->pending = p;
		f->pending_cap = cap;
	}
	f->pending[f->npending] = strdup(f->full);
	if (f->pending[f->npending] == NULL)
		floor_die("out of memory.");
	f->npending++;
}

void floor_finish_file(struct floor *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen, i;

	if (EVP_DigestFinal_ex(f->md, md, &mdlen) != 1)
		floor_die("cannot finish the SHA-256 digest of %s.", f->path);
	if (f->fd < 0)
		return;
	if (f->deferred)
		defer_sync(f);
	else if (fsync(f->fd) != 0)
		floor_die("cannot fsync %s: %s", f->full, strerror(errno));
	if (close(f->fd) != 0)
		floor_die("cannot close %s: %s", f->full, strerror(errno));
	f->fd = -1;
	for (i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("  %s\n", f->path);
	f->files++;
}

void floor_write_all(struct floor *f, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(f->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			floor_die("cannot write %s: %s", f->full, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

/* --deferred-sync: fsync every file written, most of it already on its
 * way to the disk. */
void floor_sync_files(struct floor *f)
{
	size_t i;

	for (i = 0; i < f->npending; i++) {
		int fd = open(f->pending[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			floor_die("cannot open %s again: %s", f->pending[i],
			    strerror(errno));
		if (fsync(fd) != 0)
			floor_die("cannot fsync %s: %s", f->pending[i],
			    strerror(errno));
		close(fd);
		free(f->pending[i]);
	}
	free(f->pending);
}

void floor_sync_dirs(struct floor *f)
{
	size_t i;

	for (i = 0; i < f->ndirs; i++) {
		int fd = open(f->dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			floor_die("cannot open the directory %s: %s", f->dirs[i],
			    strerror(errno));
		if (fsync(fd) != 0)
			floor_die("cannot fsync the directory %s: %s", f->dirs[i],
			    strerror(errno));
		close(fd);
		free(f->dirs[i]);
	}
}

