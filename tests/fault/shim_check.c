/* shim_check.c: a test program for faultshim.so. Makes a fixed sequence of
 * counted calls in the directory argv[1], one per step, and says which failed. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pwrite64, ftruncate64, renameat2 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: shim_check DIR [STEPS]\n"
	"Makes the first STEPS (default all) calls of a fixed sequence in DIR,\n"
	"which must be empty, and exits 1 naming the first that fails.\n";

static int file_fd; /* DIR/file, made before the first step */
static int dir_fd;  /* DIR itself, for the *at calls */

/* A short write is a failure too; errno 0 then says it was short. */
static int wrote(ssize_t got, size_t want)
{
	if (got == (ssize_t)want)
		return 0;
	if (got >= 0)
		errno = 0;
	return -1;
}

static int write_one(void) { return wrote(write(file_fd, "one\n", 4), 4); }
static int write_two(void) { return wrote(write(file_fd, "two\n", 4), 4); }
static int pwrite_one(void) { return wrote(pwrite(file_fd, "ONE", 3, 0), 3); }
static int pwrite64_two(void) { return wrote(pwrite64(file_fd, "TWO", 3, 4), 3); }
static int ftruncate_six(void) { return ftruncate(file_fd, 6); }
static int ftruncate64_five(void) { return ftruncate64(file_fd, 5); }
static int fsync_file(void) { return fsync(file_fd); }
static int fdatasync_file(void) { return fdatasync(file_fd); }
static int mkdir_d(void) { return mkdir("d", 0755); }
static int mkdirat_e(void) { return mkdirat(dir_fd, "d/e", 0755); }
static int rename_file(void) { return rename("file", "d/f"); }
static int renameat_f(void) { return renameat(dir_fd, "d/f", dir_fd, "d/e/g"); }
static int renameat2_g(void) { return renameat2(dir_fd, "d/e/g", dir_fd, "h", 0); }
static int link_h(void) { return link("h", "h.link"); }
static int linkat_h(void) { return linkat(dir_fd, "h", dir_fd, "d/h.link", 0); }
static int symlink_h(void) { return symlink("h", "s1"); }
static int symlinkat_h(void) { return symlinkat("../h", dir_fd, "d/s2"); }
static int unlink_link(void) { return unlink("h.link"); }
static int unlinkat_link(void) { return unlinkat(dir_fd, "d/h.link", 0); }

/* Each step is exactly one counted call, named as the shim names it, and
 * leaves a mark on the directory tree unless it is a sync. */
static const struct step {
	const char *name;
	int (*run)(void);
} steps[] = {
	{ "write", write_one },
	{ "write", write_two },
	{ "pwrite", pwrite_one },
	{ "pwrite64", pwrite64_two },
	{ "ftruncate", ftruncate_six },
	{ "ftruncate64", ftruncate64_five },
	{ "fsync", fsync_file },
	{ "fdatasync", fdatasync_file },
	{ "mkdir", mkdir_d },
	{ "mkdirat", mkdirat_e },
	{ "rename", rename_file },
	{ "renameat", renameat_f },
	{ "renameat2", renameat2_g },
	{ "link", link_h },
	{ "linkat", linkat_h },
	{ "symlink", symlink_h },
	{ "symlinkat", symlinkat_h },
	{ "unlink", unlink_link },
	{ "unlinkat", unlinkat_link },
};
#define STEPS_MAX (sizeof steps / sizeof steps[0])

/* Straight to fd 1 or 2 with write(): the shim must not count these. */
static void say(int fd, const char *text)
{
	if (write(fd, text, strlen(text)) < 0)
		exit(2);
}

static size_t parse_limit(const char *text)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (errno || end == text || *end || n > STEPS_MAX) {
		fprintf(stderr, "shim_check: STEPS must be 0 to %zu, not %s\n",
			STEPS_MAX, text);
		exit(2);
	}
	return n;
}

/* Uncounted preparation, done even for zero steps, so that a run stopped
 * after k steps leaves the same tree as a run killed at step k + 1. */
static void prepare(const char *dir)
{
	if (chdir(dir) != 0 || (dir_fd = open(".", O_RDONLY | O_DIRECTORY)) < 0 ||
	    (file_fd = open("file", O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0) {
		fprintf(stderr, "shim_check: cannot prepare %s: %s\n", dir,
			strerror(errno));
		exit(2);
	}
}

int main(int argc, char **argv)
{
	size_t limit = STEPS_MAX;
	char line[64];

	if (argc < 2 || argc > 3) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (argc == 3)
		limit = parse_limit(argv[2]);
	prepare(argv[1]);
	say(STDERR_FILENO, "shim_check: starting\n");
	for (size_t i = 0; i < limit; i++) {
		errno = 0;
		if (steps[i].run() != 0) {
			fprintf(stderr, "shim_check: step %zu (%s) failed: errno %d (%s)\n",
				i + 1, steps[i].name, errno, strerror(errno));
			return 1;
		}
		snprintf(line, sizeof line, "ok %zu %s\n", i + 1, steps[i].name);
		say(STDOUT_FILENO, line);
	}
	say(STDERR_FILENO, "shim_check: done\n");
	return 0;
}
