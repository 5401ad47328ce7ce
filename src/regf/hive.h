/* The only door to hivex: open with base-block checks, typed get/set, the new image in memory. */
#ifndef HIVE_H
#define HIVE_H

#include <stddef.h>
#include <stdint.h>

#include "regval.h"

struct hive;

/* What the 4 KiB base block of a regf file says about the file. */
struct hive_header {
	uint32_t seq1, seq2;		/* primary and secondary sequence numbers */
	uint32_t major, minor;
	uint32_t bins_size;		/* bytes of hive bins after the base block */
	uint64_t file_size;
	int checksum_ok;
	int dirty;			/* seq1 != seq2 */
};

enum {
	HIVE_WRITE = 1,			/* apply: load into memory for writing */
	HIVE_DISCARD_LOGS = 2,		/* accept a dirty hive, losing its logs */
	HIVE_REPLAY_LOGS = 4,		/* replay a dirty hive's logs in memory */
	HIVE_WAIT = 8,			/* wait for another writer's lock */
	HIVE_LOCK = 16,			/* take the writer's lock, do not copy it yet */
	HIVE_READ_DIRTY = 32,		/* read only: a dirty hive's logs replayed
					 * in memory, or without logs the hive as
					 * it is */
	HIVE_BACKGROUND = 64		/* with HIVE_WRITE: hivex's copy is made
					 * in a thread; hive_ready waits for it */
};

/* Reads and checks the base block; -1 if the file is not a usable hive. */
int hive_read_header(const char *path, struct hive_header *);

/*
 * Opens a hive after checking its base block.  A dirty hive is refused
 * unless HIVE_DISCARD_LOGS is given; a bad checksum is always refused.
 */
struct hive *hive_open(const char *path, int flags);
/*
 * The same for hive i of an image, wherever its bytes live (HV_SYSTEM,
 * ...).  HIVE_WRITE and HIVE_LOCK open the file for writing and lock it
 * against a second tlshive; a file that cannot be written is only locked
 * under HIVE_LOCK.  NULL with errno ENOENT when the image lacks the file.
 */
struct image;
struct hive *hive_open_in(struct image *, int i, int flags);
void hive_close(struct hive *);
/*
 * Turns a hive opened with HIVE_LOCK into one that can be written, keeping
 * the lock: apply reads first and copies a hive into memory only when the
 * plan changes it.
 */
int hive_make_writable(struct hive *);
/*
 * The same, with hivex's copy made in a thread: several hives are copied
 * at once.  Whatever uses hivex next waits for the copy, and so does
 * hive_ready, which says whether it failed (-1, with the message
 * hive_make_writable would give).
 */
void hive_start_writable(struct hive *);
/*
 * Waits for hivex's copy of a hive opened with HIVE_BACKGROUND or given
 * to hive_start_writable: 0, or -1 with the message opening would have
 * given.  0 at once for any other hive.
 */
int hive_ready(struct hive *);
const char *hive_path(const struct hive *);
/* The file the hive came from, for the commit. */
struct sfile *hive_file(const struct hive *);
const struct hive_header *hive_header(const struct hive *);
/* Names of the transaction logs lying beside the hive ("SYSTEM.LOG1"...). */
char *hive_log_files(const struct hive *);
/* What replaying the logs did ("3 log entries from SYSTEM.LOG1"), or NULL. */
const char *hive_replayed(const struct hive *);
/*
 * Bytes and whole bins read so far for reads before the first edit,
 * which read only the bins on their paths (0 when hivex answered them).
 */
void hive_read_stats(const struct hive *, uint64_t *bytes, uint64_t *bins);
/*
 * Under TLSHIVE_TRACE=1, the kB of the process's memory on huge pages
 * once hivex had copied the hive for writing; -1 when not traced or
 * not copied.
 */
long hive_huge_kb(const struct hive *);
/*
 * The first damage those reads met ("FILE: damaged hive: ..."), or NULL.
 * They meet damage only on the paths they read, and a caller may take a
 * read that failed for an absent value: it asks here before it trusts
 * what it concluded.
 */
const char *hive_damage(const struct hive *);

/* Key paths are backslash-separated and relative to the hive's root. */
int hive_key_exists(struct hive *, const char *key);	/* 1, 0, -1 */
/* 1 found (out filled, caller frees), 0 absent (key or value), -1 error. */
int hive_get(struct hive *, const char *key, const char *name,
    struct regval *out);
/* How the hive spells a value's name (names match case-blind), or NULL. */
char *hive_value_name(struct hive *, const char *key, const char *name);
/* Creates missing keys on the way; other values of the key are kept. */
int hive_set(struct hive *, const char *key, const char *name,
    const struct regval *);
/* The same for several values of one key, in one rewrite of its list. */
int hive_set_values(struct hive *, const char *key, size_t n,
    const char *const names[], const struct regval *const vals[]);
/* Creates a key and the keys above it where missing. */
int hive_mkkey(struct hive *, const char *key);
/* Deletes a key and everything below it; 0 also when it did not exist. */
int hive_delete_key(struct hive *, const char *key);
/* Deletes one value; 0 also when it did not exist. */
int hive_delete_value(struct hive *, const char *key, const char *name);
/*
 * Visits key and everything below it, parents first: fn(key path, NULL,
 * NULL) for each key, then fn(key path, value name, value) for its values.
 * A non-zero return from fn stops the walk and is returned.
 */
typedef int (*hive_walk_fn)(void *ctx, const char *key, const char *name,
    const struct regval *val);
int hive_walk(struct hive *, const char *key, hive_walk_fn, void *ctx);
/*
 * The subkeys of a key with one DWORD value of each (have[i] 0 when that
 * subkey lacks it): one pass over the key, where a hive_get per subkey
 * would search the parent's list again every time.  -1 on error.
 */
int hive_subkeys_dword(struct hive *, const char *key, const char *value,
    char ***names, uint32_t **vals, unsigned char **have, size_t *n);

/*
 * hivex's hive as a complete regf file, handed to sink a chunk at a time
 * in file order (the chunks need not end on a page), for the commit to
 * compare with the file.  -1 if hivex or the sink fails.
 */
typedef int (*hive_sink)(void *ctx, const unsigned char *buf, size_t len);
int hive_stream(struct hive *, hive_sink, void *ctx);
/*
 * The hive replayed from its logs (HIVE_REPLAY_LOGS on a dirty hive), to
 * be written in place before the hive changes further: 1 and the bytes,
 * or 0.
 */
int hive_recovery(const struct hive *, const unsigned char **data,
    size_t *len);

#endif
