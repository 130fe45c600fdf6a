/* test_digest.c: unit tests of the SHA-256 helpers: known vectors, the hex
 * form the manifest requires, and hashing files (and refusing non-files). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "tests/tap.h"

/* FIPS 180-2 / NIST example vectors. */
#define SHA_EMPTY \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/* 1,000,000 times 'a': more than one 64 KiB read. */
#define SHA_MILLION_A \
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static char dir[] = "/tmp/keel-test-digest-XXXXXX";

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

static void test_hex(void)
{
	unsigned char sha[KEEL_SHA256_LEN], back[KEEL_SHA256_LEN];
	char hex[KEEL_SHA256_HEX];
	const char *h = hex;   /* tap.h's is_str wants pointers */
	size_t i;

	is_int(digest_from_hex(SHA_ABC, sha), 0, "parse the \"abc\" vector");
	is_int(sha[0], 0xba, "first byte");
	is_int(sha[31], 0xad, "last byte");
	digest_to_hex(sha, hex);
	is_str(h, SHA_ABC, "hex round trip");
	for (i = 0; i < sizeof sha; i++)
		sha[i] = (unsigned char)(i * 37 + 5);
	digest_to_hex(sha, hex);
	ok(digest_from_hex(hex, back) == 0 && memcmp(sha, back, sizeof sha) == 0,
	   "bytes -> hex -> bytes for every nibble position");
	is_int(strlen(hex), 64, "64 digits");
}

static void test_bad_hex(void)
{
	static const char *const bad[] = {
		"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag",
		"g07816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		"ba7816bf8f01cfea414140de5dae2223 00361a396177a9cb410ff61f20015ad",
		" ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
		"",
		"0x7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	};
	unsigned char sha[KEEL_SHA256_LEN], keep[KEEL_SHA256_LEN];
	size_t i;

	memset(sha, 0x5a, sizeof sha);
	memcpy(keep, sha, sizeof sha);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		is_int(digest_from_hex(bad[i], sha), -1, "refuse \"%s\"", bad[i]);
	ok(memcmp(sha, keep, sizeof sha) == 0, "refusals leave sha untouched");
	is_int(digest_from_hex(NULL, sha), -1, "refuse NULL");
}

static void check_file(const char *name, const char *data, size_t len,
		       const char *want)
{
	unsigned char sha[KEEL_SHA256_LEN];
	char hex[KEEL_SHA256_HEX], path[256];
	const char *h = hex;
	struct keel_error err = { 0 };
	uint64_t size = 12345;
	int rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	write_file(path, data, len);
	rc = digest_file(path, sha, &size, &err);
	is_int(rc, KEEL_OK, "digest_file %s", name);
	digest_to_hex(sha, hex);
	is_str(h, want, "digest of %s", name);
	is_int(size, len, "size of %s", name);
}

static void test_files(void)
{
	char *million = malloc(1000000);

	memset(million, 'a', 1000000);
	check_file("empty", "", 0, SHA_EMPTY);
	check_file("abc", "abc", 3, SHA_ABC);
	check_file("million", million, 1000000, SHA_MILLION_A);
	free(million);
}

static void expect_efail(const char *path, const char *fragment,
			 const char *what)
{
	unsigned char sha[KEEL_SHA256_LEN];
	struct keel_error err = { 0 };
	uint64_t size = 0;
	int rc;

	rc = digest_file(path, sha, &size, &err);
	is_int(rc, KEEL_EFAIL, "%s: KEEL_EFAIL", what);
	is_int(err.code, KEEL_EFAIL, "%s: code recorded", what);
	ok(strstr(err.msg, fragment) != NULL, "%s: message has \"%s\": %s",
	   what, fragment, err.msg);
	ok(strstr(err.msg, path) != NULL, "%s: message names the file", what);
}

static void test_refusals(void)
{
	char path[256];

	expect_efail(dir, "not a regular file", "a directory");
	snprintf(path, sizeof path, "%s/missing", dir);
	expect_efail(path, "No such file", "a missing file");
	snprintf(path, sizeof path, "%s/fifo", dir);
	if (mkfifo(path, 0600) == 0)
		expect_efail(path, "not a regular file", "a FIFO (no hang)");
	else
		ok(0, "mkfifo %s", path);
	expect_efail("/dev/null", "not a regular file", "a device");
}

static void cleanup(void)
{
	const char *names[] = { "empty", "abc", "million", "fifo" };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	diag("SHA-256 helpers, files in %s", dir);
	test_hex();
	test_bad_hex();
	test_files();
	test_refusals();
	cleanup();
	return done_testing();
}
