/* signature.h: the detached CMS signature over MANIFEST.json: verifying it
 * against a trust store, and making it (keel-pack). */
#ifndef KEEL_SIGNATURE_H
#define KEEL_SIGNATURE_H

#include <stddef.h>
#include <time.h>

#include "error.h"
#include "trust.h"

struct keel_signer {
	char subject[512];   /* one-line RFC 2253 form */
	char issuer[512];
	char serial[128];    /* hex */
	char not_after[64];  /* "YYYY-MM-DD HH:MM:SS UTC" */
};

/* Verifies a DER CMS SignedData (detached) over exactly the manifest bytes:
 * signature, chain to a trust anchor, validity now, CRLs, and the
 * codeSigning extended key usage on the signer. Fills *signer (if not NULL)
 * on success. Every refusal is KEEL_ETRUST with a reason that names the
 * certificate; origin names the pack in messages. */
int signature_verify(const struct keel_trust *trust,
		     const void *manifest, size_t manifest_len,
		     const void *p7s, size_t p7s_len, const char *origin,
		     struct keel_signer *signer, struct keel_error *err);

/* Signs data with key_pem/cert_pem (PEM files), adding chain_pem's
 * certificates (may be NULL). signing_time, if >= 0, is put in the signed
 * attributes, so a fixed SOURCE_DATE_EPOCH gives the same bytes (with a
 * deterministic key type such as RSA). *der is malloc'ed. */
int signature_sign(const char *key_pem, const char *cert_pem,
		   const char *chain_pem, const void *data, size_t len,
		   long long signing_time, unsigned char **der, size_t *der_len,
		   struct keel_error *err);

#endif
