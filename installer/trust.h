/* trust.h: the set of certificates and revocation lists a pack's signer is
 * checked against: DIR/etc/keel/trust.d/ (or a keyring) and crl.d/. */
#ifndef KEEL_TRUST_H
#define KEEL_TRUST_H

#include <openssl/x509_vfy.h>

#include "error.h"

struct keel_trust {
	X509_STORE *store;   /* roots, CRLs, purpose "any", CRL checks on */
	int n_anchors;       /* trusted certificates loaded */
	int n_crls;          /* revocation lists loaded */
	char source[4096];   /* where the anchors came from, for messages */
	char crl_dir[4096];  /* where revocation lists are read from */
};

/* Loads trust anchors from keyring (a PEM file) if not NULL, otherwise from
 * every *.pem in ROOT/etc/keel/trust.d; CRLs (*.pem, *.crl in PEM) from
 * ROOT/etc/keel/crl.d. No anchors at all is an error (KEEL_ETRUST) that says
 * where to put one. */
int trust_load(const char *root, const char *keyring,
	       struct keel_trust **out, struct keel_error *err);

void trust_free(struct keel_trust *t);

/* Whether keel accepts a signature over this digest (an OpenSSL NID):
 * SHA-256, SHA-384, SHA-512; SHA-1 and older allow forged collisions.
 * One rule for pack signatures and revocation lists. */
int trust_digest_acceptable(int md_nid);

#endif
