/* digest.c: SHA-256 as the manifest spells it (64 lowercase hex digits),
 * and hashing a regular file in constant memory with OpenSSL's EVP API. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "digest.h"
#include "i18n.h"

#define CHUNK (64 * 1024)

static const char hexdigits[] = "0123456789abcdef";

void digest_to_hex(const unsigned char sha[KEEL_SHA256_LEN],
		   char hex[KEEL_SHA256_HEX])
{
	size_t i;

	for (i = 0; i < KEEL_SHA256_LEN; i++) {
		hex[2 * i] = hexdigits[sha[i] >> 4];
		hex[2 * i + 1] = hexdigits[sha[i] & 0xf];
	}
	hex[2 * KEEL_SHA256_LEN] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int digest_from_hex(const char *hex, unsigned char sha[KEEL_SHA256_LEN])
{
	unsigned char tmp[KEEL_SHA256_LEN];
	size_t i;
	int hi, lo;

	if (!hex || strlen(hex) != 2 * KEEL_SHA256_LEN)
		return -1;
	for (i = 0; i < KEEL_SHA256_LEN; i++) {
		hi = hex_value(hex[2 * i]);
		lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		tmp[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(sha, tmp, sizeof tmp);
	return 0;
}

/* O_NONBLOCK keeps open() from hanging on a FIFO before fstat() can
 * refuse it; for a regular file the flag has no effect. */
static int open_regular(const char *path, int *fd, struct keel_error *err)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (*fd < 0)
		return keel_error_errno(err, KEEL_EFAIL, errno,
					_("cannot open %s"), path);
	if (fstat(*fd, &st) != 0) {
		keel_error_errno(err, KEEL_EFAIL, errno,
				 _("cannot examine %s"), path);
	} else if (!S_ISREG(st.st_mode)) {
		keel_error_set(err, KEEL_EFAIL,
			_("cannot hash %s: it is not a regular file; name a "
			  "regular file instead"), path);
	} else {
		return KEEL_OK;
	}
	close(*fd);
	*fd = -1;
	return KEEL_EFAIL;
}

static int hash_fd(int fd, const char *path, EVP_MD_CTX *ctx,
		   uint64_t *size, struct keel_error *err)
{
	unsigned char buf[CHUNK];
	ssize_t got;

	*size = 0;
	for (;;) {
		got = read(fd, buf, sizeof buf);
		if (got == 0)
			return KEEL_OK;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return keel_error_errno(err, KEEL_EFAIL, errno,
						_("cannot read %s"), path);
		}
		if (!EVP_DigestUpdate(ctx, buf, (size_t)got))
			return keel_error_openssl(err, KEEL_EFAIL,
				_("cannot compute the SHA-256 digest of %s"),
				path);
		*size += (uint64_t)got;
	}
}

int digest_fd(int fd, const char *path, unsigned char sha[KEEL_SHA256_LEN],
	      uint64_t *size, struct keel_error *err)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = 0;
	uint64_t n = 0;
	int rc;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		rc = keel_error_openssl(err, KEEL_EFAIL,
			_("cannot compute the SHA-256 digest of %s"), path);
	} else {
		rc = hash_fd(fd, path, ctx, &n, err);
		if (rc == KEEL_OK && !EVP_DigestFinal_ex(ctx, sha, &len))
			rc = keel_error_openssl(err, KEEL_EFAIL,
				_("cannot compute the SHA-256 digest of %s"),
				path);
	}
	EVP_MD_CTX_free(ctx);
	if (rc == KEEL_OK && size)
		*size = n;
	return rc;
}

int digest_file(const char *path, unsigned char sha[KEEL_SHA256_LEN],
		uint64_t *size, struct keel_error *err)
{
	int fd, rc;

	rc = open_regular(path, &fd, err);
	if (rc)
		return rc;
	rc = digest_fd(fd, path, sha, size, err);
	close(fd);
	return rc;
}
