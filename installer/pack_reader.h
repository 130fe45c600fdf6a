/* pack_reader.h: streaming reader of a .ksp: signature first, then each
 * payload entry hashed while it flows into a caller's sink. */
#ifndef KEEL_PACK_READER_H
#define KEEL_PACK_READER_H

#include <stddef.h>

#include "error.h"
#include "manifest.h"
#include "signature.h"
#include "trust.h"

/* Where payload bytes go. Any callback may be NULL. begin/write/end return
 * 0 or a keel exit code with err filled. end is called only after the
 * entry's size and SHA-256 matched the manifest. */
struct pack_sink {
	int (*begin)(void *ctx, const struct keel_file *f, struct keel_error *err);
	int (*write)(void *ctx, const struct keel_file *f, const void *buf,
		     size_t len, struct keel_error *err);
	int (*end)(void *ctx, const struct keel_file *f, struct keel_error *err);
	void *ctx;
};

enum pack_read_scope {
	PACK_READ_MANIFEST,   /* stop after the verified manifest */
	PACK_READ_ALL,        /* every payload entry, digests, the end */
};

struct pack_contents {
	struct keel_manifest *manifest;  /* owned; free with pack_contents_free */
	struct keel_signer signer;
	uint64_t packed_bytes;           /* size of the .ksp file read */
	char *manifest_bytes;            /* the signed MANIFEST.json, owned */
	size_t manifest_len;
	unsigned char *signature;        /* MANIFEST.json.p7s (DER), owned */
	size_t signature_len;
};

/* Reads the pack at fd (name for messages). Order enforced: MANIFEST.json,
 * MANIFEST.json.p7s, the signature is verified against trust, the manifest
 * parsed, then (PACK_READ_ALL) each payload entry in manifest order. Any
 * deviation is KEEL_EPACK or KEEL_ETRUST; nothing is reported as good
 * until the whole stream (and nothing after it) has been checked. */
int pack_read_fd(int fd, const char *name, const struct keel_trust *trust,
		 enum pack_read_scope scope, const struct pack_sink *sink,
		 struct pack_contents *out, struct keel_error *err);

/* Opens path and calls pack_read_fd. */
int pack_read_file(const char *path, const struct keel_trust *trust,
		   enum pack_read_scope scope, const struct pack_sink *sink,
		   struct pack_contents *out, struct keel_error *err);

/* Reads the pack at path a second time, for its payload: it must start
 * with exactly the manifest and signature bytes of known (a first read's
 * result, so nothing is verified or parsed again), and every payload
 * entry is checked against known's manifest as pack_read_fd does. */
int pack_reread_file(const char *path, const struct pack_contents *known,
		     const struct pack_sink *sink, struct keel_error *err);

void pack_contents_free(struct pack_contents *c);

#endif
