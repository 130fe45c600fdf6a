/* pack_build.c: keel-pack's work: complete a manifest template with sizes,
 * digests and build time, sign it, and write the pack in manifest order. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "pack_limits.h"
#include "manifest.h"
#include "pack_build.h"
#include "pack_writer.h"
#include "signature.h"

/* Reads the whole template; its size is bounded like a signed manifest. */
static int read_template(const char *path, char **buf, size_t *len,
			 struct keel_error *err)
{
	struct stat st;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return keel_error_errno(err, KEEL_EUSAGE, errno,
			_("cannot open the manifest template %s"), path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > (off_t)KEEL_MANIFEST_MAX) {
		close(fd);
		return keel_error_set(err, KEEL_EPACK,
			_("%s: not a regular file of at most %u bytes; a manifest "
			  "template must be a small JSON file"), path,
			KEEL_MANIFEST_MAX);
	}
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		close(fd);
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	}
	got = read(fd, *buf, (size_t)st.st_size);
	close(fd);
	if (got != st.st_size) {
		free(*buf);
		*buf = NULL;
		return keel_error_errno(err, KEEL_EFAIL, errno,
			_("cannot read the manifest template %s"), path);
	}
	(*buf)[got] = '\0';
	*len = (size_t)got;
	return KEEL_OK;
}

/* FROM/(source or path): where a file's content is taken from. */
static char *content_path(const char *from, const struct keel_file *f)
{
	const char *rel = f->source ? f->source : f->path;
	size_t n = strlen(from) + strlen(rel) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", from, rel);
	return p;
}

/* Fills size and sha256 of every file, enforcing the format's limits so
 * keel-pack never writes a pack that keel would refuse. */
static int measure_files(struct keel_manifest *m, const char *from,
			 struct keel_error *err)
{
	size_t i;
	int rc;

	m->total_size = 0;
	for (i = 0; i < m->n_files; i++) {
		struct keel_file *f = &m->files[i];
		char *src = content_path(from, f);

		if (!src)
			return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
		rc = digest_file(src, f->sha256, &f->size, err);
		free(src);
		if (rc)
			return rc;
		if (f->size > KEEL_FILE_SIZE_MAX)
			return keel_error_set(err, KEEL_EPACK,
				_("%s is %" PRIu64 " bytes; a pack file may hold "
				  "at most %llu bytes"), f->path, f->size,
				(unsigned long long)KEEL_FILE_SIZE_MAX);
		m->total_size += f->size;
	}
	return KEEL_OK;
}

static int set_build_time(struct keel_manifest *m, long long epoch,
			  struct keel_error *err)
{
	time_t t = (time_t)epoch;
	struct tm tm;
	char buf[32];

	if (!gmtime_r(&t, &tm) ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return keel_error_set(err, KEEL_EUSAGE,
			_("build time %lld cannot be expressed as a date"), epoch);
	free(m->build_time);
	m->build_time = strdup(buf);
	return m->build_time ? KEEL_OK
			     : keel_error_set(err, KEEL_EFAIL, _("out of memory"));
}

/* Serializes the completed manifest and parses the result as keel will,
 * so every rule of the signed form (total size, ...) is applied once. */
static int finish_manifest(const struct keel_manifest *m, char **json,
			   size_t *len, struct keel_error *err)
{
	struct keel_manifest *check = NULL;
	int rc;

	rc = manifest_serialize(m, json, len, err);
	if (rc)
		return rc;
	rc = manifest_parse(*json, *len, MANIFEST_SIGNED, "MANIFEST.json",
			    &check, err);
	manifest_free(check);
	if (rc) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

static int write_pack(const struct pack_build_options *o,
		      const struct keel_manifest *m, const char *from,
		      const char *json, size_t json_len,
		      const unsigned char *sig, size_t sig_len,
		      struct keel_error *err)
{
	struct pack_writer *pw;
	size_t i;
	int rc;

	rc = pack_writer_open(o->out, o->epoch, &pw, err);
	if (rc)
		return rc;
	rc = pack_writer_add_buffer(pw, "MANIFEST.json", json, json_len,
				    0644, err);
	if (!rc)
		rc = pack_writer_add_buffer(pw, "MANIFEST.json.p7s", sig,
					    sig_len, 0644, err);
	for (i = 0; !rc && i < m->n_files; i++) {
		char *src = content_path(from, &m->files[i]);

		if (!src) {
			rc = keel_error_set(err, KEEL_EFAIL, _("out of memory"));
			break;
		}
		rc = pack_writer_add_file(pw, m->files[i].path, src,
					  m->files[i].size, m->files[i].mode, err);
		free(src);
	}
	if (rc) {
		pack_writer_abort(pw);
		return rc;
	}
	return pack_writer_close(pw, err);
}

/* The template's directory, when --from is not given. */
static char *default_from(const char *manifest)
{
	char *copy = strdup(manifest);
	char *dir;

	if (!copy)
		return NULL;
	dir = strdup(dirname(copy));
	free(copy);
	return dir;
}

int pack_build(const struct pack_build_options *o, struct keel_error *err)
{
	struct keel_manifest *m = NULL;
	char *tmpl = NULL, *json = NULL, *from = NULL;
	unsigned char *sig = NULL;
	size_t tmpl_len = 0, json_len = 0, sig_len = 0;
	int rc;

	from = o->from ? strdup(o->from) : default_from(o->manifest);
	if (!from)
		return keel_error_set(err, KEEL_EFAIL, _("out of memory"));
	rc = read_template(o->manifest, &tmpl, &tmpl_len, err);
	if (!rc)
		rc = manifest_parse(tmpl, tmpl_len, MANIFEST_TEMPLATE, o->manifest,
				    &m, err);
	if (!rc)
		rc = measure_files(m, from, err);
	if (!rc)
		rc = set_build_time(m, o->epoch, err);
	if (!rc)
		rc = finish_manifest(m, &json, &json_len, err);
	if (!rc)
		rc = signature_sign(o->key, o->cert, o->chain, json, json_len,
				    o->epoch, &sig, &sig_len, err);
	if (!rc && sig_len > KEEL_SIGNATURE_MAX)
		rc = keel_error_set(err, KEEL_EUSAGE,
			_("the signature is %zu bytes, over the format's limit of "
			  "%u: pass fewer certificates with --chain"), sig_len,
			KEEL_SIGNATURE_MAX);
	if (!rc)
		rc = write_pack(o, m, from, json, json_len, sig, sig_len, err);
	free(sig);
	free(json);
	free(tmpl);
	free(from);
	manifest_free(m);
	return rc;
}
