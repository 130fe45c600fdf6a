/* trust.c: loads the trust anchors (trust.d or a keyring) and revocation
 * lists (crl.d) of a target root into an OpenSSL X509_STORE. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "trust.h"
#include "trust_files.h"

/*
 * Revocation policy. CRL checking is switched on for the whole chain as
 * soon as crl.d holds at least one CRL; with none there is nothing to check
 * against. A vendor need not publish a CRL for every CA, so the one error
 * tolerated is X509_V_ERR_UNABLE_TO_GET_CRL: no CRL at all for that issuer.
 * Everything else still fails: a revoked certificate, a CRL whose
 * signature does not verify, a CRL that has expired (its issuer promised a
 * newer one we do not have, so we cannot know what was revoked since).
 */
static int verify_cb(int ok, X509_STORE_CTX *ctx)
{
	if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL)
		return 1;
	return ok;
}

int trust_digest_acceptable(int md_nid)
{
	return md_nid == NID_sha256 || md_nid == NID_sha384 ||
	       md_nid == NID_sha512;
}

/* A CRL signed over a digest keel refuses for pack signatures would let
 * whoever can forge a collision withdraw a revocation. EdDSA signs the
 * data itself, with no separate digest to weaken. */
static int crl_signature_ok(const X509_CRL *crl, const char **alg)
{
	int sig = X509_CRL_get_signature_nid(crl), md, pk;

	*alg = sig == NID_undef ? "?" : OBJ_nid2ln(sig);
	if (!OBJ_find_sigid_algs(sig, &md, &pk))
		return 0;
	if (md == NID_undef)
		return pk == NID_ED25519 || pk == NID_ED448;
	return trust_digest_acceptable(md);
}

/* The next PEM object added to the store: 1 if one was, 0 at the end of
 * the file or on a garbled object (told apart by the caller), -1 if the
 * store refused it, -2 for a CRL over a weak digest (named in *alg). */
static int add_next(BIO *bio, X509_STORE *store, enum trust_kind kind,
		    const char **alg)
{
	int ok;

	if (kind == TRUST_CERTS) {
		X509 *x = PEM_read_bio_X509(bio, NULL, NULL, NULL);

		if (!x)
			return 0;
		ok = X509_STORE_add_cert(store, x);
		X509_free(x);
	} else {
		X509_CRL *crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);

		if (!crl)
			return 0;
		ok = crl_signature_ok(crl, alg) ? X509_STORE_add_crl(store, crl)
						: -2;
		X509_CRL_free(crl);
		if (ok == -2)
			return -2;
	}
	return ok ? 1 : -1;
}

/* Reading stops with "no start line" at a clean end of file; any other
 * queued error means a damaged PEM block or DER inside it. */
static int clean_end(void)
{
	unsigned long e = ERR_peek_last_error();

	return ERR_GET_LIB(e) == ERR_LIB_PEM &&
	       ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
}

static int garbled(const char *path, enum trust_kind kind,
		   struct keel_error *err)
{
	if (kind == TRUST_CERTS)
		return keel_error_openssl(err, KEEL_ETRUST,
			_("%s does not hold valid PEM certificates; replace it with "
			  "an intact copy of your vendor's certificate, or remove "
			  "it"), path);
	return keel_error_openssl(err, KEEL_ETRUST,
		_("%s does not hold valid PEM revocation lists (a DER file can "
		  "be converted with `openssl crl -inform DER -outform PEM`); "
		  "replace it with an intact copy, or remove it"), path);
}

/* Loads every certificate or CRL of one PEM file; a file holding none is
 * refused too, so a misplaced file does not go unnoticed. */
static int load_file(X509_STORE *store, const struct target *t,
		     const char *rel, const char *path, enum trust_kind kind,
		     int *count, struct keel_error *err)
{
	const char *alg = "?";
	BIO *bio = NULL;
	int n = 0, r, rc;

	rc = trust_read_bio(t, rel, path, &bio, err);
	if (rc)
		return rc;
	ERR_clear_error();
	while ((r = add_next(bio, store, kind, &alg)) == 1)
		n++;
	BIO_free(bio);
	if (r == -2) {
		ERR_clear_error();
		return keel_error_set(err, KEEL_ETRUST,
			_("the revocation list %s is signed with %s; keel accepts "
			  "revocation lists, as signatures, only over SHA-256, "
			  "SHA-384 or SHA-512: install the one your vendor signs "
			  "with SHA-256, or remove this file"), path, alg);
	}
	if (r < 0)
		return keel_error_openssl(err, KEEL_EFAIL,
			_("cannot add %s to the trust store"), path);
	if (!clean_end() || n == 0)
		return garbled(path, kind, err);
	ERR_clear_error();
	*count += n;
	return KEEL_OK;
}

/* ROOT/etc/keel/SUB: rel inside the root, and shown for messages. */
struct trust_dir {
	char rel[64];
	char shown[4096];
};

static int load_dir(X509_STORE *store, const struct target *t,
		    const struct trust_dir *dir, enum trust_kind kind,
		    int *count, struct keel_error *err)
{
	char **names;
	char rel[4096], shown[8192];
	size_t n, i;
	int rc;

	rc = trust_list_dir(t, dir->rel, dir->shown, kind, &names, &n, err);
	for (i = 0; rc == KEEL_OK && i < n; i++) {
		if ((size_t)snprintf(rel, sizeof rel, "%s/%s", dir->rel,
				     names[i]) >= sizeof rel)
			rc = keel_error_set(err, KEEL_ETRUST,
				_("the path of %s in %s is too long"), names[i],
				dir->shown);
		snprintf(shown, sizeof shown, "%s/%s", dir->shown, names[i]);
		if (rc == KEEL_OK)
			rc = load_file(store, t, rel, shown, kind, count, err);
	}
	trust_free_names(names, n);
	return rc;
}

static int keel_dir(const struct target *t, const char *sub,
		    struct trust_dir *dir, struct keel_error *err)
{
	snprintf(dir->rel, sizeof dir->rel, "etc/keel/%s", sub);
	if (strlen(t->root) + sizeof dir->rel >= sizeof dir->shown)
		return keel_error_set(err, KEEL_EUSAGE,
			_("the root directory %s is too long a path"), t->root);
	target_path(t, dir->rel, dir->shown, sizeof dir->shown);
	return KEEL_OK;
}

static int load_anchors(struct keel_trust *t, const struct target *root,
			const char *keyring, struct keel_error *err)
{
	struct trust_dir dir;
	int rc;

	if (keyring) {
		snprintf(t->source, sizeof t->source, "%s", keyring);
		return load_file(t->store, NULL, keyring, keyring, TRUST_CERTS,
				 &t->n_anchors, err);
	}
	rc = keel_dir(root, "trust.d", &dir, err);
	snprintf(t->source, sizeof t->source, "%s", dir.shown);
	if (rc == KEEL_OK)
		rc = load_dir(t->store, root, &dir, TRUST_CERTS, &t->n_anchors,
			      err);
	if (rc == KEEL_OK && t->n_anchors == 0)
		rc = keel_error_set(err, KEEL_ETRUST,
			_("no trusted signing certificates in %s: install your "
			  "vendor's root certificate there, or pass --keyring "
			  "FILE"), t->source);
	return rc;
}

static int load_crls(struct keel_trust *t, const struct target *root,
		     struct keel_error *err)
{
	struct trust_dir dir;
	int rc;

	rc = keel_dir(root, "crl.d", &dir, err);
	if (rc == KEEL_OK) {
		snprintf(t->crl_dir, sizeof t->crl_dir, "%s", dir.shown);
		rc = load_dir(t->store, root, &dir, TRUST_CRLS, &t->n_crls, err);
	}
	return rc;
}

/* Purpose "any": OpenSSL 3.0 has no code-signing purpose, and CMS would
 * otherwise demand the S/MIME signing purpose; the codeSigning extended
 * key usage is checked by signature_verify instead. Security level 2
 * (112 bits) refuses RSA keys under 2048 bits and SHA-1 certificate
 * signatures anywhere in the chain. */
static int configure(struct keel_trust *t, struct keel_error *err)
{
	X509_VERIFY_PARAM *param = X509_STORE_get0_param(t->store);

	if (!X509_STORE_set_purpose(t->store, X509_PURPOSE_ANY))
		return keel_error_openssl(err, KEEL_EFAIL,
			_("cannot set up the trust store"));
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	X509_STORE_set_verify_cb(t->store, verify_cb);
	if (t->n_crls > 0 &&
	    !X509_STORE_set_flags(t->store, X509_V_FLAG_CRL_CHECK |
				  X509_V_FLAG_CRL_CHECK_ALL))
		return keel_error_openssl(err, KEEL_EFAIL,
			_("cannot set up the trust store"));
	return KEEL_OK;
}

int trust_load(const char *root, const char *keyring,
	       struct keel_trust **out, struct keel_error *err)
{
	struct keel_trust *t;
	struct target tgt;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t || !(t->store = X509_STORE_new())) {
		free(t);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	rc = target_open(root ? root : "/", &tgt, err);
	if (rc == KEEL_OK) {
		rc = load_anchors(t, &tgt, keyring, err);
		if (rc == KEEL_OK)
			rc = load_crls(t, &tgt, err);
		target_close(&tgt);
	}
	if (rc == KEEL_OK)
		rc = configure(t, err);
	if (rc) {
		trust_free(t);
		return rc;
	}
	*out = t;
	return KEEL_OK;
}

void trust_free(struct keel_trust *t)
{
	if (!t)
		return;
	X509_STORE_free(t->store);
	free(t);
}
