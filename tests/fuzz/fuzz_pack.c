/* fuzz_pack.c: libFuzzer target for the pack reader: arbitrary bytes as a
 * .ksp, read fully against a real trust store (KEEL_FUZZ_ROOT). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pack_reader.h"
#include "trust.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct keel_trust *trust;

/* The seed corpus holds packs signed by the test PKI, so mutations of
 * their payload get past the signature into the tar and digest checks. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct keel_error err = { 0 };
	const char *root = getenv("KEEL_FUZZ_ROOT");

	(void)argc;
	(void)argv;
	if (!root) {
		fprintf(stderr, "fuzz_pack: set KEEL_FUZZ_ROOT to a directory "
				"with etc/keel/trust.d/*.pem\n");
		abort();
	}
	if (trust_load(root, NULL, &trust, &err) != KEEL_OK) {
		fprintf(stderr, "fuzz_pack: %s\n", err.msg);
		abort();
	}
	return 0;
}

/* A sink that discards the bytes but checks what the reader promises:
 * entries in order, never more bytes than declared, end only after all. */
struct tally {
	const struct keel_file *open;
	uint64_t bytes;
	size_t ended;
};

static int t_begin(void *ctx, const struct keel_file *f,
		   struct keel_error *err)
{
	struct tally *t = ctx;

	(void)err;
	if (t->open)
		abort();  /* begin without end of the previous entry */
	t->open = f;
	t->bytes = 0;
	return 0;
}

static int t_write(void *ctx, const struct keel_file *f, const void *buf,
		   size_t len, struct keel_error *err)
{
	struct tally *t = ctx;

	(void)buf;
	(void)err;
	if (t->open != f || len == 0 || t->bytes + len > f->size)
		abort();
	t->bytes += len;
	return 0;
}

static int t_end(void *ctx, const struct keel_file *f, struct keel_error *err)
{
	struct tally *t = ctx;

	(void)err;
	if (t->open != f || t->bytes != f->size)
		abort();
	t->open = NULL;
	t->ended++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keel_error err = { 0 };
	struct pack_contents c;
	struct tally t = { 0 };
	struct pack_sink sink = { t_begin, t_write, t_end, &t };
	int fd = memfd_create("fuzz.ksp", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	lseek(fd, 0, SEEK_SET);
	if (pack_read_fd(fd, "fuzz.ksp", trust, PACK_READ_ALL, &sink, &c,
			 &err) == KEEL_OK) {
		/* Good means every listed file went through, whole. */
		if (!c.manifest || t.ended != c.manifest->n_files || t.open ||
		    c.packed_bytes != size)
			abort();
		pack_contents_free(&c);
	} else if (err.code == KEEL_OK || err.msg[0] == '\0' || c.manifest) {
		abort();  /* every refusal says why, and hands back nothing */
	}
	close(fd);
	return 0;
}
