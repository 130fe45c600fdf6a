/* trust.c: loads the trust anchors (trust.d or a keyring) and revocation
 * lists (crl.d) of a target root into an OpenSSL X509_STORE. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "i18n.h"
#include "trust.h"

/* A certificate or CRL file larger than this is not one we should parse;
 * real CRLs of big CAs stay well below it. */
#define TRUST_FILE_MAX (16u << 20)

/* What a trust file holds, and how it is added to the store. */
enum trust_kind { TRUST_CERTS, TRUST_CRLS };

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

/* Reads a whole regular file (bounded) into a memory BIO. */
static int open_file_bio(const char *path, BIO **out, struct keel_error *err)
{
	struct stat st;
	char *buf;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return keel_error_errno(err, KEEL_ETRUST, errno,
			_("cannot read the trust file %s"), path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)TRUST_FILE_MAX) {
		close(fd);
		return keel_error_set(err, KEEL_ETRUST,
			_("%s is not a regular file of at most %u bytes; a trust "
			  "file must hold PEM certificates or revocation lists. "
			  "Remove it or replace it with your vendor's file."),
			path, TRUST_FILE_MAX);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	got = read(fd, buf, (size_t)st.st_size);
	if (got != st.st_size) {
		int e = got < 0 ? errno : EIO;

		close(fd);
		free(buf);
		return keel_error_errno(err, KEEL_ETRUST, e,
			_("cannot read the trust file %s"), path);
	}
	close(fd);
	*out = BIO_new(BIO_s_mem());
	if (!*out || BIO_write(*out, buf, (int)got) != (int)got) {
		BIO_free(*out);
		free(buf);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	free(buf);
	return KEEL_OK;
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
static int load_file(X509_STORE *store, const char *path, enum trust_kind kind,
		     int *count, struct keel_error *err)
{
	const char *alg = "?";
	BIO *bio = NULL;
	int n = 0, r, rc;

	rc = open_file_bio(path, &bio, err);
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

static int wanted(const char *name, enum trust_kind kind)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	if (n > 4 && strcmp(name + n - 4, ".pem") == 0)
		return 1;
	return kind == TRUST_CRLS && n > 4 && strcmp(name + n - 4, ".crl") == 0;
}

/* A DER revocation list (*.der), one whose suffix differs only in case
 * (*.CRL, *.Pem) or one under its OpenSSL hash name (c_rehash's HASH.rN):
 * the admin meant keel to read it. A hidden name (".old.crl") is one
 * put out of the way on purpose. */
static int looks_like_crl(const char *name)
{
	static const char *const suffixes[] = { ".der", ".crl", ".pem" };
	size_t n = strlen(name), d = n, i;

	if (name[0] == '.')
		return 0;
	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++)
		if (n > 4 && strcasecmp(name + n - 4, suffixes[i]) == 0)
			return 1;
	while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
		d--;
	return d < n && d >= 2 && name[d - 1] == 'r' && name[d - 2] == '.';
}

/* An entry of trust.d or crl.d that keel does not read. Unread
 * certificates only make verification stricter, so they are a warning;
 * an unread revocation list would let a revoked signer through, so one
 * that looks like a revocation list is refused, the rest warned about. */
static int not_read(const char *dir, const char *name, enum trust_kind kind,
		    struct keel_error *err)
{
	if (kind == TRUST_CRLS && looks_like_crl(name))
		return keel_error_set(err, KEEL_ETRUST,
			_("%s/%s looks like a revocation list, but keel reads "
			  "only PEM files named *.pem or *.crl, so its "
			  "revocations would be ignored: name it *.crl (if it "
			  "is DER, convert it with `openssl crl -inform DER "
			  "-outform PEM`), or remove it"), dir, name);
	if (kind == TRUST_CRLS)
		fprintf(stderr, _("keel: warning: %s/%s is not read: keel reads "
				  "revocation lists only from PEM files named "
				  "*.pem or *.crl; rename it or move it out of "
				  "%s\n"), dir, name, dir);
	else
		fprintf(stderr, _("keel: warning: %s/%s is not read: keel reads "
				  "trusted certificates only from PEM files "
				  "named *.pem; rename it or move it out of "
				  "%s\n"), dir, name, dir);
	return KEEL_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* The wanted file names of dir, sorted bytewise so the load order does
 * not depend on the locale. A missing directory gives no names. */
static int list_dir(const char *dir, enum trust_kind kind, char ***out,
		    size_t *count, struct keel_error *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **grown;
	size_t n = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!d)
		return errno == ENOENT ? KEEL_OK
			: keel_error_errno(err, KEEL_ETRUST, errno,
				_("cannot read the directory %s"), dir);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (!wanted(de->d_name, kind)) {
			rc = not_read(dir, de->d_name, kind, err);
			if (rc) {
				closedir(d);
				free_names(names, n);
				return rc;
			}
			continue;
		}
		grown = realloc(names, (n + 1) * sizeof *names);
		if (!grown || !(grown[n] = strdup(de->d_name))) {
			closedir(d);
			free_names(grown ? grown : names, n);
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	*out = names;
	*count = n;
	return KEEL_OK;
}

static int load_dir(X509_STORE *store, const char *dir, enum trust_kind kind,
		    int *count, struct keel_error *err)
{
	char **names;
	char path[4096];
	size_t n, i;
	int rc;

	rc = list_dir(dir, kind, &names, &n, err);
	for (i = 0; rc == KEEL_OK && i < n; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		    sizeof path)
			rc = keel_error_set(err, KEEL_ETRUST,
				_("the path of %s in %s is too long"), names[i], dir);
		else
			rc = load_file(store, path, kind, count, err);
	}
	free_names(names, n);
	return rc;
}

/* ROOT/etc/keel/SUB, without a doubled slash for ROOT "/". */
static int keel_dir(const char *root, const char *sub, char *buf, size_t size,
		    struct keel_error *err)
{
	size_t len = strlen(root);

	while (len > 0 && root[len - 1] == '/')
		len--;
	if ((size_t)snprintf(buf, size, "%.*s/etc/keel/%s", (int)len, root,
			     sub) >= size)
		return keel_error_set(err, KEEL_EUSAGE,
			_("the root directory %s is too long a path"), root);
	return KEEL_OK;
}

static int load_anchors(struct keel_trust *t, const char *root,
			const char *keyring, struct keel_error *err)
{
	int rc;

	if (keyring) {
		snprintf(t->source, sizeof t->source, "%s", keyring);
		return load_file(t->store, keyring, TRUST_CERTS, &t->n_anchors,
				 err);
	}
	rc = keel_dir(root, "trust.d", t->source, sizeof t->source, err);
	if (rc == KEEL_OK)
		rc = load_dir(t->store, t->source, TRUST_CERTS, &t->n_anchors,
			      err);
	if (rc == KEEL_OK && t->n_anchors == 0)
		rc = keel_error_set(err, KEEL_ETRUST,
			_("no trusted signing certificates in %s: install your "
			  "vendor's root certificate there, or pass --keyring "
			  "FILE"), t->source);
	return rc;
}

static int load_crls(struct keel_trust *t, const char *root,
		     struct keel_error *err)
{
	char dir[4096];
	int rc;

	rc = keel_dir(root, "crl.d", dir, sizeof dir, err);
	if (rc == KEEL_OK) {
		snprintf(t->crl_dir, sizeof t->crl_dir, "%s", dir);
		rc = load_dir(t->store, dir, TRUST_CRLS, &t->n_crls, err);
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
	int rc;

	*out = NULL;
	t = calloc(1, sizeof *t);
	if (!t || !(t->store = X509_STORE_new())) {
		free(t);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	if (!root)
		root = "/";
	rc = load_anchors(t, root, keyring, err);
	if (rc == KEEL_OK)
		rc = load_crls(t, root, err);
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
