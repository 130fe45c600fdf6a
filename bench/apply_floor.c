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

#include "apply_floor.h"

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

void floor_die(const char *fmt, ...)
{
	va_list ap;

	fputs("apply_floor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void inflate_pack(struct floor *f, int in)
{
	static unsigned char inbuf[IN_BUF], outbuf[OUT_BUF];
	z_stream z;
	int r = Z_OK, ended = 0;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, the largest window. */
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		floor_die("cannot start zlib: %s", z.msg ? z.msg : "out of memory");
	for (;;) {
		ssize_t got;

		if (z.avail_in == 0) {
			got = read(in, inbuf, sizeof inbuf);
			if (got < 0) {
				if (errno == EINTR)
					continue;
				floor_die("cannot read the pack: %s", strerror(errno));
			}
			if (got == 0)
				break;
			z.next_in = inbuf;
			z.avail_in = (uInt)got;
		}
		if (ended) {
			/* Another gzip member follows the first one. */
			if (inflateReset(&z) != Z_OK)
				floor_die("cannot restart zlib.");
			ended = 0;
		}
		do {
			z.next_out = outbuf;
			z.avail_out = sizeof outbuf;
			r = inflate(&z, Z_NO_FLUSH);
			if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR)
				floor_die("the pack is not valid gzip data: %s",
				    z.msg ? z.msg : zError(r));
			floor_feed(f, outbuf, sizeof outbuf - z.avail_out);
			if (r == Z_STREAM_END) {
				ended = 1;
				break;
			}
		} while (z.avail_out == 0 || z.avail_in > 0);
	}
	if (!ended)
		floor_die("the pack ends in the middle of its gzip data (truncated?).");
	inflateEnd(&z);
	if (f->st != ST_END && !(f->st == ST_HEADER && f->hdr_len == 0))
		floor_die("the tar archive ends in the middle of an entry (truncated?).");
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
		floor_die("%s is not a directory; make it first.", f.outdir);
	if (strlen(f.outdir) >= MAX_PATH_LEN)
		floor_die("the output directory's name is too long.");
	in = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (in < 0)
		floor_die("cannot open %s: %s", argv[1], strerror(errno));
	f.md = EVP_MD_CTX_new();
	if (f.md == NULL)
		floor_die("out of memory.");
	f.fd = -1;
	f.st = ST_HEADER;
	inflate_pack(&f, in);
	close(in);
	floor_sync_files(&f);
	floor_sync_dirs(&f);
	EVP_MD_CTX_free(f.md);
	if (fflush(stdout) != 0 || ferror(stdout))
		floor_die("cannot write the digests to stdout.");
	fprintf(stderr,
		"apply_floor: %llu entries hashed, %llu files and %llu bytes "
		"written, %zu directories synced\n",
		(unsigned long long)f.hashed_entries,
		(unsigned long long)f.files, (unsigned long long)f.bytes,
		f.ndirs);
	return 0;
}

