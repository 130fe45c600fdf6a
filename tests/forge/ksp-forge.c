/* ksp-forge.c: a test tool, never installed. Writes any tar(.gz) from
 * entries given on the command line, unchecked, to build packs keel-pack refuses. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define BLOCK 65536

/* Removed on failure, so a test never picks up half an archive. */
static const char *out_path;

static const char usage_text[] =
	"Usage: ksp-forge [--format pax|gnu|ustar] [--no-gzip] OUT ENTRY...\n"
	"Writes OUT, a tar archive (gzip-compressed unless --no-gzip) holding\n"
	"ENTRY... in the order given, without checking anything. A test tool.\n"
	"ENTRY is one of:\n"
	"  file:NAME=SRC           regular file with the bytes of SRC\n"
	"  filesize:NAME=SRC:SIZE  header says SIZE; SRC's bytes, zero-padded\n"
	"                          or cut to SIZE\n"
	"  zeros:NAME=SIZE         regular file of SIZE zero bytes, streamed\n"
	"  symlink:NAME=TARGET     symbolic link\n"
	"  hardlink:NAME=TARGET    hard link to an earlier entry TARGET\n"
	"  dir:NAME  fifo:NAME  chardev:NAME  blockdev:NAME\n"
	"Every entry has mtime 0, owner 0:0; files 0644, directories 0755.\n";

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2),
							noreturn));

/* A usage or input error: the test that called us is wrong. */
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("ksp-forge: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path)
		unlink(out_path);
	exit(2);
}

static void die_archive(struct archive *a, const char *what)
{
	fprintf(stderr, "ksp-forge: %s: %s\n", what, archive_error_string(a));
	if (out_path)
		unlink(out_path);
	exit(1);
}

/* Splits "NAME=VALUE" in place; NAME must not be empty. */
static char *split_value(char *spec, const char *whole)
{
	char *eq = strchr(spec, '=');

	if (!eq || eq == spec || eq[1] == '\0')
		die("entry \"%s\" needs NAME=VALUE; run ksp-forge --help", whole);
	*eq = '\0';
	return eq + 1;
}

static int64_t parse_size(const char *s, const char *whole)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end != '\0' || *s == '-' || v > INT64_MAX)
		die("entry \"%s\" has a size that is not a number", whole);
	return (int64_t)v;
}

static struct archive_entry *new_entry(const char *name, mode_t type,
				       mode_t perm)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		die("%s", "out of memory");
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, type);
	archive_entry_set_perm(e, perm);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_size(e, 0);
	return e;
}

static void write_header(struct archive *a, struct archive_entry *e)
{
	if (archive_write_header(a, e) < ARCHIVE_WARN)
		die_archive(a, archive_entry_pathname(e));
}

/* Writes len bytes; libarchive silently stops at the declared size,
 * which is what filesize: wants when SRC is longer. */
static void write_data(struct archive *a, const void *buf, size_t len)
{
	if (archive_write_data(a, buf, len) < 0)
		die_archive(a, "write");
}

static void finish_entry(struct archive *a, struct archive_entry *e)
{
	/* finish_entry zero-pads an entry whose data fell short of its
	 * header size: the filesize: case relies on it. */
	if (archive_write_finish_entry(a) < ARCHIVE_WARN)
		die_archive(a, archive_entry_pathname(e));
	archive_entry_free(e);
}

static int64_t file_size(const char *src)
{
	struct stat st;

	if (stat(src, &st) != 0 || !S_ISREG(st.st_mode))
		die("cannot read \"%s\" (missing or not a regular file)", src);
	return (int64_t)st.st_size;
}

static void copy_file(struct archive *a, const char *src)
{
	static char buf[BLOCK];
	ssize_t n;
	int fd = open(src, O_RDONLY);

	if (fd < 0)
		die("cannot open \"%s\"", src);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		write_data(a, buf, (size_t)n);
	if (n < 0)
		die("cannot read \"%s\"", src);
	close(fd);
}

static void add_file(struct archive *a, const char *name, const char *src,
		     int64_t size)
{
	struct archive_entry *e = new_entry(name, AE_IFREG, 0644);

	archive_entry_set_size(e, size < 0 ? file_size(src) : size);
	write_header(a, e);
	copy_file(a, src);
	finish_entry(a, e);
}

static void add_zeros(struct archive *a, const char *name, int64_t size)
{
	static const char zero[BLOCK];
	struct archive_entry *e = new_entry(name, AE_IFREG, 0644);
	int64_t left = size;

	archive_entry_set_size(e, size);
	write_header(a, e);
	while (left > 0) {
		size_t n = left > BLOCK ? BLOCK : (size_t)left;

		write_data(a, zero, n);
		left -= (int64_t)n;
	}
	finish_entry(a, e);
}

static void add_link(struct archive *a, const char *name, const char *target,
		     int hard)
{
	struct archive_entry *e;

	if (hard) {
		e = new_entry(name, AE_IFREG, 0644);
		archive_entry_set_hardlink(e, target);
	} else {
		e = new_entry(name, AE_IFLNK, 0777);
		archive_entry_set_symlink(e, target);
	}
	write_header(a, e);
	finish_entry(a, e);
}

static void add_special(struct archive *a, const char *name, mode_t type)
{
	struct archive_entry *e;

	e = new_entry(name, type, type == AE_IFDIR ? 0755 : 0644);
	if (type == AE_IFCHR || type == AE_IFBLK)
		archive_entry_set_rdev(e, makedev(1, 3));
	write_header(a, e);
	finish_entry(a, e);
}

/* "filesize:NAME=SRC:SIZE": SIZE follows the last ':' so SRC may hold one. */
static void add_filesize(struct archive *a, char *spec, const char *whole)
{
	char *src = split_value(spec, whole);
	char *colon = strrchr(src, ':');

	if (!colon || colon == src)
		die("entry \"%s\" needs filesize:NAME=SRC:SIZE", whole);
	*colon = '\0';
	add_file(a, spec, src, parse_size(colon + 1, whole));
}

static void add_entry(struct archive *a, const char *arg)
{
	char *spec = strdup(arg);
	char *kind = spec, *rest = spec ? strchr(spec, ':') : NULL;

	if (!rest || rest == kind || rest[1] == '\0')
		die("entry \"%s\" is not KIND:SPEC; run ksp-forge --help", arg);
	*rest++ = '\0';
	if (strcmp(kind, "file") == 0)
		add_file(a, rest, split_value(rest, arg), -1);
	else if (strcmp(kind, "filesize") == 0)
		add_filesize(a, rest, arg);
	else if (strcmp(kind, "zeros") == 0)
		add_zeros(a, rest, parse_size(split_value(rest, arg), arg));
	else if (strcmp(kind, "symlink") == 0)
		add_link(a, rest, split_value(rest, arg), 0);
	else if (strcmp(kind, "hardlink") == 0)
		add_link(a, rest, split_value(rest, arg), 1);
	else if (strcmp(kind, "dir") == 0)
		add_special(a, rest, AE_IFDIR);
	else if (strcmp(kind, "fifo") == 0)
		add_special(a, rest, AE_IFIFO);
	else if (strcmp(kind, "chardev") == 0)
		add_special(a, rest, AE_IFCHR);
	else if (strcmp(kind, "blockdev") == 0)
		add_special(a, rest, AE_IFBLK);
	else
		die("unknown entry kind in \"%s\"; run ksp-forge --help", arg);
	free(spec);
}

static void set_format(struct archive *a, const char *fmt)
{
	int r;

	if (strcmp(fmt, "pax") == 0)
		r = archive_write_set_format_pax(a);
	else if (strcmp(fmt, "gnu") == 0)
		r = archive_write_set_format_gnutar(a);
	else if (strcmp(fmt, "ustar") == 0)
		r = archive_write_set_format_ustar(a);
	else
		die("unknown --format \"%s\"; use pax, gnu or ustar", fmt);
	if (r != ARCHIVE_OK)
		die_archive(a, "format");
}

/* No gzip time stamp or name, so the same arguments give the same bytes. */
static struct archive *open_out(const char *out, const char *fmt, int gzip)
{
	struct archive *a = archive_write_new();

	if (!a)
		die("%s", "out of memory");
	set_format(a, fmt);
	if (gzip && (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
		     archive_write_set_filter_option(a, "gzip", "timestamp",
						     NULL) < ARCHIVE_WARN))
		die_archive(a, "gzip");
	/* No padding after the last byte: a pack ends with its gzip member. */
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open_filename(a, out) != ARCHIVE_OK)
		die_archive(a, out);
	out_path = out;
	return a;
}

int main(int argc, char **argv)
{
	const char *fmt = "pax";
	struct archive *a;
	int gzip = 1, i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(usage_text, stdout);
			return 0;
		} else if (strcmp(argv[i], "--no-gzip") == 0) {
			gzip = 0;
		} else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			fmt = argv[++i];
		} else {
			die("unknown option \"%s\"; run ksp-forge --help", argv[i]);
		}
	}
	if (argc - i < 1)
		die("%s", "missing OUT; run ksp-forge --help");
	a = open_out(argv[i], fmt, gzip);
	for (i++; i < argc; i++)
		add_entry(a, argv[i]);
	if (archive_write_close(a) != ARCHIVE_OK)
		die_archive(a, "close");
	archive_write_free(a);
	return 0;
}
