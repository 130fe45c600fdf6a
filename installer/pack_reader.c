/* pack_reader.c: reads a .ksp in one pass: manifest and signature first,
 * signature verified, then each payload entry checked while it streams. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include "gzip_source.h"
#include "i18n.h"
#include "pack_limits.h"
#include "pack_reader.h"

#define DATA_CHUNK (64u << 10)
/* Tar overhead a payload entry may carry: its header and a pax extended
 * header for a long path, with room to spare. */
#define ENTRY_OVERHEAD (8u << 10)
/* libarchive reads ahead by at most one block of the source. */
#define READ_AHEAD (64u << 10)

static const char MANIFEST_NAME[] = "MANIFEST.json";
static const char SIGNATURE_NAME[] = "MANIFEST.json.p7s";

struct reader {
	struct archive *a;
	struct gzip_source *gz;
	const char *name;
	/* How many inflated bytes the pack may hold, as far as is known: tar
	 * headers are not signed, so this caps what a forged header (a huge
	 * pax record, a huge entry) can make libarchive read or allocate. */
	uint64_t budget;
	int over_budget;
	int unsigned_pack;  /* the entry where a signature belongs is another */
};

static la_ssize_t read_cb(struct archive *a, void *ud, const void **buf)
{
	struct reader *r = ud;
	ssize_t n;

	if (gzip_source_offset(r->gz) > r->budget) {
		r->over_budget = 1;
		archive_set_error(a, EFBIG, "over budget");
		return -1;
	}
	n = gzip_source_read(r->gz, buf);
	if (n < 0)
		archive_set_error(a, EIO, "gzip");
	return n;
}

/* The most precise reason for a libarchive failure: the gzip layer's own
 * message, the budget, or libarchive's text. */
static int archive_failure(struct reader *r, struct keel_error *err)
{
	const struct keel_error *gz = gzip_source_error(r->gz);

	if (gz->code) {
		*err = *gz;
		return err->code;
	}
	if (r->over_budget)
		return keel_error_set(err, KEEL_EPACK,
			_("%s holds more data than its manifest declares: it "
			  "was altered after it was built"), r->name);
	return keel_error_set(err, KEEL_EPACK,
		_("%s is damaged: its archive cannot be read (%s). Obtain the "
		  "pack again from your vendor."), r->name,
		archive_error_string(r->a) ? archive_error_string(r->a) : "?");
}

/* What an entry is, in words, if it is not a plain regular file. A hard
 * link is a regular file in libarchive's eyes with a link target. */
static const char *type_name(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return _("a hard link");
	if (archive_entry_symlink(e))
		return _("a symbolic link");
	switch (archive_entry_filetype(e)) {
	case AE_IFLNK: return _("a symbolic link");
	case AE_IFDIR: return _("a directory");
	case AE_IFCHR: return _("a character device");
	case AE_IFBLK: return _("a block device");
	case AE_IFIFO: return _("a FIFO");
	case AE_IFSOCK: return _("a socket");
	case AE_IFREG: return NULL;
	default: return _("an entry of unknown type");
	}
}

/* Reads the next header; every entry of a pack is a plain regular file
 * with a known size. Returns KEEL_OK, or 1 at the end of the archive. */
static int next_entry(struct reader *r, struct archive_entry **e,
		      const char *expected, struct keel_error *err)
{
	const char *type;
	int rc;

	rc = archive_read_next_header(r->a, e);
	if (rc == ARCHIVE_EOF)
		return 1;
	if (rc != ARCHIVE_OK)
		return archive_failure(r, err);
	if (!archive_entry_pathname(*e))
		return keel_error_set(err, KEEL_EPACK,
			_("%s: an entry has no readable name where %s was "
			  "expected; the pack is damaged"), r->name, expected);
	type = type_name(*e);
	if (type)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: entry %s is %s; a keel pack holds only regular "
			  "files. Do not install this pack."), r->name,
			archive_entry_pathname(*e), type);
	/* A sparse entry's data is not its content: libarchive fills holes
	 * that the archive does not hold. */
	if (archive_entry_sparse_count(*e) > 0)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: entry %s is a sparse file; a keel pack holds only "
			  "plain regular files. Do not install this pack."),
			r->name, archive_entry_pathname(*e));
	if (!archive_entry_size_is_set(*e))
		return keel_error_set(err, KEEL_EPACK,
			_("%s: entry %s has no size; the pack is damaged. Obtain "
			  "it again from your vendor."), r->name,
			archive_entry_pathname(*e));
	return KEEL_OK;
}

/* Reads exactly len bytes of the current entry into buf. */
static int read_exactly(struct reader *r, const char *what, char *buf,
			size_t len, struct keel_error *err)
{
	size_t got = 0;
	la_ssize_t n;

	while (got < len) {
		n = archive_read_data(r->a, buf + got, len - got);
		if (n < 0)
			return archive_failure(r, err);
		if (n == 0)
			return keel_error_set(err, KEEL_EPACK,
				_("%s: %s is truncated; the pack is damaged. "
				  "Obtain it again from your vendor."), r->name,
				what);
		got += (size_t)n;
	}
	return KEEL_OK;
}

/* MANIFEST.json or its signature: a named small entry read into memory,
 * its size checked against the limit before a byte of it is read. */
static int read_small(struct reader *r, const char *want, size_t max,
		      char **buf, size_t *len, struct keel_error *err)
{
	struct archive_entry *e;
	int64_t size;
	int rc;

	rc = next_entry(r, &e, want, err);
	r->unsigned_pack = rc == 1 ||
		(rc == KEEL_OK && strcmp(archive_entry_pathname(e), want) != 0);
	if (rc == 1)
		return keel_error_set(err, KEEL_EPACK,
			_("%s ends where %s was expected; the pack is truncated "
			  "or not a keel pack"), r->name, want);
	if (rc)
		return rc;
	if (strcmp(archive_entry_pathname(e), want) != 0)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: found entry %s where %s must be; a keel pack "
			  "starts with MANIFEST.json and MANIFEST.json.p7s"),
			r->name, archive_entry_pathname(e), want);
	size = archive_entry_size(e);
	if (size < 0 || (uint64_t)size > max)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: %s is %" PRId64 " bytes, more than the limit of "
			  "%zu; this is not a pack keel-pack wrote"), r->name,
			want, size, max);
	*buf = malloc((size_t)size + 1);
	if (!*buf)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = read_exactly(r, want, *buf, (size_t)size, err);
	if (rc)
		return rc;
	(*buf)[size] = '\0';
	*len = (size_t)size;
	return KEEL_OK;
}

/* A pack without MANIFEST.json.p7s in second place is unsigned: a trust
 * failure, not a format error, whatever else is wrong with it. */
static int read_signature(struct reader *r, char **sig, size_t *len,
			  struct keel_error *err)
{
	int rc = read_small(r, SIGNATURE_NAME, KEEL_SIGNATURE_MAX, sig, len, err);

	if (rc == KEEL_EPACK && r->unsigned_pack)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s is not signed: MANIFEST.json.p7s does not follow "
			  "MANIFEST.json. Do not install it; obtain a signed pack "
			  "from your vendor."), r->name);
	return rc;
}

/* Signature before parsing: no byte of the manifest is interpreted, and
 * no payload byte is read, before the vendor's signature is proven. */
static int read_manifest(struct reader *r, const struct keel_trust *trust,
			 struct pack_contents *out, struct keel_error *err)
{
	char *manifest = NULL, *sig = NULL;
	size_t mlen = 0, slen = 0;
	char origin[512];
	int rc;

	rc = read_small(r, MANIFEST_NAME, KEEL_MANIFEST_MAX, &manifest, &mlen,
			err);
	if (!rc)
		rc = read_signature(r, &sig, &slen, err);
	if (!rc)
		rc = signature_verify(trust, manifest, mlen, sig, slen, r->name,
				      &out->signer, err);
	snprintf(origin, sizeof origin, "%s: %s", r->name, MANIFEST_NAME);
	if (!rc)
		rc = manifest_parse(manifest, mlen, MANIFEST_SIGNED, origin,
				    &out->manifest, err);
	/* Kept: the installer records the exact signed bytes of each level. */
	out->manifest_bytes = manifest;
	out->manifest_len = mlen;
	out->signature = (unsigned char *)sig;
	out->signature_len = slen;
	return rc;
}

/* Why an entry is not the file the manifest lists at this position. */
static int wrong_entry(struct reader *r, const struct keel_manifest *m,
		       size_t index, const char *got, struct keel_error *err)
{
	long at = manifest_find(m, got);

	if (at < 0)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: entry %s is not listed in the signed manifest; "
			  "the pack was altered. Do not install it."), r->name, got);
	if ((size_t)at < index)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: entry %s appears twice; the pack was altered. Do "
			  "not install it."), r->name, got);
	return keel_error_set(err, KEEL_EPACK,
		_("%s: entry %s comes where the manifest lists %s; the entries "
		  "are out of order or one is missing. The pack was altered."),
		r->name, got, m->files[index].path);
}

static int check_digest(struct reader *r, const struct keel_file *f,
			EVP_MD_CTX *md, struct keel_error *err)
{
	unsigned char sha[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!EVP_DigestFinal_ex(md, sha, &n))
		return keel_error_openssl(err, KEEL_EFAIL,
					  _("cannot compute SHA-256"));
	if (n != KEEL_SHA256_LEN || memcmp(sha, f->sha256, n) != 0)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: %s does not match the SHA-256 digest in the signed "
			  "manifest; the pack is damaged or was altered. Obtain it "
			  "again from your vendor."), r->name, f->path);
	return KEEL_OK;
}

/* Streams one entry's data through SHA-256 into the sink. */
static int stream_data(struct reader *r, const struct keel_file *f,
		       const struct pack_sink *sink, unsigned char *buf,
		       EVP_MD_CTX *md, struct keel_error *err)
{
	uint64_t total = 0;
	la_ssize_t n;
	int rc;

	if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		return keel_error_openssl(err, KEEL_EFAIL,
					  _("cannot compute SHA-256"));
	while ((n = archive_read_data(r->a, buf, DATA_CHUNK)) > 0) {
		total += (uint64_t)n;
		if (total > f->size)
			break;
		if (!EVP_DigestUpdate(md, buf, (size_t)n))
			return keel_error_openssl(err, KEEL_EFAIL,
						  _("cannot compute SHA-256"));
		if (sink && sink->write) {
			rc = sink->write(sink->ctx, f, buf, (size_t)n, err);
			if (rc)
				return rc;
		}
	}
	if (n < 0)
		return archive_failure(r, err);
	if (total > f->size)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: %s holds more than the %" PRIu64 " bytes the "
			  "manifest says; the pack is damaged"), r->name, f->path,
			f->size);
	if (total < f->size)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: %s holds %" PRIu64 " bytes, fewer than the %" PRIu64
			  " the manifest says; the pack is truncated"), r->name,
			f->path, total, f->size);
	return check_digest(r, f, md, err);
}

static int read_file(struct reader *r, const struct keel_manifest *m,
		     size_t index, const struct pack_sink *sink,
		     unsigned char *buf, EVP_MD_CTX *md, struct keel_error *err)
{
	const struct keel_file *f = &m->files[index];
	struct archive_entry *e;
	int rc;

	rc = next_entry(r, &e, f->path, err);
	if (rc == 1)
		return keel_error_set(err, KEEL_EPACK,
			_("%s ends before %s, which the manifest lists: the entry "
			  "is missing and the pack incomplete"), r->name, f->path);
	if (rc)
		return rc;
	if (strcmp(archive_entry_pathname(e), f->path) != 0)
		return wrong_entry(r, m, index, archive_entry_pathname(e), err);
	/* Compared before any byte is inflated: a forged header cannot make
	 * keel inflate more than the signed size. */
	if ((uint64_t)archive_entry_size(e) != f->size)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: the size of entry %s is %" PRId64 " bytes but the "
			  "signed manifest says %" PRIu64 "; the pack was altered"),
			r->name, f->path, archive_entry_size(e), f->size);
	if (sink && sink->begin && (rc = sink->begin(sink->ctx, f, err)))
		return rc;
	rc = stream_data(r, f, sink, buf, md, err);
	if (!rc && sink && sink->end)
		rc = sink->end(sink->ctx, f, err);
	return rc;
}

/* After the last listed file: no further entry, then only the end marker
 * and padding. libarchive 3.6 records the stream position before it parses
 * each header, and at ARCHIVE_EOF archive_read_header_position() is where
 * the first zero block of the end marker begins (measured on archives of
 * GNU tar in pax, gnu and ustar format and of libarchive, with 0 to 3 zero
 * blocks; archive_filter_bytes(a, 0) is instead how far the tar reader
 * consumed: 1024 bytes further when both marker blocks are there). A
 * global pax or volume header with no entry after it also ends at EOF with
 * the position of that header, so its bytes count as hidden data; a
 * dangling 'x' header is a fatal error in libarchive itself. */
static int read_end(struct reader *r, const struct keel_manifest *m,
		    struct keel_error *err)
{
	struct archive_entry *e;
	int rc;

	rc = archive_read_next_header(r->a, &e);
	if (rc == ARCHIVE_OK)
		return wrong_entry(r, m, m->n_files, archive_entry_pathname(e) ?
				   archive_entry_pathname(e) : "?", err);
	if (rc != ARCHIVE_EOF)
		return archive_failure(r, err);
	return gzip_source_finish(r->gz,
				  (uint64_t)archive_read_header_position(r->a),
				  err);
}

static int read_payload(struct reader *r, const struct keel_manifest *m,
			const struct pack_sink *sink, struct keel_error *err)
{
	unsigned char *buf = malloc(DATA_CHUNK);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t i;
	int rc = KEEL_OK;

	if (!buf || !md)
		rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	r->budget += m->total_size + (m->n_files + 1) * ENTRY_OVERHEAD +
		     KEEL_TAIL_PADDING_MAX;
	for (i = 0; !rc && i < m->n_files; i++)
		rc = read_file(r, m, i, sink, buf, md, err);
	if (!rc)
		rc = read_end(r, m, err);
	EVP_MD_CTX_free(md);
	free(buf);
	return rc;
}

/* A reader of tar alone: no other format, no decompression filter (the
 * gzip layer is ours), and nothing that touches the file system; libarchive
 * sees only the inflated bytes that read_cb hands it. */
static int open_archive(struct reader *r, struct keel_error *err)
{
	r->a = archive_read_new();
	if (!r->a)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	if (archive_read_support_format_tar(r->a) != ARCHIVE_OK ||
	    archive_read_support_filter_none(r->a) != ARCHIVE_OK)
		return archive_failure(r, err);
	/* Opening reads the first block: tar or not, unless gzip failed. */
	if (archive_read_open(r->a, r, NULL, read_cb, NULL) == ARCHIVE_OK)
		return KEEL_OK;
	if (gzip_source_error(r->gz)->code || r->over_budget)
		return archive_failure(r, err);
	return keel_error_set(err, KEEL_EPACK,
		_("%s is not a keel service pack: what it compresses is not a "
		  "tar archive (%s)"), r->name, archive_error_string(r->a) ?
		archive_error_string(r->a) : "?");
}

/* The second read of a pack whose manifest was verified by the first:
 * the same signed bytes mean the same verdict, so they are compared, not
 * verified and parsed again (which would double the memory a big
 * manifest takes). */
static int read_known_manifest(struct reader *r,
			       const struct pack_contents *known,
			       struct keel_error *err)
{
	char *manifest = NULL, *sig = NULL;
	size_t mlen = 0, slen = 0;
	int rc;

	rc = read_small(r, MANIFEST_NAME, KEEL_MANIFEST_MAX, &manifest, &mlen,
			err);
	if (!rc)
		rc = read_signature(r, &sig, &slen, err);
	if (!rc && (mlen != known->manifest_len || slen != known->signature_len ||
		    memcmp(manifest, known->manifest_bytes, mlen) != 0 ||
		    memcmp(sig, known->signature, slen) != 0))
		rc = keel_error_set(err, KEEL_EPACK,
			_("%s changed while it was being installed; make sure "
			  "nothing writes to it and try again"), r->name);
	free(manifest);
	free(sig);
	return rc;
}

/* known NULL: a first read, verified into out. Otherwise a second read
 * of the pack known describes; out is not touched. */
static int read_pack(int fd, const char *name, const struct keel_trust *trust,
		     const struct pack_contents *known,
		     enum pack_read_scope scope, const struct pack_sink *sink,
		     struct pack_contents *out, struct keel_error *err)
{
	struct reader r = {
		.name = name,
		.budget = KEEL_MANIFEST_MAX + KEEL_SIGNATURE_MAX +
			  2 * ENTRY_OVERHEAD + READ_AHEAD,
	};
	struct stat st;
	int rc;

	if (out) {
		memset(out, 0, sizeof *out);
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
			out->packed_bytes = (uint64_t)st.st_size;
	}
	rc = gzip_source_open(fd, name, &r.gz, err);
	if (rc)
		return rc;
	rc = open_archive(&r, err);
	if (!rc)
		rc = known ? read_known_manifest(&r, known, err) :
			     read_manifest(&r, trust, out, err);
	if (!rc && scope == PACK_READ_ALL)
		rc = read_payload(&r, known ? known->manifest : out->manifest,
				  sink, err);
	archive_read_free(r.a);
	gzip_source_close(r.gz);
	if (rc && out)
		pack_contents_free(out);
	return rc;
}

int pack_read_fd(int fd, const char *name, const struct keel_trust *trust,
		 enum pack_read_scope scope, const struct pack_sink *sink,
		 struct pack_contents *out, struct keel_error *err)
{
	return read_pack(fd, name, trust, NULL, scope, sink, out, err);
}

/* The pack must be a regular file: a directory or a device is a mistake
 * on the command line, and a FIFO would block (hence O_NONBLOCK until the
 * type is known). */
static int open_pack(const char *path, int *fd, struct keel_error *err)
{
	struct stat st;
	int flags;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot open the pack %s"), path);
	if (fstat(*fd, &st) != 0) {
		keel_error_errno(err, KEEL_EFAIL, errno,
				 _("cannot read the pack %s"), path);
	} else if (S_ISDIR(st.st_mode)) {
		keel_error_set(err, KEEL_EFAIL,
			_("%s is a directory: give the path of a .ksp service "
			  "pack file"), path);
	} else if (!S_ISREG(st.st_mode)) {
		keel_error_set(err, KEEL_EFAIL,
			_("%s is not a regular file: give the path of a .ksp "
			  "service pack file"), path);
	} else {
		flags = fcntl(*fd, F_GETFL);
		if (flags >= 0 && fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK) == 0)
			return KEEL_OK;
		keel_error_errno(err, KEEL_EFAIL, errno,
				 _("cannot read the pack %s"), path);
	}
	close(*fd);
	*fd = -1;
	return err->code;
}

int pack_read_file(const char *path, const struct keel_trust *trust,
		   enum pack_read_scope scope, const struct pack_sink *sink,
		   struct pack_contents *out, struct keel_error *err)
{
	int fd, rc;

	memset(out, 0, sizeof *out);
	rc = open_pack(path, &fd, err);
	if (rc)
		return rc;
	rc = read_pack(fd, path, trust, NULL, scope, sink, out, err);
	close(fd);
	return rc;
}

int pack_reread_file(const char *path, const struct pack_contents *known,
		     const struct pack_sink *sink, struct keel_error *err)
{
	int fd, rc = open_pack(path, &fd, err);

	if (rc)
		return rc;
	rc = read_pack(fd, path, NULL, known, PACK_READ_ALL, sink, NULL, err);
	close(fd);
	return rc;
}

void pack_contents_free(struct pack_contents *c)
{
	manifest_free(c->manifest);
	c->manifest = NULL;
	free(c->manifest_bytes);
	c->manifest_bytes = NULL;
	free(c->signature);
	c->signature = NULL;
}
