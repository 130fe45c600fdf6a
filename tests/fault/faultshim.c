/* faultshim.c: an LD_PRELOAD shim for the crash-safety tests. Counts the calls
 * that change files and makes the N-th fail (EIO, ENOSPC) or kill the process. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT, renameat2, the *64 functions */
#endif
/* Large-file renaming would turn our pwrite into a second pwrite64. */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Every function the shim counts. ftruncate64 is here because a program
 * built with _FILE_OFFSET_BITS=64 calls it instead of ftruncate. */
#define SHIMMED(X) \
	X(write) X(pwrite) X(pwrite64) X(fsync) X(fdatasync) \
	X(rename) X(renameat) X(renameat2) X(unlink) X(unlinkat) \
	X(link) X(linkat) X(mkdir) X(mkdirat) X(symlink) X(symlinkat) \
	X(ftruncate) X(ftruncate64)

#define DECLARE_REAL(fn) static __typeof__(fn) *real_##fn;
SHIMMED(DECLARE_REAL)

enum action { FAIL_EIO, FAIL_ENOSPC, KILL };

static unsigned long fault_at; /* 0: only count */
static enum action action = FAIL_EIO;
/* Pointers into the environment: the strings outlive any setenv. */
static const char *count_path;
static const char *log_path;

static atomic_ulong calls;
static atomic_bool ready;

/* The shim cannot trust its own write before setup, so it speaks through
 * the system call; a misconfigured test must stop, not pass silently. */
static void die(const char *what, const char *detail)
{
	static const char prefix[] = "faultshim: ";

	syscall(SYS_write, STDERR_FILENO, prefix, sizeof prefix - 1);
	syscall(SYS_write, STDERR_FILENO, what, strlen(what));
	syscall(SYS_write, STDERR_FILENO, detail, strlen(detail));
	syscall(SYS_write, STDERR_FILENO, "\n", 1);
	_exit(125);
}

static void *find_real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn)
		die("no libc definition of ", name);
	return fn;
}

static unsigned long parse_count(const char *text)
{
	unsigned long n = 0;

	for (const char *p = text; *p; p++) {
		unsigned digit = (unsigned)(*p - '0');

		if (digit > 9 || n > (ULONG_MAX - digit) / 10)
			die("KEEL_FAULT_AT is not a count: ", text);
		n = n * 10 + digit;
	}
	return n;
}

static enum action parse_action(const char *text)
{
	if (strcmp(text, "eio") == 0)
		return FAIL_EIO;
	if (strcmp(text, "enospc") == 0)
		return FAIL_ENOSPC;
	if (strcmp(text, "kill") == 0)
		return KILL;
	die("KEEL_FAULT_ACTION must be eio, enospc or kill, not ", text);
	return FAIL_EIO; /* not reached */
}

static void read_settings(void)
{
	const char *at = getenv("KEEL_FAULT_AT");
	const char *act = getenv("KEEL_FAULT_ACTION");

	/* Empty counts as unset, as a shell's VAR= prefix means. */
	if (at && *at)
		fault_at = parse_count(at);
	if (act && *act)
		action = parse_action(act);
	count_path = getenv("KEEL_FAULT_COUNT");
	log_path = getenv("KEEL_FAULT_LOG");
}

/* Runs on the first call of any kind, which may come before our
 * constructor would (another library's constructor). Running it twice is
 * harmless: it finds the same functions and reads the same environment. */
static void setup(void)
{
	int saved = errno;

	if (atomic_load(&ready))
		return;
#define LOAD_REAL(fn) real_##fn = (__typeof__(real_##fn))find_real(#fn);
	SHIMMED(LOAD_REAL)
	read_settings();
	atomic_store(&ready, true);
	errno = saved;
}

/* Decimal digits of n at buf; returns their number. No stdio: it may
 * allocate, and this runs in the middle of the program's own I/O. */
static size_t put_number(char *buf, unsigned long n)
{
	char digits[24];
	size_t len = 0;

	do {
		digits[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (size_t i = 0; i < len; i++)
		buf[i] = digits[len - 1 - i];
	return len;
}

/* Writes line to path with the real functions, so it is never counted. */
static void put_line(const char *path, int mode_flags, const char *line,
		     size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | mode_flags, 0644);

	if (fd < 0)
		die("cannot open ", path);
	if (real_write(fd, line, len) != (ssize_t)len)
		die("cannot write ", path);
	close(fd);
}

static void log_fault(unsigned long n, const char *name)
{
	char line[64];
	size_t len;

	if (!log_path || !*log_path)
		return;
	len = put_number(line, n);
	line[len++] = ' ';
	/* Our call names are short; cut anything longer rather than overflow. */
	for (const char *p = name; *p && len < sizeof line - 1; p++)
		line[len++] = *p;
	line[len++] = '\n';
	put_line(log_path, O_APPEND, line, len);
}

/* Counts one call. Returns true when the caller must fail it: errno is set
 * and the real call must not be made. With kill it does not return. */
static bool hit(const char *name)
{
	unsigned long n = atomic_fetch_add(&calls, 1) + 1;

	if (n != fault_at)
		return false;
	log_fault(n, name);
	if (action == KILL) {
		/* Like a power cut for this process: no stdio flush, no atexit. */
		kill(getpid(), SIGKILL);
		_exit(128 + SIGKILL); /* not reached: SIGKILL cannot be caught */
	}
	errno = action == FAIL_EIO ? EIO : ENOSPC;
	return true;
}

/* Writes to standard input, output and error are messages to the user,
 * not the files under test. */
static bool is_target(int fd)
{
	return fd < 0 || fd > STDERR_FILENO;
}

/* Runs at exit() after the program's atexit handlers, so their calls are
 * counted too; _exit and signals skip it. */
__attribute__((destructor)) static void report_count(void)
{
	char line[32];
	size_t len;

	setup();
	if (!count_path || !*count_path)
		return;
	len = put_number(line, atomic_load(&calls));
	line[len++] = '\n';
	put_line(count_path, O_TRUNC, line, len);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	setup();
	if (is_target(fd) && hit("write"))
		return -1;
	return real_write(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset)
{
	setup();
	if (is_target(fd) && hit("pwrite"))
		return -1;
	return real_pwrite(fd, buf, len, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t offset)
{
	setup();
	if (is_target(fd) && hit("pwrite64"))
		return -1;
	return real_pwrite64(fd, buf, len, offset);
}

int fsync(int fd)
{
	setup();
	if (hit("fsync"))
		return -1;
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	setup();
	if (hit("fdatasync"))
		return -1;
	return real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
	setup();
	if (hit("rename"))
		return -1;
	return real_rename(from, to);
}

int renameat(int fromdir, const char *from, int todir, const char *to)
{
	setup();
	if (hit("renameat"))
		return -1;
	return real_renameat(fromdir, from, todir, to);
}

int renameat2(int fromdir, const char *from, int todir, const char *to,
	      unsigned int flags)
{
	setup();
	if (hit("renameat2"))
		return -1;
	return real_renameat2(fromdir, from, todir, to, flags);
}

int unlink(const char *path)
{
	setup();
	if (hit("unlink"))
		return -1;
	return real_unlink(path);
}

int unlinkat(int dir, const char *path, int flags)
{
	setup();
	if (hit("unlinkat"))
		return -1;
	return real_unlinkat(dir, path, flags);
}

int link(const char *from, const char *to)
{
	setup();
	if (hit("link"))
		return -1;
	return real_link(from, to);
}

int linkat(int fromdir, const char *from, int todir, const char *to, int flags)
{
	setup();
	if (hit("linkat"))
		return -1;
	return real_linkat(fromdir, from, todir, to, flags);
}

int mkdir(const char *path, mode_t mode)
{
	setup();
	if (hit("mkdir"))
		return -1;
	return real_mkdir(path, mode);
}

int mkdirat(int dir, const char *path, mode_t mode)
{
	setup();
	if (hit("mkdirat"))
		return -1;
	return real_mkdirat(dir, path, mode);
}

int symlink(const char *target, const char *path)
{
	setup();
	if (hit("symlink"))
		return -1;
	return real_symlink(target, path);
}

int symlinkat(const char *target, int dir, const char *path)
{
	setup();
	if (hit("symlinkat"))
		return -1;
	return real_symlinkat(target, dir, path);
}

int ftruncate(int fd, off_t len)
{
	setup();
	if (hit("ftruncate"))
		return -1;
	return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	setup();
	if (hit("ftruncate64"))
		return -1;
	return real_ftruncate64(fd, len);
}
