/* sign.c: keel-pack's signature: a detached CMS SignedData in DER over the
 * manifest, with a fixed signing time so that builds are reproducible. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "i18n.h"
#include "signature.h"

/* A BIO reading path, or NULL with errno telling why. */
static BIO *open_pem(const char *path)
{
	FILE *f = fopen(path, "re");
	BIO *b;

	if (!f)
		return NULL;
	b = BIO_new_fp(f, BIO_CLOSE);
	if (!b) {
		fclose(f);
		errno = ENOMEM;
	}
	return b;
}

/* Called by OpenSSL only if the key is encrypted: keel-pack runs in build
 * scripts and must never stop to prompt for a passphrase. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	*(int *)u = 1;
	return -1;
}

static int load_key(const char *path, EVP_PKEY **key, struct keel_error *err)
{
	BIO *b = open_pem(path);
	int encrypted = 0;

	if (!b)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the signing key %s"), path);
	*key = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, &encrypted);
	BIO_free(b);
	if (*key) {
		ERR_clear_error();
		return KEEL_OK;
	}
	if (encrypted)
		return keel_error_openssl(err, KEEL_EUSAGE,
			_("the signing key %s is protected by a passphrase; "
			  "keel-pack needs an unencrypted key (openssl pkey -in "
			  "KEY -out PLAIN.pem writes one)"), path);
	return keel_error_openssl(err, KEEL_EUSAGE,
		_("%s does not hold a PEM private key; pass the signing key "
		  "with --key"), path);
}

static int load_cert(const char *path, X509 **cert, struct keel_error *err)
{
	BIO *b = open_pem(path);

	if (!b)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the signing certificate %s"), path);
	*cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!*cert)
		return keel_error_openssl(err, KEEL_EUSAGE,
			_("%s does not hold a PEM certificate; pass the signing "
			  "certificate with --cert"), path);
	ERR_clear_error();
	return KEEL_OK;
}

/* Every certificate of the chain file; reading ends cleanly only with
 * "no start line", anything else is a damaged file. */
static int load_chain(const char *path, STACK_OF(X509) **chain,
		      struct keel_error *err)
{
	unsigned long e;
	X509 *x;
	BIO *b = open_pem(path);

	if (!b)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the certificate chain %s"), path);
	*chain = sk_X509_new_null();
	if (!*chain) {
		BIO_free(b);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(*chain, x)) {
			X509_free(x);
			BIO_free(b);
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		}
	BIO_free(b);
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
	    ERR_GET_REASON(e) != PEM_R_NO_START_LINE ||
	    sk_X509_num(*chain) == 0)
		return keel_error_openssl(err, KEEL_EUSAGE,
			_("%s does not hold valid PEM certificates; --chain takes "
			  "the certificates of the intermediate authorities"),
			path);
	ERR_clear_error();
	return KEEL_OK;
}

/* The fixed signingTime goes in before CMS_final, which would otherwise
 * add the current time and make every build differ. */
static int add_signing_time(CMS_SignerInfo *si, long long when)
{
	ASN1_TIME *t;
	int ok;

	if (when < 0)
		return 1;
	/* UTCTime up to 2049, GeneralizedTime after, as RFC 5652 asks. */
	t = ASN1_TIME_set(NULL, (time_t)when);
	if (!t)
		return 0;
	ok = CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime,
					 ASN1_STRING_type(t), t, -1);
	ASN1_TIME_free(t);
	return ok;
}

/* The chain's certificates, minus the signer (CMS_add1_signer put it in
 * already) and duplicates, which CMS refuses. */
static int add_chain(CMS_ContentInfo *cms, X509 *cert, STACK_OF(X509) *chain)
{
	int i, j, dup;

	for (i = 0; i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);

		dup = X509_cmp(x, cert) == 0;
		for (j = 0; j < i && !dup; j++)
			dup = X509_cmp(x, sk_X509_value(chain, j)) == 0;
		if (!dup && !CMS_add1_cert(cms, x))
			return 0;
	}
	return 1;
}

static int to_der(CMS_ContentInfo *cms, unsigned char **der, size_t *len)
{
	int n = i2d_CMS_ContentInfo(cms, NULL);
	unsigned char *p;

	if (n <= 0 || !(*der = malloc((size_t)n)))
		return 0;
	p = *der;
	if (i2d_CMS_ContentInfo(cms, &p) != n) {
		free(*der);
		*der = NULL;
		return 0;
	}
	*len = (size_t)n;
	return 1;
}

/* SHA-256; no S/MIME capabilities attribute: it lists ciphers, which mean
 * nothing for a code signature and differ between OpenSSL builds. */
static int make_cms(EVP_PKEY *key, X509 *cert, STACK_OF(X509) *chain,
		    const void *data, size_t len, long long signing_time,
		    unsigned char **der, size_t *der_len)
{
	const unsigned int flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	int ok;

	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	si = cms ? CMS_add1_signer(cms, cert, key, EVP_sha256(),
				   CMS_BINARY | CMS_NOSMIMECAP) : NULL;
	ok = si && add_signing_time(si, signing_time) &&
	     (!chain || add_chain(cms, cert, chain));
	if (ok) {
		in = BIO_new_mem_buf(len ? data : "", (int)len);
		ok = in && CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED) &&
		     to_der(cms, der, der_len);
	}
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return ok;
}

int signature_sign(const char *key_pem, const char *cert_pem,
		   const char *chain_pem, const void *data, size_t len,
		   long long signing_time, unsigned char **der, size_t *der_len,
		   struct keel_error *err)
{
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	int rc;

	*der = NULL;
	*der_len = 0;
	if (len > INT_MAX)
		return keel_error_set(err, KEEL_EUSAGE,
			_("%zu bytes are too many to sign"), len);
	rc = load_key(key_pem, &key, err);
	if (rc == KEEL_OK)
		rc = load_cert(cert_pem, &cert, err);
	if (rc == KEEL_OK && chain_pem)
		rc = load_chain(chain_pem, &chain, err);
	if (rc == KEEL_OK && X509_check_private_key(cert, key) != 1)
		rc = keel_error_openssl(err, KEEL_EUSAGE,
			_("the key %s does not belong to the certificate %s; pass "
			  "the key the certificate was issued for"),
			key_pem, cert_pem);
	if (rc == KEEL_OK && !make_cms(key, cert, chain, data, len,
				       signing_time, der, der_len))
		rc = keel_error_openssl(err, KEEL_EFAIL,
			_("cannot sign with the key %s and the certificate %s"),
			key_pem, cert_pem);
	sk_X509_pop_free(chain, X509_free);
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}
