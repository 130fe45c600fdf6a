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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keel_error err = { 0 };
	struct pack_contents c;
	int fd = memfd_create("fuzz.ksp", MFD_CLOEXEC);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	lseek(fd, 0, SEEK_SET);
	if (pack_read_fd(fd, "fuzz.ksp", trust, PACK_READ_ALL, NULL, &c,
			 &err) == KEEL_OK)
		pack_contents_free(&c);
	else if (err.code == KEEL_OK || err.msg[0] == '\0')
		abort();  /* every refusal must say why */
	close(fd);
	return 0;
}
