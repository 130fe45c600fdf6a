/* trust_files.c: reads trust.d and crl.d with every path resolved inside
 * the target root, so an image's links cannot make keel read the host's. */
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

#include "fileops.h"
#include "i18n.h"
#include "trust_files.h"

/* A keyring on this machine, named on the command line: followed as the
 * administrator wrote it, but only a regular file is read. */
static int read_host_file(const char *path, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int rc = fd < 0 ? -1 : fileops_read_fd(fd, TRUST_FILE_MAX, buf, len);

	fileops_close_keep_errno(fd);
	return rc;
}

static int read_failed(const char *shown, struct keel_error *err)
{
	if (errno == EINVAL || errno == EFBIG)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s is not a regular file of at most %u bytes; a trust "
			  "file must hold PEM certificates or revocation lists. "
			  "Remove it or replace it with your vendor's file."),
			shown, TRUST_FILE_MAX);
	if (errno == EAGAIN)
		return keel_error_set(err, KEEL_ETRUST,
			_("%s was replaced while keel was reading it; make sure "
			  "nothing changes the trust store and try again"),
			shown);
	return keel_error_errno(err, KEEL_ETRUST, errno,
		_("cannot read the trust file %s"), shown);
}

int trust_read_bio(const struct target *t, const char *rel,
		   const char *shown, BIO **out, struct keel_error *err)
{
	char *buf;
	size_t len;
	int rc = t ? target_read_followed(t, rel, TRUST_FILE_MAX, &buf, &len)
		   : read_host_file(rel, &buf, &len);

	*out = NULL;
	if (rc)
		return read_failed(shown, err);
	*out = BIO_new(BIO_s_mem());
	if (!*out || BIO_write(*out, buf, (int)len) != (int)len) {
		BIO_free(*out);
		*out = NULL;
		free(buf);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	free(buf);
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

void trust_free_names(char **names, size_t n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/* The directory rel inside the root as a stream; NULL with errno, and
 * ENOENT only when nothing at all stands at rel. */
static DIR *open_in_root(const struct target *t, const char *rel,
			 const char *shown, struct keel_error *err, int *rc)
{
	struct stat st;
	int fd = target_open_dir(t, rel);
	DIR *d;

	*rc = KEEL_OK;
	if (fd < 0 && errno == ENOENT && target_lstat(t, rel, &st) == 0) {
		*rc = keel_error_set(err, KEEL_ETRUST,
			_("%s is a symbolic link that leads nowhere inside %s; "
			  "keel resolves it inside the target, as the target "
			  "itself would at boot. Make it a directory, or "
			  "remove it"), shown, t->root);
		return NULL;
	}
	if (fd < 0) {
		if (errno != ENOENT)
			*rc = keel_error_errno(err, KEEL_ETRUST, errno,
				_("cannot read the directory %s"), shown);
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		*rc = keel_error_errno(err, KEEL_ETRUST, errno,
			_("cannot read the directory %s"), shown);
		close(fd);
	}
	return d;
}

static int add_name(char ***names, size_t *n, const char *name,
		    struct keel_error *err)
{
	char **grown = realloc(*names, (*n + 1) * sizeof **names);

	if (!grown)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	*names = grown;
	if (!(grown[*n] = strdup(name)))
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	(*n)++;
	return KEEL_OK;
}

int trust_list_dir(const struct target *t, const char *rel,
		   const char *shown, enum trust_kind kind, char ***out,
		   size_t *count, struct keel_error *err)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc;
	DIR *d = open_in_root(t, rel, shown, err, &rc);

	*out = NULL;
	*count = 0;
	if (!d)
		return rc;
	while (rc == KEEL_OK && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		rc = wanted(de->d_name, kind) ? add_name(&names, &n, de->d_name, err)
					      : not_read(shown, de->d_name, kind, err);
	}
	closedir(d);
	if (rc) {
		trust_free_names(names, n);
		return rc;
	}
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	*out = names;
	*count = n;
	return KEEL_OK;
}
