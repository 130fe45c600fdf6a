/* apply_floor.c: the least work any installer of a pack must do: inflate, walk
 * the tar, SHA-256 and write each file, fsync files and directories. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <openssl/evp.h>
#include <zlib.h>

/* Usage: apply_floor [--deferred-sync] PACK OUTDIR
 *
 * PACK is a .ksp or any gzip-compressed ustar/pax tar (GNU long names are
 * understood too; concatenated gzip
 * members are read as one stream, like gzip -dc). Every regular file entry
 * is hashed with SHA-256; every one but MANIFEST.json and MANIFEST.json.p7s
 * is written to OUTDIR/PATH (parent directories created), fsynced and
 * closed, and its digest printed on stdout in sha256sum format (so that
 * `cd OUTDIR && sha256sum -c` checks it). Then each directory that got a
 * new entry is fsynced once. A summary goes to stderr.
 *
 * By default each file is fsynced as soon as it is written, before the
 * next entry is read. --deferred-sync does what dpkg does instead: start
 * the write-back of each file (sync_file_range) and go on; fsync every
 * file, then the directories, at the end. The same work, but the disk
 * writes overlap the inflating and hashing.
 *
 * Deliberately absent: signature and manifest checks, staging and renames,
 * a journal, backups, path sanitising beyond refusing "..". This is the
 * floor a real installer is compared with, not an installer. */

#define IN_BUF (256 * 1024)
#define OUT_BUF (256 * 1024)
#define BLOCK 512
#define MAX_PATH_LEN 4096
/* A pax header record is only interpreted when its data is this small;
 * bigger ones are skipped (the path and size records are short). */
#define MAX_PAX 65536
#define MAX_DIRS 65536

enum state { ST_HEADER, ST_DATA, ST_PAD, ST_PAX, ST_SKIP, ST_END };

struct floor {
	const char *outdir;
	/* The tar stream. */
	enum state st;
	unsigned char hdr[BLOCK];
	size_t hdr_len;
	uint64_t left;		/* bytes of the entry's data still to come */
	uint64_t pad;		/* padding bytes after it */
	int zero_blocks;
	/* The pax extended header that applies to the next entry. */
	char pax[MAX_PAX + 1];
	size_t pax_len;
	int pax_is_longname;	/* a GNU 'L' entry: the data is the path */
	char pax_path[MAX_PATH_LEN];
	int pax_has_path;
	uint64_t pax_size;
	int pax_has_size;
	/* The entry being written. */
	char path[MAX_PATH_LEN];
	char full[MAX_PATH_LEN * 2];	/* OUTDIR/path */
	int fd;			/* -1: hashed but not written */
	EVP_MD_CTX *md;
	/* --deferred-sync: the files written, fsynced at the end. */
	int deferred;
	char **pending;
	size_t npending, pending_cap;
	/* Directories that got a new entry, fsynced at the end. */
	char *dirs[MAX_DIRS];
	size_t ndirs;
	char last_parent[MAX_PATH_LEN * 2];
	/* Figures. */
	uint64_t files, bytes, hashed_entries;
};

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("apply_floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A tar numeric field: octal text, or base-256 when the top bit is set. */
static uint64_t tar_number(const unsigned char *p, size_t n, const char *what)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && (p[0] & 0x80)) {
		if (p[0] & 0x40)
			die("a tar header has a negative %s.", what);
		v = p[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (v > (UINT64_MAX >> 8))
				die("a tar header's %s is too large.", what);
			v = (v << 8) | p[i];
		}
		return v;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			die("a tar header's %s is too large.", what);
		v = (v << 3) | (uint64_t)(p[i] - '0');
	}
	if (i < n && p[i] != ' ' && p[i] != '\0')
		die("a tar header's %s field is not an octal number.", what);
	return v;
}

static int header_checksum_ok(const unsigned char *h)
{
	uint64_t want = tar_number(h + 148, 8, "checksum");
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? (uint64_t)' ' : h[i];
	return sum == want;
}

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Copies a NUL-or-length-terminated header field. */
static size_t field(char *dst, const unsigned char *src, size_t n)
{
	size_t len = 0;

	while (len < n && src[len] != '\0') {
		dst[len] = (char)src[len];
		len++;
	}
	dst[len] = '\0';
	return len;
}

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
		die("more than %d directories; raise MAX_DIRS.", MAX_DIRS);
	f->dirs[f->ndirs] = strdup(dir);
	if (f->dirs[f->ndirs] == NULL)
		die("out of memory.");
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
		die("cannot make the directory %s: %s", dir, strerror(errno));
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
		die("the entry '%s' does not have a relative path.", path);
	for (;;) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 2 && p[0] == '.' && p[1] == '.'))
			die("the entry '%s' has an empty or '..' component.",
			    path);
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
}

static void start_file(struct floor *f, const char *path, uint64_t size,
		       unsigned mode)
{
	char *full = f->full;

	snprintf(f->path, sizeof f->path, "%s", path);
	if (EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1)
		die("cannot start a SHA-256 digest.");
	f->fd = -1;
	if (is_payload(path)) {
		check_path(path);
		if ((size_t)snprintf(full, sizeof f->full, "%s/%s", f->outdir,
				     path) >= sizeof f->full)
			die("the path of the entry '%s' is too long.", path);
		make_parents(f, full);
		f->fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			     mode & 0777);
		if (f->fd < 0)
			die("cannot create %s: %s", full, strerror(errno));
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
		die("cannot start writing %s back: %s", f->full,
		    strerror(errno));
#endif
	if (f->npending == f->pending_cap) {
		size_t cap = f->pending_cap ? f->pending_cap * 2 : 1024;
		char **p = realloc(f->pending, cap * sizeof *p);

		if (p == NULL)
			die("out of memory.");
		f->pending = p;
		f->pending_cap = cap;
	}
	f->pending[f->npending] = strdup(f->full);
	if (f->pending[f->npending] == NULL)
		die("out of memory.");
	f->npending++;
}

static void finish_file(struct floor *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen, i;

	if (EVP_DigestFinal_ex(f->md, md, &mdlen) != 1)
		die("cannot finish the SHA-256 digest of %s.", f->path);
	if (f->fd < 0)
		return;
	if (f->deferred)
		defer_sync(f);
	else if (fsync(f->fd) != 0)
		die("cannot fsync %s: %s", f->full, strerror(errno));
	if (close(f->fd) != 0)
		die("cannot close %s: %s", f->full, strerror(errno));
	f->fd = -1;
	for (i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("  %s\n", f->path);
	f->files++;
}

/* The pax records we act on: path and size; others are ignored. A GNU
 * long name entry holds just the path. */
static void parse_pax(struct floor *f)
{
	size_t at = 0;

	f->pax[f->pax_len] = '\0';
	if (f->pax_is_longname) {
		size_t len = strlen(f->pax);

		if (len >= sizeof f->pax_path)
			die("a GNU long name is too long.");
		memcpy(f->pax_path, f->pax, len + 1);
		f->pax_has_path = 1;
		return;
	}
	while (at < f->pax_len) {
		char *end, *key, *eq;
		unsigned long len = strtoul(f->pax + at, &end, 10);

		if (end == f->pax + at || *end != ' ' || len == 0 ||
		    len > f->pax_len - at || f->pax[at + len - 1] != '\n')
			die("a pax extended header is malformed.");
		key = end + 1;
		eq = memchr(key, '=', (size_t)(f->pax + at + len - 1 - key));
		if (eq != NULL) {
			size_t vlen = (size_t)(f->pax + at + len - 1 - (eq + 1));

			if ((size_t)(eq - key) == 4 &&
			    memcmp(key, "path", 4) == 0) {
				if (vlen >= sizeof f->pax_path)
					die("a pax path is too long.");
				memcpy(f->pax_path, eq + 1, vlen);
				f->pax_path[vlen] = '\0';
				f->pax_has_path = 1;
			} else if ((size_t)(eq - key) == 4 &&
				   memcmp(key, "size", 4) == 0) {
				f->pax_size = strtoull(eq + 1, NULL, 10);
				f->pax_has_size = 1;
			}
		}
		at += len;
	}
}

/* A full 512-byte header block is in f->hdr. */
static void on_header(struct floor *f)
{
	char name[101], prefix[156], path[MAX_PATH_LEN];
	unsigned char type = f->hdr[156];
	uint64_t size;
	unsigned mode;

	if (all_zero(f->hdr, BLOCK)) {
		if (++f->zero_blocks == 2)
			f->st = ST_END;
		return;
	}
	if (f->zero_blocks)
		die("a lone zero block is followed by more entries.");
	if (!header_checksum_ok(f->hdr))
		die("a tar header's checksum is wrong (entry %llu): this is "
		    "not a tar archive or it is damaged.",
		    (unsigned long long)f->hashed_entries + 1);
	size = tar_number(f->hdr + 124, 12, "size");
	mode = (unsigned)tar_number(f->hdr + 100, 8, "mode");
	field(name, f->hdr, 100);
	if (memcmp(f->hdr + 257, "ustar", 5) == 0 &&
	    field(prefix, f->hdr + 345, 155) > 0)
		snprintf(path, sizeof path, "%s/%s", prefix, name);
	else
		snprintf(path, sizeof path, "%s", name);
	if (f->pax_has_path)
		snprintf(path, sizeof path, "%s", f->pax_path);
	if (f->pax_has_size)
		size = f->pax_size;
	f->pax_has_path = f->pax_has_size = 0;

	switch (type) {
	case '0':
	case '\0':
	case '7':
		start_file(f, path, size, mode);
		f->st = size > 0 ? ST_DATA : ST_PAD;
		if (size == 0)
			finish_file(f);
		break;
	case 'x':
	case 'L':
		f->pax_is_longname = type == 'L';
		if (size > MAX_PAX) {
			/* Too big to be a path or a size: skip it. */
			f->left = size;
			f->pad = (BLOCK - size % BLOCK) % BLOCK;
			f->st = ST_SKIP;
		} else {
			f->pax_len = 0;
			f->left = size;
			f->pad = (BLOCK - size % BLOCK) % BLOCK;
			f->st = size > 0 ? ST_PAX : ST_PAD;
		}
		break;
	default:
		/* 'g' global headers, directories, links...: not written. A
		 * link or device has no data, whatever its size field says. */
		if (type == '1' || type == '2' || type == '3' || type == '4' ||
		    type == '6')
			size = 0;
		f->left = size;
		f->pad = (BLOCK - size % BLOCK) % BLOCK;
		f->st = size > 0 ? ST_SKIP : ST_PAD;
		break;
	}
	if (f->st == ST_PAD && f->pad == 0)
		f->st = ST_HEADER;
}

static void write_all(struct floor *f, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(f->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("cannot write %s: %s", f->full, strerror(errno));
		}
		p += w;
		n -= (size_t)w;
	}
}

/* Feeds N bytes of the inflated tar stream through the state machine. */
static void feed(struct floor *f, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t take;

		switch (f->st) {
		case ST_HEADER:
			take = BLOCK - f->hdr_len;
			if (take > n)
				take = n;
			memcpy(f->hdr + f->hdr_len, p, take);
			f->hdr_len += take;
			if (f->hdr_len == BLOCK) {
				f->hdr_len = 0;
				on_header(f);
			}
			break;
		case ST_DATA:
		case ST_PAX:
		case ST_SKIP:
			take = f->left < n ? (size_t)f->left : n;
			if (f->st == ST_DATA) {
				if (EVP_DigestUpdate(f->md, p, take) != 1)
					die("SHA-256 failed on %s.", f->path);
				if (f->fd >= 0)
					write_all(f, p, take);
				f->bytes += take;
			} else if (f->st == ST_PAX) {
				memcpy(f->pax + f->pax_len, p, take);
				f->pax_len += take;
			}
			f->left -= take;
			if (f->left == 0) {
				if (f->st == ST_DATA)
					finish_file(f);
				else if (f->st == ST_PAX)
					parse_pax(f);
				f->st = f->pad > 0 ? ST_PAD : ST_HEADER;
			}
			break;
		case ST_PAD:
			take = f->pad < n ? (size_t)f->pad : n;
			f->pad -= take;
			if (f->pad == 0)
				f->st = ST_HEADER;
			break;
		case ST_END:
		default:
			/* Zero padding after the end marker; not checked. */
			return;
		}
		p += take;
		n -= take;
	}
}

static void inflate_pack(struct floor *f, int in)
{
	static unsigned char inbuf[IN_BUF], outbuf[OUT_BUF];
	z_stream z;
	int r = Z_OK, ended = 0;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, the largest window. */
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		die("cannot start zlib: %s", z.msg ? z.msg : "out of memory");
	for (;;) {
		ssize_t got;

		if (z.avail_in == 0) {
			got = read(in, inbuf, sizeof inbuf);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				die("cannot read the pack: %s", strerror(errno));
			}
			if (got == 0)
				break;
			z.next_in = inbuf;
			z.avail_in = (uInt)got;
		}
		if (ended) {
			/* Another gzip member follows the first one. */
			if (inflateReset(&z) != Z_OK)
				die("cannot restart zlib.");
			ended = 0;
		}
		do {
			z.next_out = outbuf;
			z.avail_out = sizeof outbuf;
			r = inflate(&z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				die("the pack is not valid gzip data: %s",
				    z.msg ? z.msg : zError(r));
			feed(f, outbuf, sizeof outbuf - z.avail_out);
			if (r == Z_STREAM_END) {
				ended = 1;
				break;
			}
		} while (z.avail_out == 0 || z.avail_in > 0);
	}
	if (!ended)
		die("the pack ends in the middle of its gzip data (truncated?).");
	inflateEnd(&z);
	if (f->st != ST_END && !(f->st == ST_HEADER && f->hdr_len == 0))
		die("the tar archive ends in the middle of an entry (truncated?).");
}

/* --deferred-sync: fsync every file written, most of it already on its
 * way to the disk. */
static void sync_files(struct floor *f)
{
	size_t i;

	for (i = 0; i < f->npending; i++) {
		int fd = open(f->pending[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			die("cannot open %s again: %s", f->pending[i],
			    strerror(errno));
		if (fsync(fd) != 0)
			die("cannot fsync %s: %s", f->pending[i],
			    strerror(errno));
		close(fd);
		free(f->pending[i]);
	}
	free(f->pending);
}

static void sync_dirs(struct floor *f)
{
	size_t i;

	for (i = 0; i < f->ndirs; i++) {
		int fd = open(f->dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			die("cannot open the directory %s: %s", f->dirs[i],
			    strerror(errno));
		if (fsync(fd) != 0)
			die("cannot fsync the directory %s: %s", f->dirs[i],
			    strerror(errno));
		close(fd);
		free(f->dirs[i]);
	}
}

int main(int argc, char **argv)
{
	static struct floor f;
	struct stat st;
	int in;

	if (argc == 4 && strcmp(argv[1], "--deferred-sync") == 0) {
		f.deferred = 1;
		argv++;
		argc--;
	}
	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: apply_floor [--deferred-sync] PACK OUTDIR\n");
		return 2;
	}
	f.outdir = argv[2];
	if (stat(f.outdir, &st) != 0 || !S_ISDIR(st.st_mode))
		die("%s is not a directory; make it first.", f.outdir);
	if (strlen(f.outdir) >= MAX_PATH_LEN)
		die("the output directory's name is too long.");
	in = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (in < 0)
		die("cannot open %s: %s", argv[1], strerror(errno));
	f.md = EVP_MD_CTX_new();
	if (f.md == NULL)
		die("out of memory.");
	f.fd = -1;
	f.st = ST_HEADER;
	inflate_pack(&f, in);
	close(in);
	sync_files(&f);
	sync_dirs(&f);
	EVP_MD_CTX_free(f.md);
	if (fflush(stdout) != 0 || ferror(stdout))
		die("cannot write the digests to stdout.");
	fprintf(stderr,
		"apply_floor: %llu entries hashed, %llu files and %llu bytes "
		"written, %zu directories synced\n",
		(unsigned long long)f.hashed_entries,
		(unsigned long long)f.files, (unsigned long long)f.bytes,
		f.ndirs);
	return 0;
}
