/* floor_tar.c: the floor's tar walker: ustar and pax headers (GNU long
 * names too), each entry's data hashed and handed to the output. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_floor.h"

/* A tar numeric field: octal text, or base-256 when the top bit is set. */
static uint64_t tar_number(const unsigned char *p, size_t n, const char *what)
{
	uint64_t v = 0;
	size_t i = 0;

	if (n > 0 && (p[0] & 0x80)) {
		if (p[0] & 0x40)
			floor_die("a tar header has a negative %s.", what);
		v = p[0] & 0x3f;
		for (i = 1; i < n; i++) {
			if (v > (UINT64_MAX >> 8))
				floor_die("a tar header's %s is too large.", what);
			v = (v << 8) | p[i];
		}
		return v;
	}
	while (i < n && (p[i] == ' ' || p[i] == '\0'))
		i++;
	for (; i < n && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			floor_die("a tar header's %s is too large.", what);
		v = (v << 3) | (uint64_t)(p[i] - '0');
	}
	if (i < n && p[i] != ' ' && p[i] != '\0')
		floor_die("a tar header's %s field is not an octal number.", what);
	return v;
}

static int header_checksum_ok(const unsigned char *h)
{
	uint64_t want = tar_number(h + 148, 8, "checksum");
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		sum += (i >= 148 && i < 156) ? (uint64_t)' ' : h[i];
	return sum == want;
}

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

/* Copies a NUL-or-length-terminated header field. */
static size_t field(char *dst, const unsigned char *src, size_t n)
{
	size_t len = 0;

	while (len < n && src[len] != '\0') {
		dst[len] = (char)src[len];
		len++;
	}
	dst[len] = '\0';
	return len;
}

/* The pax records we act on: path and size; others are ignored. A GNU
 * long name entry holds just the path. */
static void parse_pax(struct floor *f)
{
	size_t at = 0;

	f->pax[f->pax_len] = '\0';
	if (f->pax_is_longname) {
		size_t len = strlen(f->pax);

		if (len >= sizeof f->pax_path)
			floor_die("a GNU long name is too long.");
		memcpy(f->pax_path, f->pax, len + 1);
		f->pax_has_path = 1;
		return;
	}
	while (at < f->pax_len) {
		char *end, *key, *eq;
		unsigned long len = strtoul(f->pax + at, &end, 10);

		if (end == f->pax + at || *end != ' ' || len == 0 ||
		    len > f->pax_len - at || f->pax[at + len - 1] != '\n')
			floor_die("a pax extended header is malformed.");
		key = end + 1;
		eq = memchr(key, '=', (size_t)(f->pax + at + len - 1 - key));
		if (eq != NULL) {
			size_t vlen = (size_t)(f->pax + at + len - 1 - (eq + 1));

			if ((size_t)(eq - key) == 4 &&
			    memcmp(key, "path", 4) == 0) {
				if (vlen >= sizeof f->pax_path)
					floor_die("a pax path is too long.");
				memcpy(f->pax_path, eq + 1, vlen);
				f->pax_path[vlen] = '\0';
				f->pax_has_path = 1;
			} else if ((size_t)(eq - key) == 4 &&
				   memcmp(key, "size", 4) == 0) {
				f->pax_size = strtoull(eq + 1, NULL, 10);
				f->pax_has_size = 1;
			}
		}
		at += len;
	}
}

/* A full 512-byte header block is in f->hdr. */
static void on_header(struct floor *f)
{
	char name[101], prefix[156], path[MAX_PATH_LEN];
	unsigned char type = f->hdr[156];
	uint64_t size;
	unsigned mode;

	if (all_zero(f->hdr, BLOCK)) {
		if (++f->zero_blocks == 2)
			f->st = ST_END;
		return;
	}
	if (f->zero_blocks)
		floor_die("a lone zero block is followed by more entries.");
	if (!header_checksum_ok(f->hdr))
		floor_die("a tar header's checksum is wrong (entry %llu): this is "
		    "not a tar archive or it is damaged.",
		    (unsigned long long)f->hashed_entries + 1);
	size = tar_number(f->hdr + 124, 12, "size");
	mode = (unsigned)tar_number(f->hdr + 100, 8, "mode");
	field(name, f->hdr, 100);
	if (memcmp(f->hdr + 257, "ustar", 5) == 0 &&
	    field(prefix, f->hdr + 345, 155) > 0)
		snprintf(path, sizeof path, "%s/%s", prefix, name);
	else
		snprintf(path, sizeof path, "%s", name);
	if (f->pax_has_path)
		snprintf(path, sizeof path, "%s", f->pax_path);
	if (f->pax_has_size)
		size = f->pax_size;
	f->pax_has_path = f->pax_has_size = 0;

	switch (type) {
	case '0':
	case '\0':
	case '7':
		floor_start_file(f, path, size, mode);
		f->st = size > 0 ? ST_DATA : ST_PAD;
		if (size == 0)
			floor_finish_file(f);
		break;
	case 'x':
	case 'L':
		f->pax_is_longname = type == 'L';
		if (size > MAX_PAX) {
			/* Too big to be a path or a size: skip it. */
			f->left = size;
			f->pad = (BLOCK - size % BLOCK) % BLOCK;
			f->st = ST_SKIP;
		} else {
			f->pax_len = 0;
			f->left = size;
			f->pad = (BLOCK - size % BLOCK) % BLOCK;
			f->st = size > 0 ? ST_PAX : ST_PAD;
		}
		break;
	default:
		/* 'g' global headers, directories, links...: not written. A
		 * link or device has no data, whatever its size field says. */
		if (type == '1' || type == '2' || type == '3' || type == '4' ||
		    type == '6')
			size = 0;
		f->left = size;
		f->pad = (BLOCK - size % BLOCK) % BLOCK;
		f->st = size > 0 ? ST_SKIP : ST_PAD;
		break;
	}
	if (f->st == ST_PAD && f->pad == 0)
		f->st = ST_HEADER;
}

/* Feeds N bytes of the inflated tar stream through the state machine. */
void floor_feed(struct floor *f, const unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t take;

		switch (f->st) {
		case ST_HEADER:
			take = BLOCK - f->hdr_len;
			if (take > n)
				take = n;
			memcpy(f->hdr + f->hdr_len, p, take);
			f->hdr_len += take;
			if (f->hdr_len == BLOCK) {
				f->hdr_len = 0;
				on_header(f);
			}
			break;
		case ST_DATA:
		case ST_PAX:
		case ST_SKIP:
			take = f->left < n ? (size_t)f->left : n;
			if (f->st == ST_DATA) {
				if (EVP_DigestUpdate(f->md, p, take) != 1)
					floor_die("SHA-256 failed on %s.", f->path);
				if (f->fd >= 0)
					floor_write_all(f, p, take);
				f->bytes += take;
			} else if (f->st == ST_PAX) {
				memcpy(f->pax + f->pax_len, p, take);
				f->pax_len += take;
			}
			f->left -= take;
			if (f->left == 0) {
				if (f->st == ST_DATA)
					floor_finish_file(f);
				else if (f->st == ST_PAX)
					parse_pax(f);
				f->st = f->pad > 0 ? ST_PAD : ST_HEADER;
			}
			break;
		case ST_PAD:
			take = f->pad < n ? (size_t)f->pad : n;
			f->pad -= take;
			if (f->pad == 0)
				f->st = ST_HEADER;
			break;
		case ST_END:
		default:
			/* Zero padding after the end marker; not checked. */
			return;
		}
		p += take;
		n -= take;
	}
}

