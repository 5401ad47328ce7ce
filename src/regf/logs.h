/* Replaying a hive's transaction logs (.LOG, .LOG1, .LOG2) into a clean hive. */
#ifndef LOGS_H
#define LOGS_H

#include <stddef.h>
#include <stdint.h>

struct recovery {
	unsigned char *data;	/* the recovered hive, a complete regf file */
	size_t len;
	int format;		/* 1 old (dirty vector), 6 new (HvLE entries) */
	size_t entries;		/* log entries (new) or dirty pages (old) applied */
	char *logs;		/* the log files used, comma-separated */
	uint32_t seq;		/* the sequence number written to both fields */
	int base_from_log;	/* the primary's base block was rebuilt from a log */
};

/*
 * Recovers the hive at path from the transaction logs beside it, as
 * Windows does at boot: new-format logs LOG1 then LOG2 by sequence number,
 * each entry's hashes checked; or the old-format log whose timestamp
 * matches.  The result is marked clean with sequence numbers above every
 * log entry seen.  -1 (with a message) when the hive is not dirty, or the
 * logs are missing, corrupt or do not fit it.
 */
struct sfile;
int logs_recover(struct sfile *hive, struct recovery *);
/* 1: a hive whose base block is whole and whose sequence numbers agree,
 * so Windows ignores its logs; 0: not (dirty, or not a hive); -1: error. */
int logs_clean(struct sfile *hive);
/* The same on buffers: the primary file and up to three logs (NULL: absent). */
int logs_recover_mem(const unsigned char *primary, size_t plen,
    const unsigned char *const log[3], const size_t loglen[3],
    const char *const logname[3], const char *shown, struct recovery *);
void recovery_free(struct recovery *);

/* Log file types, as the base block's file type field gives them. */
enum { LOG_OLD = 1, LOG_NEW = 6 };

/* Changed bytes of the hive bins: offset relative to the bins, 4 KiB-aligned. */
struct page_run {
	uint32_t off, len;
	const unsigned char *data;
};

/*
 * A transaction log holding runs, as Windows writes one before it touches
 * the primary file.  base is the new primary's base block (bins size, root
 * cell, flags, timestamp); seq goes into both sequence numbers of the
 * log's base block.  LOG_NEW: one HvLE entry numbered seq with both
 * Marvin32 hashes, then an empty sector that ends the log whatever older
 * entries lie further on.  LOG_OLD: the dirty vector and the pages.
 */
unsigned char *logs_build(int format, const unsigned char *base, uint32_t seq,
    const struct page_run *runs, size_t nruns, size_t *len);
/* The log's base block of a log file's first sector, if valid: its type and sequence number. */
int logs_header(const unsigned char *b, size_t len, int *format, uint32_t *seq);

/* Marvin32 of data with the registry's seed, as stored in a log entry. */
uint64_t marvin32(const unsigned char *data, size_t len);
/* The same with any seed, for the published known answers. */
uint64_t marvin32_seeded(uint64_t seed, const unsigned char *data, size_t len);

#endif
