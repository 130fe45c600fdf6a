/* test_error.c: unit tests of struct keel_error: set, prefix, errno and
 * OpenSSL reasons, clear, printing, and safe truncation of long messages. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "error.h"
#include "tests/tap.h"

static void test_set(void)
{
	struct keel_error err = { 0 };
	int rc;

	rc = keel_error_set(&err, KEEL_EPACK, "%s: bad %d", "x.ksp", 7);
	is_int(rc, KEEL_EPACK, "keel_error_set returns its code");
	is_int(err.code, KEEL_EPACK, "keel_error_set records the code");
	is_str(err.msg, "x.ksp: bad 7", "keel_error_set formats the message");
	keel_error_set(&err, KEEL_ETRUST, "second");
	is_str(err.msg, "second", "a second error replaces the first");
	is_int(err.code, KEEL_ETRUST, "and its code");
}

static void test_prefix(void)
{
	struct keel_error err = { 0 };

	keel_error_set(&err, KEEL_EFAIL, "cannot read");
	keel_error_prefix(&err, "%s", "pack.ksp");
	is_str(err.msg, "pack.ksp: cannot read", "prefix goes in front");
	is_int(err.code, KEEL_EFAIL, "prefix keeps the code");
	keel_error_prefix(&err, "apply %d", 2);
	is_str(err.msg, "apply 2: pack.ksp: cannot read", "prefixes nest");
}

static void test_errno(void)
{
	struct keel_error err = { 0 };
	char buf[256];
	const char *want = buf;   /* tap.h's is_str wants pointers */
	int rc;

	rc = keel_error_errno(&err, KEEL_EFAIL, ENOENT, "cannot open %s", "f");
	snprintf(buf, sizeof buf, "cannot open f: %s", strerror(ENOENT));
	is_int(rc, KEEL_EFAIL, "keel_error_errno returns its code");
	is_str(err.msg, want, "keel_error_errno appends strerror");
}

static void test_openssl(void)
{
	struct keel_error err = { 0 };
	const unsigned char junk[] = { 0x30, 0x03, 0x02, 0x01 };
	const unsigned char *p = junk;
	X509 *x;
	int rc;

	ERR_clear_error();
	/* A real failing OpenSSL call fills the error queue. */
	x = d2i_X509(NULL, &p, sizeof junk);
	ok(x == NULL && ERR_peek_error() != 0, "d2i_X509 on junk fails");
	X509_free(x);
	rc = keel_error_openssl(&err, KEEL_ETRUST, "cannot parse %s", "c.pem");
	is_int(rc, KEEL_ETRUST, "keel_error_openssl returns its code");
	ok(strncmp(err.msg, "cannot parse c.pem (error:", 26) == 0,
	   "keel_error_openssl appends OpenSSL's reason: %s", err.msg);
	ok(err.msg[strlen(err.msg) - 1] == ')', "the reason is in brackets");
	is_int(ERR_peek_error(), 0, "the OpenSSL error queue is cleared");
	keel_error_openssl(&err, KEEL_EFAIL, "nothing queued");
	is_str(err.msg, "nothing queued", "an empty queue appends nothing");
}

static void test_clear(void)
{
	struct keel_error err = { 0 };

	keel_error_set(&err, KEEL_EUSAGE, "usage");
	keel_error_clear(&err);
	is_int(err.code, KEEL_OK, "clear resets the code");
	is_str(err.msg, "", "clear empties the message");
}

static void test_truncation(void)
{
	struct keel_error err = { 0 };
	char *big = malloc(3000);

	memset(big, 'a', 2999);
	big[2999] = '\0';
	keel_error_set(&err, KEEL_EPACK, "%s", big);
	is_int(strlen(err.msg), KEEL_ERROR_MAX - 1, "a long message is cut");
	is_int(err.code, KEEL_EPACK, "and still has its code");
	keel_error_prefix(&err, "%s", "front");
	is_int(strlen(err.msg), KEEL_ERROR_MAX - 1, "prefix on a full message");
	ok(strncmp(err.msg, "front: aaa", 10) == 0, "the prefix is kept");
	keel_error_prefix(&err, "%s", big);
	is_int(strlen(err.msg), KEEL_ERROR_MAX - 1, "an oversized prefix");
	keel_error_errno(&err, KEEL_EFAIL, EIO, "%s", big);
	is_int(strlen(err.msg), KEEL_ERROR_MAX - 1, "errno on a full message");
	big[KEEL_ERROR_MAX - 3] = '\0';
	keel_error_errno(&err, KEEL_EFAIL, EIO, "%s", big);
	is_int(strlen(err.msg), KEEL_ERROR_MAX - 1,
	       "errno text cut where the buffer ends");
	ok(err.msg[KEEL_ERROR_MAX - 3] == ':', "after the message");
	free(big);
}

/* keel_error_print writes to stderr: redirect it into a temporary file. */
static void test_print(void)
{
	struct keel_error err = { 0 };
	char path[] = "/tmp/keel-test-error-XXXXXX";
	char buf[128] = "";
	const char *got = buf;
	int fd, saved;
	FILE *f;

	fd = mkstemp(path);
	saved = dup(2);
	if (fd < 0 || saved < 0) {
		ok(0, "cannot set up the stderr capture");
		return;
	}
	keel_error_set(&err, KEEL_EPACK, "bad pack");
	fflush(stderr);
	dup2(fd, 2);
	keel_error_print(&err, "keel");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	if (f) {
		buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
		fclose(f);
	}
	unlink(path);
	is_str(got, "keel: bad pack\n", "print writes \"PROG: message\\n\"");
}

int main(void)
{
	diag("struct keel_error: set, prefix, errno, OpenSSL, truncation");
	test_set();
	test_prefix();
	test_errno();
	test_openssl();
	test_clear();
	test_truncation();
	test_print();
	return done_testing();
}
