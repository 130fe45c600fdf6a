/* apply_floor.h: the state shared by the floor program's parts: the tar
 * stream being walked and the files and directories being written. */
#ifndef KEEL_APPLY_FLOOR_H
#define KEEL_APPLY_FLOOR_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define IN_BUF (256 * 1024)
#define OUT_BUF (256 * 1024)
#define BLOCK 512
#define MAX_PATH_LEN 4096
/* A pax header record is only interpreted when its data is this small;
 * bigger ones are skipped (the path and size records are short). */
#define MAX_PAX 65536
#define MAX_DIRS 65536

enum state { ST_HEADER, ST_DATA, ST_PAD, ST_PAX, ST_SKIP, ST_END };

struct floor {
	const char *outdir;
	/* The tar stream. */
	enum state st;
	unsigned char hdr[BLOCK];
	size_t hdr_len;
	uint64_t left;		/* bytes of the entry's data still to come */
	uint64_t pad;		/* padding bytes after it */
	int zero_blocks;
	/* The pax extended header that applies to the next entry. */
	char pax[MAX_PAX + 1];
	size_t pax_len;
	int pax_is_longname;	/* a GNU 'L' entry: the data is the path */
	char pax_path[MAX_PATH_LEN];
	int pax_has_path;
	uint64_t pax_size;
	int pax_has_size;
	/* The entry being written. */
	char path[MAX_PATH_LEN];
	char full[MAX_PATH_LEN * 2];	/* OUTDIR/path */
	int fd;			/* -1: hashed but not written */
	EVP_MD_CTX *md;
	/* --deferred-sync: the files written, fsynced at the end. */
	int deferred;
	char **pending;
	size_t npending, pending_cap;
	/* Directories that got a new entry, fsynced at the end. */
	char *dirs[MAX_DIRS];
	size_t ndirs;
	char last_parent[MAX_PATH_LEN * 2];
	/* Figures. */
	uint64_t files, bytes, hashed_entries;
};


void floor_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* floor_out.c: the entry being written, and the syncs. */
void floor_start_file(struct floor *f, const char *path, uint64_t size,
		      unsigned mode);
void floor_finish_file(struct floor *f);
void floor_write_all(struct floor *f, const unsigned char *p, size_t n);
void floor_sync_files(struct floor *f);
void floor_sync_dirs(struct floor *f);

/* floor_tar.c: feeds inflated bytes through the tar state machine. */
void floor_feed(struct floor *f, const unsigned char *p, size_t n);

#endif
