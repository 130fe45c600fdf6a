/* mount_source.c: finds, through /proc/self/mountinfo, where the root of
 * a bind mount lies in its file system, for apply_protect's identity walk. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileops.h"
#include "mount_source.h"

struct mount_line {
	unsigned long id;
	char dev[32];
	char root[PATH_MAX];
	char point[PATH_MAX];
};

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 +
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* Copies the next space-separated field of *line into out. */
static int next_field(const char **line, char *out, size_t size)
{
	const char *p = *line, *end;

	while (*p == ' ')
		p++;
	end = strpbrk(p, " \n");
	if (!end || end == p || (size_t)(end - p) >= size)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	*line = end;
	return 0;
}

/* "ID PARENT MAJ:MIN ROOT MOUNT-POINT ...", see proc(5). */
static int parse_line(const char *line, struct mount_line *m)
{
	char id[32], parent[32];
	char *end;

	if (next_field(&line, id, sizeof id) ||
	    next_field(&line, parent, sizeof parent) ||
	    next_field(&line, m->dev, sizeof m->dev) ||
	    next_field(&line, m->root, sizeof m->root) ||
	    next_field(&line, m->point, sizeof m->point))
		return -1;
	m->id = strtoul(id, &end, 10);
	if (*end)
		return -1;
	unescape(m->root);
	unescape(m->point);
	return 0;
}

/* Whether dir is an ancestor of path ("/" of everything), strictly. */
static size_t strict_ancestor(const char *dir, const char *path)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") ? 1 : 0;
	return strncmp(dir, path, n) == 0 && path[n] == '/' ? n + 1 : 0;
}

/* Of the mounts of fs dev, the one whose root encloses root most widely;
 * *skip is how much of root its own root covers. */
static int widest_enclosing(FILE *f, const struct mount_line *self,
			    struct mount_line *best, size_t *skip)
{
	char line[3 * PATH_MAX];
	struct mount_line m;
	size_t n, found = 0;

	rewind(f);
	while (fgets(line, sizeof line, f))
		if (parse_line(line, &m) == 0 && m.id != self->id &&
		    strcmp(m.dev, self->dev) == 0 &&
		    (n = strict_ancestor(m.root, self->root)) != 0 &&
		    (!found || strlen(m.root) < strlen(best->root))) {
			*best = m;
			*skip = n;
			found = 1;
		}
	return found ? 0 : -1;
}

static int find_self(FILE *f, unsigned long id, struct mount_line *self)
{
	char line[3 * PATH_MAX];

	while (fgets(line, sizeof line, f))
		if (parse_line(line, self) == 0 && self->id == id)
			return strcmp(self->root, "/") ? 0 : -1;
	return -1;
}

static int open_same(const char *path, int fd)
{
	struct stat want, got;
	int src = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (src >= 0 && fstat(fd, &want) == 0 && fstat(src, &got) == 0 &&
	    fileops_same_file(&want, &got))
		return src;
	fileops_close_keep_errno(src);
	return -1;
}

static int mount_id(int fd, unsigned long *id)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) != 0 ||
	    !(sx.stx_mask & STATX_MNT_ID))
		return -1;
	*id = (unsigned long)sx.stx_mnt_id;
	return 0;
}

int mount_source_open(int fd, int up)
{
	struct mount_line self, best;
	char path[2 * PATH_MAX + 2];
	unsigned long id, up_id;
	size_t skip = 0;
	FILE *f;
	int rc = -1;

	/* Most steps stay on one mount: no need to read mountinfo. */
	if (mount_id(fd, &id) || mount_id(up, &up_id) || id == up_id)
		return -1;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	if (find_self(f, id, &self) == 0 &&
	    widest_enclosing(f, &self, &best, &skip) == 0) {
		snprintf(path, sizeof path, "%s/%s",
			 strcmp(best.point, "/") ? best.point : "",
			 self.root + skip);
		rc = open_same(path, fd);
	}
	fclose(f);
	return rc;
}
