/* signature.c: checks MANIFEST.json.p7s: the CMS signature over the exact
 * manifest bytes, the signer's chain to a trust anchor, and its usage. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "pack_limits.h"
#include "signature.h"

/* One-line RFC 2253 form; the escaping of control and non-ASCII bytes
 * keeps a hostile name from writing to the terminal. */
static void name_text(const X509_NAME *name, char *buf, size_t size)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	if (b && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		n = BIO_read(b, buf, (int)size - 1);
	buf[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

static void time_text(const ASN1_TIME *t, char *buf, size_t size)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm) ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, size, "?");
}

static void serial_text(const X509 *x, char *buf, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	snprintf(buf, size, "%s", hex ? hex : "?");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void fill_signer(X509 *x, struct keel_signer *s)
{
	name_text(X509_get_subject_name(x), s->subject, sizeof s->subject);
	name_text(X509_get_issuer_name(x), s->issuer, sizeof s->issuer);
	serial_text(x, s->serial, sizeof s->serial);
	time_text(X509_get0_notAfter(x), s->not_after, sizeof s->not_after);
}

/* The DER must be exactly one SignedData with no content of its own: the
 * content it signs is MANIFEST.json, next to it in the pack. */
static int decode(const void *p7s, size_t len, const char *origin,
		  CMS_ContentInfo **out, struct keel_error *err)
{
	const unsigned char *p = p7s;
	CMS_ContentInfo *cms;

	cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	if (!cms || p != (const unsigned char *)p7s + len) {
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: MANIFEST.json.p7s is not a CMS signature in DER "
			  "form. The pack is damaged or was altered; obtain it "
			  "again from your vendor."), origin);
	}
	*out = cms;
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
	    OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: MANIFEST.json.p7s is not a CMS SignedData signature "
			  "over data. The pack is damaged or was altered; obtain "
			  "it again from your vendor."), origin);
	if (CMS_is_detached(cms) != 1)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: MANIFEST.json.p7s carries content of its own; keel "
			  "accepts only a detached signature over MANIFEST.json. "
			  "Obtain a correctly built pack from your vendor."),
			origin);
	return KEEL_OK;
}

/* Why CMS_verify refused, from OpenSSL's error queue (consumed): the
 * reason that tells the admin most is looked for anywhere in the queue. */
static int cms_failure(const char *origin, struct keel_error *err)
{
	unsigned long e, last = 0;
	int not_found = 0, no_signers = 0, mismatch = 0;
	char reason[256] = "?";

	while ((e = ERR_get_error()) != 0) {
		last = e;
		if (ERR_GET_LIB(e) != ERR_LIB_CMS)
			continue;
		not_found |= ERR_GET_REASON(e) == CMS_R_SIGNER_CERTIFICATE_NOT_FOUND;
		no_signers |= ERR_GET_REASON(e) == CMS_R_NO_SIGNERS;
		mismatch |= ERR_GET_REASON(e) == CMS_R_VERIFICATION_FAILURE ||
			    ERR_GET_REASON(e) == CMS_R_CONTENT_VERIFY_ERROR;
	}
	if (not_found)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signature does not include the signer's "
			  "certificate, so it cannot be checked. Obtain a pack "
			  "signed with the certificate included from your "
			  "vendor."), origin);
	if (no_signers)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signature has no signer. The pack is damaged "
			  "or was altered; obtain it again from your vendor."),
			origin);
	if (mismatch)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signature does not match the manifest (the "
			  "pack was altered). Obtain the pack again from your "
			  "vendor."), origin);
	if (last)
		ERR_error_string_n(last, reason, sizeof reason);
	return keel_error_set(err, KEEL_ETRUST,
		_("%s: the signature cannot be checked (%s). The pack is "
		  "damaged or uses an algorithm this keel does not support; "
		  "obtain it again from your vendor."), origin, reason);
}

/* SHA-1 and older digests allow forged collisions: a signature over one
 * of them proves too little, whatever the certificate says. */
static int check_digests(CMS_ContentInfo *cms, const char *origin,
			 struct keel_error *err)
{
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(cms);
	X509_ALGOR *alg;
	int i, nid;

	for (i = 0; i < sk_CMS_SignerInfo_num(infos); i++) {
		CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(infos, i), NULL,
					 NULL, &alg, NULL);
		nid = alg ? OBJ_obj2nid(alg->algorithm) : NID_undef;
		if (!trust_digest_acceptable(nid))
			return keel_error_set(err, KEEL_ETRUST,
				_("%s: the signature uses the digest %s; keel "
				  "accepts only SHA-256, SHA-384 and SHA-512. "
				  "Obtain a pack signed with SHA-256 from your "
				  "vendor."), origin,
				nid == NID_undef ? "?" : OBJ_nid2sn(nid));
	}
	return KEEL_OK;
}

/* The cryptographic check only; the chain is checked by check_chain so
 * that a refusal can name the certificate and the exact reason. */
static int check_signature(CMS_ContentInfo *cms, const struct keel_trust *t,
			   const void *manifest, size_t len,
			   const char *origin, struct keel_error *err)
{
	/* BIO_new_mem_buf refuses NULL even for an empty buffer. */
	BIO *content = BIO_new_mem_buf(len ? manifest : "", (int)len);
	int ok;

	if (!content)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	ERR_clear_error();
	ok = CMS_verify(cms, NULL, t->store, content, NULL,
			CMS_BINARY | CMS_DETACHED | CMS_NO_SIGNER_CERT_VERIFY);
	BIO_free(content);
	if (ok != 1)
		return cms_failure(origin, err);
	ERR_clear_error();
	return KEEL_OK;
}

static int is_untrusted_error(int e)
{
	return e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       e == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       e == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE ||
	       e == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       e == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       e == X509_V_ERR_CERT_UNTRUSTED ||
	       e == X509_V_ERR_CERT_REJECTED;
}

static int is_bad_crl_error(int e)
{
	return e == X509_V_ERR_CRL_SIGNATURE_FAILURE ||
	       e == X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE ||
	       e == X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD ||
	       e == X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD ||
	       e == X509_V_ERR_CRL_NOT_YET_VALID;
}

/* The revocation list behind a CRL error: OpenSSL forgets it once
 * X509_verify_cert returns, so the callback below notes it. */
struct crl_seen {
	char issuer[512];
	char next_update[64];
};

/* Notes the failing CRL, then applies the trust store's own policy. */
static int note_crl(int ok, X509_STORE_CTX *ctx)
{
	X509_STORE_CTX_verify_cb policy =
		X509_STORE_get_verify_cb(X509_STORE_CTX_get0_store(ctx));
	struct crl_seen *seen = X509_STORE_CTX_get_app_data(ctx);
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(ctx);

	if (!ok && crl && seen) {
		name_text(X509_CRL_get_issuer(crl), seen->issuer,
			  sizeof seen->issuer);
		time_text(X509_CRL_get0_nextUpdate(crl), seen->next_update,
			  sizeof seen->next_update);
	}
	return policy ? policy(ok, ctx) : ok;
}

/* Refusals about a revocation list: its issuer names it for the admin. */
static int crl_failure(const struct crl_seen *seen, int e, const char *origin,
		       const char *crl_dir, struct keel_error *err)
{
	if (e == X509_V_ERR_CRL_HAS_EXPIRED)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the certificate revocation list of %s has expired "
			  "(its next update was due %s); install a current one "
			  "from your vendor in %s."),
			origin, seen->issuer, seen->next_update, crl_dir);
	return keel_error_set(err, KEEL_ETRUST,
		_("%s: the certificate revocation list of %s is not valid (%s); "
		  "replace it in %s with the one your vendor publishes."),
		origin, seen->issuer, X509_verify_cert_error_string(e), crl_dir);
}

/* Refusals about the validity period of a certificate in the chain. */
static int time_failure(X509 *x, int depth, int e, const char *origin,
			struct keel_error *err)
{
	char name[512], date[64];

	name_text(X509_get_subject_name(x), name, sizeof name);
	if (e == X509_V_ERR_CERT_HAS_EXPIRED) {
		time_text(X509_get0_notAfter(x), date, sizeof date);
		if (depth == 0)
			return keel_error_set(err, KEEL_ETRUST,
				_("%s: the signer's certificate %s expired on %s. "
				  "Obtain a pack signed with a current certificate "
				  "from your vendor."), origin, name, date);
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the certificate authority %s in the signer's chain "
			  "expired on %s. Obtain a pack signed with a current "
			  "certificate from your vendor."), origin, name, date);
	}
	time_text(X509_get0_notBefore(x), date, sizeof date);
	if (depth == 0)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s is not yet valid (valid "
			  "from %s). Check this machine's clock, or obtain a pack "
			  "signed with a current certificate from your vendor."),
			origin, name, date);
	return keel_error_set(err, KEEL_ETRUST,
		_("%s: the certificate authority %s in the signer's chain is "
		  "not yet valid (valid from %s). Check this machine's clock, "
		  "or obtain a pack signed with a current certificate from "
		  "your vendor."),
		origin, name, date);
}

/* Maps the X509_STORE_CTX error to a sentence naming the certificate. */
static int chain_failure(X509_STORE_CTX *ctx, X509 *signer,
			 const struct keel_trust *t, const struct crl_seen *seen,
			 const char *origin, struct keel_error *err)
{
	int e = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	char who[512], name[512], issuer[512];

	if (!x)
		x = signer;
	name_text(X509_get_subject_name(signer), who, sizeof who);
	name_text(X509_get_subject_name(x), name, sizeof name);
	name_text(X509_get_issuer_name(x), issuer, sizeof issuer);
	if (e == X509_V_ERR_CERT_HAS_EXPIRED ||
	    e == X509_V_ERR_CERT_NOT_YET_VALID)
		return time_failure(x, depth, e, origin, err);
	if (e == X509_V_ERR_CERT_REVOKED && depth == 0)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s was revoked by its "
			  "issuer %s. Do not install this pack; ask your vendor "
			  "for a newly signed one."), origin, name, issuer);
	if (e == X509_V_ERR_CERT_REVOKED)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the certificate authority %s in the signer's chain "
			  "was revoked by its issuer %s. Do not install this "
			  "pack; ask your vendor for a newly signed one."),
			origin, name, issuer);
	if (e == X509_V_ERR_CRL_HAS_EXPIRED || is_bad_crl_error(e))
		return crl_failure(seen, e, origin, t->crl_dir, err);
	/* The issuer of the last certificate found is where trust ran out. */
	if (is_untrusted_error(e))
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s is not issued by a "
			  "trusted authority (trust store: %s); its chain ends at "
			  "%s. If you trust this vendor, install its root "
			  "certificate in the trust store."),
			origin, who, t->source, issuer);
	if (e == X509_V_ERR_CERT_SIGNATURE_FAILURE)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the certificate %s in the signer's chain does not "
			  "carry a valid signature of its issuer %s. The pack is "
			  "damaged or was altered; obtain it again from your "
			  "vendor."), origin, name, issuer);
	return keel_error_set(err, KEEL_ETRUST,
		_("%s: the certificate chain of the signer %s is not valid at "
		  "%s: %s. Obtain a correctly signed pack from your vendor."),
		origin, who, name, X509_verify_cert_error_string(e));
}

/* Chain to a trust anchor, validity now, CRLs (policy in trust.c); the
 * CMS's own certificates serve as untrusted intermediates. */
static int check_chain(X509 *signer, STACK_OF(X509) *untrusted,
		       const struct keel_trust *t, const char *origin,
		       struct keel_error *err)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	struct crl_seen seen = { "?", "?" };
	int rc = KEEL_OK;

	if (!ctx || !X509_STORE_CTX_init(ctx, t->store, signer, untrusted)) {
		X509_STORE_CTX_free(ctx);
		return keel_error_openssl(err, KEEL_EFAIL,
			_("cannot set up certificate verification"));
	}
	X509_STORE_CTX_set_app_data(ctx, &seen);
	X509_STORE_CTX_set_verify_cb(ctx, note_crl);
	if (X509_verify_cert(ctx) != 1)
		rc = chain_failure(ctx, signer, t, &seen, origin, err);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

/* A trusted chain proves who signed, not that they may sign code: the
 * certificate itself must say so. Without the extension OpenSSL treats a
 * certificate as good for every usage, so its presence is required. */
static int check_usage(X509 *signer, const char *origin,
		       struct keel_error *err)
{
	uint32_t flags = X509_get_extension_flags(signer);
	char name[512];

	name_text(X509_get_subject_name(signer), name, sizeof name);
	/* A CA's key signs certificates; one that also signs packs would let
	 * a pack vouch for new signers of its own making. */
	if (X509_check_ca(signer) != 0)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s is a certificate "
			  "authority (basicConstraints CA:TRUE or the keyCertSign "
			  "key usage); keel accepts packs signed only by an "
			  "end-entity code-signing certificate. Obtain a pack "
			  "signed with one from your vendor."), origin, name);
	if (!(flags & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(signer) & XKU_CODE_SIGN))
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s is not authorized for "
			  "code signing (no codeSigning extended key usage). "
			  "Obtain a pack signed with a code-signing certificate "
			  "from your vendor."), origin, name);
	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE))
		return keel_error_set(err, KEEL_ETRUST,
			_("%s: the signer's certificate %s does not allow "
			  "digital signatures (key usage). Obtain a pack signed "
			  "with a code-signing certificate from your vendor."),
			origin, name);
	return KEEL_OK;
}

static int check_signers(CMS_ContentInfo *cms, const struct keel_trust *t,
			 const char *origin, struct keel_signer *signer,
			 struct keel_error *err)
{
	STACK_OF(X509) *signers = CMS_get0_signers(cms);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	int i, rc = KEEL_OK;

	if (!signers || sk_X509_num(signers) < 1)
		rc = keel_error_set(err, KEEL_ETRUST,
			_("%s: the signature has no signer. The pack is damaged "
			  "or was altered; obtain it again from your vendor."),
			origin);
	for (i = 0; rc == KEEL_OK && i < sk_X509_num(signers); i++) {
		X509 *x = sk_X509_value(signers, i);

		rc = check_chain(x, certs, t, origin, err);
		if (rc == KEEL_OK)
			rc = check_usage(x, origin, err);
	}
	if (rc == KEEL_OK && signer)
		fill_signer(sk_X509_value(signers, 0), signer);
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int signature_verify(const struct keel_trust *trust,
		     const void *manifest, size_t manifest_len,
		     const void *p7s, size_t p7s_len, const char *origin,
		     struct keel_signer *signer, struct keel_error *err)
{
	CMS_ContentInfo *cms = NULL;
	int rc;

	if (!origin)
		origin = "MANIFEST.json.p7s";
	if (p7s_len == 0 || p7s_len > KEEL_SIGNATURE_MAX)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: MANIFEST.json.p7s is %zu bytes; a signature holds "
			  "1 to %u bytes. The pack is damaged or was altered; "
			  "obtain it again from your vendor."),
			origin, p7s_len, KEEL_SIGNATURE_MAX);
	if (manifest_len > KEEL_MANIFEST_MAX)
		return keel_error_set(err, KEEL_EPACK,
			_("%s: MANIFEST.json is %zu bytes; a manifest may hold at "
			  "most %u bytes."), origin, manifest_len,
			KEEL_MANIFEST_MAX);
	rc = decode(p7s, p7s_len, origin, &cms, err);
	if (rc == KEEL_OK)
		rc = check_digests(cms, origin, err);
	if (rc == KEEL_OK)
		rc = check_signature(cms, trust, manifest, manifest_len, origin,
				     err);
	if (rc == KEEL_OK)
		rc = check_signers(cms, trust, origin, signer, err);
	CMS_ContentInfo_free(cms);
	return rc;
}
